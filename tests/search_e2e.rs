//! Search over an ingested archive: the index is updated by every ingest, finds cases with
//! or without diacritics, gives the documented JSON, equals a rebuild from the bags alone,
//! and never blocks archiving when it fails.

mod common;
use common::*;

fn search(w: &Work, args: &[&str]) -> (i32, serde_json::Value) {
    let archive = w.archive();
    let mut all = vec!["search", "--archive", archive.to_str().unwrap(), "--json"];
    all.extend_from_slice(args);
    let out = w.sohoa(&all);
    let code = out.status.code().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (code, json)
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["case_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

const QUERIES: &[&str] = &[
    "nguyen van an",
    "Nguyễn Văn An",
    "khai sinh",
    "\"quyền sử dụng đất\"",
    "000.00.15*",
    "dat dai",
    "tan hoa",
    "",
];

#[test]
fn ingest_updates_the_index_and_search_finds_cases_with_or_without_diacritics() {
    let w = Work::with_samples();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0);
    assert_eq!(report["index"]["updated"], report["summary"]["ingested"]);
    assert!(report["index"]["error"].is_null());

    let (code, plain) = search(&w, &["nguyen van an"]);
    assert_eq!(code, 0);
    assert_eq!(ids(&plain), ["000.00.15.H12-250701-0001"]);
    for q in ["Nguyễn Văn An", "NGUYỄN VĂN AN"] {
        assert_eq!(ids(&search(&w, &[q]).1), ids(&plain), "{q}");
    }
    let hit = &plain["hits"][0];
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert!(hit["snippet"].as_str().unwrap().contains("<b>"));
    assert_eq!(hit["bag"], "bags/000.00.15.H12-250701-0001");
    assert_eq!(plain["schema"], "sohoa/search-results");
    // The CCCD is searchable but only shown masked.
    let (_, by_id) = search(&w, &["040093878972"]);
    assert_eq!(ids(&by_id), ["000.00.15.H12-250701-0001"]);
    assert_eq!(
        by_id["hits"][0]["case"]["applicant_id_masked"],
        "0400******72"
    );
    assert!(!serde_json::to_string(&by_id)
        .unwrap()
        .contains("040093878972"));
    // Filters from the CLI.
    let (_, postal) = search(&w, &["", "--channel", "bưu chính"]);
    assert_eq!(ids(&postal), ["000.00.15.H12-250707-0002"]);
    let (_, pending) = search(&w, &["", "--from", "2025-07-20", "--to", "2025-07-31"]);
    assert_eq!(
        ids(&pending),
        ["000.00.21.H36-250704-0012"],
        "only the pending case overlaps late July"
    );
    // The people's table has Vietnamese labels.
    let archive = w.archive();
    let out = Work::sohoa(
        &w,
        &[
            "search",
            "khai sinh",
            "--archive",
            archive.to_str().unwrap(),
            "--lang",
            "vi",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Người nộp") && text.contains("Mã hồ sơ"),
        "{text}"
    );
}

#[test]
fn reindex_from_the_bags_gives_the_same_results_as_incremental_updates() {
    let w = Work::with_samples();
    w.ingest(&[]);
    // A changed case: re-ingested, its index entry replaced.
    let side = w.scans().join("000.00.15.H12-250701-0001/hoso.json");
    let text = std::fs::read_to_string(&side)
        .unwrap()
        .replace("Nguyễn Minh Khôi", "Nguyễn Minh Khang");
    std::fs::write(&side, text).unwrap();
    let (_, second) = w.ingest(&[]);
    assert_eq!(second["index"]["updated"], 1);
    let incremental: Vec<(usize, Vec<String>)> = QUERIES
        .iter()
        .map(|q| {
            let (_, v) = search(&w, &[q, "--limit", "50"]);
            (v["total"].as_u64().unwrap() as usize, ids(&v))
        })
        .collect();
    assert_eq!(
        ids(&search(&w, &["Khang"]).1),
        ["000.00.15.H12-250701-0001"]
    );
    assert!(
        ids(&search(&w, &["\"Minh Khôi\""]).1).is_empty(),
        "the old version is no longer found"
    );

    let archive = w.archive();
    let out = w.sohoa(&["reindex", "--archive", archive.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rebuilt: Vec<(usize, Vec<String>)> = QUERIES
        .iter()
        .map(|q| {
            let (_, v) = search(&w, &[q, "--limit", "50"]);
            (v["total"].as_u64().unwrap() as usize, ids(&v))
        })
        .collect();
    assert_eq!(rebuilt, incremental);
    assert_eq!(
        rebuilt.last().unwrap().0,
        case_folders(&w.scans()).len(),
        "one document per case"
    );
}

#[test]
fn an_index_failure_never_blocks_archiving() {
    let w = Work::with_samples();
    // The identifier key's folder is unusable (a file in its place), so the index cannot be
    // written.
    let key_dir = w.key_file().parent().unwrap().to_path_buf();
    std::fs::create_dir_all(key_dir.parent().unwrap()).unwrap();
    std::fs::write(&key_dir, b"not a folder").unwrap();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert!(report["index"]["error"].is_string());
    assert_eq!(
        report["summary"]["ingested"],
        case_folders(&w.scans()).len()
    );
    let (code, _) = w.verify();
    assert_eq!(code, 0);
    // Once the obstacle is gone, the index is rebuilt from the bags.
    std::fs::remove_file(&key_dir).unwrap();
    let archive = w.archive();
    assert_eq!(
        w.sohoa(&["reindex", "--archive", archive.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(search(&w, &[""]).1["total"], case_folders(&w.scans()).len());
}

#[test]
fn search_without_an_index_cannot_run() {
    let w = Work::empty();
    let (code, _) = search(&w, &["x"]);
    assert_eq!(code, 2);
}

#[test]
fn limit_zero_is_refused_in_the_readers_language() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let run = |lang: &str| {
        let a = archive.to_str().unwrap();
        w.sohoa(&["search", "", "--archive", a, "--limit", "0", "--lang", lang])
    };
    let vi = run("vi");
    assert_eq!(vi.status.code(), Some(2), "{vi:?}");
    assert!(vi.stdout.is_empty(), "no hit is shown: {vi:?}");
    let said = String::from_utf8_lossy(&vi.stderr);
    assert!(
        said.contains("--limit") && said.contains("ít nhất 1"),
        "{said}"
    );
    let en = run("en");
    assert_eq!(en.status.code(), Some(2));
    let said = String::from_utf8_lossy(&en.stderr);
    assert!(
        said.contains("--limit") && said.contains("at least 1"),
        "{said}"
    );
}

#[test]
fn a_reversed_date_range_is_an_error_naming_both_dates() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let archive = w.archive();
    let a = archive.to_str().unwrap();
    for (from, to) in [
        ("--from", "--to"),
        ("--received-from", "--received-to"),
        ("--resolved-from", "--resolved-to"),
    ] {
        let out = w.sohoa(&[
            "search",
            "",
            "--archive",
            a,
            from,
            "2025-08-01",
            to,
            "31/07/2025",
            "--lang",
            "vi",
        ]);
        assert_eq!(out.status.code(), Some(2), "{from}: {out:?}");
        assert!(out.stdout.is_empty(), "{from}: no (empty) result is shown");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("đảo ngược")
                && said.contains(&format!("{from} 2025-08-01"))
                && said.contains(&format!("{to} 31/07/2025")),
            "{said}"
        );
    }
    let out = w.sohoa(&[
        "search",
        "",
        "--archive",
        a,
        "--from",
        "2025-08-01",
        "--to",
        "2025-07-31",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("reversed") && said.contains("2025-08-01") && said.contains("2025-07-31"),
        "{said}"
    );
    // The same day on both ends is a valid one-day range.
    let out = w.sohoa(&[
        "search",
        "",
        "--archive",
        a,
        "--from",
        "2025-07-01",
        "--to",
        "01/07/2025",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
