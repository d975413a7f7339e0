//! HTML pages for people: the audit ("đúng, đủ, sạch, sống") and the Biểu 06/VPCP/KSTT statistics,
//! each self-contained (inline CSS, SVG charts, a script); here the shared helpers and page shell.

mod audit;
mod charts;
mod report;
#[cfg(test)]
mod tests;

pub use audit::audit_page;
pub use report::report_page;

use sohoa_archive::problem::Lang;
use std::fmt::Display;

const ERR: &str = "#c62828";
const WARN: &str = "#d98e04";
const EARLY: &str = "#2e7d32";
const ONTIME: &str = "#1d4ed8";
const ONLINE: &str = "#0e7490";
const POSTAL: &str = "#7c3aed";
const GREY: &str = "#627d98";
const INK: &str = "#334e68";

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

/// A label for people, written `"vietnamese|english"`, in the reader's language.
fn tr(s: &'static str, lang: Lang) -> &'static str {
    let (vi, en) = s.split_once('|').unwrap_or((s, s));
    lang.pick(vi, en)
}

/// Escapes text for HTML content and attribute values; identity numbers in it are masked.
fn esc(s: &str) -> String {
    sohoa_archive::neutralize::html(s)
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

// --- Page shell ------------------------------------------------------------------------------

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
