//! The case record, `data/metadata.json`: normalized, versioned case metadata (TTHC fields,
//! the 18 TT 05/2025 hồ sơ fields, component documents), every page and where it came from,
//! every source file's SHA-256 and the ingest's warnings. Documented field by field in
//! docs/archive-format.md.
//!
//! One set of types for writing and reading: ingest fills them and [`write`]s them; index,
//! audit, ocr, versions and later the web server and exporters [`load`] them. Every field has a
//! default, so a record of an older schema (or a damaged one) still loads and says what is
//! missing (see [`load`]).

mod load;
mod page;

pub use load::{load, Loaded};
pub use page::{
    phash_distance, Colour, Content, Crop, DpiSource, DroppedPage, Encoding, Normalization,
    PageOcr, PageRecord,
};

use crate::problem::Problem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Schema name and version of `metadata.json` (documented in docs/archive-format.md).
pub const SCHEMA: &str = "sohoa/metadata";
pub const SCHEMA_VERSION: u32 = 1;
/// The legal basis recorded in every case record.
pub const LEGAL_BASIS: &str = "TT 05/2025/TT-BNV";
/// The record's payload file name, and its path inside a bag.
pub const FILE: &str = "metadata.json";
pub const PATH: &str = "data/metadata.json";
/// Fields without which a case is flagged `incomplete`.
pub const REQUIRED: &[&str] = &[
    "case_code",
    "procedure_code",
    "agency_name",
    "applicant_name",
    "received_date",
];

/// TTHC case facts (one-stop register fields), dates as ISO 8601.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
/// Ingest always writes `arcFileCode`, `title`, `totalDoc` and `numberOfPage`; a record that
/// lacks one still loads (None).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HoSo {
    pub arc_file_code: Option<String>,
    pub title: Option<String>,
    pub maintenance: Option<String>,
    pub mode: Option<String>,
    pub language: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub keyword: Option<String>,
    pub total_doc: Option<u64>,
    pub number_of_paper: Option<u64>,
    pub number_of_page: Option<u64>,
    pub format: Option<String>,
    pub infor_sign: Option<String>,
    pub confidence_level: Option<String>,
    pub paper_file_code: Option<String>,
    pub risk_recovery: Option<String>,
    pub risk_recovery_status: Option<String>,
    pub description: Option<String>,
}

/// A component document (thành phần hồ sơ) and where its pages are in the bundle.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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

/// A source file with its fixity at intake.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceRecord {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
    /// Path of the kept original inside the bag, with `--keep-originals`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_as: Option<String>,
    /// Not a page image (a note, a document file) found in the case folder: kept in the bag
    /// as it is (`kept_as`), never a page of the bundle. Absent when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub attachment: bool,
}

/// Where metadata came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetadataSource {
    /// `register` or `sidecar`.
    pub kind: String,
    pub path: String,
    /// Worksheet of a workbook register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Row as a spreadsheet shows it (1-based, header and title rows counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub sha256: String,
}

impl MetadataSource {
    /// `register hoso.csv row 3`: where the metadata came from, for messages.
    pub fn describe(&self) -> String {
        match self.row {
            Some(r) => format!("{} {} row {r}", self.kind, self.path),
            None => format!("{} {}", self.kind, self.path),
        }
    }
}

/// The bundle file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BundleRecord {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
    /// `PDF/A-2b`.
    pub conformance: String,
    pub document_id: String,
    /// Digital signatures on the bundle, oldest first (`sohoa sign`); absent when unsigned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<SignatureRecord>,
}

/// One PAdES signature on the bundle, as it was made (`verify` and `audit` check the bundle
/// itself; this says what to expect).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignatureRecord {
    /// ISO 8601 with offset (the signature's `/M`).
    pub at: String,
    /// The signer certificate's subject (RFC 4514).
    pub subject: String,
    /// Its organisation (`O=`), compared with the case's agency.
    pub organization: Option<String>,
    /// SHA-256 of the signer certificate (DER), lower-case hex.
    pub certificate_sha256: String,
    /// `PAdES-B-B` (or `PAdES-B-T` with a timestamp).
    pub level: String,
}

/// A prior version of this case's bag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PreviousVersion {
    pub version: u32,
    pub path: String,
    pub tagmanifest_sha256: String,
}

