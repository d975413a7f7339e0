//! What the statistics need of each case: its dates read and checked (`Facts`), where it
//! stands at the end of a period (`State`), and the counts it adds to its row.

use super::{Counts, GroupBy};
use crate::calendar::{parse_date, Calendar};
use crate::case::Record;
use crate::rules::RuleSet;
use time::Date;

/// Where a case stands at the end of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Early,
    OnTime,
    Late,
    PendingOk,
    PendingLate,
    Withdrawn,
}

/// How a case was received (the form counts online, postal and the rest as direct).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Channel {
    Direct,
    Online,
    Postal,
}

impl Channel {
    fn of(channel: Option<&str>) -> Channel {
        match channel {
            Some("online") => Channel::Online,
            Some("postal") => Channel::Postal,
            _ => Channel::Direct,
        }
    }
}

/// What the late-case list shows of a case, identity numbers masked.
#[derive(Debug, Default)]
pub(super) struct Shown {
    pub(super) case_code: Option<String>,
    pub(super) applicant_name: Option<String>,
    pub(super) procedure_code: Option<String>,
    pub(super) procedure_name: Option<String>,
    pub(super) agency_code: Option<String>,
    pub(super) agency_name: Option<String>,
    pub(super) sector: Option<String>,
}

impl Shown {
    fn of(r: &Record) -> Shown {
        let c = &r.case;
        let masked = |v: &Option<String>| {
            v.as_deref()
                .map(|s| sohoa_archive::privacy::mask_ids_loose(s).into_owned())
        };
        Shown {
            case_code: masked(&c.case_code),
            applicant_name: masked(&c.applicant_name),
            procedure_code: c.procedure_code.clone(),
            procedure_name: masked(&c.procedure_name),
            agency_code: c.agency_code.clone(),
            agency_name: masked(&c.agency_name),
            sector: masked(&c.sector),
        }
    }
}

/// A case reduced to what the statistics need (its record is not kept: a million of these
/// fit in a few hundred megabytes).
pub(super) struct Facts {
    pub(super) id: String,
    pub(super) received: Date,
    pub(super) due: Date,
    pub(super) due_source: &'static str,
    pub(super) resolved: Option<Date>,
    pub(super) withdrawn: bool,
    pub(super) channel: Channel,
    /// The case's row when the report is grouped (a number given by the caller).
    pub(super) group: u32,
    /// What the late-case list shows: kept for the cases that are late in some period (resolved
    /// after their due date, or not resolved), not for the others.
    pub(super) shown: Option<Box<Shown>>,
}

fn withdrawn(status: Option<&str>) -> bool {
    let Some(s) = status else { return false };
    let f = format!(" {} ", sohoa_archive::text::fold(s));
    [
        " rut ",
        "tra lai",
        "tu choi",
        "dung giai quyet",
        "huy ho so",
    ]
    .iter()
    .any(|w| f.contains(w))
}

pub(super) fn facts(
    id: &str,
    r: &Record,
    rules: &RuleSet,
    cal: &Calendar,
) -> Result<Facts, (&'static str, &'static str)> {
    let received_s = r
        .case
        .received_date
        .as_deref()
        .ok_or(("không có ngày tiếp nhận", "no received date"))?;
    let received =
        parse_date(received_s).ok_or(("ngày tiếp nhận không hợp lệ", "invalid received date"))?;
    let recorded = r.case.due_date.as_deref().and_then(parse_date);
    let (due, due_source) = match recorded {
        Some(d) => (d, "recorded"),
        None => {
            let limit = rules.for_case(r).and_then(|rule| rule.time_limit).ok_or((
                "không có ngày hẹn trả và chưa có thời hạn giải quyết của thủ tục",
                "no due date and no time limit for the procedure",
            ))?;
            let d = cal.due(received_s, limit.0, limit.1).ok_or((
                "không tính được ngày hẹn trả",
                "cannot compute the due date",
            ))?;
            (d, "computed")
        }
    };
    let resolved = r
        .case
        .resolved_date
        .as_deref()
        .or(r.case.returned_date.as_deref())
        .and_then(parse_date);
    let withdrawn = withdrawn(r.case.status.as_deref());
    let may_be_late = !withdrawn && resolved.is_none_or(|d| d > due);
    Ok(Facts {
        id: id.to_string(),
        received,
        due,
        due_source,
        resolved,
        withdrawn,
        channel: Channel::of(r.case.channel.as_deref()),
        group: 0,
        shown: may_be_late.then(|| Box::new(Shown::of(r))),
    })
}

