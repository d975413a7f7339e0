//! Long work started from the browser runs as a job, never inside a request: an ingest of a
//! scan folder, an audit (with or without re-hashing every file), a Biểu 06 report. A job runs
//! on its own thread; its page polls its progress (cases done / total, time left, each failure
//! with its reason) and may cancel it. Each job keeps `ARCHIVE/jobs/<id>/job.json` (rewritten
//! as it goes, so the history survives a restart) and its outputs next to it.

pub mod audit;
pub mod ingest;
pub mod report;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Folder of the jobs inside the archive.
pub const JOBS: &str = "jobs";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Ingest,
    Audit,
    Fixity,
    Report,
}

impl Kind {
    pub fn vi(self) -> &'static str {
        match self {
            Kind::Ingest => "Số hóa, nhập kho",
            Kind::Audit => "Kiểm tra kho (đúng, đủ, sạch, sống)",
            Kind::Fixity => "Kiểm tra toàn vẹn (băm lại mọi tệp)",
            Kind::Report => "Báo cáo Biểu 06",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Kind::Ingest => "Ingest",
            Kind::Audit => "Audit",
            Kind::Fixity => "Fixity re-check",
            Kind::Report => "Biểu 06 report",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Running,
    Done,
    /// Finished, with cases that failed or findings that are errors.
    DoneWithProblems,
    Failed,
    Cancelled,
    /// Was running when the server stopped.
    Interrupted,
}

impl State {
    pub fn finished(self) -> bool {
        self != State::Running
    }

    pub fn vi(self) -> &'static str {
        match self {
            State::Running => "Đang chạy",
            State::Done => "Hoàn thành",
            State::DoneWithProblems => "Hoàn thành, có lỗi",
            State::Failed => "Không chạy được",
            State::Cancelled => "Đã hủy",
            State::Interrupted => "Bị ngắt (máy chủ dừng)",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            State::Running => "Running",
            State::Done => "Done",
            State::DoneWithProblems => "Done, with problems",
            State::Failed => "Could not run",
            State::Cancelled => "Cancelled",
            State::Interrupted => "Interrupted (server stopped)",
        }
    }
}

/// A case (or bag) that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub name: String,
    pub reason: String,
}

/// What a job is and how far it got (`job.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobRecord {
    pub schema: String,
    pub id: String,
    pub kind: Kind,
    /// What it works on (scan folder, period), for people.
    pub subject: String,
    pub started_by: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub state: State,
    /// Units done / to do (cases, bags); 0 total while counting.
    pub done: u64,
    pub total: u64,
    pub failures: Vec<Failure>,
    /// One line on the outcome.
    pub message: String,
    /// Files the job made, relative to its folder.
    pub outputs: Vec<String>,
    /// Seconds since start, as of the last update (for the time left).
    pub seconds: f64,
}

/// A job in this server: its record and its cancel flag.
pub struct Job {
    pub record: Mutex<JobRecord>,
    pub cancel: Arc<AtomicBool>,
    pub dir: PathBuf,
    clock: std::time::Instant,
}

impl Job {
    pub fn snapshot(&self) -> JobRecord {
        let mut r = self
            .record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if !r.state.finished() {
            r.seconds = self.clock.elapsed().as_secs_f64();
        }
        r
    }

    /// Changes the record (and writes it when `save`).
    pub fn update(&self, save: bool, f: impl FnOnce(&mut JobRecord)) {
        let mut r = self.record.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut r);
        r.seconds = self.clock.elapsed().as_secs_f64();
        if save {
            save_record(&self.dir, &r);
        }
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Seconds left, from the pace so far (none until something is done).
    pub fn eta(r: &JobRecord) -> Option<f64> {
        (r.done > 0 && r.total > r.done && !r.state.finished())
            .then(|| r.seconds / r.done as f64 * (r.total - r.done) as f64)
    }
}

fn save_record(dir: &Path, r: &JobRecord) {
    match serde_json::to_vec_pretty(r) {
        Ok(bytes) => {
            if let Err(e) =
                sohoa_archive::safe_fs::write_whole(&dir.join("job.json"), &bytes, 0o644)
            {
                tracing::error!("job {}: {e}", dir.display());
            }
        }
        Err(e) => tracing::error!("job {}: {e}", dir.display()),
    }
}

