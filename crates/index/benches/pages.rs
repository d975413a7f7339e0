//! Page-text search benchmark (not a test): indexes N generated cases (default 100,000;
//! `SOHOA_BENCH_CASES`) of P OCR pages each (default 10; `SOHOA_BENCH_PAGES`) of generated
//! Vietnamese administrative text through the real document-building code, then times the
//! query shapes people use: words common, uncommon and rare, phrases, folded (no-diacritics) queries,
//! case codes and filters with a word, each as `sohoa search` runs them (`search`) and as the
//! web shows them (`search_cases`: grouped by case, 20 cases, facets). Prints indexing time,
//! pages/s, index size per page, peak memory and p50/p99/max per shape
//! (`SOHOA_BENCH_QUERIES` per shape, default 1,000; `SOHOA_BENCH_SHOW=1` prints two pages). Run:
//! `cargo bench -p sohoa-index --bench pages`.

mod common;

use common::ocr_text::{page, Vocabulary};
use common::{
    agency, case, cpu_secs, dir_size, document_rate, env_u64, print_header, time_shape, vm_mib,
    QueryShape, Rng,
};
use sohoa_index::document::CaseDoc;
use sohoa_index::{ArchiveIndex, Filters, SearchRequest};
use std::time::Instant;

/// Content words people look for in page text (frequent in it).
const COMMON_WORDS: &[&str] = &[
    "đất", "nhà", "thửa", "giấy", "khai", "thuế", "xây", "hợp", "chuyển", "sinh",
];
/// Phrases of the forms.
const PHRASES: &[&str] = &[
    "thửa đất số",
    "quyền sử dụng đất",
    "tờ bản đồ",
    "nơi cư trú",
    "giấy chứng nhận",
    "hợp đồng chuyển nhượng",
    "đăng ký khai sinh",
    "cam đoan những nội dung",
];

/// Fills in the pages of every case, on every core; each case's text depends only on its
/// number, so the corpus is the same whatever the number of threads.
fn add_pages(cases: &mut [CaseDoc], per_case: u64, vocab: &Vocabulary) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = cases.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for (c, part) in cases.chunks_mut(chunk).enumerate() {
            s.spawn(move || {
                for (k, case) in part.iter_mut().enumerate() {
                    let i = (c * chunk + k) as u64;
                    let mut rng = Rng(0x5EED_0000 ^ i.wrapping_mul(0x9E37_79B9));
                    case.page_count = per_case;
                    case.pages = (1..=per_case)
                        .map(|n| (n, page(case, n, vocab, &mut rng)))
                        .collect();
                }
            });
        }
    });
}

