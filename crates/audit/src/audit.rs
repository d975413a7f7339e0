//! One audit of an archive: loads every bag, runs the per-case and cross-case checks, re-hashes
//! (all or a sample), compares the index, and sums it all up as an [`AuditReport`].

use crate::calendar::Calendar;
use crate::case::{load_archive, LoadedBag};
use crate::checks::{self, song, Context};
use crate::finding::*;
use crate::rules::RuleSet;
use sohoa_bagit::fixity_log;
use std::collections::BTreeMap;
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

/// Runs the audit. `progress(done, total)` is called as bags are checked.
pub fn run(
    archive: &Path,
    o: &Options,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<AuditReport, String> {
    let (rules, calendar) = load_rules(o.rules_dir.as_deref())?;
    let bags = load_archive(archive, o.jobs).map_err(|e| format!("{}: {e}", archive.display()))?;
    let ctx = Context {
        rules: &rules,
        calendar: &calendar,
        as_of: o.as_of,
        expiring_days: o.expiring_days,
    };
    let total = bags.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let per_case: Vec<Vec<Finding>> = crate::parallel::map(&bags, o.jobs, |b| {
        let f = checks::case_findings(b, &ctx);
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n.is_multiple_of(64) || n == total {
            progress("check", n, total);
        }
        f
    });
    let mut findings: Vec<Finding> = per_case.into_iter().flatten().collect();
    let records: Vec<(&str, &crate::case::Record)> = bags
        .iter()
        .filter_map(|b| Some((b.id.as_str(), b.record.as_ref().ok()?)))
        .collect();
    findings.extend(checks::cross_findings(&records));
    let last = fixity_log::last_checks(archive);
    // Fixity: re-hash, log, report.
    let started = Instant::now();
    let chosen: Vec<&LoadedBag> = match o.fixity {
        Fixity::All => bags.iter().collect(),
        Fixity::Sample(p) => song::pick_sample(&bags, p, &last),
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
        let reports = song::verify_all(archive, &chosen, o.jobs);
        fixity_run.seconds = started.elapsed().as_secs_f64();
        fixity_run.files_checked = reports.iter().map(|r| r.files.len()).sum();
        fixity_run.bytes_checked = chosen.iter().map(|b| payload_bytes(b)).sum();
        findings.extend(song::fixity(&reports));
        let at = sohoa_archive::events::timestamp(
            time::OffsetDateTime::now_utc().to_offset(sohoa_archive::VN_OFFSET),
        );
        if let Err(e) = fixity_log::append(archive, &at, &reports) {
            tracing::warn!("cannot write the fixity log: {e}");
        }
        checked_now.extend(reports.iter().map(|r| r.id.clone()));
        progress("fixity", chosen.len(), chosen.len());
    }
    let unchecked = bags.iter().filter(|b| !checked_now.contains(&b.id));
    findings.extend(song::recheck(unchecked, &last, o.as_of, o.recheck_years));
    if o.check_index {
        findings.extend(song::index_sync(archive, &bags));
    }
    findings.sort_by(|a, b| {
        (
            a.case_id.as_deref(),
            a.criterion,
            a.severity as u8,
            &a.code,
            a.page,
        )
            .cmp(&(
                b.case_id.as_deref(),
                b.criterion,
                b.severity as u8,
                &b.code,
                b.page,
            ))
    });
    let cases = case_lines(&bags, &findings);
    let summary = summarize(&bags, &findings);
    Ok(AuditReport {
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
        fixity: fixity_run,
        summary,
        cases,
        findings,
    })
}

/// Bytes of the payload files the manifest lists (what fixity re-hashed).
/// Bytes of a bag's payload (`data/`), as its store lists them (a folder or object storage).
fn payload_bytes(b: &LoadedBag) -> u64 {
    b.bag.as_ref().map_or(0, |bag| {
        bag.entries()
            .iter()
            .filter(|e| e.rel.starts_with("data/"))
            .map(|e| e.size)
            .sum()
    })
}

fn case_lines(bags: &[LoadedBag], findings: &[Finding]) -> Vec<CaseLine> {
    let mut count: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in findings {
        if let Some(id) = f.case_id.as_deref() {
            let e = count.entry(id).or_default();
            if f.is_error() {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    bags.iter()
        .map(|b| {
            let r = b.record.as_ref().ok();
            let (errors, warnings) = count.get(b.id.as_str()).copied().unwrap_or_default();
            // What the audit shows of the case: identity numbers masked.
            let shown =
                |v: Option<&str>| v.map(|s| sohoa_archive::privacy::mask_ids_loose(s).into_owned());
            CaseLine {
                case_id: b.id.clone(),
                case_code: shown(r.and_then(|r| r.case.case_code.as_deref())),
                title: shown(r.and_then(|r| r.hoso.title.as_deref())),
                agency: shown(r.and_then(|r| r.agency())),
                procedure_code: r.and_then(|r| r.case.procedure_code.clone()),
                received_date: r.and_then(|r| r.case.received_date.clone()),
                errors,
                warnings,
            }
        })
        .collect()
}

/// Totals per criterion, code and agency.
pub fn summarize(bags: &[LoadedBag], findings: &[Finding]) -> Summary {
    let agency_of: BTreeMap<&str, String> = bags
        .iter()
        .map(|b| {
            let a = b
                .record
                .as_ref()
                .ok()
                .and_then(|r| r.agency())
                .unwrap_or("Không xác định")
                .to_string();
            (b.id.as_str(), a)
        })
        .collect();
    let mut s = Summary {
        cases: bags.len(),
        ..Default::default()
    };
    for c in Criterion::ALL {
        s.by_criterion.insert(c, Tally::default());
    }
    let mut seen: BTreeMap<(String, String), ()> = BTreeMap::new();
    let mut with_errors = std::collections::HashSet::new();
    let mut with_any = std::collections::HashSet::new();
    for f in findings {
        let err = f.is_error();
        if err {
            s.errors += 1;
        } else {
            s.warnings += 1;
        }
        let case = f.case_id.clone().unwrap_or_default();
        if let Some(id) = &f.case_id {
            with_any.insert(id.clone());
            if err {
                with_errors.insert(id.clone());
            }
        }
        let mut bump = |t: &mut Tally, key: String| {
            if err {
                t.errors += 1;
            } else {
                t.warnings += 1;
            }
            if seen.insert((key, case.clone()), ()).is_none() && !case.is_empty() {
                t.cases += 1;
            }
        };
        if let Some(t) = s.by_criterion.get_mut(&f.criterion) {
            bump(t, format!("c:{}", f.criterion.key()));
        }
        bump(
            s.by_code.entry(f.code.clone()).or_default(),
            format!("k:{}", f.code),
        );
        let agency = f
            .case_id
            .as_deref()
            .and_then(|id| agency_of.get(id).cloned())
            .unwrap_or_else(|| "Toàn kho".into());
        bump(
            s.by_agency.entry(agency.clone()).or_default(),
            format!("a:{agency}"),
        );
    }
    s.cases_with_errors = with_errors.len();
    s.cases_with_warnings = with_any.len() - with_errors.len();
    s.cases_clean = bags.iter().filter(|b| !with_any.contains(&b.id)).count();
    s
}
