//! Job pages: the history with the ingest form (a scan folder among the server's sources),
//! one job's page whose progress part refreshes itself every second (htmx; the server answers
//! 286 once the job is finished, which stops the polling), cancel, and the job's files.
//! Archivists and admins see every job; intake staff their own.

use crate::access_log::Action;
use crate::auth::Viewer;
use crate::i18n::{Lang, T};
use crate::jobs::{ingest, Job, JobRecord, Kind};
use crate::pages::error::{not_found, refuse_unless};
use crate::pages::{html, Nav};
use crate::policy::may_audit;
use crate::state::Shared;
use crate::users::Role;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::sync::Arc;

pub struct FailureRow {
    pub name: String,
    pub reason: String,
}

/// What the progress part shows.
pub struct ProgressView {
    pub id: String,
    pub finished: bool,
    pub state: &'static str,
    pub state_code: String,
    pub message: String,
    pub done: u64,
    pub total: u64,
    pub eta: String,
    pub elapsed: String,
    pub failures_label: &'static str,
    pub failures: Vec<FailureRow>,
    /// (index, file name)
    pub outputs: Vec<(usize, String)>,
    /// Only ingests can stop between cases; audits and reports run to their end.
    pub may_cancel: bool,
    pub cancel_label: &'static str,
    pub csrf: String,
}

fn duration(lang: Lang, s: f64) -> String {
    let s = s.round() as u64;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    match (lang, h) {
        (_, 0) => format!("{m:02}:{sec:02}"),
        _ => format!("{h}:{m:02}:{sec:02}"),
    }
}

fn kind_name(lang: Lang, k: Kind) -> &'static str {
    match lang {
        Lang::Vi => k.vi(),
        Lang::En => k.en(),
    }
}

fn state_name(lang: Lang, r: &JobRecord) -> &'static str {
    match lang {
        Lang::Vi => r.state.vi(),
        Lang::En => r.state.en(),
    }
}

fn state_code(r: &JobRecord) -> String {
    serde_json::to_value(r.state)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

pub fn progress_view(lang: Lang, r: &JobRecord, csrf: &str) -> ProgressView {
    let t = lang.texts();
    ProgressView {
        may_cancel: !r.state.finished() && r.kind == Kind::Ingest,
        cancel_label: t.cancel,
        csrf: csrf.to_string(),
        id: r.id.clone(),
        finished: r.state.finished(),
        state: state_name(lang, r),
        state_code: state_code(r),
        message: r.message.clone(),
        done: r.done,
        total: r.total,
        eta: Job::eta(r)
            .map(|s| format!("{} {}", t.time_left, duration(lang, s)))
            .unwrap_or_default(),
        elapsed: format!("{} {}", t.elapsed, duration(lang, r.seconds)),
        failures_label: t.failures,
        failures: r
            .failures
            .iter()
            .map(|f| FailureRow {
                name: f.name.clone(),
                reason: f.reason.clone(),
            })
            .collect(),
        outputs: r
            .outputs
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.rsplit('/').next().unwrap_or(p).to_string()))
            .collect(),
    }
}

/// Whether `viewer` may see this job.
fn may_see(viewer: &Viewer, r: &JobRecord) -> bool {
    may_audit(&viewer.user) || r.started_by == viewer.user.name
}

fn may_ingest(viewer: &Viewer) -> bool {
    matches!(
        viewer.user.role,
        Role::Admin | Role::Archivist | Role::Intake
    )
}

pub struct JobRow {
    pub id: String,
    pub started_at: String,
    pub kind: &'static str,
    pub subject: String,
    pub started_by: String,
    pub state: &'static str,
    pub state_code: String,
    pub message: String,
}

