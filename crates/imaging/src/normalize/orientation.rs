//! Orientation: whether a page's text stands upright, lies on its side or is upside down, told
//! from the text itself. Text lines run across an upright page (the skew sweep scores higher
//! than across the page turned a quarter), and Latin script, Vietnamese included, has far more
//! ink above its x-height band (ascenders, capitals, dots, most diacritics) than below it
//! (descenders, the dot of dấu nặng). A page is turned only by its PDF `/Rotate` (pixels
//! untouched) and only on clear evidence; an upright page is never turned on a guess.

use super::deskew::{self, Skew};
use super::profile::Orientation as Rules;

/// Fewest line pieces (lines cut by the four strips) for a page to be read as text: a chart's
/// legend and axis labels are not enough.
const MIN_LINES: usize = 20;

/// How many times higher one way must score than the other for the lines to lean that way
/// (short of `min_line_ratio`, which tells the page's facing on its own).
const LEAN: f64 = 1.5;

/// How far a rough sweep's peak may fall short of the full sweep's.
const ROUGH_MARGIN: f64 = 1.5;

/// Which way the text lines run (clearly, or leaning: scoring [`LEAN`] times higher that way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    /// Across the page as scanned: upright or upside down.
    Across,
    /// Up and down: on its side.
    Down,
    /// Neither way clearly, nor leaning (or no lines measured).
    Unclear,
}

/// What the text says about the page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facing {
    /// Text lines run up and down.
    pub sideways: bool,
    /// Clockwise degrees (90, 180, 270) that stand the page upright, when the evidence is clear.
    pub turn: Option<u16>,
    /// The skew of the text lines, measured along them (the page's own skew when upright).
    pub skew: Option<Skew>,
    /// The skew was measured on the points turned a quarter ([`quarter`]): the lines run up
    /// and down.
    pub lines_turned: bool,
    /// Which way the lines run.
    pub lines: Lines,
    /// The way up is told by clear evidence (or not asked for): no second opinion is needed.
    pub settled: bool,
}

/// The points turned a quarter clockwise: (x, y) -> (-y, x) (the origin does not matter).
pub(crate) fn quarter(pts: &[(f32, f32)]) -> Vec<(f32, f32)> {
    pts.iter().map(|&(x, y)| (-y, x)).collect()
}

/// Measures skew along the text lines, and which way up the page is.
pub(crate) fn detect(
    pts: &[(f32, f32)],
    diag: usize,
    skew_rules: &super::profile::Deskew,
    rules: &Rules,
) -> Facing {
    let across = deskew::measure(pts, diag, skew_rules);
    let upright = Facing {
        sideways: false,
        turn: None,
        skew: across,
        lines_turned: false,
        lines: Lines::Unclear,
        settled: false,
    };
    if !rules.enabled {
        return Facing {
            settled: true,
            ..upright
        };
    }
    let turned = quarter(pts);
    let clear = |s: &Option<Skew>| s.is_some_and(|s| s.confidence >= skew_rules.min_confidence);
    // A rough look across the other way first: most pages plainly read across, and then the
    // rough peak (which may fall short of a sharp one by less than ROUGH_MARGIN) is enough.
    let rough = deskew::rough_peak(&turned, diag, skew_rules);
    let plainly_across = clear(&across)
        && across.is_some_and(|a| a.score >= rules.min_line_ratio * ROUGH_MARGIN * rough);
    let down = if plainly_across {
        None
    } else {
        deskew::measure(&turned, diag, skew_rules)
    };
    let score = |s: &Option<Skew>| s.map_or(0.0, |s| s.score);
    // Upright when far more ink is above the lines' core than below; upside down when far less.
    let upside = |lines: &[(f32, f32)], s: &Option<Skew>| {
        let u = s.and_then(|s| upness(lines, s.angle, diag));
        (
            u.is_some_and(|u| u >= rules.min_evidence),
            u.is_some_and(|u| u * rules.min_evidence <= 1.0),
            u.is_some_and(|u| u >= 1.25 || u <= 0.8),
        )
    };
    if plainly_across || (clear(&across) && score(&across) >= rules.min_line_ratio * score(&down)) {
        let (up, down_up, _) = upside(pts, &across);
        return Facing {
            turn: down_up.then_some(180),
            lines: Lines::Across,
            settled: up || down_up,
            ..upright
        };
    }
    // Lines run up and down when they score far higher so (columns of figures in a table line
    // up too, but less sharply than lines of text).
    if clear(&down) && score(&down) >= rules.min_line_ratio * score(&across) {
        // Which way the lines read tells a quarter turn either way; text that tells neither
        // (figures, tables of numbers) is left as it is, unflagged.
        let (up, down_up, leaning) = upside(&turned, &down);
        let turn = match (up, down_up) {
            (true, _) => Some(90),
            (_, true) => Some(270),
            _ => None,
        };
        return Facing {
            sideways: leaning,
            turn,
            skew: down,
            lines_turned: true,
            lines: Lines::Down,
            settled: turn.is_some(),
        };
    }
    // Neither way clearly: the lines lean the way whose sharp peak scores LEAN times higher,
    // if any.
    Facing {
        lines: match (score(&across), score(&down)) {
            (a, d) if clear(&across) && a >= LEAN * d => Lines::Across,
            (a, d) if clear(&down) && d >= LEAN * a => Lines::Down,
            _ => Lines::Unclear,
        },
        ..upright
    }
}

