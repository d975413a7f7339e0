//! Search results grouped by case, as the web shows them: one entry per case (ranked by its
//! best hit, or by date received), the pages whose text matched under it ("trang 3/11" and a
//! snippet), totals and facet counts in cases, not in hits. One pass over the matching
//! documents reads only fast fields (case id, page, date, facets); stored documents are read
//! for the shown cases only.

use crate::document::Display;
use crate::facets::Counts;
use crate::search::{html_escape, SearchRequest, Sort};
use crate::{ArchiveIndex, IndexError};
use serde::Serialize;
use std::collections::BTreeMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument};

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
#[derive(Debug, Clone)]
struct Acc {
    best: f32,
    /// The date received (read for the date orders only).
    received: Option<i64>,
    case_doc: Option<(f32, DocAddress)>,
    /// Best page hits so far: (score, page, document); no allocation per case.
    pages: [Option<(f32, u64, DocAddress)>; PAGES_SHOWN],
    page_hits: u64,
    /// A document of the case (for its facets).
    any_doc: DocId,
}

impl Acc {
    /// Keeps a page hit if it is among the best (higher score, then lower page number).
    fn offer_page(&mut self, hit: (f32, u64, DocAddress)) {
        let better = |a: &(f32, u64, DocAddress), b: &(f32, u64, DocAddress)| {
            a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
        };
        let mut worst = 0;
        for i in 0..PAGES_SHOWN {
            match &self.pages[i] {
                None => {
                    self.pages[i] = Some(hit);
                    return;
                }
                Some(p) => {
                    if let Some(w) = &self.pages[worst] {
                        if better(w, p) {
                            worst = i;
                        }
                    }
                }
            }
        }
        if let Some(w) = &self.pages[worst] {
            if better(&hit, w) {
                self.pages[worst] = Some(hit);
            }
        }
    }
}

/// Collects matching documents by case, segment by segment. Every document of a case is in
/// one segment (the index adds a case as one batch), so a segment's groups are whole cases:
/// each segment keeps only its best `keep` cases and its counts, and only those cases' ids
/// are read as text.
struct Groups {
    facets: bool,
    sort: Sort,
    keep: usize,
}

/// Hits are read in blocks: the fast fields of a block are decoded together.
const BLOCK: usize = 128;

struct SegmentGroups {
    segment: SegmentOrdinal,
    sort: Sort,
    keep: usize,
    ids: Option<StrColumn>,
    /// The case id ordinal of each document (`ids`' ordinals).
    ords: Option<Column<u64>>,
    page: Column<u64>,
    /// Hits not read yet, and room for their fast field values.
    block: Vec<(DocId, Score)>,
    block_docs: Vec<DocId>,
    block_ords: Vec<Option<u64>>,
    block_pages: Vec<Option<u64>>,
    received: Column<DateTime>,
    /// The `facets` column, when facets are counted.
    facet_column: Option<StrColumn>,
    /// Case id ordinal -> index in `groups` + 1 (0: not seen yet).
    slots: Vec<u32>,
    groups: Vec<(u64, Acc)>,
    hits: u64,
}

/// One segment's share of the answer.
struct Fruit {
    cases: usize,
    hits: u64,
    /// The segment's best cases in `sort` order, with their ids.
    top: Vec<(String, Acc)>,
    /// Cases per facet value.
    facets: Counts,
}

