//! sohoa-imaging: step 3 of the data flow, from a scan file to pages ready for the PDF.
//!
//! scan bytes -> [`decode`] (JPEG, PNG, TIFF, the image-only pages of a PDF; limits checked
//! before allocating) -> [`normalize`] (borders, deskew, blank and colour content, resolution;
//! every decision recorded) -> [`encode`] (JPEG and a PDF's CCITT G4 kept byte for byte,
//! bilevel as CCITT G4, the rest Flate) -> [`PreparedPage`],
//! with an 8-bit gray copy for OCR when asked. The types pages travel in are in [`page`].
//! `sohoa-pdfa` lays the pages out; the record of what was done is `sohoa-archive`'s.

// `Problem` is a plain ~130-byte record returned on rare error paths.
#![allow(clippy::result_large_err)]

pub mod decode;
pub mod encode;
pub mod normalize;
pub mod page;
pub mod placement;
pub mod stored;

pub use decode::{sniff, Format};
pub use encode::{flate, g4_decode, g4_encode};
pub use normalize::teller::{OrientationTeller, Told};
pub use normalize::Profile;
pub use page::{
    Colour, DpiSource, Encoding, FileRead, GrayPage, Normalization, PageError, PreparedPage,
};

use serde::Serialize;
use sohoa_archive::problem::Problem;

/// Decodes, normalizes and encodes every page of a scan file, in order, into `sink`; returns
/// the number of pages. A damaged or over-limit page is an error for the file.
pub fn read_pages(
    bytes: &[u8],
    profile: &Profile,
    sink: &mut dyn FnMut(PreparedPage) -> Result<(), PageError>,
) -> Result<u32, PageError> {
    read_file(bytes, profile, sink).map(|read| read.pages)
}

/// [`read_pages`], also returning what else the file held: a PDF's pages that are not scans
/// (with warning `pdf.page_not_scanned`), notes for the record, whether to keep the original.
pub fn read_file(
    bytes: &[u8],
    profile: &Profile,
    sink: &mut dyn FnMut(PreparedPage) -> Result<(), PageError>,
) -> Result<FileRead, PageError> {
    decode::read(bytes, &profile.limits, &mut |decoded| {
        sink(normalize::prepare(decoded, profile)?)
    })
}

/// What normalization would do to each page of a file, without writing anything.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// 1-based page in the file.
    pub page: u32,
    pub width: u32,
    pub height: u32,
    pub dpi_x: f64,
    pub dpi_y: f64,
    pub dpi_source: DpiSource,
    /// How the page would be stored.
    pub colour: Colour,
    pub encoding: Encoding,
    pub conversions: Vec<&'static str>,
    pub normalization: Option<Normalization>,
    pub warnings: Vec<Problem>,
}

/// What normalization would do to a file's pages, and the file's own warnings (a PDF's pages
/// that are not scans).
#[derive(Debug, Clone, Serialize)]
pub struct Inspected {
    pub pages: Vec<Inspection>,
    pub warnings: Vec<Problem>,
}

/// Decodes and normalizes every page of a file in memory and reports the decisions.
pub fn inspect(bytes: &[u8], p: &Profile) -> Result<Inspected, PageError> {
    let mut out = Vec::new();
    let read = read_file(bytes, p, &mut |page: PreparedPage| {
        out.push(Inspection {
            page: page.frame + 1,
            width: page.width,
            height: page.height,
            dpi_x: page.dpi_x,
            dpi_y: page.dpi_y,
            dpi_source: page.dpi_source,
            colour: page.colour,
            encoding: page.encoding,
            conversions: page.conversions,
            normalization: page.normalization,
            warnings: page.warnings,
        });
        Ok(())
    })?;
    Ok(Inspected {
        pages: out,
        warnings: read.warnings,
    })
}
