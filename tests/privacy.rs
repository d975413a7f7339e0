//! Identity numbers (CCCD, CMND) never leave the record in clear: with a register holding them
//! and OCR reading one printed on a form (needs Tesseract 5 with `vie`, as `.ci/run` installs),
//! every file sohoa writes and everything it prints is scanned: the clear numbers are only in the
//! bags' record (metadata.json, the page texts and the bundle's text layer, as scanned). Search
//! finds the page by the full number (keyed hash) and shows it masked; without the key, a search
//! by number says what is missing; read-only commands never create the key.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use tantivy::schema::Value as _;

/// The numbers of the test and the ways they are printed.
const NUMBERS: [&str; 4] = [
    "001187004512",
    "040093878972",
    "40093878972",
    "001085012345",
];

fn forms(n: &str) -> Vec<String> {
    let groups = |k: usize, sep: &str| {
        n.as_bytes()
            .chunks(k)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(sep)
    };
    vec![
        n.to_string(),
        groups(3, " "),
        groups(3, "."),
        groups(4, " "),
    ]
}

/// Where a clear number may be: the bag's record and what was scanned.
fn allowed(rel: &str) -> bool {
    let in_bag =
        rel.starts_with("bags/") || rel.starts_with("versions/") || rel.starts_with("withdrawn/");
    in_bag
        && (rel.ends_with("/data/metadata.json")
            || rel.contains("/data/text/")
            || rel.ends_with(".pdf"))
}

fn leaks(text: &str) -> Vec<String> {
    NUMBERS
        .iter()
        .flat_map(|n| forms(n))
        .filter(|f| text.contains(f.as_str()))
        .collect()
}