fn now() -> String {
    sohoa_archive::time_format::timestamp(sohoa_archive::time_format::now())
}

/// The jobs of an archive: those of this server run, and the history on disk.
pub struct Jobs {
    root: PathBuf,
    live: Mutex<Vec<Arc<Job>>>,
}

impl Jobs {
    pub fn open(archive: &Path) -> Jobs {
        Jobs {
            root: archive.join(JOBS),
            live: Mutex::new(Vec::new()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A job by id: a live one, else from its folder.
    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        if let Some(j) = self
            .live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|j| j.snapshot().id == id)
        {
            return Some(j.clone());
        }
        let rec = self.read(id)?;
        Some(Arc::new(Job {
            dir: self.root.join(&rec.id),
            record: Mutex::new(rec),
            cancel: Arc::new(AtomicBool::new(false)),
            clock: std::time::Instant::now(),
        }))
    }

    fn read(&self, id: &str) -> Option<JobRecord> {
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        let bytes = sohoa_archive::safe_fs::read_limited(
            &self.root.join(id).join("job.json"),
            16 << 20,
            sohoa_archive::safe_fs::Follow::No,
        )
        .ok()?;
        let mut r: JobRecord = serde_json::from_slice(&bytes).ok()?;
        r.id = id.to_string();
        Some(r)
    }

    /// Every job, newest first (a job left running by a stopped server shows as interrupted).
    pub fn list(&self) -> Vec<JobRecord> {
        let live: Vec<JobRecord> = self
            .live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|j| j.snapshot())
            .collect();
        let mut all: Vec<JobRecord> = std::fs::read_dir(&self.root)
            .map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|id| !live.iter().any(|l| &l.id == id))
                    .filter_map(|id| self.read(&id))
                    .map(|mut r| {
                        if r.state == State::Running {
                            r.state = State::Interrupted;
                        }
                        r
                    })
                    .collect()
            })
            .unwrap_or_default();
        all.extend(live);
        all.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
        all
    }

    /// Whether a job of this kind runs now (one ingest at a time: it locks the archive).
    pub fn running(&self, kind: Kind) -> bool {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|j| {
                let r = j.snapshot();
                r.kind == kind && !r.state.finished()
            })
    }

    /// Starts `work` on its own thread as a new job; returns it at once.
    pub fn start(
        &self,
        kind: Kind,
        subject: String,
        by: &str,
        work: impl FnOnce(&Job) -> (State, String) + Send + 'static,
    ) -> std::io::Result<Arc<Job>> {
        let stamp = sohoa_archive::time_format::now();
        let id = format!(
            "{}-{}",
            stamp
                .format(&time::macros::format_description!(
                    "[year][month][day]-[hour][minute][second]"
                ))
                .unwrap_or_default(),
            crate::token::random_token().get(..6).unwrap_or("000000")
        );
        let dir = self.root.join(&id);
        std::fs::create_dir_all(&dir)?;
        let record = JobRecord {
            schema: "sohoa/job".into(),
            id,
            kind,
            subject,
            started_by: by.into(),
            started_at: now(),
            finished_at: None,
            state: State::Running,
            done: 0,
            total: 0,
            failures: Vec::new(),
            message: String::new(),
            outputs: Vec::new(),
            seconds: 0.0,
        };
        save_record(&dir, &record);
        let job = Arc::new(Job {
            record: Mutex::new(record),
            cancel: Arc::new(AtomicBool::new(false)),
            dir,
            clock: std::time::Instant::now(),
        });
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(job.clone());
        let running = job.clone();
        std::thread::Builder::new()
            .name(format!("job-{kind:?}"))
            .spawn(move || {
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&running)));
                let (state, message) = outcome.unwrap_or_else(|_| {
                    (
                        State::Failed,
                        "internal error (see the server log)".to_string(),
                    )
                });
                let state = if running.cancelled() && state != State::Failed {
                    State::Cancelled
                } else {
                    state
                };
                running.update(true, |r| {
                    r.state = state;
                    r.message = message;
                    r.finished_at = Some(now());
                });
            })?;
        Ok(job)
    }
}
