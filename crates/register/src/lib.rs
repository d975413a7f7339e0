//! sohoa-register: step 2 of the data flow, case metadata from the batch register (CSV in any
//! common encoding, or a workbook: XLSX/XLS/ODS) and per-case `hoso.json` sidecars; values
//! cleaned, legacy Vietnamese converted (`sohoa-legacy`), and made into the metadata parts of
//! the case record ([`record`]; the record's types are `sohoa-archive`'s).

// `Problem` is a plain ~130-byte record returned on rare error paths.
#![allow(clippy::result_large_err)]

mod csv;
mod decode;
mod fields;
pub mod mapping;
mod prescan;
mod problems;
pub mod record;
pub mod sidecar;
mod table;
mod xlsx;

pub use self::decode::FileEncoding;
pub use self::fields::{case_field, field_label, is_case_field, kind, Kind};
pub(crate) use self::fields::{lookup, CASE_FIELDS, COMPONENT_FIELDS};
pub use self::mapping::Mapping;
pub use self::sidecar::{read_sidecar, read_sidecar_limited, ComponentMeta, Sidecar};
/// The limits `read_register` and `read_sidecar_limited` take (the profile's `[limits]`).
pub use sohoa_archive::limits::Limits;
pub use sohoa_archive::record::TextConversion;
pub use sohoa_archive::values;

use serde::Serialize;
use sohoa_archive::problem::{Lang, Problem};
use sohoa_archive::safe_fs::{read_limited, Follow, FsError};
use sohoa_archive::text::{is_nfc, nfc, safe_id};
use sohoa_legacy::{self as legacy, Legacy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File names sohoa takes as the batch register at the top of a scan folder, in order of preference.
pub const REGISTER_NAMES: &[&str] = &[
    "hoso.xlsx",
    "hoso.xls",
    "hoso.xlsb",
    "hoso.ods",
    "hoso.csv",
    "hoso.tsv",
    "hoso.txt",
];
/// The column mapping file sohoa uses when it sits next to the register.
pub const MAPPING_NAME: &str = "hoso.mapping.toml";

/// Named values: canonical fields, plus anything unrecognised kept under its original name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub known: BTreeMap<String, String>,
    pub extra: BTreeMap<String, String>,
    /// True when some value was not NFC on input and was normalized.
    pub renormalized: bool,
    /// Values converted from a legacy encoding.
    pub conversions: Vec<TextConversion>,
}

/// Where a value comes from, for conversions and problems.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    pub source: &'a str,
    pub sheet: Option<&'a str>,
    pub row: Option<u64>,
    pub column: Option<&'a str>,
}

/// Something wrong with one value, before it is located.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Issue {
    pub code: &'static str,
    pub vi: String,
    pub en: String,
}

/// What is known of a value's legacy encoding before looking at the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Hint {
    #[default]
    None,
    /// Most values of the file look typed in this encoding.
    Likely(Legacy),
    /// The file's bytes are in this encoding (8-bit legacy file), or the mapping file says so.
    Certain(Legacy),
}

/// How legacy-encoded text is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegacyMode {
    /// Detect per value (with a hint from the whole file) and convert.
    #[default]
    Auto,
    /// Convert every value from this encoding (when the result is valid Vietnamese).
    Force(Legacy),
    /// Leave values as they are (flagged, not converted).
    Off,
}

