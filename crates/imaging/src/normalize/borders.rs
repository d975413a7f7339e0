//! Scanner borders: dark bars along the edges of a scan (the scanner's lid or bed around a
//! smaller sheet, a black side bar). Along each side, every scan line has a run of dark pixels
//! starting at the edge; a side has a border when nearly all its lines start dark. The crop
//! takes the bar whole, also where it widens because the sheet lay skewed (so deskew never turns
//! a leftover of it into a slanted bar inside the page), unless that would cut content; crops
//! are capped per side.

use super::profile::Borders;
use super::view::View;

pub use sohoa_archive::record::Crop;

/// Share of a side's lines whose dark run may reach further than the crop (a text line or a
/// stamp that touches the bar is not the bar).
const OUTLIERS: f64 = 0.03;
/// Ink allowed in the widened part of a crop, as a share of its area (scanner dust).
const MAX_INK_IN_WEDGE: f64 = 0.002;

/// One side of the view seen as lines running inward from the edge.
struct Side<'a> {
    v: &'a View,
    /// Lines along the side (rows for left and right, columns for top and bottom).
    lines: usize,
    /// Pixels from the edge inward.
    depth: usize,
    at: &'a dyn Fn(usize, usize) -> u8,
}

impl Side<'_> {
    /// Dark run from the edge on each line, at most `max` pixels.
    fn runs(&self, dark: f64, max: usize) -> Vec<usize> {
        (0..self.lines)
            .map(|l| {
                (0..max.min(self.depth))
                    .take_while(|&d| ((self.at)(l, d) as f64) < dark)
                    .count()
            })
            .collect()
    }

    /// The border's depth on this side in view pixels (0 without one).
    fn border(&self, rules: &Borders) -> usize {
        let dark = self.v.paper * rules.dark_level;
        let max = (self.depth as f64 * rules.max_crop) as usize;
        let runs = self.runs(dark, max);
        let mut sorted = runs.clone();
        sorted.sort_unstable();
        // The depth that at least `min_dark_fraction` of the lines reach: the border proper.
        let at = |share: f64| sorted[((self.lines as f64 * share) as usize).min(self.lines - 1)];
        let solid = at(1.0 - rules.min_dark_fraction);
        // Where the bar widens (a skewed sheet), take it whole if nothing but paper is in the way;
        // a wedge alone (a skewed sheet's corner on a dark lid: dark along part of the side,
        // its depth changing smoothly from line to line) is taken the same way.
        let whole = at(1.0 - OUTLIERS);
        if solid == 0 && !wedge(&runs) {
            return 0;
        }
        if whole <= solid {
            return solid;
        }
        let ink = self.v.paper * 0.6;
        let mut inked = 0usize;
        for (l, &run) in runs.iter().enumerate() {
            // The bar's own blurred edge (a view pixel half bar, half paper) is not ink.
            for d in (run + 2).max(solid)..whole {
                if ((self.at)(l, d) as f64) < ink {
                    inked += 1;
                }
            }
        }
        let area = (self.lines * (whole - solid)) as f64;
        if (inked as f64) <= area * MAX_INK_IN_WEDGE {
            whole
        } else {
            solid
        }
    }
}

/// Dark along at least this share of a side, in one smooth wedge: a skewed sheet's corner.
const MIN_WEDGE: f64 = 0.3;

/// True when the dark runs form a wedge: present along at least [`MIN_WEDGE`] of the side in
/// one unbroken stretch whose depth changes by at most a pixel or two from line to line (text or a photo
/// touching the edge gives scattered, ragged runs).
fn wedge(runs: &[usize]) -> bool {
    runs.split(|&r| r == 0).any(|stretch| {
        let smooth = stretch
            .windows(2)
            .filter(|w| w[0].abs_diff(w[1]) <= 2)
            .count();
        stretch.len() as f64 >= runs.len() as f64 * MIN_WEDGE
            && smooth * 10 >= stretch.len().saturating_sub(1) * 9
    })
}

/// Measures the dark border on each side.
pub(crate) fn detect(v: &View, rules: &Borders) -> Crop {
    if !rules.enabled || v.width < 8 || v.height < 8 {
        return Crop::default();
    }
    let (w, h) = (v.width, v.height);
    let px = |x: usize, y: usize| v.gray[y * w + x];
    let (left, right, top, bottom) = (
        |l: usize, d: usize| px(d, l),
        |l: usize, d: usize| px(w - 1 - d, l),
        |l: usize, d: usize| px(l, d),
        |l: usize, d: usize| px(l, h - 1 - d),
    );
    let side = |lines: usize, depth: usize, at: &dyn Fn(usize, usize) -> u8| {
        Side {
            v,
            lines,
            depth,
            at,
        }
        .border(rules)
    };
    // A view pixel stands for `scale` pixels; a border that covers part of the next one is
    // left in rather than risk cutting content.
    let full = |n: usize| (n as f64 * v.scale) as u32;
    Crop {
        left: full(side(h, w, &left)),
        top: full(side(w, h, &top)),
        right: full(side(h, w, &right)),
        bottom: full(side(w, h, &bottom)),
    }
}
