//! The files of one committed bag in object storage, read through the archive's one storage
//! interface ([`sohoa_archive::store::Store`]): paths are checked the same way as on disk,
//! sizes are limited before a byte is read, and large files are spooled to a temporary file
//! instead of memory.

use crate::s3::S3Archive;
use futures::StreamExt;
use object_store::path::Path as Key;
use object_store::ObjectStoreExt;
use sohoa_archive::safe_fs::{self, EntryKind, FsError};
use sohoa_archive::store::{Entry, Readable, Store};
use std::io::{Cursor, Seek, Write};

/// Files up to this size are held in memory when opened; larger ones go to a temporary file.
const IN_MEMORY: u64 = 16 * 1024 * 1024;

pub(crate) struct S3BagStore {
    archive: S3Archive,
    /// Key of the bag's folder (`PREFIX/bags/<id>/<attempt>`).
    root: String,
}

impl S3BagStore {
    pub fn new(archive: S3Archive, root: String) -> S3BagStore {
        S3BagStore { archive, root }
    }

    fn key(&self, rel: &str) -> Result<Key, FsError> {
        let parts = safe_fs::safe_parts(rel)?;
        Ok(Key::from(format!("{}/{}", self.root, parts.join("/"))))
    }

    /// Fetches one object, refusing it when over `limit`, into memory or a temporary file.
    fn fetch(&self, rel: &str, limit: u64) -> Result<(Box<dyn Readable>, u64), FsError> {
        let key = self.key(rel)?;
        let store = self.archive.client.store.clone();
        let shown = rel.to_string();
        let result = self
            .archive
            .client
            .run(async move {
                let got = store.get(&key).await?;
                let size = got.meta.size;
                if size > limit {
                    return Ok(Fetched::TooLarge(size));
                }
                let mut out = if size <= IN_MEMORY {
                    Spool::Memory(Vec::with_capacity(size as usize))
                } else {
                    Spool::File(
                        tempfile::tempfile().map_err(|e| object_store::Error::Generic {
                            store: "spool",
                            source: Box::new(e),
                        })?,
                    )
                };
                let mut body = got.into_stream();
                while let Some(chunk) = body.next().await {
                    out.write(&chunk?)
                        .map_err(|e| object_store::Error::Generic {
                            store: "spool",
                            source: Box::new(e),
                        })?;
                }
                Ok(Fetched::Body(out, size))
            })
            .map_err(|e| FsError::Io(std::io::Error::other(e.to_string())))?;
        match result {
            Ok(Fetched::TooLarge(size)) => Err(FsError::TooLarge { size, limit }),
            Ok(Fetched::Body(spool, size)) => Ok((spool.into_readable()?, size)),
            Err(object_store::Error::NotFound { .. }) => Err(FsError::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{shown} not found"),
            ))),
            Err(e) => Err(FsError::Io(std::io::Error::other(format!("{shown}: {e}")))),
        }
    }
}

enum Fetched {
    TooLarge(u64),
    Body(Spool, u64),
}

enum Spool {
    Memory(Vec<u8>),
    File(std::fs::File),
}

impl Spool {
    fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        match self {
            Spool::Memory(v) => {
                v.extend_from_slice(chunk);
                Ok(())
            }
            Spool::File(f) => f.write_all(chunk),
        }
    }

    fn into_readable(self) -> Result<Box<dyn Readable>, FsError> {
        Ok(match self {
            Spool::Memory(v) => Box::new(Cursor::new(v)),
            Spool::File(mut f) => {
                f.rewind()?;
                Box::new(f)
            }
        })
    }
}

impl Store for S3BagStore {
    fn open(&self, rel: &str) -> Result<(Box<dyn Readable>, u64), FsError> {
        self.fetch(rel, u64::MAX)
    }

    fn read(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        let (mut r, size) = self.fetch(rel, limit)?;
        let mut out = Vec::with_capacity(size as usize);
        std::io::Read::read_to_end(&mut r, &mut out)?;
        Ok(out)
    }

    fn entries(&self) -> Vec<Entry> {
        match self.archive.list(&self.root) {
            Ok(list) => {
                let mut out: Vec<Entry> = list
                    .into_iter()
                    .filter_map(|(key, size, _)| {
                        let rel = key.strip_prefix(&self.root)?.trim_start_matches('/');
                        Some(Entry {
                            rel: rel.to_string(),
                            kind: EntryKind::File,
                            size,
                        })
                    })
                    .collect();
                out.sort_by(|a, b| a.rel.cmp(&b.rel));
                out
            }
            Err(e) => {
                tracing::warn!("cannot list {}: {e}", self.root);
                Vec::new()
            }
        }
    }

    fn folders(&self, rel: &str) -> std::io::Result<Vec<String>> {
        let parts = safe_fs::safe_parts(rel).map_err(|e| std::io::Error::other(e.en()))?;
        self.archive
            .list_names(&format!("{}/{}", self.root, parts.join("/")))
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}
