//! The scan files of a case at intake: each read as a regular file within the size limit and
//! hashed, the fingerprint that decides whether a case changed, and the payload names kept
//! originals get (never two on one path).

use super::Plan;
use sohoa_archive::bag::BAG_FORMAT;
use sohoa_archive::hash::{sha256_hex, sha256_reader};
use sohoa_archive::problem::Problem;
use sohoa_archive::record::SourceRecord;
use sohoa_archive::safe_fs::FsError;
use std::collections::HashSet;
use std::path::Path;

/// A scan file that could not be read (a link, a FIFO, too large, gone): its problem.
pub(super) fn scan_file_problem(e: &FsError) -> Problem {
    Problem::error(
        if e.code() == "file.unreadable" {
            "page.unreadable"
        } else {
            e.code()
        },
        format!("Tệp ảnh quét {}", e.vi()),
        format!("The scan file {}", e.en()),
    )
}

/// Fingerprint of everything that determines a bag's content: the layout version, every
/// source file's name and SHA-256, the metadata given for the case, and the options.
pub(super) fn fingerprint(
    plan: &Plan,
    sources: &[SourceRecord],
    keep_originals: bool,
    profile: &serde_json::Value,
) -> String {
    let files: Vec<(&str, &str)> = sources
        .iter()
        .map(|s| (s.path.as_str(), s.sha256.as_str()))
        .collect();
    let sidecar = plan.sidecar.as_ref().map(|s| s.sha256.as_str());
    let input = serde_json::json!({
        "format": BAG_FORMAT,
        "files": files,
        "fields": plan.fields.known,
        "extra": plan.fields.extra,
        "sidecar": sidecar,
        "keep_originals": keep_originals,
        "profile": profile,
    });
    sha256_hex(input.to_string().as_bytes())
}

/// Payload path for a kept original: `originals/<relative path>`, with the characters
/// BagIt manifests would have to percent-encode replaced; a name that would then land on a
/// path already taken (`a%b.jpg` and `a_b.jpg`) gets `~2`, `~3`... before its extension. The
/// mapping is recorded in `sources[].kept_as`.
pub(super) fn original_rel(rel: &str, taken: &mut HashSet<String>) -> String {
    let base = format!("originals/{}", rel.replace(['%', '\r', '\n'], "_"));
    let mut candidate = base.clone();
    let mut n = 2;
    while !taken.insert(candidate.to_lowercase()) {
        candidate = match base.rsplit_once('.') {
            Some((stem, ext)) if !ext.contains('/') => format!("{stem}~{n}.{ext}"),
            _ => format!("{base}~{n}"),
        };
        n += 1;
    }
    candidate
}

/// SHA-256 and size of a scan file at intake: a regular file (links only with
/// `--follow-symlinks`), within the profile's size limit.
pub(super) fn intake_digest(
    path: &Path,
    opts: &super::Options,
) -> Result<(String, u64), sohoa_archive::safe_fs::FsError> {
    let (file, size) = sohoa_archive::safe_fs::open_regular(path, opts.follow())?;
    let limit = opts.profile.limits.max_file_bytes;
    if size > limit {
        return Err(sohoa_archive::safe_fs::FsError::TooLarge { size, limit });
    }
    Ok(sha256_reader(file)?)
}
