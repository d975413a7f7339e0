//! sohoa-ingest: the data flow from scan folders to bags, one case at a time (discover ->
//! `sohoa-register` -> `sohoa-imaging` -> `sohoa-ocr` -> `sohoa-pdfa` -> `sohoa-bagit`), and
//! adding OCR text to bags already stored (`sohoa ocr`, [`ocr_archive`]); archival packages
//! turned back into bags (`sohoa import`, [`import_package`]).
//!
//! The whole ingest of a scan folder: plan every case (metadata, identifier), process cases
//! on `--jobs` worker threads, and write a machine-readable report. One bad case never
//! stops the batch; an archive is written by one sohoa at a time (a lock file); an interrupt
//! (Ctrl-C, SIGTERM) drops the case in flight and still reports what was stored.

// `Problem` is a plain ~130-byte record returned on rare error paths.
#![allow(clippy::result_large_err)]

mod bundle;
mod case;
mod current;
pub mod discover;
#[doc(hidden)]
pub mod fuzzing;
mod identity;
mod import;
pub mod lock;
mod ocr_archive;
mod ocr_pages;
mod outcome;
mod pages;
pub mod record_sheet;
mod seal;
mod sign_archive;
mod sources;
mod version;
mod withdraw;

use crate::discover::{discover_only, looks_like_a_case, CaseSource};
use serde::Serialize;
use sohoa_archive::problem::Problem;
use sohoa_archive::safe_fs::Follow;
use sohoa_register::{read_register, read_sidecar_limited, Fields, Sidecar};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

pub use import::{import_package, Imported};
pub use ocr_archive::{ocr_archive, OcrCaseResult, OcrOptions, OcrReport};
pub use ocr_pages::{text_paths, TEXT_DIR};
pub use sign_archive::{sign_archive, SignCaseResult, SignOptions, SignReport};
pub use sohoa_archive::bag::BAG_FORMAT;
pub use sohoa_archive::catalog::{ArchiveCatalog, IndexOutcome, NoCatalog};
pub use withdraw::{withdraw, WithdrawReport};

/// What an ingest is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub archive: PathBuf,
    pub jobs: usize,
    pub keep_originals: bool,
    /// Source-Organization for bags whose metadata names no agency.
    pub organization: Option<String>,
    /// How pages are normalized (deskew, borders, blank pages, colour mode, DPI).
    pub profile: sohoa_imaging::normalize::Profile,
    /// Leave blank pages out of the bundle (their source files are kept in the bag).
    pub drop_blank: bool,
    /// OCR of every page (text layer, page texts in the bag).
    pub ocr: sohoa_ocr::Settings,
    /// Batch register to use instead of the one found in the scan folder.
    pub register: Option<PathBuf>,
    /// Column mapping file for the register (else `hoso.mapping.toml` next to it, if any).
    pub mapping: Option<PathBuf>,
    /// Follow symbolic links in the scan folder (`--follow-symlinks`); refused otherwise.
    pub follow_symlinks: bool,
    /// `--batch`: the scan folder is a folder of cases even when it looks like one case.
    pub batch: bool,
    /// `--replace`: a case code already stored from another source is replaced (the old
    /// version kept in `versions/`), for this reason.
    pub replace: Option<String>,
    /// Set when the run must stop (SIGINT, SIGTERM): the case in flight is dropped, cases not
    /// started are reported as interrupted.
    pub cancel: Option<Arc<AtomicBool>>,
    /// `--sign`: each bundle signed by the agency as its case is stored (docs/signing.md).
    pub sign: Option<SignWith>,
    /// Only these case folders of the scan folder (a queued case job); `None`: all of them.
    pub only: Option<std::collections::BTreeSet<String>>,
    /// The person running the ingest (`--operator`, the web's signed-in user), named with the
    /// software and the agency on every preservation event (PREMIS agents).
    pub operator: Option<String>,
}

/// The agency's key for `ingest --sign`, shared by the worker threads, and the signatures'
/// `/Reason`.
#[derive(Clone)]
pub struct SignWith {
    pub signer: Arc<sohoa_sign::Shared>,
    pub reason: String,
    /// An RFC 3161 time-stamping authority's URL (PAdES B-T).
    pub tsa: Option<String>,
}

