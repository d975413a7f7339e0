//! `sohoa verify` finds every kind of damage, file by file: a flipped byte and a truncated
//! file are "changed", a deleted file "missing", a planted file "unexpected"; exit 1.

mod common;
use common::*;

fn status_of<'a>(v: &'a serde_json::Value, bag: &str, file: &str) -> &'a serde_json::Value {
    let b = v["bags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["path"] == format!("bags/{bag}"))
        .unwrap();
    &b["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == file)
        .unwrap_or_else(|| panic!("{file} not reported: {b:#}"))["status"]
}

#[test]
fn verify_reports_changed_missing_and_unexpected_files() {
    let w = Work::with_samples();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0);
    let ids: Vec<String> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 4);
    let (code, clean) = w.verify();
    assert_eq!(code, 0, "{clean:#}");

    // 1. One flipped byte in the middle of a bundle.
    let pdf = w.bag(&ids[0]).join(format!("data/{}.pdf", ids[0]));
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&pdf, &bytes).unwrap();
    // 2. A truncated metadata file.
    let meta = w.bag(&ids[1]).join("data/metadata.json");
    let m = std::fs::read(&meta).unwrap();
    std::fs::write(&meta, &m[..m.len() / 2]).unwrap();
    // 3. A missing events file.
    std::fs::remove_file(w.bag(&ids[2]).join("data/events.json")).unwrap();
    // 4. An extra file in the payload, and one next to the tag files.
    std::fs::write(
        w.bag(&ids[3]).join("data/extra.txt"),
        b"not part of the bag",
    )
    .unwrap();

    let (code, v) = w.verify();
    assert_eq!(code, 1);
    assert_eq!(
        status_of(&v, &ids[0], &format!("data/{}.pdf", ids[0])),
        "changed"
    );
    assert_eq!(status_of(&v, &ids[1], "data/metadata.json"), "changed");
    assert_eq!(status_of(&v, &ids[2], "data/events.json"), "missing");
    assert_eq!(status_of(&v, &ids[3], "data/extra.txt"), "unexpected");
    assert_eq!(v["summary"]["invalid"], 4);
    assert_eq!(v["summary"]["valid"], ids.len() - 4);
    assert_eq!(v["summary"]["files"]["changed"], 2);
    assert_eq!(v["summary"]["files"]["missing"], 1);
    assert_eq!(v["summary"]["files"]["unexpected"], 1);
    // The untouched files of a damaged bag are still reported ok.
    assert_eq!(status_of(&v, &ids[0], "data/metadata.json"), "ok");

    // Human output names the files, and the fixity log has one line per bag per run.
    let archive = w.archive();
    let out = w.sohoa(&["verify", "--archive", archive.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("CHANGED") && text.contains("MISSING") && text.contains("UNEXPECTED"),
        "{text}"
    );
    let log = std::fs::read_to_string(archive.join("logs/fixity.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 3 * ids.len());
}

#[test]
fn verify_of_a_missing_archive_cannot_run() {
    let w = Work::empty();
    let out = w.sohoa(&[
        "verify",
        "--archive",
        w.dir.path().join("none").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
