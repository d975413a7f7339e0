//! `sohoa search` and `sohoa reindex`, and the index update after an ingest: a readable
//! table (Vietnamese labels) or the documented JSON. The index is derived from the bags.

use crate::exit::{Done, Ran};
use clap::Args;
use sohoa_archive::problem::Lang;
use sohoa_index::{ArchiveIndex, Filters, SearchRequest, SearchResults, Sort};
use sohoa_ingest::IndexOutcome;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub struct SearchArgs {
    /// What to look for (empty: every case, to browse with filters).
    #[arg(default_value = "")]
    query: String,
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    /// Agency (name or code), with or without diacritics.
    #[arg(long)]
    agency: Option<String>,
    /// Sector (lĩnh vực).
    #[arg(long)]
    sector: Option<String>,
    /// Procedure code (mã TTHC).
    #[arg(long)]
    procedure: Option<String>,
    /// Channel: direct/online/postal (trực tiếp/trực tuyến/bưu chính).
    #[arg(long)]
    channel: Option<String>,
    /// Status as in the register (e.g. "Đã trả kết quả").
    #[arg(long)]
    status: Option<String>,
    /// Year received.
    #[arg(long)]
    year: Option<i32>,
    /// Cases whose period [received, resolved] overlaps [--from, --to].
    #[arg(long)]
    from: Option<String>,
    #[arg(long)]
    to: Option<String>,
    #[arg(long)]
    received_from: Option<String>,
    #[arg(long)]
    received_to: Option<String>,
    #[arg(long)]
    resolved_from: Option<String>,
    #[arg(long)]
    resolved_to: Option<String>,
    /// relevance, received (newest first) or received-asc.
    #[arg(long, default_value = "relevance", value_parser = ["relevance", "received", "received-asc"])]
    sort: String,
    /// Hits shown (at least 1).
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Show counts per agency, sector, procedure, channel, status and year.
    #[arg(long)]
    facets: bool,
    /// Only case-level hits (metadata), not hits in the pages' OCR text.
    #[arg(long)]
    cases_only: bool,
    /// Print the results as JSON on standard output.
    #[arg(long)]
    json: bool,
}

/// What happened to the index at the end of a run that changed bags, for people.
pub fn print_index(index: &IndexOutcome, lang: Lang) {
    let error = match lang {
        Lang::Vi => index.error_vi.as_ref().or(index.error.as_ref()),
        Lang::En => index.error.as_ref(),
    };
    match error {
        None => say!(
            "{}: {} ({:.1} s)",
            lang.pick("Chỉ mục tìm kiếm đã cập nhật", "Search index updated"),
            index.updated,
            index.seconds
        ),
        Some(e) => warn!(
            "{}: {e}\n{}",
            lang.pick(
                "Cảnh báo: chưa cập nhật được chỉ mục tìm kiếm (các gói đã lưu vẫn nguyên vẹn)",
                "Warning: the search index was not updated (the bags are stored and intact)"
            ),
            lang.pick(
                "Lần chạy sau hoặc `sohoa reindex` sẽ cập nhật.",
                "The next run or `sohoa reindex` catches up."
            )
        ),
    }
}

/// `sohoa reindex --catch-up | --follow`: the one indexer of an archive that queue workers
/// write to. Each pass indexes the cases committed (or changed) since the index last caught up:
/// for bags in object storage, every case whose commit marker names a version the index does
/// not hold; for a folder, the cases the index journal lists. `--follow` repeats every
/// `interval` until stopped (Ctrl-C, SIGTERM).
pub fn follow(archive: &Path, interval: Option<f64>, json: bool, lang: Lang) -> Ran {
    if !sohoa_archive::remote::is_archive(archive) {
        return Err(cannot!(
            "{} {}",
            lang.pick("Không tìm thấy kho lưu trữ", "Archive not found:"),
            archive.display()
        ));
    }
    let _lock = sohoa_ingest::lock::acquire_and_recover(archive).map_err(|p| {
        cannot!(
            "{}: {}",
            lang.pick("Không cập nhật được chỉ mục", "Cannot update the index"),
            p.render(lang)
        )
    })?;
    let stop = crate::stop_on_signals();
    loop {
        let clock = Instant::now();
        let known = sohoa_archive::remote::committed_versions(archive)
            .map_err(|e| cannot!("{e}"))?
            .unwrap_or_default();
        let n = ArchiveIndex::update(archive, &[], &known).map_err(|e| {
            cannot!(
                "{}: {}",
                lang.pick("Không cập nhật được chỉ mục", "Cannot update the index"),
                e.message(lang)
            )
        })?;
        let secs = clock.elapsed().as_secs_f64();
        if json {
            println!(
                "{}",
                serde_json::json!({ "schema": "sohoa/index-catch-up", "schema_version": 1, "committed": known.len(), "indexed": n, "seconds": secs })
            );
        } else if n > 0 || interval.is_none() {
            say!(
                "{}: {n} ({secs:.1} s)",
                lang.pick("Đã đưa vào chỉ mục, số hồ sơ", "Cases indexed")
            );
        }
        let Some(every) = interval else {
            return Ok(Done::Ok);
        };
        let until = Instant::now() + std::time::Duration::from_secs_f64(every.clamp(0.1, 3600.0));
        while Instant::now() < until {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(Done::Interrupted);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

pub fn reindex(archive: &Path, json: bool, lang: Lang) -> Ran {
    if !sohoa_archive::remote::is_archive(archive) {
        return Err(cannot!(
            "{} {}",
            lang.pick("Không tìm thấy kho lưu trữ", "Archive not found:"),
            archive.display()
        ));
    }
    // One writer at a time: the lock, and what a killed run left recovered first.
    let _lock = match sohoa_ingest::lock::acquire_and_recover(archive) {
        Ok(l) => l,
        Err(p) => {
            return Err(cannot!(
                "{}: {}",
                lang.pick("Không dựng lại được chỉ mục", "Cannot rebuild the index"),
                p.render(lang)
            ));
        }
    };
    let clock = Instant::now();
    match ArchiveIndex::rebuild(archive) {
        Ok(n) => {
            let secs = clock.elapsed().as_secs_f64();
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "schema": "sohoa/reindex", "schema_version": 1, "cases": n, "seconds": secs })
                );
            } else {
                say!(
                    "{}: {n} ({secs:.1} s)",
                    lang.pick("Đã dựng lại chỉ mục, số hồ sơ", "Index rebuilt, cases")
                );
            }
            Ok(Done::Ok)
        }
        Err(e) => Err(cannot!(
            "{}: {}",
            lang.pick("Không dựng lại được chỉ mục", "Cannot rebuild the index"),
            e.message(lang)
        )),
    }
}

