//! TIFF pages: every frame of a multi-page file (reduced-resolution thumbnails skipped),
//! CCITT G4 including FillOrder=2 (bits reversed, decoded with `fax`), 1/8/16-bit, palette,
//! RGB(A), CMYK and YCbCr. Group 3 fax is rejected with a clear message.

use super::encode::{cmyk_to_rgb, over_white, to_8bit, ycbcr_to_rgb};
use super::{Colour, FileDpi, PageError, PreparedPage, Raster};
use crate::normalize::{prepare, Decoded, Profile};
use std::io::Cursor;
use tiff::decoder::{ifd::Value, Decoder, DecodingResult};
use tiff::tags::Tag;
use tiff::ColorType;

type Dec<'a> = Decoder<Cursor<&'a [u8]>>;

fn tiff_err(e: tiff::TiffError) -> PageError {
    let text = e.to_string();
    match e {
        tiff::TiffError::UnsupportedError(_) => PageError::new(
            "page.unsupported",
            format!("TIFF không được hỗ trợ: {text}"),
            format!("Unsupported TIFF: {text}"),
        ),
        tiff::TiffError::IoError(_) => PageError::new(
            "page.truncated",
            format!("Tệp TIFF bị cắt cụt: {text}"),
            format!("Truncated TIFF: {text}"),
        ),
        _ => PageError::new(
            "page.corrupt",
            format!("Tệp TIFF hỏng: {text}"),
            format!("Corrupt TIFF: {text}"),
        ),
    }
}

fn value_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Rational(n, d) if *d != 0 => Some(*n as f64 / *d as f64),
        Value::Short(n) => Some(*n as f64),
        Value::Unsigned(n) => Some(*n as f64),
        Value::Float(f) => Some(*f as f64),
        Value::Double(f) => Some(*f),
        Value::List(l) => l.first().and_then(value_f64),
        _ => None,
    }
}

fn unsigned(dec: &mut Dec, tag: Tag) -> Result<Option<u64>, PageError> {
    dec.find_tag_unsigned::<u64>(tag).map_err(tiff_err)
}

fn resolution(dec: &mut Dec) -> Result<FileDpi, PageError> {
    let x = dec
        .find_tag(Tag::XResolution)
        .map_err(tiff_err)?
        .as_ref()
        .and_then(value_f64);
    let y = dec
        .find_tag(Tag::YResolution)
        .map_err(tiff_err)?
        .as_ref()
        .and_then(value_f64);
    let unit = unsigned(dec, Tag::ResolutionUnit)?.unwrap_or(2);
    Ok(match (x, y, unit) {
        (Some(x), Some(y), 2) if x > 0.0 && y > 0.0 => Some((x, y)),
        (Some(x), Some(y), 3) if x > 0.0 && y > 0.0 => Some((x * 2.54, y * 2.54)),
        (Some(x), None, 2) if x > 0.0 => Some((x, x)),
        _ => None,
    })
}

pub(super) fn read(
    bytes: &[u8],
    profile: &Profile,
    sink: &mut dyn FnMut(PreparedPage) -> Result<(), PageError>,
) -> Result<u32, PageError> {
    let mut dec = Decoder::new(Cursor::new(bytes)).map_err(tiff_err)?;
    let mut frame = 0u32;
    let mut pages = 0u32;
    loop {
        let subfile = unsigned(&mut dec, Tag::NewSubfileType)
            .map_err(|e| e.on_page(frame))?
            .unwrap_or(0);
        if subfile & 1 == 0 {
            let page = read_frame(&mut dec, bytes).map_err(|e| e.on_page(frame))?;
            let decoded = Decoded {
                raster: page.0,
                jpeg: None,
                lossy: false,
                chroma_subsampled: false,
                file_dpi: page.1,
                frame,
                exif_orientation: 1,
            };
            sink(prepare(decoded, profile).map_err(|e| e.on_page(frame))?)?;
            pages += 1;
        }
        if !dec.more_images() {
            break;
        }
        frame += 1;
        dec.next_image().map_err(|e| tiff_err(e).on_page(frame))?;
    }
    if pages == 0 {
        return Err(PageError::new(
            "page.corrupt",
            "Tệp TIFF không có trang nào",
            "The TIFF holds no page",
        ));
    }
    Ok(pages)
}

