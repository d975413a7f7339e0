//! Scanner borders: dark bars along the edges of a scan (the scanner's lid or bed around a
//! smaller sheet, a copier's black edge). Along each side, every scan line has a dark run near
//! the edge; a side has a border when nearly all its lines have one, and the depth they all
//! reach is cropped. Text, stamps and photos never darken nearly every line of a side, so
//! content is not cut; crops are capped per side.
//!
//! Borders are looked for twice: on the page as scanned, and after deskew, where a bar that lay
//! slanted (a skewed copy with a black edge) has become a straight strip along an edge, framed by
//! the rotation's fill, and a dark lid around a skewed sheet has become wedges that end at the
//! sheet's straight edge.

use super::profile::Borders;
use super::view::View;
use crate::placement::Placement;

pub use sohoa_archive::record::Crop;

/// Share of a side's lines that may hold ink inside the crop (dust, a speck of the bar).
const INK_TOLERANCE: f64 = 0.005;

/// Narrowest strip cropped after deskew, in view pixels (about 1 mm on an A4 page).
const MIN_BAR_AFTER_DESKEW: usize = 4;

/// Share of a side's lines whose dark runs must end at one depth for a sheet's edge on a dark
/// lid (after deskew).
const SHEET_EDGE_LINES: f64 = 0.25;

/// One side of the view seen as lines running inward from the edge.
struct Side<'a> {
    /// The paper's brightness.
    v_paper: f64,
    /// Lines along the side (rows for left and right, columns for top and bottom).
    lines: usize,
    /// Pixels from the edge inward.
    depth: usize,
    at: &'a dyn Fn(usize, usize) -> u8,
    /// Whether a pixel shows the scan (not the paper a turn paints in the corners).
    scanned: &'a dyn Fn(usize, usize) -> bool,
}

