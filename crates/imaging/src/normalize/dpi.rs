//! Resolution sanity: a resolution tag that is missing, implausible for any paper, or that would
//! make the page's letters too small to print is replaced by the one that makes the page a
//! standard paper size (A4, A3, Letter, Legal by default).

use super::profile::Dpi;
use crate::page::{DpiSource, FileDpi};
use sohoa_archive::problem::Problem;

/// Standard scan resolutions that inferred values snap to.
const COMMON_DPI: &[f64] = &[100.0, 150.0, 200.0, 240.0, 300.0, 400.0, 600.0, 1200.0];

/// Letters (the median text-sized piece of ink) shorter than this many points at the tagged
/// resolution mean the tag is wrong: the smallest print on documents, 6-pt text, has letters
/// over 2 pt tall; a 300-dpi scan tagged 1200 dpi shows 10-pt text with letters about 1.2 pt.
const MIN_LETTER_PT: f64 = 1.5;

/// Accepts the file's resolution when plausible, otherwise infers it from the paper size whose
/// shape matches the page best (A4 when none does). `text_height`: the median height of the
/// page's letters in pixels, when it has enough text to tell.
pub(crate) fn resolve(
    file: FileDpi,
    width: u32,
    height: u32,
    text_height: Option<f64>,
    rules: &Dpi,
) -> (f64, f64, DpiSource, Option<String>, Option<Problem>) {
    // PNG stores pixels per metre: 200 dpi comes back as 199.9996. Snap to whole numbers.
    let snap = |d: f64| {
        if (d - d.round()).abs() < 0.05 {
            d.round()
        } else {
            d
        }
    };
    if let Some((dx, dy)) = file.map(|(x, y)| (snap(x), snap(y))) {
        // Paper between 1 and 50 inches a side (A0 is 46.8), the long side at least 2.5.
        let inches = |d: f64, px: u32| px as f64 / d;
        let plausible =
            |d: f64, px: u32| (50.0..=2400.0).contains(&d) && (1.0..=50.0).contains(&inches(d, px));
        let long = inches(dx, width).max(inches(dy, height));
        let letters_pt = text_height.map(|t| t * 72.0 / dy);
        if plausible(dx, width)
            && plausible(dy, height)
            && long >= 2.5
            && (dx / dy - 1.0).abs() < 0.5
            && letters_pt.is_none_or(|pt| pt >= MIN_LETTER_PT)
        {
            return (dx, dy, DpiSource::File, None, None);
        }
    }
    let letters_pt = match (file, text_height) {
        (Some((_, dy)), Some(t)) if t * 72.0 / dy < MIN_LETTER_PT => Some(t * 72.0 / dy),
        _ => None,
    };
    let (short_px, long_px) = (width.min(height) as f64, width.max(height) as f64);
    let aspect = long_px / short_px.max(1.0);
    // Papers of the same shape (A4 and A3 are both 1:√2) cannot be told apart by the image:
    // among those within 3 % of the page's shape, the first listed wins (A4 by default).
    let papers: Vec<(&str, f64, f64)> = rules
        .paper_sizes
        .iter()
        .map(|(n, w, h)| (n.as_str(), w.min(*h), w.max(*h)))
        .collect();
    let off = |p: &(&str, f64, f64)| ((p.2 / p.1) - aspect).abs() / aspect;
    // None within 3 %: the closest shape, again the first listed among equals (A4 and A3
    // differ in shape by 0.01 %).
    let closest = papers.iter().map(off).fold(f64::MAX, f64::min);
    let (name, _, long_mm) = papers
        .iter()
        .find(|p| off(p) < 0.03)
        .or_else(|| papers.iter().find(|p| off(p) <= closest + 0.001))
        .copied()
        .unwrap_or(("A4", 210.0, 297.0));
    let raw = long_px / (long_mm / 25.4);
    let dpi = COMMON_DPI
        .iter()
        .copied()
        .find(|d| (raw / d - 1.0).abs() < 0.08)
        .unwrap_or(raw.round().max(1.0));
    let (vi_what, en_what) = match file {
        None => (
            "không có thông tin DPI".to_string(),
            "no resolution tag".to_string(),
        ),
        Some((dx, dy)) => match letters_pt {
            Some(pt) => (
                format!("DPI ghi trong tệp ({dx:.0}x{dy:.0}) không hợp lý (chữ chỉ cao {pt:.1} pt)"),
                format!("implausible resolution {dx:.0}x{dy:.0} in the file (letters only {pt:.1} pt tall)"),
            ),
            None => (
                format!("DPI ghi trong tệp ({dx:.0}x{dy:.0}) không hợp lý"),
                format!("implausible resolution {dx:.0}x{dy:.0} in the file"),
            ),
        },
    };
    let warning = Problem::warning(
        "page.dpi_inferred",
        format!("Ảnh {width}x{height} px {vi_what}: suy ra {dpi:.0} dpi theo khổ {name}"),
        format!("{width}x{height} px image with {en_what}: inferred {dpi:.0} dpi assuming {name}"),
    );
    (
        dpi,
        dpi,
        DpiSource::Inferred,
        Some(name.to_string()),
        Some(warning),
    )
}
