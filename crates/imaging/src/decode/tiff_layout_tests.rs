//! How TIFF pages are laid out, read whatever the layout: separate colour planes in strips and
//! in tiles, every lossless compression with and without the horizontal predictor, JPEG with
//! shared tables (JPEGTables) in YCbCr and gray, and multi-page files whose pages are of
//! different kinds.

use super::tiff_test_util::{
    basic, decoded, error, marks, pack, packbits, pages, plain, raster, set_tag, tiff, tiff_pages,
    words, Entry, Page, LONG, SHORT,
};
use crate::page::Colour;
use std::io::Cursor;
use tiff::encoder::{colortype, Compression, DeflateLevel, Predictor, TiffEncoder};

/// An RGB test picture, 8-bit, `w`x`h`, samples side by side.
fn picture(w: u32, h: u32) -> Vec<u8> {
    (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            [(x * 5 + y) as u8, (y * 7) as u8, (x * y + 3) as u8]
        })
        .collect()
}

/// Sample `s` of every pixel of the region (x0, y0, width, height) of a picture with `spp`
/// samples per pixel; `pad` outside the picture.
fn plane_of<T: Copy>(px: &[T], w: u32, spp: usize, s: usize, region: [u32; 4], pad: T) -> Vec<T> {
    let [x0, y0, tw, th] = region;
    let h = (px.len() / spp) as u32 / w;
    let mut out = Vec::new();
    for y in y0..y0 + th {
        for x in x0..x0 + tw {
            out.push(if x < w && y < h {
                px[((y * w + x) as usize) * spp + s]
            } else {
                pad
            });
        }
    }
    out
}

#[test]
fn separate_colour_planes_read_as_contiguous_pixels_in_strips_and_tiles() {
    let (w, h) = (40u32, 27u32);
    let rgb = picture(w, h);
    let rgba: Vec<u8> = rgb
        .chunks(3)
        .enumerate()
        .flat_map(|(i, p)| [p[0], p[1], p[2], if i % 3 == 0 { 255 } else { 0 }])
        .collect();
    let want_rgba: Vec<u8> = rgba
        .chunks(4)
        .flat_map(|p| {
            if p[3] == 255 {
                [p[0], p[1], p[2]]
            } else {
                [255; 3]
            }
        })
        .collect();
    for little in [true, false] {
        for (spp, px, want) in [(3usize, &rgb, &rgb), (4, &rgba, &want_rgba)] {
            for wide in [false, true] {
                let bits = if wide { 16 } else { 8 };
                let bytes = |v: Vec<u8>| {
                    if wide {
                        let w16: Vec<u16> = v.iter().map(|&x| u16::from(x) * 257).collect();
                        words(&w16, little)
                    } else {
                        v
                    }
                };
                let mut common: Vec<Entry> = basic(w, h, &vec![bits; spp], 1, 2);
                common.retain(|e| e.0 != 278);
                common.push((284, SHORT, vec![2]));
                if spp == 4 {
                    common.push((338, SHORT, vec![2]));
                }
                // Strips of 8 rows, each plane after the other.
                let mut strips = common.clone();
                strips.push((278, LONG, vec![8]));
                let chunks: Vec<Vec<u8>> = (0..spp)
                    .flat_map(|s| (0..h.div_ceil(8)).map(move |k| (s, k)))
                    .map(|(s, k)| {
                        bytes(plane_of(px, w, spp, s, [0, k * 8, w, 8.min(h - k * 8)], 0))
                    })
                    .collect();
                // Tiles of 16x16 (the right and bottom ones padded with junk to whole tiles).
                let mut tiles = common.clone();
                tiles.extend([(322, SHORT, vec![16]), (323, SHORT, vec![16])]);
                let tile_chunks: Vec<Vec<u8>> = (0..spp)
                    .flat_map(|s| {
                        (0..h.div_ceil(16))
                            .flat_map(move |ty| (0..w.div_ceil(16)).map(move |tx| (s, tx, ty)))
                    })
                    .map(|(s, tx, ty)| {
                        bytes(plane_of(px, w, spp, s, [tx * 16, ty * 16, 16, 16], 0xAB))
                    })
                    .collect();
                for (layout, tags, chunks) in
                    [("strips", strips, chunks), ("tiles", tiles, tile_chunks)]
                {
                    let what = format!("{layout}, {spp} samples, {bits}-bit, little {little}");
                    let t = tiff_pages(little, vec![Page { tags, chunks }]);
                    let r = raster(&t);
                    assert_eq!(r.colour, Colour::Rgb, "{what}");
                    assert_eq!(&r.pixels, want, "{what}");
                }
            }
        }
    }
}

