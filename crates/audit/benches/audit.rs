//! Metadata audit of many generated case records (no fixity), through the audit's own streamed
//! pass (`scan::check_all`): each record is generated and parsed when its turn comes (as a bag
//! is read), checked on every core, reduced to its digest; then the cross-case checks, the
//! report and its JSON (to a sink). Prints time, records/s and peak RSS.
//! `SOHOA_BENCH_RECORDS` (default 1,000,000), `SOHOA_BENCH_JOBS` (default: every core);
//! `SOHOA_BENCH_WHAT=report`: `sohoa report`'s pass instead (the Biểu 06 statistics by agency
//! over the same records, and their JSON); `report-all`: the same from every record loaded
//! first (how `sohoa report` read the archive before, for comparison).

use sohoa_audit::audit::{self, Fixity, Options};
use sohoa_audit::calendar::Calendar;
use sohoa_audit::case::{parse, LoadedBag};
use sohoa_audit::checks::Context;
use sohoa_audit::finding::FixityRun;
use sohoa_audit::parallel::Pool;
use sohoa_audit::rules::RuleSet;
use sohoa_audit::scan::{check_all, Cases};
use std::time::Instant;

/// The sohoa binary's allocator, so that the numbers are the binary's.
#[global_allocator]
static GLOBAL: sohoa_alloc::Allocator = sohoa_alloc::Allocator;

const PROCS: [(&str, &str, &[&str]); 4] = [
    (
        "1.001193",
        "Đăng ký khai sinh",
        &["01 Tờ khai", "02 Giấy chứng sinh"],
    ),
    (
        "2.000635",
        "Cấp bản sao trích lục hộ tịch",
        &["01 Tờ khai", "02 CCCD"],
    ),
    (
        "1.013978.H36",
        "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        &[
            "01 Đơn đăng ký (Mẫu số 15)",
            "02 Giấy tờ về quyền sử dụng đất",
            "03 Trích đo địa chính",
        ],
    ),
    ("2.000815", "Chứng thực bản sao từ bản chính", &[]),
];
const NAMES: [&str; 8] = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Đức",
    "Phạm Minh Châu",
    "Hoàng Thị Hồng Nhung",
    "Vũ Quốc Khánh",
    "Đặng Thu Hà",
    "Bùi Thanh Tùng",
];

