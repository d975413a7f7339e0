//! OCR end to end (needs Tesseract 5 with `vie`, as `.ci/run` installs): a page of known
//! Vietnamese text comes back from `pdftotext` with a low character error rate, the bag holds
//! the page texts and OCR events, search finds words only the page says, `sohoa ocr` adds text
//! to existing bags, and a missing language or a page timeout never stops the batch.

mod common;

use common::{copy_dir, Work};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

const CASE: &str = "HS-OCR-0001";

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr")
}

/// A work folder whose scans hold the OCR fixture case.
fn ocr_work() -> Work {
    let w = Work::empty();
    copy_dir(&fixture().join(CASE), &w.scans().join(CASE));
    w
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Words joined by single spaces (layout whitespace is not what OCR is judged on).
fn words(s: &str) -> Vec<char> {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

fn search(w: &Work, q: &str) -> serde_json::Value {
    let archive = w.archive();
    let out = w.sohoa(&[
        "search",
        q,
        "--archive",
        archive.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn text_layer_reads_back_and_page_words_are_searchable() {
    let w = ocr_work();
    let (code, report) = w.ingest(&["--ocr", "on"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(report["ocr"].as_str().unwrap().starts_with("Tesseract 5"));
    assert_eq!(report["summary"]["ocr_pages"], 1);

    // The bundle's text layer, read by poppler: NFC, CER <= 5 %.
    let bag = w.bag(CASE);
    let pdf = bag.join(format!("data/{CASE}.pdf"));
    let out = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let got = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        got,
        got.nfc().collect::<String>(),
        "pdftotext output is NFC"
    );
    let expected = std::fs::read_to_string(fixture().join("expected.txt")).unwrap();
    let (e, g) = (words(&expected), words(&got));
    let cer = levenshtein(&e, &g) as f64 / e.len() as f64;
    assert!(
        cer <= 0.05,
        "character error rate {cer:.3}\n--- got:\n{got}"
    );

    // The bag: page text and hOCR, in the manifest; page record; OCR event.
    let txt = std::fs::read_to_string(bag.join("data/text/page-0001.txt")).unwrap();
    assert!(txt.contains("Phùng Xá"), "{txt}");
    let hocr = std::fs::read_to_string(bag.join("data/text/page-0001.hocr")).unwrap();
    assert!(hocr.contains("ocrx_word") && hocr.contains("ocr-system"));
    let manifest = std::fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    assert!(manifest.contains("data/text/page-0001.txt"));
    assert!(manifest.contains("data/text/page-0001.hocr"));
    let meta = w.metadata(CASE);
    let ocr = &meta["pages"][0]["ocr"];
    assert_eq!(ocr["status"], "done");
    assert_eq!(ocr["languages"], "vie+eng");
    assert!(ocr["confidence"].as_u64().unwrap() >= 70, "{ocr}");
    assert!(ocr["words"].as_u64().unwrap() > 100, "{ocr}");
    let events: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bag.join("data/events.json")).unwrap()).unwrap();
    let ocr_events: Vec<&serde_json::Value> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event_detail"].as_str().unwrap().contains("step=\"ocr\""))
        .collect();
    assert_eq!(ocr_events.len(), 1);
    let detail = ocr_events[0]["event_detail"].as_str().unwrap();
    assert!(detail.contains("program=\"Tesseract\"") && detail.contains("version=\"5."));
    assert!(detail.contains("languages=\"vie+eng\""));
    assert!(ocr_events[0]["event_outcome_detail_note"]
        .as_str()
        .unwrap()
        .contains("mean confidence"));

    // Words only the page says, with and without diacritics: case and page.
    for q in ["khuyến nông", "khuyen nong", "Phùng Xá", "phung xa"] {
        let r = search(&w, q);
        let hit = &r["hits"][0];
        assert_eq!(hit["case_id"], CASE, "{q}: {r:#}");
        assert_eq!(hit["page"], 1, "{q}: {r:#}");
        assert!(hit["snippet"].as_str().unwrap().contains("<b>"), "{q}");
    }
    // Not in the case's metadata: no case-level hit, and none with --cases-only.
    let archive = w.archive();
    let out = w.sohoa(&[
        "search",
        "khuyen nong",
        "--cases-only",
        "--archive",
        archive.to_str().unwrap(),
        "--json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["total"], 0, "{r:#}");
}

#[test]
fn ocr_command_adds_text_to_existing_bags_as_a_new_version() {
    let w = ocr_work();
    let (code, _) = w.ingest(&["--ocr", "off"]);
    assert_eq!(code, 0);
    assert!(w.metadata(CASE)["pages"][0]["ocr"].is_null());
    let pdf_v1 = std::fs::read(w.bag(CASE).join(format!("data/{CASE}.pdf"))).unwrap();
    assert_eq!(search(&w, "khuyen nong")["total"], 0);

    let archive = w.archive();
    let out = w.sohoa(&["ocr", "--archive", archive.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["added"], 1, "{r:#}");
    let meta = w.metadata(CASE);
    assert_eq!(meta["version"], 2);
    assert_eq!(meta["pages"][0]["ocr"]["status"], "done");
    // The old bag is kept, whole; the page image is carried over byte for byte.
    let old = archive.join(format!("versions/{CASE}/1/data/{CASE}.pdf"));
    assert_eq!(std::fs::read(old).unwrap(), pdf_v1);
    let (vcode, v) = w.verify();
    assert_eq!(vcode, 0, "{v:#}");
    let hit = &search(&w, "khuyen nong")["hits"][0];
    assert_eq!(
        (hit["case_id"].as_str(), hit["page"].as_u64()),
        (Some(CASE), Some(1))
    );

    // Run again: nothing left to do.
    let out = w.sohoa(&["ocr", "--archive", archive.to_str().unwrap(), "--json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (r["added"].as_u64(), r["skipped"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn missing_language_or_timeout_never_stops_the_batch() {
    // `auto` without the language: said once, cases stored without text.
    let w = ocr_work();
    let (code, report) = w.ingest(&["--ocr", "auto", "--ocr-lang", "xyz"]);
    assert_eq!(code, 0, "{report:#}");
    let said: Vec<&serde_json::Value> = report["batch_problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "ocr.unavailable")
        .collect();
    assert_eq!(said.len(), 1, "{report:#}");
    assert!(report["ocr"].is_null());
    assert!(w.metadata(CASE)["pages"][0]["ocr"].is_null());

    // `on` without it: cannot run, says why, writes no bag.
    let w = ocr_work();
    let scans = w.scans();
    let archive = w.archive();
    let out = w.sohoa(&[
        "ingest",
        scans.to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
        "--ocr",
        "on",
        "--ocr-lang",
        "xyz",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("xyz"));
    assert!(!w.bag(CASE).exists());

    // A page over its time limit: stored without text, a warning, the case is bagged.
    let w = ocr_work();
    let (code, report) = w.ingest(&["--ocr", "on", "--ocr-timeout", "0.001"]);
    assert_eq!(code, 0, "{report:#}");
    let case = &report["cases"][0];
    assert_eq!(case["status"], "ingested");
    assert!(case["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["code"] == "ocr.timeout"));
    assert_eq!(w.metadata(CASE)["pages"][0]["ocr"]["status"], "timeout");
    assert!(!w.bag(CASE).join("data/text/page-0001.txt").exists());
}

#[test]
fn ocr_never_rewraps_a_damaged_bag_nor_replaces_unreadable_events() {
    let w = ocr_work();
    let (code, _) = w.ingest(&["--ocr", "off"]);
    assert_eq!(code, 0);
    let archive = w.archive();
    let run = || {
        let out = w.sohoa(&["ocr", "--archive", archive.to_str().unwrap(), "--json"]);
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), r)
    };
    // A flipped byte in the bundle: the bag is not intact, no new version is made from it.
    let pdf = w.bag(CASE).join(format!("data/{CASE}.pdf"));
    let good = std::fs::read(&pdf).unwrap();
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x01;
    std::fs::write(&pdf, &bad).unwrap();
    let (code, r) = run();
    assert_eq!(code, Some(1), "{r:#}");
    assert_eq!(
        r["cases"][0]["errors"][0]["code"], "ocr.bag_damaged",
        "{r:#}"
    );
    assert_eq!(w.metadata(CASE)["version"], 1);
    assert!(!archive.join("versions").join(CASE).exists());
    std::fs::write(&pdf, &good).unwrap();

    // An events.json that cannot be read is never silently replaced by a new one.
    let events = w.bag(CASE).join("data/events.json");
    std::fs::write(&events, b"{ not json").unwrap();
    // The bag is made valid again: only the content is at fault, not a digest.
    common::rebag(&w.bag(CASE));
    let (vcode, v) = w.verify();
    assert_eq!(vcode, 0, "{v:#}");
    let (code, r) = run();
    assert_eq!(code, Some(1), "{r:#}");
    assert_eq!(
        r["cases"][0]["errors"][0]["code"], "ocr.events_unreadable",
        "{r:#}"
    );
    assert_eq!(std::fs::read(&events).unwrap(), b"{ not json");
    assert_eq!(w.metadata(CASE)["version"], 1);
}

#[test]
fn ctrl_c_during_ocr_finishes_the_bag_in_flight_and_exits_130() {
    let w = Work::empty();
    for n in 0..12 {
        copy_dir(
            &fixture().join(CASE),
            &w.scans().join(format!("HS-OCR-{n}")),
        );
    }
    let (code, _) = w.ingest(&["--ocr", "off"]);
    assert_eq!(code, 0);
    let archive = w.archive();
    let mut child = w
        .command()
        .args([
            "ocr",
            "--archive",
            archive.to_str().unwrap(),
            "--json",
            "--jobs",
            "1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    // The first bag with text moved its old version aside.
    let versions = || std::fs::read_dir(archive.join("versions")).map_or(0, |rd| rd.count());
    while versions() == 0 {
        assert!(start.elapsed().as_secs() < 300, "no bag got text");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it was stopped"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["interrupted"], true, "{r:#}");
    let added = r["added"].as_u64().unwrap();
    assert!((1..12).contains(&added), "{r:#}");
    let (code, v) = w.verify();
    assert_eq!(code, 0, "{v:#}");
    let left: Vec<_> = std::fs::read_dir(archive.join("bags"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn ocr_of_an_unknown_case_names_it_and_changes_nothing() {
    let w = ocr_work();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let a = archive.to_str().unwrap();
    let out = w.sohoa(&[
        "ocr",
        "HS-KHONG-CO",
        CASE,
        "HS-CUNG-KHONG",
        "--archive",
        a,
        "--lang",
        "vi",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("Không có hồ sơ") && said.contains("HS-KHONG-CO, HS-CUNG-KHONG"),
        "{said}"
    );
    assert!(
        !said.contains(&format!("{CASE},")),
        "only the unknown ids: {said}"
    );
    // Nothing was done, not even to the case that exists.
    assert!(!archive.join("versions").join(CASE).exists());
    assert!(w.metadata(CASE)["pages"][0]["ocr"].is_null());
    let out = w.sohoa(&[
        "ocr",
        "HS-KHONG-CO",
        "--archive",
        a,
        "--lang",
        "en",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("No such case") && said.contains("HS-KHONG-CO"),
        "{said}"
    );
}

#[test]
fn ocr_with_ocr_off_on_its_command_line_refuses_and_changes_nothing() {
    let w = ocr_work();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let a = archive.to_str().unwrap();
    for (args, lang) in [
        (vec!["ocr", "--ocr", "off", "--archive", a], "vi"),
        (
            vec!["ocr", CASE, "--ocr=off", "--archive", a, "--json"],
            "en",
        ),
    ] {
        let out = w
            .command()
            .args(&args)
            .args(["--lang", lang])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        let words = if lang == "vi" {
            "không nhận dạng chữ"
        } else {
            "no text was recognized"
        };
        assert!(said.contains("--ocr off") && said.contains(words), "{said}");
        assert!(!archive.join("versions").join(CASE).exists(), "{args:?}");
        assert!(w.metadata(CASE)["pages"][0]["ocr"].is_null(), "{args:?}");
    }
}

/// Lines Tesseract and Leptonica print by themselves (`Error in boxClipToRectangle: …`,
/// `Detected 12 diacritics`, `Failed loading language 'xyz'`).
fn raw_engine_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        // sohoa's own log lines quote the engine, naming the case: not raw.
        .filter(|l| !l.contains("OCR engine on"))
        .filter(|l| {
            [
                "Error in ",
                "Warning in ",
                "Info in ",
                "Leptonica",
                "diacritics",
                "Image too small",
            ]
            .iter()
            .chain(&[
                "Failed loading language",
                "Error opening data file",
                "Tesseract couldn't",
            ])
            .any(|m| l.contains(m))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn engine_messages_never_reach_the_terminal_but_the_log_names_the_case() {
    // A scanned page with a black border on top: Leptonica complains while Tesseract reads it
    // ("Error in boxClipToRectangle: box outside rectangle" with Debian's Tesseract 5.3).
    let w = Work::empty();
    let folder = "HS-VIEN-DEN";
    std::fs::create_dir_all(w.scans().join(folder)).unwrap();
    std::fs::copy(
        common::samples().join("HS-chua-co-thong-tin/1.jpg"),
        w.scans().join(folder).join("1.jpg"),
    )
    .unwrap();
    let scans = w.scans();
    // Each run into a new archive (the page is recognized each time).
    let ingest = |log: &str| {
        let archive = w.dir.path().join(format!("archive-{log}"));
        w.command()
            .env("SOHOA_LOG", log)
            .args([
                "ingest",
                scans.to_str().unwrap(),
                "--archive",
                archive.to_str().unwrap(),
                "--batch",
                "--ocr",
                "on",
                "--jobs",
                "1",
                "--lang",
                "vi",
            ])
            .output()
            .unwrap()
    };
    let out = ingest("warn");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(raw_engine_lines(&out.stderr), Vec::<String>::new());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        !said.contains("boxClipToRectangle"),
        "not a warning: {said}"
    );
    // In the log, with the case file and page.
    let out = ingest("info");
    let log = String::from_utf8_lossy(&out.stderr);
    let line = log
        .lines()
        .find(|l| l.contains("OCR engine on"))
        .unwrap_or_else(|| panic!("no engine message in the log:\n{log}"));
    assert!(
        line.contains(&format!("{folder}/1.jpg, page 1")) && line.contains("boxClipToRectangle"),
        "{line}"
    );
    assert_eq!(raw_engine_lines(&out.stderr), Vec::<String>::new());

    // Nor when a language is missing: sohoa says it, Tesseract does not.
    let w = ocr_work();
    let (scans, archive) = (w.scans(), w.archive());
    let out = w.sohoa(&[
        "ingest",
        scans.to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
        "--ocr",
        "on",
        "--ocr-lang",
        "xyz",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(raw_engine_lines(&out.stderr), Vec::<String>::new());
    assert!(String::from_utf8_lossy(&out.stderr).contains("xyz"));
}
