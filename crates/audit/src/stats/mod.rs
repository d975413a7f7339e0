//! The Biểu 06/VPCP/KSTT figures (domain.md §6): received, resolved early / on time / late,
//! pending, channel shares, their invariants, the on-time trend and the list of late cases.

use serde::{Deserialize, Serialize};

/// The form's counters for one row (a group, or the total). Names follow domain.md §6.1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Số hồ sơ nhận giải quyết: online + direct + postal + carried over.
    pub recv_total: u64,
    /// Mới tiếp nhận trực tuyến.
    pub recv_online: u64,
    /// Mới tiếp nhận trực tiếp và qua dịch vụ bưu chính (= direct + postal).
    pub recv_offline: u64,
    pub recv_direct: u64,
    pub recv_postal: u64,
    /// Kỳ trước chuyển qua: received before the period, not resolved before it.
    pub carried_over: u64,
    /// Đã giải quyết = early + on time + late.
    pub done_total: u64,
    pub done_early: u64,
    pub done_ontime: u64,
    pub done_late: u64,
    /// Đang giải quyết = within the time limit + overdue, at the end of the period.
    pub pending_total: u64,
    pub pending_ok: u64,
    pub pending_late: u64,
    /// Rút hồ sơ / trả lại (not a column of the form; kept apart).
    pub withdrawn: u64,
    /// recv_online / (recv_online + recv_offline), when anything was newly received.
    pub online_rate: Option<f64>,
    /// recv_postal / (recv_online + recv_offline).
    pub postal_rate: Option<f64>,
    /// (done_early + done_ontime) / done_total: tỷ lệ giải quyết đúng và trước hạn.
    pub ontime_rate: Option<f64>,
}

/// One row of the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsRow {
    /// Group key (agency code, sector, procedure code), or `total`.
    pub key: String,
    /// Label for people (agency name, sector, procedure name).
    pub label: String,
    pub counts: Counts,
}

/// An invariant of the form, checked on every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invariant {
    /// Stable name, e.g. `recv_total = recv_online + recv_offline + carried_over`.
    pub name: String,
    /// The rule as a sentence for people, Vietnamese.
    #[serde(default)]
    pub text: String,
    /// The rule as a sentence, English.
    #[serde(default)]
    pub text_en: String,
    pub holds: bool,
    /// Rows where it does not hold, with the numbers.
    pub detail: Vec<String>,
}

/// A case resolved after its due date, or still pending past it at the end of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LateCase {
    pub case_id: String,
    pub case_code: Option<String>,
    pub applicant_name: Option<String>,
    pub procedure_code: Option<String>,
    pub procedure_name: Option<String>,
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    pub sector: Option<String>,
    /// YYYY-MM-DD (or with time, as recorded).
    pub received: String,
    /// The due date used (YYYY-MM-DD).
    pub due: String,
    /// `recorded` (from the register) or `computed` (from the procedure's time limit and the calendar).
    pub due_source: String,
    /// Resolution date (YYYY-MM-DD), absent while pending.
    pub resolved: Option<String>,
    /// `done` or `pending`.
    pub state: String,
    /// Working days late (to the resolution, or to the end of the period when pending).
    pub working_days_late: i64,
    /// Calendar days late.
    pub days_late: i64,
}

/// On-time figures of one month (by resolution date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// YYYY-MM.
    pub month: String,
    pub received: u64,
    pub done: u64,
    pub early: u64,
    pub ontime: u64,
    pub late: u64,
    pub ontime_rate: Option<f64>,
}

/// A case that could not be counted, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub case_id: String,
    pub reason: String,
    pub reason_en: String,
}

