//! Registers as archivists have them, end to end: an XLSX export with title rows, typed dates,
//! CCCD numbers and names typed in TCVN3/VNI feeds `ingest` (converted names, originals and a
//! PREMIS event in the bag, found by search); `sohoa register check` on XLSX, Windows-1258 CSV,
//! garbage and broken mappings says what it read and exits 0/1/2.

mod common;
use common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// (folder = case code, applicant as typed, applicant in Unicode, encoding)
const CASES: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "000.00.15.H12-250701-0001",
        "NguyÔn V¨n §øc",
        "Nguyễn Văn Đức",
        Some("tcvn3"),
    ),
    (
        "000.00.15.H12-250702-0002",
        "Traàn Thò Höông",
        "Trần Thị Hương",
        Some("vni"),
    ),
    (
        "000.00.15.H12-250703-0003",
        "Lê Hoàng Quỳnh",
        "Lê Hoàng Quỳnh",
        None,
    ),
];

fn register_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let ws = wb.add_worksheet();
    ws.set_name("Tháng 7").unwrap();
    ws.write_string(0, 0, "SỔ THEO DÕI HỒ SƠ THÁNG 7/2025")
        .unwrap();
    let headers = [
        "Số hồ sơ",
        "Tên công dân",
        "Mã TTHC",
        "Tên thủ tục",
        "Cơ quan",
        "Ngày nhận hồ sơ",
        "Số CCCD",
        "Ghi chú nội bộ",
    ];
    for (j, h) in headers.iter().enumerate() {
        ws.write_string(2, j as u16, *h).unwrap();
    }
    for (i, (code, typed, _, _)) in CASES.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, format!(" {} ", code.replace('-', " - ")))
            .unwrap();
        ws.write_string(r, 1, *typed).unwrap();
        ws.write_string(r, 2, "1.001193").unwrap();
        ws.write_string(r, 3, "Đăng ký khai sinh").unwrap();
        ws.write_string(r, 4, "UBND xã An Bình").unwrap();
        let d = ExcelDateTime::from_ymd(2025, 7, i as u8 + 1).unwrap();
        ws.write_datetime_with_format(r, 5, &d, &date).unwrap();
        ws.write_number(r, 6, 79085012345.0 + i as f64).unwrap();
        ws.write_string(r, 7, "không công khai").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn scan_batch(w: &Work) {
    let s = w.scans();
    let jpeg = jpeg_bytes();
    for (code, ..) in CASES {
        std::fs::create_dir_all(s.join(code)).unwrap();
        std::fs::write(s.join(code).join("1.jpg"), &jpeg).unwrap();
    }
    std::fs::write(s.join("hoso.xlsx"), register_xlsx()).unwrap();
    std::fs::write(
        s.join("hoso.mapping.toml"),
        "[columns]\n\"Tên công dân\" = \"applicant_name\"\n\"Ghi chú nội bộ\" = \"\"\n",
    )
    .unwrap();
}

#[test]
fn an_xlsx_register_with_legacy_names_feeds_the_archive() {
    let w = Work::empty();
    scan_batch(&w);
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["ingested"], 3, "{report:#}");
    for (i, (id, typed, name, enc)) in CASES.iter().enumerate() {
        let m = w.metadata(id);
        assert_eq!(m["identifier_source"], "register");
        assert_eq!(m["case"]["applicant_name"], *name);
        assert_eq!(m["case"]["case_code"], *id, "stray spaces removed");
        assert_eq!(
            m["case"]["applicant_id"],
            format!("0{}", 79085012345u64 + i as u64)
        );
        assert_eq!(
            m["case"]["received_date"],
            format!("2025-07-0{}", i + 1).as_str()
        );
        assert!(
            m["extra"].get("Ghi chú nội bộ").is_none(),
            "left out by the mapping"
        );
        let src = &m["metadata_sources"][0];
        assert_eq!(
            (&src["path"], &src["sheet"], &src["row"]),
            (
                &"hoso.xlsx".into(),
                &"Tháng 7".into(),
                &serde_json::json!(4 + i)
            )
        );
        let events: serde_json::Value =
            serde_json::from_slice(&std::fs::read(w.bag(id).join("data/events.json")).unwrap())
                .unwrap();
        let mem: Vec<&serde_json::Value> = events["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event_type"] == "metadata modification")
            .collect();
        match enc {
            Some(e) => {
                let c = &m["text_conversions"][0];
                assert_eq!(
                    (&c["field"], &c["encoding"], &c["original"], &c["text"]),
                    (
                        &"applicant_name".into(),
                        &(*e).into(),
                        &(*typed).into(),
                        &(*name).into()
                    )
                );
                assert_eq!(c["column"], "B \"Tên công dân\"");
                assert_eq!(mem.len(), 1);
                assert_eq!(
                    mem[0]["event_type_uri"],
                    "http://id.loc.gov/vocabulary/preservation/eventType/mem"
                );
            }
            None => {
                assert!(
                    m.get("text_conversions").is_none(),
                    "Unicode is never converted"
                );
                assert!(mem.is_empty());
            }
        }
    }
    // The converted names are what search finds, with or without diacritics.
    let archive = w.archive();
    for q in ["nguyen van duc", "Trần Thị Hương"] {
        let out = w.sohoa(&[
            "search",
            "--archive",
            archive.to_str().unwrap(),
            "--json",
            q,
        ]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["total"].as_u64(), Some(1), "{q}: {v:#}");
    }
    // Bags stay valid.
    assert_eq!(w.verify().0, 0);
}

