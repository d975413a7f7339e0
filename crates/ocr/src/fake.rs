//! A scripted [`OcrEngine`] for tests: every page "reads" as a given text, laid out as one line
//! of words across the top of the page, with hOCR like Tesseract's; a page darker than a
//! threshold (or, when asked, a landscape page) fails as Tesseract would give up. With it the whole OCR flow (pool, text layer,
//! page texts, hOCR, events, index) is tested on machines without Tesseract.

use crate::{EngineMaker, Line, OcrEngine, Recognized, Unavailable, Word};

/// Makes [`FakeEngine`]s.
#[derive(Debug, Clone)]
pub struct Fake {
    /// Name and version recorded in the case record.
    pub name: String,
    /// What every page reads as (words separated by spaces).
    pub text: String,
    /// A page whose mean gray level is below this fails with "page too dark".
    pub fail_below: u8,
    /// A page wider than tall (as shown) fails with "page turned".
    pub fail_landscape: bool,
}

impl Fake {
    /// A fake that reads every page as `text` and never fails.
    pub fn reading(text: &str) -> Fake {
        Fake {
            name: "Fake OCR 1.0".into(),
            text: text.into(),
            fail_below: 0,
            fail_landscape: false,
        }
    }
}

impl EngineMaker for Fake {
    fn kind(&self) -> &'static str {
        "fake"
    }

    fn name(&self) -> Result<String, Unavailable> {
        Ok(self.name.clone())
    }

    fn make(&self, languages: &str) -> Result<Box<dyn OcrEngine>, String> {
        if languages.is_empty() {
            return Err("no language given".into());
        }
        Ok(Box::new(FakeEngine(self.clone())))
    }
}

/// One worker's fake recognizer.
pub struct FakeEngine(Fake);

impl OcrEngine for FakeEngine {
    fn recognize(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        _dpi: u32,
        _timeout_ms: u32,
    ) -> Result<Recognized, String> {
        if pixels.len() != width as usize * height as usize || width == 0 || height == 0 {
            return Err("image size does not match its pixels".into());
        }
        let mean = pixels.iter().map(|&p| p as u64).sum::<u64>() / pixels.len() as u64;
        if (mean as u8) < self.0.fail_below {
            return Err("page too dark".into());
        }
        if self.0.fail_landscape && width > height {
            return Err("page turned".into());
        }
        let words: Vec<&str> = self.0.text.split_whitespace().collect();
        let n = words.len().max(1) as u32;
        let cell = (width / n).max(1);
        let (top, bottom) = (height / 10, height / 10 + (height / 20).max(1));
        let words: Vec<Word> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let left = (i as u32 * cell).min(width - 1);
                Word {
                    text: w.to_string(),
                    bbox: [left, top, (left + cell * 9 / 10).max(left + 1), bottom],
                    confidence: 95.0,
                }
            })
            .collect();
        let mut hocr = format!("<div class='ocr_page' title='bbox 0 0 {width} {height}'>");
        if !words.is_empty() {
            hocr.push_str(&format!(
                "<span class='ocr_line' title='bbox 0 {top} {width} {bottom}'>"
            ));
            for w in &words {
                let [l, t, r, b] = w.bbox;
                hocr.push_str(&format!(
                    "<span class='ocrx_word' title='bbox {l} {t} {r} {b}; x_wconf 95'>{}</span> ",
                    w.text.replace('&', "&amp;").replace('<', "&lt;")
                ));
            }
            hocr.push_str("</span>");
        }
        hocr.push_str("</div>");
        let lines = if words.is_empty() {
            Vec::new()
        } else {
            vec![Line {
                bbox: [0, top, width, bottom],
                baseline: bottom as f64,
                words,
            }]
        };
        Ok(Recognized {
            width,
            height,
            text: self.0.text.clone(),
            hocr,
            confidence: if lines.is_empty() { 0 } else { 95 },
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GrayPage, Mode, Pool, Settings};
    use std::sync::Arc;

    #[test]
    fn the_pool_runs_any_engine_and_reports_its_failures() {
        let settings = Settings {
            mode: Mode::On,
            engines: Arc::new(Fake {
                fail_below: 100,
                ..Fake::reading("Tờ khai đăng ký khai sinh")
            }),
            ..Settings::default()
        };
        let pool = Pool::start(&settings, 2).unwrap().unwrap();
        assert_eq!(pool.engine, "Fake OCR 1.0");
        let page = |shade: u8, rotate: u16| GrayPage {
            width: 40,
            height: 60,
            pixels: vec![shade; 40 * 60],
            dpi: 300.0,
            rotate,
        };
        let light = pool.submit(page(250, 90));
        let dark = pool.submit(page(10, 0));
        let (read, _) = light.wait();
        let read = read.unwrap();
        assert_eq!(read.text, "Tờ khai đăng ký khai sinh");
        assert_eq!((read.width, read.height), (60, 40), "turned upright first");
        assert_eq!(read.word_count(), 6);
        assert!(read.hocr.contains("ocrx_word"));
        assert_eq!(dark.wait().0.unwrap_err(), "page too dark");
    }

    #[test]
    fn off_starts_nothing() {
        let settings = Settings {
            mode: Mode::Off,
            engines: Arc::new(Fake::reading("x")),
            ..Settings::default()
        };
        assert!(Pool::start(&settings, 1).unwrap().is_none());
    }
}
