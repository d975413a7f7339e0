//! Where a stored image lies on its PDF page. Deskew and border crops do not change the
//! scan's pixels: the image is stored as decoded (a JPEG byte for byte, a G4 stream as it
//! came) and drawn turned and shifted so that the page shows it straight and without its
//! borders. One affine map in pixels says it all; the PDF writer turns it into the page's
//! `cm` matrix, `read_back` recovers it, and [`Placement::render`] draws the page's pixels
//! (for OCR and thumbnails) exactly as a reader sees them.

use sohoa_archive::record::Crop;

/// An image placed on a page: page pixel `p` (continuous coordinates, y down, pixel
/// centres at +0.5) shows image point `m · p + t`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Page size in image pixels.
    pub width: u32,
    pub height: u32,
    /// Row-major 2x2 map `[m00, m01, m10, m11]` and offset `[tx, ty]`: page to image.
    pub m: [f64; 4],
    pub t: [f64; 2],
    /// The part of the image shown, in image pixels: left, top, right and bottom edges
    /// (exclusive); what the crops cut off never shows, even in the corners of a turn.
    pub clip: [u32; 4],
    /// Paper colour under the image (corners a turn uncovers); none when the image covers
    /// the page.
    pub fill: Option<[u8; 3]>,
}

impl Placement {
    /// The page of an image of `w x h` pixels less `crop`, turned by `deg` (the recorded
    /// `rotated`: positive turns the content counter-clockwise on screen, as
    /// [`crate::normalize`] measures it) about the cropped part's centre, less `after`.
    pub fn deskewed(w: u32, h: u32, crop: Crop, deg: f64, after: Crop, fill: [u8; 3]) -> Placement {
        let (cw, ch) = (
            w.saturating_sub(crop.left + crop.right),
            h.saturating_sub(crop.top + crop.bottom),
        );
        let (s, c) = deg.to_radians().sin_cos();
        let (cx, cy) = (cw as f64 / 2.0, ch as f64 / 2.0);
        // Image point = R · (page point + after offset − centre) + centre + crop offset.
        let (ax, ay) = (after.left as f64 - cx, after.top as f64 - cy);
        Placement {
            width: cw.saturating_sub(after.left + after.right),
            height: ch.saturating_sub(after.top + after.bottom),
            m: [c, -s, s, c],
            t: [
                c * ax - s * ay + cx + crop.left as f64,
                s * ax + c * ay + cy + crop.top as f64,
            ],
            clip: [crop.left, crop.top, crop.left + cw, crop.top + ch],
            fill: (deg != 0.0).then_some(fill),
        }
    }

    /// The image at its own size and place: the page is the image.
    pub fn is_identity(&self, w: u32, h: u32) -> bool {
        self.width == w
            && self.height == h
            && self.m == [1.0, 0.0, 0.0, 1.0]
            && self.t == [0.0, 0.0]
            && self.clip == [0, 0, w, h]
    }

    /// The PDF `cm` operands that map image pixels (x right, y down) to the page's points
    /// (from its lower-left corner, y up) at `dpi_x x dpi_y`.
    pub fn pdf_matrix(&self, dpi_x: f64, dpi_y: f64) -> [f64; 6] {
        let page_h = self.height as f64;
        let pt = |s: (f64, f64)| {
            let (x, y) = self.page_of(s);
            (x * 72.0 / dpi_x, (page_h - y) * 72.0 / dpi_y)
        };
        let (e, f) = pt((0.0, 0.0));
        let (x1, y1) = pt((1.0, 0.0));
        let (x2, y2) = pt((0.0, 1.0));
        [x1 - e, y1 - f, x2 - e, y2 - f, e, f]
    }