/// Text of a written file: XLSX unzipped, PDF through pdftotext, anything else as bytes.
fn readable(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = path.to_string_lossy().to_lowercase();
    if name.ends_with(".xlsx") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut all = String::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            std::io::Read::read_to_string(&mut f, &mut all).unwrap();
        }
        return all;
    }
    if name.ends_with(".pdf") {
        let out = std::process::Command::new("pdftotext")
            .args([path.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils) is needed, as .ci/run installs");
        return String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.filter_map(Result::ok) {
            if e.file_type().unwrap().is_dir() {
                out.extend(files(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

/// Every term and every stored value of the index.
fn index_text(index_dir: &Path) -> String {
    let index = tantivy::Index::open_in_dir(index_dir).unwrap();
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    let schema = index.schema();
    let mut all = String::new();
    for seg in searcher.segment_readers() {
        for (field, _) in schema.fields() {
            let Ok(inv) = seg.inverted_index(field) else {
                continue;
            };
            let mut terms = inv.terms().stream().unwrap();
            while terms.advance() {
                all.push_str(&String::from_utf8_lossy(terms.key()));
                all.push('\n');
            }
        }
        let store = seg.get_store_reader(1).unwrap();
        for doc in store.iter::<tantivy::TantivyDocument>(seg.alive_bitset()) {
            for (_, v) in doc.unwrap().field_values() {
                if let Some(s) = v.as_str() {
                    all.push_str(s);
                    all.push('\n');
                }
            }
        }
    }
    all
}

fn scan_work() -> Work {
    let w = Work::empty();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/HS-OCR-0001");
    copy_dir(&fixture, &w.scans().join("HS-OCR-0001"));
    std::fs::create_dir_all(w.scans().join("HS-2/01 Bản sao CCCD")).unwrap();
    std::fs::write(w.scans().join("HS-2/01 Bản sao CCCD/1.jpg"), jpeg_bytes()).unwrap();
    std::fs::write(
        w.scans().join("HS-2/hoso.json"),
        r#"{"components": [{"folder": "01 Bản sao CCCD", "label": "Bản sao CCCD", "code_number": "040093878972", "subject": "CCCD số 040093878972"}]}"#,
    )
    .unwrap();
    // A folder and a file named with a number (no register row: the id comes from the folder).
    let named = w.scans().join("Lê Văn Tám 038095001234");
    std::fs::create_dir_all(&named).unwrap();
    let mut other = jpeg_bytes();
    other.push(7);
    std::fs::write(named.join("CCCD_079300004321.jpg"), other).unwrap();
    std::fs::write(
        w.scans().join("hoso.csv"),
        "Mã hồ sơ,Thư mục,Họ tên người nộp,Số CCCD,Ngày tiếp nhận,Ghi chú\n\
         HS-OCR-0001,HS-OCR-0001,Trần Thị Bích Ngọc,001187004512,01/07/2025,Người được ủy quyền: CCCD 001 085 012 345\n\
         HS-2,HS-2,Lê Văn Đức,40093878972,02/07/2025,\n",
    )
    .unwrap();
    w
}

#[test]
fn identity_numbers_are_never_written_or_shown_in_clear() {
    let w = scan_work();
    let (scans, archive) = (w.scans(), w.archive());
    let a = archive.to_str().unwrap();
    let out_dir = w.dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let o = |n: &str| out_dir.join(n).to_str().unwrap().to_string();
    let mut printed = String::new();
    let mut run = |args: &[&str]| {
        let out = w.sohoa(args);
        printed.push_str(&String::from_utf8_lossy(&out.stdout));
        printed.push_str(&String::from_utf8_lossy(&out.stderr));
        out
    };
    let out = run(&[
        "ingest",
        scans.to_str().unwrap(),
        "--archive",
        a,
        "--ocr",
        "on",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report.to_string().contains("register.id_leading_zero"),
        "the restored zero is reported (masked)"
    );
    // The page is found by the full number, however it is typed, and shown masked.
    for q in ["001187004512", "001 187 004 512", "cccd:001187004512"] {
        let out = run(&["search", q, "--archive", a, "--json"]);
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let hits = v["hits"].as_array().unwrap();
        assert!(
            hits.iter()
                .any(|h| h["case_id"] == "HS-OCR-0001" && h["page"] == 1),
            "{q}: the page that prints it: {v:#}"
        );
        assert_eq!(
            v["query"].as_str().unwrap().matches("0011******12").count(),
            1,
            "{q}"
        );
    }
    let out = run(&["search", "040093878972", "--archive", a, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"][0]["case_id"], "HS-2");
    assert_eq!(v["hits"][0]["case"]["applicant_id_masked"], "0400******72");
    // Words of the page still find it, and its snippet shows the number masked.
    let out = run(&["search", "căn cước công dân", "--archive", a, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.to_string().contains("0011******12"), "{v:#}");
    for args in [
        vec!["search", "--archive", a, "--facets"],
        vec!["search", "001187004512", "--archive", a],
        vec!["verify", "--archive", a, "--json"],
        vec![
            "audit",
            "--archive",
            a,
            "--json",
            "--html",
            &o("audit.html"),
            "--csv",
            &o("audit.csv"),
        ],
        vec!["audit", "--archive", a],
        vec![
            "report",
            "--archive",
            a,
            "--from",
            "2025-07-01",
            "--to",
            "2025-07-31",
            "--json",
            "--html",
            &o("report.html"),
            "--csv",
            &o("report.csv"),
            "--xlsx",
            &o("report.xlsx"),
            "--apologies",
            &o("letters"),
        ],
        vec!["reindex", "--archive", a, "--json"],
    ] {
        let out = run(&args);
        assert!(
            out.status.code().unwrap() <= 1,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let register = scans.join("hoso.csv");
    run(&[
        "register",
        "check",
        register.to_str().unwrap(),
        "--json",
        "--rows",
    ]);
    run(&["register", "check", register.to_str().unwrap(), "--all"]);

    let mut found = Vec::new();
    for f in files(&archive) {
        let rel = f
            .strip_prefix(&archive)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if rel.starts_with("index/") || allowed(&rel) {
            continue;
        }
        for l in leaks(&readable(&f)) {
            found.push(format!("{rel}: {l}"));
        }
    }
    for f in files(&out_dir) {
        for l in leaks(&readable(&f)) {
            found.push(format!("{}: {l}", f.display()));
        }
    }
    let index = index_text(&archive.join("index"));
    assert!(
        index.contains("0011******12"),
        "the index scan reads stored page text"
    );
    for l in leaks(&index) {
        found.push(format!("index: {l}"));
    }
    for l in leaks(&printed) {
        found.push(format!("printed: {l}"));
    }
    assert!(found.is_empty(), "identity numbers in clear: {found:#?}");
    // They are in the record, as registered and as scanned.
    let m = std::fs::read_to_string(w.bag("HS-2").join("data/metadata.json")).unwrap();
    assert!(m.contains("040093878972"));
    let text = files(&w.bag("HS-OCR-0001").join("data/text"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<String>();
    assert!(text.contains("001187004512"), "OCR read the number: {text}");
}

#[test]
fn without_the_key_a_search_by_number_says_so_and_nothing_creates_it() {
    let w = Work::with_samples();
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);
    let key = w.key_file();
    assert!(key.is_file(), "ingest made the key, outside the archive");
    assert!(!w.archive().join("keys").exists());
    let a = w.archive();
    let missing = w.dir.path().join("elsewhere/key");
    let search = |q: &str| {
        w.command()
            .env("SOHOA_ID_KEY", &missing)
            .args(["search", q, "--archive", a.to_str().unwrap(), "--json"])
            .output()
            .unwrap()
    };
    let out = search("040093878972");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("identifier key"));
    let out = search("nguyen");
    assert!(out.status.success(), "other searches work without the key");
    // A run that was killed left the journal not empty: without the key, search does not
    // catch up (it would need the key) and says how many cases it may miss.
    std::fs::write(a.join("index-pending.txt"), "HS-chua-co-thong-tin\n").unwrap();
    let out = search("nguyen");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["index_behind"], 1, "{v:#}");
    for cmd in [vec!["verify"], vec!["audit"]] {
        let mut args = cmd.clone();
        args.extend(["--archive", a.to_str().unwrap()]);
        let _ = w
            .command()
            .env("SOHOA_ID_KEY", &missing)
            .args(&args)
            .output()
            .unwrap();
    }
    assert!(!missing.exists(), "read-only commands never create the key");
}
