//! Fixity: re-hash every file of every bag and report per file ok / changed / missing /
//! unexpected / not regular, plus bag-level problems (bagit.txt, manifests, Payload-Oxum).
//! Bags are read through [`super::Bag`] only: links and special files are reported, never followed.

use super::reader::{Bag, BAG_INFO_LIMIT};
use super::{BAGIT_TXT, PAYLOAD_MANIFEST, TAG_MANIFEST};
use serde::Serialize;
use sohoa_archive::safe_fs::{self, EntryKind, FsError};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Ok,
    Changed,
    Missing,
    Unexpected,
    /// A symbolic link, FIFO, device or socket where a file should be: never followed or read.
    NotRegular,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileCheck {
    /// Path relative to the bag root, e.g. `data/metadata.json`.
    pub path: String,
    pub status: FileStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BagReport {
    /// Case id (the bag folder name).
    pub id: String,
    /// Bag path relative to the archive, e.g. `bags/<id>` or `versions/<id>/1`.
    pub path: String,
    pub valid: bool,
    pub files: Vec<FileCheck>,
    /// Problems with the bag as a whole (English; stable prefixes).
    pub problems: Vec<String>,
    /// The same problems in Vietnamese, in the same order (for people; not in the report).
    #[serde(skip)]
    pub problems_vi: Vec<String>,
}

/// Problems of a bag as a whole, said in Vietnamese and English.
#[derive(Default)]
struct Problems {
    vi: Vec<String>,
    en: Vec<String>,
}

impl Problems {
    fn push(&mut self, vi: String, en: String) {
        self.vi.push(vi);
        self.en.push(en);
    }

    /// A file that could not be read: `<path>: <why>`.
    fn file(&mut self, rel: &str, e: &FsError) {
        self.push(format!("{rel}: {}", e.vi()), format!("{rel}: {}", e.en()));
    }
}

impl BagReport {
    /// The bag-level problems in `lang`.
    pub fn problems_in(&self, lang: sohoa_archive::problem::Lang) -> &[String] {
        match lang {
            sohoa_archive::problem::Lang::Vi if self.problems_vi.len() == self.problems.len() => {
                &self.problems_vi
            }
            _ => &self.problems,
        }
    }

    /// Adds a problem found after hashing (a signature that does not hold).
    pub fn add_problem(&mut self, vi: String, en: String) {
        self.problems_vi.push(vi);
        self.problems.push(en);
    }

    pub fn count(&self, status: FileStatus) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }
}

/// Every bag of an archive: current ones under `bags/`, prior versions under `versions/`,
/// withdrawn ones under `withdrawn/`. Temporary folders (names starting with `.`) are skipped;
/// links are listed (and reported invalid by [`verify_bag`]), never followed. An archive folder
/// that is itself a link is an error. Returns (id, path, relative).
pub fn list_bags(archive: &Path) -> std::io::Result<Vec<(String, PathBuf, String)>> {
    if let Some(source) =
        sohoa_archive::remote::source_of(archive).map_err(|e| std::io::Error::other(e.en()))?
    {
        let url = source.describe();
        return Ok(source
            .all_bags()?
            .into_iter()
            .map(|(id, rel)| (id, PathBuf::from(format!("{url}/{rel}")), rel))
            .collect());
    }
    let mut out = Vec::new();
    let sorted = |dir: &Path| -> std::io::Result<Vec<(String, PathBuf)>> {
        match safe_fs::entry_kind(dir) {
            EntryKind::Missing => return Ok(Vec::new()),
            EntryKind::Dir => {}
            _ => {
                return Err(std::io::Error::other(format!(
                    "{} is not a folder of the archive (a link or a file): sohoa does not follow links inside the archive",
                    dir.display()
                )))
            }
        }
        let mut v: Vec<(String, PathBuf)> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() || t.is_symlink()))
            .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
            .filter(|(n, _)| !n.starts_with('.'))
            .collect();
        v.sort_by(|a, b| sohoa_archive::text::natural_cmp(&a.0, &b.0));
        Ok(v)
    };
    for (id, bag) in sorted(&archive.join(sohoa_archive::layout::BAGS))? {
        out.push((id.clone(), bag, sohoa_archive::layout::bag(&id)));
    }
    for folder in ["versions", "withdrawn"] {
        for (id, case) in sorted(&archive.join(folder))? {
            if safe_fs::entry_kind(&case) != EntryKind::Dir {
                out.push((id.clone(), case, format!("{folder}/{id}")));
                continue;
            }
            for (n, v) in sorted(&case)? {
                out.push((id.clone(), v, format!("{folder}/{id}/{n}")));
            }
        }
    }
    Ok(out)
}

fn check_entries(
    bag: &Bag,
    entries: &std::collections::BTreeMap<String, String>,
    files: &mut Vec<FileCheck>,
    problems: &mut Problems,
) {
    for (rel, expected) in entries {
        let (status, actual) = match bag.sha256(rel) {
            Ok((actual, _)) => (
                if &actual == expected {
                    FileStatus::Ok
                } else {
                    FileStatus::Changed
                },
                Some(actual),
            ),
            Err(e) if e.is_not_found() => (FileStatus::Missing, None),
            Err(e @ (FsError::Symlink | FsError::NotRegular(_))) => {
                problems.file(rel, &e);
                (FileStatus::NotRegular, None)
            }
            Err(e) => {
                problems.file(rel, &e);
                (FileStatus::Missing, None)
            }
        };
        files.push(FileCheck {
            path: rel.clone(),
            status,
            expected_sha256: Some(expected.clone()),
            actual_sha256: actual,
        });
    }
}

