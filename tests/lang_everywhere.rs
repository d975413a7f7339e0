//! Vietnamese everywhere a person reads, English with `--lang en`: search facets, errors from
//! search and verify, `inspect` labels and field names in warnings, each in both languages.

mod common;
use common::*;

#[test]
fn channel_facets_read_as_words_in_each_language() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let a = archive.to_str().unwrap();
    let vi = said(&w.sohoa_in("vi", &["search", "", "--archive", a, "--facets"]));
    let line = vi
        .lines()
        .find(|l| l.starts_with("Hình thức nộp:"))
        .unwrap_or_else(|| panic!("{vi}"));
    assert!(
        line.contains("Trực tiếp (2)")
            && line.contains("Trực tuyến (2)")
            && line.contains("Bưu chính (1)"),
        "{line}"
    );
    assert!(
        !line.contains("direct") && !line.contains("postal"),
        "{line}"
    );
    let en = said(&w.sohoa_in("en", &["search", "", "--archive", a, "--facets"]));
    let line = en
        .lines()
        .find(|l| l.starts_with("Channel:"))
        .unwrap_or_else(|| panic!("{en}"));
    assert!(
        line.contains("In person (2)")
            && line.contains("Online (2)")
            && line.contains("By post (1)"),
        "{line}"
    );
    for title in ["Agency:", "Sector:", "Procedure:", "Status:", "Year:"] {
        assert!(en.lines().any(|l| l.starts_with(title)), "{title} {en}");
    }
    // The filter takes the code or the words.
    for value in ["direct", "trực tiếp", "Trực tiếp"] {
        let o = w.sohoa_in(
            "vi",
            &["search", "", "--archive", a, "--channel", value, "--json"],
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["total"], 2, "{value}");
    }
}

#[test]
fn search_errors_are_said_whole_in_the_readers_language() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let a = archive.to_str().unwrap();
    let nowhere = w.dir.path().join("nowhere");
    let n = nowhere.to_str().unwrap();
    let vi = said(&w.sohoa_in("vi", &["search", "x", "--archive", n]));
    assert!(
        vi.contains("Không mở được chỉ mục tìm kiếm: chưa có chỉ mục tìm kiếm")
            && vi.contains("sohoa reindex"),
        "{vi}"
    );
    assert!(!vi.contains("no search index"), "{vi}");
    let en = said(&w.sohoa_in("en", &["search", "x", "--archive", n]));
    assert!(
        en.contains("Cannot open the search index: no search index"),
        "{en}"
    );

    let vi = said(&w.sohoa_in(
        "vi",
        &["search", "x", "--archive", a, "--from", "2025-13-01"],
    ));
    assert!(vi.contains("\"2025-13-01\" không phải là ngày"), "{vi}");
    assert!(!vi.contains("is not a date"), "{vi}");
    let en = said(&w.sohoa_in(
        "en",
        &["search", "x", "--archive", a, "--from", "2025-13-01"],
    ));
    assert!(en.contains("\"2025-13-01\" is not a date"), "{en}");

    // Searching by identity number without the identifier key.
    let no_key = w.dir.path().join("no-key");
    let by_id = |lang: &str| {
        let o = w
            .command()
            .env("SOHOA_LANG", lang)
            .env("SOHOA_ID_KEY", &no_key)
            .args(["search", "cccd:012345678901", "--archive", a])
            .output()
            .unwrap();
        said(&o)
    };
    let vi = by_id("vi");
    assert!(
        vi.contains("tìm theo số định danh cần khóa định danh: không có khóa định danh tại"),
        "{vi}"
    );
    assert!(!vi.contains("identifier key"), "{vi}");
    assert!(by_id("en").contains("needs the identifier key: no identifier key at"));
}