/// Whether the text's own ink leans, however weakly, the way a `turn` (clockwise: 90, 180,
/// 270) says the page stands: upside down (180) when ink above the lines' core is `lean` times
/// less than below; a quarter turn when, along the lines turned a quarter, it is `lean` times
/// more (90) or less (270). `skew` is measured along the lines as they will stand. False when
/// the lines do not look like text.
pub(crate) fn leans_to(pts: &[(f32, f32)], diag: usize, turn: u16, skew: Skew, lean: f64) -> bool {
    let u = match turn {
        180 => upness(pts, skew.angle, diag).map(|u| 1.0 / u),
        90 => upness(&quarter(pts), skew.angle, diag),
        270 => upness(&quarter(pts), skew.angle, diag).map(|u| 1.0 / u),
        _ => None,
    };
    u.is_some_and(|u| u >= lean)
}

/// Ink above the x-height band of the text lines over ink below it (points seen with the lines
/// horizontal at `angle`), in strips a quarter of the page wide so that columns need not line
/// up; `None` unless the lines look like text.
fn upness(pts: &[(f32, f32)], angle: f64, diag: usize) -> Option<f64> {
    const STRIPS: usize = 4;
    let (along, across) = (deskew::along(angle), deskew::across(angle));
    let n = 2 * diag + 1;
    let mut rows = vec![0u32; STRIPS * n];
    let (mut lo, mut hi) = (f32::MAX, f32::MIN);
    // Each point's place along the lines and its row.
    let placed: Vec<(f32, usize)> = pts
        .iter()
        .map(|p| {
            let q = along(p);
            lo = lo.min(q);
            hi = hi.max(q);
            let r = ((across(p) + diag as f32) as isize).clamp(0, n as isize - 1);
            (q, r as usize)
        })
        .collect();
    let width = (hi - lo).max(1.0);
    for (q, r) in placed {
        let strip = (((q - lo) / width * STRIPS as f32) as usize).min(STRIPS - 1);
        rows[strip * n + r] += 1;
    }
    let (mut above, mut below, mut heights) = (0u64, 0u64, Vec::new());
    let mut core_mass = 0u64;
    for strip in rows.chunks_exact(n) {
        let max = strip.iter().copied().max().unwrap_or(0);
        let gap = (max / 30).max(1);
        let mut y = 0;
        while y < n {
            if strip[y] <= gap {
                y += 1;
                continue;
            }
            let start = y;
            while y < n && strip[y] > gap {
                y += 1;
            }
            let line = &strip[start..y];
            if line.len() < 4 {
                continue;
            }
            let peak = line.iter().copied().max().unwrap_or(0);
            let core = |v: &u32| *v * 2 >= peak;
            let (Some(top), Some(bottom)) =
                (line.iter().position(core), line.iter().rposition(core))
            else {
                continue;
            };
            above += line[..top].iter().map(|&v| v as u64).sum::<u64>();
            below += line[bottom + 1..].iter().map(|&v| v as u64).sum::<u64>();
            heights.push(line.len());
            core_mass += line[top..=bottom].iter().map(|&v| v as u64).sum::<u64>();
        }
    }
    heights.sort_unstable();
    let median = heights.get(heights.len() / 2).copied().unwrap_or(0);
    let regular = heights
        .iter()
        .filter(|&&h| 2 * h >= median && h <= 2 * median)
        .count();
    // Text: at least MIN_LINES lines, most of them about as tall as the median line, enough ink
    // above and below the cores to count, yet little next to the cores (a music score's stems
    // and flags are not text).
    let outside = above + below;
    let text = heights.len() >= MIN_LINES
        && 10 * regular >= 7 * heights.len()
        && outside >= 500
        && outside * 100 <= 18 * (outside + core_mass);
    text.then(|| (above as f64 + 1.0) / (below as f64 + 1.0))
}
