//! TIFF pages: every frame of a multi-page file (reduced-resolution thumbnails skipped),
//! CCITT G4 including FillOrder=2 (bits reversed, decoded with `fax`), 1/2/4/8/16-bit, palette,
//! RGB(A), CMYK and YCbCr. Declared sizes are checked before decoding and every strip must hold
//! the rows it declares (damage is an error, never zero-filled). Group 3 fax is rejected.

use super::encode::{cmyk_to_rgb, over_white, to_8bit, ycbcr_to_rgb};
use super::limits::{check_frames, check_pixels, incomplete, page_bytes};
use super::{tiff_ifd, tiff_strips, Colour, FileDpi, PageError, Raster};
use crate::page::Decoded;
use sohoa_archive::limits::Limits;
use std::io::Cursor;
use tiff::decoder::{ifd::Value, Decoder, DecodingResult};
use tiff::tags::Tag;
use tiff::ColorType;

pub(super) type Dec<'a> = Decoder<Cursor<&'a [u8]>>;

pub(super) fn tiff_err(e: tiff::TiffError) -> PageError {
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
        tiff::TiffError::LimitsExceeded => PageError::new(
            "page.too_large",
            format!("Tệp TIFF cần nhiều bộ nhớ hơn giới hạn (limits.max_page_pixels): {text}"),
            format!(
                "The TIFF needs more memory than the limits allow (limits.max_page_pixels): {text}"
            ),
        ),
        _ => corrupt(&text, &text),
    }
}

pub(super) fn corrupt(vi: &str, en: &str) -> PageError {
    PageError::new(
        "page.corrupt",
        format!("Tệp TIFF hỏng: {vi}"),
        format!("Corrupt TIFF: {en}"),
    )
}

/// Errors while decoding pixels: every strip lies inside the file (checked first), so data
/// that ends early is a strip holding fewer rows than it declares.
fn pixel_err(e: tiff::TiffError) -> PageError {
    match e {
        tiff::TiffError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            incomplete(
                "TIFF",
                &format!("dữ liệu một dải (strip) hết trước các dòng nó phải chứa: {io}"),
                &format!("a strip's data ends before the rows it must hold: {io}"),
            )
        }
        tiff::TiffError::IoError(io) => corrupt(
            &format!("dữ liệu dải (strip) hư: {io}"),
            &format!("damaged strip data: {io}"),
        ),
        other => tiff_err(other),
    }
}

/// What the `tiff` crate may allocate for one page: the largest pixel (16-bit RGBA, 8 bytes)
/// times the pixel limit; a compressed strip is never larger than the file.
fn decoder_limits(limits: &Limits) -> tiff::decoder::Limits {
    let mut l = tiff::decoder::Limits::default();
    l.decoding_buffer_size = page_bytes(limits, 8);
    l.intermediate_buffer_size = usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX);
    l
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

