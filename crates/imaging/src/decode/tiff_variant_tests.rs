//! TIFF sample variants read as a viewer shows them, each built here byte by byte: colour maps
//! (gray maps to gray, 16-bit and 8-bit entries), min-is-black and min-is-white at every depth,
//! 16-bit rounding, alpha (associated or not), CMYK, the Orientation tag, and the variants
//! refused with a clear error.

use super::encode::to_8bit;
use super::tiff_test_util::{
    basic, decode_error, error, pack, pages, plain, raster, tiff, tiff_pages, words, Entry, Page,
    LONG, SHORT,
};
use crate::page::Colour;

/// A palette page of `w`x`h` `bits`-bit indices (every colour used) and its ColorMap given as
/// (R, G, B) 16-bit entries. Returns the file and the indices.
fn palette_tiff(w: u32, h: u32, bits: u8, map: &[[u16; 3]]) -> (Vec<u8>, Vec<u8>) {
    let colours = map.len() as u32;
    let indices: Vec<u8> = (0..w * h)
        .map(|i| ((i % w + i / w * 3) % colours) as u8)
        .collect();
    let colormap: Vec<u32> = (0..3)
        .flat_map(|c| map.iter().map(move |e| u32::from(e[c])))
        .collect();
    let mut tags = basic(w, h, &[u32::from(bits)], 1, 3);
    tags.push((320, SHORT, colormap));
    (tiff(tags, &[pack(&indices, w, bits)]), indices)
}

#[test]
fn a_colour_map_of_grays_gives_a_gray_page_at_every_index_depth() {
    for bits in [1u8, 2, 4, 8] {
        let n = 1u32 << bits;
        let level = |i: u32| (i * 255 / (n - 1)) as u8;
        // libtiff writes v * 257, others v << 8: the high byte is the value either way.
        for (writer, entry) in [("v*257", 257u16), ("v<<8", 256)] {
            let map: Vec<[u16; 3]> = (0..n).map(|i| [u16::from(level(i)) * entry; 3]).collect();
            let (t, indices) = palette_tiff(37, 11, bits, &map);
            let r = raster(&t);
            let what = format!("{bits}-bit, {writer}");
            assert_eq!(r.colour, Colour::Gray, "{what}");
            assert_eq!(r.conversions, ["palette-expanded"], "{what}");
            let want: Vec<u8> = indices.iter().map(|&i| level(u32::from(i))).collect();
            assert_eq!(r.pixels, want, "{what}");
            assert_eq!(r.source_bilevel, bits == 1, "{what}");
        }
    }
}

#[test]
fn a_colour_palette_stays_rgb_with_each_entry_s_high_byte() {
    // 0x12FF is 0x12, not rounded up: the map's high byte, as libtiff shows it.
    let map = [
        [0x12FF, 0x0000, 0xFFFF],
        [0x8000, 0x80FF, 0x0100],
        [0, 0, 0],
        [0xFFFF, 0xFFFF, 0xFFFF],
    ];
    let (t, indices) = palette_tiff(9, 4, 2, &map);
    let r = raster(&t);
    assert_eq!(r.colour, Colour::Rgb);
    let want: Vec<u8> = indices
        .iter()
        .flat_map(|&i| map[i as usize].map(|v| (v >> 8) as u8))
        .collect();
    assert_eq!(r.pixels, want);
    assert_eq!(r.conversions, ["palette-expanded"]);
    // Without its ColorMap a palette page has no colours: damaged, not guessed.
    let mut tags = basic(9, 4, &[2], 1, 3);
    tags.retain(|e| e.0 != 320);
    let e = decode_error(&tiff(tags, &[vec![0; 12]]));
    assert_eq!(e.code, "page.corrupt", "{}", e.en);
    assert!(e.en.contains("without a ColorMap"), "{}", e.en);
}

