//! Admin pages: the accounts (add, disable, enable, new password, grants of conditional-access
//! cases to readers) and the access log (filter by person, action, case and days; its hash
//! chain checked on every view). Every change to an account is itself logged.

use crate::access_log::{Action, LogFilter};
use crate::auth::Viewer;
use crate::i18n::{Lang, T};
use crate::pages::error::refuse_unless;
use crate::pages::{dmy, html, Nav};
use crate::state::Shared;
use crate::users::Role;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::{Deserialize, Serialize};

pub struct UserRow {
    pub name: String,
    pub role: &'static str,
    pub agency: String,
    pub disabled: bool,
    pub is_reader: bool,
    /// (case id, until as dd/mm/yyyy or "").
    pub grants: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    csrf: String,
    message: Option<String>,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Message {
    done: String,
    error: String,
}

pub async fn users(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(m): Query<Message>,
) -> Response {
    if let Some(r) = refuse_unless(viewer.is_admin(), &viewer, &state, "/admin/users") {
        return r;
    }
    let t = viewer.lang.texts();
    let list = match state.users.list() {
        Ok(l) => l,
        Err(e) => return crate::pages::error::bad_request(viewer.lang, e.to_string()),
    };
    let role_name = |r: Role| match viewer.lang {
        Lang::Vi => r.vi(),
        Lang::En => r.en(),
    };
    let users = list
        .into_iter()
        .map(|u| UserRow {
            role: role_name(u.role),
            agency: u.agency.clone().unwrap_or_default(),
            disabled: u.disabled,
            is_reader: u.role == Role::Reader,
            grants: u
                .grants
                .iter()
                .map(|g| {
                    (
                        g.case_id.clone(),
                        g.until.as_deref().map(dmy).unwrap_or_default(),
                    )
                })
                .collect(),
            name: u.name,
        })
        .collect();
    let message = if !m.error.is_empty() {
        Some(m.error)
    } else if !m.done.is_empty() {
        Some(t.done.to_string())
    } else {
        None
    };
    html(
        StatusCode::OK,
        &UsersPage {
            t,
            lang: viewer.lang,
            nav: Some(Nav::of(&viewer)),
            csrf: viewer.csrf.clone(),
            message,
            users,
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), role_name(*r)))
                .collect(),
        },
    )
}

fn back(result: Result<(), crate::users::UserError>) -> Response {
    match result {
        Ok(()) => Redirect::to("/admin/users?done=1").into_response(),
        Err(e) => Redirect::to(&format!(
            "/admin/users?error={}",
            crate::auth::urlencode(&e.to_string())
        ))
        .into_response(),
    }
}

#[derive(Deserialize)]
pub struct NewUser {
    name: String,
    role: String,
    #[serde(default)]
    agency: String,
    password: String,
}

