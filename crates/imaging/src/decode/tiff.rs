//! TIFF pages: every frame of a multi-page file in order (reduced-resolution thumbnails
//! skipped), each its own kind. Per frame: its kind read and refused clearly if sohoa does not
//! read it (`tiff_frame`), declared sizes and strips checked before decoding (`tiff_strips`:
//! damage is an error, never zero-filled), samples decoded by the `tiff` crate, then shown as a
//! viewer shows them (`tiff_photometric`); the Orientation tag is handed on like JPEG's EXIF.

use super::limits::{check_frames, check_pixels, incomplete, page_bytes};
use super::tiff_ifd::{Relabel, Relabelled};
use super::{
    tiff_frame, tiff_ifd, tiff_photometric, tiff_samples, tiff_strips, FileDpi, PageError, Raster,
};
use crate::page::Decoded;
use sohoa_archive::limits::Limits;
use tiff::decoder::{ifd::Value, Decoder, DecodingResult};
use tiff::tags::Tag;

pub(super) type Dec<'a> = Decoder<Relabelled<'a>>;

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
pub(super) fn pixel_err(e: tiff::TiffError) -> PageError {
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
    for (i, f) in declared.iter().enumerate() {
        if let Some(p) = f.photometric {
            tiff_frame::check_photometric(p).map_err(|e| e.on_page(i as u32))?;
        }
    }
    let (reader, relabels) = tiff_ifd::relabel(bytes, &declared);
    // The crate reads the first page's IFD as it opens the file: its errors are page 1's.
    let mut dec = Decoder::new(reader)
        .map_err(|e| tiff_err(e).on_page(0))?
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
            let relabel = relabels
                .get(frame as usize)
                .copied()
                .unwrap_or(Relabel::Kept);
            let (raster, file_dpi, orientation) =
                read_frame(&mut dec, bytes, limits, relabel).map_err(|e| e.on_page(frame))?;
            let decoded = Decoded {
                raster,
                jpeg: None,
                g4: None,
                lossy: false,
                chroma_subsampled: false,
                file_dpi,
                frame,
                exif_orientation: orientation,
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

/// One frame: its kind checked (variants sohoa refuses named), its strips checked, its samples
/// decoded (by the crate, or by `fax` for G4 with FillOrder=2) and shown as a viewer shows them.
/// Returns the raster, the resolution and the Orientation.
fn read_frame(
    dec: &mut Dec,
    bytes: &[u8],
    limits: &Limits,
    relabel: Relabel,
) -> Result<(Raster, FileDpi, u8), PageError> {
    let dpi = resolution(dec)?;
    let mut kind = tiff_frame::read(dec, relabel)?;
    tiff_frame::check(dec, &kind)?;
    let (width, height) = dec.dimensions().map_err(tiff_err)?;
    check_pixels("TIFF", u64::from(width), u64::from(height), limits)?;
    let (chunk_w, chunk_h) = dec.chunk_dimensions();
    check_pixels(
        "TIFF",
        u64::from(chunk_w),
        u64::from(chunk_h.min(height)),
        limits,
    )?;
    tiff_strips::check_chunks(dec, bytes.len() as u64, kind.compression)?;
    if kind.compression == tiff_frame::JPEG {
        tiff_strips::check_jpeg_chunks(dec, bytes, limits)?;
    }
    let (data, per_pixel) = if kind.compression == tiff_frame::G4 && kind.fill_order == 2 {
        let packed = tiff_strips::g4_fill_order_2(dec, bytes, width, height)?;
        // Its bits are in order now.
        kind.fill_order = 1;
        (DecodingResult::U8(packed), 1)
    } else {
        tiff_samples::read(dec, page_bytes(limits, 8))?
    };
    let colormap = match kind.photometric {
        tiff_frame::PALETTE => dec
            .find_tag(Tag::ColorMap)
            .and_then(|v| v.map(|v| v.into_u16_vec()).transpose())
            .map_err(tiff_err)?,
        _ => None,
    };
    let p =
        tiff_photometric::convert(&kind, data, per_pixel, (width, height), colormap.as_deref())?;
    if p.pixels.len() != width as usize * height as usize * p.colour.components() as usize {
        return Err(corrupt(
            "dữ liệu ảnh giải mã ít hơn kích thước khai báo",
            "the decoded image data is shorter than its declared size",
        ));
    }
    let raster = Raster {
        width,
        height,
        colour: p.colour,
        pixels: p.pixels,
        conversions: p.conversions,
        source_bilevel: p.source_bilevel,
    };
    Ok((raster, dpi, kind.orientation))
}