    /// The placement the operands of [`Placement::pdf_matrix`], the clip and the page size
    /// in points describe, with the image's resolution along its own axes. None when the
    /// matrix is degenerate.
    pub fn from_pdf(
        cm: [f64; 6],
        clip: [u32; 4],
        page_pt: (f64, f64),
    ) -> Option<(Placement, f64, f64)> {
        let [a, b, c, d, e, f] = cm;
        // The map is a turn in pixels, then a scale to points per axis of the page: its rows
        // are as long as one pixel is in points along each axis.
        let (len_x, len_y) = (a.hypot(c), b.hypot(d));
        if !(len_x > 0.0 && len_y > 0.0) {
            return None;
        }
        // Resolutions are written to six decimals: a whole number within 0.01 is that number.
        let snap = |d: f64| {
            if (d - d.round()).abs() < 0.01 {
                d.round()
            } else {
                d
            }
        };
        let (dpi_x, dpi_y) = (snap(72.0 / len_x), snap(72.0 / len_y));
        let (pw, ph) = (page_pt.0 * dpi_x / 72.0, page_pt.1 * dpi_y / 72.0);
        // Image pixel -> page pixel (y down): A · s + o.
        let to_page = |x: f64, y: f64| {
            let (px, py) = (a * x + c * y + e, b * x + d * y + f);
            (px * dpi_x / 72.0, ph - py * dpi_y / 72.0)
        };
        let o = to_page(0.0, 0.0);
        let ex = to_page(1.0, 0.0);
        let ey = to_page(0.0, 1.0);
        let (a00, a10, a01, a11) = (ex.0 - o.0, ex.1 - o.1, ey.0 - o.0, ey.1 - o.1);
        let det = a00 * a11 - a01 * a10;
        if det.abs() < 1e-12 {
            return None;
        }
        let m = [a11 / det, -a01 / det, -a10 / det, a00 / det];
        let t = [-(m[0] * o.0 + m[1] * o.1), -(m[2] * o.0 + m[3] * o.1)];
        let placement = Placement {
            width: pw.round().max(1.0) as u32,
            height: ph.round().max(1.0) as u32,
            m,
            t,
            clip,
            fill: None,
        };
        Some((placement, dpi_x, dpi_y))
    }

    /// Image point shown at page point `p`.
    pub fn image_of(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let m = self.m;
        (
            m[0] * x + m[1] * y + self.t[0],
            m[2] * x + m[3] * y + self.t[1],
        )
    }

    /// Page point showing image point `s`.
    fn page_of(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let m = self.m;
        let det = m[0] * m[3] - m[1] * m[2];
        let (dx, dy) = (x - self.t[0], y - self.t[1]);
        (
            (m[3] * dx - m[1] * dy) / det,
            (-m[2] * dx + m[0] * dy) / det,
        )
    }

    /// The page's pixels (bilinear, `fill` outside the image) from an image of
    /// `w x h` pixels with `CH` interleaved channels.
    pub fn render<const CH: usize>(&self, src: &[u8], w: u32, h: u32, fill: [u8; CH]) -> Vec<u8> {
        self.render_edges(src, w, h, fill, (usize::MAX, usize::MAX))
    }