impl Collector for Groups {
    type Fruit = Vec<Fruit>;
    type Child = SegmentGroups;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentGroups> {
        let fast = reader.fast_fields();
        let ids = fast.str("case_id")?;
        let terms = ids.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentGroups {
            segment,
            sort: self.sort,
            keep: self.keep,
            ords: ids.as_ref().map(|c| c.ords().clone()),
            ids,
            page: fast.u64("page")?,
            block: Vec::with_capacity(BLOCK),
            block_docs: Vec::with_capacity(BLOCK),
            block_ords: Vec::with_capacity(BLOCK),
            block_pages: Vec::with_capacity(BLOCK),
            received: fast.date("received")?,
            facet_column: if self.facets {
                crate::facets::column(reader)?
            } else {
                None
            },
            slots: vec![0; terms],
            groups: Vec::new(),
            hits: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Fruit>>) -> tantivy::Result<Vec<Fruit>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentGroups {
    /// Reads the hits of the block: their case and page, decoded together.
    fn flush(&mut self) {
        let n = self.block.len();
        if n == 0 {
            return;
        }
        let Some(ords) = &self.ords else {
            self.block.clear();
            return;
        };
        self.block_docs.clear();
        self.block_docs.extend(self.block.iter().map(|(d, _)| *d));
        self.block_ords.clear();
        self.block_ords.resize(n, None);
        ords.first_vals(&self.block_docs, &mut self.block_ords);
        self.block_pages.clear();
        self.block_pages.resize(n, None);
        self.page
            .first_vals(&self.block_docs, &mut self.block_pages);
        for i in 0..n {
            let (doc, score) = self.block[i];
            if let Some(ord) = self.block_ords[i] {
                self.add(doc, score, ord, self.block_pages[i].unwrap_or(0));
            }
        }
        self.block.clear();
    }

    /// One hit: document `doc` of the case of ordinal `ord`, page `page` (0: the case).
    fn add(&mut self, doc: DocId, score: Score, ord: u64, page: u64) {
        self.hits += 1;
        let Some(slot) = self.slots.get_mut(ord as usize) else {
            return;
        };
        if *slot == 0 {
            // The date received orders cases only when asked for (a random read per case).
            let received = match self.sort {
                Sort::Relevance => None,
                _ => self.received.first(doc).map(|d| d.into_timestamp_secs()),
            };
            self.groups.push((
                ord,
                Acc {
                    best: f32::MIN,
                    received,
                    case_doc: None,
                    pages: [None; PAGES_SHOWN],
                    page_hits: 0,
                    any_doc: doc,
                },
            ));
            *slot = self.groups.len() as u32;
        }
        let acc = &mut self.groups[*slot as usize - 1].1;
        acc.best = acc.best.max(score);
        let addr = DocAddress::new(self.segment, doc);
        if page == 0 {
            acc.case_doc = Some((score, addr));
        } else {
            acc.page_hits += 1;
            acc.offer_page((score, page, addr));
        }
    }
}

impl SegmentCollector for SegmentGroups {
    type Fruit = Vec<Fruit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.block.push((doc, score));
        if self.block.len() == BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &doc in docs {
            self.collect(doc, 0.0);
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        self.flush();
        let Some(ids) = self.ids else {
            return Vec::new();
        };
        let cases = self.groups.len();
        // Facets: count cases per facet ordinal, then name each ordinal once.
        let facets = match &self.facet_column {
            Some(column) => {
                let mut per_ord = vec![0u64; column.num_terms()];
                for (_, acc) in &self.groups {
                    crate::facets::count(column, acc.any_doc, &mut per_ord);
                }
                crate::facets::named(column, &per_ord)
            }
            None => Counts::new(),
        };
        let sort = self.sort;
        let cmp = |a: &(u64, Acc), b: &(u64, Acc)| order(sort, &a.1, &b.1).then(a.0.cmp(&b.0));
        if self.groups.len() > self.keep {
            self.groups.select_nth_unstable_by(self.keep, cmp);
            self.groups.truncate(self.keep);
        }
        let mut id = String::new();
        let top = self
            .groups
            .into_iter()
            .filter_map(|(ord, acc)| {
                id.clear();
                if !matches!(ids.ord_to_str(ord, &mut id), Ok(true)) {
                    return None;
                }
                Some((id.clone(), acc))
            })
            .collect();
        vec![Fruit {
            cases,
            hits: self.hits,
            top,
            facets,
        }]
    }
}

/// The order of cases: best score, or date received (cases without a date last either way).
fn order(sort: Sort, a: &Acc, b: &Acc) -> std::cmp::Ordering {
    match sort {
        Sort::Relevance => b.best.total_cmp(&a.best),
        Sort::ReceivedDesc => b
            .received
            .map_or(i64::MIN, |d| d)
            .cmp(&a.received.map_or(i64::MIN, |d| d)),
        Sort::ReceivedAsc => a
            .received
            .map_or(i64::MAX, |d| d)
            .cmp(&b.received.map_or(i64::MAX, |d| d)),
    }
}

impl ArchiveIndex {
    /// Runs a search and groups its hits by case; `limit`/`offset` count cases.
    pub fn search_cases(&self, req: &SearchRequest) -> Result<GroupedResults, IndexError> {
        let searcher = self.reader()?.searcher();
        let query = self.query_of(req)?;
        let limit = req.limit.max(1);
        let end = req.offset.saturating_add(limit);
        let fruits = searcher.search(
            &query,
            &Groups {
                facets: req.facets,
                sort: req.sort,
                keep: end,
            },
        )?;
        let total_cases = fruits.iter().map(|f| f.cases).sum();
        let total_hits = fruits.iter().map(|f| f.hits as usize).sum();
        let facets = if req.facets {
            crate::facets::listed(fruits.iter().map(|f| &f.facets))
        } else {
            BTreeMap::new()
        };
        let mut all: Vec<(String, Acc)> = fruits.into_iter().flat_map(|f| f.top).collect();
        all.sort_by(|a, b| order(req.sort, &a.1, &b.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(end);
        let start = req.offset.min(all.len());
        let snippets = self.snippet_maker(&req.query);
        // Each case shown is read (its display, its pages' text) and its snippets cut on the
        // search threads: for a query of many hits this was a third of its time on one thread.
        let groups = self
            .index
            .search_executor()
            .map(
                |(case_id, acc)| Ok(self.case_group(&searcher, &snippets, req, case_id, acc)),
                all.drain(start..),
            )?
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
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

    /// One case of the results as shown: its display and snippet, its best pages' snippets.
    fn case_group(
        &self,
        searcher: &tantivy::Searcher,
        snippets: &SnippetGenerator,
        req: &SearchRequest,
        case_id: String,
        acc: Acc,
    ) -> Result<CaseGroup, IndexError> {
        let mut shown: Vec<(f32, u64, DocAddress)> = acc.pages.iter().flatten().copied().collect();
        shown.sort_by_key(|p| p.1);
        // The case: from its own hit, else from its case document (read once).
        let (snippet, display) = match (acc.case_doc, shown.first()) {
            (Some((score, addr)), _) => {
                let hit = self.hit_of(searcher, snippets, score, addr)?;
                (hit.snippet, hit.case)
            }
            (None, Some((_, _, addr))) => {
                let d = self
                    .case_display(searcher, addr.segment_ord, &case_id)?
                    .unwrap_or_default();
                (html_escape(&d.title), d)
            }
            (None, None) => (String::new(), Display::default()),
        };
        let mut pages = Vec::with_capacity(shown.len());
        for (_, page, addr) in &shown {
            let doc: TantivyDocument = searcher.doc(*addr)?;
            let text = doc
                .get_first(self.fields.text_f)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            pages.push(PageHit {
                page: *page,
                snippet: self.snippet(snippets, text, &display.title),
            });
        }
        Ok(CaseGroup {
            case_id,
            score: acc.best,
            metadata_hit: acc.case_doc.is_some() && !req.query.trim().is_empty(),
            snippet,
            pages,
            page_hits: acc.page_hits,
            case: display,
        })
    }
}
