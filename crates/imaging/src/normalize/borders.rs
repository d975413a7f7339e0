//! Scanner borders: dark bars along the edges of a scan. A row or column counts as border only
//! when nearly all of it is dark, so text, stamps and photos are never cut; crops are capped.

use super::profile::Borders;
use super::view::View;

pub use sohoa_archive::record::Crop;

/// Measures the dark border on each side.
pub(crate) fn detect(v: &View, rules: &Borders) -> Crop {
    if !rules.enabled || v.width < 8 || v.height < 8 {
        return Crop::default();
    }
    let dark = v.paper * rules.dark_level;
    let is_dark = |x: usize, y: usize| (v.gray[y * v.width + x] as f64) < dark;
    let row_dark =
        |y: usize| (0..v.width).filter(|&x| is_dark(x, y)).count() as f64 / v.width as f64;
    let col_dark =
        |x: usize| (0..v.height).filter(|&y| is_dark(x, y)).count() as f64 / v.height as f64;
    let max_rows = (v.height as f64 * rules.max_crop) as usize;
    let max_cols = (v.width as f64 * rules.max_crop) as usize;
    let count = |n: usize, max: usize, line: &dyn Fn(usize) -> f64| {
        (0..max.min(n))
            .take_while(|&i| line(i) >= rules.min_dark_fraction)
            .count()
    };
    let top = count(v.height, max_rows, &row_dark);
    let bottom = count(v.height, max_rows, &|i| row_dark(v.height - 1 - i));
    let left = count(v.width, max_cols, &col_dark);
    let right = count(v.width, max_cols, &|i| col_dark(v.width - 1 - i));
    // A view pixel stands for `scale` pixels; a border that covers part of the next one is
    // left in rather than risk cutting content.
    let full = |n: usize| (n as f64 * v.scale) as u32;
    Crop {
        left: full(left),
        top: full(top),
        right: full(right),
        bottom: full(bottom),
    }
}
