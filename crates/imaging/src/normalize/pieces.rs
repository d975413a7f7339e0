//! Connected pieces of ink (8-connected) in a mask of the analysis view, with their bounding
//! boxes: what tells letters and words from pictures, rules and borders. Skew and orientation
//! are measured on the text-sized pieces only.

use super::view::View;

/// Most text points used for measuring (a uniform sample of them).
const MAX_POINTS: usize = 60_000;

/// Text-sized ink of a view: its points and how tall its pieces are.
pub(crate) struct TextInk {
    /// Points of the view's text-sized ink (inside a small margin), a uniform sample of at
    /// most [`MAX_POINTS`]. Pieces the size of letters and words are kept; larger ones
    /// (pictures, photos, rules, borders, shadows) and specks are not, so a photo alone gives
    /// few points.
    pub points: Vec<(f32, f32)>,
    /// Median height of the text-sized pieces in full-resolution pixels, when there are at
    /// least [`MIN_PIECES_FOR_HEIGHT`] of them (letters, or words where letters touch).
    pub height: Option<f64>,
}

/// Fewest text-sized pieces for a page to have text to measure: a line of a few words. (The
/// faintest real page evaluated, light print on gray, has 26; a microscope photo whose blots
/// once were taken for lines, 4.)
const MIN_TEXT_PIECES: usize = 12;

/// Pieces needed before their median height says how big the text is.
const MIN_PIECES_FOR_HEIGHT: usize = 200;

pub(crate) fn text_ink(v: &View) -> TextInk {
    let ink = (v.paper * 0.6) as u8;
    let (mx, my) = (v.width / 30, v.height / 30);
    let (w, h) = (
        v.width.saturating_sub(2 * mx),
        v.height.saturating_sub(2 * my),
    );
    if w < 8 || h < 8 {
        return TextInk {
            points: Vec::new(),
            height: None,
        };
    }
    let pieces = label(w, h, |x, y| v.gray[(y + my) * v.width + x + mx] < ink);
    let (max_w, max_h) = ((w / 5).max(4), (h / 15).max(4));
    let keep: Vec<bool> = pieces
        .boxes
        .iter()
        .map(|b| b.pixels >= 3 && b.width() <= max_w && b.height() <= max_h)
        .collect();
    if keep.iter().filter(|&&k| k).count() < MIN_TEXT_PIECES {
        // A few blots (a cell under a microscope, a stain) are no lines of text, however
        // many pixels they hold: nothing to measure skew or orientation by.
        return TextInk {
            points: Vec::new(),
            height: None,
        };
    }
    let kept: usize = pieces
        .boxes
        .iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(b, _)| b.pixels)
        .sum();
    let step = kept / MAX_POINTS + 1;
    // Every `step`th pixel of the kept pieces in reading order, from the first.
    let points = pieces
        .runs
        .iter()
        .zip(&pieces.piece)
        .filter(|(_, &p)| keep[p as usize])
        .flat_map(|(r, _)| (r.x0..=r.x1).map(move |x| (x, r.y)))
        .step_by(step)
        .map(|(x, y)| ((x as usize + mx) as f32, (y as usize + my) as f32))
        .collect();
    let mut heights: Vec<usize> = pieces
        .boxes
        .iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(b, _)| b.height())
        .collect();
    let height = (heights.len() >= MIN_PIECES_FOR_HEIGHT).then(|| {
        let mid = heights.len() / 2;
        *heights.select_nth_unstable(mid).1 as f64 * v.scale
    });
    TextInk { points, height }
}

/// The bounding box and size of one piece.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    pub left: usize,
    pub top: usize,
    pub right: usize,
    pub bottom: usize,
    pub pixels: usize,
}

impl Piece {
    pub fn width(&self) -> usize {
        self.right - self.left + 1
    }
    pub fn height(&self) -> usize {
        self.bottom - self.top + 1
    }
}

