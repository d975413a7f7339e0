//! Step 1 of the flow: walk a scan folder into cases, each with its page files in order
//! and grouped by component document (thành phần hồ sơ). Nothing is read but names; links are
//! refused unless `--follow-symlinks`, special files (FIFO, devices) always.

mod shape;

pub use shape::looks_like_a_case;

use sohoa_archive::problem::Problem;
use sohoa_archive::safe_fs::Follow;
use sohoa_archive::text::{natural_cmp, nfc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// File name of a per-case metadata sidecar inside a case folder.
pub use sohoa_register::sidecar::SIDECAR;

/// Scan formats sohoa reads as pages, by extension (lowercase): images, and PDFs (their
/// scanned pages; a PDF with none is kept as an attachment when its pages are read).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "tif", "tiff", "pdf"];

/// Files that scanners and desktops leave behind; ignored without complaint.
const JUNK: &[&str] = &["thumbs.db", "desktop.ini", ".ds_store"];

/// One page file (which may hold several pages, e.g. a multi-page TIFF).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path relative to the case folder, `/`-separated, NFC.
    pub rel: String,
    /// Index into `CaseSource::components`, `None` for pages directly in the case folder.
    pub component: Option<usize>,
}

/// A component document: one subfolder of a case folder.
#[derive(Debug, Clone)]
pub struct ComponentFolder {
    /// Folder name as on disk (NFC).
    pub folder: String,
}

/// Everything found for one case folder.
#[derive(Debug, Clone)]
pub struct CaseSource {
    pub dir: PathBuf,
    /// Folder name (NFC).
    pub folder: String,
    pub files: Vec<SourceFile>,
    /// Other files of the case (a note, a document): kept in the bag as they are, with a
    /// warning; never pages.
    pub attachments: Vec<SourceFile>,
    pub components: Vec<ComponentFolder>,
    pub sidecar: Option<PathBuf>,
    /// Problems found while walking (unsupported files, nesting, empty folders).
    pub problems: Vec<Problem>,
}

/// A scan folder: its cases and its register, if any.
#[derive(Debug)]
pub struct ScanBatch {
    pub root: PathBuf,
    /// The batch register (`hoso.xlsx`, `hoso.csv`, ... see `register::REGISTER_NAMES`).
    pub register: Option<PathBuf>,
    /// The register's column mapping file (`hoso.mapping.toml`).
    pub mapping: Option<PathBuf>,
    pub cases: Vec<CaseSource>,
    pub problems: Vec<Problem>,
    /// Page images and `hoso.json` found directly in the scan folder (a sign that it is a
    /// case folder given where the folder of cases belongs).
    pub top_pages: Vec<String>,
}

pub(crate) fn name_of(path: &Path) -> String {
    nfc(&path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default())
}

fn is_junk(name: &str) -> bool {
    JUNK.contains(&name.to_lowercase().as_str()) || name.starts_with("._")
}

fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Walks `root`: every subfolder is a case; `hoso.xlsx`/`hoso.csv`/... at the top is the
/// register, `hoso.mapping.toml` its column mapping. Links are followed only with
/// [`Follow::Yes`]; otherwise each is an error naming it and where it points.
pub fn discover(root: &Path, follow: Follow) -> std::io::Result<ScanBatch> {
    discover_only(root, follow, None)
}

