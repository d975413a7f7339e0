//! The cross-case checks (duplicate codes and scans, gaps in the day's case numbers) over a
//! whole archive in little memory. While the cases stream past, each leaves only 64-bit keys
//! of its codes and scan digests and its place in the day's numbering; at the end, the cases
//! whose keys meet another's are read again and compared whole by the same checks as always
//! (`sach::duplicates`), and the gaps are found from the compact numbering (`du::day_gap`).

use crate::case::Record;
use crate::checks::{du, sach};
use crate::digest::{key64, Interner};
use crate::finding::Finding;

/// The keys one case adds (computed on the worker threads).
#[derive(Debug, Default)]
pub struct CaseKeys {
    code: Option<u64>,
    file_code: Option<u64>,
    files: Vec<u64>,
    day: Option<(String, time::Date, u32)>,
}

impl CaseKeys {
    pub fn of(id: &str, r: &Record) -> CaseKeys {
        let (code, file_code) = sach::code_keys(id, r);
        CaseKeys {
            code: code.as_deref().map(key64),
            file_code: file_code.as_deref().map(key64),
            files: sach::compared_sources(r)
                .map(|s| key64(&s.sha256))
                .collect(),
            day: du::day_number(r),
        }
    }
}

/// A case's place in its agency's numbering of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct DayNumber {
    agency: u32,
    day: time::Date,
    seq: u32,
    case: u32,
}

/// Every case's keys, by case number (its place in the audit's list).
#[derive(Debug, Default)]
pub struct CrossKeys {
    /// (key, case) pairs of case codes, archival codes and scan digests.
    codes: Vec<(u64, u32)>,
    file_codes: Vec<(u64, u32)>,
    files: Vec<(u64, u32)>,
    days: Vec<DayNumber>,
    agencies: Interner,
}

impl CrossKeys {
    pub fn add(&mut self, case: u32, k: CaseKeys) {
        if let Some(c) = k.code {
            self.codes.push((c, case));
        }
        if let Some(c) = k.file_code {
            self.file_codes.push((c, case));
        }
        self.files.extend(k.files.into_iter().map(|f| (f, case)));
        if let Some((agency, day, seq)) = k.day {
            let agency = self.agencies.intern(agency);
            self.days.push(DayNumber {
                agency,
                day,
                seq,
                case,
            });
        }
    }

    /// The cases sharing a key with another case, in order: only these can be duplicates.
    pub fn candidates(&mut self) -> Vec<u32> {
        let mut out = Vec::new();
        for list in [&mut self.codes, &mut self.file_codes, &mut self.files] {
            list.sort_unstable();
            for group in list.chunk_by(|a, b| a.0 == b.0) {
                // The same scan twice in one case is a duplicate too (listed twice).
                if group.len() > 1 {
                    out.extend(group.iter().map(|g| g.1));
                }
            }
            *list = Vec::new();
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Gaps in every agency's numbering of every day; `id` names a case by its number.
    pub fn gaps<'a>(&mut self, id: impl Fn(u32) -> &'a str) -> Vec<Finding> {
        self.days.sort_unstable();
        let mut out = Vec::new();
        for group in self
            .days
            .chunk_by(|a, b| (a.agency, a.day) == (b.agency, b.day))
        {
            let mut seqs: Vec<(u32, &str)> = group.iter().map(|d| (d.seq, id(d.case))).collect();
            out.extend(du::day_gap(
                self.agencies.name(group[0].agency),
                group[0].day,
                &mut seqs,
            ));
        }
        self.days = Vec::new();
        out
    }
}

/// The duplicate findings among the re-read candidate records (all of them: a group of
/// duplicates is always whole among the candidates, since its members share a key).
pub fn duplicates(records: &[(&str, &Record)]) -> Vec<Finding> {
    sach::duplicates(records)
}
