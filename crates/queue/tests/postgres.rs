//! The queue against a real PostgreSQL started on loopback for this test
//! (scripts/services/postgres.sh), stopped by its PID at the end: every job done exactly once
//! by three racing workers, a dead worker's job taken again after its lease, failures retried
//! with back-off and then parked with their error, status as `sohoa queue status` shows it.

use serde_json::json;
use sohoa_queue::{run_worker, JobFailure, Queue, WorkerOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Pg {
    dir: tempfile::TempDir,
    url: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/services/postgres.sh")
}

impl Pg {
    fn start() -> Pg {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(dir.path().join("pg"))
            .env("PG_PORT", "55433")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "postgres did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let url = stdout
            .trim()
            .trim_start_matches("export SOHOA_QUEUE=")
            .to_string();
        Pg { dir, url }
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path().join("pg"))
            .status();
    }
}

fn options(name: &str) -> WorkerOptions {
    WorkerOptions {
        jobs: 2,
        lease: Duration::from_secs(2),
        backoff: Duration::from_millis(100),
        idle: Duration::from_millis(50),
        drain: true,
        name: name.into(),
        stop: Arc::new(AtomicBool::new(false)),
    }
}

#[test]
fn jobs_on_postgres() {
    let pg = Pg::start();
    let mut q = Queue::connect(&pg.url).unwrap();
    let jobs: Vec<(String, serde_json::Value)> = (0..300)
        .map(|i| (format!("batch-1/case-{i:03}"), json!({ "case": i })))
        .collect();
    assert_eq!(q.add("ingest", "batch-1", &jobs, 3).unwrap(), 300);
    assert_eq!(
        q.add("ingest", "batch-1", &jobs, 3).unwrap(),
        0,
        "added once"
    );

    // A worker that claims a job and dies: no heartbeat, so its lease expires.
    let dead = q
        .claim("dead:1", Duration::from_millis(500))
        .unwrap()
        .unwrap();
    assert_eq!(dead.attempt, 1);

    // Three workers, two threads each. Case 7 always fails (a bad case file): parked at once.
    // Case 11 fails twice because storage is away, then works: retried with back-off.
    let runs: Arc<Mutex<HashMap<i64, u32>>> = Arc::default();
    let handler = {
        let runs = runs.clone();
        move |job: &sohoa_queue::Claimed, _t: usize| {
            let case = job.payload["case"].as_i64().unwrap();
            if case == 7 {
                return Err(JobFailure::Park("HS-007/scan.tif: not a TIFF".into()));
            }
            if case == 11 && job.attempt < 3 {
                return Err(JobFailure::Retry("object storage unreachable".into()));
            }
            *runs.lock().unwrap().entry(case).or_default() += 1;
            Ok(json!({ "case_id": format!("HS-{case:03}") }))
        }
    };
    let reports: Vec<_> = std::thread::scope(|s| {
        let ws: Vec<_> = ["w1:1", "w2:2", "w3:3"]
            .iter()
            .map(|n| {
                let h = &handler;
                let url = &pg.url;
                s.spawn(move || run_worker(url, &options(n), h).unwrap())
            })
            .collect();
        ws.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let runs = runs.lock().unwrap();
    assert_eq!(runs.len(), 299, "every case but the bad one");
    assert!(runs.values().all(|&n| n == 1), "each exactly once");
    assert!(
        runs.contains_key(&dead.payload["case"].as_i64().unwrap()),
        "taken again"
    );
    let done: u64 = reports.iter().map(|r| r.done).sum();
    assert_eq!(done, 299);
    assert!(
        reports.iter().filter(|r| r.done > 0).count() >= 2,
        "{reports:?}"
    );

    let st = q.status(10).unwrap();
    assert_eq!(
        (
            st.counts.done,
            st.counts.parked,
            st.counts.queued,
            st.counts.running
        ),
        (299, 1, 0, 0)
    );
    assert_eq!(
        st.parked[0].error.as_deref(),
        Some("HS-007/scan.tif: not a TIFF")
    );
    assert_eq!(st.parked[0].attempts, 1, "a bad case is not retried");
    assert_eq!(st.batches[0].counts.total, 300);
    let json = serde_json::to_value(&st).unwrap();
    assert_eq!(json["schema"], "sohoa/queue-status");
    // The dead worker's late report is refused: the job is another's now.
    assert!(!q.finish(dead.id, "dead:1", &json!({})).unwrap());

    // Parked jobs go back after their cause is fixed.
    assert_eq!(q.retry_parked(Some("batch-1")).unwrap(), 1);
    assert_eq!(q.status(10).unwrap().counts.queued, 1);
}
