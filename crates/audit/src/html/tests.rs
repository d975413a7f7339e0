//! Tests of the HTML pages: sample audit and statistics reports rendered in both languages and
//! checked for escaping, number and date formats, self-containment and charts without NaN.

use super::charts::{columns, donut, hbars};
use super::*;
use crate::finding::{AuditReport, Criterion, Finding};
use crate::stats::{Counts, StatsReport};
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
    r.findings = findings.into();
    r
}

fn findings() -> Vec<Finding> {
    let bad = "Ngày <script>alert(1)</script> & sai";
    let related = vec!["bag-002".to_string()];
    vec![
        Finding::error(Criterion::Dung, "dung.date", bad, "Bad <script> & date").case("bag-001"),
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
        "period": "6 tháng đầu năm 2025", "period_en": "First half of 2025", "group_by": "agency",
        "rows": [{"key": "H12.1", "label": "UBND xã Tân Phú", "counts": c},
                 {"key": "H12.2", "label": "UBND phường <b>Đông</b>", "counts": counts(0, 0, 0)}],
        "total": {"key": "total", "label": "Tổng", "counts": c},
        "invariants": [{"name": "done_total = done_early + done_ontime + done_late",
                        "text": "Số hồ sơ đã giải quyết bằng trước hạn cộng đúng hạn cộng quá hạn.",
                        "text_en": "Resolved equals early plus on time plus late.",
                        "holds": true, "detail": []},
                       {"name": "recv_total = done_total + pending_total + withdrawn",
                        "text": "Số nhận bằng đã giải quyết cộng đang giải quyết cộng rút.",
                        "text_en": "Received equals resolved plus pending plus withdrawn.",
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
        Kỳ báo cáo: <b>6 tháng đầu năm 2025</b> (từ ngày <b>01/01/2025</b> đến ngày <b>30/06/2025</b>)
        93,5 %
        >2.005<
        <th colspan="4">Số hồ sơ nhận giải quyết</th>
        <th>Số kỳ trước chuyển qua</th>
        <th>Trong hạn</th>
        <th>(13)</th>
        <tr class="total"><td class="n"></td><td>Tổng cộng</td>
        UBND phường &lt;b&gt;Đông&lt;/b&gt;
        ✓</span> Số hồ sơ đã giải quyết bằng trước hạn cộng đúng hạn cộng quá hạn.
        ✗</span> Số nhận bằng đã giải quyết cộng đang giải quyết cộng rút.
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
        "Period: <b>First half of 2025</b>\n<circle cx=\"318.0\"\n100.0%\nCases resolved\n\
         Received equals resolved plus pending plus withdrawn.\nWorking days late",
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

#[test]
fn agency_chart_counts_the_agencies_shown_and_keeps_long_names_whole() {
    let long = "Ủy ban nhân dân xã Tân Hòa, huyện Phú Bình, tỉnh Thái Nguyên";
    let tally = |e: usize| crate::finding::Tally {
        errors: e,
        warnings: 1,
        cases: 1,
    };
    let mut r = audit(findings());
    r.summary.by_agency = [(long, 3), ("UBND xã Tân Phú", 2), ("Toàn kho", 1)]
        .into_iter()
        .map(|(a, e)| (a.to_string(), tally(e)))
        .collect();
    let vi = audit_page(&r, Lang::Vi);
    assert!(vi.contains("Theo cơ quan (2 cơ quan có phát hiện)"), "{vi}");
    assert!(!vi.contains("15 cơ quan"));
    // The whole name in the tooltip, and on two lines: nothing of it is cut.
    assert!(vi.contains(&format!("<title>{long}</title>")));
    assert!(vi.contains(">Ủy ban nhân dân xã Tân Hòa,</tspan>"), "{vi}");
    assert!(
        vi.contains(">huyện Phú Bình, tỉnh Thái Nguyên</tspan>"),
        "{vi}"
    );
    let en = audit_page(&r, Lang::En);
    assert!(en.contains("By agency (2 agencies with findings)"), "{en}");
    assert!(en.contains("(whole archive)") && !en.contains("Toàn kho"));

    // More agencies than the chart shows: it says which ones it shows, out of how many.
    r.summary.by_agency = (0..40)
        .map(|i| (format!("UBND xã số {i}"), tally(i)))
        .collect();
    let vi = audit_page(&r, Lang::Vi);
    assert!(
        vi.contains("Theo cơ quan (15 trên 40 cơ quan có nhiều phát hiện nhất)"),
        "{vi}"
    );
    let en = audit_page(&r, Lang::En);
    assert!(en.contains("By agency (the 15 of 40 with the most findings)"));
}

#[test]
fn a_findings_field_reads_as_its_label_in_vietnamese_and_its_key_in_english() {
    let x = Finding::warning(Criterion::Dung, "dung.due_date", "Ngày hẹn trả", "Due date")
        .case("bag-001")
        .field("case.due_date");
    let vi = audit_page(&audit(vec![x.clone()]), Lang::Vi);
    assert!(vi.contains("Ngày hẹn trả (case.due_date)"), "{vi}");
    let en = audit_page(&audit(vec![x]), Lang::En);
    assert!(en.contains("case.due_date") && !en.contains("Ngày hẹn trả (case"));
}
