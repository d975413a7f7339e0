//! Skew: the angle that makes text lines horizontal, found by maximizing the sharpness of the
//! projection profile of ink pixels (dense sweep, fine search, parabolic refinement).

use super::profile::Deskew;
#[cfg(test)]
use crate::page::{Colour, Raster};

/// The best angle of a sweep: the skew in degrees (positive: lines rise to the right), how
/// clearly text lines stand out there (best score / median score of the sweep) and the score.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Skew {
    pub angle: f64,
    pub confidence: f64,
    pub score: f64,
}

/// The skew of text points (see [`pieces::TextInk`]); `None` without enough ink to tell.
/// `diag` bounds the points' distance from the origin.
///
/// The score of an angle is the differential square sum of the projection profile at that
/// angle (the sum of squared differences between neighbouring rows): it is high only when
/// rows of ink alternate sharply with rows of paper. The sweep is dense (lines of a page 1000
/// view pixels wide are a few tenths of a degree thick), then refined around the best angle.
///
/// [`pieces::TextInk`]: super::pieces::TextInk
pub(crate) fn measure(pts: &[(f32, f32)], diag: usize, rules: &Deskew) -> Option<Skew> {
    measure_from(pts, diag, rules, MIN_POINTS)
}

/// Fewest text points to measure a page's skew by (half as many for each half of a page).
const MIN_POINTS: usize = 200;

fn measure_from(
    pts: &[(f32, f32)],
    diag: usize,
    rules: &Deskew,
    min_points: usize,
) -> Option<Skew> {
    measure_within(pts, diag, -rules.max_angle, rules.max_angle, min_points)
}

/// [`measure`] over the angles from `lo` to `hi` only.
fn measure_within(
    pts: &[(f32, f32)],
    diag: usize,
    lo: f64,
    hi: f64,
    min_points: usize,
) -> Option<Skew> {
    if pts.len() < min_points {
        return None;
    }
    let mut score = scorer(pts, diag);
    let sweep: Vec<(f64, f64)> = steps(lo, hi, SWEEP_STEP).map(|a| (a, score(a))).collect();
    let coarse = best(&sweep).0;
    let mut scores: Vec<f64> = sweep.iter().map(|p| p.1).collect();
    scores.sort_by(f64::total_cmp);
    let median = scores[scores.len() / 2];
    let around: Vec<(f64, f64)> = steps(coarse - SWEEP_STEP, coarse + SWEEP_STEP, FINE_STEP)
        .map(|a| (a, score(a)))
        .collect();
    let (fine, best_score) = best(&around);
    // Parabola through the best fine angle and its neighbours.
    let i = around.iter().position(|p| p.0 == fine).unwrap_or(0);
    let angle = if i > 0 && i + 1 < around.len() {
        let (a, b, c) = (around[i - 1].1, around[i].1, around[i + 1].1);
        let denom = a - 2.0 * b + c;
        if denom.abs() > f64::EPSILON {
            fine + FINE_STEP * 0.5 * (a - c) / denom
        } else {
            fine
        }
    } else {
        fine
    };
    Some(Skew {
        angle,
        confidence: best_score / median.max(1.0),
        score: best_score,
    })
}

/// Whether a measured skew is corrected: larger than `min_angle`, and text lines standing out
/// at least `min_confidence` times the median angle's score, more for larger angles
/// (× (1 + angle / 20°)): a photo or drawing can peak by chance at any angle, real skew is
/// mostly small.
pub(crate) fn applies(angle: f64, confidence: f64, rules: &Deskew) -> bool {
    angle.abs() > rules.min_angle && confidence >= rules.min_confidence * (1.0 + angle.abs() / 20.0)
}

/// Whether a measured skew is corrected: the confidence gate passes ([`applies`]), or the text
/// lines stand out less but the page's two halves find the same angle
/// ([`confirmed_by_halves`]). `pts` are the points the skew was measured on.
pub(crate) fn corrects(
    pts: &[(f32, f32)],
    diag: usize,
    angle: f64,
    confidence: f64,
    rules: &Deskew,
) -> bool {
    applies(angle, confidence, rules) || confirmed_by_halves(pts, diag, angle, confidence, rules)
}

