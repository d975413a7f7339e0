//! A small view of a page for measuring it cheaply: gray (and colour, white-balanced to the
//! paper) downsampled to about 1000 pixels wide, with the paper's brightness and colour.

use crate::page::{Colour, Raster};

/// Target width of the analysis view.
const VIEW_WIDTH: u32 = 1000;

pub(crate) struct View {
    pub width: usize,
    pub height: usize,
    /// Full-resolution pixels per view pixel, per axis.
    pub scale: f64,
    pub gray: Vec<u8>,
    /// Chroma after white balance (0 for gray pages).
    pub chroma: Vec<u8>,
    /// Paper brightness (gray), the 90th percentile.
    pub paper: f64,
    /// Paper colour, per channel (for filling rotated corners).
    pub paper_rgb: [u8; 3],
}

fn percentile(hist: &[u64; 256], total: u64, p: f64) -> u8 {
    let target = (total as f64 * p) as u64;
    let mut acc = 0;
    for (v, &n) in hist.iter().enumerate() {
        acc += n;
        if acc > target {
            return v as u8;
        }
    }
    255
}

impl View {
    pub fn of(r: &Raster) -> View {
        let k = (r.width / VIEW_WIDTH).max(1) as usize;
        let (w, h) = (r.width as usize / k, r.height as usize / k);
        let ch = r.colour.components() as usize;
        let stride = r.width as usize * ch;
        let mut rgb = vec![0u32; w * h * 3];
        for y in 0..h * k {
            let row = &r.pixels[y * stride..y * stride + w * k * ch];
            let vy = y / k;
            for x in 0..w * k {
                let o = (vy * w + x / k) * 3;
                if ch == 3 {
                    rgb[o] += row[x * 3] as u32;
                    rgb[o + 1] += row[x * 3 + 1] as u32;
                    rgb[o + 2] += row[x * 3 + 2] as u32;
                } else {
                    let v = row[x] as u32;
                    rgb[o] += v;
                    rgb[o + 1] += v;
                    rgb[o + 2] += v;
                }
            }
        }
        let n = (k * k) as u32;
        let mut hists = [[0u64; 256]; 3];
        let px: Vec<[u8; 3]> = rgb
            .chunks_exact(3)
            .map(|c| {
                let p = [(c[0] / n) as u8, (c[1] / n) as u8, (c[2] / n) as u8];
                for i in 0..3 {
                    hists[i][p[i] as usize] += 1;
                }
                p
            })
            .collect();
        let total = px.len().max(1) as u64;
        let paper_rgb = [0, 1, 2].map(|i| percentile(&hists[i], total, 0.9).max(1));
        let gray: Vec<u8> = px
            .iter()
            .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
            .collect();
        let mut ghist = [0u64; 256];
        gray.iter().for_each(|&g| ghist[g as usize] += 1);
        let paper = percentile(&ghist, total, 0.9).max(1) as f64;
        let chroma = if r.colour == Colour::Rgb {
            let wb = paper_rgb.map(|c| 255.0 / c as f64);
            px.iter()
                .map(|p| {
                    let b = [0, 1, 2].map(|i| (p[i] as f64 * wb[i]).min(255.0));
                    let (mx, mn) = (b[0].max(b[1]).max(b[2]), b[0].min(b[1]).min(b[2]));
                    (mx - mn) as u8
                })
                .collect()
        } else {
            vec![0; gray.len()]
        };
        View {
            width: w,
            height: h,
            scale: k as f64,
            gray,
            chroma,
            paper,
            paper_rgb,
        }
    }
}
