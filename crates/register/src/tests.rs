//! Registers as archivists have them, generated here: CSV in every encoding and header style,
//! workbooks with titles, several sheets, typed dates and numbers, legacy-encoded names.

use super::*;
use encoding_rs::WINDOWS_1252;
use sohoa_legacy::{encode, Legacy};

/// (case code as typed, applicant, procedure, received as typed, ISO, pages as typed, pages)
const ROWS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "000.00.15.H12-250701-0001",
        "Nguyễn Văn Đức",
        "Đăng ký khai sinh",
        "01/07/2025",
        "2025-07-01",
        "12",
        "12",
    ),
    (
        " 000.00.15.H12 - 250702 - 0002 ",
        "Trần Thị Hương",
        "Chứng thực bản sao từ bản chính",
        "2/7/25",
        "2025-07-02",
        "1.234",
        "1234",
    ),
    (
        "000.00.15.H12-250703-0003",
        "Lê Hoàng Quỳnh",
        "Đăng ký kết hôn",
        "2025-07-03 14:30",
        "2025-07-03T14:30:00+07:00",
        "3 trang",
        "3",
    ),
    (
        "000.00.15.H12-250704-0004",
        "Phạm Thị Ngọc Hà",
        "Cấp giấy chứng nhận quyền sử dụng đất",
        "45842",
        "2025-07-04",
        "7",
        "7",
    ),
    (
        "000.00.15.H12-250705-0005",
        "Đặng Quốc Việt",
        "Đăng ký thường trú",
        "ngày 5 tháng 7 năm 2025",
        "2025-07-05",
        "12,0",
        "12",
    ),
];
const AGENCY: &str = "UBND xã An Bình";

const HEADERS: [[&str; 7]; 3] = [
    [
        "Mã hồ sơ",
        "Người nộp",
        "Tên thủ tục",
        "Mã TTHC",
        "Ngày tiếp nhận",
        "Số lượng trang",
        "Cơ quan",
    ],
    [
        "MA HO SO",
        "NGUOI NOP",
        "TEN THU TUC",
        "MA TTHC",
        "NGAY TIEP NHAN",
        "SO LUONG TRANG",
        "CO QUAN",
    ],
    [
        "Số hồ sơ",
        "Họ và tên",
        "Thủ tục hành chính",
        "Mã thủ tục",
        "Ngày nhận hồ sơ (dd/mm/yyyy)",
        "Số trang",
        "Đơn vị tiếp nhận",
    ],
];