impl Fields {
    /// Sets a field named by a header or key (looked up in `table`), cleaning the value.
    pub(crate) fn set(
        &mut self,
        table: &[(&'static str, &[&str])],
        name: &str,
        value: &str,
        origin: Origin,
    ) -> Vec<Issue> {
        let field = lookup(table, name);
        self.put(field, name, value, origin, Hint::None, LegacyMode::Auto)
    }

    /// Stores `value` under `field` (or under `header` among the extras when `field` is None),
    /// cleaned for its kind; legacy text is converted and the conversion kept.
    pub(crate) fn put(
        &mut self,
        field: Option<&'static str>,
        header: &str,
        value: &str,
        origin: Origin,
        hint: Hint,
        mode: LegacyMode,
    ) -> Vec<Issue> {
        if !is_nfc(value) {
            self.renormalized = true;
        }
        let mut v = nfc(value);
        let mut issues = Vec::new();
        let k = field.map(kind).unwrap_or(Kind::Text);
        // Codes and folder names are ASCII by rule: a VIQR reading would turn "HA.01" into "HẠ01".
        let convertible =
            !matches!(k, Kind::Count | Kind::IdNumber | Kind::Code) && field != Some("folder");
        if !v.is_empty() && convertible {
            if let Some(c) = convert_legacy(&v, hint, mode) {
                self.conversions.push(TextConversion {
                    field: field.map(str::to_string).unwrap_or_else(|| nfc(header)),
                    encoding: c.encoding.code().to_string(),
                    original: v.clone(),
                    text: c.text.clone(),
                    source: origin.source.to_string(),
                    sheet: origin.sheet.map(str::to_string),
                    row: origin.row,
                    column: origin.column.map(str::to_string),
                });
                v = c.text;
            } else if let Some(enc) = legacy::detect(&v) {
                issues.push(Issue {
                    code: "register.legacy_text",
                    vi: format!(
                        "Giá trị \"{v}\" có vẻ gõ bằng bảng mã {} nhưng không chuyển được thành tiếng Việt hợp lệ: giữ nguyên",
                        enc.name()
                    ),
                    en: format!(
                        "Value \"{v}\" looks typed in {} but does not convert to valid Vietnamese: kept as given",
                        enc.name()
                    ),
                });
            }
        }
        let v = match field {
            Some(f) if !v.is_empty() => clean(f, k, v, &mut issues),
            _ => v,
        };
        match field {
            Some(f) => {
                if !v.is_empty() {
                    self.known.insert(f.to_string(), v);
                }
            }
            None => {
                self.extra.insert(nfc(header), v);
            }
        }
        issues
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.known
            .get(field)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Overlays `other` on `self`: its values win.
    pub fn overlay(&mut self, other: &Fields) {
        self.known
            .extend(other.known.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.extra
            .extend(other.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.renormalized |= other.renormalized;
        // A conversion describes a value used: drop those of the values `other` replaces.
        self.conversions
            .retain(|c| !other.known.contains_key(&c.field) && !other.extra.contains_key(&c.field));
        self.conversions.extend(other.conversions.iter().cloned());
    }
}

/// The value read from its legacy encoding, as far as the hint and mode allow (None: leave it).
pub(crate) fn convert_legacy(v: &str, hint: Hint, mode: LegacyMode) -> Option<legacy::Converted> {
    match (mode, hint) {
        (LegacyMode::Off, _) => None,
        (LegacyMode::Force(enc), Hint::Certain(_)) | (LegacyMode::Auto, Hint::Certain(enc)) => {
            legacy::convert_known(v, enc)
        }
        // Forced on Unicode text (a workbook): text that reads as Unicode stays.
        (LegacyMode::Force(enc), _) => legacy::convert_as(v, enc),
        (LegacyMode::Auto, Hint::Likely(enc)) => {
            legacy::convert_as(v, enc).or_else(|| legacy::convert(v))
        }
        (LegacyMode::Auto, Hint::None) => legacy::convert(v),
    }
}

/// Cleans a value of a known field: dates to ISO 8601, counts to plain numbers, codes without
/// stray spaces, identity numbers as digits, code lists as two-digit codes. A value that cannot
/// be read is kept as given, with an issue.
fn clean(field: &str, k: Kind, v: String, issues: &mut Vec<Issue>) -> String {
    match k {
        Kind::Text => v,
        Kind::Date | Kind::LooseDate => match values::date(&v) {
            Some(iso) => iso,
            None if k == Kind::LooseDate && is_month_or_year(&v) => v,
            None => {
                issues.push(Issue {
                    code: "register.bad_date",
                    vi: format!(
                        "Ngày không đọc được ở trường {}: \"{v}\" (giữ nguyên)",
                        sohoa_archive::values::field_name(field, Lang::Vi)
                    ),
                    en: format!("Unreadable date in {field}: \"{v}\" (kept as given)"),
                });
                v
            }
        },
        Kind::Count => match values::count(&v) {
            Ok(n) => n.to_string(),
            Err(e) => {
                issues.push(Issue {
                    code: "register.bad_number",
                    vi: format!(
                        "Số không đọc được ở trường {}: \"{v}\" ({})",
                        sohoa_archive::values::field_name(field, Lang::Vi),
                        e.vi()
                    ),
                    en: format!("Unreadable number in {field}: \"{v}\" ({})", e.en()),
                });
                v
            }
        },
        Kind::Code => values::code(&v),
        Kind::CodeList => values::code_list(&v),
        Kind::IdNumber => {
            let t = v.trim();
            if is_scientific(t) {
                issues.push(Issue {
                    code: "register.id_lost",
                    vi: format!("Số định danh \"{t}\" bị bảng tính ghi dạng số mũ: các chữ số cuối đã mất, cần nhập lại"),
                    en: format!("Identity number \"{t}\" was written by a spreadsheet in exponent form: its last digits are lost, re-enter it"),
                });
                return v;
            }
            // An Excel number exported as text: "79085012345.0".
            let t = t
                .strip_suffix(".0")
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                .unwrap_or(t);
            let id = values::id_number(t);
            // A CCCD starts with its province code 001-096: a spreadsheet that took it for a
            // number dropped the leading zeros.
            let padded = format!("{id:0>12}");
            let province = padded.get(..3).and_then(|p| p.parse::<u32>().ok());
            // A number never starts with 0: "038085012345" cut to 11 digits is a typo, not this.
            if matches!(id.len(), 10 | 11)
                && !id.starts_with('0')
                && id.bytes().all(|b| b.is_ascii_digit())
                && matches!(province, Some(1..=96))
            {
                // Both numbers masked: the message goes to reports and terminals.
                let (shown, restored) = (
                    sohoa_archive::privacy::mask(&id),
                    sohoa_archive::privacy::mask(&padded),
                );
                issues.push(Issue {
                    code: "register.id_leading_zero",
                    vi: format!("Số định danh \"{shown}\" có {} chữ số: bảng tính đã bỏ số 0 ở đầu, đã thêm lại thành {restored}", id.len()),
                    en: format!("Identity number \"{shown}\" has {} digits: the spreadsheet dropped its leading zeros, restored as {restored}", id.len()),
                });
                padded
            } else {
                id
            }
        }
    }
}

/// A number in exponent form, as spreadsheets show long numbers: `1.23457E+11`, `7,9085E+10`.
fn is_scientific(v: &str) -> bool {
    let Some((m, e)) = v
        .to_ascii_uppercase()
        .split_once("E+")
        .map(|(a, b)| (a.to_string(), b.to_string()))
    else {
        return false;
    };
    !m.is_empty()
        && m.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && !e.is_empty()
        && e.bytes().all(|b| b.is_ascii_digit())
}

/// `MM/YYYY` or `YYYY`, which TT 05/2025 accepts for a hồ sơ's start and end.
fn is_month_or_year(v: &str) -> bool {
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    match v.split_once(['/', '-', '.']) {
        Some((m, y)) => {
            digits(m, 1..=2) && digits(y, 4..=4) && matches!(m.parse::<u8>(), Ok(1..=12))
        }
        None => digits(v, 4..=4),
    }
}

/// One register row.
#[derive(Debug, Clone)]
pub struct RegisterRow {
    /// Worksheet the row is on (workbooks only).
    pub sheet: Option<String>,
    /// Row number as a spreadsheet shows it (1-based, title and header rows counted).
    pub row: u64,
    pub fields: Fields,
}

/// How a column was given its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappedBy {
    /// Recognised from the header.
    Auto,
    /// Named in the mapping file.
    Mapping,
    /// The mapping file says to leave it out.
    Ignored,
    /// Another column already fills this field: kept under its header.
    Duplicate,
    /// Not recognised: kept under its header.
    Unknown,
}

/// How one column of the register was understood.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnMapping {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Column letter as a spreadsheet shows it (A, B, ... AA).
    pub column: String,
    pub header: String,
    pub field: Option<&'static str>,
    pub mapped_by: MappedBy,
}

/// A worksheet (or the CSV file) and whether it was read.
#[derive(Debug, Clone, Serialize)]
pub struct SheetInfo {
    pub name: Option<String>,
    /// Row holding the column headers, as a spreadsheet shows it.
    pub header_row: Option<u64>,
    pub rows: usize,
    pub used: bool,
}

/// A parsed batch register.
#[derive(Debug, Clone)]
pub struct Register {
    pub path: PathBuf,
    /// `csv`, `xlsx`, `xls`, `xlsb` or `ods`.
    pub format: &'static str,
    /// Character encoding of a CSV register.
    pub encoding: Option<FileEncoding>,
    /// Delimiter of a CSV register.
    pub delimiter: Option<char>,
    /// Legacy encoding most of the register's text is typed in, if any.
    pub legacy_hint: Option<Legacy>,
    pub sheets: Vec<SheetInfo>,
    pub columns: Vec<ColumnMapping>,
    pub rows: Vec<RegisterRow>,
    pub problems: Vec<Problem>,
    /// SHA-256 of the register file.
    pub sha256: String,
    /// Case codes seen (upper case, no spaces) and the row that has them (`Sheet!row`).
    codes: BTreeMap<String, String>,
}

impl Register {
    fn empty(path: &Path, format: &'static str) -> Register {
        Register {
            path: path.to_path_buf(),
            format,
            encoding: None,
            delimiter: None,
            legacy_hint: None,
            sheets: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            problems: Vec::new(),
            sha256: String::new(),
            codes: BTreeMap::new(),
        }
    }

    /// The register's file name, as problems name it.
    pub fn file_name(&self) -> String {
        file_name(&self.path)
    }

    /// Number of register rows with at least one problem.
    pub fn rows_with_problems(&self) -> usize {
        let mut rows: Vec<(Option<&str>, u64)> = self
            .problems
            .iter()
            .filter_map(|p| p.row.map(|r| (p.sheet.as_deref(), r)))
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len()
    }

    /// Every legacy-text conversion in the register.
    pub fn conversions(&self) -> impl Iterator<Item = &TextConversion> {
        self.rows.iter().flat_map(|r| r.fields.conversions.iter())
    }
}

/// The register file's bytes, its SHA-256 recorded; None (and an error in `reg`) when unreadable.
/// A link, a FIFO or a device is refused (never followed, never blocked on), and so is a file
/// over `limits.max_register_bytes`, before it is read.
pub(crate) fn read_file(path: &Path, reg: &mut Register, limits: &Limits) -> Option<Vec<u8>> {
    match read_limited(path, limits.max_register_bytes, Follow::No) {
        Ok(b) => {
            reg.sha256 = sohoa_archive::hash::sha256_hex(&b);
            Some(b)
        }
        Err(FsError::TooLarge { size, limit }) => {
            let (vi, en) = size_and_limit(size, limit);
            reg.problems.push(problems::too_large(
                &file_name(path),
                format!("tệp có {vi} (limits.max_register_bytes)"),
                format!("the file has {en} (limits.max_register_bytes)"),
            ));
            None
        }
        Err(e) => {
            reg.problems.push(
                Problem::error(
                    "register.unreadable",
                    format!("Không đọc được sổ đăng ký: {}", e.vi()),
                    format!("Cannot read the register: {}", e.en()),
                )
                .in_file(file_name(path)),
            );
            None
        }
    }
}

/// "N bytes, the limit is M" for people, in Vietnamese and English.
pub(crate) fn size_and_limit(size: u64, limit: u64) -> (String, String) {
    let (size_vi, size_en) = sohoa_archive::text::readable_bytes(size);
    let (limit_vi, limit_en) = sohoa_archive::text::readable_bytes(limit);
    (
        format!("{size_vi}, giới hạn {limit_vi}"),
        format!("{size_en}, the limit is {limit_en}"),
    )
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Reads a register (CSV, or a workbook by its extension). Never fails: problems are returned
/// inside the register, and a register that cannot be read at all has no rows. A register
/// over the profile's `limits` (file size, unpacked size, cells, characters of a cell) is
/// refused whole with `register.too_large`.
pub fn read_register(path: &Path, mapping: &Mapping, limits: &Limits) -> Register {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    // A spreadsheet library that panics on a file it did not foresee fails the register, never
    // the batch (calamine panics on some malformed XLS records).
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => xlsx::read(path, mapping, limits),
        _ => csv::read(path, mapping, limits),
    }));
    read.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let mut reg = Register::empty(path, "unknown");
        reg.problems.push(
            Problem::error(
                "register.bad_workbook",
                format!("Không đọc được sổ đăng ký: thư viện đọc bảng tính dừng ({why})"),
                format!("Cannot read the register: the spreadsheet reader stopped ({why})"),
            )
            .in_file(file_name(path)),
        );
        reg
    })
}

