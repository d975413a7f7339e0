//! `sohoa import PACKAGE...`: an archival package written by `sohoa export` (a folder or its
//! ZIP) turned back into the case's bag. The package is checked file by file against its METS
//! first ([`sohoa_export::open`]): one changed byte and nothing is imported. The bag is then
//! built like any other (temporary folder, committed whole) from the representation's data and
//! the record the package carries, with one more preservation event saying where it came from.

use crate::lock;
use serde::Serialize;
use sohoa_archive::events::{self, EventLog, Outcome};
use sohoa_archive::problem::Problem;
use sohoa_archive::{layout, record, safe_fs};
use sohoa_bagit::BagBuilder;
use sohoa_export::{Package, REP, SOHOA_METADATA};
use std::path::Path;

/// One package imported (or left alone because the archive already holds the same bag).
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub package: String,
    pub object_id: String,
    pub case_id: String,
    /// `imported` or `already_present`.
    pub status: &'static str,
    pub bag: String,
    pub files: usize,
}

fn cannot(package: &Path, code: &str, vi: String, en: String) -> Problem {
    Problem::error(code, vi, en).in_file(package.display().to_string())
}

/// Imports one package into `archive`; `operator` (the person importing) is named on the event
/// with the agency (PREMIS agents).
pub fn import_package(
    archive: &Path,
    package: &Path,
    operator: Option<&str>,
    catalog: &dyn super::ArchiveCatalog,
) -> Result<Imported, Problem> {
    let _lock = lock::open_for_writing(archive)?;
    let unpacked = if package.is_file() {
        let dir = archive.join(layout::BAGS).join(format!(
            "{}import-{}",
            layout::BUILDING_PREFIX,
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Some(dir)
    } else {
        None
    };
    let result = (|| {
        let root = match &unpacked {
            Some(dir) => sohoa_export::unzip(package, dir)?,
            None => package.to_path_buf(),
        };
        let checked = sohoa_export::open(&root)?;
        store(archive, package, &checked, operator, catalog)
    })();
    if let Some(dir) = unpacked {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

/// What a sohoa package carries of its bag besides the data.
struct Own {
    /// `metadata.json` as it was in the bag.
    meta: Vec<u8>,
    id: String,
    log: EventLog,
    agency: Option<String>,
    info: sohoa_archive::bag::reader::BagInfo,
}

/// Reads and checks `metadata/other/sohoa/` (the record, events and bag-info of the bag).
fn read_own(package: &Path, p: &Package) -> Result<Own, Problem> {
    let own = |name: &str| format!("{SOHOA_METADATA}/{name}");
    for name in [record::FILE, events::FILE, "bag-info.txt"] {
        if !p.files.contains_key(&own(name)) {
            return Err(cannot(
                package,
                "import.not_sohoa",
                format!(
                    "Gói không do sohoa xuất (thiếu {}): chưa nhập được",
                    own(name)
                ),
                format!(
                    "Not a package sohoa exported ({} is missing): not imported",
                    own(name)
                ),
            ));
        }
    }
    let read = |rel: &str| {
        safe_fs::read_beneath(&p.root, rel, sohoa_archive::bag::reader::TAG_FILE_LIMIT).map_err(
            |e| {
                cannot(
                    package,
                    "import.io",
                    format!("{rel}: {}", e.vi()),
                    format!("{rel}: {}", e.en()),
                )
            },
        )
    };
    let damaged = |rel: String, e: String| {
        cannot(
            package,
            "import.bad_record",
            format!("{rel}: {e}"),
            format!("{rel}: {e}"),
        )
    };
    let meta = read(&own(record::FILE))?;
    let loaded = record::load(&meta).map_err(|e| damaged(own(record::FILE), e))?;
    let id = loaded.record.case_id.clone();
    if id.is_empty() || sohoa_archive::text::safe_id(&id) != id {
        return Err(cannot(
            package,
            "import.bad_record",
            format!("Mã hồ sơ trong gói không hợp lệ: {id:?}"),
            format!("The package's case id is not valid: {id:?}"),
        ));
    }
    let log =
        EventLog::load(&read(&own(events::FILE))?).map_err(|e| damaged(own(events::FILE), e))?;
    // The agency of the case, for the import's event.
    let agency = loaded.record.case.agency_name.clone();
    let info_text = String::from_utf8(read(&own("bag-info.txt"))?).unwrap_or_default();
    Ok(Own {
        meta,
        id,
        log,
        agency,
        info: sohoa_archive::bag::reader::BagInfo::parse(&info_text),
    })
}

fn store(
    archive: &Path,
    package: &Path,
    p: &Package,
    operator: Option<&str>,
    catalog: &dyn super::ArchiveCatalog,
) -> Result<Imported, Problem> {
    let Own {
        meta,
        id,
        mut log,
        agency,
        info,
    } = read_own(package, p)?;
    log.acting(operator, agency.as_deref());
    let bag_rel = layout::bag(&id);
    let data_prefix = format!("{REP}/data/");
    let data: Vec<&sohoa_export::Listed> = p
        .files
        .values()
        .filter(|f| f.path.starts_with(&data_prefix))
        .collect();
    if archive.join(&bag_rel).exists() {
        return already_there(archive, package, p, &bag_rel, &id, &data, &meta);
    }
    log.add(
        events::kind::INGESTION,
        events::detail("import"),
        Outcome::Success,
        format!(
            "{} files from archival package {} ({}), checked against its METS",
            data.len() + 2,
            p.object_id,
            if p.package_type.is_empty() {
                "?"
            } else {
                &p.package_type
            }
        ),
        vec![
            events::source(p.object_id.clone()),
            events::outcome(bag_rel.clone()),
        ],
    );
    let tmp = layout::building(archive, &id);
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(e) = write_bag(p, &tmp, &data, &meta, &log, &info)
        .and_then(|()| sohoa_bagit::commit(&tmp, &archive.join(&bag_rel)))
    {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(cannot(
            package,
            "import.io",
            format!("Không ghi được túi {bag_rel}: {e}"),
            format!("Cannot write bag {bag_rel}: {e}"),
        ));
    }
    let _ = catalog.catch_up(std::slice::from_ref(&id), &[]);
    Ok(Imported {
        package: package.display().to_string(),
        object_id: p.object_id.clone(),
        case_id: id,
        status: "imported",
        bag: bag_rel,
        files: data.len() + 2,
    })
}

/// The bag in its temporary folder: the representation's data (each copy hashed and compared
/// with the METS again), the record and the events; bag-info carried over.
fn write_bag(
    p: &Package,
    tmp: &Path,
    data: &[&sohoa_export::Listed],
    meta: &[u8],
    log: &EventLog,
    info: &sohoa_archive::bag::reader::BagInfo,
) -> std::io::Result<()> {
    let data_prefix = format!("{REP}/data/");
    let mut b = BagBuilder::create(tmp.to_path_buf())?;
    for f in data {
        let (file, _) =
            safe_fs::open_beneath(&p.root, &f.path).map_err(|e| std::io::Error::other(e.en()))?;
        if b.copy_from(&f.path[data_prefix.len()..], file)? != f.sha256 {
            return Err(std::io::Error::other(format!(
                "{} changed while it was imported",
                f.path
            )));
        }
    }
    b.write(record::FILE, meta)?;
    b.write(events::FILE, &log.to_json())?;
    let labels =
        sohoa_bagit::rewrap::carried_labels(info, &[("Bagging-Date", sohoa_bagit::bagging_date())]);
    let labels: Vec<(&str, String)> = labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    b.finish(&labels)?;
    Ok(())
}

/// The archive holds the case already: the same bag (same record, same data) is left as it
/// is; a different one is never replaced by an import.
fn already_there(
    archive: &Path,
    package: &Path,
    p: &Package,
    bag_rel: &str,
    id: &str,
    data: &[&sohoa_export::Listed],
    meta: &[u8],
) -> Result<Imported, Problem> {
    let bag = sohoa_archive::bag::reader::Bag::open(archive, bag_rel)
        .map_err(|e| cannot(package, "import.io", e.vi(), e.en()))?;
    let manifest = bag.manifest("manifest-sha256.txt");
    let data_prefix = format!("{REP}/data/");
    let same_data = data.iter().all(|f| {
        manifest
            .entries
            .get(&format!("data/{}", &f.path[data_prefix.len()..]))
            == Some(&f.sha256)
    });
    let meta_sha = sohoa_archive::hash::sha256_hex(meta);
    let same_record = manifest.entries.get(record::PATH) == Some(&meta_sha);
    if same_data && same_record {
        return Ok(Imported {
            package: package.display().to_string(),
            object_id: p.object_id.clone(),
            case_id: id.to_string(),
            status: "already_present",
            bag: bag_rel.to_string(),
            files: data.len() + 2,
        });
    }
    Err(cannot(
        package,
        "import.exists",
        format!("Kho đã có hồ sơ {id} với nội dung khác: gói không được nhập đè (rút hồ sơ cũ bằng `sohoa withdraw` nếu cần thay)"),
        format!("The archive already holds case {id} with other content: the package is not imported over it (withdraw the old one with `sohoa withdraw` to replace it)"),
    ))
}
