//! The index folder as tantivy sees it: its memory-mapped directory, except that a reader on a
//! read-only archive (a DVD, a read-only mount, a reading-room copy) does without the lock file
//! tantivy would create to keep a writer's clean-up away: nobody can write there anyway.

use std::path::Path;
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// A [`MmapDirectory`] whose read lock is optional when the folder cannot be written.
#[derive(Clone, Debug)]
pub struct IndexDirectory(MmapDirectory);

impl IndexDirectory {
    pub fn open(path: &Path) -> Result<IndexDirectory, tantivy::TantivyError> {
        Ok(IndexDirectory(MmapDirectory::open(path).map_err(|e| {
            tantivy::TantivyError::SystemError(format!("{}: {e}", path.display()))
        })?))
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
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            // Readers take the (blocking) meta lock; on a read-only folder there is no writer to
            // fear. The writer's own lock is never faked.
            Err(LockError::IoError(e)) if lock.is_blocking && read_only(&e) => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}
