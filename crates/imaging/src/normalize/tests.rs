//! Normalization measured against known truth: synthetic text pages turned by known angles,
//! scanner borders of known width, blank and near-blank pages, yellowed paper, stamps.

use super::view::View;
use super::*;
use crate::page::{Colour, Raster};

/// A 200-dpi A4 page of "text": lines of word-like dark blocks on paper of colour `paper`.
pub(super) fn text_page(paper: [u8; 3], ink: [u8; 3]) -> Raster {
    let (w, h) = (1654u32, 2339u32);
    let mut px = vec![0u8; (w * h * 3) as usize];
    for p in px.chunks_exact_mut(3) {
        p.copy_from_slice(&paper);
    }
    let mut seed = 12345u64;
    let mut rnd = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut y = 200;
    while y < h - 250 {
        let mut x = 160 + rnd(40) as u32;
        while x < w - 200 {
            let word = 30 + rnd(120) as u32;
            for yy in y..y + 22 {
                for xx in x..(x + word).min(w - 160) {
                    let i = ((yy * w + xx) * 3) as usize;
                    px[i..i + 3].copy_from_slice(&ink);
                }
            }
            x += word + 18 + rnd(10) as u32;
        }
        y += 55;
    }
    Raster {
        width: w,
        height: h,
        colour: Colour::Rgb,
        pixels: px,
        conversions: Vec::new(),
        source_bilevel: false,
    }
}

/// The page turned a quarter counter-clockwise, pixel for pixel (width and height swap).
pub(super) fn quarter_turn(page: &Raster) -> Raster {
    let ch = page.colour.components() as usize;
    let (w, h) = (page.width as usize, page.height as usize);
    let mut px = vec![0u8; w * h * ch];
    for y in 0..h {
        for x in 0..w {
            let (nx, ny) = (y, w - 1 - x);
            let (i, j) = ((y * w + x) * ch, (ny * h + nx) * ch);
            px[j..j + ch].copy_from_slice(&page.pixels[i..i + ch]);
        }
    }
    Raster {
        width: h as u32,
        height: w as u32,
        pixels: px,
        colour: page.colour,
        conversions: Vec::new(),
        source_bilevel: page.source_bilevel,
    }
}

pub(super) fn turned(r: &Raster, deg: f64) -> Raster {
    let pixels = deskew::rotate(r, deg, [255, 255, 255]);
    Raster {
        pixels,
        ..r.clone_shape()
    }
}

impl Raster {
    pub(super) fn clone_shape(&self) -> Raster {
        Raster {
            width: self.width,
            height: self.height,
            colour: self.colour,
            pixels: Vec::new(),
            conversions: Vec::new(),
            source_bilevel: false,
        }
    }
}

#[test]
fn skew_is_measured_within_a_tenth_of_a_degree() {
    let page = text_page([250, 250, 250], [20, 20, 20]);
    let p = Profile::default();
    for angle in [
        -14.5, -8.0, -3.3, -1.2, -0.35, 0.0, 0.25, 0.7, 2.5, 5.0, 11.0, 14.8,
    ] {
        let (n, _) = measure(&turned(&page, angle), &p);
        let got = n.skew.expect("text lines found");
        assert!(
            (got - angle).abs() <= 0.1,
            "turned {angle}°, measured {got}°"
        );
    }
}

#[test]
fn deskewing_straightens_the_page() {
    let page = text_page([250, 250, 250], [20, 20, 20]);
    let p = Profile::default();
    let (n, _) = measure(&turned(&page, 3.0), &p);
    let fixed = turned(&turned(&page, 3.0), -n.skew.unwrap());
    let (again, _) = measure(&fixed, &p);
    assert!(again.skew.unwrap().abs() <= 0.1, "{:?}", again.skew);
}

