//! sohoa-index: the search side of the archive (bags -> tantivy index -> search).
//!
//! The index in `ARCHIVE/index/` is derived from the bags' `metadata.json` and can always be
//! rebuilt from them ([`ArchiveIndex::rebuild`]); it is never a source of truth. Vietnamese
//! text is indexed exact and diacritic-folded ([`analyzer`]), personal identifiers only as
//! keyed hashes ([`privacy`]). [`ArchiveIndex::update`] adds the cases of an ingest in one
//! commit and catches up with the index journal (bags changed by a run that was killed);
//! [`ArchiveIndex::search`] answers queries ([`query`] has the query language), also on a
//! read-only archive.

pub mod analyzer;
pub mod common_words;
pub mod directory;
pub mod document;
pub mod facets;
pub mod grouped;
pub mod privacy;
pub mod query;
pub mod schema;
pub mod search;

pub use document::CaseDoc;
pub use grouped::{CaseGroup, GroupedResults, PageHit};
pub use search::{Filters, Hit, ReversedRange, SearchRequest, SearchResults, Sort, Visibility};

use privacy::IdKey;
use schema::{Fields, SCHEMA_VERSION};
use sohoa_archive::bag::reader::{Bag, TEXT_LIMIT};
use sohoa_archive::safe_fs::{self, EntryKind};
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

/// Folds text for filters: no diacritics, đ -> d, lowercase.
pub fn fold(s: &str) -> String {
    sohoa_archive::text::fold(&sohoa_archive::text::nfc(s))
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{0}")]
    Key(#[from] sohoa_archive::privacy::KeyError),
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("no search index in {0}: run `sohoa reindex`")]
    Missing(PathBuf),
    /// A request or an index the search cannot answer, said in both languages.
    #[error("{en}")]
    BadRequest { vi: String, en: String },
}