fn csv_text(headers: &[&str; 7], delimiter: char) -> String {
    let d = delimiter.to_string();
    let mut out = format!(
        "DANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG 7/2025\n{}\n",
        headers.join(&d)
    );
    for (code, name, proc_, received, _, pages, _) in ROWS {
        let cells: Vec<String> = [*code, name, proc_, "1.001193", received, pages, AGENCY]
            .iter()
            .map(|c| {
                if c.contains(delimiter) {
                    format!("\"{c}\"")
                } else {
                    c.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join(&d));
        out.push('\n');
    }
    out
}

fn cp1252(s: &str) -> Vec<u8> {
    let (b, _, unmappable) = WINDOWS_1252.encode(s);
    assert!(!unmappable, "{s}");
    b.into_owned()
}

fn read_bytes(name: &str, bytes: &[u8], mapping: &Mapping) -> Register {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    read_register(&p, mapping, &Limits::default())
}

fn assert_rows(reg: &Register, what: &str) {
    assert!(reg.problems.is_empty(), "{what}: {:#?}", reg.problems);
    assert_eq!(reg.rows.len(), ROWS.len(), "{what}");
    for (r, (_, name, proc_, _, iso, _, pages)) in reg.rows.iter().zip(ROWS) {
        let f = &r.fields;
        assert_eq!(
            f.get("case_code"),
            Some(format!("000.00.15.H12-25070{}-000{}", r.row - 2, r.row - 2).as_str()),
            "{what}"
        );
        assert_eq!(f.get("applicant_name"), Some(*name), "{what}");
        assert_eq!(f.get("procedure_name"), Some(*proc_), "{what}");
        assert_eq!(f.get("procedure_code"), Some("1.001193"), "{what}");
        assert_eq!(f.get("received_date"), Some(*iso), "{what}");
        assert_eq!(f.get("number_of_page"), Some(*pages), "{what}");
        assert_eq!(f.get("agency_name"), Some(AGENCY), "{what}");
    }
}

#[test]
fn csv_registers_in_every_encoding_and_header_style() {
    let mut combos = 0;
    for (h, headers) in HEADERS.iter().enumerate() {
        for (k, delimiter) in [',', ';', '\t'].into_iter().enumerate() {
            let text = csv_text(headers, delimiter);
            let encodings: Vec<(&str, Vec<u8>, FileEncoding, bool)> = vec![
                ("utf-8", text.as_bytes().to_vec(), FileEncoding::Utf8, false),
                (
                    "utf-8 bom",
                    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                    FileEncoding::Utf8Bom,
                    false,
                ),
                (
                    "utf-16le bom",
                    super::decode::tests::utf16_bytes(&text, true, true),
                    FileEncoding::Utf16le,
                    false,
                ),
                (
                    "utf-16be",
                    super::decode::tests::utf16_bytes(&text, false, false),
                    FileEncoding::Utf16be,
                    false,
                ),
                (
                    "windows-1258",
                    super::decode::tests::windows_1258(&text),
                    FileEncoding::Windows1258,
                    false,
                ),
                (
                    "tcvn3 bytes",
                    cp1252(&encode(&text, Legacy::Tcvn3)),
                    FileEncoding::Tcvn3,
                    true,
                ),
                (
                    "vni bytes",
                    cp1252(&encode(&text, Legacy::Vni)),
                    FileEncoding::Vni,
                    true,
                ),
            ];
            for (label, bytes, enc, legacy) in encodings {
                let what = format!("headers {h}, delimiter {k}, {label}");
                let reg = read_bytes("hoso.csv", &bytes, &Mapping::default());
                assert_eq!(reg.encoding, Some(enc), "{what}");
                assert_eq!(reg.delimiter, Some(delimiter), "{what}");
                assert_eq!(reg.sheets[0].header_row, Some(2), "{what}");
                assert_rows(&reg, &what);
                let converted = reg.conversions().count();
                if legacy {
                    // Every value with a Vietnamese letter: name, procedure and agency on each
                    // row, and the date written in words.
                    assert_eq!(converted, 3 * ROWS.len() + 1, "{what}");
                    let c = reg.conversions().next().unwrap();
                    assert_eq!(c.row, Some(3));
                    assert!(c.column.is_some() && c.original != c.text, "{what}");
                } else {
                    assert_eq!(
                        converted, 0,
                        "{what}: valid Unicode must never be converted"
                    );
                }
                combos += 1;
            }
        }
    }
    assert_eq!(combos, 3 * 3 * 7);
}

#[test]
fn legacy_values_in_a_unicode_file_are_converted_and_kept() {
    // An old register's names pasted into a UTF-8 export: one per legacy encoding, and real Unicode.
    let mut text = String::from("Mã hồ sơ,Người nộp,Ghi chú\n");
    let names = [
        (encode("Nguyễn Văn Đức", Legacy::Tcvn3), Some(Legacy::Tcvn3)),
        (encode("Trần Thị Hương", Legacy::Vni), Some(Legacy::Vni)),
        (encode("Lê Hoàng Quỳnh", Legacy::Viqr), Some(Legacy::Viqr)),
        ("Phạm Thị Ngọc Hà".to_string(), None),
    ];
    for (i, (n, _)) in names.iter().enumerate() {
        text.push_str(&format!("A-{i},\"{n}\",Café José\n"));
    }
    let reg = read_bytes("hoso.csv", text.as_bytes(), &Mapping::default());
    let expect = [
        "Nguyễn Văn Đức",
        "Trần Thị Hương",
        "Lê Hoàng Quỳnh",
        "Phạm Thị Ngọc Hà",
    ];
    for (r, ((n, enc), want)) in reg.rows.iter().zip(names.iter().zip(expect)) {
        assert_eq!(r.fields.get("applicant_name"), Some(want));
        assert_eq!(r.fields.get("description"), Some("Café José"));
        match enc {
            Some(e) => {
                let c = &r.fields.conversions[0];
                assert_eq!(
                    (c.encoding.as_str(), c.original.as_str(), c.text.as_str()),
                    (e.code(), n.as_str(), want)
                );
                assert_eq!(c.field, "applicant_name");
                assert_eq!(c.column.as_deref(), Some("B \"Người nộp\""));
            }
            None => assert!(r.fields.conversions.is_empty()),
        }
    }
}

#[test]
fn unreadable_values_are_located_by_row_and_column() {
    let text = "Mã hồ sơ;Người nộp;Ngày tiếp nhận;Số lượng trang;Số CCCD\n\
                A-1;An;31/02/2025;12,5;79085012345\n\
                ;Bình;01/07/2025;3;001085012345\n\
                A-1;Chi;01/07/2025;3;001085012345\n\
                A-4;Dũng;01/07/2025;3;7,9085E+10\n";
    let reg = read_bytes("hoso.csv", text.as_bytes(), &Mapping::default());
    let find = |code: &str| {
        reg.problems
            .iter()
            .find(|p| p.code == code)
            .unwrap_or_else(|| panic!("{code}: {:#?}", reg.problems))
    };
    let p = find("register.bad_date");
    assert_eq!(
        (p.row, p.column.as_deref()),
        (Some(2), Some("C \"Ngày tiếp nhận\""))
    );
    assert!(p.message.contains("31/02/2025"));
    let p = find("register.bad_number");
    assert_eq!(
        (p.row, p.column.as_deref()),
        (Some(2), Some("D \"Số lượng trang\""))
    );
    let zeros = find("register.id_leading_zero");
    assert_eq!(zeros.row, Some(2));
    assert_eq!(reg.rows[0].fields.get("applicant_id"), Some("079085012345"));
    assert_eq!(find("register.no_key").row, Some(3));
    assert_eq!(find("register.duplicate_code").row, Some(4));
    let p = find("register.id_lost");
    assert_eq!(
        (p.row, p.column.as_deref()),
        (Some(5), Some("E \"Số CCCD\""))
    );
    assert_eq!(reg.rows.len(), 3);
    assert_eq!(reg.rows_with_problems(), 4);
    let shown = zeros.render(sohoa_archive::problem::Lang::Vi);
    assert!(
        shown.starts_with("hoso.csv (dòng 2) (cột E \"Số CCCD\")"),
        "{shown}"
    );
}

#[test]
fn a_mapping_file_names_the_columns_sohoa_does_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("hoso.mapping.toml");
    std::fs::write(
        &m,
        "[columns]\n\"Số BN\" = \"case_code\"\n\"Tên công dân\" = \"applicant_name\"\n\"Ghi chú nội bộ\" = \"\"\n\"Người nộp\" = \"description\"\n",
    )
    .unwrap();
    let mapping = Mapping::load(&m).unwrap();
    let reg = read_bytes(
        "hoso.csv",
        "Số BN,Tên công dân,Ghi chú nội bộ,Người nộp\nX-1,Ngô Bảo Châu,bí mật,nhờ nộp hộ\n"
            .as_bytes(),
        &mapping,
    );
    let f = &reg.rows[0].fields;
    assert_eq!(f.get("case_code"), Some("X-1"));
    assert_eq!(f.get("applicant_name"), Some("Ngô Bảo Châu"));
    assert_eq!(f.get("description"), Some("nhờ nộp hộ"));
    assert!(!f.extra.contains_key("Ghi chú nội bộ") && !f.known.values().any(|v| v == "bí mật"));
    let by: Vec<MappedBy> = reg.columns.iter().map(|c| c.mapped_by).collect();
    assert_eq!(
        by,
        [
            MappedBy::Mapping,
            MappedBy::Mapping,
            MappedBy::Ignored,
            MappedBy::Mapping
        ]
    );
}

mod workbook {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    /// A one-stop export: titles, the header on row 4, typed dates, numbers, legacy names; a
    /// second month on its own sheet; a notes sheet without a header.
    fn export() -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let datetime = Format::new().set_num_format("dd/mm/yyyy hh:mm");
        let ws = wb.add_worksheet();
        ws.set_name("Tháng 7").unwrap();
        ws.write_string(0, 0, "UBND XÃ AN BÌNH").unwrap();
        ws.write_string(1, 0, "SỔ THEO DÕI HỒ SƠ").unwrap();
        let headers = [
            "STT",
            "Số hồ sơ",
            "Họ và tên",
            "Mã TTHC",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Số trang",
            "Số CCCD",
            "Cơ quan",
            "Thời hạn lưu trữ",
        ];
        for (j, h) in headers.iter().enumerate() {
            ws.write_string(3, j as u16, *h).unwrap();
        }
        let names = [
            encode("Nguyễn Văn Đức", Legacy::Tcvn3),
            encode("Trần Thị Hương", Legacy::Vni),
            encode("Lê Hoàng Quỳnh", Legacy::Viqr),
            "Phạm Thị Ngọc Hà".to_string(),
        ];
        for (i, name) in names.iter().enumerate() {
            let r = 4 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64).unwrap();
            ws.write_string(
                r,
                1,
                format!(" 000.00.15.H12 - 25070{} - 000{} ", i + 1, i + 1),
            )
            .unwrap();
            ws.write_string(r, 2, name).unwrap();
            ws.write_string(r, 3, "1.001193").unwrap();
            let received = ExcelDateTime::from_ymd(2025, 7, i as u8 + 1)
                .unwrap()
                .and_hms(8, 30, 0)
                .unwrap();
            ws.write_datetime_with_format(r, 4, &received, &datetime)
                .unwrap();
            match i {
                0 => ws
                    .write_datetime_with_format(
                        r,
                        5,
                        ExcelDateTime::from_ymd(2025, 7, 8).unwrap(),
                        &date,
                    )
                    .map(|_| ()),
                1 => ws.write_number(r, 5, 45847.0).map(|_| ()), // a serial without a date format
                2 => ws.write_string(r, 5, "10/7/25").map(|_| ()),
                _ => ws.write_string(r, 5, "31/02/2025").map(|_| ()),
            }
            .unwrap();
            ws.write_number(r, 6, 12.0).unwrap();
            ws.write_number(r, 7, 79085012345.0).unwrap();
            ws.write_string(r, 8, AGENCY).unwrap();
            ws.write_number(r, 9, 6.0).unwrap();
        }
        let ws = wb.add_worksheet();
        ws.set_name("Ghi chú").unwrap();
        ws.write_string(0, 0, "Sổ này nhập lại từ sổ giấy năm 1998.")
            .unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("Tháng 8").unwrap();
        for (j, h) in ["Mã hồ sơ", "Người nộp", "Ngày nhận"].iter().enumerate() {
            ws.write_string(0, j as u16 + 1, *h).unwrap();
        }
        ws.write_string(1, 1, "000.00.15.H12-250801-0001").unwrap();
        ws.write_string(1, 2, "Hoàng Thị Thu").unwrap();
        ws.write_string(1, 3, "1/8/2025").unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn reads_every_sheet_with_a_header_and_cleans_values() {
        let reg = read_bytes("hoso.xlsx", &export(), &Mapping::default());
        assert_eq!(reg.format, "xlsx");
        let used: Vec<(Option<&str>, Option<u64>, usize, bool)> = reg
            .sheets
            .iter()
            .map(|s| (s.name.as_deref(), s.header_row, s.rows, s.used))
            .collect();
        assert_eq!(
            used,
            [
                (Some("Tháng 7"), Some(4), 4, true),
                (Some("Ghi chú"), None, 0, false),
                (Some("Tháng 8"), Some(1), 1, true)
            ]
        );
        let names = [
            "Nguyễn Văn Đức",
            "Trần Thị Hương",
            "Lê Hoàng Quỳnh",
            "Phạm Thị Ngọc Hà",
        ];
        let dues = [
            Some("2025-07-08"),
            Some("2025-07-09"),
            Some("2025-07-10"),
            Some("31/02/2025"),
        ];
        for (i, r) in reg.rows.iter().take(4).enumerate() {
            let f = &r.fields;
            assert_eq!((r.sheet.as_deref(), r.row), (Some("Tháng 7"), 5 + i as u64));
            assert_eq!(
                f.get("case_code"),
                Some(format!("000.00.15.H12-25070{}-000{}", i + 1, i + 1).as_str())
            );
            assert_eq!(f.get("applicant_name"), Some(names[i]));
            assert_eq!(
                f.get("received_date"),
                Some(format!("2025-07-0{}T08:30:00+07:00", i + 1).as_str())
            );
            assert_eq!(f.get("due_date"), dues[i]);
            assert_eq!(f.get("number_of_page"), Some("12"));
            assert_eq!(f.get("applicant_id"), Some("079085012345"));
            assert_eq!(f.get("maintenance"), Some("06"));
            assert_eq!(
                f.extra.get("STT").map(String::as_str),
                Some(&*(i + 1).to_string())
            );
            assert_eq!(f.conversions.len(), usize::from(i < 3), "row {i}");
        }
        let aug = &reg.rows[4];
        assert_eq!((aug.sheet.as_deref(), aug.row), (Some("Tháng 8"), 2));
        assert_eq!(aug.fields.get("received_date"), Some("2025-08-01"));
        let bad = reg
            .problems
            .iter()
            .find(|p| p.code == "register.bad_date")
            .unwrap();
        assert_eq!(
            (bad.sheet.as_deref(), bad.row, bad.column.as_deref()),
            (Some("Tháng 7"), Some(8), Some("F \"Ngày hẹn trả\""))
        );
        assert_eq!(
            reg.columns
                .iter()
                .find(|c| c.field == Some("case_code"))
                .map(|c| c.column.as_str()),
            Some("B")
        );
    }

    #[test]
    fn the_mapping_file_picks_a_sheet_and_its_header_row() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.toml");
        std::fs::write(&m, "sheet = \"Tháng 8\"\nheader_row = 1\n").unwrap();
        let reg = read_bytes("hoso.xlsx", &export(), &Mapping::load(&m).unwrap());
        assert_eq!(reg.rows.len(), 1);
        std::fs::write(&m, "sheet = \"Tháng 9\"\n").unwrap();
        let reg = read_bytes("hoso.xlsx", &export(), &Mapping::load(&m).unwrap());
        assert_eq!(reg.problems[0].code, "register.no_sheet");
        assert!(reg.problems[0]
            .message
            .contains("Tháng 7, Ghi chú, Tháng 8"));
    }
}

