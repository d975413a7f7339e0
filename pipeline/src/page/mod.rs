//! Step 3: decode one source file into pages ready for the bundle. Every page is decoded
//! (that is the validity check), then encoded: JPEG as-is, bilevel as CCITT G4, the rest Flate.

mod encode;
mod jpeg;
mod png;
mod tiff;

pub use encode::{flate, g4_encode};

use crate::problem::Problem;
use serde::Serialize;

/// How the image of a page is stored in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// The source JPEG's bytes, unchanged (DCTDecode).
    Dct,
    /// 1-bit, CCITT Group 4 (CCITTFaxDecode, K -1).
    CcittG4,
    /// 8-bit Gray or RGB, Flate-compressed.
    Flate,
}

/// The colour content of a stored page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DpiSource {
    /// Tagged in the file and plausible.
    File,
    /// Missing or implausible in the file; inferred from the paper size.
    Inferred,
}

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

/// Formats recognised by their first bytes (extensions are not trusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Tiff,
}

pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || bytes.starts_with(b"II+\0")
        || bytes.starts_with(b"MM\0+")
    {
        Some(Format::Tiff)
    } else {
        None
    }
}

/// A decode failure on a page of a file (the file name is added by the caller).
#[derive(Debug)]
pub struct PageError {
    /// 1-based page within the file, when the file has several.
    pub page: Option<u32>,
    pub code: &'static str,
    pub vi: String,
    pub en: String,
}

