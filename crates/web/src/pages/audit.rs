//! The audit page: the latest audit's findings by criterion (đúng, đủ, sạch, sống), errors
//! first, each linking to its case (at the page concerned); buttons that start an audit or a
//! fixity re-check as a job. Archivists and admins only.

use crate::auth::Viewer;
use crate::i18n::{Lang, T};
use crate::jobs::{audit::REPORT, Kind, JOBS};
use crate::pages::error::refuse_unless;
use crate::pages::jobs::start;
use crate::pages::{html, Nav};
use crate::policy::may_audit;
use crate::state::Shared;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use sohoa_archive::problem::{Lang as PLang, Severity};
use sohoa_audit::audit::Fixity;
use sohoa_audit::finding::{AuditReport, Criterion};

/// Findings listed on the page (all are in the job's CSV).
pub const SHOWN: usize = 500;

pub struct CriterionRow {
    pub word: &'static str,
    pub meaning: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub cases: usize,
}

pub struct FindingRow {
    pub class: &'static str,
    pub severity: &'static str,
    pub criterion: &'static str,
    pub case_id: String,
    pub page: u32,
    pub message: String,
    pub code: String,
}

pub struct AuditView {
    pub job: String,
    pub at: String,
    pub cases: usize,
    pub clean: usize,
    pub fixity: String,
    pub criteria: Vec<CriterionRow>,
    pub findings: Vec<FindingRow>,
    pub total: usize,
    pub shown: usize,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    csrf: String,
    audit: Option<AuditView>,
}

fn plang(lang: Lang) -> PLang {
    match lang {
        Lang::Vi => PLang::Vi,
        Lang::En => PLang::En,
    }
}

/// The newest finished audit of the archive: (job id, report).
fn latest(state: &Shared) -> Option<(String, AuditReport)> {
    state
        .jobs
        .list()
        .into_iter()
        .filter(|j| matches!(j.kind, Kind::Audit | Kind::Fixity) && j.state.finished())
        .find_map(|j| {
            let path = format!("{JOBS}/{}/{REPORT}", j.id);
            let bytes =
                sohoa_archive::safe_fs::read_beneath(&state.config.archive, &path, 2 << 30).ok()?;
            Some((j.id, serde_json::from_slice(&bytes).ok()?))
        })
}

fn view(lang: Lang, job: String, r: AuditReport) -> AuditView {
    let l = plang(lang);
    let criteria = Criterion::ALL
        .iter()
        .map(|c| {
            let tally = r.summary.by_criterion.get(c).cloned().unwrap_or_default();
            CriterionRow {
                word: c.word(),
                meaning: c.meaning(l),
                errors: tally.errors,
                warnings: tally.warnings,
                cases: tally.cases,
            }
        })
        .collect();
    let mut findings: Vec<_> = r.findings.iter().collect();
    findings.sort_by_key(|f| {
        (
            f.severity != Severity::Error,
            f.criterion,
            f.case_id.clone(),
        )
    });
    let total = findings.len();
    let rows = findings
        .into_iter()
        .take(SHOWN)
        .map(|f| FindingRow {
            class: if f.severity == Severity::Error {
                "bad"
            } else {
                "warn"
            },
            severity: match (f.severity, lang) {
                (Severity::Error, Lang::Vi) => "Lỗi",
                (Severity::Error, Lang::En) => "Error",
                (Severity::Warning, Lang::Vi) => "Cảnh báo",
                (Severity::Warning, Lang::En) => "Warning",
            },
            criterion: f.criterion.word(),
            case_id: f.case_id.clone().unwrap_or_default(),
            page: f.page.unwrap_or(0),
            message: match lang {
                Lang::Vi => f.message.clone(),
                Lang::En => f.message_en.clone(),
            },
            code: f.code.clone(),
        })
        .collect();
    AuditView {
        job,
        at: crate::pages::dmy(&r.audited_at) + " " + r.audited_at.get(11..16).unwrap_or(""),
        cases: r.summary.cases,
        clean: r.summary.cases_clean,
        fixity: match lang {
            Lang::Vi => format!(
                "toàn vẹn: {} túi băm lại ({})",
                r.fixity.bags_checked, r.fixity.mode
            ),
            Lang::En => format!(
                "fixity: {} bags re-hashed ({})",
                r.fixity.bags_checked, r.fixity.mode
            ),
        },
        criteria,
        findings: rows,
        total,
        shown: total.min(SHOWN),
    }
}

pub async fn page(State(state): State<Shared>, viewer: Viewer) -> Response {
    if let Some(r) = refuse_unless(may_audit(&viewer.user), &viewer, &state, "/audit") {
        return r;
    }
    let st = state.clone();
    let found = tokio::task::spawn_blocking(move || latest(&st))
        .await
        .ok()
        .flatten();
    html(
        StatusCode::OK,
        &AuditPage {
            t: viewer.lang.texts(),
            lang: viewer.lang,
            nav: Some(Nav::of(&viewer)),
            csrf: viewer.csrf.clone(),
            audit: found.map(|(job, r)| view(viewer.lang, job, r)),
        },
    )
}

#[derive(Deserialize)]
pub struct AuditForm {
    fixity: String,
}

pub async fn start_audit(
    State(state): State<Shared>,
    viewer: Viewer,
    Form(f): Form<AuditForm>,
) -> Response {
    if let Some(r) = refuse_unless(may_audit(&viewer.user), &viewer, &state, "start audit") {
        return r;
    }
    let (kind, fixity, subject) = if f.fixity == "all" {
        (Kind::Fixity, Fixity::All, "100%")
    } else {
        (Kind::Audit, Fixity::Sample(10.0), "10%")
    };
    let archive = state.config.archive.clone();
    start(&state, &viewer, kind, subject.into(), move |job| {
        crate::jobs::audit::run(job, &archive, fixity)
    })
}
