//! The statistics' one pass over an archive: each case's record is reduced to its `Facts` on
//! the audit's worker pool, `CHUNK` cases at a time, and dropped with its chunk. What stays per
//! case is a few dates, the number of its row and, for the cases that may be late, what the
//! late-case list shows: `sohoa report` over a million cases needs no record in memory.

use super::facts::{facts, group_of, Facts};
use super::{GroupBy, Skipped};
use crate::calendar::{parse_date, Calendar};
use crate::case::Record;
use crate::parallel::Pool;
use crate::rules::RuleSet;
use crate::scan::{Cases, CHUNK};
use std::collections::HashMap;
use time::Date;

/// The archive as the statistics see it.
#[derive(Default)]
pub struct Gathered {
    pub(super) facts: Vec<Facts>,
    /// The rows of a grouped report, by number: key and label (the first case's).
    pub(super) groups: Vec<(String, String)>,
    group_numbers: HashMap<String, u32>,
    pub(super) skipped: Vec<Skipped>,
    /// The earliest received date of a readable record (where a period starts by default).
    pub earliest: Option<Date>,
    /// Current bags seen, and those whose record could be read.
    pub bags: usize,
    pub records: usize,
}

/// One case as a worker leaves it.
struct One {
    received: Option<Date>,
    facts: Result<Facts, Skipped>,
    group: Option<(String, String)>,
}

/// The settings every case is read with.
struct Reading<'a> {
    group_by: Option<GroupBy>,
    rules: &'a RuleSet,
    cal: &'a Calendar,
}

impl Reading<'_> {
    fn reduce(&self, id: &str, r: &Record) -> One {
        One {
            received: r.case.received_date.as_deref().and_then(parse_date),
            facts: facts(id, r, self.rules, self.cal).map_err(|(vi, en)| Skipped {
                case_id: id.to_string(),
                reason: vi.into(),
                reason_en: en.into(),
            }),
            group: self.group_by.map(|g| group_of(r, g)),
        }
    }
}

impl Gathered {
    fn push(&mut self, one: One) {
        self.records += 1;
        if let Some(d) = one.received {
            self.earliest = Some(self.earliest.map_or(d, |e| e.min(d)));
        }
        match one.facts {
            Ok(mut f) => {
                if let Some((key, label)) = one.group {
                    let next = self.groups.len() as u32;
                    f.group = *self.group_numbers.entry(key.clone()).or_insert_with(|| {
                        self.groups.push((key, label));
                        next
                    });
                }
                self.facts.push(f);
            }
            Err(s) => self.skipped.push(s),
        }
    }

    /// The statistics' view of records already in memory.
    pub fn of_records(
        records: &[(&str, &Record)],
        group_by: Option<GroupBy>,
        rules: &RuleSet,
        cal: &Calendar,
    ) -> Gathered {
        let reading = Reading {
            group_by,
            rules,
            cal,
        };
        let mut g = Gathered::default();
        for (id, r) in records {
            g.bags += 1;
            g.push(reading.reduce(id, r));
        }
        g
    }
}

/// Reads every case once, `CHUNK` at a time on the pool (a case whose record cannot be read
/// is left out, as the audit reports it). `progress(done, total)` after every chunk.
pub fn gather(
    cases: &dyn Cases,
    group_by: Option<GroupBy>,
    rules: &RuleSet,
    cal: &Calendar,
    pool: &Pool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Gathered {
    let reading = Reading {
        group_by,
        rules,
        cal,
    };
    let total = cases.len();
    let mut g = Gathered::default();
    let numbers: Vec<usize> = (0..total).collect();
    for chunk in numbers.chunks(CHUNK) {
        let done = pool.map(chunk, |&i| {
            let b = cases.load(i);
            b.record.as_ref().ok().map(|r| reading.reduce(&b.id, r))
        });
        for one in done {
            g.bags += 1;
            if let Some(one) = one {
                g.push(one);
            }
        }
        progress(g.bags, total);
    }
    g
}

/// [`gather`] over the current bags of an archive folder on `jobs` threads: what `sohoa report`
/// and the web's report job both read. Err names why the archive could not be listed.
pub fn gather_archive(
    archive: &std::path::Path,
    group_by: Option<GroupBy>,
    rules: &RuleSet,
    cal: &Calendar,
    jobs: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> std::io::Result<Gathered> {
    let cases = crate::scan::ArchiveCases::list(archive)?;
    Ok(gather(
        &cases,
        group_by,
        rules,
        cal,
        &Pool::new(jobs.max(1)),
        progress,
    ))
}
