//! The record sheet (phiếu tin hồ sơ) written next to `metadata.json` in every bag
//! (`data/phieu-tin.html`): the case's fields with their Vietnamese names, every code with its
//! label (`01 – Vĩnh viễn`), the component documents and the bundle, as one self-contained page
//! a person can read or print without sohoa. `metadata.json` stays the record; this repeats it.

use sohoa_archive::code_lists::{self, CodeList};
use sohoa_archive::neutralize::html as esc;
use sohoa_archive::record::CaseRecord;
use sohoa_register::field_label;

/// The sheet's file name inside `data/`.
pub const FILE: &str = "phieu-tin.html";

const STYLE: &str = "body{font:15px/1.45 'Times New Roman',serif;color:#1f2933;max-width:52em;\
margin:2em auto;padding:0 1em}h1{font-size:1.35em;text-align:center;margin:.2em 0}\
.sub{text-align:center;color:#52606d;margin:0 0 1.2em}h2{font-size:1.05em;margin:1.4em 0 .4em;\
border-bottom:1px solid #cbd2d9}table{border-collapse:collapse;width:100%}th,td{text-align:left;\
vertical-align:top;padding:3px 8px;border-bottom:1px solid #e4e7eb}th{width:38%;font-weight:normal;\
color:#52606d}table.list th{width:auto}.n{text-align:right}.foot{margin-top:2em;color:#52606d;font-size:.9em}\
@media print{body{margin:0}}";

/// A line of the sheet when the value is there.
fn row(out: &mut String, label: &str, value: Option<String>) {
    if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
        out.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(label),
            esc(&v)
        ));
    }
}

/// `01 – Vĩnh viễn` for a code of `list`; a value that is not a code is shown as it is.
fn coded(list: &CodeList, value: &Option<String>) -> Option<String> {
    let v = value.as_deref()?.trim();
    Some(match list.label(v) {
        Some(label) => format!("{v} – {label}"),
        None => v.to_string(),
    })
}

/// A register date `YYYY-MM-DD[…]` as `DD/MM/YYYY` (the rest kept), other text as it is.
fn date(value: &Option<String>) -> Option<String> {
    let v = value.as_deref()?;
    let (y, m, d) = (v.get(0..4)?, v.get(5..7)?, v.get(8..10)?);
    let shaped = v.as_bytes().get(4) == Some(&b'-') && v.as_bytes().get(7) == Some(&b'-');
    Some(
        if shaped
            && [y, m, d]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            // "2025-07-01T08:15:00+07:00" -> "01/07/2025 08:15".
            let time = match v.get(10..11) {
                Some("T") | Some(" ") => v.get(11..16).map(|t| format!(" {t}")).unwrap_or_default(),
                _ => v.get(10..).unwrap_or_default().to_string(),
            };
            format!("{d}/{m}/{y}{time}")
        } else {
            v.to_string()
        },
    )
}

/// The sheet of `record`, as HTML.
pub fn html(record: &CaseRecord) -> String {
    let code = record
        .case
        .case_code
        .clone()
        .unwrap_or_else(|| record.case_id.clone());
    let mut o = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <title>Phiếu tin hồ sơ {}</title><style>{STYLE}</style></head><body>",
        esc(&code)
    );
    o += &format!(
        "<h1>PHIẾU TIN HỒ SƠ</h1><p class=\"sub\">{} · mã lưu {} · phiên bản {}</p>",
        esc(&code),
        esc(&record.case_id),
        record.version.max(1)
    );
    o += &section("Thủ tục hành chính", &procedure(record));
    o += &section("Hồ sơ lưu trữ (TT 05/2025/TT-BNV)", &hoso(record));
    o += &components(record);
    o += &section("Bản số hóa", &digitized(record));
    if let Some(w) = &record.withdrawn {
        let mut t = String::new();
        row(&mut t, "Ngày rút", date(&Some(w.at.clone())));
        row(&mut t, "Lý do", Some(w.reason.clone()));
        o += &section("Đã rút khỏi kho", &t);
    }
    o += &format!(
        "<p class=\"foot\">Lập bởi sohoa {} từ <code>metadata.json</code> (bản ghi đầy đủ) cùng \
         thư mục; các sự kiện bảo quản trong <code>events.json</code>.</p></body></html>\n",
        env!("CARGO_PKG_VERSION")
    );
    o
}

/// A heading and its table, or nothing when no line has a value.
fn section(title: &str, rows: &str) -> String {
    if rows.is_empty() {
        String::new()
    } else {
        format!("<h2>{}</h2><table>{rows}</table>", esc(title))
    }
}

/// The procedure's facts (the one-stop register's fields).
fn procedure(record: &CaseRecord) -> String {
    let c = &record.case;
    let mut t = String::new();
    row(&mut t, field_label("case_code"), c.case_code.clone());
    row(
        &mut t,
        field_label("procedure_code"),
        c.procedure_code.clone(),
    );
    row(
        &mut t,
        field_label("procedure_name"),
        c.procedure_name.clone(),
    );
    row(&mut t, field_label("sector"), c.sector.clone());
    let agency = match (&c.agency_name, &c.agency_code) {
        (Some(n), Some(k)) => Some(format!("{n} ({k})")),
        (n, k) => n.clone().or_else(|| k.clone()),
    };
    row(&mut t, field_label("agency_name"), agency);
    row(
        &mut t,
        field_label("applicant_name"),
        c.applicant_name.clone(),
    );
    row(&mut t, field_label("applicant_id"), c.applicant_id.clone());
    row(&mut t, field_label("received_date"), date(&c.received_date));
    row(&mut t, field_label("due_date"), date(&c.due_date));
    row(&mut t, field_label("resolved_date"), date(&c.resolved_date));
    row(&mut t, field_label("returned_date"), date(&c.returned_date));
    let channel = c.channel_label.clone().or_else(|| c.channel.clone());
    row(&mut t, field_label("channel"), channel);
    row(&mut t, field_label("status"), c.status.clone());
    t
}

