//! One writer per archive: an exclusive advisory lock on `ARCHIVE/.sohoa.lock` held for the
//! whole ingest, and removal of temporary bag folders left by a crashed run.

use crate::problem::Problem;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

pub(crate) struct ArchiveLock {
    _file: File,
}

impl ArchiveLock {
    pub(crate) fn acquire(archive: &Path) -> Result<Self, Problem> {
        let path = archive.join(".sohoa.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                Problem::error(
                    "ingest.archive_unwritable",
                    format!("Không mở được {}: {e}", path.display()),
                    format!("Cannot open {}: {e}", path.display()),
                )
            })?;
        // SAFETY: flock on a file descriptor we own; no memory is shared.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            return Err(Problem::error(
                "ingest.archive_locked",
                "Một tiến trình sohoa khác đang ghi vào kho lưu trữ này; hãy chờ nó xong",
                "Another sohoa process is writing to this archive; wait for it to finish",
            ));
        }
        Ok(ArchiveLock { _file: file })
    }
}

/// Removes `.tmp-*` folders under `bags/`: leftovers of an ingest that was killed. Safe
/// because the caller holds the archive lock.
pub(crate) fn clean_stale_temps(archive: &Path) {
    let Ok(rd) = std::fs::read_dir(archive.join("bags")) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        if e.file_name().to_string_lossy().starts_with(".tmp-") {
            match std::fs::remove_dir_all(e.path()) {
                Ok(()) => tracing::info!("removed unfinished bag {}", e.path().display()),
                Err(err) => {
                    tracing::warn!("cannot remove unfinished bag {}: {err}", e.path().display())
                }
            }
        }
    }
}
