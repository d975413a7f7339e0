//! Normalization measured on real scans (Leptonica's test pages, `tests/data/real/`) turned by
//! known angles: skew within 0.3°, quarter and half turns told from the text, and an upright
//! page never turned.

use super::tests::{quarter_turn, turned};
use super::*;
use crate::page::Raster;

const PAGES: [(&str, &[u8]); 2] = [
    (
        "lucasta.1.300.tif",
        include_bytes!("../../tests/data/real/lucasta.1.300.tif"),
    ),
    (
        "harmoniam-11.tif",
        include_bytes!("../../tests/data/real/harmoniam-11.tif"),
    ),
];

pub(super) fn decode(bytes: &[u8]) -> Raster {
    let mut page = None;
    crate::decode::read(bytes, &Profile::default().limits, &mut |d| {
        page = Some(d.raster);
        Ok(())
    })
    .expect("test page decodes");
    page.expect("one page")
}

/// Turned by `deg` and, being a 1-bit scan, thresholded again (as a scanner would give it).
fn turned_bilevel(r: &Raster, deg: f64) -> Raster {
    let mut t = turned(r, deg);
    t.pixels
        .iter_mut()
        .for_each(|v| *v = if *v < 128 { 0 } else { 255 });
    t
}

#[test]
fn real_pages_turned_by_known_angles_are_measured_within_three_tenths_of_a_degree() {
    let p = Profile::default();
    for (name, bytes) in PAGES {
        let page = decode(bytes);
        // The page's own skew, as scanned.
        let (n0, _) = measure(&page, &p);
        let s0 = n0.skew.expect("text found");
        for angle in [-9.0, -4.4, -1.4, -0.6, 0.8, 2.6, 6.0] {
            let (n, _) = measure(&turned_bilevel(&page, angle), &p);
            let (got, conf) = (
                n.skew.expect("text found"),
                n.skew_confidence.unwrap_or(0.0),
            );
            assert!(
                (got - (s0 + angle)).abs() <= 0.3,
                "{name} turned {angle}°: measured {got}°, expected {:.2}°",
                s0 + angle
            );
            assert!(
                deskew::applies(got, conf, &p.deskew),
                "{name} turned {angle}°: skew {got}° not applied (confidence {conf})"
            );
        }
    }
}

/// The page as it is and turned a quarter, a half and three quarters counter-clockwise, each
/// with the clockwise turn that stands it upright again (the PDF /Rotate).
pub(super) fn four_ways(upright: Raster) -> [(Raster, Option<u16>); 4] {
    let left = quarter_turn(&upright);
    let down = quarter_turn(&left);
    let right = quarter_turn(&down);
    [
        (upright, None),
        (left, Some(90)),
        (down, Some(180)),
        (right, Some(270)),
    ]
}

#[test]
fn real_pages_turned_a_quarter_or_half_are_stood_upright_and_upright_ones_left_alone() {
    let p = Profile::default();
    for (name, bytes) in PAGES {
        let ways = four_ways(decode(bytes));
        for (page, fix) in &ways {
            let fix = *fix;
            let (n, _) = measure(page, &p);
            assert_eq!(n.orientation, fix, "{name} needing {fix:?}");
            assert_eq!(
                n.sideways,
                matches!(fix, Some(90 | 270)),
                "{name} needing {fix:?}"
            );
        }
        // Slightly skewed as well as upside down.
        let (n, _) = measure(&turned_bilevel(&ways[2].0, 1.5), &p);
        assert_eq!(n.orientation, Some(180), "{name} upside down, 1.5° off");
    }
}

