//! What is on a page: blank or not (conservatively: faint lines, stamps and signatures are
//! content), and colour, gray or bilevel content (white-balanced, so yellowed paper is not colour).

use super::profile::{Blank, ColourRules};
use super::view::View;

pub use sohoa_archive::record::Content;

/// Share of the page (inside the margins) covered by ink that is part of a stroke: ink pixels
/// with at least two ink neighbours, so scanner noise does not count but a faint line does.
pub(crate) fn ink_score(v: &View, rules: &Blank) -> f64 {
    let ink = v.paper - rules.ink_delta;
    let (mx, my) = (
        (v.width as f64 * rules.margin) as usize + 1,
        (v.height as f64 * rules.margin) as usize + 1,
    );
    if v.width <= 2 * mx || v.height <= 2 * my {
        return 1.0;
    }
    // A gray level g is ink when g < ink, that is (g being whole) when g < ceil(ink).
    let below = ink.ceil().clamp(0.0, 256.0) as u16;
    let is_ink: Vec<u8> = v
        .gray
        .iter()
        .map(|&g| u8::from(u16::from(g) < below))
        .collect();
    let w = v.width;
    let (mut column, mut strokes) = (vec![0u8; w], 0usize);
    for y in my..v.height - my {
        let row = &is_ink[y * w..(y + 1) * w];
        // Ink in each column of the three rows, then in each 3 x 3 square less its middle.
        let (up, down) = (
            &is_ink[(y - 1) * w..y * w],
            &is_ink[(y + 1) * w..(y + 2) * w],
        );
        for (((c, &u), &r), &d) in column.iter_mut().zip(up).zip(row).zip(down) {
            *c = u + r + d;
        }
        strokes += column[mx - 1..w - mx + 1]
            .windows(3)
            .zip(&row[mx..w - mx])
            .filter(|(c, &r)| r == 1 && c[0] + c[1] + c[2] - r >= 2)
            .count();
    }
    strokes as f64 / ((v.width - 2 * mx) * (v.height - 2 * my)) as f64
}

/// Colour if enough pixels keep their colour after white balance, else bilevel if there are
/// few mid-tones, else gray.
pub(crate) fn classify(v: &View, rules: &ColourRules) -> Content {
    let n = v.gray.len().max(1) as f64;
    let coloured = v
        .chroma
        .iter()
        .filter(|&&c| c as f64 > rules.chroma_threshold)
        .count() as f64;
    if coloured / n > rules.min_colour_fraction {
        return Content::Colour;
    }
    // Mid-tones relative to the paper: between a quarter and three quarters of its brightness.
    let (lo, hi) = (v.paper * 0.25, v.paper * 0.75);
    let mid = v
        .gray
        .iter()
        .filter(|&&g| (g as f64) > lo && (g as f64) < hi)
        .count() as f64;
    if mid / n <= rules.bilevel_max_midtones {
        Content::Bilevel
    } else {
        Content::Gray
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The share of stroke ink pixel by pixel, each of the eight neighbours looked at.
    fn reference(v: &View, rules: &Blank) -> f64 {
        let ink = v.paper - rules.ink_delta;
        let mx = (v.width as f64 * rules.margin) as usize + 1;
        let my = (v.height as f64 * rules.margin) as usize + 1;
        let is_ink = |x: usize, y: usize| (v.gray[y * v.width + x] as f64) < ink;
        let mut strokes = 0;
        for y in my..v.height - my {
            for x in mx..v.width - mx {
                let around = (y - 1..=y + 1)
                    .flat_map(|ny| (x - 1..=x + 1).map(move |nx| (nx, ny)))
                    .filter(|&(nx, ny)| (nx, ny) != (x, y) && is_ink(nx, ny))
                    .count();
                if is_ink(x, y) && around >= 2 {
                    strokes += 1;
                }
            }
        }
        strokes as f64 / ((v.width - 2 * mx) * (v.height - 2 * my)) as f64
    }

    #[test]
    fn strokes_are_counted_as_pixel_by_pixel() {
        let mut seed = 11u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed >> 8
        };
        for round in 0..200 {
            let (width, height) = (4 + next() as usize % 60, 4 + next() as usize % 50);
            // Paper and ink levels around the threshold, whole and fractional.
            let paper = 100.0 + (next() % 1500) as f64 / 10.0;
            let gray: Vec<u8> = (0..width * height)
                .map(|_| (paper as u32 - 60 + next() % 80).min(255) as u8)
                .collect();
            let v = View {
                width,
                height,
                scale: 1.0,
                chroma: vec![0; gray.len()],
                gray,
                paper,
                paper_rgb: [paper as u8; 3],
            };
            let rules = Blank {
                ink_delta: (next() % 600) as f64 / 10.0,
                max_ink_fraction: 0.001,
                margin: (next() % 20) as f64 / 100.0,
            };
            assert_eq!(
                ink_score(&v, &rules),
                reference(&v, &rules),
                "round {round}: {width}x{height}"
            );
        }
    }
}
