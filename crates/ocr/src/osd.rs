//! Tesseract's orientation and script detection (OSD, Debian `tesseract-ocr-osd`) as the
//! normalization's outside judge of which way up a page is ([`OrientationTeller`]): one `osd`
//! engine for the process, loaded on first use and lent to one worker at a time; where
//! Tesseract or its `osd` data is missing it tells nothing and normalization keeps its own
//! verdict.

use crate::engine::{library, Engine};
use sohoa_imaging::{OrientationTeller, Told};
use std::sync::Mutex;

/// Tesseract's OSD, where installed.
#[derive(Debug, Clone, Copy, Default)]
pub struct TesseractOsd;

/// The one OSD engine, shared by the workers (its model and working memory held once: few
/// pages are asked about), or why there is none; made on first use.
static ENGINE: Mutex<Option<Result<Engine, String>>> = Mutex::new(None);

impl TesseractOsd {
    /// The judge when the Tesseract library loads; `Err` says why not. Its `osd` data is
    /// loaded by the first page asked about (none on most batches, whose pages tell their own
    /// way up); where it is missing, that is said once and nothing is told.
    pub fn available() -> Result<TesseractOsd, String> {
        library().map(|_| TesseractOsd)
    }
}

/// The engine, made on first use; why not, said once per process.
fn make() -> Result<Engine, String> {
    let made = library().and_then(|lib| Engine::new(lib, "osd"));
    if let Err(e) = &made {
        tracing::info!("no orientation detection by Tesseract ({e}): pages keep their own");
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
        let mut engine = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
        let engine = engine.get_or_insert_with(make).as_mut().ok()?;
        let (turn, confidence) = engine.detect_orientation(gray, width, height, dpi)?;
        Some(Told {
            turn,
            confidence: confidence as f64,
        })
    }
}
