//! Who is asking: the session (a random id in an HttpOnly, SameSite=Strict cookie; the
//! account name, the stamp of its password and a CSRF token inside, on the server), the
//! [`Viewer`] extractor every protected page takes, and sign-in / sign-out.

use crate::access_log::Action;
use crate::i18n::Lang;
use crate::state::Shared;
use crate::users::{Role, User};
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use tower_sessions::Session;

pub use crate::token::random_token;

const USER: &str = "user";
const STAMP: &str = "stamp";
pub const CSRF: &str = "csrf";

/// The session's CSRF token, created on first use.
pub async fn csrf_token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(CSRF).await {
        if !t.is_empty() {
            return t;
        }
    }
    let t = random_token();
    let _ = session.insert(CSRF, &t).await;
    t
}

/// The client address as the socket saw it ("-" in tests without a socket).
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "-".into())
}

/// A signed-in person and what the page needs to answer them.
pub struct Viewer {
    pub user: User,
    pub lang: Lang,
    pub ip: String,
    pub csrf: String,
    pub session: Session,
}

impl Viewer {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// Archivists and admins work on every case.
    pub fn is_archivist(&self) -> bool {
        matches!(self.user.role, Role::Admin | Role::Archivist)
    }

    pub fn log(&self, state: &Shared, action: Action, case_id: Option<&str>, detail: &str) {
        if let Err(e) = state
            .log
            .record(&self.user.name, &self.ip, action, case_id, detail)
        {
            tracing::error!("access log {}: {e}", state.log.path().display());
        }
    }
}

/// Why a request has no viewer.
pub enum NoViewer {
    /// Pages: go and sign in, then come back.
    SignIn(String),
    /// Anything else (forms, files fetched by scripts): 401.
    Unauthorized,
    Failed,
}

impl IntoResponse for NoViewer {
    fn into_response(self) -> Response {
        match self {
            NoViewer::SignIn(back) => {
                let to = format!("/login?next={}", urlencode(&back));
                Redirect::to(&to).into_response()
            }
            NoViewer::Unauthorized => (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
            NoViewer::Failed => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

impl FromRequestParts<Shared> for Viewer {
    type Rejection = NoViewer;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, NoViewer> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| NoViewer::Failed)?;
        let back = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.to_string())
            .unwrap_or_else(|| parts.uri.to_string());
        let refuse = || {
            if parts.method == Method::GET {
                NoViewer::SignIn(back.clone())
            } else {
                NoViewer::Unauthorized
            }
        };
        let name: Option<String> = session.get(USER).await.ok().flatten();
        let stamp: Option<String> = session.get(STAMP).await.ok().flatten();
        let (Some(name), Some(stamp)) = (name, stamp) else {
            return Err(refuse());
        };
        let user = match state.users.get(&name) {
            Ok(Some(u)) if !u.disabled && u.password_changed == stamp => u,
            _ => {
                // Disabled, removed, or its password changed since: this session ends.
                let _ = session.flush().await;
                return Err(refuse());
            }
        };
        Ok(Viewer {
            user,
            lang: Lang::of(&parts.headers),
            ip: client_ip(parts),
            csrf: csrf_token(&session).await,
            session,
        })
    }
}

/// Signs `user` in on this session: a new session id (no fixation), a new CSRF token.
pub async fn sign_in(session: &Session, user: &User) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER, &user.name).await?;
    session.insert(STAMP, &user.password_changed).await?;
    session.insert(CSRF, random_token()).await?;
    Ok(())
}

pub async fn sign_out(session: &Session) {
    let _ = session.flush().await;
}
