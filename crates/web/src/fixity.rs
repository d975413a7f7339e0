//! The last fixity check of each case, from `logs/fixity.jsonl` (written by `sohoa verify`
//! and `sohoa audit`), read once and again only when the log has changed.

use sohoa_bagit::fixity_log::{self, FixityLine};
use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Mutex;
use std::time::SystemTime;

/// Case id -> (checked at, whole).
type Checks = HashMap<String, (String, bool)>;

#[derive(Default)]
pub struct FixityCache {
    seen: Mutex<Option<(SystemTime, u64, std::sync::Arc<Checks>)>>,
}

fn read(path: &std::path::Path) -> Checks {
    let mut out: Checks = HashMap::new();
    let Ok((f, _)) = sohoa_archive::safe_fs::open_regular(path, sohoa_archive::safe_fs::Follow::No)
    else {
        return out;
    };
    for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
        let Ok(l) = serde_json::from_str::<FixityLine>(&line) else {
            continue;
        };
        if l.case_id.is_empty() || !l.bag.starts_with("bags/") {
            continue;
        }
        let e = out.entry(l.case_id).or_default();
        if l.checked_at >= e.0 {
            *e = (l.checked_at, l.valid);
        }
    }
    out
}

impl FixityCache {
    /// When the current bag of `id` was last checked and whether it was whole (reads the log
    /// again only when it changed; blocking).
    pub fn last_check(&self, archive: &std::path::Path, id: &str) -> Option<(String, bool)> {
        let path = fixity_log::path(archive);
        let meta = std::fs::metadata(&path).ok()?;
        let stamp = (meta.modified().ok()?, meta.len());
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let checks = match seen.as_ref() {
            Some((t, n, c)) if (*t, *n) == stamp => c.clone(),
            _ => {
                let c = std::sync::Arc::new(read(&path));
                *seen = Some((stamp.0, stamp.1, c.clone()));
                c
            }
        };
        checks.get(id).cloned()
    }
}
