//! One audit of an archive: checks every case in one streamed pass ([`crate::scan`]), re-hashes
//! (all or a sample), compares the index, and sums it all up as an [`AuditReport`].

use crate::calendar::Calendar;
use crate::checks::{song, Context};
use crate::digest::CaseDigest;
use crate::finding::Findings;
use crate::finding::*;
use crate::parallel::Pool;
use crate::rules::RuleSet;
use crate::scan::{check_all, ArchiveCases, Checked};
use sohoa_bagit::fixity_log;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How much fixity to re-check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fixity {
    All,
    /// A share of the bags, in percent (0 < p < 100).
    Sample(f64),
    None,
}

/// The audit's settings.
pub struct Options {
    /// Rule files (and `calendar.toml`); the built-in ones when absent.
    pub rules_dir: Option<PathBuf>,
    pub fixity: Fixity,
    pub jobs: usize,
    pub as_of: time::Date,
    /// Bags not fixity-checked for this many years are reported (TT 05/2025: 3).
    pub recheck_years: u32,
    /// Retention ending within this many days is reported as expiring.
    pub expiring_days: i64,
    /// Compare the search index with the bags.
    pub check_index: bool,
}

/// Rules and calendar from `--rules DIR`, or the built-in ones.
pub fn load_rules(dir: Option<&Path>) -> Result<(RuleSet, Calendar), String> {
    match dir {
        None => Ok((RuleSet::built_in()?, Calendar::built_in())),
        Some(d) => {
            let rules = RuleSet::load(d)?;
            let cal = d.join("calendar.toml");
            let calendar = if cal.is_file() {
                let text = sohoa_archive::safe_fs::read_config(&cal)
                    .map_err(|e| format!("{}: {e}", cal.display()))?;
                Calendar::parse(&text, &cal.display().to_string())?
            } else {
                Calendar::built_in()
            };
            Ok((rules, calendar))
        }
    }
}

/// Runs the audit. `progress(step, done, total)` is called as bags are checked.
pub fn run(
    archive: &Path,
    o: &Options,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<AuditReport, String> {
    let (rules, calendar) = load_rules(o.rules_dir.as_deref())?;
    let cases = ArchiveCases::list(archive).map_err(|e| format!("{}: {e}", archive.display()))?;
    let ctx = Context {
        rules: &rules,
        calendar: &calendar,
        as_of: o.as_of,
        expiring_days: o.expiring_days,
    };
    let pool = Pool::new(o.jobs);
    let Checked {
        cases,
        agencies,
        findings,
        cross: mut more,
    } = check_all(&cases, &ctx, &pool, &|done, total| {
        progress("check", done, total)
    });
    let last = fixity_log::last_checks(archive);
    // Fixity: re-hash, log, report.
    let started = Instant::now();
    let chosen: Vec<&CaseDigest> = match o.fixity {
        Fixity::All => cases.iter().collect(),
        Fixity::Sample(p) => song::pick_sample(&cases, p, &last),
        Fixity::None => Vec::new(),
    };
    let mut fixity_run = FixityRun {
        mode: match o.fixity {
            Fixity::All => "all",
            Fixity::Sample(_) => "sample",
            Fixity::None => "none",
        }
        .into(),
        percent: match o.fixity {
            Fixity::Sample(p) => Some(p),
            _ => None,
        },
        bags_checked: chosen.len(),
        files_checked: 0,
        bytes_checked: 0,
        seconds: 0.0,
    };
    let mut checked_now = std::collections::HashSet::new();
    if !chosen.is_empty() {
        progress("fixity", 0, chosen.len());
        let reports = song::verify_all(archive, &chosen, &pool);
        fixity_run.seconds = started.elapsed().as_secs_f64();
        fixity_run.files_checked = reports.iter().map(|r| r.files.len()).sum();
        fixity_run.bytes_checked = chosen.iter().map(|b| b.payload_bytes).sum();
        more.extend(song::fixity(&reports));
        let at = sohoa_archive::events::timestamp(
            time::OffsetDateTime::now_utc().to_offset(sohoa_archive::VN_OFFSET),
        );
        if let Err(e) = fixity_log::append(archive, &at, &reports) {
            tracing::warn!("cannot write the fixity log: {e}");
        }
        checked_now.extend(reports.iter().map(|r| r.id.clone()));
        progress("fixity", chosen.len(), chosen.len());
    }
    let unchecked = cases.iter().filter(|b| !checked_now.contains(b.id()));
    more.extend(song::recheck(unchecked, &last, o.as_of, o.recheck_years));
    if o.check_index {
        more.extend(song::index_sync(archive, &cases));
    }
    let checked = Checked {
        cases,
        agencies,
        findings,
        cross: more,
    };
    Ok(report(archive, o, &rules, checked, fixity_run))
}

/// The report of a finished audit: findings in order, one line per case, totals. The cases'
/// own findings (already in order) are merged with the others (cross-case, fixity, index), never
/// all decoded at once.
pub fn report(
    archive: &Path,
    o: &Options,
    rules: &RuleSet,
    checked: Checked,
    fixity: FixityRun,
) -> AuditReport {
    let Checked {
        cases,
        agencies,
        findings: own,
        cross: mut more,
    } = checked;
    let position: HashMap<&str, u32> = cases
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id(), i as u32))
        .collect();
    // Archive-wide findings first, then by the case's place in the audit (cases not in it, such
    // as index entries whose bag is gone, last), then as `scan::sort_case` orders a case's own.
    let place = |f: &Finding| match f.case_id.as_deref() {
        None => (0u64, String::new()),
        Some(id) => match position.get(id) {
            Some(&p) => (1 + p as u64, String::new()),
            None => (u64::MAX, id.to_string()),
        },
    };
    more.sort_by_cached_key(|f| place(f));
    for group in more.chunk_by_mut(|a, b| place(a) == place(b)) {
        crate::scan::sort_case(group);
    }
    // One pass over the merged findings: kept in order, counted per case, summed up.
    let mut findings = Findings::new();
    let mut counts = vec![(0, 0); cases.len()];
    let merged = merge(own.iter(), more, |f| place(f)).inspect(|f| {
        findings.push(f);
        let at = f.case_id.as_deref().and_then(|id| position.get(id));
        if let Some(c) = at.and_then(|&p| counts.get_mut(p as usize)) {
            if f.is_error() {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    });
    let summary = summarize(&cases, &agencies, merged);
    drop(own);
    drop(position);
    let cases = case_lines(cases, &counts);
    AuditReport {
        schema: AUDIT_SCHEMA.into(),
        schema_version: AUDIT_SCHEMA_VERSION,
        archive: archive.display().to_string(),
        audited_at: sohoa_archive::events::timestamp(
            time::OffsetDateTime::now_utc().to_offset(sohoa_archive::VN_OFFSET),
        ),
        as_of: o.as_of.to_string(),
        rules: rules
            .rules
            .iter()
            .map(|r| RuleInfo {
                procedure: r.procedure.clone(),
                name: r.name.clone(),
                source: r.source.clone(),
            })
            .collect(),
        fixity,
        summary,
        cases,
        findings,
    }
}

/// Merges two lists in the same order (the first one's findings first among equals).
fn merge<'a, K: Ord + 'a>(
    first: impl Iterator<Item = Finding> + 'a,
    second: Vec<Finding>,
    key: impl Fn(&Finding) -> K + 'a,
) -> impl Iterator<Item = Finding> + 'a {
    let mut first = first.peekable();
    let mut second = second.into_iter().peekable();
    std::iter::from_fn(move || match (first.peek(), second.peek()) {
        (Some(f), Some(s)) if key(s) < key(f) => second.next(),
        (Some(_), _) => first.next(),
        (None, _) => second.next(),
    })
}

