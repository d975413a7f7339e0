//! The batch register as CSV: UTF-8 with or without BOM, delimiter sniffed, rows matched to
//! case folders by the `Thư mục` column or the case code. Problems carry file and row.

use super::{lookup, Fields, CASE_FIELDS};
use crate::problem::Problem;
use crate::text::nfc;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One register row.
#[derive(Debug, Clone)]
pub struct RegisterRow {
    /// 1-based data row number (the header is row 0), as people count rows after the header.
    pub row: u64,
    pub fields: Fields,
}

/// How one column of the register was understood.
#[derive(Debug, Clone)]
pub struct ColumnMapping {
    pub header: String,
    pub field: Option<&'static str>,
}

/// A parsed batch register.
#[derive(Debug, Clone)]
pub struct Register {
    pub path: PathBuf,
    pub columns: Vec<ColumnMapping>,
    pub rows: Vec<RegisterRow>,
    pub problems: Vec<Problem>,
    /// SHA-256 of the register file.
    pub sha256: String,
}

fn sniff_delimiter(first_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// Reads a CSV register. Never fails: problems are returned inside the register, and a
/// register that cannot be read at all has no rows.
pub fn read_register(path: &Path) -> Register {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut reg = Register {
        path: path.to_path_buf(),
        columns: Vec::new(),
        rows: Vec::new(),
        problems: Vec::new(),
        sha256: String::new(),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            reg.problems.push(
                Problem::error(
                    "register.unreadable",
                    format!("Không đọc được sổ đăng ký: {e}"),
                    format!("Cannot read the register: {e}"),
                )
                .in_file(name),
            );
            return reg;
        }
    };
    reg.sha256 = crate::hash::sha256_hex(&bytes);
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            reg.problems.push(
                Problem::error(
                    "register.not_utf8",
                    format!(
                        "Sổ đăng ký không phải UTF-8 (byte {}): hãy lưu lại dưới dạng CSV UTF-8",
                        e.valid_up_to()
                    ),
                    format!(
                        "The register is not UTF-8 (byte {}): save it again as CSV UTF-8",
                        e.valid_up_to()
                    ),
                )
                .in_file(name),
            );
            return reg;
        }
    };
    let delimiter = sniff_delimiter(text.lines().next().unwrap_or(""));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            reg.problems.push(
                Problem::error(
                    "register.bad_header",
                    format!("Dòng tiêu đề hỏng: {e}"),
                    format!("Broken header line: {e}"),
                )
                .in_file(name),
            );
            return reg;
        }
    };
    reg.columns = headers
        .iter()
        .map(|h| ColumnMapping {
            header: nfc(h),
            field: lookup(CASE_FIELDS, h),
        })
        .collect();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                reg.problems.push(
                    Problem::warning(
                        "register.bad_row",
                        format!("Dòng không đọc được, bỏ qua: {e}"),
                        format!("Unreadable row skipped: {e}"),
                    )
                    .in_file(name.clone())
                    .at_row(row),
                );
                continue;
            }
        };
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            reg.problems.push(
                Problem::warning(
                    "register.row_length",
                    format!(
                        "Dòng có {} cột, tiêu đề có {} cột",
                        record.len(),
                        headers.len()
                    ),
                    format!(
                        "Row has {} columns, the header has {}",
                        record.len(),
                        headers.len()
                    ),
                )
                .in_file(name.clone())
                .at_row(row),
            );
        }
        let mut fields = Fields::default();
        for (h, v) in headers.iter().zip(record.iter()) {
            fields.set(CASE_FIELDS, h, v);
        }
        reg.rows.push(RegisterRow { row, fields });
    }
    reg
}

impl Register {
    /// Finds the register row for each case folder: by the `folder` column when filled,
    /// otherwise by a case code equal to the folder name. Returns one entry per folder, and
    /// problems for duplicate and unmatched rows.
    pub fn match_folders(&self, folders: &[String]) -> (Vec<Option<usize>>, Vec<Problem>) {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            let key = r
                .fields
                .get("folder")
                .or_else(|| r.fields.get("case_code"))
                .unwrap_or("");
            if !key.is_empty() {
                by_key.entry(key.to_string()).or_default().push(i);
            }
        }
        let mut problems = Vec::new();
        let mut used = vec![false; self.rows.len()];
        let matched = folders
            .iter()
            .map(|f| {
                let hits = by_key.get(f.as_str())?;
                if hits.len() > 1 {
                    let rows: Vec<String> =
                        hits.iter().map(|&i| self.rows[i].row.to_string()).collect();
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
                problems.push(
                    Problem::warning(
                        "register.no_folder",
                        "Dòng sổ đăng ký không có thư mục hồ sơ tương ứng",
                        "Register row has no matching case folder",
                    )
                    .in_file(name.clone())
                    .at_row(r.row),
                );
            }
        }
        (matched, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_bom_semicolons_and_nfd_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hoso.csv");
        let nfd_name: String =
            unicode_normalization::UnicodeNormalization::nfd("Nguyễn Văn An").collect();
        std::fs::write(
            &p,
            format!("\u{feff}Mã hồ sơ;Người nộp;Cột lạ\nA-1;{nfd_name};x\n;;\nB-2;Lê Thị Hoa;y\n"),
        )
        .unwrap();
        let reg = read_register(&p);
        assert!(reg.problems.is_empty(), "{:?}", reg.problems);
        assert_eq!(reg.rows.len(), 2);
        assert_eq!(
            reg.rows[0].fields.get("applicant_name"),
            Some("Nguyễn Văn An")
        );
        assert!(reg.rows[0].fields.renormalized);
        assert_eq!(reg.rows[1].row, 3);
        assert_eq!(
            reg.rows[1].fields.extra.get("Cột lạ").map(String::as_str),
            Some("y")
        );
        let (m, probs) = reg.match_folders(&["B-2".into(), "C".into()]);
        assert_eq!(m, vec![Some(1), None]);
        assert_eq!(probs.len(), 1);
        assert_eq!(probs[0].row, Some(1));
    }

    #[test]
    fn latin1_register_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hoso.csv");
        std::fs::write(&p, b"Ma ho so\nA\xe0\n").unwrap();
        let reg = read_register(&p);
        assert_eq!(reg.problems[0].code, "register.not_utf8");
        assert!(reg.rows.is_empty());
    }

    proptest! {
        #[test]
        fn any_csv_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("hoso.csv");
            std::fs::write(&p, &bytes).unwrap();
            let reg = read_register(&p);
            for r in &reg.rows {
                for v in r.fields.known.values() {
                    prop_assert!(crate::text::is_nfc(v));
                }
            }
        }
    }
}
