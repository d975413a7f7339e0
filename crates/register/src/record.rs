//! The metadata parts of the case record (`data/metadata.json`, typed in
//! [`sohoa_archive::record`]) made from a register row and a sidecar: the TTHC case facts, the
//! TT 05/2025 hồ sơ fields and the component documents, normalized (dates to ISO, the channel
//! to its code, the case identifier chosen).

use crate::{ComponentMeta, Fields};
use sohoa_archive::problem::{Lang, Problem};
use sohoa_archive::record::{CaseInfo, Component, HoSo, REQUIRED};
use sohoa_archive::text::{fold, safe_id};
use std::collections::BTreeMap;

pub use sohoa_archive::values::{channel as parse_channel, date as parse_date};

/// Case metadata merged from the register row and the sidecar (sidecar wins), normalized.
pub struct Normalized {
    pub case_id: String,
    pub identifier_source: &'static str,
    pub case: CaseInfo,
    pub fields: Fields,
    pub warnings: Vec<Problem>,
    pub missing: Vec<String>,
}

/// Normalizes merged fields: dates to ISO, channel to a code, the case identifier chosen.
pub fn normalize(
    fields: Fields,
    folder: &str,
    from_register: bool,
    from_sidecar: bool,
) -> Normalized {
    let mut warnings = Vec::new();
    let mut date = |key: &str| -> Option<String> {
        let raw = fields.get(key)?;
        match parse_date(raw) {
            Some(iso) => Some(iso),
            None => {
                warnings.push(Problem::warning(
                    "metadata.bad_date",
                    format!(
                        "Ngày không hợp lệ ở trường {}: \"{raw}\" (giữ nguyên)",
                        sohoa_archive::values::field_name(key, Lang::Vi)
                    ),
                    format!("Invalid date in {key}: \"{raw}\" (kept as given)"),
                ));
                Some(raw.to_string())
            }
        }
    };
    let received_date = date("received_date");
    let due_date = date("due_date");
    let resolved_date = date("resolved_date");
    let returned_date = date("returned_date");
    let get = |k: &str| fields.get(k).map(str::to_string);
    let channel_label = get("channel");
    let channel = channel_label
        .as_deref()
        .and_then(parse_channel)
        .map(str::to_string);
    if let (Some(label), None) = (&channel_label, &channel) {
        warnings.push(Problem::warning(
            "metadata.unknown_channel",
            format!("Không nhận ra hình thức nộp \"{label}\""),
            format!("Unrecognised submission channel \"{label}\""),
        ));
    }
    let case = CaseInfo {
        case_code: get("case_code"),
        procedure_code: get("procedure_code"),
        procedure_name: get("procedure_name"),
        sector: get("sector"),
        agency_code: get("agency_code"),
        agency_name: get("agency_name"),
        applicant_name: get("applicant_name"),
        applicant_id: get("applicant_id"),
        received_date,
        due_date,
        resolved_date,
        returned_date,
        channel,
        channel_label,
        status: get("status"),
    };
    let (case_id, identifier_source) = match &case.case_code {
        Some(code) if from_sidecar && !from_register => (safe_id(code), "sidecar"),
        Some(code) => (safe_id(code), "register"),
        None => (safe_id(folder), "folder"),
    };
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|k| {
            fields.get(k).is_none()
                && !(**k == "agency_name" && fields.get("agency_code").is_some())
        })
        .map(|k| k.to_string())
        .collect();
    if !from_register && !from_sidecar {
        warnings.push(Problem::warning(
            "metadata.none",
            "Hồ sơ không có thông tin trong sổ đăng ký hay tệp hoso.json: dùng tên thư mục làm mã, đánh dấu chưa đủ thông tin",
            "No register row or hoso.json for this case: the folder name is its identifier and it is flagged incomplete",
        ));
    } else if !missing.is_empty() {
        warnings.push(Problem::warning(
            "metadata.incomplete",
            format!("Thiếu thông tin bắt buộc: {}", missing.join(", ")),
            format!("Required metadata missing: {}", missing.join(", ")),
        ));
    }
    if fields.renormalized {
        warnings.push(Problem::warning(
            "metadata.nfc_normalized",
            "Một số giá trị không ở dạng Unicode NFC và đã được chuẩn hóa",
            "Some values were not Unicode NFC and were normalized",
        ));
    }
    Normalized {
        case_id,
        identifier_source,
        case,
        fields,
        warnings,
        missing,
    }
}

/// The name people know a legacy encoding by (`TCVN3 (ABC)`), from the record's code.
pub fn encoding_name(code: &str) -> &str {
    sohoa_legacy::Legacy::from_code(code).map_or(code, |l| l.name())
}

fn number(v: Option<&str>) -> Option<u64> {
    v.and_then(|s| sohoa_archive::values::count(s).ok())
}