#[test]
fn every_case_field_has_a_vietnamese_label() {
    for (f, _) in CASE_FIELDS {
        assert!(!field_label(f).is_empty(), "{f}");
    }
}

proptest::proptest! {
    /// Valid Vietnamese Unicode in a register cell comes out exactly as it went in (NFC).
    #[test]
    fn unicode_values_are_never_changed(name in "[A-Za-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐƯƠ]{1,8}( [a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]{1,7}){0,3}") {
        // Plain ASCII is another matter: "Dda ddo" is VIQR for "Đa đo".
        proptest::prop_assume!(!name.is_ascii());
        let text = format!("Mã hồ sơ;Người nộp\nA-1;{name}\n");
        let reg = read_bytes("hoso.csv", text.as_bytes(), &Mapping::default());
        proptest::prop_assert_eq!(reg.rows[0].fields.get("applicant_name"), Some(name.as_str()));
        proptest::prop_assert!(reg.rows[0].fields.conversions.is_empty());
    }
}

#[test]
fn the_example_mapping_file_loads() {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/registers/hoso.mapping.example.toml");
    let m = Mapping::load(&p).unwrap();
    assert_eq!(m.column("so bn"), Some(Some("case_code")));
    assert_eq!(m.column("Ngày hẹn trả KQ"), Some(Some("due_date")));
}

