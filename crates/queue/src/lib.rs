//! sohoa-queue: case jobs on PostgreSQL (docs/scale-out.md). `sohoa queue add` puts one job per
//! case folder; `sohoa worker` on any number of machines claims them with
//! `FOR UPDATE SKIP LOCKED`, holds each under a lease its heartbeat extends, and finishes it
//! `done`, retries it later with exponential back-off, or parks it with its error. A worker
//! that dies loses its leases when they expire; another worker then takes the case again. The
//! queue never decides what a case is: the job's payload is the ingest's business, and
//! storage's commit marker makes a case bagged exactly once whoever runs it.

mod jobs;
mod schema;
mod status;
mod worker;

pub use jobs::{backoff, redact, Claimed, JobFailure, Queue, QueueError};
pub use status::{JobLine, QueueStatus};
pub use worker::{run_worker, WorkerOptions, WorkerReport};