impl std::fmt::Debug for SignWith {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use sohoa_sign::Signer;
        let subject = self
            .signer
            .certificates()
            .first()
            .map(|c| c.tbs_certificate.subject.to_string())
            .unwrap_or_default();
        write!(f, "SignWith({subject})")
    }
}

impl Options {
    /// True once the run was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }

    pub(crate) fn follow(&self) -> Follow {
        if self.follow_symlinks {
            Follow::Yes
        } else {
            Follow::No
        }
    }
}

/// What every case of a run shares.
pub(crate) struct Run<'a> {
    pub opts: &'a Options,
    pub pool: Option<&'a sohoa_ocr::Pool>,
    pub progress: &'a dyn Progress,
    pub catalog: &'a dyn ArchiveCatalog,
    /// Scan digests of the cases this run has stored: digest -> case id.
    pub stored: Mutex<HashMap<String, String>>,
}

/// Callbacks for showing progress; all methods may be called from worker threads.
pub trait Progress: Sync {
    fn start(&self, _cases: usize, _files: u64) {}
    fn file_done(&self, _folder: &str) {}
    fn case_done(&self, _result: &CaseResult) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Ingested,
    Skipped,
    Failed,
    /// Not stored because the run was interrupted (in flight and dropped, or not started).
    Interrupted,
}

/// The outcome for one case folder.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The case folder's name, identity numbers in it masked.
    pub folder: String,
    pub case_id: String,
    pub status: CaseStatus,
    /// Bag version written (or kept, when skipped).
    pub version: Option<u32>,
    /// Path of the bag relative to the archive.
    pub bag: Option<String>,
    /// Prior version moved aside by this ingest, relative to the archive.
    pub previous_version: Option<String>,
    pub pages: u32,
    /// Bytes of payload written (0 when skipped or failed).
    pub bytes: u64,
    pub metadata_status: Option<&'static str>,
    /// What normalization did to the case's pages.
    pub normalized: NormalizedCounts,
    /// Pages that got a text layer, and their mean OCR confidence (0..100).
    pub ocr_pages: u32,
    pub ocr_confidence: Option<u8>,
    pub warnings: Vec<Problem>,
    pub errors: Vec<Problem>,
}

/// Pages of a case by what normalization did to them.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct NormalizedCounts {
    pub deskewed: u32,
    pub cropped: u32,
    pub blank: u32,
    pub dropped: u32,
    pub dpi_inferred: u32,
    pub mode_changed: u32,
}

impl NormalizedCounts {
    pub fn is_empty(&self) -> bool {
        self.deskewed
            + self.cropped
            + self.blank
            + self.dropped
            + self.dpi_inferred
            + self.mode_changed
            == 0
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub cases: usize,
    pub ingested: usize,
    pub skipped: usize,
    pub failed: usize,
    pub interrupted: usize,
    pub pages: u64,
    /// Pages that got a text layer.
    pub ocr_pages: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub warnings: usize,
    pub errors: usize,
}

/// The ingest report (also written to `ARCHIVE/reports/ingest-<time>.json`).
#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub schema: &'static str,
    pub schema_version: u32,
    pub software: String,
    pub started: String,
    pub finished: String,
    pub scans: String,
    pub archive: String,
    pub jobs: usize,
    pub keep_originals: bool,
    /// True when the run was stopped (Ctrl-C, SIGTERM) before every case was done.
    pub interrupted: bool,
    /// OCR engine and languages, or null when pages were not recognized.
    pub ocr: Option<String>,
    pub summary: Summary,
    /// Problems not tied to one case (register, stray files).
    pub batch_problems: Vec<Problem>,
    pub cases: Vec<CaseResult>,
    /// Where this report was written, relative to the archive.
    pub report_path: Option<String>,
    /// How the search index was brought level with the bags (in the `--json` output; the
    /// report file is written before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexOutcome>,
}

impl BatchReport {
    /// 0 all good, 1 partial (some case failed), 130 interrupted, per docs/cli.md.
    pub fn exit_code(&self) -> i32 {
        if self.interrupted {
            130
        } else if self.summary.failed > 0 || self.batch_problems.iter().any(Problem::is_error) {
            1
        } else {
            0
        }
    }
}

/// Everything known about a case before its files are read.
pub(crate) struct Plan {
    pub source: CaseSource,
    pub fields: Fields,
    pub from_register: bool,
    pub sidecar: Option<Sidecar>,
    pub metadata_sources: Vec<sohoa_archive::record::MetadataSource>,
    pub problems: Vec<Problem>,
    pub case_id: String,
}

