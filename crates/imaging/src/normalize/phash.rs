//! A perceptual hash of the normalized page (difference hash on a 32x32 grid sampled from the
//! analysis view, rotated by the measured skew), so the audit can spot double-fed sheets.

use super::view::View;

/// Grid columns compared (one more is sampled) and rows.
const COLS: usize = 32;
const ROWS: usize = 32;
/// Samples per grid cell, per axis.
const SUB: usize = 4;

/// The page's difference hash as 256 hex digits (1024 bits): bit = cell darker than its right
/// neighbour, cells sampled on the page as it is after deskew (the view rotated by `-skew`).
pub(crate) fn of(v: &View, rotated: Option<f64>) -> Option<String> {
    if v.width < COLS + 1 || v.height < ROWS {
        return None;
    }
    let (w, h) = (v.width as f64, v.height as f64);
    let (cx, cy) = (w / 2.0, h / 2.0);
    // The stored page is the view turned by `rotated` degrees; sample it by turning back.
    let a = rotated.unwrap_or(0.0).to_radians();
    let (sin, cos) = (a.sin(), a.cos());
    let paper = v.paper;
    let mut cells = vec![0f64; (COLS + 1) * ROWS];
    for row in 0..ROWS {
        for col in 0..=COLS {
            let mut sum = 0.0;
            for sy in 0..SUB {
                for sx in 0..SUB {
                    let x = (col as f64 + (sx as f64 + 0.5) / SUB as f64) * w / (COLS + 1) as f64;
                    let y = (row as f64 + (sy as f64 + 0.5) / SUB as f64) * h / ROWS as f64;
                    let (dx, dy) = (x - cx, y - cy);
                    let sx_ = cx + dx * cos - dy * sin;
                    let sy_ = cy + dx * sin + dy * cos;
                    let g = if sx_ >= 0.0 && sy_ >= 0.0 && sx_ < w && sy_ < h {
                        v.gray[sy_ as usize * v.width + sx_ as usize] as f64
                    } else {
                        paper
                    };
                    sum += g;
                }
            }
            cells[row * (COLS + 1) + col] = sum / (SUB * SUB) as f64;
        }
    }
    let mut bits = Vec::with_capacity(COLS * ROWS / 8);
    let mut byte = 0u8;
    for row in 0..ROWS {
        for col in 0..COLS {
            let i = row * (COLS + 1) + col;
            byte = (byte << 1) | u8::from(cells[i] < cells[i + 1]);
            if (row * COLS + col) % 8 == 7 {
                bits.push(byte);
                byte = 0;
            }
        }
    }
    Some(bits.iter().map(|b| format!("{b:02x}")).collect())
}

pub use sohoa_archive::record::phash_distance as distance;
