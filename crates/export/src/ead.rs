//! The TT 05/2025/TT-BNV descriptive files: `EAD.xml` for the hồ sơ (18 fields) and one
//! `EAD_DOC_*.xml` per document, a `<simpledc>` root with the circular's tag names. An AIP
//! writes `arcFileCode` and the AIP document fields (`arcFileCode`, `docOrdinal`, no `docId`,
//! `maintenance` or `riskRecovery*`); a SIP writes `fileCode` and the 21 SIP document fields.
//! Dates as TT 05 writes them (`DD/MM/YYYY`, `MM/YYYY` or `YYYY`); unknown values are left out.

use crate::xml::El;
use sohoa_archive::record::{CaseRecord, Component};

/// The hồ sơ code: TT 05's `arcFileCode` (AIP) / `fileCode` (SIP), else the case id.
pub(crate) fn file_code(record: &CaseRecord) -> String {
    record
        .hoso
        .arc_file_code
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| record.case_id.clone())
}

/// `docCode`: the hồ sơ code, a dot and the document's 7-digit ordinal.
pub(crate) fn doc_code(record: &CaseRecord, c: &Component) -> String {
    format!("{}.{:07}", file_code(record), c.ordinal)
}

/// `docId` (at most 25 characters, the base name of the document's files in a SIP): the hồ sơ
/// code and the ordinal when that fits, else the code's last dotted part and the ordinal, else
/// the document code's last 25 characters.
pub(crate) fn doc_id(record: &CaseRecord, c: &Component) -> String {
    let code = file_code(record);
    let tail = code.rsplit('.').next().unwrap_or(&code);
    for candidate in [
        format!("{code}.{}", c.ordinal),
        format!("{tail}.{}", c.ordinal),
    ] {
        if candidate.chars().count() <= 25 {
            return candidate;
        }
    }
    let long = doc_code(record, c);
    let skip = long.chars().count().saturating_sub(25);
    long.chars().skip(skip).collect()
}

/// An ISO date as the record keeps it (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or a timestamp) as
/// TT 05 writes it; anything else as it is.
pub(crate) fn tt05_date(iso: &str) -> String {
    let d = iso.get(..10).filter(|_| iso.len() > 10).unwrap_or(iso);
    let parts: Vec<&str> = d.split('-').collect();
    match parts.as_slice() {
        [y, m, dd] if y.len() == 4 => format!("{dd}/{m}/{y}"),
        [y, m] if y.len() == 4 => format!("{m}/{y}"),
        _ => d.to_string(),
    }
}

/// TT 05 fields the hồ sơ or its documents lack (`riskRecovery`, `documents[2].issuedDate`):
/// written as a warning by `sohoa export`, so that a hand-over is completed first. Fields sohoa
/// fills from the hồ sơ (a document's mode, language, ...) are not listed.
pub(crate) fn missing(record: &CaseRecord) -> Vec<String> {
    let h = &record.hoso;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    let mut out: Vec<String> = [
        ("maintenance", blank(&h.maintenance)),
        ("mode", blank(&h.mode)),
        ("language", blank(&h.language)),
        ("startDate", blank(&h.start_date)),
        ("endDate", blank(&h.end_date)),
        ("confidenceLevel", blank(&h.confidence_level)),
        ("riskRecovery", blank(&h.risk_recovery)),
        (
            "paperFileCode",
            h.confidence_level.as_deref() == Some("02") && blank(&h.paper_file_code),
        ),
        (
            "riskRecoveryStatus",
            h.risk_recovery.as_deref() == Some("1") && blank(&h.risk_recovery_status),
        ),
    ]
    .into_iter()
    .filter(|(_, gone)| *gone)
    .map(|(name, _)| name.to_string())
    .collect();
    for c in &record.components {
        for (key, name) in [("issued_date", "issuedDate"), ("organ_name", "organName")] {
            if blank(&c.fields.get(key).cloned()) {
                out.push(format!("documents[{}].{name}", c.ordinal));
            }
        }
    }
    out
}

fn field(name: &str, value: Option<String>) -> Option<El> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .map(|v| El::leaf(name, v))
}

/// `EAD.xml`: the hồ sơ.
pub(crate) fn hoso(record: &CaseRecord, sip: bool) -> El {
    let h = &record.hoso;
    let n = |v: Option<u64>| v.map(|v| v.to_string());
    let date = |v: &Option<String>| v.as_deref().map(tt05_date);
    let fields = [
        field(
            if sip { "fileCode" } else { "arcFileCode" },
            Some(file_code(record)),
        ),
        field("title", h.title.clone().or(Some(record.case_id.clone()))),
        field("maintenance", h.maintenance.clone()),
        field("mode", h.mode.clone()),
        field("language", h.language.clone()),
        field("startDate", date(&h.start_date)),
        field("endDate", date(&h.end_date)),
        field("keyword", h.keyword.clone()),
        field("totalDoc", n(h.total_doc)),
        field("numberOfPaper", n(h.number_of_paper)),
        field("numberOfPage", n(h.number_of_page)),
        field("format", h.format.clone()),
        field("inforSign", h.infor_sign.clone()),
        field("confidenceLevel", h.confidence_level.clone()),
        field("paperFileCode", h.paper_file_code.clone()),
        field("riskRecovery", h.risk_recovery.clone()),
        field("riskRecoveryStatus", h.risk_recovery_status.clone()),
        field("description", h.description.clone()),
    ];
    El::new("simpledc").children(fields.into_iter().flatten())
}