/// `sohoa report --json`: schema `sohoa/report`, version 1 (docs/audit.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsReport {
    pub schema: String,
    pub schema_version: u32,
    pub archive: String,
    pub generated_at: String,
    /// First and last day of the period, YYYY-MM-DD (inclusive).
    pub from: String,
    pub to: String,
    /// The period in words: "Quý III năm 2025", "Tháng 7 năm 2025", "Từ ngày … đến ngày …".
    #[serde(default)]
    pub period: String,
    /// The period in words, English: "Q3 2025".
    #[serde(default)]
    pub period_en: String,
    /// `agency`, `sector`, `procedure`, or absent for the total only.
    pub group_by: Option<String>,
    pub rows: Vec<StatsRow>,
    pub total: StatsRow,
    pub invariants: Vec<Invariant>,
    pub late: Vec<LateCase>,
    pub trend: Vec<TrendPoint>,
    pub skipped: Vec<Skipped>,
}

pub const REPORT_SCHEMA: &str = "sohoa/report";
pub const REPORT_SCHEMA_VERSION: u32 = 1;

mod facts;
mod gather;
mod invariants;
mod period;

use self::facts::{add, finish, months, state, Channel, Shown, State};
pub use self::gather::{gather, gather_archive, Gathered};
use self::invariants::invariants;
pub use self::period::{parse_period, period_en, period_vi};
use crate::calendar::Calendar;
use crate::case::Record;
use crate::rules::RuleSet;
use time::Date;

/// How the report groups its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Agency,
    Sector,
    Procedure,
}

impl GroupBy {
    pub fn key(self) -> &'static str {
        match self {
            GroupBy::Agency => "agency",
            GroupBy::Sector => "sector",
            GroupBy::Procedure => "procedure",
        }
    }
}

/// The report's settings.
pub struct Period {
    pub from: Date,
    pub to: Date,
    pub group_by: Option<GroupBy>,
}

/// Rows, total, invariants, late cases, trend and skipped cases.
pub type Computed = (
    Vec<StatsRow>,
    StatsRow,
    Vec<Invariant>,
    Vec<LateCase>,
    Vec<TrendPoint>,
    Vec<Skipped>,
);

/// Computes the Biểu 06 figures over `records` (bag id, record).
pub fn compute(
    records: &[(&str, &Record)],
    p: &Period,
    rules: &RuleSet,
    cal: &Calendar,
) -> Computed {
    compute_gathered(
        &Gathered::of_records(records, p.group_by, rules, cal),
        p,
        cal,
    )
}

