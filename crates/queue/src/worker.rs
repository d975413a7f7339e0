//! `sohoa worker`: `jobs` threads, each with its own connection, claim jobs and run the
//! handler; one more thread extends this worker's leases every third of the lease. A handler
//! that fails is retried after a back-off or parked; one that panics is retried (the panic is
//! the bug, not the case). The worker stops when told to (after the jobs in hand), or, with
//! `drain`, when no job is queued or running anywhere.

use crate::jobs::{backoff, Claimed, JobFailure, Queue, QueueError};
use serde::Serialize;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Cases at a time (threads).
    pub jobs: usize,
    /// How long a claimed job is this worker's without a heartbeat.
    pub lease: Duration,
    /// Back-off after the first failed attempt (doubled per attempt, at most 10 minutes).
    pub backoff: Duration,
    /// How long to wait when no job is ready.
    pub idle: Duration,
    /// Stop once no job is queued or running (instead of waiting for more).
    pub drain: bool,
    /// This worker's name in the queue (`host:pid`).
    pub name: String,
    /// Set to stop: jobs in hand are finished, no new one is claimed.
    pub stop: Arc<AtomicBool>,
}

impl WorkerOptions {
    /// `host:pid`.
    pub fn default_name() -> String {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let host = host.trim();
        format!(
            "{}:{}",
            if host.is_empty() { "localhost" } else { host },
            std::process::id()
        )
    }
}

/// What one worker did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WorkerReport {
    pub schema: &'static str,
    pub worker: String,
    pub done: u64,
    /// Attempts that failed and were queued again.
    pub retried: u64,
    pub parked: u64,
    /// Jobs this worker finished that another had taken meanwhile (its lease had expired).
    pub lost: u64,
}

/// Runs the worker until stopped (or drained). `handler(job, thread)` does one job.
pub fn run_worker(
    url: &str,
    opts: &WorkerOptions,
    handler: &(dyn Fn(&Claimed, usize) -> Result<Value, JobFailure> + Sync),
) -> Result<WorkerReport, QueueError> {
    // Connect once up front, so that a wrong URL is one clear error.
    drop(Queue::connect(url)?);
    let counters = [(); 4].map(|_| AtomicU64::new(0));
    let threads_done = AtomicU64::new(0);
    let result: Result<(), QueueError> = std::thread::scope(|scope| {
        let beat = scope.spawn(|| heartbeat(url, opts, &threads_done));
        let workers: Vec<_> = (0..opts.jobs.max(1))
            .map(|t| {
                let counters = &counters;
                scope.spawn(move || work(url, opts, t, handler, counters))
            })
            .collect();
        let mut first_err = Ok(());
        for w in workers {
            let r = w.join().unwrap_or_else(|_| Ok(()));
            if first_err.is_ok() {
                first_err = r;
            }
        }
        threads_done.store(1, Ordering::Relaxed);
        let _ = beat.join();
        first_err
    });
    result?;
    let [done, retried, parked, lost] = counters.map(|c| c.into_inner());
    Ok(WorkerReport {
        schema: "sohoa/worker-report",
        worker: opts.name.clone(),
        done,
        retried,
        parked,
        lost,
    })
}

fn heartbeat(url: &str, opts: &WorkerOptions, finished: &AtomicU64) {
    let every = (opts.lease / 3).max(Duration::from_millis(200));
    let mut queue: Option<Queue> = None;
    let mut waited = Duration::ZERO;
    while finished.load(Ordering::Relaxed) == 0 {
        std::thread::sleep(Duration::from_millis(100));
        waited += Duration::from_millis(100);
        if waited < every {
            continue;
        }
        waited = Duration::ZERO;
        if queue.is_none() {
            queue = Queue::connect(url).ok();
        }
        if let Some(q) = queue.as_mut() {
            if let Err(e) = q.heartbeat(&opts.name, opts.lease) {
                tracing::warn!("heartbeat failed: {e}");
                queue = None;
            }
        }
    }
}

fn work(
    url: &str,
    opts: &WorkerOptions,
    thread: usize,
    handler: &(dyn Fn(&Claimed, usize) -> Result<Value, JobFailure> + Sync),
    counters: &[AtomicU64; 4],
) -> Result<(), QueueError> {
    let mut queue = Queue::connect(url)?;
    while !opts.stop.load(Ordering::Relaxed) {
        let job = match queue.claim(&opts.name, opts.lease) {
            Ok(j) => j,
            Err(e) => {
                // The database restarting: wait and connect again.
                tracing::warn!("cannot claim a job: {e}");
                std::thread::sleep(opts.idle);
                queue = reconnect(url, opts)?;
                continue;
            }
        };
        let Some(job) = job else {
            match queue.outstanding() {
                Ok(0) if opts.drain => break,
                Ok(_) => std::thread::sleep(opts.idle),
                Err(e) => {
                    tracing::warn!("cannot read the queue: {e}");
                    std::thread::sleep(opts.idle);
                    queue = reconnect(url, opts)?;
                }
            }
            continue;
        };
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&job, thread)))
                .unwrap_or_else(|p| {
                    let why = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    Err(JobFailure::Retry(format!(
                        "internal error (a bug in sohoa): {why}"
                    )))
                });
        let report = |q: &mut Queue| -> Result<(), QueueError> {
            match &outcome {
                Ok(result) => {
                    let mine = q.finish(job.id, &opts.name, result)?;
                    counters[if mine { 0 } else { 3 }].fetch_add(1, Ordering::Relaxed);
                }
                Err(f) => {
                    let wait = backoff(job.attempt, opts.backoff);
                    let mine = q.fail(job.id, &opts.name, f, wait)?;
                    let parked =
                        matches!(f, JobFailure::Park(_)) || job.attempt >= job.max_attempts;
                    let slot = if !mine {
                        3
                    } else if parked {
                        2
                    } else {
                        1
                    };
                    counters[slot].fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok(())
        };
        if report(&mut queue).is_err() {
            // Once more on a new connection; if the database is still away the lease expires
            // and the job is taken again (the commit marker keeps it stored once).
            queue = reconnect(url, opts)?;
            report(&mut queue)?;
        }
    }
    Ok(())
}

fn reconnect(url: &str, opts: &WorkerOptions) -> Result<Queue, QueueError> {
    for _ in 0..30 {
        if let Ok(q) = Queue::connect(url) {
            return Ok(q);
        }
        std::thread::sleep(opts.idle.max(Duration::from_secs(1)));
    }
    Queue::connect(url)
}
