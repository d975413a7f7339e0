//! One page of the case record (`pages[]` in `data/metadata.json`): where it came from, how it is
//! stored, what normalization measured and did, and its OCR. The imaging, OCR and PDF steps
//! use these types as they are, so what they decide is what the record says.

use serde::{Deserialize, Serialize};

/// How the image of a page is stored in the PDF.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// The source JPEG's bytes, unchanged (DCTDecode).
    Dct,
    /// 1-bit, CCITT Group 4 (CCITTFaxDecode, K -1).
    CcittG4,
    /// 8-bit Gray or RGB, Flate-compressed.
    #[default]
    Flate,
    /// A JPEG source that normalization changed (deskew, crop, gray), encoded again as JPEG.
    DctReencoded,
}

impl Encoding {
    /// How people read it (the record keeps the code).
    pub fn label(self, lang: crate::problem::Lang) -> &'static str {
        match self {
            Encoding::Dct => lang.pick("JPEG gốc (giữ nguyên)", "JPEG (the original, as is)"),
            Encoding::CcittG4 => "CCITT G4",
            Encoding::Flate => lang.pick("Flate (không mất dữ liệu)", "Flate (lossless)"),
            Encoding::DctReencoded => lang.pick("JPEG (mã hóa lại)", "JPEG (re-encoded)"),
        }
    }
}

/// The colour content of a stored page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    #[default]
    Rgb,
    Gray,
    Bilevel,
}

impl Colour {
    pub fn components(self) -> u8 {
        if self == Colour::Rgb {
            3
        } else {
            1
        }
    }
}

/// Where a page's resolution came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DpiSource {
    /// Tagged in the file and plausible.
    #[default]
    File,
    /// Missing or implausible in the file; inferred from the paper size.
    Inferred,
}

impl DpiSource {
    /// How people read it (the record keeps the code).
    pub fn label(self, lang: crate::problem::Lang) -> &'static str {
        match self {
            DpiSource::File => lang.pick("ghi trong tệp", "from the file"),
            DpiSource::Inferred => {
                lang.pick("suy ra theo khổ giấy", "inferred from the paper size")
            }
        }
    }
}

/// Pixels cropped from each side, at full resolution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crop {
    pub left: u32,
    pub top: u32,
    pub right: u32,
    pub bottom: u32,
}

impl Crop {
    pub fn is_empty(&self) -> bool {
        *self == Crop::default()
    }
}

/// The content a page carries, whatever it was scanned as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Content {
    Colour,
    Gray,
    Bilevel,
}

impl Content {
    /// The lower-case name the record uses.
    pub fn name(self) -> &'static str {
        match self {
            Content::Colour => "colour",
            Content::Gray => "gray",
            Content::Bilevel => "bilevel",
        }
    }

    /// How people read it (the record keeps [`Content::name`]).
    pub fn label(self, lang: crate::problem::Lang) -> &'static str {
        match self {
            Content::Colour => lang.pick("màu", "colour"),
            Content::Gray => lang.pick("xám", "gray"),
            Content::Bilevel => lang.pick("đen trắng", "black and white"),
        }
    }
}

/// What normalization measured and did to one page (in `metadata.json` and the events).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Normalization {
    pub profile: String,
    /// Measured skew in degrees (positive: text rises to the right), when text lines were found.
    pub skew: Option<f64>,
    pub skew_confidence: Option<f64>,
    /// Rotation applied, degrees counter-clockwise.
    pub rotated: Option<f64>,
    /// Borders cropped, full-resolution pixels.
    pub crop: Option<Crop>,
    /// Borders cropped after deskew (what was slanted before it: a bar, a dark lid's corners),
    /// pixels of the deskewed page. Absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crop_after_deskew: Option<Crop>,
    /// The crops and the turn place the image on its page: the stored image is the page as
    /// decoded, drawn turned and shifted (older records, without it, stored turned pixels).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub placed: bool,
    pub content: Option<Content>,
    /// Share of the page covered by ink strokes.
    pub ink: f64,
    pub blank: bool,
    /// Nearly black all over (its brightest tenth darker than a quarter of white: a wrong
    /// colour map, a negative, an open lid): flagged `page.near_black`, never blank. Absent
    /// when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub near_black: bool,
    /// Paper size the resolution was inferred from, when it was.
    pub dpi_inferred_from: Option<String>,
    /// EXIF orientation of the source (1 = upright), when not 1.
    pub exif_orientation: Option<u8>,
    /// Text lines run up and down: the page was scanned sideways (turned upright when its text
    /// told which way, see `orientation`; else flagged `page.sideways`).
    pub sideways: bool,
    /// Clockwise degrees (90, 180, 270) the page was turned to stand upright, told by its text:
    /// added to the PDF page's `/Rotate`, pixels untouched. Absent when upright.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation: Option<u16>,
    /// Who told the turn when the text lines alone could not, e.g. `Tesseract 5.3.0 OSD`.
    /// Absent when the lines told (or nothing turned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation_told_by: Option<String>,
    /// How sure it was, on its own scale (Tesseract: its orientation confidence). Absent with
    /// `orientation_told_by`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation_confidence: Option<f64>,
    /// Perceptual (difference) hash of the page after deskew and crop: 256 hex digits
    /// (a 32 × 32 grid, 1,024 bits).
    pub phash: Option<String>,
}

