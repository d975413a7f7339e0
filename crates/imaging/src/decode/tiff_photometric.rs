//! TIFF samples, as the `tiff` crate unpacks them, to 8-bit gray or RGB as a viewer shows them:
//! colour maps (all-gray maps to gray; 16-bit entries, or 8-bit ones as libtiff guesses them),
//! min-is-white, 1/2/4-bit gray scaled exactly, 16 to 8 bits, alpha over white (associated or
//! not), CMYK and YCbCr to RGB. Pure functions of the samples.

use super::encode::{cmyk_to_rgb, over_white, premultiplied_over_white, to_8bit, ycbcr_to_rgb};
use super::tiff::corrupt;
use super::tiff_frame::{
    Alpha, FrameKind, BLACK_IS_ZERO, CMYK, PALETTE, RGB, WHITE_IS_ZERO, YCBCR,
};
use super::{Colour, PageError};
use tiff::decoder::DecodingResult;

/// A frame's pixels for the page: 8-bit gray or RGB, with what was done to them.
pub(super) struct Pixels {
    pub colour: Colour,
    pub pixels: Vec<u8>,
    pub conversions: Vec<&'static str>,
    /// The page is 1-bit black and white in the file (gray, or a black-and-white palette).
    pub source_bilevel: bool,
}

fn short() -> PageError {
    corrupt(
        "dữ liệu ảnh giải mã ít hơn kích thước khai báo",
        "the decoded image data is shorter than its declared size",
    )
}

fn unsupported_result() -> PageError {
    PageError::new(
        "page.unsupported",
        "TIFF không được hỗ trợ: kiểu giá trị điểm ảnh không phải 1-16 bit không dấu",
        "Unsupported TIFF: the samples are not 1 to 16-bit unsigned integers",
    )
}

/// Converts a frame's samples: `per_pixel` samples side by side (as the crate's colour type
/// has them), 1/2/4-bit ones packed in byte-aligned rows, most significant bit first.
pub(super) fn convert(
    k: &FrameKind,
    mut data: DecodingResult,
    per_pixel: usize,
    (width, height): (u32, u32),
    colormap: Option<&[u16]>,
) -> Result<Pixels, PageError> {
    let n = width as usize * height as usize;
    let mut conversions = Vec::new();
    if k.bits < 8 && k.fill_order == 2 {
        if let DecodingResult::U8(packed) = &mut data {
            packed.iter_mut().for_each(|b| *b = b.reverse_bits());
        }
    }
    if k.photometric == PALETTE {
        let indices: Vec<u16> = match data {
            DecodingResult::U8(packed) => unpack(&packed, width, height, k.bits as u8)
                .ok_or_else(short)?
                .into_iter()
                .map(u16::from)
                .collect(),
            DecodingResult::U16(v) => v,
            _ => return Err(unsupported_result()),
        };
        let map = colormap.ok_or_else(|| {
            corrupt(
                "ảnh bảng màu không có ColorMap",
                "a palette image without a ColorMap",
            )
        })?;
        return expand_palette(&indices[..n.min(indices.len())], map, k.bits, n);
    }
    // Min-is-white samples the crate handed back as stored (relabelled): the gray sample is
    // inverted here, alpha is not.
    if k.relabelled && k.photometric == WHITE_IS_ZERO {
        match &mut data {
            DecodingResult::U8(v) if per_pixel == 1 => v.iter_mut().for_each(|x| *x = !*x),
            DecodingResult::U8(v) => v.iter_mut().step_by(per_pixel).for_each(|x| *x = !*x),
            DecodingResult::U16(v) => v.iter_mut().step_by(per_pixel).for_each(|x| *x = !*x),
            _ => return Err(unsupported_result()),
        }
    }
    if k.bits < 8 {
        let DecodingResult::U8(packed) = data else {
            return Err(unsupported_result());
        };
        let max = (1u16 << k.bits) - 1;
        let levels: Vec<u8> = (0..=max).map(|v| (v * 255 / max) as u8).collect();
        let gray = unpack_to(&packed, width, height, k.bits as u8, &levels).ok_or_else(short)?;
        return Ok(Pixels {
            colour: Colour::Gray,
            pixels: gray,
            conversions,
            source_bilevel: k.bits == 1,
        });
    }
    let s: Vec<u8> = match data {
        DecodingResult::U8(v) => v,
        DecodingResult::U16(v) => {
            conversions.push("16-to-8-bit");
            v.into_iter().map(to_8bit).collect()
        }
        _ => return Err(unsupported_result()),
    };
    if s.len() < n * per_pixel || per_pixel == 0 {
        return Err(short());
    }
    let colour_samples = k.colour_samples as usize;
    // Alpha is read on gray and RGB pages; any other extra sample is left out.
    let alpha = match k.alpha {
        Alpha::None => None,
        _ if per_pixel <= colour_samples
            || !matches!(k.photometric, WHITE_IS_ZERO | BLACK_IS_ZERO | RGB) =>
        {
            None
        }
        a => Some(a),
    };
    let used = colour_samples + usize::from(alpha.is_some());
    if k.samples as usize > used {
        conversions.push("extra-samples-ignored");
    }
    if alpha.is_some() {
        conversions.push("alpha-flattened");
    }
    let flatten = |c: u8, a: u8| match alpha {
        Some(Alpha::Associated) => premultiplied_over_white(c, a),
        _ => over_white(c, a),
    };
    let px = s.chunks_exact(per_pixel).take(n);
    let (colour, pixels) = match k.photometric {
        RGB => (
            Colour::Rgb,
            match alpha {
                Some(_) => px
                    .flat_map(|q| [0, 1, 2].map(|c| flatten(q[c], q[3])))
                    .collect(),
                None => px.flat_map(|q| [q[0], q[1], q[2]]).collect(),
            },
        ),
        CMYK => {
            conversions.push("cmyk-to-rgb");
            (Colour::Rgb, px.flat_map(cmyk_to_rgb).collect())
        }
        YCBCR => {
            conversions.push("ycbcr-to-rgb");
            (Colour::Rgb, px.flat_map(ycbcr_to_rgb).collect())
        }
        _ => (
            Colour::Gray,
            match alpha {
                Some(_) => px.map(|q| flatten(q[0], q[1])).collect(),
                None if per_pixel == 1 => {
                    let mut s = s;
                    s.truncate(n);
                    s
                }
                None => px.map(|q| q[0]).collect(),
            },
        ),
    };
    Ok(Pixels {
        colour,
        pixels,
        conversions,
        source_bilevel: false,
    })
}

