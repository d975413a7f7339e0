//! HTML pages for people: the audit ("đúng, đủ, sạch, sống") and the Biểu 06/VPCP/KSTT statistics,
//! each one self-contained document (inline CSS, SVG charts, a small script; no external URL).

use crate::finding::{AuditReport, Criterion, Finding, Tally};
use crate::stats::{Counts, LateCase, StatsReport};
use sohoa_pipeline::problem::{Lang, Severity};
use std::fmt::Display;

const ERR: &str = "#c62828";
const WARN: &str = "#d98e04";
const EARLY: &str = "#2e7d32";
const ONTIME: &str = "#1d4ed8";
const ONLINE: &str = "#0e7490";
const POSTAL: &str = "#7c3aed";
const GREY: &str = "#627d98";
const INK: &str = "#334e68";
const OK: &str = "<span class=\"ok\">✓</span>";
const KO: &str = "<span class=\"ko\">✗</span>";

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
@media print{@page{margin:12mm}body{background:#fff}main{padding:0}.controls,button{display:none}.scroll{overflow:visible}
.card,figure{box-shadow:none;border:1px solid #d9e2ec}figure,.card,tr{break-inside:avoid}h2{break-after:avoid}.form{font-size:10px}}
"#;

/// Sorting (click a header; a cell's `data-v` holds its raw value) and filtering (a text box and
/// selects with `data-filter="<table id>"`; a select's `data-key` names the row attribute it matches).
const JS: &str = r#"(function(){
function fold(s){return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g,'').replace(/đ/g,'d');}
function key(td){var v=td.getAttribute('data-v');if(v===null)return fold(td.textContent.trim());
return v!==''&&isFinite(v)?Number(v):v;}
document.querySelectorAll('table.sortable').forEach(function(t){var hs=t.tHead.rows[0].cells;
Array.prototype.forEach.call(hs,function(th,i){th.tabIndex=0;
th.addEventListener('keydown',function(e){if(e.key==='Enter')th.click();});th.addEventListener('click',function(){
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

/// Column heads: `vietnamese|english` labels separated by `;`.
const CODE_COLS: &str = "Mã|Code;Tiêu chí|Criterion;Lỗi|Errors;Cảnh báo|Warnings;Số hồ sơ|Cases";
const FINDING_COLS: &str = "Hồ sơ|Case;Tiêu chí|Criterion;Mức độ|Severity;Mã|Code;\
                            Nội dung|Message;Vị trí|Location";
const CASE_COLS: &str = "Mã hồ sơ|Case code;Mã gói (bag)|Bag id;Tên hồ sơ|Title;Cơ quan|Agency;\
                         Thủ tục|Procedure;Ngày tiếp nhận|Received;Lỗi|Errors;Cảnh báo|Warnings";
const LATE_COLS: &str = "Mã hồ sơ|Case code;Người nộp|Applicant;Thủ tục|Procedure;Cơ quan|Agency;\
                         Ngày tiếp nhận|Received;Hạn trả|Due;Ngày giải quyết|Resolved;\
                         Số ngày làm việc trễ|Working days late";
/// Biểu 06's column groups, each with the columns under its "Trong đó" (domain.md §6.1).
const FORM_HEADS: [(&str, &str); 3] = [
    (
        "Số hồ sơ nhận giải quyết|Cases received for handling",
        "Số mới tiếp nhận trực tuyến|New, online;\
         Số mới tiếp nhận trực tiếp, dịch vụ bưu chính|New, in person or by post;\
         Số kỳ trước chuyển qua|Carried over",
    ),
    (
        "Số hồ sơ đã giải quyết|Cases resolved",
        "Trước hạn|Early;Đúng hạn|On time;Quá hạn|Late",
    ),
    (
        "Số hồ sơ đang giải quyết|Cases pending",
        "Trong hạn|Within the time limit;Quá hạn|Overdue",
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
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let dash = |i: usize| b.get(i) == Some(&b'-');
    if !((0..4).all(digit) && dash(4) && (5..7).all(digit)) {
        return s.to_string();
    }
    if s.len() == 7 {
        return format!("{}/{}", &s[5..7], &s[0..4]);
    }
    if !(dash(7) && (8..10).all(digit)) {
        return s.to_string();
    }
    let date = format!("{}/{}/{}", &s[8..10], &s[5..7], &s[0..4]);
    match (b.get(10), s.get(11..16)) {
        (Some(b'T' | b' '), Some(time)) => format!("{date} {time}"),
        _ => date,
    }
}

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

fn crit_color(c: Criterion) -> &'static str {
    match c {
        Criterion::Dung => "#1d4ed8",
        Criterion::Du => "#047857",
        Criterion::Sach => "#7c3aed",
        Criterion::Song => "#0e7490",
    }
}

// --- SVG charts ------------------------------------------------------------------------------

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

fn no_data(lang: Lang) -> String {
    let none = tr("Chưa có dữ liệu.|No data.", lang);
    format!("<p class=\"note\">{none}</p>")
}

/// Stacked columns, one per item, with the total on top.
fn columns(items: &Stacks, series: &[(&str, &str)], lang: Lang) -> String {
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

/// Stacked horizontal bars, one line per item: scales to many items and long labels.
fn hbars(items: &Stacks, series: &[(&str, &str)], lang: Lang) -> String {
    if items.is_empty() {
        return no_data(lang);
    }
    let (max, h) = (peak(items), items.len() * 24 + 8);
    let mut o = format!("<svg viewBox=\"0 0 640 {h}\" role=\"img\">");
    for (i, (label, vals)) in items.iter().enumerate() {
        let y = 4.0 + 24.0 * i as f64;
        let name = format!("<title>{}</title>{}", esc(label), esc(&short(label, 30)));

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

/// A line of rates (0..1) with points and values; `None` breaks the line; one point is centred.
fn line_chart(points: &[(String, Option<f64>)], lang: Lang) -> String {
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
fn donut(slices: &[(&str, u64, &str)], lang: Lang) -> String {
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

// --- HTML ------------------------------------------------------------------------------------

fn document(lang: Lang, title: &str, body: &str) -> String {
    let (code, title) = (lang.pick("vi", "en"), esc(title));
    let print = tr("In báo cáo|Print", lang);
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
        o += &format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    o + "</dl></header>\n"
}

/// Cards: labels (`vi|en;…`) with (value, colour, a small line under the label as HTML).
fn cards(labels: &'static str, cards: &[(String, &str, String)], lang: Lang) -> String {
    let mut o = String::from("<section class=\"cards\">");
    for (label, (value, color, sub)) in labels.split(';').zip(cards) {
        o += &card(value, tr(label, lang), color, sub);
    }
    o + "</section>"
}

fn card(value: &str, label: &str, color: &str, sub: &str) -> String {
    let label = esc(label);
    format!(
        "<div class=\"card\" style=\"--c:{color}\"><div class=\"v\">{value}</div>\
         <div class=\"l\">{label}</div><div class=\"s\">{sub}</div></div>"
    )
}

fn figure(caption: &str, series: &[(&str, &str)], chart: &str) -> String {
    let caption = esc(caption);
    let mut o = format!("<figure><figcaption>{caption}</figcaption><div class=\"legend\">");
    for (label, color) in series {
        let label = esc(label);
        o += &format!("<span><i style=\"background:{color}\"></i>{label}</span>");
    }
    o + "</div>" + chart + "</figure>"
}

fn h2(title: &str) -> String {
    format!("\n<h2>{}</h2>", esc(title))
}

fn empty(message: &str) -> String {
    format!("<div class=\"empty\">✓ {}</div>", esc(message))
}

/// A sortable table named `id` (heads: `vi|en;…`); the columns from `first_num` on are numbers.
fn table(id: &str, heads: &'static str, first_num: usize, body: &str, lang: Lang) -> String {
    let mut o = format!("<div class=\"scroll\"><table id=\"{id}\" class=\"sortable\"><thead><tr>");
    for (i, h) in heads.split(';').enumerate() {
        let class = if i >= first_num { " class=\"n\"" } else { "" };
        o += &format!("<th{class}>{}</th>", esc(tr(h, lang)));
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
    format!(
        "<div class=\"controls\"><input type=\"search\" data-filter=\"{id}\" placeholder=\"{hint}\">\
         {selects}<span class=\"note\">{showing} <b id=\"{id}-count\">{total}</b> / {total}</span>\
         </div>"
    )
}

fn select(id: &str, key: &str, all: &str, options: &[(&str, &str)]) -> String {
    let mut o = format!("<select data-filter=\"{id}\" data-key=\"{key}\">");
    o += &format!("<option value=\"\">{all}</option>");
    for (value, label) in options {
        o += &format!("<option value=\"{value}\">{}</option>", esc(label));
    }
    o + "</select>"
}

fn finding_row(x: &Finding, report: &AuditReport, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let id = x.case_id.as_deref().unwrap_or("");
    let line = report.cases.iter().find(|c| c.case_id == id);
    let case = match line.and_then(|c| c.case_code.as_deref()) {
        _ if x.case_id.is_none() => t("(toàn kho)|(archive)"),
        Some(code) => code,
        None => id,
    };
    let (sev, severity) = match x.severity {
        Severity::Error => ("error", t("Lỗi|Error")),
        Severity::Warning => ("warning", t("Cảnh báo|Warning")),
    };
    let page = x.page.map(|p| format!("{} {p}", t("trang|page")));
    let place = [page, x.file.clone(), x.field.clone()];
    let place: Vec<String> = place.into_iter().flatten().collect();
    let mut msg = esc(x.text(lang));
    if !x.related.is_empty() {
        let (label, related) = (t("Liên quan|Related"), esc(&x.related.join(", ")));
        msg += &format!("<br><small>{label}: {related}</small>");
    }
    let c = x.criterion;
    let (key, word, color) = (c.key(), c.word(), crit_color(c));
    let (id, case, code) = (esc(id), esc(case), esc(&x.code));
    let place = esc(&place.join(" · "));
    format!(
        "<tr data-crit=\"{key}\" data-sev=\"{sev}\"><td title=\"{id}\">{case}</td><td>\
         <span class=\"badge\" style=\"--c:{color}\">{word}</span></td>\
         <td class=\"{sev}\">{severity}</td><td><code>{code}</code></td><td>{msg}</td>\
         <td>{place}</td></tr>"
    )
}

/// The audit report: summary, the four criteria, charts, findings by code, findings, cases, rules.
pub fn audit_page(report: &AuditReport, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let n = |v: usize| num(v, lang);
    let (s, fx) = (&report.summary, &report.fixity);
    let percent = pct(fx.percent.map(|p| p / 100.0), lang);
    let mode = match fx.mode.as_str() {
        "all" => t("toàn bộ|all").to_string(),
        "sample" => format!("{} {percent}", t("lấy mẫu|sample")),
        "none" => t("không kiểm tra|not checked").to_string(),
        m => m.to_string(),
    };
    let (bags, files) = (n(fx.bags_checked), n(fx.files_checked));
    let (lb, lf) = (t("gói|bags"), t("tệp|files"));
    let mb = num(fx.bytes_checked / 1_000_000, lang);

    let fixity = format!("{mode} — {bags} {lb}, {files} {lf}, {mb} MB");
    let meta = [
        (t("Kho lưu trữ|Archive"), report.archive.clone()),
        (t("Thời điểm kiểm tra|Audited at"), dmy(&report.audited_at)),
        (t("Tính hạn đến ngày|Deadlines as of"), dmy(&report.as_of)),
        (t("Kiểm tra toàn vẹn (fixity)|Fixity check"), fixity),
    ];
    let title = t("Báo cáo kiểm tra kho hồ sơ số — Đúng, Đủ, Sạch, Sống|\
                   Digital case-file archive audit — Correct, Complete, Clean, Alive");
    let mut o = header(title, "", &meta);
    let share = |v: usize| pct((s.cases > 0).then(|| v as f64 / s.cases as f64), lang);
    let labels = "Hồ sơ đã kiểm tra|Cases audited;Hồ sơ không có phát hiện|Clean cases;\
                  Hồ sơ có lỗi|Cases with errors;Lỗi|Errors;Cảnh báo|Warnings";
    let values = [
        (n(s.cases), INK, String::new()),
        (n(s.cases_clean), EARLY, share(s.cases_clean)),
        (n(s.cases_with_errors), ERR, share(s.cases_with_errors)),
        (n(s.errors), ERR, String::new()),
        (n(s.warnings), WARN, String::new()),
    ];
    o += &cards(labels, &values, lang);

    let zero = Tally::default();
    let tally = |c: Criterion| s.by_criterion.get(&c).unwrap_or(&zero);
    let (le, lw, lc) = (t("lỗi|errors"), t("cảnh báo|warnings"), t("hồ sơ|cases"));
    o += &h2(t("Bốn tiêu chí|The four criteria"));
    o += "<section class=\"cards\">";
    for c in Criterion::ALL {
        let (e, wn, cs) = (n(tally(c).errors), n(tally(c).warnings), n(tally(c).cases));
        let sub = format!(
            "<span class=\"error\">{e} {le}</span> · \
             <span class=\"warning\">{wn} {lw}</span> · {cs} {lc}"
        );

        o += &card(c.word(), c.meaning(lang), crit_color(c), &sub);
    }
    o += "</section>";

    let ew = [(t("Lỗi|Errors"), ERR), (t("Cảnh báo|Warnings"), WARN)];
    let pair = |k: &Tally| vec![k.errors as u64, k.warnings as u64];
    let by_crit: Vec<_> = Criterion::ALL
        .map(|c| (c.word().to_string(), pair(tally(c))))
        .into();
    let mut agencies: Vec<_> = s
        .by_agency
        .iter()
        .map(|(a, k)| (a.clone(), pair(k)))
        .collect();
    agencies.sort_by_key(|(_, v)| std::cmp::Reverse(v[0] + v[1]));
    agencies.truncate(15);
    let by_crit = figure(
        t("Lỗi và cảnh báo theo tiêu chí|Errors and warnings by criterion"),
        &ew,
        &columns(&by_crit, &ew, lang),
    );
    let by_agency = figure(
        t("Theo cơ quan (15 cơ quan nhiều phát hiện nhất)|By agency (top 15)"),
        &ew,
        &hbars(&agencies, &ew, lang),
    );
    o += &h2(t("Biểu đồ|Charts"));
    o += &format!("<section class=\"charts\">{by_crit}{by_agency}</section>");

    let none = t("Không có phát hiện nào|No findings");
    let nd = |v: usize| tdn(v, lang);
    o += &h2(t("Phát hiện theo mã|Findings by code"));
    let mut rows = String::new();
    for (code, k) in &s.by_code {
        let prefix = code.split('.').next();
        let crit = Criterion::ALL.into_iter().find(|c| Some(c.key()) == prefix);
        let (code, word) = (esc(code), td(crit.map_or("", |c| c.word())));
        let (e, wn, cs) = (nd(k.errors), nd(k.warnings), nd(k.cases));
        rows += &format!("<tr><td><code>{code}</code></td>{word}{e}{wn}{cs}</tr>");
    }
    o += &if rows.is_empty() {
        empty(none)
    } else {
        table("codes", CODE_COLS, 2, &rows, lang)
    };

    o += &h2(t("Danh sách phát hiện|Findings"));
    if report.findings.is_empty() {
        o += &empty(none);
    } else {
        let crits = Criterion::ALL.map(|c| (c.key(), c.word()));
        let (error, warning) = (t("Lỗi|Error"), t("Cảnh báo|Warning"));
        let sevs = [("error", error), ("warning", warning)];
        let sel = select("findings", "crit", t("Mọi tiêu chí|All criteria"), &crits)
            + &select("findings", "sev", t("Mọi mức độ|All severities"), &sevs);
        let rows: String = report
            .findings
            .iter()
            .map(|x| finding_row(x, report, lang))
            .collect();
        o += &controls("findings", report.findings.len(), &sel, lang);
        o += &table("findings", FINDING_COLS, 6, &rows, lang);
    }

    o += &h2(t("Hồ sơ đã kiểm tra|Cases audited"));
    let opt = |v: &Option<String>| td(v.as_deref().unwrap_or(""));
    let mut rows = String::new();
    for c in &report.cases {
        let (code, id, title) = (opt(&c.case_code), td(&c.case_id), opt(&c.title));
        let (agency, procedure) = (opt(&c.agency), opt(&c.procedure_code));
        let received = tdd(c.received_date.as_deref().unwrap_or(""));
        let (e, wn) = (nd(c.errors), nd(c.warnings));
        rows += &format!("<tr>{code}{id}{title}{agency}{procedure}{received}{e}{wn}</tr>");
    }
    if report.cases.is_empty() {
        o += &no_data(lang);
    } else {
        o += &controls("cases", report.cases.len(), "", lang);
        o += &table("cases", CASE_COLS, 6, &rows, lang);
    }

    o += &h2(t("Quy tắc thủ tục đã áp dụng|Procedure rules used"));
    o += "<ul>";
    for r in &report.rules {
        let (p, name, source) = (esc(&r.procedure), esc(&r.name), esc(&r.source));
        o += &format!("<li><b>{p}</b> — {name} <span class=\"note\">({source})</span></li>");
    }
    if report.rules.is_empty() {
        o += &format!("<li class=\"note\">{}</li>", t("Không có|None"));
    }
    let (schema, version) = (esc(&report.schema), report.schema_version);
    o += &format!("</ul>\n<footer>sohoa audit · {schema} v{version}</footer>\n");
    document(lang, title, &o)
}

/// One line of Biểu 06: number, label (HTML) and the eleven counters in the form's order.
fn form_line(no: &str, label: &str, c: &Counts, attrs: &str, lang: Lang) -> String {
    let mut o = format!("<tr{attrs}><td class=\"n\">{no}</td><td>{label}</td>");
    let received = [c.recv_total, c.recv_online, c.recv_offline, c.carried_over];
    let done = [c.done_total, c.done_early, c.done_ontime, c.done_late];
    let pending = [c.pending_total, c.pending_ok, c.pending_late];
    for v in received.into_iter().chain(done).chain(pending) {
        o += &tdn(v, lang);
    }
    o + "</tr>"
}

/// Biểu 06 as printed: grouped header rows, numbered columns, a line per row, the total in bold.
fn form(report: &StatsReport, group: &str, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let (total, of, no) = (t("Tổng số|Total"), t("Trong đó|Of which"), t("STT|No."));
    let group = esc(group);
    let mut o = format!(
        "<div class=\"scroll\"><table class=\"form\"><thead><tr>\
         <th rowspan=\"3\">{no}</th><th rowspan=\"3\">{group}</th>"
    );
    for (head, subs) in FORM_HEADS {
        let (span, head) = (subs.split(';').count() + 1, t(head));
        o += &format!("<th colspan=\"{span}\">{head}</th>");
    }
    o += "</tr><tr>";
    for (_, subs) in FORM_HEADS {
        let span = subs.split(';').count();
        o += &format!("<th rowspan=\"2\">{total}</th><th colspan=\"{span}\">{of}</th>");
    }
    o += "</tr><tr>";
    for sub in FORM_HEADS.iter().flat_map(|h| h.1.split(';')) {
        o += &format!("<th>{}</th>", t(sub));
    }
    o += "</tr><tr class=\"no\">";
    for i in 1..=13 {
        o += &format!("<th>({i})</th>");
    }
    o += "</tr></thead><tbody>";
    for (i, r) in report.rows.iter().enumerate() {
        o += &form_line(&(i + 1).to_string(), &esc(&r.label), &r.counts, "", lang);
    }
    let total = t("Tổng cộng|Total");
    o += &form_line("", total, &report.total.counts, " class=\"total\"", lang);
    o + "</tbody></table></div>"
}

fn late_row(l: &LateCase, lang: Lang) -> String {
    let or =
        |a: &Option<String>, b: &Option<String>| td(a.as_ref().or(b.as_ref()).map_or("", |s| s));
    let pending = tr("đang giải quyết|pending", lang);
    let resolved = match &l.resolved {
        Some(d) => tdd(d),
        None => format!("<td data-v=\"9999-12-31\" class=\"warning\">{pending}</td>"),
    };
    let code = td(l.case_code.as_deref().unwrap_or(&l.case_id));
    let who = td(l.applicant_name.as_deref().unwrap_or(""));
    let procedure = or(&l.procedure_name, &l.procedure_code);
    let agency = or(&l.agency_name, &l.agency_code);
    let (received, due, days) = (tdd(&l.received), tdd(&l.due), l.working_days_late);
    let late = num(days, lang);
    format!(
        "<tr>{code}{who}{procedure}{agency}{received}{due}{resolved}\
         <td class=\"n late\" data-v=\"{days}\">{late}</td></tr>"
    )
}

/// The Biểu 06/VPCP/KSTT statistics: summary, the form and its invariants, charts, late cases.
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
    let basis = t("Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020|\
                   Form of Circular 01/2020/TT-VPCP of 21/10/2020");
    let sub = format!("<p class=\"sub\">{lf} <b>{from}</b> {lt} <b>{to}</b> · {basis}</p>");
    let generated = (t("Lập lúc|Generated at"), dmy(&report.generated_at));
    let meta = [
        (t("Kho lưu trữ|Archive"), report.archive.clone()),
        generated,
    ];
    let mut o = header(title, &sub, &meta);
    let with = |v: u64, what: &str| format!("{} {what}", n(v));
    let carried = with(c.carried_over, t("kỳ trước chuyển qua|carried over"));
    let done_late = with(c.done_late, t("quá hạn|late"));
    let pending = with(c.pending_total, t("đang giải quyết|pending"));
    let rate_color = match c.ontime_rate {
        None => GREY,
        Some(_) if c.done_late > 0 => WARN,
        Some(_) => EARLY,
    };
    let late_color = if c.pending_late > 0 { ERR } else { EARLY };
    let labels = "Hồ sơ nhận giải quyết|Cases received;Đã giải quyết|Resolved;\
                  Tỷ lệ giải quyết đúng và trước hạn|Resolved on time or early;\
                  Đang giải quyết quá hạn|Pending, overdue;Tiếp nhận trực tuyến|Received online;\
                  Tiếp nhận qua bưu chính|Received by post";
    let values = [
        (n(c.recv_total), INK, carried),
        (n(c.done_total), ONTIME, done_late),
        (pct(c.ontime_rate, lang), rate_color, String::new()),
        (n(c.pending_late), late_color, pending),
        (pct(c.online_rate, lang), ONLINE, String::new()),
        (pct(c.postal_rate, lang), POSTAL, String::new()),
    ];
    o += &cards(labels, &values, lang);

    o += &h2(t("Biểu số 06/VPCP/KSTT|Form 06/VPCP/KSTT"));
    let unit = t("Đơn vị tính: số hồ sơ TTHC|Unit: number of cases");
    let withdrawn =
        t("Hồ sơ rút, trả lại (không thuộc biểu)|Withdrawn or returned (not in the form)");
    let count = n(c.withdrawn);
    o += &format!("<p class=\"note\">{unit}</p>{}", form(report, group, lang));
    o += &format!("<p class=\"note\">{withdrawn}: <b>{count}</b></p>");

    o += &h2(t("Kiểm tra tính nhất quán của số liệu|Consistency checks"));
    o += "<ul class=\"inv\">";
    for inv in &report.invariants {
        let (mark, name) = (if inv.holds { OK } else { KO }, esc(&inv.name));
        o += &format!("<li>{mark} <code>{name}</code>");
        for d in &inv.detail {
            o += &format!("<br><small class=\"ko\">{}</small>", esc(d));
        }
        o += "</li>";
    }
    if report.invariants.is_empty() {
        o += &format!("<li class=\"note\">{}</li>", t("Không có|None"));
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
        &report.rows
    };
    let three = |c: &Counts| vec![c.done_early, c.done_ontime, c.done_late];
    let bars: Vec<_> = rows
        .iter()
        .map(|r| (r.label.clone(), three(&r.counts)))
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
    let caption = format!("{} — {group}", t("Kết quả giải quyết|Resolved cases"));
    let resolved = figure(&caption, &eol, &hbars(&bars, &eol, lang));
    let caption = t("Tỷ lệ giải quyết đúng và trước hạn theo tháng|On-time or early rate by month");
    let trend = figure(caption, &[], &line_chart(&trend, lang));
    let caption = t("Kênh tiếp nhận hồ sơ mới|Channels of newly received cases");
    let channels = figure(caption, &[], &donut(&channels, lang));
    o += &h2(t("Biểu đồ|Charts"));
    o += &format!("<section class=\"charts\">{resolved}{trend}{channels}</section>");

    o += &h2(t("Hồ sơ giải quyết quá hạn|Late cases"));
    if report.late.is_empty() {
        o += &empty(t("Không có hồ sơ quá hạn|No late cases"));
    } else {
        let rows: String = report.late.iter().map(|l| late_row(l, lang)).collect();
        o += &controls("late", report.late.len(), "", lang);
        o += &table("late", LATE_COLS, 7, &rows, lang);
    }
    if !report.skipped.is_empty() {
        let (title, count) = (
            t("Hồ sơ không thống kê được|Cases not counted"),
            n(report.skipped.len() as u64),
        );
        o += &h2(&format!("{title} ({count})"));
        o += "<ul>";
        for s in &report.skipped {
            let (id, why) = (esc(&s.case_id), esc(lang.pick(&s.reason, &s.reason_en)));
            o += &format!("<li><b>{id}</b> — {why}</li>");
        }
        o += "</ul>";
    }
    let (schema, version) = (esc(&report.schema), report.schema_version);
    o += &format!("\n<footer>sohoa report · {schema} v{version}</footer>\n");

    document(lang, title, &o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn audit(findings: Vec<Finding>) -> AuditReport {
        let tally = |e: usize, w: usize| json!({"errors": e, "warnings": w, "cases": e + w});
        let mut r: AuditReport = serde_json::from_value(json!({
            "schema": "sohoa/audit", "schema_version": 1, "archive": "/kho/2025 & cũ",
            "audited_at": "2025-06-30T14:05:00+07:00", "as_of": "2025-06-30",
            "rules": [{"procedure": "1.001193", "name": "Đăng ký khai sinh",
                       "source": "built-in:ks.toml"}],
            "fixity": {"mode": "sample", "percent": 10.0, "bags_checked": 124,
                       "files_checked": 1500, "bytes_checked": 2_500_000_000u64, "seconds": 3.5},
            "summary": {"cases": 1234, "cases_with_errors": 30, "cases_with_warnings": 10,
                        "cases_clean": 1200, "errors": 0, "warnings": 0,
                        "by_criterion": {}, "by_code": {},
                        "by_agency": {"UBND xã Tân Phú": tally(2, 1), "Không xác định": tally(0, 0)}},
            "cases": [{"case_id": "bag-001", "case_code": "H12-250101-0001",
                       "title": "Khai sinh — Nguyễn Thị Hoà", "agency": "UBND xã Tân Phú",
                       "procedure_code": "1.001193", "received_date": "2025-01-01",
                       "errors": 1, "warnings": 1}],
            "findings": []
        }))
        .unwrap();
        for x in &findings {
            let (e, w) = if x.is_error() { (1, 0) } else { (0, 1) };
            let s = &mut r.summary;
            (s.errors, s.warnings) = (s.errors + e, s.warnings + w);
            let by_code = s.by_code.entry(x.code.clone()).or_default();
            for k in [s.by_criterion.entry(x.criterion).or_default(), by_code] {
                (k.errors, k.warnings, k.cases) = (k.errors + e, k.warnings + w, k.cases + 1);
            }
        }
        r.findings = findings;
        r
    }

    fn findings() -> Vec<Finding> {
        let bad = "Ngày <script>alert(1)</script> & sai";
        let related = vec!["bag-002".to_string()];
        vec![
            Finding::error(Criterion::Dung, "dung.date", bad, "Bad <script> & date")
                .case("bag-001"),
            Finding::warning(Criterion::Du, "du.pages", "Thiếu trang", "Missing pages").page(3),
            Finding::error(Criterion::Sach, "sach.dup", "Trùng", "Duplicate").related(related),
            Finding::warning(Criterion::Song, "song.index", "Chưa có chỉ mục", "No index"),
        ]
    }

    fn counts(early: u64, ontime: u64, late: u64) -> Value {
        let done = early + ontime + late;
        let rate = (done > 0).then(|| (early + ontime) as f64 / done as f64);
        json!({"recv_total": done + 5, "recv_online": 3, "recv_offline": done + 2,
               "recv_direct": done + 1, "recv_postal": 1, "carried_over": 0,
               "done_total": done, "done_early": early, "done_ontime": ontime, "done_late": late,
               "pending_total": 5, "pending_ok": 4, "pending_late": 1, "withdrawn": 2,
               "online_rate": 0.25, "postal_rate": 0.05, "ontime_rate": rate})
    }

    /// A report with two rows, a late case, a skipped case and the given (month, on-time rate).
    fn stats(c: Value, trend: &[(&str, Option<f64>)]) -> StatsReport {
        let month = |(m, r): &(&str, Option<f64>)| {
            json!({"month": m, "received": 1, "done": 1, "early": 1, "ontime": 0, "late": 0,
                   "ontime_rate": r})
        };
        serde_json::from_value(json!({
            "schema": "sohoa/report", "schema_version": 1, "archive": "/kho",
            "generated_at": "2025-07-01T08:00:00+07:00", "from": "2025-01-01", "to": "2025-06-30",
            "group_by": "agency",
            "rows": [{"key": "H12.1", "label": "UBND xã Tân Phú", "counts": c},
                     {"key": "H12.2", "label": "UBND phường <b>Đông</b>", "counts": counts(0, 0, 0)}],
            "total": {"key": "total", "label": "Tổng", "counts": c},
            "invariants": [{"name": "done_total = done_early + done_ontime + done_late",
                            "holds": true, "detail": []},
                           {"name": "recv_total = done_total + pending_total + withdrawn",
                            "holds": false, "detail": ["H12.1: 10 ≠ 9"]}],
            "late": [{"case_id": "bag-009", "case_code": "H12-250110-0009",
                      "applicant_name": "Trần Văn Đức", "procedure_code": "1.001193",
                      "procedure_name": "Đăng ký khai sinh", "agency_code": "H12.1",
                      "agency_name": null, "sector": null, "received": "2025-01-10",
                      "due": "2025-01-15", "due_source": "computed", "resolved": null,
                      "state": "pending", "working_days_late": 1234, "days_late": 1500}],
            "trend": trend.iter().map(month).collect::<Vec<_>>(),
            "skipped": [{"case_id": "bag-010", "reason": "không có ngày tiếp nhận",
                         "reason_en": "no received date"}]
        }))
        .unwrap()
    }

    /// Asserts the page is one self-contained document containing each line of `want` (trimmed).
    fn check(doc: &str, want: &str) {
        assert!(doc.starts_with("<!DOCTYPE html>") && doc.trim_end().ends_with("</html>"));
        assert!(!doc.contains("http://") && !doc.contains("https://"));
        assert!(!doc.contains("NaN") && !doc.contains("\"inf") && !doc.contains("\"-inf"));
        assert_eq!(
            doc.matches("<script>").count(),
            1,
            "only the page's own script"
        );
        for part in want
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .chain(["<svg"])
        {
            assert!(doc.contains(part), "missing {part}");
        }
    }

    #[test]
    fn audit_page_shows_escaped_findings_and_formatted_numbers() {
        let doc = audit_page(&audit(findings()), Lang::Vi);
        check(
            &doc,
            r#"<html lang="vi">
            <title>Báo cáo kiểm tra kho hồ sơ số — Đúng, Đủ, Sạch, Sống</title>
            /kho/2025 &amp; cũ
            30/06/2025 14:05
            lấy mẫu 10,0 % — 124 gói, 1.500 tệp, 2.500 MB
            >1.234<
            97,2 %
            Ngày &lt;script&gt;alert(1)&lt;/script&gt; &amp; sai
            data-sev="error"
            data-sev="warning"
            <select data-filter="findings" data-key="crit">
            H12-250101-0001
            trang 3
            bag-002
            (toàn kho)
            built-in:ks.toml"#,
        );
        for c in Criterion::ALL {
            let key = format!("data-crit=\"{}\"", c.key());
            check(&doc, &[c.word(), c.meaning(Lang::Vi), &key].join("\n"));
        }
        assert!(!doc.contains("Không có phát hiện nào"));
    }

    #[test]
    fn audit_without_findings_shows_the_empty_state() {
        let mut r = audit(Vec::new());
        (r.summary, r.cases) = (Default::default(), Vec::new());
        check(
            &audit_page(&r, Lang::Vi),
            "Không có phát hiện nào\nChưa có dữ liệu.",
        );
    }

    #[test]
    fn english_audit_page_has_english_labels() {
        let doc = audit_page(&audit(findings()), Lang::En);
        check(
            &doc,
            r#"<html lang="en">
            Digital case-file archive audit
            >1,234<
            Cases with errors
            Bad &lt;script&gt; &amp; date
            All severities"#,
        );
        assert!(!doc.contains("Cảnh báo") && !doc.contains("Lỗi"));
    }

    #[test]
    fn report_page_lays_out_form_06_with_rates_and_late_cases() {
        let trend = [
            ("2025-01", Some(1.0)),
            ("2025-02", None),
            ("2025-03", Some(0.9)),
        ];
        let doc = report_page(&stats(counts(1100, 770, 130), &trend), Lang::Vi);
        check(
            &doc,
            r#"Tình hình, kết quả giải quyết TTHC (Biểu số 06/VPCP/KSTT)
            từ ngày <b>01/01/2025</b> đến ngày <b>30/06/2025</b>
            93,5 %
            >2.005<
            <th colspan="4">Số hồ sơ nhận giải quyết</th>
            <th>Số kỳ trước chuyển qua</th>
            <th>Trong hạn</th>
            <th>(13)</th>
            <tr class="total"><td class="n"></td><td>Tổng cộng</td>
            UBND phường &lt;b&gt;Đông&lt;/b&gt;
            ✓
            ✗
            H12.1: 10 ≠ 9
            Trần Văn Đức
            10/01/2025
            đang giải quyết
            >1.234<
            <path d="M48.0 20.0 M588.0
            90,0 %
            không có ngày tiếp nhận"#,
        );
    }

    #[test]
    fn report_without_resolved_cases_or_months_has_no_nan() {
        let mut r = stats(counts(0, 0, 0), &[]);
        (r.total.counts, r.rows) = (Counts::default(), Vec::new());
        check(
            &report_page(&r, Lang::Vi),
            "<div class=\"v\">—</div>\nChưa có dữ liệu.",
        );
        let one = report_page(&stats(counts(1, 0, 0), &[("2025-01", Some(1.0))]), Lang::En);
        check(
            &one,
            "<circle cx=\"318.0\"\n100.0%\nCases resolved\nWorking days late",
        );
    }

    #[test]
    fn charts_scale_to_many_items_and_zero_values() {
        let items: Vec<_> = (0..40)
            .map(|i| (format!("Cơ quan {i}"), vec![0, i]))
            .collect();
        let series = [("a", ERR), ("b", WARN)];
        let many = hbars(&items, &series, Lang::Vi);
        assert!(many.contains("viewBox=\"0 0 640 968\""));
        for svg in [
            many,
            columns(&items[..1], &series, Lang::Vi),
            donut(&[], Lang::Vi),
        ] {
            assert!(svg.starts_with("<svg") && !svg.contains("NaN") && !svg.contains("inf"));
        }
    }

    #[test]
    fn numbers_dates_and_text_follow_the_language() {
        assert_eq!(num(1234567u64, Lang::Vi), "1.234.567");
        assert_eq!(num(1234567u64, Lang::En), "1,234,567");
        assert_eq!(
            [num(-1234, Lang::Vi), num(999, Lang::Vi)],
            ["-1.234", "999"]
        );
        assert_eq!(
            [pct(Some(0.935), Lang::Vi), pct(Some(f64::NAN), Lang::Vi)],
            ["93,5 %", "—"]
        );
        assert_eq!(
            [dmy("2025-03-07"), dmy("2025-03"), dmy("?")],
            ["07/03/2025", "03/2025", "?"]
        );
        let escaped = "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;";
        assert_eq!(esc("<a href='x'>&\"</a>"), escaped);
    }
}
