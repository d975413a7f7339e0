//! Compatibility (issue 14): `tests/fixtures/archive-v0.1/` is an archive written by sohoa 0.1.0
//! (commit 09b387e, `scripts/make-fixture-archive.sh`; what each case exercises is in its
//! README.md). Every later sohoa must read it: each test copies it (the committed fixture is never
//! written) with its identifier key (`tests/fixtures/archive-v0.1.key`, fixed and public) and runs
//! the commands on the copy, checking what they say about it, not only their exit codes. Its
//! derived search index is not committed: the tests run `sohoa reindex` on the copy.
//!
//! Covered: `verify`, `reindex`, `search`, `audit`, `report` (with apology letters), `withdraw`,
//! `ocr` (skipped, saying so, when Tesseract with `vie` is not installed), `ingest` of one more
//! case (the old bags still verify, byte for byte), `inspect` (on the kept originals of a bag).
//! `register check` reads a register file, never an archive: nothing of the fixture to give it.

mod common;

use common::{copy_dir, jpeg_bytes, tree_digest, Work};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Register row + `hoso.json` sidecar, component folders, a deskewed page, a JPEG kept as is.
const SIDECAR: &str = "000.00.15.H12-260701-0001";
/// Folder `Ho so Dang Van Hung` (register's Thư mục column), applicant typed in TCVN3, late.
const TCVN3: &str = "000.00.15.H12-260702-0001";
/// Component folders without sidecar, applicant typed in VNI, 2-frame G4 TIFF, gray page, pending.
const LAND: &str = "000.00.21.H36-260703-0001";
/// No metadata (incomplete); version 2 made by `sohoa ocr`.
const NO_META: &str = "HS-chua-co-thong-tin";
/// Withdrawn: `withdrawn/<id>/2`, `versions/<id>/1`, not in `bags/`.
const WITHDRAWN: &str = "000.00.15.H12-260706-0001";
/// Replaced with `--replace --reason` (another applicant): version 2, `versions/<id>/1`.
const REPLACED: &str = "000.00.15.H12-260707-0001";
/// OCR at ingest; its page prints a CCCD that is not the applicant's.
const OCR: &str = "000.00.15.H12-260708-0001";
/// `--keep-originals --drop-blank`.
const ORIGINALS: &str = "000.00.15.H12-260709-0001";

/// The current bags (`bags/`).
const CURRENT: [&str; 7] = [SIDECAR, TCVN3, REPLACED, OCR, ORIGINALS, LAND, NO_META];

/// Every bag of the fixture, as `sohoa verify` lists them.
const ALL_BAGS: [&str; 11] = [
    "bags/000.00.15.H12-260701-0001",
    "bags/000.00.15.H12-260702-0001",
    "bags/000.00.15.H12-260707-0001",
    "bags/000.00.15.H12-260708-0001",
    "bags/000.00.15.H12-260709-0001",
    "bags/000.00.21.H36-260703-0001",
    "bags/HS-chua-co-thong-tin",
    "versions/000.00.15.H12-260706-0001/1",
    "versions/000.00.15.H12-260707-0001/1",
    "versions/HS-chua-co-thong-tin/1",
    "withdrawn/000.00.15.H12-260706-0001/2",
];

/// Every identity number in the fixture (in clear only in the bags' record) and whose it is.
const IDS: [(&str, &str); 9] = [
    ("079186004521", SIDECAR), // typed "79186004521" in the register: leading zero restored
    ("036090011223", TCVN3),
    ("068190007788", LAND),
    ("001191002233", WITHDRAWN),
    ("031088004455", REPLACED), // the applicant of version 1, replaced
    ("031190006677", REPLACED),
    ("025087003344", OCR),
    ("034089007711", ORIGINALS),
    ("022190005566", OCR), // printed on the page only (OCR text)
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/archive-v0.1")
}

fn fixture_key() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/archive-v0.1.key")
}

