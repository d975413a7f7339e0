//! Per-case sidecars (`hoso.json`): case fields that override the register, and the
//! component documents' TT 05/2025 fields, matched to component folders by name.

use super::{Fields, Origin, CASE_FIELDS, COMPONENT_FIELDS};
use serde_json::Value;
use sohoa_archive::limits::Limits;
use sohoa_archive::problem::Problem;
use sohoa_archive::safe_fs::{read_limited, Follow, FsError};
use sohoa_archive::text::header_key;
use std::path::Path;

/// The sidecar file name, in a case folder.
pub const SIDECAR: &str = "hoso.json";

/// A component document's metadata from a sidecar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComponentMeta {
    pub fields: Fields,
}

/// A parsed `hoso.json` sidecar.
#[derive(Debug, Clone, Default)]
pub struct Sidecar {
    pub fields: Fields,
    pub components: Vec<ComponentMeta>,
    pub sha256: String,
    /// Values that could not be read as their field needs (kept as given).
    pub warnings: Vec<Problem>,
}

impl Sidecar {
    fn note(&mut self, rel: &str, key: &str, issues: Vec<super::Issue>, component: bool) {
        // Case dates are checked again, with the same words, when the record is built;
        // component dates are not.
        for i in issues
            .into_iter()
            .filter(|i| component || i.code != "register.bad_date")
        {
            self.warnings.push(
                Problem::warning(i.code, i.vi, i.en)
                    .in_file(rel)
                    .in_column(key),
            );
        }
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn origin<'a>(rel: &'a str, key: &'a str) -> Origin<'a> {
    Origin {
        source: rel,
        sheet: None,
        row: None,
        column: Some(key),
    }
}

/// Reads a sidecar with the default limits: see [`read_sidecar_limited`].
pub fn read_sidecar(path: &Path, rel: &str) -> Result<Sidecar, Problem> {
    read_sidecar_limited(path, rel, &Limits::default())
}

/// Reads a sidecar (values cleaned like the register's, legacy text converted); an unreadable,
/// malformed or too large one (over `limits.max_sidecar_bytes`, refused before it is read) is
/// an error naming the file. A link, a FIFO or a device is refused, never followed or waited on.
pub fn read_sidecar_limited(path: &Path, rel: &str, limits: &Limits) -> Result<Sidecar, Problem> {
    let bytes = read_limited(path, limits.max_sidecar_bytes, Follow::No).map_err(|e| {
        match e {
            FsError::TooLarge { size, limit } => {
                let (vi, en) = super::size_and_limit(size, limit);
                Problem::error(
                    "sidecar.too_large",
                    format!("Tệp quá lớn: {vi} (limits.max_sidecar_bytes)"),
                    format!("Too large: {en} (limits.max_sidecar_bytes)"),
                )
            }
            e => Problem::error(
                "sidecar.unreadable",
                format!("Không đọc được: tệp {}", e.vi()),
                format!("Cannot read: the file {}", e.en()),
            ),
        }
        .in_file(rel)
    })?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Problem::error(
            "sidecar.bad_json",
            format!(
                "JSON không hợp lệ (dòng {}, cột {}): {e}",
                e.line(),
                e.column()
            ),
            format!(
                "Invalid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
        .in_file(rel)
    })?;
    let Value::Object(map) = value else {
        return Err(Problem::error(
            "sidecar.not_object",
            "Tệp phải chứa một đối tượng JSON",
            "The file must hold a JSON object",
        )
        .in_file(rel));
    };
    let mut sidecar = Sidecar {
        sha256: sohoa_archive::hash::sha256_hex(&bytes),
        ..Default::default()
    };
    for (k, v) in &map {
        if header_key(k) == "components" || header_key(k) == "thanh_phan_ho_so" {
            let Value::Array(items) = v else {
                return Err(Problem::error(
                    "sidecar.bad_components",
                    "\"components\" phải là một mảng",
                    "\"components\" must be an array",
                )
                .in_file(rel));
            };
            for item in items {
                let Value::Object(obj) = item else {
                    return Err(Problem::error(
                        "sidecar.bad_components",
                        "Mỗi thành phần phải là một đối tượng JSON",
                        "Each component must be a JSON object",
                    )
                    .in_file(rel));
                };
                let mut c = ComponentMeta::default();
                for (ck, cv) in obj {
                    if let Some(t) = value_text(cv) {
                        let issues = c.fields.set(COMPONENT_FIELDS, ck, &t, origin(rel, ck));
                        sidecar.note(rel, ck, issues, true);
                    }
                }
                sidecar.components.push(c);
            }
        } else if let Some(t) = value_text(v) {
            let issues = sidecar.fields.set(CASE_FIELDS, k, &t, origin(rel, k));
            sidecar.note(rel, k, issues, false);
        }
    }
    Ok(sidecar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sidecar_components_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hoso.json");
        std::fs::write(&p, r#"{"title":"T","Người nộp":"An","so_luong_trang":3,"components":[{"folder":"01 To khai","trich_yeu":"S"}]}"#).unwrap();
        let s = read_sidecar(&p, "X/hoso.json").unwrap();
        assert_eq!(s.fields.get("title"), Some("T"));
        assert_eq!(s.fields.get("applicant_name"), Some("An"));
        assert_eq!(s.fields.get("number_of_page"), Some("3"));
        assert_eq!(s.components[0].fields.get("subject"), Some("S"));
        std::fs::write(&p, "{\"title\": ").unwrap();
        let e = read_sidecar(&p, "X/hoso.json").unwrap_err();
        assert_eq!(e.code, "sidecar.bad_json");
        assert_eq!(e.file.as_deref(), Some("X/hoso.json"));
    }

    #[test]
    fn a_sidecar_over_the_limit_or_behind_a_link_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hoso.json");
        let big = format!("{{\"title\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
        std::fs::write(&p, big).unwrap();
        let e = read_sidecar(&p, "X/hoso.json").unwrap_err();
        assert_eq!(e.code, "sidecar.too_large");
        assert!(
            e.message_en.contains("the limit is 1048576 bytes"),
            "{}",
            e.message_en
        );
        let roomy = Limits {
            max_sidecar_bytes: 4 * 1024 * 1024,
            ..Limits::default()
        };
        assert!(read_sidecar_limited(&p, "X/hoso.json", &roomy).is_ok());
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        let e = read_sidecar_limited(&link, "Y/hoso.json", &roomy).unwrap_err();
        assert_eq!(e.code, "sidecar.unreadable");
        assert!(e.message_en.contains("symbolic link"), "{}", e.message_en);
        let fifo = dir.path().join("fifo.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_sidecar(&fifo, "Z/hoso.json").unwrap_err();
        assert_eq!(
            e.code, "sidecar.unreadable",
            "a FIFO is refused, never waited on"
        );
    }

    proptest! {
        #[test]
        fn any_json_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("hoso.json");
            std::fs::write(&p, &bytes).unwrap();
            let _ = read_sidecar(&p, "hoso.json");
        }
    }
}
