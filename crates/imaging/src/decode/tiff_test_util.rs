//! Building TIFFs for tests, byte by byte (any tag, several pages, either byte order, strips or
//! tiles), and reading them back: through the whole page pipeline or as decoded rasters.

use crate::normalize::Profile;
use crate::page::{PageError, PreparedPage, Raster};
use std::io::Read;

pub(super) const SHORT: u16 = 3;
pub(super) const LONG: u16 = 4;

/// A tag: number, type (SHORT or LONG) and values.
pub(super) type Entry = (u16, u16, Vec<u32>);

/// One page of a built TIFF: its tags and its strips (or tiles, when the tags hold TileWidth).
pub(super) struct Page {
    pub tags: Vec<Entry>,
    pub chunks: Vec<Vec<u8>>,
}

/// A little-endian TIFF with one IFD: `tags`, then the strips, whose offsets and byte counts
/// are filled in unless `tags` gives them.
pub(super) fn tiff(tags: Vec<Entry>, strips: &[Vec<u8>]) -> Vec<u8> {
    tiff_pages(
        true,
        vec![Page {
            tags,
            chunks: strips.to_vec(),
        }],
    )
}

/// A TIFF of several pages in the byte order asked for (`little`: "II", else "MM"); chunk
/// offsets and byte counts are filled in (TileOffsets/TileByteCounts when the page has a
/// TileWidth tag). Sample bytes are written as given: 16-bit samples in the file's order are the
/// caller's.
pub(super) fn tiff_pages(little: bool, pages: Vec<Page>) -> Vec<u8> {
    let u16b = |v: u16| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let u32b = |v: u32| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let mut b = if little {
        b"II*\0".to_vec()
    } else {
        b"MM\0*".to_vec()
    };
    b.extend([0; 4]);
    let mut next_pointer = 4;
    for Page { mut tags, chunks } in pages {
        let mut offsets = Vec::new();
        for c in &chunks {
            offsets.push(b.len() as u32);
            b.extend(c);
        }
        if b.len() % 2 == 1 {
            b.push(0);
        }
        let tiled = tags.iter().any(|t| t.0 == 322);
        let (off_tag, count_tag) = if tiled { (324, 325) } else { (273, 279) };
        if !tags.iter().any(|t| t.0 == off_tag) {
            tags.push((off_tag, LONG, offsets));
        }
        if !tags.iter().any(|t| t.0 == count_tag) {
            tags.push((
                count_tag,
                LONG,
                chunks.iter().map(|s| s.len() as u32).collect(),
            ));
        }
        tags.sort_by_key(|t| t.0);
        let ifd = b.len();
        b[next_pointer..next_pointer + 4].copy_from_slice(&u32b(ifd as u32));
        let mut extra_at = ifd + 2 + 12 * tags.len() + 4;
        let mut extra = Vec::new();
        b.extend(u16b(tags.len() as u16));
        for (tag, kind, values) in &tags {
            b.extend(u16b(*tag));
            b.extend(u16b(*kind));
            b.extend(u32b(values.len() as u32));
            let bytes: Vec<u8> = values
                .iter()
                .flat_map(|&v| {
                    if *kind == SHORT {
                        u16b(v as u16).to_vec()
                    } else {
                        u32b(v).to_vec()
                    }
                })
                .collect();
            if bytes.len() <= 4 {
                b.extend(&bytes);
                b.extend(vec![0; 4 - bytes.len()]);
            } else {
                b.extend(u32b(extra_at as u32));
                extra_at += bytes.len();
                extra.extend(bytes);
            }
        }
        next_pointer = b.len();
        b.extend([0; 4]);
        b.extend(extra);
    }
    b
}

/// The usual tags of an uncompressed single-strip page: size, bits (one value per sample),
/// compression, photometric, samples per pixel, rows per strip.
pub(super) fn basic(
    w: u32,
    h: u32,
    bits: &[u32],
    compression: u32,
    photometric: u32,
) -> Vec<Entry> {
    vec![
        (256, LONG, vec![w]),
        (257, LONG, vec![h]),
        (258, SHORT, bits.to_vec()),
        (259, SHORT, vec![compression]),
        (262, SHORT, vec![photometric]),
        (277, SHORT, vec![bits.len() as u32]),
        (278, LONG, vec![h]),
    ]
}