/// An image written by the `tiff` encoder with a compression and a predictor.
fn encoded<C: colortype::ColorType>(
    w: u32,
    h: u32,
    data: &[C::Inner],
    compression: Compression,
    predictor: Predictor,
) -> Vec<u8>
where
    [C::Inner]: tiff::encoder::TiffValue,
{
    let mut buf = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut buf)
        .unwrap()
        .with_compression(compression)
        .with_predictor(predictor);
    let mut img = enc.new_image::<C>(w, h).unwrap();
    img.rows_per_strip(7).unwrap();
    img.write_data(data).unwrap();
    buf.into_inner()
}

#[test]
fn lzw_deflate_and_packbits_read_with_and_without_the_horizontal_predictor() {
    let (w, h) = (33u32, 20u32);
    let rgb = picture(w, h);
    let gray: Vec<u8> = rgb.iter().step_by(3).copied().collect();
    let rgb16: Vec<u16> = rgb
        .iter()
        .map(|&v| (u16::from(v) * 257).saturating_add(3))
        .collect();
    let gray16: Vec<u16> = gray
        .iter()
        .map(|&v| u16::from(v) * 257 - u16::from(v > 0))
        .collect();
    for (name, compression) in [
        ("none", Compression::Uncompressed),
        ("LZW", Compression::Lzw),
        ("Deflate", Compression::Deflate(DeflateLevel::Balanced)),
        ("PackBits", Compression::Packbits),
    ] {
        for predictor in [Predictor::None, Predictor::Horizontal] {
            let what = format!("{name}, {predictor:?}");
            let files = [
                (
                    encoded::<colortype::Gray8>(w, h, &gray, compression, predictor),
                    Colour::Gray,
                    gray.clone(),
                ),
                (
                    encoded::<colortype::RGB8>(w, h, &rgb, compression, predictor),
                    Colour::Rgb,
                    rgb.clone(),
                ),
                (
                    encoded::<colortype::Gray16>(w, h, &gray16, compression, predictor),
                    Colour::Gray,
                    gray.clone(),
                ),
                (
                    encoded::<colortype::RGB16>(w, h, &rgb16, compression, predictor),
                    Colour::Rgb,
                    rgb.clone(),
                ),
            ];
            for (t, colour, want) in files {
                let r = raster(&t);
                assert_eq!((r.colour, &r.pixels), (colour, &want), "{what}");
            }
        }
    }
    // Deflate under its old code (32946), as some scanners still write it.
    let mut t = encoded::<colortype::RGB8>(
        w,
        h,
        &rgb,
        Compression::Deflate(DeflateLevel::Fast),
        Predictor::Horizontal,
    );
    set_tag(&mut t, 259, 32946);
    assert_eq!(raster(&t).pixels, rgb);
    // The floating-point predictor is for floating-point data: refused, clearly.
    let mut t = encoded::<colortype::Gray8>(w, h, &gray, Compression::Lzw, Predictor::Horizontal);
    set_tag(&mut t, 317, 3);
    let e = error(&t, &plain());
    assert_eq!((e.code, e.page), ("page.unsupported", Some(1)), "{}", e.en);
    assert!(e.en.contains("Predictor=3"), "{}", e.en);
}

