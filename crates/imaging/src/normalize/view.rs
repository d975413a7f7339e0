//! A small view of a page for measuring it cheaply: gray (and colour, white-balanced to the
//! paper) downsampled to about 1000 pixels wide, with the paper's brightness and colour.

use crate::page::Raster;

/// Largest width of the analysis view.
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

/// Paper brightness: the 90th percentile of gray.
fn paper_of(gray: &[u8]) -> f64 {
    let mut hist = [0u64; 256];
    gray.iter().for_each(|&g| hist[g as usize] += 1);
    percentile(&hist, gray.len().max(1) as u64, 0.9).max(1) as f64
}

/// The mean of `n` 8-bit values from their sum, `sum / n` (rounded down) by a multiplication:
/// a division for every pixel of the view took a tenth of measuring a page. With
/// `m = 2^44 / n + 1`, `sum * m >> 44` is exact while `sum * n < 2^44`, which holds for sums of
/// `n < 2^18` values up to 255 (blocks up to 511 pixels a side); larger blocks divide.
#[derive(Clone, Copy)]
struct Mean {
    n: u32,
    m: u64,
}

impl Mean {
    const SHIFT: u32 = 44;

    fn of(n: u32) -> Mean {
        Mean {
            n,
            m: (1u64 << Self::SHIFT) / u64::from(n) + 1,
        }
    }

    fn of_sum(self, sum: u32) -> u8 {
        if self.n < 1 << 18 {
            ((u64::from(sum) * self.m) >> Self::SHIFT) as u8
        } else {
            (sum / self.n) as u8
        }
    }
}

impl View {
    pub fn of(r: &Raster) -> View {
        View::of_crop(r, super::Crop::default())
    }

    /// The view of the page less a crop, without copying the page.
    pub fn of_crop(r: &Raster, c: super::Crop) -> View {
        let (cw, chh) = (r.width - c.left - c.right, r.height - c.top - c.bottom);
        let k = cw.div_ceil(VIEW_WIDTH).max(1) as usize;
        let (w, h) = (cw as usize / k, chh as usize / k);
        let ch = r.colour.components() as usize;
        let stride = r.width as usize * ch;
        // Means of k x k blocks, one channel (gray) or three (RGB): k rows added column by
        // column (a straight loop the compiler vectorizes), then each band summed per block
        // and divided, a band at a time.
        let mean = Mean::of((k * k) as u32);
        let mut band = vec![0u32; w * k * ch];
        let mut gray = Vec::with_capacity(if ch == 1 { w * h } else { 0 });
        let mut px: Vec<[u8; 3]> = Vec::with_capacity(if ch == 1 { 0 } else { w * h });
        let mut hists = [[0u64; 256]; 3];
        for by in 0..h {
            for y in by * k..(by + 1) * k {
                let start = (y + c.top as usize) * stride + c.left as usize * ch;
                let row = &r.pixels[start..start + w * k * ch];
                if y == by * k {
                    for (b, &v) in band.iter_mut().zip(row) {
                        *b = v as u32;
                    }
                } else {
                    for (b, &v) in band.iter_mut().zip(row) {
                        *b += v as u32;
                    }
                }
            }
            if ch == 1 {
                gray.extend(
                    band.chunks_exact(k)
                        .map(|block| mean.of_sum(block.iter().sum::<u32>())),
                );
            } else {
                px.extend(band.chunks_exact(3 * k).map(|block| {
                    let (mut sr, mut sg, mut sb) = (0u32, 0u32, 0u32);
                    for p in block.chunks_exact(3) {
                        sr += p[0];
                        sg += p[1];
                        sb += p[2];
                    }
                    let p = [mean.of_sum(sr), mean.of_sum(sg), mean.of_sum(sb)];
                    for i in 0..3 {
                        hists[i][p[i] as usize] += 1;
                    }
                    p
                }));
            }
        }
        if ch == 1 {
            let paper = paper_of(&gray);
            let p = paper as u8;
            return View {
                width: w,
                height: h,
                scale: k as f64,
                chroma: vec![0; gray.len()],
                gray,
                paper,
                paper_rgb: [p, p, p],
            };
        }
        let total = px.len().max(1) as u64;
        let paper_rgb = [0, 1, 2].map(|i| percentile(&hists[i], total, 0.9).max(1));
        let gray: Vec<u8> = px
            .iter()
            .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
            .collect();
        let paper = paper_of(&gray);
        // Chroma after white balance to the paper colour (fixed point, 8 fractional bits).
        let wb = paper_rgb.map(|c| (255u32 << 8) / c as u32);
        let chroma = px
            .iter()
            .map(|p| {
                let b = [0, 1, 2].map(|i| ((p[i] as u32 * wb[i]) >> 8).min(255));
                (b[0].max(b[1]).max(b[2]) - b[0].min(b[1]).min(b[2])) as u8
            })
            .collect();
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

    /// The part of this view inside a crop given in full-resolution pixels (crops are whole
    /// view pixels, see `borders`), with the paper measured again on it.
    /// The gray of the view turned by `deg` about its centre as [`crate::placement::Placement`]
    /// turns the page (same size, corners paper): what the page looks like after deskew, for
    /// its borders. Only the bands `band` of the width and height deep along the sides are drawn
    /// (borders lie there; the rest is paper), and no chroma (borders are told by brightness).
    pub fn turned(&self, deg: f64, band: f64) -> View {
        let none = super::Crop::default();
        let (w, h) = (self.width as u32, self.height as u32);
        let p = crate::placement::Placement::deskewed(w, h, none, deg, none, self.paper_rgb);
        let deep = |n: usize| (n as f64 * band).ceil() as usize + 2;
        let edges = (deep(self.width), deep(self.height));
        View {
            width: self.width,
            height: self.height,
            scale: self.scale,
            gray: p.render_edges::<1>(&self.gray, w, h, [self.paper as u8], edges),
            chroma: Vec::new(),
            paper: self.paper,
            paper_rgb: self.paper_rgb,
        }
    }

    pub fn sub(&self, c: super::Crop) -> View {
        let s = self.scale as u32;
        let (l, t) = ((c.left / s) as usize, (c.top / s) as usize);
        let w = self.width.saturating_sub(l + (c.right / s) as usize);
        let h = self.height.saturating_sub(t + (c.bottom / s) as usize);
        let pick = |v: &[u8]| {
            (t..t + h)
                .flat_map(|y| {
                    v[y * self.width + l..y * self.width + l + w]
                        .iter()
                        .copied()
                })
                .collect::<Vec<u8>>()
        };
        let gray = pick(&self.gray);
        let chroma = pick(&self.chroma);
        let paper = paper_of(&gray);
        View {
            width: w,
            height: h,
            scale: self.scale,
            gray,
            chroma,
            paper,
            paper_rgb: self.paper_rgb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Mean;

    #[test]
    fn the_mean_by_multiplication_is_the_mean_by_division() {
        // Every sum of every block up to 40 x 40 pixels.
        for k in 1..=40u32 {
            let mean = Mean::of(k * k);
            for sum in 0..=255 * k * k {
                assert_eq!(mean.of_sum(sum), (sum / (k * k)) as u8, "{k}x{k}: {sum}");
            }
        }
        // Around every multiple of the largest blocks that multiply, and beyond them.
        for k in [100u32, 300, 511, 512, 600] {
            let n = k * k;
            let mean = Mean::of(n);
            for q in 0..=255u32 {
                for sum in [q * n, (q * n + n - 1).min(255 * n)] {
                    assert_eq!(mean.of_sum(sum), (sum / n) as u8, "{k}x{k}: {sum}");
                }
            }
        }
    }
}
