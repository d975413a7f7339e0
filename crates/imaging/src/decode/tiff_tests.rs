//! Hostile and unusual TIFFs, built here byte by byte or with the `tiff` encoder: declared sizes
//! over the limits, strips that end early or point past the file, palette images.

use super::tiff_test_util::{
    error, inflate, marks, pack, packbits, pages, plain, set_tag, tiff, Entry, LONG, SHORT,
};
use crate::normalize::Profile;
use crate::page::Colour;
use crate::read_pages;
use tiff::encoder::{colortype, Compression, TiffEncoder};
use tiff::tags::Tag;

fn g4_tags(w: u32, h: u32, fill_order: u32) -> Vec<Entry> {
    vec![
        (256, LONG, vec![w]),
        (257, LONG, vec![h]),
        (258, SHORT, vec![1]),
        (259, SHORT, vec![4]),
        (262, SHORT, vec![0]),
        (266, SHORT, vec![fill_order]),
        (277, SHORT, vec![1]),
        (278, LONG, vec![h]),
    ]
}

fn g4_tiff(w: u32, h: u32, fill_order: u32, strip: Vec<u8>) -> Vec<u8> {
    tiff(g4_tags(w, h, fill_order), &[strip])
}

#[test]
fn a_g4_fill_order_2_tiff_with_a_huge_width_is_refused() {
    let junk: Vec<u8> = (0..13_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    for (w, h) in [(0xFFFF_FFFF, 3_500), (60_000, 60_000)] {
        let t = g4_tiff(w, h, 2, junk.clone());
        let e = error(&t, &Profile::default());
        assert_eq!(e.code, "page.too_large", "{w}x{h}: {}", e.en);
        assert!(e.en.contains(&format!("{w}x{h}")), "{}", e.en);
    }
}

#[test]
fn a_tiff_with_more_frames_than_the_limit_is_refused_before_any_is_decoded() {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut buf).unwrap();
    for _ in 0..3 {
        enc.write_image::<colortype::Gray8>(8, 8, &[200u8; 64])
            .unwrap();
    }
    let t = buf.into_inner();
    let mut p = plain();
    assert_eq!(pages(&t, &p).unwrap().len(), 3);
    p.limits.max_pages_per_file = 2;
    let mut decoded = 0;
    let e = read_pages(&t, &p, &mut |_| {
        decoded += 1;
        Ok(())
    })
    .unwrap_err();
    assert_eq!((e.code, decoded), ("page.too_large", 0), "{}", e.en);
}

#[test]
fn g4_strips_that_end_early_are_an_error() {
    let (w, h) = (200, 120);
    let g4 = crate::g4_encode(&marks(w, h), w, h);
    // Whole, both fill orders read; cut in half, neither is stored.
    for fill_order in [1, 2] {
        let strip = |data: &[u8]| -> Vec<u8> {
            if fill_order == 2 {
                data.iter().map(|b| b.reverse_bits()).collect()
            } else {
                data.to_vec()
            }
        };
        let good = pages(&g4_tiff(w, h, fill_order, strip(&g4)), &plain()).unwrap();
        assert_eq!(good[0].colour, Colour::Bilevel);
        let cut = g4_tiff(w, h, fill_order, strip(&g4[..g4.len() / 2]));
        let e = error(&cut, &plain());
        assert!(
            matches!(e.code, "page.incomplete" | "page.corrupt"),
            "fill order {fill_order}: {} {}",
            e.code,
            e.en
        );
    }
}

fn gray8(w: u32, h: u32, strip_bytes: Option<u32>, offset: Option<u32>) -> Vec<u8> {
    let px: Vec<u8> = (0..w * h).map(|i| (i * 5 % 256) as u8).collect();
    let mut tags = vec![
        (256, LONG, vec![w]),
        (257, LONG, vec![h]),
        (258, SHORT, vec![8]),
        (259, SHORT, vec![1]),
        (262, SHORT, vec![1]),
        (277, SHORT, vec![1]),
        (278, LONG, vec![h]),
    ];
    if let Some(n) = strip_bytes {
        tags.push((279, LONG, vec![n]));
    }
    if let Some(o) = offset {
        tags.push((273, LONG, vec![o]));
    }
    tiff(tags, &[px])
}

#[test]
fn an_uncompressed_strip_shorter_than_its_rows_is_an_error() {
    let (w, h) = (64, 48);
    assert_eq!(pages(&gray8(w, h, None, None), &plain()).unwrap().len(), 1);
    // The byte count says half: what follows the strip (the IFD) is not pixels.
    let e = error(&gray8(w, h, Some(w * h / 2), None), &plain());
    assert_eq!(e.code, "page.incomplete", "{}", e.en);
    assert!(e.en.contains("1536") && e.en.contains("3072"), "{}", e.en);
}