fn read_frame(dec: &mut Dec, bytes: &[u8]) -> Result<(Raster, FileDpi), PageError> {
    let dpi = resolution(dec)?;
    let compression = unsigned(dec, Tag::Compression)?.unwrap_or(1);
    let fill_order = unsigned(dec, Tag::FillOrder)?.unwrap_or(1);
    let photometric = unsigned(dec, Tag::PhotometricInterpretation)?.unwrap_or(0);
    if compression == 2 || compression == 3 {
        return Err(PageError::new(
            "page.unsupported",
            "TIFF nén CCITT Group 3 không được hỗ trợ: hãy chuyển sang Group 4 (G4)",
            "CCITT Group 3 TIFF is not supported: convert it to Group 4 (G4)",
        ));
    }
    let (width, height) = dec.dimensions().map_err(tiff_err)?;
    if compression == 4 && fill_order == 2 {
        let pixels = g4_fill_order_2(dec, bytes, width, height, photometric)?;
        return Ok((
            Raster {
                width,
                height,
                colour: Colour::Gray,
                pixels,
                conversions: Vec::new(),
                source_bilevel: true,
            },
            dpi,
        ));
    }
    let colour_type = dec.colortype().map_err(tiff_err)?;
    let data = dec.read_image().map_err(tiff_err)?;
    let mut conversions = Vec::new();
    let n = (width as usize) * (height as usize);
    let (colour, pixels, source_bilevel) = match (colour_type, data) {
        (ColorType::Gray(bits @ (1 | 2 | 4)), DecodingResult::U8(mut packed)) => {
            if fill_order == 2 {
                packed.iter_mut().for_each(|b| *b = b.reverse_bits());
            }
            (
                Colour::Gray,
                unpack(&packed, width, height, bits),
                bits == 1,
            )
        }
        (ColorType::Gray(8), DecodingResult::U8(p)) => (Colour::Gray, p, false),
        (ColorType::Gray(16), DecodingResult::U16(p)) => {
            conversions.push("16-to-8-bit");
            (Colour::Gray, p.into_iter().map(to_8bit).collect(), false)
        }
        (ColorType::RGB(8), DecodingResult::U8(p)) => (Colour::Rgb, p, false),
        (ColorType::RGB(16), DecodingResult::U16(p)) => {
            conversions.push("16-to-8-bit");
            (Colour::Rgb, p.into_iter().map(to_8bit).collect(), false)
        }
        (ColorType::GrayA(8), DecodingResult::U8(p)) => {
            conversions.push("alpha-flattened");
            (
                Colour::Gray,
                p.chunks_exact(2).map(|q| over_white(q[0], q[1])).collect(),
                false,
            )
        }
        (ColorType::RGBA(8), DecodingResult::U8(p)) => {
            conversions.push("alpha-flattened");
            (
                Colour::Rgb,
                p.chunks_exact(4)
                    .flat_map(|q| [0, 1, 2].map(|c| over_white(q[c], q[3])))
                    .collect(),
                false,
            )
        }
        (ColorType::RGBA(16), DecodingResult::U16(p)) => {
            conversions.extend(["16-to-8-bit", "alpha-flattened"]);
            let rgb = p
                .chunks_exact(4)
                .flat_map(|q| [0, 1, 2].map(|c| over_white(to_8bit(q[c]), to_8bit(q[3]))))
                .collect();
            (Colour::Rgb, rgb, false)
        }
        (ColorType::CMYK(8), DecodingResult::U8(p)) => {
            conversions.push("cmyk-to-rgb");
            (
                Colour::Rgb,
                p.chunks_exact(4).flat_map(cmyk_to_rgb).collect(),
                false,
            )
        }
        (ColorType::YCbCr(8), DecodingResult::U8(p)) => {
            conversions.push("ycbcr-to-rgb");
            (
                Colour::Rgb,
                p.chunks_exact(3).flat_map(ycbcr_to_rgb).collect(),
                false,
            )
        }
        (ColorType::Palette(8), DecodingResult::U8(p)) => {
            conversions.push("palette-expanded");
            let map = dec.get_tag_u16_vec(Tag::ColorMap).map_err(tiff_err)?;
            let size = map.len() / 3;
            if size == 0 {
                return Err(PageError::new(
                    "page.corrupt",
                    "TIFF bảng màu rỗng",
                    "Empty TIFF colour map",
                ));
            }
            let rgb = p.iter().flat_map(|&i| {
                let i = (i as usize).min(size - 1);
                [map[i] >> 8, map[size + i] >> 8, map[2 * size + i] >> 8].map(|v| v as u8)
            });
            (Colour::Rgb, rgb.collect(), false)
        }
        (ct, _) => {
            return Err(PageError::new(
                "page.unsupported",
                format!("Kiểu điểm ảnh TIFF {ct:?} không được hỗ trợ"),
                format!("TIFF pixel type {ct:?} is not supported"),
            ))
        }
    };
    if pixels.len() != n * colour.components() as usize {
        return Err(PageError::new(
            "page.corrupt",
            "Dữ liệu ảnh TIFF không đủ",
            "TIFF image data is short",
        ));
    }
    Ok((
        Raster {
            width,
            height,
            colour,
            pixels,
            conversions,
            source_bilevel,
        },
        dpi,
    ))
}

