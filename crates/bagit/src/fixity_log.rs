//! The fixity history of an archive, `ARCHIVE/logs/fixity.jsonl`: one line per bag per check
//! (`sohoa verify`, `sohoa audit`), read back to find bags not re-checked for years.

use super::verify::{BagReport, FileStatus};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

pub fn path(archive: &Path) -> PathBuf {
    archive.join("logs").join("fixity.jsonl")
}

/// Appends one line per bag report, all checked at `checked_at` (ISO 8601).
pub fn append(archive: &Path, checked_at: &str, bags: &[BagReport]) -> std::io::Result<()> {
    let mut lines = String::new();
    for b in bags {
        let line = serde_json::json!({
            "checked_at": checked_at,
            "bag": b.path,
            "case_id": b.id,
            "valid": b.valid,
            "ok": b.count(FileStatus::Ok),
            "changed": b.count(FileStatus::Changed),
            "missing": b.count(FileStatus::Missing),
            "unexpected": b.count(FileStatus::Unexpected),
            "not_regular": b.count(FileStatus::NotRegular),
            "problems": b.problems,
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    // Never written through a link: `logs/` must be a real folder of the archive.
    sohoa_archive::safe_fs::ensure_real_dir(&archive.join("logs"))?;
    let mut f = sohoa_archive::safe_fs::append_nofollow(&path(archive))?;
    f.write_all(lines.as_bytes())?;
    f.sync_data()
}

/// The last time each current bag (`bags/<id>`) was checked, as logged (ISO 8601 strings,
/// which sort in time order). Lines that cannot be read are skipped.
pub fn last_checks(archive: &Path) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let Ok((f, _)) =
        sohoa_archive::safe_fs::open_regular(&path(archive), sohoa_archive::safe_fs::Follow::No)
    else {
        return out;
    };
    for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let (Some(id), Some(at), Some(bag)) = (
            v["case_id"].as_str(),
            v["checked_at"].as_str(),
            v["bag"].as_str(),
        ) else {
            continue;
        };
        if !bag.starts_with("bags/") {
            continue;
        }
        let e = out.entry(id.to_string()).or_default();
        if at > e.as_str() {
            *e = at.to_string();
        }
    }
    out
}
