//! sohoa-s3 against a real SeaweedFS started on loopback for this test (scripts/services/
//! seaweedfs.sh, the pinned `weed`), stopped by its PID at the end: publishing whole, reading
//! committed bags only through the archive's bag reader, racing writers, leftovers cleaned.

use sohoa_archive::bag::Bag;
use sohoa_s3::{Published, S3Archive, S3Opener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

struct Weed {
    dir: tempfile::TempDir,
}

impl Weed {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/services/seaweedfs.sh")
    }

    fn start() -> Weed {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("bash")
            .arg(Weed::script())
            .arg("start")
            .arg(dir.path())
            .arg("sohoa-test")
            .env("SEAWEED_PORT_BASE", "21000")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "seaweedfs did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some((k, v)) = line.trim_start_matches("export ").split_once('=') {
                std::env::set_var(k, v);
            }
        }
        Weed { dir }
    }
}

impl Drop for Weed {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // What the server said, for a failure that only the server can explain.
            let log = std::fs::read_to_string(self.dir.path().join("weed.log")).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            eprintln!("--- the last lines of weed.log ---");
            for line in &lines[lines.len().saturating_sub(80)..] {
                eprintln!("{line}");
            }
        }
        let _ = Command::new("bash")
            .arg(Weed::script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn make_bag(dir: &Path, id: &str, body: &str, big: usize) -> PathBuf {
    let bag = dir.join(id);
    std::fs::create_dir_all(bag.join("data/text")).unwrap();
    std::fs::write(bag.join("bagit.txt"), sohoa_archive::bag::BAGIT_TXT).unwrap();
    std::fs::write(bag.join("data/text/page-0001.txt"), body).unwrap();
    std::fs::write(bag.join("data/big.bin"), vec![7u8; big]).unwrap();
    bag
}

#[test]
fn bags_in_seaweedfs() {
    let _weed = Weed::start();
    sohoa_archive::remote::install(Arc::new(S3Opener));
    let url = "s3://sohoa-test/tinh/thu";
    let s3 = S3Archive::open(url).unwrap();
    let work = tempfile::tempdir().unwrap();

    // Published whole, readable through the archive's one bag reader from an archive home.
    let big = 40 * 1024 * 1024 + 5; // multipart
    let bag = make_bag(
        work.path(),
        "HS-1",
        "Giấy chứng nhận quyền sử dụng đất",
        big,
    );
    let first = s3.publish(&bag, "HS-1", "fp-1").unwrap();
    assert!(matches!(first, Published::Committed(_)), "{first:?}");
    let home = work.path().join("home");
    sohoa_archive::remote::write_storage(&home, url).unwrap();
    assert_eq!(
        sohoa_archive::bag::reader::current_ids(&home).unwrap(),
        vec!["HS-1"]
    );
    let opened = Bag::open(&home, "bags/HS-1").unwrap();
    assert!(!opened.is_local());
    assert_eq!(
        opened.read_text("data/text/page-0001.txt", 1024).unwrap(),
        "Giấy chứng nhận quyền sử dụng đất"
    );
    let (_, size) = opened.open_file("data/big.bin").unwrap();
    assert_eq!(size, big as u64);
    let (sum, _) = opened.sha256("data/big.bin").unwrap();
    let (local, _) =
        sohoa_archive::hash::sha256_reader(std::fs::File::open(bag.join("data/big.bin")).unwrap())
            .unwrap();
    assert_eq!(sum, local);
    assert!(matches!(
        opened.read("data/big.bin", 1024),
        Err(sohoa_archive::safe_fs::FsError::TooLarge { .. })
    ));
    assert!(opened
        .read("../../commits/HS-1/0000000001.json", 1024)
        .is_err());
    let names: Vec<String> = opened.entries().into_iter().map(|e| e.rel).collect();
    assert_eq!(
        names,
        ["bagit.txt", "data/big.bin", "data/text/page-0001.txt"]
    );

    // The same scans again: nothing written. Other scans: a conflict, never a replacement.
    assert!(matches!(
        s3.publish(&bag, "HS-1", "fp-1").unwrap(),
        Published::AlreadyStored(_)
    ));
    let other = make_bag(&work.path().join("o"), "HS-1", "khác", 10);
    let err = s3.publish(&other, "HS-1", "fp-2").unwrap_err();
    assert!(err.to_string().contains("already stored"), "{err}");
    assert_eq!(s3.versions("HS-1").unwrap(), vec![1]);

    // Eight writers race for the same new case: one commits, the others find its bag, and
    // exactly one attempt is left in storage.
    let racers: Vec<_> = (0..8)
        .map(|i| {
            let s3 = s3.clone();
            let b = make_bag(
                &work.path().join(format!("r{i}")),
                "HS-2",
                "cùng một hồ sơ",
                1000,
            );
            std::thread::spawn(move || s3.publish(&b, "HS-2", "fp-race").unwrap())
        })
        .collect();
    let results: Vec<Published> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    let committed = results
        .iter()
        .filter(|r| matches!(r, Published::Committed(_)))
        .count();
    assert_eq!(committed, 1, "{results:?}");
    let winner = results[0].commit().attempt.clone();
    assert!(results.iter().all(|r| r.commit().attempt == winner));
    assert_eq!(s3.versions("HS-2").unwrap(), vec![1]);
    let attempts = Bag::open(&home, "bags/HS-2").unwrap();
    assert_eq!(attempts.entries().len(), 3);

    // A crashed writer's leftovers (objects under an attempt no marker names) are invisible to
    // readers and removed once older than the grace period; committed bags are never touched.
    let crashed = make_bag(&work.path().join("c"), "HS-3", "dở dang", 10);
    let staged = s3.stage(&crashed, "HS-3").unwrap();
    assert_eq!(staged.files, 3);
    assert_eq!(
        sohoa_archive::bag::reader::current_ids(&home).unwrap(),
        vec!["HS-1", "HS-2"]
    );
    assert!(Bag::open(&home, "bags/HS-3").is_err());
    let kept = s3.clean(Duration::from_secs(3600), None).unwrap();
    assert_eq!(
        kept.attempts, 0,
        "young leftovers are kept: a writer may still commit them"
    );
    let cleaned = s3.clean(Duration::ZERO, None).unwrap();
    assert_eq!((cleaned.attempts, cleaned.objects), (1, 3));
    assert!(Bag::open(&home, "bags/HS-1")
        .unwrap()
        .has_file("data/big.bin"));
    assert_eq!(Bag::open(&home, "bags/HS-2").unwrap().entries().len(), 3);
}
