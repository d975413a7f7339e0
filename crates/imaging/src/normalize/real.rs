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

fn decode(bytes: &[u8]) -> Raster {
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

#[test]
fn real_pages_turned_a_quarter_or_half_are_stood_upright_and_upright_ones_left_alone() {
    let p = Profile::default();
    for (name, bytes) in PAGES {
        let upright = decode(bytes);
        let left = quarter_turn(&upright);
        let down = quarter_turn(&left);
        let right = quarter_turn(&down);
        // A page turned counter-clockwise needs as much clockwise (the PDF /Rotate).
        for (page, fix) in [
            (&upright, None),
            (&left, Some(90)),
            (&down, Some(180)),
            (&right, Some(270)),
        ] {
            let (n, _) = measure(page, &p);
            assert_eq!(n.orientation, fix, "{name} needing {fix:?}");
            assert_eq!(
                n.sideways,
                matches!(fix, Some(90 | 270)),
                "{name} needing {fix:?}"
            );
        }
        // Slightly skewed as well as upside down.
        let (n, _) = measure(&turned_bilevel(&down, 1.5), &p);
        assert_eq!(n.orientation, Some(180), "{name} upside down, 1.5° off");
    }
}

#[test]
fn a_turned_page_is_stored_as_scanned_with_its_rotation_in_the_page() {
    // The pixels are not turned (a JPEG would stay byte for byte); the PDF page's /Rotate is.
    let p = Profile::default();
    let page = quarter_turn(&decode(PAGES[0].1));
    let d = Decoded {
        raster: page,
        jpeg: None,
        lossy: false,
        chroma_subsampled: false,
        file_dpi: Some((300.0, 300.0)),
        frame: 0,
        exif_orientation: 1,
    };
    let prepared = prepare(d, &p).expect("prepared");
    assert_eq!(prepared.rotate, 90);
    assert_eq!((prepared.width, prepared.height), (1879, 1065));
    assert!(!prepared.warnings.iter().any(|w| w.code == "page.sideways"));
    assert_eq!(prepared.normalization.and_then(|n| n.orientation), Some(90));
}