/// Whether a skew the confidence gate refused is confirmed by the page's two halves: the text
/// points left and right of the middle (along the lines) are measured on their own, each over
/// the whole sweep, and both must find the page's angle again within [`HALVES_AGREE`]. Faint,
/// small or dense text (a gray newspaper page, light print, a camera capture) raises its lines
/// only a little above the sweep's median, yet its halves agree; a photo or drawing that
/// peaked by chance does not peak at the same angle in both halves. `pts` are the points the
/// skew was measured on (turned a quarter when the lines run up and down).
pub(crate) fn confirmed_by_halves(
    pts: &[(f32, f32)],
    diag: usize,
    angle: f64,
    confidence: f64,
    rules: &Deskew,
) -> bool {
    if angle.abs() <= rules.min_angle || confidence < MIN_CONFIDENCE_TO_CONFIRM {
        return false;
    }
    let (left, right) = halves(pts, along(angle));
    [left, right].iter().all(|half| {
        measure_from(half, diag, rules, MIN_POINTS / 2).is_some_and(|h| {
            (h.angle - angle).abs() <= HALVES_AGREE && h.confidence >= MIN_CONFIDENCE_TO_CONFIRM
        })
    })
}

/// The skew of a sheet whose lines do not share one angle: a book spread whose two pages lie
/// at different angles, a page curled towards the binding. Its halves are measured on their
/// own near the sheet's angle, left and right of the middle along the lines, then above and
/// below it across them; where both halves of a cut find clear lines at angles more than
/// [`SPLIT_APART`] (and at most [`SPLIT_MAX`]) apart, the sheet is turned by their mean (the
/// cut further apart decides), which leaves each part as little skewed as one turn can,
/// instead of straightening the part with more ink and leaving the other at the whole
/// difference. A sheet whose halves
/// agree keeps its angle. The halves are looked for within the profile's `max_angle`, like
/// the sheet.
pub(crate) fn between_halves(pts: &[(f32, f32)], diag: usize, skew: Skew, rules: &Deskew) -> Skew {
    let lo = (skew.angle - SPLIT_WINDOW).max(-rules.max_angle);
    let hi = (skew.angle + SPLIT_WINDOW).min(rules.max_angle);
    // Every other point of a page with plenty: lines stand out as clearly, at half the cost.
    let sampled: Vec<(f32, f32)>;
    let pts = if pts.len() >= 8 * MIN_POINTS {
        sampled = pts.iter().step_by(2).copied().collect();
        &sampled[..]
    } else {
        pts
    };
    if pts.len() < MIN_POINTS {
        return skew;
    }
    let mut best: Option<(f64, f64)> = None;
    let cuts = [
        halves(pts, along(skew.angle)),
        halves(pts, across(skew.angle)),
    ];
    for (a, b) in cuts {
        let clear = |half: &[(f32, f32)]| {
            measure_within(half, diag, lo, hi, MIN_POINTS / 2)
                .filter(|h| h.confidence >= SPLIT_MIN_CONFIDENCE)
                .map(|h| h.angle)
        };
        if let (Some(x), Some(y)) = (clear(&a), clear(&b)) {
            let apart = (x - y).abs();
            if apart > SPLIT_APART && apart <= SPLIT_MAX && best.is_none_or(|(d, _)| apart > d) {
                best = Some((apart, (x + y) / 2.0));
            }
        }
    }
    match best {
        Some((_, angle)) => Skew { angle, ..skew },
        None => skew,
    }
}

/// Where a point lies along lines at `angle` (degrees).
pub(crate) fn along(angle: f64) -> impl Fn(&(f32, f32)) -> f32 {
    let (s, c) = angle.to_radians().sin_cos();
    let (s, c) = (s as f32, c as f32);
    move |&(x, y)| x * c - y * s
}

/// Where a point lies across lines at `angle` (degrees): its row once they are level (rows
/// above the origin are negative).
pub(crate) fn across(angle: f64) -> impl Fn(&(f32, f32)) -> f32 {
    let (s, c) = angle.to_radians().sin_cos();
    let (s, c) = (s as f32, c as f32);
    move |&(x, y)| y * c + x * s
}

/// Two halves of a page's points.
type Halves = (Vec<(f32, f32)>, Vec<(f32, f32)>);