#[test]
fn dark_scanner_borders_are_cropped_and_content_is_not() {
    let mut page = text_page([250, 250, 250], [20, 20, 20]);
    let w = page.width as usize;
    for y in 0..page.height as usize {
        for x in 0..w {
            if x < 40 || y >= page.height as usize - 25 {
                let i = (y * w + x) * 3;
                page.pixels[i..i + 3].copy_from_slice(&[15, 15, 15]);
            }
        }
    }
    let (n, crop) = measure(&page, &Profile::default());
    assert!((38..=40).contains(&crop.left), "{crop:?}");
    assert!((23..=25).contains(&crop.bottom), "{crop:?}");
    assert_eq!((crop.top, crop.right), (0, 0));
    assert!(!n.blank);
    // A page of text alone loses nothing.
    let (_, crop) = measure(
        &text_page([250, 250, 250], [20, 20, 20]),
        &Profile::default(),
    );
    assert!(crop.is_empty(), "{crop:?}");
}

fn blank_page(noise: u8) -> Raster {
    let mut r = text_page([246, 244, 238], [0, 0, 0]);
    let mut seed = 7u64;
    for (i, p) in r.pixels.chunks_exact_mut(3).enumerate() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(i as u64);
        let d = ((seed >> 40) % (noise as u64 + 1)) as u8;
        p.copy_from_slice(&[246 - d, 244 - d, 238 - d]);
    }
    r
}

fn draw(r: &mut Raster, x0: u32, y0: u32, x1: u32, y1: u32, rgb: [u8; 3]) {
    for y in y0..y1 {
        for x in x0..x1 {
            let i = ((y * r.width + x) * 3) as usize;
            r.pixels[i..i + 3].copy_from_slice(&rgb);
        }
    }
}

#[test]
fn blank_detection_is_conservative() {
    let p = Profile::default();
    assert!(measure(&blank_page(12), &p).0.blank, "noisy blank back");
    // A faint pencil line across part of the page.
    let mut pencil = blank_page(12);
    draw(&mut pencil, 300, 1200, 900, 1203, [195, 195, 195]);
    assert!(
        !measure(&pencil, &p).0.blank,
        "a faint pencil line is content"
    );
    // A small red stamp (a ring, 2 cm across).
    let mut stamp = blank_page(12);
    let (cx, cy, r0, r1) = (1200i64, 1900i64, 70i64, 80i64);
    for y in cy - r1..cy + r1 {
        for x in cx - r1..cx + r1 {
            let d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            if d >= r0 * r0 && d < r1 * r1 {
                draw(
                    &mut stamp,
                    x as u32,
                    y as u32,
                    x as u32 + 1,
                    y as u32 + 1,
                    [200, 40, 40],
                );
            }
        }
    }
    let (n, _) = measure(&stamp, &p);
    assert!(!n.blank, "a stamp is content (ink {})", n.ink);
    assert_eq!(
        n.content,
        Some(Content::Colour),
        "a red stamp makes the page colour content"
    );
    // A short signature stroke.
    let mut sig = blank_page(12);
    for i in 0..220u32 {
        let y = 1500 + ((i as f64 / 12.0).sin() * 20.0) as u32;
        draw(&mut sig, 1000 + i, y, 1001 + i, y + 3, [30, 30, 90]);
    }
    assert!(!measure(&sig, &p).0.blank, "a signature is content");
}

#[test]
fn a_page_dark_all_over_is_flagged_never_blank() {
    let p = Profile::default();
    // What a 4-bit gray TIFF read without its colour map looks like: levels 0..15 of 255.
    let mut dark = blank_page(0);
    for px in dark.pixels.iter_mut() {
        *px = 9;
    }
    draw(&mut dark, 400, 600, 1200, 640, [14, 14, 14]);
    let (n, _) = measure(&dark, &p);
    assert!(n.near_black, "paper {}", View::of(&dark).paper);
    assert!(!n.blank, "a near-black page is not blank");
    let (n, _) = measure(&blank_page(12), &p);
    assert!(!n.near_black && n.blank, "a white back is blank, not dark");
    let (n, _) = measure(&text_page([250, 250, 250], [20, 20, 20]), &p);
    assert!(!n.near_black);
}

