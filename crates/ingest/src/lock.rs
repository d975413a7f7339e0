//! One writer per archive: an exclusive advisory lock on `ARCHIVE/.sohoa.lock` held for the
//! whole run, the archive's folders checked to be real folders (never links), and the
//! recovery of what a killed run left (see `version::recover`).

use sohoa_archive::problem::Problem;
use sohoa_archive::safe_fs;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

/// The folders every writer needs.
const FOLDERS: [&str; 4] = ["bags", "versions", "reports", "logs"];
/// Folders made only when needed, but never followed when they are links.
const LATER: [&str; 2] = ["withdrawn", "index"];

/// Held while a command writes to an archive.
pub struct ArchiveLock {
    _file: File,
}

/// Opens (or makes) `ARCHIVE/.sohoa.lock`, never through a link.
fn lock_file(archive: &Path) -> Result<File, Problem> {
    let path = archive.join(".sohoa.lock");
    let mut opts = File::options();
    opts.create(true).truncate(false).write(true);
    safe_fs::open_for_writing(&path, opts).map_err(|e| {
        Problem::error(
            "ingest.archive_unwritable",
            format!("Không mở được {}: {e}", path.display()),
            format!("Cannot open {}: {e}", path.display()),
        )
    })
}

impl ArchiveLock {
    /// Takes the lock without waiting; `Err` when another sohoa holds it or the archive cannot
    /// be written.
    pub fn acquire(archive: &Path) -> Result<Self, Problem> {
        let file = lock_file(archive)?;
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

    /// A shared hold on the lock, for a moment: queue workers publishing bags into a local
    /// archive hold it together while no `sohoa ingest`, `ocr`, `sign` or `withdraw` holds it
    /// alone. Waits up to `wait`; `Err` when it could not be had.
    pub fn acquire_shared(archive: &Path, wait: std::time::Duration) -> Result<Self, Problem> {
        let file = lock_file(archive)?;
        let until = std::time::Instant::now() + wait;
        loop {
            // SAFETY: flock on a file descriptor we own; no memory is shared.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) };
            if rc == 0 {
                return Ok(ArchiveLock { _file: file });
            }
            if std::time::Instant::now() >= until {
                return Err(Problem::error(
                    "ingest.archive_locked",
                    "Một tiến trình sohoa khác đang ghi vào kho lưu trữ này; hãy chờ nó xong",
                    "Another sohoa process is writing to this archive; wait for it to finish",
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// Makes the archive's folders (each must be a real folder, not a link to elsewhere), takes the
/// lock and recovers what a killed run left. What every command that writes bags does first.
pub fn open_for_writing(archive: &Path) -> Result<ArchiveLock, Problem> {
    if let Ok(Some(storage)) = sohoa_archive::remote::storage_of(archive) {
        return Err(Problem::error(
            "ingest.remote_archive",
            format!(
                "Kho {} nằm trên kho đối tượng: hồ sơ được ghi vào đó bởi các máy xử lý (sohoa queue add, rồi sohoa worker)",
                storage.bags
            ),
            format!(
                "The archive {} is in object storage: cases are written there by queue workers (sohoa queue add, then sohoa worker)",
                storage.bags
            ),
        ));
    }
    for sub in FOLDERS.iter().chain(&LATER) {
        let dir = archive.join(sub);
        let checked = if LATER.contains(sub) {
            match safe_fs::entry_kind(&dir) {
                safe_fs::EntryKind::Missing | safe_fs::EntryKind::Dir => Ok(()),
                safe_fs::EntryKind::Symlink => Err(safe_fs::FsError::Symlink),
                _ => Err(safe_fs::FsError::NotRegular("file")),
            }
        } else {
            safe_fs::ensure_real_dir(&dir)
        };
        checked.map_err(|e| {
            Problem::error(
                "ingest.archive_unwritable",
                format!("Thư mục lưu trữ {}: {}", dir.display(), e.vi()),
                format!("Archive folder {}: {}", dir.display(), e.en()),
            )
        })?;
    }
    let lock = ArchiveLock::acquire(archive)?;
    super::version::recover(archive);
    Ok(lock)
}

/// Takes the lock without creating anything and recovers what a killed run left: for a reader
/// that finds the index journal not empty (`sohoa search`) and may bring the index level.
pub fn acquire_and_recover(archive: &Path) -> Result<ArchiveLock, Problem> {
    let lock = ArchiveLock::acquire(archive)?;
    super::version::recover(archive);
    Ok(lock)
}
