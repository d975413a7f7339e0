//! What `sohoa queue status` and the web interface's jobs page show: jobs by state, the
//! workers that hold leases and when each last answered, the parked jobs with their errors.
//! JSON schema `sohoa/queue-status` (docs/scale-out.md).

use crate::jobs::{Queue, QueueError};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub parked: i64,
    /// Queued again after a failed attempt, waiting for their back-off.
    pub retrying: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkerLine {
    pub worker: String,
    pub jobs: i64,
    /// Seconds since its last heartbeat.
    pub seconds_since_heartbeat: f64,
    /// False when its leases have expired (the worker is gone; its jobs will be taken again).
    pub alive: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct JobLine {
    pub id: i64,
    pub key: String,
    pub batch: String,
    pub state: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub worker: Option<String>,
    pub error: Option<String>,
    pub result: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchLine {
    pub batch: String,
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueStatus {
    pub schema: &'static str,
    pub schema_version: u32,
    /// The queue's URL, password hidden.
    pub queue: String,
    pub counts: Counts,
    /// Jobs finished in the last minute (throughput).
    pub done_last_minute: i64,
    pub batches: Vec<BatchLine>,
    pub workers: Vec<WorkerLine>,
    /// Parked jobs (at most `limit`), newest first, with their errors.
    pub parked: Vec<JobLine>,
    /// Jobs queued again after a failure (at most `limit`), with the last error.
    pub retrying: Vec<JobLine>,
}

const COUNTS: &str = "count(*) FILTER (WHERE state = 'queued'), \
    count(*) FILTER (WHERE state = 'running'), count(*) FILTER (WHERE state = 'done'), \
    count(*) FILTER (WHERE state = 'parked'), \
    count(*) FILTER (WHERE state = 'queued' AND attempts > 0), count(*)";

fn counts(r: &postgres::Row, from: usize) -> Counts {
    Counts {
        queued: r.get(from),
        running: r.get(from + 1),
        done: r.get(from + 2),
        parked: r.get(from + 3),
        retrying: r.get(from + 4),
        total: r.get(from + 5),
    }
}

fn job_lines(
    q: &mut Queue,
    state: &str,
    retrying: bool,
    limit: i64,
) -> Result<Vec<JobLine>, QueueError> {
    let rows = q.client().query(
        "SELECT id, job_key, batch, state, attempts, max_attempts, worker, error, result \
         FROM sohoa_jobs WHERE state = $1 AND ($2 = false OR attempts > 0) \
         ORDER BY coalesce(finished, added) DESC, id DESC LIMIT $3",
        &[&state, &retrying, &limit],
    )?;
    Ok(rows
        .iter()
        .map(|r| JobLine {
            id: r.get(0),
            key: r.get(1),
            batch: r.get(2),
            state: r.get(3),
            attempts: r.get(4),
            max_attempts: r.get(5),
            worker: r.get(6),
            error: r.get(7),
            result: r.get(8),
        })
        .collect())
}

impl Queue {
    /// The queue as it is now; `limit` bounds the job lines listed.
    pub fn status(&mut self, limit: i64) -> Result<QueueStatus, QueueError> {
        let total = self
            .client()
            .query_one(&format!("SELECT {COUNTS} FROM sohoa_jobs"), &[])?;
        let done_last_minute: i64 = self
            .client()
            .query_one(
                "SELECT count(*) FROM sohoa_jobs WHERE state = 'done' AND finished > now() - interval '1 minute'",
                &[],
            )?
            .get(0);
        let batches = self
            .client()
            .query(
                &format!("SELECT batch, {COUNTS} FROM sohoa_jobs GROUP BY batch ORDER BY min(id)"),
                &[],
            )?
            .iter()
            .map(|r| BatchLine {
                batch: r.get(0),
                counts: counts(r, 1),
            })
            .collect();
        let workers = self
            .client()
            .query(
                "SELECT worker, count(*), extract(epoch FROM now() - max(heartbeat))::float8, \
                   bool_or(lease_until >= now()) \
                 FROM sohoa_jobs WHERE state = 'running' GROUP BY worker ORDER BY worker",
                &[],
            )?
            .iter()
            .map(|r| WorkerLine {
                worker: r.get::<_, Option<String>>(0).unwrap_or_default(),
                jobs: r.get(1),
                seconds_since_heartbeat: r.get::<_, Option<f64>>(2).unwrap_or(0.0),
                alive: r.get::<_, Option<bool>>(3).unwrap_or(false),
            })
            .collect();
        let parked = job_lines(self, "parked", false, limit)?;
        let retrying = job_lines(self, "queued", true, limit)?;
        Ok(QueueStatus {
            schema: "sohoa/queue-status",
            schema_version: 1,
            queue: self.shown().to_string(),
            counts: counts(&total, 0),
            done_last_minute,
            batches,
            workers,
            parked,
            retrying,
        })
    }

    /// Jobs still to do or in progress (a draining worker stops when there are none).
    pub fn outstanding(&mut self) -> Result<i64, QueueError> {
        Ok(self
            .client()
            .query_one(
                "SELECT count(*) FROM sohoa_jobs WHERE state IN ('queued', 'running')",
                &[],
            )?
            .get(0))
    }
}