/// The 18 TT 05/2025 hồ sơ fields, codes spelled out.
fn hoso(record: &CaseRecord) -> String {
    let h = &record.hoso;
    let count = |v: Option<u64>| v.map(|n| n.to_string());
    let mut t = String::new();
    row(&mut t, field_label("file_code"), h.arc_file_code.clone());
    row(&mut t, field_label("title"), h.title.clone());
    row(
        &mut t,
        field_label("maintenance"),
        coded(&code_lists::MAINTENANCE, &h.maintenance),
    );
    row(
        &mut t,
        field_label("mode"),
        coded(&code_lists::MODE, &h.mode),
    );
    row(
        &mut t,
        field_label("language"),
        coded(&code_lists::LANGUAGE, &h.language),
    );
    row(&mut t, field_label("start_date"), date(&h.start_date));
    row(&mut t, field_label("end_date"), date(&h.end_date));
    row(&mut t, field_label("keyword"), h.keyword.clone());
    row(&mut t, field_label("total_doc"), count(h.total_doc));
    row(
        &mut t,
        field_label("number_of_paper"),
        count(h.number_of_paper),
    );
    row(
        &mut t,
        field_label("number_of_page"),
        count(h.number_of_page),
    );
    row(
        &mut t,
        field_label("format"),
        coded(&code_lists::FORMAT, &h.format),
    );
    row(&mut t, field_label("infor_sign"), h.infor_sign.clone());
    let confidence = coded(&code_lists::CONFIDENCE, &h.confidence_level);
    row(&mut t, field_label("confidence_level"), confidence);
    row(
        &mut t,
        field_label("paper_file_code"),
        h.paper_file_code.clone(),
    );
    let recovery = coded(&code_lists::RISK_RECOVERY, &h.risk_recovery);
    row(&mut t, field_label("risk_recovery"), recovery);
    let status = coded(&code_lists::RISK_RECOVERY_STATUS, &h.risk_recovery_status);
    row(&mut t, field_label("risk_recovery_status"), status);
    row(&mut t, field_label("description"), h.description.clone());
    t
}

/// The component documents and where their pages are.
fn components(record: &CaseRecord) -> String {
    if record.components.is_empty() {
        return String::new();
    }
    let mut o = "<h2>Thành phần hồ sơ</h2><table class=\"list\"><tr><th>STT</th>\
                 <th>Tài liệu</th><th class=\"n\">Từ trang</th><th class=\"n\">Số trang</th></tr>"
        .to_string();
    for comp in &record.components {
        o += &format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            comp.ordinal,
            esc(&comp.label),
            comp.first_page.map(|p| p.to_string()).unwrap_or_default(),
            comp.page_count
        );
    }
    o + "</table>"
}

/// The bundle: file, pages, digest, signatures, text layer, and whether the metadata is whole.
fn digitized(record: &CaseRecord) -> String {
    let mut t = String::new();
    if let Some(b) = &record.bundle {
        row(
            &mut t,
            "Tệp PDF/A",
            Some(format!("{} ({})", b.path, b.conformance)),
        );
        row(&mut t, "Số trang", Some(b.pages.to_string()));
        row(&mut t, "SHA-256", Some(b.sha256.clone()));
        let signed = match b.signatures.len() {
            0 => "chưa ký".to_string(),
            n => format!("{n} chữ ký (PAdES)"),
        };
        row(&mut t, "Chữ ký số", Some(signed));
    }
    let ocr = record.pages.iter().filter(|p| p.ocr.is_some()).count();
    let pages = record.pages.len();
    row(
        &mut t,
        "Lớp chữ (OCR)",
        Some(format!("{ocr}/{pages} trang")),
    );
    let status = match record.metadata_status.as_str() {
        "complete" => "đủ".to_string(),
        "incomplete" => format!("thiếu: {}", record.metadata_missing.join(", ")),
        other => other.to_string(),
    };
    row(&mut t, "Tình trạng siêu dữ liệu", Some(status));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_labelled_and_text_is_escaped() {
        let mut r = CaseRecord {
            case_id: "HS-01".into(),
            ..Default::default()
        };
        r.case.case_code = Some("000.00.15.H12-250701-0001".into());
        r.case.applicant_name = Some("<script>alert(1)</script> Nguyễn Văn An".into());
        r.case.applicant_id = Some("001203004567".into());
        r.case.received_date = Some("2025-07-01T08:15:00+07:00".into());
        r.case.due_date = Some("2025-07-04".into());
        r.hoso.maintenance = Some("01".into());
        r.hoso.language = Some("01, 02".into());
        r.hoso.mode = Some("Công khai".into());
        let page = html(&r);
        for want in [
            "<h1>PHIẾU TIN HỒ SƠ</h1>",
            "<th>Thời hạn lưu trữ</th><td>01 – Vĩnh viễn</td>",
            "<th>Ngôn ngữ</th><td>01, 02 – Tiếng Việt, Tiếng Anh</td>",
            "<th>Chế độ sử dụng</th><td>Công khai</td>",
            "<th>Ngày tiếp nhận</th><td>01/07/2025 08:15</td>",
            "<th>Ngày hẹn trả</th><td>04/07/2025</td>",
            "&lt;script&gt;",
        ] {
            assert!(page.contains(want), "{want} missing in {page}");
        }
        assert!(
            !page.contains("<script>") && !page.contains("001203004567"),
            "{page}"
        );
    }
}
