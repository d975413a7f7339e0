//! SỐNG (alive): fixity re-checked (all bags or a sample), the search index in sync with the
//! bags, retention periods expired or expiring, bags not re-checked within the audit cycle.

use super::Context;
use crate::calendar::parse_date;
use crate::case::Record;
use crate::digest::{key64, CaseDigest};
use crate::finding::{Criterion::Song, Finding};
use crate::parallel::Pool;
use sohoa_archive::problem::Lang;
use sohoa_bagit::verify::{verify_bag, BagReport, FileStatus};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Retention (thời hạn lưu trữ) counted from 1 January of the year after the case ended.
pub fn retention(r: &Record, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(code) = r.hoso.maintenance.as_deref() else {
        return;
    };
    let Some(years) = crate::codes::retention_years(code) else {
        return;
    };
    let end = [
        r.hoso.end_date.as_deref(),
        r.case.returned_date.as_deref(),
        r.case.resolved_date.as_deref(),
        r.case.received_date.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find_map(|s| s.get(0..4).and_then(|y| y.parse::<i32>().ok()));
    let Some(end_year) = end else { return };
    let Ok(expiry) = time::Date::from_calendar_date(end_year + 1 + years, time::Month::January, 1)
    else {
        return;
    };
    let shown = super::dung::dmy(expiry);
    if expiry <= ctx.as_of {
        out.push(
            Finding::warning(
                Song,
                "song.retention_expired",
                format!("Hết thời hạn lưu trữ {years} năm từ {shown}: đưa vào danh sách xem xét hủy (TT 05/2025)"),
                format!("The {years}-year retention ended on {shown}: list it for disposal review (TT 05/2025)"),
            )
            .field("hoso.maintenance"),
        );
    } else if (expiry - ctx.as_of).whole_days() <= ctx.expiring_days {
        out.push(
            Finding::warning(
                Song,
                "song.retention_expiring",
                format!("Sắp hết thời hạn lưu trữ {years} năm (ngày {shown})"),
                format!("The {years}-year retention ends soon ({shown})"),
            )
            .field("hoso.maintenance"),
        );
    }
}

/// Which bags to re-hash: all, or a deterministic sample of `percent` % (at least one bag),
/// spread over the archive, preferring bags checked longest ago.
pub fn pick_sample<'a>(
    bags: &'a [CaseDigest],
    percent: f64,
    last: &HashMap<String, String>,
) -> Vec<&'a CaseDigest> {
    if percent >= 100.0 {
        return bags.iter().collect();
    }
    let want = ((bags.len() as f64 * percent / 100.0).ceil() as usize).clamp(1, bags.len().max(1));
    let mut order: Vec<&CaseDigest> = bags.iter().collect();
    // Never checked first, then oldest check first; ties by id.
    order.sort_by(|a, b| {
        let la = last.get(a.id()).map(String::as_str).unwrap_or("");
        let lb = last.get(b.id()).map(String::as_str).unwrap_or("");
        la.cmp(lb).then_with(|| a.id().cmp(b.id()))
    });
    order.truncate(want.min(bags.len()));
    order
}

/// Re-hashes the given bags; findings for every bag that is not intact.
pub fn fixity(reports: &[BagReport]) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in reports.iter().filter(|b| !b.valid) {
        let changed = b.count(FileStatus::Changed);
        let missing = b.count(FileStatus::Missing);
        let unexpected = b.count(FileStatus::Unexpected);
        let files: Vec<&str> = b
            .files
            .iter()
            .filter(|f| f.status != FileStatus::Ok)
            .map(|f| f.path.as_str())
            .take(10)
            .collect();
        let mut f = Finding::error(
            Song,
            "song.fixity",
            format!(
                "Kiểm tra toàn vẹn thất bại: {changed} tệp bị thay đổi, {missing} tệp bị mất, {unexpected} tệp lạ{}{}",
                if files.is_empty() { String::new() } else { format!(" ({})", files.join(", ")) },
                if b.problems.is_empty() { String::new() } else { format!("; {}", b.problems_in(Lang::Vi).join("; ")) }
            ),
            format!(
                "Fixity check failed: {changed} changed, {missing} missing, {unexpected} unexpected files{}{}",
                if files.is_empty() { String::new() } else { format!(" ({})", files.join(", ")) },
                if b.problems.is_empty() { String::new() } else { format!("; {}", b.problems.join("; ")) }
            ),
        )
        .case(&b.id);
        if let Some(first) = files.first() {
            f = f.file(first.to_string());
        }
        out.push(f);
    }
    out
}

