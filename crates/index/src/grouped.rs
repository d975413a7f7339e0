//! Search results grouped by case, as the web shows them: one entry per case (ranked by its
//! best hit, or by date received), the pages whose text matched under it ("trang 3/11" and a
//! snippet), totals and facet counts in cases, not in hits. One pass over the matching
//! documents reads only fast fields (case id, page, date, facets); stored documents are read
//! for the shown cases only.

use crate::document::Display;
use crate::search::{html_escape, SearchRequest, Sort, FACETS};
use crate::{ArchiveIndex, IndexError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DateTime, DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Page hits shown under a case (the best ones, in page order); the rest are counted.
pub const PAGES_SHOWN: usize = 3;

/// A page of a case whose text matched.
#[derive(Debug, Clone, Serialize)]
pub struct PageHit {
    pub page: u64,
    /// Matching words marked with `<b>…</b>` (HTML-escaped text).
    pub snippet: String,
}

/// One case of the results.
#[derive(Debug, Clone, Serialize)]
pub struct CaseGroup {
    pub case_id: String,
    pub score: f32,
    /// The case's metadata matched (not only page text).
    pub metadata_hit: bool,
    /// From the metadata when it matched, else the case title.
    pub snippet: String,
    /// The best page hits, in page order (at most [`PAGES_SHOWN`]).
    pub pages: Vec<PageHit>,
    /// How many pages of the case matched.
    pub page_hits: u64,
    pub case: Display,
}

/// A page of grouped results.
#[derive(Debug, Clone, Serialize)]
pub struct GroupedResults {
    pub query: String,
    /// Cases that match.
    pub total_cases: usize,
    /// Documents that match (case metadata + pages).
    pub total_hits: usize,
    pub offset: usize,
    pub limit: usize,
    pub groups: Vec<CaseGroup>,
    /// Counts of matching cases per facet value: `agency`, `sector`, `procedure`, `channel`,
    /// `status`, `year`, most frequent first.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

/// What one pass learns of a case.
#[derive(Debug, Clone, Default)]
struct Acc {
    best: f32,
    received: Option<i64>,
    case_doc: Option<(f32, DocAddress)>,
    /// Best page hits: (score, page, document).
    pages: Vec<(f32, u64, DocAddress)>,
    page_hits: u64,
    hits: u64,
    facets: Vec<Arc<(String, String)>>,
}

impl Acc {
    fn keep_best_pages(&mut self) {
        if self.pages.len() > PAGES_SHOWN {
            self.pages
                .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            self.pages.truncate(PAGES_SHOWN);
        }
    }

    /// The same case seen in another segment (its documents may be spread over several).
    fn merge(&mut self, other: Acc) {
        self.best = self.best.max(other.best);
        self.received = self.received.or(other.received);
        self.case_doc = self.case_doc.or(other.case_doc);
        self.pages.extend(other.pages);
        self.keep_best_pages();
        self.page_hits += other.page_hits;
        self.hits += other.hits;
        if self.facets.is_empty() {
            self.facets = other.facets;
        }
    }
}

/// Collects matching documents into per-case accumulators.
struct Groups {
    facets: bool,
}

struct SegmentGroups {
    segment: SegmentOrdinal,
    ids: Option<StrColumn>,
    page: Column<u64>,
    received: Column<DateTime>,
    facet_reader: Option<FacetReader>,
    /// Case id ordinal -> (accumulator, a document of the case).
    groups: HashMap<u64, (Acc, DocId)>,
}

impl Collector for Groups {
    type Fruit = Vec<(String, Acc)>;
    type Child = SegmentGroups;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentGroups> {
        let fast = reader.fast_fields();
        Ok(SegmentGroups {
            segment,
            ids: fast.str("case_id")?,
            page: fast.u64("page")?,
            received: fast.date("received")?,
            facet_reader: if self.facets {
                Some(reader.facet_reader("facets")?)
            } else {
                None
            },
            groups: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(String, Acc)>>) -> tantivy::Result<Self::Fruit> {
        let mut by_case: HashMap<String, Acc> = HashMap::new();
        for (id, acc) in fruits.into_iter().flatten() {
            match by_case.get_mut(&id) {
                Some(seen) => seen.merge(acc),
                None => {
                    by_case.insert(id, acc);
                }
            }
        }
        Ok(by_case.into_iter().collect())
    }
}

impl SegmentCollector for SegmentGroups {
    type Fruit = Vec<(String, Acc)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(ord) = self.ids.as_ref().and_then(|c| c.term_ords(doc).next()) else {
            return;
        };
        let page = self.page.first(doc).unwrap_or(0);
        let addr = DocAddress::new(self.segment, doc);
        let (acc, _) = self.groups.entry(ord).or_insert_with(|| {
            let received = self.received.first(doc).map(|d| d.into_timestamp_secs());
            (
                Acc {
                    best: f32::MIN,
                    received,
                    ..Acc::default()
                },
                doc,
            )
        });
        acc.best = acc.best.max(score);
        acc.hits += 1;
        if page == 0 {
            acc.case_doc = Some((score, addr));
        } else {
            acc.page_hits += 1;
            acc.pages.push((score, page, addr));
            if acc.pages.len() > 4 * PAGES_SHOWN {
                acc.keep_best_pages();
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let Some(ids) = self.ids else {
            return Vec::new();
        };
        // Facet values repeat (a few agencies, sectors, years): decode each ordinal once.
        let mut names: HashMap<u64, Arc<(String, String)>> = HashMap::new();
        let mut facet = Facet::root();
        let mut id = String::new();
        let mut out = Vec::with_capacity(self.groups.len());
        for (ord, (mut acc, doc)) in self.groups {
            id.clear();
            if !matches!(ids.ord_to_str(ord, &mut id), Ok(true)) {
                continue;
            }
            acc.keep_best_pages();
            if let Some(reader) = &self.facet_reader {
                for f in reader.facet_ords(doc) {
                    if let Some(named) = names.get(&f) {
                        acc.facets.push(named.clone());
                    } else if reader.facet_from_ord(f, &mut facet).is_ok() {
                        let path = facet.to_path();
                        if let [name, value] = path.as_slice() {
                            let named = Arc::new((name.to_string(), value.to_string()));
                            names.insert(f, named.clone());
                            acc.facets.push(named);
                        }
                    }
                }
            }
            out.push((id.clone(), acc));
        }
        out
    }
}

fn order(sort: Sort, a: &(String, Acc), b: &(String, Acc)) -> std::cmp::Ordering {
    let by_id = || a.0.cmp(&b.0);
    // Cases without a date come last either way.
    let date = |x: &Acc| x.received.map_or(i64::MIN, |d| d);
    match sort {
        Sort::Relevance => b.1.best.total_cmp(&a.1.best).then_with(by_id),
        Sort::ReceivedDesc => date(&b.1).cmp(&date(&a.1)).then_with(by_id),
        Sort::ReceivedAsc => {
            let date = |x: &Acc| x.received.map_or(i64::MAX, |d| d);
            date(&a.1).cmp(&date(&b.1)).then_with(by_id)
        }
    }
}

impl ArchiveIndex {
    /// Runs a search and groups its hits by case; `limit`/`offset` count cases.
    pub fn search_cases(&self, req: &SearchRequest) -> Result<GroupedResults, IndexError> {
        let searcher = self.reader()?.searcher();
        let query = self.query_of(req)?;
        let mut all = searcher.search(&query, &Groups { facets: req.facets })?;
        let total_hits = all.iter().map(|(_, a)| a.hits as usize).sum();
        let mut facets = BTreeMap::new();
        if req.facets {
            let mut counts: HashMap<&(String, String), u64> = HashMap::new();
            for (_, acc) in &all {
                for f in &acc.facets {
                    *counts.entry(f.as_ref()).or_default() += 1;
                }
            }
            for name in FACETS {
                let mut v: Vec<(String, u64)> = counts
                    .iter()
                    .filter(|((n, _), _)| n == name)
                    .map(|((_, value), n)| (value.clone(), *n))
                    .collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                facets.insert(name.to_string(), v);
            }
        }
        let total_cases = all.len();
        let limit = req.limit.max(1);
        let end = req.offset.saturating_add(limit).min(total_cases);
        let start = req.offset.min(end);
        if end < total_cases {
            all.select_nth_unstable_by(end, |a, b| order(req.sort, a, b));
        }
        all.truncate(end);
        all.sort_by(|a, b| order(req.sort, a, b));
        let snippets = self.snippet_maker(&req.query);
        let mut groups = Vec::with_capacity(end - start);
        for (case_id, mut acc) in all.drain(start..) {
            acc.pages.sort_by_key(|p| p.1);
            let mut pages = Vec::with_capacity(acc.pages.len());
            let mut display = None;
            for (score, page, addr) in &acc.pages {
                let hit = self.hit_of(&searcher, &snippets, *score, *addr)?;
                pages.push(PageHit {
                    page: *page,
                    snippet: hit.snippet,
                });
                display.get_or_insert(hit.case);
            }
            let (snippet, display) = match acc.case_doc {
                Some((score, addr)) => {
                    let hit = self.hit_of(&searcher, &snippets, score, addr)?;
                    (hit.snippet, hit.case)
                }
                None => {
                    let d = display.unwrap_or_default();
                    (html_escape(&d.title), d)
                }
            };
            groups.push(CaseGroup {
                case_id,
                score: acc.best,
                metadata_hit: acc.case_doc.is_some() && !req.query.trim().is_empty(),
                snippet,
                pages,
                page_hits: acc.page_hits,
                case: display,
            });
        }
        Ok(GroupedResults {
            query: crate::privacy::mask_ids(&req.query).into_owned(),
            total_cases,
            total_hits,
            offset: req.offset,
            limit,
            groups,
            facets,
        })
    }
}
