//! `sohoa report` as officials use it: the Biểu 06 workbook checked by openpyxl
//! (scripts/check_bieu06.py: merged headers, column numbers, one row per lĩnh vực and the total
//! equal to the JSON, signature block, A4 landscape, real dates), `--period` shortcuts, CSV in
//! the reader's locale, apology letters dated the period's end with the delay counted to their
//! date and the register's note as the reason, reversed periods refused, English throughout
//! with `--lang en`.

mod common;

use common::{jpeg_bytes, Work};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Nine cases in three sectors (lĩnh vực), July to October 2025: early, on time, late, pending
/// within and past their due date, one pending case with a note (Ghi chú) in the register.
const REGISTER: &str = "Mã hồ sơ,Thư mục,Mã TTHC,Tên TTHC,Lĩnh vực,Cơ quan,Người nộp,\
Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp,Trạng thái,Ghi chú
HS-01,a,1.001193,Đăng ký khai sinh,Hộ tịch,UBND xã Hiệp Thạnh,Nguyễn Văn An,01/07/2025,04/07/2025,,Trực tuyến,Đang giải quyết,
HS-02,b,1.001193,Đăng ký khai sinh,Hộ tịch,UBND xã Hiệp Thạnh,Đặng Thị Kim Oanh,08/09/2025,09/09/2025,,Trực tiếp,Đang giải quyết,Chờ xác minh nơi cư trú
HS-03,c,1.001193,Đăng ký khai sinh,Hộ tịch,UBND xã Hiệp Thạnh,Lê Văn Cường,04/07/2025,09/07/2025,07/07/2025,Trực tiếp,Đã trả kết quả,
HS-04,d,2.000815,Chứng thực bản sao,Chứng thực,UBND xã Hiệp Thạnh,Phạm Thị Dung,23/07/2025,23/07/2025,23/07/2025,Bưu chính công ích,Đã trả kết quả,
HS-05,e,2.000815,Chứng thực bản sao,Chứng thực,UBND xã Hiệp Thạnh,Hoàng Văn Em,02/07/2025,03/07/2025,08/07/2025,Trực tiếp,Đã trả kết quả,
HS-06,f,1.004222,Cấp Giấy chứng nhận quyền sử dụng đất,Đất đai,UBND xã Hiệp Thạnh,Võ Thị Phương,24/07/2025,18/08/2025,15/08/2025,Trực tuyến,Đã trả kết quả,
HS-07,g,1.004222,Cấp Giấy chứng nhận quyền sử dụng đất,Đất đai,UBND xã Hiệp Thạnh,Đỗ Văn Giang,20/09/2025,20/10/2025,,Trực tuyến,Đang giải quyết,
HS-08,h,1.004222,Cấp Giấy chứng nhận quyền sử dụng đất,Đất đai,UBND xã Hiệp Thạnh,Bùi Thị Hoa,15/10/2025,10/11/2025,,Trực tuyến,Đang giải quyết,
HS-09,i,2.000815,Chứng thực bản sao,Chứng thực,UBND xã Hiệp Thạnh,Ngô Văn Ích,06/10/2025,06/10/2025,06/10/2025,Trực tiếp,Đã trả kết quả,
";

fn archive() -> Work {
    let w = Work::empty();
    for (i, f) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .enumerate()
    {
        std::fs::create_dir_all(w.scans().join(f)).unwrap();
        let mut jpeg = jpeg_bytes();
        jpeg.push(i as u8);
        std::fs::write(w.scans().join(f).join("1.jpg"), jpeg).unwrap();
    }
    std::fs::write(w.scans().join("hoso.csv"), REGISTER).unwrap();
    let (code, report) = w.ingest(&[]);
    assert!(code <= 1, "{report:#}");
    w
}

fn report(w: &Work, lang: &str, args: &[&str]) -> Output {
    let archive = w.archive();
    let mut c = w.command();
    c.env("SOHOA_LANG", lang)
        .args(["report", "--archive", archive.to_str().unwrap()])
        .args(args);
    c.output().unwrap()
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The number in "quá hạn N ngày làm việc" of a pending case's letter.
fn days_late_in(letter: &str) -> i64 {
    let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat
        .find("đã quá hạn ")
        .unwrap_or_else(|| panic!("no delay in: {flat}"));
    flat[at + "đã quá hạn ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after 'đã quá hạn' in: {flat}"))
}

