//! The archive's committed bags in object storage as every reader sees them: the
//! [`BagSource`] the archive's bag reader routes to (current bags, earlier versions, each
//! opened as a [`S3BagStore`]), and the [`Opener`] the program installs for `s3://` URLs.

use crate::bag_store::S3BagStore;
use crate::commit::Commit;
use crate::error::S3Error;
use crate::s3::S3Archive;
use sohoa_archive::remote::{BagSource, OpenedBag, Opener};
use sohoa_archive::safe_fs::FsError;
use std::sync::Arc;

impl S3Archive {
    /// The files of a committed bag.
    pub(crate) fn bag_store(&self, commit: &Commit) -> (S3BagStore, String) {
        let root = self.loc.attempt(&commit.case, &commit.attempt);
        let location = format!("s3://{}/{root}", self.loc.bucket);
        (S3BagStore::new(self.clone(), root), location)
    }
}

fn to_fs(e: S3Error) -> FsError {
    let kind = if e.is_not_found() {
        std::io::ErrorKind::NotFound
    } else {
        std::io::ErrorKind::Other
    };
    FsError::Io(std::io::Error::new(kind, e.to_string()))
}

impl BagSource for S3Archive {
    fn current_ids(&self) -> std::io::Result<Vec<String>> {
        self.list_names(&self.loc.key("commits"))
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    fn current_versions(&self) -> std::io::Result<Vec<(String, u64)>> {
        Ok(self
            .catalog()
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .into_iter()
            .filter_map(|(id, v)| v.last().map(|&n| (id, u64::from(n))))
            .collect())
    }

    fn all_bags(&self) -> std::io::Result<Vec<(String, String)>> {
        let catalog = self
            .catalog()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let mut out = Vec::new();
        for id in catalog.keys() {
            out.push((id.clone(), sohoa_archive::layout::bag(id)));
        }
        for (id, versions) in &catalog {
            for n in &versions[..versions.len().saturating_sub(1)] {
                out.push((id.clone(), sohoa_archive::layout::version(id, *n)));
            }
        }
        Ok(out)
    }

    fn open(&self, rel: &str) -> Result<OpenedBag, FsError> {
        let parts: Vec<&str> = rel.split('/').collect();
        let commit = match parts.as_slice() {
            [sohoa_archive::layout::BAGS, id] => {
                self.current(id).map_err(to_fs)?.ok_or_else(|| {
                    FsError::Io(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("{} has no committed bag {id}", self.loc.url()),
                    ))
                })?
            }
            [sohoa_archive::layout::VERSIONS, id, n] => {
                let n: u32 = n.parse().map_err(|_| FsError::Unsafe(rel.to_string()))?;
                self.commit(id, n).map_err(to_fs)?
            }
            _ => {
                return Err(FsError::Io(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("{rel} is not kept in object storage"),
                )))
            }
        };
        let (store, location) = self.bag_store(&commit);
        Ok(OpenedBag {
            store: Arc::new(store),
            location,
        })
    }

    fn describe(&self) -> String {
        self.loc.url()
    }
}

/// Plugs `s3://` archives into every reader of the process.
pub struct S3Opener;

impl Opener for S3Opener {
    fn serves(&self, url: &str) -> bool {
        url.starts_with("s3://")
    }

    fn open(&self, url: &str) -> Result<Arc<dyn BagSource>, String> {
        S3Archive::open(url)
            .map(|a| Arc::new(a) as Arc<dyn BagSource>)
            .map_err(|e| e.to_string())
    }
}