#[test]
fn a_turned_page_is_stored_as_scanned_with_its_rotation_in_the_page() {
    // The pixels are not turned (a JPEG would stay byte for byte); the PDF page's /Rotate is.
    let p = Profile::default();
    let page = quarter_turn(&decode(PAGES[0].1));
    let prepared = prepare(as_decoded(page, 300.0), &p).expect("prepared");
    assert_eq!(prepared.rotate, 90);
    assert_eq!((prepared.width, prepared.height), (1879, 1065));
    assert!(!prepared.warnings.iter().any(|w| w.code == "page.sideways"));
    assert_eq!(prepared.normalization.and_then(|n| n.orientation), Some(90));
}

/// A decoded lossless page tagged `dpi`, as a decoder hands it on.
pub(super) fn as_decoded(raster: Raster, dpi: f64) -> Decoded<'static> {
    Decoded {
        raster,
        jpeg: None,
        g4: None,
        lossy: false,
        chroma_subsampled: false,
        file_dpi: Some((dpi, dpi)),
        frame: 0,
        exif_orientation: 1,
        page_rotate: 0,
    }
}

/// A real scan with a wrong resolution tag, prepared as tagged.
fn prepared_as_tagged(bytes: &[u8], dpi: f64) -> PreparedPage {
    prepare(as_decoded(decode(bytes), dpi), &Profile::default()).expect("prepared")
}

#[test]
fn a_tag_that_would_make_the_letters_too_small_to_print_is_replaced() {
    const WITTEN: &[u8] = include_bytes!("../../tests/data/real/witten.tif");
    // Tagged 1200 dpi: a 1.9 x 2.6-inch page (the size rule lets it pass) whose letters would
    // be about 1.2 pt tall. Inferred from the paper instead, and said why.
    let page = prepared_as_tagged(WITTEN, 1200.0);
    assert_eq!(page.dpi_source, crate::page::DpiSource::Inferred);
    // Its shape is between A4 and Letter; A4, listed first, gives 266 dpi (it was about 280).
    assert_eq!(page.dpi_x, 266.0);
    let w = page.warnings.iter().find(|w| w.code == "page.dpi_inferred");
    assert!(
        w.is_some_and(|w| w.message_en.contains("letters only")),
        "{:?}",
        page.warnings
    );
    // The same page tagged 300 dpi is believed.
    let page = prepared_as_tagged(WITTEN, 300.0);
    assert_eq!(
        (page.dpi_x, page.dpi_source),
        (300.0, crate::page::DpiSource::File)
    );
    // A real 300-dpi book page keeps its tag; tagged 1200 it would have 1.5-pt letters too.
    let page = prepared_as_tagged(PAGES[1].1, 300.0);
    assert_eq!(page.dpi_source, crate::page::DpiSource::File);
    let page = prepared_as_tagged(PAGES[1].1, 1200.0);
    assert_eq!(
        page.dpi_source,
        crate::page::DpiSource::Inferred,
        "{:?}",
        page.warnings
    );
}

/// Prepares a 300-dpi 1-bit page and decodes what would be stored.
fn stored(mut raster: Raster) -> (PreparedPage, GrayPage) {
    raster.source_bilevel = true;
    let page = prepare(as_decoded(raster, 300.0), &Profile::default()).expect("prepared");
    assert_eq!(
        page.encoding,
        crate::page::Encoding::CcittG4,
        "{:?}",
        page.conversions
    );
    // The page as a reader sees it: the stored image placed (cropped, turned) on the page.
    let shown = crate::stored::gray_of_stored(&page).expect("G4");
    (page, shown)
}

/// The longest dark run along the `edges` strips (a thirtieth of the page) of a page as shown:
/// lines of text give short runs, a bar a long one. `edges`: left, top, bottom.
fn longest_dark_run(page: &GrayPage, edges: [bool; 3]) -> (usize, usize) {
    let (sw, sh, px) = (page.width as usize, page.height as usize, &page.pixels);
    let longest = |line: &mut dyn Iterator<Item = u8>| {
        line.fold((0usize, 0usize), |(run, max), v| {
            let run = if v < 128 { run + 1 } else { 0 };
            (run, max.max(run))
        })
        .1
    };
    let mut down = 0;
    if edges[0] {
        for x in 0..sw / 30 {
            down = down.max(longest(&mut (0..sh).map(|y| px[y * sw + x])));
        }
    }
    let mut across = 0;
    let rows = (if edges[1] { 0..sh / 30 } else { 0..0 }).chain(if edges[2] {
        sh - sh / 30..sh
    } else {
        0..0
    });
    for y in rows {
        across = across.max(longest(&mut px[y * sw..(y + 1) * sw].iter().copied()));
    }
    (down, across)
}