#[test]
fn yellowed_paper_with_black_text_is_not_colour() {
    let p = Profile::default();
    let (n, _) = measure(&text_page([238, 226, 190], [40, 35, 30]), &p);
    assert_ne!(n.content, Some(Content::Colour));
    let (n, _) = measure(&text_page([250, 250, 250], [20, 20, 20]), &p);
    assert_eq!(n.content, Some(Content::Bilevel));
}

#[test]
fn implausible_or_missing_dpi_is_inferred_from_paper_sizes() {
    let rules = &Profile::default().dpi;
    let (dx, _, src, _, w) = dpi::resolve(Some((200.0, 200.0)), 1654, 2339, None, rules);
    assert_eq!((dx, src), (200.0, crate::page::DpiSource::File));
    assert!(w.is_none());
    // A 4000-px page tagged 72 dpi would be 55 inches long: inferred instead.
    let (dx, _, src, paper, _) = dpi::resolve(Some((72.0, 72.0)), 2828, 4000, None, rules);
    assert_eq!(src, crate::page::DpiSource::Inferred);
    assert_eq!(paper.as_deref(), Some("A4"));
    assert!((dx - 342.0).abs() < 1.0, "{dx}");
    // 1200 dpi on a 2300-px page would be a 1.9-inch page.
    let (dx, _, _, _, _) = dpi::resolve(Some((1200.0, 1200.0)), 1626, 2300, None, rules);
    assert_eq!(dx, 200.0);
    // A4 and A3 have the same shape: an untagged 200-dpi A4 scan is A4, not 150-dpi A3.
    let (dx, _, _, paper, _) = dpi::resolve(None, 1654, 2339, None, rules);
    assert_eq!((dx, paper.as_deref()), (200.0, Some("A4")));
    let (dx, _, _, paper, _) = dpi::resolve(None, 2550, 4200, None, rules);
    assert_eq!((dx, paper.as_deref()), (300.0, Some("Legal")));
    let (dx, _, _, _, _) = dpi::resolve(Some((199.9996, 199.9996)), 1654, 2339, None, rules);
    assert_eq!(dx, 200.0);
}

#[test]
fn a_straight_clean_page_needs_nothing() {
    let p = Profile::default();
    let (n, crop) = measure(&text_page([250, 250, 250], [20, 20, 20]), &p);
    assert!(crop.is_empty() && !n.blank);
    assert!(n.skew.unwrap().abs() <= p.deskew.min_angle);
    let v = View::of(&text_page([250, 250, 250], [20, 20, 20]));
    assert!(v.paper >= 248.0);
}

#[test]
fn block_text_that_tells_no_direction_is_neither_turned_nor_flagged() {
    // Word-like blocks have no ascenders or descenders: lines run up and down, but which way
    // they read cannot be told. Real pages are turned (see `real_tests.rs`).
    let page = text_page([250, 250, 250], [20, 20, 20]);
    let p = Profile::default();
    let turned = quarter_turn(&page);
    for r in [&page, &turned] {
        let (n, _) = measure(r, &p);
        assert_eq!((n.sideways, n.orientation), (false, None));
    }
}

#[test]
fn perceptual_hash_sees_the_same_sheet_through_skew_and_tells_pages_apart() {
    let page = text_page([250, 250, 250], [20, 20, 20]);
    let p = Profile::default();
    let hash = |r: &Raster| measure(r, &p).0.phash.expect("hash");
    let straight = hash(&page);
    for angle in [1.5, -2.0, 0.6] {
        let d = phash::distance(&straight, &hash(&turned(&page, angle))).expect("comparable");
        assert!(d < 0.08, "same sheet at {angle} deg: distance {d}");
    }
    // Another page: the same kind of text, laid out differently (mirrored).
    let mut other = page.clone_shape();
    other.pixels = page.pixels.clone();
    let w = page.width as usize * 3;
    for row in other.pixels.chunks_exact_mut(w) {
        let flipped: Vec<u8> = row.chunks_exact(3).rev().flatten().copied().collect();
        row.copy_from_slice(&flipped);
    }
    let d = phash::distance(&straight, &hash(&other)).expect("comparable");
    assert!(d > 0.2, "different pages: distance {d}");
}
