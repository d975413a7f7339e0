//! Step 3: decode one source file into pages ready for the bundle. Every page is decoded
//! (that is the validity check), then encoded: JPEG as-is, bilevel as CCITT G4, the rest Flate.

mod encode;
mod jpeg;
mod jpeg_bits;
mod jpeg_coverage;
mod jpeg_scan;
mod limits;
mod png;
mod tiff;
mod tiff_ifd;
mod tiff_strips;
#[cfg(test)]
mod tiff_tests;

pub use encode::{flate, g4_decode, g4_encode};

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
    /// A JPEG source that normalization changed (deskew, crop, gray), encoded again as JPEG.
    DctReencoded,
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
    /// PDF page rotation (0, 90, 180, 270) from the source's EXIF orientation.
    pub rotate: u16,
    /// What normalization measured and did.
    pub normalization: Option<crate::normalize::Normalization>,
    /// The stored pixels as 8-bit gray, for OCR (only when the profile's `keep_gray` is set).
    pub gray: Option<crate::ocr::GrayPage>,
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
    profile: &crate::normalize::Profile,
    sink: &mut dyn FnMut(PreparedPage) -> Result<(), PageError>,
) -> Result<u32, PageError> {
    if bytes.is_empty() {
        return Err(PageError::new(
            "page.empty_file",
            "Tệp rỗng (0 byte)",
            "Empty file (0 bytes)",
        ));
    }
    // A decoder library that panics on a file it did not foresee fails that file, never the
    // batch (the panic message is kept in the error).
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match sniff(bytes) {
        Some(Format::Jpeg) => jpeg::read(bytes, profile, sink).map(|()| 1),
        Some(Format::Png) => png::read(bytes, profile, sink).map(|()| 1),
        Some(Format::Tiff) => tiff::read(bytes, profile, sink),
        None => Err(PageError::new(
            "page.not_an_image",
            "Không phải tệp ảnh JPEG, PNG hay TIFF (nội dung không khớp định dạng nào)",
            "Not a JPEG, PNG or TIFF image (the content matches no supported format)",
        )),
    }));
    decoded.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(PageError::new(
            "page.corrupt",
            format!("Tệp ảnh hỏng: bộ giải mã dừng ({why})"),
            format!("Corrupt image: the decoder stopped ({why})"),
        ))
    })
}

/// PDF/A-2 limits every page box side to 3..14 400 units (2b 6.1.13-11).
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

/// Encodes a decoded raster: bilevel content as G4, everything else Flate.
pub(crate) fn finish_raster(
    raster: Raster,
    frame: u32,
    dpi: (f64, f64, DpiSource),
) -> Result<PreparedPage, PageError> {
    let Raster {
        width,
        height,
        colour,
        pixels,
        mut conversions,
        source_bilevel,
    } = raster;
    let (dpi_x, dpi_y, dpi_source) = dpi;
    check_page_size(width, height, dpi_x, dpi_y)?;
    let bilevel = colour == Colour::Gray && pixels.iter().all(|&p| p == 0 || p == 255);
    let (colour, encoding, data) = if bilevel {
        if !source_bilevel && !conversions.contains(&"gray-to-bilevel") {
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
        warnings: Vec::new(),
        rotate: 0,
        normalization: None,
        gray: None,
    })
}

/// JPEG of a raster (changed pages of JPEG sources), with its resolution in the JFIF header.
pub(crate) fn jpeg_encode(
    r: &Raster,
    quality: u8,
    dpi: f64,
    chroma_subsampled: bool,
) -> Result<Vec<u8>, PageError> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(if chroma_subsampled {
        jpeg_encoder::SamplingFactor::F_2_2
    } else {
        jpeg_encoder::SamplingFactor::F_1_1
    });
    enc.set_density(jpeg_encoder::PixelDensity {
        density: (dpi.round() as u16, dpi.round() as u16),
        unit: jpeg_encoder::PixelDensityUnit::Inches,
    });
    let kind = if r.colour == Colour::Rgb {
        jpeg_encoder::ColorType::Rgb
    } else {
        jpeg_encoder::ColorType::Luma
    };
    let too_big = || {
        PageError::new(
            "page.size_out_of_range",
            "Ảnh quá lớn cho JPEG (tối đa 65535 px)",
            "Image too large for JPEG (65535 px at most)",
        )
    };
    let (w, h) = (
        u16::try_from(r.width).map_err(|_| too_big())?,
        u16::try_from(r.height).map_err(|_| too_big())?,
    );
    enc.encode(&r.pixels, w, h, kind).map_err(|e| {
        PageError::new(
            "bag.write_failed",
            format!("Lỗi mã hóa JPEG: {e}"),
            format!("JPEG encoding failed: {e}"),
        )
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoder_that_panics_fails_the_file_not_the_batch() {
        // Found by fuzzing: the png crate panics on a palette of 53 bytes.
        let bad =
            include_bytes!("../../../fuzz/regressions/page/png-palette-not-a-multiple-of-3.png");
        let mut sink = |_p: PreparedPage| Ok(());
        let p = crate::normalize::Profile::default();
        assert_eq!(
            read_pages(bad, &p, &mut sink).unwrap_err().code,
            "page.corrupt"
        );
        // Any panic under a decoder becomes an error for the file.
        let mut panics = |_p: PreparedPage| -> Result<(), PageError> { panic!("boom") };
        let png = {
            let img = image::GrayImage::from_fn(8, 8, |x, _| image::Luma([x as u8 * 30]));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            out.into_inner()
        };
        let e = read_pages(&png, &p, &mut panics).unwrap_err();
        assert_eq!(e.code, "page.corrupt");
        assert!(e.en.contains("boom"), "{}", e.en);
    }

    #[test]
    fn empty_and_foreign_files_are_rejected_with_codes() {
        let mut sink = |_p: PreparedPage| Ok(());
        let p = crate::normalize::Profile::default();
        assert_eq!(
            read_pages(b"", &p, &mut sink).unwrap_err().code,
            "page.empty_file"
        );
        assert_eq!(
            read_pages(b"%PDF-1.4", &p, &mut sink).unwrap_err().code,
            "page.not_an_image"
        );
    }
}
