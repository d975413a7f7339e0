//! Step 3 inside a case: each source file is read once, checked against its intake digest,
//! decoded page by page into the streamed bundle, and recorded (page records, events, problems).

use super::{Plan, Progress};
use crate::events::{self, kind, EventLog, Outcome};
use crate::hash::sha256_hex;
use crate::page::{read_pages, PageError, PreparedPage};
use crate::pdfa::BundleWriter;
use crate::problem::Problem;
use crate::record::{DroppedPage, PageRecord, SourceRecord};
use std::io::Write;

/// Where the pages of a case report to.
pub(super) struct PageRun<'a> {
    pub pdf_rel: &'a str,
    pub profile: &'a crate::normalize::Profile,
    pub drop_blank: bool,
    /// Whether links in the scan folder may be followed (`--follow-symlinks`).
    pub follow: crate::safe_fs::Follow,
    /// Set when the run must stop: the case is dropped between pages.
    pub cancel: Option<&'a std::sync::atomic::AtomicBool>,
    /// Blank pages left out of the bundle.
    pub dropped: &'a mut Vec<DroppedPage>,
    pub log: &'a mut EventLog,
    pub warnings: &'a mut Vec<Problem>,
    pub errors: &'a mut Vec<Problem>,
    pub progress: &'a dyn Progress,
    /// OCR of the pages (a no-op queue when OCR is off).
    pub text: super::ocr_pages::TextPages<'a>,
    /// The bag being built (page texts go into it).
    pub bag: &'a mut crate::bag::BagBuilder,
}

/// Writes every page of every source file into the bundle, in order. Decode problems are
/// recorded in `run.errors` (the case will not be bagged); only I/O failures return `Err`.
pub(super) fn stream_pages<W: Write>(
    plan: &Plan,
    sources: &mut [SourceRecord],
    writer: &mut BundleWriter<W>,
    run: &mut PageRun,
) -> std::io::Result<Vec<PageRecord>> {
    let folder = &plan.source.folder;
    let pdf_rel = run.pdf_rel;
    let mut pages: Vec<PageRecord> = Vec::new();
    for (f, src) in plan.source.files.iter().zip(sources.iter_mut()) {
        run.log.add(
            kind::DIGEST,
            events::detail("sha256"),
            Outcome::Success,
            src.sha256.clone(),
            vec![events::source(f.rel.clone())],
        );
        let cancel = run.cancel;
        let cancelled = || cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed));
        if cancelled() {
            run.errors.push(super::outcome::interrupted_problem());
            return Ok(pages);
        }
        let limit = run.profile.limits.max_file_bytes;
        let bytes = match crate::safe_fs::read_limited(&f.path, limit, run.follow) {
            Ok(b) => b,
            Err(e) => {
                run.errors.push(
                    super::sources::scan_file_problem(&e).in_file(format!("{folder}/{}", f.rel)),
                );
                run.progress.file_done(folder);
                continue;
            }
        };
        if sha256_hex(&bytes) != src.sha256 {
            run.errors.push(
                Problem::error(
                    "page.changed_during_ingest",
                    "Tệp đã thay đổi trong lúc đang lưu trữ: hãy chạy lại khi việc quét đã xong",
                    "The file changed while it was being ingested: run again once scanning has finished",
                )
                .in_file(format!("{folder}/{}", f.rel)),
            );
            run.progress.file_done(folder);
            continue;
        }
        // Only pages of multi-page files (TIFF) are named by number in messages.
        let multi_page = crate::page::sniff(&bytes) == Some(crate::page::Format::Tiff);
        let mut io_error = None;
        let mut file_warnings = Vec::new();
        let mut conversions = Vec::new();
        let first_page = pages.len();
        let (drop_blank, mut dropped_here) = (run.drop_blank, Vec::new());
        let (text, bag, log) = (&mut run.text, &mut *run.bag, &mut *run.log);
        let mut ocr_warnings = Vec::new();
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
                dropped_here.push(DroppedPage {
                    source: f.rel.clone(),
                    frame: page.frame,
                    ink: n.ink,
                });
                return Ok(());
            }
            let write_failed = || {
                PageError::new(
                    "bag.write_failed",
                    "Lỗi ghi tệp PDF",
                    "Error writing the PDF",
                )
            };
            let pending = match writer.begin_page(&page) {
                Ok(p) => p,
                Err(e) => {
                    io_error = Some(e);
                    return Err(write_failed());
                }
            };
            let gray = page.gray.take();
            let blank = page.normalization.as_ref().is_some_and(|n| n.blank);
            let number = pages.len() as u32 + 1;
            for w in page.warnings {
                let w = w.in_file(format!("{folder}/{}", f.rel));
                file_warnings.push(if multi_page {
                    w.on_page(page.frame + 1)
                } else {
                    w
                });
            }
            let details = page
                .normalization
                .as_ref()
                .map(|n| n.describe())
                .unwrap_or_default();
            if !page.conversions.is_empty() || !details.is_empty() {
                conversions.push(format!(
                    "page {number} (frame {}): {}{}{}",
                    page.frame + 1,
                    page.conversions.join(", "),
                    if page.conversions.is_empty() || details.is_empty() {
                        ""
                    } else {
                        "; "
                    },
                    details
                ));
            }
            pages.push(PageRecord {
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
                conversions: page.conversions,
                rotate: page.rotate,
                normalization: page.normalization,
                ocr: None,
            });
            let index = pages.len() - 1;
            let sinks = super::ocr_pages::Sinks {
                writer: &mut *writer,
                bag: &mut *bag,
                pages: &mut pages,
                log: &mut *log,
                warnings: &mut ocr_warnings,
            };
            if let Err(e) = text.push(pending, gray, blank, index, sinks) {
                io_error = Some(e);
                return Err(write_failed());
            }
            Ok(())
        };
        let result = read_pages(&bytes, run.profile, &mut sink);
        run.warnings.append(&mut ocr_warnings);
        for d in &dropped_here {
            conversions.push(format!("blank page dropped from the bundle: frame {} (ink {:.5}); source kept in data/originals/", d.frame + 1, d.ink));
        }
        run.dropped.append(&mut dropped_here);
        if let Some(e) = io_error {
            return Err(e);
        }
        src.pages = (pages.len() - first_page) as u32;
        let rel = format!("{folder}/{}", f.rel);
        match result {
            Ok(n) => run.log.add(
                kind::VALIDATION,
                events::detail("decode"),
                if file_warnings.is_empty() {
                    Outcome::Success
                } else {
                    Outcome::Warning
                },
                format!("decoded {n} page(s)"),
                vec![events::source(f.rel.clone())],
            ),
            Err(e) => {
                run.log.add(
                    kind::VALIDATION,
                    events::detail("decode"),
                    Outcome::Failure,
                    e.en.clone(),
                    vec![events::source(f.rel.clone())],
                );
                run.errors.push(e.into_problem(&rel));
            }
        }
        if !conversions.is_empty() {
            run.log.add(
                kind::NORMALIZATION,
                events::detail("page conversion"),
                Outcome::Success,
                conversions.join("; "),
                vec![
                    events::source(f.rel.clone()),
                    events::outcome(format!("data/{pdf_rel}")),
                ],
            );
        }
        run.warnings.append(&mut file_warnings);
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
