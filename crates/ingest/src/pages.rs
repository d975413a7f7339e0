//! Step 3 inside a case: each source file is read once, checked against its intake digest,
//! decoded page by page into the streamed bundle, and recorded (page records, events, problems).

use super::discover::SourceFile;
use super::{Plan, Progress};
use sohoa_archive::events::{self, kind, EventLog, Outcome};
use sohoa_archive::hash::sha256_hex;
use sohoa_archive::problem::Problem;
use sohoa_archive::record::{DroppedPage, PageRecord, SourceRecord};
use sohoa_imaging::{read_file, FileRead, PageError, PreparedPage};
use sohoa_pdfa::BundleWriter;
use std::io::Write;

/// Where the pages of a case report to.
pub(super) struct PageRun<'a> {
    pub pdf_rel: &'a str,
    pub profile: &'a sohoa_imaging::normalize::Profile,
    pub drop_blank: bool,
    /// Whether links in the scan folder may be followed (`--follow-symlinks`).
    pub follow: sohoa_archive::safe_fs::Follow,
    /// Set when the run must stop: the case is dropped between pages.
    pub cancel: Option<&'a std::sync::atomic::AtomicBool>,
    /// Blank pages left out of the bundle.
    pub dropped: &'a mut Vec<DroppedPage>,
    /// Source files whose original is always kept in the bag (a PDF holds more than its page
    /// images: text layers, signatures, pages that are not scans).
    pub kept_whole: &'a mut Vec<String>,
    pub log: &'a mut EventLog,
    pub warnings: &'a mut Vec<Problem>,
    pub errors: &'a mut Vec<Problem>,
    pub progress: &'a dyn Progress,
    /// OCR of the pages (a no-op queue when OCR is off).
    pub text: super::ocr_pages::TextPages<'a>,
    /// The bag being built (page texts go into it).
    pub bag: &'a mut sohoa_bagit::BagBuilder,
}

/// Writes every page of every source file into the bundle, in order. Decode problems are
/// recorded in `run.errors` (the case will not be bagged); only I/O failures return `Err`.
pub(super) fn stream_pages<W: Write>(
    plan: &Plan,
    sources: &mut [SourceRecord],
    writer: &mut BundleWriter<W>,
    run: &mut PageRun,
) -> std::io::Result<Vec<PageRecord>> {
    let mut pages: Vec<PageRecord> = Vec::new();
    for (f, src) in plan.source.files.iter().zip(sources.iter_mut()) {
        run.log.add(
            kind::DIGEST,
            events::detail("sha256"),
            Outcome::Success,
            src.sha256.clone(),
            vec![events::source(f.rel.clone())],
        );
        if run.cancelled() {
            run.errors.push(super::outcome::interrupted_problem());
            return Ok(pages);
        }
        let folder = &plan.source.folder;
        if let Some(bytes) = read_source(folder, f, src, run) {
            let first_page = pages.len();
            let read = stream_file(folder, f, &bytes, writer, &mut pages, run)?;
            src.pages = (pages.len() - first_page) as u32;
            if read.keep_original {
                run.kept_whole.push(f.rel.clone());
            }
            // A PDF none of whose pages is a scan is kept like any other document.
            src.attachment = read.pages == 0 && !read.not_scanned.is_empty();
        }
        run.progress.file_done(folder);
    }
    let mut ocr_warnings = Vec::new();
    run.text.finish(super::ocr_pages::Sinks {
        writer,
        bag: run.bag,
        pages: &mut pages,
        log: run.log,
        warnings: &mut ocr_warnings,
    })?;
    run.warnings.append(&mut ocr_warnings);
    Ok(pages)
}

