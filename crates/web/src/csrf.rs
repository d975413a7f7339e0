//! CSRF protection for every state-changing request: a POST (or any method but GET/HEAD)
//! must carry the session's token, in the `x-csrf-token` header or as the `csrf` field of
//! its form. Checked once here, for all routes, so that no form can forget it.

use crate::auth::CSRF;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// Largest form accepted (forms are small; uploads are not taken by this server).
pub const FORM_LIMIT: usize = 256 * 1024;

fn same(a: &str, b: &str) -> bool {
    // Constant time over the length of the expected token.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn check(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return (StatusCode::FORBIDDEN, "no session").into_response();
    };
    let expected: String = session.get(CSRF).await.ok().flatten().unwrap_or_default();
    let header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
    };
    let given = header.or_else(|| {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|fields| fields.into_iter().find(|(k, _)| k == CSRF).map(|(_, v)| v))
    });
    match given {
        Some(t) if !expected.is_empty() && same(&t, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => (
            StatusCode::FORBIDDEN,
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ: tải lại trang. / The form is stale or forged: reload the page.",
        )
            .into_response(),
    }
}
