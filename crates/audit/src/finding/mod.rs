//! What the audit reports: findings (criterion, severity, stable code, message in Vietnamese and
//! English, where) and the audit report around them, the stable `--json` shape.

use serde::{Deserialize, Serialize};
use sohoa_archive::problem::{Lang, Severity};
use std::collections::BTreeMap;

mod store;
pub use store::{encode, Findings};

/// The four words of "đúng, đủ, sạch, sống" (domain.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Criterion {
    /// Correct: codes, dates, identifiers, code lists, bundle and bag valid.
    Dung,
    /// Complete: required components and metadata, page sequence, declared counts.
    Du,
    /// Clean: no duplicates, no blank/low-quality pages, clean text.
    Sach,
    /// Alive: fixity re-checked, index in sync, retention tracked.
    Song,
}

impl Criterion {
    pub const ALL: [Criterion; 4] = [
        Criterion::Dung,
        Criterion::Du,
        Criterion::Sach,
        Criterion::Song,
    ];

    /// The Vietnamese word, with diacritics.
    pub fn word(self) -> &'static str {
        match self {
            Criterion::Dung => "Đúng",
            Criterion::Du => "Đủ",
            Criterion::Sach => "Sạch",
            Criterion::Song => "Sống",
        }
    }

    /// What the word means, for people.
    pub fn meaning(self, lang: Lang) -> &'static str {
        match self {
            Criterion::Dung => lang.pick("chính xác, hợp lệ", "correct, valid"),
            Criterion::Du => lang.pick("đầy đủ", "complete"),
            Criterion::Sach => lang.pick("sạch, không trùng lặp", "clean, no duplicates"),
            Criterion::Song => lang.pick("được duy trì, cập nhật", "alive, kept up to date"),
        }
    }

    /// The stable code prefix (`dung`, `du`, `sach`, `song`).
    pub fn key(self) -> &'static str {
        match self {
            Criterion::Dung => "dung",
            Criterion::Du => "du",
            Criterion::Sach => "sach",
            Criterion::Song => "song",
        }
    }
}

/// One thing wrong with a case (or with the archive as a whole when `case_id` is absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Bag id of the case; absent for archive-wide findings (e.g. no search index).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    pub criterion: Criterion,
    pub severity: Severity,
    /// Stable code, `<criterion>.<name>`, e.g. `du.component_missing` (docs/audit.md lists them).
    pub code: String,
    /// Message for people, in Vietnamese.
    pub message: String,
    /// The same message in English.
    pub message_en: String,
    /// Metadata field concerned, e.g. `case.received_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based bundle page concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// File concerned, relative to the bag (or to the scan folder for source files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Other cases involved (duplicates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
}

impl Finding {
    pub fn new(
        criterion: Criterion,
        severity: Severity,
        code: &str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Finding {
        debug_assert!(code.starts_with(criterion.key()));
        Finding {
            case_id: None,
            criterion,
            severity,
            code: code.to_string(),
            // Values quoted in messages never show an identity number in clear.
            message: sohoa_archive::privacy::mask_ids_loose(&vi.into()).into_owned(),
            message_en: sohoa_archive::privacy::mask_ids_loose(&en.into()).into_owned(),
            field: None,
            page: None,
            file: None,
            related: Vec::new(),
        }
    }

    pub fn error(
        criterion: Criterion,
        code: &str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Finding {
        Finding::new(criterion, Severity::Error, code, vi, en)
    }

    pub fn warning(
        criterion: Criterion,
        code: &str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Finding {
        Finding::new(criterion, Severity::Warning, code, vi, en)
    }

    pub fn case(mut self, id: &str) -> Finding {
        self.case_id = Some(id.to_string());
        self
    }

    pub fn field(mut self, field: &str) -> Finding {
        self.field = Some(field.to_string());
        self
    }

    pub fn page(mut self, page: u32) -> Finding {
        self.page = Some(page);
        self
    }

    pub fn file(mut self, file: impl Into<String>) -> Finding {
        self.file = Some(file.into());
        self
    }

    pub fn related(mut self, ids: Vec<String>) -> Finding {
        self.related = ids;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message in the reader's language.
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.message, &self.message_en)
    }
}

/// Errors and warnings of one criterion, and how many cases have any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    /// Cases with at least one finding of this kind.
    pub cases: usize,
}

/// One audited case, as the report lists it (for tables and per-agency charts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLine {
    pub case_id: String,
    pub case_code: Option<String>,
    pub title: Option<String>,
    pub agency: Option<String>,
    pub procedure_code: Option<String>,
    pub received_date: Option<String>,
    pub errors: usize,
    pub warnings: usize,
}

/// Counts for the summary cards and charts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub cases: usize,
    pub cases_with_errors: usize,
    pub cases_with_warnings: usize,
    /// Cases with no finding at all.
    pub cases_clean: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Keyed by criterion (`dung`, `du`, `sach`, `song`): all four are always present.
    pub by_criterion: BTreeMap<Criterion, Tally>,
    /// Findings per code.
    pub by_code: BTreeMap<String, Tally>,
    /// Keyed by agency name (or code, or "Không xác định").
    pub by_agency: BTreeMap<String, Tally>,
}

/// How fixity was re-checked in this audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixityRun {
    /// `all`, `sample` or `none`.
    pub mode: String,
    pub percent: Option<f64>,
    pub bags_checked: usize,
    pub files_checked: usize,
    pub bytes_checked: u64,
    pub seconds: f64,
}

/// A procedure rule file used by the audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub procedure: String,
    pub name: String,
    /// Where it came from: a file path, or `built-in:<file name>`.
    pub source: String,
}

/// `sohoa audit --json`: schema `sohoa/audit`, version 1 (docs/audit.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditReport {
    pub schema: String,
    pub schema_version: u32,
    pub archive: String,
    /// When the audit ran (ISO 8601, Vietnam time).
    pub audited_at: String,
    /// The date deadlines are measured against (`--as-of`, default today), YYYY-MM-DD.
    pub as_of: String,
    pub rules: Vec<RuleInfo>,
    pub fixity: FixityRun,
    pub summary: Summary,
    pub cases: Vec<CaseLine>,
    /// In case order (archive-wide ones first), then criterion, severity, code and page.
    pub findings: Findings,
}

pub const AUDIT_SCHEMA: &str = "sohoa/audit";
pub const AUDIT_SCHEMA_VERSION: u32 = 1;

impl AuditReport {
    /// Exit status for gating: any error finding.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
