//! Fixity: re-hash every file of every bag and report per file ok / changed / missing /
//! unexpected, plus bag-level problems (bagit.txt, manifests, Payload-Oxum).

use super::{decode_path, BAGIT_TXT, PAYLOAD_MANIFEST, TAG_MANIFEST};
use crate::hash::sha256_file;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Ok,
    Changed,
    Missing,
    Unexpected,
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
}

impl BagReport {
    pub fn count(&self, status: FileStatus) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }
}

/// Every bag of an archive: current ones under `bags/`, prior versions under `versions/`.
/// Temporary folders (names starting with `.`) are skipped. Returns (id, path, relative).
pub fn list_bags(archive: &Path) -> std::io::Result<Vec<(String, PathBuf, String)>> {
    let mut out = Vec::new();
    let visible = |p: &Path| {
        p.is_dir()
            && !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    };
    let sorted = |dir: &Path| -> std::io::Result<Vec<PathBuf>> {
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| visible(p))
            .collect();
        v.sort_by(|a, b| crate::text::natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
        Ok(v)
    };
    for bag in sorted(&archive.join("bags"))? {
        let id = bag
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        out.push((id.clone(), bag, format!("bags/{id}")));
    }
    for case in sorted(&archive.join("versions"))? {
        let id = case
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for v in sorted(&case)? {
            let n = v
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            out.push((id.clone(), v, format!("versions/{id}/{n}")));
        }
    }
    Ok(out)
}

/// A manifest path is safe when it is relative and stays inside the bag.
fn is_safe(p: &str) -> bool {
    let path = Path::new(p);
    !p.is_empty()
        && !p.starts_with('~')
        && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Parses a manifest: path -> expected hex digest. Problems go to `problems`.
fn read_manifest(path: &Path, name: &str, problems: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("manifest {name}: cannot read: {e}"));
            return entries;
        }
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((sum, file)) = line.split_once([' ', '\t']) else {
            problems.push(format!("manifest {name}: line {} is malformed", i + 1));
            continue;
        };
        let file = decode_path(file.trim_start_matches([' ', '\t']));
        if sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(format!(
                "manifest {name}: line {} has no SHA-256 digest",
                i + 1
            ));
            continue;
        }
        if !is_safe(&file) {
            problems.push(format!("manifest {name}: unsafe path {file:?}"));
            continue;
        }
        if let Some(prev) = entries.insert(file.clone(), sum.to_ascii_lowercase()) {
            if prev != sum.to_ascii_lowercase() {
                problems.push(format!("manifest {name}: conflicting entries for {file}"));
            }
        }
    }
    entries
}

fn check_entries(bag: &Path, entries: &BTreeMap<String, String>, files: &mut Vec<FileCheck>) {
    for (rel, expected) in entries {
        let p = bag.join(rel);
        let check = match sha256_file(&p) {
            Ok((actual, _)) => FileCheck {
                path: rel.clone(),
                status: if &actual == expected {
                    FileStatus::Ok
                } else {
                    FileStatus::Changed
                },
                expected_sha256: Some(expected.clone()),
                actual_sha256: Some(actual),
            },
            Err(_) => FileCheck {
                path: rel.clone(),
                status: FileStatus::Missing,
                expected_sha256: Some(expected.clone()),
                actual_sha256: None,
            },
        };
        files.push(check);
    }
}

/// Verifies one bag: complete and valid in the RFC 8493 sense, file by file.
pub fn verify_bag(bag: &Path, rel: &str) -> BagReport {
    let id = bag
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    match std::fs::read(bag.join("bagit.txt")) {
        Ok(b)
            if b == BAGIT_TXT.as_bytes()
                || String::from_utf8_lossy(&b).replace("\r\n", "\n") == BAGIT_TXT => {}
        Ok(_) => problems.push("bagit.txt: not the two BagIt 1.0 declaration lines".into()),
        Err(_) => problems.push("bagit.txt: missing".into()),
    }
    let mut extra_manifests = Vec::new();
    if let Ok(rd) = std::fs::read_dir(bag) {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().to_string();
            if (name.starts_with("manifest-") || name.starts_with("tagmanifest-"))
                && name != PAYLOAD_MANIFEST
                && name != TAG_MANIFEST
            {
                extra_manifests.push(name);
            }
        }
    }
    for m in extra_manifests {
        problems.push(format!(
            "{m}: algorithm not supported by sohoa (only SHA-256)"
        ));
    }
    let payload = read_manifest(&bag.join(PAYLOAD_MANIFEST), PAYLOAD_MANIFEST, &mut problems);
    let tags = if bag.join(TAG_MANIFEST).is_file() {
        read_manifest(&bag.join(TAG_MANIFEST), TAG_MANIFEST, &mut problems)
    } else {
        problems.push(format!("{TAG_MANIFEST}: missing"));
        BTreeMap::new()
    };
    for p in payload.keys() {
        if !p.starts_with("data/") {
            problems.push(format!("{PAYLOAD_MANIFEST}: {p} is outside data/"));
        }
    }
    check_entries(bag, &payload, &mut files);
    check_entries(bag, &tags, &mut files);

    // Files on disk that no manifest lists.
    let listed: BTreeSet<&String> = payload.keys().chain(tags.keys()).collect();
    let mut oxum = (0u64, 0u64);
    for entry in walkdir::WalkDir::new(bag)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = crate::discover::rel_path(bag, entry.path());
        if rel.starts_with("data/") {
            oxum.0 += entry.metadata().map(|m| m.len()).unwrap_or(0);
            oxum.1 += 1;
        }
        if rel == TAG_MANIFEST || listed.contains(&rel) {
            continue;
        }
        let (actual, _) = sha256_file(entry.path()).unwrap_or_default();
        files.push(FileCheck {
            path: rel,
            status: FileStatus::Unexpected,
            expected_sha256: None,
            actual_sha256: Some(actual),
        });
    }
    if let Ok(info) = std::fs::read_to_string(bag.join("bag-info.txt")) {
        let declared = info
            .lines()
            .find_map(|l| l.strip_prefix("Payload-Oxum:"))
            .map(str::trim);
        if let Some(d) = declared {
            if d != format!("{}.{}", oxum.0, oxum.1) {
                problems.push(format!(
                    "bag-info.txt: Payload-Oxum {d} but data/ holds {}.{}",
                    oxum.0, oxum.1
                ));
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let valid = problems.is_empty() && files.iter().all(|f| f.status == FileStatus::Ok);
    BagReport {
        id,
        path: rel.to_string(),
        valid,
        files,
        problems,
    }
}