fn main() {
    let n = env_u64("SOHOA_BENCH_CASES", 100_000);
    let per_case = env_u64("SOHOA_BENCH_PAGES", 10);
    let queries = env_u64("SOHOA_BENCH_QUERIES", 1000) as usize;
    let dir = tempfile::tempdir().expect("temp dir");
    let vocab = Vocabulary::new();
    let gen_start = Instant::now();
    let mut rng = Rng(42);
    let mut cases: Vec<CaseDoc> = (0..n).map(|i| case(i, &mut rng)).collect();
    add_pages(&mut cases, per_case, &vocab);
    let gen_secs = gen_start.elapsed().as_secs_f64();
    let pages = n * per_case;
    if std::env::var_os("SOHOA_BENCH_SHOW").is_some() {
        for (p, text) in cases.iter().take(1).flat_map(|c| c.pages.iter().take(2)) {
            println!("--- page {p} ---\n{text}\n");
        }
    }
    let text_bytes: usize = cases
        .iter()
        .flat_map(|c| c.pages.iter().map(|(_, t)| t.len()))
        .sum();
    let words: usize = cases
        .iter()
        .flat_map(|c| c.pages.iter().map(|(_, t)| t.split_whitespace().count()))
        .sum();
    // What the queries need, kept aside; the cases themselves are moved into the index.
    let codes: Vec<String> = cases
        .iter()
        .map(|c| c.case.case_code.clone().unwrap_or_default())
        .collect();
    println!(
        "cases: {n}, pages: {pages} ({:.0} bytes, {:.0} words of text a page on average; generated in {gen_secs:.1} s, not counted)",
        text_bytes as f64 / pages.max(1) as f64,
        words as f64 / pages.max(1) as f64,
    );
    // What the index makes of a sample of pages: folded words, and pairs of common words.
    let sample: Vec<&String> = cases
        .iter()
        .flat_map(|c| c.pages.iter().map(|(_, t)| t))
        .take(5000)
        .collect();
    let mut analyzer = sohoa_index::analyzer::vi_folded_with_pairs();
    let (mut unigrams, mut pairs) = (0usize, 0usize);
    for text in &sample {
        for token in sohoa_index::analyzer::tokens(&mut analyzer, text) {
            if token.contains(' ') {
                pairs += 1;
            } else {
                unigrams += 1;
            }
        }
    }
    println!(
        "vocabulary: {} syllables; indexed a page: {:.0} words and {:.0} pairs of common words; RSS with the generated corpus in memory: {:.0} MiB",
        vocab.words.len(),
        unigrams as f64 / sample.len().max(1) as f64,
        pairs as f64 / sample.len().max(1) as f64,
        vm_mib("VmRSS")
    );
    println!(
        "document building alone: {:.0} documents/s on one thread",
        document_rate(&cases)
    );
    let (start, cpu_start) = (Instant::now(), cpu_secs());
    let (idx, count) = ArchiveIndex::build_from(
        &dir.path().join("index"),
        sohoa_index::privacy::IdKey::fixed(1),
        cases.into_iter(),
    )
    .expect("index");
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_start;
    let size = dir_size(&dir.path().join("index"));
    println!(
        "indexing: {secs:.1} s, {:.0} pages/s, {:.0} cases/s (one bulk commit, including merges)",
        pages as f64 / secs,
        count as f64 / secs
    );
    println!(
        "indexing CPU: {cpu:.1} s on every core ({:.1} µs a page; the least noisy measure)",
        1e6 * cpu / pages.max(1) as f64
    );
    println!(
        "index size: {:.1} MiB ({:.0} bytes/page, {:.0}% of the page text); {} segments {:?}",
        size as f64 / 1_048_576.0,
        size as f64 / pages.max(1) as f64,
        100.0 * size as f64 / text_bytes.max(1) as f64,
        idx.segment_count().expect("segments"),
        idx.segment_sizes().expect("segments"),
    );

    if queries == 0 {
        println!("peak RSS: {:.0} MiB", vm_mib("VmHWM"));
        return;
    }
    let uncommon = vocab.rare(2000);
    let word = |r: &mut Rng| COMMON_WORDS[r.below(COMMON_WORDS.len() as u64) as usize];
    let uncommon_word = |r: &mut Rng| uncommon[r.below(uncommon.len() as u64) as usize].clone();
    let rare_word = |r: &mut Rng| vocab.glued[r.below(vocab.glued.len() as u64) as usize].clone();
    let phrase = |r: &mut Rng| format!("\"{}\"", PHRASES[r.below(PHRASES.len() as u64) as usize]);
    let folded = |r: &mut Rng| sohoa_index::fold(PHRASES[r.below(PHRASES.len() as u64) as usize]);
    let code = |r: &mut Rng| codes[r.below(n) as usize].clone();
    let filtered = |r: &mut Rng| {
        let (y, m) = (2022 + r.below(4), 1 + r.below(12));
        (
            word(r).to_string(),
            Filters {
                agency: Some(agency(r.below(200)).1),
                received_from: Some(format!("{y:04}-{m:02}-01")),
                received_to: Some(format!("{y:04}-{m:02}-28")),
                ..Default::default()
            },
        )
    };
    // `sohoa search`: 10 hits, no facets.
    let cli = |query: String| SearchRequest {
        query,
        limit: 10,
        ..Default::default()
    };
    // The web's search page: 20 cases a page, facet counts.
    let web = |query: String| SearchRequest {
        query,
        limit: 20,
        facets: true,
        ..Default::default()
    };
    let shapes: Vec<(&str, QueryShape)> = vec![
        ("common word", Box::new(|r| cli(word(r).into()))),
        ("uncommon word", Box::new(|r| cli(uncommon_word(r)))),
        ("rare word", Box::new(|r| cli(rare_word(r)))),
        ("phrase", Box::new(|r| cli(phrase(r)))),
        ("folded words", Box::new(|r| cli(folded(r)))),
        ("code lookup", Box::new(|r| cli(code(r)))),
        (
            "agency+dates+word",
            Box::new(|r| {
                let (q, filters) = filtered(r);
                SearchRequest { filters, ..cli(q) }
            }),
        ),
    ];
    let grouped: Vec<(&str, QueryShape)> = vec![
        ("web: common word", Box::new(|r| web(word(r).into()))),
        ("web: uncommon word", Box::new(|r| web(uncommon_word(r)))),
        ("web: rare word", Box::new(|r| web(rare_word(r)))),
        ("web: phrase", Box::new(|r| web(phrase(r)))),
        ("web: folded words", Box::new(|r| web(folded(r)))),
        ("web: code lookup", Box::new(|r| web(code(r)))),
        (
            "web: agency+dates+word",
            Box::new(|r| {
                let (q, filters) = filtered(r);
                SearchRequest { filters, ..web(q) }
            }),
        ),
    ];
    let mut qrng = Rng(7);
    print_header();
    for (name, make) in &shapes {
        time_shape(name, queries, &mut qrng, make, &|req| {
            idx.search(req).expect("search").total
        });
    }
    for (name, make) in &grouped {
        time_shape(name, queries, &mut qrng, make, &|req| {
            idx.search_cases(req).expect("search_cases").total_cases
        });
    }
    println!("\npeak RSS: {:.0} MiB", vm_mib("VmHWM"));
}