/// Hashes bags on the pool's threads.
pub fn verify_all(archive: &Path, bags: &[&CaseDigest], pool: &Pool) -> Vec<BagReport> {
    pool.map(bags, |b| {
        verify_bag(archive, &sohoa_archive::layout::bag(b.id()))
    })
}

/// Bags whose last fixity check (or ingest, if never checked) is older than `years`.
pub fn recheck<'a>(
    bags: impl Iterator<Item = &'a CaseDigest>,
    last: &HashMap<String, String>,
    as_of: time::Date,
    years: u32,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let limit = time::Duration::days(365 * years as i64 + (years as i64) / 4);
    for b in bags {
        let (date, checked) = match last.get(b.id()) {
            Some(at) => (parse_date(at), true),
            None => (b.ingested, false),
        };
        let Some(date) = date else {
            continue;
        };
        if as_of - date <= limit {
            continue;
        }
        let shown = super::dung::dmy(date);
        let (vi, en) = if checked {
            (format!("Lần kiểm tra toàn vẹn gần nhất {shown}, quá {years} năm (TT 05/2025: kiểm tra trong 3 năm)"),
             format!("Last fixity check on {shown}, more than {years} years ago (TT 05/2025: check within 3 years)"))
        } else {
            (
                format!("Chưa từng kiểm tra toàn vẹn từ khi nhập kho ({shown}), quá {years} năm"),
                format!("Never fixity-checked since ingest ({shown}), more than {years} years ago"),
            )
        };
        out.push(Finding::warning(Song, "song.recheck_overdue", vi, en).case(b.id()));
    }
    out
}

/// The index against the bags: cases missing from it, stale (another version or bundle), and
/// entries whose bag is gone. No index at all is one archive-wide finding.
pub fn index_sync(archive: &Path, bags: &[CaseDigest]) -> Vec<Finding> {
    let idx = match sohoa_index::ArchiveIndex::open(archive) {
        Ok(i) => i,
        Err(e) => {
            return vec![Finding::error(
                Song,
                "song.index_absent",
                format!("Không có chỉ mục tìm kiếm dùng được ({e}): chạy `sohoa reindex`"),
                format!("No usable search index ({e}): run `sohoa reindex`"),
            )]
        }
    };
    let catalog = match idx.catalog() {
        Ok(c) => c,
        Err(e) => {
            return vec![Finding::error(
                Song,
                "song.index_absent",
                format!("Không đọc được chỉ mục tìm kiếm ({e}): chạy `sohoa reindex`"),
                format!("Cannot read the search index ({e}): run `sohoa reindex`"),
            )]
        }
    };
    let indexed: HashMap<&str, &sohoa_index::IndexedCase> =
        catalog.iter().map(|c| (c.case_id.as_str(), c)).collect();
    let mut out = Vec::new();
    let mut present = HashSet::new();
    for b in bags {
        present.insert(b.id());
        if !b.has_record {
            continue;
        }
        match indexed.get(b.id()) {
            None => out.push(
                Finding::error(
                    Song,
                    "song.index_missing",
                    "Hồ sơ có trong kho nhưng không có trong chỉ mục tìm kiếm: chạy `sohoa reindex`",
                    "The case is in the archive but not in the search index: run `sohoa reindex`",
                )
                .case(b.id()),
            ),
            Some(c) => {
                if c.version != b.version || key64(&c.bundle_sha256) != b.bundle_key {
                    out.push(
                        Finding::error(
                            Song,
                            "song.index_stale",
                            format!("Chỉ mục tìm kiếm giữ phiên bản {} của hồ sơ, kho có phiên bản {}: chạy `sohoa reindex`", c.version, b.version),
                            format!("The search index holds version {} of the case, the archive has version {}: run `sohoa reindex`", c.version, b.version),
                        )
                        .case(b.id()),
                    );
                }
            }
        }
    }
    for c in &catalog {
        if !present.contains(c.case_id.as_str()) {
            out.push(
                Finding::error(
                    Song,
                    "song.index_orphan",
                    "Chỉ mục tìm kiếm còn hồ sơ không có trong kho (đã xóa hoặc chuyển đi): chạy `sohoa reindex`",
                    "The search index lists a case that is not in the archive (removed or moved): run `sohoa reindex`",
                )
                .case(&c.case_id),
            );
        }
    }
    out
}
