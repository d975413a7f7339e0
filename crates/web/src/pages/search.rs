//! The search page: one box (the query language of docs/search.md), facet counts that filter
//! with a click, a received-date range, sort, results grouped by case with the matching
//! pages under each ("trang 3/11" + snippet, opening the viewer at that page), pagination,
//! and links to export the same results. Only the cases the person may see are searched.

use crate::access_log::Action;
use crate::auth::Viewer;
use crate::i18n::{Lang, T};
use crate::pages::{dmy, html, Nav};
use crate::state::Shared;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sohoa_index::{Filters, GroupedResults, SearchRequest, Sort};

/// Cases per page.
pub const PER_PAGE: usize = 20;

/// The page's query string, as typed (every field optional).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SearchForm {
    pub q: String,
    pub agency: String,
    pub sector: String,
    pub procedure: String,
    pub channel: String,
    pub status: String,
    pub year: String,
    pub from: String,
    pub to: String,
    pub sort: String,
    pub page: String,
}

/// The facet filters, in the order shown.
pub const FACET_FIELDS: [&str; 6] = ["agency", "sector", "procedure", "channel", "status", "year"];

impl SearchForm {
    /// Every field with its name, in query-string order.
    fn fields(&self) -> [(&'static str, &str); 11] {
        [
            ("q", &self.q),
            ("agency", &self.agency),
            ("sector", &self.sector),
            ("procedure", &self.procedure),
            ("channel", &self.channel),
            ("status", &self.status),
            ("year", &self.year),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
            ("page", &self.page),
        ]
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "agency" => &mut self.agency,
            "sector" => &mut self.sector,
            "procedure" => &mut self.procedure,
            "channel" => &mut self.channel,
            "status" => &mut self.status,
            "year" => &mut self.year,
            "page" => &mut self.page,
            _ => return None,
        })
    }

    fn facet(&self, name: &str) -> &str {
        self.fields()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v)
    }

    /// The same form with one field set (a filter resets the page).
    fn with(&self, name: &str, value: &str) -> SearchForm {
        let mut f = self.clone();
        if let Some(slot) = f.field_mut(name) {
            *slot = value.to_string();
            if name != "page" {
                f.page.clear();
            }
        }
        f
    }

    /// The query string (empty fields left out).
    pub fn query_string(&self) -> String {
        let pairs: Vec<(&str, &str)> = self
            .fields()
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The search as people read it, for the access log: `"words" agency=… from=…`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in self.fields() {
            let v = v.trim();
            match k {
                _ if v.is_empty() => {}
                "q" => parts.push(format!("\"{v}\"")),
                "sort" | "page" => {}
                _ => parts.push(format!("{k}={v}")),
            }
        }
        parts.join(" ")
    }

    fn href(&self, path: &str) -> String {
        let q = self.query_string();
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{q}")
        }
    }

    pub fn page_number(&self) -> usize {
        self.page
            .trim()
            .parse::<usize>()
            .unwrap_or(1)
            .clamp(1, 10_000)
    }

    /// The search request for `viewer`, or what is wrong with the form (in their language).
    pub fn request(
        &self,
        viewer: &Viewer,
        limit: usize,
        offset: usize,
    ) -> Result<SearchRequest, String> {
        let vi = viewer.lang == Lang::Vi;
        let date = |label: &str, v: &str| -> Result<Option<String>, String> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            sohoa_archive::values::date(v).map(Some).ok_or_else(|| {
                if vi {
                    format!("{label}: \"{v}\" không phải là ngày (dd/mm/yyyy).")
                } else {
                    format!("{label}: \"{v}\" is not a date (dd/mm/yyyy).")
                }
            })
        };
        let t = viewer.lang.texts();
        let from = date(t.filter_from, &self.from)?;
        let to = date(t.filter_to, &self.to)?;
        if let (Some(a), Some(b)) = (&from, &to) {
            if a > b {
                return Err(if vi {
                    format!(
                        "Khoảng ngày bị đảo ngược: từ {} đến {}. Hãy đổi chỗ hai ngày.",
                        dmy(a),
                        dmy(b)
                    )
                } else {
                    format!(
                        "The date range is reversed: from {} to {}. Swap the two dates.",
                        dmy(a),
                        dmy(b)
                    )
                });
            }
        }
        let year = match self.year.trim() {
            "" => None,
            y => Some(y.parse::<i32>().map_err(|_| {
                if vi {
                    format!("{}: \"{y}\" không phải là năm.", t.filter_year)
                } else {
                    format!("{}: \"{y}\" is not a year.", t.filter_year)
                }
            })?),
        };
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(SearchRequest {
            query: self.q.trim().to_string(),
            filters: Filters {
                agency: opt(&self.agency),
                sector: opt(&self.sector),
                procedure: opt(&self.procedure),
                channel: opt(&self.channel),
                status: opt(&self.status),
                year,
                received_from: from,
                received_to: to,
                visibility: crate::policy::visibility(&viewer.user),
                ..Default::default()
            },
            sort: match self.sort.as_str() {
                "newest" => Sort::ReceivedDesc,
                "oldest" => Sort::ReceivedAsc,
                _ => Sort::Relevance,
            },
            limit,
            offset,
            facets: true,
            cases_only: false,
        })
    }
}

