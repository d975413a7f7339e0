//! sohoa-ocr: optical character recognition of each stored page, on a pool of `--jobs` worker
//! threads shared by every case, so the pages of one case are recognized in parallel. The
//! recognizer is an [`OcrEngine`]: Tesseract 5 through its C API ([`Tesseract`]) in use, a
//! scripted one ([`fake`]) in tests, so the OCR flow is tested without Tesseract too. The text
//! goes into the bundle (invisible layer, `sohoa-pdfa`), the bag and the index.

mod engine;
pub mod fake;
mod hocr;
mod osd;
mod tesseract;

pub use hocr::hocr_document;
pub use osd::TesseractOsd;
pub use sohoa_imaging::GrayPage;
pub use tesseract::Tesseract;

use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// `--ocr off|auto|on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    Off,
    /// On when Tesseract and the languages are installed; otherwise said once, and no text.
    #[default]
    Auto,
    /// Required: a missing Tesseract stops the run.
    On,
}

#[derive(Clone)]
pub struct Settings {
    pub mode: Mode,
    /// The recognizer: Tesseract unless a test gives another.
    pub engines: Arc<dyn EngineMaker>,
    /// Tesseract languages, `+`-separated (default `vie+eng`).
    pub languages: String,
    /// Per-page limit; a page over it gets no text (and a warning), the case goes on.
    pub timeout: Duration,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("mode", &self.mode)
            .field("engine", &self.engines.kind())
            .field("languages", &self.languages)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A recognizer of page images; each pool worker has its own.
pub trait OcrEngine: Send {
    /// Recognizes an 8-bit gray image (`width` × `height`, upright); `Err` says why there is
    /// no text (timeout, failure).
    fn recognize(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        dpi: u32,
        timeout_ms: u32,
    ) -> Result<Recognized, String>;

    /// What the engine said about the last page besides its text (Leptonica's `Error in …`
    /// lines), taken once; never printed by the engine itself.
    fn take_messages(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// Makes the recognizers of a pool: checks that the engine is there and loads its languages.
pub trait EngineMaker: Send + Sync {
    /// What kind of engine, for logs (`tesseract`, `fake`).
    fn kind(&self) -> &'static str;
    /// Name and version as recorded in the case record, e.g. `Tesseract 5.3.0`; Err when the
    /// engine is not installed, with why (Vietnamese, English).
    fn name(&self) -> Result<String, Unavailable>;
    /// A recognizer for `languages` (`vie+eng`); Err names what is missing.
    fn make(&self, languages: &str) -> Result<Box<dyn OcrEngine>, String>;
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: Mode::Auto,
            engines: Arc::new(Tesseract),
            languages: "vie+eng".into(),
            timeout: Duration::from_secs(120),
        }
    }
}

/// A word and its box (`[left, top, right, bottom]`, pixels of the upright page image).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub bbox: [u32; 4],
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub bbox: [u32; 4],
    /// Baseline height (pixels from the top).
    pub baseline: f64,
    pub words: Vec<Word>,
}

/// What Tesseract read on one page.
#[derive(Debug, Clone)]
pub struct Recognized {
    /// Size of the image recognized: the page as displayed (after its `/Rotate`).
    pub width: u32,
    pub height: u32,
    /// Plain text, NFC, lines and paragraphs as Tesseract laid them out.
    pub text: String,
    /// Tesseract's hOCR `ocr_page` element.
    pub hocr: String,
    /// Mean word confidence, 0..100.
    pub confidence: u8,
    pub lines: Vec<Line>,
}

impl Recognized {
    pub fn word_count(&self) -> usize {
        self.lines.iter().map(|l| l.words.len()).sum()
    }
}

/// The outcome for one page: text, or why there is none.
pub type PageOutcome = Result<Recognized, String>;

pub use sohoa_archive::record::PageOcr;

/// Tesseract's name and version, e.g. `Tesseract 5.3.0`, when it is installed.
pub fn engine_name() -> Option<String> {
    Tesseract.name().ok()
}

/// Why OCR cannot run, for people (Vietnamese, English).
#[derive(Debug, Clone)]
pub struct Unavailable {
    pub vi: String,
    pub en: String,
}

struct Job {
    page: GrayPage,
    reply: mpsc::SyncSender<Finished>,
}

/// A page back from the pool: its outcome, the seconds spent, what the engine said about it.
#[derive(Debug)]
pub struct Finished {
    pub outcome: PageOutcome,
    pub seconds: f64,
    /// The engine's own messages about this page ([`OcrEngine::take_messages`]).
    pub messages: Vec<String>,
}

impl Finished {
    fn failed(why: &str) -> Finished {
        Finished {
            outcome: Err(why.into()),
            seconds: 0.0,
            messages: Vec::new(),
        }
    }
}

/// Worker threads, each with its own recognizer, fed from one queue.
pub struct Pool {
    sender: Option<mpsc::Sender<Job>>,
    workers: Vec<std::thread::JoinHandle<()>>,
    pub engine: String,
    pub languages: String,
}

/// A page handed to the pool; [`Ticket::wait`] returns its outcome and seconds spent,
/// [`Ticket::finished`] what the engine said about it too.
pub struct Ticket(mpsc::Receiver<Finished>);

impl Ticket {
    pub fn wait(self) -> (PageOutcome, f64) {
        let f = self.finished();
        (f.outcome, f.seconds)
    }

