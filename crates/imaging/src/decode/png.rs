//! PNG pages: chunks give the size, resolution (pHYs) and stored colour type; the declared size
//! is checked against the limits, then the image is decoded (within memory limits) and converted
//! to 8-bit Gray or RGB (16-bit reduced, alpha flattened onto white).

use super::encode::{over_white, to_8bit};
use super::limits::check_pixels;
use super::{Colour, FileDpi, PageError, Raster};
use crate::page::Decoded;
use image::DynamicImage;
use sohoa_archive::limits::Limits;
use std::io::Cursor;

struct PngHeader {
    width: u32,
    height: u32,
    bit_depth: u8,
    colour_type: u8,
    density: FileDpi,
}

fn header(b: &[u8]) -> Result<PngHeader, PageError> {
    let mut pos = 8;
    let mut head = PngHeader {
        width: 0,
        height: 0,
        bit_depth: 0,
        colour_type: 0,
        density: None,
    };
    while let Some(len_bytes) = b.get(pos..pos + 8) {
        let len =
            u32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]) as usize;
        let kind = &len_bytes[4..8];
        let data = b.get(pos + 8..pos + 8 + len);
        match (kind, data) {
            (b"IHDR", Some(d)) if d.len() >= 10 => {
                head.width = u32::from_be_bytes([d[0], d[1], d[2], d[3]]);
                head.height = u32::from_be_bytes([d[4], d[5], d[6], d[7]]);
                head.bit_depth = d[8];
                head.colour_type = d[9];
            }
            (b"pHYs", Some(d)) if d.len() >= 9 && d[8] == 1 => {
                let x = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as f64 * 0.0254;
                let y = u32::from_be_bytes([d[4], d[5], d[6], d[7]]) as f64 * 0.0254;
                if x > 0.0 && y > 0.0 {
                    head.density = Some((x, y));
                }
            }
            // The png crate panics on a palette whose length is not whole RGB triples
            // (found by fuzzing): refused here, before it is decoded.
            (b"PLTE", _) if len == 0 || !len.is_multiple_of(3) || len > 768 => {
                return Err(PageError::new(
                    "page.corrupt",
                    format!("Tệp PNG hỏng: bảng màu dài {len} byte (phải là bội của 3, tối đa 768)"),
                    format!("Corrupt PNG: a palette of {len} bytes (must be whole RGB triples, at most 768)"),
                ));
            }
            (b"IDAT", _) => break,
            _ => {}
        }
        pos = pos.saturating_add(12).saturating_add(len);
    }
    if head.bit_depth == 0 {
        return Err(PageError::new(
            "page.corrupt",
            "Tệp PNG hỏng: thiếu IHDR",
            "Corrupt PNG: no IHDR chunk",
        ));
    }
    Ok(head)
}

/// Converts any decoded image to an 8-bit Gray or RGB raster, naming each change.
pub(crate) fn to_raster(img: DynamicImage) -> Result<Raster, PageError> {
    let (width, height) = (img.width(), img.height());
    let mut conversions = Vec::new();
    let (colour, pixels) = match img {
        DynamicImage::ImageLuma8(i) => (Colour::Gray, i.into_raw()),
        DynamicImage::ImageRgb8(i) => (Colour::Rgb, i.into_raw()),
        DynamicImage::ImageLuma16(i) => {
            conversions.push("16-to-8-bit");
            (
                Colour::Gray,
                i.into_raw().into_iter().map(to_8bit).collect(),
            )
        }
        DynamicImage::ImageRgb16(i) => {
            conversions.push("16-to-8-bit");
            (Colour::Rgb, i.into_raw().into_iter().map(to_8bit).collect())
        }
        DynamicImage::ImageLumaA8(i) => {
            conversions.push("alpha-flattened");
            (
                Colour::Gray,
                i.into_raw()
                    .chunks_exact(2)
                    .map(|p| over_white(p[0], p[1]))
                    .collect(),
            )
        }
        DynamicImage::ImageRgba8(i) => {
            conversions.push("alpha-flattened");
            (
                Colour::Rgb,
                i.into_raw()
                    .chunks_exact(4)
                    .flat_map(|p| [0, 1, 2].map(|c| over_white(p[c], p[3])))
                    .collect(),
            )
        }
        DynamicImage::ImageLumaA16(i) => {
            conversions.extend(["16-to-8-bit", "alpha-flattened"]);
            (
                Colour::Gray,
                i.into_raw()
                    .chunks_exact(2)
                    .map(|p| over_white(to_8bit(p[0]), to_8bit(p[1])))
                    .collect(),
            )
        }
        DynamicImage::ImageRgba16(i) => {
            conversions.extend(["16-to-8-bit", "alpha-flattened"]);
            let raw = i.into_raw();
            (
                Colour::Rgb,
                raw.chunks_exact(4)
                    .flat_map(|p| [0, 1, 2].map(|c| over_white(to_8bit(p[c]), to_8bit(p[3]))))
                    .collect(),
            )
        }
        other => {
            return Err(PageError::new(
                "page.unsupported",
                format!("Kiểu điểm ảnh {:?} không được hỗ trợ", other.color()),
                format!("Pixel type {:?} is not supported", other.color()),
            ))
        }
    };
    Ok(Raster {
        width,
        height,
        colour,
        pixels,
        conversions,
        source_bilevel: false,
    })
}

