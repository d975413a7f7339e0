//! Sign-in and sign-out, the language switch, and the start page. Failed sign-ins are
//! logged and rate limited per address and per account name; passwords are checked off the
//! async threads (Argon2 takes tens of milliseconds by design).

use crate::access_log::Action;
use crate::auth::{client_ip, csrf_token, sign_in, sign_out, Viewer};
use crate::i18n::{Lang, T};
use crate::pages::{html, Nav};
use crate::state::Shared;
use crate::users::password_matches;
use askama::Template;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    csrf: String,
    next: String,
    message: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only a path on this server (`/…`, not `//host` or `/\host`): no open redirect.
fn local_path(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok {
        next
    } else {
        "/search"
    }
}

pub async fn form(headers: HeaderMap, session: Session, Query(q): Query<NextQuery>) -> Response {
    let lang = Lang::of(&headers);
    html(
        StatusCode::OK,
        &LoginPage {
            t: lang.texts(),
            lang,
            nav: None,
            csrf: csrf_token(&session).await,
            next: local_path(&q.next).to_string(),
            message: None,
        },
    )
}

#[derive(Deserialize)]
pub struct Credentials {
    name: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(State(state): State<Shared>, session: Session, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let lang = Lang::of(&parts.headers);
    let ip = client_ip(&parts);
    let Ok(Form(c)) =
        Form::<Credentials>::from_request(Request::from_parts(parts, body), &state).await
    else {
        return crate::pages::error::bad_request(lang, "name and password".into());
    };
    let again = |status: StatusCode, message: &'static str, csrf: String| {
        html(
            status,
            &LoginPage {
                t: lang.texts(),
                lang,
                nav: None,
                csrf,
                next: local_path(&c.next).to_string(),
                message: Some(message),
            },
        )
    };
    if !state.limiter.allowed(&ip, &c.name) {
        let _ = state
            .log
            .record(&c.name, &ip, Action::LoginFailed, None, "rate limited");
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            lang.texts().login_limited,
            csrf_token(&session).await,
        );
    }
    let user = state.users.get(c.name.trim()).ok().flatten();
    let password = c.password.clone();
    let hash = user.as_ref().map(|u| u.password.clone());
    // Without such a user, a hash is still checked: the answer takes as long either way.
    let matches = tokio::task::spawn_blocking(move || match hash {
        Some(h) => password_matches(&password, &h),
        None => {
            password_matches(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .unwrap_or(false);
    match user {
        Some(u) if matches && !u.disabled => {
            if sign_in(&session, &u).await.is_err() {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            state.limiter.succeeded(&ip, &u.name);
            let _ = state.log.record(&u.name, &ip, Action::Login, None, "");
            Redirect::to(local_path(&c.next)).into_response()
        }
        _ => {
            state.limiter.failed(&ip, &c.name);
            let _ = state
                .log
                .record(c.name.trim(), &ip, Action::LoginFailed, None, "");
            again(
                StatusCode::UNAUTHORIZED,
                lang.texts().login_failed,
                csrf_token(&session).await,
            )
        }
    }
}

/// An Argon2id hash of a random password, checked when the account does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash(crate::auth::random_token()));

pub async fn logout(State(state): State<Shared>, viewer: Viewer) -> Response {
    viewer.log(&state, Action::Logout, None, "");
    sign_out(&viewer.session).await;
    Redirect::to("/login").into_response()
}

/// `/lang/en` or `/lang/vi`: remembers the choice (a year) and goes back.
pub async fn set_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let value = if code == "en" { "en" } else { "vi" };
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
        .unwrap_or_else(|| "/search".into());
    (
        [(
            header::SET_COOKIE,
            format!("lang={value}; Path=/; Max-Age=31536000; SameSite=Lax"),
        )],
        Redirect::to(local_path(&back)),
    )
        .into_response()
}

pub async fn home() -> Redirect {
    Redirect::to("/search")
}
