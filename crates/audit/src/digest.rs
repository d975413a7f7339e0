//! What the audit keeps of a case once its own checks have run: the line the report shows,
//! and the few facts the later steps need (fixity, re-check cycle, index comparison, totals
//! per agency). The record itself is dropped, so an audit of a million cases holds digests of
//! a few hundred bytes each, never the records.

use crate::calendar::parse_date;
use crate::case::LoadedBag;
use crate::finding::CaseLine;
use std::hash::{Hash, Hasher};

/// One audited case.
#[derive(Debug, Clone)]
pub struct CaseDigest {
    /// The report's line (counts filled in at the end); `line.case_id` is the bag's id.
    pub line: CaseLine,
    /// Index into the audit's agency names (`Checked::agencies`), when the record names one.
    pub agency: Option<u32>,
    /// The bag opened (not a link, not missing).
    pub opened: bool,
    /// The record was read.
    pub has_record: bool,
    /// Bytes of the payload (`data/`), as the store lists them.
    pub payload_bytes: u64,
    /// The day the case was ingested (the re-check cycle counts from it until a first fixity check).
    pub ingested: Option<time::Date>,
    /// The record's version and a hash of its bundle's SHA-256, compared with the search index.
    pub version: u64,
    pub bundle_key: u64,
}

/// A 64-bit key of a string (a bundle digest, a code): equal strings give equal keys; equal
/// keys of different strings are rare and only cost a closer look.
pub fn key64(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl CaseDigest {
    /// The digest of a loaded bag; `agency` is the raw agency name, interned by the caller.
    pub fn of(b: &LoadedBag) -> (CaseDigest, Option<String>) {
        let r = b.record.as_ref().ok();
        // What the audit shows of the case: identity numbers masked.
        let shown =
            |v: Option<&str>| v.map(|s| sohoa_archive::privacy::mask_ids_loose(s).into_owned());
        let line = CaseLine {
            case_id: b.id.clone(),
            case_code: shown(r.and_then(|r| r.case.case_code.as_deref())),
            title: shown(r.and_then(|r| r.hoso.title.as_deref())),
            agency: shown(r.and_then(|r| r.agency())),
            procedure_code: r.and_then(|r| r.case.procedure_code.clone()),
            received_date: r.and_then(|r| r.case.received_date.clone()),
            errors: 0,
            warnings: 0,
        };
        let payload_bytes = b.bag.as_ref().map_or(0, |bag| {
            bag.entries()
                .iter()
                .filter(|e| e.rel.starts_with("data/"))
                .map(|e| e.size)
                .sum()
        });
        let digest = CaseDigest {
            line,
            agency: None,
            opened: b.bag.is_some(),
            has_record: r.is_some(),
            payload_bytes,
            ingested: r
                .map(|r| r.ingest.started.as_str())
                .filter(|s| !s.is_empty())
                .and_then(parse_date),
            version: r.map_or(0, |r| r.version as u64),
            bundle_key: key64(
                r.and_then(|r| r.bundle.as_ref())
                    .map_or("", |x| x.sha256.as_str()),
            ),
        };
        (digest, r.and_then(|r| r.agency()).map(str::to_string))
    }

    pub fn id(&self) -> &str {
        &self.line.case_id
    }
}

/// Names given once and then referred to by number (agencies: a few hundred for a million cases).
#[derive(Debug, Default)]
pub struct Interner {
    names: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl Interner {
    pub fn intern(&mut self, name: String) -> u32 {
        if let Some(&i) = self.index.get(&name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.clone());
        self.index.insert(name, i);
        i
    }

    pub fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }

    pub fn into_names(self) -> Vec<String> {
        self.names
    }
}
