//! sohoa-web: `sohoa serve`, the archive in the browser. Last step of the data flow: it reads
//! bags (through sohoa-archive's reader) and the index (sohoa-index), never writes a bag.
//! Server-rendered pages (askama templates, checked when built), sessions with a CSRF token,
//! four roles and per-case access rules ([`policy`]), an append-only access log
//! ([`access_log`]) and accounts ([`users`]) under `ARCHIVE/access/`. Long work never runs
//! inside a request (files are streamed; searches run off the async threads).

pub mod access_log;
pub mod assets;
pub mod auth;
pub mod csrf;
pub mod fixity;
pub mod i18n;
pub mod jobs;
pub mod pages;
pub mod policy;
pub mod rate_limit;
pub mod state;
pub mod token;
pub mod users;

pub use state::{AppState, Config, Shared};

use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use pages::{admin, audit, case, export, files, jobs as job_pages, login, reports, search};
use std::net::SocketAddr;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, MemoryStore, SessionManagerLayer};

/// Content Security Policy: scripts, styles, images and workers from this server only (pdf.js
/// runs without eval); no frames, no plugins, forms post here only.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; \
frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Every route of the server.
pub fn router(state: Shared) -> Router {
    let sessions = SessionManagerLayer::new(MemoryStore::default())
        .with_name("sohoa_session")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(8),
        ));
    let header = |name: header::HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    Router::new()
        .route("/", get(login::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::set_lang))
        .route("/search", get(search::page))
        .route("/search/export.csv", get(export::csv))
        .route("/search/export.xlsx", get(export::xlsx))
        .route("/cases/{id}", get(case::page))
        .route("/cases/{id}/bundle.pdf", get(files::bundle))
        .route("/cases/{id}/phieu-tin", get(files::sheet))
        .route("/cases/{id}/thumbs/{file}", get(files::thumb))
        .route("/admin/users", get(admin::users).post(admin::add))
        .route("/admin/users/{name}/{what}", post(admin::change))
        .route("/admin/log", get(admin::log))
        .route("/audit", get(audit::page))
        .route("/reports", get(reports::page).post(reports::make))
        .route("/jobs", get(job_pages::list))
        .route("/jobs/ingest", post(job_pages::start_ingest))
        .route("/jobs/audit", post(audit::start_audit))
        .route("/jobs/{id}", get(job_pages::page))
        .route("/jobs/{id}/progress", get(job_pages::progress))
        .route("/jobs/{id}/cancel", post(job_pages::cancel))
        .route("/jobs/{id}/files/{n}", get(job_pages::file))
        .route("/static/{*path}", get(assets::serve))
        .layer(axum::middleware::from_fn(csrf::check))
        .layer(sessions)
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .with_state(state)
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn serve(config: Config, listen: SocketAddr) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    runtime.block_on(async move {
        let state = AppState::new(config);
        match state.users.list() {
            Ok(u) if u.is_empty() => tracing::warn!(
                "no accounts yet: add one with `sohoa user add NAME --role admin --password-stdin`"
            ),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        tracing::info!("sohoa serve: http://{listen}/");
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| format!("server: {e}"))
    })
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
