//! The search index as the commands that change bags see it (implemented by `sohoa-index`,
//! used by `sohoa-ingest`, neither depending on the other):
//! which stored cases were made from a scan file (likely duplicates), and bringing the index
//! level with the bags at the end of a run, while the run still holds the archive lock.

use serde::Serialize;

/// What happened to the index at the end of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexOutcome {
    /// Cases (re)indexed.
    pub updated: usize,
    pub seconds: f64,
    /// Why the index could not be updated (the bags are stored regardless; the next run or
    /// `sohoa reindex` catches up).
    pub error: Option<String>,
    /// The same in Vietnamese (people read it; the report keeps `error`).
    #[serde(skip)]
    pub error_vi: Option<String>,
}

/// The archive's search index, for ingest, ocr and withdraw.
pub trait ArchiveCatalog: Sync {
    /// Stored cases made from a scan file with this SHA-256.
    fn cases_with_source(&self, sha256: &str) -> Vec<String>;
    /// Brings the index level with the bags: the cases given, those the index journal lists,
    /// and the `known` (id, bag version) pairs it lacks. Called under the archive lock.
    fn catch_up(&self, changed: &[String], known: &[(String, u64)]) -> IndexOutcome;
}

/// No index: knows no case, updates nothing.
pub struct NoCatalog;

impl ArchiveCatalog for NoCatalog {
    fn cases_with_source(&self, _: &str) -> Vec<String> {
        Vec::new()
    }

    fn catch_up(&self, _: &[String], _: &[(String, u64)]) -> IndexOutcome {
        IndexOutcome::default()
    }
}