/// Palette indices through the ColorMap (R entries, then G, then B). Entries are 16-bit: the
/// high byte is the 8-bit value (`v << 8` and `v * 257` writers both give back `v`). A map
/// whose every entry is under 256 was written with 8-bit values (as libtiff and ImageMagick
/// guess, and show it): read as they are, conversion `colormap-8-bit`; taken as 16-bit, the
/// page would be black. A map whose every colour is gray (R = G = B) gives a gray page.
fn expand_palette(indices: &[u16], map: &[u16], bits: u64, n: usize) -> Result<Pixels, PageError> {
    let size = map.len() / 3;
    if size == 0 || !map.len().is_multiple_of(3) {
        let len = map.len();
        return Err(corrupt(
            &format!("ColorMap có {len} giá trị cho chỉ số {bits}-bit"),
            &format!("a ColorMap of {len} values for {bits}-bit indices"),
        ));
    }
    if indices.len() < n {
        return Err(short());
    }
    let eight_bit = map.iter().all(|&v| v < 256);
    let level = |v: u16| if eight_bit { v as u8 } else { (v >> 8) as u8 };
    let colours: Vec<[u8; 3]> = (0..size)
        .map(|i| [map[i], map[size + i], map[2 * size + i]].map(level))
        .collect();
    let gray = colours.iter().all(|c| c[0] == c[1] && c[1] == c[2]);
    let mut conversions = vec!["palette-expanded"];
    if eight_bit {
        conversions.push("colormap-8-bit");
    }
    let lookup = |i: u16| {
        colours.get(usize::from(i)).ok_or_else(|| {
            corrupt(
                &format!("chỉ số màu {i} ngoài ColorMap {size} màu"),
                &format!("palette index {i} outside its {size}-colour ColorMap"),
            )
        })
    };
    let pixels = if gray {
        indices
            .iter()
            .map(|&i| lookup(i).map(|c| c[0]))
            .collect::<Result<Vec<u8>, _>>()?
    } else {
        let mut rgb = Vec::with_capacity(n * 3);
        for &i in indices {
            rgb.extend(lookup(i)?);
        }
        rgb
    };
    let bilevel = gray && bits == 1 && colours.iter().all(|c| c[0] == 0 || c[0] == 255);
    Ok(Pixels {
        colour: if gray { Colour::Gray } else { Colour::Rgb },
        pixels,
        conversions,
        source_bilevel: bilevel,
    })
}

