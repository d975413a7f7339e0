//! The streamed audit's cross-case checks (compact keys, candidates read again) find exactly
//! what the in-memory checks over every record find: duplicate case codes, archival codes and
//! scans, and gaps in the day's case numbers, on random archives full of collisions.

mod common;
use common::InMemory;

use proptest::prelude::*;
use sohoa_audit::calendar::Calendar;
use sohoa_audit::case::{Record, Source};
use sohoa_audit::checks::{self, Context};
use sohoa_audit::parallel::Pool;
use sohoa_audit::rules::RuleSet;
use sohoa_audit::scan::check_all;

/// A record from small numbers, so that codes, days and scans collide often.
fn record(agency: u8, day: u8, seq: u16, file_code: Option<u8>, scans: Vec<u8>) -> Record {
    let mut r = Record::default();
    let code = format!("000.00.{:02}.H12-2507{:02}-{seq:04}", 10 + agency, 1 + day);
    r.case.case_code = Some(code);
    r.hoso.arc_file_code = file_code.map(|f| format!("H12.{f:02}"));
    r.sources = scans
        .into_iter()
        .enumerate()
        .map(|(k, s)| Source {
            path: format!("01/{k}.jpg"),
            sha256: format!("{:064x}", s),
            size: 1,
            pages: 1,
            ..Default::default()
        })
        .collect();
    r
}

fn cross_codes(mut f: Vec<sohoa_audit::Finding>) -> Vec<String> {
    f.retain(|f| {
        matches!(
            f.code.as_str(),
            "sach.duplicate_case_code"
                | "sach.duplicate_file_code"
                | "sach.duplicate_file"
                | "du.sequence_gap"
        )
    });
    let mut out: Vec<String> = f
        .into_iter()
        .map(|f| {
            format!(
                "{:?} {} {} {:?} {:?}",
                f.case_id, f.code, f.message_en, f.file, f.related
            )
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn streamed_cross_checks_match_the_in_memory_ones(
        cases in prop::collection::vec(
            (0u8..3, 0u8..3, 1u16..12, prop::option::of(0u8..6), prop::collection::vec(0u8..40, 0..4)),
            1..120,
        ),
        jobs in 1usize..3,
    ) {
        let records: Vec<(String, Record)> = cases
            .into_iter()
            .enumerate()
            .map(|(i, (a, d, s, f, scans))| (format!("case-{i:04}"), record(a, d, s, f, scans)))
            .collect();
        let refs: Vec<(&str, &Record)> = records.iter().map(|(i, r)| (i.as_str(), r)).collect();
        let expected = cross_codes(checks::cross_findings(&refs));
        // Many records in so few codes, days and scans always collide somewhere (gaps alone no
        // longer do: a day must be held nearly whole for its gaps to count).
        prop_assert!(!expected.is_empty() || records.len() < 20);
        let rules = RuleSet::built_in().map_err(TestCaseError::fail)?;
        let calendar = Calendar::built_in();
        let ctx = Context { rules: &rules, calendar: &calendar, as_of: time::macros::date!(2026 - 01 - 01), expiring_days: 365 };
        let checked = check_all(&InMemory(records.clone()), &ctx, &Pool::new(jobs), &|_, _| {});
        prop_assert_eq!(checked.cases.len(), records.len());
        let mut all: Vec<sohoa_audit::Finding> = checked.findings.iter().collect();
        all.extend(checked.cross);
        prop_assert_eq!(cross_codes(all), expected);
    }
}
