//! Search benchmark (not a test): indexes N generated metadata-only cases (default
//! 1,000,000; `SOHOA_BENCH_CASES` to change) and reports cases/s, index size and p50/p99
//! latency of five query shapes. Run: `cargo bench -p sohoa-index --bench search`.

use sohoa_archive::record::{CaseInfo, HoSo};
use sohoa_index::document::{CaseDoc, ComponentDoc};
use sohoa_index::{ArchiveIndex, Filters, SearchRequest};
use std::time::Instant;

/// A small deterministic generator (SplitMix64), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Thu", "Xuân", "Gia",
    "Bảo", "Kim",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khôi", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn",
    "Tâm", "Thảo", "Thủy", "Trang", "Trung", "Tuấn", "Vy", "Yến", "Đức", "Khang", "Ân",
];
const PROCEDURES: &[(&str, &str, &str)] = &[
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực"),
    ("2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch"),
    (
        "1.013978",
        "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Đất đai",
    ),
    (
        "1.012753",
        "Đăng ký đất đai cho tổ chức đang sử dụng đất",
        "Đất đai",
    ),
    ("2.000908", "Cấp bản sao từ sổ gốc", "Chứng thực"),
    (
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
    ),
    (
        "1.009972",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Hoạt động xây dựng",
    ),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch"),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch"),
];
const PLACES: &[&str] = &[
    "Tân Hòa",
    "Phú Mỹ",
    "Long Khánh",
    "Hòa Bình",
    "Đông Hà",
    "Thủy Nguyên",
    "Quảng Điền",
    "Bắc Sơn",
    "Mỹ Tho",
    "An Phú",
];
const SUBJECTS: &[&str] = &[
    "Tờ khai",
    "Giấy chứng sinh",
    "Giấy ủy quyền",
    "Bản sao CCCD",
    "Trích đo địa chính",
    "Hợp đồng chuyển nhượng",
    "Đơn đề nghị",
    "Bản vẽ thiết kế",
];

fn agency(i: u64) -> (String, String) {
    let place = PLACES[(i % PLACES.len() as u64) as usize];
    let code = format!("000.00.{:02}.H{:02}", 10 + i % 40, 10 + i / 40 % 50);
    (code, format!("UBND xã {place} {}", i % 5 + 1))
}

fn case(i: u64, rng: &mut Rng) -> CaseDoc {
    let (pcode, pname, sector) = PROCEDURES[(rng.below(PROCEDURES.len() as u64)) as usize];
    let (acode, aname) = agency(rng.below(200));
    let name = format!(
        "{} {} {}",
        rng.pick(SURNAMES),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    );
    let child = format!(
        "{} {} {}",
        rng.pick(SURNAMES),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    );
    let (y, m, d) = (2022 + rng.below(4), 1 + rng.below(12), 1 + rng.below(28));
    let received = format!("{y:04}-{m:02}-{d:02}");
    let due = format!("{y:04}-{m:02}-{:02}", (d + 5).min(28));
    let done = rng.below(10) < 8;
    let resolved = done.then(|| format!("{y:04}-{m:02}-{:02}", (d + rng.below(10)).min(28)));
    let code = format!("{acode}-{:02}{m:02}{d:02}-{:04}", y % 100, i % 10_000);
    let n_comp = 1 + rng.below(3);
    let components = (0..n_comp)
        .map(|k| ComponentDoc {
            label: SUBJECTS[((i + k) % SUBJECTS.len() as u64) as usize].into(),
            subject: Some(format!("{} của {name}", rng.pick(SUBJECTS))),
            ..Default::default()
        })
        .collect();
    CaseDoc {
        case_id: code.clone(),
        version: 1,
        bag_path: format!("bags/{code}"),
        bundle_sha256: format!("{:016x}{:016x}", rng.next(), rng.next()),
        page_count: 1 + rng.below(20),
        metadata_status: "complete".into(),
        case: CaseInfo {
            case_code: Some(code),
            procedure_code: Some(pcode.into()),
            procedure_name: Some(pname.into()),
            sector: Some(sector.into()),
            agency_code: Some(acode),
            agency_name: Some(aname),
            applicant_name: Some(name.clone()),
            applicant_id: Some(format!(
                "0{:02}{}{:02}{:06}",
                1 + rng.below(96),
                rng.below(4),
                rng.below(100),
                rng.below(1_000_000)
            )),
            channel: Some(["direct", "online", "postal"][rng.below(3) as usize].into()),
            status: Some(
                if done {
                    "Đã trả kết quả"
                } else {
                    "Đang giải quyết"
                }
                .into(),
            ),
            received_date: Some(received),
            due_date: Some(due),
            resolved_date: resolved.clone(),
            returned_date: resolved,
            ..Default::default()
        },
        hoso: HoSo {
            title: Some(format!("Hồ sơ {} cho {child}", pname.to_lowercase())),
            maintenance: Some("01".into()),
            mode: Some("01".into()),
            language: Some("01".into()),
            confidence_level: Some("02".into()),
            ..Default::default()
        },
        components,
        ..Default::default()
    }
}

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Makes one query of a shape from the random source.
type QueryShape<'a> = Box<dyn Fn(&mut Rng) -> SearchRequest + 'a>;

fn main() {
    let n: u64 = std::env::var("SOHOA_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let queries_per_shape: usize = std::env::var("SOHOA_BENCH_QUERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
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
    let start = Instant::now();
    let (idx, count) = ArchiveIndex::build_from(
        &dir.path().join("index"),
        sohoa_index::privacy::IdKey::fixed(1),
        cases.into_iter(),
    )
    .expect("index");
    let secs = start.elapsed().as_secs_f64();
    let size = dir_size(&dir.path().join("index"));
    println!("cases: {count} (generated in {gen_secs:.1} s, not counted)");
    println!(
        "indexing: {secs:.1} s, {:.0} cases/s (one bulk commit, including merges)",
        count as f64 / secs
    );
    println!(
        "index size: {:.1} MiB ({:.0} bytes/case)",
        size as f64 / 1_048_576.0,
        size as f64 / count as f64
    );

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
    println!(
        "\n{:<20} {:>8} {:>10} {:>10} {:>10}",
        "query shape", "queries", "p50 ms", "p99 ms", "max ms"
    );
    for (name, make) in &shapes {
        // Warm the page cache and the searcher once per shape.
        for _ in 0..20 {
            let _ = idx.search(&make(&mut qrng));
        }
        let mut lat = Vec::with_capacity(queries_per_shape);
        let mut empty = 0;
        for _ in 0..queries_per_shape {
            let req = make(&mut qrng);
            let t = Instant::now();
            let r = idx.search(&req).expect("search");
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            if r.total == 0 {
                empty += 1;
            }
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name:<20} {queries_per_shape:>8} {:>10.2} {:>10.2} {:>10.2}{}",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat[lat.len() - 1],
            if empty > 0 {
                format!("  ({empty} with no hit)")
            } else {
                String::new()
            }
        );
    }
}
