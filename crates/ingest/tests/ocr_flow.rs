//! The OCR flow with a scripted engine (`sohoa_ocr::fake`), on any machine: ingest with OCR
//! stores every page's text (text layer, page texts, hOCR, events, record), a page the engine
//! gives up on is stored without text and named, and `sohoa ocr` adds text to a bag stored
//! without it as a new version, the page images copied byte for byte.

use sohoa_archive::bag::reader::{Bag, TAG_FILE_LIMIT};
use sohoa_archive::record::CaseRecord;
use sohoa_imaging::Profile;
use sohoa_ingest::{ingest, ocr_archive, CaseStatus, NoCatalog, OcrOptions, Options, Quiet};
use sohoa_ocr::fake::Fake;
use sohoa_ocr::{Mode, Settings};
use std::path::Path;
use std::sync::Arc;

const TEXT: &str = "Tờ khai đăng ký khai sinh Nguyễn Văn An";

/// An A4 page at 150 dpi, portrait or landscape: white paper with dark bars like lines of
/// text (the fake engine is told to fail landscape pages).
fn page(path: &Path, landscape: bool) {
    let (w, h) = if landscape {
        (1754u32, 1240u32)
    } else {
        (1240u32, 1754u32)
    };
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        let line = (y / 40) % 2 == 0 && (200..h - 200).contains(&y) && (150..w - 150).contains(&x);
        image::Luma([if line { 20 } else { 250 }])
    });
    img.save(path).unwrap();
}

fn settings(fail_landscape: bool) -> Settings {
    Settings {
        mode: Mode::On,
        engines: Arc::new(Fake {
            fail_landscape,
            ..Fake::reading(TEXT)
        }),
        ..Settings::default()
    }
}

fn options(archive: &Path, ocr: Settings) -> Options {
    Options {
        archive: archive.to_path_buf(),
        jobs: 2,
        keep_originals: false,
        organization: Some("UBND xã Tân Hòa".into()),
        profile: Profile::default(),
        drop_blank: false,
        ocr,
        register: None,
        mapping: None,
        follow_symlinks: false,
        batch: false,
        replace: None,
        cancel: None,
        sign: None,
        only: None,
        operator: Some("tester".into()),
    }
}

fn record(archive: &Path, id: &str) -> CaseRecord {
    let bag = Bag::open(archive, &format!("bags/{id}")).unwrap();
    let loaded = bag.record().unwrap();
    assert!(loaded.is_whole(), "{}", loaded.describe());
    loaded.record
}

#[test]
fn ingest_stores_every_pages_text_and_names_the_page_the_engine_gave_up_on() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("scans/HS-001");
    std::fs::create_dir_all(&case).unwrap();
    page(&case.join("01.png"), false);
    page(&case.join("02.png"), true); // the engine gives up on it
    let archive = dir.path().join("archive");
    let report = ingest(
        &dir.path().join("scans"),
        &options(&archive, settings(true)),
        &Quiet,
        &NoCatalog,
    )
    .unwrap();
    assert_eq!(report.ocr.as_deref(), Some("Fake OCR 1.0 (vie+eng)"));
    let case = &report.cases[0];
    assert_eq!(case.status, CaseStatus::Ingested, "{:?}", case.errors);
    assert_eq!((case.pages, case.ocr_pages), (2, 1));
    let codes: Vec<&str> = case.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"ocr.failed"), "{codes:?}");

    let r = record(&archive, "HS-001");
    let first = r.pages[0].ocr.as_ref().unwrap();
    assert_eq!(
        (first.status.as_str(), first.engine.as_str(), first.words),
        ("done", "Fake OCR 1.0", 9)
    );
    let second = r.pages[1].ocr.as_ref().unwrap();
    assert_eq!(second.status, "failed");
    assert_eq!(second.note.as_deref(), Some("page turned"));
    assert!(second.text.is_none());

    let bag = Bag::open(&archive, "bags/HS-001").unwrap();
    let text = bag
        .read_text(first.text.as_deref().unwrap(), TAG_FILE_LIMIT)
        .unwrap();
    assert_eq!(text.trim_end(), TEXT, "the page text file, one line");
    let hocr = bag
        .read_text(first.hocr.as_deref().unwrap(), TAG_FILE_LIMIT)
        .unwrap();
    assert!(
        hocr.contains("ocr-system") && hocr.contains("Nguyễn"),
        "{hocr}"
    );
    let events = bag.events().unwrap();
    assert!(events
        .events
        .iter()
        .any(|e| e.event_outcome_detail_note.contains("no text: page turned")));
    // The text layer is in the bundle: the glyphless font and invisible text are there.
    let pdf = bag.read("data/HS-001.pdf", 64 << 20).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let fonts = doc.get_page_fonts(doc.get_pages()[&1]).unwrap();
    assert!(!fonts.is_empty(), "page 1 has a text layer");
    let fonts2 = doc.get_page_fonts(doc.get_pages()[&2]).unwrap();
    assert!(fonts2.is_empty(), "page 2 has none");
}

