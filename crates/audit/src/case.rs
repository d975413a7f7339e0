//! The audit's view of a bag: the case record (`sohoa-archive`'s one reader, lenient: old
//! records load; a damaged one is reported, not guessed at). The audit and the statistics read
//! an archive a chunk of bags at a time (`scan.rs`), never all of it at once.

use sohoa_archive::bag::reader::Bag;
use std::path::{Path, PathBuf};

/// `data/metadata.json`, as the contract types it.
pub use sohoa_archive::record::{
    CaseInfo, CaseRecord as Record, Component, DroppedPage, HoSo, PageOcr, PageRecord as Page,
    SourceRecord as Source, TextConversion,
};

/// A current bag and its record (or why the record could not be read).
#[derive(Debug, Clone)]
pub struct LoadedBag {
    /// The bag folder name (the case id).
    pub id: String,
    pub path: PathBuf,
    /// The bag, opened through the path-safe reader (None when it cannot be opened: a link).
    pub bag: Option<Bag>,
    pub record: Result<Record, String>,
}

/// Reads a metadata.json: a record with damaged fields is an error naming them (the audit
/// reports it); missing fields of an older record load as empty.
pub fn parse(bytes: &[u8]) -> Result<Record, String> {
    let loaded = sohoa_archive::record::load(bytes)?;
    if loaded.damaged.is_empty() {
        Ok(loaded.record)
    } else {
        Err(loaded.describe())
    }
}

/// Loads one bag of the archive and its record, through the path-safe reader only.
pub fn load_bag(archive: &Path, id: &str) -> LoadedBag {
    let path = archive.join(sohoa_archive::layout::BAGS).join(id);
    let (bag, record) = match Bag::open(archive, &sohoa_archive::layout::bag(id)) {
        Ok(bag) => {
            let record = bag.record().and_then(|l| {
                if l.damaged.is_empty() {
                    Ok(l.record)
                } else {
                    Err(format!("data/metadata.json: {}", l.describe()))
                }
            });
            (Some(bag), record)
        }
        Err(e) => (None, Err(format!("bags/{id}: {}", e.en()))),
    };
    LoadedBag {
        id: id.to_string(),
        path,
        bag,
        record,
    }
}
