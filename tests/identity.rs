//! Case identity: a case code already stored from another source is refused (both sources
//! named) unless `--replace`, which keeps the old version and records why; the same scans stored
//! under another id are named as a likely duplicate, and `sohoa withdraw` moves a case out of the
//! archive without deleting anything. A case folder given as the scan folder stops the run.

mod common;
use common::*;
use serde_json::Value;

/// A case folder with one JPEG page whose pixels depend on `seed` (different scans).
fn case(w: &Work, folder: &str, seed: u8) {
    let dir = w.scans().join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    let img = image::RgbImage::from_fn(400, 560, |x, y| {
        image::Rgb([(x as u8).wrapping_add(seed), (y % 256) as u8, seed])
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
    enc.encode_image(&img).unwrap();
    std::fs::write(dir.join("1.jpg"), out).unwrap();
}

fn register(w: &Work, rows: &[(&str, &str, &str)]) {
    let mut csv = String::from("Mã hồ sơ,Thư mục,Họ tên người nộp\n");
    for (code, folder, name) in rows {
        csv.push_str(&format!("{code},{folder},{name}\n"));
    }
    std::fs::write(w.scans().join("hoso.csv"), csv).unwrap();
}

fn search(w: &Work, q: &str) -> Value {
    let a = w.archive();
    let out = w.sohoa(&["search", q, "--archive", a.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_case_code_stored_from_another_source_is_refused_unless_replaced() {
    let w = Work::empty();
    case(&w, "lo1-a", 1);
    register(&w, &[("X-0001", "lo1-a", "Nguyễn Văn An")]);
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);

    // Another batch: the same code, another applicant, other scans.
    let w2 = Work::empty();
    case(&w2, "lo2-b", 2);
    register(&w2, &[("X-0001", "lo2-b", "Trần Thị Bình")]);
    let scans2 = w2.scans();
    let archive = w.archive();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "ingest",
            scans2.to_str().unwrap(),
            "--archive",
            archive.to_str().unwrap(),
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = w.sohoa(&args);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), v)
    };
    let (code, report) = run(&[]);
    assert_eq!(code, 1, "{report:#}");
    let r = case_result(&report, "lo2-b");
    assert_eq!(r["status"], "failed");
    let e = &r["errors"][0];
    assert_eq!(e["code"], "ingest.case_code_taken");
    let msg = e["message_en"].as_str().unwrap();
    for name in [
        "lo1-a",
        "Nguyễn Văn An",
        "lo2-b",
        "Trần Thị Bình",
        "--replace",
    ] {
        assert!(msg.contains(name), "both sources named: {msg}");
    }
    // The first applicant is still found, and still version 1.
    assert_eq!(
        w.metadata("X-0001")["case"]["applicant_name"],
        "Nguyễn Văn An"
    );
    assert_eq!(search(&w, "nguyen van an")["total"], 1);

    // With --replace: version 2, the old one kept, the reason recorded.
    let (code, report) = run(&["--replace", "--reason", "mã hồ sơ cấp lại theo QĐ 12"]);
    assert_eq!(code, 0, "{report:#}");
    let m = w.metadata("X-0001");
    assert_eq!(m["version"], 2);
    assert_eq!(m["case"]["applicant_name"], "Trần Thị Bình");
    let old = archive.join(m["previous_version"]["path"].as_str().unwrap());
    assert!(
        old.join("data/metadata.json").is_file(),
        "the old version is kept"
    );
    let events = std::fs::read_to_string(w.bag("X-0001").join("data/events.json")).unwrap();
    assert!(events.contains("mã hồ sơ cấp lại theo QĐ 12") && events.contains("Nguyễn Văn An"));
    let (code, v) = w.verify();
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn a_rescan_of_the_same_applicant_is_a_new_version_not_a_conflict() {
    let w = Work::empty();
    case(&w, "a", 1);
    register(&w, &[("X-0002", "a", "Lê Văn Cường")]);
    assert_eq!(w.ingest(&[]).0, 0);
    case(&w, "a", 9); // every page scanned again
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(w.metadata("X-0002")["version"], 2);
}

#[test]
fn the_same_scans_under_another_id_are_named_and_can_be_withdrawn() {
    let w = Work::empty();
    case(&w, "a", 3);
    register(&w, &[("X-0003", "a", "Phạm Thị Dung")]);
    assert_eq!(w.ingest(&[]).0, 0);
    // The register is corrected (a typo in the code): the same scans get another id.
    register(&w, &[("X-0030", "a", "Phạm Thị Dung")]);
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let r = case_result(&report, "a");
    assert_eq!(r["case_id"], "X-0030");
    let warn = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "ingest.likely_duplicate")
        .unwrap_or_else(|| panic!("no duplicate named: {r:#}"));
    let msg = warn["message_en"].as_str().unwrap();
    assert!(
        msg.contains("X-0003") && msg.contains("sohoa withdraw X-0003"),
        "{msg}"
    );
    assert_eq!(search(&w, "pham thi dung")["total"], 2);

    // Withdraw the wrong one: nothing deleted, search forgets it, verify still clean.
    let archive = w.archive();
    let out = w.sohoa(&[
        "withdraw",
        "X-0003",
        "--archive",
        archive.to_str().unwrap(),
        "--reason",
        "lưu trùng do sai mã trong sổ",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], "withdrawn/X-0003/2");
    assert!(!w.bag("X-0003").exists());
    let kept = archive.join("withdrawn/X-0003/2");
    let m: Value =
        serde_json::from_slice(&std::fs::read(kept.join("data/metadata.json")).unwrap()).unwrap();
    assert_eq!(m["withdrawn"]["reason"], "lưu trùng do sai mã trong sổ");
    assert!(archive
        .join("versions/X-0003/1/data/metadata.json")
        .is_file());
    let events = std::fs::read_to_string(kept.join("data/events.json")).unwrap();
    assert!(events.contains("deaccession") && events.contains("lưu trùng do sai mã trong sổ"));
    let found = search(&w, "pham thi dung");
    assert_eq!(found["total"], 1);
    assert_eq!(found["hits"][0]["case_id"], "X-0030");
    let (code, v) = w.verify();
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        v["summary"]["bags"], 3,
        "current, kept and withdrawn bags all verified"
    );

    // Withdrawing what is not there, or without a reason, does nothing.
    let out = w.sohoa(&[
        "withdraw",
        "X-0003",
        "--archive",
        archive.to_str().unwrap(),
        "--reason",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = w.sohoa(&[
        "withdraw",
        "X-0030",
        "--archive",
        archive.to_str().unwrap(),
        "--reason",
        " ",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(w.bag("X-0030").is_dir());
}

#[test]
fn a_damaged_bag_is_not_withdrawn() {
    let w = Work::empty();
    case(&w, "a", 4);
    assert_eq!(w.ingest(&[]).0, 0);
    let pdf = w.bag("a").join("data/a.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xFF;
    std::fs::write(&pdf, bytes).unwrap();
    let archive = w.archive();
    let out = w.sohoa(&[
        "withdraw",
        "a",
        "--archive",
        archive.to_str().unwrap(),
        "--reason",
        "thử",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not intact"));
    assert!(w.bag("a").is_dir() && !archive.join("withdrawn").exists());
}

#[test]
fn a_case_folder_given_as_the_scan_folder_stops_naming_the_folder_to_use() {
    let w = Work::with_samples();
    let one = w.scans().join("000.00.15.H12-250701-0001");
    let archive = w.archive();
    let out = w.sohoa(&[
        "ingest",
        one.to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let parent = std::fs::canonicalize(w.scans()).unwrap();
    assert!(err.contains("one case folder"), "{err}");
    assert!(
        err.contains(parent.to_str().unwrap()),
        "names the folder to use: {err}"
    );
    assert!(!archive.join("bags").exists(), "nothing written");
}

#[test]
fn a_withdrawn_case_is_not_stored_again_silently() {
    let w = Work::empty();
    case(&w, "a", 5);
    register(&w, &[("X-0005", "a", "Võ Thị Em")]);
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let out = w.sohoa(&[
        "withdraw",
        "X-0005",
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
    // The same batch again: the withdrawal is not undone behind the archivist's back.
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 1, "{report:#}");
    let e = &case_result(&report, "a")["errors"][0];
    assert_eq!(e["code"], "ingest.case_withdrawn");
    assert!(e["message_en"].as_str().unwrap().contains("nộp nhầm"));
    assert!(!w.bag("X-0005").exists());
    // On purpose, with a reason: a new version, the withdrawn one kept.
    let (code, report) = w.ingest(&["--replace", "--reason", "rút nhầm, lưu lại"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(w.metadata("X-0005")["version"], 3);
    assert!(archive.join("withdrawn/X-0005/2").is_dir());
    let events = std::fs::read_to_string(w.bag("X-0005").join("data/events.json")).unwrap();
    assert!(events.contains("rút nhầm, lưu lại"));
}

#[test]
fn replace_needs_a_reason_and_the_same_identity_number_is_the_same_applicant() {
    let w = Work::empty();
    case(&w, "a", 6);
    let scans = w.scans();
    let archive = w.archive();
    let out = w.sohoa(&[
        "ingest",
        scans.to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
        "--replace",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--replace without --reason is refused"
    );
    // Two applicants with the same name but other identity numbers are two cases.
    std::fs::write(
        scans.join("hoso.csv"),
        "Mã hồ sơ,Thư mục,Họ tên người nộp,Số CCCD\nX-0006,a,Nguyễn Văn An,040093878972\n",
    )
    .unwrap();
    assert_eq!(w.ingest(&[]).0, 0);
    let w2 = Work::empty();
    case(&w2, "b", 7);
    std::fs::write(
        w2.scans().join("hoso.csv"),
        "Mã hồ sơ,Thư mục,Họ tên người nộp,Số CCCD\nX-0006,b,Nguyễn Văn An,001085012345\n",
    )
    .unwrap();
    let out = w.sohoa(&[
        "ingest",
        w2.scans().to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
        "--json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(
        case_result(&report, "b")["errors"][0]["code"],
        "ingest.case_code_taken"
    );
}