fn check(w: &Work, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["register", "check", "--json"];
    all.extend_from_slice(args);
    let out = w.sohoa(&all);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn register_check_shows_mapping_failing_rows_and_conversions() {
    let w = Work::empty();
    scan_batch(&w);
    let xlsx = w.scans().join("hoso.xlsx");
    let (code, v, _) = check(&w, &[xlsx.to_str().unwrap()]);
    assert_eq!(code, 1, "warnings (CCCD zeros restored): {v:#}");
    assert_eq!(v["schema"], "sohoa/register-check");
    assert_eq!(v["format"], "xlsx");
    assert_eq!(v["rows"], 3);
    assert_eq!(v["sheets"][0]["header_row"], 3);
    let col = |letter: &str| {
        v["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["column"] == letter)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        (col("A")["field"].clone(), col("A")["mapped_by"].clone()),
        ("case_code".into(), "auto".into())
    );
    assert_eq!(
        (col("B")["field"].clone(), col("B")["mapped_by"].clone()),
        ("applicant_name".into(), "mapping".into())
    );
    assert_eq!(col("H")["mapped_by"], "ignored");
    assert_eq!(v["conversions"].as_array().unwrap().len(), 2);
    assert!(v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["code"] == "register.id_leading_zero" && p["sheet"] == "Tháng 7"));

    // A Windows-1258 CSV (semicolons) with a bad date and a bad page count.
    let csv = w.dir.path().join("so-dang-ky.csv");
    let text = "Mã hồ sơ;Người nộp;Ngày tiếp nhận;Số lượng trang;Mã TTHC;Cơ quan\n\
                A-1;Nguyễn Văn Đức;31/02/2025;12,5;1.001193;UBND xã Tân Hòa\n\
                A-2;Trần Thị Hương;01/07/2025;3;1.001193;UBND xã Tân Hòa\n";
    std::fs::write(&csv, windows_1258(text)).unwrap();
    let (code, v, _) = check(&w, &[csv.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["encoding"], "windows-1258");
    assert_eq!(v["delimiter"], ";");
    assert_eq!(v["rows_with_problems"], 1);
    let codes: Vec<(&str, u64, &str)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap(),
                p["row"].as_u64().unwrap(),
                p["column"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("register.bad_date", 2, "C \"Ngày tiếp nhận\""),
            ("register.bad_number", 2, "D \"Số lượng trang\"")
        ]
    );
    // People read the same in Vietnamese.
    let out = w.sohoa(&["--lang", "vi", "register", "check", csv.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("Windows-1258") && shown.contains("(dòng 2) (cột C \"Ngày tiếp nhận\")"),
        "{shown}"
    );
    assert!(
        shown.contains("-> received_date (Ngày tiếp nhận)"),
        "{shown}"
    );

    // Garbage cannot be read at all; a broken mapping stops before reading.
    let bad = w.dir.path().join("hong.xlsx");
    std::fs::write(&bad, b"not a workbook").unwrap();
    let (code, v, _) = check(&w, &[bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(v["problems"][0]["code"], "register.bad_workbook");
    let mapping = w.dir.path().join("m.toml");
    std::fs::write(&mapping, "[columns]\n\"Số BN\" = \"so_bien_lai\"\n").unwrap();
    let (code, _, err) = check(
        &w,
        &[
            "--mapping",
            mapping.to_str().unwrap(),
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("m.toml") && err.contains("so_bien_lai"),
        "{err}"
    );
    let (code, _) = {
        let (s, a) = (w.scans(), w.archive());
        let out = w.sohoa(&[
            "ingest",
            s.to_str().unwrap(),
            "--archive",
            a.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
        ]);
        (out.status.code().unwrap(), ())
    };
    assert_eq!(code, 2, "a wrong mapping must not fill wrong fields");
    assert!(
        !w.archive().join("bags").exists()
            || std::fs::read_dir(w.archive().join("bags"))
                .unwrap()
                .next()
                .is_none()
    );
}

/// Windows-1258 writes a toned letter as its base letter and a combining tone mark.
fn windows_1258(s: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::new();
    for c in s.chars() {
        let d: String = c.nfd().collect();
        let base: String = d
            .chars()
            .filter(|c| !tones.contains(c))
            .collect::<String>()
            .nfc()
            .collect();
        out.push_str(&base);
        out.extend(d.chars().filter(|c| tones.contains(c)));
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&out);
    assert!(!unmappable, "{s}");
    bytes.into_owned()
}