impl Normalization {
    /// The decisions worth an event: angle, crop box, content, DPI, orientation, blank.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.rotated {
            parts.push(format!(
                "rotated {a:.2} deg (skew {:.2}, confidence {:.2})",
                self.skew.unwrap_or(0.0),
                self.skew_confidence.unwrap_or(0.0)
            ));
        }
        if let Some(c) = self.crop {
            parts.push(format!(
                "borders cropped left {} top {} right {} bottom {} px",
                c.left, c.top, c.right, c.bottom
            ));
        }
        if let Some(c) = self.crop_after_deskew {
            parts.push(format!(
                "after deskew, borders cropped left {} top {} right {} bottom {} px",
                c.left, c.top, c.right, c.bottom
            ));
        }
        if let Some(p) = &self.dpi_inferred_from {
            parts.push(format!("resolution inferred from paper size {p}"));
        }
        if let Some(o) = self.exif_orientation {
            parts.push(format!("EXIF orientation {o}"));
        }
        if self.blank {
            parts.push(format!("blank (ink {:.5})", self.ink));
        }
        match (self.orientation, self.sideways) {
            (Some(t), _) => parts.push(match &self.orientation_told_by {
                Some(by) => format!(
                    "turned {t} deg clockwise to stand upright, told by {by} (confidence {:.2})",
                    self.orientation_confidence.unwrap_or(0.0)
                ),
                None => format!("turned {t} deg clockwise to stand upright"),
            }),
            (None, true) => parts.push("seems scanned sideways".to_string()),
            _ => {}
        }
        if !parts.is_empty() {
            if let Some(c) = self.content {
                parts.push(format!("content {}", c.name()));
            }
            parts.push(format!("profile {}", self.profile));
        }
        parts.join(", ")
    }
}

/// What the OCR record of a page says (`pages[].ocr`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageOcr {
    /// `done`, `timeout` or `failed`.
    pub status: String,
    pub engine: String,
    pub languages: String,
    /// Mean word confidence 0..100 (Tesseract's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u8>,
    pub words: u32,
    /// Payload paths of the plain text and the hOCR (word boxes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hocr: Option<String>,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One page of the bundle and where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageRecord {
    pub number: u32,
    /// Index into `components` (0-based), or null for pages directly in the case folder.
    pub component: Option<usize>,
    pub source: String,
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    pub dpi_x: f64,
    pub dpi_y: f64,
    pub dpi_source: DpiSource,
    pub colour: Colour,
    pub encoding: Encoding,
    /// What changed the pixels on the way in (e.g. `16-to-8-bit`); empty when pixel-exact.
    pub conversions: Vec<String>,
    /// PDF page rotation applied for the source's EXIF orientation (0, 90, 180, 270).
    pub rotate: u16,
    /// What normalization measured and did (skew, crop, content, blank, DPI decision).
    pub normalization: Option<Normalization>,
    /// OCR of the page (absent when OCR was off or not installed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<PageOcr>,
}

/// A blank page left out of the bundle with `--drop-blank`; its source file is in the bag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DroppedPage {
    pub source: String,
    /// 0-based page inside the source file.
    pub frame: u32,
    /// Share of the page covered by ink strokes.
    pub ink: f64,
}

/// Share of differing bits between two hashes of the same length (0 = identical), or `None`
/// when they cannot be compared.
pub fn phash_distance(a: &str, b: &str) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() || !a.len().is_multiple_of(2) {
        return None;
    }
    let mut diff = 0u32;
    for (x, y) in a.as_bytes().chunks(2).zip(b.as_bytes().chunks(2)) {
        let x = u8::from_str_radix(std::str::from_utf8(x).ok()?, 16).ok()?;
        let y = u8::from_str_radix(std::str::from_utf8(y).ok()?, 16).ok()?;
        diff += (x ^ y).count_ones();
    }
    Some(diff as f64 / (a.len() * 4) as f64)
}
