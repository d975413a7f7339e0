//! `sohoa ocr`: OCR for bags already in the archive. A bag whose pages have no text gets a new
//! version: the same page images, byte for byte, now with a text layer, page texts and OCR
//! events; every other payload file copied with its digest checked; the old bag kept in `versions/`.

use super::bundle::{self, NewBundle};
use super::current::{in_bag, open_whole};
use super::ocr_pages::{Sinks, TextPages};
use super::seal::{carried, seal};
use super::{lock, version};
use lopdf::Document;
use serde::Serialize;
use sohoa_archive::bag::label;
use sohoa_archive::events::{self, kind, EventLog, Outcome};
use sohoa_archive::layout;
use sohoa_archive::problem::Problem;
use sohoa_archive::record::{CaseRecord, DpiSource, PageRecord};
use sohoa_bagit::reader::Bag;
use sohoa_bagit::rewrap::{check_intact, copy_payload, RewrapError};
use sohoa_bagit::BagBuilder;
use sohoa_imaging::stored::gray_of_stored;
use sohoa_ocr::{Pool, Settings};
use sohoa_pdfa::read_back::stored_page;
use std::fs;
use std::path::{Path, PathBuf};

pub struct OcrOptions {
    pub archive: PathBuf,
    pub jobs: usize,
    pub settings: Settings,
    /// Recognize again bags whose pages already have text.
    pub force: bool,
    /// Only these cases (all bags when empty).
    pub cases: Vec<String>,
    /// Set when the run must stop (SIGINT, SIGTERM): no new case starts.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// The person running the OCR, named on the new events (PREMIS agents).
    pub operator: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OcrCaseResult {
    pub case_id: String,
    /// `added`, `skipped` (already has text) or `failed`.
    pub status: &'static str,
    pub version: Option<u32>,
    pub previous_version: Option<String>,
    pub pages: u32,
    pub ocr_pages: u32,
    pub ocr_confidence: Option<u8>,
    pub warnings: Vec<Problem>,
    pub errors: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OcrReport {
    pub schema: &'static str,
    pub schema_version: u32,
    pub archive: String,
    pub engine: String,
    pub languages: String,
    pub added: usize,
    pub skipped: usize,
    pub failed: usize,
    pub seconds: f64,
    /// True when the run was stopped (Ctrl-C, SIGTERM) before every bag was done.
    pub interrupted: bool,
    pub cases: Vec<OcrCaseResult>,
    /// How the search index was brought level with the bags.
    pub index: super::IndexOutcome,
}

/// Adds text to the archive's bags; `Err` when it cannot run at all (no Tesseract, locked).
pub fn ocr_archive(
    opts: &OcrOptions,
    on_case: &dyn Fn(&OcrCaseResult),
    catalog: &dyn super::ArchiveCatalog,
) -> Result<OcrReport, Problem> {
    let clock = std::time::Instant::now();
    let _lock = lock::open_for_writing(&opts.archive)?;
    let mut ids = sohoa_bagit::reader::current_ids(&opts.archive).map_err(|e| {
        Problem::error(
            "ocr.archive_unreadable",
            format!("Không đọc được kho lưu trữ: {e}"),
            format!("Cannot read the archive: {e}"),
        )
    })?;
    if !opts.cases.is_empty() {
        // Every case asked for must be there: a mistyped id is said before anything is done.
        let stored: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut unknown: Vec<&str> = Vec::new();
        for id in &opts.cases {
            if !stored.contains(id.as_str()) && !unknown.contains(&id.as_str()) {
                unknown.push(id);
            }
        }
        if !unknown.is_empty() {
            let list = unknown.join(", ");
            return Err(Problem::error(
                "ocr.unknown_case",
                format!("Không có hồ sơ {list} trong kho. Không hồ sơ nào được thay đổi."),
                format!("No such case in the archive: {list}. No case was changed."),
            ));
        }
        ids.retain(|id| opts.cases.contains(id));
    }
    let pool = Pool::start(&opts.settings, opts.jobs)
        .map_err(|u| Problem::error("ocr.unavailable", u.vi, u.en))?
        .ok_or_else(|| {
            Problem::error(
                "ocr.off",
                "OCR đang tắt (--ocr off)",
                "OCR is switched off (--ocr off)",
            )
        })?;
    let mut cases = Vec::new();
    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    };
    for id in ids {
        if cancelled() {
            break;
        }
        let r = add_text(&opts.archive, &id, opts, &pool);
        on_case(&r);
        cases.push(r);
    }
    let count = |s: &str| cases.iter().filter(|c| c.status == s).count();
    // The index, still under the lock.
    let changed: Vec<String> = cases
        .iter()
        .filter(|c| c.status == "added")
        .map(|c| c.case_id.clone())
        .collect();
    let index = catalog.catch_up(&changed, &[]);
    Ok(OcrReport {
        schema: "sohoa/ocr-report",
        schema_version: 1,
        archive: opts.archive.display().to_string(),
        engine: pool.engine.clone(),
        languages: pool.languages.clone(),
        added: count("added"),
        skipped: count("skipped"),
        failed: count("failed"),
        seconds: clock.elapsed().as_secs_f64(),
        interrupted: cancelled(),
        cases,
        index,
    })
}

fn has_text(page: &PageRecord) -> bool {
    matches!(
        page.ocr.as_ref().map(|o| o.status.as_str()),
        Some("done") | Some("blank")
    )
}

impl OcrCaseResult {
    fn new(id: &str) -> Self {
        OcrCaseResult {
            case_id: id.to_string(),
            status: "failed",
            version: None,
            previous_version: None,
            pages: 0,
            ocr_pages: 0,
            ocr_confidence: None,
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The stored bundle cannot be read as sohoa wrote it.
fn unreadable(id: &str, vi: String, en: String) -> Problem {
    in_bag(id, "ocr.bundle_unreadable", vi, en)
}

/// Adds text to one bag: a new version when its pages have none (or `--force`).
fn add_text(archive: &Path, id: &str, opts: &OcrOptions, pool: &Pool) -> OcrCaseResult {
    let mut r = OcrCaseResult::new(id);
    let (bag, record) = match open_whole(archive, id, "ocr.bag_unreadable", "ocr.no_metadata") {
        Ok(opened) => opened,
        Err(problem) => {
            r.errors.push(problem);
            return r;
        }
    };
    r.pages = record.pages.len() as u32;
    if !opts.force && !record.pages.is_empty() && record.pages.iter().all(has_text) {
        r.status = "skipped";
        r.version = Some(record.version.max(1));
        return r;
    }
    // A new version is only made from an intact bag: damage is never re-wrapped as good.
    let intact = match check_intact(&bag) {
        Ok(report) => report,
        Err(e) => {
            r.errors.push(in_bag(
                id,
                "ocr.bag_damaged",
                format!("Gói không nguyên vẹn nên không thêm chữ: {e}"),
                format!("The bag is not intact, so no text is added: {e}"),
            ));
            return r;
        }
    };
    let tmp = layout::building(archive, id);
    let _ = fs::remove_dir_all(&tmp);
    let text = TextBuild {
        archive,
        id,
        old: &bag,
        intact: &intact,
        pool,
        jobs: opts.jobs,
        operator: opts.operator.as_deref(),
    };
    match text.rebuild(record, &tmp) {
        Ok(Ok(done)) => {
            r.status = "added";
            r.version = Some(done.version);
            r.previous_version = done.moved;
            r.ocr_pages = done.ocr_pages;
            r.ocr_confidence = done.ocr_confidence;
            r.warnings = done.warnings;
        }
        Ok(Err(problem)) => {
            let _ = fs::remove_dir_all(&tmp);
            r.errors.push(problem);
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            r.errors.push(in_bag(
                id,
                "bag.write_failed",
                format!("Không ghi được phiên bản mới của gói: {e}"),
                format!("Cannot write the new version of the bag: {e}"),
            ));
        }
    }
    r
}

/// A new version of one bag with a text layer: the same page images byte for byte.
struct TextBuild<'a> {
    archive: &'a Path,
    id: &'a str,
    old: &'a Bag,
    intact: &'a sohoa_bagit::verify::BagReport,
    pool: &'a Pool,
    operator: Option<&'a str>,
    jobs: usize,
}

/// What a rebuild stored.
struct Rebuilt {
    version: u32,
    moved: Option<String>,
    ocr_pages: u32,
    ocr_confidence: Option<u8>,
    warnings: Vec<Problem>,
}

impl TextBuild<'_> {
    /// Builds the new version in `tmp` and commits it. `Ok(Err)`: nothing committed, why.
    fn rebuild(&self, record: CaseRecord, tmp: &Path) -> std::io::Result<Result<Rebuilt, Problem>> {
        let id = self.id;
        let in_bag_path = record
            .bundle
            .as_ref()
            .map(|b| b.path.clone())
            .unwrap_or_default();
        let Some(pdf_rel) = in_bag_path.strip_prefix("data/").map(str::to_string) else {
            return Ok(Err(unreadable(
                id,
                "metadata.json không ghi tệp PDF".into(),
                "metadata.json names no bundle".into(),
            )));
        };
        let mut log = match self.old.events() {
            Ok(mut log) => {
                log.acting(self.operator, record.case.agency_name.as_deref());
                log
            }
            Err(_) => return Ok(Err(in_bag(
                id,
                "ocr.events_unreadable",
                "data/events.json không đọc được: nhật ký bảo quản không bị thay thế; hãy chạy sohoa verify và khôi phục tệp từ bản sao lưu".into(),
                "data/events.json is unreadable: the preservation events are not replaced; run sohoa verify and restore the file from a backup".into(),
            ))),
        };
        let doc = match self.bundle(&in_bag_path, record.pages.len()) {
            Ok(doc) => doc,
            Err(problem) => return Ok(Err(problem)),
        };
        let mut bag = BagBuilder::create(tmp.to_path_buf())?;
        let mut pdf = NewBundle::create(&mut bag, &pdf_rel)?;
        let mut warnings = Vec::new();
        let pages =
            match self.recognize(&doc, &record, &mut pdf, &mut bag, &mut log, &mut warnings)? {
                Ok(pages) => pages,
                Err(problem) => return Ok(Err(problem)),
            };
        drop(doc);
        let info = bundle::info(
            &record.case,
            &record.hoso,
            id,
            sohoa_archive::time_format::now(),
        );
        let (count, from) = (pages.len(), record.version);
        let note = move |size: u64| {
            format!("{count} pages, {size} bytes, PDF/A-2b; page images copied byte for byte from version {from}")
        };
        let objects = vec![
            events::source(in_bag_path.clone()),
            events::outcome(in_bag_path.clone()),
        ];
        let step = (
            "PDF/A-2b bundle with text layer",
            &note as &dyn Fn(u64) -> String,
            objects,
        );
        let finished = match pdf.finish(
            &info,
            &bundle::outline(&record.components),
            &mut bag,
            &mut log,
            step,
            count,
        )? {
            Ok(f) => f,
            Err(problem) => return Ok(Err(unreadable(id, problem.message, problem.message_en))),
        };
        let done = self.next_version(record, &pages, finished, bag, log, &pdf_rel)?;
        Ok(done.map(|done| Rebuilt { warnings, ..done }))
    }

    /// The rest of the new version: every other payload file (kept originals) carried over
    /// with its digest checked, the record updated, the bag sealed and committed.
    fn next_version(
        &self,
        mut record: CaseRecord,
        pages: &[PageRecord],
        finished: bundle::Finished,
        mut bag: BagBuilder,
        mut log: EventLog,
        pdf_rel: &str,
    ) -> std::io::Result<Result<Rebuilt, Problem>> {
        let id = self.id;
        let skip =
            |p: &str| p == pdf_rel || crate::seal::written_by_seal(p) || p.starts_with("text/");
        match copy_payload(self.old, self.intact, &mut bag, skip) {
            Ok(()) => {}
            Err(RewrapError::Io(e)) => return Err(e),
            Err(e @ RewrapError::Damaged(_)) => {
                return Ok(Err(unreadable(
                    id,
                    format!("Gói không nguyên vẹn: {e}"),
                    format!("The bag is not intact: {e}"),
                )))
            }
        }
        let current = record.version.max(1);
        let (version, previous) = version::number(self.archive, id, Some(current));
        for (page, new) in record.pages.iter_mut().zip(pages) {
            page.ocr = new.ocr.clone();
        }
        record.version = version;
        record.previous_version = previous.clone();
        if let Some(b) = record.bundle.as_mut() {
            b.sha256 = finished.sha256;
            b.size = finished.size;
            b.document_id = finished.document_id;
        }
        log.add(
            kind::PACKAGE_CREATION,
            events::detail("BagIt 1.0"),
            Outcome::Success,
            format!(
                "bag {id}, version {version} (text added to version {current}), SHA-256 manifests"
            ),
            vec![events::outcome(layout::bag(id))],
        );
        let labels = carried(
            &self.old.bag_info().unwrap_or_default(),
            &[(label::SOHOA_BAG_VERSION, version.to_string())],
        );
        let root = seal(bag, &record, &log, &labels)?;
        let moved = version::commit(self.archive, id, &root, previous.as_ref())?;
        let conf: Vec<u32> = pages
            .iter()
            .filter_map(|p| p.ocr.as_ref().and_then(|o| o.confidence))
            .map(u32::from)
            .collect();
        Ok(Ok(Rebuilt {
            version,
            moved,
            ocr_pages: conf.len() as u32,
            ocr_confidence: (!conf.is_empty())
                .then(|| (conf.iter().sum::<u32>() / conf.len() as u32) as u8),
            warnings: Vec::new(),
        }))
    }

    /// The stored bundle, which must have as many pages as the record lists.
    fn bundle(&self, in_bag_path: &str, pages: usize) -> Result<Document, Problem> {
        let id = self.id;
        let doc = self
            .old
            .open_file(in_bag_path)
            .map_err(|e| e.en())
            .and_then(|(f, _)| Document::load_from(f).map_err(|e| e.to_string()))
            .map_err(|e| {
                unreadable(
                    id,
                    format!("Không đọc được {in_bag_path}: {e}"),
                    format!("Cannot read {in_bag_path}: {e}"),
                )
            })?;
        let found = doc.get_pages().len();
        if found != pages {
            return Err(unreadable(
                id,
                format!("{in_bag_path} có {found} trang, metadata.json ghi {pages}"),
                format!("{in_bag_path} has {found} pages, metadata.json lists {pages}"),
            ));
        }
        Ok(doc)
    }

    /// Every page copied into the new bundle and recognized; the page records with their OCR.
    fn recognize(
        &self,
        doc: &Document,
        record: &CaseRecord,
        pdf: &mut NewBundle,
        bag: &mut BagBuilder,
        log: &mut EventLog,
        warnings: &mut Vec<Problem>,
    ) -> std::io::Result<Result<Vec<PageRecord>, Problem>> {
        let id = self.id;
        let title = record
            .case
            .case_code
            .clone()
            .unwrap_or_else(|| id.to_string());
        let folder = if record.source_folder.is_empty() {
            id
        } else {
            &record.source_folder
        };
        let mut text = TextPages::new(Some(self.pool), title, &pdf.rel, folder, self.jobs);
        let mut pages: Vec<PageRecord> = Vec::new();
        let page_ids: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
        for (i, (page_id, m)) in page_ids.iter().zip(&record.pages).enumerate() {
            let page = match stored_page(doc, *page_id) {
                Ok(p) => p,
                Err(why) => {
                    let n = i + 1;
                    return Ok(Err(unreadable(
                        id,
                        format!("Trang {n}: {why}"),
                        format!("Page {n}: {why}"),
                    )));
                }
            };
            let Some(gray) = gray_of_stored(&page) else {
                let n = i + 1;
                return Ok(Err(unreadable(
                    id,
                    format!("Trang {n}: không giải mã được ảnh"),
                    format!("Page {n}: cannot decode the image"),
                )));
            };
            pages.push(PageRecord {
                number: i as u32 + 1,
                source: m.source.clone(),
                frame: m.frame,
                width: page.width,
                height: page.height,
                dpi_x: page.dpi_x,
                dpi_y: page.dpi_y,
                dpi_source: DpiSource::File,
                colour: page.colour,
                encoding: page.encoding,
                rotate: page.rotate,
                ..Default::default()
            });
            let pending = pdf.writer.begin_page(&page)?;
            let blank = m.normalization.as_ref().is_some_and(|n| n.blank);
            let sinks = Sinks {
                writer: &mut pdf.writer,
                bag,
                pages: &mut pages,
                log,
                warnings,
            };
            text.push(pending, Some(gray), blank, i, sinks)?;
        }
        text.finish(Sinks {
            writer: &mut pdf.writer,
            bag,
            pages: &mut pages,
            log,
            warnings,
        })?;
        Ok(Ok(pages))
    }
}
