//! A killed ingest (kill -9 in the middle) leaves no partial bag: every bag present is
//! whole and valid, and a rerun completes the batch.

mod common;
use common::*;
use std::time::{Duration, Instant};

#[test]
fn kill_9_mid_ingest_leaves_no_partial_bag_and_a_rerun_completes() {
    let w = Work::empty();
    // Many cases: the sample cases copied under new folder names (no register rows, so
    // each copy gets its own identifier from its folder name).
    let mut n = 0;
    for round in 0..6 {
        for folder in case_folders(&samples()) {
            let dest = w.scans().join(format!("r{round}-{folder}"));
            copy_dir(&samples().join(&folder), &dest);
            // A sidecar would give every copy the same case code.
            let _ = std::fs::remove_file(dest.join("hoso.json"));
            n += 1;
        }
    }
    let (scans, archive) = (w.scans(), w.archive());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args([
            "ingest",
            scans.to_str().unwrap(),
            "--archive",
            archive.to_str().unwrap(),
            "--jobs",
            "2",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until a few bags are committed, then kill without warning.
    let start = Instant::now();
    loop {
        let done = std::fs::read_dir(archive.join("bags"))
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .count()
            })
            .unwrap_or(0);
        if done >= 3 || start.elapsed() > Duration::from_secs(120) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            panic!("ingest finished before it could be killed; make the batch bigger");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: sending SIGKILL to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();

    let committed: Vec<String> = std::fs::read_dir(archive.join("bags"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert!(
        committed.len() < n,
        "the kill came too late to test anything"
    );
    let (code, v) = w.verify();
    assert_eq!(code, 0, "every bag visible after the kill is whole: {v:#}");

    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["summary"]["ingested"].as_u64().unwrap()
            + report["summary"]["skipped"].as_u64().unwrap(),
        n as u64
    );
    assert!(report["summary"]["skipped"].as_u64().unwrap() >= committed.len() as u64);
    let leftovers: Vec<_> = std::fs::read_dir(archive.join("bags"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
    let (code, v) = w.verify();
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["bags"], n);
}
