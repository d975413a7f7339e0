//! Step 2: case metadata from the batch register (`hoso.csv`, [`csv`]) and per-case sidecars
//! (`hoso.json`, [`sidecar`]): headers in Vietnamese or English map to canonical field names; all text NFC.

mod csv;
mod sidecar;

pub use self::csv::{read_register, ColumnMapping, Register, RegisterRow};
pub use self::sidecar::{read_sidecar, ComponentMeta, Sidecar};

use crate::text::{header_key, is_nfc, nfc};
use std::collections::BTreeMap;

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
    pub(crate) fn set(&mut self, table: &[(&'static str, &[&str])], name: &str, value: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_headers_map_to_the_same_fields() {
        for h in ["Mã hồ sơ", "MA HO SO", "ma_ho_so", "Số hồ sơ", "case_code"] {
            assert_eq!(case_field(h), Some("case_code"), "{h}");
        }
        assert_eq!(case_field("Mã hồ sơ lưu trữ"), Some("file_code"));
        assert_eq!(case_field("Ngày tiếp nhận"), Some("received_date"));
        assert_eq!(case_field("Cột lạ"), None);
    }
}
