//! Normalization end to end on the sample batch: skewed pages come out straight and bordered
//! pages cropped, every change recorded (metadata and events); blank backs are kept and
//! flagged, or left out with --drop-blank (sources kept in the bag); compact stores by content.

mod common;
use common::*;

fn all_pages(w: &Work, report: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for c in report["cases"].as_array().unwrap() {
        let id = c["case_id"].as_str().unwrap().to_string();
        for p in w.metadata(&id)["pages"].as_array().unwrap() {
            out.push((id.clone(), p.clone()));
        }
    }
    out
}

#[test]
fn every_normalization_is_recorded_in_metadata_and_events() {
    let w = Work::with_samples();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let pages = all_pages(&w, &report);
    let rotated: Vec<_> = pages
        .iter()
        .filter(|(_, p)| p["normalization"]["rotated"].is_number())
        .collect();
    assert!(
        rotated.len() >= 10,
        "the samples are scanned with a slight skew"
    );
    for (id, p) in &rotated {
        // Turned by placement: the scan's pixels are kept (a JPEG's bytes too).
        assert_eq!(p["normalization"]["placed"], true, "{id} {p}");
        assert!(
            !p["conversions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "deskewed"),
            "{id} {p}"
        );
        let angle = p["normalization"]["rotated"].as_f64().unwrap();
        assert!(angle.abs() <= 15.0 && angle.abs() > 0.2);
    }
    assert!(
        pages
            .iter()
            .any(|(_, p)| p["normalization"]["crop"].is_object()),
        "some samples have scanner borders"
    );
    // Unchanged pages pass through: JPEG bytes as they were, deskewed ones as well.
    assert!(pages
        .iter()
        .any(|(_, p)| p["encoding"] == "dct" && p["normalization"]["rotated"].is_null()));
    assert!(pages
        .iter()
        .any(|(_, p)| p["encoding"] == "dct" && p["normalization"]["rotated"].is_number()));
    // The events say what was done, with the parameters.
    let mut notes = String::new();
    for c in report["cases"].as_array().unwrap() {
        let ev: serde_json::Value = serde_json::from_slice(
            &std::fs::read(
                w.bag(c["case_id"].as_str().unwrap())
                    .join("data/events.json"),
            )
            .unwrap(),
        )
        .unwrap();
        for e in ev["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event_type"] == "normalization")
        {
            notes.push_str(e["event_outcome_detail_note"].as_str().unwrap());
        }
    }
    assert!(
        notes.contains("rotated")
            && notes.contains("borders cropped")
            && notes.contains("profile default"),
        "{notes}"
    );
    // Blank backs are kept and flagged by default.
    let blank: Vec<_> = pages
        .iter()
        .filter(|(_, p)| p["normalization"]["blank"] == true)
        .collect();
    assert_eq!(blank.len(), 2, "the samples have two blank backs");
    assert!(report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "page.blank")));
}

#[test]
fn drop_blank_leaves_blank_pages_out_but_keeps_their_sources() {
    let w = Work::with_samples();
    let (_, kept) = w.ingest(&[]);
    let total_kept = kept["summary"]["pages"].as_u64().unwrap();
    let w2 = Work::with_samples();
    let (code, report) = w2.ingest(&["--drop-blank"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["pages"].as_u64().unwrap(), total_kept - 2);
    let mut dropped = 0;
    for c in report["cases"].as_array().unwrap() {
        let id = c["case_id"].as_str().unwrap();
        let meta = w2.metadata(id);
        for d in meta["dropped_pages"].as_array().unwrap() {
            dropped += 1;
            let src = meta["sources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["path"] == d["source"])
                .unwrap();
            let kept_as = w2.bag(id).join(
                src["kept_as"]
                    .as_str()
                    .expect("the dropped page's source is kept"),
            );
            assert_eq!(
                sohoa_archive::hash::sha256_hex(&std::fs::read(kept_as).unwrap()),
                src["sha256"]
            );
            assert!(meta["pages"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["source"] != d["source"] || p["frame"] != d["frame"]));
        }
    }
    assert_eq!(dropped, 2);
    assert_eq!(w2.verify().0, 0);
}

#[test]
fn compact_profile_stores_pages_by_content_and_saves_space() {
    let w = Work::with_samples();
    let (_, default) = w.ingest(&[]);
    let w2 = Work::with_samples();
    let (code, compact) = w2.ingest(&["--profile", "compact"]);
    assert_eq!(code, 0, "{compact:#}");
    let pages = all_pages(&w2, &compact);
    assert!(pages.iter().any(|(_, p)| p["conversions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "gray-to-bilevel" || c == "rgb-to-gray")));
    assert!(
        pages
            .iter()
            .filter(|(_, p)| p["colour"] == "bilevel")
            .count()
            > all_pages(&w, &default)
                .iter()
                .filter(|(_, p)| p["colour"] == "bilevel")
                .count()
    );
    // Pages with a coloured stamp or photo stay colour.
    assert!(pages.iter().any(|(_, p)| p["colour"] == "rgb"));
    let size = |r: &serde_json::Value| r["summary"]["bytes"].as_u64().unwrap();
    assert!(
        size(&compact) < size(&default),
        "compact {} vs default {}",
        size(&compact),
        size(&default)
    );
    assert_eq!(w2.verify().0, 0);
}

#[test]
fn inspect_reports_without_writing_and_bad_profiles_cannot_run() {
    let w = Work::with_samples();
    let file = w.scans().join("Ho so Tran Thi Binh/1.jpg");
    let blank = w.scans().join("Ho so Tran Thi Binh/2.jpg");
    let before = tree_digest(&w.scans());
    let out = w.sohoa(&[
        "inspect",
        file.to_str().unwrap(),
        blank.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v["files"][0]["pages"][0];
    assert!(first["normalization"]["skew"].as_f64().unwrap().abs() > 0.2);
    assert!(first["normalization"]["crop"].is_object());
    assert_eq!(v["files"][1]["pages"][0]["normalization"]["blank"], true);
    assert_eq!(tree_digest(&w.scans()), before);
    assert!(!w.archive().exists());
    let human = w.sohoa(&["inspect", file.to_str().unwrap(), "--lang", "vi"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("nghiêng"));
    let bad = w.sohoa(&[
        "ingest",
        w.scans().to_str().unwrap(),
        "--archive",
        w.archive().to_str().unwrap(),
        "--profile",
        "nope.toml",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}