fn fatal(code: &str, vi: String, en: String) -> Problem {
    Problem::error(code, vi, en)
}

/// Ingests a scan folder into the archive. Errors only when nothing can be done at all
/// (scan folder unreadable or itself a case folder, archive not writable or locked).
pub fn ingest(
    scans: &Path,
    opts: &Options,
    progress: &dyn Progress,
    catalog: &dyn ArchiveCatalog,
) -> Result<BatchReport, Problem> {
    let started = sohoa_archive::time_format::now();
    let clock = std::time::Instant::now();
    let batch = find_cases(scans, opts)?;
    let _lock = lock::open_for_writing(&opts.archive)?;
    let mut batch_problems = batch.problems.clone();
    let register = read_batch_register(opts, batch.register)?;
    let plans = plan(
        batch.cases,
        register,
        &mut batch_problems,
        &opts.profile.limits,
    );
    let total_files: u64 = plans.iter().map(|p| p.source.files.len() as u64).sum();
    progress.start(plans.len(), total_files);
    let pool = start_ocr(opts, &mut batch_problems)?;
    let ocr = pool
        .as_ref()
        .map(|p| format!("{} ({})", p.engine, p.languages));
    let mut run_opts = opts.clone();
    run_opts.profile.keep_gray = pool.is_some();
    if opts.ocr.mode != sohoa_ocr::Mode::Off {
        run_opts.profile.teller = orientation_teller(&run_opts.profile);
    }
    let run = Run {
        opts: &run_opts,
        pool: pool.as_ref(),
        progress,
        catalog,
        stored: Mutex::new(HashMap::new()),
    };
    let results = run_workers(plans, &run);
    drop(pool);
    let mut summary = Summary::of(&results, &batch_problems);
    summary.seconds = clock.elapsed().as_secs_f64();
    let mut report = BatchReport {
        schema: "sohoa/ingest-report",
        schema_version: 1,
        software: sohoa_pdfa::producer(),
        started: sohoa_archive::events::timestamp(started),
        finished: sohoa_archive::events::timestamp(sohoa_archive::time_format::now()),
        scans: scans.display().to_string(),
        archive: opts.archive.display().to_string(),
        jobs: opts.jobs,
        keep_originals: opts.keep_originals,
        interrupted: opts.cancelled() || summary.interrupted > 0,
        ocr,
        summary,
        batch_problems,
        cases: results,
        report_path: None,
        index: None,
    };
    // The index, still under the lock.
    report.index = Some(catch_up_index(&report, catalog));
    write_report(&mut report, &opts.archive, started);
    Ok(report)
}

/// The cases of a scan folder; refused when it is missing, unreadable, or itself one case
/// (unless `--batch`).
fn find_cases(scans: &Path, opts: &Options) -> Result<discover::ScanBatch, Problem> {
    if !scans.is_dir() {
        return Err(fatal(
            "ingest.no_scans",
            format!("Không tìm thấy thư mục ảnh quét {}", scans.display()),
            format!("Scan folder {} not found", scans.display()),
        ));
    }
    let batch = discover_only(scans, opts.follow(), opts.only.as_ref()).map_err(|e| {
        fatal(
            "ingest.no_scans",
            format!("Không đọc được thư mục {}: {e}", scans.display()),
            format!("Cannot read {}: {e}", scans.display()),
        )
    })?;
    if let Some((vi, en)) = looks_like_a_case(&batch).filter(|_| !opts.batch) {
        let parent = std::fs::canonicalize(scans)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| scans.join(".."));
        return Err(fatal(
            "ingest.scans_is_a_case",
            format!(
                "{} là một thư mục hồ sơ, không phải thư mục chứa các hồ sơ ({vi}). Hãy đưa thư mục chứa nó: sohoa ingest \"{}\" (hoặc đặt hồ sơ vào một thư mục riêng rồi đưa thư mục đó; nếu đây đúng là thư mục chứa các hồ sơ, thêm --batch)",
                scans.display(),
                parent.display()
            ),
            format!(
                "{} is one case folder, not a folder of case folders ({en}). Give the folder that holds it: sohoa ingest \"{}\" (or put the case in a folder of its own and give that folder; if it really is a folder of cases, add --batch)",
                scans.display(),
                parent.display()
            ),
        ));
    }
    Ok(batch)
}