/// The state of a case at the end of `[from, to]`, and whether it was received in it; `None`
/// when the case is not part of the period.
pub(super) fn state(f: &Facts, from: Date, to: Date) -> Option<(State, bool)> {
    if f.received > to {
        return None;
    }
    let new = f.received >= from;
    if f.withdrawn {
        // Withdrawn or returned cases count in the period they were received in.
        return new.then_some((State::Withdrawn, true));
    }
    if !new && f.resolved.is_some_and(|d| d < from) {
        return None;
    }
    Some(match f.resolved.filter(|d| *d <= to) {
        Some(d) if d < f.due => (State::Early, new),
        Some(d) if d == f.due => (State::OnTime, new),
        Some(_) => (State::Late, new),
        None if to <= f.due => (State::PendingOk, new),
        None => (State::PendingLate, new),
    })
}

pub(super) fn add(c: &mut Counts, st: State, new: bool, channel: Channel) {
    c.recv_total += 1;
    if new {
        match channel {
            Channel::Online => c.recv_online += 1,
            Channel::Postal => c.recv_postal += 1,
            Channel::Direct => c.recv_direct += 1,
        }
    } else {
        c.carried_over += 1;
    }
    match st {
        State::Early => c.done_early += 1,
        State::OnTime => c.done_ontime += 1,
        State::Late => c.done_late += 1,
        State::PendingOk => c.pending_ok += 1,
        State::PendingLate => c.pending_late += 1,
        State::Withdrawn => c.withdrawn += 1,
    }
}

pub(super) fn finish(c: &mut Counts) {
    c.recv_offline = c.recv_direct + c.recv_postal;
    c.done_total = c.done_early + c.done_ontime + c.done_late;
    c.pending_total = c.pending_ok + c.pending_late;
    let new = c.recv_online + c.recv_offline;
    let rate = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
    c.online_rate = rate(c.recv_online, new);
    c.postal_rate = rate(c.recv_postal, new);
    c.ontime_rate = rate(c.done_early + c.done_ontime, c.done_total);
}

pub(super) fn group_of(r: &Record, g: GroupBy) -> (String, String) {
    let unknown = || ("-".to_string(), "Không xác định".to_string());
    match g {
        GroupBy::Agency => match (&r.case.agency_code, &r.case.agency_name) {
            (Some(c), Some(n)) => (c.clone(), n.clone()),
            (Some(c), None) => (c.clone(), c.clone()),
            (None, Some(n)) => (n.clone(), n.clone()),
            (None, None) => unknown(),
        },
        GroupBy::Sector => r
            .case
            .sector
            .clone()
            .map(|s| (s.clone(), s))
            .unwrap_or_else(unknown),
        GroupBy::Procedure => match (&r.case.procedure_code, &r.case.procedure_name) {
            (Some(c), Some(n)) => (c.clone(), n.clone()),
            (Some(c), None) => (c.clone(), c.clone()),
            (None, Some(n)) => (n.clone(), n.clone()),
            (None, None) => unknown(),
        },
    }
}

pub(super) fn months(from: Date, to: Date) -> Vec<(i32, u8)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month() as u8);
    while (y, m) <= (to.year(), to.month() as u8) && out.len() < 600 {
        out.push((y, m));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}
