//! JPEG pages: a marker walk checks the structure (complete, ends with EOI) and reads size,
//! components and JFIF density; the image is fully decoded to prove it is readable, then
//! embedded byte-for-byte (DCTDecode). CMYK JPEGs are converted to RGB.

use super::{Colour, FileDpi, PageError, PreparedPage, Raster};
use crate::normalize::{prepare, Decoded, Profile};
use image::ImageDecoder;
use std::io::Cursor;

#[derive(Debug, Default, PartialEq)]
pub(crate) struct JpegInfo {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    pub precision: u8,
    pub density: FileDpi,
    /// Luma sampling factors (H, V) of the first component: (2, 2) for 4:2:0.
    pub luma_sampling: (u8, u8),
}

fn truncated() -> PageError {
    PageError::new(
        "page.truncated",
        "Tệp JPEG bị cắt cụt (thiếu phần cuối ảnh)",
        "Truncated JPEG (the end of the image is missing)",
    )
}

fn corrupt(what: &str) -> PageError {
    PageError::new(
        "page.corrupt",
        format!("Tệp JPEG hỏng: {what}"),
        format!("Corrupt JPEG: {what}"),
    )
}

/// Walks the marker segments from SOI to EOI.
pub(crate) fn parse(b: &[u8]) -> Result<JpegInfo, PageError> {
    let mut info = JpegInfo::default();
    let mut pos = 2;
    let mut seen_sof = false;
    loop {
        // Markers may be preceded by fill bytes 0xFF.
        if pos >= b.len() {
            return Err(truncated());
        }
        if b[pos] != 0xFF {
            return Err(corrupt(&format!("expected a marker at byte {pos}")));
        }
        while pos < b.len() && b[pos] == 0xFF {
            pos += 1;
        }
        let Some(&marker) = b.get(pos) else {
            return Err(truncated());
        };
        pos += 1;
        match marker {
            0xD9 => break,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len_bytes) = b.get(pos..pos + 2) else {
            return Err(truncated());
        };
        let len = u16::from_be_bytes([len_bytes[0], len_bytes[1]]) as usize;
        if len < 2 {
            return Err(corrupt("segment length below 2"));
        }
        let Some(seg) = b.get(pos + 2..pos + len) else {
            return Err(truncated());
        };
        pos += len;
        match marker {
            0xC0..=0xCF if marker != 0xC4 && marker != 0xC8 && marker != 0xCC => {
                if seg.len() < 6 {
                    return Err(corrupt("short frame header"));
                }
                if (0xC9..=0xCF).contains(&marker) {
                    return Err(PageError::new(
                        "page.unsupported",
                        "JPEG mã hóa số học không được hỗ trợ",
                        "Arithmetic-coded JPEG is not supported",
                    ));
                }
                info.precision = seg[0];
                info.height = u16::from_be_bytes([seg[1], seg[2]]) as u32;
                info.width = u16::from_be_bytes([seg[3], seg[4]]) as u32;
                info.components = seg[5];
                if let Some(&hv) = seg.get(7) {
                    info.luma_sampling = (hv >> 4, hv & 0x0F);
                }
                seen_sof = true;
            }
            0xE0 if seg.starts_with(b"JFIF\0") && seg.len() >= 12 => {
                let units = seg[7];
                let x = u16::from_be_bytes([seg[8], seg[9]]) as f64;
                let y = u16::from_be_bytes([seg[10], seg[11]]) as f64;
                info.density = match units {
                    1 if x > 0.0 && y > 0.0 => Some((x, y)),
                    2 if x > 0.0 && y > 0.0 => Some((x * 2.54, y * 2.54)),
                    _ => None,
                };
            }
            0xDA => {
                // Entropy-coded data runs to the next marker that is not a stuffed byte or RST.
                loop {
                    let Some(off) = b[pos..].iter().position(|&x| x == 0xFF) else {
                        return Err(truncated());
                    };
                    pos += off;
                    match b.get(pos + 1) {
                        None => return Err(truncated()),
                        Some(0x00) | Some(0xD0..=0xD7) | Some(0xFF) => pos += 1,
                        Some(_) => break,
                    }
                }
            }
            _ => {}
        }
    }
    if !seen_sof {
        return Err(corrupt("no frame header (SOF)"));
    }
    if info.width == 0 || info.height == 0 {
        return Err(corrupt("zero width or height"));
    }
    Ok(info)
}

pub(super) fn read(
    bytes: &[u8],
    profile: &Profile,
    sink: &mut dyn FnMut(PreparedPage) -> Result<(), PageError>,
) -> Result<(), PageError> {
    let info = parse(bytes)?;
    if info.precision != 8 {
        return Err(PageError::new(
            "page.unsupported",
            format!(
                "JPEG {}-bit không được hỗ trợ (PDF chỉ nhận JPEG 8-bit)",
                info.precision
            ),
            format!(
                "{}-bit JPEG is not supported (PDF takes 8-bit JPEG only)",
                info.precision
            ),
        ));
    }
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
        .map_err(|e| corrupt(&e.to_string()))?;
    let orientation = decoder.orientation().map(exif_value).unwrap_or(1);
    let (w, h) = decoder.dimensions();
    let mut pixels = vec![0u8; decoder.total_bytes() as usize];
    let colour_type = decoder.color_type();
    decoder
        .read_image(&mut pixels)
        .map_err(|e| corrupt(&e.to_string()))?;
    if (w, h) != (info.width, info.height) {
        return Err(corrupt("decoded size differs from the frame header"));
    }
    let (colour, conversions, passthrough) = match (info.components, colour_type) {
        (1, image::ColorType::L8) => (Colour::Gray, Vec::new(), true),
        (3, image::ColorType::Rgb8) => (Colour::Rgb, Vec::new(), true),
        (4, image::ColorType::Rgb8) => (Colour::Rgb, vec!["cmyk-to-rgb"], false),
        (n, _) => {
            return Err(PageError::new(
                "page.unsupported",
                format!("JPEG có {n} kênh màu không được hỗ trợ"),
                format!("JPEG with {n} colour components is not supported"),
            ))
        }
    };
    let raster = Raster {
        width: w,
        height: h,
        colour,
        pixels,
        conversions,
        source_bilevel: false,
    };
    let decoded = Decoded {
        raster,
        jpeg: passthrough.then_some(bytes),
        lossy: true,
        chroma_subsampled: info.components == 3 && info.luma_sampling != (1, 1),
        file_dpi: info.density,
        frame: 0,
        exif_orientation: orientation,
    };
    sink(prepare(decoded, profile)?)
}

/// The EXIF orientation number (1-8) of an orientation.
fn exif_value(o: image::metadata::Orientation) -> u8 {
    use image::metadata::Orientation::*;
    match o {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_jpeg() -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([x as u8 * 10, y as u8 * 20, 90]));
        let mut out = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
        enc.encode_image(&img).unwrap();
        out
    }

    #[test]
    fn reads_size_components_and_density() {
        let info = parse(&tiny_jpeg()).unwrap();
        assert_eq!(
            (info.width, info.height, info.components, info.precision),
            (16, 8, 3, 8)
        );
        assert_eq!(info.density, Some((200.0, 200.0)));
    }

    #[test]
    fn every_truncation_is_detected() {
        let j = tiny_jpeg();
        for cut in 2..j.len() - 1 {
            assert!(parse(&j[..cut]).is_err(), "cut at {cut} of {}", j.len());
        }
    }
}