fn case_lines(cases: Vec<CaseDigest>, counts: &[(usize, usize)]) -> Vec<CaseLine> {
    cases
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let mut line = d.line;
            (line.errors, line.warnings) = counts.get(i).copied().unwrap_or_default();
            line
        })
        .collect()
}

/// Totals per criterion, code and agency. A tally's `cases` counts each case once.
pub fn summarize(
    cases: &[CaseDigest],
    agencies: &[String],
    findings: impl Iterator<Item = Finding>,
) -> Summary {
    let agency_of: HashMap<&str, &str> = cases
        .iter()
        .map(|d| {
            let a = d
                .agency
                .and_then(|a| agencies.get(a as usize))
                .map_or("Không xác định", String::as_str);
            (d.id(), a)
        })
        .collect();
    let mut s = Summary {
        cases: cases.len(),
        ..Default::default()
    };
    for c in Criterion::ALL {
        s.by_criterion.insert(c, Tally::default());
    }
    let mut with_errors = 0;
    let mut with_any: HashSet<String> = HashSet::new();
    // The findings case by case: they come grouped by case.
    let mut findings = findings.peekable();
    while let Some(head) = findings.next() {
        let mut group = vec![head];
        while let Some(f) = findings.next_if(|f| f.case_id == group[0].case_id) {
            group.push(f);
        }
        let case = group[0].case_id.as_deref();
        let agency = case
            .and_then(|id| agency_of.get(id).copied())
            .unwrap_or("Toàn kho");
        // Tallies this case already counts in.
        let mut criteria: Vec<Criterion> = Vec::new();
        let mut codes: Vec<&str> = Vec::new();
        let mut agency_counted = false;
        let mut any_error = false;
        for f in &group {
            let err = f.is_error();
            any_error |= err;
            if err {
                s.errors += 1;
            } else {
                s.warnings += 1;
            }
            let bump = |t: &mut Tally, first: bool| {
                if err {
                    t.errors += 1;
                } else {
                    t.warnings += 1;
                }
                if first && case.is_some_and(|c| !c.is_empty()) {
                    t.cases += 1;
                }
            };
            if let Some(t) = s.by_criterion.get_mut(&f.criterion) {
                let first = !criteria.contains(&f.criterion);
                criteria.push(f.criterion);
                bump(t, first);
            }
            let first = !codes.contains(&f.code.as_str());
            codes.push(&f.code);
            bump(s.by_code.entry(f.code.clone()).or_default(), first);
            bump(
                s.by_agency.entry(agency.to_string()).or_default(),
                !agency_counted,
            );
            agency_counted = true;
        }
        if let Some(id) = case {
            if with_any.insert(id.to_string()) && any_error {
                with_errors += 1;
            }
        }
    }
    s.cases_with_errors = with_errors;
    s.cases_with_warnings = with_any.len() - with_errors;
    s.cases_clean = cases.iter().filter(|d| !with_any.contains(d.id())).count();
    s
}
