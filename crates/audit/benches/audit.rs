//! Metadata audit of many generated case records (no fixity): JSON parse + per-case checks on
//! every core + cross-case duplicate and gap checks. `SOHOA_BENCH_RECORDS` (default 1,000,000).

use sohoa_audit::calendar::Calendar;
use sohoa_audit::case::{parse, Record};
use sohoa_audit::checks::{self, Context};
use sohoa_audit::rules::RuleSet;
use std::time::Instant;

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

fn main() {
    let n: u64 = std::env::var("SOHOA_BENCH_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let rules = RuleSet::built_in().expect("built-in rules");
    let calendar = Calendar::built_in();
    let ctx = Context {
        rules: &rules,
        calendar: &calendar,
        as_of: time::macros::date!(2026 - 11 - 23),
        expiring_days: 365,
    };
    let t0 = Instant::now();
    let mut parse_check = std::time::Duration::ZERO;
    let mut kept: Vec<(String, Record)> = Vec::with_capacity(n as usize);
    let mut findings = 0usize;
    let mut json_bytes = 0usize;
    let chunk = 20_000u64;
    let mut start = 0;
    while start < n {
        let ids: Vec<u64> = (start..(start + chunk).min(n)).collect();
        let jsons: Vec<String> = ids.iter().map(|&i| record(i)).collect();
        json_bytes += jsons.iter().map(String::len).sum::<usize>();
        let t = Instant::now();
        let idx: Vec<usize> = (0..jsons.len()).collect();
        let out: Vec<(String, Record, usize)> = par_map(&idx, jobs, |&k| {
            let mut r = parse(jsons[k].as_bytes()).expect("generated JSON parses");
            let f = checks::record_findings(&r.case_id.clone(), &r, &ctx).len();
            // Cross-case checks need codes and source digests only.
            r.pages.clear();
            r.components.clear();
            (r.case_id.clone(), r, f)
        });
        parse_check += t.elapsed();
        for (id, r, f) in out {
            findings += f;
            kept.push((id, r));
        }
        start += chunk;
    }
    let t = Instant::now();
    let refs: Vec<(&str, &Record)> = kept.iter().map(|(i, r)| (i.as_str(), r)).collect();
    let cross = checks::cross_findings(&refs).len();
    let cross_t = t.elapsed();
    let total = parse_check + cross_t;
    println!(
        "records {n}, JSON {:.0} MB, jobs {jobs}: parse+per-case checks {:.2} s, cross-case {:.2} s, audit total {:.2} s ({:.0} records/s); findings {} per-case + {} cross; wall incl. generation {:.1} s",
        json_bytes as f64 / 1e6,
        parse_check.as_secs_f64(),
        cross_t.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        findings,
        cross,
        t0.elapsed().as_secs_f64()
    );
}

fn par_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let per = items.len().div_ceil(jobs.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}
