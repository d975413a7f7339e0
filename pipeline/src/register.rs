//! Step 2: case metadata from the batch register (`hoso.csv`) and per-case sidecars
//! (`hoso.json`): headers in Vietnamese or English map to canonical field names; all text NFC.

use crate::problem::Problem;
use crate::text::{header_key, is_nfc, nfc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Canonical case-level fields and the header keys (see [`header_key`]) that name them.
const CASE_FIELDS: &[(&str, &[&str])] = &[
    (
        "case_code",
        &[
            "ma_ho_so",
            "so_ho_so",
            "ma_so_ho_so",
            "ma_hs",
            "case_code",
            "casecode",
        ],
    ),
    ("folder", &["thu_muc", "ten_thu_muc", "folder"]),
    (
        "procedure_code",
        &[
            "ma_tthc",
            "ma_thu_tuc",
            "ma_thu_tuc_hanh_chinh",
            "procedure_code",
        ],
    ),
    (
        "procedure_name",
        &[
            "ten_tthc",
            "ten_thu_tuc",
            "thu_tuc",
            "ten_thu_tuc_hanh_chinh",
            "procedure_name",
        ],
    ),
    ("sector", &["linh_vuc", "sector"]),
    ("agency_code", &["ma_co_quan", "ma_don_vi", "agency_code"]),
    (
        "agency_name",
        &[
            "co_quan",
            "co_quan_giai_quyet",
            "don_vi",
            "ten_co_quan",
            "agency",
            "agency_name",
        ],
    ),
    (
        "applicant_name",
        &[
            "nguoi_nop",
            "chu_ho_so",
            "ten_nguoi_nop",
            "ho_ten",
            "applicant",
            "applicant_name",
        ],
    ),
    (
        "applicant_id",
        &[
            "so_cccd",
            "cccd",
            "so_dinh_danh",
            "so_dinh_danh_ca_nhan",
            "applicant_id",
        ],
    ),
    (
        "received_date",
        &["ngay_tiep_nhan", "ngay_nhan", "received", "received_date"],
    ),
    (
        "due_date",
        &[
            "ngay_hen_tra",
            "han_giai_quyet",
            "ngay_hen_tra_ket_qua",
            "due",
            "due_date",
        ],
    ),
    (
        "resolved_date",
        &[
            "ngay_co_ket_qua",
            "ngay_giai_quyet",
            "resolved",
            "resolved_date",
        ],
    ),
    (
        "returned_date",
        &["ngay_tra_ket_qua", "ngay_tra", "returned", "returned_date"],
    ),
    (
        "channel",
        &[
            "hinh_thuc_nop",
            "kenh_nop",
            "hinh_thuc_tiep_nhan",
            "channel",
        ],
    ),
    ("status", &["trang_thai", "tinh_trang_ho_so", "status"]),
    // TT 05/2025 hồ sơ fields.
    (
        "file_code",
        &[
            "ma_ho_so_luu_tru",
            "arcfilecode",
            "arc_file_code",
            "filecode",
            "file_code",
        ],
    ),
    ("title", &["tieu_de_ho_so", "tieu_de", "title"]),
    (
        "maintenance",
        &["thoi_han_luu_tru", "thoi_han_bao_quan", "maintenance"],
    ),
    ("mode", &["che_do_su_dung", "muc_do_tiep_can", "mode"]),
    ("language", &["ngon_ngu", "language"]),
    (
        "start_date",
        &["thoi_gian_bat_dau", "startdate", "start_date"],
    ),
    ("end_date", &["thoi_gian_ket_thuc", "enddate", "end_date"]),
    ("keyword", &["tu_khoa", "keyword"]),
    (
        "total_doc",
        &[
            "tong_so_tai_lieu",
            "tong_so_van_ban",
            "totaldoc",
            "total_doc",
        ],
    ),
    (
        "number_of_paper",
        &["so_luong_to", "numberofpaper", "number_of_paper"],
    ),
    (
        "number_of_page",
        &["so_luong_trang", "numberofpage", "number_of_page"],
    ),
    ("format", &["tinh_trang_vat_ly", "format"]),
    (
        "infor_sign",
        &["ky_hieu_thong_tin", "inforsign", "infor_sign"],
    ),
    (
        "confidence_level",
        &["muc_do_tin_cay", "confidencelevel", "confidence_level"],
    ),
    (
        "paper_file_code",
        &[
            "ma_ho_so_giay",
            "ma_ho_so_goc_giay",
            "paperfilecode",
            "paper_file_code",
        ],
    ),
    (
        "risk_recovery",
        &["che_do_du_phong", "riskrecovery", "risk_recovery"],
    ),
    (
        "risk_recovery_status",
        &[
            "tinh_trang_du_phong",
            "riskrecoverystatus",
            "risk_recovery_status",
        ],
    ),
    ("description", &["ghi_chu", "description"]),
];

/// Canonical component-document fields (TT 05/2025 document level) and their header keys.
const COMPONENT_FIELDS: &[(&str, &[&str])] = &[
    ("folder", &["thu_muc", "folder"]),
    (
        "label",
        &["ten_thanh_phan", "thanh_phan", "ten", "label", "name"],
    ),
    (
        "type_name",
        &[
            "ten_loai",
            "loai_van_ban",
            "ten_loai_tai_lieu",
            "typename",
            "type_name",
        ],
    ),
    (
        "code_number",
        &["so", "so_van_ban", "codenumber", "code_number"],
    ),
    (
        "code_notation",
        &[
            "ky_hieu",
            "ky_hieu_van_ban",
            "codenotation",
            "code_notation",
        ],
    ),
    (
        "issued_date",
        &[
            "ngay_van_ban",
            "ngay_ban_hanh",
            "ngay_cap",
            "issueddate",
            "issued_date",
        ],
    ),
    (
        "organ_name",
        &["co_quan_ban_hanh", "noi_cap", "organname", "organ_name"],
    ),
    ("subject", &["trich_yeu", "trich_yeu_noi_dung", "subject"]),
    ("language", &["ngon_ngu", "language"]),
    ("mode", &["che_do_su_dung", "mode"]),
    (
        "confidence_level",
        &["muc_do_tin_cay", "confidencelevel", "confidence_level"],
    ),
    ("keyword", &["tu_khoa", "keyword"]),
    (
        "infor_sign",
        &["ky_hieu_thong_tin", "inforsign", "infor_sign"],
    ),
    ("autograph", &["but_tich", "autograph"]),
    ("format", &["tinh_trang_vat_ly", "format"]),
    ("description", &["ghi_chu", "description"]),
];

fn lookup(table: &[(&'static str, &[&str])], raw_header: &str) -> Option<&'static str> {
    let key = header_key(raw_header);
    table
        .iter()
        .find(|(_, aliases)| aliases.contains(&key.as_str()))
        .map(|(name, _)| *name)
}

/// The canonical case field a register header maps to, if any.
pub fn case_field(raw_header: &str) -> Option<&'static str> {
    lookup(CASE_FIELDS, raw_header)
}

/// Named values: canonical fields, plus anything unrecognised kept under its original name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub known: BTreeMap<String, String>,
    pub extra: BTreeMap<String, String>,
    /// True when some value was not NFC on input and was normalized.
    pub renormalized: bool,
}

impl Fields {
    fn set(&mut self, table: &[(&'static str, &[&str])], name: &str, value: &str) {
        if !is_nfc(value) {
            self.renormalized = true;
        }
        let v = nfc(value);
        match lookup(table, name) {
            Some(field) => {
                if !v.is_empty() {
                    self.known.insert(field.to_string(), v);
                }
            }
            None => {
                self.extra.insert(nfc(name), v);
            }
        }
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
    }
}

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

/// Reads a sidecar; an unreadable or malformed one is an error naming the file.
pub fn read_sidecar(path: &Path, rel: &str) -> Result<Sidecar, Problem> {
    let bytes = std::fs::read(path).map_err(|e| {
        Problem::error(
            "sidecar.unreadable",
            format!("Không đọc được: {e}"),
            format!("Cannot read: {e}"),
        )
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
        sha256: crate::hash::sha256_hex(&bytes),
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
                        c.fields.set(COMPONENT_FIELDS, ck, &t);
                    }
                }
                sidecar.components.push(c);
            }
        } else if let Some(t) = value_text(v) {
            sidecar.fields.set(CASE_FIELDS, k, &t);
        }
    }
    Ok(sidecar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vietnamese_and_english_headers_map_to_the_same_fields() {
        for h in ["Mã hồ sơ", "MA HO SO", "ma_ho_so", "Số hồ sơ", "case_code"] {
            assert_eq!(case_field(h), Some("case_code"), "{h}");
        }
        assert_eq!(case_field("Mã hồ sơ lưu trữ"), Some("file_code"));
        assert_eq!(case_field("Ngày tiếp nhận"), Some("received_date"));
        assert_eq!(case_field("Cột lạ"), None);
    }

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

        #[test]
        fn any_json_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("hoso.json");
            std::fs::write(&p, &bytes).unwrap();
            let _ = read_sidecar(&p, "hoso.json");
        }
    }
}
