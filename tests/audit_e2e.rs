//! The audit end to end: a generated batch with planted defects of every kind (the generator
//! lists them) is ingested, the archive is then damaged (fixity, stale/missing/orphan index
//! entries), and `sohoa audit` must find every planted defect; a clean batch has no errors.
//! Also `sohoa report`: invariants, late cases, XLSX/CSV/HTML and the apology letters.

mod common;

use common::{case_result, Work};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const AS_OF: &str = "2026-11-23";

fn generate(out: &Path, args: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/generate.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(out)
        .args(args)
        .arg("--force")
        .status()
        .expect("python3 runs the sample generator (pip install pillow numpy)");
    assert!(status.success(), "generator failed: {args:?}");
}

fn audit(w: &Work, extra: &[&str]) -> (i32, Value) {
    let archive = w.archive();
    let mut args = vec!["audit", "--archive", archive.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let out = w.sohoa(&args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "audit printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

/// Findings per case id: the codes.
fn codes_by_case(report: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let id = f["case_id"].as_str().unwrap_or("").to_string();
        out.entry(id)
            .or_default()
            .push(f["code"].as_str().unwrap().to_string());
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    common::copy_dir(from, to);
}

#[test]
fn audit_finds_every_planted_defect_and_the_damage_done_later() {
    let w = Work::empty();
    let planted_path = w.dir.path().join("planted.json");
    generate(
        &w.scans(),
        &[
            "--generic",
            "--cases",
            "45",
            "--defects",
            planted_path.to_str().unwrap(),
        ],
    );
    let planted: Value = serde_json::from_slice(&std::fs::read(&planted_path).unwrap()).unwrap();
    let planted_folders: Vec<&str> = planted["planted"]
        .as_array()
        .unwrap()
        .iter()
        .chain(planted["controls"].as_array().unwrap())
        .map(|p| p["folder"].as_str().unwrap())
        .collect();
    let clean: Vec<String> = common::case_folders(&w.scans())
        .into_iter()
        .filter(|f| !planted_folders.contains(&f.as_str()))
        .collect();
    assert!(clean.len() >= 4, "the batch keeps clean cases: {clean:?}");
    // One clean case is left out of the first ingest and comes in after the index backup.
    let (late_comer, changed, removed, tampered) = (&clean[0], &clean[1], &clean[2], &clean[3]);
    let aside = w.dir.path().join("aside");
    std::fs::rename(w.scans().join(late_comer), &aside).unwrap();
    let (_, first) = w.ingest(&[]);
    let index_backup = w.dir.path().join("index-backup");
    copy_tree(&w.archive().join("index"), &index_backup);
    std::fs::rename(&aside, w.scans().join(late_comer)).unwrap();
    // A changed scan makes a new version of `changed`.
    let jpg = walk_first(&w.scans().join(changed), "jpg")
        .or_else(|| walk_first(&w.scans().join(changed), "tif"));
    let jpg = jpg.expect("a scan file");
    let mut bytes = std::fs::read(&jpg).unwrap();
    bytes.push(0);
    std::fs::write(&jpg, bytes).unwrap();
    let (_, second) = w.ingest(&[]);
    let id = |report: &Value, folder: &str| {
        case_result(report, folder)["case_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let ids: BTreeMap<String, String> = common::case_folders(&w.scans())
        .into_iter()
        .map(|f| {
            let r = if &f == late_comer || &f == changed {
                &second
            } else {
                &first
            };
            (f.clone(), id(r, &f))
        })
        .collect();
    // The old index comes back from a backup: the late comer is missing, `changed` stale.
    std::fs::remove_dir_all(w.archive().join("index")).unwrap();
    copy_tree(&index_backup, &w.archive().join("index"));
    // A bag removed by hand leaves an orphan in the index; a flipped byte breaks fixity.
    std::fs::remove_dir_all(w.bag(&ids[removed])).unwrap();
    let pdf = walk_first(&w.bag(&ids[tampered]).join("data"), "pdf").unwrap();
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&pdf, bytes).unwrap();

    let (code, report) = audit(&w, &["--as-of", AS_OF]);
    assert_eq!(code, 1, "errors found -> exit 1");
    let found = codes_by_case(&report);
    let mut missed = Vec::new();
    for p in planted["planted"].as_array().unwrap() {
        let folder = p["folder"].as_str().unwrap();
        let code = p["code"].as_str().unwrap();
        let Some(case) = ids.get(folder) else {
            missed.push(format!("{folder}: not ingested (planted {code})"));
            continue;
        };
        if !found.get(case).is_some_and(|c| c.iter().any(|x| x == code)) {
            missed.push(format!(
                "{folder} ({case}): {code} not reported; got {:?}",
                found.get(case)
            ));
        }
    }
    for c in planted["controls"].as_array().unwrap() {
        let case = &ids[c["folder"].as_str().unwrap()];
        let not = c["not_code"].as_str().unwrap();
        assert!(
            !found.get(case).is_some_and(|v| v.iter().any(|x| x == not)),
            "control {case} must not have {not}: {:?}",
            found.get(case)
        );
    }
    let expect = [
        (&ids[late_comer], "song.index_missing"),
        (&ids[changed], "song.index_stale"),
        (&ids[removed], "song.index_orphan"),
        (&ids[tampered], "song.fixity"),
    ];
    for (case, code) in expect {
        if !found.get(case).is_some_and(|c| c.iter().any(|x| x == code)) {
            missed.push(format!(
                "{case}: {code} not reported; got {:?}",
                found.get(case)
            ));
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    // Every finding has a criterion matching its code and a Vietnamese message.
    for f in report["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        assert!(code.starts_with(f["criterion"].as_str().unwrap()), "{f}");
        assert!(!f["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(report["fixity"]["mode"], "all");
    // The audit's own fixity check is in the log; years later it is overdue.
    let (_, later) = audit(&w, &["--as-of", "2031-01-01", "--no-fixity", "--no-index"]);
    let later_codes = codes_by_case(&later);
    assert!(later_codes[&ids[changed]]
        .iter()
        .any(|c| c == "song.recheck_overdue"));
    let (_, now) = audit(&w, &["--as-of", AS_OF, "--no-fixity"]);
    assert!(!codes_by_case(&now)
        .values()
        .flatten()
        .any(|c| c == "song.recheck_overdue"));
    // Sampling re-hashes a share, never-checked first.
    let (_, sampled) = audit(&w, &["--as-of", AS_OF, "--sample", "10%"]);
    let n = sampled["summary"]["cases"].as_u64().unwrap();
    assert_eq!(sampled["fixity"]["mode"], "sample");
    assert_eq!(
        sampled["fixity"]["bags_checked"].as_u64().unwrap(),
        (n as f64 * 0.1).ceil() as u64
    );
}

fn walk_first(dir: &Path, ext: &str) -> Option<std::path::PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in &entries {
        if p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext)) {
            return Some(p.clone());
        }
    }
    entries
        .iter()
        .filter(|p| p.is_dir())
        .find_map(|p| walk_first(p, ext))
}

#[test]
fn a_clean_batch_has_no_errors_and_the_report_adds_up() {
    let w = Work::empty();
    generate(&w.scans(), &["--generic", "--cases", "10", "--seed", "7"]);
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);
    let html = w.dir.path().join("audit.html");
    let csv = w.dir.path().join("audit.csv");
    let (code, report) = audit(
        &w,
        &[
            "--as-of",
            AS_OF,
            "--html",
            html.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let errors: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        errors.is_empty(),
        "a clean batch has no errors: {errors:#?}"
    );
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["cases"], 10);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Sống"));
    assert!(std::fs::read(&csv)
        .unwrap()
        .starts_with(&[0xEF, 0xBB, 0xBF]));

    // The report over the same archive.
    let archive = w.archive();
    let dir = w.dir.path();
    let (xlsx, rcsv, rhtml, letters) = (
        dir.join("b06.xlsx"),
        dir.join("b06.csv"),
        dir.join("b06.html"),
        dir.join("letters"),
    );
    let out = w.sohoa(&[
        "report",
        "--archive",
        archive.to_str().unwrap(),
        "--from",
        "2025-07-01",
        "--to",
        "2025-10-31",
        "--by",
        "agency",
        "--json",
        "--xlsx",
        xlsx.to_str().unwrap(),
        "--csv",
        rcsv.to_str().unwrap(),
        "--html",
        rhtml.to_str().unwrap(),
        "--apologies",
        letters.to_str().unwrap(),
        "--letter-date",
        "2025-11-03",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    for inv in r["invariants"].as_array().unwrap() {
        assert_eq!(inv["holds"], true, "{inv}");
    }
    let t = &r["total"]["counts"];
    let n = |k: &str| t[k].as_u64().unwrap();
    assert_eq!(
        n("recv_total"),
        10,
        "every case received in the period is counted: {t}"
    );
    assert_eq!(
        n("done_total") + n("pending_total") + n("withdrawn"),
        n("recv_total")
    );
    let rows: u64 = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["counts"]["recv_total"].as_u64().unwrap())
        .sum();
    assert_eq!(rows, n("recv_total"));
    // Late cases: resolved after due (or still pending past it), one letter each.
    let late = r["late"].as_array().unwrap();
    assert_eq!(late.len() as u64, n("done_late") + n("pending_late"));
    for l in late {
        assert!(l["working_days_late"].as_i64().unwrap() > 0, "{l}");
        let due = l["due"].as_str().unwrap();
        match l["resolved"].as_str() {
            Some(res) => assert!(res > due, "{l}"),
            None => assert!(due < "2025-10-31"),
        }
    }
    let pdfs = std::fs::read_dir(&letters).map(|d| d.count()).unwrap_or(0);
    assert_eq!(pdfs, late.len());
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert!(std::fs::read_to_string(&rhtml)
        .unwrap()
        .contains("06/VPCP/KSTT"));
    assert!(dir.join("b06-tre-han.csv").is_file());
}

#[test]
fn audit_of_the_samples_names_the_case_without_metadata() {
    let w = Work::with_samples();
    w.ingest(&[]);
    let (code, report) = audit(&w, &["--as-of", AS_OF]);
    assert_eq!(code, 1);
    let found = codes_by_case(&report);
    assert!(
        found["HS-chua-co-thong-tin"]
            .iter()
            .any(|c| c == "du.metadata_missing"),
        "{found:?}"
    );
    // The blank back pages of the duplex scans are flagged (warnings), the sample register is NFC.
    assert!(found["000.00.15.H12-250701-0001"]
        .iter()
        .any(|c| c == "sach.blank_page"));
    // English messages on request; human output names the criteria.
    let archive = w.archive();
    let out = w.sohoa(&[
        "audit",
        "--archive",
        archive.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Đủ") && text.contains("Required metadata missing"),
        "{text}"
    );
    // Not an archive: exit 2.
    let out = w.sohoa(&[
        "audit",
        "--archive",
        w.dir.path().join("nowhere").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