impl Side<'_> {
    /// Where each line's dark run ends (0 without one): the run must start within `lead` pixels
    /// of the edge (paper before it: a straightened bar is framed by the rotation's fill) and
    /// end within `max`.
    fn run_ends(&self, dark: f64, lead: usize, max: usize) -> Vec<usize> {
        self.runs(dark, lead, max).iter().map(|r| r.1).collect()
    }

    /// Each line's dark run as (start, end), (0, 0) without one; see [`Side::run_ends`].
    fn runs(&self, dark: f64, lead: usize, max: usize) -> Vec<(usize, usize)> {
        let max = max.min(self.depth);
        (0..self.lines)
            .map(|l| {
                let dark_at = |d: usize| ((self.at)(l, d) as f64) < dark;
                let Some(start) = (0..=lead.min(max)).find(|&d| d < max && dark_at(d)) else {
                    return (0, 0);
                };
                (
                    start,
                    start + (start..max).take_while(|&d| dark_at(d)).count(),
                )
            })
            .collect()
    }

    /// The border's depth on this side in view pixels (0 without one): the depth that at
    /// least `min_dark_fraction` of the lines reach, but never past ink on a line where the
    /// border is narrower (a skewed sheet's text near its edge, beside a straight bar).
    fn border(&self, dark: f64, lead: usize, rules: &Borders) -> usize {
        let max = (self.depth as f64 * rules.max_crop) as usize;
        let runs = self.runs(dark, lead, max);
        let ends: Vec<usize> = runs.iter().map(|r| r.1).collect();
        let mut sorted = ends.clone();
        sorted.sort_unstable();
        let share = |q: f64| ((self.lines as f64 * q) as usize).min(self.lines - 1);
        let mut solid = sorted[share(1.0 - rules.min_dark_fraction)];
        // After deskew only a bar counts: not a hairline (a page's own edge drawn as a thin
        // line, the first letters of its lines touching it), not a line of text near the edge;
        // or the edge of a sheet that lay skewed on a dark lid.
        if lead > 0 {
            let bar = solid >= MIN_BAR_AFTER_DESKEW && self.strip(dark, max);
            let sheet = self.sheet_edge(&runs);
            solid = if bar { solid.max(sheet) } else { sheet };
        }
        if solid == 0 {
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

    /// After deskew, a sheet that lay skewed on a dark scanner lid: the lid shows as a wedge
    /// along the side (thick at one end, thin at the other), and on every line that crosses it
    /// the dark ends where the sheet's edge, straight now, is. The depth where the dark runs of
    /// at least [`SHEET_EDGE_LINES`] of the lines end (within a view pixel), on consecutive
    /// lines (a single line's gap allowed), the thickest at least [`MIN_BAR_AFTER_DESKEW`]
    /// deep, is that edge (0 when there is none): text ends its dark runs at scattered depths
    /// or on lines broken by the gaps between letters, a printed rule is thinner.
    fn sheet_edge(&self, runs: &[(usize, usize)]) -> usize {
        let mut count = vec![0usize; self.depth + 2];
        for &(_, end) in runs.iter().filter(|r| r.1 > 0) {
            count[end.min(self.depth)] += 1;
        }
        let Some((edge, n)) = (1..=self.depth)
            .map(|d| (d, count[d - 1] + count[d] + count[d + 1]))
            .max_by_key(|p| p.1)
        else {
            return 0;
        };
        // The lines crossing a wedge follow each other along the side without a break; those
        // of text (letter stems all ending on a baseline) are broken by the gaps between
        // letters.
        // A lid's dark starts where the scan does (a rule printed near the edge has the sheet's
        // paper before it).
        let member = |l: usize, r: &(usize, usize)| {
            r.1 > 0
                && r.1.abs_diff(edge) <= 1
                && r.0 <= (0..r.0).find(|&d| (self.scanned)(l, d)).unwrap_or(r.0) + 2
        };
        let (mut best, mut current, mut gap) = (0usize, 0usize, 0usize);
        for (l, r) in runs.iter().enumerate() {
            if member(l, r) {
                current += 1 + gap;
                gap = 0;
            } else if current > 0 && gap == 0 {
                gap = 1;
            } else {
                (current, gap) = (0, 0);
            }
            best = best.max(current);
        }
        let thickest = runs
            .iter()
            .enumerate()
            .filter(|(l, r)| member(*l, r))
            .map(|(_, r)| r.1 - r.0)
            .max()
            .unwrap_or(0);
        let enough = self.lines as f64 * SHEET_EDGE_LINES;
        if (n as f64) < enough || (best as f64) < enough || thickest < MIN_BAR_AFTER_DESKEW {
            return 0;
        }
        // The far side of the edge's blur.
        edge + 1
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

/// The four sides of a view: left, top, right, bottom. `turned`: the view is the page turned by
/// this many degrees (where the scan ends inside it).
fn sides<'a>(v: &'a View, turned: Option<f64>, f: &mut dyn FnMut(Side<'_>) -> usize) -> [usize; 4] {
    let (w, h) = (v.width, v.height);
    let px = |x: usize, y: usize| v.gray[y * w + x];
    let (left, top, right, bottom) = (
        |l: usize, d: usize| px(d, l),
        |l: usize, d: usize| px(l, d),
        |l: usize, d: usize| px(w - 1 - d, l),
        |l: usize, d: usize| px(l, h - 1 - d),
    );
    let none = Crop::default();
    let turn = turned.map(|deg| Placement::deskewed(w as u32, h as u32, none, deg, none, [0; 3]));
    let scan = move |x: usize, y: usize| {
        turn.is_none_or(|t| {
            let (sx, sy) = t.image_of((x as f64 + 0.5, y as f64 + 0.5));
            sx >= 0.0 && sy >= 0.0 && sx < w as f64 && sy < h as f64
        })
    };
    let (s_left, s_top, s_right, s_bottom) = (
        |l: usize, d: usize| scan(d, l),
        |l: usize, d: usize| scan(l, d),
        |l: usize, d: usize| scan(w - 1 - d, l),
        |l: usize, d: usize| scan(l, h - 1 - d),
    );
    [
        f(Side {
            v_paper: v.paper,
            lines: h,
            depth: w,
            at: &left,
            scanned: &s_left,
        }),
        f(Side {
            v_paper: v.paper,
            lines: w,
            depth: h,
            at: &top,
            scanned: &s_top,
        }),
        f(Side {
            v_paper: v.paper,
            lines: h,
            depth: w,
            at: &right,
            scanned: &s_right,
        }),
        f(Side {
            v_paper: v.paper,
            lines: w,
            depth: h,
            at: &bottom,
            scanned: &s_bottom,
        }),
    ]
}

/// Measures the dark border on each side of the page as scanned (runs start at the edge).
pub(crate) fn detect(v: &View, rules: &Borders) -> Crop {
    detect_with_lead(v, None, rules, 0.0)
}

/// Measures the border on each side after deskew: a dark run may start after a little paper
/// (the rotation's fill frames a bar that was slanted).
/// `v` is the page's view turned by `deg` ([`View::turned`]).
pub(crate) fn detect_after_deskew(v: &View, deg: f64, rules: &Borders) -> Crop {
    detect_with_lead(v, Some(deg), rules, rules.max_crop / 2.0)
}

fn detect_with_lead(v: &View, turned: Option<f64>, rules: &Borders, lead: f64) -> Crop {
    if !rules.enabled || v.width < 8 || v.height < 8 {
        return Crop::default();
    }
    let dark = v.paper * rules.dark_level;
    let [left, top, right, bottom] = sides(v, turned, &mut |s| {
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
    sides(v, None, &mut |s| {
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