impl PageError {
    pub(crate) fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        PageError {
            page: None,
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub(crate) fn on_page(mut self, frame: u32) -> Self {
        self.page = Some(frame + 1);
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

/// Decodes every page of one source file, handing each to `sink` as soon as it is ready
/// (so a long multi-page TIFF never sits in memory whole). Stops at the first error.
pub fn read_pages(
    bytes: &[u8],
    sink: &mut dyn FnMut(PreparedPage) -> Result<(), PageError>,
) -> Result<u32, PageError> {
    if bytes.is_empty() {
        return Err(PageError::new(
            "page.empty_file",
            "Tệp rỗng (0 byte)",
            "Empty file (0 bytes)",
        ));
    }
    match sniff(bytes) {
        Some(Format::Jpeg) => jpeg::read(bytes, sink).map(|()| 1),
        Some(Format::Png) => png::read(bytes, sink).map(|()| 1),
        Some(Format::Tiff) => tiff::read(bytes, sink),
        None => Err(PageError::new(
            "page.not_an_image",
            "Không phải tệp ảnh JPEG, PNG hay TIFF (nội dung không khớp định dạng nào)",
            "Not a JPEG, PNG or TIFF image (the content matches no supported format)",
        )),
    }
}

/// Standard scan resolutions that inferred values snap to.
const COMMON_DPI: &[f64] = &[100.0, 150.0, 200.0, 240.0, 300.0, 400.0, 600.0, 1200.0];
/// Long side of A4 in inches, the paper size assumed when the resolution is unknown.
const A4_LONG_IN: f64 = 297.0 / 25.4;

/// Accepts the file's resolution when plausible, otherwise infers it assuming A4 paper.
pub(crate) fn resolve_dpi(
    file: FileDpi,
    width: u32,
    height: u32,
) -> (f64, f64, DpiSource, Option<Problem>) {
    let long_px = width.max(height) as f64;
    // PNG stores pixels per metre: 200 dpi comes back as 199.9996. Snap to whole numbers.
    let snap = |d: f64| {
        if (d - d.round()).abs() < 0.05 {
            d.round()
        } else {
            d
        }
    };
    if let Some((dx, dy)) = file.map(|(x, y)| (snap(x), snap(y))) {
        // Paper between 1 and 50 inches a side (A0 is 46.8), the long side at least 2.5.
        let inches = |d: f64, px: u32| px as f64 / d;
        let plausible =
            |d: f64, px: u32| (50.0..=2400.0).contains(&d) && (1.0..=50.0).contains(&inches(d, px));
        let long = inches(dx, width).max(inches(dy, height));
        if plausible(dx, width)
            && plausible(dy, height)
            && long >= 2.5
            && (dx / dy - 1.0).abs() < 0.5
        {
            return (dx, dy, DpiSource::File, None);
        }
    }
    let raw = long_px / A4_LONG_IN;
    let dpi = COMMON_DPI
        .iter()
        .copied()
        .find(|d| (raw / d - 1.0).abs() < 0.08)
        .unwrap_or(raw.round().max(1.0));
    let (vi_what, en_what) = match file {
        None => (
            "không có thông tin DPI".to_string(),
            "no resolution tag".to_string(),
        ),
        Some((dx, dy)) => (
            format!("DPI ghi trong tệp ({dx:.0}x{dy:.0}) không hợp lý"),
            format!("implausible resolution {dx:.0}x{dy:.0} in the file"),
        ),
    };
    let warning = Problem::warning(
        "page.dpi_inferred",
        format!("Ảnh {width}x{height} px {vi_what}: suy ra {dpi:.0} dpi theo khổ A4"),
        format!("{width}x{height} px image with {en_what}: inferred {dpi:.0} dpi assuming A4"),
    );
    (dpi, dpi, DpiSource::Inferred, Some(warning))
}

/// PDF/A-2 limits every page box side to 3..14 400 units (2b 6.1.13-11).
fn check_page_size(width: u32, height: u32, dx: f64, dy: f64) -> Result<(), PageError> {
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

/// Encodes a decoded raster: bilevel content as G4, everything else Flate.
pub(crate) fn finish_raster(
    raster: Raster,
    frame: u32,
    file_dpi: FileDpi,
) -> Result<PreparedPage, PageError> {
    let Raster {
        width,
        height,
        colour,
        pixels,
        mut conversions,
        source_bilevel,
    } = raster;
    let (dpi_x, dpi_y, dpi_source, warning) = resolve_dpi(file_dpi, width, height);
    check_page_size(width, height, dpi_x, dpi_y)?;
    let bilevel = colour == Colour::Gray && pixels.iter().all(|&p| p == 0 || p == 255);
    let (colour, encoding, data) = if bilevel {
        if !source_bilevel {
            conversions.push("bilevel-from-gray");
        }
        (
            Colour::Bilevel,
            Encoding::CcittG4,
            g4_encode(&pixels, width, height),
        )
    } else {
        (colour, Encoding::Flate, flate(&pixels))
    };
    Ok(PreparedPage {
        frame,
        width,
        height,
        dpi_x,
        dpi_y,
        dpi_source,
        colour,
        encoding,
        conversions,
        data,
        warnings: warning.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_dpi_is_kept_and_wrong_dpi_inferred() {
        let (dx, _, src, w) = resolve_dpi(Some((200.0, 200.0)), 1654, 2339);
        assert_eq!((dx, src), (200.0, DpiSource::File));
        assert!(w.is_none());
        // A 4000-px page tagged 72 dpi would be 55 inches long: inferred instead.
        let (dx, _, src, w) = resolve_dpi(Some((72.0, 72.0)), 2800, 4000);
        assert_eq!(src, DpiSource::Inferred);
        assert!((dx - 342.0).abs() < 1.0, "{dx}");
        // 1200 dpi on a 2300-px page would be a 1.9-inch page.
        let (dx, _, src, _) = resolve_dpi(Some((1200.0, 1200.0)), 1600, 2300);
        assert_eq!((dx, src), (200.0, DpiSource::Inferred));
        assert!(w.is_some());
        let (dx, _, _, _) = resolve_dpi(None, 2480, 3508);
        assert_eq!(dx, 300.0);
    }

    #[test]
    fn empty_and_foreign_files_are_rejected_with_codes() {
        let mut sink = |_p: PreparedPage| Ok(());
        assert_eq!(
            read_pages(b"", &mut sink).unwrap_err().code,
            "page.empty_file"
        );
        assert_eq!(
            read_pages(b"%PDF-1.4", &mut sink).unwrap_err().code,
            "page.not_an_image"
        );
    }
}
