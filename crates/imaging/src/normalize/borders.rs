//! Scanner borders: dark bars along the edges of a scan (the scanner's lid or bed around a
//! smaller sheet, a copier's black edge). Along each side, every scan line has a dark run near
//! the edge; a side has a border when nearly all its lines have one, and the depth they all
//! reach is cropped. Text, stamps and photos never darken nearly every line of a side, so
//! content is not cut; crops are capped per side.
//!
//! Borders are looked for twice: on the page as scanned, and after deskew, where a bar that lay
//! slanted (a skewed copy with a black edge) has become a straight strip along an edge, framed by
//! the rotation's fill.

use super::profile::Borders;
use super::view::View;

pub use sohoa_archive::record::Crop;

/// Share of a side's lines that may hold ink inside the crop (dust, a speck of the bar).
const INK_TOLERANCE: f64 = 0.005;

/// Narrowest strip cropped after deskew, in view pixels (about 1 mm on an A4 page).
const MIN_BAR_AFTER_DESKEW: usize = 4;

/// One side of the view seen as lines running inward from the edge.
struct Side<'a> {
    /// The paper's brightness.
    v_paper: f64,
    /// Lines along the side (rows for left and right, columns for top and bottom).
    lines: usize,
    /// Pixels from the edge inward.
    depth: usize,
    at: &'a dyn Fn(usize, usize) -> u8,
}

impl Side<'_> {
    /// Where each line's dark run ends (0 without one): the run must start within `lead` pixels
    /// of the edge (paper before it: a straightened bar is framed by the rotation's fill) and
    /// end within `max`.
    fn run_ends(&self, dark: f64, lead: usize, max: usize) -> Vec<usize> {
        let max = max.min(self.depth);
        (0..self.lines)
            .map(|l| {
                let dark_at = |d: usize| ((self.at)(l, d) as f64) < dark;
                let Some(start) = (0..=lead.min(max)).find(|&d| d < max && dark_at(d)) else {
                    return 0;
                };
                start + (start..max).take_while(|&d| dark_at(d)).count()
            })
            .collect()
    }

    /// The border's depth on this side in view pixels (0 without one): the depth that at
    /// least `min_dark_fraction` of the lines reach, but never past ink on a line where the
    /// border is narrower (a skewed sheet's text near its edge, beside a straight bar).
    fn border(&self, dark: f64, lead: usize, rules: &Borders) -> usize {
        let max = (self.depth as f64 * rules.max_crop) as usize;
        let ends = self.run_ends(dark, lead, max);
        let mut sorted = ends.clone();
        sorted.sort_unstable();
        let share = |q: f64| ((self.lines as f64 * q) as usize).min(self.lines - 1);
        let solid = sorted[share(1.0 - rules.min_dark_fraction)];
        // After deskew only a bar counts: not a hairline (a page's own edge drawn as a thin
        // line, the first letters of its lines touching it), not a line of text near the edge.
        if solid == 0 || (lead > 0 && (solid < MIN_BAR_AFTER_DESKEW || !self.strip(dark, max))) {
            return 0;
        }
        // How deep each line is free of ink: past its dark run (and that run's blurred edge),
        // paper up to the first ink. A few lines may be less free (scanner dust).
        let ink = self.v_paper * 0.6;
        let mut free: Vec<usize> = ends
            .iter()
            .enumerate()
            .map(|(l, &end)| {
                let from = if end == 0 { 0 } else { end + 2 };
                (from..solid)
                    .find(|&d| ((self.at)(l, d) as f64) < ink)
                    .unwrap_or(solid)
            })
            .collect();
        free.sort_unstable();
        solid.min(free[share(INK_TOLERANCE)])
    }

    /// True when, at some depth, nearly every line is dark: an unbroken strip along the side,
    /// which a line of text (gaps between letters and words) never is.
    fn strip(&self, dark: f64, max: usize) -> bool {
        (0..max.min(self.depth)).any(|d| {
            let n = (0..self.lines)
                .filter(|&l| (((self.at)(l, d)) as f64) < dark)
                .count();
            n as f64 >= self.lines as f64 * 0.97
        })
    }
}

/// The four sides of a view: left, top, right, bottom.
fn sides<'a>(v: &'a View, f: &mut dyn FnMut(Side<'_>) -> usize) -> [usize; 4] {
    let (w, h) = (v.width, v.height);
    let px = |x: usize, y: usize| v.gray[y * w + x];
    let (left, top, right, bottom) = (
        |l: usize, d: usize| px(d, l),
        |l: usize, d: usize| px(l, d),
        |l: usize, d: usize| px(w - 1 - d, l),
        |l: usize, d: usize| px(l, h - 1 - d),
    );
    [
        f(Side {
            v_paper: v.paper,
            lines: h,
            depth: w,
            at: &left,
        }),
        f(Side {
            v_paper: v.paper,
            lines: w,
            depth: h,
            at: &top,
        }),
        f(Side {
            v_paper: v.paper,
            lines: h,
            depth: w,
            at: &right,
        }),
        f(Side {
            v_paper: v.paper,
            lines: w,
            depth: h,
            at: &bottom,
        }),
    ]
}

/// Measures the dark border on each side of the page as scanned (runs start at the edge).
pub(crate) fn detect(v: &View, rules: &Borders) -> Crop {
    detect_with_lead(v, rules, 0.0)
}

/// Measures the border on each side after deskew: a dark run may start after a little paper
/// (the rotation's fill frames a bar that was slanted).
pub(crate) fn detect_after_deskew(v: &View, rules: &Borders) -> Crop {
    detect_with_lead(v, rules, rules.max_crop / 2.0)
}

fn detect_with_lead(v: &View, rules: &Borders, lead: f64) -> Crop {
    if !rules.enabled || v.width < 8 || v.height < 8 {
        return Crop::default();
    }
    let dark = v.paper * rules.dark_level;
    let [left, top, right, bottom] = sides(v, &mut |s| {
        s.border(dark, (s.depth as f64 * lead) as usize, rules)
    });
    // A view pixel stands for `scale` pixels; a border that covers part of the next one is
    // left in rather than risk cutting content.
    let full = |n: usize| (n as f64 * v.scale) as u32;
    Crop {
        left: full(left),
        top: full(top),
        right: full(right),
        bottom: full(bottom),
    }
}

/// True when some side has dark within `max_crop` of its edge on at least half its lines: only
/// then can deskew straighten a bar into a strip worth looking for again (a cheap test on the
/// page as scanned, sparing a second view of most pages).
pub(crate) fn may_hold_a_bar(v: &View, rules: &Borders) -> bool {
    if !rules.enabled || v.width < 8 || v.height < 8 {
        return false;
    }
    let dark = v.paper * rules.dark_level;
    sides(v, &mut |s| {
        let max = (s.depth as f64 * rules.max_crop) as usize;
        let with = s
            .run_ends(dark, max, max)
            .iter()
            .filter(|&&e| e > 0)
            .count();
        (2 * with >= s.lines) as usize
    })
    .contains(&1)
}