/// The page: 4-bit gray text with a ColorMap written with 8-bit values (0, 17, ... 255).
/// Read as 16-bit entries every colour is under 1/256 of white: a black page. libtiff and
/// ImageMagick read such a map as 8-bit, and show the text.
#[test]
fn a_four_bit_gray_page_with_an_8_bit_colour_map_is_read_as_viewers_show_it() {
    let (w, h) = (300u32, 200u32);
    let marks = super::tiff_test_util::marks(w, h);
    let indices: Vec<u8> = marks.iter().map(|&m| if m == 0 { 2 } else { 15 }).collect();
    let build = |entry: u16| {
        let map: Vec<u32> = (0..3)
            .flat_map(|_| (0..16u32).map(|i| i * 17 * u32::from(entry)))
            .collect();
        let mut tags = basic(w, h, &[4], 1, 3);
        tags.push((320, SHORT, map));
        tags.push((282, LONG, vec![300]));
        tiff(tags, &[pack(&indices, w, 4)])
    };
    let want: Vec<u8> = indices.iter().map(|&i| i * 17).collect();
    let eight = raster(&build(1));
    assert_eq!(eight.colour, Colour::Gray);
    assert_eq!(eight.conversions, ["palette-expanded", "colormap-8-bit"]);
    assert_eq!(eight.pixels, want);
    // The same page with 16-bit entries: the same pixels.
    let sixteen = raster(&build(257));
    assert_eq!(sixteen.pixels, want);
    assert_eq!(sixteen.conversions, ["palette-expanded"]);
    // Through the pipeline: a page of text, neither nearly black nor blank.
    let p = pages(&build(1), &plain()).unwrap();
    let n = p[0].normalization.as_ref().unwrap();
    assert!(!n.near_black && !n.blank, "{n:?}");
    assert!(n.ink > 0.05, "{n:?}");
    let codes: Vec<&str> = p[0].warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(
        !codes.contains(&"page.near_black") && !codes.contains(&"page.blank"),
        "{codes:?}"
    );
}

/// Gray samples of `bits` bits: the file for both photometrics and the stored values.
fn gray_tiff(little: bool, bits: u8, photometric: u32, values: &[u16], w: u32) -> Vec<u8> {
    let h = values.len() as u32 / w;
    let data = if bits == 16 {
        words(values, little)
    } else {
        let v: Vec<u8> = values.iter().map(|&v| v as u8).collect();
        pack(&v, w, bits)
    };
    tiff_pages(
        little,
        vec![Page {
            tags: basic(w, h, &[u32::from(bits)], 1, photometric),
            chunks: vec![data],
        }],
    )
}

#[test]
fn min_is_black_and_min_is_white_gray_read_at_1_2_4_8_and_16_bits() {
    let (w, h) = (13u32, 7u32);
    for little in [true, false] {
        for bits in [1u8, 2, 4, 8, 16] {
            let max = ((1u32 << bits) - 1) as u16;
            let values: Vec<u16> = (0..w * h)
                .map(|i| {
                    (i.wrapping_mul(2_654_435_761).wrapping_mul(i + 1) % (u32::from(max) + 1))
                        as u16
                })
                .collect();
            for photometric in [0u32, 1] {
                let t = gray_tiff(little, bits, photometric, &values, w);
                let r = raster(&t);
                let what = format!("{bits}-bit, photometric {photometric}, little {little}");
                let shown = |v: u16| if photometric == 0 { max - v } else { v };
                let want: Vec<u8> = values
                    .iter()
                    .map(|&v| match bits {
                        16 => to_8bit(shown(v)),
                        // 2 and 4-bit gray scaled exactly: v * 255 / max.
                        _ => (u32::from(shown(v)) * 255 / u32::from(max)) as u8,
                    })
                    .collect();
                assert_eq!(r.colour, Colour::Gray, "{what}");
                assert_eq!(r.pixels, want, "{what}");
                let conversions: &[&str] = if bits == 16 { &["16-to-8-bit"] } else { &[] };
                assert_eq!(r.conversions, conversions, "{what}");
                assert_eq!(r.source_bilevel, bits == 1, "{what}");
            }
        }
    }
    // The exact levels: 2-bit 0, 85, 170, 255; 4-bit multiples of 17.
    let r = raster(&gray_tiff(true, 2, 1, &[0, 1, 2, 3], 4));
    assert_eq!(r.pixels, [0, 85, 170, 255]);
    let r = raster(&gray_tiff(true, 4, 0, &[0, 1, 14, 15], 4));
    assert_eq!(r.pixels, [255, 238, 17, 0]);
}

