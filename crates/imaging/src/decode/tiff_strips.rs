//! TIFF strips and tiles checked before the `tiff` crate decodes them: each must lie inside the
//! file and hold every row it declares (the crate reads an uncompressed strip on into whatever
//! follows it, and decodes JPEG strips leniently, painting missing data gray). G4 strips with
//! FillOrder=2, which the crate misreads, are decoded here.

use super::limits::incomplete;
use super::tiff::{corrupt, tiff_err, unsigned, Dec};
use super::PageError;
use sohoa_archive::limits::Limits;
use sohoa_archive::text::readable_bytes;
use tiff::decoder::ChunkType;
use tiff::tags::Tag;

/// Bits of one pixel inside a strip or tile (one sample when planes are separate).
fn chunk_pixel_bits(dec: &mut Dec) -> Result<u64, PageError> {
    let bits = dec
        .find_tag_unsigned_vec::<u64>(Tag::BitsPerSample)
        .map_err(tiff_err)?
        .and_then(|v| v.first().copied())
        .unwrap_or(1);
    let samples = unsigned(dec, Tag::SamplesPerPixel)?.unwrap_or(1);
    let planar = unsigned(dec, Tag::PlanarConfiguration)?.unwrap_or(1);
    Ok(if planar == 2 { bits } else { bits * samples })
}

