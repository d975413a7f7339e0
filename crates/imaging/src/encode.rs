//! Page encoders and pixel conversions: CCITT Group 4 for bilevel pages, Flate for the
//! rest, and the documented formulas for 16-bit, alpha, CMYK and YCbCr inputs.

use crate::page::{check_page_size, Colour, DpiSource, Encoding, PageError, PreparedPage, Raster};
use fax::{encoder::Encoder, Color, VecWriter};
use flate2::{write::ZlibEncoder, Compression};
use std::io::Write;

/// CCITT G4 (T.6) of an 8-bit raster whose pixels are 0 (black) or 255 (white).
/// Embedded with `/K -1 /BlackIs1 false`, it decodes to 0 = black, 1 = white.
pub fn g4_encode(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut encoder = Encoder::new(VecWriter::new());
    for row in pixels.chunks_exact(width as usize).take(height as usize) {
        let pels = row
            .iter()
            .map(|&p| if p < 128 { Color::Black } else { Color::White });
        // VecWriter never fails.
        let Ok(()) = encoder.encode_line(pels, width);
    }
    let Ok(writer) = encoder.finish();
    writer.finish()
}

/// zlib/Flate stream of raw pixel rows.
pub fn flate(pixels: &[u8]) -> Vec<u8> {
    let mut enc = ZlibEncoder::new(Vec::with_capacity(pixels.len() / 4), Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(pixels);
    enc.finish().unwrap_or_default()
}

/// 16-bit to 8-bit: v8 = (v16 + 128) / 257, rounding to the nearest 8-bit level.
pub(crate) fn to_8bit(v: u16) -> u8 {
    ((v as u32 + 128) / 257) as u8
}

/// Flattens an 8-bit value with alpha onto white: (c*a + 255*(255-a) + 127) / 255.
pub(crate) fn over_white(c: u8, a: u8) -> u8 {
    ((c as u32 * a as u32 + 255 * (255 - a as u32) + 127) / 255) as u8
}

/// Flattens an 8-bit value with associated (premultiplied) alpha onto white:
/// min(255, c + 255 - a), the colour already carries its share `c = colour·a/255`.
pub(crate) fn premultiplied_over_white(c: u8, a: u8) -> u8 {
    (c as u32 + 255 - a as u32).min(255) as u8
}

/// Naive CMYK to RGB (no colour management): r = (255-c)(255-k)/255.
pub(crate) fn cmyk_to_rgb(px: &[u8]) -> [u8; 3] {
    let k = 255 - px[3] as u32;
    let f = |c: u8| (((255 - c as u32) * k + 127) / 255) as u8;
    [f(px[0]), f(px[1]), f(px[2])]
}

/// JFIF YCbCr to RGB.
pub(crate) fn ycbcr_to_rgb(px: &[u8]) -> [u8; 3] {
    let (y, cb, cr) = (px[0] as f32, px[1] as f32 - 128.0, px[2] as f32 - 128.0);
    let c = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    [
        c(y + 1.402 * cr),
        c(y - 0.344_136 * cb - 0.714_136 * cr),
        c(y + 1.772 * cb),
    ]
}

/// Decodes a G4 stream (BlackIs1 false) to 8-bit 0/255 pixels; `None` when it is damaged.
pub fn g4_decode(data: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(width as usize * height as usize);
    fax::decoder::decode_g4(data.iter().copied(), width, Some(height), |tr| {
        out.extend(fax::decoder::pels(tr, width).map(|c| if c == Color::Black { 0 } else { 255 }));
    })?;
    (out.len() == width as usize * height as usize).then_some(out)
}

/// Whether every pixel is 0 or 255: a block of pixels at a time, without a branch per pixel
/// (a loop the compiler vectorizes; a scan is tens of millions of pixels).
pub(crate) fn only_black_and_white(pixels: &[u8]) -> bool {
    pixels.chunks(64).all(|block| {
        block
            .iter()
            .fold(true, |all, &p| all & (p.wrapping_add(1) < 2))
    })
}

/// Encodes a decoded raster: bilevel content as G4 (the source's own G4 data when given: it
/// decodes to exactly these pixels), everything else Flate.
pub(crate) fn finish_raster(
    raster: Raster,
    frame: u32,
    dpi: (f64, f64, DpiSource),
    source_g4: Option<&[u8]>,
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
    let bilevel = colour == Colour::Gray && only_black_and_white(&pixels);
    let (colour, encoding, data) = if bilevel {
        if !source_bilevel && !conversions.contains(&"gray-to-bilevel") {
            conversions.push("bilevel-from-gray");
        }
        let data = match source_g4 {
            Some(g4) => g4.to_vec(),
            None => g4_encode(&pixels, width, height),
        };
        (Colour::Bilevel, Encoding::CcittG4, data)
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
        placement: None,
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

    fn g4_decode(data: &[u8], width: u32, height: u32) -> Vec<u8> {
        super::g4_decode(data, width, height).unwrap()
    }

    #[test]
    fn g4_round_trips_pixel_exact() {
        let (w, h) = (37u32, 23u32);
        let px: Vec<u8> = (0..w * h)
            .map(|i| {
                if (i * 7919 % 13) < 5 || i % w == 3 {
                    0
                } else {
                    255
                }
            })
            .collect();
        assert_eq!(g4_decode(&g4_encode(&px, w, h), w, h), px);
    }

    #[test]
    fn conversions_follow_the_documented_formulas() {
        assert_eq!((to_8bit(0), to_8bit(65535), to_8bit(32896)), (0, 255, 128));
        assert_eq!(
            (over_white(0, 255), over_white(0, 0), over_white(100, 128)),
            (0, 255, 177)
        );
        // 100 at alpha 128, premultiplied: 50; over white, as unassociated 100 at 128.
        assert_eq!(
            (
                premultiplied_over_white(50, 128),
                premultiplied_over_white(0, 0),
                premultiplied_over_white(200, 255),
                premultiplied_over_white(255, 10)
            ),
            (177, 255, 200, 255)
        );
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 0]), [255, 255, 255]);
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 255]), [0, 0, 0]);
        assert_eq!(ycbcr_to_rgb(&[128, 128, 128]), [128, 128, 128]);
    }

    #[test]
    fn black_and_white_is_told_pixel_by_pixel() {
        assert!(only_black_and_white(&[]));
        for len in [1, 63, 64, 65, 200] {
            let mut px: Vec<u8> = (0..len).map(|i| if i % 3 == 0 { 0 } else { 255 }).collect();
            assert!(only_black_and_white(&px), "{len}");
            // One gray pixel anywhere, first or last of a block, near black or near white.
            for (at, v) in [(0, 1), (len - 1, 254), (len / 2, 128)] {
                let keep = px[at];
                px[at] = v;
                assert!(!only_black_and_white(&px), "{len}: {v} at {at}");
                px[at] = keep;
            }
        }
    }
}
