//! A second opinion on which way up a page is, from outside this crate (Tesseract's orientation
//! and script detection, wired in by ingest and `sohoa inspect` where it is installed). It is
//! asked only about text pages whose own lines leave the way up undecided, and its answer is
//! taken only when it is confident and agrees with what the lines show.

use super::deskew;
use super::orientation::{quarter, Facing};
use super::profile::{Deskew, Orientation as Rules};
use super::Crop;
use crate::page::{Colour, Raster};

/// Share of `osd_min_confidence` enough when the page's own ink leans the way the judge says.
const AGREEING_SHARE: f64 = 0.5;

/// Ink above the lines' core over ink below (or the reverse) that counts as leaning.
const LEAN: f64 = 1.15;

/// What an outside judge says of a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Told {
    /// Clockwise degrees (0, 90, 180, 270) that stand the page upright.
    pub turn: u16,
    /// The judge's own confidence (Tesseract: its orientation confidence, 0 up).
    pub confidence: f64,
}

/// An outside judge of a page's orientation.
pub trait OrientationTeller: Send + Sync + std::fmt::Debug {
    /// Who tells, as recorded in the page's normalization, e.g. `Tesseract 5.3.0 OSD`.
    fn name(&self) -> String;
    /// The turn that stands an 8-bit gray image (`width` × `height`, `dpi`) upright; `None`
    /// when it cannot tell (too little text, not installed, failed).
    fn tell(&self, gray: &[u8], width: u32, height: u32, dpi: u32) -> Option<Told>;
}

/// The page less its crop as 8-bit gray, full resolution (what the judge looks at).
fn gray_of(r: &Raster, c: Crop) -> (Vec<u8>, u32, u32) {
    let (w, h) = (r.width - c.left - c.right, r.height - c.top - c.bottom);
    let ch = r.colour.components() as usize;
    let stride = r.width as usize * ch;
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in c.top..c.top + h {
        let start = y as usize * stride + c.left as usize * ch;
        let row = &r.pixels[start..start + w as usize * ch];
        if r.colour == Colour::Rgb {
            out.extend(super::luma(row));
        } else {
            out.extend_from_slice(row);
        }
    }
    (out, w, h)
}

/// Pages scanned at this resolution or finer are shown to the judge at half of it: letters
/// are still well formed at 125-150 dpi, and the judge's working memory is a quarter.
const HALVED_FROM_DPI: u32 = 250;

/// The image at half its size, each pixel the mean of a 2 × 2 block.
pub(crate) fn halved(gray: &[u8], w: u32, h: u32) -> (Vec<u8>, u32, u32) {
    let (w, hw, hh) = (w as usize, w as usize / 2, h as usize / 2);
    let mut out = Vec::with_capacity(hw * hh);
    for y in 0..hh {
        let (a, b) = (&gray[2 * y * w..], &gray[(2 * y + 1) * w..]);
        out.extend((0..hw).map(|x| {
            let sum = a[2 * x] as u32 + a[2 * x + 1] as u32 + b[2 * x] as u32 + b[2 * x + 1] as u32;
            ((sum + 2) / 4) as u8
        }));
    }
    (out, hw as u32, hh as u32)
}

/// Asks `teller` about an undecided page and returns the facing it supports, with what it
/// said (for the record); `None` when it cannot tell, is not confident, or contradicts the
/// lines (says "on its side" where they run across, or "upright or upside down" where they run
/// up and down).
#[allow(clippy::too_many_arguments)]
pub(crate) fn ask(
    teller: &dyn OrientationTeller,
    r: &Raster,
    crop: Crop,
    dpi: u32,
    own: &Facing,
    pts: &[(f32, f32)],
    diag: usize,
    skew_rules: &Deskew,
    rules: &Rules,
) -> Option<(Facing, Told)> {
    let (gray, w, h) = gray_of(r, crop);
    let (gray, w, h, dpi) = if dpi >= HALVED_FROM_DPI && w >= 2 && h >= 2 {
        let (half, hw, hh) = halved(&gray, w, h);
        (half, hw, hh, dpi / 2)
    } else {
        (gray, w, h, dpi)
    };
    let told = teller.tell(&gray, w, h, dpi)?;
    drop(gray);
    if told.confidence < AGREEING_SHARE * rules.osd_min_confidence
        || !matches!(told.turn, 90 | 180 | 270)
    {
        return None;
    }
    let quarter_turn = told.turn != 180;
    let lines_across = own.lines == super::orientation::Lines::Across;
    let lines_down = own.lines == super::orientation::Lines::Down || own.sideways;
    if (quarter_turn && lines_across) || (!quarter_turn && lines_down) {
        return None;
    }
    // Skew is measured along the lines: across the page as it will stand.
    let skew = match (quarter_turn, own.lines_turned) {
        (true, false) => deskew::measure(&quarter(pts), diag, skew_rules),
        (false, true) => deskew::measure(pts, diag, skew_rules),
        _ => own.skew,
    };
    // Less sure than `osd_min_confidence`: believed only where the text's own ink leans the
    // same way.
    if told.confidence < rules.osd_min_confidence
        && !skew.is_some_and(|s| super::orientation::leans_to(pts, diag, told.turn, s, LEAN))
    {
        return None;
    }
    Some((
        Facing {
            sideways: quarter_turn,
            turn: Some(told.turn),
            skew,
            lines_turned: quarter_turn,
            lines: own.lines,
            settled: true,
        },
        told,
    ))
}
