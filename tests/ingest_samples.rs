//! End to end on the committed sample batch: every case becomes a valid bag holding a
//! PDF/A-2b bundle with the right pages, metadata and events; reruns skip unchanged cases;
//! a changed case gets a new version and the old bag is kept.

mod common;
use common::*;
use lopdf::Document;

#[test]
fn sample_batch_ingests_every_case_into_valid_bags() {
    let w = Work::with_samples();
    let before = tree_digest(&w.scans());
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let folders = case_folders(&w.scans());
    assert_eq!(report["summary"]["cases"], folders.len());
    assert_eq!(report["summary"]["ingested"], folders.len());
    assert_eq!(
        tree_digest(&w.scans()),
        before,
        "originals must never be modified"
    );

    let mut total_pages = 0;
    for c in report["cases"].as_array().unwrap() {
        let id = c["case_id"].as_str().unwrap();
        let bag = w.bag(id);
        for f in [
            "bagit.txt",
            "bag-info.txt",
            "manifest-sha256.txt",
            "tagmanifest-sha256.txt",
            "data/metadata.json",
            "data/events.json",
        ] {
            assert!(bag.join(f).is_file(), "{id}: {f} missing");
        }
        let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
        for label in [
            "Source-Organization:",
            "External-Identifier:",
            "Bagging-Date:",
            "Payload-Oxum:",
            "Bag-Software-Agent:",
        ] {
            assert!(info.contains(label), "{id}: bag-info lacks {label}");
        }
        let meta = w.metadata(id);
        let pages = meta["pages"].as_array().unwrap();
        let pdf = Document::load(bag.join(format!("data/{id}.pdf"))).unwrap();
        assert_eq!(
            pdf.get_pages().len(),
            pages.len(),
            "{id}: PDF pages vs metadata"
        );
        assert_eq!(c["pages"], pages.len());
        total_pages += pages.len();
        // Every source file has its SHA-256, and it is the file's real digest.
        for s in meta["sources"].as_array().unwrap() {
            let src = w
                .scans()
                .join(meta["source_folder"].as_str().unwrap())
                .join(s["path"].as_str().unwrap());
            let bytes = std::fs::read(&src).unwrap();
            assert_eq!(
                s["sha256"],
                sohoa_archive::hash::sha256_hex(&bytes),
                "{}",
                src.display()
            );
        }
        // JPEG pages are embedded byte for byte.
        let page_ids = pdf.get_pages();
        for p in pages.iter().filter(|p| p["encoding"] == "dct") {
            let src = w
                .scans()
                .join(meta["source_folder"].as_str().unwrap())
                .join(p["source"].as_str().unwrap());
            let page_id = page_ids[&(p["number"].as_u64().unwrap() as u32)];
            let (_, xobjects) = pdf.get_page_resources(page_id).unwrap();
            let _ = xobjects;
            let images = pdf.get_page_images(page_id).unwrap();
            assert_eq!(images.len(), 1);
            assert_eq!(
                images[0].content,
                std::fs::read(&src).unwrap().as_slice(),
                "{id} page {}",
                p["number"]
            );
        }
        // The page -> component map points at real components.
        let comps = meta["components"].as_array().unwrap();
        for p in pages {
            if let Some(i) = p["component"].as_u64() {
                assert!((i as usize) < comps.len());
            }
        }
        let events: serde_json::Value =
            serde_json::from_slice(&std::fs::read(bag.join("data/events.json")).unwrap()).unwrap();
        let types: Vec<&str> = events["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event_type"].as_str().unwrap())
            .collect();
        for t in [
            "ingestion",
            "message digest calculation",
            "creation",
            "validation",
            "information package creation",
        ] {
            assert!(types.contains(&t), "{id}: no {t} event");
        }
        assert!(events["agents"][0]["version"].is_string());
    }
    assert!(
        total_pages >= 20,
        "the sample batch should have a realistic number of pages"
    );
    assert!(
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["metadata_status"] == "incomplete"),
        "the no-metadata case is flagged"
    );

    let (code, v) = w.verify();
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["invalid"], 0);
}

