//! Verifying a whole archive: every current and kept bag re-hashed, `jobs` at a time, into
//! one report (`sohoa verify --json`, schema `sohoa/verify-report`, docs/cli.md), and its
//! lines appended to the fixity history.

use crate::verify::{list_bags, verify_bag, BagReport, FileStatus};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// Files by what verification found, over every bag.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileCounts {
    pub ok: usize,
    pub changed: usize,
    pub missing: usize,
    pub unexpected: usize,
    pub not_regular: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub bags: usize,
    pub valid: usize,
    pub invalid: usize,
    pub files: FileCounts,
}

/// `sohoa verify --json`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub schema: &'static str,
    pub schema_version: u32,
    pub archive: String,
    pub checked_at: String,
    pub summary: Summary,
    pub bags: Vec<BagReport>,
}

/// Verifies every bag of the archive on `jobs` threads; bags in the order [`list_bags`] gives.
pub fn verify_archive(archive: &Path, jobs: usize) -> std::io::Result<VerifyReport> {
    let bags = list_bags(archive)?;
    let checked_at = sohoa_archive::time_format::timestamp(sohoa_archive::time_format::now());
    let verify = |(_, _, rel): &(String, std::path::PathBuf, String)| verify_bag(archive, rel);
    let reports: Vec<BagReport> = match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
    {
        Ok(pool) => pool.install(|| bags.par_iter().with_max_len(1).map(verify).collect()),
        Err(_) => bags.iter().map(verify).collect(),
    };
    let mut files = FileCounts::default();
    for r in &reports {
        files.ok += r.count(FileStatus::Ok);
        files.changed += r.count(FileStatus::Changed);
        files.missing += r.count(FileStatus::Missing);
        files.unexpected += r.count(FileStatus::Unexpected);
        files.not_regular += r.count(FileStatus::NotRegular);
    }
    let valid = reports.iter().filter(|r| r.valid).count();
    Ok(VerifyReport {
        schema: "sohoa/verify-report",
        schema_version: 1,
        // For bags in object storage, where they are (not the home folder on this machine).
        archive: match sohoa_archive::remote::source_of(archive) {
            Ok(Some(source)) => source.describe(),
            _ => archive.display().to_string(),
        },
        checked_at,
        summary: Summary {
            bags: reports.len(),
            valid,
            invalid: reports.len() - valid,
            files,
        },
        bags: reports,
    })
}