#[test]
fn sixteen_bit_samples_round_to_the_nearest_8_bit_level() {
    // (v + 128) / 257: 128 -> 0, 129 -> 1, 385 -> 1, 386 -> 2, 32896 -> 128, 65406 -> 254.
    let samples = [0u16, 128, 129, 385, 386, 32896, 65406, 65535];
    let want = [0u8, 0, 1, 1, 2, 128, 254, 255];
    for little in [true, false] {
        let r = raster(&gray_tiff(little, 16, 1, &samples, 8));
        assert_eq!(r.pixels, want, "gray, little {little}");
        let rgb: Vec<u16> = samples.iter().flat_map(|&v| [v, 65535 - v, v]).collect();
        let t = tiff_pages(
            little,
            vec![Page {
                tags: basic(8, 1, &[16, 16, 16], 1, 2),
                chunks: vec![words(&rgb, little)],
            }],
        );
        let r = raster(&t);
        assert_eq!(r.colour, Colour::Rgb);
        assert_eq!(r.conversions, ["16-to-8-bit"]);
        let want_rgb: Vec<u8> = want.iter().flat_map(|&v| [v, 255 - v, v]).collect();
        assert_eq!(r.pixels, want_rgb, "rgb, little {little}");
    }
}

/// One row of pixels with `bits` and extra samples of kind `extra` (ExtraSamples), as given.
fn with_extra(photometric: u32, bits: &[u32], extra: u32, data: Vec<u8>, w: u32) -> Vec<u8> {
    let mut tags: Vec<Entry> = basic(w, 1, bits, 1, photometric);
    tags.push((338, SHORT, vec![extra]));
    tiff(tags, &[data])
}

#[test]
fn alpha_is_laid_over_white_associated_or_not_on_gray_and_rgb() {
    // Unassociated (2): colour c at alpha a. Associated (1): colour already c * a / 255.
    let unassociated = [(0u8, 0u8), (0, 255), (100, 128), (200, 255)];
    let associated = [(0u8, 0u8), (0, 255), (50, 128), (200, 255)];
    let want = [255u8, 0, 177, 200];
    for (extra, px) in [(2, unassociated), (1, associated)] {
        let gray: Vec<u8> = px.iter().flat_map(|&(c, a)| [c, a]).collect();
        let r = raster(&with_extra(1, &[8, 8], extra, gray, 4));
        assert_eq!(
            (r.colour, &r.pixels[..]),
            (Colour::Gray, &want[..]),
            "{extra}"
        );
        assert_eq!(r.conversions, ["alpha-flattened"]);
        let rgba: Vec<u8> = px.iter().flat_map(|&(c, a)| [c, c, 0, a]).collect();
        let r = raster(&with_extra(2, &[8, 8, 8, 8], extra, rgba, 4));
        let want_rgb: Vec<u8> = want
            .iter()
            .zip(px)
            .flat_map(|(&v, (_, a))| [v, v, 255 - a])
            .collect();
        assert_eq!(
            (r.colour, &r.pixels[..]),
            (Colour::Rgb, &want_rgb[..]),
            "{extra}"
        );
        // 16-bit: the same, each sample v * 257.
        let rgba16: Vec<u16> = px
            .iter()
            .flat_map(|&(c, a)| [c, c, 0, a].map(|v| u16::from(v) * 257))
            .collect();
        let r = raster(&with_extra(2, &[16; 4], extra, words(&rgba16, true), 4));
        assert_eq!(r.pixels, want_rgb, "16-bit, {extra}");
        assert_eq!(r.conversions, ["16-to-8-bit", "alpha-flattened"]);
    }
    // Min-is-white gray with alpha: the gray sample is inverted, the alpha is not.
    let r = raster(&with_extra(
        0,
        &[8, 8],
        2,
        vec![255, 255, 0, 255, 155, 128],
        3,
    ));
    assert_eq!(r.pixels, [0, 255, 177]);
}