#[test]
fn a_strip_pointing_past_the_end_of_the_file_is_an_error() {
    let (w, h) = (64, 48);
    let t = gray8(w, h, None, None);
    let past = gray8(w, h, None, Some(t.len() as u32 - 100));
    let e = error(&past, &plain());
    assert_eq!(e.code, "page.truncated", "{}", e.en);
    assert!(e.en.contains("past the end"), "{}", e.en);
    let e = error(&gray8(w, h, None, Some(u32::MAX - 10)), &plain());
    assert_eq!(e.code, "page.truncated", "{}", e.en);
}

/// An 8-bit gray image written by the `tiff` encoder, then declared twice as tall.
fn declared_taller(compression: Compression) -> Vec<u8> {
    let (w, h) = (64u32, 32u32);
    let px: Vec<u8> = (0..w * h).map(|i| (i * 7 % 256) as u8).collect();
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut buf)
        .unwrap()
        .with_compression(compression);
    let mut img = enc.new_image::<colortype::Gray8>(w, h).unwrap();
    img.rows_per_strip(h).unwrap();
    img.write_data(&px).unwrap();
    let mut t = buf.into_inner();
    assert_eq!(pages(&t, &plain()).unwrap().len(), 1);
    set_tag(&mut t, 257, 2 * h);
    set_tag(&mut t, 278, 2 * h);
    t
}

#[test]
fn compressed_strips_that_inflate_to_fewer_rows_than_declared_are_an_error() {
    for compression in [
        Compression::Lzw,
        Compression::Deflate(tiff::encoder::DeflateLevel::Balanced),
        Compression::Packbits,
    ] {
        let e = error(&declared_taller(compression), &plain());
        assert_eq!(e.code, "page.incomplete", "{}", e.en);
    }
}

/// A palette image: a ColorMap of 2^bits colours as 16-bit values (`v * 257`, as libtiff
/// writes them), indices in a pattern using every colour.
fn palette_image(w: u32, h: u32, bits: u8) -> (Vec<u8>, Vec<u16>, Vec<u8>) {
    let colours = 1usize << bits;
    let map: Vec<u16> = (0..3)
        .flat_map(|c| (0..colours).map(move |i| ((i * 37 + c * 91 + 13) % 256) as u16 * 257))
        .collect();
    let indices: Vec<u8> = (0..w * h)
        .map(|i| ((i % w + i / w * 3) % colours as u32) as u8)
        .collect();
    let rgb = indices
        .iter()
        .flat_map(|&i| (0..3).map(move |c| (((i as usize) * 37 + c * 91 + 13) % 256) as u8))
        .collect();
    (indices, map, rgb)
}

fn palette_tiff(w: u32, h: u32, bits: u8, compression: &str) -> (Vec<u8>, Vec<u8>) {
    let (indices, map, rgb) = palette_image(w, h, bits);
    let packed = pack(&indices, w, bits);
    let bytes = match compression {
        "none" | "packbits" => {
            let (code, data) = if compression == "none" {
                (1, packed)
            } else {
                (32773, packbits(&packed))
            };
            let map32: Vec<u32> = map.iter().map(|&v| v as u32).collect();
            tiff(
                vec![
                    (256, LONG, vec![w]),
                    (257, LONG, vec![h]),
                    (258, SHORT, vec![bits as u32]),
                    (259, SHORT, vec![code]),
                    (262, SHORT, vec![3]),
                    (277, SHORT, vec![1]),
                    (278, LONG, vec![h]),
                    (320, SHORT, map32),
                ],
                &[data],
            )
        }
        _ => {
            // The encoder writes 8-bit gray: its bytes are the packed indices, one "pixel"
            // per byte; the width and bit depth are set right afterwards.
            let row = (w as usize * bits as usize).div_ceil(8) as u32;
            let mut buf = std::io::Cursor::new(Vec::new());
            let mut enc = TiffEncoder::new(&mut buf)
                .unwrap()
                .with_compression(Compression::Lzw);
            let mut img = enc.new_image::<colortype::Gray8>(row, h).unwrap();
            img.rows_per_strip(h).unwrap();
            img.encoder()
                .write_tag(Tag::PhotometricInterpretation, 3u16)
                .unwrap();
            img.encoder().write_tag(Tag::ColorMap, &map[..]).unwrap();
            img.write_data(&packed).unwrap();
            let mut t = buf.into_inner();
            set_tag(&mut t, 256, w);
            set_tag(&mut t, 258, bits as u32);
            t
        }
    };
    (bytes, rgb)
}

#[test]
fn palette_tiffs_are_expanded_to_rgb() {
    for bits in [1u8, 2, 4, 8] {
        for compression in ["none", "lzw", "packbits"] {
            let (w, h) = (61, 23);
            let (t, rgb) = palette_tiff(w, h, bits, compression);
            let what = format!("{bits}-bit, {compression}");
            let p = match pages(&t, &plain()) {
                Ok(p) => p,
                Err(e) => panic!("{what}: {} {}", e.code, e.en),
            };
            assert_eq!((p[0].width, p[0].height), (w, h), "{what}");
            assert_eq!(p[0].colour, Colour::Rgb, "{what}");
            assert_eq!(p[0].conversions, ["palette-expanded"], "{what}");
            assert_eq!(inflate(&p[0]), rgb, "{what}");
        }
    }
}

