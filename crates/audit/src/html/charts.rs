//! SVG charts for the HTML pages: stacked columns, horizontal bars, a line of rates and a donut,
//! drawn inline with tooltips; no coordinate is ever NaN or infinite.

use super::{esc, num, pct, tr, ONTIME};
use sohoa_archive::problem::Lang;

/// A number for an SVG attribute: never NaN or infinite.
fn f(v: f64) -> String {
    format!("{:.1}", if v.is_finite() { v } else { 0.0 })
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    s.chars().take(max - 1).chain(['…']).collect()
}

/// A label on at most `lines` lines of at most `width` characters, broken between words (after a
/// comma when one falls in the second half of a line: "xã …, huyện …, tỉnh …"); what still does
/// not fit ends with "…", so the whole label belongs in a tooltip too.
fn wrap(s: &str, width: usize, lines: usize) -> Vec<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let len = |ws: &[&str]| ws.iter().map(|w| w.chars().count()).sum::<usize>() + ws.len() - 1;
    let mut out = Vec::new();
    let mut rest = &words[..];
    while !rest.is_empty() && out.len() + 1 < lines.max(1) {
        let fit = (1..=rest.len())
            .take_while(|&k| len(&rest[..k]) <= width)
            .last()
            .unwrap_or(1);
        let at_comma = (1..=fit)
            .rev()
            .find(|&k| rest[k - 1].ends_with(',') && len(&rest[..k]) * 2 >= width);
        let k = if fit < rest.len() {
            at_comma.unwrap_or(fit)
        } else {
            fit
        };
        out.push(short(&rest[..k].join(" "), width));
        rest = &rest[k..];
    }
    if !rest.is_empty() {
        out.push(short(&rest.join(" "), width));
    }
    out
}

/// SVG text; `class` combines `m` (centred), `e` (right-aligned), `b` (bold), `w` (white).
fn text(x: f64, y: f64, class: &str, body: &str) -> String {
    let (x, y) = (f(x), f(y));
    format!("<text x=\"{x}\" y=\"{y}\" class=\"{class}\">{body}</text>")
}

/// A rectangle with a tooltip (`tip` is HTML).
fn rect(x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) -> String {
    let (x, y, w, h) = (f(x), f(y), f(w.max(0.0)), f(h.max(0.0)));
    format!(
        "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{fill}\">\
         <title>{tip}</title></rect>"
    )
}

fn tip(label: &str, series: &str, v: u64, lang: Lang) -> String {
    format!("{} — {}: {}", esc(label), esc(series), num(v, lang))
}

/// Items of a stacked chart: a label and one value per series.
type Stacks = [(String, Vec<u64>)];

/// The largest stacked total, at least 1 (so that scales never divide by zero).
fn peak(items: &Stacks) -> f64 {
    let max = items.iter().map(|(_, v)| v.iter().sum::<u64>()).max();
    max.unwrap_or(0).max(1) as f64
}

pub(super) fn no_data(lang: Lang) -> String {
    let none = tr("Chưa có dữ liệu.|No data.", lang);
    format!("<p class=\"note\">{none}</p>")
}

/// Stacked columns, one per item, with the total on top.
pub(super) fn columns(items: &Stacks, series: &[(&str, &str)], lang: Lang) -> String {
    if items.is_empty() {
        return no_data(lang);
    }
    let (base, top, max) = (220.0, 22.0, peak(items));
    let slot = 460.0 / items.len() as f64;
    let bw = (slot * 0.6).min(70.0);
    let mut o = String::from("<svg viewBox=\"0 0 480 250\" role=\"img\">");
    o += &format!("<line x1=\"10\" x2=\"470\" y1=\"{base}\" y2=\"{base}\" stroke=\"#9fb3c8\"/>");
    for (i, (label, vals)) in items.iter().enumerate() {
        let x = 10.0 + slot * i as f64 + (slot - bw) / 2.0;
        let (mid, mut y) = (x + bw / 2.0, base);
        for (&v, (name, color)) in vals.iter().zip(series) {
            let h = v as f64 / max * (base - top);
            y -= h;
            o += &rect(x, y, bw, h, color, &tip(label, name, v, lang));
            if h >= 16.0 {
                o += &text(mid, y + h / 2.0 + 4.0, "m w", &num(v, lang));
            }
        }
        o += &text(mid, y - 5.0, "m b", &num(vals.iter().sum::<u64>(), lang));
        o += &text(mid, base + 18.0, "m", &esc(&short(label, 16)));
    }
    o + "</svg>"
}