#[test]
fn unnamed_and_same_named_columns_keep_their_values() {
    let text = "Mã hồ sơ,Người nộp,,Ghi chú,Ghi chú,Điện thoại,Điện thoại\n\
                A-1,An,ô trống tên,một,hai,0901,0902\n";
    let reg = read_bytes("hoso.csv", text.as_bytes(), &Mapping::default());
    let f = &reg.rows[0].fields;
    assert_eq!(
        f.extra.get("Cột C").map(String::as_str),
        Some("ô trống tên")
    );
    assert_eq!(f.get("description"), Some("một"));
    assert_eq!(f.extra.get("Ghi chú (E)").map(String::as_str), Some("hai"));
    assert_eq!(f.extra.get("Điện thoại").map(String::as_str), Some("0901"));
    assert_eq!(
        f.extra.get("Điện thoại (G)").map(String::as_str),
        Some("0902")
    );
    let codes: Vec<&str> = reg.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(codes.contains(&"register.unnamed_column"), "{codes:?}");
    assert!(codes.contains(&"register.duplicate_column"), "{codes:?}");
}

#[test]
fn the_mapping_file_wins_over_recognised_headers_and_codes_stay_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.toml");
    std::fs::write(
        &m,
        "legacy = \"viqr\"\n[columns]\n\"Số BN\" = \"case_code\"\n",
    )
    .unwrap();
    let text = "Mã hồ sơ,Người nộp,Số BN\nHA.01,Nguye^~n Va(n A,HA.02\n";
    let reg = read_bytes("hoso.csv", text.as_bytes(), &Mapping::load(&m).unwrap());
    let f = &reg.rows[0].fields;
    assert_eq!(
        f.get("case_code"),
        Some("HA.02"),
        "the mapped column fills the field"
    );
    assert_eq!(f.extra.get("Mã hồ sơ").map(String::as_str), Some("HA.01"));
    assert_eq!(f.get("applicant_name"), Some("Nguyễn Văn A"));
    assert_eq!(reg.columns[0].mapped_by, MappedBy::Duplicate);
}

