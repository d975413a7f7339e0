//! Bags kept in object storage instead of the archive folder. The archive folder is then the
//! archive's *home*: it holds `storage.json`, which names where the committed bags are (an
//! `s3://bucket/prefix` URL, never a secret), and everything derived or local (index, reports,
//! logs, access, jobs, cache). Readers keep calling [`crate::bag::Bag::open`] and
//! [`crate::bag::reader::current_ids`] with the home folder; those route here.
//!
//! The object-storage backend lives in its own crate (`sohoa-s3`) and is plugged in once by the
//! program at start ([`install`]); this crate only knows the interface.

use crate::safe_fs::{self, FsError};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// File in the archive home naming where its bags are kept.
pub const STORAGE_FILE: &str = "storage.json";

/// `storage.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Storage {
    /// `sohoa/storage`.
    pub schema: String,
    /// Where the committed bags are: `s3://bucket/prefix`.
    pub bags: String,
}

/// One committed bag of a remote archive, opened.
pub struct OpenedBag {
    /// The bag's files.
    pub store: Arc<dyn Store>,
    /// Where it is, for people (`s3://bucket/prefix/bags/<id>/<attempt>`).
    pub location: String,
}

/// Where an archive's committed bags are read from (readers see committed bags only).
pub trait BagSource: Send + Sync {
    /// Case ids of the current bags, sorted.
    fn current_ids(&self) -> std::io::Result<Vec<String>>;
    /// Every committed bag as (case id, rel): `bags/<id>` for the current one,
    /// `versions/<id>/<n>` for earlier ones.
    fn all_bags(&self) -> std::io::Result<Vec<(String, String)>>;
    /// Every committed case with its current version, from the commit markers alone.
    fn current_versions(&self) -> std::io::Result<Vec<(String, u64)>>;
    /// Opens `bags/<id>` or `versions/<id>/<n>`.
    fn open(&self, rel: &str) -> Result<OpenedBag, FsError>;
    /// The URL, for people.
    fn describe(&self) -> String;
}

/// Opens a [`BagSource`] from its URL (the program installs one per scheme it supports).
pub trait Opener: Send + Sync {
    /// True for URLs this opener serves (`s3://...`).
    fn serves(&self, url: &str) -> bool;
    fn open(&self, url: &str) -> Result<Arc<dyn BagSource>, String>;
}

static OPENERS: Mutex<Vec<Arc<dyn Opener>>> = Mutex::new(Vec::new());
type Opened = HashMap<PathBuf, Option<Arc<dyn BagSource>>>;
static OPENED: OnceLock<Mutex<Opened>> = OnceLock::new();

/// Makes a storage backend available to every reader of this process.
pub fn install(opener: Arc<dyn Opener>) {
    OPENERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(opener);
}

/// Reads `storage.json` of an archive home (none: the bags are in the folder itself).
pub fn storage_of(home: &Path) -> Result<Option<Storage>, FsError> {
    match safe_fs::read_limited(&home.join(STORAGE_FILE), 64 * 1024, safe_fs::Follow::No) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            FsError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", home.join(STORAGE_FILE).display()),
            ))
        }),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes `storage.json` into a home folder (created when missing).
pub fn write_storage(home: &Path, bags_url: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(home)?;
    let s = Storage {
        schema: "sohoa/storage".into(),
        bags: bags_url.to_string(),
    };
    let text = serde_json::to_vec_pretty(&s).map_err(std::io::Error::other)?;
    let tmp = home.join(format!(".{STORAGE_FILE}.{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, home.join(STORAGE_FILE))
}

/// Where the bags of the archive at `home` are read from: `None` for a plain archive folder.
/// Opened once per process and home.
pub fn source_of(home: &Path) -> Result<Option<Arc<dyn BagSource>>, FsError> {
    let opened = OPENED.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(s) = opened.lock().unwrap_or_else(|e| e.into_inner()).get(home) {
        return Ok(s.clone());
    }
    let source = match storage_of(home)? {
        None => None,
        Some(storage) => Some(open_url(&storage.bags).map_err(|e| {
            FsError::Io(std::io::Error::other(format!(
                "{}: {e}",
                home.join(STORAGE_FILE).display()
            )))
        })?),
    };
    opened
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(home.to_path_buf(), source.clone());
    Ok(source)
}

/// True when `path` is an archive: a folder with `bags/`, or an archive home (`storage.json`).
pub fn is_archive(path: &Path) -> bool {
    path.join(crate::layout::BAGS).is_dir() || path.join(STORAGE_FILE).is_file()
}

/// For an archive whose bags are in object storage: every committed case and its current
/// version, from the commit markers alone (no bag opened). `None` for a plain folder.
pub fn committed_versions(home: &Path) -> std::io::Result<Option<Vec<(String, u64)>>> {
    match source_of(home).map_err(|e| std::io::Error::other(e.en()))? {
        None => Ok(None),
        Some(s) => s.current_versions().map(Some),
    }
}

/// Opens a storage URL with the installed backends.
pub fn open_url(url: &str) -> Result<Arc<dyn BagSource>, String> {
    let openers = OPENERS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match openers.iter().find(|o| o.serves(url)) {
        Some(o) => o.open(url),
        None => Err(format!(
            "no storage backend for {url} in this program (supported: a folder, s3://bucket/prefix)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_folder_has_no_remote_source_and_a_home_names_its_url() {
        let dir = tempfile::tempdir().unwrap();
        assert!(source_of(dir.path()).unwrap().is_none());
        let home = dir.path().join("home");
        write_storage(&home, "s3://b/p").unwrap();
        assert_eq!(storage_of(&home).unwrap().unwrap().bags, "s3://b/p");
        // No backend installed for s3 in this test: a clear error, not a silent empty archive.
        let err = source_of(&home).err().unwrap();
        assert!(err.en().contains("no storage backend"), "{}", err.en());
    }
}