#[test]
fn an_extra_sample_of_unspecified_meaning_is_ignored_not_taken_for_alpha() {
    // A scanner's padding sample of 0 everywhere: read as alpha, the page would be white.
    let r = raster(&with_extra(
        2,
        &[8, 8, 8, 8],
        0,
        vec![10, 20, 30, 0, 40, 50, 60, 0],
        2,
    ));
    assert_eq!(
        (r.colour, &r.pixels[..]),
        (Colour::Rgb, &[10, 20, 30, 40, 50, 60][..])
    );
    assert_eq!(r.conversions, ["extra-samples-ignored"]);
    let r = raster(&with_extra(1, &[8, 8], 0, vec![10, 0, 200, 0], 2));
    assert_eq!((r.colour, &r.pixels[..]), (Colour::Gray, &[10, 200][..]));
    assert_eq!(r.conversions, ["extra-samples-ignored"]);
}

#[test]
fn cmyk_is_converted_to_rgb_by_the_documented_formula() {
    let px = [
        [0u8, 0, 0, 0],
        [0, 0, 0, 255],
        [255, 0, 0, 0],
        [0, 128, 0, 128],
    ];
    // r = (255 - c)(255 - k) / 255, rounded.
    let want = [255u8, 255, 255, 0, 0, 0, 0, 255, 255, 127, 63, 127];
    let t = tiff(basic(4, 1, &[8; 4], 1, 5), &[px.concat()]);
    let r = raster(&t);
    assert_eq!((r.colour, &r.pixels[..]), (Colour::Rgb, &want[..]));
    assert_eq!(r.conversions, ["cmyk-to-rgb"]);
    let wide: Vec<u16> = px.concat().iter().map(|&v| u16::from(v) * 257).collect();
    let r = raster(&tiff(basic(4, 1, &[16; 4], 1, 5), &[words(&wide, true)]));
    assert_eq!(r.pixels, want);
    assert_eq!(r.conversions, ["16-to-8-bit", "cmyk-to-rgb"]);
    // Inks that are not CMYK (InkSet 2) cannot be converted by formula.
    let mut tags = basic(4, 1, &[8; 4], 1, 5);
    tags.push((332, SHORT, vec![2]));
    let e = decode_error(&tiff(tags, &[px.concat()]));
    assert_eq!(e.code, "page.unsupported");
    assert!(e.en.contains("InkSet"), "{}", e.en);
}

#[test]
fn the_orientation_tag_turns_the_page_like_exif_and_mirrors_are_recorded() {
    let values: Vec<u16> = (0..40 * 30).map(|i| (i % 251) as u16).collect();
    let plain_page = gray_tiff(true, 8, 1, &values, 40);
    let stored = raster(&plain_page).pixels;
    for (orientation, rotate) in [
        (None, 0u16),
        (Some(1), 0),
        (Some(3), 180),
        (Some(6), 90),
        (Some(8), 270),
        (Some(2), 0),
        (Some(9), 0),
    ] {
        let mut tags = basic(40, 30, &[8], 1, 1);
        if let Some(o) = orientation {
            tags.push((274, SHORT, vec![o]));
        }
        let v: Vec<u8> = values.iter().map(|&v| v as u8).collect();
        let t = tiff(tags, &[v]);
        // The pixels stay as stored; the page turns.
        let decoded = super::tiff_test_util::decoded(&t);
        let want = match orientation {
            Some(o @ 1..=8) => o as u8,
            _ => 1,
        };
        assert_eq!(decoded[0].1, want, "{orientation:?}");
        assert_eq!(decoded[0].0.pixels, stored);
        let p = pages(&t, &plain()).unwrap();
        assert_eq!(p[0].rotate, rotate, "{orientation:?}");
        let recorded = p[0].normalization.as_ref().unwrap().exif_orientation;
        assert_eq!(recorded, (want > 1).then_some(want), "{orientation:?}");
    }
}

