//! Skew: the angle that makes text lines horizontal, found by maximizing the variance of the
//! projection profile of ink pixels (coarse search, fine search, parabolic refinement), and a
//! bilinear rotation that fills the uncovered corners with the paper's colour.

use super::profile::Deskew;
use super::view::View;
use crate::page::{Colour, Raster};

/// Most ink points used for the search (a uniform sample of them).
const MAX_POINTS: usize = 60_000;

/// The skew of the text in degrees (positive: lines rise to the right) and how clearly text
/// lines stand out (best score / mean score); `None` without enough ink to tell.
pub(crate) fn measure(v: &View, rules: &Deskew) -> Option<(f64, f64)> {
    let ink = v.paper * 0.6;
    let (mx, my) = (v.width / 30, v.height / 30);
    let mut pts: Vec<(f32, f32)> = Vec::new();
    for y in my..v.height.saturating_sub(my) {
        for x in mx..v.width.saturating_sub(mx) {
            if (v.gray[y * v.width + x] as f64) < ink {
                pts.push((x as f32, y as f32));
            }
        }
    }
    if pts.len() < 200 {
        return None;
    }
    if pts.len() > MAX_POINTS {
        let step = pts.len() / MAX_POINTS + 1;
        pts = pts.into_iter().step_by(step).collect();
    }
    let diag = ((v.width * v.width + v.height * v.height) as f64).sqrt() as usize + 2;
    let mut hist = vec![0u32; 2 * diag + 1];
    let mut score = |deg: f64| -> f64 {
        let (s, c) = deg.to_radians().sin_cos();
        let (s, c) = (s as f32, c as f32);
        hist.iter_mut().for_each(|h| *h = 0);
        for &(x, y) in &pts {
            // Row of the point once the page is turned by `deg`.
            let r = y * c + x * s;
            hist[(r as isize + diag as isize) as usize] += 1;
        }
        hist.iter().map(|&h| (h as f64) * (h as f64)).sum()
    };
    let search = |score: &mut dyn FnMut(f64) -> f64,
                  lo: f64,
                  hi: f64,
                  step: f64|
     -> (f64, Vec<(f64, f64)>) {
        let n = ((hi - lo) / step).round() as i64;
        let all: Vec<(f64, f64)> = (0..=n)
            .map(|i| lo + i as f64 * step)
            .map(|a| (a, score(a)))
            .collect();
        let best = all
            .iter()
            .cloned()
            .fold((0.0, f64::MIN), |b, p| if p.1 > b.1 { p } else { b });
        (best.0, all)
    };
    let (coarse, all) = search(&mut score, -rules.max_angle, rules.max_angle, 0.5);
    let mean = all.iter().map(|p| p.1).sum::<f64>() / all.len() as f64;
    let (fine, around) = search(&mut score, coarse - 0.6, coarse + 0.6, 0.05);
    let best_score = around.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    // Parabola through the best fine angle and its neighbours.
    let i = around.iter().position(|p| p.0 == fine).unwrap_or(0);
    let angle = if i > 0 && i + 1 < around.len() {
        let (a, b, c) = (around[i - 1].1, around[i].1, around[i + 1].1);
        let denom = a - 2.0 * b + c;
        if denom.abs() > f64::EPSILON {
            fine + 0.05 * 0.5 * (a - c) / denom
        } else {
            fine
        }
    } else {
        fine
    };
    Some((angle, best_score / mean.max(1.0)))
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
    for (oy, row) in out.chunks_exact_mut(w * CH).enumerate() {
        let dy = oy as f64 - cy;
        // Source coordinates of the row's first pixel, then steps along the row (fixed point).
        let mut sx = ((c * (-cx) - s * dy + cx) * ONE as f64).round() as i64;
        let mut sy = ((s * (-cx) + c * dy + cy) * ONE as f64).round() as i64;
        for px in row.chunks_exact_mut(CH) {
            let (x0, y0) = (sx >> BITS, sy >> BITS);
            if x0 >= 0 && y0 >= 0 && (x0 as usize) + 1 < w && (y0 as usize) + 1 < h {
                // Weights with 8 fractional bits each: products stay in u32.
                let fx = ((sx & (ONE - 1)) >> (BITS - 8)) as u32;
                let fy = ((sy & (ONE - 1)) >> (BITS - 8)) as u32;
                let (w00, w10, w01, w11) = (
                    (256 - fx) * (256 - fy),
                    fx * (256 - fy),
                    (256 - fx) * fy,
                    fx * fy,
                );
                let i00 = (y0 as usize * w + x0 as usize) * CH;
                let i01 = i00 + w * CH;
                let (top, bot) = (&src[i00..i00 + 2 * CH], &src[i01..i01 + 2 * CH]);
                for k in 0..CH {
                    let v = top[k] as u32 * w00
                        + top[CH + k] as u32 * w10
                        + bot[k] as u32 * w01
                        + bot[CH + k] as u32 * w11;
                    px[k] = ((v + (1 << 15)) >> 16) as u8;
                }
            } else {
                px.copy_from_slice(&fill[..CH]);
            }
            sx += dx_step;
            sy += dy_step;
        }
    }
    out
}

/// True when the text lines run up and down (a page scanned sideways): the column profile of
/// the ink is much peakier than the row profile. Which way it was turned is not cheap to tell,
/// so the page is flagged rather than turned.
pub(crate) fn sideways(v: &View) -> bool {
    let ink = v.paper * 0.6;
    let (mut rows, mut cols) = (vec![0f64; v.height], vec![0f64; v.width]);
    let mut n = 0usize;
    for (line, row) in v.gray.chunks_exact(v.width).zip(rows.iter_mut()) {
        for (&g, col) in line.iter().zip(cols.iter_mut()) {
            if (g as f64) < ink {
                *row += 1.0;
                *col += 1.0;
                n += 1;
            }
        }
    }
    if n < 500 {
        return false;
    }
    // Coefficient of variation of each profile.
    let cv = |h: &[f64]| {
        let mean = h.iter().sum::<f64>() / h.len().max(1) as f64;
        let var = h.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / h.len().max(1) as f64;
        var.sqrt() / mean.max(f64::EPSILON)
    };
    cv(&cols) > 1.5 * cv(&rows)
}