#[test]
fn a_sidecar_value_drops_the_register_conversion_it_replaces() {
    let origin = Origin {
        source: "hoso.csv",
        sheet: None,
        row: Some(2),
        column: None,
    };
    let mut reg = Fields::default();
    reg.put(
        Some("applicant_name"),
        "Người nộp",
        &encode("Nguyễn Văn Đức", Legacy::Tcvn3),
        origin,
        Hint::None,
        LegacyMode::Auto,
    );
    reg.put(
        Some("procedure_name"),
        "Tên thủ tục",
        &encode("Đăng ký khai sinh", Legacy::Tcvn3),
        origin,
        Hint::None,
        LegacyMode::Auto,
    );
    assert_eq!(reg.conversions.len(), 2);
    let mut sidecar = Fields::default();
    sidecar.put(
        Some("applicant_name"),
        "applicant_name",
        "Nguyễn Văn Đức",
        origin,
        Hint::None,
        LegacyMode::Auto,
    );
    reg.overlay(&sidecar);
    let fields: Vec<&str> = reg.conversions.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["procedure_name"]);
}

#[test]
fn a_case_code_twice_across_sheets_is_flagged() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for name in ["Tháng 7", "Tháng 8"] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, "Mã hồ sơ").unwrap();
        ws.write_string(0, 1, "Người nộp").unwrap();
        ws.write_string(1, 0, "A-1").unwrap();
        ws.write_string(1, 1, "An").unwrap();
    }
    let reg = read_bytes(
        "hoso.xlsx",
        &wb.save_to_buffer().unwrap(),
        &Mapping::default(),
    );
    let dup = reg
        .problems
        .iter()
        .find(|p| p.code == "register.duplicate_code")
        .unwrap();
    assert_eq!((dup.sheet.as_deref(), dup.row), (Some("Tháng 8"), Some(2)));
    assert!(dup.message.contains("Tháng 7!2"), "{}", dup.message);
}

