//! The page as it moves through imaging: decoded pixels (`Raster`, `Decoded`), the page
//! ready for the bundle ([`PreparedPage`]) with its gray copy for OCR ([`GrayPage`]), and why a
//! page was refused ([`PageError`]). Decoders, normalization and encoders all speak these types.

use sohoa_archive::problem::Problem;
pub use sohoa_archive::record::{Colour, Crop, DpiSource, Encoding, Normalization};

/// One page, decoded, checked and encoded for the bundle.
#[derive(Debug)]
pub struct PreparedPage {
    /// 0-based page index inside the source file.
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    pub dpi_x: f64,
    pub dpi_y: f64,
    pub dpi_source: DpiSource,
    pub colour: Colour,
    pub encoding: Encoding,
    /// What changed the pixels on the way in (e.g. `16-to-8-bit`); empty when pixel-exact.
    pub conversions: Vec<&'static str>,
    /// Image stream bytes, already encoded as `encoding` says.
    pub data: Vec<u8>,
    pub warnings: Vec<Problem>,
    /// PDF page rotation (0, 90, 180, 270) from the source's EXIF orientation.
    pub rotate: u16,
    /// Where the image lies on its page when the page shows it cropped or turned (the
    /// image itself is stored as decoded); none when the page is the image.
    pub placement: Option<crate::placement::Placement>,
    /// What normalization measured and did.
    pub normalization: Option<Normalization>,
    /// The stored pixels as 8-bit gray, for OCR (only when the profile's `keep_gray` is set).
    pub gray: Option<GrayPage>,
}

/// Decoded pixels of one page before encoding: 8-bit Gray or RGB, row-major, no padding.
pub(crate) struct Raster {
    pub width: u32,
    pub height: u32,
    pub colour: Colour,
    pub pixels: Vec<u8>,
    pub conversions: Vec<&'static str>,
    /// The source itself was 1-bit.
    pub source_bilevel: bool,
}

/// Resolution as tagged in a file, before plausibility checks.
pub(crate) type FileDpi = Option<(f64, f64)>;

/// A decoded page before normalization.
pub(crate) struct Decoded<'a> {
    pub raster: Raster,
    /// The source JPEG, when it may be embedded unchanged (1 or 3 components).
    pub jpeg: Option<&'a [u8]>,
    /// The source CCITT Group 4 data, when it may be embedded unchanged: it decodes (K -1,
    /// BlackIs1 false, no byte alignment) to exactly `raster`, a bilevel page.
    pub g4: Option<&'a [u8]>,
    /// The source was lossy (JPEG): changed pages are stored as JPEG again.
    pub lossy: bool,
    /// The source JPEG stores colour at half resolution (4:2:0 and the like): a re-encoded
    /// page does the same (keeping full-resolution colour would keep nothing the source had).
    pub chroma_subsampled: bool,
    pub file_dpi: FileDpi,
    pub frame: u32,
    pub exif_orientation: u8,
    /// Clockwise rotation the source itself gives the page (a PDF page's `/Rotate` and how its
    /// image is drawn), 0, 90, 180 or 270; added to the EXIF rotation.
    pub page_rotate: u16,
}

/// What reading a file gave besides its pages: pages of a PDF that are not scans (kept in the
/// original file, never silently dropped), warnings about the file, and notes for its record.
#[derive(Debug, Default)]
pub struct FileRead {
    /// Pages handed on (decoded, normalized, encoded).
    pub pages: u32,
    /// 1-based pages of the file that are not scans and were not read as pages (a PDF page
    /// with text or vector content): in the original file only.
    pub not_scanned: Vec<u32>,
    /// Warnings about the file (`pdf.page_not_scanned`, `pdf.annotation_not_kept`), already
    /// naming their page when they concern one; the caller adds the file name.
    pub warnings: Vec<Problem>,
    /// What of the file was not carried into the pages, for the record's events (e.g. the
    /// invisible text layer a scanner's OCR put on a PDF page).
    pub notes: Vec<String>,
    /// The file is a container holding more than its page images (a PDF: its text layer,
    /// signatures, metadata): its original is always kept in the bag.
    pub keep_original: bool,
}

/// An 8-bit gray copy of a stored page, as stored (before its `/Rotate`): what OCR reads.
#[derive(Debug, Clone)]
pub struct GrayPage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    /// Pixels per inch (the mean of both axes when they differ).
    pub dpi: f64,
    /// The page's `/Rotate` (clockwise degrees): applied before recognition.
    pub rotate: u16,
}

/// A page refused, with a stable code (the file name is added by the caller).
#[derive(Debug)]
pub struct PageError {
    /// 1-based page within the file, when the file has several.
    pub page: Option<u32>,
    pub code: &'static str,
    pub vi: String,
    pub en: String,
}

impl PageError {
    pub fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        PageError {
            page: None,
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// Locates the error on a page (0-based `frame`), unless it already names one.
    pub(crate) fn on_page(mut self, frame: u32) -> Self {
        self.page.get_or_insert(frame + 1);
        self
    }

    pub fn into_problem(self, file: &str) -> Problem {
        let p = Problem::error(self.code, self.vi, self.en).in_file(file);
        match self.page {
            Some(n) => p.on_page(n),
            None => p,
        }
    }
}

/// PDF/A-2 limits every page box side to 3..14 400 units (2b 6.1.13-11): a page outside is
/// refused.
pub(crate) fn check_page_size(width: u32, height: u32, dx: f64, dy: f64) -> Result<(), PageError> {
    let (w, h) = (width as f64 * 72.0 / dx, height as f64 * 72.0 / dy);
    if !(3.0..=14_400.0).contains(&w) || !(3.0..=14_400.0).contains(&h) {
        return Err(PageError::new(
            "page.size_out_of_range",
            format!("Kích thước trang {w:.1}x{h:.1} pt nằm ngoài giới hạn PDF/A (3..14400 pt)"),
            format!("Page size {w:.1}x{h:.1} pt is outside the PDF/A limits (3..14400 pt)"),
        ));
    }
    Ok(())
}
