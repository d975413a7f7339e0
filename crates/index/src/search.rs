//! Answering a search: the query, filters (agency, sector, procedure, channel, status, year),
//! date ranges (received, resolved, or the case period with overlap semantics), sort by
//! relevance or date, pagination, facet counts and highlighted snippets.

use crate::document::{parse_date, Display};
use crate::schema::filter_term;
use crate::{ArchiveIndex, IndexError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DateTime, DocAddress, DocSet, Order, SegmentOrdinal, TantivyDocument, Term, TERMINATED,
};

pub use crate::facets::FACETS;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest received first.
    ReceivedDesc,
    ReceivedAsc,
}

/// Filters, each optional; values may be typed with or without diacritics.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Agency name or code.
    pub agency: Option<String>,
    pub sector: Option<String>,
    /// Procedure code (mã TTHC).
    pub procedure: Option<String>,
    /// `direct`, `online` or `postal` (or trực tiếp, trực tuyến, bưu chính).
    pub channel: Option<String>,
    pub status: Option<String>,
    /// Year received.
    pub year: Option<i32>,
    /// Case period [received, returned or resolved] overlaps [from, to] (ISO dates).
    pub from: Option<String>,
    pub to: Option<String>,
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    pub resolved_from: Option<String>,
    pub resolved_to: Option<String>,
    /// What the person searching may see; `None` = everything (the command line, archivists).
    pub visibility: Option<Visibility>,
}

/// The cases a person may see, applied inside the query (so that hits, totals and facet counts
/// never reveal a case they may not open).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Only cases of this agency (code).
    pub agency: Option<String>,
    /// Reading-room rule (TT 05/2025 `mode`): public cases, and conditional ones listed in
    /// `granted`; never secret ones or ones whose mode is unknown.
    pub readers_rule: bool,
    /// Case ids of conditional-access cases this person was granted.
    pub granted: Vec<String>,
}

/// A date range of the filters that ends before it starts (`--from` later than `--to`): no case
/// can match it, so it is refused rather than answered with 0 hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversedRange {
    /// The options of the range as on the command line: `--from` and `--to`,
    /// `--received-from` and `--received-to`, `--resolved-from` and `--resolved-to`.
    pub options: (&'static str, &'static str),
    /// The two dates as they were typed.
    pub dates: (String, String),
}

impl std::fmt::Display for ReversedRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ((lo, hi), (from, to)) = (self.options, &self.dates);
        write!(
            f,
            "the date range is reversed: {lo} {from} is later than {hi} {to}"
        )
    }
}

impl ReversedRange {
    /// The same in Vietnamese.
    pub fn vi(&self) -> String {
        let ((lo, hi), (from, to)) = (self.options, &self.dates);
        format!("khoảng ngày bị đảo ngược: {lo} {from} muộn hơn {hi} {to}")
    }
}

