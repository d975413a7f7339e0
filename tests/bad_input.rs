//! Bad input never stops the batch and never loses data: each broken file gets an error
//! naming the file and the reason, its case is not bagged, the other cases are, the
//! originals are untouched, a report is written and the exit code says "partial" (1).

mod common;
use common::*;
use std::path::Path;

fn png_bytes() -> Vec<u8> {
    let img = image::GrayImage::from_fn(400, 560, |x, y| image::Luma([((x + y) % 256) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A scan folder with one good case and one case per kind of bad file.
fn batch_with_bad_files(w: &Work) -> Vec<(&'static str, &'static str, &'static str)> {
    let s = w.scans();
    let write = |rel: &str, bytes: &[u8]| {
        let p = s.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    let jpeg = jpeg_bytes();
    write("good/1.jpg", &jpeg);
    write("good/2.png", &png_bytes());
    let cases = vec![
        ("truncated", "2.jpg", "page.truncated"),
        ("zero", "2.png", "page.empty_file"),
        ("notimage", "2.jpg", "page.not_an_image"),
        ("badpng", "2.png", "page.corrupt"),
        ("badtiff", "2.tif", "page.truncated"),
        ("badsidecar", "hoso.json", "sidecar.bad_json"),
        ("cutpng", "2.png", "page.truncated"),
    ];
    for (case, _, _) in &cases {
        write(&format!("{case}/1.jpg"), &jpeg);
    }
    write("truncated/2.jpg", &jpeg[..jpeg.len() * 2 / 3]);
    write("zero/2.png", b"");
    write("notimage/2.jpg", b"This is a text file, not a scan.\n");
    let mut png = png_bytes();
    let mid = png.len() / 2;
    png[mid..mid + 64].iter_mut().for_each(|b| *b ^= 0x5A);
    write("badpng/2.png", &png);
    write(
        "badtiff/2.tif",
        b"II*\0\x08\0\0\0\xff\xff garbage after a TIFF header",
    );
    write(
        "badsidecar/hoso.json",
        b"{\"title\": \"Thi\xe1\xba\xbfu ngo\xe1\xba\xb7c",
    );
    let png = png_bytes();
    write("cutpng/2.png", &png[..png.len() - 200]);
    cases
}

#[test]
fn each_bad_file_fails_only_its_case_with_a_clear_error() {
    let w = Work::empty();
    let cases = batch_with_bad_files(&w);
    let before = tree_digest(&w.scans());
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 1, "partial: {report:#}");
    assert_eq!(
        tree_digest(&w.scans()),
        before,
        "originals must never be modified"
    );

    let good = case_result(&report, "good");
    assert_eq!(good["status"], "ingested");
    assert!(w.bag("good").join("data/good.pdf").is_file());

    for (case, file, code) in cases {
        let r = case_result(&report, case);
        assert_eq!(r["status"], "failed", "{case}: {r:#}");
        let errors = r["errors"].as_array().unwrap();
        let hit = errors.iter().find(|e| e["code"] == code);
        let hit = hit.unwrap_or_else(|| panic!("{case}: no {code} error in {errors:#?}"));
        assert_eq!(
            hit["file"],
            format!("{case}/{file}"),
            "{case}: the error names the file"
        );
        assert!(
            !hit["message"].as_str().unwrap().is_empty()
                && !hit["message_en"].as_str().unwrap().is_empty()
        );
        assert!(!w.bag(case).exists(), "{case}: a failed case is not bagged");
    }
    // No half-written bag anywhere.
    for e in std::fs::read_dir(w.archive().join("bags")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            !name.starts_with(".tmp"),
            "temporary bag {name} left behind"
        );
    }
    // The machine-readable report is on disk and says the same.
    let path = w.archive().join(report["report_path"].as_str().unwrap());
    let on_disk: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(on_disk["summary"], report["summary"]);
    let (vcode, _) = w.verify();
    assert_eq!(vcode, 0, "the bags that were written are valid");
}

#[test]
fn fixing_the_file_and_rerunning_completes_the_case() {
    let w = Work::empty();
    batch_with_bad_files(&w);
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 1);
    std::fs::write(w.scans().join("truncated/2.jpg"), jpeg_bytes()).unwrap();
    let (_, report) = w.ingest(&[]);
    assert_eq!(case_result(&report, "truncated")["status"], "ingested");
    assert_eq!(case_result(&report, "good")["status"], "skipped");
}

#[test]
fn missing_scan_folder_cannot_run() {
    let w = Work::empty();
    let missing = w.dir.path().join("nope");
    let out = w.sohoa(&[
        "ingest",
        missing.to_str().unwrap(),
        "--archive",
        w.archive().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

#[test]
fn a_second_ingest_into_a_locked_archive_is_refused() {
    let w = Work::empty();
    batch_with_bad_files(&w);
    std::fs::create_dir_all(w.archive()).unwrap();
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(w.archive().join(".sohoa.lock"))
        .unwrap();
    // SAFETY: flock on a descriptor this test owns.
    let rc = unsafe {
        libc::flock(
            std::os::fd::AsRawFd::as_raw_fd(&lock),
            libc::LOCK_EX | libc::LOCK_NB,
        )
    };
    assert_eq!(rc, 0);
    let out = w.sohoa(&[
        "ingest",
        w.scans().to_str().unwrap(),
        "--archive",
        w.archive().to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!Path::new(&w.bag("good")).exists());
}

#[test]
fn two_folders_with_the_same_case_code_do_not_overwrite_each_other() {
    let w = Work::empty();
    let s = w.scans();
    for f in ["a", "b"] {
        std::fs::create_dir_all(s.join(f)).unwrap();
        std::fs::write(s.join(f).join("1.jpg"), jpeg_bytes()).unwrap();
    }
    std::fs::write(s.join("hoso.csv"), "Mã hồ sơ,Thư mục\nX-1,a\nX-1,b\n").unwrap();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 1);
    assert_eq!(case_result(&report, "a")["status"], "ingested");
    let b = case_result(&report, "b");
    assert_eq!(b["status"], "failed");
    assert_eq!(b["errors"][0]["code"], "ingest.duplicate_case_id");
}

#[test]
fn a_note_or_a_document_in_a_case_folder_is_kept_in_the_bag_not_refused() {
    let w = Work::empty();
    let s = w.scans();
    std::fs::create_dir_all(s.join("HS note/01 To khai")).unwrap();
    std::fs::write(s.join("HS note/1.jpg"), jpeg_bytes()).unwrap();
    std::fs::write(s.join("HS note/01 To khai/2.png"), png_bytes()).unwrap();
    let note = "Ghi chú: bản gốc trả lại công dân ngày 05/07/2025\n".as_bytes();
    std::fs::write(s.join("HS note/ghi chú.txt"), note).unwrap();
    std::fs::write(
        s.join("HS note/01 To khai/đơn.docx"),
        b"PK\x03\x04 not really",
    )
    .unwrap();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let r = case_result(&report, "HS note");
    assert_eq!(r["status"], "ingested", "{r:#}");
    assert_eq!(r["pages"], 2, "only the images are pages");
    let warned: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "scan.other_file_kept")
        .map(|p| p["file"].as_str().unwrap())
        .collect();
    assert_eq!(warned.len(), 2, "{r:#}");
    let id = r["case_id"].as_str().unwrap();
    let bag = w.bag(id);
    assert_eq!(
        std::fs::read(bag.join("data/originals/ghi chú.txt")).unwrap(),
        note,
        "kept byte for byte"
    );
    assert!(bag.join("data/originals/01 To khai/đơn.docx").is_file());
    let meta = w.metadata(id);
    let attachments: Vec<&serde_json::Value> = meta["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["attachment"] == true)
        .collect();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0]["pages"], 0);
    assert!(attachments[0]["kept_as"]
        .as_str()
        .unwrap()
        .starts_with("data/originals/"));
    // Page images are not kept (no --keep-originals) and carry no attachment flag.
    assert!(!bag.join("data/originals/1.jpg").exists());
    assert!(meta["sources"][0].get("attachment").is_none());
    // The bag is valid (its manifest covers the kept files), and a second run sees no change.
    let (vcode, v) = w.verify();
    assert_eq!(vcode, 0, "{v:#}");
    let (code, again) = w.ingest(&[]);
    assert_eq!(code, 0);
    assert_eq!(case_result(&again, "HS note")["status"], "skipped");
}
