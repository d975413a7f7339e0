//! The column mapping file (TOML) for registers whose headers sohoa does not recognise: which
//! column fills which field, and optionally the sheet, header row, file encoding and legacy text.

use super::{lookup, LegacyMode, CASE_FIELDS};
use serde::Deserialize;
use sohoa_archive::limits::Limits;
use sohoa_archive::problem::Problem;
use sohoa_archive::safe_fs::{read_limited, Follow, FsError};
use sohoa_archive::text::header_key;
use sohoa_legacy::Legacy;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Encodings a mapping file may impose on a CSV register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForcedEncoding {
    Utf8,
    Utf16,
    Windows1258,
    Windows1252,
    /// 8-bit file typed with a legacy font: bytes read as Windows-1252, then converted.
    Legacy(Legacy),
}

/// A column mapping: what the mapping file says (empty when there is none).
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// The mapping file, when one was given.
    pub path: Option<PathBuf>,
    /// Worksheet to read (by name); all sheets with a recognisable header otherwise.
    pub sheet: Option<String>,
    /// Row holding the headers, as a spreadsheet shows it; found automatically otherwise.
    pub header_row: Option<u64>,
    pub encoding: Option<ForcedEncoding>,
    pub delimiter: Option<u8>,
    pub legacy: LegacyMode,
    /// Header key (see `text::header_key`) -> field, or None for "leave this column out".
    columns: BTreeMap<String, Option<&'static str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    sheet: Option<String>,
    header_row: Option<u64>,
    encoding: Option<String>,
    delimiter: Option<String>,
    legacy: Option<String>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
}

/// Words that mean "leave this column out".
const IGNORE: &[&str] = &["", "-", "ignore", "skip", "bo_qua", "khong_dung"];

