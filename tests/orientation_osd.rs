//! Tesseract's orientation detection end to end (needs `tesseract-ocr-osd`, as `.ci/run`
//! installs): a real page whose own lines cannot tell its way up (Leptonica's `german.png`, a
//! Fraktur page at 93 dpi) is turned upright by `sohoa inspect` and by ingest when Tesseract
//! tells, recorded with who told it; the upright page is left alone, and a profile with
//! `osd = false` keeps the page's own verdict.

mod common;

use common::Work;
use image::imageops;
use std::path::{Path, PathBuf};

const CASE: &str = "HS-OSD-0001";

fn german() -> image::GrayImage {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/imaging/tests/data/real/german.png");
    image::open(&path).unwrap().to_luma8()
}

/// The page turned counter-clockwise by `ccw` degrees (0, 90, 180), written as PNG in `dir`.
fn turned(dir: &Path, ccw: u16) -> PathBuf {
    let page = german();
    let page = match ccw {
        0 => page,
        90 => imageops::rotate270(&page),
        180 => imageops::rotate180(&page),
        _ => unreachable!(),
    };
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join(format!("german-{ccw:03}.png"));
    page.save(&file).unwrap();
    file
}

/// `sohoa inspect --json` of one file (with `extra` options): its page's normalization.
fn inspect(w: &Work, file: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["inspect", file.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let out = w.sohoa(&args);
    assert!(out.status.success(), "{}", common::said(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["files"][0]["pages"][0]["normalization"].clone()
}

#[test]
fn a_page_its_lines_cannot_tell_is_turned_upright_by_tesseract_and_the_record_says_who() {
    let w = Work::empty();
    let dir = w.scans().join("loose");
    for (ccw, turn) in [(90, 90), (180, 180)] {
        let n = inspect(&w, &turned(&dir, ccw), &[]);
        assert_eq!(n["orientation"], turn, "turned {ccw} ccw: {n:#}");
        assert_eq!(n["sideways"], ccw == 90, "{n:#}");
        let by = n["orientation_told_by"].as_str().unwrap_or_default();
        let sure = n["orientation_confidence"].as_f64().unwrap_or_default();
        assert!(
            by.starts_with("Tesseract 5") && by.ends_with(" OSD") && sure >= 2.5,
            "{n:#}"
        );
    }
    // Said to people too.
    let file = turned(&dir, 90);
    let out = w.sohoa(&["inspect", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("turned 90° clockwise to stand upright (told by Tesseract 5"),
        "{text}"
    );
    let n = inspect(&w, &turned(&dir, 0), &[]);
    assert!(n["orientation"].is_null(), "upright: {n:#}");
    assert!(n["orientation_told_by"].is_null(), "upright: {n:#}");
    assert!(n["orientation_confidence"].is_null(), "upright: {n:#}");

    // A profile that does not ask: the page's own verdict (not told which way up).
    let own = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/default.toml"),
    )
    .unwrap()
    .replace("osd = true", "osd = false");
    let profile = w.scans().join("own.toml");
    std::fs::write(&profile, own).unwrap();
    let n = inspect(
        &w,
        &turned(&dir, 90),
        &["--profile", profile.to_str().unwrap()],
    );
    assert!(n["orientation"].is_null(), "osd = false: {n:#}");
    assert!(n["orientation_told_by"].is_null(), "osd = false: {n:#}");
}

#[test]
fn ingest_turns_the_page_by_its_pdf_rotation_and_records_it() {
    let w = Work::empty();
    let case = w.scans().join(CASE);
    turned(&case, 90);
    let (code, report) = w.ingest(&["--ocr", "on"]);
    assert_eq!(code, 0, "{report:#}");
    let meta = w.metadata(CASE);
    let page = &meta["pages"][0];
    assert_eq!(page["rotate"], 90, "{page:#}");
    assert_eq!(page["normalization"]["orientation"], 90, "{page:#}");
    assert!(page["normalization"]["orientation_told_by"]
        .as_str()
        .is_some_and(|s| s.starts_with("Tesseract 5")));
    // The event says who told the turn.
    let bag = w.bag(CASE);
    let events = std::fs::read_to_string(bag.join("data/events.json")).unwrap();
    assert!(
        events.contains("turned 90 deg clockwise to stand upright, told by Tesseract 5"),
        "{events}"
    );
}