/// The batch register (`--register`, else the one found in the scan folder), read with its
/// column mapping (`--mapping`, else `hoso.mapping.toml` next to it).
fn read_batch_register(
    opts: &Options,
    found: Option<PathBuf>,
) -> Result<Option<sohoa_register::Register>, Problem> {
    if let Some(r) = &opts.register {
        if !r.is_file() {
            return Err(fatal(
                "ingest.no_register",
                format!("Không tìm thấy sổ đăng ký {}", r.display()),
                format!("Register {} not found", r.display()),
            ));
        }
    }
    let register = opts.register.clone().or(found);
    let mapping_path = opts.mapping.clone().or_else(|| {
        register
            .as_ref()
            .map(|r| r.with_file_name(sohoa_register::MAPPING_NAME))
            .filter(|p| p.is_file())
    });
    let mapping = match &mapping_path {
        Some(p) => sohoa_register::Mapping::load(p)?,
        None => sohoa_register::Mapping::default(),
    };
    Ok(register.map(|p| read_register(&p, &mapping, &opts.profile.limits)))
}

/// The outside judge of orientation for pages whose text lines leave the way up undecided:
/// the profile's own (a test's), else Tesseract's OSD where the profile asks for it and it is
/// installed (`tesseract-ocr-osd`); without it each page keeps its own verdict.
pub fn orientation_teller(
    profile: &sohoa_imaging::Profile,
) -> Option<std::sync::Arc<dyn sohoa_imaging::OrientationTeller>> {
    if profile.teller.is_some() || !profile.orientation.osd {
        return profile.teller.clone();
    }
    let osd = sohoa_ocr::TesseractOsd::available().ok()?;
    Some(std::sync::Arc::new(osd))
}

/// One pool of recognizers for the whole batch; without Tesseract, said once (an error when
/// OCR is required).
fn start_ocr(
    opts: &Options,
    batch_problems: &mut Vec<Problem>,
) -> Result<Option<sohoa_ocr::Pool>, Problem> {
    match sohoa_ocr::Pool::start(&opts.ocr, opts.jobs) {
        Ok(p) => Ok(p),
        Err(u) if opts.ocr.mode == sohoa_ocr::Mode::On => Err(fatal("ocr.unavailable", u.vi, u.en)),
        Err(u) => {
            batch_problems.push(Problem::warning("ocr.unavailable", u.vi, u.en));
            Ok(None)
        }
    }
}

impl Summary {
    /// The batch's counts from its case results and batch-level problems.
    fn of(results: &[CaseResult], batch_problems: &[Problem]) -> Summary {
        let mut summary = Summary {
            cases: results.len(),
            ..Default::default()
        };
        for r in results {
            match r.status {
                CaseStatus::Ingested => summary.ingested += 1,
                CaseStatus::Skipped => summary.skipped += 1,
                CaseStatus::Failed => summary.failed += 1,
                CaseStatus::Interrupted => summary.interrupted += 1,
            }
            summary.pages += r.pages as u64;
            summary.ocr_pages += r.ocr_pages as u64;
            summary.bytes += r.bytes;
            summary.warnings += r.warnings.len();
            summary.errors += r.errors.len();
        }
        summary.warnings += batch_problems.iter().filter(|p| !p.is_error()).count();
        summary.errors += batch_problems.iter().filter(|p| p.is_error()).count();
        summary
    }
}

/// Brings the index level: the cases stored, the journal's, and unchanged cases the index
/// lacks at their version (a killed run, an index restored from a backup).
fn catch_up_index(report: &BatchReport, catalog: &dyn ArchiveCatalog) -> IndexOutcome {
    let stored: Vec<String> = report
        .cases
        .iter()
        .filter(|c| c.status == CaseStatus::Ingested)
        .map(|c| c.case_id.clone())
        .collect();
    let known: Vec<(String, u64)> = report
        .cases
        .iter()
        .filter(|c| c.status == CaseStatus::Skipped)
        .filter_map(|c| Some((c.case_id.clone(), u64::from(c.version?))))
        .collect();
    catalog.catch_up(&stored, &known)
}

