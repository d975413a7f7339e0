//! HTML pages for people: the audit ("đúng, đủ, sạch, sống") and the Biểu 06/VPCP/KSTT statistics,
//! each one self-contained document (inline CSS, SVG charts, a small script; no external URL).

use crate::finding::{AuditReport, Criterion, Finding, Tally};
use crate::stats::{Counts, LateCase, StatsReport};
use sohoa_pipeline::problem::{Lang, Severity};
use std::fmt::{Display, Write};

/// `write!` to a `String`, which cannot fail.
macro_rules! w {
    ($o:expr, $($t:tt)*) => {{ let _ = write!($o, $($t)*); }};
}

const ERR: &str = "#c62828";
const WARN: &str = "#d98e04";
const EARLY: &str = "#2e7d32";
const ONTIME: &str = "#1d4ed8";
const ONLINE: &str = "#0e7490";
const POSTAL: &str = "#7c3aed";
const GREY: &str = "#627d98";

const CSS: &str = r#"
*{box-sizing:border-box}body{margin:0;background:#f3f5f8;color:#1f2933;font:14px/1.45 "Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:20px 24px 40px}h1{font-size:24px;margin:0 0 6px;color:#102a43}
h2{font-size:18px;margin:28px 0 10px;color:#243b53;border-bottom:2px solid #d9e2ec;padding-bottom:4px}
.sub{color:#52606d;margin:0 0 12px}.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
.meta dt{color:#52606d}.meta dd{margin:0;font-weight:600;word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;margin-top:16px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 3px rgba(0,0,0,.12);border-top:5px solid var(--c)}
.card .v{font-size:30px;font-weight:700;color:var(--c)}.card .l{color:#52606d}.card .s{font-size:12px;color:#52606d}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px}
figure{margin:0;background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
figcaption{font-weight:600;margin-bottom:6px}svg{width:100%;height:auto;font-size:12px}svg text{fill:#334e68}
svg .m{text-anchor:middle}svg .e{text-anchor:end}svg .b{font-weight:700}svg text.w{fill:#fff}svg .big{font-size:20px}
.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #d9e2ec;padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef2f7}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.form th{text-align:center;vertical-align:middle}.form tr.total td{font-weight:700;background:#e6f0fa}.form .no th{font-weight:400;font-style:italic}
.error{color:#c62828;font-weight:600}.warning{color:#a16207;font-weight:600}.late{color:#c62828;font-weight:700}
.badge{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;font-size:12px;background:var(--c)}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:8px}
.controls input,.controls select{padding:5px 8px;border:1px solid #bcccdc;border-radius:4px;font:inherit}.controls input{min-width:240px}
.empty{padding:22px;text-align:center;color:#2e7d32;font-size:18px;font-weight:600;background:#fff;border-radius:8px}
.note{color:#52606d}.inv{list-style:none;padding:12px 16px;background:#fff;border-radius:8px;margin:0}.inv li{margin:4px 0}
.ok{color:#2e7d32;font-weight:700}.ko{color:#c62828;font-weight:700}footer{margin-top:30px;color:#7b8794;font-size:12px}
button{float:right;padding:6px 14px;border:1px solid #9fb3c8;background:#fff;border-radius:4px;cursor:pointer}
@media print{body{background:#fff}main{padding:0}.controls,button{display:none}.card,figure{box-shadow:none;border:1px solid #d9e2ec}
figure,.card,tr{break-inside:avoid}h2{break-after:avoid}}
"#;

/// Sorting (click a header; a cell's `data-v` holds its raw value) and filtering (a text box and
/// selects with `data-filter="<table id>"`; a select's `data-key` names the row attribute it matches).
const JS: &str = r#"(function(){
function fold(s){return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g,'').replace(/đ/g,'d');}
function key(td){var v=td.getAttribute('data-v');if(v===null)return fold(td.textContent.trim());
return v!==''&&!isNaN(Number(v))?Number(v):v;}
document.querySelectorAll('table.sortable').forEach(function(t){var hs=t.tHead.rows[0].cells;
Array.prototype.forEach.call(hs,function(th,i){th.tabIndex=0;th.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(hs,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
rows.sort(function(x,y){var a=key(x.cells[i]),c=key(y.cells[i]);
var r=(typeof a==='number'&&typeof c==='number')?a-c:String(a).localeCompare(String(c),'vi',{numeric:true});
return asc?r:-r;});rows.forEach(function(r){b.appendChild(r);});});});});
function run(id){var t=document.getElementById(id),q='',sel=[];
document.querySelectorAll('[data-filter="'+id+'"]').forEach(function(c){
if(c.tagName==='INPUT')q=fold(c.value.trim());else if(c.value)sel.push([c.getAttribute('data-key'),c.value]);});
var n=0;Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
var ok=(!q||fold(r.textContent).indexOf(q)>=0)&&sel.every(function(s){return r.getAttribute('data-'+s[0])===s[1];});
r.hidden=!ok;if(ok)n++;});var c=document.getElementById(id+'-count');if(c)c.textContent=n;}
document.querySelectorAll('[data-filter]').forEach(function(el){var id=el.getAttribute('data-filter');
el.addEventListener('input',function(){run(id);});el.addEventListener('change',function(){run(id);});});
})();"#;

const CODE_COLS: [&str; 5] = [
    "Mã|Code",
    "Tiêu chí|Criterion",
    "Lỗi|Errors",
    "Cảnh báo|Warnings",
    "Số hồ sơ|Cases",
];
const FINDING_COLS: [&str; 6] = [
    "Hồ sơ|Case",
    "Tiêu chí|Criterion",
    "Mức độ|Severity",
    "Mã|Code",
    "Nội dung|Message",
    "Vị trí|Location",
];
const CASE_COLS: [&str; 8] = [
    "Mã hồ sơ|Case code",
    "Mã gói (bag)|Bag id",
    "Tên hồ sơ|Title",
    "Cơ quan|Agency",
    "Thủ tục|Procedure",
    "Ngày tiếp nhận|Received",
    "Lỗi|Errors",
    "Cảnh báo|Warnings",
];
const LATE_COLS: [&str; 8] = [
    "Mã hồ sơ|Case code",
    "Người nộp|Applicant",
    "Thủ tục|Procedure",
    "Cơ quan|Agency",
    "Ngày tiếp nhận|Received",
    "Hạn trả|Due",
    "Ngày giải quyết|Resolved",
    "Số ngày làm việc trễ|Working days late",
];
/// Biểu 06's column groups and the columns under "Trong đó" (domain.md §6.1).
const FORM_HEADS: [(&str, &[&str]); 3] = [
    (
        "Số hồ sơ nhận giải quyết|Cases received for handling",
        &[
            "Số mới tiếp nhận trực tuyến|New, online",
            "Số mới tiếp nhận trực tiếp, dịch vụ bưu chính|New, in person or by post",
            "Số kỳ trước chuyển qua|Carried over",
        ],
    ),
    (
        "Số hồ sơ đã giải quyết|Cases resolved",
        &["Trước hạn|Early", "Đúng hạn|On time", "Quá hạn|Late"],
    ),
    (
        "Số hồ sơ đang giải quyết|Cases pending",
        &["Trong hạn|Within the time limit", "Quá hạn|Overdue"],
    ),
];

/// A label for people, written `"vietnamese|english"`, in the reader's language.
fn tr(s: &'static str, lang: Lang) -> &'static str {
    let (vi, en) = s.split_once('|').unwrap_or((s, s));
    lang.pick(vi, en)
}

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// An integer with thousands separators: `1.234.567` in Vietnamese, `1,234,567` in English.
fn num(n: impl Display, lang: Lang) -> String {
    let s = n.to_string();
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let mut o = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            o.push_str(lang.pick(".", ","));
        }
        o.push(c);
    }
    o
}

/// A share as a percentage with one decimal: `93,5 %` in Vietnamese, `93.5%` in English.
fn pct(r: Option<f64>, lang: Lang) -> String {
    match r.filter(|r| r.is_finite()) {
        Some(r) if lang == Lang::Vi => format!("{:.1} %", r * 100.0).replace('.', ","),
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "—".to_string(),
    }
}

/// `YYYY-MM-DD[Thh:mm…]` as `DD/MM/YYYY[ hh:mm]`, `YYYY-MM` as `MM/YYYY`; anything else unchanged.
fn dmy(s: &str) -> String {
    let b = s.as_bytes();
    let digits = |a: usize, z: usize| {
        b.get(a..z)
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
    };
    let dash = |i: usize| b.get(i) == Some(&b'-');
    if !(digits(0, 4) && dash(4) && digits(5, 7)) {
        return s.to_string();
    }
    if s.len() == 7 {
        return format!("{}/{}", &s[5..7], &s[0..4]);
    }
    if !(dash(7) && digits(8, 10)) {
        return s.to_string();
    }
    let mut o = format!("{}/{}/{}", &s[8..10], &s[5..7], &s[0..4]);
    if let (Some(b'T' | b' '), Some(time)) = (b.get(10), s.get(11..16)) {
        o = o + " " + time;
    }
    o
}

/// A number for an SVG attribute: never NaN or infinite.
fn f(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.1}")
    } else {
        "0".to_string()
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    s.chars().take(max - 1).chain(['…']).collect()
}

fn crit_color(c: Criterion) -> &'static str {
    match c {
        Criterion::Dung => "#1d4ed8",
        Criterion::Du => "#047857",
        Criterion::Sach => "#7c3aed",
        Criterion::Song => "#0e7490",
    }
}

// --- SVG -------------------------------------------------------------------------------------

/// SVG text; `class` combines `m` (centred), `e` (right-aligned), `b` (bold), `w` (white).
fn text(x: f64, y: f64, class: &str, body: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" class=\"{class}\">{body}</text>",
        f(x),
        f(y)
    )
}

fn rect(x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) -> String {
    let (x, y, w, h) = (f(x), f(y), f(w.max(0.0)), f(h.max(0.0)));
    format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{fill}\"><title>{tip}</title></rect>")
}

fn tip(label: &str, series: &str, v: u64, lang: Lang) -> String {
    format!("{} — {}: {}", esc(label), esc(series), num(v, lang))
}

/// The largest stacked total, at least 1 (so that scales never divide by zero).
fn peak(items: &[(String, Vec<u64>)]) -> f64 {
    items
        .iter()
        .map(|(_, v)| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64
}

fn no_data(lang: Lang) -> String {
    format!(
        "<p class=\"note\">{}</p>",
        tr("Chưa có dữ liệu.|No data.", lang)
    )
}

/// Stacked columns, one per item and a value per series, with the total on top.
fn columns(items: &[(String, Vec<u64>)], series: &[(&str, &str)], lang: Lang) -> String {
    if items.is_empty() {
        return no_data(lang);
    }
    let (base, top, max) = (220.0, 22.0, peak(items));
    let slot = 460.0 / items.len() as f64;
    let bw = (slot * 0.6).min(70.0);
    let mut o = String::from("<svg viewBox=\"0 0 480 250\" role=\"img\">");
    w!(
        o,
        "<line x1=\"10\" x2=\"470\" y1=\"{base}\" y2=\"{base}\" stroke=\"#9fb3c8\"/>"
    );
    for (i, (label, vals)) in items.iter().enumerate() {
        let x = 10.0 + slot * i as f64 + (slot - bw) / 2.0;
        let mid = x + bw / 2.0;
        let mut y = base;
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

/// Stacked horizontal bars, one line per item: scales to many items and long labels.
fn hbars(items: &[(String, Vec<u64>)], series: &[(&str, &str)], lang: Lang) -> String {
    if items.is_empty() {
        return no_data(lang);
    }
    let max = peak(items);
    let mut o = format!(
        "<svg viewBox=\"0 0 640 {}\" role=\"img\">",
        items.len() * 24 + 8
    );
    for (i, (label, vals)) in items.iter().enumerate() {
        let y = 4.0 + 24.0 * i as f64;
        let name = format!("<title>{}</title>{}", esc(label), esc(&short(label, 32)));
        o += &text(202.0, y + 15.0, "e", &name);
        let mut x = 210.0;
        for (&v, (series, color)) in vals.iter().zip(series) {
            let w = v as f64 / max * 360.0;
            o += &rect(x, y + 3.0, w, 18.0, color, &tip(label, series, v, lang));
            x += w;
        }
        o += &text(x + 6.0, y + 15.0, "b", &num(vals.iter().sum::<u64>(), lang));
    }
    o + "</svg>"
}

/// A line of rates (0..1) with points and values; `None` breaks the line. One point is centred.
fn line_chart(points: &[(String, Option<f64>)], lang: Lang) -> String {
    if points.is_empty() {
        return no_data(lang);
    }
    let n = points.len();
    let x = |i: usize| match n {
        1 => 332.0,
        _ => 48.0 + 568.0 * i as f64 / (n - 1) as f64,
    };
    let y = |r: f64| 20.0 + (1.0 - r.clamp(0.0, 1.0)) * 198.0;
    let mut o = String::from("<svg viewBox=\"0 0 640 250\" role=\"img\">");
    for k in 0..=4 {
        let gy = f(y(k as f64 / 4.0));
        w!(
            o,
            "<line x1=\"48\" x2=\"616\" y1=\"{gy}\" y2=\"{gy}\" stroke=\"#e4e7eb\"/>"
        );
        o += &text(
            42.0,
            y(k as f64 / 4.0) + 4.0,
            "e",
            &format!("{}{}", k * 25, lang.pick(" %", "%")),
        );
    }
    let (mut d, mut pen) = (String::new(), false);
    for (i, (_, r)) in points.iter().enumerate() {
        let r = r.filter(|r| r.is_finite());
        if let Some(r) = r {
            w!(d, "{}{} {} ", if pen { "L" } else { "M" }, f(x(i)), f(y(r)));
        }
        pen = r.is_some();
    }
    if !d.is_empty() {
        w!(
            o,
            "<path d=\"{}\" fill=\"none\" stroke=\"{ONTIME}\" stroke-width=\"2.5\"/>",
            d.trim_end()
        );
    }
    let step = n.div_ceil(12);
    for (i, (label, r)) in points.iter().enumerate() {
        if let Some(r) = r.filter(|r| r.is_finite()) {
            let (cx, cy, p) = (f(x(i)), f(y(r)), pct(Some(r), lang));
            w!(o, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"4\" fill=\"{ONTIME}\"><title>{}: {p}</title></circle>", esc(label));
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
fn donut(slices: &[(&str, u64, &str)], lang: Lang) -> String {
    let total: u64 = slices.iter().map(|s| s.1).sum();
    let c = 2.0 * std::f64::consts::PI * 70.0;
    let ring = "cx=\"100\" cy=\"100\" r=\"70\" fill=\"none\" stroke-width=\"30\"";
    let mut o =
        format!("<svg viewBox=\"0 0 440 200\" role=\"img\"><circle {ring} stroke=\"#e4e7eb\"/>");
    let mut off = 0.0;
    for (i, &(label, v, color)) in slices.iter().enumerate() {
        let share = (total > 0).then(|| v as f64 / total as f64);
        let len = share.unwrap_or(0.0) * c;
        if v > 0 {
            let (dash, gap, start) = (f(len), f(c), f(-off));
            w!(o, "<circle {ring} stroke=\"{color}\" stroke-dasharray=\"{dash} {gap}\" stroke-dashoffset=\"{start}\" transform=\"rotate(-90 100 100)\"><title>{}</title></circle>", esc(label));
        }
        off += len;
        let y = 60.0 + 34.0 * i as f64;
        o += &rect(210.0, y, 14.0, 14.0, color, &esc(label));
        let (v, p) = (num(v, lang), pct(share, lang));
        o += &text(
            232.0,
            y + 12.0,
            "",
            &format!("{}: <tspan class=\"b\">{v}</tspan> ({p})", esc(label)),
        );
    }
    o + &text(100.0, 107.0, "m b big", &num(total, lang)) + "</svg>"
}

// --- HTML ------------------------------------------------------------------------------------

fn document(lang: Lang, title: &str, body: &str) -> String {
    let (code, print, title) = (
        lang.pick("vi", "en"),
        tr("In báo cáo|Print", lang),
        esc(title),
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n\
         <button type=\"button\" onclick=\"window.print()\">{print}</button>\n{body}</main>\n\
         <script>{JS}</script>\n</body>\n</html>\n"
    )
}

/// The title, a line under it (HTML) and the facts of the run.
fn header(title: &str, sub: &str, meta: &[(&str, String)]) -> String {
    let mut o = format!("<header><h1>{}</h1>{sub}<dl class=\"meta\">", esc(title));
    for (k, v) in meta {
        w!(o, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    o + "</dl></header>\n"
}

/// Cards: (value, label, colour, small line under the label as HTML).
fn cards(list: &[(String, &str, &str, String)]) -> String {
    let mut o = String::from("<section class=\"cards\">");
    for (value, label, color, sub) in list {
        let label = esc(label);
        w!(o, "<div class=\"card\" style=\"--c:{color}\"><div class=\"v\">{value}</div><div class=\"l\">{label}</div><div class=\"s\">{sub}</div></div>");
    }
    o + "</section>\n"
}

fn figure(caption: &str, series: &[(&str, &str)], chart: &str) -> String {
    let mut o = format!(
        "<figure><figcaption>{}</figcaption><div class=\"legend\">",
        esc(caption)
    );
    for (label, color) in series {
        w!(
            o,
            "<span><i style=\"background:{color}\"></i>{}</span>",
            esc(label)
        );
    }
    o + "</div>" + chart + "</figure>"
}

fn h2(title: &str) -> String {
    format!("\n<h2>{}</h2>", esc(title))
}

fn empty(message: &str) -> String {
    format!("<div class=\"empty\">✓ {}</div>", esc(message))
}

/// A sortable table named `id`; the columns from `first_num` on hold numbers.
fn table(id: &str, heads: &[&'static str], first_num: usize, body: &str, lang: Lang) -> String {
    let mut o = format!("<div class=\"scroll\"><table id=\"{id}\" class=\"sortable\"><thead><tr>");
    for (i, h) in heads.iter().enumerate() {
        let class = if i >= first_num { " class=\"n\"" } else { "" };
        w!(o, "<th{class}>{}</th>", esc(tr(h, lang)));
    }
    o + "</tr></thead><tbody>" + body + "</tbody></table></div>"
}

fn td(s: &str) -> String {
    format!("<td>{}</td>", esc(s))
}

/// A number cell: formatted for people, sorted by its value.
fn tdn(n: impl Display + Copy, lang: Lang) -> String {
    format!("<td class=\"n\" data-v=\"{n}\">{}</td>", num(n, lang))
}

/// A date cell: shown as DD/MM/YYYY, sorted by its ISO value.
fn tdd(s: &str) -> String {
    format!("<td data-v=\"{}\">{}</td>", esc(s), esc(&dmy(s)))
}

/// The filter box (diacritic-insensitive), extra selects, and the count of rows shown.
fn controls(id: &str, total: usize, selects: &str, lang: Lang) -> String {
    let hint = tr("Lọc (gõ không dấu cũng được)…|Filter…", lang);
    let showing = tr("Đang hiển thị|Showing", lang);
    format!("<div class=\"controls\"><input type=\"search\" data-filter=\"{id}\" placeholder=\"{hint}\">{selects}<span class=\"note\">{showing} <b id=\"{id}-count\">{total}</b> / {total}</span></div>")
}

fn select(id: &str, key: &str, all: &str, options: &[(&str, &str)]) -> String {
    let mut o = format!(
        "<select data-filter=\"{id}\" data-key=\"{key}\"><option value=\"\">{all}</option>"
    );
    for (value, label) in options {
        w!(o, "<option value=\"{value}\">{}</option>", esc(label));
    }
    o + "</select>"
}

fn finding_row(x: &Finding, report: &AuditReport, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let case = match &x.case_id {
        Some(id) => report
            .cases
            .iter()
            .find(|c| &c.case_id == id)
            .and_then(|c| c.case_code.clone()),
        None => Some(t("(toàn kho)|(archive)").to_string()),
    };
    let (id, case) = (
        esc(x.case_id.as_deref().unwrap_or("")),
        case.or(x.case_id.clone()),
    );
    let (sev, severity) = match x.severity {
        Severity::Error => ("error", t("Lỗi|Error")),
        Severity::Warning => ("warning", t("Cảnh báo|Warning")),
    };
    let mut place: Vec<String> = x
        .page
        .iter()
        .map(|p| format!("{} {p}", t("trang|page")))
        .collect();
    place.extend(x.file.iter().chain(&x.field).cloned());
    let mut msg = esc(x.text(lang));
    if !x.related.is_empty() {
        w!(
            msg,
            "<br><small>{}: {}</small>",
            t("Liên quan|Related"),
            esc(&x.related.join(", "))
        );
    }
    let (key, word, color) = (
        x.criterion.key(),
        x.criterion.word(),
        crit_color(x.criterion),
    );
    let (case, code, place) = (
        esc(&case.unwrap_or_default()),
        esc(&x.code),
        td(&place.join(" · ")),
    );
    format!("<tr data-crit=\"{key}\" data-sev=\"{sev}\"><td title=\"{id}\">{case}</td><td><span class=\"badge\" style=\"--c:{color}\">{word}</span></td><td class=\"{sev}\">{severity}</td><td><code>{code}</code></td><td>{msg}</td>{place}</tr>")
}

/// The audit report: summary, the four criteria, charts, findings by code, findings, cases, rules.
pub fn audit_page(report: &AuditReport, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let n = |v: usize| num(v, lang);
    let (s, fx) = (&report.summary, &report.fixity);
    let mode = match fx.mode.as_str() {
        "all" => t("toàn bộ|all").to_string(),
        "sample" => format!(
            "{} {}",
            t("lấy mẫu|sample"),
            pct(fx.percent.map(|p| p / 100.0), lang)
        ),
        "none" => t("không kiểm tra|not checked").to_string(),
        m => m.to_string(),
    };
    let (bags, files, mb) = (
        n(fx.bags_checked),
        n(fx.files_checked),
        num(fx.bytes_checked / 1_000_000, lang),
    );
    let (lb, lf) = (t("gói|bags"), t("tệp|files"));
    let meta = [
        (t("Kho lưu trữ|Archive"), report.archive.clone()),
        (t("Thời điểm kiểm tra|Audited at"), dmy(&report.audited_at)),
        (t("Tính hạn đến ngày|Deadlines as of"), dmy(&report.as_of)),
        (
            t("Kiểm tra toàn vẹn (fixity)|Fixity check"),
            format!("{mode} — {bags} {lb}, {files} {lf}, {mb} MB"),
        ),
    ];
    let title = t("Báo cáo kiểm tra kho hồ sơ số — Đúng, Đủ, Sạch, Sống|\
                   Digital case-file archive audit — Correct, Complete, Clean, Alive");
    let mut o = header(title, "", &meta);
    let share = |v: usize| pct((s.cases > 0).then(|| v as f64 / s.cases as f64), lang);
    o += &cards(&[
        (
            n(s.cases),
            t("Hồ sơ đã kiểm tra|Cases audited"),
            "#334e68",
            String::new(),
        ),
        (
            n(s.cases_clean),
            t("Hồ sơ không có phát hiện|Clean cases"),
            EARLY,
            share(s.cases_clean),
        ),
        (
            n(s.cases_with_errors),
            t("Hồ sơ có lỗi|Cases with errors"),
            ERR,
            share(s.cases_with_errors),
        ),
        (n(s.errors), t("Lỗi|Errors"), ERR, String::new()),
        (n(s.warnings), t("Cảnh báo|Warnings"), WARN, String::new()),
    ]);
    let zero = Tally::default();
    let tally = |c: Criterion| s.by_criterion.get(&c).unwrap_or(&zero);
    let (le, lw, lc) = (t("lỗi|errors"), t("cảnh báo|warnings"), t("hồ sơ|cases"));
    let crit_cards: Vec<_> = Criterion::ALL
        .iter()
        .map(|&c| {
            let (e, wn, cs) = (n(tally(c).errors), n(tally(c).warnings), n(tally(c).cases));
            let sub = format!("<span class=\"error\">{e} {le}</span> · <span class=\"warning\">{wn} {lw}</span> · {cs} {lc}");
            (c.word().to_string(), c.meaning(lang), crit_color(c), sub)
        })
        .collect();
    o += &h2(t("Bốn tiêu chí|The four criteria"));
    o += &cards(&crit_cards);

    let ew = [(t("Lỗi|Errors"), ERR), (t("Cảnh báo|Warnings"), WARN)];
    let pair = |k: &Tally| vec![k.errors as u64, k.warnings as u64];
    let by_crit: Vec<_> = Criterion::ALL
        .iter()
        .map(|&c| (c.word().to_string(), pair(tally(c))))
        .collect();
    let mut agencies: Vec<_> = s
        .by_agency
        .iter()
        .map(|(a, k)| (a.clone(), pair(k)))
        .collect();
    agencies.sort_by_key(|(_, v)| std::cmp::Reverse(v[0] + v[1]));
    agencies.truncate(15);
    o += &h2(t("Biểu đồ|Charts"));
    o += "<section class=\"charts\">";
    o += &figure(
        t("Lỗi và cảnh báo theo tiêu chí|Errors and warnings by criterion"),
        &ew,
        &columns(&by_crit, &ew, lang),
    );
    o += &figure(
        t("Theo cơ quan (15 cơ quan nhiều phát hiện nhất)|By agency (top 15)"),
        &ew,
        &hbars(&agencies, &ew, lang),
    );
    o += "</section>";

    let none = t("Không có phát hiện nào|No findings");
    let nd = |v: usize| tdn(v, lang);
    o += &h2(t("Phát hiện theo mã|Findings by code"));
    let mut rows = String::new();
    for (code, k) in &s.by_code {
        let crit = Criterion::ALL
            .into_iter()
            .find(|c| code.split('.').next() == Some(c.key()));
        let (code, word) = (esc(code), td(crit.map_or("", |c| c.word())));
        w!(
            rows,
            "<tr><td><code>{code}</code></td>{word}{}{}{}</tr>",
            nd(k.errors),
            nd(k.warnings),
            nd(k.cases)
        );
    }
    o += &if rows.is_empty() {
        empty(none)
    } else {
        table("codes", &CODE_COLS, 2, &rows, lang)
    };

    o += &h2(t("Danh sách phát hiện|Findings"));
    if report.findings.is_empty() {
        o += &empty(none);
    } else {
        let crits: Vec<_> = Criterion::ALL.iter().map(|c| (c.key(), c.word())).collect();
        let sevs = [
            ("error", t("Lỗi|Error")),
            ("warning", t("Cảnh báo|Warning")),
        ];
        let sel = select("findings", "crit", t("Mọi tiêu chí|All criteria"), &crits)
            + &select("findings", "sev", t("Mọi mức độ|All severities"), &sevs);
        let rows: String = report
            .findings
            .iter()
            .map(|x| finding_row(x, report, lang))
            .collect();
        o += &controls("findings", report.findings.len(), &sel, lang);
        o += &table("findings", &FINDING_COLS, 6, &rows, lang);
    }

    o += &h2(t("Hồ sơ đã kiểm tra|Cases audited"));
    let opt = |v: &Option<String>| td(v.as_deref().unwrap_or(""));
    let mut rows = String::new();
    for c in &report.cases {
        let (code, id, title) = (opt(&c.case_code), td(&c.case_id), opt(&c.title));
        let received = tdd(c.received_date.as_deref().unwrap_or(""));
        w!(
            rows,
            "<tr>{code}{id}{title}{}{}{received}{}{}</tr>",
            opt(&c.agency),
            opt(&c.procedure_code),
            nd(c.errors),
            nd(c.warnings)
        );
    }
    if report.cases.is_empty() {
        o += &no_data(lang);
    } else {
        o += &controls("cases", report.cases.len(), "", lang);
        o += &table("cases", &CASE_COLS, 6, &rows, lang);
    }

    o += &h2(t("Quy tắc thủ tục đã áp dụng|Procedure rules used"));
    o += "<ul>";
    for r in &report.rules {
        let (p, name, source) = (esc(&r.procedure), esc(&r.name), esc(&r.source));
        w!(
            o,
            "<li><b>{p}</b> — {name} <span class=\"note\">({source})</span></li>"
        );
    }
    if report.rules.is_empty() {
        w!(o, "<li class=\"note\">{}</li>", t("Không có|None"));
    }
    w!(
        o,
        "</ul>\n<footer>sohoa audit · {} v{}</footer>\n",
        esc(&report.schema),
        report.schema_version
    );
    document(lang, title, &o)
}

/// One line of Biểu 06: number, label (HTML) and the eleven counters in the form's order.
fn form_line(no: &str, label: &str, c: &Counts, attrs: &str, lang: Lang) -> String {
    let mut o = format!("<tr{attrs}><td class=\"n\">{no}</td><td>{label}</td>");
    for v in [
        c.recv_total,
        c.recv_online,
        c.recv_offline,
        c.carried_over,
        c.done_total,
        c.done_early,
        c.done_ontime,
        c.done_late,
        c.pending_total,
        c.pending_ok,
        c.pending_late,
    ] {
        o += &tdn(v, lang);
    }
    o + "</tr>"
}

/// Biểu 06 as printed: grouped header rows, numbered columns, a line per row, the total in bold.
fn form(report: &StatsReport, group: &str, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let (total, of, no) = (t("Tổng số|Total"), t("Trong đó|Of which"), t("STT|No."));
    let mut o = format!("<div class=\"scroll\"><table class=\"form\"><thead><tr><th rowspan=\"3\">{no}</th><th rowspan=\"3\">{}</th>", esc(group));
    for (head, subs) in FORM_HEADS {
        w!(o, "<th colspan=\"{}\">{}</th>", subs.len() + 1, t(head));
    }
    o += "</tr><tr>";
    for (_, subs) in FORM_HEADS {
        w!(
            o,
            "<th rowspan=\"2\">{total}</th><th colspan=\"{}\">{of}</th>",
            subs.len()
        );
    }
    o += "</tr><tr>";
    for sub in FORM_HEADS.iter().flat_map(|h| h.1) {
        w!(o, "<th>{}</th>", t(sub));
    }
    o += "</tr><tr class=\"no\">";
    for i in 1..=13 {
        w!(o, "<th>({i})</th>");
    }
    o += "</tr></thead><tbody>";
    for (i, r) in report.rows.iter().enumerate() {
        o += &form_line(&(i + 1).to_string(), &esc(&r.label), &r.counts, "", lang);
    }
    o += &form_line(
        "",
        t("Tổng cộng|Total"),
        &report.total.counts,
        " class=\"total\"",
        lang,
    );
    o + "</tbody></table></div>"
}

fn late_row(l: &LateCase, lang: Lang) -> String {
    let either =
        |a: &Option<String>, b: &Option<String>| td(a.as_deref().or(b.as_deref()).unwrap_or(""));
    let resolved = match &l.resolved {
        Some(d) => tdd(d),
        None => format!(
            "<td data-v=\"~\" class=\"warning\">{}</td>",
            tr("đang giải quyết|pending", lang)
        ),
    };
    let (code, who) = (
        td(l.case_code.as_deref().unwrap_or(&l.case_id)),
        td(l.applicant_name.as_deref().unwrap_or("")),
    );
    let (procedure, agency) = (
        either(&l.procedure_name, &l.procedure_code),
        either(&l.agency_name, &l.agency_code),
    );
    let (received, due, days) = (tdd(&l.received), tdd(&l.due), l.working_days_late);
    let late = num(days, lang);
    format!("<tr>{code}{who}{procedure}{agency}{received}{due}{resolved}<td class=\"n late\" data-v=\"{days}\">{late}</td></tr>")
}

/// The Biểu 06/VPCP/KSTT statistics: summary, the form, its invariants, charts, late and skipped cases.
pub fn report_page(report: &StatsReport, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let n = |v: u64| num(v, lang);
    let c = &report.total.counts;
    let group = match report.group_by.as_deref() {
        Some("agency") => t("Cơ quan, đơn vị|Agency"),
        Some("sector") => t("Lĩnh vực|Sector"),
        Some("procedure") => t("Thủ tục hành chính|Procedure"),
        _ => t("Đơn vị|Unit"),
    };
    let title = t("Tình hình, kết quả giải quyết TTHC (Biểu số 06/VPCP/KSTT)|\
                   Handling of administrative procedures (Form 06/VPCP/KSTT)");
    let (from, to) = (esc(&dmy(&report.from)), esc(&dmy(&report.to)));
    let (lf, lt) = (t("Kỳ báo cáo: từ ngày|Period: from"), t("đến ngày|to"));
    let basis = t("Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020|Per Circular 01/2020/TT-VPCP of 21/10/2020");
    let sub = format!("<p class=\"sub\">{lf} <b>{from}</b> {lt} <b>{to}</b> · {basis}</p>");
    let meta = [
        (t("Kho lưu trữ|Archive"), report.archive.clone()),
        (t("Lập lúc|Generated at"), dmy(&report.generated_at)),
    ];
    let mut o = header(title, &sub, &meta);
    let with = |v: u64, what: &str| format!("{} {what}", n(v));
    let (rate_color, late_color) = match (c.ontime_rate, c.done_late, c.pending_late) {
        (None, _, p) => (GREY, if p > 0 { ERR } else { EARLY }),
        (Some(_), d, p) => (
            if d > 0 { WARN } else { EARLY },
            if p > 0 { ERR } else { EARLY },
        ),
    };
    o += &cards(&[
        (
            n(c.recv_total),
            t("Hồ sơ nhận giải quyết|Cases received"),
            "#334e68",
            with(c.carried_over, t("kỳ trước chuyển qua|carried over")),
        ),
        (
            n(c.done_total),
            t("Đã giải quyết|Resolved"),
            ONTIME,
            with(c.done_late, t("quá hạn|late")),
        ),
        (
            pct(c.ontime_rate, lang),
            t("Tỷ lệ giải quyết đúng và trước hạn|Resolved on time or early"),
            rate_color,
            String::new(),
        ),
        (
            n(c.pending_late),
            t("Đang giải quyết quá hạn|Pending, overdue"),
            late_color,
            with(c.pending_total, t("đang giải quyết|pending")),
        ),
        (
            pct(c.online_rate, lang),
            t("Tiếp nhận trực tuyến|Received online"),
            ONLINE,
            String::new(),
        ),
        (
            pct(c.postal_rate, lang),
            t("Tiếp nhận qua bưu chính|Received by post"),
            POSTAL,
            String::new(),
        ),
    ]);
    o += &h2(t("Biểu số 06/VPCP/KSTT|Form 06/VPCP/KSTT"));
    w!(
        o,
        "<p class=\"note\">{}</p>",
        t("Đơn vị tính: số hồ sơ TTHC|Unit: number of cases")
    );
    o += &form(report, group, lang);
    let withdrawn =
        t("Hồ sơ rút, trả lại (không thuộc biểu)|Withdrawn or returned (not in the form)");
    w!(
        o,
        "<p class=\"note\">{withdrawn}: <b>{}</b></p>",
        n(c.withdrawn)
    );

    o += &h2(t("Kiểm tra tính nhất quán của số liệu|Consistency checks"));
    o += "<ul class=\"inv\">";
    for inv in &report.invariants {
        let mark = if inv.holds {
            "<span class=\"ok\">✓</span>"
        } else {
            "<span class=\"ko\">✗</span>"
        };
        w!(o, "<li>{mark} <code>{}</code>", esc(&inv.name));
        for d in &inv.detail {
            w!(o, "<br><small class=\"ko\">{}</small>", esc(d));
        }
        o += "</li>";
    }
    if report.invariants.is_empty() {
        w!(o, "<li class=\"note\">{}</li>", t("Không có|None"));
    }
    o += "</ul>";

    let eol = [
        (t("Trước hạn|Early"), EARLY),
        (t("Đúng hạn|On time"), ONTIME),
        (t("Quá hạn|Late"), ERR),
    ];
    let rows = if report.rows.is_empty() {
        std::slice::from_ref(&report.total)
    } else {
        &report.rows[..]
    };
    let bars: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.label.clone(),
                vec![
                    r.counts.done_early,
                    r.counts.done_ontime,
                    r.counts.done_late,
                ],
            )
        })
        .collect();
    let trend: Vec<_> = report
        .trend
        .iter()
        .map(|p| (dmy(&p.month), p.ontime_rate))
        .collect();
    let channels = [
        (t("Trực tuyến|Online"), c.recv_online, ONLINE),
        (t("Trực tiếp|In person"), c.recv_direct, GREY),
        (t("Bưu chính|Postal"), c.recv_postal, POSTAL),
    ];
    o += &h2(t("Biểu đồ|Charts"));
    o += "<section class=\"charts\">";
    o += &figure(
        &format!("{} — {group}", t("Kết quả giải quyết|Resolved cases")),
        &eol,
        &hbars(&bars, &eol, lang),
    );
    o += &figure(
        t("Tỷ lệ giải quyết đúng và trước hạn theo tháng|On-time or early rate by month"),
        &[],
        &line_chart(&trend, lang),
    );
    o += &figure(
        t("Kênh tiếp nhận hồ sơ mới|Channels of newly received cases"),
        &[],
        &donut(&channels, lang),
    );
    o += "</section>";

    o += &h2(t("Hồ sơ giải quyết quá hạn|Late cases"));
    if report.late.is_empty() {
        o += &empty(t("Không có hồ sơ quá hạn|No late cases"));
    } else {
        let rows: String = report.late.iter().map(|l| late_row(l, lang)).collect();
        o += &controls("late", report.late.len(), "", lang);
        o += &table("late", &LATE_COLS, 7, &rows, lang);
    }
    if !report.skipped.is_empty() {
        w!(
            o,
            "{} ({})<ul>",
            h2(t("Hồ sơ không thống kê được|Cases not counted")),
            n(report.skipped.len() as u64)
        );
        for s in &report.skipped {
            w!(
                o,
                "<li><b>{}</b> — {}</li>",
                esc(&s.case_id),
                esc(lang.pick(&s.reason, &s.reason_en))
            );
        }
        o += "</ul>";
    }
    w!(
        o,
        "\n<footer>sohoa report · {} v{}</footer>\n",
        esc(&report.schema),
        report.schema_version
    );
    document(lang, title, &o)
}
