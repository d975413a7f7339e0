//! The index journal, `ARCHIVE/index-pending.txt`: before a bag is committed, withdrawn or
//! replaced its case id is written here (fsynced), and the index removes it once it has caught
//! up. A run killed between the bag and the index leaves the id behind, so the next run (or a
//! search) brings the index level with the bags: search is never silently wrong.

use crate::safe_fs;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File name inside the archive.
pub const FILE: &str = "index-pending.txt";

/// One writer at a time inside a process (the archive lock keeps other processes out).
static WRITE: Mutex<()> = Mutex::new(());

pub fn path(archive: &Path) -> PathBuf {
    archive.join(FILE)
}

/// Records that the bags of `id` are about to change: durable before the change is made.
pub fn record(archive: &Path, id: &str) -> std::io::Result<()> {
    let _guard = WRITE.lock().unwrap_or_else(|e| e.into_inner());
    let mut f = safe_fs::append_nofollow(&path(archive))?;
    f.write_all(format!("{}\n", id.replace(['\r', '\n'], " ")).as_bytes())?;
    f.sync_data()?;
    if let Ok(dir) = std::fs::File::open(archive) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Case ids whose bags changed since the index last caught up (empty when none, or when the
/// journal cannot be read).
pub fn pending(archive: &Path) -> Vec<String> {
    match safe_fs::read_limited(&path(archive), 256 * 1024 * 1024, safe_fs::Follow::No) {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Removes ids the index now has; lines written meanwhile are kept. Atomic (write and rename).
pub fn done(archive: &Path, ids: &[String]) -> std::io::Result<()> {
    let _guard = WRITE.lock().unwrap_or_else(|e| e.into_inner());
    let done: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let left: Vec<String> = pending(archive)
        .into_iter()
        .filter(|id| !done.contains(id.as_str()))
        .collect();
    let file = path(archive);
    if left.is_empty() {
        return match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let tmp = archive.join(format!(".{FILE}.{}", std::process::id()));
    let mut f = safe_fs::create_nofollow(&tmp)?;
    f.write_all(left.join("\n").as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()?;
    std::fs::rename(&tmp, &file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_pending_until_the_index_has_them() {
        let dir = tempfile::tempdir().unwrap();
        assert!(pending(dir.path()).is_empty());
        record(dir.path(), "B").unwrap();
        record(dir.path(), "A").unwrap();
        record(dir.path(), "B").unwrap();
        assert_eq!(pending(dir.path()), ["A", "B"]);
        done(dir.path(), &["B".to_string()]).unwrap();
        assert_eq!(pending(dir.path()), ["A"]);
        done(dir.path(), &["A".to_string()]).unwrap();
        assert!(pending(dir.path()).is_empty());
        assert!(!path(dir.path()).exists());
    }
}
