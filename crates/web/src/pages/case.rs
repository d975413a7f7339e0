//! The case page: the metadata with code labels (`01` → Vĩnh viễn), the documents of the case,
//! the viewer opened at the hit page with the query's words highlighted, page thumbnails,
//! the PREMIS events as a Vietnamese timeline, the last fixity check and the versions.
//! [`open_case`] is the one door to a case for pages and files: it refuses (as "not found")
//! a case the person may not see, and logs the refusal.

use crate::access_log::Action;
use crate::auth::Viewer;
use crate::i18n::{Lang, T};
use crate::pages::{dmy, html, Nav};
use crate::policy::{may_download, may_view};
use crate::state::Shared;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sohoa_archive::bag::reader::Bag;
use sohoa_archive::record::CaseRecord;
use sohoa_audit::codes::{CodeList, CONFIDENCE, FORMAT, LANGUAGE, MAINTENANCE, MODE};

/// A case id as it may appear in a URL: one folder name, nothing that walks elsewhere.
pub fn id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 255
        && !id.starts_with('.')
        && !id.contains(['/', '\\', '\0'])
        && !id.chars().any(char::is_control)
}

/// Opens the current bag of a case for `viewer`, or the not-found page (also when they may
/// not see it: a hidden case looks like no case).
pub async fn open_case(
    state: &Shared,
    viewer: &Viewer,
    id: &str,
) -> Result<(Bag, CaseRecord), Response> {
    let not_found = || crate::pages::error::not_found(viewer.lang);
    if !id_ok(id) {
        return Err(not_found());
    }
    let archive = state.config.archive.clone();
    let rel = sohoa_archive::layout::bag(id);
    let opened = tokio::task::spawn_blocking(move || {
        let bag = Bag::open(&archive, &rel).ok()?;
        let record = bag.record().ok()?.record;
        Some((bag, record))
    })
    .await
    .ok()
    .flatten();
    let Some((bag, record)) = opened else {
        return Err(not_found());
    };
    if !may_view(&viewer.user, &record) {
        viewer.log(
            state,
            Action::Denied,
            Some(id),
            "case not visible to this account",
        );
        return Err(not_found());
    }
    Ok((bag, record))
}

pub struct ComponentRow {
    pub label: String,
    pub first_page: Option<u32>,
    pub page_count: u32,
    pub details: String,
}

pub struct EventRow {
    pub when: String,
    pub kind: String,
    pub outcome: String,
    pub outcome_class: &'static str,
    pub detail: String,
}