/// A letter's text, its lines joined by single spaces.
fn letter_of(dir: &Path, code: &str) -> String {
    let text = pdftotext(&dir.join(format!("xin-loi-{code}.pdf")));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_official_form_letters_and_csv_of_a_quarter() {
    let w = archive();
    let dir = w.dir.path();
    let (xlsx, csv, letters) = (dir.join("q3.xlsx"), dir.join("q3.csv"), dir.join("letters"));
    let out = report(
        &w,
        "vi",
        &[
            "--period",
            "2025-Q3",
            "--json",
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "--apologies",
            letters.to_str().unwrap(),
            "--reporting-unit",
            "UBND xã Hiệp Thạnh",
            "--receiving-unit",
            "UBND huyện Châu Thành",
            "--preparer",
            "Nguyễn Thị Lan",
            "--head",
            "Trần Văn Minh",
            "--place",
            "Hiệp Thạnh",
        ],
    );
    let r = json(&out);
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2025-07-01"), Some("2025-09-30"))
    );
    assert_eq!(r["period"], "Quý III năm 2025");
    // By default one row per lĩnh vực, as the form has them.
    assert_eq!(r["group_by"], "sector");
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for row in rows {
        assert_ne!(row["label"], "Không xác định", "{row}");
    }
    for inv in r["invariants"].as_array().unwrap() {
        assert_eq!(inv["holds"], true, "{inv}");
        assert!(inv["text"].as_str().unwrap().ends_with('.'), "{inv}");
    }

    // The workbook, read by openpyxl.
    let json_path = dir.join("q3.json");
    std::fs::write(&json_path, &out.stdout).unwrap();
    let check = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check_bieu06.py"))
        .args([&xlsx, &json_path])
        .output()
        .expect("python3");
    assert!(
        check.status.success(),
        "openpyxl check of the Biểu 06 workbook (pip install openpyxl):\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    // CSV for an Excel in Vietnamese: `;` between cells, `,` as the decimal mark.
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(';').collect()).collect();
    assert_eq!(lines.len(), rows.len() + 2, "{text}");
    assert!(lines.iter().all(|l| l.len() == lines[0].len()), "{text}");
    let total = lines.last().unwrap();
    assert_eq!(total[0], "total");
    let rate = total[total.len() - 1];
    assert!(
        rate.contains(',') && !rate.contains('.') && rate.replace(',', "").parse::<u32>().is_ok(),
        "on-time rate {rate:?}"
    );

    // Letters: one per late case, dated the last day of the period; a pending case's delay
    // counted to that day (as in the JSON); the register's note as the reason.
    let late = r["late"].as_array().unwrap();
    assert_eq!(
        late.len(),
        3,
        "HS-01, HS-02 pending past due, HS-05 resolved late: {late:#?}"
    );
    let pending = late
        .iter()
        .find(|l| l["case_code"] == "HS-01")
        .expect("the case due 04/07 is still pending at the end of September");
    assert_eq!(pending["state"], "pending");
    let at_end = letter_of(&letters, "HS-01");
    assert!(at_end.contains("ngày 30 tháng 9 năm 2025"), "{at_end}");
    assert_eq!(
        days_late_in(&at_end),
        pending["working_days_late"].as_i64().unwrap()
    );
    let noted = letter_of(&letters, "HS-02");
    assert!(
        noted.contains("Lý do: Chờ xác minh nơi cư trú."),
        "the register's Ghi chú is the reason: {noted}"
    );

    // Dated later with --letter-date: the same pending case is later still.
    let later = dir.join("later");
    json(&report(
        &w,
        "vi",
        &[
            "--period",
            "2025-Q3",
            "--json",
            "--apologies",
            later.to_str().unwrap(),
            "--letter-date",
            "2025-10-31",
        ],
    ));
    let text = letter_of(&later, "HS-01");
    assert!(text.contains("ngày 31 tháng 10 năm 2025"), "{text}");
    assert!(days_late_in(&text) >= days_late_in(&at_end) + 22, "{text}");

    periods_csv_locale_and_language(&w);
}

/// On the same archive: periods, CSV locale, English, wrong periods.
fn periods_csv_locale_and_language(w: &Work) {
    let dir = w.dir.path();
    // English: `,` between cells, `.` as the decimal mark, "Total" in the table.
    let csv = dir.join("en.csv");
    let out = report(
        w,
        "en",
        &["--period", "2025-07", "--csv", csv.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("July 2025") && printed.contains("\nTotal "),
        "{printed}"
    );
    assert!(!printed.contains("Tổng cộng"), "{printed}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("total,") && !last.contains(';'), "{last}");
    // --csv-locale vi whatever the language.
    let out = report(
        w,
        "en",
        &[
            "--period",
            "2025-07",
            "--csv",
            csv.to_str().unwrap(),
            "--csv-locale",
            "vi",
        ],
    );
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().last().unwrap().starts_with("total;"), "{text}");
    // Whole year, half year, month: first and last days.
    for (p, from, to) in [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2025-H2", "2025-07-01", "2025-12-31"),
        ("2025-10", "2025-10-01", "2025-10-31"),
    ] {
        let r = json(&report(w, "vi", &["--period", p, "--json", "--by", "none"]));
        assert_eq!(
            (r["from"].as_str(), r["to"].as_str()),
            (Some(from), Some(to)),
            "{p}"
        );
        assert!(
            r["rows"].as_array().unwrap().is_empty(),
            "--by none: the total only"
        );
    }
    // Wrong periods are refused, naming what is wrong.
    let out = report(w, "vi", &["--period", "2025-13"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2025-13") && err.contains("YYYY-Qn"), "{err}");
    let out = report(w, "vi", &["--from", "2025-09-30", "--to", "2025-07-01"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("01/07/2025") && err.contains("30/09/2025"),
        "{err}"
    );
    let out = report(w, "en", &["--period", "2025-Q3", "--from", "2025-07-01"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--period with --from is refused"
    );
}
