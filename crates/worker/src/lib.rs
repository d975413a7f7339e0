//! sohoa-worker: what `sohoa worker` does with one case job of the queue (docs/scale-out.md):
//! the case ingested by `sohoa-ingest`'s own steps into a private staging folder ([`job`]),
//! then its bag published whole into the archive, a folder or S3-compatible object storage
//! ([`publish`]). Kept apart from `sohoa-ingest` so that what only workers need (the S3
//! client) is not built into everything that ingests.

pub mod job;
pub mod publish;