/// Before a search: bags changed by a run that was killed before its index update (the index
/// journal) are brought into the index when the archive can be written and no other sohoa is
/// writing; otherwise the search goes on and says how many cases it may miss. Returns that number.
fn catch_up(archive: &Path, lang: Lang, json: bool) -> usize {
    let pending = ArchiveIndex::pending(archive);
    if pending.is_empty() {
        return 0;
    }
    let caught = sohoa_ingest::lock::acquire_and_recover(archive)
        .ok()
        .map(|_lock| ArchiveIndex::catch_up(archive));
    if let Some(Ok(_)) = caught {
        return 0;
    }
    if !json {
        warn!(
            "{}",
            match lang {
                Lang::Vi => format!("Cảnh báo: chỉ mục chưa cập nhật {} hồ sơ vừa thay đổi (kho đang được ghi hoặc chỉ đọc); kết quả có thể thiếu. Chạy `sohoa reindex` trên kho ghi được.", pending.len()),
                Lang::En => format!("Warning: the index has not caught up with {} changed case(s) (the archive is being written or is read-only); results may miss them. Run `sohoa reindex` on a writable archive.", pending.len()),
            }
        );
    }
    pending.len()
}

pub fn run(a: &SearchArgs, lang: Lang) -> Ran {
    if a.limit == 0 {
        return Err(cannot!(
            "{}",
            lang.pick(
                "--limit 0: số kết quả hiển thị phải ít nhất 1",
                "--limit 0: the number of results shown must be at least 1"
            )
        ));
    }
    let filters = Filters {
        agency: a.agency.clone(),
        sector: a.sector.clone(),
        procedure: a.procedure.clone(),
        channel: a.channel.clone(),
        status: a.status.clone(),
        year: a.year,
        from: a.from.clone(),
        to: a.to.clone(),
        received_from: a.received_from.clone(),
        received_to: a.received_to.clone(),
        resolved_from: a.resolved_from.clone(),
        resolved_to: a.resolved_to.clone(),
        // The command line is the archivist's: every case.
        visibility: None,
    };
    if let Some(r) = filters.reversed_range() {
        let ((lo, hi), (from, to)) = (r.options, r.dates);
        return Err(match lang {
            Lang::Vi => cannot!(
                "Khoảng ngày bị đảo ngược: {lo} {from} muộn hơn {hi} {to}. Hãy đổi chỗ hai ngày."
            ),
            Lang::En => cannot!(
                "The date range is reversed: {lo} {from} is later than {hi} {to}. Swap the two dates."
            ),
        });
    }
    let behind = catch_up(&a.archive, lang, a.json);
    let idx = match ArchiveIndex::open(&a.archive) {
        Ok(i) => i,
        Err(e) => {
            return Err(cannot!(
                "{}: {}",
                lang.pick(
                    "Không mở được chỉ mục tìm kiếm",
                    "Cannot open the search index"
                ),
                e.message(lang)
            ));
        }
    };
    let req = SearchRequest {
        query: a.query.clone(),
        filters,
        sort: match a.sort.as_str() {
            "received" => Sort::ReceivedDesc,
            "received-asc" => Sort::ReceivedAsc,
            _ => Sort::Relevance,
        },
        limit: a.limit,
        offset: a.offset,
        facets: a.facets,
        cases_only: a.cases_only,
    };
    let clock = Instant::now();
    let results = match idx.search(&req) {
        Ok(r) => r,
        Err(e) => {
            return Err(cannot!(
                "{}: {}",
                lang.pick("Tìm kiếm không thực hiện được", "Search failed"),
                e.message(lang)
            ));
        }
    };
    let ms = clock.elapsed().as_secs_f64() * 1000.0;
    if a.json {
        let mut v = serde_json::to_value(&results).unwrap_or_default();
        v["schema"] = "sohoa/search-results".into();
        v["schema_version"] = 1.into();
        v["milliseconds"] = ms.into();
        v["index_behind"] = behind.into();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        print_table(&results, ms, lang);
    }
    Ok(Done::Ok)
}

