//! `documentation/README.txt`: what the package is and how it is laid out, in Vietnamese and
//! English, for whoever opens it without sohoa (CSIP's Documentation group).

use sohoa_archive::record::CaseRecord;

/// The README of one package.
pub(crate) fn text(record: &CaseRecord, objid: &str, sip: bool, created: &str) -> String {
    let kind = if sip { "SIP_hoso" } else { "AIP_hoso" };
    let title = record.hoso.title.as_deref().unwrap_or(&record.case_id);
    format!(
        "Gói thông tin {kind} theo Thông tư 05/2025/TT-BNV (dựa trên E-ARK CSIP)\n\
         Hồ sơ: {title}\n\
         Mã hồ sơ trong kho sohoa: {id} (phiên bản {version})\n\
         Mã gói (OBJID): {objid}\n\
         Tạo lúc: {created}, bằng sohoa {sw}\n\
         \n\
         METS.xml                             danh mục gói: mọi tệp kèm kích thước và mã SHA-256\n\
         metadata/descriptive/EAD.xml         thông tin hồ sơ (18 trường của TT 05/2025)\n\
         metadata/preservation/PREMIS.xml     lịch sử bảo quản (PREMIS 3), chỉ có trong AIP\n\
         metadata/other/sohoa/                bản ghi gốc của sohoa (để nhập lại đúng như cũ)\n\
         representations/rep1/data/           bản số hóa PDF/A-2b và nội dung văn bản từng trang\n\
         representations/rep1/metadata/       thông tin từng tài liệu (EAD_DOC_*.xml) và PREMIS\n\
         schemas/                             các lược đồ XML dùng trong gói và giấy phép của chúng\n\
         \n\
         Information package {kind} of Circular 05/2025/TT-BNV (on E-ARK CSIP)\n\
         Case: {title}; sohoa case id {id}, version {version}; package OBJID {objid};\n\
         created {created} by sohoa {sw}. Every file is listed in METS.xml with its size and\n\
         SHA-256; the descriptive files follow the circular's field tables; PREMIS.xml (AIP only)\n\
         holds the preservation events; metadata/other/sohoa/ keeps sohoa's own record so that\n\
         `sohoa import` gives the same bag back.\n",
        id = record.case_id,
        version = record.version.max(1),
        sw = env!("CARGO_PKG_VERSION"),
    )
}
