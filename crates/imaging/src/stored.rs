//! A stored page image decoded back to 8-bit gray (for OCR of bags already in the archive):
//! the inverse of [`crate::encode`] for the three ways sohoa stores a page, placed on its page
//! as a reader sees it.

use crate::page::{Colour, Encoding, GrayPage, PreparedPage};
use std::io::Read;

/// 8-bit gray pixels of a stored page image, for OCR.
pub fn gray_of_stored(p: &PreparedPage) -> Option<GrayPage> {
    let n = p.width as usize * p.height as usize;
    let pixels = match p.encoding {
        Encoding::Dct | Encoding::DctReencoded => {
            image::load_from_memory_with_format(&p.data, image::ImageFormat::Jpeg)
                .ok()?
                .to_luma8()
                .into_raw()
        }
        Encoding::CcittG4 => crate::g4_decode(&p.data, p.width, p.height)?,
        Encoding::Flate => {
            let mut raw = Vec::new();
            flate2::read::ZlibDecoder::new(&p.data[..])
                .read_to_end(&mut raw)
                .ok()?;
            if p.colour == Colour::Rgb {
                crate::normalize::luma(&raw)
            } else {
                raw
            }
        }
    };
    if pixels.len() != n {
        return None;
    }
    // The page as shown: the image placed (cropped, turned) on it.
    let (width, height, pixels) = match &p.placement {
        Some(pl) => {
            let [r, g, b] = pl.fill.unwrap_or([255; 3]);
            let paper = ((r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000) as u8;
            let shown = pl.render::<1>(&pixels, p.width, p.height, [paper]);
            (pl.width, pl.height, shown)
        }
        None => (p.width, p.height, pixels),
    };
    Some(GrayPage {
        width,
        height,
        pixels,
        dpi: (p.dpi_x + p.dpi_y) / 2.0,
        rotate: p.rotate,
    })
}
