//! The reports page: the Biểu 06 report for a chosen period, with month, quarter and year
//! shortcuts; made as a job (XLSX, CSV, HTML and the apology letters to download from the
//! job's page). Archivists and admins only.

use crate::auth::Viewer;
use crate::i18n::{Lang, T};
use crate::jobs::Kind;
use crate::pages::error::refuse_unless;
use crate::pages::jobs::{rows, start, JobRow};
use crate::pages::{html, Nav};
use crate::policy::may_audit;
use crate::state::Shared;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use time::{Date, Month};

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    csrf: String,
    message: Option<String>,
    presets: Vec<(String, String, String)>,
    from: String,
    to: String,
    jobs: Vec<JobRow>,
}

fn first_of(year: i32, month: u8) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok()
}

fn last_of(year: i32, month: u8) -> Option<Date> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    first_of(y, m)?.previous_day()
}

/// (label, from, to) for this and last month, quarter and year.
pub fn presets(lang: Lang, today: Date) -> Vec<(String, String, String)> {
    let vi = lang == Lang::Vi;
    let (y, m) = (today.year(), today.month() as u8);
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let q = (m - 1) / 3;
    let (pqy, pq) = if q == 0 { (y - 1, 3) } else { (y, q - 1) };
    let d = sohoa_archive::time_format::dmy;
    let span = |label: String, a: Option<Date>, b: Option<Date>| match (a, b) {
        (Some(a), Some(b)) => Some((label, d(a), d(b))),
        _ => None,
    };
    [
        span(
            if vi {
                format!("Tháng {m}/{y}")
            } else {
                format!("{m}/{y}")
            },
            first_of(y, m),
            Some(today),
        ),
        span(
            if vi {
                format!("Tháng {pm}/{py}")
            } else {
                format!("{pm}/{py}")
            },
            first_of(py, pm),
            last_of(py, pm),
        ),
        span(
            if vi {
                format!("Quý {}/{y}", q + 1)
            } else {
                format!("Q{} {y}", q + 1)
            },
            first_of(y, q * 3 + 1),
            Some(today),
        ),
        span(
            if vi {
                format!("Quý {}/{pqy}", pq + 1)
            } else {
                format!("Q{} {pqy}", pq + 1)
            },
            first_of(pqy, pq * 3 + 1),
            last_of(pqy, pq * 3 + 3),
        ),
        span(
            if vi {
                format!("Năm {y}")
            } else {
                format!("{y}")
            },
            first_of(y, 1),
            Some(today),
        ),
        span(
            if vi {
                format!("Năm {}", y - 1)
            } else {
                format!("{}", y - 1)
            },
            first_of(y - 1, 1),
            last_of(y - 1, 12),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Period {
    from: String,
    to: String,
}

fn page_with(state: &Shared, viewer: &Viewer, p: Period, message: Option<String>) -> Response {
    let today = sohoa_archive::time_format::now().date();
    let jobs = state
        .jobs
        .list()
        .into_iter()
        .filter(|j| j.kind == Kind::Report)
        .collect();
    html(
        if message.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &ReportsPage {
            t: viewer.lang.texts(),
            lang: viewer.lang,
            nav: Some(Nav::of(viewer)),
            csrf: viewer.csrf.clone(),
            message,
            presets: presets(viewer.lang, today),
            from: p.from,
            to: p.to,
            jobs: rows(viewer.lang, jobs),
        },
    )
}

pub async fn page(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(p): Query<Period>,
) -> Response {
    if let Some(r) = refuse_unless(may_audit(&viewer.user), &viewer, &state, "/reports") {
        return r;
    }
    page_with(&state, &viewer, p, None)
}

pub async fn make(State(state): State<Shared>, viewer: Viewer, Form(p): Form<Period>) -> Response {
    if let Some(r) = refuse_unless(may_audit(&viewer.user), &viewer, &state, "make report") {
        return r;
    }
    let vi = viewer.lang == Lang::Vi;
    let parse = |s: &str| {
        sohoa_archive::values::date(s.trim()).and_then(|iso| {
            Date::parse(
                &iso,
                &time::macros::format_description!("[year]-[month]-[day]"),
            )
            .ok()
        })
    };
    let (Some(from), Some(to)) = (parse(&p.from), parse(&p.to)) else {
        let m = if vi {
            "Hãy nhập ngày dạng dd/mm/yyyy cho cả hai ô."
        } else {
            "Type both dates as dd/mm/yyyy."
        };
        return page_with(&state, &viewer, p, Some(m.into()));
    };
    if to < from {
        let m = if vi {
            "Khoảng ngày bị đảo ngược: ngày kết thúc trước ngày bắt đầu."
        } else {
            "The period is reversed: it ends before it starts."
        };
        return page_with(&state, &viewer, p, Some(m.into()));
    }
    let d = sohoa_archive::time_format::dmy;
    let archive = state.config.archive.clone();
    // The form names the agency keeping the archive (`sohoa serve --agency-name`) as the
    // reporting unit, and whoever made it as its preparer.
    let parties = sohoa_audit::tables::FormParties {
        reporting_unit: Some(state.config.agency_name.clone()).filter(|a| !a.trim().is_empty()),
        preparer: Some(viewer.user.name.clone()),
        ..Default::default()
    };
    start(
        &state,
        &viewer,
        Kind::Report,
        format!("{} – {}", d(from), d(to)),
        move |job| crate::jobs::report::run(job, &archive, from, to, parties),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_cover_whole_months_quarters_and_years() {
        let today = time::macros::date!(2026 - 01 - 15);
        let p = presets(Lang::Vi, today);
        let find = |l: &str| p.iter().find(|x| x.0 == l).cloned().unwrap();
        assert_eq!(find("Tháng 12/2025").1, "01/12/2025");
        assert_eq!(find("Tháng 12/2025").2, "31/12/2025");
        assert_eq!(find("Quý 4/2025").1, "01/10/2025");
        assert_eq!(find("Quý 4/2025").2, "31/12/2025");
        assert_eq!(find("Quý 1/2026").2, "15/01/2026");
        assert_eq!(find("Năm 2025").2, "31/12/2025");
    }
}
