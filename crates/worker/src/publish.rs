//! Where a queue worker's bag goes once built in its private staging folder: into a local
//! archive folder (one rename that never replaces, under a shared hold on the archive lock) or
//! into object storage ([`sohoa_s3::S3Archive::publish`]: staged objects, then the commit
//! marker). Either way the bag appears whole or not at all, and a case is stored once: a second
//! worker with the same scans finds it stored; other scans are a conflict, never a replacement.

use sohoa_archive::bag::Bag;
use sohoa_archive::problem::Problem;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the archive's bags are kept.
#[derive(Debug, Clone)]
pub enum Target {
    /// A local archive folder.
    Folder(PathBuf),
    /// An archive home whose bags are in object storage.
    S3(sohoa_s3::S3Archive),
}

/// What became of a published bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// This worker stored it (this version).
    Committed(u32),
    /// The same scans were already stored.
    AlreadyStored(u32),
}

/// Why a bag was not published.
#[derive(Debug)]
pub enum PublishError {
    /// Trying again later may work (storage away, the archive locked by a long run).
    Transient(String),
    /// It will not work again by itself (the case is stored from other scans).
    Conflict(String),
}

impl Target {
    /// Opens the target of `--archive` (an archive home with `storage.json` names its bucket).
    pub fn of(archive: &Path) -> Result<Target, String> {
        match sohoa_archive::remote::storage_of(archive).map_err(|e| e.en())? {
            None => Ok(Target::Folder(archive.to_path_buf())),
            Some(s) => sohoa_s3::S3Archive::open(&s.bags)
                .map(Target::S3)
                .map_err(|e| e.to_string()),
        }
    }

    /// Publishes the committed bag `bag` of case `id`. `retrying`: an earlier attempt at this
    /// case may have left objects behind (old enough ones are removed first).
    pub fn publish(&self, bag: &Path, id: &str, retrying: bool) -> Result<Stored, PublishError> {
        let fingerprint = fingerprint_of(bag)?;
        match self {
            Target::Folder(archive) => publish_folder(bag, archive, id, &fingerprint),
            Target::S3(s3) => {
                if retrying {
                    if let Err(e) = s3.clean(sohoa_s3::DEFAULT_GRACE, Some(id)) {
                        tracing::warn!("cannot clean leftovers of {id}: {e}");
                    }
                }
                match s3.publish(bag, id, &fingerprint) {
                    Ok(sohoa_s3::Published::Committed(c)) => Ok(Stored::Committed(c.version)),
                    Ok(sohoa_s3::Published::AlreadyStored(c)) => {
                        Ok(Stored::AlreadyStored(c.version))
                    }
                    Err(e @ sohoa_s3::S3Error::Conflict { .. }) => {
                        Err(PublishError::Conflict(e.to_string()))
                    }
                    Err(e) => Err(PublishError::Transient(e.to_string())),
                }
            }
        }
    }
}

/// `Sohoa-Source-Fingerprint` and version of a local bag.
fn fingerprint_of(bag: &Path) -> Result<String, PublishError> {
    let (parent, name) = match (bag.parent(), bag.file_name()) {
        (Some(p), Some(n)) => (p, n.to_string_lossy().to_string()),
        _ => {
            return Err(PublishError::Transient(format!(
                "{} is not a bag",
                bag.display()
            )))
        }
    };
    let opened = Bag::open(parent, &name)
        .and_then(|b| b.bag_info())
        .map_err(|e| PublishError::Transient(format!("{}: {}", bag.display(), e.en())))?;
    opened
        .get(sohoa_archive::bag::label::SOHOA_SOURCE_FINGERPRINT)
        .map(str::to_string)
        .ok_or_else(|| {
            PublishError::Transient(format!(
                "{}: bag-info.txt has no fingerprint",
                bag.display()
            ))
        })
}

fn publish_folder(
    bag: &Path,
    archive: &Path,
    id: &str,
    fingerprint: &str,
) -> Result<Stored, PublishError> {
    let transient = |e: &dyn std::fmt::Display| PublishError::Transient(e.to_string());
    let _held = sohoa_ingest::lock::ArchiveLock::acquire_shared(archive, Duration::from_secs(10))
        .map_err(|p: Problem| PublishError::Transient(p.message_en.clone()))?;
    let bags = archive.join(sohoa_archive::layout::BAGS);
    sohoa_archive::safe_fs::ensure_real_dir(&bags).map_err(|e| transient(&e.en()))?;
    let dest = bags.join(id);
    if let Some(stored) = stored_already(archive, id, fingerprint)? {
        return Ok(stored);
    }
    // Search finds the case once the index catches up (the index journal), never silently.
    sohoa_archive::index_journal::record(archive, id).map_err(|e| transient(&e))?;
    match rustix::fs::renameat_with(
        rustix::fs::CWD,
        bag,
        rustix::fs::CWD,
        &dest,
        rustix::fs::RenameFlags::NOREPLACE,
    ) {
        Ok(()) => {
            if let Ok(d) = std::fs::File::open(&bags) {
                let _ = d.sync_all();
            }
            Ok(Stored::Committed(1))
        }
        Err(rustix::io::Errno::EXIST) => stored_already(archive, id, fingerprint)?
            .ok_or_else(|| transient(&format!("{} appeared and vanished", dest.display()))),
        Err(e) => Err(transient(&format!(
            "cannot move the bag into {}: {e}",
            dest.display()
        ))),
    }
}

/// The case's current bag when it holds the same scans; a conflict when other scans.
fn stored_already(
    archive: &Path,
    id: &str,
    fingerprint: &str,
) -> Result<Option<Stored>, PublishError> {
    let Ok(bag) = Bag::open(archive, &sohoa_archive::layout::bag(id)) else {
        return Ok(None);
    };
    let info = bag
        .bag_info()
        .map_err(|e| PublishError::Transient(format!("{}: {}", bag.path.display(), e.en())))?;
    let version = info
        .get(sohoa_archive::bag::label::SOHOA_BAG_VERSION)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    match info.get(sohoa_archive::bag::label::SOHOA_SOURCE_FINGERPRINT) {
        Some(f) if f == fingerprint => Ok(Some(Stored::AlreadyStored(version))),
        _ => Err(PublishError::Conflict(format!(
            "case {id} is already stored from other scans (version {version}); a new version is made by `sohoa ingest --replace` on the archive"
        ))),
    }
}
