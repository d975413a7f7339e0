//! The statistics read an archive a chunk at a time and keep a few facts per case: the figures,
//! rows, trend and late-case list they give are those of the records read all at once, over
//! several chunks and on a pool, for any period; and every late case is shown with its
//! record's fields (identity numbers masked), whichever period makes it late.

mod common;
use common::InMemory;

use proptest::prelude::*;
use sohoa_audit::calendar::Calendar;
use sohoa_audit::case::Record;
use sohoa_audit::parallel::Pool;
use sohoa_audit::rules::RuleSet;
use sohoa_audit::scan::CHUNK;
use sohoa_audit::stats::{self, GroupBy, Period};
use time::{Date, Duration};

fn day(n: u16) -> Date {
    Date::from_calendar_date(2025, time::Month::January, 1)
        .map(|d| d + Duration::days(i64::from(n)))
        .unwrap_or(Date::MIN)
}

/// A case from small numbers: received on day `recv`, due `due` days later, resolved `done`
/// days after receipt (or not), by one of three channels and agencies, sometimes withdrawn.
fn record(i: usize, recv: u16, due: u16, done: Option<u16>, kind: u8) -> Record {
    let mut r = Record::default();
    let c = &mut r.case;
    c.case_code = Some(format!("000.00.1{}.H12-{i:06}", kind % 3));
    c.applicant_name = Some(format!("Nguyễn Văn {i} (CCCD 0400938789{:02})", i % 100));
    c.received_date = Some(day(recv).to_string());
    // Some cases have no due date: skipped (no rule for their procedure).
    c.due_date = (!kind.is_multiple_of(11)).then(|| day(recv + due).to_string());
    c.resolved_date = done.map(|d| day(recv + d).to_string());
    c.channel = Some(["direct", "online", "postal"][usize::from(kind % 3)].into());
    c.status = kind
        .is_multiple_of(13)
        .then(|| "Công dân rút hồ sơ".to_string());
    c.agency_code = Some(format!("000.00.1{}.H12", kind % 3));
    c.agency_name = Some(format!(
        "UBND xã {}",
        ["Tân Hòa", "An Bình", "Phú Lợi"][usize::from(kind % 3)]
    ));
    c.sector = Some(["Hộ tịch", "Đất đai"][usize::from(kind % 2)].into());
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn streamed_statistics_are_those_of_every_record_at_once(
        cases in prop::collection::vec(
            (0u16..200, 0u16..20, prop::option::of(0u16..40), any::<u8>()),
            1..(CHUNK + 600),
        ),
        from in 0u16..150,
        len in 0u16..120,
        by in 0usize..4,
    ) {
        let records: Vec<(String, Record)> = cases
            .iter()
            .enumerate()
            .map(|(i, &(recv, due, done, kind))| (format!("case-{i:05}"), record(i, recv, due, done, kind)))
            .collect();
        let refs: Vec<(&str, &Record)> = records.iter().map(|(id, r)| (id.as_str(), r)).collect();
        let (rules, cal) = (RuleSet { rules: Vec::new() }, Calendar::built_in());
        let group_by = [None, Some(GroupBy::Agency), Some(GroupBy::Sector), Some(GroupBy::Procedure)][by];
        let p = Period { from: day(from), to: day(from + len), group_by };
        let at_once = stats::compute(&refs, &p, &rules, &cal);
        let gathered = stats::gather(&InMemory(records.clone()), group_by, &rules, &cal, &Pool::new(2), &|_, _| {});
        prop_assert_eq!(gathered.bags, records.len());
        let streamed = stats::compute_gathered(&gathered, &p, &cal);
        prop_assert_eq!(&streamed, &at_once);
        // Every late case shows its record's fields, masked as the report masks them.
        let by_id: std::collections::HashMap<&str, &Record> = refs.iter().copied().collect();
        let late = &streamed.3;
        for l in late {
            let r = by_id[l.case_id.as_str()];
            let masked = |v: &Option<String>| v.as_deref().map(|s| sohoa_archive::privacy::mask_ids_loose(s).into_owned());
            prop_assert_eq!(&l.case_code, &masked(&r.case.case_code));
            prop_assert_eq!(&l.applicant_name, &masked(&r.case.applicant_name));
            prop_assert!(!l.applicant_name.as_deref().unwrap_or("").contains("040093878"));
            prop_assert_eq!(&l.agency_code, &r.case.agency_code);
            prop_assert_eq!(&l.agency_name, &masked(&r.case.agency_name));
            prop_assert_eq!(&l.sector, &masked(&r.case.sector));
        }
        // The list has every case late at the end of the period, counted here on its own.
        let expected = refs
            .iter()
            .filter(|(_, r)| {
                let c = &r.case;
                let date = |v: &Option<String>| v.as_deref().and_then(sohoa_audit::calendar::parse_date);
                let (Some(recv), Some(due)) = (date(&c.received_date), date(&c.due_date)) else {
                    return false;
                };
                let done = date(&c.resolved_date);
                c.status.is_none()
                    && recv <= p.to
                    && (recv >= p.from || done.is_none_or(|d| d >= p.from))
                    && match done.filter(|d| *d <= p.to) {
                        Some(d) => d > due,
                        None => p.to > due,
                    }
            })
            .count();
        prop_assert_eq!(late.len(), expected);
    }
}
