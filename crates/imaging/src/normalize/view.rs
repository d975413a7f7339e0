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
    let [hist] = histograms(gray);
    percentile(&hist, gray.len().max(1) as u64, 0.9).max(1) as f64
}

/// How many of the pixels in `bytes` (`N` channels each, interleaved) hold each value, per
/// channel. Counted into four tables in turn: most pixels are paper, and counting one after
/// another into one table waits on every count of the same value for the one before it.
fn histograms<const N: usize>(bytes: &[u8]) -> [[u64; 256]; N] {
    const TABLES: usize = 4;
    let mut tables = [[[0u64; 256]; N]; TABLES];
    let mut chunks = bytes.chunks_exact(TABLES * N);
    for c in &mut chunks {
        for (t, table) in tables.iter_mut().enumerate() {
            for (ch, hist) in table.iter_mut().enumerate() {
                hist[c[t * N + ch] as usize] += 1;
            }
        }
    }
    for px in chunks.remainder().chunks_exact(N) {
        for (ch, hist) in tables[0].iter_mut().enumerate() {
            hist[px[ch] as usize] += 1;
        }
    }
    let mut sum = [[0u64; 256]; N];
    for table in &tables {
        for (s, hist) in sum.iter_mut().zip(table) {
            for (a, b) in s.iter_mut().zip(hist) {
                *a += b;
            }
        }
    }
    sum
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

/// Where and how a view is taken from a page: `k` x `k` blocks, `w` x `h` of them, from the
/// pixel at (`left`, `top`).
#[derive(Clone, Copy)]
struct Window {
    left: usize,
    top: usize,
    k: usize,
    w: usize,
    h: usize,
}

/// The means of a page's `k` x `k` blocks, `N` channels (1: gray, 3: RGB), summed in `B`
/// (wide enough for `k` rows): each band of `k` rows added column by column (a straight loop
/// the compiler vectorizes), then summed per block and divided, a band at a time.
fn averaged<B, const N: usize>(pixels: &[u8], stride: usize, c: Window) -> Vec<[u8; N]>
where
    B: Copy + From<u8> + Into<u32> + std::ops::AddAssign,
{
    let Window { left, top, k, w, h } = c;
    let mean = Mean::of((k * k) as u32);
    let mut band: Vec<B> = vec![B::from(0); w * k * N];
    let mut out = Vec::with_capacity(w * h);
    for by in 0..h {
        for y in by * k..(by + 1) * k {
            let start = (y + top) * stride + left * N;
            let row = &pixels[start..start + w * k * N];
            if y == by * k {
                for (b, &v) in band.iter_mut().zip(row) {
                    *b = B::from(v);
                }
            } else {
                for (b, &v) in band.iter_mut().zip(row) {
                    *b += B::from(v);
                }
            }
        }
        out.extend(band.chunks_exact(N * k).map(|block| {
            let mut sums = [0u32; N];
            for p in block.chunks_exact(N) {
                for (s, &v) in sums.iter_mut().zip(p) {
                    *s += v.into();
                }
            }
            sums.map(|s| mean.of_sum(s))
        }));
    }
    out
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
        let crop = Window {
            left: c.left as usize,
            top: c.top as usize,
            k,
            w,
            h,
        };
        // Sums of up to 257 rows of 8-bit values fit 16 bits (twice as many lanes a vector).
        let (gray, px) = match (ch, k <= 257) {
            (1, true) => (averaged::<u16, 1>(&r.pixels, stride, crop), Vec::new()),
            (1, false) => (averaged::<u32, 1>(&r.pixels, stride, crop), Vec::new()),
            (_, true) => (Vec::new(), averaged::<u16, 3>(&r.pixels, stride, crop)),
            (_, false) => (Vec::new(), averaged::<u32, 3>(&r.pixels, stride, crop)),
        };
        let gray: Vec<u8> = gray.into_flattened();
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
        let hists = histograms::<3>(px.as_flattened());
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
    use super::{Mean, View};
    use crate::page::{Colour, Raster};
    use sohoa_archive::record::Crop;

    /// The view as first written: every block summed pixel by pixel and divided, one histogram.
    fn plain_view(r: &Raster, c: Crop) -> (Vec<u8>, Vec<u8>, f64, [u8; 3]) {
        let ch = r.colour.components() as usize;
        let cw = (r.width - c.left - c.right) as usize;
        let k = cw.div_ceil(1000).max(1);
        let (w, h) = (cw / k, (r.height - c.top - c.bottom) as usize / k);
        let px: Vec<Vec<u8>> = (0..w * h)
            .map(|i| {
                let (bx, by) = (i % w, i / w);
                (0..ch)
                    .map(|n| {
                        let mut sum = 0u32;
                        for y in by * k..(by + 1) * k {
                            for x in bx * k..(bx + 1) * k {
                                let at =
                                    ((y + c.top as usize) * r.width as usize + x + c.left as usize)
                                        * ch
                                        + n;
                                sum += u32::from(r.pixels[at]);
                            }
                        }
                        (sum / (k * k) as u32) as u8
                    })
                    .collect()
            })
            .collect();
        let p90 = |values: &mut Vec<u8>| {
            values.sort_unstable();
            values
                .get((values.len() as f64 * 0.9) as usize)
                .copied()
                .unwrap_or(255)
                .max(1)
        };
        if ch == 1 {
            let gray: Vec<u8> = px.iter().map(|p| p[0]).collect();
            let paper = p90(&mut gray.clone());
            return (gray, vec![0; w * h], f64::from(paper), [paper; 3]);
        }
        let paper_rgb = [0, 1, 2].map(|n| p90(&mut px.iter().map(|p| p[n]).collect()));
        let gray: Vec<u8> = px
            .iter()
            .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
            .collect();
        let paper = f64::from(p90(&mut gray.clone()));
        let chroma = px
            .iter()
            .map(|p| {
                let b: Vec<u32> = (0..3)
                    .map(|n| ((p[n] as u32 * ((255 << 8) / paper_rgb[n] as u32)) >> 8).min(255))
                    .collect();
                (b.iter().max().unwrap_or(&0) - b.iter().min().unwrap_or(&0)) as u8
            })
            .collect();
        (gray, chroma, paper, paper_rgb)
    }

    #[test]
    fn the_four_tables_count_every_value_of_every_channel() {
        let mut seed = 7u64;
        for len in (0..40).chain([999, 1000, 1001, 4099]) {
            let bytes: Vec<u8> = (0..len * 3)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 56) as u8 | 0xF0
                })
                .collect();
            let mut plain = [[0u64; 256]; 3];
            for (i, &b) in bytes.iter().enumerate() {
                plain[i % 3][b as usize] += 1;
            }
            assert_eq!(super::histograms::<3>(&bytes), plain, "{len} RGB pixels");
            let mut plain = [[0u64; 256]; 1];
            for &b in &bytes {
                plain[0][b as usize] += 1;
            }
            assert_eq!(
                super::histograms::<1>(&bytes),
                plain,
                "{} gray pixels",
                3 * len
            );
        }
    }

    #[test]
    fn the_view_is_the_mean_of_every_block_and_the_paper_its_90th_percentile() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for case in 0..24 {
            let colour = if case % 2 == 0 {
                Colour::Gray
            } else {
                Colour::Rgb
            };
            // Blocks of 1 to 4 pixels a side (pages up to 4000 pixels wide), paper and ink.
            let (width, height) = (600 + rnd(3400) as u32, 20 + rnd(60) as u32);
            let n = (width * height) as usize * colour.components() as usize;
            let pixels = (0..n)
                .map(|_| match rnd(10) {
                    0 => rnd(256) as u8,
                    1 => 0,
                    _ => 200 + rnd(56) as u8,
                })
                .collect();
            let r = Raster {
                width,
                height,
                colour,
                pixels,
                conversions: Vec::new(),
                source_bilevel: false,
            };
            let c = if case % 3 == 0 {
                Crop::default()
            } else {
                Crop {
                    left: rnd(40) as u32,
                    top: rnd(8) as u32,
                    right: rnd(40) as u32,
                    bottom: rnd(8) as u32,
                }
            };
            let v = View::of_crop(&r, c);
            let (gray, chroma, paper, paper_rgb) = plain_view(&r, c);
            assert_eq!(v.gray, gray, "case {case}: gray");
            assert_eq!(v.chroma, chroma, "case {case}: chroma");
            assert_eq!((v.paper, v.paper_rgb), (paper, paper_rgb), "case {case}");
        }
    }

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
