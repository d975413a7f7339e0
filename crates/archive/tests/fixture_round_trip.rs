//! The archive an earlier release made (`tests/fixtures/archive-v0.1`, see its README.md) read
//! through the contract types: every case record and event log loads whole and writes back to
//! the same JSON, and every bag-info, manifest and page record reads as that release wrote it.

use serde_json::Value;
use sohoa_archive::bag::reader::{Bag, TAG_FILE_LIMIT};
use sohoa_archive::events::EventLog;
use sohoa_archive::record::{self, CaseRecord, Colour, Encoding};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/archive-v0.1")
}

/// Every bag of the fixture, relative to it: current, earlier versions and withdrawn.
fn bags() -> Vec<String> {
    let root = fixture();
    let mut out = Vec::new();
    let names = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    for id in names(&root.join("bags")) {
        out.push(format!("bags/{id}"));
    }
    for kept in ["versions", "withdrawn"] {
        for id in names(&root.join(kept)) {
            for n in names(&root.join(kept).join(&id)) {
                out.push(format!("{kept}/{id}/{n}"));
            }
        }
    }
    out
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn every_record_loads_whole_and_writes_back_unchanged() {
    let all = bags();
    assert_eq!(all.len(), 11, "the fixture's bags: {all:?}");
    for rel in &all {
        let bag = Bag::open(&fixture(), rel).unwrap();
        let bytes = bag.read(record::PATH, TAG_FILE_LIMIT).unwrap();
        let loaded = record::load(&bytes).unwrap();
        assert!(loaded.is_whole(), "{rel}: {}", loaded.describe());
        let written = loaded.record.to_json();
        assert_eq!(json(&written), json(&bytes), "{rel}: metadata.json changed");
        // And the written form reads back to the same record.
        assert_eq!(record::load(&written).unwrap().record, loaded.record);
    }
}

#[test]
fn every_event_log_loads_and_writes_back_unchanged() {
    for rel in bags() {
        let bag = Bag::open(&fixture(), &rel).unwrap();
        let bytes = bag.read("data/events.json", TAG_FILE_LIMIT).unwrap();
        let log = EventLog::load(&bytes).unwrap();
        assert!(!log.events.is_empty(), "{rel}: no events");
        assert_eq!(
            json(&log.to_json()),
            json(&bytes),
            "{rel}: events.json changed"
        );
        assert_eq!(bag.events().unwrap(), log);
    }
}

#[test]
fn the_records_say_what_the_release_stored() {
    let root = fixture();
    let record =
        |rel: &str| -> CaseRecord { Bag::open(&root, rel).unwrap().record().unwrap().record };
    let first = record("bags/000.00.15.H12-260701-0001");
    assert!(first.is_sohoa());
    assert_eq!(first.components.len(), 2);
    let encodings: Vec<Encoding> = first.pages.iter().map(|p| p.encoding).collect();
    assert!(encodings.contains(&Encoding::CcittG4) && encodings.contains(&Encoding::Dct));
    assert!(first.extra.contains_key("STT"), "{:?}", first.extra);
    let tcvn3 = record("bags/000.00.15.H12-260702-0001");
    assert_eq!(tcvn3.text_conversions.len(), 1);
    assert_eq!(tcvn3.text_conversions[0].encoding, "tcvn3");
    let withdrawn = record("withdrawn/000.00.15.H12-260706-0001/2");
    let w = withdrawn.withdrawn.expect("the withdrawal is recorded");
    assert_eq!(w.from, "bags/000.00.15.H12-260706-0001");
    assert_eq!(withdrawn.previous_version.unwrap().version, 1);
    let ocr = record("bags/000.00.15.H12-260708-0001");
    assert!(ocr
        .pages
        .iter()
        .all(|p| p.ocr.as_ref().is_some_and(|o| o.status == "done")));
    let gray = record("bags/000.00.21.H36-260703-0001");
    assert!(gray.pages.iter().any(|p| p.colour == Colour::Gray));
    let none = record("bags/HS-chua-co-thong-tin");
    assert_eq!(
        (none.metadata_status.as_str(), none.version),
        ("incomplete", 2)
    );
}

#[test]
fn bag_info_and_manifests_read_as_written() {
    let root = fixture();
    for rel in bags() {
        let bag = Bag::open(&root, &rel).unwrap();
        let info = bag.bag_info().unwrap();
        for label in [
            sohoa_archive::bag::label::BAGGING_DATE,
            sohoa_archive::bag::label::BAG_SOFTWARE_AGENT,
            sohoa_archive::bag::label::SOHOA_BAG_VERSION,
            sohoa_archive::bag::label::PAYLOAD_OXUM,
        ] {
            assert!(info.get(label).is_some(), "{rel}: no {label}");
        }
        let manifest = bag.manifest(sohoa_archive::bag::PAYLOAD_MANIFEST);
        assert!(
            manifest.problems.is_empty(),
            "{rel}: {:?}",
            manifest.problems
        );
        let loaded = bag.record().unwrap().record;
        if let Some(s) = &loaded.bundle {
            assert_eq!(
                manifest.entries.get(&s.path),
                Some(&s.sha256),
                "{rel}: bundle digest"
            );
        }
    }
}
