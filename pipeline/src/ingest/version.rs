//! Versions of a case's bag: the current bag's version and fingerprint, the number the
//! next version gets, and the commit that moves the old bag to `versions/` (never deleted).

use crate::bag;
use crate::record::PreviousVersion;
use std::fs;
use std::path::Path;

/// Reads version and fingerprint of the current bag of a case, if there is one.
pub(super) fn current_bag(bag: &Path) -> Option<(u32, Option<String>)> {
    if !bag.is_dir() {
        return None;
    }
    let meta: Option<serde_json::Value> = fs::read(bag.join("data/metadata.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let version = meta
        .as_ref()
        .and_then(|m| m["version"].as_u64())
        .unwrap_or(1) as u32;
    let fp = meta.and_then(|m| m["source_fingerprint"].as_str().map(str::to_string));
    Some((version, fp))
}

/// Highest version number kept under `versions/<id>/`.
fn highest_kept(versions: &Path) -> u32 {
    fs::read_dir(versions)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// The new bag's version number, and where the current bag (if any) will be kept. The current
/// bag keeps its number under `versions/` (or the next free one there); the new bag's number
/// is one more than any number used so far.
pub(super) fn number(
    archive: &Path,
    id: &str,
    current_version: Option<u32>,
) -> (u32, Option<PreviousVersion>) {
    let versions = archive.join("versions").join(id);
    let highest = highest_kept(&versions);
    let prior = current_version.map(|cv| {
        if versions.join(cv.to_string()).exists() {
            highest + 1
        } else {
            cv
        }
    });
    let version = prior.unwrap_or(0).max(highest) + 1;
    let previous = prior.map(|n| PreviousVersion {
        version: n,
        path: format!("versions/{id}/{n}"),
        tagmanifest_sha256: bag::tagmanifest_sha(&archive.join("bags").join(id))
            .unwrap_or_default(),
    });
    (version, previous)
}

/// Moves the current bag aside (when there is a previous version), then the finished bag
/// from `root` into `bags/<id>`. Returns where the old bag went.
pub(super) fn commit(
    archive: &Path,
    id: &str,
    root: &Path,
    previous: Option<&PreviousVersion>,
) -> std::io::Result<Option<String>> {
    let dest = archive.join("bags").join(id);
    let mut moved = None;
    if let Some(prev) = previous {
        fs::create_dir_all(archive.join("versions").join(id))?;
        bag::commit(&dest, &archive.join(&prev.path))?;
        moved = Some(prev.path.clone());
    }
    bag::commit(root, &dest)?;
    Ok(moved)
}