/// A register that is too large for the limits is refused whole, named, and nothing is read.
fn refused(reg: &Register) -> &sohoa_archive::problem::Problem {
    assert!(reg.rows.is_empty(), "{} rows read", reg.rows.len());
    let p = reg
        .problems
        .iter()
        .find(|p| p.code == "register.too_large")
        .unwrap_or_else(|| panic!("{:#?}", reg.problems));
    assert!(p.is_error());
    assert_eq!(p.file.as_deref(), Some(reg.file_name().as_str()));
    p
}

fn read_with(name: &str, bytes: &[u8], limits: &Limits) -> Register {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    read_register(&p, &Mapping::default(), limits)
}

#[test]
fn an_xlsx_with_a_gigabyte_shared_string_is_refused_without_unpacking_it() {
    use std::io::{Read, Write};
    // A real workbook whose one shared string is rewritten to a gigabyte of "a".
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Mã hồ sơ").unwrap();
    ws.write_string(1, 0, "A-1").unwrap();
    let good = wb.save_to_buffer().unwrap();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(&good[..])).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        out.start_file(name.as_str(), opts).unwrap();
        if name == "xl/sharedStrings.xml" {
            out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"2\" uniqueCount=\"2\"><si><t>").unwrap();
            let chunk = vec![b'a'; 1 << 20];
            for _ in 0..1024 {
                out.write_all(&chunk).unwrap();
            }
            out.write_all(b"</t></si><si><t>A-1</t></si></sst>")
                .unwrap();
        } else {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            out.write_all(&data).unwrap();
        }
    }
    let bomb = out.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    let started = std::time::Instant::now();
    let reg = read_with("hoso.xlsx", &bomb, &Limits::default());
    let p = refused(&reg);
    assert!(
        p.message_en.contains("xl/sharedStrings.xml") && p.message_en.contains("128 MiB"),
        "{}",
        p.message_en
    );
    assert!(p.message.contains("bom zip"), "{}", p.message);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    // The same file read with the limit raised past it would be unpacked: the limit decides.
    assert!(!reg.sha256.is_empty());
}