impl Filters {
    /// The first date range that starts after it ends; dates that are not dates are left to
    /// the search, which says so.
    pub fn reversed_range(&self) -> Option<ReversedRange> {
        let ranges = [
            (("--from", "--to"), &self.from, &self.to),
            (
                ("--received-from", "--received-to"),
                &self.received_from,
                &self.received_to,
            ),
            (
                ("--resolved-from", "--resolved-to"),
                &self.resolved_from,
                &self.resolved_to,
            ),
        ];
        ranges.into_iter().find_map(|(options, lo, hi)| {
            let (lo, hi) = (lo.as_deref()?, hi.as_deref()?);
            let (a, b) = (day(options.0, lo).ok()?, day(options.1, hi).ok()?);
            (a > b).then(|| ReversedRange {
                options,
                dates: (lo.to_string(), hi.to_string()),
            })
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Filters,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    pub facets: bool,
    /// Only case-level hits (metadata), no page-text hits.
    pub cases_only: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub case_id: String,
    pub score: f32,
    /// Matching words marked with `<b>…</b>` (HTML-escaped text).
    pub snippet: String,
    pub bag: String,
    /// 0 for a case-level hit; the page number when the hit is in a page's text.
    pub page: u64,
    pub case: Display,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<Hit>,
    /// Counts per facet value: `agency`, `sector`, `procedure`, `channel`, `status`, `year`.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

fn bad_date(what: &str, v: &str) -> IndexError {
    IndexError::bad(
        format!("{what}: \"{v}\" không phải là ngày (YYYY-MM-DD hoặc DD/MM/YYYY)"),
        format!("{what}: \"{v}\" is not a date (YYYY-MM-DD or DD/MM/YYYY)"),
    )
}

/// Accepts `YYYY-MM-DD` or what people type (`dd/mm/yyyy`), returns the day's start.
fn day(what: &str, v: &str) -> Result<DateTime, IndexError> {
    let iso = sohoa_archive::values::date(v).unwrap_or_else(|| v.to_string());
    parse_date(&iso).ok_or_else(|| bad_date(what, v))
}

fn next_day(d: DateTime) -> DateTime {
    DateTime::from_timestamp_secs(d.into_timestamp_secs() + 86_400)
}

fn range(
    field: tantivy::schema::Field,
    lo: Option<DateTime>,
    hi_exclusive: Option<DateTime>,
) -> Box<dyn Query> {
    let lo = lo
        .map(|d| Bound::Included(Term::from_field_date(field, d)))
        .unwrap_or(Bound::Unbounded);
    let hi = hi_exclusive
        .map(|d| Bound::Excluded(Term::from_field_date(field, d)))
        .unwrap_or(Bound::Unbounded);
    Box::new(RangeQuery::new(lo, hi))
}

fn channel_code(v: &str) -> String {
    sohoa_archive::values::channel(v)
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

impl ArchiveIndex {
    fn visibility_queries(&self, v: &Visibility) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let filter = |name: &str, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.filters, &filter_term(name, value)),
                IndexRecordOption::Basic,
            ))
        };
        let mut out = Vec::new();
        if let Some(agency) = &v.agency {
            out.push(filter("agency", agency));
        }
        if v.readers_rule {
            let mut allowed: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, filter("access", "public"))];
            if !v.granted.is_empty() {
                let granted = TermSetQuery::new(
                    v.granted
                        .iter()
                        .map(|id| Term::from_field_text(f.case_id, id)),
                );
                allowed.push((
                    Occur::Should,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, filter("access", "conditional")),
                        (Occur::Must, Box::new(granted)),
                    ])),
                ));
            }
            out.push(Box::new(BooleanQuery::new(allowed)));
        }
        out
    }

    fn filter_queries(&self, flt: &Filters) -> Result<Vec<Box<dyn Query>>, IndexError> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let mut term = |name: &str, value: &str| {
            out.push(Box::new(TermQuery::new(
                Term::from_field_text(f.filters, &filter_term(name, value)),
                IndexRecordOption::Basic,
            )));
        };
        if let Some(v) = &flt.agency {
            term("agency", v);
        }
        if let Some(v) = &flt.sector {
            term("sector", v);
        }
        if let Some(v) = &flt.procedure {
            term("procedure", v);
        }
        if let Some(v) = &flt.channel {
            term("channel", &channel_code(v));
        }
        if let Some(v) = &flt.status {
            term("status", v);
        }
        if let Some(y) = flt.year {
            term("year", &y.to_string());
        }
        if let Some(v) = &flt.visibility {
            out.extend(self.visibility_queries(v));
        }
        if let Some(r) = flt.reversed_range() {
            return Err(IndexError::bad(r.vi(), r.to_string()));
        }
        let opt = |what: &str, v: &Option<String>| v.as_deref().map(|v| day(what, v)).transpose();
        let (from, to) = (opt("--from", &flt.from)?, opt("--to", &flt.to)?);
        if from.is_some() || to.is_some() {
            // Overlap: received <= to (end of that day) and period end >= from.
            out.push(range(f.received, None, to.map(next_day)));
            out.push(range(f.period_end, from, None));
        }
        let (rf, rt) = (
            opt("--received-from", &flt.received_from)?,
            opt("--received-to", &flt.received_to)?,
        );
        if rf.is_some() || rt.is_some() {
            out.push(range(f.received, rf, rt.map(next_day)));
        }
        let (sf, st) = (
            opt("--resolved-from", &flt.resolved_from)?,
            opt("--resolved-to", &flt.resolved_to)?,
        );
        if sf.is_some() || st.is_some() {
            out.push(range(f.resolved, sf, st.map(next_day)));
        }
        Ok(out)
    }

    /// The whole query of a request: its words, browsing = case documents only, the filters.
    pub(crate) fn query_of(&self, req: &SearchRequest) -> Result<BooleanQuery, IndexError> {
        let f = &self.fields;
        if crate::query::asks_for_an_id(&req.query) {
            if let Some((vi, en)) = self.id_search_problem() {
                return Err(IndexError::bad(
                    format!("tìm theo số định danh cần khóa định danh: {vi}"),
                    format!("searching by identity number needs the identifier key: {en}"),
                ));
            }
        }
        let text_query = crate::query::build(&req.query, f, self.key.as_ref());
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        if req.query.trim().is_empty() || req.cases_only {
            // Browsing (no words) lists cases, not each of their pages.
            parts.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.kind, "case"),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        for q in self.filter_queries(&req.filters)? {
            parts.push((Occur::Must, q));
        }
        Ok(BooleanQuery::new(parts))
    }

    /// Cuts highlighted snippets for the words of a query.
    pub(crate) fn snippet_maker(&self, query: &str) -> SnippetGenerator {
        let terms = crate::query::highlight_terms(query)
            .into_iter()
            .map(|t| (t, 1.0))
            .collect();
        let mut snippets = SnippetGenerator::new(
            terms,
            crate::analyzer::vi_folded(),
            self.fields.title_f,
            160,
        );
        snippets.set_max_num_chars(160);
        snippets
    }

    /// A document's display: a case document's own; a page's, its case document's (found by
    /// case id in the page's segment: a case's documents are added as one batch).
    pub(crate) fn display_of(
        &self,
        searcher: &tantivy::Searcher,
        segment: SegmentOrdinal,
        doc: &TantivyDocument,
    ) -> Result<Display, IndexError> {
        if let Some(display) = stored_display(doc, &self.fields) {
            return Ok(display);
        }
        let case_id = doc.get_first(self.fields.case_id).and_then(|v| v.as_str());
        Ok(match case_id {
            Some(id) => self.case_display(searcher, segment, id)?,
            None => None,
        }
        .unwrap_or_default())
    }

    /// The display of a case, from its case document in this segment.
    pub(crate) fn case_display(
        &self,
        searcher: &tantivy::Searcher,
        segment: SegmentOrdinal,
        case_id: &str,
    ) -> Result<Option<Display>, IndexError> {
        let reader = searcher.segment_reader(segment);
        let term = Term::from_field_text(self.fields.case_id, case_id);
        let Some(mut postings) = reader
            .inverted_index(self.fields.case_id)?
            .read_postings(&term, IndexRecordOption::Basic)?
        else {
            return Ok(None);
        };
        let pages = reader.fast_fields().u64("page")?;
        let alive = reader.alive_bitset();
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) && pages.first(doc) == Some(0) {
                let case: TantivyDocument = searcher.doc(DocAddress::new(segment, doc))?;
                return Ok(stored_display(&case, &self.fields));
            }
            doc = postings.advance();
        }
        Ok(None)
    }

    /// A snippet of `text` with the query's words marked, on one line; the title when none
    /// of them is in it.
    pub(crate) fn snippet(&self, snippets: &SnippetGenerator, text: &str, title: &str) -> String {
        let snippet = snippets.snippet(text);
        if snippet.fragment().is_empty() {
            html_escape(title)
        } else {
            // Page text keeps its line breaks; a snippet is one line.
            snippet
                .to_html()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    /// A hit as shown: the case's display, the page, a snippet from the page text or the case.
    pub(crate) fn hit_of(
        &self,
        searcher: &tantivy::Searcher,
        snippets: &SnippetGenerator,
        score: f32,
        addr: DocAddress,
    ) -> Result<Hit, IndexError> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(addr)?;
        let display = self.display_of(searcher, addr.segment_ord, &doc)?;
        let page = doc.get_first(f.page).and_then(|v| v.as_u64()).unwrap_or(0);
        let page_text = doc.get_first(f.text_f).and_then(|v| v.as_str());
        let snippet = match page_text {
            Some(t) if page > 0 => self.snippet(snippets, t, &display.title),
            _ => self.snippet(snippets, &display.searchable_text(), &display.title),
        };
        Ok(Hit {
            case_id: display.case_id.clone(),
            score,
            snippet,
            bag: display.bag_path.clone(),
            page,
            case: display,
        })
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, IndexError> {
        let searcher = self.reader()?.searcher();
        let query = self.query_of(req)?;
        let limit = req.limit.max(1);
        let top = TopDocs::with_limit(limit).and_offset(req.offset);
        let (total, docs): (usize, Vec<(f32, DocAddress)>) = match req.sort {
            Sort::Relevance => searcher.search(&query, &(Count, top.order_by_score()))?,
            Sort::ReceivedDesc | Sort::ReceivedAsc => {
                let order = if req.sort == Sort::ReceivedDesc {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let (n, d): (usize, Vec<(Option<DateTime>, DocAddress)>) = searcher.search(
                    &query,
                    &(
                        Count,
                        top.order_by_fast_field::<DateTime>("received", order),
                    ),
                )?;
                (n, d.into_iter().map(|(_, a)| (0.0, a)).collect())
            }
        };
        let snippets = self.snippet_maker(&req.query);
        let mut hits = Vec::with_capacity(docs.len());
        for (score, addr) in docs {
            hits.push(self.hit_of(&searcher, &snippets, score, addr)?);
        }
        let facets = if req.facets {
            crate::facets::listed(&searcher.search(&query, &crate::facets::FacetCounts)?)
        } else {
            BTreeMap::new()
        };
        Ok(SearchResults {
            query: crate::privacy::mask_ids(&req.query).into_owned(),
            total,
            offset: req.offset,
            limit,
            hits,
            facets,
        })
    }
}

/// The display stored in a case document.
fn stored_display(doc: &TantivyDocument, f: &crate::schema::Fields) -> Option<Display> {
    doc.get_first(f.display)
        .and_then(|v| v.as_str())
        .and_then(|s| serde_json::from_str(s).ok())
}

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_that_ends_before_it_starts_is_reversed() {
        let f = Filters {
            received_from: Some("01/08/2025".into()),
            received_to: Some("2025-07-31".into()),
            ..Default::default()
        };
        let r = f.reversed_range().expect("reversed");
        assert_eq!(r.options, ("--received-from", "--received-to"));
        assert_eq!(r.dates, ("01/08/2025".into(), "2025-07-31".into()));
        assert!(r.to_string().contains("01/08/2025") && r.to_string().contains("2025-07-31"));
        for (from, to) in [("2025-07-31", "31/07/2025"), ("2025-07-01", "2025-07-31")] {
            let f = Filters {
                from: Some(from.into()),
                to: Some(to.into()),
                ..Default::default()
            };
            assert_eq!(f.reversed_range(), None, "{from}..{to}");
        }
        let open = Filters {
            resolved_from: Some("2025-08-01".into()),
            ..Default::default()
        };
        assert_eq!(open.reversed_range(), None);
    }
}