/// A ragged black bar `percent` of the width along the left edge.
fn left_bar(page: &mut Raster, percent: usize) {
    let (w, h) = (page.width as usize, page.height as usize);
    let mut seed = 7u32;
    for y in 0..h {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let width = w * percent / 100 + (seed >> 16) as usize % 7;
        page.pixels[y * w..y * w + width].fill(0);
    }
}

#[test]
fn a_skewed_real_page_on_a_dark_lid_with_a_bar_is_stored_without_the_bar() {
    let page = decode(PAGES[1].1);
    // The sheet lay 2.6° off on a black scanner lid: dark wedges along the edges.
    let mut skewed = Raster {
        pixels: deskew::rotate(&page, 2.6, [0, 0, 0]),
        source_bilevel: true,
        ..page.clone_shape()
    };
    skewed
        .pixels
        .iter_mut()
        .for_each(|v| *v = if *v < 128 { 0 } else { 255 });
    // And a ragged bar 3 % of the width along the left edge (the scanner's own).
    left_bar(&mut skewed, 3);
    let (stored, shown) = stored(skewed);
    let n = stored.normalization.clone().expect("measured");
    assert!(n.rotated.is_some(), "deskewed");
    assert!(n.crop.is_some_and(|c| c.left > 0), "{n:?}");
    // The lid's corners may leave slivers (a wedge is not cropped where the sheet itself
    // reaches the edge); the scanner's bar is gone.
    let (down, _) = longest_dark_run(&shown, [true, false, false]);
    assert!(
        down < shown.height as usize / 5,
        "a dark run of {down} px on the left"
    );
}

#[test]
fn a_sheet_skewed_on_a_dark_lid_is_cropped_to_its_straightened_edges() {
    let page = decode(PAGES[1].1);
    // The sheet on a black lid larger than it by 60 px each side.
    let pad = 60usize;
    let (w, h) = (
        page.width as usize + 2 * pad,
        page.height as usize + 2 * pad,
    );
    let mut lid = vec![0u8; w * h];
    for y in 0..page.height as usize {
        let row = &page.pixels[y * page.width as usize..(y + 1) * page.width as usize];
        lid[(y + pad) * w + pad..(y + pad) * w + pad + row.len()].copy_from_slice(row);
    }
    let on_lid = Raster {
        width: w as u32,
        height: h as u32,
        pixels: lid,
        ..page.clone_shape()
    };
    for deg in [2.6, -4.0] {
        // Scanned turned: the lid shows as a dark frame with wedges along every side.
        let mut skewed = Raster {
            pixels: deskew::rotate(&on_lid, deg, [0, 0, 0]),
            source_bilevel: true,
            ..on_lid.clone_shape()
        };
        skewed
            .pixels
            .iter_mut()
            .for_each(|v| *v = if *v < 128 { 0 } else { 255 });
        let (stored, shown) = stored(skewed);
        let n = stored.normalization.clone().expect("measured");
        assert!(n.crop_after_deskew.is_some(), "{deg}: {n:?}");
        // What is left of the lid (60 px, plus wedges up to 135 px thick): at most a sliver
        // of 1 mm (12 px) along any side, counted as lines mostly dark from the edge in.
        let (sw, sh) = (shown.width as usize, shown.height as usize);
        let px = |x: usize, y: usize| shown.pixels[y * sw + x];
        let dark_lines = |lines: &mut dyn Iterator<Item = usize>,
                          along: usize,
                          at: &dyn Fn(usize, usize) -> u8| {
            lines
                .take_while(|&l| (0..along).filter(|&i| at(l, i) < 128).count() * 2 > along)
                .count()
        };
        let sides = [
            dark_lines(&mut (0..sh), sw, &|y, x| px(x, y)),
            dark_lines(&mut (0..sh).rev(), sw, &|y, x| px(x, y)),
            dark_lines(&mut (0..sw), sh, &|x, y| px(x, y)),
            dark_lines(&mut (0..sw).rev(), sh, &|x, y| px(x, y)),
        ];
        assert!(
            sides.iter().all(|&d| d <= 12),
            "{deg}: dark lines top, bottom, left, right {sides:?}"
        );
    }
}

