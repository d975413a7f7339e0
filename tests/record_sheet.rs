//! The record sheet (phiếu tin) next to `metadata.json` in every bag: the fields with their
//! Vietnamese names and every code with its label, kept in the bag's manifest, written again
//! with each new version (here the withdrawn one); `metadata.json` carries the codes' labels.

mod common;

use common::{jpeg_bytes, Work};
use serde_json::Value;

const REGISTER: &str = "Mã hồ sơ,Thư mục,Tên TTHC,Cơ quan,Người nộp,Ngày tiếp nhận,\
Thời hạn lưu trữ,Chế độ sử dụng,Ngôn ngữ,Ghi chú\n\
HS-01,a,Đăng ký khai sinh,UBND xã Hiệp Thạnh,Nguyễn Văn An,01/07/2025,01,01,01,Bản chính đã đối chiếu\n";

#[test]
fn every_bag_has_a_readable_record_sheet() {
    let w = Work::empty();
    std::fs::create_dir_all(w.scans().join("a")).unwrap();
    std::fs::write(w.scans().join("a/1.jpg"), jpeg_bytes()).unwrap();
    std::fs::write(w.scans().join("hoso.csv"), REGISTER).unwrap();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let id = report["cases"][0]["case_id"].as_str().unwrap().to_string();
    let bag = w.bag(&id);
    let sheet = std::fs::read_to_string(bag.join("data/phieu-tin.html")).unwrap();
    for want in [
        "<html lang=\"vi\">",
        "PHIẾU TIN HỒ SƠ",
        "<th>Thời hạn lưu trữ</th><td>01 – Vĩnh viễn</td>",
        "<th>Chế độ sử dụng</th><td>01 – Công khai</td>",
        "<th>Ngôn ngữ</th><td>01 – Tiếng Việt</td>",
        "<th>Ngày tiếp nhận</th><td>01/07/2025</td>",
        "<th>Ghi chú</th><td>Bản chính đã đối chiếu</td>",
    ] {
        assert!(
            sheet.contains(want),
            "{want} missing in the sheet:\n{sheet}"
        );
    }
    let manifest = std::fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    assert!(manifest.contains("data/phieu-tin.html"), "{manifest}");
    let meta: Value = w.metadata(&id);
    assert_eq!(
        meta["code_labels"]["hoso.maintenance"], "Vĩnh viễn",
        "{meta:#}"
    );
    assert_eq!(meta["code_labels"]["hoso.mode"], "Công khai");
    let (code, verified) = w.verify();
    assert_eq!(code, 0, "{verified:#}");

    // The withdrawn version's sheet says so.
    let archive = w.archive();
    let out = w.sohoa(&[
        "withdraw",
        &id,
        "--archive",
        archive.to_str().unwrap(),
        "--reason",
        "nộp nhầm",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let version = w.withdrawn_version(&id);
    let sheet = std::fs::read_to_string(version.join("data/phieu-tin.html")).unwrap();
    assert!(
        sheet.contains("Đã rút khỏi kho") && sheet.contains("nộp nhầm"),
        "{sheet}"
    );
}
