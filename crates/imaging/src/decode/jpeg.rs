//! JPEG pages: a marker walk checks the structure (complete, ends with EOI), reads size,
//! components and JFIF density and measures the scan data; the declared size is checked against
//! the limits, the image decoded strictly (damaged scan data is an error, never gray filler),
//! then embedded byte-for-byte (DCTDecode). CMYK JPEGs are converted to RGB.

use super::limits::{check_pixels, incomplete};
use super::{Colour, FileDpi, PageError, Raster};
use crate::page::Decoded;
use sohoa_archive::limits::Limits;
use sohoa_archive::text::readable_bytes;
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::errors::DecodeErrors;

#[derive(Debug, Default, PartialEq)]
pub(crate) struct JpegInfo {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    pub precision: u8,
    pub density: FileDpi,
    /// Luma sampling factors (H, V) of the first component: (2, 2) for 4:2:0.
    pub luma_sampling: (u8, u8),
    /// Bytes of entropy-coded data in all scans (markers and segments not counted).
    pub scan_bytes: u64,
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
                let start = pos;
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
                info.scan_bytes += (pos - start) as u64;
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

/// Fewest bytes of entropy-coded data a JPEG of this size can hold: each 8x8 block of its
/// fullest-sampled component takes at least one bit (its DC code), baseline or progressive.
fn min_scan_bytes(width: u32, height: u32) -> u64 {
    let blocks = u64::from(width.div_ceil(8)) * u64::from(height.div_ceil(8));
    blocks.div_ceil(8)
}

/// Everything checked before decoding: the declared size against the limits and against the
/// data there is, then every block of every scan present in the data.
pub(crate) fn check_before_decoding(
    bytes: &[u8],
    info: &JpegInfo,
    limits: &Limits,
) -> Result<(), PageError> {
    check_declared(info, limits)?;
    super::jpeg_scan::check(bytes)
}

/// The declared size against the limits and against the data there is, before any allocation.
fn check_declared(info: &JpegInfo, limits: &Limits) -> Result<(), PageError> {
    let (w, h) = (info.width, info.height);
    check_pixels("JPEG", u64::from(w), u64::from(h), limits)?;
    let need = min_scan_bytes(w, h);
    if info.scan_bytes < need {
        let (have_vi, have_en) = readable_bytes(info.scan_bytes);
        let (need_vi, need_en) = readable_bytes(need);
        return Err(incomplete(
            "JPEG",
            &format!("{have_vi} dữ liệu quét, ảnh {w}x{h} cần ít nhất {need_vi}"),
            &format!("{have_en} of scan data, a {w}x{h} image needs at least {need_en}"),
        ));
    }
    Ok(())
}

/// A JPEG decoded by zune-jpeg.
pub(crate) struct Strict {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    /// The EXIF (APP1) payload, from its TIFF header on.
    pub exif: Option<Vec<u8>>,
}

fn decode_with(bytes: &[u8], out: ColorSpace) -> Result<Strict, DecodeErrors> {
    // Our own pixel limit has been checked; zune's default (16384 a side) would refuse real
    // A0 scans, so its limits are JPEG's own.
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        .jpeg_set_out_colorspace(out);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers()?;
    let exif = decoder.exif().cloned();
    let (Some((w, h)), Some(size)) = (decoder.dimensions(), decoder.output_buffer_size()) else {
        return Err(DecodeErrors::FormatStatic("no frame header"));
    };
    let mut pixels = vec![0u8; size];
    decoder.decode_into(&mut pixels)?;
    Ok(Strict {
        width: w as u32,
        height: h as u32,
        pixels,
        exif,
    })
}

/// What a strict-mode error means for the page: data missing, data damaged, or unsupported.
fn classify(e: DecodeErrors) -> PageError {
    let text = e.to_string();
    match e {
        DecodeErrors::ExhaustedData | DecodeErrors::IoErrors(_) => incomplete(
            "JPEG",
            &format!("dữ liệu quét hết trước khi đủ ảnh: {text}"),
            &format!("the scan data runs out before the picture is complete: {text}"),
        ),
        DecodeErrors::FormatStatic(s) if s.to_lowercase().contains("premature end") => incomplete(
            "JPEG",
            &format!("dữ liệu quét hết trước khi đủ ảnh: {text}"),
            &format!("the scan data runs out before the picture is complete: {text}"),
        ),
        DecodeErrors::Unsupported(_) => PageError::new(
            "page.unsupported",
            format!("JPEG không được hỗ trợ: {text}"),
            format!("Unsupported JPEG: {text}"),
        ),
        // Huffman codes that decode to nothing valid, markers inside the scan, bad tables.
        _ => PageError::new(
            "page.corrupt",
            format!("Tệp JPEG hỏng: dữ liệu ảnh bị hư ({text})"),
            format!("Corrupt JPEG: the image data is damaged ({text})"),
        ),
    }
}

/// Decodes strictly: damaged data is an error, never filled with gray. (The one header quirk
/// strict mode adds, "extra bytes between headers", cannot reach it: `parse` already refuses
/// bytes between segments, as the lenient decoding before it did; padding inside a segment
/// fails both modes alike.)
pub(crate) fn decode(bytes: &[u8], out: ColorSpace) -> Result<Strict, PageError> {
    decode_with(bytes, out).map_err(classify)
}

/// A JPEG decoded strictly, within the limits, and what it is.
pub(super) struct JpegPage {
    pub raster: Raster,
    pub info: JpegInfo,
    /// 1 or 3 components: the bytes may be embedded unchanged (DCTDecode).
    pub passthrough: bool,
    /// The EXIF (APP1) payload, from its TIFF header on.
    pub exif: Option<Vec<u8>>,
}

/// Checks and decodes a whole JPEG (a file, or a PDF's DCTDecode image) to 8-bit Gray or RGB.
pub(super) fn decode_page(bytes: &[u8], limits: &Limits) -> Result<JpegPage, PageError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(corrupt("no start-of-image marker"));
    }
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
    let (colour, out, conversions, passthrough) = match info.components {
        1 => (Colour::Gray, ColorSpace::Luma, Vec::new(), true),
        3 => (Colour::Rgb, ColorSpace::RGB, Vec::new(), true),
        4 => (Colour::Rgb, ColorSpace::RGB, vec!["cmyk-to-rgb"], false),
        n => {
            return Err(PageError::new(
                "page.unsupported",
                format!("JPEG có {n} kênh màu không được hỗ trợ"),
                format!("JPEG with {n} colour components is not supported"),
            ))
        }
    };
    check_before_decoding(bytes, &info, limits)?;
    let decoded = decode(bytes, out)?;
    let (w, h) = (decoded.width, decoded.height);
    if (w, h) != (info.width, info.height) {
        return Err(corrupt("decoded size differs from the frame header"));
    }
    if decoded.pixels.len() != w as usize * h as usize * colour.components() as usize {
        return Err(corrupt("decoded data differs from the frame header"));
    }
    let raster = Raster {
        width: w,
        height: h,
        colour,
        pixels: decoded.pixels,
        conversions,
        source_bilevel: false,
    };
    Ok(JpegPage {
        raster,
        info,
        passthrough,
        exif: decoded.exif,
    })
}

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut dyn FnMut(Decoded<'_>) -> Result<(), PageError>,
) -> Result<(), PageError> {
    let page = decode_page(bytes, limits)?;
    let orientation = page
        .exif
        .as_deref()
        .and_then(image::metadata::Orientation::from_exif_chunk)
        .map(exif_value)
        .unwrap_or(1);
    let info = page.info;
    let decoded = Decoded {
        raster: page.raster,
        jpeg: page.passthrough.then_some(bytes),
        g4: None,
        lossy: true,
        chroma_subsampled: info.components == 3 && info.luma_sampling != (1, 1),
        file_dpi: info.density,
        frame: 0,
        exif_orientation: orientation,
        page_rotate: 0,
    };
    sink(decoded)
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
    use crate::page::PreparedPage;
    use crate::Profile;

    fn tiny_jpeg() -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([x as u8 * 10, y as u8 * 20, 90]));
        let mut out = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
        enc.encode_image(&img).unwrap();
        out
    }

    /// A page with texture everywhere, so its scan data is large (like a real scan's).
    fn textured_jpeg(w: u16, h: u16, progressive: bool, kind: jpeg_encoder::ColorType) -> Vec<u8> {
        let n = match kind {
            jpeg_encoder::ColorType::Luma => 1,
            jpeg_encoder::ColorType::Cmyk => 4,
            _ => 3,
        };
        let mut seed = 0x2545_f491_u32;
        let px: Vec<u8> = (0..w as usize * h as usize * n)
            .map(|i| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                ((i / n % w as usize) as u32 * 3 + (seed & 0x3f)) as u8
            })
            .collect();
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_progressive(progressive);
        enc.set_density(jpeg_encoder::PixelDensity {
            density: (300, 300),
            unit: jpeg_encoder::PixelDensityUnit::Inches,
        });
        enc.encode(&px, w, h, kind).unwrap();
        out
    }

    /// A plain profile: no border crop or deskew, so a good page passes through unchanged.
    fn plain() -> Profile {
        let mut p = Profile::default();
        p.borders.enabled = false;
        p.deskew.enabled = false;
        p
    }

    /// The page, or the error (a page is described by its size, not printed whole).
    fn read_page(bytes: &[u8], profile: &Profile) -> Result<PreparedPage, PageError> {
        let mut page = None;
        crate::read_pages(bytes, profile, &mut |p| {
            page = Some(p);
            Ok(())
        })?;
        Ok(page.unwrap())
    }

    fn read_error(bytes: &[u8], profile: &Profile) -> PageError {
        match read_page(bytes, profile) {
            Ok(p) => panic!("read as a {}x{} page", p.width, p.height),
            Err(e) => e,
        }
    }

    /// Position of the first SOFn segment's payload (after marker and length).
    fn frame_header(j: &[u8]) -> usize {
        (2..j.len() - 1)
            .find(|&i| j[i] == 0xFF && matches!(j[i + 1], 0xC0..=0xC2))
            .unwrap()
            + 4
    }

    /// Writes another size into the frame header, as a damaged or hostile file has it.
    fn declare_size(j: &mut [u8], w: u16, h: u16) {
        let at = frame_header(j);
        j[at + 1..at + 3].copy_from_slice(&h.to_be_bytes());
        j[at + 3..at + 5].copy_from_slice(&w.to_be_bytes());
    }

    /// The first scan's entropy-coded data: after the SOS segment, up to the EOI.
    fn scan_data(j: &[u8]) -> std::ops::Range<usize> {
        let sos = (2..j.len() - 1)
            .find(|&i| j[i] == 0xFF && j[i + 1] == 0xDA)
            .unwrap();
        let len = u16::from_be_bytes([j[sos + 2], j[sos + 3]]) as usize;
        sos + 2 + len..j.len() - 2
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

    #[test]
    fn a_jpeg_declaring_65500_pixels_square_is_refused_before_allocating() {
        // A few hundred bytes that would ask the decoder for 12.8 GB.
        let mut j = tiny_jpeg();
        declare_size(&mut j, 65_500, 65_500);
        assert!(j.len() < 1024, "{}", j.len());
        let e = read_error(&j, &Profile::default());
        assert_eq!(e.code, "page.too_large", "{}", e.en);
        assert!(
            e.en.contains("65500x65500") && e.en.contains("150 million"),
            "{}",
            e.en
        );
        assert!(e.vi.contains("65500x65500"), "{}", e.vi);
    }

    #[test]
    fn a_small_jpeg_declaring_a_huge_frame_is_an_error_not_a_blank_page() {
        let mut j = textured_jpeg(16, 16, false, jpeg_encoder::ColorType::Luma);
        declare_size(&mut j, 30_000, 40_000);
        let e = read_error(&j, &Profile::default());
        assert_eq!(e.code, "page.too_large", "{}", e.en);
        // With room for the size, the data is far too short for it: refused before decoding.
        let mut roomy = Profile::default();
        roomy.limits.max_page_pixels = 2_000_000_000;
        let e = read_error(&j, &roomy);
        assert_eq!(e.code, "page.incomplete", "{}", e.en);
        assert!(e.en.contains("30000x40000"), "{}", e.en);
    }

    #[test]
    fn a_frame_header_declaring_more_than_the_scan_holds_is_an_error() {
        // The data is enough for the bound on its size, not for the picture: the strict
        // decoder runs out of data instead of painting the rest gray.
        for progressive in [false, true] {
            let mut j = textured_jpeg(96, 96, progressive, jpeg_encoder::ColorType::Rgb);
            declare_size(&mut j, 96, 400);
            let e = read_error(&j, &Profile::default());
            assert!(
                matches!(e.code, "page.incomplete" | "page.corrupt"),
                "progressive {progressive}: {} {}",
                e.code,
                e.en
            );
        }
    }

    #[test]
    fn a_jpeg_missing_most_of_its_scan_data_is_an_error() {
        for (kind, progressive) in [
            (jpeg_encoder::ColorType::Rgb, false),
            (jpeg_encoder::ColorType::Luma, false),
            (jpeg_encoder::ColorType::Rgb, true),
        ] {
            let j = textured_jpeg(320, 240, progressive, kind);
            let scan = scan_data(&j);
            for percent in [50, 70, 90] {
                // Cut from the middle of the scan, keeping its start and the EOI.
                let gone = scan.len() * percent / 100;
                let from = scan.start + (scan.len() - gone) / 2;
                let damaged = [&j[..from], &j[from + gone..]].concat();
                assert!(parse(&damaged).is_ok(), "the structure is still complete");
                let e = read_error(&damaged, &Profile::default());
                assert!(
                    matches!(e.code, "page.incomplete" | "page.corrupt"),
                    "{kind:?} progressive {progressive}, {percent} % cut: {} {}",
                    e.code,
                    e.en
                );
            }
        }
    }

    #[test]
    fn good_jpegs_decode_to_the_lenient_decoders_pixels_and_pass_through() {
        for (kind, progressive) in [
            (jpeg_encoder::ColorType::Rgb, false),
            (jpeg_encoder::ColorType::Luma, false),
            (jpeg_encoder::ColorType::Rgb, true),
            (jpeg_encoder::ColorType::Cmyk, false),
        ] {
            let j = textured_jpeg(64, 48, progressive, kind);
            let info = parse(&j).unwrap();
            let out = if info.components == 1 {
                ColorSpace::Luma
            } else {
                ColorSpace::RGB
            };
            let strict = decode(&j, out).unwrap();
            let lenient = image::load_from_memory(&j).unwrap();
            let expected = if info.components == 1 {
                lenient.to_luma8().into_raw()
            } else {
                lenient.to_rgb8().into_raw()
            };
            assert_eq!(
                strict.pixels, expected,
                "{kind:?} progressive {progressive}"
            );
        }
        for progressive in [false, true] {
            let j = textured_jpeg(640, 480, progressive, jpeg_encoder::ColorType::Rgb);
            let page = read_page(&j, &plain()).unwrap();
            assert_eq!(page.encoding, crate::Encoding::Dct);
            assert!(page.data == j, "embedded byte for byte");
        }
        let cmyk = textured_jpeg(640, 480, false, jpeg_encoder::ColorType::Cmyk);
        let page = read_page(&cmyk, &plain()).unwrap();
        assert_eq!(page.conversions, ["cmyk-to-rgb"]);
        assert_ne!(page.encoding, crate::Encoding::Dct);
    }

    #[test]
    fn a_jpeg_whose_later_scans_were_removed_is_not_archived() {
        use super::super::jpeg_scan::tests::{one_scan_per_component, pillow_progressive, without};
        let good = [
            one_scan_per_component(jpeg_encoder::ColorType::Rgb),
            pillow_progressive(),
        ];
        for j in &good {
            let page = read_page(j, &plain()).unwrap();
            assert!(page.data == *j, "embedded byte for byte");
        }
        let damaged = [
            // A component's scan: zune-jpeg paints it gray.
            without(&good[0], |i, _| i == 2),
            // The last refinement: a picture one bit coarser.
            without(&good[1], |i, _| i == 9),
            // Every AC scan: the DC coefficients alone, a blur of 8x8 squares.
            without(&good[1], |_, p| p[1] > 0),
        ];
        for (i, d) in damaged.iter().enumerate() {
            assert!(parse(d).is_ok(), "{i}: the structure is still complete");
            assert!(
                decode(d, ColorSpace::RGB).is_ok(),
                "{i}: the decoder takes it"
            );
            let e = read_error(d, &Profile::default());
            assert_eq!(e.code, "page.incomplete", "{i}: {}", e.en);
            assert!(e.vi.contains("thành phần màu"), "{i}: {}", e.vi);
        }
    }

    #[test]
    fn the_exif_orientation_is_kept() {
        let j = textured_jpeg(640, 480, false, jpeg_encoder::ColorType::Rgb);
        // APP1 "Exif": a little-endian TIFF header and one IFD entry, Orientation = 6.
        let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0".to_vec();
        exif.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend(((exif.len() + 2) as u16).to_be_bytes());
        app1.extend(exif);
        let with_exif = [&j[..2], &app1[..], &j[2..]].concat();
        let page = read_page(&with_exif, &plain()).unwrap();
        assert_eq!(page.rotate, 90);
        assert!(page.data == with_exif, "embedded byte for byte");
    }
}
