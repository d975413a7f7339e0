//! Tesseract's orientation and script detection (OSD, Debian `tesseract-ocr-osd`) as the
//! normalization's outside judge of which way up a page is ([`OrientationTeller`]): one `osd`
//! engine per thread, loaded on first use; where Tesseract or its `osd` data is missing it tells
//! nothing and normalization keeps its own verdict.

use crate::engine::{library, Engine};
use sohoa_imaging::{OrientationTeller, Told};
use std::cell::RefCell;

/// Tesseract's OSD, where installed.
#[derive(Debug, Clone, Copy, Default)]
pub struct TesseractOsd;

thread_local! {
    /// This thread's OSD engine, or why there is none (asked once per thread).
    static ENGINE: RefCell<Option<Result<Engine, String>>> = const { RefCell::new(None) };
}

impl TesseractOsd {
    /// The judge when the Tesseract library loads; `Err` says why not. Its `osd` data is
    /// loaded by the first page asked about on each thread (none on most batches, whose pages
    /// tell their own way up); where it is missing, that is said once and nothing is told.
    pub fn available() -> Result<TesseractOsd, String> {
        library().map(|_| TesseractOsd)
    }
}

/// This thread's engine, made on first use; why not, said once per process.
fn make() -> Result<Engine, String> {
    static SAID: std::sync::Once = std::sync::Once::new();
    let made = library().and_then(|lib| Engine::new(lib, "osd"));
    if let Err(e) = &made {
        SAID.call_once(|| {
            tracing::info!("no orientation detection by Tesseract ({e}): pages keep their own")
        });
    }
    made
}

impl OrientationTeller for TesseractOsd {
    fn name(&self) -> String {
        match library() {
            Ok(lib) => format!("Tesseract {} OSD", lib.version),
            Err(_) => "Tesseract OSD".into(),
        }
    }

    fn tell(&self, gray: &[u8], width: u32, height: u32, dpi: u32) -> Option<Told> {
        ENGINE.with(|cell| {
            let mut cell = cell.try_borrow_mut().ok()?;
            let engine = cell.get_or_insert_with(make).as_mut().ok()?;
            let (turn, confidence) = engine.detect_orientation(gray, width, height, dpi)?;
            Some(Told {
                turn,
                confidence: confidence as f64,
            })
        })
    }
}
