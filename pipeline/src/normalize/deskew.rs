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
    let (w, h) = (r.width as usize, r.height as usize);
    let ch = r.colour.components() as usize;
    let mut out = vec![0u8; w * h * ch];
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
    let fill: Vec<u8> = if r.colour == Colour::Rgb {
        fill.to_vec()
    } else {
        vec![((fill[0] as u32 * 299 + fill[1] as u32 * 587 + fill[2] as u32 * 114) / 1000) as u8]
    };
    const ONE: i64 = 1 << 16;
    for oy in 0..h {
        let dy = oy as f64 - cy;
        // Source coordinates for the first pixel of the row, and their steps (fixed point).
        let sx0 = c * (-cx) - s * dy + cx;
        let sy0 = s * (-cx) + c * dy + cy;
        let (mut sx, mut sy) = ((sx0 * ONE as f64) as i64, (sy0 * ONE as f64) as i64);
        let (dx_step, dy_step) = ((c * ONE as f64) as i64, (s * ONE as f64) as i64);
        let row = &mut out[oy * w * ch..(oy + 1) * w * ch];
        for px in row.chunks_exact_mut(ch) {
            let (x0, y0) = (sx >> 16, sy >> 16);
            if x0 >= 0 && y0 >= 0 && (x0 as usize) + 1 < w && (y0 as usize) + 1 < h {
                let (fx, fy) = (sx & (ONE - 1), sy & (ONE - 1));
                let (x0, y0) = (x0 as usize, y0 as usize);
                let i00 = (y0 * w + x0) * ch;
                let i10 = i00 + ch;
                let i01 = i00 + w * ch;
                let i11 = i01 + ch;
                for k in 0..ch {
                    let p = &r.pixels;
                    let top = p[i00 + k] as i64 * (ONE - fx) + p[i10 + k] as i64 * fx;
                    let bot = p[i01 + k] as i64 * (ONE - fx) + p[i11 + k] as i64 * fx;
                    let v = (top >> 8) * (ONE - fy) + (bot >> 8) * fy;
                    px[k] = ((v + (1 << 23)) >> 24).clamp(0, 255) as u8;
                }
            } else {
                px.copy_from_slice(&fill);
            }
            sx += dx_step;
            sy += dy_step;
        }
    }
    out
}