#[test]
fn a_palette_index_outside_the_colormap_is_an_error() {
    let (w, h) = (16, 4);
    let indices: Vec<u8> = (0..w * h).map(|i| (i % 16) as u8).collect();
    // Four colours for 4-bit indices that go up to 15.
    let map: Vec<u32> = (0..12).map(|i| i * 5000).collect();
    let t = tiff(
        vec![
            (256, LONG, vec![w]),
            (257, LONG, vec![h]),
            (258, SHORT, vec![4]),
            (259, SHORT, vec![1]),
            (262, SHORT, vec![3]),
            (277, SHORT, vec![1]),
            (278, LONG, vec![h]),
            (320, SHORT, map),
        ],
        &[pack(&indices, w, 4)],
    );
    let e = error(&t, &plain());
    assert_eq!(e.code, "page.corrupt", "{}", e.en);
}

fn jpeg_tiff(jpeg: Vec<u8>, w: u32, h: u32) -> Vec<u8> {
    tiff(
        vec![
            (256, LONG, vec![w]),
            (257, LONG, vec![h]),
            (258, SHORT, vec![8]),
            (259, SHORT, vec![7]),
            (262, SHORT, vec![1]),
            (277, SHORT, vec![1]),
            (278, LONG, vec![h]),
        ],
        &[jpeg],
    )
}

#[test]
fn a_jpeg_compressed_tiff_with_damaged_scan_data_is_an_error() {
    let (w, h) = (160u16, 120u16);
    let mut seed = 0x9e37_79b9_u32;
    let px: Vec<u8> = (0..w as u32 * h as u32)
        .map(|i| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            ((i % w as u32) + (seed & 0x3f)) as u8
        })
        .collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&px, w, h, jpeg_encoder::ColorType::Luma)
        .unwrap();
    let good = pages(&jpeg_tiff(jpeg.clone(), w as u32, h as u32), &plain()).unwrap();
    assert_eq!((good[0].width, good[0].colour), (w as u32, Colour::Gray));
    // 70 % of the scan data cut from its middle, the EOI kept.
    let sos = (0..jpeg.len())
        .find(|&i| jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA)
        .unwrap();
    let start = sos + 2 + u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]) as usize;
    let len = jpeg.len() - 2 - start;
    let from = start + len * 15 / 100;
    let damaged = [&jpeg[..from], &jpeg[from + len * 70 / 100..]].concat();
    let e = error(&jpeg_tiff(damaged, w as u32, h as u32), &plain());
    assert!(
        matches!(e.code, "page.incomplete" | "page.corrupt"),
        "{} {}",
        e.code,
        e.en
    );
}

#[test]
fn gray_with_an_alpha_sample_is_shown_over_white() {
    // Two 8-bit samples per pixel (gray, unassociated alpha), as Leptonica's gray-alpha.tif:
    // transparent black, opaque black, half-transparent gray, opaque white.
    let (w, h) = (4u32, 1u32);
    let t = tiff(
        vec![
            (256, LONG, vec![w]),
            (257, LONG, vec![h]),
            (258, SHORT, vec![8, 8]),
            (259, SHORT, vec![1]),
            (262, SHORT, vec![1]),
            (277, SHORT, vec![2]),
            (278, LONG, vec![h]),
            (338, SHORT, vec![2]),
        ],
        &[vec![0u8, 0, 0, 255, 100, 128, 255, 255]],
    );
    let p = pages(&t, &plain()).unwrap_or_else(|e| panic!("{}", e.en));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].colour, Colour::Gray);
    let gray = crate::stored::gray_of_stored(&p[0]).unwrap();
    for (got, want) in gray.pixels.iter().zip([255u8, 0, 178, 255]) {
        assert!(got.abs_diff(want) <= 1, "{:?}", gray.pixels);
    }
}

#[test]
fn g4_with_fill_order_2_reads_like_fill_order_1_in_both_photometrics() {
    let (w, h) = (90, 40);
    let g4 = crate::g4_encode(&marks(w, h), w, h);
    for photometric in [0u32, 1] {
        let page = |fill_order: u32| {
            let strip: Vec<u8> = if fill_order == 2 {
                g4.iter().map(|b| b.reverse_bits()).collect()
            } else {
                g4.clone()
            };
            let mut tags = g4_tags(w, h, fill_order);
            tags.retain(|t| t.0 != 262);
            tags.push((262, SHORT, vec![photometric]));
            super::tiff_test_util::raster(&tiff(tags, &[strip]))
        };
        let (one, two) = (page(1), page(2));
        assert_eq!(one.pixels, two.pixels, "photometric {photometric}");
        assert!(two.source_bilevel);
        // Min-is-white (the fax convention) shows the marks black; min-is-black inverts them.
        let want: Vec<u8> = marks(w, h)
            .iter()
            .map(|&v| if photometric == 0 { v } else { 255 - v })
            .collect();
        assert_eq!(two.pixels, want, "photometric {photometric}");
    }
}