/// A run of ink: pixels `x0..=x1` of row `y`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub y: u32,
    pub x0: u32,
    pub x1: u32,
}

/// The pieces of a mask: its runs of ink in reading order, each run's piece (an index into
/// `boxes`), and each piece's box.
pub(crate) struct Pieces {
    pub runs: Vec<Run>,
    pub piece: Vec<u32>,
    pub boxes: Vec<Piece>,
}

/// Labels the 8-connected pieces of a `w` x `h` mask (`ink(x, y)`), run by run: each run of
/// ink joins the runs of the row above that touch it, corners included (union-find). Memory
/// follows the runs, not the pixels; pieces are numbered in the order their first run comes.
pub(crate) fn label(w: usize, h: usize, ink: impl Fn(usize, usize) -> bool) -> Pieces {
    let mut runs: Vec<Run> = Vec::new();
    let mut parent: Vec<u32> = Vec::new();
    let mut above = 0..0;
    for y in 0..h {
        let row_start = runs.len();
        // The first run of the row above that may still touch a run of this row.
        let mut j = above.start;
        let mut x = 0;
        while x < w {
            if !ink(x, y) {
                x += 1;
                continue;
            }
            let x0 = x;
            while x < w && ink(x, y) {
                x += 1;
            }
            let id = runs.len() as u32;
            let (x0, x1) = (x0 as u32, x as u32 - 1);
            runs.push(Run {
                y: y as u32,
                x0,
                x1,
            });
            parent.push(id);
            while j < above.end && runs[j].x1 + 1 < x0 {
                j += 1;
            }
            let mut k = j;
            while k < above.end && runs[k].x0 <= x1 + 1 {
                union(&mut parent, id, k as u32);
                k += 1;
            }
        }
        above = row_start..runs.len();
    }
    let mut boxes: Vec<Piece> = Vec::new();
    let mut piece_of_root = vec![u32::MAX; runs.len()];
    let piece = (0..runs.len())
        .map(|i| {
            let root = find(&mut parent, i as u32) as usize;
            let r = runs[i];
            let (x0, x1, y) = (r.x0 as usize, r.x1 as usize, r.y as usize);
            if piece_of_root[root] == u32::MAX {
                piece_of_root[root] = boxes.len() as u32;
                boxes.push(Piece {
                    left: x0,
                    top: y,
                    right: x1,
                    bottom: y,
                    pixels: 0,
                });
            }
            let b = &mut boxes[piece_of_root[root] as usize];
            b.left = b.left.min(x0);
            b.right = b.right.max(x1);
            b.bottom = b.bottom.max(y);
            b.pixels += x1 - x0 + 1;
            piece_of_root[root]
        })
        .collect();
    Pieces { runs, piece, boxes }
}

/// The root of a run's set, halving the path on the way.
fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        let grand = parent[parent[i as usize] as usize];
        parent[i as usize] = grand;
        i = grand;
    }
    i
}

