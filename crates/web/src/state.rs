//! What every request shares: the archive folder, its accounts and access log, the search
//! index (opened once, reopened when `sohoa reindex` swapped in a new one), the login limiter
//! and the server's settings.

use crate::access_log::AccessLog;
use crate::rate_limit::LoginLimiter;
use crate::users::UserStore;
use sohoa_index::ArchiveIndex;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Settings of `sohoa serve`.
#[derive(Debug, Clone)]
pub struct Config {
    pub archive: PathBuf,
    /// Send cookies with `Secure` (when the server is reached over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Name of the agency keeping the archive (`--agency-name`; empty when not given), printed
    /// on reading copies and as the reporting unit of the Biểu 06 form.
    pub agency_name: String,
    /// Scan folders offered for ingest from the browser (their subfolders are offered too).
    pub sources: Vec<PathBuf>,
    /// The PostgreSQL job queue of the archive's workers, shown on the jobs page
    /// (docs/scale-out.md); never printed with its password.
    pub queue: Option<String>,
}

pub struct AppState {
    pub config: Config,
    pub users: UserStore,
    pub log: AccessLog,
    pub limiter: LoginLimiter,
    pub fixity: crate::fixity::FixityCache,
    pub jobs: crate::jobs::Jobs,
    /// One thumbnail maker per case at a time (a page of thumbnails asks for all at once).
    pub thumb_locks: Mutex<std::collections::HashMap<String, Arc<Mutex<()>>>>,
    index: Mutex<Option<(SystemTime, Arc<ArchiveIndex>)>>,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub fn new(config: Config) -> Shared {
        Arc::new(AppState {
            users: UserStore::open(&config.archive),
            log: AccessLog::open(&config.archive),
            limiter: LoginLimiter::default(),
            fixity: Default::default(),
            jobs: crate::jobs::Jobs::open(&config.archive),
            thumb_locks: Default::default(),
            index: Mutex::new(None),
            config,
        })
    }

    /// The search index, reopened when its folder was replaced (a rebuild swaps folders).
    pub fn index(&self) -> Result<Arc<ArchiveIndex>, sohoa_index::IndexError> {
        let dir = self.config.archive.join(sohoa_archive::layout::INDEX);
        let stamp = std::fs::metadata(dir.join("meta.json"))
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut slot = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, idx)) = slot.as_ref() {
            if *seen == stamp {
                return Ok(idx.clone());
            }
        }
        let idx = Arc::new(ArchiveIndex::open(&self.config.archive)?);
        *slot = Some((stamp, idx.clone()));
        Ok(idx)
    }
}
