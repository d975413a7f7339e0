//! The case record written as `data/metadata.json`: normalized, versioned case metadata
//! (TTHC fields, the 18 TT 05/2025 hồ sơ fields, component documents), every source file's
//! SHA-256 and the page -> component map. This module builds it from register + sidecar.

use crate::problem::Problem;
use crate::register::{ComponentMeta, Fields};
use crate::text::{fold, safe_id};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Schema name and version of `metadata.json` (documented in docs/archive-format.md).
pub const SCHEMA: &str = "sohoa/metadata";
pub const SCHEMA_VERSION: u32 = 1;
/// Fields without which a case is flagged `incomplete`.
pub const REQUIRED: &[&str] = &[
    "case_code",
    "procedure_code",
    "agency_name",
    "applicant_name",
    "received_date",
];

/// TTHC case facts (one-stop register fields), dates as ISO 8601. Read back leniently (the
/// audit): every field optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseInfo {
    pub case_code: Option<String>,
    pub procedure_code: Option<String>,
    pub procedure_name: Option<String>,
    pub sector: Option<String>,
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    pub applicant_name: Option<String>,
    /// Citizen ID (CCCD) as given; it is masked wherever it is shown or indexed.
    pub applicant_id: Option<String>,
    pub received_date: Option<String>,
    pub due_date: Option<String>,
    pub resolved_date: Option<String>,
    pub returned_date: Option<String>,
    /// `direct`, `online` or `postal`.
    pub channel: Option<String>,
    pub channel_label: Option<String>,
    pub status: Option<String>,
}

/// The 18 hồ sơ fields of TT 05/2025/TT-BNV (AIP_hoso), named as the circular names them.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoSo {
    pub arc_file_code: String,
    pub title: String,
    pub maintenance: Option<String>,
    pub mode: Option<String>,
    pub language: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub keyword: Option<String>,
    pub total_doc: u64,
    pub number_of_paper: Option<u64>,
    pub number_of_page: u64,
    pub format: Option<String>,
    pub infor_sign: Option<String>,
    pub confidence_level: Option<String>,
    pub paper_file_code: Option<String>,
    pub risk_recovery: Option<String>,
    pub risk_recovery_status: Option<String>,
    pub description: Option<String>,
}

/// A component document (thành phần hồ sơ) and where its pages are in the bundle.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// 1-based ordinal in the case (TT 05/2025 docOrdinal).
    pub ordinal: u32,
    pub folder: String,
    pub label: String,
    /// First page in the bundle (1-based); absent when the component has no pages.
    pub first_page: Option<u32>,
    pub page_count: u32,
    /// Document-level fields from the sidecar (type_name, code_number, issued_date, ...).
    pub fields: BTreeMap<String, String>,
}

/// One page of the bundle and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct PageRecord {
    pub number: u32,
    /// Index into `components` (0-based), or null for pages directly in the case folder.
    pub component: Option<usize>,
    pub source: String,
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    pub dpi_x: f64,
    pub dpi_y: f64,
    pub dpi_source: crate::page::DpiSource,
    pub colour: crate::page::Colour,
    pub encoding: crate::page::Encoding,
    pub conversions: Vec<&'static str>,
    /// PDF page rotation applied for the source's EXIF orientation (0, 90, 180, 270).
    pub rotate: u16,
    /// What normalization measured and did (skew, crop, content, blank, DPI decision).
    pub normalization: Option<crate::normalize::Normalization>,
    /// OCR of the page (absent when OCR was off or not installed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<crate::ocr::PageOcr>,
}

/// A blank page left out of the bundle with `--drop-blank`; its source file is in the bag.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedPage {
    pub source: String,
    /// 0-based page inside the source file.
    pub frame: u32,
    /// Share of the page covered by ink strokes.
    pub ink: f64,
}

/// A source file with its fixity at intake.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRecord {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
    /// Path of the kept original inside the bag, with `--keep-originals`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_as: Option<String>,
}

