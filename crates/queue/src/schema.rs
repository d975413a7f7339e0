//! The one table, `sohoa_jobs`, created when missing (`CREATE ... IF NOT EXISTS`, under an
//! advisory lock so that workers starting together do not race).

/// The table and its indexes. States: `queued`, `running`, `done`, `parked`.
pub(crate) const DDL: &str = r#"
CREATE TABLE IF NOT EXISTS sohoa_jobs (
    id            bigserial PRIMARY KEY,
    kind          text        NOT NULL,
    job_key       text        NOT NULL UNIQUE,
    batch         text        NOT NULL,
    payload       jsonb       NOT NULL,
    state         text        NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'running', 'done', 'parked')),
    attempts      integer     NOT NULL DEFAULT 0,
    max_attempts  integer     NOT NULL DEFAULT 5,
    not_before    timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    worker        text,
    heartbeat     timestamptz,
    added         timestamptz NOT NULL DEFAULT now(),
    started       timestamptz,
    finished      timestamptz,
    result        jsonb,
    error         text
);
CREATE INDEX IF NOT EXISTS sohoa_jobs_ready ON sohoa_jobs (state, not_before, id);
CREATE INDEX IF NOT EXISTS sohoa_jobs_lease ON sohoa_jobs (state, lease_until);
"#;

/// Advisory lock key for creating the schema.
pub(crate) const SCHEMA_LOCK: i64 = 0x736f_686f_6121;
