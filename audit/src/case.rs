//! The audit's view of a bag: `data/metadata.json` read back leniently (every field optional, so
//! old or damaged records still load), and loading every current bag of an archive in parallel.

use serde::Deserialize;
use sohoa_pipeline::bag::reader::{Bag, TAG_FILE_LIMIT};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// TTHC facts of the case (`case` in metadata.json), the type ingest writes.
pub use sohoa_pipeline::record::CaseInfo;

/// The TT 05/2025 hồ sơ fields (`hoso`).
#[derive(Debug, Clone, Default, Deserialize)]
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Component {
    pub ordinal: u32,
    pub folder: String,
    pub label: String,
    pub first_page: Option<u32>,
    pub page_count: u32,
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PageNormalization {
    pub blank: bool,
    pub ink: f64,
    /// 64-bit difference hash of the page (16 hex digits), when ingest recorded one.
    pub phash: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PageOcr {
    pub status: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Page {
    pub number: u32,
    pub component: Option<usize>,
    pub source: String,
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    pub dpi_x: f64,
    pub dpi_y: f64,
    /// `rgb`, `gray` or `bilevel`.
    pub colour: String,
    pub normalization: Option<PageNormalization>,
    pub ocr: Option<PageOcr>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Source {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Bundle {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
    pub conformance: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Warning {
    pub code: String,
    pub message: String,
    pub message_en: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ingest {
    pub started: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DroppedPage {
    pub source: String,
    pub frame: u32,
}

/// `data/metadata.json` as the audit reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Record {
    pub schema: Option<String>,
    pub case_id: String,
    pub version: u32,
    pub source_folder: String,
    pub metadata_status: Option<String>,
    pub metadata_missing: Vec<String>,
    pub case: CaseInfo,
    pub hoso: HoSo,
    pub declared: BTreeMap<String, String>,
    pub components: Vec<Component>,
    pub pages: Vec<Page>,
    pub profile: Option<String>,
    pub dropped_pages: Vec<DroppedPage>,
    pub sources: Vec<Source>,
    pub bundle: Option<Bundle>,
    pub extra: BTreeMap<String, String>,
    /// Values converted from TCVN3/VNI/VIQR at ingest, with their originals.
    pub text_conversions: Vec<TextConversion>,
    pub warnings: Vec<Warning>,
    pub ingest: Ingest,
}

/// A value typed in a legacy encoding and converted at ingest.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TextConversion {
    pub field: String,
    pub encoding: String,
    pub original: String,
    pub text: String,
}

impl Record {
    /// Every text value of the record people typed or a register gave, with its field name
    /// (for the NFC, legacy-encoding and control-character checks).
    pub fn texts<'a_>(&'a_ self) -> Vec<(String, &'a_ str)> {
        let c = &self.case;
        let h = &self.hoso;
        let mut out: Vec<(String, &str)> = Vec::new();
        fn push<'a>(out: &mut Vec<(String, &'a str)>, name: &str, v: &'a Option<String>) {
            if let Some(v) = v {
                out.push((name.to_string(), v.as_str()));
            }
        }
        let mut push = |name: &str, v: &'a_ Option<String>| push(&mut out, name, v);
        push("case.case_code", &c.case_code);
        push("case.procedure_code", &c.procedure_code);
        push("case.procedure_name", &c.procedure_name);
        push("case.sector", &c.sector);
        push("case.agency_code", &c.agency_code);
        push("case.agency_name", &c.agency_name);
        push("case.applicant_name", &c.applicant_name);
        push("case.status", &c.status);
        push("case.channel_label", &c.channel_label);
        push("hoso.arcFileCode", &h.arc_file_code);
        push("hoso.title", &h.title);
        push("hoso.keyword", &h.keyword);
        push("hoso.inforSign", &h.infor_sign);
        push("hoso.paperFileCode", &h.paper_file_code);
        push("hoso.description", &h.description);
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

    /// Agency for grouping: name, else code, else unknown.
    pub fn agency(&self) -> Option<&str> {
        self.case
            .agency_name
            .as_deref()
            .or(self.case.agency_code.as_deref())
    }
}

/// A current bag and its record (or why the record could not be read).
#[derive(Debug, Clone)]
pub struct LoadedBag {
    /// The bag folder name (the case id).
    pub id: String,
    pub path: PathBuf,
    /// The bag, opened through the path-safe reader (None when it cannot be opened: a link).
    pub bag: Option<Bag>,
    pub record: Result<Record, String>,
}

/// Parses a metadata.json.
pub fn parse(bytes: &[u8]) -> Result<Record, String> {
    serde_json::from_slice::<Record>(bytes).map_err(|e| e.to_string())
}

/// Loads every current bag of the archive (`bags/*`, hidden folders skipped), `jobs` at a time,
/// in bag-id order. Bags are read through the path-safe reader only.
pub fn load_archive(archive: &Path, jobs: usize) -> std::io::Result<Vec<LoadedBag>> {
    let ids = sohoa_index::bag_ids(archive)?;
    let bags = archive.join("bags");
    let load = |id: &String| {
        let path = bags.join(id);
        let (bag, record) = match Bag::open(archive, &format!("bags/{id}")) {
            Ok(bag) => {
                let record = match bag.read("data/metadata.json", TAG_FILE_LIMIT) {
                    Ok(bytes) => parse(&bytes),
                    Err(e) => Err(format!("data/metadata.json: {}", e.en())),
                };
                (Some(bag), record)
            }
            Err(e) => (None, Err(format!("bags/{id}: {}", e.en()))),
        };
        LoadedBag {
            id: id.clone(),
            path,
            bag,
            record,
        }
    };
    Ok(crate::parallel::map(&ids, jobs, load))
}
