//! Search benchmark (not a test): indexes N generated metadata-only cases (default
//! 1,000,000; `SOHOA_BENCH_CASES` to change) and reports cases/s, index size, peak memory and
//! p50/p99 latency of five query shapes. Run: `cargo bench -p sohoa-index --bench search`.
//! The page-text benchmark is `pages.rs`.

mod common;

use common::{
    agency, case, cpu_secs, dir_size, document_rate, env_u64, print_header, time_shape, vm_mib,
    QueryShape, Rng,
};
use sohoa_index::document::CaseDoc;
use sohoa_index::{ArchiveIndex, Filters, SearchRequest};
use std::time::Instant;

fn main() {
    let n = env_u64("SOHOA_BENCH_CASES", 1_000_000);
    let queries_per_shape = env_u64("SOHOA_BENCH_QUERIES", 1000) as usize;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = Rng(42);
    let gen_start = Instant::now();
    let cases: Vec<CaseDoc> = (0..n).map(|i| case(i, &mut rng)).collect();
    let gen_secs = gen_start.elapsed().as_secs_f64();
    // What the queries need, kept aside; the cases themselves are moved into the index.
    let codes: Vec<String> = cases
        .iter()
        .map(|c| c.case.case_code.clone().unwrap_or_default())
        .collect();
    let names: Vec<String> = cases
        .iter()
        .map(|c| c.case.applicant_name.clone().unwrap_or_default())
        .collect();
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
    println!("cases: {count} (generated in {gen_secs:.1} s, not counted)");
    println!(
        "indexing CPU: {cpu:.1} s on every core ({:.1} µs a case; the least noisy measure)",
        1e6 * cpu / count as f64
    );
    println!(
        "indexing: {secs:.1} s, {:.0} cases/s (one bulk commit, including merges)",
        count as f64 / secs
    );
    println!(
        "index size: {:.1} MiB ({:.0} bytes/case); {} segments {:?}",
        size as f64 / 1_048_576.0,
        size as f64 / count as f64,
        idx.segment_count().expect("segments"),
        idx.segment_sizes().expect("segments"),
    );

    if queries_per_shape == 0 {
        println!("peak RSS: {:.0} MiB", vm_mib("VmHWM"));
        return;
    }
    let mut qrng = Rng(7);
    let shapes: Vec<(&str, QueryShape)> = vec![
        (
            "code lookup",
            Box::new(|r: &mut Rng| SearchRequest {
                query: codes[r.below(n) as usize].clone(),
                limit: 10,
                ..Default::default()
            }),
        ),
        (
            "name",
            Box::new(|r: &mut Rng| SearchRequest {
                query: names[r.below(n) as usize].clone(),
                limit: 10,
                ..Default::default()
            }),
        ),
        (
            "phrase",
            Box::new(|r: &mut Rng| SearchRequest {
                query: format!(
                    "\"{}\"",
                    [
                        "quyền sử dụng đất",
                        "đăng ký khai sinh",
                        "bản sao trích lục",
                        "nhà ở riêng lẻ"
                    ][r.below(4) as usize]
                ),
                limit: 10,
                ..Default::default()
            }),
        ),
        (
            "facet+date filter",
            Box::new(|r: &mut Rng| {
                let (y, m) = (2022 + r.below(4), 1 + r.below(12));
                SearchRequest {
                    query: String::new(),
                    filters: Filters {
                        agency: Some(agency(r.below(200)).1),
                        from: Some(format!("{y:04}-{m:02}-01")),
                        to: Some(format!("{y:04}-{m:02}-28")),
                        ..Default::default()
                    },
                    limit: 10,
                    facets: true,
                    ..Default::default()
                }
            }),
        ),
        (
            "folded query",
            Box::new(|r: &mut Rng| {
                let name = names[r.below(n) as usize].clone();
                SearchRequest {
                    query: sohoa_index::fold(&name),
                    limit: 10,
                    ..Default::default()
                }
            }),
        ),
    ];
    print_header();
    for (name, make) in &shapes {
        time_shape(name, queries_per_shape, &mut qrng, make, &|req| {
            idx.search(req).expect("search").total
        });
    }
    println!("\npeak RSS: {:.0} MiB", vm_mib("VmHWM"));
}
