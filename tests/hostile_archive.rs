//! Hostile archives: links out of the archive, FIFOs and unsafe manifest paths in bags. Every
//! command that reads bags (verify, audit, report, reindex, search, ocr, withdraw, ingest) ends in
//! bounded time, reads nothing outside the archive and writes nothing outside it.

mod common;
use common::*;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// Text that only exists outside the archive: if any output holds it, sohoa read outside.
const CANARY: &str = "BIMATNGOAIKHO";

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path we own in a temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Runs sohoa; a command that does not end within a minute is a hang (killed, test fails).
fn run(w: &Work, args: &[&str]) -> Output {
    let mut child = w
        .command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("sohoa {args:?} hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Every command that reads the bags, each must end and show nothing from outside.
fn every_reader(w: &Work, out_dir: &Path) -> Vec<(String, Output)> {
    let a = w.archive();
    let a = a.to_str().unwrap();
    let o = |name: &str| out_dir.join(name).to_str().unwrap().to_string();
    let (html, csv, xlsx) = (o("audit.html"), o("audit.csv"), o("r.xlsx"));
    let commands: Vec<Vec<String>> = vec![
        vec!["verify", "--archive", a, "--json"],
        vec![
            "audit",
            "--archive",
            a,
            "--json",
            "--html",
            &html,
            "--csv",
            &csv,
        ],
        vec!["report", "--archive", a, "--json", "--xlsx", &xlsx],
        vec!["reindex", "--archive", a, "--json"],
        vec!["search", "", "--archive", a, "--json", "--limit", "1000"],
        vec!["search", CANARY, "--archive", a, "--json"],
        vec!["ocr", "--archive", a, "--json", "--ocr-timeout", "20"],
        vec!["withdraw", "b", "--archive", a, "--reason", "thử", "--json"],
        vec![
            "ingest",
            w.scans().to_str().unwrap(),
            "--archive",
            a,
            "--json",
        ],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(str::to_string).collect())
    .collect();
    let results: Vec<(String, Output)> = commands
        .into_iter()
        .map(|c| {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            let out = run(w, &args);
            if c[1] == CANARY {
                // The query itself is echoed: what matters is that nothing is found.
                if out.status.success() {
                    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    assert_eq!(v["total"], 0, "found what is outside: {v:#}");
                }
            } else {
                for stream in [&out.stdout, &out.stderr] {
                    assert!(
                        !String::from_utf8_lossy(stream).contains(CANARY),
                        "sohoa {c:?} read outside the archive: {}",
                        String::from_utf8_lossy(stream)
                    );
                }
            }
            (c.join(" "), out)
        })
        .collect();
    for f in std::fs::read_dir(out_dir).unwrap().filter_map(Result::ok) {
        let text = String::from_utf8_lossy(&std::fs::read(f.path()).unwrap()).to_string();
        assert!(
            !text.contains(CANARY),
            "{} holds what is outside",
            f.path().display()
        );
    }
    results
}

/// An archive of three sample cases, and a folder outside it holding a bag-shaped decoy.
fn archive_and_outside() -> (Work, PathBuf, tempfile::TempDir) {
    let w = Work::empty();
    for (i, folder) in ["a", "b", "c"].iter().enumerate() {
        let dir = w.scans().join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let mut jpeg = jpeg_bytes();
        jpeg.push(i as u8); // three different scans
        std::fs::write(dir.join("1.jpg"), jpeg).unwrap();
    }
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 0, "{report:#}");
    let outside = tempfile::tempdir().unwrap();
    // A decoy bag outside: a copy of a real one whose title is the canary.
    copy_dir(&w.bag("c"), &outside.path().join("decoy"));
    let meta = outside.path().join("decoy/data/metadata.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["hoso"]["title"] = CANARY.into();
    v["case_id"] = "decoy".into();
    std::fs::write(&meta, serde_json::to_vec(&v).unwrap()).unwrap();
    std::fs::write(outside.path().join("secret.txt"), CANARY).unwrap();
    let out_dir = w.dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    (w, out_dir, outside)
}

#[test]
fn links_out_of_a_bag_are_reported_never_followed() {
    let (w, out_dir, outside) = archive_and_outside();
    let before = tree_digest(outside.path());
    // A bag folder that is a link to a bag elsewhere, a metadata.json that is a link out, and
    // a page text path that climbs out of the bag.
    symlink(outside.path().join("decoy"), w.archive().join("bags/decoy")).unwrap();
    let meta_b = w.bag("b").join("data/metadata.json");
    std::fs::remove_file(&meta_b).unwrap();
    symlink(outside.path().join("decoy/data/metadata.json"), &meta_b).unwrap();
    let meta_a = w.bag("a").join("data/metadata.json");
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_a).unwrap()).unwrap();
    let up = "../".repeat(12);
    let secret = outside.path().join("secret.txt");
    v["pages"][0]["ocr"] = serde_json::json!({"status": "done", "text": format!("data/text/{up}{}", secret.display())});
    std::fs::write(&meta_a, serde_json::to_vec(&v).unwrap()).unwrap();

    let results = every_reader(&w, &out_dir);
    let verify = &results[0].1;
    assert_eq!(verify.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    let bag = |p: &str| {
        report["bags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["path"] == p)
            .unwrap_or_else(|| panic!("{p} not reported"))
            .clone()
    };
    assert_eq!(bag("bags/decoy")["valid"], false);
    assert!(bag("bags/decoy")["problems"][0]
        .as_str()
        .unwrap()
        .contains("symbolic link"));
    let b = bag("bags/b");
    assert!(b["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "data/metadata.json" && f["status"] == "not_regular"));
    assert_eq!(
        tree_digest(outside.path()),
        before,
        "nothing written outside"
    );
}

#[test]
fn archive_folders_that_are_links_stop_every_command_before_it_reads_or_writes_outside() {
    for folder in ["bags", "logs", "reports", "versions"] {
        let (w, out_dir, outside) = archive_and_outside();
        let target = outside.path().join(format!("{folder}-target"));
        if folder == "bags" {
            copy_dir(&w.archive().join("bags"), &target);
            copy_dir(&outside.path().join("decoy"), &target.join("decoy"));
        } else {
            std::fs::create_dir_all(&target).unwrap();
        }
        let real = w.archive().join(folder);
        std::fs::rename(&real, w.dir.path().join(format!("{folder}-moved"))).unwrap();
        symlink(&target, &real).unwrap();
        let before = tree_digest(outside.path());
        let results = every_reader(&w, &out_dir);
        assert_eq!(
            tree_digest(outside.path()),
            before,
            "nothing written through ARCHIVE/{folder}"
        );
        if folder == "bags" {
            for (cmd, out) in &results {
                if cmd.starts_with("verify")
                    || cmd.starts_with("reindex")
                    || cmd.starts_with("ingest")
                    || cmd.starts_with("audit")
                {
                    assert_eq!(
                        out.status.code(),
                        Some(2),
                        "{cmd}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            }
        }
    }
}

#[test]
fn fifos_in_a_bag_never_hang_a_command() {
    let (w, out_dir, _outside) = archive_and_outside();
    // An unlisted FIFO, and a FIFO where a listed file should be.
    mkfifo(&w.bag("a").join("data/extra"));
    let events = w.bag("c").join("data/events.json");
    std::fs::remove_file(&events).unwrap();
    mkfifo(&events);
    let results = every_reader(&w, &out_dir);
    let verify: serde_json::Value = serde_json::from_slice(&results[0].1.stdout).unwrap();
    assert_eq!(verify["summary"]["invalid"], 2, "{verify:#}");
    assert_eq!(verify["summary"]["files"]["not_regular"], 2);
}

#[test]
fn unsafe_manifest_paths_are_reported_and_never_hashed() {
    let (w, out_dir, outside) = archive_and_outside();
    let manifest = w.bag("a").join("manifest-sha256.txt");
    let secret = outside.path().join("secret.txt");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(&format!(
        "{}  data/../../../../../../../../{}\n",
        "0".repeat(64),
        secret.display()
    ));
    text.push_str(&format!("{}  {}\n", "0".repeat(64), secret.display()));
    std::fs::write(&manifest, text).unwrap();
    let results = every_reader(&w, &out_dir);
    let verify: serde_json::Value = serde_json::from_slice(&results[0].1.stdout).unwrap();
    let a = verify["bags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["path"] == "bags/a")
        .unwrap();
    let problems = a["problems"].to_string();
    assert_eq!(problems.matches("unsafe path").count(), 2, "{problems}");
    assert!(
        !a["files"].to_string().contains("secret.txt"),
        "never hashed"
    );
}

#[test]
fn fifos_where_sohoa_reads_tags_or_writes_never_hang_a_command() {
    let (w, out_dir, _outside) = archive_and_outside();
    // The tag manifest read when a case is re-ingested or recovered, the fixity log, the index
    // journal, the lock file and an index file: all FIFOs.
    let tag = w.bag("b").join("tagmanifest-sha256.txt");
    std::fs::remove_file(&tag).unwrap();
    mkfifo(&tag);
    mkfifo(&w.archive().join("logs/fixity.jsonl"));
    mkfifo(&w.archive().join("index-pending.txt"));
    let meta = w.archive().join("index/meta.json");
    std::fs::remove_file(&meta).unwrap();
    mkfifo(&meta);
    // b changes, so that ingest reads its current bag's tag manifest.
    std::fs::write(w.scans().join("b/2.jpg"), jpeg_bytes()).unwrap();
    every_reader(&w, &out_dir);
    let w2 = Work::with_samples();
    std::fs::create_dir_all(w2.archive()).unwrap();
    mkfifo(&w2.archive().join(".sohoa.lock"));
    let a = w2.archive();
    let out = run(
        &w2,
        &[
            "ingest",
            w2.scans().to_str().unwrap(),
            "--archive",
            a.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_withdrawn_folder_that_links_out_is_never_written_through() {
    let (w, _out_dir, outside) = archive_and_outside();
    symlink(outside.path(), w.archive().join("withdrawn")).unwrap();
    let before = tree_digest(outside.path());
    let a = w.archive();
    let out = run(
        &w,
        &[
            "withdraw",
            "a",
            "--archive",
            a.to_str().unwrap(),
            "--reason",
            "thử",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(w.bag("a").is_dir(), "nothing withdrawn");
    assert_eq!(
        tree_digest(outside.path()),
        before,
        "nothing written outside"
    );
}
