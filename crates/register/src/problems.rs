//! Problems every register reader can report, worded once: a register refused as too large,
//! and one without a row of column headers.

use crate::Mapping;
use sohoa_archive::problem::Problem;

/// The register is refused as too large (the file named, the reason in both languages).
pub(crate) fn too_large(name: &str, vi: String, en: String) -> Problem {
    Problem::error(
        "register.too_large",
        format!("Sổ đăng ký bị từ chối vì quá lớn: {vi}"),
        format!("The register is refused as too large: {en}"),
    )
    .in_file(name)
}

/// The register has no row of recognisable column headers.
pub(crate) fn no_header(name: &str, mapping: &Mapping) -> Problem {
    match mapping.header_row {
        Some(n) => Problem::error(
            "register.no_header",
            format!("Không có dòng {n} (header_row trong tệp ánh xạ)"),
            format!("There is no row {n} (header_row in the mapping file)"),
        ),
        None => Problem::error(
            "register.no_header",
            "Không tìm thấy dòng tiêu đề cột: không nhận ra cột nào (cần ít nhất cột Mã hồ sơ hoặc Thư mục); hãy dùng tệp ánh xạ cột (--mapping)",
            "No column header row found: no column was recognised (at least Mã hồ sơ or Thư mục is needed); use a column mapping file (--mapping)",
        ),
    }
    .in_file(name)
}