/// A JPEG split as JPEG-in-TIFF writers split it: the tables (SOI, DQT, DHT, EOI) for the
/// JPEGTables tag, and the rest (SOI, frame, scan, EOI) for the strip.
fn split_tables(jpeg: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (mut tables, mut rest) = (vec![0xFF, 0xD8], vec![0xFF, 0xD8]);
    let mut at = 2;
    while at + 4 <= jpeg.len() {
        let marker = jpeg[at + 1];
        if marker == 0xDA {
            rest.extend(&jpeg[at..]);
            break;
        }
        let len = u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
        let segment = &jpeg[at..at + 2 + len];
        if marker == 0xDB || marker == 0xC4 {
            tables.extend(segment);
        } else if marker != 0xE0 {
            rest.extend(segment);
        }
        at += 2 + len;
    }
    tables.extend([0xFF, 0xD9]);
    (tables, rest)
}

#[test]
fn jpeg_in_tiff_with_shared_tables_reads_in_ycbcr_and_gray() {
    let (w, h, rows) = (48u32, 32u32, 16u32);
    // A smooth picture: JPEG keeps it within a few levels.
    let rgb: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            [(60 + x * 3) as u8, (40 + y * 4) as u8, (200 - x - y) as u8]
        })
        .collect();
    let gray: Vec<u8> = rgb.iter().step_by(3).copied().collect();
    for (photometric, spp, px, kind) in [
        (6u32, 3usize, &rgb, jpeg_encoder::ColorType::Rgb),
        (1, 1, &gray, jpeg_encoder::ColorType::Luma),
    ] {
        let mut tables = Vec::new();
        let mut strips = Vec::new();
        for k in 0..h / rows {
            let part = &px[(k * rows * w) as usize * spp..((k + 1) * rows * w) as usize * spp];
            let mut jpeg = Vec::new();
            let mut enc = jpeg_encoder::Encoder::new(&mut jpeg, 95);
            enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
            enc.encode(part, w as u16, rows as u16, kind).unwrap();
            let (t, strip) = split_tables(&jpeg);
            tables = t;
            strips.push(strip);
        }
        let mut tags = basic(w, h, &vec![8; spp], 7, photometric);
        tags.retain(|e| e.0 != 278);
        tags.push((278, LONG, vec![rows]));
        let tables_tag: Vec<u32> = tables.iter().map(|&b| u32::from(b)).collect();
        // JPEGTables is UNDEFINED bytes; written here as SHORTs it would not be: use the
        // `tiff` encoder's tag writer instead.
        let t = with_jpeg_tables(tiff(tags, &strips), &tables_tag);
        let r = raster(&t);
        let what = format!("photometric {photometric}");
        assert_eq!(
            r.colour,
            if spp == 3 { Colour::Rgb } else { Colour::Gray },
            "{what}"
        );
        let conversions: &[&str] = if spp == 3 { &["ycbcr-to-rgb"] } else { &[] };
        assert_eq!(r.conversions, conversions, "{what}");
        let diff: u64 = r
            .pixels
            .iter()
            .zip(px.iter())
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        let mean = diff as f64 / px.len() as f64;
        assert!(mean < 3.0, "{what}: {mean:.2} levels off on average");
    }
}

/// Appends a JPEGTables tag (UNDEFINED bytes) to the one IFD of a little-endian TIFF built by
/// `tiff()`: the IFD is copied to the end with one more entry.
fn with_jpeg_tables(mut b: Vec<u8>, tables: &[u32]) -> Vec<u8> {
    let ifd = u32::from_le_bytes(b[4..8].try_into().unwrap()) as usize;
    let n = u16::from_le_bytes([b[ifd], b[ifd + 1]]) as usize;
    let mut entries: Vec<[u8; 12]> = (0..n)
        .map(|i| b[ifd + 2 + 12 * i..ifd + 14 + 12 * i].try_into().unwrap())
        .collect();
    // Out-of-line values stay where they are: only the entries move.
    let data_at = b.len() as u32;
    b.extend(tables.iter().map(|&v| v as u8));
    if b.len() % 2 == 1 {
        b.push(0);
    }
    let mut e = [0u8; 12];
    e[0..2].copy_from_slice(&347u16.to_le_bytes());
    e[2..4].copy_from_slice(&7u16.to_le_bytes());
    e[4..8].copy_from_slice(&(tables.len() as u32).to_le_bytes());
    e[8..12].copy_from_slice(&data_at.to_le_bytes());
    entries.push(e);
    entries.sort_by_key(|e| u16::from_le_bytes([e[0], e[1]]));
    let new_ifd = b.len() as u32;
    b[4..8].copy_from_slice(&new_ifd.to_le_bytes());
    b.extend((entries.len() as u16).to_le_bytes());
    entries.iter().for_each(|e| b.extend(e));
    b.extend(0u32.to_le_bytes());
    b
}

