//! Decoding one source file (JPEG, PNG, TIFF, scanned PDF, recognised by their bytes) into pages
//! of pixels. Every page is decoded whole (that is the validity check) within the profile's
//! [`Limits`]; each decoded page goes to the caller's sink (normalization, then encoding).

mod jpeg;
mod jpeg_bits;
mod jpeg_coverage;
mod jpeg_scan;
mod limits;
mod pdf;
mod pdf_colour;
mod pdf_content;
mod pdf_fax;
mod pdf_image;
mod pdf_jbig2;
mod pdf_jpx;
#[cfg(test)]
mod pdf_tests;
mod png;
mod tiff;
mod tiff_frame;
mod tiff_ifd;
#[cfg(test)]
mod tiff_layout_tests;
mod tiff_photometric;
#[cfg(test)]
mod tiff_reference_tests;
mod tiff_samples;
mod tiff_strips;
#[cfg(test)]
mod tiff_test_util;
#[cfg(test)]
mod tiff_tests;
#[cfg(test)]
mod tiff_variant_tests;

use crate::encode;
pub(crate) use crate::page::{Colour, Decoded, FileDpi, FileRead, PageError, Raster};
use sohoa_archive::limits::Limits;

/// Formats recognised by their first bytes (extensions are not trusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Tiff,
    /// A PDF: its image-only pages are scans, read losslessly (decode/pdf.rs).
    Pdf,
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
    } else if bytes.starts_with(b"%PDF-") {
        Some(Format::Pdf)
    } else {
        None
    }
}

/// Decodes every page of one source file, handing each to `sink` as soon as it is ready (so a
/// long multi-page TIFF never sits in memory whole), in order; stops at the first error and
/// returns the number of pages and what else the file held (a PDF's pages that are not scans).
/// A decoder panic (a bug in a codec crate) becomes `page.corrupt` for this file.
pub(crate) fn read(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut dyn FnMut(Decoded<'_>) -> Result<(), PageError>,
) -> Result<FileRead, PageError> {
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
        Some(Format::Jpeg) => jpeg::read(bytes, limits, sink).map(|()| pages(1)),
        Some(Format::Png) => png::read(bytes, limits, sink).map(|()| pages(1)),
        Some(Format::Tiff) => tiff::read(bytes, limits, sink).map(pages),
        Some(Format::Pdf) => pdf::read(bytes, limits, sink),
        None => Err(PageError::new(
            "page.not_an_image",
            "Không phải tệp ảnh JPEG, PNG, TIFF hay PDF (nội dung không khớp định dạng nào)",
            "Not a JPEG, PNG, TIFF or PDF scan (the content matches no supported format)",
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

/// A file that holds only pages.
fn pages(n: u32) -> FileRead {
    FileRead {
        pages: n,
        ..FileRead::default()
    }
}

#[cfg(test)]
mod tests {
    use crate::page::{PageError, PreparedPage};
    use crate::read_pages;

    #[test]
    fn a_decoder_that_panics_fails_the_file_not_the_batch() {
        // Found by fuzzing: the png crate panics on a palette of 53 bytes.
        let bad =
            include_bytes!("../../../../fuzz/regressions/page/png-palette-not-a-multiple-of-3.png");
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
            read_pages(b"GIF89a", &p, &mut sink).unwrap_err().code,
            "page.not_an_image"
        );
        assert_eq!(
            read_pages(b"%PDF-1.4", &p, &mut sink).unwrap_err().code,
            "pdf.corrupt"
        );
    }
}