/// [`discover`], walking only the case folders named in `only` (a queued case job: the other
/// folders of the batch are not read).
pub fn discover_only(
    root: &Path,
    follow: Follow,
    only: Option<&std::collections::BTreeSet<String>>,
) -> std::io::Result<ScanBatch> {
    let mut batch = ScanBatch {
        root: root.to_path_buf(),
        register: None,
        mapping: None,
        cases: Vec::new(),
        problems: Vec::new(),
        top_pages: Vec::new(),
    };
    let mut entries: Vec<_> = std::fs::read_dir(root)?.collect::<Result<_, _>>()?;
    entries.sort_by(|a, b| natural_cmp(&name_of(&a.path()), &name_of(&b.path())));
    let mut registers = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for entry in entries {
        let path = entry.path();
        let name = name_of(&path);
        if name.starts_with('.') || is_junk(&name) {
            continue;
        }
        let on_disk = entry.file_name().to_string_lossy().to_string();
        if names.insert(name.clone(), on_disk).is_some() {
            batch.problems.push(name_collision(&name));
            continue;
        }
        let kind = entry.file_type()?;
        if only.is_some_and(|o| !o.contains(&name)) {
            continue;
        }
        if kind.is_symlink() && follow == Follow::No {
            let problem = symlink_problem(&path, name.clone());
            if path.is_dir() {
                // A linked case folder is a case that cannot be read as it stands.
                let mut case = CaseSource::empty(&path, name);
                case.problems.push(problem);
                batch.cases.push(case);
            } else {
                batch.problems.push(problem);
            }
            continue;
        }
        if path.is_dir() {
            batch.cases.push(discover_case(&path, follow));
        } else if !path.is_file() {
            batch.problems.push(not_regular_problem(name));
        } else if let Some(rank) = register_rank(&name) {
            registers.push((rank, path));
        } else if name.eq_ignore_ascii_case(sohoa_register::MAPPING_NAME) {
            batch.mapping = Some(path);
        } else {
            if name.eq_ignore_ascii_case(SIDECAR)
                || IMAGE_EXTENSIONS.contains(&extension(&name).as_str())
            {
                batch.top_pages.push(name.clone());
            }
            batch.problems.push(
                Problem::warning(
                    "scan.ignored_file",
                    "Tệp ở thư mục gốc không thuộc hồ sơ nào nên bị bỏ qua",
                    "File at the top of the scan folder belongs to no case and is ignored",
                )
                .in_file(name),
            );
        }
    }
    registers.sort();
    let mut registers = registers.into_iter().map(|(_, p)| p);
    batch.register = registers.next();
    for other in registers {
        batch.problems.push(
            Problem::warning(
                "scan.several_registers",
                format!(
                    "Có nhiều sổ đăng ký: dùng {}, bỏ qua tệp này",
                    batch.register.as_deref().map(name_of).unwrap_or_default()
                ),
                format!(
                    "Several registers: using {}, this one is ignored",
                    batch.register.as_deref().map(name_of).unwrap_or_default()
                ),
            )
            .in_file(name_of(&other)),
        );
    }
    Ok(batch)
}

/// Preference of a register file name (lower first), or None when it is not one.
fn register_rank(name: &str) -> Option<usize> {
    sohoa_register::REGISTER_NAMES
        .iter()
        .position(|r| name.eq_ignore_ascii_case(r))
}

impl CaseSource {
    fn empty(dir: &Path, folder: String) -> CaseSource {
        CaseSource {
            dir: dir.to_path_buf(),
            folder,
            files: Vec::new(),
            attachments: Vec::new(),
            components: Vec::new(),
            sidecar: None,
            problems: Vec::new(),
        }
    }
}

/// A link in the scan folder, not followed: where it points, and what to do.
fn symlink_problem(path: &Path, rel: String) -> Problem {
    let target = std::fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    Problem::error(
        "scan.symlink",
        format!("Là liên kết tượng trưng (symlink) tới \"{target}\": sohoa không đi theo liên kết trong thư mục ảnh quét; hãy chép tệp thật vào hoặc chạy với --follow-symlinks"),
        format!("Is a symbolic link to \"{target}\": sohoa does not follow links in a scan folder; copy the real file in, or run with --follow-symlinks"),
    )
    .in_file(rel)
}

fn not_regular_problem(rel: String) -> Problem {
    Problem::error(
        "scan.not_regular_file",
        "Không phải tệp thông thường (đường ống FIFO, tệp thiết bị hoặc socket): không đọc",
        "Not a regular file (a FIFO, a device or a socket): not read",
    )
    .in_file(rel)
}

/// Two names that are the same text once Unicode-normalized (NFC and NFD spellings of one
/// name, as macOS and Windows write them): people cannot tell them apart.
fn name_collision(name: &str) -> Problem {
    Problem::error(
        "scan.name_collision",
        format!("Hai mục cùng tên \"{name}\" khi chuẩn hóa Unicode (hai cách viết NFC/NFD của một tên, thường do chép từ máy Mac): hãy đổi tên một mục"),
        format!("Two entries are named \"{name}\" once Unicode-normalized (NFC and NFD spellings of one name, often from a Mac): rename one of them"),
    )
    .in_file(name.to_string())
}