#[test]
fn a_workbook_with_cells_at_opposite_corners_is_refused_without_allocating_the_sheet() {
    // Two cells, 17 billion in between: calamine's rectangle would take half a terabyte.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Mã hồ sơ").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let reg = read_with(
        "hoso.xlsx",
        &wb.save_to_buffer().unwrap(),
        &Limits::default(),
    );
    let p = refused(&reg);
    assert!(p.message_en.contains("5000000"), "{}", p.message_en);
    assert_eq!(reg.sheets.len(), 0);
}

#[test]
fn registers_over_the_cell_limits_are_refused() {
    let limits = Limits {
        max_register_cells: 10,
        max_cell_chars: 50,
        ..Limits::default()
    };
    // A header and four rows: ten cells, the limit.
    let rows: String = (1..=4).map(|i| format!("A-{i};Tên {i}\n")).collect();
    let small = format!("Mã hồ sơ;Người nộp\n{rows}");
    assert_eq!(
        read_with("hoso.csv", small.as_bytes(), &limits).rows.len(),
        4
    );
    let more = format!("{small}A-5;Tên 5\n");
    let p = refused(&read_with("hoso.csv", more.as_bytes(), &limits)).clone();
    assert!(
        p.message_en.contains("more than 10 cells"),
        "{}",
        p.message_en
    );
    let long = format!("Mã hồ sơ;Người nộp\nA-1;{}\n", "Nguyễn ".repeat(10));
    let p = refused(&read_with("hoso.csv", long.as_bytes(), &limits)).clone();
    assert!(
        p.message_en.contains("cell B2 holds 70 characters"),
        "{}",
        p.message_en
    );

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tháng 7").unwrap();
    ws.write_string(0, 0, "Mã hồ sơ").unwrap();
    ws.write_string(0, 1, "Người nộp").unwrap();
    ws.write_string(1, 0, "A-1").unwrap();
    ws.write_string(1, 1, "Nguyễn ".repeat(10)).unwrap();
    let book = wb.save_to_buffer().unwrap();
    let p = refused(&read_with("hoso.xlsx", &book, &limits)).clone();
    assert!(p.message_en.contains("Tháng 7!B2"), "{}", p.message_en);
    let roomy = Limits::default();
    assert_eq!(read_with("hoso.xlsx", &book, &roomy).rows.len(), 1);
}