/// Unpacks rows of 1/2/4/8-bit samples (MSB first, rows byte-aligned) to one byte each, as
/// stored (not scaled); None when the data is shorter than the rows.
pub(super) fn unpack(packed: &[u8], width: u32, height: u32, bits: u8) -> Option<Vec<u8>> {
    if bits == 8 {
        return packed
            .get(..width as usize * height as usize)
            .map(<[u8]>::to_vec);
    }
    let as_stored: Vec<u8> = (0..=255).collect();
    unpack_to(packed, width, height, bits, &as_stored)
}

/// [`unpack`] with each sample `v` stored as `levels[v]`. A whole byte of samples at a time
/// through a table of the 256 bytes (a G4 page is tens of millions of pixels).
pub(super) fn unpack_to(
    packed: &[u8],
    width: u32,
    height: u32,
    bits: u8,
    levels: &[u8],
) -> Option<Vec<u8>> {
    let (width, bits) = (width as usize, usize::from(bits));
    if !matches!(bits, 1 | 2 | 4 | 8) || levels.len() < 1 << bits {
        return None;
    }
    let row_bytes = (width * bits).div_ceil(8);
    if packed.len() < row_bytes.checked_mul(height as usize)? {
        return None;
    }
    let mask = (1usize << bits) - 1;
    let sample = |byte: usize, i: usize| levels[(byte >> (8 - bits * (i + 1))) & mask];
    let per_byte = 8 / bits;
    let table: Vec<u8> = (0..256)
        .flat_map(|byte| (0..per_byte).map(move |i| sample(byte, i)))
        .collect();
    let whole = width / per_byte;
    let mut out = Vec::with_capacity(width * height as usize);
    for row in packed.chunks_exact(row_bytes).take(height as usize) {
        for &byte in &row[..whole] {
            let at = usize::from(byte) * per_byte;
            out.extend_from_slice(&table[at..at + per_byte]);
        }
        // The last byte's samples that belong to the row.
        for i in 0..width - whole * per_byte {
            out.push(sample(usize::from(row[whole]), i));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{unpack, unpack_to};

    /// Sample `x` of a row, read bit by bit.
    fn sample(row: &[u8], x: usize, bits: usize) -> u8 {
        let bit = x * bits;
        (row[bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1) as u8
    }

    #[test]
    fn samples_unpack_a_byte_at_a_time_as_they_do_one_at_a_time() {
        let mut seed = 5u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 16) as u8
        };
        for bits in [1usize, 2, 4] {
            let levels: Vec<u8> = (0..1u8 << bits).map(|v| v.wrapping_mul(37)).collect();
            // Widths that end a row inside a byte, and rows of a single sample.
            for width in [1usize, 3, 7, 8, 9, 13, 16, 31] {
                let height = 3;
                let row_bytes = (width * bits).div_ceil(8);
                let packed: Vec<u8> = (0..row_bytes * height).map(|_| next()).collect();
                let want: Vec<u8> = packed
                    .chunks_exact(row_bytes)
                    .flat_map(|row| (0..width).map(move |x| sample(row, x, bits)))
                    .collect();
                let (w, h, b) = (width as u32, height as u32, bits as u8);
                assert_eq!(unpack(&packed, w, h, b).as_deref(), Some(&want[..]));
                let mapped: Vec<u8> = want.iter().map(|&v| levels[v as usize]).collect();
                assert_eq!(
                    unpack_to(&packed, w, h, b, &levels).as_deref(),
                    Some(&mapped[..])
                );
                // A row short: no pixels.
                assert!(unpack(&packed[..packed.len() - 1], w, h, b).is_none());
            }
        }
    }
}