/// Stacked horizontal bars, one line per item: scales to many items, and a long label goes on
/// two lines (whole in its tooltip) instead of being cut.
pub(super) fn hbars(items: &Stacks, series: &[(&str, &str)], lang: Lang) -> String {
    if items.is_empty() {
        return no_data(lang);
    }
    let max = peak(items);
    let labels: Vec<Vec<String>> = items.iter().map(|(l, _)| wrap(l, 36, 2)).collect();
    let rows: Vec<usize> = labels
        .iter()
        .map(|l| 24 + 14 * l.len().saturating_sub(1))
        .collect();
    let h = 8 + rows.iter().sum::<usize>();
    let mut o = format!("<svg viewBox=\"0 0 640 {h}\" role=\"img\">");
    let mut y = 4.0;
    for (((label, vals), lines), &row) in items.iter().zip(&labels).zip(&rows) {
        let row = row as f64;
        let mut name = format!("<title>{}</title>", esc(label));
        for (i, line) in lines.iter().enumerate() {
            let (x, ly) = (f(242.0), f(y + 15.0 + 14.0 * i as f64));
            name += &format!("<tspan x=\"{x}\" y=\"{ly}\">{}</tspan>", esc(line));
        }
        o += &text(242.0, y + 15.0, "e", &name);
        let (mut x, top) = (250.0, y + (row - 18.0) / 2.0);
        for (&v, (series, color)) in vals.iter().zip(series) {
            let w = v as f64 / max * 320.0;
            o += &rect(x, top, w, 18.0, color, &tip(label, series, v, lang));
            x += w;
        }
        o += &text(
            x + 6.0,
            top + 12.0,
            "b",
            &num(vals.iter().sum::<u64>(), lang),
        );
        y += row;
    }
    o + "</svg>"
}

/// A line of rates (0..1) with points and values; `None` breaks the line; one point is centred.
pub(super) fn line_chart(points: &[(String, Option<f64>)], lang: Lang) -> String {
    if points.is_empty() {
        return no_data(lang);
    }
    let n = points.len();
    let x = |i: usize| match n {
        1 => 318.0,
        _ => 48.0 + 540.0 * i as f64 / (n - 1) as f64,
    };
    let y = |r: f64| 20.0 + (1.0 - r.clamp(0.0, 1.0)) * 198.0;
    let mut o = String::from("<svg viewBox=\"0 0 640 250\" role=\"img\">");
    for k in 0..=4 {
        let gy = y(k as f64 / 4.0);
        let (line, label) = (f(gy), format!("{}{}", k * 25, lang.pick(" %", "%")));

        o += &format!("<line x1=\"48\" x2=\"600\" y1=\"{line}\" y2=\"{line}\" stroke=\"#ddd\"/>");
        o += &text(42.0, gy + 4.0, "e", &label);
    }
    let (mut d, mut pen) = (String::new(), false);
    for (i, (_, r)) in points.iter().enumerate() {
        let r = r.filter(|r| r.is_finite());
        if let Some(r) = r {
            d += &format!("{}{} {} ", if pen { "L" } else { "M" }, f(x(i)), f(y(r)));
        }
        pen = r.is_some();
    }
    let d = d.trim_end();
    o += &format!("<path d=\"{d}\" fill=\"none\" stroke=\"{ONTIME}\" stroke-width=\"2.5\"/>");
    let step = n.div_ceil(12);
    for (i, (label, r)) in points.iter().enumerate() {
        if let Some(r) = r.filter(|r| r.is_finite()) {
            let (cx, cy, p, label) = (f(x(i)), f(y(r)), pct(Some(r), lang), esc(label));
            o += &format!(
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"4\" fill=\"{ONTIME}\">\
                 <title>{label}: {p}</title></circle>"
            );
            if n <= 24 {
                o += &text(x(i), y(r) - 9.0, "m b", &p);
            }
        }
        if i % step == 0 || i + 1 == n {
            o += &text(x(i), 240.0, "m", &esc(label));
        }
    }
    o + "</svg>"
}

/// A donut of shares, with a legend giving each value and percentage.
pub(super) fn donut(slices: &[(&str, u64, &str)], lang: Lang) -> String {
    let total: u64 = slices.iter().map(|s| s.1).sum();
    let c = 2.0 * std::f64::consts::PI * 70.0;
    let ring = "cx=\"100\" cy=\"100\" r=\"70\" fill=\"none\" stroke-width=\"30\"";
    let mut o =
        format!("<svg viewBox=\"0 0 440 200\" role=\"img\"><circle {ring} stroke=\"#eee\"/>");
    let mut off = 0.0;
    for (i, &(label, v, color)) in slices.iter().enumerate() {
        let share = (total > 0).then(|| v as f64 / total as f64);
        let (len, label) = (share.unwrap_or(0.0) * c, esc(label));
        if v > 0 {
            let (dash, gap, start) = (f(len), f(c), f(-off));
            o += &format!(
                "<circle {ring} stroke=\"{color}\" stroke-dasharray=\"{dash} {gap}\" \
                 stroke-dashoffset=\"{start}\" transform=\"rotate(-90 100 100)\">\
                 <title>{label}</title></circle>"
            );
        }
        off += len;
        let (y, v, p) = (60.0 + 34.0 * i as f64, num(v, lang), pct(share, lang));
        o += &rect(210.0, y, 14.0, 14.0, color, &label);
        let legend = format!("{label}: <tspan class=\"b\">{v}</tspan> ({p})");
        o += &text(232.0, y + 12.0, "", &legend);
    }
    o + &text(100.0, 107.0, "m b big", &num(total, lang)) + "</svg>"
}
