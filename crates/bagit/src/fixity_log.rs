//! The fixity history of an archive, `ARCHIVE/logs/fixity.jsonl`: one line per bag per check
//! (`sohoa verify`, `sohoa audit`), read back to find bags not re-checked for years.

use super::verify::{BagReport, FileStatus};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

pub fn path(archive: &Path) -> PathBuf {
    archive
        .join(sohoa_archive::layout::LOGS)
        .join("fixity.jsonl")
}

/// One line of the fixity history: one bag checked once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FixityLine {
    /// ISO 8601 with offset.
    pub checked_at: String,
    /// The bag, relative to the archive (`bags/<id>`, `versions/<id>/<n>`).
    pub bag: String,
    pub case_id: String,
    pub valid: bool,
    pub ok: usize,
    pub changed: usize,
    pub missing: usize,
    pub unexpected: usize,
    pub not_regular: usize,
    pub problems: Vec<String>,
}

impl FixityLine {
    fn of(checked_at: &str, b: &BagReport) -> FixityLine {
        FixityLine {
            checked_at: checked_at.to_string(),
            bag: b.path.clone(),
            case_id: b.id.clone(),
            valid: b.valid,
            ok: b.count(FileStatus::Ok),
            changed: b.count(FileStatus::Changed),
            missing: b.count(FileStatus::Missing),
            unexpected: b.count(FileStatus::Unexpected),
            not_regular: b.count(FileStatus::NotRegular),
            problems: b.problems.clone(),
        }
    }
}

/// Appends one line per bag report, all checked at `checked_at` (ISO 8601).
pub fn append(archive: &Path, checked_at: &str, bags: &[BagReport]) -> std::io::Result<()> {
    let mut lines = String::new();
    for b in bags {
        lines.push_str(&serde_json::to_string(&FixityLine::of(checked_at, b)).unwrap_or_default());
        lines.push('\n');
    }
    // Never written through a link: `logs/` must be a real folder of the archive.
    sohoa_archive::safe_fs::ensure_real_dir(&archive.join(sohoa_archive::layout::LOGS))?;
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
        let Ok(l) = serde_json::from_str::<FixityLine>(&line) else {
            continue;
        };
        if l.case_id.is_empty() || l.checked_at.is_empty() || !l.bag.starts_with("bags/") {
            continue;
        }
        let e = out.entry(l.case_id).or_default();
        if l.checked_at > *e {
            *e = l.checked_at;
        }
    }
    out
}