/// Cuts to `n` characters, padding with spaces.
fn cell(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.pop();
        out.push('…');
    }
    let len = out.chars().count();
    out + &" ".repeat(n - len)
}

/// `<b>x</b>` from the snippet as «x» for a terminal; HTML entities back to text.
fn plain_snippet(s: &str) -> String {
    s.replace("<b>", "«")
        .replace("</b>", "»")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// `YYYY-MM-DD…` as `DD/MM/YYYY`; anything else (a date kept as typed, "Đợt 1/2025") as it is.
fn dmy(iso: &Option<String>) -> String {
    let Some(d) = iso.as_deref() else {
        return String::new();
    };
    let b = d.as_bytes();
    let iso_date = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if iso_date {
        format!("{}/{}/{}", &d[8..10], &d[5..7], &d[..4])
    } else {
        d.to_string()
    }
}

fn print_table(r: &SearchResults, ms: f64, lang: Lang) {
    let shown = r.hits.len();
    match lang {
        Lang::Vi => say!(
            "Tìm thấy {} kết quả (hồ sơ và trang) ({:.0} ms); hiển thị {}–{}",
            r.total,
            ms,
            r.offset + usize::from(shown > 0),
            r.offset + shown
        ),
        Lang::En => say!(
            "{} hits (cases and pages) found ({:.0} ms); showing {}–{}",
            r.total,
            ms,
            r.offset + usize::from(shown > 0),
            r.offset + shown
        ),
    }
    if shown > 0 {
        let head = match lang {
            Lang::Vi => [
                "#",
                "Mã hồ sơ",
                "Người nộp",
                "Thủ tục",
                "Ngày nhận",
                "Trạng thái",
                "Tìm thấy ở",
            ],
            Lang::En => [
                "#",
                "Case code",
                "Applicant",
                "Procedure",
                "Received",
                "Status",
                "Found in",
            ],
        };
        say!(
            "{} {} {} {} {} {} {}",
            cell(head[0], 3),
            cell(head[1], 28),
            cell(head[2], 22),
            cell(head[3], 30),
            cell(head[4], 10),
            cell(head[5], 16),
            head[6]
        );
        for (i, h) in r.hits.iter().enumerate() {
            let c = &h.case;
            say!(
                "{} {} {} {} {} {} {}",
                cell(&(r.offset + i + 1).to_string(), 3),
                cell(c.case_code.as_deref().unwrap_or(&c.case_id), 28),
                cell(c.applicant_name.as_deref().unwrap_or(""), 22),
                cell(c.procedure_name.as_deref().unwrap_or(""), 30),
                cell(&dmy(&c.received), 10),
                cell(c.status.as_deref().unwrap_or(""), 16),
                match (h.page, lang) {
                    (0, Lang::Vi) => "thông tin hồ sơ".to_string(),
                    (0, Lang::En) => "case metadata".to_string(),
                    (p, Lang::Vi) => format!("trang {p}/{}", c.page_count),
                    (p, Lang::En) => format!("page {p}/{}", c.page_count),
                }
            );
            let at = match h.page {
                0 => h.bag.clone(),
                p => format!("{}/data/{}.pdf#page={p}", h.bag, c.case_id),
            };
            say!("    {}  [{at}]", plain_snippet(&h.snippet));
        }
    }
    for (name, values) in &r.facets {
        if values.is_empty() {
            continue;
        }
        let label = match (name.as_str(), lang) {
            ("agency", Lang::Vi) => "Cơ quan",
            ("sector", Lang::Vi) => "Lĩnh vực",
            ("procedure", Lang::Vi) => "Thủ tục",
            ("channel", Lang::Vi) => "Hình thức nộp",
            ("status", Lang::Vi) => "Trạng thái",
            ("year", Lang::Vi) => "Năm",
            ("agency", Lang::En) => "Agency",
            ("sector", Lang::En) => "Sector",
            ("procedure", Lang::En) => "Procedure",
            ("channel", Lang::En) => "Channel",
            ("status", Lang::En) => "Status",
            ("year", Lang::En) => "Year",
            (n, _) => n,
        };
        let items: Vec<String> = values
            .iter()
            .take(10)
            .map(|(v, n)| {
                let shown = match name.as_str() {
                    "channel" => sohoa_archive::values::channel_label(v, lang).unwrap_or(v),
                    _ => v,
                };
                format!("{shown} ({n})")
            })
            .collect();
        say!("{label}: {}", items.join(" · "));
    }
}