impl IndexError {
    /// A request the search cannot answer, in Vietnamese and English.
    pub fn bad(vi: impl Into<String>, en: impl Into<String>) -> IndexError {
        IndexError::BadRequest {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The message in Vietnamese (tantivy's and the system's own words kept as they are).
    pub fn vi(&self) -> String {
        match self {
            IndexError::Key(e) => e.vi(),
            IndexError::Tantivy(e) => format!("lỗi chỉ mục tìm kiếm: {e}"),
            IndexError::Io(e) => format!("lỗi đọc/ghi chỉ mục tìm kiếm: {e}"),
            IndexError::Missing(dir) => format!(
                "chưa có chỉ mục tìm kiếm trong {}: chạy `sohoa reindex`",
                dir.display()
            ),
            IndexError::BadRequest { vi, .. } => vi.clone(),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        self.to_string()
    }

    /// The message in `lang`.
    pub fn message(&self, lang: sohoa_archive::problem::Lang) -> String {
        match lang {
            sohoa_archive::problem::Lang::Vi => self.vi(),
            sohoa_archive::problem::Lang::En => self.en(),
        }
    }
}

/// Folder of the index inside an archive.
pub const INDEX_DIR: &str = sohoa_archive::layout::INDEX;
/// Marker with the schema version, next to tantivy's files.
const VERSION_FILE: &str = "sohoa-index.json";
/// Indexing memory budget for incremental updates (split across tantivy's threads).
const WRITER_HEAP: usize = 256 * 1024 * 1024;
/// For full rebuilds: larger segments, so less merging; not so large that the indexing
/// threads' term tables stop fitting the caches (a million pages on 2 cores: 1 GiB made 4
/// segments at 16,600 pages/s, 640 MiB 6 segments at 19,500).
const REBUILD_HEAP: usize = 640 * 1024 * 1024;

/// A case as the index knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedCase {
    pub case_id: String,
    pub version: u64,
    pub bundle_sha256: String,
}

/// An archive's search index.
pub struct ArchiveIndex {
    pub index: Index,
    pub fields: Fields,
    /// The identifier key, when it is at hand (readers work without it, except for searches by
    /// identity number).
    key: Option<IdKey>,
    /// The key the index was built with differs from the one at hand.
    key_mismatch: bool,
}

/// The marker file next to tantivy's: schema version and the id of the identifier key.
fn version_file(dir: &Path) -> Option<serde_json::Value> {
    safe_fs::read_limited(&dir.join(VERSION_FILE), 64 * 1024, safe_fs::Follow::No)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
}

fn version_ok(dir: &Path) -> bool {
    version_file(dir).and_then(|v| v["schema_version"].as_u64()) == Some(SCHEMA_VERSION as u64)
}

/// The identifier key's file: `SOHOA_ID_KEY`, else the user's configuration folder.
fn key_path() -> Result<std::path::PathBuf, IndexError> {
    sohoa_archive::privacy::default_key_path()
        .ok_or(IndexError::Key(sohoa_archive::privacy::KeyError::NoPlace))
}

/// The index folder: a real folder of the archive (never a link), holding a tantivy index of
/// this schema version.
fn index_dir(archive: &Path) -> Result<std::path::PathBuf, IndexError> {
    let dir = archive.join(INDEX_DIR);
    match safe_fs::entry_kind(&dir) {
        EntryKind::Dir => {}
        EntryKind::Missing => return Err(IndexError::Missing(dir)),
        _ => {
            return Err(IndexError::bad(
                format!(
                    "{} là liên kết hoặc tệp, không phải thư mục chỉ mục: sohoa không đi theo liên kết bên trong kho",
                    dir.display()
                ),
                format!(
                    "{} is a link or a file, not the index folder: sohoa does not follow links inside the archive",
                    dir.display()
                ),
            ))
        }
    }
    if safe_fs::entry_kind(&dir.join("meta.json")) != EntryKind::File || !version_ok(&dir) {
        return Err(IndexError::Missing(dir));
    }
    Ok(dir)
}

/// Adds a case's documents (its metadata and each page) as one batch: tantivy puts a batch in
/// one segment, so every document of a case lives in the same segment (grouped search relies
/// on it; a case is always deleted and added whole).
fn add_together(
    writer: &IndexWriter,
    docs: Vec<tantivy::TantivyDocument>,
) -> Result<(), IndexError> {
    writer.run(docs.into_iter().map(tantivy::indexer::UserOperation::Add))?;
    Ok(())
}

/// Reads the current bag of a case as an index document, through the path-safe bag reader.
pub fn read_case(archive: &Path, case_id: &str) -> Option<CaseDoc> {
    let bag = Bag::open(archive, &sohoa_archive::layout::bag(case_id)).ok()?;
    let record = bag.record().ok()?.record;
    let mut case = CaseDoc::from_record(&record, &sohoa_archive::layout::bag(case_id))?;
    case.pages = page_texts(&bag, &record);
    Some(case)
}

/// The OCR text of every page that has one, from the files the record names
/// (`data/text/...` inside the bag only).
fn page_texts(bag: &Bag, record: &sohoa_archive::record::CaseRecord) -> Vec<(u64, String)> {
    record
        .pages
        .iter()
        .filter_map(|p| {
            let rel = p.ocr.as_ref()?.text.as_deref()?;
            if !rel.starts_with("data/text/") {
                return None;
            }
            let text = bag.read_text(rel, TEXT_LIMIT).ok()?;
            let text = sohoa_archive::text::nfc(text.trim());
            (!text.is_empty()).then_some((p.number as u64, text))
        })
        .collect()
}

/// The case ids of every current bag (see `sohoa_archive::bag::reader::current_ids`).
pub fn bag_ids(archive: &Path) -> std::io::Result<Vec<String>> {
    sohoa_archive::bag::reader::current_ids(archive)
}

impl ArchiveIndex {
    fn create(dir: &Path, key: IdKey) -> Result<ArchiveIndex, IndexError> {
        std::fs::create_dir_all(dir)?;
        let fields = schema::build();
        let mut index = Index::create_in_dir(dir, fields.schema.clone())?;
        analyzer::register(&index);
        // Segments are searched in parallel on every core.
        index.set_default_multithread_executor()?;
        std::fs::write(
            dir.join(VERSION_FILE),
            serde_json::json!({ "schema_version": SCHEMA_VERSION, "key_id": key.id() }).to_string(),
        )?;
        Ok(ArchiveIndex {
            index,
            fields,
            key: Some(key),
            key_mismatch: false,
        })
    }

    fn open_dir(dir: &Path, key: Option<IdKey>) -> Result<ArchiveIndex, IndexError> {
        let built_with = version_file(dir).and_then(|v| v["key_id"].as_str().map(str::to_string));
        let key_mismatch = match (&key, &built_with) {
            (Some(k), Some(b)) => &k.id() != b,
            _ => false,
        };
        let mut index = Index::open(directory::IndexDirectory::open(dir)?)?;
        analyzer::register(&index);
        // Segments are searched in parallel on every core.
        index.set_default_multithread_executor()?;
        let fields = Fields::from_schema(&index.schema())?;
        Ok(ArchiveIndex {
            index,
            fields,
            key,
            key_mismatch,
        })
    }

    /// Opens the archive's index for searching. Writes nothing (works on a read-only archive)
    /// and never creates the identifier key: without it, searches by identity number say so.
    pub fn open(archive: &Path) -> Result<ArchiveIndex, IndexError> {
        let dir = index_dir(archive)?;
        let key = key_path().ok().and_then(|p| IdKey::load(&p).ok());
        ArchiveIndex::open_dir(&dir, key)
    }

    /// Opens the index for writing, with the identifier key (created when missing). An index
    /// built with another key is treated as missing (it will be rebuilt).
    fn open_for_update(archive: &Path) -> Result<ArchiveIndex, IndexError> {
        let dir = index_dir(archive)?;
        let key = IdKey::load_or_create(&key_path()?)?;
        let idx = ArchiveIndex::open_dir(&dir, Some(key))?;
        if idx.key_mismatch {
            return Err(IndexError::Missing(dir));
        }
        Ok(idx)
    }

    /// Why searching by identity number cannot work with this index, if it cannot: in
    /// Vietnamese and English.
    pub fn id_search_problem(&self) -> Option<(String, String)> {
        if self.key.is_none() {
            let e = match key_path() {
                Ok(p) => sohoa_archive::privacy::KeyError::Missing(p),
                Err(_) => sohoa_archive::privacy::KeyError::NoPlace,
            };
            Some((e.vi(), e.to_string()))
        } else if self.key_mismatch {
            Some((
                "chỉ mục được dựng với một khóa định danh khác: chạy `sohoa reindex` (với SOHOA_ID_KEY là tệp khóa đó)".into(),
                "the index was built with another identifier key: run `sohoa reindex` (with SOHOA_ID_KEY set to the key)".into(),
            ))
        } else {
            None
        }
    }

    /// For a reader (`sohoa search`) that finds the journal not empty: brings the cases it lists
    /// into the index, only when that needs nothing a reader may not do: the index exists and the
    /// identifier key is there (never created) and is the index's. `Err` says why not.
    pub fn catch_up(archive: &Path) -> Result<usize, IndexError> {
        let dir = index_dir(archive)?;
        let key = IdKey::load(&key_path()?)?;
        let idx = ArchiveIndex::open_dir(&dir, Some(key))?;
        if idx.key_mismatch {
            return Err(IndexError::bad(
                "chỉ mục được dựng với một khóa định danh khác",
                "the index was built with another identifier key",
            ));
        }
        let pending = ArchiveIndex::pending(archive);
        let n = idx.reindex_cases(archive, pending.iter())?;
        sohoa_archive::index_journal::done(archive, &pending)?;
        Ok(n)
    }

    /// Re-reads these cases from their bags in one commit (a case without a current bag is
    /// removed). Returns the cases indexed.
    fn reindex_cases<'a>(
        &self,
        archive: &Path,
        ids: impl Iterator<Item = &'a String>,
    ) -> Result<usize, IndexError> {
        let mut writer = self.writer()?;
        let mut n = 0;
        for id in ids {
            writer.delete_term(Term::from_field_text(self.fields.case_id, id));
            if let Some(case) = read_case(archive, id) {
                add_together(&writer, case.to_documents(&self.fields, self.writer_key()?))?;
                n += 1;
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok(n)
    }

    /// Cases whose bags changed since the index last caught up (from the index journal).
    pub fn pending(archive: &Path) -> Vec<String> {
        sohoa_archive::index_journal::pending(archive)
    }

    pub(crate) fn reader(&self) -> Result<IndexReader, IndexError> {
        Ok(self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    }

    pub fn writer(&self) -> Result<IndexWriter, IndexError> {
        Ok(self.index.writer(WRITER_HEAP)?)
    }

    fn bulk_writer(&self) -> Result<IndexWriter, IndexError> {
        Ok(self.index.writer(REBUILD_HEAP)?)
    }

    /// Adds (or replaces) one case's documents.
    pub fn add_case(&self, writer: &IndexWriter, case: &CaseDoc) -> Result<(), IndexError> {
        writer.delete_term(Term::from_field_text(self.fields.case_id, &case.case_id));
        add_together(writer, case.to_documents(&self.fields, self.writer_key()?))?;
        Ok(())
    }

    /// Brings the index up to date in one commit: the cases given (re-read from their bags;
    /// a case without a current bag is removed), every case the index journal lists (bags
    /// changed by a run that was killed before its index update), and each case of `known`
    /// (id, bag version) that the index does not have at that version (an index restored from
    /// an older backup). A missing or outdated index is rebuilt from all bags instead. The
    /// journal is cleared of what was done. Returns the cases indexed.
    pub fn update(
        archive: &Path,
        case_ids: &[String],
        known: &[(String, u64)],
    ) -> Result<usize, IndexError> {
        let idx = match ArchiveIndex::open_for_update(archive) {
            Ok(i) => i,
            Err(IndexError::Missing(_)) => return ArchiveIndex::rebuild(archive),
            Err(e) => return Err(e),
        };
        let pending = ArchiveIndex::pending(archive);
        let mut ids: std::collections::BTreeSet<String> = case_ids.iter().cloned().collect();
        ids.extend(pending.iter().cloned());
        if !known.is_empty() {
            let have = idx.versions()?;
            for (id, version) in known {
                if have.get(id) != Some(version) {
                    ids.insert(id.clone());
                }
            }
        }
        let n = idx.reindex_cases(archive, ids.iter())?;
        sohoa_archive::index_journal::done(archive, &pending)?;
        Ok(n)
    }

    fn writer_key(&self) -> Result<&IdKey, IndexError> {
        self.key
            .as_ref()
            .ok_or(IndexError::Key(sohoa_archive::privacy::KeyError::NoPlace))
    }

    /// Rebuilds the index from the bags alone, in a new folder swapped in when complete (the
    /// old index answers until then). Clears the index journal. Returns cases indexed.
    pub fn rebuild(archive: &Path) -> Result<usize, IndexError> {
        let key = IdKey::load_or_create(&key_path()?)?;
        let pending = ArchiveIndex::pending(archive);
        let fresh = archive.join(format!(".{INDEX_DIR}-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&fresh);
        let idx = ArchiveIndex::create(&fresh, key)?;
        let mut writer = idx.bulk_writer()?;
        let mut n = 0;
        for id in bag_ids(archive)? {
            if let Some(case) = read_case(archive, &id) {
                add_together(&writer, case.to_documents(&idx.fields, idx.writer_key()?))?;
                n += 1;
            } else {
                tracing::warn!("bag {id} has no readable metadata.json; not indexed");
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        drop(idx);
        let dest = archive.join(INDEX_DIR);
        let old = archive.join(format!(".{INDEX_DIR}-old-{}", std::process::id()));
        if safe_fs::entry_kind(&dest) != EntryKind::Missing {
            std::fs::rename(&dest, &old)?;
        }
        std::fs::rename(&fresh, &dest)?;
        match safe_fs::entry_kind(&old) {
            EntryKind::Dir => {
                let _ = std::fs::remove_dir_all(&old);
            }
            EntryKind::Missing => {}
            _ => {
                let _ = std::fs::remove_file(&old);
            }
        }
        sohoa_archive::index_journal::done(archive, &pending)?;
        Ok(n)
    }

    /// The bag version of every case the index holds.
    fn versions(&self) -> Result<std::collections::HashMap<String, u64>, IndexError> {
        Ok(self
            .catalog()?
            .into_iter()
            .map(|c| (c.case_id, c.version))
            .collect())
    }

    /// Cases made from a scan file with this SHA-256 (to name likely duplicates at ingest).
    pub fn cases_with_source(&self, sha256: &str) -> Result<Vec<String>, IndexError> {
        sources_in(&self.reader()?.searcher(), &self.fields, sha256)
    }

    /// Segments of the index (a diagnostic; grouped search keeps a case in one segment).
    pub fn segment_count(&self) -> Result<usize, IndexError> {
        Ok(self.reader()?.searcher().segment_readers().len())
    }

    /// Documents in each segment, largest first (a diagnostic: a query runs on each segment
    /// on its own thread, so the largest one bounds its time).
    pub fn segment_sizes(&self) -> Result<Vec<u32>, IndexError> {
        let mut sizes: Vec<u32> = self
            .reader()?
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.max_doc())
            .collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        Ok(sizes)
    }

    /// Number of case documents.
    pub fn case_count(&self) -> Result<u64, IndexError> {
        self.kind_count("case")
    }

    /// Number of page documents (pages with OCR text).
    pub fn page_count(&self) -> Result<u64, IndexError> {
        self.kind_count("page")
    }

    fn kind_count(&self, kind: &str) -> Result<u64, IndexError> {
        let q = tantivy::query::TermQuery::new(
            Term::from_field_text(self.fields.kind, kind),
            tantivy::schema::IndexRecordOption::Basic,
        );
        Ok(self
            .reader()?
            .searcher()
            .search(&q, &tantivy::collector::Count)? as u64)
    }

    /// Every case the index holds, with the bag version and bundle digest it was built from
    /// (for the audit's index-in-sync check), in case-id order.
    pub fn catalog(&self) -> Result<Vec<IndexedCase>, IndexError> {
        let q = tantivy::query::TermQuery::new(
            Term::from_field_text(self.fields.kind, "case"),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let searcher = self.reader()?.searcher();
        let addresses = searcher.search(&q, &tantivy::collector::DocSetCollector)?;
        let mut out = Vec::with_capacity(addresses.len());
        for addr in addresses {
            let doc: tantivy::TantivyDocument = searcher.doc(addr)?;
            let display = doc
                .get_first(self.fields.display)
                .and_then(|v| tantivy::schema::Value::as_str(&v))
                .and_then(|s| serde_json::from_str::<document::Display>(s).ok());
            let Some(d) = display else { continue };
            out.push(IndexedCase {
                case_id: d.case_id,
                version: d.version,
                bundle_sha256: d.bundle_sha256,
            });
        }
        out.sort_by(|a, b| a.case_id.cmp(&b.case_id));
        Ok(out)
    }

    /// Builds an index at `dir` directly from documents, with this key (benchmarks, tests).
    pub fn build_from(
        dir: &Path,
        key: IdKey,
        cases: impl Iterator<Item = CaseDoc>,
    ) -> Result<(ArchiveIndex, usize), IndexError> {
        let idx = ArchiveIndex::create(dir, key)?;
        let mut writer = idx.bulk_writer()?;
        let mut n = 0;
        for case in cases {
            add_together(&writer, case.to_documents(&idx.fields, idx.writer_key()?))?;
            n += 1;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok((idx, n))
    }
}

/// The index as ingest, ocr and withdraw see it: opened for reading at the start of a run (to
/// name likely duplicates), updated at its end under the run's archive lock.
pub struct Catalog {
    archive: PathBuf,
    /// One searcher for the whole run (opening a reader per case would cost more as the
    /// index grows), with the index's field handles.
    searcher: Option<(tantivy::Searcher, Fields)>,
}

impl Catalog {
    /// The archive's index as it is now (none yet is fine: duplicates are then not named).
    pub fn open(archive: &Path) -> Catalog {
        let searcher = ArchiveIndex::open(archive)
            .ok()
            .and_then(|i| Some((i.reader().ok()?.searcher(), i.fields)));
        Catalog {
            archive: archive.to_path_buf(),
            searcher,
        }
    }
}

/// The cases whose scans include this SHA-256, looked up on the calling thread: ingest asks
/// from its own worker pool, and a wait for tantivy's pool there lets rayon start another case
/// on the same stack (hundreds deep on a large archive: a stack overflow).
fn sources_in(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    sha256: &str,
) -> Result<Vec<String>, IndexError> {
    let q = tantivy::query::TermQuery::new(
        Term::from_field_text(fields.source_sha256, &sha256.to_ascii_lowercase()),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let found = searcher.search_with_executor(
        &q,
        &tantivy::collector::DocSetCollector,
        &tantivy::Executor::single_thread(),
        tantivy::query::EnableScoring::disabled_from_searcher(searcher),
    )?;
    let mut out = Vec::new();
    for addr in found {
        let doc: tantivy::TantivyDocument = searcher.doc(addr)?;
        if let Some(id) = doc
            .get_first(fields.case_id)
            .and_then(|v| tantivy::schema::Value::as_str(&v))
        {
            out.push(id.to_string());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

impl sohoa_archive::catalog::ArchiveCatalog for Catalog {
    fn cases_with_source(&self, sha256: &str) -> Vec<String> {
        self.searcher
            .as_ref()
            .and_then(|(s, f)| sources_in(s, f, sha256).ok())
            .unwrap_or_default()
    }

    fn catch_up(
        &self,
        changed: &[String],
        known: &[(String, u64)],
    ) -> sohoa_archive::catalog::IndexOutcome {
        let clock = std::time::Instant::now();
        let result = ArchiveIndex::update(&self.archive, changed, known);
        sohoa_archive::catalog::IndexOutcome {
            updated: *result.as_ref().unwrap_or(&0),
            seconds: clock.elapsed().as_secs_f64(),
            error_vi: result.as_ref().err().map(IndexError::vi),
            error: result.err().map(|e| e.to_string()),
        }
    }
}