/// What the decoder may allocate: the image at 8 bytes a pixel (16-bit RGBA, the most a PNG
/// holds) and room for its chunks; never more than the pixel limit allows.
fn decoder_limits(head: &PngHeader) -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(head.width);
    limits.max_image_height = Some(head.height);
    let pixels = u64::from(head.width) * u64::from(head.height);
    limits.max_alloc = Some(pixels.saturating_mul(8).saturating_add(64 * 1024 * 1024));
    limits
}

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut dyn FnMut(Decoded<'_>) -> Result<(), PageError>,
) -> Result<(), PageError> {
    let head = header(bytes)?;
    check_pixels("PNG", u64::from(head.width), u64::from(head.height), limits)?;
    let decoded =
        image::codecs::png::PngDecoder::with_limits(Cursor::new(bytes), decoder_limits(&head))
            .and_then(DynamicImage::from_decoder);
    let img = decoded.map_err(|e| {
        let text = e.to_string();
        let lower = text.to_lowercase();
        let (code, vi, en) = if matches!(e, image::ImageError::IoError(_))
            || lower.contains("eof")
            || lower.contains("end of")
        {
            (
                "page.truncated",
                format!("Tệp PNG bị cắt cụt: {text}"),
                format!("Truncated PNG: {text}"),
            )
        } else {
            (
                "page.corrupt",
                format!("Tệp PNG hỏng: {text}"),
                format!("Corrupt PNG: {text}"),
            )
        };
        PageError::new(code, vi, en)
    })?;
    if (img.width(), img.height()) != (head.width, head.height) {
        return Err(PageError::new(
            "page.corrupt",
            "Tệp PNG hỏng: kích thước giải mã khác kích thước khai báo",
            "Corrupt PNG: the decoded size differs from the declared size",
        ));
    }
    let mut raster = to_raster(img)?;
    let expected = head.width as usize * head.height as usize * raster.colour.components() as usize;
    if raster.pixels.len() != expected {
        return Err(super::limits::incomplete(
            "PNG",
            "dữ liệu giải mã ít hơn kích thước khai báo",
            "the decoded data is shorter than the declared size",
        ));
    }
    if head.colour_type == 3 {
        raster.conversions.insert(0, "palette-expanded");
    }
    raster.source_bilevel = head.bit_depth == 1 && head.colour_type == 0;
    let decoded = Decoded {
        raster,
        jpeg: None,
        g4: None,
        lossy: false,
        chroma_subsampled: false,
        file_dpi: head.density,
        frame: 0,
        exif_orientation: 1,
        page_rotate: 0,
    };
    sink(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use std::io::Write;

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(data);
        let crc = crc32(&c[4..]);
        c.extend(crc.to_be_bytes());
        c
    }

    /// An 8-bit gray PNG declaring `w`x`h`, whose image data holds `rows` rows.
    fn gray_png(w: u32, h: u32, rows: u32) -> Vec<u8> {
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend(h.to_be_bytes());
        ihdr.extend([8, 0, 0, 0, 0]);
        let mut raw = Vec::new();
        for y in 0..rows {
            raw.push(0);
            raw.extend((0..w).map(|x| ((x * 3 + y * 7) % 256) as u8));
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        let idat = z.finish().unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"IDAT", &idat));
        png.extend(chunk(b"IEND", b""));
        png
    }

    fn read_error(bytes: &[u8]) -> PageError {
        match crate::read_pages(bytes, &Profile::default(), &mut |_| Ok(())) {
            Ok(_) => panic!("read as a page"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_png_declaring_a_huge_size_is_refused_before_decoding() {
        let png = gray_png(100_000, 100_000, 1);
        assert!(png.len() < 4096, "{} bytes", png.len());
        let e = read_error(&png);
        assert_eq!(e.code, "page.too_large", "{}", e.en);
        assert!(e.en.contains("100000x100000"), "{}", e.en);
    }

    #[test]
    fn a_png_whose_image_data_holds_fewer_rows_than_declared_is_an_error() {
        let good = gray_png(300, 200, 200);
        assert!(crate::read_pages(&good, &Profile::default(), &mut |_| Ok(())).is_ok());
        let e = read_error(&gray_png(300, 200, 100));
        assert!(
            matches!(
                e.code,
                "page.truncated" | "page.incomplete" | "page.corrupt"
            ),
            "{} {}",
            e.code,
            e.en
        );
    }
}