/// Writes the report to `reports/ingest-<time>-<pid>.json` (a new file); a report that
/// cannot be written becomes a warning in it.
fn write_report(report: &mut BatchReport, archive: &Path, started: OffsetDateTime) {
    let name = format!(
        "{}/ingest-{}-{}.json",
        sohoa_archive::layout::REPORTS,
        sohoa_archive::time_format::file_stamp(started),
        std::process::id()
    );
    report.report_path = Some(name.clone());
    let json = serde_json::to_vec_pretty(&report).unwrap_or_default();
    if let Err(e) = sohoa_bagit::write_new(&archive.join(&name), &json) {
        report.report_path = None;
        report.batch_problems.push(Problem::warning(
            "ingest.report_unwritable",
            format!("Không ghi được báo cáo {name}: {e}"),
            format!("Cannot write the report {name}: {e}"),
        ));
    }
}

/// Resolves each case's metadata and identifier; flags duplicate identifiers.
fn plan(
    cases: Vec<CaseSource>,
    register: Option<sohoa_register::Register>,
    batch_problems: &mut Vec<Problem>,
    limits: &sohoa_register::Limits,
) -> Vec<Plan> {
    let folders: Vec<String> = cases.iter().map(|c| c.folder.clone()).collect();
    let matched = match &register {
        Some(reg) => {
            batch_problems.extend(reg.problems.iter().cloned());
            let (m, probs) = reg.match_folders(&folders);
            batch_problems.extend(probs);
            m
        }
        None => vec![None; cases.len()],
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    cases
        .into_iter()
        .zip(matched)
        .map(|(source, row)| {
            let mut problems = source.problems.clone();
            let mut fields = Fields::default();
            let mut metadata_sources = Vec::new();
            let from_register = row.is_some();
            if let (Some(reg), Some(i)) = (&register, row) {
                fields = reg.rows[i].fields.clone();
                metadata_sources.push(sohoa_archive::record::MetadataSource {
                    kind: "register".into(),
                    path: reg.file_name(),
                    sheet: reg.rows[i].sheet.clone(),
                    row: Some(reg.rows[i].row),
                    sha256: reg.sha256.clone(),
                });
            }
            let sidecar = source.sidecar.as_ref().and_then(|p| {
                let rel = format!("{}/{}", source.folder, crate::discover::SIDECAR);
                match read_sidecar_limited(p, &rel, limits) {
                    Ok(s) => {
                        metadata_sources.push(sohoa_archive::record::MetadataSource { kind: "sidecar".into(), path: rel, sheet: None, row: None, sha256: s.sha256.clone() });
                        problems.extend(s.warnings.iter().cloned());
                        fields.overlay(&s.fields);
                        Some(s)
                    }
                    Err(p) => {
                        problems.push(p);
                        None
                    }
                }
            });
            let id = match fields.get("case_code") {
                // An identity number never becomes part of a case id (a bag's folder name).
                Some(code) => sohoa_archive::text::safe_id(&sohoa_archive::privacy::mask_ids_loose(code)),
                None => sohoa_archive::text::safe_id(&sohoa_archive::privacy::mask_ids_loose(&source.folder)),
            };
            if let Some(other) = seen.get(&id) {
                problems.push(Problem::error(
                    "ingest.duplicate_case_id",
                    format!("Mã hồ sơ {id} trùng với thư mục \"{other}\" trong cùng lô: hồ sơ này không được lưu"),
                    format!("Case id {id} is also used by folder \"{other}\" in this batch: this case is not stored"),
                ));
            } else {
                seen.insert(id.clone(), source.folder.clone());
            }
            Plan { source, fields, from_register, sidecar, metadata_sources, problems, case_id: id }
        })
        .collect()
}

/// Processes plans on `opts.jobs` threads; results come back in plan order. Once the run is
/// cancelled no new case starts; those left are reported as interrupted.
fn run_workers(plans: Vec<Plan>, run: &Run) -> Vec<CaseResult> {
    use rayon::prelude::*;
    let one = |plan: &Plan| {
        if run.opts.cancelled() {
            return outcome::interrupted(plan);
        }
        let result = case::process(plan, run);
        run.progress.case_done(&result);
        result
    };
    let jobs = run.opts.jobs.clamp(1, 64);
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(|| plans.par_iter().with_max_len(1).map(one).collect()),
        Err(_) => plans.iter().map(one).collect(),
    }
}