/// Every strip (or tile) lies inside the file, holds no more pixels than a page may, and,
/// uncompressed, holds all the bytes of its rows (the crate would read on into whatever
/// follows it).
pub(super) fn check_chunks(
    dec: &mut Dec,
    file_len: u64,
    compression: u64,
) -> Result<(), PageError> {
    let tiled = dec.get_chunk_type() == ChunkType::Tile;
    let (offsets, counts) = if tiled {
        (Tag::TileOffsets, Tag::TileByteCounts)
    } else {
        (Tag::StripOffsets, Tag::StripByteCounts)
    };
    let offsets = dec.get_tag_u64_vec(offsets).map_err(tiff_err)?;
    let counts = dec.get_tag_u64_vec(counts).map_err(tiff_err)?;
    let what = if tiled { "ô (tile)" } else { "dải (strip)" };
    let what_en = if tiled { "tile" } else { "strip" };
    let n = offsets.len();
    for (i, (&off, &count)) in offsets.iter().zip(&counts).enumerate() {
        if off.checked_add(count).is_none_or(|end| end > file_len) {
            return Err(PageError::new(
                "page.truncated",
                format!(
                    "Tệp TIFF bị cắt cụt: {what} {} / {n} nằm ngoài tệp (tệp hết trước dữ liệu của nó)",
                    i + 1
                ),
                format!(
                    "Truncated TIFF: {what_en} {} of {n} lies past the end of the file (the file ends before its data)",
                    i + 1
                ),
            ));
        }
    }
    let (chunk_w, chunk_h) = dec.chunk_dimensions();
    // Subsampled YCbCr (the default for YCbCr) packs its samples in blocks: not counted here.
    let subsampled = unsigned(dec, Tag::PhotometricInterpretation)? == Some(6)
        && dec
            .find_tag_unsigned_vec::<u16>(Tag::ChromaSubsampling)
            .map_err(tiff_err)?
            .is_none_or(|s| s != [1, 1]);
    if compression != 1 || subsampled {
        return Ok(());
    }
    let pixel_bits = chunk_pixel_bits(dec)?;
    let row_bytes = (u64::from(chunk_w) * pixel_bits).div_ceil(8);
    for (i, &count) in counts.iter().enumerate().take(n) {
        let (data_w, rows) = dec.chunk_data_dimensions(i as u32);
        let last_row = (u64::from(data_w) * pixel_bits).div_ceil(8);
        let need = if tiled {
            row_bytes * u64::from(rows.saturating_sub(1)) + last_row
        } else {
            row_bytes * u64::from(rows.min(chunk_h))
        };
        if count < need {
            let (has_vi, has_en) = readable_bytes(count);
            let (need_vi, need_en) = readable_bytes(need);
            return Err(incomplete(
                "TIFF",
                &format!(
                    "{what} {} / {n} có {has_vi}, các dòng của nó cần {need_vi}",
                    i + 1
                ),
                &format!(
                    "{what_en} {} of {n} holds {has_en}, its rows need {need_en}",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// JPEG-compressed strips are decoded leniently by the crate (missing data painted gray):
/// each is first checked as a JPEG of its own, strictly, like a JPEG page.
pub(super) fn check_jpeg_chunks(
    dec: &mut Dec,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(), PageError> {
    let tiled = dec.get_chunk_type() == ChunkType::Tile;
    let (offsets, counts) = if tiled {
        (Tag::TileOffsets, Tag::TileByteCounts)
    } else {
        (Tag::StripOffsets, Tag::StripByteCounts)
    };
    let offsets = dec.get_tag_u64_vec(offsets).map_err(tiff_err)?;
    let counts = dec.get_tag_u64_vec(counts).map_err(tiff_err)?;
    let tables = match dec.find_tag(Tag::JPEGTables).map_err(tiff_err)? {
        Some(v) => Some(v.into_u8_vec().map_err(tiff_err)?),
        None => None,
    };
    let (chunk_w, chunk_h) = dec.chunk_dimensions();
    for (i, (&off, &count)) in offsets.iter().zip(&counts).enumerate() {
        // Inside the file: checked by `check_chunks`.
        let strip = usize::try_from(off)
            .ok()
            .zip(usize::try_from(off.saturating_add(count)).ok())
            .and_then(|(a, b)| bytes.get(a..b))
            .ok_or_else(|| corrupt("dải (strip) nằm ngoài tệp", "strip outside the file"))?;
        // As the crate joins them: the tables without their EOI, the strip without its SOI.
        let stream = match &tables {
            Some(t) if t.len() >= 2 && strip.len() >= 2 => {
                [&t[..t.len() - 2], &strip[2..]].concat()
            }
            _ => strip.to_vec(),
        };
        let in_strip = |e: PageError| PageError {
            vi: format!("dải (strip) JPEG {}: {}", i + 1, e.vi),
            en: format!("JPEG strip {}: {}", i + 1, e.en),
            ..e
        };
        let info = super::jpeg::parse(&stream).map_err(in_strip)?;
        if info.width > chunk_w || info.height > chunk_h {
            let (n, w, h) = (i + 1, info.width, info.height);
            return Err(corrupt(
                &format!("dải JPEG {n} khai báo {w}x{h}, lớn hơn dải của nó ({chunk_w}x{chunk_h})"),
                &format!(
                    "JPEG strip {n} declares {w}x{h}, larger than its strip ({chunk_w}x{chunk_h})"
                ),
            ));
        }
        super::jpeg::check_before_decoding(&stream, &info, limits).map_err(in_strip)?;
        let out = if info.components == 1 {
            zune_core::colorspace::ColorSpace::Luma
        } else {
            zune_core::colorspace::ColorSpace::RGB
        };
        super::jpeg::decode(&stream, out).map_err(in_strip)?;
    }
    Ok(())
}

/// The `tiff` crate ignores FillOrder=2 (least significant bit first): reverse the bits of
/// each G4 strip and decode it with `fax`. Returns the rows as the crate would: packed, most
/// significant bit first, rows byte-aligned, a black run as 1 bits (libtiff's convention: the
/// PhotometricInterpretation then says whether 1 shows black or white).
pub(super) fn g4_fill_order_2(
    dec: &mut Dec,
    bytes: &[u8],
    width: u32,
    height: u32,
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
    // Bounded: the declared size is within the pixel limit (checked before).
    let row_bytes = (width as usize).div_ceil(8);
    let mut out = Vec::with_capacity(row_bytes * height as usize);
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
                let mut row = vec![0u8; row_bytes];
                for (x, c) in fax::decoder::pels(transitions, width).enumerate() {
                    if c == fax::Color::Black {
                        row[x / 8] |= 0x80 >> (x % 8);
                    }
                }
                out.extend(row);
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
