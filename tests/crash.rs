//! A killed ingest (kill -9 in the middle) leaves no partial bag, and the index always catches
//! up with the bags on the next run, also on an archive that already has an index (where a
//! rerun skips what the killed run stored). Ctrl-C and SIGTERM stop cleanly: what was stored is
//! reported and indexed, nothing half-written is left, the exit code is 130.

mod common;
use common::*;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// `rounds` copies of the sample cases under new folder names (no register rows, so each copy
/// gets its own identifier from its folder name).
fn many_cases(w: &Work, prefix: &str, rounds: usize) -> usize {
    let mut n = 0;
    for round in 0..rounds {
        for folder in case_folders(&samples()) {
            let dest = w.scans().join(format!("{prefix}{round}-{folder}"));
            copy_dir(&samples().join(&folder), &dest);
            // A sidecar would give every copy the same case code.
            let _ = std::fs::remove_file(dest.join("hoso.json"));
            n += 1;
        }
    }
    n
}

fn bag_names(archive: &Path) -> Vec<String> {
    std::fs::read_dir(archive.join("bags"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn visible_bags(archive: &Path) -> usize {
    bag_names(archive)
        .iter()
        .filter(|n| !n.starts_with('.'))
        .count()
}

fn start_ingest(w: &Work, extra: &[&str]) -> Child {
    let (scans, archive) = (w.scans(), w.archive());
    let mut args = vec![
        "ingest",
        scans.to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
        "--jobs",
        "2",
    ];
    args.extend_from_slice(extra);
    w.command()
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until `until` bags are visible, then sends `signal`.
fn signal_when(child: &mut Child, archive: &Path, until: usize, signal: i32) {
    let start = Instant::now();
    loop {
        if visible_bags(archive) >= until || start.elapsed() > Duration::from_secs(180) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            panic!("ingest finished before it could be stopped; make the batch bigger");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, signal) };
}

/// Every case id the index finds (browsing, all of them).
fn indexed(w: &Work) -> Vec<(String, u64)> {
    let archive = w.archive();
    let out = w.sohoa(&[
        "search",
        "--archive",
        archive.to_str().unwrap(),
        "--limit",
        "10000",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<(String, u64)> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["case_id"].as_str().unwrap().to_string(),
                h["case"]["version"].as_u64().unwrap(),
            )
        })
        .collect();
    ids.sort();
    ids
}

/// Every current bag with its version, from the bags themselves.
fn stored(w: &Work) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = bag_names(&w.archive())
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .map(|id| {
            let version = w.metadata(&id)["version"].as_u64().unwrap();
            (id, version)
        })
        .collect();
    v.sort();
    v
}

fn no_leftovers(archive: &Path) {
    let left: Vec<String> = bag_names(archive)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary folders left: {left:?}");
}

#[test]
fn kill_9_mid_ingest_leaves_no_partial_bag_and_a_rerun_completes() {
    let w = Work::empty();
    let n = many_cases(&w, "r", 6);
    let archive = w.archive();
    let mut child = start_ingest(&w, &[]);
    signal_when(&mut child, &archive, 3, libc::SIGKILL);
    let _ = child.wait();

    let committed = visible_bags(&archive);
    assert!(committed < n, "the kill came too late to test anything");
    let (code, v) = w.verify();
    assert_eq!(code, 0, "every bag visible after the kill is whole: {v:#}");

    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["summary"]["ingested"].as_u64().unwrap()
            + report["summary"]["skipped"].as_u64().unwrap(),
        n as u64
    );
    assert!(report["summary"]["skipped"].as_u64().unwrap() >= committed as u64);
    no_leftovers(&archive);
    let (code, v) = w.verify();
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["bags"], n);
    assert_eq!(indexed(&w), stored(&w), "search finds every stored case");
}

#[test]
fn kill_9_on_an_archive_with_an_index_leaves_search_complete_after_the_rerun() {
    let w = Work::empty();
    // An archive that already has an index.
    let first = many_cases(&w, "a", 1);
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);
    assert_eq!(indexed(&w).len(), first);
    let n = first + many_cases(&w, "b", 6);
    let archive = w.archive();
    let mut child = start_ingest(&w, &[]);
    signal_when(&mut child, &archive, first + 3, libc::SIGKILL);
    let _ = child.wait();
    assert!(visible_bags(&archive) < n, "the kill came too late");

    // A search right after the kill already sees every bag the killed run committed.
    assert_eq!(indexed(&w), stored(&w), "search after the kill");

    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(indexed(&w), stored(&w), "search after the rerun");
    assert_eq!(stored(&w).len(), n);
    no_leftovers(&archive);
}

#[test]
fn kill_9_during_a_re_ingest_leaves_no_stale_index_entry() {
    let w = Work::empty();
    let n = many_cases(&w, "c", 5);
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);
    // Every case changes (a new page name): the rerun makes version 2 of each.
    for folder in case_folders(&w.scans()) {
        std::fs::write(w.scans().join(&folder).join("zz-note.png"), png_page()).unwrap();
    }
    let archive = w.archive();
    let mut child = start_ingest(&w, &[]);
    let start = Instant::now();
    loop {
        // Cases whose first version was moved aside: their version 2 is (being) committed.
        let v2 = std::fs::read_dir(archive.join("versions"))
            .map(|rd| rd.count())
            .unwrap_or(0);
        if v2 >= 3 || start.elapsed() > Duration::from_secs(180) {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "finished too early");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: killing our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();
    let found = indexed(&w);
    assert_eq!(
        stored(&w).len(),
        n,
        "no case is missing from bags/ once recovered"
    );
    assert_eq!(found, stored(&w), "no stale version in the index");
    let (code, _) = w.ingest(&[]);
    assert_eq!(code, 0);
    assert!(stored(&w).iter().all(|(_, v)| *v == 2));
    assert_eq!(indexed(&w), stored(&w));
    let (code, v) = w.verify();
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn ctrl_c_stops_cleanly_reports_what_was_stored_and_exits_130() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let w = Work::empty();
        let n = many_cases(&w, "d", 6);
        let archive = w.archive();
        let mut child = start_ingest(&w, &["--json"]);
        signal_when(&mut child, &archive, 2, signal);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "signal {signal}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["interrupted"], true);
        let ingested = report["summary"]["ingested"].as_u64().unwrap() as usize;
        let interrupted = report["summary"]["interrupted"].as_u64().unwrap() as usize;
        assert!(ingested >= 2 && interrupted > 0, "{:#}", report["summary"]);
        assert_eq!(ingested + interrupted, n, "every case accounted for");
        // The report file is written, the index has exactly what was stored, nothing is left.
        let path = archive.join(report["report_path"].as_str().unwrap());
        assert!(path.is_file());
        assert_eq!(report["index"]["error"], serde_json::Value::Null);
        assert_eq!(indexed(&w), stored(&w));
        assert_eq!(stored(&w).len(), ingested);
        no_leftovers(&archive);
        let (code, v) = w.verify();
        assert_eq!(code, 0, "{v:#}");
        // The rerun goes on where it stopped.
        let (code, report) = w.ingest(&[]);
        assert_eq!(code, 0);
        assert_eq!(
            report["summary"]["ingested"].as_u64().unwrap() as usize,
            n - ingested
        );
    }
}

/// A small gray PNG page.
fn png_page() -> Vec<u8> {
    let img = image::GrayImage::from_fn(300, 420, |x, y| image::Luma([((x * 7 + y) % 256) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
