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
    let is_ink = |x: usize, y: usize| (v.gray[y * v.width + x] as f64) < ink;
    let mut strokes = 0usize;
    for y in my..v.height - my {
        for x in mx..v.width - mx {
            if !is_ink(x, y) {
                continue;
            }
            let mut neighbours = 0;
            for (dx, dy) in [
                (-1i32, -1i32),
                (0, -1),
                (1, -1),
                (-1, 0),
                (1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
            ] {
                if is_ink((x as i32 + dx) as usize, (y as i32 + dy) as usize) {
                    neighbours += 1;
                }
            }
            if neighbours >= 2 {
                strokes += 1;
            }
        }
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