#[test]
fn sohoa_ocr_adds_text_to_a_bag_stored_without_it_as_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("scans/HS-002");
    std::fs::create_dir_all(&case).unwrap();
    page(&case.join("01.png"), false);
    page(&case.join("02.png"), false);
    let archive = dir.path().join("archive");
    let off = Settings {
        mode: Mode::Off,
        ..settings(false)
    };
    let report = ingest(
        &dir.path().join("scans"),
        &options(&archive, off),
        &Quiet,
        &NoCatalog,
    )
    .unwrap();
    assert_eq!(report.cases[0].status, CaseStatus::Ingested);
    let before = record(&archive, "HS-002");
    assert!(before.pages.iter().all(|p| p.ocr.is_none()));
    let old_pdf = Bag::open(&archive, "bags/HS-002")
        .unwrap()
        .read("data/HS-002.pdf", 64 << 20)
        .unwrap();

    let opts = OcrOptions {
        archive: archive.clone(),
        jobs: 2,
        settings: settings(false),
        force: false,
        cases: Vec::new(),
        cancel: None,
        operator: Some("tester".into()),
    };
    let done = ocr_archive(&opts, &|_| {}, &NoCatalog).unwrap();
    assert_eq!(
        (done.added, done.skipped, done.failed),
        (1, 0, 0),
        "{:?}",
        done.cases
    );
    assert_eq!(done.cases[0].ocr_pages, 2);

    let after = record(&archive, "HS-002");
    assert_eq!(after.version, 2);
    assert_eq!(
        after.previous_version.as_ref().unwrap().path,
        "versions/HS-002/1"
    );
    assert!(after
        .pages
        .iter()
        .all(|p| p.ocr.as_ref().is_some_and(|o| o.status == "done")));
    // Everything else in the record is as it was.
    let same = CaseRecord {
        version: before.version,
        previous_version: before.previous_version.clone(),
        bundle: before.bundle.clone(),
        pages: before.pages.clone(),
        ..after.clone()
    };
    assert_eq!(same, before);
    // The page images are the old ones, byte for byte.
    let new_pdf = Bag::open(&archive, "bags/HS-002")
        .unwrap()
        .read("data/HS-002.pdf", 64 << 20)
        .unwrap();
    let images = |bytes: &[u8]| -> Vec<Vec<u8>> {
        let doc = lopdf::Document::load_mem(bytes).unwrap();
        let mut v: Vec<Vec<u8>> = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| {
                s.dict.get(b"Subtype").ok().and_then(|t| t.as_name().ok()) == Some(b"Image")
            })
            .map(|s| s.content.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(images(&new_pdf), images(&old_pdf));
    assert!(Bag::open(&archive, "versions/HS-002/1").is_ok());

    // A second run has nothing to add.
    let again = ocr_archive(&opts, &|_| {}, &NoCatalog).unwrap();
    assert_eq!((again.added, again.skipped), (0, 1));
}