impl Mapping {
    /// What the mapping says about a header: `Some(Some(field))` mapped, `Some(None)` left out,
    /// `None` not mentioned.
    pub fn column(&self, header: &str) -> Option<Option<&'static str>> {
        self.columns.get(&header_key(header)).copied()
    }

    /// Number of columns the mapping names.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Reads a mapping file; an unreadable or wrong one is an error naming the file and the entry.
    /// A link, a FIFO, a device or a file over the sidecar limit (`max_sidecar_bytes`, default)
    /// is refused before it is read.
    pub fn load(path: &Path) -> Result<Mapping, Problem> {
        let name = super::file_name(path);
        let err =
            |code: &str, vi: String, en: String| Problem::error(code, vi, en).in_file(name.clone());
        let bytes = read_limited(path, Limits::default().max_sidecar_bytes, Follow::No).map_err(
            |e| match e {
                FsError::TooLarge { size, limit } => {
                    let (vi, en) = super::size_and_limit(size, limit);
                    err(
                        "mapping.too_large",
                        format!("Tệp ánh xạ cột quá lớn: {vi}"),
                        format!("The column mapping file is too large: {en}"),
                    )
                }
                e => err(
                    "mapping.unreadable",
                    format!("Không đọc được tệp ánh xạ cột: tệp {}", e.vi()),
                    format!("Cannot read the column mapping file: the file {}", e.en()),
                ),
            },
        )?;
        let text = String::from_utf8(bytes).map_err(|e| {
            err(
                "mapping.unreadable",
                format!(
                    "Tệp ánh xạ cột không phải UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                ),
                format!(
                    "The column mapping file is not UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        let file: MappingFile =
            toml::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                err(
                    "mapping.bad_toml",
                    format!("Tệp ánh xạ cột không hợp lệ: {}", e.message()),
                    format!("Invalid column mapping file: {}", e.message()),
                )
            })?;
        let mut m = Mapping {
            path: Some(path.to_path_buf()),
            sheet: file.sheet,
            header_row: file.header_row,
            ..Default::default()
        };
        if m.header_row == Some(0) {
            return Err(err(
                "mapping.bad_value",
                "header_row đếm từ 1 như trong bảng tính".into(),
                "header_row counts from 1, as a spreadsheet does".into(),
            ));
        }
        if let Some(e) = file.encoding {
            m.encoding = Some(match header_key(&e).as_str() {
                "utf_8" | "utf8" => ForcedEncoding::Utf8,
                "utf_16" | "utf16" | "unicode" => ForcedEncoding::Utf16,
                "windows_1258" | "cp1258" => ForcedEncoding::Windows1258,
                "windows_1252" | "cp1252" | "latin1" => ForcedEncoding::Windows1252,
                "tcvn3" | "abc" => ForcedEncoding::Legacy(Legacy::Tcvn3),
                "vni" => ForcedEncoding::Legacy(Legacy::Vni),
                _ => {
                    return Err(err(
                        "mapping.bad_value",
                        format!("encoding = \"{e}\" không được hỗ trợ (utf-8, utf-16, windows-1258, windows-1252, tcvn3, vni)"),
                        format!("encoding = \"{e}\" is not supported (utf-8, utf-16, windows-1258, windows-1252, tcvn3, vni)"),
                    ))
                }
            });
        }
        if let Some(d) = file.delimiter {
            let byte = match d.as_str() {
                "\\t" | "tab" | "\t" => b'\t',
                s if s.len() == 1 && s.is_ascii() => s.as_bytes()[0],
                _ => {
                    return Err(err(
                        "mapping.bad_value",
                        format!(
                            "delimiter = \"{d}\" phải là một ký tự (\",\", \";\", \"tab\", \"|\")"
                        ),
                        format!(
                        "delimiter = \"{d}\" must be one character (\",\", \";\", \"tab\", \"|\")"
                    ),
                    ))
                }
            };
            m.delimiter = Some(byte);
        }
        if let Some(l) = file.legacy {
            m.legacy = match header_key(&l).as_str() {
                "auto" => LegacyMode::Auto,
                "off" | "khong" | "no" => LegacyMode::Off,
                "tcvn3" | "abc" => LegacyMode::Force(Legacy::Tcvn3),
                "vni" => LegacyMode::Force(Legacy::Vni),
                "viqr" => LegacyMode::Force(Legacy::Viqr),
                _ => {
                    return Err(err(
                        "mapping.bad_value",
                        format!("legacy = \"{l}\" không hợp lệ (auto, off, tcvn3, vni, viqr)"),
                        format!("legacy = \"{l}\" is not valid (auto, off, tcvn3, vni, viqr)"),
                    ))
                }
            };
        }
        for (header, target) in file.columns {
            let field = if IGNORE.contains(&header_key(&target).as_str()) {
                None
            } else if let Some((f, _)) = CASE_FIELDS.iter().find(|(f, _)| *f == target) {
                Some(*f)
            } else if let Some(f) = lookup(CASE_FIELDS, &target) {
                Some(f)
            } else {
                return Err(err(
                    "mapping.unknown_field",
                    format!("Cột \"{header}\": không có trường \"{target}\" (xem docs/input-format.md)"),
                    format!("Column \"{header}\": there is no field \"{target}\" (see docs/input-format.md)"),
                ));
            };
            m.columns.insert(header_key(&header), field);
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Mapping, Problem> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hoso.mapping.toml");
        std::fs::write(&p, text).unwrap();
        Mapping::load(&p)
    }

    #[test]
    fn maps_headers_by_field_or_vietnamese_name() {
        let m = load(
            "sheet = \"Tháng 7\"\nheader_row = 3\nencoding = \"Windows-1258\"\nlegacy = \"off\"\n\
             [columns]\n\"Số BN\" = \"case_code\"\n\"Tên công dân (đầy đủ)\" = \"Người nộp\"\n\"Ghi chú nội bộ\" = \"\"\n",
        )
        .unwrap();
        assert_eq!(m.column("SO BN"), Some(Some("case_code")));
        assert_eq!(
            m.column("Tên công dân (đầy đủ)"),
            Some(Some("applicant_name"))
        );
        assert_eq!(m.column("ghi chu noi bo"), Some(None));
        assert_eq!(m.column("Khác"), None);
        assert_eq!(m.sheet.as_deref(), Some("Tháng 7"));
        assert_eq!(m.header_row, Some(3));
        assert_eq!(m.encoding, Some(ForcedEncoding::Windows1258));
        assert_eq!(m.legacy, LegacyMode::Off);
    }

    #[test]
    fn a_mapping_file_over_the_limit_is_refused() {
        let e = load(&format!("# {}\n", "x".repeat(2 * 1024 * 1024))).unwrap_err();
        assert_eq!(e.code, "mapping.too_large");
        assert_eq!(e.file.as_deref(), Some("hoso.mapping.toml"));
    }

    #[test]
    fn bad_mappings_name_the_file_and_entry() {
        let e = load("[columns]\n\"Cột A\" = \"khong_co\"\n").unwrap_err();
        assert_eq!(e.code, "mapping.unknown_field");
        assert!(e.message.contains("Cột A") && e.message.contains("khong_co"));
        assert_eq!(e.file.as_deref(), Some("hoso.mapping.toml"));
        assert_eq!(load("columns = 3").unwrap_err().code, "mapping.bad_toml");
        assert_eq!(load("colums = {}").unwrap_err().code, "mapping.bad_toml");
        assert_eq!(
            load("encoding = \"koi8\"").unwrap_err().code,
            "mapping.bad_value"
        );
        assert_eq!(
            load("header_row = 0").unwrap_err().code,
            "mapping.bad_value"
        );
    }
}
