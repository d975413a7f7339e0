//! The audit page: summary cards, the four criteria, charts, findings by code, the filterable
//! list of findings, the cases audited and the procedure rules applied.

use super::charts::{columns, hbars, no_data};
use super::{
    card, cards, controls, dmy, document, empty, esc, figure, h2, header, num, pct, select, table,
    td, tdd, tdn, tr, EARLY, ERR, INK, WARN,
};
use crate::finding::{AuditReport, Criterion, Finding, Tally};
use sohoa_archive::problem::{Lang, Severity};

/// Column heads: `vietnamese|english` labels separated by `;`.
const CODE_COLS: &str = "Mã|Code;Tiêu chí|Criterion;Lỗi|Errors;Cảnh báo|Warnings;Số hồ sơ|Cases";
const FINDING_COLS: &str = "Hồ sơ|Case;Tiêu chí|Criterion;Mức độ|Severity;Mã|Code;\
                            Nội dung|Message;Vị trí|Location";
const CASE_COLS: &str = "Mã hồ sơ|Case code;Mã gói (bag)|Bag id;Tên hồ sơ|Title;Cơ quan|Agency;\
                         Thủ tục|Procedure;Ngày tiếp nhận|Received;Lỗi|Errors;Cảnh báo|Warnings";

fn crit_color(c: Criterion) -> &'static str {
    match c {
        Criterion::Dung => "#1d4ed8",
        Criterion::Du => "#047857",
        Criterion::Sach => "#7c3aed",
        Criterion::Song => "#0e7490",
    }
}

fn finding_row(x: &Finding, report: &AuditReport, lang: Lang) -> String {
    let t = |s| tr(s, lang);
    let id = x.case_id.as_deref().unwrap_or("");
    let line = report.cases.iter().find(|c| c.case_id == id);
    let case = match line.and_then(|c| c.case_code.as_deref()) {
        _ if x.case_id.is_none() => t("(toàn kho)|(whole archive)"),
        Some(code) => code,
        None => id,
    };
    let (sev, severity) = match x.severity {
        Severity::Error => ("error", t("Lỗi|Error")),
        Severity::Warning => ("warning", t("Cảnh báo|Warning")),
    };
    let page = x.page.map(|p| format!("{} {p}", t("trang|page")));
    let field = x.field.as_deref().map(|f| {
        let name = sohoa_archive::values::field_name(f, lang);
        if name == f {
            name
        } else {
            format!("{name} ({f})")
        }
    });
    let place = [page, x.file.clone(), field];
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

/// Agencies in the chart of findings by agency: the ones with the most findings.
const AGENCIES_CHARTED: usize = 15;

/// The keys of `Summary::by_agency` that are not agencies: findings on the whole archive, and
/// cases whose record names no agency (crate::audit::summarize).
const WHOLE_ARCHIVE: &str = "Toàn kho";
const NO_AGENCY: &str = "Không xác định";

/// An agency key as people read it in `lang`.
fn agency_label(key: &str, lang: Lang) -> String {
    match key {
        WHOLE_ARCHIVE => lang.pick("(toàn kho)", "(whole archive)").to_string(),
        NO_AGENCY => lang
            .pick("(không rõ cơ quan)", "(agency unknown)")
            .to_string(),
        a => a.to_string(),
    }
}

/// The caption of the chart by agency: how many agencies have findings, and which of them the
/// chart shows when it cannot show them all.
fn agency_chart_title<'a>(keys: impl Iterator<Item = &'a String>, lang: Lang) -> String {
    let n = keys
        .filter(|k| !matches!(k.as_str(), WHOLE_ARCHIVE | NO_AGENCY))
        .count();
    let (shown, all) = (num(AGENCIES_CHARTED, lang), num(n, lang));
    match (lang, n > AGENCIES_CHARTED) {
        (Lang::Vi, false) => format!("Theo cơ quan ({all} cơ quan có phát hiện)"),
        (Lang::Vi, true) => {
            format!("Theo cơ quan ({shown} trên {all} cơ quan có nhiều phát hiện nhất)")
        }
        (Lang::En, false) if n == 1 => "By agency (1 agency with findings)".to_string(),
        (Lang::En, false) => format!("By agency ({all} agencies with findings)"),
        (Lang::En, true) => format!("By agency (the {shown} of {all} with the most findings)"),
    }
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
        .map(|(a, k)| (agency_label(a, lang), pair(k)))
        .collect();
    agencies.sort_by_key(|(_, v)| std::cmp::Reverse(v[0] + v[1]));
    let by_agency_title = agency_chart_title(s.by_agency.keys(), lang);
    agencies.truncate(AGENCIES_CHARTED);
    let by_crit = figure(
        t("Lỗi và cảnh báo theo tiêu chí|Errors and warnings by criterion"),
        &ew,
        &columns(&by_crit, &ew, lang),
    );
    let by_agency = figure(&by_agency_title, &ew, &hbars(&agencies, &ew, lang));
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
            .map(|x| finding_row(&x, report, lang))
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