/// Walks one case folder (two levels: pages, or component subfolders of pages).
pub fn discover_case(dir: &Path, follow: Follow) -> CaseSource {
    let folder = name_of(dir);
    let mut case = CaseSource::empty(dir, folder);
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut walker = walk(dir, follow).into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let file = err.path().map(|p| rel_path(dir, p)).unwrap_or_default();
                case.problems.push(
                    Problem::error(
                        "scan.unreadable",
                        format!("Không đọc được: {err}"),
                        format!("Cannot read: {err}"),
                    )
                    .in_file(file),
                );
                continue;
            }
        };
        let name = nfc(&entry.file_name().to_string_lossy());
        let rel = rel_path(dir, entry.path());
        let kind = entry.file_type();
        let skip_folder = if name.starts_with('.') || is_junk(&name) {
            true
        } else if !seen.insert(rel.clone()) {
            case.problems.push(name_collision(&rel));
            true
        } else if kind.is_symlink() {
            case.problems.push(symlink_problem(entry.path(), rel));
            false
        } else if !kind.is_dir() && !kind.is_file() {
            case.problems.push(not_regular_problem(rel));
            false
        } else if kind.is_dir() {
            !add_component(&mut case, entry.depth(), name, rel)
        } else {
            add_file(&mut case, &entry, &name, rel);
            false
        };
        if skip_folder && kind.is_dir() {
            walker.skip_current_dir();
        }
    }
    if case.files.is_empty() && !case.problems.iter().any(Problem::is_error) {
        case.problems.push(Problem::error(
            "scan.no_pages",
            "Thư mục hồ sơ không có trang ảnh nào",
            "The case folder holds no page images",
        ));
    }
    case
}

/// A case folder's entries: loose files first, then component folders, each in natural order.
fn walk(dir: &Path, follow: Follow) -> WalkDir {
    WalkDir::new(dir)
        .min_depth(1)
        .follow_links(follow == Follow::Yes)
        .sort_by(|a, b| {
            let (ad, bd) = (a.file_type().is_dir(), b.file_type().is_dir());
            ad.cmp(&bd).then_with(|| {
                natural_cmp(
                    &a.file_name().to_string_lossy(),
                    &b.file_name().to_string_lossy(),
                )
            })
        })
}

/// A subfolder of the case folder is a component document; deeper folders are refused.
/// False when the folder is not walked into.
fn add_component(case: &mut CaseSource, depth: usize, name: String, rel: String) -> bool {
    if depth > 1 {
        case.problems.push(
            Problem::error(
                "scan.nested_folder",
                "Thư mục lồng quá hai cấp: mỗi thành phần hồ sơ phải là một thư mục con trực tiếp của thư mục hồ sơ",
                "Folder nested too deep: each component document must be a direct subfolder of the case folder",
            )
            .in_file(rel),
        );
        return false;
    }
    case.components.push(ComponentFolder { folder: name });
    true
}

/// A file of the case: the sidecar, a scan (an image or a PDF), or another file kept as it is.
fn add_file(case: &mut CaseSource, entry: &walkdir::DirEntry, name: &str, rel: String) {
    let component = (entry.depth() == 2).then(|| case.components.len() - 1);
    if entry.depth() == 1 && name.eq_ignore_ascii_case(SIDECAR) {
        case.sidecar = Some(entry.path().to_path_buf());
    } else if IMAGE_EXTENSIONS.contains(&extension(name).as_str()) {
        case.files.push(SourceFile {
            path: entry.path().to_path_buf(),
            rel,
            component,
        });
    } else {
        // An archive must not leave part of a case behind, nor refuse the case for a note:
        // the file goes into the bag as it is, and people are told.
        case.problems.push(
            Problem::warning(
                "scan.other_file_kept",
                "Tệp không phải ảnh quét (JPEG, PNG, TIFF, PDF): được giữ nguyên trong túi (data/originals/), không thành trang của tệp PDF/A",
                "Not a scan (JPEG, PNG, TIFF, PDF): kept as it is in the bag (data/originals/), not a page of the bundle",
            )
            .in_file(rel.clone()),
        );
        case.attachments.push(SourceFile {
            path: entry.path().to_path_buf(),
            rel,
            component,
        });
    }
}

