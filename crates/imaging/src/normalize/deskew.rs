//! Skew: the angle that makes text lines horizontal, found by maximizing the sharpness of the
//! projection profile of ink pixels (dense sweep, fine search, parabolic refinement), and a
//! bilinear rotation that fills the uncovered corners with the paper's colour.

use super::profile::Deskew;
use crate::page::{Colour, Raster};

/// The best angle of a sweep: the skew in degrees (positive: lines rise to the right), how
/// clearly text lines stand out there (best score / median score of the sweep) and the score.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Skew {
    pub angle: f64,
    pub confidence: f64,
    pub score: f64,
}

/// The skew of text points (see [`pieces::text_points`]); `None` without enough ink to tell.
/// `diag` bounds the points' distance from the origin.
///
/// The score of an angle is the differential square sum of the projection profile at that
/// angle (the sum of squared differences between neighbouring rows): it is high only when
/// rows of ink alternate sharply with rows of paper. The sweep is dense (lines of a page 1000
/// view pixels wide are a few tenths of a degree thick), then refined around the best angle.
///
/// [`pieces::text_points`]: super::pieces::text_points
pub(crate) fn measure(pts: &[(f32, f32)], diag: usize, rules: &Deskew) -> Option<Skew> {
    if pts.len() < 200 {
        return None;
    }
    let mut score = scorer(pts, diag);
    let sweep: Vec<(f64, f64)> = steps(-rules.max_angle, rules.max_angle, SWEEP_STEP)
        .map(|a| (a, score(a)))
        .collect();
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

/// The score of the points' projection profile at an angle (see [`measure`]).
fn scorer(pts: &[(f32, f32)], diag: usize) -> impl FnMut(f64) -> f64 + '_ {
    let mut hist = vec![0u32; 2 * diag + 1];
    move |deg: f64| -> f64 {
        let (s, c) = deg.to_radians().sin_cos();
        let (s, c) = (s as f32, c as f32);
        hist.iter_mut().for_each(|h| *h = 0);
        for &(x, y) in pts {
            // Row of the point once the page is turned by `deg`.
            let r = (y * c + x * s) as isize + diag as isize;
            if let Some(h) = hist.get_mut(r.max(0) as usize) {
                *h += 1;
            }
        }
        hist.windows(2)
            .map(|w| {
                let d = w[1] as f64 - w[0] as f64;
                d * d
            })
            .sum()
    }
}

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

/// Rotates by `deg` degrees (counter-clockwise positive) about the centre, same size, corners
/// filled with `fill`. Bilinear interpolation: smooth edges, no jagged text.
pub(crate) fn rotate(r: &Raster, deg: f64, fill: [u8; 3]) -> Vec<u8> {
    if r.colour == Colour::Rgb {
        rotate_n::<3>(r, deg, fill)
    } else {
        let g = ((fill[0] as u32 * 299 + fill[1] as u32 * 587 + fill[2] as u32 * 114) / 1000) as u8;
        rotate_n::<1>(r, deg, [g, g, g])
    }
}