/// A value typed in a legacy encoding (TCVN3, VNI, VIQR) and converted to Unicode; the
/// original is kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextConversion {
    /// Canonical field, or the column header for a column sohoa does not know.
    pub field: String,
    /// `tcvn3`, `vni` or `viqr`.
    pub encoding: String,
    /// The value as it was in the register or sidecar.
    pub original: String,
    /// The converted Unicode NFC text (dates, counts and code lists are then put in their
    /// standard form like any other value).
    pub text: String,
    /// Register or sidecar file, sheet, row and column the value came from.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// The software run that made the record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestInfo {
    pub software: String,
    pub started: String,
    pub keep_originals: bool,
}

/// `data/metadata.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseRecord {
    /// [`SCHEMA`]; a record without it is not a sohoa case record.
    pub schema: String,
    pub schema_version: u32,
    pub legal_basis: String,
    pub case_id: String,
    /// `register`, `sidecar` or `folder`: where the identifier came from.
    pub identifier_source: String,
    pub version: u32,
    pub previous_version: Option<PreviousVersion>,
    pub source_folder: String,
    pub source_fingerprint: String,
    /// `complete` or `incomplete`.
    pub metadata_status: String,
    pub metadata_missing: Vec<String>,
    pub case: CaseInfo,
    pub hoso: HoSo,
    /// The labels of the coded values, by field (`"hoso.maintenance": "Vĩnh viễn"`), written
    /// with the record for people reading `metadata.json` (`code_lists::labels_of`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub code_labels: BTreeMap<String, String>,
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
    pub text_conversions: Vec<TextConversion>,
    pub warnings: Vec<Problem>,
    pub ingest: IngestInfo,
    /// Set in the version `sohoa withdraw` writes to `withdrawn/<id>/<n>/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawal>,
}

/// Why and when a case was withdrawn from the archive (nothing is deleted).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Withdrawal {
    /// ISO 8601 with offset.
    pub at: String,
    pub reason: String,
    /// The bag it was withdrawn from, `bags/<id>`.
    pub from: String,
}

impl CaseRecord {
    /// True for a record of sohoa's schema (any version).
    pub fn is_sohoa(&self) -> bool {
        self.schema == SCHEMA
    }

    /// The record as written to `data/metadata.json`: pretty JSON, fields in a fixed order.
    pub fn to_json(&self) -> Vec<u8> {
        // A record holds only strings, numbers, maps with string keys and lists: serde_json
        // cannot fail on it.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Agency for grouping: name, else code.
    pub fn agency(&self) -> Option<&str> {
        self.case
            .agency_name
            .as_deref()
            .or(self.case.agency_code.as_deref())
    }

    /// Every text value of the record people typed or a register gave, with its field name
    /// (for the NFC, legacy-encoding and control-character checks).
    pub fn texts(&self) -> Vec<(String, &str)> {
        let c = &self.case;
        let h = &self.hoso;
        let mut out: Vec<(String, &str)> = Vec::new();
        let named: [(&str, &Option<String>); 15] = [
            ("case.case_code", &c.case_code),
            ("case.procedure_code", &c.procedure_code),
            ("case.procedure_name", &c.procedure_name),
            ("case.sector", &c.sector),
            ("case.agency_code", &c.agency_code),
            ("case.agency_name", &c.agency_name),
            ("case.applicant_name", &c.applicant_name),
            ("case.status", &c.status),
            ("case.channel_label", &c.channel_label),
            ("hoso.arcFileCode", &h.arc_file_code),
            ("hoso.title", &h.title),
            ("hoso.keyword", &h.keyword),
            ("hoso.inforSign", &h.infor_sign),
            ("hoso.paperFileCode", &h.paper_file_code),
            ("hoso.description", &h.description),
        ];
        for (name, v) in named {
            if let Some(v) = v {
                out.push((name.to_string(), v.as_str()));
            }
        }
        for comp in &self.components {
            out.push((
                format!("components[{}].label", comp.ordinal),
                comp.label.as_str(),
            ));
            for (k, v) in &comp.fields {
                out.push((format!("components[{}].{k}", comp.ordinal), v.as_str()));
            }
        }
        for (k, v) in &self.extra {
            out.push((format!("extra.{k}"), v.as_str()));
        }
        out
    }
}
