//! The queue's operations, each one SQL statement: add, claim (`FOR UPDATE SKIP LOCKED`),
//! heartbeat, finish, fail (retry with back-off, or park), requeue parked jobs.

use postgres::{Client, NoTls};
use serde_json::Value;
use std::time::Duration;

/// What went wrong with the queue (the database, not a case).
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("job queue {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("job queue: {0}")]
    Sql(#[from] postgres::Error),
}

/// A job this worker holds, until its lease expires.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    /// This attempt's number (1 for the first).
    pub attempt: i32,
    pub max_attempts: i32,
}

/// Why a job did not finish.
#[derive(Debug, Clone)]
pub enum JobFailure {
    /// Worth trying again later (storage or database unreachable, the machine short of disk).
    Retry(String),
    /// Trying again cannot help (the case's own files are bad): parked with this error at once.
    Park(String),
}

/// One connection to the queue.
pub struct Queue {
    client: Client,
    /// The URL without its password, for messages.
    shown: String,
}

/// The URL without a password (`postgres://user:***@host/db`), for messages and logs.
pub fn redact(url: &str) -> String {
    if !url.contains("://") {
        // key=value settings: `host=db user=sohoa password=secret`.
        return url
            .split_whitespace()
            .map(|kv| match kv.split_once('=') {
                Some(("password", _)) => "password=***".to_string(),
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Queue {
    /// Connects (`postgres://user[:password]@host[:port]/db`, or key=value settings) and creates
    /// the table when missing.
    pub fn connect(url: &str) -> Result<Queue, QueueError> {
        let shown = redact(url);
        let mut client = Client::connect(url, NoTls).map_err(|source| QueueError::Connect {
            url: shown.clone(),
            source,
        })?;
        let mut tx = client.transaction()?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&crate::schema::SCHEMA_LOCK],
        )?;
        tx.batch_execute(crate::schema::DDL)?;
        tx.commit()?;
        Ok(Queue { client, shown })
    }

    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Adds jobs `(key, payload)` of one batch; a key already in the queue is left as it is.
    /// Returns how many were new.
    pub fn add(
        &mut self,
        kind: &str,
        batch: &str,
        jobs: &[(String, Value)],
        max_attempts: i32,
    ) -> Result<u64, QueueError> {
        let mut tx = self.client.transaction()?;
        let stmt = tx.prepare(
            "INSERT INTO sohoa_jobs (kind, job_key, batch, payload, max_attempts) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job_key) DO NOTHING",
        )?;
        let mut added = 0;
        for (key, payload) in jobs {
            added += tx.execute(&stmt, &[&kind, key, &batch, payload, &max_attempts])?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// Claims the oldest job that is ready (queued and due, or running under an expired lease:
    /// its worker is gone), leased to `worker` for `lease`. Jobs whose worker was lost on
    /// their last allowed attempt are parked first.
    pub fn claim(&mut self, worker: &str, lease: Duration) -> Result<Option<Claimed>, QueueError> {
        let secs = lease.as_secs_f64();
        self.client.execute(
            "UPDATE sohoa_jobs SET state = 'parked', finished = now(), \
               error = 'the worker ' || coalesce(worker, '?') || ' stopped answering on the last allowed attempt' \
             WHERE state = 'running' AND lease_until < now() AND attempts >= max_attempts",
            &[],
        )?;
        let row = self.client.query_opt(
            "WITH j AS ( \
               SELECT id FROM sohoa_jobs \
               WHERE (state = 'queued' AND not_before <= now()) \
                  OR (state = 'running' AND lease_until < now() AND attempts < max_attempts) \
               ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) \
             UPDATE sohoa_jobs s SET state = 'running', attempts = s.attempts + 1, worker = $1, \
               lease_until = now() + make_interval(secs => $2), heartbeat = now(), \
               started = coalesce(s.started, now()) \
             FROM j WHERE s.id = j.id \
             RETURNING s.id, s.kind, s.payload, s.attempts, s.max_attempts",
            &[&worker, &secs],
        )?;
        Ok(row.map(|r| Claimed {
            id: r.get(0),
            kind: r.get(1),
            payload: r.get(2),
            attempt: r.get(3),
            max_attempts: r.get(4),
        }))
    }

    /// Extends the leases of every job `worker` holds. Returns how many it still holds.
    pub fn heartbeat(&mut self, worker: &str, lease: Duration) -> Result<u64, QueueError> {
        Ok(self.client.execute(
            "UPDATE sohoa_jobs SET lease_until = now() + make_interval(secs => $2), heartbeat = now() \
             WHERE worker = $1 AND state = 'running'",
            &[&worker, &lease.as_secs_f64()],
        )?)
    }

    /// Marks a job done with its result. False when the job is no longer this worker's (its
    /// lease expired and another worker took it: that one reports).
    pub fn finish(&mut self, id: i64, worker: &str, result: &Value) -> Result<bool, QueueError> {
        Ok(self.client.execute(
            "UPDATE sohoa_jobs SET state = 'done', finished = now(), result = $3, error = NULL, \
               lease_until = NULL \
             WHERE id = $1 AND worker = $2 AND state = 'running'",
            &[&id, &worker, result],
        )? == 1)
    }

    /// A failed attempt: queued again after `backoff` while attempts remain, else parked.
    pub fn fail(
        &mut self,
        id: i64,
        worker: &str,
        failure: &JobFailure,
        backoff: Duration,
    ) -> Result<bool, QueueError> {
        let (error, park_now) = match failure {
            JobFailure::Retry(e) => (e.as_str(), false),
            JobFailure::Park(e) => (e.as_str(), true),
        };
        Ok(self.client.execute(
            "UPDATE sohoa_jobs SET \
               state = CASE WHEN $4 OR attempts >= max_attempts THEN 'parked' ELSE 'queued' END, \
               finished = CASE WHEN $4 OR attempts >= max_attempts THEN now() ELSE NULL END, \
               not_before = now() + make_interval(secs => $5), \
               error = $3, lease_until = NULL \
             WHERE id = $1 AND worker = $2 AND state = 'running'",
            &[&id, &worker, &error, &park_now, &backoff.as_secs_f64()],
        )? == 1)
    }

    /// Puts parked jobs back in the queue (after their cause was fixed), attempts reset.
    /// `batch` limits it to one batch. Returns how many.
    pub fn retry_parked(&mut self, batch: Option<&str>) -> Result<u64, QueueError> {
        Ok(self.client.execute(
            "UPDATE sohoa_jobs SET state = 'queued', attempts = 0, not_before = now(), \
               finished = NULL \
             WHERE state = 'parked' AND ($1::text IS NULL OR batch = $1)",
            &[&batch],
        )?)
    }

    /// The underlying connection (status queries).
    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// The back-off before attempt `attempt + 1`: 5 s doubled per attempt, at most 10 minutes.
pub fn backoff(attempt: i32, base: Duration) -> Duration {
    let factor = 2u32.saturating_pow(attempt.clamp(1, 16) as u32 - 1);
    (base * factor).min(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_shown_and_backoff_doubles_to_a_cap() {
        assert_eq!(
            redact("postgres://sohoa:secret@db:5432/queue"),
            "postgres://sohoa:***@db:5432/queue"
        );
        assert_eq!(redact("postgres://db/queue"), "postgres://db/queue");
        assert_eq!(
            redact("host=db password=x user=u"),
            "host=db password=*** user=u"
        );
        let b = Duration::from_secs(5);
        assert_eq!(backoff(1, b), Duration::from_secs(5));
        assert_eq!(backoff(3, b), Duration::from_secs(20));
        assert_eq!(backoff(30, b), Duration::from_secs(600));
    }
}
