//! The commit marker, `commits/<id>/<n>.json`: written last, with a conditional create, it makes
//! version `n` of a case's bag exist and names the attempt that holds its files.

use serde::{Deserialize, Serialize};

/// What a commit marker says (schema `sohoa/commit`, version 1).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Commit {
    pub schema: String,
    pub schema_version: u32,
    /// The case id.
    pub case: String,
    /// The bag version (1, 2, …).
    pub version: u32,
    /// The folder under `bags/<id>/` that holds the files.
    pub attempt: String,
    /// `Sohoa-Source-Fingerprint` of the bag: the same scans give the same fingerprint.
    pub fingerprint: String,
    /// Files and bytes uploaded (all of the bag, tag files included).
    pub files: u64,
    pub bytes: u64,
    /// When the marker was written (RFC 3339, +07:00).
    pub committed: String,
    /// Which process wrote it (`host pid`), for people.
    pub writer: String,
}

impl Commit {
    pub const SCHEMA: &'static str = "sohoa/commit";

    /// Parses a marker; the key it was read from names its case and version, and they must agree.
    pub fn parse(bytes: &[u8], id: &str, version: u32) -> Result<Commit, String> {
        let c: Commit = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if c.schema != Commit::SCHEMA {
            return Err(format!(
                "schema {:?}, expected {}",
                c.schema,
                Commit::SCHEMA
            ));
        }
        if c.case != id || c.version != version {
            return Err(format!(
                "names case {} version {}, but is stored as {id} version {version}",
                c.case, c.version
            ));
        }
        if c.attempt.is_empty() || c.attempt.contains(['/', '\\']) || c.attempt.starts_with('.') {
            return Err(format!("attempt {:?} is not a folder name", c.attempt));
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(case: &str, version: u32, attempt: &str) -> Vec<u8> {
        serde_json::to_vec(&Commit {
            schema: Commit::SCHEMA.into(),
            schema_version: 1,
            case: case.into(),
            version,
            attempt: attempt.into(),
            fingerprint: "f".into(),
            files: 1,
            bytes: 1,
            committed: "2026-12-05T10:00:00+07:00".into(),
            writer: "h 1".into(),
        })
        .unwrap()
    }

    #[test]
    fn a_marker_must_name_its_own_case_and_a_plain_attempt() {
        assert!(Commit::parse(&marker("A", 1, "1-abc"), "A", 1).is_ok());
        assert!(Commit::parse(&marker("B", 1, "1-abc"), "A", 1).is_err());
        assert!(Commit::parse(&marker("A", 2, "1-abc"), "A", 1).is_err());
        for attempt in ["../../B/1-x", "", ".hidden", "a\\b"] {
            assert!(
                Commit::parse(&marker("A", 1, attempt), "A", 1).is_err(),
                "{attempt}"
            );
        }
        assert!(Commit::parse(b"{}", "A", 1).is_err());
    }
}