/// Joins two runs' sets under the earlier root.
fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    let (lo, hi) = (ra.min(rb), ra.max(rb));
    parent[hi as usize] = lo;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white view with dark `w` x `h` blocks at these corners.
    fn view_with(blocks: &[(usize, usize)], w: usize, h: usize) -> View {
        let (vw, vh) = (600, 400);
        let mut gray = vec![230u8; vw * vh];
        for &(x0, y0) in blocks {
            for y in y0..y0 + h {
                gray[y * vw + x0..y * vw + x0 + w].fill(20);
            }
        }
        View {
            width: vw,
            height: vh,
            scale: 1.0,
            chroma: vec![0; vw * vh],
            gray,
            paper: 230.0,
            paper_rgb: [230; 3],
        }
    }

    #[test]
    fn a_few_blots_are_no_text_however_large() {
        // Three lines of twelve words: text, measured.
        let words: Vec<(usize, usize)> = (0..3)
            .flat_map(|l| (0..12).map(move |i| (40 + i * 40, 60 + l * 30)))
            .collect();
        let text = text_ink(&view_with(&words, 30, 12));
        assert!(text.points.len() > 1000, "{}", text.points.len());
        // Four blots of the same size holding as many pixels as a line: nothing to measure.
        let blots = text_ink(&view_with(
            &[(40, 60), (300, 200), (100, 300), (450, 100)],
            100,
            25,
        ));
        assert!(blots.points.is_empty() && blots.height.is_none());
    }

    #[test]
    fn pieces_are_eight_connected_with_their_boxes() {
        // Two pieces: a diagonal of three pixels, and a lone pixel.
        #[rustfmt::skip]
        let m = [
            true, false, false, false,
            false, true, false, false,
            false, false, true, false,
            false, false, false, false,
            true, false, false, false,
        ];
        let p = label(4, 5, |x, y| m[y * 4 + x]);
        assert_eq!(p.boxes.len(), 2);
        let b = p.boxes[0];
        assert_eq!(
            (b.left, b.top, b.width(), b.height(), b.pixels),
            (0, 0, 3, 3, 3)
        );
        assert_eq!(p.runs.len(), 4);
        assert_eq!(p.piece, [0, 0, 0, 1]);
    }

    /// Labels by flood fill, pixel by pixel: each pixel's piece (0 = not ink, else 1 + index
    /// into the boxes) and the boxes, numbered in the order of their first pixel.
    fn flood_fill(mask: &[bool], w: usize, h: usize) -> (Vec<u32>, Vec<Piece>) {
        let mut labels = vec![0u32; w * h];
        let mut boxes: Vec<Piece> = Vec::new();
        for start in 0..w * h {
            if !mask[start] || labels[start] != 0 {
                continue;
            }
            let id = boxes.len() as u32 + 1;
            let (x0, y0) = (start % w, start / w);
            let mut b = Piece {
                left: x0,
                top: y0,
                right: x0,
                bottom: y0,
                pixels: 0,
            };
            labels[start] = id;
            let mut stack = vec![start];
            while let Some(i) = stack.pop() {
                let (x, y) = (i % w, i / w);
                b.pixels += 1;
                b.left = b.left.min(x);
                b.right = b.right.max(x);
                b.top = b.top.min(y);
                b.bottom = b.bottom.max(y);
                for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                    for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                        let j = ny * w + nx;
                        if mask[j] && labels[j] == 0 {
                            labels[j] = id;
                            stack.push(j);
                        }
                    }
                }
            }
            boxes.push(b);
        }
        (labels, boxes)
    }

    #[test]
    fn runs_find_the_pieces_a_flood_fill_finds() {
        let mut seed = 17u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed >> 8
        };
        // Random masks from sparse specks to nearly solid ink: runs that touch only at a
        // corner, and combs of runs that join only rows further down.
        for round in 0..300 {
            let (w, h) = (1 + next() as usize % 40, 1 + next() as usize % 30);
            let density = next() % 100;
            let mask: Vec<bool> = (0..w * h).map(|_| next() % 100 < density).collect();
            let (labels, boxes) = flood_fill(&mask, w, h);
            let p = label(w, h, |x, y| mask[y * w + x]);
            let key = |b: &Piece| (b.left, b.top, b.right, b.bottom, b.pixels);
            assert_eq!(
                p.boxes.iter().map(key).collect::<Vec<_>>(),
                boxes.iter().map(key).collect::<Vec<_>>(),
                "round {round}: {w}x{h}, density {density}"
            );
            let mut from_runs = vec![0u32; w * h];
            for (r, &piece) in p.runs.iter().zip(&p.piece) {
                for x in r.x0..=r.x1 {
                    from_runs[r.y as usize * w + x as usize] = piece + 1;
                }
            }
            assert_eq!(
                from_runs, labels,
                "round {round}: {w}x{h}, density {density}"
            );
        }
    }
}
