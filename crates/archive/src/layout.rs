//! The folders of an archive (docs/archive-format.md) and how paths inside it are spelled.
//! `bags/` holds the current bag of every case; everything else is kept history, derived data
//! or work in progress that a crashed run leaves for the next one to finish or drop.

use crate::text::nfc;
use std::path::{Path, PathBuf};

/// Current bags, one folder per case id.
pub const BAGS: &str = "bags";
/// Earlier versions of a case's bag: `versions/<id>/<n>/`.
pub const VERSIONS: &str = "versions";
/// Withdrawn cases: `withdrawn/<id>/<n>/`.
pub const WITHDRAWN: &str = "withdrawn";
/// The search index (derived; `sohoa reindex` rebuilds it).
pub const INDEX: &str = "index";
/// Reports written by ingest, audit and report runs.
pub const REPORTS: &str = "reports";
/// Logs (fixity checks).
pub const LOGS: &str = "logs";
/// Who may use `sohoa serve` (`users.json`) and what they did (`access-log.jsonl`).
pub const ACCESS: &str = "access";
/// Derived files the web server makes and can make again (page thumbnails).
pub const CACHE: &str = "cache";
/// A bag being built: `bags/.tmp-<id>-<n>/` (dropped if a run stops).
pub const BUILDING_PREFIX: &str = ".tmp-";
/// A new version staged next to the current bag: `bags/.new-<id>/` (finished or dropped).
pub const STAGED_PREFIX: &str = ".new-";

/// `bags/<id>`.
pub fn bag(id: &str) -> String {
    format!("{BAGS}/{id}")
}

/// `versions/<id>/<n>`.
pub fn version(id: &str, n: u32) -> String {
    format!("{VERSIONS}/{id}/{n}")
}

/// `withdrawn/<id>/<n>`.
pub fn withdrawn(id: &str, n: u32) -> String {
    format!("{WITHDRAWN}/{id}/{n}")
}

/// `ARCHIVE/bags/.tmp-<id>-<pid>`: where this process builds a bag of a case (a crashed
/// run's leftovers are removed by the next).
pub fn building(archive: &Path, id: &str) -> PathBuf {
    archive
        .join(BAGS)
        .join(format!("{BUILDING_PREFIX}{id}-{}", std::process::id()))
}

/// `ARCHIVE/bags/.new-<id>`: where a new version of a case is staged.
pub fn staged(archive: &Path, id: &str) -> PathBuf {
    archive.join(BAGS).join(format!("{STAGED_PREFIX}{id}"))
}

/// Path of `path` relative to `base`, `/`-separated and NFC.
pub fn rel_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| nfc(&c.as_os_str().to_string_lossy()))
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_archive() {
        assert_eq!(bag("A-1"), "bags/A-1");
        assert_eq!(version("A-1", 2), "versions/A-1/2");
        assert_eq!(withdrawn("A-1", 3), "withdrawn/A-1/3");
        assert_eq!(staged(Path::new("/a"), "X"), Path::new("/a/bags/.new-X"));
        assert_eq!(
            rel_path(Path::new("/a"), Path::new("/a/b/c.txt")),
            "b/c.txt"
        );
    }
}