/// Runs a grouped search off the async threads; what went wrong is said in `lang`.
pub async fn run(state: &Shared, req: SearchRequest, lang: Lang) -> Result<GroupedResults, String> {
    let state = state.clone();
    let said = move |e: sohoa_index::IndexError| match e {
        sohoa_index::IndexError::Missing(_) => lang.texts().index_missing.to_string(),
        e => e.message(lang.archive()),
    };
    tokio::task::spawn_blocking(move || {
        let idx = state.index().map_err(said)?;
        idx.search_cases(&req).map_err(said)
    })
    .await
    .unwrap_or_else(|e| {
        tracing::error!("search stopped: {e}");
        Err(match lang {
            Lang::Vi => "Tìm kiếm bị dừng giữa chừng: hãy thử lại.".to_string(),
            Lang::En => "The search stopped half-way: try again.".to_string(),
        })
    })
}

pub struct FacetValue {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

pub struct FacetBox {
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

pub struct PageRow {
    pub page: u64,
    pub snippet: String,
    pub href: String,
}

pub struct CaseRow {
    pub href: String,
    pub title: String,
    pub code: String,
    pub applicant: String,
    pub received: String,
    pub procedure: String,
    pub agency: String,
    pub metadata_hit: bool,
    pub snippet: String,
    pub page_count: u64,
    pub pages: Vec<PageRow>,
    pub more_pages: u64,
}

pub struct ResultsView {
    pub total_cases: usize,
    pub total_hits: usize,
    pub first: usize,
    pub groups: Vec<CaseRow>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    t: &'static T,
    lang: Lang,
    nav: Option<Nav>,
    form: SearchForm,
    /// Facet filters in force, carried by the form as hidden fields.
    active: Vec<(&'static str, String)>,
    clear_href: String,
    message: Option<String>,
    facets: Vec<FacetBox>,
    results: Option<ResultsView>,
    export_csv: String,
    export_xlsx: String,
}

/// How a facet value reads (channels in words; others as stored).
pub fn facet_label(lang: Lang, name: &str, value: &str) -> String {
    match name {
        "channel" => sohoa_archive::values::channel_label(value, lang.archive())
            .unwrap_or(value)
            .to_string(),
        _ => value.to_string(),
    }
}

/// Whether the filter typed (`chosen`) is this facet value: a channel as its code or in
/// words ("trực tiếp" is `direct`), anything else with or without diacritics.
fn same_value(name: &str, chosen: &str, value: &str) -> bool {
    if name == "channel" {
        if let Some(code) = sohoa_archive::values::channel(chosen) {
            return code == value;
        }
    }
    sohoa_index::fold(chosen) == sohoa_index::fold(value)
}

fn facet_title(t: &'static T, name: &str) -> &'static str {
    match name {
        "agency" => t.filter_agency,
        "sector" => t.filter_sector,
        "procedure" => t.filter_procedure,
        "channel" => t.filter_channel,
        "status" => t.filter_status,
        _ => t.filter_year,
    }
}

/// The case page's address for a hit (at a page, carrying the query for highlighting).
pub fn case_href(case_id: &str, q: &str, page: Option<u64>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !q.trim().is_empty() {
        pairs.push(("q", q.trim().to_string()));
    }
    if let Some(p) = page {
        pairs.push(("page", p.to_string()));
    }
    let qs = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let path = format!("/cases/{}", crate::auth::urlencode(case_id));
    if qs.is_empty() {
        path
    } else {
        format!("{path}?{qs}")
    }
}

fn rows(r: &GroupedResults, q: &str) -> Vec<CaseRow> {
    r.groups
        .iter()
        .map(|g| CaseRow {
            href: case_href(&g.case_id, q, g.pages.first().map(|p| p.page)),
            title: if g.case.title.trim().is_empty() {
                g.case_id.clone()
            } else {
                g.case.title.clone()
            },
            code: g
                .case
                .case_code
                .clone()
                .unwrap_or_else(|| g.case_id.clone()),
            applicant: g.case.applicant_name.clone().unwrap_or_default(),
            received: g.case.received.as_deref().map(dmy).unwrap_or_default(),
            procedure: g.case.procedure_name.clone().unwrap_or_default(),
            agency: g.case.agency_name.clone().unwrap_or_default(),
            metadata_hit: g.metadata_hit || g.pages.is_empty(),
            snippet: g.snippet.clone(),
            page_count: g.case.page_count,
            pages: g
                .pages
                .iter()
                .map(|p| PageRow {
                    page: p.page,
                    snippet: p.snippet.clone(),
                    href: case_href(&g.case_id, q, Some(p.page)),
                })
                .collect(),
            more_pages: g.page_hits.saturating_sub(g.pages.len() as u64),
        })
        .collect()
}

pub async fn page(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(form): Query<SearchForm>,
) -> Response {
    let t = viewer.lang.texts();
    let number = form.page_number();
    let mut message = None;
    let mut results = None;
    let mut facets = Vec::new();
    match form.request(&viewer, PER_PAGE, (number - 1) * PER_PAGE) {
        Err(m) => message = Some(m),
        Ok(req) => match run(&state, req, viewer.lang).await {
            Err(e) => message = Some(e),
            Ok(r) => {
                if !form.q.trim().is_empty() {
                    viewer.log(&state, Action::Search, None, &form.describe());
                }
                for name in FACET_FIELDS {
                    let chosen = form.facet(name);
                    let values = r.facets.get(name).cloned().unwrap_or_default();
                    if values.is_empty() {
                        continue;
                    }
                    facets.push(FacetBox {
                        label: facet_title(t, name),
                        values: values
                            .into_iter()
                            .take(12)
                            .map(|(value, count)| FacetValue {
                                label: facet_label(viewer.lang, name, &value),
                                active: same_value(name, chosen, &value),
                                href: form.with(name, &value).href("/search"),
                                count,
                            })
                            .collect(),
                    });
                }
                let pages = r.total_cases.div_ceil(PER_PAGE);
                results = Some(ResultsView {
                    total_cases: r.total_cases,
                    total_hits: r.total_hits,
                    first: (number - 1) * PER_PAGE + 1,
                    groups: rows(&r, &form.q),
                    previous: (number > 1)
                        .then(|| form.with("page", &(number - 1).to_string()).href("/search")),
                    next: (number < pages)
                        .then(|| form.with("page", &(number + 1).to_string()).href("/search")),
                });
            }
        },
    }
    let active: Vec<(&'static str, String)> = FACET_FIELDS
        .into_iter()
        .filter(|n| !form.facet(n).is_empty())
        .map(|n| (n, form.facet(n).to_string()))
        .collect();
    let mut cleared = form.clone();
    for n in FACET_FIELDS {
        cleared = cleared.with(n, "");
    }
    let mut export = form.clone();
    export.page.clear();
    html(
        StatusCode::OK,
        &SearchPage {
            t,
            lang: viewer.lang,
            nav: Some(Nav::of(&viewer)),
            clear_href: cleared.href("/search"),
            export_csv: export.href("/search/export.csv"),
            export_xlsx: export.href("/search/export.xlsx"),
            form,
            active,
            message,
            facets,
            results,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_filter_typed_in_words_marks_its_facet_value_active() {
        assert!(same_value("channel", "trực tiếp", "direct"));
        assert!(same_value("channel", "direct", "direct"));
        assert!(!same_value("channel", "Bưu chính", "online"));
        assert!(same_value("sector", "Ho tich", "Hộ tịch"));
        assert_eq!(facet_label(Lang::Vi, "channel", "postal"), "Bưu chính");
        assert_eq!(facet_label(Lang::En, "channel", "direct"), "In person");
        assert_eq!(facet_label(Lang::En, "status", "Đã trả"), "Đã trả");
    }
}