/// One document's `EAD_DOC_*.xml`: its fields from the record's component (sidecar fields in
/// snake case), defaults from the hồ sơ where TT 05 says so.
pub(crate) fn document(record: &CaseRecord, c: &Component, sip: bool) -> El {
    let f = |k: &str| c.fields.get(k).cloned();
    let h = &record.hoso;
    let or_hoso = |k: &str, v: &Option<String>| f(k).or_else(|| v.clone());
    let mut fields: Vec<Option<El>> = Vec::new();
    if sip {
        fields.push(field("docId", Some(doc_id(record, c))));
    } else {
        fields.push(field("arcFileCode", Some(file_code(record))));
        fields.push(field("docOrdinal", Some(c.ordinal.to_string())));
    }
    fields.push(field("docCode", Some(doc_code(record, c))));
    if sip {
        fields.push(field("maintenance", or_hoso("maintenance", &h.maintenance)));
    }
    fields.extend([
        field("typeName", f("type_name").or(Some("32".into()))),
        field("codeNumber", f("code_number")),
        field("codeNotation", f("code_notation")),
        field("issuedDate", f("issued_date").as_deref().map(tt05_date)),
        field("organName", f("organ_name")),
        field("subject", f("subject").or_else(|| Some(c.label.clone()))),
        field("language", or_hoso("language", &h.language)),
        field("numberOfPage", Some(c.page_count.to_string())),
        field("inforSign", f("infor_sign")),
        field("keyword", f("keyword")),
        field("mode", or_hoso("mode", &h.mode)),
        field(
            "confidenceLevel",
            or_hoso("confidence_level", &h.confidence_level),
        ),
        field("autograph", f("autograph")),
        field("format", or_hoso("format", &h.format)),
    ]);
    if sip {
        fields.push(field(
            "riskRecovery",
            or_hoso("risk_recovery", &h.risk_recovery),
        ));
        fields.push(field(
            "riskRecoveryStatus",
            or_hoso("risk_recovery_status", &h.risk_recovery_status),
        ));
    }
    fields.push(field("process", f("process")));
    fields.push(field("description", f("description")));
    El::new("simpledc").children(fields.into_iter().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sohoa_archive::record::HoSo;

    fn record() -> CaseRecord {
        CaseRecord {
            case_id: "HS-1".into(),
            hoso: HoSo {
                arc_file_code: Some("000.00.15.H12-250701-0001".into()),
                title: Some("Hồ sơ đăng ký khai sinh".into()),
                maintenance: Some("01".into()),
                mode: Some("02".into()),
                start_date: Some("2025-07-01".into()),
                end_date: Some("2025-07".into()),
                total_doc: Some(2),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn hoso_fields_are_named_as_tt05_names_them_with_its_dates() {
        let r = record();
        let aip = String::from_utf8(hoso(&r, false).to_document()).unwrap();
        assert!(aip.contains("<arcFileCode>000.00.15.H12-250701-0001</arcFileCode>"));
        assert!(aip.contains("<startDate>01/07/2025</startDate>"));
        assert!(aip.contains("<endDate>07/2025</endDate>"));
        assert!(aip.contains("<totalDoc>2</totalDoc>"));
        assert!(!aip.contains("<keyword"), "unknown values are left out");
        let sip = String::from_utf8(hoso(&r, true).to_document()).unwrap();
        assert!(sip.contains("<fileCode>000.00.15.H12-250701-0001</fileCode>"));
        assert!(!sip.contains("arcFileCode"));
    }

    #[test]
    fn document_codes_ids_and_the_two_field_sets() {
        let r = record();
        let mut c = Component {
            ordinal: 3,
            label: "Giấy chứng sinh".into(),
            page_count: 2,
            ..Default::default()
        };
        c.fields.insert("issued_date".into(), "2025-05-14".into());
        assert_eq!(doc_code(&r, &c), "000.00.15.H12-250701-0001.0000003");
        assert!(doc_id(&r, &c).chars().count() <= 25);
        let aip = String::from_utf8(document(&r, &c, false).to_document()).unwrap();
        for want in [
            "<docOrdinal>3</docOrdinal>",
            "<issuedDate>14/05/2025</issuedDate>",
            "<subject>Giấy chứng sinh</subject>",
            "<typeName>32</typeName>",
            "<mode>02</mode>",
        ] {
            assert!(aip.contains(want), "{want} in {aip}");
        }
        assert!(!aip.contains("<docId>") && !aip.contains("<maintenance>"));
        let sip = String::from_utf8(document(&r, &c, true).to_document()).unwrap();
        assert!(sip.contains("<docId>") && sip.contains("<maintenance>01</maintenance>"));
        assert!(!sip.contains("docOrdinal"));
    }
}