pub fn rows(lang: Lang, list: Vec<JobRecord>) -> Vec<JobRow> {
    list.into_iter()
        .map(|r| JobRow {
            kind: kind_name(lang, r.kind),
            state: state_name(lang, &r),
            state_code: state_code(&r),
            started_at: crate::pages::dmy(&r.started_at)
                + " "
                + r.started_at.get(11..16).unwrap_or(""),
            id: r.id,
            subject: r.subject,
            started_by: r.started_by,
            message: r.message,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    csrf: String,
    message: Option<String>,
    may_ingest: bool,
    folders: Vec<String>,
    jobs: Vec<JobRow>,
    /// The workers' queue: its status, or why it cannot be read; none when not configured.
    queue: Option<Result<sohoa_queue::QueueStatus, String>>,
}

/// The queue's status for the jobs page (one short connection per page view).
fn queue_status(url: Option<&str>) -> Option<Result<sohoa_queue::QueueStatus, String>> {
    let url = url?;
    Some(
        sohoa_queue::Queue::connect(url)
            .and_then(|mut q| q.status(20))
            .map_err(|e| e.to_string()),
    )
}

pub async fn list(State(state): State<Shared>, viewer: Viewer) -> Response {
    if let Some(r) = refuse_unless(may_ingest(&viewer), &viewer, &state, "/jobs") {
        return r;
    }
    let st = state.clone();
    let (folders, jobs, queue) = tokio::task::spawn_blocking(move || {
        (
            ingest::folders(&st.config.sources),
            st.jobs.list(),
            queue_status(st.config.queue.as_deref()),
        )
    })
    .await
    .unwrap_or_default();
    let jobs = jobs.into_iter().filter(|r| may_see(&viewer, r)).collect();
    html(
        StatusCode::OK,
        &JobsPage {
            t: viewer.lang.texts(),
            lang: viewer.lang,
            nav: Some(Nav::of(&viewer)),
            csrf: viewer.csrf.clone(),
            message: None,
            may_ingest: true,
            folders: folders.into_iter().map(|(n, _)| n).collect(),
            jobs: rows(viewer.lang, jobs),
            queue,
        },
    )
}

#[derive(Deserialize)]
pub struct IngestForm {
    folder: String,
    #[serde(default)]
    keep_originals: String,
}

pub async fn start_ingest(
    State(state): State<Shared>,
    viewer: Viewer,
    Form(f): Form<IngestForm>,
) -> Response {
    if let Some(r) = refuse_unless(may_ingest(&viewer), &viewer, &state, "start ingest") {
        return r;
    }
    let Some(scans) = ingest::chosen(&state.config.sources, &f.folder) else {
        return crate::pages::error::bad_request(
            viewer.lang,
            format!("\"{}\" is not one of the server's scan folders", f.folder),
        );
    };
    if state.jobs.running(Kind::Ingest) {
        return crate::pages::error::bad_request(
            viewer.lang,
            match viewer.lang {
                Lang::Vi => "Đang có một lượt số hóa chạy: hãy đợi nó xong.".into(),
                Lang::En => "An ingest is running: wait until it ends.".into(),
            },
        );
    }
    let archive = state.config.archive.clone();
    let keep = f.keep_originals == "1";
    // With a queue, the archive's workers ingest (the only way into an archive in object
    // storage); without one, this server does.
    let queue = state.config.queue.clone();
    start(
        &state,
        &viewer,
        Kind::Ingest,
        f.folder.clone(),
        move |job| match &queue {
            Some(q) => ingest::enqueue(job, q, &scans, keep),
            None => ingest::run(job, &archive, &scans, keep),
        },
    )
}

/// Starts a job and goes to its page (the start is logged).
pub fn start(
    state: &Shared,
    viewer: &Viewer,
    kind: Kind,
    subject: String,
    work: impl FnOnce(&Job) -> (crate::jobs::State, String) + Send + 'static,
) -> Response {
    match state
        .jobs
        .start(kind, subject.clone(), &viewer.user.name, work)
    {
        Ok(job) => {
            let id = job.snapshot().id;
            viewer.log(
                state,
                Action::Job,
                None,
                &format!("start {kind:?} {id}: {subject}"),
            );
            Redirect::to(&format!("/jobs/{id}")).into_response()
        }
        Err(e) => crate::pages::error::bad_request(viewer.lang, e.to_string()),
    }
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    kind: &'static str,
    subject: String,
    started_by: String,
    started_at: String,
    p: ProgressView,
}

#[derive(Template)]
#[template(path = "job_progress.html")]
struct ProgressPart {
    p: ProgressView,
}

fn job_for(state: &Shared, viewer: &Viewer, id: &str) -> Option<Arc<Job>> {
    let job = state.jobs.get(id)?;
    may_see(viewer, &job.snapshot()).then_some(job)
}

pub async fn page(State(state): State<Shared>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let Some(job) = job_for(&state, &viewer, &id) else {
        return not_found(viewer.lang);
    };
    let r = job.snapshot();
    html(
        StatusCode::OK,
        &JobPage {
            t: viewer.lang.texts(),
            lang: viewer.lang,
            nav: Some(Nav::of(&viewer)),
            kind: kind_name(viewer.lang, r.kind),
            subject: r.subject.clone(),
            started_by: r.started_by.clone(),
            started_at: r.started_at.clone(),
            p: progress_view(viewer.lang, &r, &viewer.csrf),
        },
    )
}

pub async fn progress(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Some(job) = job_for(&state, &viewer, &id) else {
        return not_found(viewer.lang);
    };
    let r = job.snapshot();
    let finished = r.state.finished();
    let mut res = html(
        StatusCode::OK,
        &ProgressPart {
            p: progress_view(viewer.lang, &r, &viewer.csrf),
        },
    );
    if finished {
        // htmx: 286 = stop polling (the part is still swapped in, with the outcome).
        *res.status_mut() = StatusCode::from_u16(286).unwrap_or(StatusCode::OK);
    }
    res
}

pub async fn cancel(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Some(job) = job_for(&state, &viewer, &id) else {
        return not_found(viewer.lang);
    };
    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    viewer.log(&state, Action::Job, None, &format!("cancel {id}"));
    Redirect::to(&format!("/jobs/{id}")).into_response()
}

pub async fn file(
    State(state): State<Shared>,
    viewer: Viewer,
    Path((id, n)): Path<(String, usize)>,
) -> Response {
    let Some(job) = job_for(&state, &viewer, &id) else {
        return not_found(viewer.lang);
    };
    let r = job.snapshot();
    let Some(rel) = r.outputs.get(n).cloned() else {
        return not_found(viewer.lang);
    };
    let archive = state.config.archive.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        sohoa_archive::safe_fs::read_beneath(&archive, &rel, 1 << 30).ok()
    })
    .await
    .ok()
    .flatten();
    let Some(bytes) = bytes else {
        return not_found(viewer.lang);
    };
    let name = r.outputs[n]
        .rsplit('/')
        .next()
        .unwrap_or("file")
        .to_string();
    viewer.log(&state, Action::Download, None, &format!("job {id}: {name}"));
    let mime = match name.rsplit('.').next() {
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("csv") => "text/csv; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}