pub struct CaseView {
    pub case_id: String,
    pub case_id_url: String,
    pub title: String,
    pub version: u32,
    pub mode: Option<String>,
    pub page: u32,
    pub page_count: u32,
    pub terms_json: String,
    pub q_suffix: String,
    pub reading_copy: bool,
    pub agency_footer: String,
    pub may_download: bool,
    pub fields: Vec<(&'static str, String)>,
    pub hoso: Vec<(&'static str, String)>,
    pub components: Vec<ComponentRow>,
    pub thumbs: Vec<u32>,
    pub events: Vec<EventRow>,
    pub fixity: String,
    pub fixity_class: &'static str,
    pub versions: Vec<String>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    back: String,
    c: CaseView,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseQuery {
    q: String,
    page: String,
}

/// `01 – Vĩnh viễn` for a code of a TT 05/2025 list, the value as it is otherwise.
fn labelled(list: &CodeList, value: &Option<String>) -> Option<String> {
    let v = value.as_deref()?.trim();
    if v.is_empty() {
        return None;
    }
    let labels: Vec<String> = v
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match list.codes.iter().find(|(c, _)| *c == p) {
            Some((c, l)) => format!("{c} – {l}"),
            None => p.to_string(),
        })
        .collect();
    Some(labels.join(", "))
}

fn event_kind(lang: Lang, kind: &str) -> String {
    if lang == Lang::En {
        return kind.to_string();
    }
    match kind {
        "ingestion" => "Tiếp nhận vào kho",
        "metadata extraction" => "Trích xuất thông tin hồ sơ",
        "metadata modification" => "Sửa thông tin hồ sơ",
        "message digest calculation" => "Tính mã kiểm tra (SHA-256)",
        "validation" => "Kiểm tra tính hợp lệ",
        "normalization" => "Chuẩn hóa trang ảnh",
        "creation" => "Tạo tệp PDF/A",
        "information package creation" => "Đóng gói BagIt",
        "modification" => "Sửa đổi (phiên bản mới)",
        "deaccession" => "Rút khỏi kho",
        "fixity check" => "Kiểm tra toàn vẹn",
        other => other,
    }
    .to_string()
}

fn outcome(lang: Lang, o: &sohoa_archive::events::Outcome) -> (String, &'static str) {
    let name = serde_json::to_value(o)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let class = match name.as_str() {
        "success" => "ok",
        "warning" => "warn",
        _ => "bad",
    };
    let text = match (lang, name.as_str()) {
        (Lang::Vi, "success") => "thành công".to_string(),
        (Lang::Vi, "warning") => "có cảnh báo".to_string(),
        (Lang::Vi, "failure") => "thất bại".to_string(),
        _ => name,
    };
    (text, class)
}

/// The submission channel: in Vietnamese as the register wrote it, else its code's words.
fn channel(lang: Lang, code: Option<&str>, typed: Option<&str>) -> Option<String> {
    let words = code.and_then(|c| sohoa_archive::values::channel_label(c, lang.archive()));
    match lang {
        Lang::Vi => typed.or(words).or(code),
        Lang::En => words.or(code).or(typed),
    }
    .map(str::to_string)
}

fn fields(t: &T, lang: Lang, r: &CaseRecord) -> Vec<(&'static str, String)> {
    let c = &r.case;
    let date = |d: &Option<String>| d.as_deref().map(dmy);
    [
        (t.case_code, c.case_code.clone()),
        (t.applicant, c.applicant_name.clone()),
        (
            t.id_number,
            c.applicant_id.as_deref().map(sohoa_archive::privacy::mask),
        ),
        (t.filter_procedure, c.procedure_name.clone()),
        (t.procedure_code, c.procedure_code.clone()),
        (t.filter_sector, c.sector.clone()),
        (t.filter_agency, c.agency_name.clone()),
        (t.agency_code, c.agency_code.clone()),
        (
            t.filter_channel,
            channel(lang, c.channel.as_deref(), c.channel_label.as_deref()),
        ),
        (t.filter_status, c.status.clone()),
        (t.received, date(&c.received_date)),
        (t.due, date(&c.due_date)),
        (t.resolved, date(&c.resolved_date)),
        (t.returned, date(&c.returned_date)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (k, v)))
    .collect()
}

fn hoso(lang: Lang, r: &CaseRecord) -> Vec<(&'static str, String)> {
    let h = &r.hoso;
    let n = |x: Option<u64>| x.map(|n| n.to_string());
    let l = |vi: &'static str, en: &'static str| if lang == Lang::Vi { vi } else { en };
    [
        (
            l("Mã hồ sơ lưu trữ", "Archival file code (arcFileCode)"),
            h.arc_file_code.clone(),
        ),
        (l("Tiêu đề hồ sơ", "Title"), h.title.clone()),
        (
            l(MAINTENANCE.name, "Retention (maintenance)"),
            labelled(&MAINTENANCE, &h.maintenance),
        ),
        (l(MODE.name, "Access mode (mode)"), labelled(&MODE, &h.mode)),
        (
            l(LANGUAGE.name, "Language"),
            labelled(&LANGUAGE, &h.language),
        ),
        (
            l("Thời gian bắt đầu", "Start date"),
            h.start_date.as_deref().map(dmy),
        ),
        (
            l("Thời gian kết thúc", "End date"),
            h.end_date.as_deref().map(dmy),
        ),
        (l("Số lượng văn bản", "Documents"), n(h.total_doc)),
        (l("Số lượng tờ", "Sheets"), n(h.number_of_paper)),
        (l("Số lượng trang", "Pages"), n(h.number_of_page)),
        (
            l(FORMAT.name, "Physical condition (format)"),
            labelled(&FORMAT, &h.format),
        ),
        (
            l(CONFIDENCE.name, "Reliability (confidenceLevel)"),
            labelled(&CONFIDENCE, &h.confidence_level),
        ),
        (l("Từ khóa", "Keywords"), h.keyword.clone()),
        (l("Ghi chú", "Notes"), h.description.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (k, v)))
    .collect()
}

/// Earlier versions kept in `versions/<id>/` (numbers), read from the folder names.
fn versions(archive: &std::path::Path, id: &str, current: u32, lang: Lang) -> Vec<String> {
    let mut v: Vec<u32> = std::fs::read_dir(archive.join(sohoa_archive::layout::VERSIONS).join(id))
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    v.sort_unstable();
    let t = lang.texts();
    let mut out: Vec<String> = v.iter().map(|n| format!("{} {n}", t.version)).collect();
    out.push(format!("{} {current} ({})", t.version, t.current));
    out
}

pub async fn page(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let (bag, record) = match open_case(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let t = viewer.lang.texts();
    let page_count = record
        .bundle
        .as_ref()
        .map(|b| b.pages)
        .unwrap_or(record.pages.len() as u32);
    let page = q
        .page
        .trim()
        .parse::<u32>()
        .unwrap_or(1)
        .clamp(1, page_count.max(1));
    viewer.log(&state, Action::View, Some(&id), &format!("page {page}"));
    let events = {
        let bag_events = tokio::task::spawn_blocking(move || bag.events().ok())
            .await
            .ok()
            .flatten();
        bag_events
            .map(|log| {
                log.events
                    .iter()
                    .map(|e| {
                        let (o, class) = outcome(viewer.lang, &e.event_outcome);
                        EventRow {
                            when: e
                                .event_datetime
                                .get(..16)
                                .map(|s| format!("{} {}", dmy(s), s.get(11..16).unwrap_or("")))
                                .unwrap_or_else(|| e.event_datetime.clone()),
                            kind: event_kind(viewer.lang, &e.event_type),
                            outcome: o,
                            outcome_class: class,
                            detail: sohoa_archive::privacy::mask_ids_loose(&e.event_detail)
                                .into_owned(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let last_check = {
        let (state, id) = (state.clone(), id.clone());
        tokio::task::spawn_blocking(move || state.fixity.last_check(&state.config.archive, &id))
            .await
            .ok()
            .flatten()
    };
    let (fixity, fixity_class) = match last_check {
        Some((at, true)) => (
            format!("{} – {}: {}", t.fixity_ok, t.last_checked, dmy(&at)),
            "ok",
        ),
        Some((at, false)) => (
            format!("{} – {}: {}", t.fixity_bad, t.last_checked, dmy(&at)),
            "bad",
        ),
        None => (t.fixity_never.to_string(), "warn"),
    };
    let reading_copy = !may_download(&viewer.user);
    let terms = sohoa_index::query::highlight_terms(&q.q);
    let c = CaseView {
        case_id_url: crate::auth::urlencode(&id),
        title: record
            .hoso
            .title
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| id.clone()),
        version: record.version,
        mode: labelled(&MODE, &record.hoso.mode),
        page,
        page_count,
        terms_json: serde_json::to_string(&terms).unwrap_or_else(|_| "[]".into()),
        q_suffix: if q.q.trim().is_empty() {
            String::new()
        } else {
            format!("&q={}", crate::auth::urlencode(q.q.trim()))
        },
        reading_copy,
        agency_footer: if state.config.agency_name.trim().is_empty() {
            "Bản đọc – không dùng thay bản chính".to_string()
        } else {
            state.config.agency_name.clone()
        },
        may_download: !reading_copy,
        fields: fields(t, viewer.lang, &record),
        hoso: hoso(viewer.lang, &record),
        components: record
            .components
            .iter()
            .map(|x| ComponentRow {
                label: x.label.clone(),
                first_page: x.first_page,
                page_count: x.page_count,
                details: x
                    .fields
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(" · "),
            })
            .collect(),
        thumbs: (1..=page_count).collect(),
        events,
        fixity,
        fixity_class,
        versions: versions(&state.config.archive, &id, record.version, viewer.lang),
        case_id: id,
    };
    let back = if q.q.trim().is_empty() {
        "/search".to_string()
    } else {
        format!("/search?q={}", crate::auth::urlencode(q.q.trim()))
    };
    html(
        StatusCode::OK,
        &CasePage {
            t,
            lang: viewer.lang,
            nav: Some(Nav::of(&viewer)),
            back,
            c,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channel_reads_in_the_viewers_language() {
        let typed = Some("Bưu chính công ích");
        assert_eq!(
            channel(Lang::Vi, Some("postal"), typed).as_deref(),
            Some("Bưu chính công ích")
        );
        assert_eq!(
            channel(Lang::En, Some("postal"), typed).as_deref(),
            Some("By post")
        );
        assert_eq!(
            channel(Lang::Vi, Some("direct"), None).as_deref(),
            Some("Trực tiếp")
        );
        assert_eq!(channel(Lang::En, None, Some("fax")).as_deref(), Some("fax"));
    }
}
