//! Pages of a case on their way through OCR: each page's image is written at once, its text
//! recognized on the shared pool while the next pages are decoded, and the page completed in
//! order with its invisible text layer, its text files in the bag and an OCR event.

use sohoa_archive::events::{kind, EventLog, Outcome};
use sohoa_archive::problem::Problem;
use sohoa_archive::record::PageRecord;
use sohoa_bagit::BagBuilder;
use sohoa_ocr::{GrayPage, PageOcr, Pool, Ticket};
use sohoa_pdfa::{BundleWriter, PendingPage};
use std::collections::VecDeque;
use std::io::{self, Write};

/// Payload folder of the page texts.
pub const TEXT_DIR: &str = "text";

/// Payload paths (under `data/`) of page `n`'s plain text and hOCR.
pub fn text_paths(n: u32) -> (String, String) {
    (
        format!("{TEXT_DIR}/page-{n:04}.txt"),
        format!("{TEXT_DIR}/page-{n:04}.hocr"),
    )
}

struct InFlight {
    pending: PendingPage,
    ticket: Option<Ticket>,
    /// Index into the case's page records.
    index: usize,
}

/// The case's pages between "image written" and "page complete".
pub(crate) struct TextPages<'a> {
    pool: Option<&'a Pool>,
    queue: VecDeque<InFlight>,
    /// Pages recognized ahead of the one being completed (bounds memory: one gray copy each).
    ahead: usize,
    pub title: String,
    pdf_rel: String,
    folder: String,
}

/// Where completed pages go.
pub(crate) struct Sinks<'a, W: Write> {
    pub writer: &'a mut BundleWriter<W>,
    pub bag: &'a mut BagBuilder,
    pub pages: &'a mut [PageRecord],
    pub log: &'a mut EventLog,
    pub warnings: &'a mut Vec<Problem>,
}

impl<'a> TextPages<'a> {
    pub fn new(
        pool: Option<&'a Pool>,
        title: String,
        pdf_rel: &str,
        folder: &str,
        jobs: usize,
    ) -> Self {
        TextPages {
            pool,
            queue: VecDeque::new(),
            ahead: jobs.clamp(1, 64) + 1,
            title,
            pdf_rel: pdf_rel.to_string(),
            folder: folder.to_string(),
        }
    }

    /// Queues a page whose image is written: recognized when it has a gray copy and is not
    /// blank, completed without text otherwise. Completes the oldest pages when too many wait.
    pub fn push<W: Write>(
        &mut self,
        pending: PendingPage,
        gray: Option<GrayPage>,
        blank: bool,
        index: usize,
        out: Sinks<'_, W>,
    ) -> io::Result<()> {
        let ticket = match (self.pool, gray) {
            (Some(pool), Some(g)) if !blank => Some(pool.submit(g)),
            _ => None,
        };
        if self.pool.is_some() && blank {
            out.pages[index].ocr = Some(PageOcr {
                status: "blank".into(),
                engine: self.pool.map(|p| p.engine.clone()).unwrap_or_default(),
                languages: self.pool.map(|p| p.languages.clone()).unwrap_or_default(),
                confidence: None,
                words: 0,
                text: None,
                hocr: None,
                seconds: 0.0,
                note: Some("blank page: not recognized".into()),
            });
        }
        self.queue.push_back(InFlight {
            pending,
            ticket,
            index,
        });
        let mut out = out;
        while self.queue.len() > self.ahead
            || self.queue.front().is_some_and(|f| f.ticket.is_none())
        {
            self.complete_one(&mut out)?;
        }
        Ok(())
    }

    /// Completes every page still waiting.
    pub fn finish<W: Write>(&mut self, mut out: Sinks<'_, W>) -> io::Result<()> {
        while !self.queue.is_empty() {
            self.complete_one(&mut out)?;
        }
        Ok(())
    }

    fn complete_one<W: Write>(&mut self, out: &mut Sinks<'_, W>) -> io::Result<()> {
        let Some(f) = self.queue.pop_front() else {
            return Ok(());
        };
        let Some(ticket) = f.ticket else {
            return out.writer.end_page(f.pending, None);
        };
        let pool = self
            .pool
            .ok_or_else(|| io::Error::other("OCR without a pool"))?;
        let sohoa_ocr::Finished {
            outcome,
            seconds,
            messages,
        } = ticket.finished();
        out.writer.end_page(f.pending, outcome.as_ref().ok())?;
        let record = &mut out.pages[f.index];
        let n = record.number;
        let file = format!("{}/{}", self.folder, record.source);
        log_engine_messages(&messages, n, &file);
        let page_ref = format!("data/{}#page={n}", self.pdf_rel);
        let detail = format!(
            "program=\"Tesseract\"; version=\"{}\"; step=\"ocr\"; languages=\"{}\"",
            pool.engine.trim_start_matches("Tesseract "),
            pool.languages
        );
        let seconds = (seconds * 100.0).round() / 100.0;
        let mut ocr = PageOcr {
            status: "done".into(),
            engine: pool.engine.clone(),
            languages: pool.languages.clone(),
            confidence: None,
            words: 0,
            text: None,
            hocr: None,
            seconds,
            note: None,
        };
        match outcome {
            Ok(r) => {
                let (txt, hocr) = text_paths(n);
                out.bag.write(&txt, format!("{}\n", r.text).as_bytes())?;
                let doc = sohoa_ocr::hocr_document(
                    &r.hocr,
                    &format!("{}, trang {n}", self.title),
                    &pool.engine,
                    &pool.languages,
                );
                out.bag.write(&hocr, doc.as_bytes())?;
                ocr.confidence = Some(r.confidence);
                ocr.words = r.word_count() as u32;
                out.log.add(
                    kind::CREATION,
                    detail,
                    Outcome::Success,
                    format!(
                        "page {n}: {} words, mean confidence {}, {seconds} s",
                        ocr.words, r.confidence
                    ),
                    vec![
                        sohoa_archive::events::source(page_ref),
                        sohoa_archive::events::outcome(format!("data/{txt}")),
                        sohoa_archive::events::outcome(format!("data/{hocr}")),
                    ],
                );
                ocr.text = Some(format!("data/{txt}"));
                ocr.hocr = Some(format!("data/{hocr}"));
            }
            Err(why) => {
                let timeout = why.starts_with("timed out");
                ocr.status = if timeout { "timeout" } else { "failed" }.into();
                ocr.note = Some(why.clone());
                out.log.add(
                    kind::CREATION,
                    detail,
                    Outcome::Failure,
                    format!("page {n}: no text: {why}"),
                    vec![sohoa_archive::events::source(page_ref)],
                );
                out.warnings.push(
                    Problem::warning(
                        if timeout { "ocr.timeout" } else { "ocr.failed" },
                        format!("Trang {n} của hồ sơ không nhận dạng được chữ ({why}): trang được lưu không có lớp chữ"),
                        format!("Page {n} of the case: no text recognized ({why}): the page is stored without a text layer"),
                    )
                    .in_file(file)
                    .on_page(record.frame + 1),
                );
            }
        }
        record.ocr = Some(ocr);
        Ok(())
    }
}

/// What the OCR engine printed while reading page `n` of a case (Leptonica's "Error in
/// boxClipToRectangle: box outside rectangle" and the like, from Tesseract's page layout): never
/// on the terminal, but in the log with the case file and page (`SOHOA_LOG=info`). They are not
/// warnings: they come on pages read well, and a failed page is `ocr.failed` already.
fn log_engine_messages(messages: &[String], n: u32, file: &str) {
    for m in messages {
        tracing::info!("OCR engine on {file}, page {n}: {}", m.trim());
    }
}
