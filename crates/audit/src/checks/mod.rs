//! The audit's checks, one module per word of "đúng, đủ, sạch, sống" (domain.md §5.2): per-case
//! checks run in parallel over the records; cross-case ones (duplicates, gaps) over all of them.

pub mod du;
pub mod dung;
pub mod sach;
pub mod song;

use crate::calendar::Calendar;
use crate::case::{LoadedBag, Record};
use crate::finding::{Criterion, Finding};
use crate::rules::{Rule, RuleSet};
use sohoa_archive::bag::Bag;
use std::path::Path;

/// What the checks measure against.
pub struct Context<'a> {
    pub rules: &'a RuleSet,
    pub calendar: &'a Calendar,
    /// "Today" for deadlines and future dates.
    pub as_of: time::Date,
    /// A retention ending within this many days is reported as expiring.
    pub expiring_days: i64,
}

/// Everything about one case that needs only its own bag.
pub fn case_findings(bag: &LoadedBag, ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    match &bag.record {
        Err(e) => out.push(
            Finding::error(
                Criterion::Dung,
                "dung.metadata_unreadable",
                format!("Không đọc được data/metadata.json: {e}"),
                format!("Cannot read data/metadata.json: {e}"),
            )
            .file("data/metadata.json"),
        ),
        Ok(r) => {
            per_record(r, bag.bag.as_ref(), ctx, &mut out);
            if let Some(b) = &bag.bag {
                dung::check_bag(b, r, &mut out);
            }
        }
    }
    for f in &mut out {
        f.case_id = Some(bag.id.clone());
    }
    out
}

/// Per-case checks on a record alone (no bag on disk): what the metadata benchmark measures.
pub fn record_findings(id: &str, r: &Record, ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    per_record(r, None, ctx, &mut out);
    for f in &mut out {
        f.case_id = Some(id.to_string());
    }
    out
}

/// The checks of one record, its procedure's rule looked up once.
fn per_record(r: &Record, bag: Option<&Bag>, ctx: &Context, out: &mut Vec<Finding>) {
    let rule: Option<&Rule> = ctx.rules.for_case(r);
    dung::check(r, rule, ctx, out);
    du::check(r, rule, bag, out);
    sach::check(r, rule, out);
    song::retention(r, ctx, out);
}

/// Checks across cases: duplicate codes, files and pages; gaps in the day's case numbers.
pub fn cross_findings(records: &[(&str, &Record)]) -> Vec<Finding> {
    let mut out = sach::duplicates(records);
    out.extend(du::sequence_gaps(records));
    out
}

/// A bag path for messages: the data folder inside the archive.
pub fn rel(bag: &Path, file: &str) -> String {
    let id = bag
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    format!("bags/{id}/{file}")
}