/// A metadata.json like ingest writes, with one defect in every 20 records.
fn record(i: u64) -> String {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5555;
    let mut rnd = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let (code, name, comps) = PROCS[rnd(4) as usize];
    let agency = format!("000.00.{:02}.H{:02}", 10 + rnd(40), 10 + rnd(60));
    let day = 1 + rnd(28);
    let month = 1 + rnd(12);
    let seq = i % 10_000;
    let case_code = format!("{agency}-25{month:02}{day:02}-{seq:04}");
    let applicant = NAMES[rnd(8) as usize];
    let defect = i.is_multiple_of(20);
    let received = format!("2025-{month:02}-{day:02}T08:{:02}:00+07:00", rnd(60));
    let due = format!("2025-{month:02}-{:02}", (day + 3).min(28));
    let cccd = if defect {
        "04009387897".to_string()
    } else {
        format!(
            "0{:02}{}{:02}{:06}",
            1 + rnd(90),
            rnd(2),
            rnd(100),
            rnd(1_000_000)
        )
    };
    let pages: Vec<String> = (1..=3)
        .map(|n| {
            let hash: String = (0..32).map(|_| format!("{:016x}", rnd(u64::MAX))).collect::<String>()[..256].to_string();
            format!(r#"{{"number":{n},"component":{},"source":"01 To khai/{n}.jpg","frame":0,"width":1654,"height":2339,"dpi_x":200.0,"dpi_y":200.0,"colour":"rgb","normalization":{{"blank":false,"ink":0.05,"phash":"{hash}"}}}}"#, if comps.is_empty() { "null".into() } else { "0".to_string() })
        })
        .collect();
    let components: Vec<String> = comps
        .iter()
        .enumerate()
        .map(|(k, f)| format!(r#"{{"ordinal":{},"folder":"{f}","label":"{f}","first_page":1,"page_count":1,"fields":{{}}}}"#, k + 1))
        .collect();
    let sources: Vec<String> = (1..=3)
        .map(|n| format!(r#"{{"path":"01 To khai/{n}.jpg","sha256":"{:016x}{:016x}{:016x}{:016x}","size":400000,"pages":1}}"#, i, n, rnd(u64::MAX), rnd(u64::MAX)))
        .collect();
    let title = if defect {
        "Hå s¬ ®¨ng ký khai sinh".to_string()
    } else {
        format!("{name} - {applicant}")
    };
    format!(
        r#"{{"schema":"sohoa/metadata","schema_version":1,"case_id":"{case_code}","version":1,"source_folder":"{case_code}","metadata_status":"complete","metadata_missing":[],
"case":{{"case_code":"{case_code}","procedure_code":"{code}","procedure_name":"{name}","sector":"Hộ tịch","agency_code":"{agency}","agency_name":"UBND xã Tân Hòa","applicant_name":"{applicant}","applicant_id":"{cccd}","received_date":"{received}","due_date":"{due}","resolved_date":"{due}","returned_date":null,"channel":"direct","channel_label":"Trực tiếp","status":"Đã trả kết quả"}},
"hoso":{{"arcFileCode":"{case_code}","title":"{title}","maintenance":"{}","mode":"01","language":"01","startDate":"2025-{month:02}-{day:02}","endDate":"{due}","totalDoc":{},"numberOfPage":3,"confidenceLevel":"02","paperFileCode":"H12.07.02.008"}},
"declared":{{"number_of_page":"3","total_doc":"{}"}},"components":[{}],"pages":[{}],"profile":"default","dropped_pages":[],"sources":[{}],
"bundle":{{"path":"data/{case_code}.pdf","sha256":"00","size":1,"pages":3,"conformance":"PDF/A-2b"}},"extra":{{}},"warnings":[],"ingest":{{"started":"2025-12-01T10:00:00.000+07:00"}}}}"#,
        if defect { "Vĩnh viễn" } else { "01" },
        comps.len().max(1),
        comps.len().max(1),
        components.join(","),
        pages.join(","),
        sources.join(",")
    )
}

/// Generated records, each made and parsed when the audit asks for it (as a bag is read).
struct Generated(u64);

impl Cases for Generated {
    fn len(&self) -> usize {
        self.0 as usize
    }
    fn load(&self, i: usize) -> LoadedBag {
        let json = record(i as u64);
        let record = parse(json.as_bytes());
        let id = record
            .as_ref()
            .map(|r| r.case_id.clone())
            .unwrap_or_else(|_| format!("case-{i}"));
        LoadedBag {
            path: std::path::PathBuf::from(&id),
            id,
            bag: None,
            record,
        }
    }
}

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let n: u64 = std::env::var("SOHOA_BENCH_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let jobs = std::env::var("SOHOA_BENCH_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
    let rules = RuleSet::built_in().expect("built-in rules");
    let calendar = Calendar::built_in();
    let ctx = Context {
        rules: &rules,
        calendar: &calendar,
        as_of: time::macros::date!(2026 - 11 - 23),
        expiring_days: 365,
    };
    // What one record's generation costs alone, to subtract it from the audit's time.
    let t = Instant::now();
    let sample = n.min(50_000);
    let json_bytes: usize = (0..sample).map(|i| record(i).len()).sum();
    let gen_per_record = t.elapsed().as_secs_f64() / sample as f64;
    let options = Options {
        rules_dir: None,
        fixity: Fixity::None,
        jobs,
        as_of: ctx.as_of,
        recheck_years: 3,
        expiring_days: 365,
        check_index: false,
    };
    let pool = Pool::new(jobs);
    match std::env::var("SOHOA_BENCH_WHAT").as_deref() {
        Ok("report") => return statistics(n, jobs, &pool, &rules, &calendar, gen_per_record),
        Ok("report-all") => return statistics_of_all(n, &pool, &rules, &calendar),
        _ => {}
    }
    let t0 = Instant::now();
    let checked = check_all(&Generated(n), &ctx, &pool, &|_, _| {});
    let checked_secs = t0.elapsed().as_secs_f64();
    let rss_checked = peak_rss_mib();
    let fixity = FixityRun {
        mode: "none".into(),
        percent: None,
        bags_checked: 0,
        files_checked: 0,
        bytes_checked: 0,
        seconds: 0.0,
    };
    let findings = checked.findings.len() + checked.cross.len();
    let held = checked.findings.held_bytes() as f64 / checked.findings.len().max(1) as f64;
    let report = audit::report(
        std::path::Path::new("generated"),
        &options,
        &rules,
        checked,
        fixity,
    );
    // The JSON report, as `sohoa audit --json` writes it.
    let mut out = std::io::BufWriter::new(std::io::sink());
    serde_json::to_writer_pretty(&mut out, &report).expect("report serializes");
    let total = t0.elapsed().as_secs_f64();
    // Generation runs on the same threads, `jobs` at a time.
    let generation = gen_per_record * n as f64 / jobs as f64;
    let audit = total - generation;
    let mut by_code: Vec<(&String, &sohoa_audit::finding::Tally)> =
        report.summary.by_code.iter().collect();
    by_code.sort_by_key(|(_, t)| std::cmp::Reverse(t.errors + t.warnings));
    println!(
        "records {n}, JSON {:.0} MB, jobs {jobs}: checked in {checked_secs:.2} s, report built and written in {:.2} s; \
         audit {audit:.2} s without the records' generation ({generation:.1} s est.), {:.0} records/s; \
         peak RSS {:.0} MiB ({rss_checked:.0} MiB after the pass); findings {findings} ({held:.0} bytes each, compressed), {} cases clean",
        json_bytes as f64 / sample as f64 * n as f64 / 1e6,
        total - checked_secs,
        n as f64 / audit,
        peak_rss_mib(),
        report.summary.cases_clean,
    );
    for (code, t) in by_code.iter().take(12) {
        println!(
            "  {code:<32} {:>9} errors {:>9} warnings {:>8} cases",
            t.errors, t.warnings, t.cases
        );
    }
}

/// The period of the statistics benchmarks: every generated record falls in it.
const FROM: time::Date = time::macros::date!(2000 - 01 - 01);

/// `sohoa report --by agency` over the generated records: one streamed pass, the report and
/// its JSON (to a sink).
fn statistics(
    n: u64,
    jobs: usize,
    pool: &Pool,
    rules: &RuleSet,
    calendar: &Calendar,
    gen_per_record: f64,
) {
    let t0 = Instant::now();
    let gathered = sohoa_audit::stats::gather(
        &Generated(n),
        Some(sohoa_audit::stats::GroupBy::Agency),
        rules,
        calendar,
        pool,
        &|_, _| {},
    );
    let period = sohoa_audit::stats::Period {
        from: FROM,
        to: time::macros::date!(2026 - 11 - 23),
        group_by: Some(sohoa_audit::stats::GroupBy::Agency),
    };
    let report = sohoa_audit::stats::report_gathered(
        std::path::Path::new("generated"),
        &gathered,
        &period,
        calendar,
    );
    let mut out = std::io::BufWriter::new(std::io::sink());
    serde_json::to_writer_pretty(&mut out, &report).expect("report serializes");
    let total = t0.elapsed().as_secs_f64();
    let generation = gen_per_record * n as f64 / jobs as f64;
    println!(
        "records {n}, jobs {jobs}: statistics in {total:.2} s ({:.2} s without the records' generation, {generation:.1} s est.); \
         peak RSS {:.0} MiB; {} received, {} late cases listed, {} skipped, {} rows",
        total - generation,
        peak_rss_mib(),
        report.total.counts.recv_total,
        report.late.len(),
        report.skipped.len(),
        report.rows.len(),
    );
}

/// The statistics as `sohoa report` made them before: every record loaded, then counted.
fn statistics_of_all(n: u64, pool: &Pool, rules: &RuleSet, calendar: &Calendar) {
    let t0 = Instant::now();
    let numbers: Vec<usize> = (0..n as usize).collect();
    let bags = pool.map(&numbers, |&i| Generated(n).load(i));
    let records: Vec<(&str, &sohoa_audit::case::Record)> = bags
        .iter()
        .filter_map(|b| Some((b.id.as_str(), b.record.as_ref().ok()?)))
        .collect();
    let period = sohoa_audit::stats::Period {
        from: FROM,
        to: time::macros::date!(2026 - 11 - 23),
        group_by: Some(sohoa_audit::stats::GroupBy::Agency),
    };
    let report = sohoa_audit::stats::report(
        std::path::Path::new("generated"),
        &records,
        &period,
        rules,
        calendar,
    );
    let mut out = std::io::BufWriter::new(std::io::sink());
    serde_json::to_writer_pretty(&mut out, &report).expect("report serializes");
    println!(
        "records {n}, every record loaded first: statistics in {:.2} s; peak RSS {:.0} MiB; {} received, {} late cases listed",
        t0.elapsed().as_secs_f64(),
        peak_rss_mib(),
        report.total.counts.recv_total,
        report.late.len(),
    );
}
