//! Page text as the index answers it. Phrases are looked up through pairs of common words (see
//! `common_words`): a phrase must still match exactly the pages where its words are in a row,
//! folded, whatever mix of common and other words it has, also across line breaks and
//! punctuation, never across two pages. Words and phrases looked for everywhere are asked page
//! text together and case texts together: the same documents with the same scores as each
//! clause on its own.

use sohoa_archive::record::CaseInfo;
use sohoa_index::analyzer::{tokens, vi_folded};
use sohoa_index::document::CaseDoc;
use sohoa_index::privacy::IdKey;
use sohoa_index::{ArchiveIndex, SearchRequest};
use std::collections::BTreeSet;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query};

/// Common words (in the list) and others, with and without marks.
const WORDS: &[&str] = &[
    "quyền", "sử", "dụng", "đất", "thửa", "số", "và", "của", "nhà", "ở", "ngày", "tháng", "năm",
    "giấy", "chứng", "nhận", "Lan", "Khánh", "lúa", "kênh", "mương", "xóm", "dat", "su", "ruộng",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", " ", ", ", "\n", ". ", " - "];

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn text(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for _ in 0..words {
        s.push_str(WORDS[rng.below(WORDS.len())]);
        s.push_str(SEPARATORS[rng.below(SEPARATORS.len())]);
    }
    s
}

fn folded(s: &str) -> Vec<String> {
    tokens(&mut vi_folded(), s)
}

/// Forty cases of five pages of random text; their titles and applicants use the same words.
/// A page as the test knows it: its case, number and folded words.
type Page = (String, u64, Vec<String>);

fn corpus(rng: &mut Rng) -> (Vec<CaseDoc>, Vec<Page>) {
    let mut pages = Vec::new();
    let cases: Vec<CaseDoc> = (0..40)
        .map(|i| {
            let id = format!("case-{i:02}");
            let texts: Vec<(u64, String)> =
                (1..=5).map(|p| (p, text(rng, 12 + p as usize))).collect();
            for (p, t) in &texts {
                pages.push((id.clone(), *p, folded(t)));
            }
            CaseDoc {
                case_id: id.clone(),
                version: 1,
                case: CaseInfo {
                    case_code: Some(id),
                    applicant_name: (i % 3 == 0).then(|| text(rng, 3)),
                    ..Default::default()
                },
                hoso: sohoa_archive::record::HoSo {
                    title: (i % 2 == 0).then(|| text(rng, 6)),
                    ..Default::default()
                },
                page_count: 5,
                pages: texts,
                metadata_status: "complete".into(),
                ..Default::default()
            }
        })
        .collect();
    (cases, pages)
}

#[test]
fn phrases_match_exactly_where_the_words_are_in_a_row() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (cases, pages) = corpus(&mut rng);
    let dir = tempfile::tempdir().expect("temp dir");
    let (idx, _) =
        ArchiveIndex::build_from(dir.path(), IdKey::fixed(9), cases.into_iter()).expect("index");
    let mut checked = 0;
    for n in 0..400 {
        // Phrases taken from the pages (they match somewhere) and made up (they may not).
        let words = 2 + n % 4;
        let phrase: Vec<String> = if n % 2 == 0 {
            let (_, _, t) = &pages[rng.below(pages.len())];
            let start = rng.below(t.len() - words);
            t[start..start + words].to_vec()
        } else {
            (0..words)
                .map(|_| folded(WORDS[rng.below(WORDS.len())]).remove(0))
                .collect()
        };
        let expected: BTreeSet<(String, u64)> = pages
            .iter()
            .filter(|(_, _, t)| t.windows(words).any(|w| w == phrase.as_slice()))
            .map(|(id, p, _)| (id.clone(), *p))
            .collect();
        for query in [
            format!("\"{}\"", phrase.join(" ")),
            format!("noi_dung:\"{}\"", phrase.join(" ")),
        ] {
            let found: BTreeSet<(String, u64)> = idx
                .search(&SearchRequest {
                    query: query.clone(),
                    limit: 1000,
                    ..Default::default()
                })
                .expect("search")
                .hits
                .into_iter()
                .filter(|h| h.page > 0)
                .map(|h| (h.case_id, h.page))
                .collect();
            assert_eq!(found, expected, "{query}");
            checked += expected.len();
        }
    }
    assert!(checked > 500, "phrases found: {checked}");
}

#[test]
fn clauses_asked_together_match_and_score_as_each_on_its_own() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (cases, _) = corpus(&mut rng);
    let dir = tempfile::tempdir().expect("temp dir");
    let (idx, _) =
        ArchiveIndex::build_from(dir.path(), IdKey::fixed(9), cases.into_iter()).expect("index");
    let searcher = idx.index.reader().expect("reader").searcher();
    let key = IdKey::fixed(9);
    let top = |q: &dyn Query| {
        let mut docs: Vec<(tantivy::DocAddress, f32)> = searcher
            .search(q, &TopDocs::with_limit(10_000).order_by_score())
            .expect("search")
            .into_iter()
            .map(|(s, a)| (a, s))
            .collect();
        docs.sort_by_key(|(a, _)| *a);
        docs
    };
    let mut compared = 0;
    for n in 0..150 {
        let clauses: Vec<String> = (0..1 + n % 4)
            .map(|k| match (n + k) % 5 {
                0 => format!(
                    "\"{} {}\"",
                    WORDS[rng.below(WORDS.len())],
                    WORDS[rng.below(WORDS.len())]
                ),
                1 => format!("-{}", WORDS[rng.below(WORDS.len())]),
                _ => WORDS[rng.below(WORDS.len())].to_string(),
            })
            .collect();
        let together = sohoa_index::query::build(&clauses.join(" "), &idx.fields, Some(&key));
        let each: Vec<(Occur, Box<dyn Query>)> = clauses
            .iter()
            .map(|c| match c.strip_prefix('-') {
                Some(c) => (
                    Occur::MustNot,
                    sohoa_index::query::build(c, &idx.fields, Some(&key)),
                ),
                None => (
                    Occur::Must,
                    sohoa_index::query::build(c, &idx.fields, Some(&key)),
                ),
            })
            .collect();
        if clauses.iter().all(|c| c.starts_with('-')) {
            continue;
        }
        let (a, b) = (top(together.as_ref()), top(&BooleanQuery::new(each)));
        assert_eq!(a.len(), b.len(), "{clauses:?}");
        for ((da, sa), (db, sb)) in a.iter().zip(&b) {
            assert_eq!(da, db, "{clauses:?}");
            assert!(
                (sa - sb).abs() <= 1e-4 * sa.abs().max(1.0),
                "{clauses:?}: {sa} {sb}"
            );
        }
        compared += a.len();
    }
    assert!(compared > 200, "{compared}");
}