#[test]
fn verify_says_what_is_wrong_with_a_damaged_bag_in_the_readers_language() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let a = archive.to_str().unwrap();
    let id = "000.00.15.H12-250703-0004";
    std::fs::remove_file(w.bag(id).join("data/metadata.json")).unwrap();
    std::fs::remove_file(w.bag("000.00.15.H12-250709-0003").join("bagit.txt")).unwrap();
    std::fs::write(
        w.bag("000.00.21.H36-250704-0012")
            .join("manifest-sha256.txt"),
        "garbage\n",
    )
    .unwrap();
    let vi = said(&w.sohoa_in("vi", &["verify", "--archive", a]));
    assert!(
        vi.contains("BỊ MẤT") && vi.contains("data/metadata.json"),
        "{vi}"
    );
    assert!(
        vi.contains("Payload-Oxum ghi") && vi.contains("nhưng data/ có"),
        "{vi}"
    );
    assert!(vi.contains("bagit.txt: bị mất"), "{vi}");
    assert!(vi.contains("dòng 1 sai dạng"), "{vi}");
    for english in ["but data/ holds", "bagit.txt: missing", "is malformed"] {
        assert!(!vi.contains(english), "{english}: {vi}");
    }
    let en = said(&w.sohoa_in("en", &["verify", "--archive", a]));
    for english in [
        "but data/ holds",
        "bagit.txt: missing",
        "line 1 is malformed",
    ] {
        assert!(en.contains(english), "{english}: {en}");
    }
    // The JSON report keeps its English problems.
    let (_, json) = w.verify();
    let problems = json["bags"].to_string();
    assert!(problems.contains("bagit.txt: missing"), "{problems}");
    assert!(!problems.contains("bị mất"), "{problems}");
}

#[test]
fn inspect_labels_read_in_the_readers_language_and_json_keeps_codes() {
    let w = Work::with_samples();
    let case = w.scans().join("000.00.15.H12-250703-0004");
    let files: Vec<String> = ["trang_1.png", "trang_2.png", "trang_3.png"]
        .iter()
        .map(|f| case.join(f).to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["inspect"];
    args.extend(files.iter().map(String::as_str));
    let vi = said(&w.sohoa_in("vi", &args));
    for said in [
        "200 dpi (ghi trong tệp)",
        "200 dpi (suy ra theo khổ giấy)",
        "nội dung xám",
        "nội dung đen trắng",
        "lưu CCITT G4",
        "lưu Flate",
    ] {
        assert!(vi.contains(said), "{said}: {vi}");
    }
    for code in [
        "(File)",
        "(Inferred)",
        "gray",
        "bilevel",
        "ccitt-g4",
        "flate",
    ] {
        assert!(!vi.contains(code), "{code}: {vi}");
    }
    let en = said(&w.sohoa_in("en", &args));
    for said in [
        "200 dpi (from the file)",
        "200 dpi (inferred from the paper size)",
        "content gray",
        "content black and white",
        "stored as CCITT G4",
        "stored as Flate",
    ] {
        assert!(en.contains(said), "{said}: {en}");
    }
    args.push("--json");
    let json: serde_json::Value = serde_json::from_slice(&w.sohoa_in("vi", &args).stdout).unwrap();
    let page = &json["files"][0]["pages"][0];
    assert_eq!(page["dpi_source"], "file");
    assert_eq!(page["encoding"], "flate");
    assert_eq!(page["normalization"]["content"], "gray");
}

#[test]
fn warnings_name_fields_by_their_vietnamese_label() {
    let w = Work::empty();
    let csv = w.dir.path().join("so.csv");
    std::fs::write(
        &csv,
        "Số hồ sơ,Họ và tên,Ngày nhận hồ sơ,Số trang,Ngày nhận hồ sơ (bản 2)\n\
         HS-1,Nguyễn Văn An,31/02/2025,ba,01/07/2025\n",
    )
    .unwrap();
    let c = csv.to_str().unwrap();
    let vi = said(&w.sohoa_in("vi", &["register", "check", c]));
    assert!(
        vi.contains("trường Ngày tiếp nhận") && vi.contains("trường Số lượng trang"),
        "{vi}"
    );
    for key in ["received_date", "number_of_page"] {
        let warned: Vec<&str> = vi
            .lines()
            .filter(|l| l.contains("[register.bad_"))
            .collect();
        assert_eq!(warned.len(), 2, "{vi}");
        assert!(warned.iter().all(|l| !l.contains(key)), "{key}: {warned:?}");
    }
    let en = said(&w.sohoa_in("en", &["register", "check", c]));
    assert!(
        en.contains("in received_date") && en.contains("in number_of_page"),
        "{en}"
    );
}