impl Register {
    /// Finds the register row for each case folder: by the `folder` column when filled,
    /// otherwise by a case code equal to the folder name (or to it once both are made
    /// file-name safe: "123/HS" matches folder "123_HS"). Returns one entry per folder, and
    /// problems for duplicate and unmatched rows.
    pub fn match_folders(&self, folders: &[String]) -> (Vec<Option<usize>>, Vec<Problem>) {
        let name = self.file_name();
        let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_safe: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            let key = r
                .fields
                .get("folder")
                .or_else(|| r.fields.get("case_code"))
                .unwrap_or("");
            if !key.is_empty() {
                by_key.entry(key.to_string()).or_default().push(i);
                by_safe.entry(safe_id(key)).or_default().push(i);
            }
        }
        let mut problems = Vec::new();
        let mut used = vec![false; self.rows.len()];
        let matched = folders
            .iter()
            .map(|f| {
                let hits = by_key
                    .get(f.as_str())
                    .or_else(|| by_safe.get(&safe_id(f)))?;
                if hits.len() > 1 {
                    let rows: Vec<String> = hits.iter().map(|&i| self.row_label(i)).collect();
                    problems.push(
                        Problem::warning(
                            "register.duplicate_rows",
                            format!(
                                "Nhiều dòng cho thư mục {f} (dòng {}): dùng dòng đầu",
                                rows.join(", ")
                            ),
                            format!(
                                "Several rows for folder {f} (rows {}): using the first",
                                rows.join(", ")
                            ),
                        )
                        .in_file(name.clone()),
                    );
                }
                for &i in hits {
                    used[i] = true;
                }
                Some(hits[0])
            })
            .collect();
        for (i, r) in self.rows.iter().enumerate() {
            if !used[i] {
                let mut p = Problem::warning(
                    "register.no_folder",
                    "Dòng sổ đăng ký không có thư mục hồ sơ tương ứng",
                    "Register row has no matching case folder",
                )
                .in_file(name.clone())
                .at_row(r.row);
                if let Some(s) = &r.sheet {
                    p = p.in_sheet(s.clone());
                }
                problems.push(p);
            }
        }
        (matched, problems)
    }

    fn row_label(&self, i: usize) -> String {
        let r = &self.rows[i];
        match &r.sheet {
            Some(s) => format!("{s}!{}", r.row),
            None => r.row.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
