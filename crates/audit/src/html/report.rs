//! The statistics page: Biểu 06/VPCP/KSTT as printed with its consistency checks, charts of
//! results, the monthly on-time trend and receiving channels, and the list of late cases.

use super::charts::{donut, hbars, line_chart};
use super::{
    cards, controls, dmy, document, empty, esc, figure, h2, header, num, pct, table, td, tdd, tdn,
    tr, EARLY, ERR, GREY, INK, ONLINE, ONTIME, POSTAL, WARN,
};
use crate::stats::{Counts, LateCase, StatsReport};
use sohoa_archive::problem::Lang;

const OK: &str = "<span class=\"ok\">✓</span>";
const KO: &str = "<span class=\"ko\">✗</span>";

/// Column heads: `vietnamese|english` labels separated by `;`.
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
    let (lf, lt) = (t("từ ngày|from"), t("đến ngày|to"));
    let named = esc(lang.pick(&report.period, &report.period_en));
    let basis = t("Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020|\
                   Form of Circular 01/2020/TT-VPCP of 21/10/2020");
    let sub = format!(
        "<p class=\"sub\">{}: <b>{named}</b> ({lf} <b>{from}</b> {lt} <b>{to}</b>) · {basis}</p>",
        t("Kỳ báo cáo|Period")
    );
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
        let mark = if inv.holds { OK } else { KO };
        let (text, name) = (esc(lang.pick(&inv.text, &inv.text_en)), esc(&inv.name));
        o += &format!("<li title=\"{name}\">{mark} {text}");
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