impl PageRun<'_> {
    fn cancelled(&self) -> bool {
        self.cancel
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// The bytes of a source file, read once and checked against its intake digest; None (the
/// problem recorded) when it cannot be read or changed since.
fn read_source(
    folder: &str,
    f: &SourceFile,
    src: &SourceRecord,
    run: &mut PageRun,
) -> Option<Vec<u8>> {
    let limit = run.profile.limits.max_file_bytes;
    let in_case = format!("{folder}/{}", f.rel);
    let bytes = match sohoa_archive::safe_fs::read_limited(&f.path, limit, run.follow) {
        Ok(b) => b,
        Err(e) => {
            run.errors
                .push(super::sources::scan_file_problem(&e).in_file(in_case));
            return None;
        }
    };
    if sha256_hex(&bytes) != src.sha256 {
        run.errors.push(
            Problem::error(
                "page.changed_during_ingest",
                "Tệp đã thay đổi trong lúc đang lưu trữ: hãy chạy lại khi việc quét đã xong",
                "The file changed while it was being ingested: run again once scanning has finished",
            )
            .in_file(in_case),
        );
        return None;
    }
    Some(bytes)
}

/// What one source file gave while its pages streamed.
#[derive(Default)]
struct FileOutcome {
    warnings: Vec<Problem>,
    /// What was done to its pages, for the normalization event.
    conversions: Vec<String>,
    dropped: Vec<DroppedPage>,
    ocr_warnings: Vec<Problem>,
    io_error: Option<std::io::Error>,
}

/// Decodes one source file's pages into the bundle and records them; logs its events. Returns
/// what else the file held (nothing when it failed: its error is recorded).
fn stream_file<W: Write>(
    folder: &str,
    f: &SourceFile,
    bytes: &[u8],
    writer: &mut BundleWriter<W>,
    pages: &mut Vec<PageRecord>,
    run: &mut PageRun,
) -> std::io::Result<FileRead> {
    // Only pages of multi-page files (TIFF, PDF) are named by number in messages.
    let multi_page = matches!(
        sohoa_imaging::sniff(bytes),
        Some(sohoa_imaging::Format::Tiff | sohoa_imaging::Format::Pdf)
    );
    let mut out = FileOutcome::default();
    let (drop_blank, cancel) = (run.drop_blank, run.cancel);
    let cancelled = || cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed));
    let (text, bag, log) = (&mut run.text, &mut *run.bag, &mut *run.log);
    let write_failed = || {
        PageError::new(
            "bag.write_failed",
            "Lỗi ghi tệp PDF",
            "Error writing the PDF",
        )
    };
    let mut sink = |mut page: PreparedPage| -> Result<(), PageError> {
        if cancelled() {
            return Err(PageError::new(
                super::outcome::INTERRUPTED,
                "Dừng theo yêu cầu",
                "Stopped on request",
            ));
        }
        if let Some(n) = page
            .normalization
            .as_ref()
            .filter(|n| drop_blank && n.blank)
        {
            out.dropped.push(DroppedPage {
                source: f.rel.clone(),
                frame: page.frame,
                ink: n.ink,
            });
            return Ok(());
        }
        let pending = writer.begin_page(&page).map_err(|e| {
            out.io_error = Some(e);
            write_failed()
        })?;
        let gray = page.gray.take();
        let blank = page.normalization.as_ref().is_some_and(|n| n.blank);
        let number = pages.len() as u32 + 1;
        for w in std::mem::take(&mut page.warnings) {
            let w = w.in_file(format!("{folder}/{}", f.rel));
            out.warnings.push(if multi_page {
                w.on_page(page.frame + 1)
            } else {
                w
            });
        }
        out.conversions.extend(describe(&page, number));
        pages.push(record(f, page, number));
        let index = pages.len() - 1;
        let sinks = super::ocr_pages::Sinks {
            writer: &mut *writer,
            bag: &mut *bag,
            pages: &mut *pages,
            log: &mut *log,
            warnings: &mut out.ocr_warnings,
        };
        text.push(pending, gray, blank, index, sinks).map_err(|e| {
            out.io_error = Some(e);
            write_failed()
        })
    };
    let result = read_file(bytes, run.profile, &mut sink);
    if let Some(e) = out.io_error.take() {
        return Err(e);
    }
    Ok(log_file(folder, f, result, out, run))
}

/// The decode and normalization events of one source file; its problems recorded.
fn log_file(
    folder: &str,
    f: &SourceFile,
    result: Result<FileRead, PageError>,
    mut out: FileOutcome,
    run: &mut PageRun,
) -> FileRead {
    run.warnings.append(&mut out.ocr_warnings);
    for d in &out.dropped {
        out.conversions.push(format!("blank page dropped from the bundle: frame {} (ink {:.5}); source kept in data/originals/", d.frame + 1, d.ink));
    }
    run.dropped.append(&mut out.dropped);
    let in_case = format!("{folder}/{}", f.rel);
    let read = match result {
        Ok(mut read) => {
            out.warnings
                .extend(read.warnings.drain(..).map(|w| w.in_file(in_case.clone())));
            out.conversions.append(&mut read.notes);
            run.log.add(
                kind::VALIDATION,
                events::detail("decode"),
                if out.warnings.is_empty() {
                    Outcome::Success
                } else {
                    Outcome::Warning
                },
                decoded_note(&read),
                vec![events::source(f.rel.clone())],
            );
            read
        }
        Err(e) => {
            run.log.add(
                kind::VALIDATION,
                events::detail("decode"),
                Outcome::Failure,
                e.en.clone(),
                vec![events::source(f.rel.clone())],
            );
            run.errors.push(e.into_problem(&in_case));
            FileRead::default()
        }
    };
    if !out.conversions.is_empty() {
        run.log.add(
            kind::NORMALIZATION,
            events::detail("page conversion"),
            Outcome::Success,
            out.conversions.join("; "),
            vec![
                events::source(f.rel.clone()),
                events::outcome(format!("data/{}", run.pdf_rel)),
            ],
        );
    }
    run.warnings.append(&mut out.warnings);
    read
}

/// The validation event's note: pages decoded, and a PDF's pages that are not scans.
fn decoded_note(read: &FileRead) -> String {
    let mut note = format!("decoded {} page(s)", read.pages);
    if !read.not_scanned.is_empty() {
        let list: Vec<String> = read.not_scanned.iter().map(u32::to_string).collect();
        note.push_str(&format!(
            "; PDF page(s) {} not scans (text or vector content), kept in the original file",
            list.join(", ")
        ));
    }
    note
}

/// What was done to a page, for the normalization event (None when nothing).
fn describe(page: &PreparedPage, number: u32) -> Option<String> {
    let details = page
        .normalization
        .as_ref()
        .map(|n| n.describe())
        .unwrap_or_default();
    if page.conversions.is_empty() && details.is_empty() {
        return None;
    }
    let sep = if page.conversions.is_empty() || details.is_empty() {
        ""
    } else {
        "; "
    };
    Some(format!(
        "page {number} (frame {}): {}{sep}{details}",
        page.frame + 1,
        page.conversions.join(", "),
    ))
}

/// The record of a page stored in the bundle.
fn record(f: &SourceFile, page: PreparedPage, number: u32) -> PageRecord {
    PageRecord {
        number,
        component: f.component,
        source: f.rel.clone(),
        frame: page.frame,
        width: page.width,
        height: page.height,
        dpi_x: page.dpi_x,
        dpi_y: page.dpi_y,
        dpi_source: page.dpi_source,
        colour: page.colour,
        encoding: page.encoding,
        conversions: page.conversions.iter().map(|c| c.to_string()).collect(),
        rotate: page.rotate,
        normalization: page.normalization,
        ocr: None,
    }
}