pub async fn add(State(state): State<Shared>, viewer: Viewer, Form(f): Form<NewUser>) -> Response {
    if let Some(r) = refuse_unless(viewer.is_admin(), &viewer, &state, "add user") {
        return r;
    }
    let Some(role) = Role::parse(&f.role) else {
        return crate::pages::error::bad_request(viewer.lang, format!("role \"{}\"", f.role));
    };
    let store = state.clone();
    let (name, agency, password) = (f.name.trim().to_string(), f.agency, f.password);
    let result = tokio::task::spawn_blocking(move || {
        let agency = Some(agency.as_str()).filter(|a| !a.trim().is_empty());
        store.users.add(&name, role, agency, &password).map(|_| ())
    })
    .await
    .unwrap_or_else(|e| Err(crate::users::UserError::Invalid(e.to_string())));
    if result.is_ok() {
        viewer.log(
            &state,
            Action::Account,
            None,
            &format!("add {} as {}", f.name.trim(), role.as_str()),
        );
    }
    back(result)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserChange {
    password: String,
    case_id: String,
    until: String,
}

pub async fn change(
    State(state): State<Shared>,
    viewer: Viewer,
    Path((name, what)): Path<(String, String)>,
    Form(f): Form<UserChange>,
) -> Response {
    if let Some(r) = refuse_unless(viewer.is_admin(), &viewer, &state, "change user") {
        return r;
    }
    let store = state.clone();
    let (who, by) = (name.clone(), viewer.user.name.clone());
    let action = what.clone();
    let case_id = f.case_id.trim().to_string();
    let detail = match what.as_str() {
        "grant" => format!("grant {case_id} to {name} until {}", f.until.trim()),
        "revoke" => format!("revoke {case_id} from {name}"),
        other => format!("{other} {name}"),
    };
    let result = tokio::task::spawn_blocking(move || match action.as_str() {
        "disable" => store.users.set_disabled(&who, true),
        "enable" => store.users.set_disabled(&who, false),
        "password" => store.users.set_password(&who, &f.password),
        "grant" if !case_id.is_empty() => {
            store
                .users
                .grant(&who, &case_id, Some(f.until.as_str()), &by)
        }
        "revoke" => store.users.revoke(&who, &case_id),
        other => Err(crate::users::UserError::Invalid(format!(
            "unknown change \"{other}\""
        ))),
    })
    .await
    .unwrap_or_else(|e| Err(crate::users::UserError::Invalid(e.to_string())));
    if result.is_ok() {
        viewer.log(&state, Action::Account, None, &detail);
    }
    back(result)
}

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct LogForm {
    user: String,
    action: String,
    case: String,
    from: String,
    to: String,
    page: String,
}

pub struct LogRow {
    pub at: String,
    pub user: String,
    pub ip: String,
    pub action: &'static str,
    pub case_id: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "log.html")]
struct LogPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    form: LogForm,
    actions: Vec<(&'static str, &'static str)>,
    chain: String,
    chain_class: &'static str,
    total: usize,
    entries: Vec<LogRow>,
    previous: Option<String>,
    next: Option<String>,
}

const LOG_PAGE: usize = 100;

pub async fn log(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(form): Query<LogForm>,
) -> Response {
    if let Some(r) = refuse_unless(viewer.is_admin(), &viewer, &state, "/admin/log") {
        return r;
    }
    let t = viewer.lang.texts();
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let filter = LogFilter {
        user: opt(&form.user),
        action: crate::access_log::Action::ALL
            .into_iter()
            .find(|a| a.as_str() == form.action),
        case_id: opt(&form.case),
        from: opt(&form.from).and_then(|d| sohoa_archive::values::date(&d)),
        to: opt(&form.to).and_then(|d| sohoa_archive::values::date(&d)),
    };
    let number = form.page.parse::<usize>().unwrap_or(1).max(1);
    let st = state.clone();
    let read = tokio::task::spawn_blocking(move || {
        let chain = st.log.verify();
        let page = st.log.read(&filter, (number - 1) * LOG_PAGE, LOG_PAGE);
        (chain, page)
    })
    .await;
    let Ok((Ok(chain), Ok((total, entries)))) = read else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (chain, chain_class) = match chain {
        Ok(n) => (format!("{} ({n})", t.log_chain_ok), "notice"),
        Err(line) => (format!("{} {line}", t.log_chain_broken), "error"),
    };
    let page_href = |n: usize| {
        let mut f = form.clone();
        f.page = n.to_string();
        format!(
            "/admin/log?{}",
            serde_urlencoded::to_string(&f).unwrap_or_default()
        )
    };
    html(
        StatusCode::OK,
        &LogPage {
            t,
            lang: viewer.lang,
            nav: Some(Nav::of(&viewer)),
            actions: Action::ALL.iter().map(|a| (a.as_str(), a.vi())).collect(),
            chain,
            chain_class,
            total,
            entries: entries
                .into_iter()
                .map(|e| LogRow {
                    at: format!("{} {}", dmy(&e.at), e.at.get(11..19).unwrap_or_default()),
                    user: e.user,
                    ip: e.ip,
                    action: match viewer.lang {
                        Lang::Vi => e.action.vi(),
                        Lang::En => e.action.as_str(),
                    },
                    case_id: e.case_id.unwrap_or_default(),
                    detail: e.detail,
                })
                .collect(),
            previous: (number > 1).then(|| page_href(number - 1)),
            next: (number * LOG_PAGE < total).then(|| page_href(number + 1)),
            form,
        },
    )
}
