//! Register and sidecar columns: the canonical fields (TTHC register fields, TT 05/2025 hồ sơ and
//! document fields), the header spellings that name them, and what kind of value each holds.

use sohoa_archive::text::header_key;

/// Canonical case-level fields and the header keys (see [`header_key`]) that name them.
pub(crate) const CASE_FIELDS: &[(&str, &[&str])] = &[
    (
        "case_code",
        &[
            "ma_ho_so",
            "so_ho_so",
            "ma_so_ho_so",
            "ma_hs",
            "so_bien_nhan",
            "ma_bien_nhan",
            "so_bien_nhan_ho_so",
            "ma_ho_so_tthc",
            "case_code",
            "casecode",
        ],
    ),
    (
        "folder",
        &[
            "thu_muc",
            "ten_thu_muc",
            "thu_muc_ho_so",
            "thu_muc_quet",
            "folder",
        ],
    ),
    (
        "procedure_code",
        &[
            "ma_tthc",
            "ma_thu_tuc",
            "ma_thu_tuc_hanh_chinh",
            "ma_so_tthc",
            "ma_thu_tuc_tthc",
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
            "thu_tuc_hanh_chinh",
            "ten_tthc_yeu_cau",
            "procedure_name",
        ],
    ),
    ("sector", &["linh_vuc", "ten_linh_vuc", "sector"]),
    (
        "agency_code",
        &[
            "ma_co_quan",
            "ma_don_vi",
            "ma_dinh_danh_co_quan",
            "agency_code",
        ],
    ),
    (
        "agency_name",
        &[
            "co_quan",
            "co_quan_giai_quyet",
            "don_vi",
            "ten_co_quan",
            "don_vi_tiep_nhan",
            "noi_tiep_nhan",
            "co_quan_tiep_nhan",
            "ten_don_vi",
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
            "ho_va_ten",
            "ho_ten_nguoi_nop",
            "nguoi_dung_ten",
            "ten_to_chuc_ca_nhan",
            "to_chuc_ca_nhan",
            "ten_cong_dan",
            "cong_dan",
            "chu_ho",
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
            "so_cmnd_cccd",
            "cmnd_cccd",
            "so_cmnd",
            "cmnd",
            "so_giay_to_tuy_than",
            "ma_dinh_danh_ca_nhan",
            "ma_dinh_danh_cong_dan",
            "so_dinh_danh_cong_dan",
            "applicant_id",
        ],
    ),
    (
        "received_date",
        &[
            "ngay_tiep_nhan",
            "ngay_nhan",
            "ngay_nhan_ho_so",
            "ngay_nop",
            "thoi_gian_tiep_nhan",
            "received",
            "received_date",
        ],
    ),
    (
        "due_date",
        &[
            "ngay_hen_tra",
            "han_giai_quyet",
            "ngay_hen_tra_ket_qua",
            "ngay_hen",
            "han_xu_ly",
            "han_tra",
            "thoi_han_giai_quyet",
            "due",
            "due_date",
        ],
    ),
    (
        "resolved_date",
        &[
            "ngay_co_ket_qua",
            "ngay_giai_quyet",
            "ngay_hoan_thanh",
            "ngay_xu_ly_xong",
            "ngay_ket_thuc_xu_ly",
            "resolved",
            "resolved_date",
        ],
    ),
    (
        "returned_date",
        &[
            "ngay_tra_ket_qua",
            "ngay_tra",
            "ngay_tra_kq",
            "ngay_tra_ho_so",
            "ngay_nhan_ket_qua",
            "ngay_nhan_kq",
            "returned",
            "returned_date",
        ],
    ),
    (
        "channel",
        &[
            "hinh_thuc_nop",
            "kenh_nop",
            "hinh_thuc_tiep_nhan",
            "kenh_tiep_nhan",
            "hinh_thuc",
            "channel",
        ],
    ),
    (
        "status",
        &[
            "trang_thai",
            "tinh_trang_ho_so",
            "trang_thai_ho_so",
            "tinh_trang",
            "ket_qua_xu_ly",
            "status",
        ],
    ),
    // TT 05/2025 hồ sơ fields.
    (
        "file_code",
        &[
            "ma_ho_so_luu_tru",
            "so_ho_so_luu_tru",
            "ma_luu_tru",
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
        &[
            "so_luong_trang",
            "so_trang",
            "tong_so_trang",
            "numberofpage",
            "number_of_page",
        ],
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
pub(crate) const COMPONENT_FIELDS: &[(&str, &[&str])] = &[
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

/// What kind of value a field holds, which decides how a typed value is cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A date, possibly with a time (ISO 8601 once read).
    Date,
    /// A TT 05/2025 date: `DD/MM/YYYY`, or `MM/YYYY` / `YYYY` for a whole month or year.
    LooseDate,
    /// A count of pages, sheets or documents.
    Count,
    /// A code: case number, procedure, agency or archival code.
    Code,
    /// A citizen identity number.
    IdNumber,
    /// A two-digit code of a TT 05/2025 code list.
    CodeList,
}

/// The kind of value of a canonical field.
pub fn kind(field: &str) -> Kind {
    match field {
        "received_date" | "due_date" | "resolved_date" | "returned_date" | "issued_date" => {
            Kind::Date
        }
        "start_date" | "end_date" => Kind::LooseDate,
        "total_doc" | "number_of_paper" | "number_of_page" => Kind::Count,
        "case_code" | "procedure_code" | "agency_code" | "file_code" | "paper_file_code"
        | "code_number" | "code_notation" | "infor_sign" => Kind::Code,
        "applicant_id" => Kind::IdNumber,
        "maintenance"
        | "mode"
        | "language"
        | "format"
        | "confidence_level"
        | "risk_recovery_status"
        | "type_name" => Kind::CodeList,
        _ => Kind::Text,
    }
}

/// The field `raw_header` names in `table`: an exact spelling, else the longest spelling of three
/// words or more the header starts with ("Ngày tiếp nhận hồ sơ" -> `received_date`); notes in
/// brackets are ignored
/// ("Ngày hẹn trả (dd/mm/yyyy)").
pub(crate) fn lookup(table: &[(&'static str, &[&str])], raw_header: &str) -> Option<&'static str> {
    let key = header_key(&strip_notes(raw_header));
    if key.is_empty() {
        return None;
    }
    if let Some((name, _)) = table
        .iter()
        .find(|(_, aliases)| aliases.contains(&key.as_str()))
    {
        return Some(name);
    }
    table
        .iter()
        .flat_map(|(name, aliases)| aliases.iter().map(move |a| (*name, *a)))
        // Only spellings of three words or more: "Ngày nhận kết quả" is not "Ngày nhận".
        .filter(|(_, a)| {
            a.matches('_').count() >= 2
                && key.starts_with(a)
                && key.as_bytes().get(a.len()) == Some(&b'_')
        })
        .max_by_key(|(_, a)| a.len())
        .map(|(name, _)| name)
}

/// A header without its bracketed notes: "Ngày hẹn trả (dd/mm/yyyy)" -> "Ngày hẹn trả".
fn strip_notes(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut depth = 0usize;
    for c in h.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if out.trim().is_empty() {
        h.to_string()
    } else {
        out
    }
}

/// The canonical case field a register header maps to, if any.
pub fn case_field(raw_header: &str) -> Option<&'static str> {
    lookup(CASE_FIELDS, raw_header)
}

/// The Vietnamese name of a canonical field, as registers and TT 05/2025 write it (one table
/// for every crate: `sohoa_archive::values`).
pub use sohoa_archive::values::field_label;

/// True when `name` is a canonical case field.
pub fn is_case_field(name: &str) -> bool {
    CASE_FIELDS.iter().any(|(f, _)| *f == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_headers_map_to_the_same_fields() {
        for h in [
            "Mã hồ sơ",
            "MA HO SO",
            "ma_ho_so",
            "Số hồ sơ",
            "case_code",
            "Mã số hồ sơ",
            "Số biên nhận",
        ] {
            assert_eq!(case_field(h), Some("case_code"), "{h}");
        }
        assert_eq!(case_field("Mã hồ sơ lưu trữ"), Some("file_code"));
        assert_eq!(case_field("Ngày tiếp nhận"), Some("received_date"));
        assert_eq!(case_field("NGAY TIEP NHAN HO SO"), Some("received_date"));
        assert_eq!(case_field("Ngày hẹn trả (dd/mm/yyyy)"), Some("due_date"));
        assert_eq!(case_field("Họ và tên"), Some("applicant_name"));
        assert_eq!(case_field("Số CMND/CCCD"), Some("applicant_id"));
        assert_eq!(case_field("Mã hồ sơ giấy"), Some("paper_file_code"));
        assert_eq!(case_field("Cột lạ"), None);
        // Look-alikes that are other things.
        assert_eq!(case_field("Mã định danh cá nhân"), Some("applicant_id"));
        assert_eq!(case_field("Mã số thuế"), None);
        assert_eq!(case_field("Ngày nhận kết quả"), Some("returned_date"));
        assert_eq!(case_field("Ngày nhận (dự kiến)"), Some("received_date"));
        assert_eq!(case_field("Ngày nhận tiền"), None);
        assert_eq!(case_field("STT"), None);
        assert_eq!(case_field(""), None);
    }

    #[test]
    fn every_field_has_a_kind_and_codes_are_codes() {
        assert_eq!(kind("received_date"), Kind::Date);
        assert_eq!(kind("start_date"), Kind::LooseDate);
        assert_eq!(kind("number_of_page"), Kind::Count);
        assert_eq!(kind("case_code"), Kind::Code);
        assert_eq!(kind("applicant_id"), Kind::IdNumber);
        assert_eq!(kind("maintenance"), Kind::CodeList);
        assert_eq!(kind("applicant_name"), Kind::Text);
    }
}