/// Where metadata came from.
#[derive(Debug, Clone, Serialize)]
pub struct MetadataSource {
    pub kind: &'static str,
    pub path: String,
    /// Worksheet of a workbook register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Row as a spreadsheet shows it (1-based, header and title rows counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub sha256: String,
}

/// The bundle file.
#[derive(Debug, Clone, Serialize)]
pub struct BundleRecord {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
    pub conformance: &'static str,
    pub document_id: String,
}

/// A prior version of this case's bag.
#[derive(Debug, Clone, Serialize)]
pub struct PreviousVersion {
    pub version: u32,
    pub path: String,
    pub tagmanifest_sha256: String,
}

/// `data/metadata.json`.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    pub schema: &'static str,
    pub schema_version: u32,
    pub legal_basis: &'static str,
    pub case_id: String,
    /// `register`, `sidecar` or `folder`: where the identifier came from.
    pub identifier_source: &'static str,
    pub version: u32,
    pub previous_version: Option<PreviousVersion>,
    pub source_folder: String,
    pub source_fingerprint: String,
    /// `complete` or `incomplete`.
    pub metadata_status: &'static str,
    pub metadata_missing: Vec<String>,
    pub case: CaseInfo,
    pub hoso: HoSo,
    /// Values given in the register/sidecar for counts that sohoa also measures.
    pub declared: BTreeMap<String, String>,
    pub components: Vec<Component>,
    pub pages: Vec<PageRecord>,
    /// Normalization profile applied.
    pub profile: String,
    /// Blank pages left out of the bundle (`--drop-blank`).
    pub dropped_pages: Vec<DroppedPage>,
    pub sources: Vec<SourceRecord>,
    pub bundle: Option<BundleRecord>,
    pub metadata_sources: Vec<MetadataSource>,
    /// Register/sidecar columns sohoa does not know, kept verbatim.
    pub extra: BTreeMap<String, String>,
    /// Values typed in a legacy encoding (TCVN3, VNI, VIQR), converted to Unicode: the original
    /// value, the text used and where it came from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub text_conversions: Vec<crate::register::TextConversion>,
    pub warnings: Vec<Problem>,
    pub ingest: IngestInfo,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngestInfo {
    pub software: String,
    pub started: String,
    pub keep_originals: bool,
}

/// Parses the date forms people type into ISO 8601 (see [`crate::register::values::date`]):
/// `dd/mm/yyyy`, `d/m/yy`, `yyyy-mm-dd`, "ngày 5 tháng 7 năm 2025", Excel serial numbers, each
/// optionally with a time (Vietnam time).
pub fn parse_date(s: &str) -> Option<String> {
    crate::register::values::date(s)
}

/// Maps how people write the submission channel to `direct`, `online` or `postal`.
pub fn parse_channel(s: &str) -> Option<&'static str> {
    let f = fold(s);
    if f.contains("truc tuyen") || f.contains("online") || f.contains("dvc") {
        Some("online")
    } else if f.contains("buu chinh") || f.contains("bcci") || f.contains("postal") {
        Some("postal")
    } else if f.contains("truc tiep") || f.contains("direct") || f.contains("mot cua") {
        Some("direct")
    } else {
        None
    }
}

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
                    format!("Ngày không hợp lệ ở trường {key}: \"{raw}\" (giữ nguyên)"),
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

fn number(v: Option<&str>) -> Option<u64> {
    v.and_then(|s| crate::register::values::count(s).ok())
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
        arc_file_code: get("file_code")
            .or_else(|| n.case.case_code.clone())
            .unwrap_or_else(|| n.case_id.clone()),
        title,
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
        total_doc: number(f.get("total_doc")).unwrap_or(documents.max(1)),
        number_of_paper: number(f.get("number_of_paper")),
        number_of_page: number(f.get("number_of_page")).unwrap_or(pages),
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
                .in_file(crate::discover::SIDECAR),
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
    fn channels() {
        assert_eq!(parse_channel("Trực tuyến"), Some("online"));
        assert_eq!(parse_channel("Bưu chính công ích"), Some("postal"));
        assert_eq!(parse_channel("TRỰC TIẾP"), Some("direct"));
        assert_eq!(parse_channel("fax"), None);
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