    pub fn finished(self) -> Finished {
        self.0
            .recv()
            .unwrap_or_else(|_| Finished::failed("the OCR worker stopped"))
    }
}

impl Pool {
    /// Starts `jobs` workers. `Ok(None)` when the mode is off; `Err` when Tesseract or a
    /// language is missing (the caller decides: `auto` goes on without text, `on` stops).
    pub fn start(settings: &Settings, jobs: usize) -> Result<Option<Pool>, Unavailable> {
        if settings.mode == Mode::Off {
            return Ok(None);
        }
        let makers = Arc::clone(&settings.engines);
        let name = makers.name()?;
        // The first engine is made here, so a missing language is reported before any case.
        let first = makers.make(&settings.languages).map_err(|e| Unavailable {
            vi: format!("{name} không tải được ngôn ngữ \"{}\" ({e}): hồ sơ được lưu không có lớp chữ. Cài gói ngôn ngữ, ví dụ: apt-get install tesseract-ocr-vie", settings.languages),
            en: format!("{name} cannot load the languages \"{}\" ({e}): cases are stored without a text layer. Install the language data, e.g.: apt-get install tesseract-ocr-vie", settings.languages),
        })?;
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let timeout_ms = settings.timeout.as_millis().min(u32::MAX as u128) as u32;
        let mut first = Some(first);
        let workers = (0..jobs.clamp(1, 64))
            .map(|_| {
                let rx = Arc::clone(&rx);
                let mine = first.take();
                let languages = settings.languages.clone();
                let makers = Arc::clone(&makers);
                std::thread::spawn(move || {
                    let mut engine = mine
                        .ok_or_else(String::new)
                        .or_else(|_| makers.make(&languages));
                    loop {
                        let job = match rx.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        let started = Instant::now();
                        let (outcome, messages) = match engine.as_mut() {
                            Ok(e) => (recognize(e, job.page, timeout_ms), e.take_messages()),
                            Err(why) => (Err(why.clone()), Vec::new()),
                        };
                        let _ = job.reply.send(Finished {
                            outcome,
                            seconds: started.elapsed().as_secs_f64(),
                            messages,
                        });
                    }
                })
            })
            .collect();
        Ok(Some(Pool {
            sender: Some(tx),
            workers,
            engine: name,
            languages: settings.languages.clone(),
        }))
    }

    /// Queues a page for recognition.
    pub fn submit(&self, page: GrayPage) -> Ticket {
        let (reply, rx) = mpsc::sync_channel(1);
        if let Some(s) = &self.sender {
            if let Err(mpsc::SendError(job)) = s.send(Job { page, reply }) {
                let _ = job.reply.send(Finished::failed("the OCR workers stopped"));
            }
        }
        Ticket(rx)
    }

    /// Recognizes one page on the calling thread's turn in the pool and waits for it.
    pub fn run(&self, page: GrayPage) -> (PageOutcome, f64) {
        self.submit(page).wait()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.sender.take();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

fn recognize(engine: &mut Box<dyn OcrEngine>, page: GrayPage, timeout_ms: u32) -> PageOutcome {
    let (pixels, width, height) = upright(page.pixels, page.width, page.height, page.rotate);
    let dpi = page.dpi.round().max(1.0) as u32;
    let mut r = engine.recognize(&pixels, width, height, dpi, timeout_ms)?;
    r.text = sohoa_archive::text::nfc(r.text.trim_end());
    r.hocr = sohoa_archive::text::nfc(&r.hocr);
    Ok(r)
}

/// Turns a stored image by its `/Rotate` (clockwise quarter turns) into the page as shown.
pub fn upright(pixels: Vec<u8>, w: u32, h: u32, rotate: u16) -> (Vec<u8>, u32, u32) {
    let (w_, h_) = (w as usize, h as usize);
    match rotate % 360 {
        90 => {
            // Shown width = stored height; shown (x, y) = stored (y, h - 1 - x).
            let mut out = vec![0u8; w_ * h_];
            for y in 0..w_ {
                for x in 0..h_ {
                    out[y * h_ + x] = pixels[(h_ - 1 - x) * w_ + y];
                }
            }
            (out, h, w)
        }
        180 => {
            let mut out = pixels;
            out.reverse();
            (out, w, h)
        }
        270 => {
            let mut out = vec![0u8; w_ * h_];
            for y in 0..w_ {
                for x in 0..h_ {
                    out[y * h_ + x] = pixels[x * w_ + (w_ - 1 - y)];
                }
            }
            (out, h, w)
        }
        _ => (pixels, w, h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turns_are_clockwise_and_invertible() {
        // 3x2 image: rows [1 2 3] [4 5 6].
        let px = vec![1, 2, 3, 4, 5, 6];
        let (r90, w, h) = upright(px.clone(), 3, 2, 90);
        // Turned clockwise: rows [4 1] [5 2] [6 3].
        assert_eq!((w, h), (2, 3));
        assert_eq!(r90, vec![4, 1, 5, 2, 6, 3]);
        let (r270, _, _) = upright(px.clone(), 3, 2, 270);
        assert_eq!(r270, vec![3, 6, 2, 5, 1, 4]);
        let (back, w2, h2) = upright(r90, 2, 3, 270);
        assert_eq!((back, w2, h2), (px.clone(), 3, 2));
        assert_eq!(upright(px.clone(), 3, 2, 180).0, vec![6, 5, 4, 3, 2, 1]);
    }
}
