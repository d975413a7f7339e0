//! Error pages: not found (also what a person sees for a case they may not open, so that its
//! existence is not revealed), not allowed, bad request.

use crate::i18n::{Lang, T};
use crate::pages::{html, Nav};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    heading: &'static str,
    text: String,
}

fn page(lang: Lang, status: StatusCode, heading: &'static str, text: String) -> Response {
    html(
        status,
        &ErrorPage {
            t: lang.texts(),
            lang,
            nav: None,
            heading,
            text,
        },
    )
}

pub fn not_found(lang: Lang) -> Response {
    let t = lang.texts();
    page(
        lang,
        StatusCode::NOT_FOUND,
        t.not_found,
        t.not_found_text.into(),
    )
}

pub fn forbidden(lang: Lang) -> Response {
    let t = lang.texts();
    page(
        lang,
        StatusCode::FORBIDDEN,
        t.forbidden,
        t.forbidden_text.into(),
    )
}

pub fn bad_request(lang: Lang, text: String) -> Response {
    page(
        lang,
        StatusCode::BAD_REQUEST,
        lang.texts().bad_request,
        text,
    )
}

/// The 403 page (the refusal logged) unless `ok`.
pub fn refuse_unless(
    ok: bool,
    viewer: &crate::auth::Viewer,
    state: &crate::state::Shared,
    what: &str,
) -> Option<Response> {
    if ok {
        return None;
    }
    viewer.log(state, crate::access_log::Action::Denied, None, what);
    Some(forbidden(viewer.lang))
}