/// Unpacks rows of 1/2/4-bit gray samples (MSB first, rows byte-aligned) to 8-bit.
fn unpack(packed: &[u8], width: u32, height: u32, bits: u8) -> Vec<u8> {
    let row_bytes = (width as usize * bits as usize).div_ceil(8);
    let max = (1u16 << bits) - 1;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for row in packed.chunks(row_bytes).take(height as usize) {
        for x in 0..width as usize {
            let bit = x * bits as usize;
            let byte = row.get(bit / 8).copied().unwrap_or(0);
            let v = (byte >> (8 - bits as usize - bit % 8)) as u16 & max;
            out.push((v * 255 / max) as u8);
        }
    }
    out
}

/// The `tiff` crate ignores FillOrder=2 (least significant bit first): reverse the bits of
/// each G4 strip and decode it with `fax`.
fn g4_fill_order_2(
    dec: &mut Dec,
    bytes: &[u8],
    width: u32,
    height: u32,
    photometric: u64,
) -> Result<Vec<u8>, PageError> {
    let offsets = dec.get_tag_u64_vec(Tag::StripOffsets).map_err(tiff_err)?;
    let counts = dec
        .get_tag_u64_vec(Tag::StripByteCounts)
        .map_err(tiff_err)?;
    let rows_per_strip = unsigned(dec, Tag::RowsPerStrip)?
        .unwrap_or(height as u64)
        .min(height as u64) as u32;
    if offsets.len() != counts.len() || rows_per_strip == 0 {
        return Err(PageError::new(
            "page.corrupt",
            "TIFF G4 có bảng dải (strip) hỏng",
            "G4 TIFF has a broken strip table",
        ));
    }
    // With WhiteIsZero (the usual for fax), a black run is black; with BlackIsZero, inverted.
    let (black, white) = if photometric == 0 {
        (0u8, 255u8)
    } else {
        (255, 0)
    };
    let mut out = Vec::with_capacity(width as usize * height as usize);
    let mut rows_left = height;
    for (&off, &count) in offsets.iter().zip(&counts) {
        let strip = bytes
            .get(off as usize..(off + count) as usize)
            .ok_or_else(|| {
                PageError::new(
                    "page.truncated",
                    "Tệp TIFF bị cắt cụt (thiếu dữ liệu ảnh)",
                    "Truncated TIFF (image data missing)",
                )
            })?;
        let rows = rows_per_strip.min(rows_left);
        let mut decoded = 0u32;
        let ok = fax::decoder::decode_g4(
            strip.iter().map(|b| b.reverse_bits()),
            width,
            Some(rows),
            |transitions| {
                out.extend(fax::decoder::pels(transitions, width).map(|c| {
                    if c == fax::Color::Black {
                        black
                    } else {
                        white
                    }
                }));
                decoded += 1;
            },
        );
        if ok.is_none() || decoded != rows {
            return Err(PageError::new(
                "page.corrupt",
                "Dữ liệu CCITT G4 hỏng",
                "Corrupt CCITT G4 data",
            ));
        }
        rows_left -= rows;
        if rows_left == 0 {
            break;
        }
    }
    if rows_left != 0 {
        return Err(PageError::new(
            "page.truncated",
            "Tệp TIFF thiếu dòng ảnh",
            "The TIFF is missing image rows",
        ));
    }
    Ok(out)
}