/// Computes the Biểu 06 figures over the cases read by [`gather`] (with `p.group_by`).
pub fn compute_gathered(g: &Gathered, p: &Period, cal: &Calendar) -> Computed {
    let all = &g.facts;
    let mut total = Counts::default();
    let mut groups: Vec<Option<Counts>> = vec![None; g.groups.len()];
    let mut late = Vec::new();
    for f in all {
        let Some((st, new)) = state(f, p.from, p.to) else {
            continue;
        };
        add(&mut total, st, new, f.channel);
        if p.group_by.is_some() {
            if let Some(row) = groups.get_mut(f.group as usize) {
                add(row.get_or_insert_with(Counts::default), st, new, f.channel);
            }
        }
        if matches!(st, State::Late | State::PendingLate) {
            let until = match st {
                State::Late => f.resolved.unwrap_or(p.to),
                _ => p.to,
            };
            let none = Shown::default();
            let c = f.shown.as_deref().unwrap_or(&none);
            late.push(LateCase {
                case_id: f.id.clone(),
                case_code: c.case_code.clone(),
                applicant_name: c.applicant_name.clone(),
                procedure_code: c.procedure_code.clone(),
                procedure_name: c.procedure_name.clone(),
                agency_code: c.agency_code.clone(),
                agency_name: c.agency_name.clone(),
                sector: c.sector.clone(),
                received: f.received.to_string(),
                due: f.due.to_string(),
                due_source: f.due_source.into(),
                resolved: (st == State::Late).then(|| until.to_string()),
                state: if st == State::Late { "done" } else { "pending" }.into(),
                working_days_late: cal.working_days_between(f.due, until),
                days_late: (until - f.due).whole_days(),
            });
        }
    }
    late.sort_by(|a, b| {
        b.working_days_late
            .cmp(&a.working_days_late)
            .then(a.case_id.cmp(&b.case_id))
    });
    finish(&mut total);
    let mut rows: Vec<StatsRow> = g
        .groups
        .iter()
        .zip(groups)
        .filter_map(|((key, label), counts)| {
            let mut counts = counts?;
            finish(&mut counts);
            Some(StatsRow {
                key: key.clone(),
                label: label.clone(),
                counts,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.counts
            .recv_total
            .cmp(&a.counts.recv_total)
            .then(a.key.cmp(&b.key))
    });
    let total = StatsRow {
        key: "total".into(),
        label: "Tổng cộng".into(),
        counts: total,
    };
    // carried_over(n) = pending(n-1): the previous day's pending, computed independently.
    let mut prev = Counts::default();
    if let Some(before) = p.from.previous_day() {
        for f in all {
            if let Some((st, new)) = state(f, Date::MIN, before) {
                add(&mut prev, st, new, Channel::Direct);
            }
        }
    }
    finish(&mut prev);
    let invariants = invariants(&rows, &total, prev.pending_total);
    // Trend: by month of the period.
    let mut trend = Vec::new();
    for (y, m) in months(p.from, p.to) {
        let Ok(month) = time::Month::try_from(m) else {
            continue;
        };
        let Ok(first) = Date::from_calendar_date(y, month, 1) else {
            continue;
        };
        let last = Date::from_calendar_date(y, month, month.length(y)).unwrap_or(first);
        let (first, last) = (first.max(p.from), last.min(p.to));
        let mut t = TrendPoint {
            month: format!("{y:04}-{m:02}"),
            received: 0,
            done: 0,
            early: 0,
            ontime: 0,
            late: 0,
            ontime_rate: None,
        };
        for f in all {
            if f.received >= first && f.received <= last {
                t.received += 1;
            }
            if f.withdrawn {
                continue;
            }
            if let Some(d) = f.resolved.filter(|d| *d >= first && *d <= last) {
                t.done += 1;
                match d.cmp(&f.due) {
                    std::cmp::Ordering::Less => t.early += 1,
                    std::cmp::Ordering::Equal => t.ontime += 1,
                    std::cmp::Ordering::Greater => t.late += 1,
                }
            }
        }
        t.ontime_rate = (t.done > 0).then(|| (t.early + t.ontime) as f64 / t.done as f64);
        trend.push(t);
    }
    (rows, total, invariants, late, trend, g.skipped.clone())
}

/// The report over an archive's current bags.
pub fn report(
    archive: &std::path::Path,
    records: &[(&str, &Record)],
    p: &Period,
    rules: &RuleSet,
    cal: &Calendar,
) -> StatsReport {
    report_gathered(
        archive,
        &Gathered::of_records(records, p.group_by, rules, cal),
        p,
        cal,
    )
}

/// The report over the cases read by [`gather`].
pub fn report_gathered(
    archive: &std::path::Path,
    g: &Gathered,
    p: &Period,
    cal: &Calendar,
) -> StatsReport {
    let (rows, total, invariants, late, trend, skipped) = compute_gathered(g, p, cal);
    StatsReport {
        schema: REPORT_SCHEMA.into(),
        schema_version: REPORT_SCHEMA_VERSION,
        archive: archive.display().to_string(),
        generated_at: sohoa_archive::events::timestamp(
            time::OffsetDateTime::now_utc().to_offset(sohoa_archive::VN_OFFSET),
        ),
        from: p.from.to_string(),
        to: p.to.to_string(),
        period: period_vi(p.from, p.to),
        period_en: period_en(p.from, p.to),
        group_by: p.group_by.map(|g| g.key().to_string()),
        rows,
        total,
        invariants,
        late,
        trend,
        skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn case(received: &str, due: &str, resolved: Option<&str>, channel: &str) -> Record {
        let mut r = Record::default();
        r.case.received_date = Some(received.into());
        r.case.due_date = Some(due.into());
        r.case.resolved_date = resolved.map(str::to_string);
        r.case.channel = Some(channel.into());
        r.case.agency_code = Some("000.00.15.H12".into());
        r.case.agency_name = Some("UBND xã Tân Hòa".into());
        r
    }

    #[test]
    fn bieu_06_counts_and_invariants() {
        let records = [
            // carried over from June, resolved early in July
            case("2025-06-25", "2025-07-10", Some("2025-07-02"), "direct"),
            // carried over, still pending and overdue at the end of July
            case("2025-06-20", "2025-07-01", None, "online"),
            // resolved in June: not part of July
            case("2025-06-02", "2025-06-05", Some("2025-06-04"), "direct"),
            // new in July: on time, late, pending within, pending overdue
            case("2025-07-01", "2025-07-04", Some("2025-07-04"), "online"),
            case("2025-07-02", "2025-07-03", Some("2025-07-08"), "postal"),
            case("2025-07-29", "2025-08-05", None, "direct"),
            case("2025-07-10", "2025-07-15", None, "postal"),
            // received in August: not part of July
            case("2025-08-01", "2025-08-04", None, "online"),
        ];
        let mut withdrawn = case("2025-07-03", "2025-07-08", None, "online");
        withdrawn.case.status = Some("Công dân rút hồ sơ".into());
        let mut all: Vec<(&str, &Record)> = records.iter().map(|r| ("x", r)).collect();
        all.push(("w", &withdrawn));
        let rules = RuleSet { rules: Vec::new() };
        let p = Period {
            from: date!(2025 - 07 - 01),
            to: date!(2025 - 07 - 31),
            group_by: Some(GroupBy::Agency),
        };
        let (rows, total, inv, late, trend, skipped) =
            compute(&all, &p, &rules, &Calendar::built_in());
        let c = &total.counts;
        assert_eq!(
            (c.recv_total, c.recv_online, c.recv_offline, c.carried_over),
            (7, 2, 3, 2)
        );
        assert_eq!((c.recv_direct, c.recv_postal), (1, 2));
        assert_eq!(
            (c.done_total, c.done_early, c.done_ontime, c.done_late),
            (3, 1, 1, 1)
        );
        assert_eq!((c.pending_total, c.pending_ok, c.pending_late), (3, 1, 2));
        assert_eq!(c.withdrawn, 1);
        assert_eq!(c.ontime_rate, Some(2.0 / 3.0));
        assert!(inv.iter().all(|i| i.holds), "{inv:?}");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].counts, total.counts);
        assert_eq!(late.len(), 3);
        // 3/7 due, resolved 8/7: Fri 4, Mon 7, Tue 8 -> 3 working days.
        let l = late
            .iter()
            .find(|l| l.due == "2025-07-03")
            .expect("late case");
        assert_eq!(
            (l.working_days_late, l.days_late, l.state.as_str()),
            (3, 5, "done")
        );
        assert_eq!(trend.len(), 1);
        assert_eq!((trend[0].done, trend[0].late), (3, 1));
        assert!(skipped.is_empty());
    }

    #[test]
    fn due_dates_computed_from_the_rules_when_not_recorded() {
        let mut r = case("2025-08-28", "", Some("2025-09-04"), "direct");
        r.case.due_date = None;
        r.case.procedure_code = Some("1.001193".into());
        let rules = RuleSet::built_in().expect("rules");
        let p = Period {
            from: date!(2025 - 08 - 01),
            to: date!(2025 - 09 - 30),
            group_by: None,
        };
        let (_, total, _, late, _, skipped) =
            compute(&[("a", &r)], &p, &rules, &Calendar::built_in());
        // 28/8 + 3 working days over the 1-2/9 holidays = 4/9: on time.
        assert!(skipped.is_empty() && late.is_empty());
        assert_eq!(total.counts.done_ontime, 1);
        let mut r2 = r.clone();
        r2.case.procedure_code = None;
        let (_, total, _, _, _, skipped) =
            compute(&[("b", &r2)], &p, &rules, &Calendar::built_in());
        assert_eq!((total.counts.recv_total, skipped.len()), (0, 1));
    }
}
