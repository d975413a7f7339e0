//! What the index benchmarks share: a deterministic random source, generated case metadata
//! (names, procedures, agencies, dates, component documents), the index's size on disk, peak
//! memory, and the timing of a query shape (p50/p99/max over many queries after a warm-up).
#![allow(dead_code)]

/// The sohoa binary's allocator, so that the numbers are the binary's.
#[global_allocator]
static GLOBAL: sohoa_alloc::Allocator = sohoa_alloc::Allocator;

use sohoa_archive::record::{CaseInfo, HoSo};
use sohoa_index::document::{CaseDoc, ComponentDoc};
use sohoa_index::SearchRequest;
use std::time::Instant;

/// A small deterministic generator (SplitMix64), so runs are comparable.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
pub const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Thu", "Xuân", "Gia",
    "Bảo", "Kim",
];
pub const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khôi", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn",
    "Tâm", "Thảo", "Thủy", "Trang", "Trung", "Tuấn", "Vy", "Yến", "Đức", "Khang", "Ân",
];
pub const PROCEDURES: &[(&str, &str, &str)] = &[
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
pub const PLACES: &[&str] = &[
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
pub const SUBJECTS: &[&str] = &[
    "Tờ khai",
    "Giấy chứng sinh",
    "Giấy ủy quyền",
    "Bản sao CCCD",
    "Trích đo địa chính",
    "Hợp đồng chuyển nhượng",
    "Đơn đề nghị",
    "Bản vẽ thiết kế",
];

/// Agency `i` of 200: its code and name.
pub fn agency(i: u64) -> (String, String) {
    let place = PLACES[(i % PLACES.len() as u64) as usize];
    let code = format!("000.00.{:02}.H{:02}", 10 + i % 40, 10 + i / 40 % 50);
    (code, format!("UBND xã {place} {}", i % 5 + 1))
}

/// Case `i`: the metadata of a TTHC case (no page text).
pub fn case(i: u64, rng: &mut Rng) -> CaseDoc {
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

/// The caller's share of indexing: documents built per second, on one thread, from a sample
/// of the cases.
pub fn document_rate(cases: &[CaseDoc]) -> f64 {
    let sample = &cases[..cases.len().min(20_000)];
    let fields = sohoa_index::schema::build();
    let key = sohoa_index::privacy::IdKey::fixed(1);
    let t = Instant::now();
    let built: usize = sample
        .iter()
        .map(|c| c.to_documents(&fields, &key).len())
        .sum();
    built as f64 / t.elapsed().as_secs_f64()
}

/// An environment variable as a number, or the default.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Total size of the files of a folder (an index folder has no subfolders).
pub fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// A memory figure of this process from /proc/self/status (`VmHWM` = peak RSS, `VmRSS`), MiB.
pub fn vm_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time of the whole process so far (user and system, every thread), in seconds: less
/// sensitive than wall time to other machines sharing the cores.
pub fn cpu_secs() -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // After the command name in parentheses: state is field 3; utime, stime 14, 15.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
        })
        .map_or(0.0, |t| t / ticks)
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Makes one query of a shape from the random source.
pub type QueryShape<'a> = Box<dyn Fn(&mut Rng) -> SearchRequest + 'a>;

pub fn print_header() {
    println!(
        "\n{:<26} {:>8} {:>10} {:>10} {:>10} {:>12}",
        "query shape", "queries", "p50 ms", "p99 ms", "max ms", "mean hits"
    );
}

/// Times `queries` requests of a shape (after 20 to warm up) with `run`, which returns the
/// number of hits; prints p50, p99, max and the mean number of hits.
pub fn time_shape(
    name: &str,
    queries: usize,
    rng: &mut Rng,
    make: &QueryShape,
    run: &dyn Fn(&SearchRequest) -> usize,
) {
    // `SOHOA_BENCH_ONLY=phrase`: only the shapes whose name has it (for profiling).
    if std::env::var("SOHOA_BENCH_ONLY").is_ok_and(|only| !name.contains(&only)) {
        return;
    }
    for _ in 0..20 {
        run(&make(rng));
    }
    let mut lat = Vec::with_capacity(queries);
    let (mut empty, mut hits) = (0, 0usize);
    // `SOHOA_BENCH_DETAIL=1`: the slowest queries of the shape, by mean time.
    let mut by_query: std::collections::HashMap<String, (f64, usize, usize)> = Default::default();
    for _ in 0..queries {
        let req = make(rng);
        let t = Instant::now();
        let n = run(&req);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        lat.push(ms);
        let e = by_query.entry(req.query.clone()).or_default();
        *e = (e.0 + ms, e.1 + 1, n);
        hits += n;
        if n == 0 {
            empty += 1;
        }
    }
    if std::env::var_os("SOHOA_BENCH_DETAIL").is_some() {
        let mut slow: Vec<_> = by_query.into_iter().collect();
        slow.sort_by(|a, b| (b.1 .0 / b.1 .1 as f64).total_cmp(&(a.1 .0 / a.1 .1 as f64)));
        for (q, (total, count, n)) in slow.iter().take(5) {
            println!(
                "    {:>8.2} ms mean, {n:>8} hits: {q}",
                total / *count as f64
            );
        }
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{name:<26} {queries:>8} {:>10.2} {:>10.2} {:>10.2} {:>12.0}{}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat[lat.len() - 1],
        hits as f64 / queries as f64,
        if empty > 0 {
            format!("  ({empty} with no hit)")
        } else {
            String::new()
        }
    );
}

pub mod ocr_text;