/// Rewrites a tag's inline SHORT or LONG value in the first IFD of a little-endian TIFF.
pub(super) fn set_tag(b: &mut [u8], tag: u16, value: u32) {
    assert!(b.starts_with(b"II"));
    let ifd = u32::from_le_bytes(b[4..8].try_into().unwrap()) as usize;
    let n = u16::from_le_bytes([b[ifd], b[ifd + 1]]) as usize;
    for e in (0..n).map(|i| ifd + 2 + 12 * i) {
        if u16::from_le_bytes([b[e], b[e + 1]]) == tag {
            match u16::from_le_bytes([b[e + 2], b[e + 3]]) {
                SHORT => b[e + 8..e + 10].copy_from_slice(&(value as u16).to_le_bytes()),
                _ => b[e + 8..e + 12].copy_from_slice(&value.to_le_bytes()),
            }
            return;
        }
    }
    panic!("no tag {tag}");
}

/// A plain profile: no border crop or deskew, so stored pixels are the decoded ones.
pub(super) fn plain() -> Profile {
    let mut p = Profile::default();
    p.borders.enabled = false;
    p.deskew.enabled = false;
    p
}

/// Every page through the whole pipeline (decode, normalize, encode).
pub(super) fn pages(bytes: &[u8], profile: &Profile) -> Result<Vec<PreparedPage>, PageError> {
    let mut out = Vec::new();
    crate::read_pages(bytes, profile, &mut |p| {
        out.push(p);
        Ok(())
    })?;
    Ok(out)
}

/// The error of a file that must be refused.
pub(super) fn error(bytes: &[u8], profile: &Profile) -> PageError {
    match pages(bytes, profile) {
        Ok(p) => panic!(
            "read as {} page(s), {}x{}",
            p.len(),
            p[0].width,
            p[0].height
        ),
        Err(e) => e,
    }
}

/// Every page as decoded (before normalization), with its Orientation; panics on an error.
pub(super) fn decoded(bytes: &[u8]) -> Vec<(Raster, u8)> {
    super::tiff_reference_tests::rasters(bytes)
        .unwrap_or_else(|e| panic!("refused: {} {}", e.code, e.en))
}

/// The one page of a file as decoded; panics on an error.
pub(super) fn raster(bytes: &[u8]) -> Raster {
    let mut pages = decoded(bytes);
    assert_eq!(pages.len(), 1);
    pages.remove(0).0
}

/// The error decoding a file that must be refused.
pub(super) fn decode_error(bytes: &[u8]) -> PageError {
    match super::tiff_reference_tests::rasters(bytes) {
        Ok(p) => panic!("decoded {} page(s)", p.len()),
        Err(e) => e,
    }
}

/// The stored pixels of a Flate page.
pub(super) fn inflate(page: &PreparedPage) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(&page.data[..])
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Packs samples of `bits` bits, MSB first, rows byte-aligned.
pub(super) fn pack(values: &[u8], w: u32, bits: u8) -> Vec<u8> {
    let row = (w as usize * bits as usize).div_ceil(8);
    let mut out = Vec::new();
    for r in values.chunks(w as usize) {
        let mut bytes = vec![0u8; row];
        for (x, &v) in r.iter().enumerate() {
            let bit = x * bits as usize;
            bytes[bit / 8] |= v << (8 - bits as usize - bit % 8);
        }
        out.extend(bytes);
    }
    out
}

/// PackBits as literal runs only (valid, if not small).
pub(super) fn packbits(data: &[u8]) -> Vec<u8> {
    data.chunks(128)
        .flat_map(|c| std::iter::once(c.len() as u8 - 1).chain(c.iter().copied()))
        .collect()
}

/// 16-bit samples as bytes in a file's order.
pub(super) fn words(values: &[u16], little: bool) -> Vec<u8> {
    values
        .iter()
        .flat_map(|&v| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        })
        .collect()
}

/// A 1-bit page with text-like marks, as 0/255 pixels.
pub(super) fn marks(w: u32, h: u32) -> Vec<u8> {
    (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            if (y / 3 % 4 == 1 && x % 11 < 8) || x % 37 == 5 {
                0
            } else {
                255
            }
        })
        .collect()
}
