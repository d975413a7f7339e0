//! Problems found while reading scans and writing bags, as data: a stable code, where
//! (file, page, row), and a message for people in Vietnamese and English.

use serde::{Deserialize, Serialize};
use std::fmt;

fn masked(s: String) -> String {
    match crate::privacy::mask_ids_loose(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(m) => m,
    }
}

/// Error: the case is not bagged. Warning: the case is bagged and the warning recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located as precisely as we know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `page.truncated`.
    pub code: String,
    /// File the problem is in, relative to the scan folder when it is a source file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based page inside a multi-page file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Worksheet of a spreadsheet register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Row of a register as a spreadsheet shows it (1-based, the header row counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// Column of a register: its letter and header, e.g. `C "Ngày tiếp nhận"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Message for people, in Vietnamese.
    pub message: String,
    /// The same message in English.
    pub message_en: String,
}

impl Problem {
    /// An error. Identity numbers quoted in the messages (a register value, a file name) are
    /// masked: problems go to reports, logs and terminals.
    pub fn error(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        let (vi, en): (String, String) = (vi.into(), en.into());
        Problem {
            severity: Severity::Error,
            code: code.to_string(),
            file: None,
            page: None,
            sheet: None,
            row: None,
            column: None,
            message: masked(vi),
            message_en: masked(en),
        }
    }

    pub fn warning(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(code, vi, en)
        }
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(masked(file.into()));
        self
    }

    pub fn on_page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    pub fn at_row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    pub fn in_sheet(mut self, sheet: impl Into<String>) -> Self {
        self.sheet = Some(sheet.into());
        self
    }

    pub fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message in the requested language ("en" or anything else for Vietnamese),
    /// prefixed with where it is.
    pub fn render(&self, lang: Lang) -> String {
        let mut loc = String::new();
        if let Some(f) = &self.file {
            loc.push_str(f);
        }
        if let Some(p) = self.page {
            loc.push_str(&match lang {
                Lang::Vi => format!(" (trang {p})"),
                Lang::En => format!(" (page {p})"),
            });
        }
        if let Some(sh) = &self.sheet {
            loc.push_str(&match lang {
                Lang::Vi => format!(" (trang tính \"{sh}\")"),
                Lang::En => format!(" (sheet \"{sh}\")"),
            });
        }
        if let Some(r) = self.row {
            loc.push_str(&match lang {
                Lang::Vi => format!(" (dòng {r})"),
                Lang::En => format!(" (row {r})"),
            });
        }
        if let Some(c) = &self.column {
            loc.push_str(&match lang {
                Lang::Vi => format!(" (cột {c})"),
                Lang::En => format!(" (column {c})"),
            });
        }
        let msg = match lang {
            Lang::Vi => &self.message,
            Lang::En => &self.message_en,
        };
        if loc.is_empty() {
            format!("[{}] {}", self.code, msg)
        } else {
            format!("{}: [{}] {}", loc.trim_start(), self.code, msg)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Language of messages for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}