pub(super) fn unsigned(dec: &mut Dec, tag: Tag) -> Result<Option<u64>, PageError> {
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
    limits: &Limits,
    sink: &mut dyn FnMut(Decoded<'_>) -> Result<(), PageError>,
) -> Result<u32, PageError> {
    // Every frame's declared size and the frame count, before anything is decoded.
    let declared = tiff_ifd::frames(bytes, limits.max_pages_per_file as usize);
    tiff_ifd::check(&declared, limits)?;
    let (data, palette) = tiff_ifd::relabel_palettes(bytes, &declared);
    let data: &[u8] = &data;
    let mut dec = Decoder::new(Cursor::new(data))
        .map_err(tiff_err)?
        .with_limits(decoder_limits(limits));
    let mut frame = 0u32;
    let mut pages = 0u32;
    loop {
        // The crate may find frames the quick walk did not: the same limits hold for them.
        check_frames("TIFF", u64::from(frame) + 1, limits).map_err(|e| e.on_page(frame))?;
        let subfile = unsigned(&mut dec, Tag::NewSubfileType)
            .map_err(|e| e.on_page(frame))?
            .unwrap_or(0);
        if subfile & 1 == 0 {
            let is_palette = palette.get(frame as usize).copied().unwrap_or(false);
            let page =
                read_frame(&mut dec, data, limits, is_palette).map_err(|e| e.on_page(frame))?;
            let decoded = Decoded {
                raster: page.0,
                jpeg: None,
                g4: None,
                lossy: false,
                chroma_subsampled: false,
                file_dpi: page.1,
                frame,
                exif_orientation: 1,
                page_rotate: 0,
            };
            sink(decoded).map_err(|e| e.on_page(frame))?;
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

fn read_frame(
    dec: &mut Dec,
    bytes: &[u8],
    limits: &Limits,
    palette: bool,
) -> Result<(Raster, FileDpi), PageError> {
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
    check_pixels("TIFF", u64::from(width), u64::from(height), limits)?;
    let samples = unsigned(dec, Tag::SamplesPerPixel)?.unwrap_or(1);
    if samples > 1 && unsigned(dec, Tag::PlanarConfiguration)? == Some(2) {
        return Err(PageError::new(
            "page.unsupported",
            "TIFF lưu các kênh màu thành mặt phẳng riêng (PlanarConfiguration=2) không được hỗ trợ: hãy lưu lại dạng thường (chunky)",
            "TIFF with separate colour planes (PlanarConfiguration=2) is not supported: save it again as contiguous (chunky)",
        ));
    }
    let (chunk_w, chunk_h) = dec.chunk_dimensions();
    check_pixels(
        "TIFF",
        u64::from(chunk_w),
        u64::from(chunk_h.min(height)),
        limits,
    )?;
    tiff_strips::check_chunks(dec, bytes.len() as u64, compression)?;
    if compression == 7 {
        tiff_strips::check_jpeg_chunks(dec, bytes, limits)?;
    }
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
    let data = dec.read_image().map_err(pixel_err)?;
    let mut conversions = Vec::new();
    let n = (width as usize) * (height as usize);
    let short = || {
        corrupt(
            "dữ liệu ảnh giải mã ít hơn kích thước khai báo",
            "the decoded image data is shorter than its declared size",
        )
    };
    let (colour, pixels, source_bilevel) = match (colour_type, data) {
        (ColorType::Gray(bits @ (1 | 2 | 4 | 8)), DecodingResult::U8(mut packed)) if palette => {
            if fill_order == 2 && bits < 8 {
                packed.iter_mut().for_each(|b| *b = b.reverse_bits());
            }
            let indices = unpack(&packed, width, height, bits).ok_or_else(short)?;
            conversions.push("palette-expanded");
            (
                Colour::Rgb,
                expand_palette(dec, indices.into_iter().map(u16::from), bits)?,
                false,
            )
        }
        (ColorType::Gray(16), DecodingResult::U16(indices)) if palette => {
            conversions.push("palette-expanded");
            (
                Colour::Rgb,
                expand_palette(dec, indices.into_iter(), 16)?,
                false,
            )
        }
        (ColorType::Gray(bits @ (1 | 2 | 4)), DecodingResult::U8(mut packed)) => {
            if fill_order == 2 {
                packed.iter_mut().for_each(|b| *b = b.reverse_bits());
            }
            let max = (1u16 << bits) - 1;
            let levels = unpack(&packed, width, height, bits).ok_or_else(short)?;
            let gray = levels
                .into_iter()
                .map(|v| (u16::from(v) * 255 / max) as u8)
                .collect();
            (Colour::Gray, gray, bits == 1)
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
        // Gray (BlackIsZero) with one extra sample (alpha, ExtraSamples 1 or 2, or
        // unspecified): what the `tiff` crate calls two-band Multiband. Shown over white, as
        // viewers show it. (The crate refuses the WhiteIsZero variant: a clear error.)
        (
            ColorType::Multiband {
                bit_depth: 8,
                num_samples: 2,
            },
            DecodingResult::U8(p),
        ) => {
            conversions.push("alpha-flattened");
            (
                Colour::Gray,
                p.chunks_exact(2).map(|q| over_white(q[0], q[1])).collect(),
                false,
            )
        }
        (
            ColorType::Multiband {
                bit_depth: 16,
                num_samples: 2,
            },
            DecodingResult::U16(p),
        ) => {
            conversions.extend(["16-to-8-bit", "alpha-flattened"]);
            (
                Colour::Gray,
                p.chunks_exact(2)
                    .map(|q| over_white(to_8bit(q[0]), to_8bit(q[1])))
                    .collect(),
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
        (ct, _) => {
            return Err(PageError::new(
                "page.unsupported",
                format!("Kiểu điểm ảnh TIFF {ct:?} không được hỗ trợ"),
                format!("TIFF pixel type {ct:?} is not supported"),
            ))
        }
    };
    if pixels.len() != n * colour.components() as usize {
        return Err(short());
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

/// Palette indices to RGB through the ColorMap (16-bit entries, R then G then B, reduced to
/// 8 bits by their high byte: both `v << 8` and `v * 257` writers give back `v`).
fn expand_palette(
    dec: &mut Dec,
    indices: impl ExactSizeIterator<Item = u16>,
    bits: u8,
) -> Result<Vec<u8>, PageError> {
    let map = dec.get_tag_u16_vec(Tag::ColorMap).map_err(|_| {
        corrupt(
            "ảnh bảng màu không có ColorMap",
            "a palette image without a ColorMap",
        )
    })?;
    let size = map.len() / 3;
    if size == 0 || map.len() % 3 != 0 {
        let n = map.len();
        return Err(corrupt(
            &format!("ColorMap có {n} giá trị cho chỉ số {bits}-bit"),
            &format!("a ColorMap of {n} values for {bits}-bit indices"),
        ));
    }
    let mut rgb = Vec::with_capacity(indices.len() * 3);
    for i in indices {
        let i = usize::from(i);
        if i >= size {
            return Err(corrupt(
                &format!("chỉ số màu {i} ngoài ColorMap {size} màu"),
                &format!("palette index {i} outside its {size}-colour ColorMap"),
            ));
        }
        rgb.extend([map[i], map[size + i], map[2 * size + i]].map(|v| (v >> 8) as u8));
    }
    Ok(rgb)
}

/// Unpacks rows of 1/2/4/8-bit samples (MSB first, rows byte-aligned) to one byte each, as
/// stored (not scaled); None when the data is shorter than the rows.
fn unpack(packed: &[u8], width: u32, height: u32, bits: u8) -> Option<Vec<u8>> {
    if bits == 8 {
        return (packed.len() >= width as usize * height as usize)
            .then(|| packed[..width as usize * height as usize].to_vec());
    }
    let row_bytes = (width as usize * bits as usize).div_ceil(8);
    if packed.len() < row_bytes.checked_mul(height as usize)? {
        return None;
    }
    let mask = (1u8 << bits) - 1;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for row in packed.chunks_exact(row_bytes).take(height as usize) {
        for x in 0..width as usize {
            let bit = x * bits as usize;
            out.push((row[bit / 8] >> (8 - bits as usize - bit % 8)) & mask);
        }
    }
    Some(out)
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
    // Bounded: the declared size is within the pixel limit (checked before).
    let mut out = Vec::with_capacity(width as usize * height as usize);
    let mut rows_left = height;
    for (i, (&off, &count)) in offsets.iter().zip(&counts).enumerate() {
        let strip = usize::try_from(off)
            .ok()
            .zip(off.checked_add(count).and_then(|e| usize::try_from(e).ok()))
            .and_then(|(a, b)| bytes.get(a..b))
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
        if decoded < rows {
            return Err(incomplete(
                "TIFF",
                &format!("dải G4 {} chỉ giải mã được {decoded} / {rows} dòng", i + 1),
                &format!("G4 strip {} decodes to {decoded} of its {rows} rows", i + 1),
            ));
        }
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
        return Err(incomplete(
            "TIFF",
            &format!("thiếu {rows_left} / {height} dòng"),
            &format!("{rows_left} of {height} rows are missing"),
        ));
    }
    Ok(out)
}