pub use sohoa_archive::layout::rel_path;

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn pages_in_natural_order_grouped_by_component() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("HS1");
        fs::create_dir_all(case.join("02 Giấy chứng sinh")).unwrap();
        fs::create_dir_all(case.join("01 To khai")).unwrap();
        for f in [
            "01 To khai/10.jpg",
            "01 To khai/2.jpg",
            "02 Giấy chứng sinh/1.png",
            "hoso.json",
            "Thumbs.db",
        ] {
            fs::write(case.join(f), b"x").unwrap();
        }
        fs::write(dir.path().join("hoso.csv"), b"").unwrap();
        let batch = discover(dir.path(), Follow::No).unwrap();
        assert!(batch.register.is_some());
        let c = &batch.cases[0];
        let rels: Vec<_> = c.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "01 To khai/2.jpg",
                "01 To khai/10.jpg",
                "02 Giấy chứng sinh/1.png"
            ]
        );
        assert_eq!(c.components.len(), 2);
        assert_eq!(c.files[2].component, Some(1));
        assert!(c.sidecar.is_some());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    #[test]
    fn other_files_are_kept_with_a_warning_and_nesting_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("HS2");
        fs::create_dir_all(case.join("01/deeper")).unwrap();
        fs::write(case.join("notes.docx"), b"x").unwrap();
        fs::write(case.join("1.jpg"), b"x").unwrap();
        fs::write(case.join("2.PDF"), b"x").unwrap();
        let c = discover_case(&case, Follow::No);
        let codes: Vec<_> = c
            .problems
            .iter()
            .map(|p| (p.code.as_str(), p.file.clone().unwrap()))
            .collect();
        assert!(codes.contains(&("scan.other_file_kept", "notes.docx".into())));
        assert!(codes.contains(&("scan.nested_folder", "01/deeper".into())));
        assert_eq!(c.attachments.len(), 1);
        assert_eq!(c.files.len(), 2, "a PDF is a scan source");
        // A folder holding only a note has no pages: that is an error.
        let only = dir.path().join("HS3");
        fs::create_dir_all(&only).unwrap();
        fs::write(only.join("ghi chu.txt"), b"x").unwrap();
        let c = discover_case(&only, Follow::No);
        assert!(c.problems.iter().any(|p| p.code == "scan.no_pages"));
    }

    #[test]
    fn symlinked_pages_and_case_folders_are_refused_naming_their_target() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.jpg"), b"x").unwrap();
        fs::create_dir_all(outside.path().join("case")).unwrap();
        fs::write(outside.path().join("case/1.jpg"), b"x").unwrap();
        let scans = dir.path().join("scans");
        fs::create_dir_all(scans.join("A")).unwrap();
        fs::write(scans.join("A/1.jpg"), b"x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.jpg"), scans.join("A/2.jpg"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path().join("case"), scans.join("B")).unwrap();
        let batch = discover(&scans, Follow::No).unwrap();
        let a = batch.cases.iter().find(|c| c.folder == "A").unwrap();
        assert_eq!(a.files.len(), 1, "the linked page is not a page");
        let p = &a.problems[0];
        assert_eq!(
            (p.code.as_str(), p.file.as_deref()),
            ("scan.symlink", Some("2.jpg"))
        );
        assert!(p.message_en.contains("secret.jpg"), "{}", p.message_en);
        let b = batch.cases.iter().find(|c| c.folder == "B").unwrap();
        assert!(b.files.is_empty() && b.problems[0].code == "scan.symlink");
        // With --follow-symlinks both are read.
        let batch = discover(&scans, Follow::Yes).unwrap();
        assert!(
            batch.cases.iter().all(|c| c.problems.is_empty()),
            "{:?}",
            batch.cases
        );
        assert_eq!(batch.cases.iter().map(|c| c.files.len()).sum::<usize>(), 3);
    }

    #[test]
    fn a_fifo_in_a_case_folder_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("A");
        fs::create_dir_all(&case).unwrap();
        fs::write(case.join("1.jpg"), b"x").unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            case.join("2.jpg"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        for follow in [Follow::No, Follow::Yes] {
            let c = discover_case(&case, follow);
            assert_eq!(c.files.len(), 1);
            assert_eq!(c.problems[0].code, "scan.not_regular_file");
        }
    }

    #[test]
    fn names_that_differ_only_by_unicode_normalization_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("A");
        fs::create_dir_all(&case).unwrap();
        fs::write(case.join("T\u{1edd} khai.jpg"), b"nfc").unwrap();
        fs::write(case.join("To\u{300}\u{31b} khai.jpg"), b"nfd").unwrap();
        let c = discover_case(&case, Follow::No);
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.problems[0].code, "scan.name_collision");
    }
}