#[test]
fn a_copy_with_a_black_edge_scanned_skewed_on_white_is_stored_without_the_bar() {
    let mut page = decode(PAGES[1].1);
    left_bar(&mut page, 4);
    // Turned 3° on a white lid: the bar is slanted and framed by white.
    let (stored, shown) = stored(turned_bilevel(&page, -3.0));
    let n = stored.normalization.clone().expect("measured");
    assert!(n.rotated.is_some(), "deskewed");
    assert!(n.crop_after_deskew.is_some_and(|c| c.left > 0), "{n:?}");
    let (down, _) = longest_dark_run(&shown, [true, false, false]);
    assert!(
        down < shown.height as usize / 10,
        "a dark run of {down} px on the left"
    );
}

#[test]
fn a_low_contrast_newspaper_page_is_straightened_when_both_its_halves_agree() {
    // Leptonica's stampede2.jpg (100-dpi gray newspaper text, its own skew -0.23° measured by
    // hand) turned as scripts/eval-scans.py turns it: its lines stand out less than the
    // confidence gate asks, but each half of the page finds the same angle, so it is turned.
    let p = Profile::default();
    for (angle, bytes) in [
        (
            4.0,
            &include_bytes!("../../tests/data/real/stampede2-turned+4.jpg")[..],
        ),
        (
            -2.0,
            &include_bytes!("../../tests/data/real/stampede2-turned-2.jpg")[..],
        ),
    ] {
        let page = decode(bytes);
        let n = measure(&page, &p).0;
        let (got, conf) = (
            n.skew.expect("text found"),
            n.skew_confidence.unwrap_or(0.0),
        );
        assert!(
            !deskew::applies(got, conf, &p.deskew),
            "turned {angle}°: the plain gate passes ({got}°, confidence {conf})"
        );
        let prepared = prepare(as_decoded(page, 100.0), &p).expect("prepared");
        let rotated = prepared.normalization.and_then(|n| n.rotated);
        let rotated = rotated.unwrap_or_else(|| panic!("turned {angle}°: left alone"));
        let truth = -0.23 + angle;
        assert!(
            (truth + rotated).abs() <= 0.3,
            "turned {angle}°: rotated {rotated}°, page at {truth:.2}°"
        );
    }
}

#[test]
fn a_photo_is_neither_straightened_nor_turned_nor_cropped() {
    // scikit-image's "camera" photograph (CC0): no text lines, nothing to straighten.
    const CAMERA: &[u8] = include_bytes!("../../tests/data/real/camera.jpg");
    let p = Profile::default();
    let prepared = prepare(as_decoded(decode(CAMERA), 72.0), &p).expect("prepared");
    let n = prepared.normalization.expect("normalized");
    assert_eq!(
        n.rotated, None,
        "skew {:?} ({:?})",
        n.skew, n.skew_confidence
    );
    assert_eq!((n.orientation, n.sideways), (None, false));
    assert_eq!((n.crop, n.crop_after_deskew), (None, None));
    assert_eq!(prepared.rotate, 0);
}