/// A file whose one page declares `tags` over `chunks`: refused, naming page 1.
fn refused(tags: Vec<Entry>, chunks: &[Vec<u8>], says: &str) {
    let e = error(&tiff(tags.clone(), chunks), &plain());
    assert_eq!(
        (e.code, e.page),
        ("page.unsupported", Some(1)),
        "{tags:?}: {}",
        e.en
    );
    assert!(e.en.contains(says), "{tags:?}: {}", e.en);
    assert!(!e.vi.is_empty());
}

#[test]
fn variants_sohoa_does_not_read_are_refused_with_what_to_convert_them_to() {
    let gray = |extra: Vec<Entry>| {
        let mut t = basic(8, 4, &[8], 1, 1);
        t.retain(|e| !extra.iter().any(|x| x.0 == e.0));
        t.extend(extra);
        t
    };
    let one = [vec![0u8; 32 * 8]];
    refused(basic(8, 4, &[12], 1, 1), &one, "12-bit");
    refused(basic(8, 4, &[12; 3], 1, 2), &one, "12-bit");
    refused(basic(8, 4, &[4; 3], 1, 2), &one, "4-bit");
    refused(basic(8, 4, &[32], 1, 1), &one, "32-bit");
    refused(gray(vec![(259, SHORT, vec![6])]), &one, "old-style JPEG");
    refused(gray(vec![(259, SHORT, vec![3])]), &one, "Group 3");
    refused(gray(vec![(259, SHORT, vec![34712])]), &one, "JPEG 2000");
    refused(
        gray(vec![(259, SHORT, vec![40000])]),
        &one,
        "compression 40000",
    );
    refused(
        gray(vec![(317, SHORT, vec![3])]),
        &one,
        "floating-point predictor",
    );
    refused(
        basic(8, 4, &[32], 1, 1)
            .into_iter()
            .chain([(339, SHORT, vec![3])])
            .collect(),
        &one,
        "floating-point numbers",
    );
    refused(gray(vec![(339, SHORT, vec![2])]), &one, "SampleFormat=2");
    refused(basic(8, 4, &[8; 3], 1, 8), &one, "CIE L*a*b*");
    refused(basic(8, 4, &[1], 1, 4), &one, "transparency mask");
    refused(basic(8, 4, &[16], 1, 32844), &one, "SGI LogL");
    refused(basic(8, 4, &[8; 3], 1, 6), &one, "subsampled chroma");
    refused(basic(8, 4, &[8; 10], 1, 2), &one, "10 samples per pixel");
    refused(
        basic(8, 4, &[8, 8], 1, 3),
        &one,
        "palette image with 2 samples",
    );
    refused(
        basic(8, 4, &[8; 3], 7, 2)
            .into_iter()
            .chain([(284, SHORT, vec![2])])
            .collect(),
        &[one[0].clone(), one[0].clone(), one[0].clone()],
        "separate colour planes",
    );
    refused(
        basic(8, 4, &[2], 1, 1)
            .into_iter()
            .chain([(317, SHORT, vec![2])])
            .collect(),
        &one,
        "Predictor=2",
    );
}

#[test]
fn a_page_the_tiff_crate_cannot_open_is_named_too() {
    // Separate planes need a strip per plane: one strip for three is damage, on page 1.
    let mut tags = basic(8, 4, &[8; 3], 1, 2);
    tags.push((284, SHORT, vec![2]));
    let e = error(&tiff(tags, &[vec![0; 96]]), &plain());
    assert_eq!((e.code, e.page), ("page.corrupt", Some(1)), "{}", e.en);
}

#[test]
fn unsubsampled_ycbcr_without_jpeg_is_converted_to_rgb() {
    let mut tags = basic(2, 1, &[8; 3], 1, 6);
    tags.push((530, SHORT, vec![1, 1]));
    let r = raster(&tiff(tags, &[vec![128, 128, 128, 255, 128, 128]]));
    assert_eq!(
        (r.colour, &r.pixels[..]),
        (Colour::Rgb, &[128, 128, 128, 255, 255, 255][..])
    );
    assert_eq!(r.conversions, ["ycbcr-to-rgb"]);
}
