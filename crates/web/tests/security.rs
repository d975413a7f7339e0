//! Security of `sohoa serve`, request by request through the router (no network): every route
//! without a session, CSRF on every form, the access rules of each role by search, URL,
//! thumbnail and PDF link, path traversal on file routes, hostile names from registers
//! rendered escaped in pages and exports, the login rate limit, and the access log.

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use http_body_util::BodyExt;
use sohoa_web::users::{Role, UserStore};
use sohoa_web::{AppState, Config};
use std::path::{Path, PathBuf};
use tower::ServiceExt;

const PUBLIC: &str = "000.00.15.H12-260702-0001";
const GRANTED: &str = "000.00.15.H12-260701-0001";
const SECRET: &str = "000.00.15.H12-260707-0001";
const CONDITIONAL: &str = "000.00.15.H12-260708-0001";
const OTHER_AGENCY: &str = "000.00.21.H36-260703-0001";
const HOSTILE: &str = "000.00.15.H12-260709-0001";
const PAYLOAD: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
const PASSWORD: &str = "mật khẩu thử nghiệm";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/archive-v0.1")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn edit_record(archive: &Path, id: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let path = archive.join("bags").join(id).join("data/metadata.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

struct Site {
    _dir: tempfile::TempDir,
    archive: PathBuf,
    app: axum::Router,
}

/// The fixture archive with: one secret case, hostile names on another, a bag whose record
/// names a file outside it; accounts of every role.
fn site() -> Site {
    static KEY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| {
        let p = std::env::temp_dir().join(format!("sohoa-web-test-{}.key", std::process::id()));
        // Written whole before any test builds an index: tests run in parallel, and creating
        // the key from several at once would let one read it half written.
        std::fs::write(&p, format!("{}\n", "5a".repeat(32))).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::env::set_var("SOHOA_ID_KEY", &p);
        p
    });
    assert!(std::env::var_os("SOHOA_ID_KEY").is_some_and(|v| Path::new(&v) == key));
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    copy_dir(&fixture(), &archive);
    edit_record(&archive, SECRET, |v| v["hoso"]["mode"] = "03".into());
    edit_record(&archive, HOSTILE, |v| {
        v["hoso"]["mode"] = "01".into();
        v["case"]["applicant_name"] = PAYLOAD.into();
        v["hoso"]["title"] = format!("=HYPERLINK(\"http://x\") {PAYLOAD}").into();
    });
    edit_record(&archive, CONDITIONAL, |v| {
        v["bundle"]["path"] = "../../access/users.json".into();
    });
    sohoa_index::ArchiveIndex::rebuild(&archive).unwrap();
    let users = UserStore::open(&archive);
    users.add("admin", Role::Admin, None, PASSWORD).unwrap();
    users.add("lan", Role::Archivist, None, PASSWORD).unwrap();
    users
        .add("motcua", Role::Intake, Some("000.00.21.H36"), PASSWORD)
        .unwrap();
    users.add("doc", Role::Reader, None, PASSWORD).unwrap();
    users.grant("doc", GRANTED, None, "admin").unwrap();
    users.grant("doc", SECRET, None, "admin").unwrap();
    let state = AppState::new(Config {
        archive: archive.clone(),
        secure_cookies: false,
        agency_name: "UBND xã Tân Hòa".into(),
        sources: Vec::new(),
        queue: None,
    });
    Site {
        _dir: dir,
        archive,
        app: sohoa_web::router(state),
    }
}

/// A browser: keeps the session cookie, knows the CSRF token of the last page.
struct Browser<'a> {
    site: &'a Site,
    cookie: Option<String>,
    csrf: String,
}

struct Page {
    status: StatusCode,
    location: String,
    body: String,
    headers: axum::http::HeaderMap,
}