/// The TT 05/2025 hồ sơ record: declared values where given, measured or standard
/// defaults otherwise (`confidenceLevel` 02 = số hóa, `language` 01 = tiếng Việt).
pub fn hoso(n: &Normalized, folder: &str, pages: u64, documents: u64) -> HoSo {
    let f = &n.fields;
    let get = |k: &str| f.get(k).map(str::to_string);
    let date = |k: &str| get(k).map(|v| parse_date(&v).unwrap_or(v));
    let title =
        get("title").unwrap_or_else(|| match (&n.case.procedure_name, &n.case.applicant_name) {
            (Some(p), Some(a)) => format!("{p} - {a}"),
            (Some(p), None) => p.clone(),
            _ => folder.to_string(),
        });
    HoSo {
        arc_file_code: Some(
            get("file_code")
                .or_else(|| n.case.case_code.clone())
                .unwrap_or_else(|| n.case_id.clone()),
        ),
        title: Some(title),
        maintenance: get("maintenance"),
        mode: get("mode"),
        language: get("language").or_else(|| Some("01".into())),
        start_date: date("start_date").or_else(|| {
            n.case
                .received_date
                .as_ref()
                .map(|d| d.get(..10).unwrap_or(d).to_string())
        }),
        end_date: date("end_date").or_else(|| {
            n.case
                .returned_date
                .clone()
                .or_else(|| n.case.resolved_date.clone())
                .map(|d| d.get(..10).unwrap_or(&d).to_string())
        }),
        keyword: get("keyword"),
        total_doc: Some(number(f.get("total_doc")).unwrap_or(documents.max(1))),
        number_of_paper: number(f.get("number_of_paper")),
        number_of_page: Some(number(f.get("number_of_page")).unwrap_or(pages)),
        format: get("format"),
        infor_sign: get("infor_sign"),
        confidence_level: get("confidence_level").or_else(|| Some("02".into())),
        paper_file_code: get("paper_file_code"),
        risk_recovery: get("risk_recovery"),
        risk_recovery_status: get("risk_recovery_status"),
        description: get("description"),
    }
}

/// Component documents from the case's subfolders, enriched by sidecar entries with the
/// same folder name. Sidecar entries naming no existing folder become warnings.
pub fn components(
    folders: &[String],
    meta: &[ComponentMeta],
    warnings: &mut Vec<Problem>,
) -> Vec<Component> {
    let mut used = vec![false; meta.len()];
    let out = folders
        .iter()
        .enumerate()
        .map(|(i, folder)| {
            let found = meta.iter().position(|m| {
                m.fields
                    .get("folder")
                    .is_some_and(|f| f == folder || fold(f) == fold(folder))
            });
            let mut fields: BTreeMap<String, String> = BTreeMap::new();
            let mut label = strip_ordinal(folder);
            if let Some(j) = found {
                used[j] = true;
                for (k, v) in &meta[j].fields.known {
                    if k == "label" {
                        label = v.clone();
                    } else if k != "folder" {
                        fields.insert(k.clone(), v.clone());
                    }
                }
                fields.extend(meta[j].fields.extra.clone());
            }
            Component {
                ordinal: i as u32 + 1,
                folder: folder.clone(),
                label,
                first_page: None,
                page_count: 0,
                fields,
            }
        })
        .collect();
    for (j, m) in meta.iter().enumerate() {
        if !used[j] {
            let name = m.fields.get("folder").unwrap_or("(không tên)");
            warnings.push(
                Problem::warning(
                    "sidecar.component_without_folder",
                    format!("Thành phần \"{name}\" trong hoso.json không có thư mục tương ứng"),
                    format!("Component \"{name}\" in hoso.json has no matching folder"),
                )
                .in_file(crate::sidecar::SIDECAR),
            );
        }
    }
    out
}

/// "01 To khai" -> "To khai".
fn strip_ordinal(folder: &str) -> String {
    let rest = folder.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.trim_start_matches([' ', '.', '-', '_']);
    if rest.is_empty() {
        folder.to_string()
    } else {
        rest.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dates_people_type() {
        assert_eq!(parse_date("01/07/2025").as_deref(), Some("2025-07-01"));
        assert_eq!(parse_date("1/7/2025").as_deref(), Some("2025-07-01"));
        assert_eq!(parse_date("2025-07-01").as_deref(), Some("2025-07-01"));
        assert_eq!(
            parse_date("01/07/2025 14:30").as_deref(),
            Some("2025-07-01T14:30:00+07:00")
        );
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("hôm qua"), None);
    }

    #[test]
    fn strips_component_ordinals() {
        assert_eq!(strip_ordinal("01 To khai"), "To khai");
        assert_eq!(strip_ordinal("02. Giấy chứng sinh"), "Giấy chứng sinh");
        assert_eq!(strip_ordinal("2024"), "2024");
    }

    proptest! {
        #[test]
        fn parsed_dates_round_trip(y in 1900i32..2100, m in 1u8..13, d in 1u8..29) {
            let s = format!("{d:02}/{m:02}/{y}");
            prop_assert_eq!(parse_date(&s), Some(format!("{y:04}-{m:02}-{d:02}")));
        }

        #[test]
        fn parse_date_never_panics(s in "\\PC{0,30}") {
            let _ = parse_date(&s);
        }
    }
}