/// Verifies the bag at `rel` (e.g. `bags/<id>`) of `archive`: complete and valid in the RFC 8493
/// sense, file by file.
pub fn verify_bag(archive: &Path, rel: &str) -> BagReport {
    // `bags/<id>`, `versions/<id>/<n>`, `withdrawn/<id>/<n>`: the case id is the second part.
    let id = rel.split('/').nth(1).unwrap_or(rel).to_string();
    match Bag::open(archive, rel) {
        Ok(bag) => verify_opened(&bag, id),
        Err(e) => BagReport {
            id,
            path: rel.to_string(),
            valid: false,
            files: Vec::new(),
            problems: vec![format!("{rel}: {}", e.en())],
            problems_vi: vec![format!("{rel}: {}", e.vi())],
        },
    }
}

/// Verifies an opened bag.
pub fn verify_opened(bag: &Bag, id: String) -> BagReport {
    let mut problems = Problems::default();
    let mut files = Vec::new();
    match bag.read("bagit.txt", BAG_INFO_LIMIT) {
        Ok(b)
            if b == BAGIT_TXT.as_bytes()
                || String::from_utf8_lossy(&b).replace("\r\n", "\n") == BAGIT_TXT => {}
        Ok(_) => problems.push(
            "bagit.txt: không phải hai dòng khai báo BagIt 1.0".into(),
            "bagit.txt: not the two BagIt 1.0 declaration lines".into(),
        ),
        Err(e) if e.is_not_found() => {
            problems.push("bagit.txt: bị mất".into(), "bagit.txt: missing".into())
        }
        Err(e) => problems.file("bagit.txt", &e),
    }
    let entries = bag.entries();
    for e in &entries {
        let top = !e.rel.contains('/');
        if top
            && (e.rel.starts_with("manifest-") || e.rel.starts_with("tagmanifest-"))
            && e.rel != PAYLOAD_MANIFEST
            && e.rel != TAG_MANIFEST
        {
            problems.push(
                format!("{}: sohoa không hỗ trợ thuật toán này (chỉ SHA-256)", e.rel),
                format!("{}: algorithm not supported by sohoa (only SHA-256)", e.rel),
            );
        }
    }
    let payload = bag.manifest(PAYLOAD_MANIFEST);
    let tags = bag.manifest(TAG_MANIFEST);
    for m in [&payload, &tags] {
        for (i, en) in m.problems.iter().enumerate() {
            let vi = m.problems_vi.get(i).unwrap_or(en);
            problems.push(vi.clone(), en.clone());
        }
    }
    if !payload.present {
        problems.push(
            format!("manifest {PAYLOAD_MANIFEST}: không đọc được: bị mất"),
            format!("manifest {PAYLOAD_MANIFEST}: cannot read: missing"),
        );
    }
    if !tags.present {
        problems.push(
            format!("{TAG_MANIFEST}: bị mất"),
            format!("{TAG_MANIFEST}: missing"),
        );
    }
    for p in payload.entries.keys() {
        if !p.starts_with("data/") {
            problems.push(
                format!("{PAYLOAD_MANIFEST}: {p} nằm ngoài data/"),
                format!("{PAYLOAD_MANIFEST}: {p} is outside data/"),
            );
        }
    }
    check_entries(bag, &payload.entries, &mut files, &mut problems);
    check_entries(bag, &tags.entries, &mut files, &mut problems);

    // Entries on disk that no manifest lists; links and special files are never opened.
    let listed: BTreeSet<&String> = payload.entries.keys().chain(tags.entries.keys()).collect();
    let mut oxum = (0u64, 0u64);
    for e in entries {
        if e.kind == EntryKind::File && e.rel.starts_with("data/") {
            oxum.0 += e.size;
            oxum.1 += 1;
        }
        if e.kind != EntryKind::File {
            if !listed.contains(&e.rel) {
                let why = if e.kind == EntryKind::Symlink {
                    FsError::Symlink
                } else {
                    FsError::NotRegular("special file")
                };
                problems.file(&e.rel, &why);
                files.push(FileCheck {
                    path: e.rel,
                    status: FileStatus::NotRegular,
                    expected_sha256: None,
                    actual_sha256: None,
                });
            }
            continue;
        }
        if e.rel == TAG_MANIFEST || listed.contains(&e.rel) {
            continue;
        }
        let actual = bag.sha256(&e.rel).map(|(s, _)| s).ok();
        files.push(FileCheck {
            path: e.rel,
            status: FileStatus::Unexpected,
            expected_sha256: None,
            actual_sha256: actual,
        });
    }
    match bag.bag_info() {
        Ok(info) => {
            if let Some(d) = info.get("Payload-Oxum") {
                if d != format!("{}.{}", oxum.0, oxum.1) {
                    problems.push(
                        format!(
                            "bag-info.txt: Payload-Oxum ghi {d} nhưng data/ có {}.{} (byte.tệp)",
                            oxum.0, oxum.1
                        ),
                        format!(
                            "bag-info.txt: Payload-Oxum {d} but data/ holds {}.{}",
                            oxum.0, oxum.1
                        ),
                    );
                }
            }
        }
        Err(e) if e.is_not_found() => {}
        Err(e) => problems.file("bag-info.txt", &e),
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let valid = problems.en.is_empty() && files.iter().all(|f| f.status == FileStatus::Ok);
    BagReport {
        id,
        path: bag.rel.clone(),
        valid,
        files,
        problems: problems.en,
        problems_vi: problems.vi,
    }
}