impl<'a> Browser<'a> {
    fn new(site: &'a Site) -> Browser<'a> {
        Browser {
            site,
            cookie: None,
            csrf: String::new(),
        }
    }

    async fn send(&mut self, req: Request<Body>) -> Page {
        let res: Response<Body> = self.site.app.clone().oneshot(req).await.unwrap();
        let headers = res.headers().clone();
        if let Some(c) = headers.get(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            if c.starts_with("sohoa_session=;") {
                // Removed (signed out, or the account changed).
                self.cookie = None;
            } else if c.starts_with("sohoa_session=") {
                assert!(c.contains("HttpOnly"), "{c}");
                assert!(c.contains("SameSite=Strict"), "{c}");
                self.cookie = Some(c.split(';').next().unwrap().to_string());
            }
        }
        let status = res.status();
        let location = headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).to_string();
        if let Some(i) = body.find("name=\"csrf\" value=\"") {
            let rest = &body[i + 19..];
            self.csrf = rest[..rest.find('"').unwrap()].to_string();
        }
        Page {
            status,
            location,
            body,
            headers,
        }
    }

    async fn get(&mut self, uri: &str) -> Page {
        let mut req = Request::get(uri);
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> Page {
        let mut req =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        let body = serde_urlencoded::to_string(form).unwrap();
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    async fn login(&mut self, name: &str, password: &str) -> Page {
        self.get("/login").await;
        let csrf = self.csrf.clone();
        let page = self
            .post(
                "/login",
                &[("csrf", &csrf), ("name", name), ("password", password)],
            )
            .await;
        // The next page carries the new session's token.
        self.get("/search").await;
        page
    }

    async fn signed_in(site: &'a Site, name: &str) -> Browser<'a> {
        let mut b = Browser::new(site);
        let p = b.login(name, PASSWORD).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{name}: {}", p.body);
        b
    }
}

fn case(id: &str) -> String {
    format!("/cases/{id}")
}

/// Every GET route that shows or sends archive data.
fn data_routes() -> Vec<String> {
    vec![
        "/search".into(),
        "/search?q=nguyen".into(),
        "/search/export.csv?q=nguyen".into(),
        "/search/export.xlsx".into(),
        case(PUBLIC),
        format!("{}/bundle.pdf", case(PUBLIC)),
        format!("{}/bundle.pdf?download=1", case(PUBLIC)),
        format!("{}/phieu-tin", case(PUBLIC)),
        format!("{}/thumbs/1.jpg", case(PUBLIC)),
        "/admin/users".into(),
        "/admin/log".into(),
        "/audit".into(),
        "/reports".into(),
        "/jobs".into(),
    ]
}

#[tokio::test]
async fn nothing_is_reachable_without_a_session() {
    let site = site();
    let mut anon = Browser::new(&site);
    for uri in data_routes() {
        let p = anon.get(&uri).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{uri}");
        assert!(
            p.location.starts_with("/login?next="),
            "{uri}: {}",
            p.location
        );
        assert!(p.body.is_empty(), "{uri}: {}", p.body);
    }
    // Forms without a session: refused before any handler runs.
    for uri in [
        "/logout",
        "/admin/users",
        "/admin/users/doc/disable",
        "/jobs/ingest",
        "/jobs/audit",
        "/reports",
        "/jobs/x/cancel",
    ] {
        let p = anon.post(uri, &[("name", "x")]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{uri}");
    }
    // The sign-in page and the static files hold no archive data.
    assert_eq!(anon.get("/login").await.status, StatusCode::OK);
    assert_eq!(anon.get("/static/sohoa.css").await.status, StatusCode::OK);
    let p = anon.get("/login").await;
    let csp = p.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    // A signed-in admin reaches each of them.
    let mut admin = Browser::signed_in(&site, "admin").await;
    for uri in data_routes() {
        let p = admin.get(&uri).await;
        assert_eq!(p.status, StatusCode::OK, "{uri}: {}", p.body);
    }
}

#[tokio::test]
async fn every_form_needs_the_sessions_csrf_token() {
    let site = site();
    let mut anon = Browser::new(&site);
    anon.get("/login").await;
    let p = anon
        .post("/login", &[("name", "admin"), ("password", PASSWORD)])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "sign-in without token");
    let mut admin = Browser::signed_in(&site, "admin").await;
    let token = admin.csrf.clone();
    assert_eq!(token.len(), 64);
    let forms: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "/admin/users",
            vec![
                ("name", "moi"),
                ("role", "reader"),
                ("password", "một mật khẩu dài"),
            ],
        ),
        ("/admin/users/doc/disable", vec![]),
        (
            "/admin/users/doc/password",
            vec![("password", "mật khẩu mới 123")],
        ),
        ("/admin/users/doc/grant", vec![("case_id", CONDITIONAL)]),
        ("/admin/users/doc/revoke", vec![("case_id", GRANTED)]),
        ("/jobs/audit", vec![("fixity", "sample")]),
        (
            "/reports",
            vec![("from", "01/01/2026"), ("to", "31/12/2026")],
        ),
        ("/logout", vec![]),
    ];
    for (uri, fields) in &forms {
        for bad in [None, Some("0".repeat(64))] {
            let mut f = fields.clone();
            if let Some(b) = &bad {
                f.push(("csrf", b));
            }
            let p = admin.post(uri, &f).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{uri} with {bad:?}");
        }
    }
    // Nothing changed.
    let doc = UserStore::open(&site.archive).get("doc").unwrap().unwrap();
    assert!(!doc.disabled);
    assert!(UserStore::open(&site.archive).get("moi").unwrap().is_none());
    // With the token each works.
    for (uri, fields) in &forms {
        let mut f = fields.clone();
        f.push(("csrf", &token));
        let p = admin.post(uri, &f).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{uri}: {}", p.body);
    }
    assert!(
        UserStore::open(&site.archive)
            .get("doc")
            .unwrap()
            .unwrap()
            .disabled
    );
    assert!(UserStore::open(&site.archive).get("moi").unwrap().is_some());
    // Signed out: the old session is gone.
    assert_eq!(
        admin.get("/admin/users").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_reader_never_reaches_a_secret_case() {
    let site = site();
    let mut admin = Browser::signed_in(&site, "admin").await;
    assert_eq!(admin.get(&case(SECRET)).await.status, StatusCode::OK);
    let p = admin.get("/search?q=Vu+Thi+Ngoc+Anh").await;
    assert!(p.body.contains(SECRET), "an archivist finds it");

    let mut reader = Browser::signed_in(&site, "doc").await;
    // Not by search, with or without diacritics, nor by its code, nor in exports.
    for q in ["Vũ Thị Ngọc Ánh", "vu thi ngoc anh", SECRET, ""] {
        let uri = format!("/search?q={}", sohoa_web::auth::urlencode(q));
        let p = reader.get(&uri).await;
        assert_eq!(p.status, StatusCode::OK);
        // (The query itself is echoed in the search box.)
        assert!(
            !p.body.contains(&format!("href=\"/cases/{SECRET}")),
            "search {q:?} shows the secret case"
        );
        assert!(p.body.contains("id=\"total-cases\""), "{q:?}: {}", p.body);
        let csv = reader
            .get(&format!(
                "/search/export.csv?q={}",
                sohoa_web::auth::urlencode(q)
            ))
            .await;
        assert!(!csv.body.contains(SECRET), "export {q:?}");
    }
    // Not by URL, thumbnail or PDF link (a hidden case looks like no case).
    for uri in [
        case(SECRET),
        format!("{}/thumbs/1.jpg", case(SECRET)),
        format!("{}/bundle.pdf", case(SECRET)),
        format!("{}/bundle.pdf?download=1", case(SECRET)),
        format!("{}/phieu-tin", case(SECRET)),
        case(CONDITIONAL),
        format!("{}/bundle.pdf", case(CONDITIONAL)),
        format!("{}/phieu-tin", case(CONDITIONAL)),
        case("HS-chua-co-thong-tin"),
    ] {
        let p = reader.get(&uri).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!p.body.contains("Ngọc Ánh"));
    }
    // The granted conditional case and the public one open; as reading copies.
    let p = reader.get(&case(GRANTED)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("data-reading=\"true\""));
    assert!(p.body.contains("UBND xã Tân Hòa"));
    assert!(
        !p.body.contains("download=1"),
        "no download button for readers"
    );
    assert_eq!(reader.get(&case(PUBLIC)).await.status, StatusCode::OK);
    // The record sheet of a case the reader may see: its fields, codes spelled out.
    let sheet = reader.get(&format!("{}/phieu-tin", case(PUBLIC))).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.body.contains("PHIẾU TIN HỒ SƠ") && sheet.body.contains(PUBLIC));
    let pdf = reader.get(&format!("{}/bundle.pdf", case(PUBLIC))).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_DISPOSITION], "inline");
    assert_eq!(
        reader
            .get(&format!("{}/bundle.pdf?download=1", case(PUBLIC)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The refusals are in the access log, under the reader's name.
    let log = std::fs::read_to_string(site.archive.join("access/access-log.jsonl")).unwrap();
    assert!(log
        .lines()
        .any(|l| l.contains("\"user\":\"doc\"") && l.contains("\"denied\"") && l.contains(SECRET)));
    // Readers do not see the admin pages.
    assert_eq!(reader.get("/admin/log").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn intake_staff_see_their_own_agency_only() {
    let site = site();
    let mut b = Browser::signed_in(&site, "motcua").await;
    let p = b.get("/search").await;
    assert!(p.body.contains(OTHER_AGENCY));
    assert!(!p.body.contains(PUBLIC));
    assert_eq!(b.get(&case(OTHER_AGENCY)).await.status, StatusCode::OK);
    assert_eq!(b.get(&case(PUBLIC)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn file_routes_stay_inside_the_bag() {
    let site = site();
    let mut admin = Browser::signed_in(&site, "admin").await;
    for uri in [
        "/cases/..%2F..%2Fetc%2Fpasswd",
        "/cases/%2e%2e",
        "/cases/..",
        "/cases/%2e%2e/bundle.pdf",
        "/cases/..%2Faccess/bundle.pdf",
        "/cases/.tmp-x/bundle.pdf",
        &format!("/cases/{PUBLIC}/thumbs/..%2F..%2F..%2Faccess%2Fusers.json"),
        &format!("/cases/{PUBLIC}/thumbs/-1.jpg"),
        "/static/..%2F..%2FCargo.toml",
        "/static/../Cargo.toml",
    ] {
        let p = admin.get(uri).await;
        assert!(
            p.status == StatusCode::NOT_FOUND || p.status == StatusCode::BAD_REQUEST,
            "{uri}: {}",
            p.status
        );
        assert!(!p.body.contains("argon2"), "{uri}");
        assert!(!p.body.contains("root:"), "{uri}");
    }
    // A record naming a file outside its bag gets nothing.
    let p = admin
        .get(&format!("{}/bundle.pdf", case(CONDITIONAL)))
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(!p.body.contains("argon2"));
}

#[tokio::test]
async fn hostile_names_are_escaped_in_pages_and_neutralized_in_exports() {
    let site = site();
    let mut admin = Browser::signed_in(&site, "admin").await;
    for uri in [
        "/search?q=alert".to_string(),
        "/search".to_string(),
        case(HOSTILE),
        format!("/search?q={}", sohoa_web::auth::urlencode(PAYLOAD)),
    ] {
        let p = admin.get(&uri).await;
        assert_eq!(p.status, StatusCode::OK, "{uri}");
        assert!(!p.body.contains("<script>alert"), "{uri}");
        assert!(!p.body.contains("<img src=x"), "{uri}");
    }
    let p = admin.get(&case(HOSTILE)).await;
    assert!(
        p.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || p.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is shown, as text"
    );
    let csv = admin.get("/search/export.csv?q=alert").await;
    assert!(csv.body.contains(PAYLOAD) || csv.body.contains("alert(1)"));
    assert!(
        !csv.body.contains(";=HYPERLINK") && !csv.body.contains("\"=HYPERLINK"),
        "a formula cell must not run: {}",
        csv.body
    );
    assert!(csv.body.starts_with('\u{feff}'));
    assert_eq!(
        csv.headers[header::CONTENT_TYPE].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    // The access log page shows what people typed, escaped.
    let log = admin.get("/admin/log").await;
    assert!(!log.body.contains("<script>alert"));
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_sign_in() {
    let site = site();
    let mut b = Browser::new(&site);
    for _ in 0..sohoa_web::rate_limit::MAX_FAILURES {
        let p = b.login("lan", "sai mật khẩu rồi").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    }
    let p = b.login("lan", PASSWORD).await;
    assert_eq!(
        p.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );
    assert!(p.body.contains("15 phút"));
    let log = std::fs::read_to_string(site.archive.join("access/access-log.jsonl")).unwrap();
    assert_eq!(log.matches("login_failed").count(), 6);
}

#[tokio::test]
async fn a_disabled_account_loses_its_session() {
    let site = site();
    let mut lan = Browser::signed_in(&site, "lan").await;
    assert_eq!(lan.get("/search").await.status, StatusCode::OK);
    UserStore::open(&site.archive)
        .set_disabled("lan", true)
        .unwrap();
    assert_eq!(lan.get("/search").await.status, StatusCode::SEE_OTHER);
    let p = lan.login("lan", PASSWORD).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn views_downloads_and_exports_are_logged_without_identity_numbers() {
    let site = site();
    let mut lan = Browser::signed_in(&site, "lan").await;
    lan.get(&format!("{}?page=2", case(PUBLIC))).await;
    lan.get(&format!("{}/bundle.pdf?download=1", case(PUBLIC)))
        .await;
    lan.get("/search?q=040093878972").await;
    lan.get("/search/export.xlsx?q=nguyen").await;
    let log = sohoa_web::access_log::AccessLog::open(&site.archive);
    assert!(log.verify().unwrap().is_ok());
    let raw = std::fs::read_to_string(log.path()).unwrap();
    for action in [
        "\"login\"",
        "\"view\"",
        "\"download\"",
        "\"search\"",
        "\"export\"",
    ] {
        assert!(raw.contains(action), "{action} missing: {raw}");
    }
    assert!(!raw.contains("040093878972"));
}

#[tokio::test]
async fn an_ingest_starts_only_from_a_configured_scan_folder() {
    let mut site = site();
    let scans = site.archive.parent().unwrap().join("scans");
    std::fs::create_dir_all(scans.join("batch-1")).unwrap();
    let state = AppState::new(Config {
        archive: site.archive.clone(),
        secure_cookies: false,
        agency_name: String::new(),
        sources: vec![scans.clone()],
        queue: None,
    });
    site.app = sohoa_web::router(state);
    let mut admin = Browser::signed_in(&site, "admin").await;
    let page = admin.get("/jobs").await;
    assert!(page.body.contains("scans/batch-1"), "{}", page.body);
    let token = admin.csrf.clone();
    for folder in [
        "../../etc",
        "/etc",
        "scans/../..",
        "scans/batch-1/..",
        "batch-1",
    ] {
        let p = admin
            .post("/jobs/ingest", &[("csrf", &token), ("folder", folder)])
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{folder}");
    }
    // A reader may not start one at all.
    let mut reader = Browser::signed_in(&site, "doc").await;
    let token = reader.csrf.clone();
    let p = reader
        .post(
            "/jobs/ingest",
            &[("csrf", &token), ("folder", "scans/batch-1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_search_is_logged_as_typed_with_identity_numbers_masked() {
    let site = site();
    let mut lan = Browser::signed_in(&site, "lan").await;
    let q = sohoa_web::auth::urlencode("Trần Thị 040 093 878 972");
    lan.get(&format!("/search?q={q}&year=2026")).await;
    let raw = std::fs::read_to_string(site.archive.join("access/access-log.jsonl")).unwrap();
    let line = raw.lines().find(|l| l.contains("\"search\"")).unwrap();
    assert!(line.contains("Trần Thị"), "{line}");
    assert!(line.contains("year=2026"), "{line}");
    assert!(!line.contains("093 878"), "{line}");
    assert!(!line.contains("040093878972"), "{line}");
}

/// A throwaway PostgreSQL (scripts/services/postgres.sh), stopped by its PID when dropped.
struct Postgres {
    dir: tempfile::TempDir,
    url: String,
}

impl Postgres {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/services/postgres.sh")
    }

    fn start(port: u16) -> Postgres {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("bash")
            .arg(Postgres::script())
            .arg("start")
            .arg(dir.path().join("pg"))
            .env("PG_PORT", port.to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8_lossy(&out.stdout)
            .trim()
            .trim_start_matches("export SOHOA_QUEUE=")
            .to_string();
        Postgres { dir, url }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash")
            .arg(Postgres::script())
            .arg("stop")
            .arg(self.dir.path().join("pg"))
            .status();
    }
}

#[tokio::test]
async fn the_jobs_page_shows_the_workers_queue_and_its_parked_cases_escaped() {
    let pg = tokio::task::spawn_blocking(|| Postgres::start(55434))
        .await
        .unwrap();
    let url = pg.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut q = sohoa_queue::Queue::connect(&url).unwrap();
        let jobs: Vec<(String, serde_json::Value)> = (0..5)
            .map(|i| (format!("/scans/lo-1/HS-{i}"), serde_json::json!({})))
            .collect();
        q.add("ingest", "/scans/lo-1", &jobs, 3).unwrap();
        let j = q
            .claim("may-1:42", std::time::Duration::from_secs(60))
            .unwrap()
            .unwrap();
        let bad = sohoa_queue::JobFailure::Park(format!("HS-0/trang_1.tif: {PAYLOAD}"));
        q.fail(j.id, "may-1:42", &bad, std::time::Duration::ZERO)
            .unwrap();
        q.claim("may-2:43", std::time::Duration::from_secs(60))
            .unwrap()
            .unwrap();
    })
    .await
    .unwrap();
    let mut site = site();
    let with_password = pg.url.replace("postgres@", "postgres:s3cr3t-pw@");
    let scans = site.archive.parent().unwrap().join("scans");
    for case in ["lo-2/HS-a", "lo-2/HS-b"] {
        std::fs::create_dir_all(scans.join(case)).unwrap();
        std::fs::write(scans.join(case).join("trang_1.png"), b"x").unwrap();
    }
    site.app = sohoa_web::router(AppState::new(Config {
        archive: site.archive.clone(),
        secure_cookies: false,
        agency_name: String::new(),
        sources: vec![scans.clone()],
        queue: Some(with_password),
    }));
    let mut admin = Browser::signed_in(&site, "admin").await;
    let page = admin.get("/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Hàng đợi xử lý"), "{body}");
    assert!(body.contains("/scans/lo-1"), "{body}");
    assert!(
        body.contains("may-2:43"),
        "the worker holding a job: {body}"
    );
    assert!(
        body.contains("HS-0/trang_1.tif"),
        "the parked case's error: {body}"
    );
    assert!(!body.contains("<script>alert(1)"), "errors are escaped");
    assert!(
        !body.contains("s3cr3t-pw"),
        "the queue's password is never shown"
    );
    // With a queue, an ingest started here is queued for the workers, one job per case.
    let token = admin.csrf.clone();
    admin
        .post(
            "/jobs/ingest",
            &[("csrf", &token), ("folder", "scans/lo-2")],
        )
        .await;
    let url = pg.url.clone();
    let queued = tokio::task::spawn_blocking(move || {
        let mut q = sohoa_queue::Queue::connect(&url).unwrap();
        for _ in 0..100 {
            let st = q.status(10).unwrap();
            if let Some(b) = st.batches.iter().find(|b| b.batch.ends_with("scans/lo-2")) {
                return b.counts.queued;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        0
    })
    .await
    .unwrap();
    assert_eq!(queued, 2);
    // Readers do not see the jobs page at all.
    let mut reader = Browser::signed_in(&site, "doc").await;
    assert_eq!(reader.get("/jobs").await.status, StatusCode::FORBIDDEN);
}
