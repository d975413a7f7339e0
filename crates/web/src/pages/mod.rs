//! The pages of `sohoa serve`, one module per page (templates in `templates/`), and what they
//! share: the navigation bar, rendering, and the error pages.

pub mod admin;
pub mod audit;
pub mod case;
pub mod error;
pub mod export;
pub mod files;
pub mod jobs;
pub mod login;
pub mod reports;
pub mod search;

use crate::auth::Viewer;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The top bar of a signed-in page.
pub struct Nav {
    pub user: String,
    pub role: &'static str,
    pub csrf: String,
    pub audit: bool,
    pub admin: bool,
}

impl Nav {
    pub fn of(v: &Viewer) -> Nav {
        Nav {
            user: v.user.name.clone(),
            role: match v.lang {
                crate::i18n::Lang::Vi => v.user.role.vi(),
                crate::i18n::Lang::En => v.user.role.en(),
            },
            csrf: v.csrf.clone(),
            audit: crate::policy::may_audit(&v.user),
            admin: v.is_admin(),
        }
    }
}

/// Renders a template as an HTML response (private to the session: never cached).
pub fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `dd/mm/yyyy` of an ISO date (or the text as it is).
pub fn dmy(iso: &str) -> String {
    let d = iso.get(..10).unwrap_or(iso);
    match (d.get(..4), d.get(5..7), d.get(8..10)) {
        (Some(y), Some(m), Some(dd)) if d.as_bytes().get(4) == Some(&b'-') => {
            format!("{dd}/{m}/{y}")
        }
        _ => iso.to_string(),
    }
}