/// The pages of a mixed multi-page file: a G4 page, 8-bit gray, 16-bit RGB, a 4-bit gray
/// palette and an 8-bit colour palette.
fn mixed(little: bool) -> Vec<Page> {
    let (w, h) = (64u32, 48u32);
    let g4 = crate::g4_encode(&marks(w, h), w, h);
    let gray: Vec<u8> = (0..w * h).map(|i| (i % 200) as u8 + 30).collect();
    let rgb16: Vec<u16> = picture(w, h).iter().map(|&v| u16::from(v) * 257).collect();
    let indices: Vec<u8> = (0..w * h).map(|i| (i % 16) as u8).collect();
    let gray_map: Vec<u32> = (0..3).flat_map(|_| (0..16).map(|i| i * 17 * 257)).collect();
    let colour_map: Vec<u32> = (0..3)
        .flat_map(|c| (0..256u32).map(move |i| (i * 97 + c * 50) % 256 * 257))
        .collect();
    let with = |mut tags: Vec<Entry>, extra: Vec<Entry>| {
        tags.extend(extra);
        tags
    };
    vec![
        Page {
            tags: basic(w, h, &[1], 4, 0),
            chunks: vec![g4],
        },
        Page {
            tags: basic(w, h, &[8], 32773, 1),
            chunks: vec![packbits(&gray)],
        },
        Page {
            tags: basic(w, h, &[16; 3], 1, 2),
            chunks: vec![words(&rgb16, little)],
        },
        Page {
            tags: with(basic(w, h, &[4], 1, 3), vec![(320, SHORT, gray_map)]),
            chunks: vec![pack(&indices, w, 4)],
        },
        Page {
            tags: with(basic(w, h, &[8], 1, 3), vec![(320, SHORT, colour_map)]),
            chunks: vec![indices.clone()],
        },
    ]
}

#[test]
fn a_multi_page_file_of_mixed_kinds_gives_every_page_in_order_each_its_own_kind() {
    for little in [true, false] {
        let t = tiff_pages(little, mixed(little));
        let p = pages(&t, &plain()).unwrap();
        let kinds: Vec<(u32, Colour)> = p.iter().map(|p| (p.frame, p.colour)).collect();
        use Colour::*;
        assert_eq!(
            kinds,
            [(0, Bilevel), (1, Gray), (2, Rgb), (3, Gray), (4, Rgb)],
            "little {little}"
        );
        let d = decoded(&t);
        assert_eq!(d[0].0.pixels, marks(64, 48));
        assert_eq!(d[2].0.pixels, picture(64, 48));
        assert_eq!(d[2].0.conversions, ["16-to-8-bit"]);
        assert_eq!(d[3].0.pixels[..3], [0, 17, 34]);
        assert_eq!(d[4].0.conversions, ["palette-expanded"]);
    }
    // A page sohoa refuses in the middle is named; the pages before it were handed on.
    let mut bad = mixed(true);
    bad[2].tags = basic(64, 48, &[12; 3], 1, 2);
    let t = tiff_pages(true, bad);
    let mut handed = 0;
    let e = crate::read_pages(&t, &plain(), &mut |_| {
        handed += 1;
        Ok(())
    })
    .unwrap_err();
    assert_eq!(
        (e.code, e.page, handed),
        ("page.unsupported", Some(3), 2),
        "{}",
        e.en
    );
}
