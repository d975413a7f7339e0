//! PNG pages: chunks give the resolution (pHYs) and the stored colour type; the image is
//! decoded and converted to 8-bit Gray or RGB (16-bit reduced, alpha flattened onto white).

use super::encode::{over_white, to_8bit};
use super::{Colour, FileDpi, PageError, PreparedPage, Raster};
use crate::normalize::{prepare, Decoded, Profile};
use image::DynamicImage;

struct PngHeader {
    bit_depth: u8,
    colour_type: u8,
    density: FileDpi,
}

fn header(b: &[u8]) -> Result<PngHeader, PageError> {
    let mut pos = 8;
    let mut head = PngHeader {
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
            (b"IDAT", _) => break,
            _ => {}
        }
        pos += 12 + len;
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

pub(super) fn read(
    bytes: &[u8],
    profile: &Profile,
    sink: &mut dyn FnMut(PreparedPage) -> Result<(), PageError>,
) -> Result<(), PageError> {
    let head = header(bytes)?;
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).map_err(|e| {
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
    let mut raster = to_raster(img)?;
    if head.colour_type == 3 {
        raster.conversions.insert(0, "palette-expanded");
    }
    raster.source_bilevel = head.bit_depth == 1 && head.colour_type == 0;
    let decoded = Decoded {
        raster,
        jpeg: None,
        lossy: false,
        chroma_subsampled: false,
        file_dpi: head.density,
        frame: 0,
        exif_orientation: 1,
    };
    sink(prepare(decoded, profile)?)
}
