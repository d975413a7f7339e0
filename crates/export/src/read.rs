//! A package read back and checked before anything of it is trusted: its root `METS.xml` and
//! every representation's METS are parsed, every file they list is opened beneath the package
//! (no links, no `..`, no absolute paths) and its size and SHA-256 compared with the METS; a
//! file the METS do not list is refused as well. ZIPs are unpacked first, entry names checked.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use sha2::{Digest, Sha256};
use sohoa_archive::safe_fs;
use sohoa_archive::Problem;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest METS file read.
const METS_LIMIT: u64 = 64 * 1024 * 1024;
/// Largest package unpacked from a ZIP (bytes, entries).
const ZIP_BYTES_LIMIT: u64 = 64 * 1024 * 1024 * 1024;
const ZIP_ENTRIES_LIMIT: usize = 1_000_000;
/// Most METS files (root and representations) followed in one package.
const MAX_METS: usize = 1000;

/// A file a METS lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// Path from the package root.
    pub path: String,
    /// Lower-case hex.
    pub sha256: String,
    pub size: u64,
}

/// A package whose files all match their METS.
#[derive(Debug, Clone)]
pub struct Package {
    pub root: PathBuf,
    pub object_id: String,
    /// `AIP`, `SIP`, ... as the root METS says.
    pub package_type: String,
    pub files: BTreeMap<String, Listed>,
}

fn bad(package: &Path, code: &str, vi: String, en: String) -> Problem {
    Problem::error(code, vi, en).in_file(package.display().to_string())
}

/// What one METS says: its OBJID, package type, the files it lists (paths relative to the
/// METS's folder) and the representation METS it points to.
#[derive(Debug, Default)]
struct MetsFacts {
    object_id: String,
    package_type: String,
    listed: Vec<ListedRef>,
}

/// One `mdRef` or `file` of a METS: href, checksum type, checksum, size.
type ListedRef = (String, Option<String>, Option<String>, Option<u64>);

fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn parse_mets(bytes: &[u8]) -> Result<MetsFacts, String> {
    let mut reader = Reader::from_reader(bytes);
    let mut facts = MetsFacts::default();
    // The `file` element whose FLocat comes next: (checksum type, checksum, size).
    let mut open_file: Option<(Option<String>, Option<String>, Option<u64>)> = None;
    let mut buf = Vec::new();
    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let size = || attr(e, "SIZE").and_then(|s| s.parse::<u64>().ok());
                match name.as_ref() {
                    "mets" if facts.object_id.is_empty() => {
                        facts.object_id = attr(e, "OBJID").unwrap_or_default();
                    }
                    "metsHdr" => {
                        facts.package_type = attr(e, "OAISPACKAGETYPE").unwrap_or_default();
                    }
                    "mdRef" => {
                        let href = attr(e, "href").ok_or("an mdRef has no xlink:href")?;
                        facts.listed.push((
                            href,
                            attr(e, "CHECKSUMTYPE"),
                            attr(e, "CHECKSUM"),
                            size(),
                        ));
                    }
                    "file" => {
                        open_file = Some((attr(e, "CHECKSUMTYPE"), attr(e, "CHECKSUM"), size()));
                    }
                    "FLocat" => {
                        let href = attr(e, "href").ok_or("an FLocat has no xlink:href")?;
                        let (t, c, s) = open_file.take().ok_or("an FLocat outside a file")?;
                        facts.listed.push((href, t, c, s));
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(facts)
}

/// What a METS lists, each path joined to `base` (the METS's folder) and refused when unsafe:
/// the fuzz target `package_mets` and [`open`] read METS through this.
pub fn listed_in_mets(bytes: &[u8], base: &str) -> Result<Vec<String>, String> {
    let facts = parse_mets(bytes)?;
    facts
        .listed
        .into_iter()
        .map(|(href, ..)| join(base, &href).ok_or_else(|| format!("unsafe path {href:?}")))
        .collect()
}

/// `base` + `href`, refused when it is absolute, climbs out (`..`) or is not plain.
fn join(base: &str, href: &str) -> Option<String> {
    if href.contains('\\') || href.contains("://") || href.starts_with('/') {
        return None;
    }
    let path = format!("{base}{href}");
    safe_fs::safe_parts(&path).ok()?;
    Some(path)
}

/// Opens and checks the package folder at `root`; a package wrapped in a BagIt bag for
/// transfer (`sohoa export --bag`) is verified as a bag first (every digest, nothing missing or
/// extra) and its `data/` read as the package.
pub fn open(root: &Path) -> Result<Package, Problem> {
    if root.join("bagit.txt").is_file() {
        let (Some(parent), Some(name)) = (root.parent(), root.file_name()) else {
            return Err(bad(
                root,
                "import.not_a_package",
                "không phải thư mục".into(),
                "not a folder".into(),
            ));
        };
        let bag = sohoa_archive::bag::reader::Bag::open(parent, &name.to_string_lossy())
            .map_err(|e| bad(root, "import.bag_invalid", e.vi(), e.en()))?;
        let report = sohoa_bagit::verify::verify_opened(&bag, name.to_string_lossy().into_owned());
        if !report.valid {
            use sohoa_archive::problem::Lang;
            // Each bag problem in its language, then the files that fail (their paths and
            // statuses read the same in both).
            let files: Vec<String> = report
                .files
                .iter()
                .filter(|f| f.status != sohoa_bagit::verify::FileStatus::Ok)
                .take(10)
                .map(|f| format!("{} {:?}", f.path, f.status).to_lowercase())
                .collect();
            let why = |lang| {
                let mut all = report.problems_in(lang).to_vec();
                all.extend(files.iter().cloned());
                all.join("; ")
            };
            return Err(bad(
                root,
                "import.bag_invalid",
                format!("Túi BagIt bọc gói không hợp lệ: {}", why(Lang::Vi)),
                format!(
                    "The BagIt bag around the package is not valid: {}",
                    why(Lang::En)
                ),
            ));
        }
        return open_package(&root.join("data"));
    }
    open_package(root)
}

/// [`open`] for the package folder itself.
fn open_package(root: &Path) -> Result<Package, Problem> {
    let read_mets = |rel: &str| -> Result<MetsFacts, Problem> {
        let bytes = safe_fs::read_beneath(root, rel, METS_LIMIT).map_err(|e| {
            bad(
                root,
                "import.not_a_package",
                format!("Không đọc được {rel} của gói: {}", e.vi()),
                format!("Cannot read the package's {rel}: {}", e.en()),
            )
        })?;
        parse_mets(&bytes).map_err(|e| {
            bad(
                root,
                "import.bad_mets",
                format!("{rel} hỏng: {e}"),
                format!("{rel} is damaged: {e}"),
            )
        })
    };
    let top = read_mets("METS.xml")?;
    let mut files: BTreeMap<String, Listed> = BTreeMap::new();
    let mut mets_files = vec!["METS.xml".to_string()];
    let mut queue: Vec<(String, MetsFacts)> = vec![(String::new(), top)];
    let (object_id, package_type) = (
        queue[0].1.object_id.clone(),
        queue[0].1.package_type.clone(),
    );
    while let Some((base, facts)) = queue.pop() {
        for (href, kind, sum, size) in facts.listed {
            let path = join(&base, &href).ok_or_else(|| {
                bad(
                    root,
                    "import.unsafe_path",
                    format!("Gói trỏ tới một đường dẫn không an toàn: {href}"),
                    format!("The package points at an unsafe path: {href}"),
                )
            })?;
            let (Some(kind), Some(sum), Some(size)) = (kind, sum, size) else {
                return Err(bad(
                    root,
                    "import.no_checksum",
                    format!("{path}: METS không ghi kích thước và mã SHA-256"),
                    format!("{path}: the METS gives no size and SHA-256"),
                ));
            };
            if !kind.eq_ignore_ascii_case("SHA-256") {
                return Err(bad(
                    root,
                    "import.no_checksum",
                    format!("{path}: mã kiểm tra {kind}, cần SHA-256"),
                    format!("{path}: checksum type {kind}, SHA-256 needed"),
                ));
            }
            if path.ends_with("/METS.xml") && !mets_files.contains(&path) {
                if mets_files.len() >= MAX_METS {
                    return Err(bad(
                        root,
                        "import.bad_mets",
                        format!("Gói có hơn {MAX_METS} tệp METS"),
                        format!("The package holds more than {MAX_METS} METS files"),
                    ));
                }
                let rep_base = path.trim_end_matches("METS.xml").to_string();
                mets_files.push(path.clone());
                queue.push((rep_base, read_mets(&path)?));
            }
            files.insert(
                path.clone(),
                Listed {
                    path,
                    sha256: sum.to_lowercase(),
                    size,
                },
            );
        }
    }
    for f in files.values() {
        check_file(root, f)?;
    }
    // Nothing else in the package.
    for e in walkdir::WalkDir::new(root).follow_links(false).min_depth(1) {
        let e = e.map_err(|e| bad(root, "import.io", format!("{e}"), format!("{e}")))?;
        if e.file_type().is_dir() {
            continue;
        }
        let rel = sohoa_archive::layout::rel_path(root, e.path());
        if !files.contains_key(&rel) && !mets_files.contains(&rel) {
            return Err(bad(
                root,
                "import.unlisted",
                format!("{rel} có trong gói nhưng không có trong METS"),
                format!("{rel} is in the package but in no METS"),
            ));
        }
    }
    Ok(Package {
        root: root.to_path_buf(),
        object_id,
        package_type,
        files,
    })
}

fn check_file(root: &Path, f: &Listed) -> Result<(), Problem> {
    let (mut file, size) = safe_fs::open_beneath(root, &f.path).map_err(|e| {
        bad(
            root,
            "import.missing",
            format!("{}: không mở được ({})", f.path, e.vi()),
            format!("{}: cannot be opened ({})", f.path, e.en()),
        )
    })?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 512 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|e| {
            bad(
                root,
                "import.io",
                format!("{}: {e}", f.path),
                format!("{}: {e}", f.path),
            )
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let sha = hex::encode(hasher.finalize());
    if size != f.size || sha != f.sha256 {
        return Err(bad(root, "import.checksum",
            format!("{}: tệp đã bị thay đổi (SHA-256 {sha}, {size} byte; METS ghi {}, {} byte)", f.path, f.sha256, f.size),
            format!("{}: the file was changed (SHA-256 {sha}, {size} bytes; the METS says {}, {} bytes)", f.path, f.sha256, f.size)));
    }
    Ok(())
}

/// Unpacks a package ZIP into `into` (which must not exist); returns the package folder (the
/// ZIP's one root folder). Entry names that would leave `into` are refused.
pub fn unzip(zip_path: &Path, into: &Path) -> Result<PathBuf, Problem> {
    let err = |vi: String, en: String| bad(zip_path, "import.bad_zip", vi, en);
    let file = std::fs::File::open(zip_path).map_err(|e| {
        err(
            format!("không mở được: {e}"),
            format!("cannot be opened: {e}"),
        )
    })?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| {
        err(
            format!("không phải tệp ZIP hợp lệ: {e}"),
            format!("not a valid ZIP: {e}"),
        )
    })?;
    if zip.len() > ZIP_ENTRIES_LIMIT {
        return Err(err("quá nhiều mục".into(), "too many entries".into()));
    }
    std::fs::create_dir(into).map_err(|e| err(format!("{e}"), format!("{e}")))?;
    let mut roots = std::collections::BTreeSet::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| err(format!("{e}"), format!("{e}")))?;
        let shown = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let Some(name) = entry.enclosed_name() else {
            return Err(err(
                format!("mục {shown} ra ngoài thư mục gói"),
                format!("entry {shown} leaves the package folder"),
            ));
        };
        if let Some(first) = name.components().next() {
            roots.insert(first.as_os_str().to_os_string());
        }
        let out = into.join(&name);
        if entry.is_dir() {
            std::fs::create_dir_all(&out).map_err(|e| err(format!("{e}"), format!("{e}")))?;
            continue;
        }
        if entry.is_symlink() {
            return Err(err(
                format!("mục {shown} là liên kết"),
                format!("entry {shown} is a link"),
            ));
        }
        total = total.saturating_add(entry.size());
        if total > ZIP_BYTES_LIMIT {
            return Err(err("gói quá lớn".into(), "the package is too large".into()));
        }
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(|e| err(format!("{e}"), format!("{e}")))?;
        }
        let mut dest = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&out)
            .map_err(|e| {
                err(
                    format!("{}: {e}", out.display()),
                    format!("{}: {e}", out.display()),
                )
            })?;
        let declared = entry.size();
        std::io::copy(
            &mut (&mut entry).take(declared.saturating_add(1)),
            &mut dest,
        )
        .map_err(|e| err(format!("{e}"), format!("{e}")))?;
    }
    if roots.len() != 1 {
        return Err(err(
            "ZIP phải có đúng một thư mục gốc".into(),
            "the ZIP must hold exactly one root folder".into(),
        ));
    }
    let root = roots.into_iter().next().unwrap_or_default();
    Ok(into.join(root))
}
