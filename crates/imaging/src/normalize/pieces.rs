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
    let mask: Vec<bool> = (my..my + h)
        .flat_map(|y| v.gray[y * v.width + mx..y * v.width + mx + w].iter())
        .map(|&g| g < ink)
        .collect();
    let pieces = label(&mask, w, h);
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
    let kept = pieces
        .labels
        .iter()
        .filter(|&&l| l != 0 && keep[l as usize - 1])
        .count();
    let step = kept / MAX_POINTS + 1;
    let points = pieces
        .labels
        .iter()
        .enumerate()
        .filter(|&(_, &l)| l != 0 && keep[l as usize - 1])
        .step_by(step)
        .map(|(i, _)| ((i % w + mx) as f32, (i / w + my) as f32))
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

/// Every pixel's piece (0 = not ink, else 1 + index into `boxes`).
pub(crate) struct Pieces {
    pub labels: Vec<u32>,
    pub boxes: Vec<Piece>,
}

/// Labels the 8-connected pieces of `mask` (`w` x `h`, row-major) by flood fill.
pub(crate) fn label(mask: &[bool], w: usize, h: usize) -> Pieces {
    let mut labels = vec![0u32; w * h];
    let mut boxes = Vec::new();
    let mut stack = Vec::new();
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
        stack.push(start);
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
    Pieces { labels, boxes }
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
        let p = label(&m, 4, 5);
        assert_eq!(p.boxes.len(), 2);
        let b = p.boxes[0];
        assert_eq!(
            (b.left, b.top, b.width(), b.height(), b.pixels),
            (0, 0, 3, 3, 3)
        );
        assert_eq!(p.labels[16], 2);
        assert_eq!(p.labels[1], 0);
    }
}
