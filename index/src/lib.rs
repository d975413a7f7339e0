//! sohoa-index: the search side of the archive (bags -> tantivy index -> search).
//!
//! The index in `ARCHIVE/index/` is derived from the bags' `metadata.json` and can always be
//! rebuilt from them ([`ArchiveIndex::rebuild`]); it is never a source of truth. Vietnamese
//! text is indexed exact and diacritic-folded ([`analyzer`]), personal identifiers only as
//! keyed hashes ([`privacy`]). [`ArchiveIndex::update`] adds the cases of an ingest in one
//! commit; [`ArchiveIndex::search`] answers queries ([`query`] has the query language).

pub mod analyzer;
pub mod document;
pub mod privacy;
pub mod query;
pub mod schema;
pub mod search;

pub use document::CaseDoc;
pub use search::{Filters, Hit, SearchRequest, SearchResults, Sort};

use privacy::IdKey;
use schema::{Fields, SCHEMA_VERSION};
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

/// Folds text for filters: no diacritics, đ -> d, lowercase.
pub fn fold(s: &str) -> String {
    sohoa_pipeline::text::fold(&sohoa_pipeline::text::nfc(s))
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("no search index in {0}: run `sohoa reindex`")]
    Missing(PathBuf),
    #[error("{0}")]
    BadRequest(String),
}

/// Folder of the index inside an archive.
pub const INDEX_DIR: &str = "index";
/// Marker with the schema version, next to tantivy's files.
const VERSION_FILE: &str = "sohoa-index.json";
/// Indexing memory budget for incremental updates (split across tantivy's threads).
const WRITER_HEAP: usize = 256 * 1024 * 1024;
/// For full rebuilds: fewer, larger segments, so less merging.
const REBUILD_HEAP: usize = 1024 * 1024 * 1024;

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
    key: IdKey,
}

fn version_ok(dir: &Path) -> bool {
    std::fs::read(dir.join(VERSION_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["schema_version"].as_u64())
        == Some(SCHEMA_VERSION as u64)
}

/// Reads the current bag of a case as an index document.
pub fn read_case(archive: &Path, case_id: &str) -> Option<CaseDoc> {
    let bytes = std::fs::read(
        archive
            .join("bags")
            .join(case_id)
            .join("data/metadata.json"),
    )
    .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let mut case = CaseDoc::from_metadata(&v, &format!("bags/{case_id}"))?;
    case.pages = page_texts(&archive.join("bags").join(case_id), &v);
    Some(case)
}

/// The OCR text of every page that has one, from the files `metadata.json` names
/// (`data/text/...` inside the bag only).
fn page_texts(bag: &Path, meta: &serde_json::Value) -> Vec<(u64, String)> {
    let Some(pages) = meta["pages"].as_array() else {
        return Vec::new();
    };
    pages
        .iter()
        .filter_map(|p| {
            let n = p["number"].as_u64()?;
            let rel = p["ocr"]["text"].as_str()?;
            if !rel.starts_with("data/text/") || rel.contains("..") {
                return None;
            }
            let text = std::fs::read_to_string(bag.join(rel)).ok()?;
            let text = sohoa_pipeline::text::nfc(text.trim());
            (!text.is_empty()).then_some((n, text))
        })
        .collect()
}

/// The case ids of every current bag.
pub fn bag_ids(archive: &Path) -> std::io::Result<Vec<String>> {
    let dir = archive.join("bags");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    ids.sort();
    Ok(ids)
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
            serde_json::json!({ "schema_version": SCHEMA_VERSION }).to_string(),
        )?;
        Ok(ArchiveIndex { index, fields, key })
    }

    /// Opens the archive's index.
    pub fn open(archive: &Path) -> Result<ArchiveIndex, IndexError> {
        let dir = archive.join(INDEX_DIR);
        if !dir.join("meta.json").is_file() || !version_ok(&dir) {
            return Err(IndexError::Missing(dir));
        }
        let mut index = Index::open_in_dir(&dir)?;
        analyzer::register(&index);
        // Segments are searched in parallel on every core.
        index.set_default_multithread_executor()?;
        let fields = Fields::from_schema(&index.schema())?;
        Ok(ArchiveIndex {
            index,
            fields,
            key: IdKey::load_or_create(archive)?,
        })
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
        for doc in case.to_documents(&self.fields, &self.key) {
            writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Brings the index up to date for these cases (re-read from their bags) in one commit.
    /// A missing or outdated index is rebuilt from all bags instead. Returns cases indexed.
    pub fn update(archive: &Path, case_ids: &[String]) -> Result<usize, IndexError> {
        let idx = match ArchiveIndex::open(archive) {
            Ok(i) => i,
            Err(IndexError::Missing(_)) => return ArchiveIndex::rebuild(archive),
            Err(e) => return Err(e),
        };
        let mut writer = idx.writer()?;
        let mut n = 0;
        for id in case_ids {
            match read_case(archive, id) {
                Some(case) => {
                    idx.add_case(&writer, &case)?;
                    n += 1;
                }
                None => {
                    writer.delete_term(Term::from_field_text(idx.fields.case_id, id));
                }
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok(n)
    }

    /// Rebuilds the index from the bags alone, in a new folder swapped in when complete (the
    /// old index answers until then). Returns cases indexed.
    pub fn rebuild(archive: &Path) -> Result<usize, IndexError> {
        let key = IdKey::load_or_create(archive)?;
        let fresh = archive.join(format!(".{INDEX_DIR}-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&fresh);
        let idx = ArchiveIndex::create(&fresh, key)?;
        let mut writer = idx.bulk_writer()?;
        let mut n = 0;
        for id in bag_ids(archive)? {
            if let Some(case) = read_case(archive, &id) {
                for doc in case.to_documents(&idx.fields, &idx.key) {
                    writer.add_document(doc)?;
                }
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
        if dest.exists() {
            std::fs::rename(&dest, &old)?;
        }
        std::fs::rename(&fresh, &dest)?;
        if old.is_dir() {
            let _ = std::fs::remove_dir_all(&old);
        } else {
            let _ = std::fs::remove_file(&old);
        }
        Ok(n)
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

    /// Builds an index at `dir` directly from documents (benchmarks, tests).
    pub fn build_from(
        dir: &Path,
        key_dir: &Path,
        cases: impl Iterator<Item = CaseDoc>,
    ) -> Result<(ArchiveIndex, usize), IndexError> {
        let idx = ArchiveIndex::create(dir, IdKey::load_or_create(key_dir)?)?;
        let mut writer = idx.bulk_writer()?;
        let mut n = 0;
        for case in cases {
            for doc in case.to_documents(&idx.fields, &idx.key) {
                writer.add_document(doc)?;
            }
            n += 1;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok((idx, n))
    }
}