/// The points either side of their median position by `key`.
fn halves(pts: &[(f32, f32)], key: impl Fn(&(f32, f32)) -> f32) -> Halves {
    let mut pos: Vec<f32> = pts.iter().map(&key).collect();
    if pos.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mid = pos.len() / 2;
    pos.select_nth_unstable_by(mid, f32::total_cmp);
    let cut = pos[mid];
    pts.iter().partition(|p| key(p) < cut)
}

/// Halves of a sheet further apart than this (degrees) lie at different angles.
const SPLIT_APART: f64 = 0.4;

/// Halves further apart than this (degrees) are not two parts of one flat sheet: a camera's
/// perspective (the lines of a photographed page fan out by 2° and more), or a half whose
/// lines were misread. The sheet keeps its angle.
const SPLIT_MAX: f64 = 1.2;

/// Fewest confidence for a half's lines to set a sheet's angle apart from its own: a half
/// whose sweep barely peaks (a few lines, or lines read across the pixel grid near 0°) misreads
/// its angle by tenths of a degree, and a split it suggests is no split.
const SPLIT_MIN_CONFIDENCE: f64 = 3.0;

/// Halves are measured this far either side of the sheet's angle (degrees).
const SPLIT_WINDOW: f64 = 3.0;

/// How far each half's angle may lie from the whole page's (degrees).
const HALVES_AGREE: f64 = 0.5;

/// Below this confidence (best score over the sweep's median) a page's lines are not looked
/// at again: the sweep barely peaks at all.
const MIN_CONFIDENCE_TO_CONFIRM: f64 = 1.5;

/// The score of the points' projection profile at an angle (see [`measure`]).
///
/// Points come in reading order, so neighbours fall into the same row: counted one after
/// another, each count would wait for the one before it. The scorer counts them interleaved
/// from [`LANES`] stretches of the page instead (the same counts, several times faster), rows
/// computed a block at a time (a loop the compiler vectorizes).
fn scorer(pts: &[(f32, f32)], diag: usize) -> impl FnMut(f64) -> f64 {
    let per_lane = pts.len().div_ceil(LANES);
    let mut xs = Vec::with_capacity(pts.len());
    let mut ys = Vec::with_capacity(pts.len());
    for i in 0..per_lane {
        for p in (0..LANES).filter_map(|lane| pts.get(lane * per_lane + i)) {
            xs.push(p.0);
            ys.push(p.1);
        }
    }
    let mut hist = vec![0u32; 2 * diag + 1];
    let mut rows = [0i32; BLOCK];
    move |deg: f64| -> f64 {
        let row = across(deg);
        let d = diag as f32;
        hist.fill(0);
        for (xb, yb) in xs.chunks(BLOCK).zip(ys.chunks(BLOCK)) {
            // Row of each point once the page is turned by `deg` ([`across`]), counted from
            // `diag` rows above the origin so that rows above it are whole rows too (`as`
            // truncates towards zero: a row holding -1..1 would be two rows high).
            for ((r, &x), &y) in rows.iter_mut().zip(xb).zip(yb) {
                *r = truncate((row(&(x, y)) + d).max(0.0));
            }
            for &r in &rows[..xb.len()] {
                if let Some(h) = hist.get_mut(r as usize) {
                    *h += 1;
                }
            }
        }
        // Every square is a whole number and their sum stays below 2^53: summed as integers,
        // the score is the same as summed in floating point.
        hist.windows(2)
            .map(|w| {
                let d = w[1] as i64 - w[0] as i64;
                (d * d) as u64
            })
            .sum::<u64>() as f64
    }
}

/// `v as i32` for `v` from 0 to 2^22, in arithmetic the compiler vectorizes (`as` checks every
/// value for overflow one at a time): adding 2^23 leaves `v` rounded to a whole number in the
/// low bits of the sum, one less where that rounded up.
fn truncate(v: f32) -> i32 {
    const MAGIC: f32 = 8_388_608.0;
    let t = v + MAGIC;
    let rounded = t.to_bits() as i32 - MAGIC.to_bits() as i32;
    rounded - i32::from(t - MAGIC > v)
}

/// How many stretches of a page's points the scorer interleaves.
const LANES: usize = 8;

/// Points whose rows the scorer computes at a time.
const BLOCK: usize = 256;

