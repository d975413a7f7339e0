//! Tesseract 5 as the [`OcrEngine`]: the library is loaded at run time (`libtesseract.so.5`,
//! Debian `tesseract-ocr`), so sohoa builds and runs without it and says once that there is no
//! text layer.

use crate::engine::{library, Engine};
use crate::{EngineMaker, OcrEngine, Unavailable};

/// Makes Tesseract recognizers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tesseract;

impl EngineMaker for Tesseract {
    fn kind(&self) -> &'static str {
        "tesseract"
    }

    fn name(&self) -> Result<String, Unavailable> {
        let lib = library().map_err(|e| Unavailable {
            vi: format!("Chưa cài Tesseract OCR ({e}): hồ sơ được lưu không có lớp chữ. Cài bằng: apt-get install tesseract-ocr tesseract-ocr-vie"),
            en: format!("Tesseract OCR is not installed ({e}): cases are stored without a text layer. Install it with: apt-get install tesseract-ocr tesseract-ocr-vie"),
        })?;
        Ok(format!("Tesseract {}", lib.version))
    }

    fn make(&self, languages: &str) -> Result<Box<dyn OcrEngine>, String> {
        let lib = library()?;
        Ok(Box::new(Engine::new(lib, languages)?))
    }
}
