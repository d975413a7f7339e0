//! The index folder as tantivy sees it: its memory-mapped directory, except that a reader on a
//! read-only archive (a DVD, a read-only mount, a reading-room copy) does without the lock file
//! tantivy would create to keep a writer's clean-up away (nobody can write there anyway), and that
//! only regular files are opened (a link or a FIFO planted in the index never hangs a search).

use sohoa_archive::safe_fs::{self, EntryKind, FsError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// A [`MmapDirectory`] whose read lock is optional when the folder cannot be written.
#[derive(Clone, Debug)]
pub struct IndexDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl IndexDirectory {
    pub fn open(path: &Path) -> Result<IndexDirectory, tantivy::TantivyError> {
        Ok(IndexDirectory {
            inner: MmapDirectory::open(path).map_err(|e| {
                tantivy::TantivyError::SystemError(format!("{}: {e}", path.display()))
            })?,
            root: path.to_path_buf(),
        })
    }

    /// A file of the index must be a regular file (or absent); anything else is refused
    /// before it is opened.
    fn check(&self, path: &Path) -> Result<(), OpenReadError> {
        match safe_fs::entry_kind(&self.root.join(path)) {
            EntryKind::File | EntryKind::Missing => Ok(()),
            _ => Err(OpenReadError::wrap_io_error(
                std::io::Error::other(FsError::NotRegular("link, FIFO or device").en()),
                path.to_path_buf(),
            )),
        }
    }
}

/// True for the errors of a folder that cannot be written.
fn read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.check(path)?;
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.check(path)?;
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            // Readers take the (blocking) meta lock; on a read-only folder there is no writer to
            // fear. The writer's own lock is never faked.
            Err(LockError::IoError(e)) if lock.is_blocking && read_only(&e) => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