/// The best score of a rough sweep (every [`ROUGH_STEP`]): a quick look that may fall short of
/// a sharp peak, for telling plainly upright pages from ones that need the full sweep.
pub(crate) fn rough_peak(pts: &[(f32, f32)], diag: usize, rules: &Deskew) -> f64 {
    let mut score = scorer(pts, diag);
    steps(-rules.max_angle, rules.max_angle, ROUGH_STEP)
        .map(&mut score)
        .fold(0.0, f64::max)
}

/// Step of the rough sweep (degrees).
const ROUGH_STEP: f64 = 0.5;

/// Step of the sweep over all angles, and of the search around the best one (degrees).
const SWEEP_STEP: f64 = 0.2;
const FINE_STEP: f64 = 0.02;

fn steps(lo: f64, hi: f64, step: f64) -> impl Iterator<Item = f64> {
    let n = ((hi - lo) / step).round() as i64;
    (0..=n).map(move |i| lo + i as f64 * step)
}

fn best(scores: &[(f64, f64)]) -> (f64, f64) {
    scores
        .iter()
        .cloned()
        .fold((0.0, f64::MIN), |b, p| if p.1 > b.1 { p } else { b })
}

/// The page turned by `deg` about its centre (same size, corners filled with `fill`): how
/// tests make skewed pages. Normalization itself places the image turned on its page
/// ([`crate::placement`]) and leaves its pixels alone.
#[cfg(test)]
pub(crate) fn rotate(r: &Raster, deg: f64, fill: [u8; 3]) -> Vec<u8> {
    use crate::placement::Placement;
    let none = crate::page::Crop::default();
    let p = Placement::deskewed(r.width, r.height, none, deg, none, fill);
    if r.colour == Colour::Rgb {
        p.render::<3>(&r.pixels, r.width, r.height, fill)
    } else {
        let g = ((fill[0] as u32 * 299 + fill[1] as u32 * 587 + fill[2] as u32 * 114) / 1000) as u8;
        p.render::<1>(&r.pixels, r.width, r.height, [g])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rotation pixel by pixel, each tested for being inside (the plain form of [`Placement::render`])
    ///
    /// [`Placement::render`]: crate::placement::Placement::render.
    fn reference<const CH: usize>(r: &Raster, deg: f64, fill: [u8; 3]) -> Vec<u8> {
        let (w, h) = (r.width as usize, r.height as usize);
        let (s, c) = deg.to_radians().sin_cos();
        let (cx, cy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
        const ONE: i64 = 1 << 16;
        let (dxs, dys) = (
            (c * ONE as f64).round() as i64,
            (s * ONE as f64).round() as i64,
        );
        let mut out = Vec::with_capacity(w * h * CH);
        for oy in 0..h {
            let dy = oy as f64 - cy;
            let mut sx = ((c * (-cx) - s * dy + cx) * ONE as f64).round() as i64;
            let mut sy = ((s * (-cx) + c * dy + cy) * ONE as f64).round() as i64;
            for _ in 0..w {
                let (x0, y0) = (sx >> 16, sy >> 16);
                if x0 >= 0 && y0 >= 0 && (x0 as usize) + 1 < w && (y0 as usize) + 1 < h {
                    let fx = ((sx & (ONE - 1)) >> 8) as u32;
                    let fy = ((sy & (ONE - 1)) >> 8) as u32;
                    let i00 = (y0 as usize * w + x0 as usize) * CH;
                    let i01 = i00 + w * CH;
                    for k in 0..CH {
                        let v = r.pixels[i00 + k] as u32 * (256 - fx) * (256 - fy)
                            + r.pixels[i00 + CH + k] as u32 * fx * (256 - fy)
                            + r.pixels[i01 + k] as u32 * (256 - fx) * fy
                            + r.pixels[i01 + CH + k] as u32 * fx * fy;
                        out.push(((v + (1 << 15)) >> 16) as u8);
                    }
                } else {
                    out.extend_from_slice(&fill[..CH]);
                }
                sx += dxs;
                sy += dys;
            }
        }
        out
    }

    /// Points along parallel lines at `deg` (counter-clockwise), with a little jitter.
    fn line_points(deg: f64, lines: usize, per_line: usize, seed: u32) -> Vec<(f32, f32)> {
        lines_spaced(deg, lines, per_line, seed, 30.0, 6.0)
    }

    /// Points along lines `gap` apart, each point up to `jitter` off its line.
    fn lines_spaced(
        deg: f64,
        lines: usize,
        per_line: usize,
        seed: u32,
        gap: f32,
        jitter: f32,
    ) -> Vec<(f32, f32)> {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as f32 / (1u32 << 24) as f32
        };
        let t = deg.to_radians().tan() as f32;
        let mut pts = Vec::new();
        for l in 0..lines {
            for _ in 0..per_line {
                let x = next() * 1000.0;
                pts.push((x, 100.0 + l as f32 * gap - t * x + next() * jitter));
            }
        }
        pts
    }

    /// Skew rules for these tests: ±15°, at least 0.2°, confidence 5.
    fn rules() -> Deskew {
        Deskew {
            enabled: true,
            max_angle: 15.0,
            min_angle: 0.2,
            min_confidence: 5.0,
        }
    }

    #[test]
    fn halves_confirm_lines_and_refuse_scattered_points() {
        let rules = rules();
        let diag = 1600;
        // Lines: each half finds the page's angle again.
        let lines = line_points(2.5, 25, 60, 7);
        let s = measure(&lines, diag, &rules).expect("measured");
        assert!((s.angle - 2.5).abs() < 0.2, "{s:?}");
        assert!(confirmed_by_halves(
            &lines,
            diag,
            s.angle,
            s.confidence,
            &rules
        ));
        // The same lines with half of them at another angle: the halves disagree.
        let mut mixed: Vec<(f32, f32)> = line_points(2.5, 25, 60, 7)
            .into_iter()
            .filter(|p| p.0 < 500.0)
            .collect();
        mixed.extend(
            line_points(-4.0, 25, 60, 9)
                .into_iter()
                .filter(|p| p.0 >= 500.0),
        );
        let m = measure(&mixed, diag, &rules).expect("measured");
        assert!(!confirmed_by_halves(
            &mixed,
            diag,
            m.angle,
            m.confidence,
            &rules
        ));
        // Scattered points (a photo's texture): no angle is confirmed, whatever the sweep said.
        let mut seed = 3u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 * 1000.0
        };
        let scattered: Vec<(f32, f32)> = (0..1500).map(|_| (next(), next())).collect();
        let r = measure(&scattered, diag, &rules).expect("measured");
        assert!(
            !confirmed_by_halves(&scattered, diag, r.angle, 10.0, &rules),
            "{r:?}"
        );
        // Too few points in a half, or a sweep that barely peaks: nothing to confirm.
        assert!(!confirmed_by_halves(
            &lines[..150],
            diag,
            s.angle,
            s.confidence,
            &rules
        ));
        assert!(!confirmed_by_halves(&lines, diag, s.angle, 1.2, &rules));
    }

    #[test]
    fn a_sheet_without_one_skew_is_turned_between_its_parts() {
        let rules = rules();
        let diag = 2400;
        // Lines of print: 40 pixels apart, each letter's ink within 3 pixels of its line.
        let text =
            |deg: f64, lines: usize, seed: u32| lines_spaced(deg, lines, 400, seed, 40.0, 3.0);
        // One skew: the halves agree, the angle stays as measured.
        let lines = text(-2.3, 25, 7);
        let s = measure(&lines, diag, &rules).expect("measured");
        let kept = between_halves(&lines, diag, s, &rules);
        assert_eq!(kept.angle, s.angle);
        // A book spread: the left page (30 lines) at `left` degrees, the right one (22 lines)
        // at `right`, a 40-pixel gutter between; `per_line` points of ink a line.
        let spread_of = |left: f64, right: f64, per_line: usize| {
            let mut pts: Vec<(f32, f32)> = lines_spaced(left, 30, per_line, 7, 40.0, 3.0)
                .into_iter()
                .filter(|p| p.0 < 500.0)
                .collect();
            pts.extend(
                lines_spaced(right, 22, per_line, 9, 40.0, 3.0)
                    .into_iter()
                    .filter(|p| p.0 >= 500.0)
                    .map(|(x, y)| (x + 40.0, y)),
            );
            pts
        };
        let spread_at = |left: f64, right: f64| spread_of(left, right, 400);
        // The left page has more lines: the sheet's sweep follows it; the halves turn the
        // sheet between the two.
        let spread = spread_at(-2.8, -1.8);
        let whole = measure(&spread, diag, &rules).expect("measured");
        let between = between_halves(&spread, diag, whole, &rules);
        assert!(
            (between.angle + 2.3).abs() < 0.2,
            "{whole:?} -> {between:?}"
        );
        assert!((whole.angle + 2.3).abs() > (between.angle + 2.3).abs());
        // The same spread in sparse print (a third of the ink): each half's lines barely
        // stand out, its angle is no better than a guess, and no split is made on it.
        let sparse = spread_of(-2.8, -1.8, 120);
        let whole = measure(&sparse, diag, &rules).expect("measured");
        assert_eq!(
            between_halves(&sparse, diag, whole, &rules).angle,
            whole.angle
        );
        // A curled page: the upper lines at +0.2 degrees, the lower ones at -0.9.
        let curled_at = |upper: f64, lower: f64| {
            let mut pts = text(upper, 14, 5);
            pts.extend(
                text(lower, 14, 11)
                    .into_iter()
                    .map(|(x, y)| (x, y + 14.0 * 40.0)),
            );
            pts
        };
        let curled = curled_at(0.2, -0.9);
        let whole = measure(&curled, diag, &rules).expect("measured");
        let between = between_halves(&curled, diag, whole, &rules);
        assert!(
            (between.angle + 0.35).abs() < 0.2,
            "{whole:?} -> {between:?}"
        );
        // Halves 2 degrees apart (a camera's perspective): the sheet keeps its angle.
        let fanned = curled_at(0.5, -1.5);
        let whole = measure(&fanned, diag, &rules).expect("measured");
        assert_eq!(
            between_halves(&fanned, diag, whole, &rules).angle,
            whole.angle
        );
        // A spread near the end of the sweep: its halves are looked for within max_angle too.
        let edge = spread_at(14.6, 15.6);
        let whole = measure(&edge, diag, &rules).expect("measured");
        let between = between_halves(&edge, diag, whole, &rules);
        assert!(
            between.angle.abs() <= rules.max_angle,
            "{whole:?} -> {between:?}"
        );
        // Too few points: nothing to compare, the angle stays.
        let few = &lines[..150];
        let f = measure_from(few, diag, &rules, 100).expect("measured");
        assert_eq!(between_halves(few, diag, f, &rules).angle, f.angle);
    }

    #[test]
    fn rows_either_side_of_the_origin_are_rows_of_their_own() {
        // One point just above the origin's row, one just below: two rows of one point each
        // (a profile of 1, 1: score 1 + 0 + 1), not one row of two (score 4 + 4).
        let pts = [(0.0, -0.5), (0.0, 0.5)];
        assert_eq!(scorer(&pts, 10)(0.0), 2.0);
        // Turned by 2°, a point left of the origin rises into the row above it (row -0.2).
        let pts = [(-20.0, 0.5), (0.0, 0.5)];
        assert_eq!(scorer(&pts, 40)(2.0), 2.0);
    }

    #[test]
    fn the_fast_rotation_equals_the_plain_one_pixel_for_pixel() {
        let mut seed = 99u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed >> 8
        };
        for (w, h, colour) in [
            (37, 53, Colour::Gray),
            (64, 31, Colour::Rgb),
            (2, 2, Colour::Gray),
        ] {
            let ch = colour.components() as usize;
            let r = Raster {
                width: w,
                height: h,
                colour,
                pixels: (0..w * h * ch as u32).map(|_| next() as u8).collect(),
                conversions: Vec::new(),
                source_bilevel: false,
            };
            for deg in [0.0, 0.3, -0.3, 2.5, -7.0, 14.9, 45.0, -90.0, 180.0] {
                let want = if ch == 3 {
                    reference::<3>(&r, deg, [1, 2, 3])
                } else {
                    reference::<1>(&r, deg, [1, 2, 3])
                };
                assert!(
                    rotate(&r, deg, [1, 2, 3]) == want,
                    "{w}x{h} {colour:?} {deg}°"
                );
            }
        }
    }
}