#[test]
fn metadata_is_nfc_and_the_sidecar_overrides_the_register() {
    let w = Work::with_samples();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let mut sidecar_cases = 0;
    for c in report["cases"].as_array().unwrap() {
        let meta = w.metadata(c["case_id"].as_str().unwrap());
        let text = serde_json::to_string(&meta).unwrap();
        assert!(
            unicode_normalization::is_nfc(&text),
            "{} metadata is not NFC",
            c["case_id"]
        );
        let sources = meta["metadata_sources"].as_array().unwrap();
        if sources.iter().any(|s| s["kind"] == "sidecar") {
            sidecar_cases += 1;
            let side: serde_json::Value = serde_json::from_slice(
                &std::fs::read(
                    w.scans()
                        .join(meta["source_folder"].as_str().unwrap())
                        .join("hoso.json"),
                )
                .unwrap(),
            )
            .unwrap();
            if let Some(title) = side["title"].as_str() {
                assert_eq!(
                    meta["hoso"]["title"].as_str().unwrap(),
                    unicode_normalization::UnicodeNormalization::nfc(title).collect::<String>()
                );
            }
            // Components named in the sidecar carry its fields.
            for comp in side["components"].as_array().into_iter().flatten() {
                let folder: String = unicode_normalization::UnicodeNormalization::nfc(
                    comp["folder"].as_str().unwrap(),
                )
                .collect();
                let found = meta["components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["folder"] == folder.as_str());
                assert!(found.is_some(), "component {folder} not in the record");
            }
        }
    }
    assert!(sidecar_cases >= 1);
}

#[test]
fn rerun_skips_unchanged_cases_and_changes_nothing() {
    let w = Work::with_samples();
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);
    let bags_before = tree_digest(&w.archive().join("bags"));
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0);
    assert_eq!(
        report["summary"]["skipped"], report["summary"]["cases"],
        "{report:#}"
    );
    assert_eq!(report["summary"]["ingested"], 0);
    assert_eq!(tree_digest(&w.archive().join("bags")), bags_before);
}

#[test]
fn changed_case_gets_a_new_version_and_the_old_bag_is_kept() {
    let w = Work::with_samples();
    let (_, first) = w.ingest(&[]);
    let case = &first["cases"][0];
    let (id, folder) = (
        case["case_id"].as_str().unwrap().to_string(),
        case["folder"].as_str().unwrap().to_string(),
    );
    let old_bag = tree_digest(&w.bag(&id));
    // Rescan one page: append a duplicate of the first file under a new name.
    let meta = w.metadata(&id);
    let first_src = meta["sources"][0]["path"].as_str().unwrap();
    let src = w.scans().join(&folder).join(first_src);
    let ext = src.extension().unwrap().to_string_lossy().to_string();
    std::fs::copy(&src, src.with_file_name(format!("zz_rescan.{ext}"))).unwrap();

    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let r = case_result(&report, &folder);
    assert_eq!(r["status"], "ingested");
    assert_eq!(r["version"], 2);
    assert_eq!(r["previous_version"], format!("versions/{id}/1"));
    assert_eq!(
        report["summary"]["skipped"],
        report["summary"]["cases"].as_u64().unwrap() - 1
    );
    let kept = w.archive().join("versions").join(&id).join("1");
    assert_eq!(tree_digest(&kept), old_bag, "the old bag is kept unchanged");
    let meta2 = w.metadata(&id);
    assert_eq!(meta2["version"], 2);
    assert_eq!(
        meta2["previous_version"]["path"],
        format!("versions/{id}/1")
    );
    assert_eq!(
        meta2["pages"].as_array().unwrap().len(),
        meta["pages"].as_array().unwrap().len()
            + meta["sources"][0]["pages"].as_u64().unwrap() as usize
    );
    let (code, v) = w.verify();
    assert_eq!(code, 0, "{v:#}");
    assert!(v["bags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["path"] == format!("versions/{id}/1")));
}

#[test]
fn keep_originals_stores_every_source_file_in_the_bag() {
    let w = Work::with_samples();
    let (code, report) = w.ingest(&["--keep-originals"]);
    assert_eq!(code, 0, "{report:#}");
    for c in report["cases"].as_array().unwrap() {
        let id = c["case_id"].as_str().unwrap();
        let meta = w.metadata(id);
        for s in meta["sources"].as_array().unwrap() {
            let kept = w.bag(id).join(s["kept_as"].as_str().unwrap());
            assert_eq!(
                sohoa_archive::hash::sha256_hex(&std::fs::read(kept).unwrap()),
                s["sha256"]
            );
        }
    }
    let (code, _) = w.verify();
    assert_eq!(code, 0);
}