/// A work folder whose archive is a copy of the fixture and whose identifier key is its key.
fn copy() -> Work {
    let w = Work::empty();
    copy_dir(&fixture(), &w.archive());
    let key = w.key_file();
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    std::fs::copy(fixture_key(), &key).unwrap();
    w
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Fails when a text shows an identity number of the fixture in clear (whole, or grouped as
/// people print them).
fn assert_no_clear_id(text: &str, what: &str) {
    for (id, _) in IDS {
        let grouped = |k: usize, sep: &str| {
            id.as_bytes()
                .chunks(k)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(sep)
        };
        for form in [
            id.to_string(),
            grouped(3, " "),
            grouped(3, "."),
            grouped(4, " "),
        ] {
            assert!(
                !text.contains(&form),
                "{what} shows the identity number {form} in clear:\n{text}"
            );
        }
    }
    assert!(!text.contains("79186004521"), "{what}: {text}");
}

/// Runs sohoa on the copy, expects `code`, checks nothing it printed shows an identity number,
/// and returns what it printed as JSON.
fn run_json(w: &Work, args: &[&str], code: i32) -> Value {
    let out = w.sohoa(args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert_eq!(
        out.status.code(),
        Some(code),
        "sohoa {args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert_no_clear_id(&stdout, &format!("sohoa {args:?} (stdout)"));
    assert_no_clear_id(&stderr, &format!("sohoa {args:?} (stderr)"));
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("sohoa {args:?} printed no JSON ({e}): {stdout}\n{stderr}"))
}

fn archive_arg(w: &Work) -> String {
    w.archive().to_str().unwrap().to_string()
}

fn reindex(w: &Work) -> Value {
    let a = archive_arg(w);
    let r = run_json(w, &["reindex", "--archive", &a, "--json"], 0);
    assert_eq!(r["schema"], "sohoa/reindex");
    r
}

fn search(w: &Work, query: &str, extra: &[&str]) -> Value {
    let a = archive_arg(w);
    let mut args = vec!["search", query, "--archive", &a, "--json"];
    args.extend_from_slice(extra);
    let r = run_json(w, &args, 0);
    assert_eq!(r["schema"], "sohoa/search-results", "{r:#}");
    r
}

/// (case id, page) of every hit.
fn hits(r: &Value) -> Vec<(String, u64)> {
    r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["case_id"].as_str().unwrap().to_string(),
                h["page"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn case_ids(r: &Value) -> BTreeSet<String> {
    hits(r).into_iter().map(|(c, _)| c).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn verify(w: &Work, extra: &[&str], code: i32) -> Value {
    let a = archive_arg(w);
    let mut args = vec!["verify", "--archive", &a, "--json"];
    args.extend_from_slice(extra);
    let r = run_json(w, &args, code);
    assert_eq!(r["schema"], "sohoa/verify-report");
    r
}

fn bag_paths(verify: &Value) -> Vec<String> {
    verify["bags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap().to_string())
        .collect()
}

fn tesseract_with_vie() -> bool {
    std::process::Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "vie")
        })
        .unwrap_or(false)
}

#[test]
fn every_bag_of_the_fixture_verifies() {
    // The fixture as committed: no derived index, no lock, nothing but the README added.
    let root: BTreeSet<String> = std::fs::read_dir(fixture())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        root,
        set(&[
            "README.md",
            "bags",
            "logs",
            "reports",
            "versions",
            "withdrawn"
        ]),
        "tests/fixtures/archive-v0.1 was changed"
    );

    let w = copy();
    let before = tree_digest(&w.archive());
    let r = verify(&w, &["--all-files"], 0);
    let s = &r["summary"];
    assert_eq!(s["bags"], 11, "{s}");
    assert_eq!(s["valid"], 11, "{s}");
    assert_eq!(s["invalid"], 0, "{s}");
    assert_eq!(s["files"]["ok"], 73, "{s}");
    for k in ["changed", "missing", "unexpected", "not_regular"] {
        assert_eq!(s["files"][k], 0, "{k}: {s}");
    }
    assert_eq!(bag_paths(&r), ALL_BAGS, "bags listed by verify");
    for b in r["bags"].as_array().unwrap() {
        assert_eq!(b["valid"], true, "{b:#}");
        assert!(b["problems"].as_array().unwrap().is_empty(), "{b:#}");
        let path = b["path"].as_str().unwrap();
        let id = path.split('/').nth(1).unwrap();
        // docs/cli.md: `id` is the case id, for versions/ and withdrawn/ bags too (sohoa 0.1.0
        // gave their version number; the fixture's logs/fixity.jsonl still says so).
        assert_eq!(b["id"], id, "{b:#}");
        // --all-files: every payload and tag file of the bag, each ok.
        let files = b["files"].as_array().unwrap();
        assert!(
            files.iter().all(|f| f["status"] == "ok"),
            "{path}: {files:#?}"
        );
        let pdf = format!("data/{id}.pdf");
        for must in [pdf.as_str(), "data/metadata.json", "data/events.json"] {
            assert!(files.iter().any(|f| f["path"] == must), "{path}: no {must}");
        }
    }
    // Verify only appends its fixity log (one line per bag); the bags are untouched.
    let after = tree_digest(&w.archive());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(changed, ["logs/fixity.jsonl"], "verify wrote {changed:?}");
    let log = std::fs::read_to_string(w.archive().join("logs/fixity.jsonl")).unwrap();
    let old = std::fs::read_to_string(fixture().join("logs/fixity.jsonl")).unwrap();
    assert!(log.starts_with(&old));
    let new: Vec<Value> = log[old.len()..]
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(new.len(), 11);
    assert!(new.iter().all(|l| l["valid"] == true), "{new:#?}");
}

#[test]
fn fixture_records_hold_the_documented_contract() {
    // The files as docs/archive-format.md describes them, read from the committed fixture.
    let root = fixture();
    let labels = [
        "Source-Organization",
        "External-Identifier",
        "External-Description",
        "Bagging-Date",
        "Bag-Software-Agent",
        "Internal-Sender-Identifier",
        "Sohoa-Bag-Version",
        "Sohoa-Source-Fingerprint",
    ];
    let mut encodings = BTreeSet::new();
    for rel in ALL_BAGS {
        let bag = root.join(rel);
        let id = rel.split('/').nth(1).unwrap();
        assert_eq!(
            std::fs::read_to_string(bag.join("bagit.txt")).unwrap(),
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        );
        let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
        let got: Vec<&str> = info.lines().map(|l| l.split(':').next().unwrap()).collect();
        let mut want: Vec<&str> = labels.to_vec();
        if rel.starts_with("withdrawn/") {
            want.push("Sohoa-Withdrawn");
        }
        want.push("Payload-Oxum");
        assert_eq!(got, want, "{rel}/bag-info.txt");
        assert!(info.contains("Bag-Software-Agent: sohoa/0.1.0\n"), "{rel}");
        let m = read_json(&bag.join("data/metadata.json"));
        assert_eq!(m["schema"], "sohoa/metadata", "{rel}");
        assert_eq!(m["schema_version"], 1, "{rel}");
        assert_eq!(m["legal_basis"], "TT 05/2025/TT-BNV", "{rel}");
        assert_eq!(m["case_id"], id, "{rel}");
        assert!(
            info.contains(&format!("Sohoa-Bag-Version: {}\n", m["version"])),
            "{rel}"
        );
        assert_eq!(m["bundle"]["conformance"], "PDF/A-2b", "{rel}");
        assert_eq!(m["bundle"]["path"], format!("data/{id}.pdf"), "{rel}");
        assert_eq!(
            m["bundle"]["pages"].as_u64().unwrap() as usize,
            m["pages"].as_array().unwrap().len(),
            "{rel}"
        );
        for p in m["pages"].as_array().unwrap() {
            encodings.insert(p["encoding"].as_str().unwrap().to_string());
            assert_eq!(p["normalization"]["phash"].as_str().unwrap().len(), 256);
        }
        let e = read_json(&bag.join("data/events.json"));
        assert_eq!(e["schema"], "sohoa/events", "{rel}");
        assert_eq!(e["schema_version"], 1, "{rel}");
        let types: Vec<&str> = e["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["event_type"].as_str().unwrap())
            .collect();
        for t in [
            "ingestion",
            "message digest calculation",
            "validation",
            "creation",
            "information package creation",
        ] {
            assert!(types.contains(&t), "{rel}: no {t} event in {types:?}");
        }
    }
    assert_eq!(
        encodings,
        set(&["ccitt-g4", "dct", "dct-reencoded", "flate"]),
        "every page encoding is in the fixture"
    );

    let meta = |rel: &str| read_json(&root.join(rel).join("data/metadata.json"));
    let events = |rel: &str| read_json(&root.join(rel).join("data/events.json"));
    let event_types = |rel: &str| -> Vec<String> {
        events(rel)["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["event_type"].as_str().unwrap().to_string())
            .collect()
    };

    let m = meta(&format!("bags/{SIDECAR}"));
    assert_eq!(m["case"]["applicant_id"], "079186004521");
    assert_eq!(
        m["hoso"]["title"],
        "Hồ sơ đăng ký khai sinh cho Trần Gia Huy"
    );
    assert_eq!(m["components"].as_array().unwrap().len(), 2);
    assert_eq!(m["components"][1]["fields"]["code_number"], "1375");
    assert_eq!(m["metadata_sources"][1]["kind"], "sidecar");
    assert_eq!(m["extra"]["STT"], "1");
    assert_eq!(m["pages"][1]["encoding"], "dct");

    let m = meta(&format!("bags/{TCVN3}"));
    assert_eq!(m["source_folder"], "Ho so Dang Van Hung");
    assert_eq!(m["case"]["applicant_name"], "Đặng Văn Hùng");
    assert_eq!(m["text_conversions"][0]["encoding"], "tcvn3");
    assert_eq!(m["text_conversions"][0]["original"], "§Æng V¨n Hïng");
    assert!(event_types(&format!("bags/{TCVN3}")).contains(&"metadata modification".into()));

    let m = meta(&format!("bags/{LAND}"));
    assert_eq!(m["case"]["applicant_name"], "Lò Thị Xuân");
    assert_eq!(m["text_conversions"][0]["encoding"], "vni");
    assert_eq!(m["pages"][1]["frame"], 1);
    assert_eq!(m["pages"][2]["encoding"], "flate");

    let m = meta(&format!("bags/{NO_META}"));
    assert_eq!(m["metadata_status"], "incomplete");
    assert_eq!(m["identifier_source"], "folder");
    assert_eq!(m["version"], 2);
    assert_eq!(
        m["previous_version"]["path"],
        format!("versions/{NO_META}/1")
    );
    assert_eq!(m["pages"][0]["dpi_source"], "inferred");
    assert_eq!(m["pages"][0]["ocr"]["status"], "done");

    let m = meta(&format!("withdrawn/{WITHDRAWN}/2"));
    assert_eq!(m["withdrawn"]["from"], format!("bags/{WITHDRAWN}"));
    assert!(m["withdrawn"]["reason"]
        .as_str()
        .unwrap()
        .contains("lưu nhầm"));
    assert!(event_types(&format!("withdrawn/{WITHDRAWN}/2")).contains(&"deaccession".into()));

    let m = meta(&format!("bags/{REPLACED}"));
    assert_eq!(m["version"], 2);
    assert_eq!(m["case"]["applicant_name"], "Vũ Thị Ngọc Ánh");
    assert_eq!(
        m["previous_version"]["path"],
        format!("versions/{REPLACED}/1")
    );
    assert!(event_types(&format!("bags/{REPLACED}")).contains(&"modification".into()));
    assert_eq!(
        meta(&format!("versions/{REPLACED}/1"))["case"]["applicant_name"],
        "Vũ Văn Nam"
    );

    let m = meta(&format!("bags/{OCR}"));
    assert_eq!(m["pages"][0]["ocr"]["status"], "done");
    let text =
        std::fs::read_to_string(root.join(format!("bags/{OCR}/data/text/page-0001.txt"))).unwrap();
    assert!(text.contains("Hồng Gai"), "{text}");

    let m = meta(&format!("bags/{ORIGINALS}"));
    assert_eq!(m["ingest"]["keep_originals"], true);
    assert_eq!(m["dropped_pages"][0]["source"], "01 Tờ khai/2.png");
    for s in m["sources"].as_array().unwrap() {
        let kept = s["kept_as"].as_str().unwrap();
        assert!(
            root.join(format!("bags/{ORIGINALS}")).join(kept).is_file(),
            "{kept}"
        );
    }
}

#[test]
fn search_finds_every_current_case_and_never_shows_a_number() {
    let w = copy();
    // No index is committed: search says so (exit 2), reindex builds it from the bags alone.
    let a = archive_arg(&w);
    let out = w.sohoa(&["search", "lan", "--archive", &a, "--json"]);
    assert_eq!(out.status.code(), Some(2), "search without an index");
    let r = reindex(&w);
    assert_eq!(r["cases"], 7, "{r}");

    // Browsing: every current case, none of the withdrawn one.
    let all = search(&w, "", &["--limit", "100"]);
    assert_eq!(all["total"], 7, "{all:#}");
    assert_eq!(case_ids(&all), set(&CURRENT));

    // Names, with and without diacritics; the legacy-typed names as converted.
    for (q, case) in [
        ("tran gia huy", SIDECAR),
        ("Trần Gia Huy", SIDECAR),
        ("dang van hung", TCVN3),
        ("Đặng Văn Hùng", TCVN3),
        ("lo thi xuan", LAND),
        ("Lò Thị Xuân", LAND),
        ("ngoc anh", REPLACED),
        ("mai khanh linh", ORIGINALS),
        ("nguoi_nop:Lan", SIDECAR),
        ("\"quyền sử dụng đất\"", LAND),
    ] {
        let r = search(&w, q, &[]);
        assert_eq!(case_ids(&r), set(&[case]), "{q}: {r:#}");
    }
    // The replaced applicant and the withdrawn case are not found any more.
    for q in ["vu van nam", "bui thi thanh huong"] {
        assert_eq!(search(&w, q, &[])["total"], 0, "{q}");
    }
    // Codes: whole (typed with spaces in the register), prefix.
    assert_eq!(
        case_ids(&search(&w, TCVN3, &[])),
        set(&[TCVN3]),
        "case code"
    );
    assert_eq!(case_ids(&search(&w, "000.00.21*", &[])), set(&[LAND]));
    // Words of the OCR page text: page hits.
    assert_eq!(hits(&search(&w, "hong gai", &[])), [(OCR.to_string(), 1)]);
    assert_eq!(
        hits(&search(&w, "trinh van khoa", &[])),
        [(NO_META.to_string(), 1)]
    );
    // Filters and facets.
    assert_eq!(
        case_ids(&search(&w, "", &["--channel", "postal"])),
        set(&[OCR])
    );
    assert_eq!(
        case_ids(&search(&w, "", &["--channel", "online"])),
        set(&[LAND, ORIGINALS])
    );
    assert_eq!(
        case_ids(&search(&w, "", &["--status", "Đang giải quyết"])),
        set(&[LAND])
    );
    assert_eq!(
        case_ids(&search(
            &w,
            "",
            &[
                "--received-from",
                "2026-07-06",
                "--received-to",
                "2026-07-08"
            ]
        )),
        set(&[REPLACED, OCR])
    );
    let f = search(&w, "", &["--facets"]);
    assert_eq!(
        f["facets"]["year"][0],
        serde_json::json!(["2026", 6]),
        "{f:#}"
    );

    // Identity numbers: found by keyed hash however typed, shown masked (run_json checks every
    // output for clear numbers).
    for q in ["079186004521", "079 186 004 521", "0791.8600.4521"] {
        let r = search(&w, q, &[]);
        assert_eq!(case_ids(&r), set(&[SIDECAR]), "{q}: {r:#}");
        assert_eq!(r["hits"][0]["case"]["applicant_id_masked"], "0791******21");
    }
    let r = search(&w, "022190005566", &[]);
    assert_eq!(
        hits(&r),
        [(OCR.to_string(), 1)],
        "number printed on the page"
    );
    for q in ["001191002233", "031088004455"] {
        assert_eq!(search(&w, q, &[])["total"], 0, "{q}: withdrawn or replaced");
    }
    for (id, case) in IDS {
        if case == WITHDRAWN || id == "031088004455" {
            continue;
        }
        assert!(
            case_ids(&search(&w, id, &[])).contains(case),
            "{id} finds {case}"
        );
    }
}

#[test]
fn audit_reads_every_case() {
    let w = copy();
    let a = archive_arg(&w);
    let audit = |extra: &[&str]| {
        let mut args = vec!["audit", "--archive", &a, "--json", "--as-of", "2026-12-31"];
        args.extend_from_slice(extra);
        let r = run_json(&w, &args, 1);
        assert_eq!(r["schema"], "sohoa/audit");
        r
    };
    // Before any index: the archive-wide index finding.
    let r = audit(&[]);
    assert_eq!(r["summary"]["by_code"]["song.index_absent"]["errors"], 1);

    reindex(&w);
    let dir = w.dir.path();
    let (html, csv) = (dir.join("audit.html"), dir.join("audit.csv"));
    let r = audit(&[
        "--html",
        html.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let s = &r["summary"];
    assert_eq!(s["cases"], 7, "{s:#}");
    let cases: BTreeSet<String> = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(cases, set(&CURRENT));
    // Every bag re-hashed, all well.
    assert_eq!(r["fixity"]["mode"], "all");
    assert_eq!(r["fixity"]["bags_checked"], 7, "{:#}", r["fixity"]);
    assert_eq!(s["by_criterion"]["song"]["errors"], 0, "{s:#}");
    // Bags, bundles and records read: none of the findings that mean "cannot read this".
    let codes: BTreeMap<String, Vec<String>> = {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in r["findings"].as_array().unwrap() {
            m.entry(f["case_id"].as_str().unwrap_or("").to_string())
                .or_default()
                .push(f["code"].as_str().unwrap().to_string());
        }
        m
    };
    for (case, list) in &codes {
        for c in list {
            assert!(
                !matches!(
                    c.as_str(),
                    "dung.bag"
                        | "dung.bundle"
                        | "dung.metadata_unreadable"
                        | "song.fixity"
                        | "song.index_missing"
                        | "song.index_stale"
                        | "song.index_orphan"
                        | "dung.case_code"
                        | "dung.case_code_date"
                        | "dung.date_invalid"
                        | "dung.date_order"
                        | "dung.due_date"
                        | "dung.cccd"
                ),
                "{case}: {c}\n{:#}",
                r["findings"]
            );
        }
    }
    // What the fixture holds: the case without metadata, the legacy-typed names.
    let missing: BTreeSet<String> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["case_id"] == NO_META && f["code"] == "du.metadata_missing")
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    for field in [
        "case_code",
        "procedure_code",
        "agency_name",
        "applicant_name",
        "received_date",
    ] {
        assert!(missing.contains(field), "{field} missing: {missing:?}");
    }
    for case in [TCVN3, LAND] {
        assert!(
            codes[case].contains(&"sach.legacy_encoding".to_string()),
            "{case}: {:?}",
            codes[case]
        );
    }
    let errors_of = |case: &str| {
        r["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["case_id"] == case)
            .unwrap()["errors"]
            .as_u64()
            .unwrap()
    };
    for case in [SIDECAR, TCVN3, REPLACED, ORIGINALS, LAND] {
        assert_eq!(errors_of(case), 0, "{case}: {:?}", codes.get(case));
    }
    assert!(errors_of(NO_META) >= 5);
    // The files: whole, with every finding, no clear number.
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains(NO_META) && html.contains("</html>"));
    assert_no_clear_id(&html, "audit --html");
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert_no_clear_id(&csv, "audit --csv");
    let rows = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .count();
    assert_eq!(rows, r["findings"].as_array().unwrap().len());
}

#[test]
fn report_counts_the_period_of_the_fixture() {
    let w = copy();
    let a = archive_arg(&w);
    let dir = w.dir.path();
    let (letters, xlsx, csv, html) = (
        dir.join("letters"),
        dir.join("b06.xlsx"),
        dir.join("b06.csv"),
        dir.join("b06.html"),
    );
    let r = run_json(
        &w,
        &[
            "report",
            "--archive",
            &a,
            "--from",
            "2026-07-01",
            "--to",
            "2026-07-31",
            "--json",
            "--apologies",
            letters.to_str().unwrap(),
            "--letter-date",
            "2026-08-03",
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(r["schema"], "sohoa/report");
    for inv in r["invariants"].as_array().unwrap() {
        assert_eq!(inv["holds"], true, "{inv}");
    }
    // Received in July 2026: 6 current cases (the one without metadata has no date, the
    // withdrawn one is out of the archive); by hand from the register (README.md).
    let t = &r["total"]["counts"];
    let want = [
        ("recv_total", 6),
        ("recv_online", 2),
        ("recv_offline", 4),
        ("recv_direct", 3),
        ("recv_postal", 1),
        ("carried_over", 0),
        ("done_total", 5),
        ("done_early", 2),
        ("done_ontime", 2),
        ("done_late", 1),
        ("pending_total", 1),
        ("pending_ok", 0),
        ("pending_late", 1),
        ("withdrawn", 0),
    ];
    for (k, n) in want {
        assert_eq!(t[k], n, "{k}: {t:#}");
    }
    let late: BTreeMap<String, (String, i64)> = r["late"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["case_id"].as_str().unwrap().to_string(),
                (
                    l["state"].as_str().unwrap().to_string(),
                    l["working_days_late"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(late[TCVN3], ("done".to_string(), 2), "{late:?}");
    assert_eq!(late[LAND], ("pending".to_string(), 3), "{late:?}");
    assert_eq!(late.len(), 2);
    // The names as converted from TCVN3 and VNI at ingest (the letters are addressed to them).
    let names: BTreeSet<&str> = r["late"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["applicant_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from(["Đặng Văn Hùng", "Lò Thị Xuân"]));
    let skipped: Vec<&str> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["case_id"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, [NO_META]);
    assert_eq!(r["trend"][0]["month"], "2026-07");
    assert_eq!(r["trend"][0]["received"], 6);

    // One letter per late case; the other outputs written whole, no clear number.
    let mut pdfs: Vec<String> = std::fs::read_dir(&letters)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    pdfs.sort();
    assert_eq!(
        pdfs,
        [
            format!("xin-loi-{TCVN3}.pdf"),
            format!("xin-loi-{LAND}.pdf")
        ]
    );
    for p in &pdfs {
        assert!(std::fs::read(letters.join(p))
            .unwrap()
            .starts_with(b"%PDF-"));
    }
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("06/VPCP/KSTT"));
    assert_no_clear_id(&html, "report --html");
    assert_no_clear_id(&std::fs::read_to_string(&csv).unwrap(), "report --csv");

    // By agency: the rows add up.
    let r = run_json(
        &w,
        &[
            "report",
            "--archive",
            &a,
            "--from",
            "2026-07-01",
            "--to",
            "2026-07-31",
            "--by",
            "agency",
            "--json",
        ],
        0,
    );
    let rows: BTreeMap<String, u64> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["label"].as_str().unwrap().to_string(),
                x["counts"]["recv_total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.values().sum::<u64>(), 6, "{rows:?}");
    assert_eq!(rows.len(), 2, "{rows:?}");
}

#[test]
fn inspect_reads_the_kept_originals() {
    let w = copy();
    let bag = w.bag(ORIGINALS);
    let m = w.metadata(ORIGINALS);
    let blank = bag.join("data/originals/01 Tờ khai/2.png");
    let jpeg = bag.join("data/originals/02 Giấy chứng sinh/1.jpg");
    let r = run_json(
        &w,
        &[
            "inspect",
            blank.to_str().unwrap(),
            jpeg.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(r["schema"], "sohoa/inspect");
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    // The page left out with --drop-blank is still seen as blank.
    let p = &files[0]["pages"][0];
    assert_eq!(p["normalization"]["blank"], true, "{p:#}");
    // The JPEG: as the bag's page record says.
    let p = &files[1]["pages"][0];
    let stored = &m["pages"][1];
    assert_eq!(stored["source"], "02 Giấy chứng sinh/1.jpg");
    for k in ["dpi_x", "dpi_y", "dpi_source", "colour"] {
        assert_eq!(p[k], stored[k], "{k}: {p:#}");
    }
}

#[test]
fn withdraw_ocr_and_ingest_write_into_the_old_archive() {
    let w = copy();
    let a = archive_arg(&w);
    let fixture_bags = verify(&w, &[], 0);
    let old: BTreeMap<String, BTreeMap<String, String>> = bag_paths(&fixture_bags)
        .into_iter()
        .map(|p| {
            let d = tree_digest(&w.archive().join(&p));
            (p, d)
        })
        .collect();

    // Withdraw another case (the reason's number is masked before it is recorded).
    let r = run_json(
        &w,
        &[
            "withdraw",
            LAND,
            "--archive",
            &a,
            "--reason",
            "Người nộp rút hồ sơ (CCCD 068190007788)",
            "--json",
        ],
        0,
    );
    assert_eq!(r["schema"], "sohoa/withdraw");
    assert_eq!(r["case_id"], LAND);
    assert_eq!(r["version"], 2);
    assert_eq!(r["previous_path"], format!("versions/{LAND}/1"));
    assert_eq!(r["path"], format!("withdrawn/{LAND}/2"));
    assert_eq!(r["reason"], "Người nộp rút hồ sơ (CCCD 0681******88)");
    assert!(!w.bag(LAND).exists());
    let wm = read_json(
        &w.archive()
            .join(format!("withdrawn/{LAND}/2/data/metadata.json")),
    );
    assert_eq!(wm["withdrawn"]["from"], format!("bags/{LAND}"));
    assert_eq!(search(&w, "lo thi xuan", &[])["total"], 0);
    // Withdrawing the already withdrawn case: no such case in bags/.
    let out = w.sohoa(&["withdraw", WITHDRAWN, "--archive", &a, "--reason", "again"]);
    assert_eq!(out.status.code(), Some(2));

    // OCR of an old bag without text: a new version, the old one kept.
    let ocr_ran = if tesseract_with_vie() {
        let r = run_json(
            &w,
            &["ocr", TCVN3, "--archive", &a, "--jobs", "2", "--json"],
            0,
        );
        assert_eq!(r["schema"], "sohoa/ocr-report");
        assert_eq!(r["added"], 1, "{r:#}");
        assert_eq!(r["cases"][0]["version"], 2);
        assert_eq!(r["cases"][0]["ocr_pages"], 2);
        assert_eq!(
            r["cases"][0]["previous_version"],
            format!("versions/{TCVN3}/1")
        );
        let text = std::fs::read_to_string(w.bag(TCVN3).join("data/text/page-0001.txt")).unwrap();
        assert!(text.contains("HỢP ĐỒNG THUÊ NHÀ"), "{text}");
        let m = w.metadata(TCVN3);
        assert_eq!(m["version"], 2);
        assert_eq!(m["text_conversions"][0]["original"], "§Æng V¨n Hïng");
        assert_eq!(hits(&search(&w, "song lo", &[])), [(TCVN3.to_string(), 1)]);
        // A bag that has text already is skipped.
        let r = run_json(&w, &["ocr", OCR, "--archive", &a, "--json"], 0);
        assert_eq!(
            (r["added"].as_u64(), r["skipped"].as_u64()),
            (Some(0), Some(1))
        );
        true
    } else {
        eprintln!(
            "compat_archive: SKIPPING `sohoa ocr` on the fixture: Tesseract 5 with `vie` is not \
             installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
        );
        false
    };

    // Ingest one more case into the old archive.
    let case = "000.00.15.H12-260710-0001";
    let folder = w.scans().join(case);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("1.jpg"), jpeg_bytes()).unwrap();
    std::fs::write(
        folder.join("hoso.json"),
        serde_json::to_string(&serde_json::json!({
            "case_code": case,
            "procedure_code": "2.000908",
            "procedure_name": "Cấp bản sao từ sổ gốc",
            "agency_code": "000.00.15.H12",
            "agency_name": "UBND xã Tân Hòa",
            "applicant_name": "Đoàn Thị Yến",
            "received_date": "10/07/2026",
            "channel": "Trực tiếp",
        }))
        .unwrap(),
    )
    .unwrap();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["ingested"], 1, "{report:#}");
    assert_no_clear_id(&report.to_string(), "ingest report");
    assert_eq!(w.metadata(case)["metadata_status"], "complete");
    assert_eq!(case_ids(&search(&w, "doan thi yen", &[])), set(&[case]));
    let all = search(&w, "", &["--limit", "100"]);
    assert_eq!(all["total"], 7, "6 old cases and the new one: {all:#}");

    // Every bag verifies; every bag of the fixture is still there, byte for byte (moved to
    // versions/ when a new version replaced it).
    let r = verify(&w, &[], 0);
    let n = 11 + 1 /* withdrawn */ + usize::from(ocr_ran) + 1 /* new case */;
    assert_eq!(r["summary"]["bags"], n, "{:#}", r["summary"]);
    assert_eq!(r["summary"]["valid"], n);
    let now = bag_paths(&r);
    for (path, digest) in &old {
        let moved = match path.as_str() {
            p if p == format!("bags/{LAND}") => format!("versions/{LAND}/1"),
            p if ocr_ran && p == format!("bags/{TCVN3}") => format!("versions/{TCVN3}/1"),
            p => p.to_string(),
        };
        assert!(now.contains(&moved), "{moved} is gone: {now:?}");
        assert_eq!(
            &tree_digest(&w.archive().join(&moved)),
            digest,
            "{path} (now {moved}) changed"
        );
    }
    // And the archive still reindexes and audits.
    assert_eq!(reindex(&w)["cases"], 7);
    let r = run_json(
        &w,
        &["audit", "--archive", &a, "--json", "--as-of", "2026-12-31"],
        1,
    );
    assert_eq!(r["summary"]["cases"], 7);
    assert_eq!(
        r["summary"]["by_criterion"]["song"]["errors"], 0,
        "{:#}",
        r["summary"]
    );
}