    /// [`Placement::render`] of only the bands `edges` (columns, rows) wide along the page's
    /// sides; the rest is `fill` (for looking at borders, which lie there).
    pub fn render_edges<const CH: usize>(
        &self,
        src: &[u8],
        w: u32,
        h: u32,
        fill: [u8; CH],
        edges: (usize, usize),
    ) -> Vec<u8> {
        let (ow, oh) = (self.width as usize, self.height as usize);
        let mut out = vec![0u8; ow * oh * CH];
        // Pixel indices: image index = m · page index + b, with b from the pixel centres.
        let (c0, c1) = self.image_of((0.5, 0.5));
        let b = (c0 - 0.5, c1 - 0.5);
        const BITS: u32 = 16;
        const ONE: i64 = 1 << BITS;
        let fixed = |v: f64| (v * ONE as f64).round() as i64;
        let (dx_step, dy_step) = (fixed(self.m[0]), fixed(self.m[2]));
        let w = w as usize;
        // A source position is inside when both pixels it blends on each axis are shown.
        let [x0c, y0c, x1c, y1c] = self.clip.map(|v| v as i64);
        let (x1c, y1c) = (x1c.min(w as i64), y1c.min(h as i64));
        let (min_x, min_y) = (x0c * ONE, y0c * ONE);
        let (max_x, max_y) = ((x1c - 1) * ONE, (y1c - 1) * ONE);
        let inside = |sx: i64, sy: i64| sx >= min_x && sy >= min_y && sx < max_x && sy < max_y;
        for (oy, row) in out.chunks_exact_mut(ow * CH).enumerate() {
            let (sx0, sy0) = (
                fixed(self.m[1] * oy as f64 + b.0),
                fixed(self.m[3] * oy as f64 + b.1),
            );
            let at = |ox: usize| (sx0 + ox as i64 * dx_step, sy0 + ox as i64 * dy_step);
            // The output pixels whose source is inside form one run [lo, hi) along the row:
            // found by solving both bounds, then nudged to the exact fixed-point test.
            let (lo, hi) = inside_run(
                ow,
                (sx0 - min_x, dx_step, max_x - min_x),
                (sy0 - min_y, dy_step, max_y - min_y),
            );
            let (mut lo, mut hi) = (lo, hi.max(lo));
            while lo < hi && !inside(at(lo).0, at(lo).1) {
                lo += 1;
            }
            while hi > lo && !inside(at(hi - 1).0, at(hi - 1).1) {
                hi -= 1;
            }
            let (before, rest) = row.split_at_mut(lo * CH);
            let (run, after) = rest.split_at_mut((hi - lo) * CH);
            for px in before
                .chunks_exact_mut(CH)
                .chain(after.chunks_exact_mut(CH))
            {
                px.copy_from_slice(&fill);
            }
            // Away from the top and bottom bands only the side bands are drawn.
            let middle = oy >= edges.1 && oy + edges.1 < oh;
            let (skip_from, skip_to) = if middle && 2 * edges.0 < ow {
                (edges.0.clamp(lo, hi), (ow - edges.0).clamp(lo, hi))
            } else {
                (hi, hi)
            };
            let span = |from: usize, to: usize| (from - lo) * CH..(to - lo) * CH;
            for px in run[span(skip_from, skip_to)].chunks_exact_mut(CH) {
                px.copy_from_slice(&fill);
            }
            for (from, to) in [(lo, skip_from), (skip_to, hi)] {
                let (mut sx, mut sy) = at(from);
                for px in run[span(from, to)].chunks_exact_mut(CH) {
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
        }
        out
    }
}

/// The range of `ox` in `0..n` for which `0 <= a + ox * da < max_a` and the same for `b`
/// (approximately: the caller checks the ends exactly).
fn inside_run(
    n: usize,
    (a, da, max_a): (i64, i64, i64),
    (b, db, max_b): (i64, i64, i64),
) -> (usize, usize) {
    let (lo_a, hi_a) = axis_run(n, a, da, max_a);
    let (lo_b, hi_b) = axis_run(n, b, db, max_b);
    (lo_a.max(lo_b), hi_a.min(hi_b))
}

/// `0 <= a + ox * da < max` for `ox` in the returned range (within one step).
fn axis_run(n: usize, a: i64, da: i64, max: i64) -> (usize, usize) {
    if da == 0 {
        return if a >= 0 && a < max { (0, n) } else { (0, 0) };
    }
    let (t0, t1) = ((0 - a) as f64 / da as f64, (max - a) as f64 / da as f64);
    let (lo, hi) = if t0 < t1 { (t0, t1) } else { (t1, t0) };
    let clamp = |t: f64| t.clamp(0.0, n as f64) as usize;
    (clamp(lo.floor()), clamp(hi.ceil() + 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 6], b: [f64; 6]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn an_unturned_uncropped_page_is_the_image_scaled() {
        let p = Placement::deskewed(2480, 3508, Crop::default(), 0.0, Crop::default(), [255; 3]);
        assert!(p.is_identity(2480, 3508));
        assert_eq!(p.fill, None);
        // One pixel is 0.24 pt at 300 dpi; the image's top row at the page's top.
        let cm = p.pdf_matrix(300.0, 300.0);
        assert!(close(cm, [0.24, 0.0, 0.0, -0.24, 0.0, 841.92]), "{cm:?}");
    }

    #[test]
    fn a_crop_shifts_the_image_and_shrinks_the_page() {
        let crop = Crop {
            left: 100,
            top: 50,
            right: 20,
            bottom: 10,
        };
        let p = Placement::deskewed(1000, 800, crop, 0.0, Crop::default(), [0; 3]);
        assert_eq!((p.width, p.height), (880, 740));
        assert_eq!(p.clip, [100, 50, 980, 790]);
        // 72 dpi: one pixel is one point. The image's top-left corner lies 100 pt left of the
        // page and 50 pt above it.
        let cm = p.pdf_matrix(72.0, 72.0);
        assert!(close(cm, [1.0, 0.0, 0.0, -1.0, -100.0, 790.0]), "{cm:?}");
    }

    #[test]
    fn the_pdf_matrix_reads_back_as_the_same_placement() {
        let crop = Crop {
            left: 31,
            top: 7,
            right: 12,
            bottom: 40,
        };
        let after = Crop {
            left: 9,
            top: 0,
            right: 3,
            bottom: 14,
        };
        for deg in [-7.3, -0.41, 0.0, 1.5, 12.0] {
            let p = Placement::deskewed(1700, 2300, crop, deg, after, [250; 3]);
            for (dx, dy) in [(300.0, 300.0), (200.0, 240.0)] {
                // As the bundle writes them: the matrix to six decimals, the page to four.
                let cm = p.pdf_matrix(dx, dy).map(|v| (v * 1e6).round() / 1e6);
                let pt = |px: u32, dpi: f64| (px as f64 * 72.0 / dpi * 1e4).round() / 1e4;
                let page_pt = (pt(p.width, dx), pt(p.height, dy));
                let (q, qx, qy) = Placement::from_pdf(cm, p.clip, page_pt).unwrap();
                assert_eq!((qx, qy), (dx, dy));
                assert_eq!((q.width, q.height), (p.width, p.height));
                for (a, b) in p.m.iter().chain(&p.t).zip(q.m.iter().chain(&q.t)) {
                    assert!((a - b).abs() < 2e-3, "{deg}: {p:?} vs {q:?}");
                }
            }
        }
    }

    #[test]
    fn a_placed_crop_renders_the_cropped_pixels_exactly() {
        let (w, h) = (37u32, 23u32);
        let src: Vec<u8> = (0..w * h).map(|i| (i * 7 % 251) as u8).collect();
        let crop = Crop {
            left: 3,
            top: 2,
            right: 5,
            bottom: 1,
        };
        let p = Placement::deskewed(w, h, crop, 0.0, Crop::default(), [0; 3]);
        let got = p.render::<1>(&src, w, h, [9]);
        let mut want = Vec::new();
        for y in 2..h - 1 {
            for x in 3..w - 5 {
                // The last column and row shown blend with a neighbour cut off: fill there.
                let edge = x == w - 6 || y == h - 2;
                want.push(if edge { 9 } else { src[(y * w + x) as usize] });
            }
        }
        assert_eq!(got, want);
    }

    #[test]
    fn rendering_only_the_edges_draws_them_as_the_whole_page_does() {
        let (w, h) = (83u32, 59u32);
        let src: Vec<u8> = (0..w * h).map(|i| ((i * 29) % 251) as u8).collect();
        let p = Placement::deskewed(w, h, Crop::default(), 3.3, Crop::default(), [200; 3]);
        let whole = p.render::<1>(&src, w, h, [200]);
        let edges = p.render_edges::<1>(&src, w, h, [200], (10, 7));
        for y in 0..h as usize {
            for x in 0..w as usize {
                let i = y * w as usize + x;
                let in_band = x < 10 || x + 10 >= w as usize || y < 7 || y + 7 >= h as usize;
                let want = if in_band { whole[i] } else { 200 };
                assert_eq!(edges[i], want, "({x}, {y})");
            }
        }
    }

    #[test]
    fn a_placed_turn_matches_a_plain_bilinear_rotation() {
        // Reference: every output pixel computed on its own, in floating point.
        let (w, h) = (61u32, 47u32);
        let src: Vec<u8> = (0..w * h * 3).map(|i| ((i * 37) % 256) as u8).collect();
        for deg in [-3.7, 0.8, 11.0] {
            let p = Placement::deskewed(w, h, Crop::default(), deg, Crop::default(), [1, 2, 3]);
            let got = p.render::<3>(&src, w, h, [1, 2, 3]);
            let (s, c) = deg.to_radians().sin_cos();
            let (cx, cy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
            let mut off = 0;
            for oy in 0..h as usize {
                for ox in 0..w as usize {
                    let (dx, dy) = (ox as f64 - cx, oy as f64 - cy);
                    let (sx, sy) = (c * dx - s * dy + cx, s * dx + c * dy + cy);
                    let i = (oy * w as usize + ox) * 3;
                    if sx < 0.0 || sy < 0.0 || sx >= w as f64 - 1.0 || sy >= h as f64 - 1.0 {
                        continue;
                    }
                    let (x0, y0) = (sx.floor() as usize, sy.floor() as usize);
                    let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
                    for k in 0..3 {
                        let at = |x: usize, y: usize| src[(y * w as usize + x) * 3 + k] as f64;
                        let v = at(x0, y0) * (1.0 - fx) * (1.0 - fy)
                            + at(x0 + 1, y0) * fx * (1.0 - fy)
                            + at(x0, y0 + 1) * (1.0 - fx) * fy
                            + at(x0 + 1, y0 + 1) * fx * fy;
                        if (got[i + k] as f64 - v).abs() > 1.5 {
                            off += 1;
                        }
                    }
                }
            }
            assert_eq!(off, 0, "{deg} deg");
        }
    }
}