fn rotate_n<const CH: usize>(r: &Raster, deg: f64, fill: [u8; 3]) -> Vec<u8> {
    let (w, h) = (r.width as usize, r.height as usize);
    let src = &r.pixels;
    let mut out = vec![0u8; w * h * CH];
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
    const BITS: u32 = 16;
    const ONE: i64 = 1 << BITS;
    let (dx_step, dy_step) = (
        (c * ONE as f64).round() as i64,
        (s * ONE as f64).round() as i64,
    );
    // A source position is inside when both pixels it blends on each axis are.
    let (max_x, max_y) = ((w as i64 - 1) * ONE, (h as i64 - 1) * ONE);
    let inside = |sx: i64, sy: i64| sx >= 0 && sy >= 0 && sx < max_x && sy < max_y;
    for (oy, row) in out.chunks_exact_mut(w * CH).enumerate() {
        let dy = oy as f64 - cy;
        // Source coordinates of the row's first pixel, then steps along the row (fixed point).
        let sx0 = ((c * (-cx) - s * dy + cx) * ONE as f64).round() as i64;
        let sy0 = ((s * (-cx) + c * dy + cy) * ONE as f64).round() as i64;
        let at = |ox: usize| (sx0 + ox as i64 * dx_step, sy0 + ox as i64 * dy_step);
        // The output pixels whose source is inside form one run [lo, hi) along the row: found
        // by solving both bounds, then nudged to the exact fixed-point test.
        let (lo, hi) = inside_run(w, sx0, dx_step, max_x, sy0, dy_step, max_y);
        let (lo, hi) = {
            let (mut lo, mut hi) = (lo, hi.max(lo));
            while lo < hi && !inside(at(lo).0, at(lo).1) {
                lo += 1;
            }
            while hi > lo && !inside(at(hi - 1).0, at(hi - 1).1) {
                hi -= 1;
            }
            (lo, hi)
        };
        let (before, rest) = row.split_at_mut(lo * CH);
        let (run, after) = rest.split_at_mut((hi - lo) * CH);
        for px in before
            .chunks_exact_mut(CH)
            .chain(after.chunks_exact_mut(CH))
        {
            px.copy_from_slice(&fill[..CH]);
        }
        let (mut sx, mut sy) = at(lo);
        for px in run.chunks_exact_mut(CH) {
            let (x0, y0) = ((sx >> BITS) as usize, (sy >> BITS) as usize);
            // Weights with 8 fractional bits each: products stay in u32.
            let fx = ((sx & (ONE - 1)) >> (BITS - 8)) as u32;
            let fy = ((sy & (ONE - 1)) >> (BITS - 8)) as u32;
            let (w00, w10, w01, w11) = (
                (256 - fx) * (256 - fy),
                fx * (256 - fy),
                (256 - fx) * fy,
                fx * fy,
            );
            let i00 = (y0 * w + x0) * CH;
            let i01 = i00 + w * CH;
            let (top, bot) = (&src[i00..i00 + 2 * CH], &src[i01..i01 + 2 * CH]);
            for k in 0..CH {
                let v = top[k] as u32 * w00
                    + top[CH + k] as u32 * w10
                    + bot[k] as u32 * w01
                    + bot[CH + k] as u32 * w11;
                px[k] = ((v + (1 << 15)) >> 16) as u8;
            }
            sx += dx_step;
            sy += dy_step;
        }
    }
    out
}

/// The range of `ox` in `0..n` for which `0 <= a + ox * da < max_a` and the same for `b`
/// (approximately: the caller checks the ends exactly).
fn inside_run(
    n: usize,
    a: i64,
    da: i64,
    max_a: i64,
    b: i64,
    db: i64,
    max_b: i64,
) -> (usize, usize) {
    let mut lo = 0f64;
    let mut hi = n as f64;
    for (v, d, max) in [(a, da, max_a), (b, db, max_b)] {
        let (v, d, max) = (v as f64, d as f64, max as f64);
        if d == 0.0 {
            if v < 0.0 || v >= max {
                return (0, 0);
            }
        } else {
            // 0 <= v + ox d < max  <=>  ox between -v/d and (max - v)/d.
            let (t0, t1) = (-v / d, (max - v) / d);
            lo = lo.max(t0.min(t1).floor());
            hi = hi.min(t0.max(t1).ceil() + 1.0);
        }
    }
    let lo = lo.clamp(0.0, n as f64) as usize;
    let hi = hi.clamp(0.0, n as f64) as usize;
    (lo, hi.max(lo))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rotation pixel by pixel, each tested for being inside (the plain form of `rotate_n`).
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
                assert_eq!(rotate(&r, deg, [1, 2, 3]).len(), want.len());
                if ch == 3 {
                    assert!(
                        rotate_n::<3>(&r, deg, [1, 2, 3]) == want,
                        "{w}x{h} rgb {deg}°"
                    );
                } else {
                    assert!(
                        rotate_n::<1>(&r, deg, [1, 2, 3]) == want,
                        "{w}x{h} gray {deg}°"
                    );
                }
            }
        }
    }
}