#[test]
fn an_xlsx_copying_a_long_shared_string_into_every_cell_is_refused() {
    // The string is stored once; calamine hands each cell its own copy. 100 cells of 30,000
    // characters are 3 MB of text held; the workbook unpacks to far less than that.
    let limits = Limits {
        max_register_unpacked_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let long = "x".repeat(30_000);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tháng 7").unwrap();
    ws.write_string(0, 0, "Mã hồ sơ").unwrap();
    for r in 1..=100 {
        ws.write_string(r, 0, &long).unwrap();
    }
    let book = wb.save_to_buffer().unwrap();
    let p = refused(&read_with("hoso.xlsx", &book, &limits)).clone();
    assert!(
        p.message_en
            .contains("\"Tháng 7\", the text of the cells read comes to more than 1048576 bytes"),
        "{}",
        p.message_en
    );
    // Under the limit, the same workbook reads.
    assert_eq!(
        read_with("hoso.xlsx", &book, &Limits::default()).rows.len(),
        100
    );
}

#[test]
fn a_register_over_the_byte_limit_is_refused_before_it_is_read() {
    let limits = Limits {
        max_register_bytes: 100,
        ..Limits::default()
    };
    let text = format!("Mã hồ sơ;Người nộp\n{}", "A-1;An\n".repeat(20));
    let reg = read_with("hoso.csv", text.as_bytes(), &limits);
    let p = refused(&reg);
    assert!(
        p.message_en.contains("the limit is 100 bytes"),
        "{}",
        p.message_en
    );
    assert!(reg.sha256.is_empty(), "not read at all");
}

#[test]
fn a_register_behind_a_link_or_a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "Mã hồ sơ;Người nộp\nA-1;An\n").unwrap();
    let link = dir.path().join("hoso.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let reg = read_register(&link, &Mapping::default(), &Limits::default());
    assert_eq!(reg.problems[0].code, "register.unreadable");
    assert!(reg.problems[0].message_en.contains("symbolic link"));
    let fifo = dir.path().join("hoso.xlsx");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reg = read_register(&fifo, &Mapping::default(), &Limits::default());
    assert_eq!(reg.problems[0].code, "register.unreadable");
    assert!(reg.problems[0].message_en.contains("FIFO"));
}

#[test]
fn one_bad_byte_in_a_utf8_bom_csv_keeps_the_register() {
    // Excel's "CSV UTF-8" (with the byte-order mark), one byte broken in a name.
    let text = csv_text(&HEADERS[0], ';');
    let mut bytes = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let at = 3 + text.find("Trần").unwrap() + 1;
    bytes[at] = 0xFF;
    let reg = read_bytes("hoso.csv", &bytes, &Mapping::default());
    assert_eq!(reg.encoding, Some(FileEncoding::Utf8Bom));
    assert_eq!(reg.rows.len(), ROWS.len());
    let p = reg
        .problems
        .iter()
        .find(|p| p.code == "register.bad_bytes")
        .unwrap_or_else(|| panic!("{:#?}", reg.problems));
    assert_eq!(p.row, Some(4));
    assert!(!p.is_error());
    assert_eq!(
        reg.rows[0].fields.get("applicant_name"),
        Some("Nguyễn Văn Đức")
    );
}
