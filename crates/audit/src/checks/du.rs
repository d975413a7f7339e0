//! ĐỦ (complete): required metadata and conditional fields, the procedure's required components
//! (rule files), page sequence gaps, declared against measured counts, gaps in case numbers.

use crate::case::Record;
use crate::finding::{Criterion::Du, Finding};
use crate::rules::Rule;
use sohoa_archive::bag::{reader::TEXT_LIMIT, Bag};
use sohoa_archive::problem::Severity;
use sohoa_archive::text::fold;
use std::collections::BTreeMap;

/// A required field in Vietnamese (the shared label table) and English.
fn field_label(f: &str) -> (String, &str) {
    let vi = sohoa_archive::values::field_name(f, sohoa_archive::problem::Lang::Vi);
    let en = match f {
        "case_code" => "case number",
        "procedure_code" => "procedure code",
        "agency_name" => "agency",
        "applicant_name" => "applicant",
        "received_date" => "received date",
        "maintenance" => "retention period",
        "mode" => "access mode",
        _ => f,
    };
    (vi, en)
}

pub fn check(r: &Record, rule: Option<&Rule>, bag: Option<&Bag>, out: &mut Vec<Finding>) {
    metadata(r, out);
    if let Some(rule) = rule {
        components(r, rule, bag, out);
    }
    page_gaps(r, out);
    counts(r, out);
}

fn metadata(r: &Record, out: &mut Vec<Finding>) {
    let mut missing: Vec<String> = r.metadata_missing.clone();
    if r.hoso.maintenance.is_none() {
        missing.push("maintenance".into());
    }
    if r.hoso.mode.is_none() {
        missing.push("mode".into());
    }
    for f in missing {
        let (vi, en) = field_label(&f);
        out.push(
            Finding::error(
                Du,
                "du.metadata_missing",
                format!("Thiếu thông tin bắt buộc: {vi}"),
                format!("Required metadata missing: {en}"),
            )
            .field(&f),
        );
    }
    let h = &r.hoso;
    if h.confidence_level.as_deref() == Some("02") && h.paper_file_code.is_none() {
        out.push(
            Finding::error(
                Du,
                "du.conditional_missing",
                "Mức độ tin cậy 02 (số hóa) nhưng thiếu Mã hồ sơ gốc giấy (paperFileCode, TT 05/2025)",
                "Confidence level 02 (digitized) but no paper file code (paperFileCode, TT 05/2025)",
            )
            .field("hoso.paperFileCode"),
        );
    }
    if h.risk_recovery.as_deref() == Some("1") && h.risk_recovery_status.is_none() {
        out.push(
            Finding::error(
                Du,
                "du.conditional_missing",
                "Có chế độ dự phòng nhưng thiếu Tình trạng dự phòng (riskRecoveryStatus)",
                "Risk recovery is on but its status (riskRecoveryStatus) is missing",
            )
            .field("hoso.riskRecoveryStatus"),
        );
    }
}

/// OCR text of the pages that are not in a component (folded), read from the bag.
fn loose_text(r: &Record, bag: Option<&Bag>) -> Option<String> {
    let bag = bag?;
    let mut text = String::new();
    for p in r.pages.iter().filter(|p| p.component.is_none()) {
        let Some(rel) = p.ocr.as_ref().and_then(|o| o.text.as_deref()) else {
            continue;
        };
        if rel.starts_with("data/text/") {
            if let Ok(t) = bag.read_text(rel, TEXT_LIMIT) {
                text.push_str(&fold(&t));
                text.push('\n');
            }
        }
    }
    (!text.trim().is_empty()).then_some(text)
}

fn components(r: &Record, rule: &Rule, bag: Option<&Bag>, out: &mut Vec<Finding>) {
    let names: Vec<String> = r
        .components
        .iter()
        .map(|c| {
            let subject = c.fields.get("subject").map(String::as_str).unwrap_or("");
            fold(&format!("{} | {} | {}", c.folder, c.label, subject))
        })
        .collect();
    let has_loose = r.pages.iter().any(|p| p.component.is_none());
    let mut text: Option<Option<String>> = None;
    let mut unknown: Vec<&str> = Vec::new();
    for req in rule.require.iter().filter(|q| q.applies(r)) {
        let alts = req.alternatives();
        if alts.iter().any(|a| names.iter().any(|n| a.found_in(n))) {
            continue;
        }
        if has_loose {
            let t = text.get_or_insert_with(|| loose_text(r, bag));
            match t {
                Some(t) if alts.iter().any(|a| a.found_in(t)) => continue,
                Some(_) => {}
                None => {
                    // Loose pages without text: the document may be among them.
                    unknown.push(&req.label);
                    continue;
                }
            }
        }
        let options = if alts.len() > 1 {
            let list: Vec<&str> = alts.iter().map(|a| a.label.as_str()).collect();
            format!(" ({})", list.join(" / "))
        } else {
            String::new()
        };
        out.push(Finding::new(
            Du,
            req.severity(),
            "du.component_missing",
            format!(
                "Thiếu thành phần hồ sơ: {}{options} — {}",
                req.label, rule.name
            ),
            format!("Missing component: {}{options} — {}", req.label, rule.name),
        ));
    }
    if !unknown.is_empty() {
        out.push(Finding::warning(
            Du,
            "du.components_unknown",
            format!("Các trang không được chia theo thành phần và chưa có văn bản OCR: cần kiểm tra bằng mắt có đủ {}", unknown.join("; ")),
            format!("Pages are not grouped into components and have no OCR text: check by eye for {}", unknown.join("; ")),
        ));
    }
}

/// The number a file name ends with (`trang_3.jpg` -> 3, `IMG0012.tif` -> 12).
fn trailing_number(path: &str) -> Option<u64> {
    let name = path.rsplit('/').next()?;
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let digits: String = stem
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    digits.parse().ok()
}

fn page_gaps(r: &Record, out: &mut Vec<Finding>) {
    // Numbered source files per folder (dropped blank pages were scanned too).
    let mut folders: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let files = r
        .pages
        .iter()
        .map(|p| p.source.as_str())
        .chain(r.dropped_pages.iter().map(|d| d.source.as_str()));
    for f in files {
        let folder = f.rsplit_once('/').map_or("", |(d, _)| d);
        if let Some(n) = trailing_number(f) {
            folders.entry(folder).or_default().push(n);
        }
    }
    for (folder, mut nums) in folders {
        nums.sort_unstable();
        nums.dedup();
        if nums.len() < 2 {
            continue;
        }
        let mut missing = Vec::new();
        for w in nums.windows(2) {
            if w[1] > w[0] + 1 && w[1] - w[0] <= 1000 {
                missing.extend((w[0] + 1..w[1]).take(20 - missing.len().min(20)));
            }
        }
        if missing.is_empty() {
            continue;
        }
        let list: Vec<String> = missing.iter().map(u64::to_string).collect();
        let place = if folder.is_empty() {
            "thư mục hồ sơ".to_string()
        } else {
            format!("thư mục \"{folder}\"")
        };
        let place_en = if folder.is_empty() {
            "the case folder".to_string()
        } else {
            format!("folder \"{folder}\"")
        };
        out.push(
            Finding::warning(
                Du,
                "du.page_gap",
                format!(
                    "Đánh số trang bị ngắt quãng trong {place}: không có tệp số {}",
                    list.join(", ")
                ),
                format!(
                    "Page numbering has gaps in {place_en}: no file numbered {}",
                    list.join(", ")
                ),
            )
            .file(folder.to_string()),
        );
    }
}

fn declared(r: &Record, key: &str) -> Option<u64> {
    r.declared
        .get(key)
        .and_then(|v| v.trim().replace(['.', ',', ' '], "").parse().ok())
}

fn counts(r: &Record, out: &mut Vec<Finding>) {
    let scanned = (r.pages.len() + r.dropped_pages.len()) as u64;
    if let Some(n) = declared(r, "number_of_page") {
        if n != scanned {
            out.push(
                Finding::warning(
                    Du,
                    "du.page_count_mismatch",
                    format!("Sổ đăng ký ghi {n} trang nhưng bản quét có {scanned} trang"),
                    format!("The register says {n} pages but {scanned} were scanned"),
                )
                .field("hoso.numberOfPage"),
            );
        }
        if let Some(paper) = declared(r, "number_of_paper").filter(|p| n > 2 * p) {
            out.push(
                Finding::warning(
                    Du,
                    "du.paper_count",
                    format!("Số trang {n} lớn hơn hai lần số tờ {paper}"),
                    format!("{n} pages is more than twice the {paper} sheets"),
                )
                .field("hoso.numberOfPaper"),
            );
        }
    }
    if let Some(n) = declared(r, "total_doc") {
        let docs = r.components.len() as u64;
        if docs > 0 && n != docs {
            out.push(
                Finding::error(
                    Du,
                    "du.doc_count_mismatch",
                    format!("Tổng số tài liệu ghi {n} nhưng hồ sơ có {docs} thành phần"),
                    format!("Total documents says {n} but the case has {docs} components"),
                )
                .field("hoso.totalDoc"),
            );
        }
    }
}

/// Where a case number puts the case: its agency, day and number of the day.
pub fn day_number(r: &Record) -> Option<(String, time::Date, u32)> {
    let n = crate::codes::case_number(r.case.case_code.as_deref()?).ok()?;
    Some((n.agency, n.date?, n.seq))
}

/// Gaps in the 4-digit sequence of case numbers per agency and day (warnings: files that may
/// not have been digitized). Only days with at least one case in the archive are looked at, and
/// of those only the days the archive holds nearly whole ([`DAY_HELD`]): an archive that keeps
/// only some of an agency's cases (one sector, one procedure) misses numbers on every day, by
/// design, and listing them would bury the gaps that matter.
pub fn sequence_gaps(records: &[(&str, &Record)]) -> Vec<Finding> {
    let mut days: BTreeMap<(String, time::Date), Vec<(u32, &str)>> = BTreeMap::new();
    for (id, r) in records {
        if let Some((agency, day, seq)) = day_number(r) {
            days.entry((agency, day)).or_default().push((seq, id));
        }
    }
    days.into_iter()
        .filter_map(|((agency, day), mut seqs)| day_gap(&agency, day, &mut seqs))
        .collect()
}

/// The share of a day's numbers (1 to its highest in the archive) the archive must hold for the
/// numbers it lacks to be reported: 0.8 reports 0004 missing from 0001–0005, not 0002 and 0004
/// missing from 0001, 0003, 0005, which is what a partial archive looks like.
pub const DAY_HELD: f64 = 0.8;

/// The gap finding of one agency's day, given the numbers present and their cases (sorted
/// here), on the case with the day's highest number; none when nothing is absent, when the
/// archive holds less than [`DAY_HELD`] of the day's numbers (a partial archive), or when over
/// 500 numbers are absent (a day numbered some other way).
pub fn day_gap(agency: &str, day: time::Date, seqs: &mut [(u32, &str)]) -> Option<Finding> {
    seqs.sort_unstable();
    let (last_seq, last_id) = *seqs.last()?;
    let have: Vec<u32> = seqs.iter().map(|s| s.0).collect();
    let max = last_seq;
    // Count the numbers below the day's highest that are absent before listing them.
    let mut distinct = have.clone();
    distinct.dedup();
    let present = distinct.iter().filter(|s| **s >= 1 && **s < max).count();
    let absent = (max.saturating_sub(1) as usize).saturating_sub(present);
    let held = (present + 1) as f64 / max.max(1) as f64;
    if absent == 0 || absent > 500 || held < DAY_HELD {
        return None;
    }
    let missing: Vec<u32> = (1..max)
        .filter(|s| have.binary_search(s).is_err())
        .collect();
    let shown: Vec<String> = missing.iter().take(15).map(|s| format!("{s:04}")).collect();
    let more = if missing.len() > 15 {
        format!(" (+{})", missing.len() - 15)
    } else {
        String::new()
    };
    let day_s = super::dung::dmy(day);
    Some(
        Finding::new(
            Du,
            Severity::Warning,
            "du.sequence_gap",
            format!("Cơ quan {agency} ngày {day_s}: không có hồ sơ số {}{more} (đến số {last_seq:04}) trong kho", shown.join(", ")),
            format!("Agency {agency} on {day_s}: no case numbered {}{more} (up to {last_seq:04}) in the archive", shown.join(", ")),
        )
        .case(last_id),
    )
}

#[cfg(test)]
mod tests {
    fn records(codes: &[String]) -> Vec<(String, crate::case::Record)> {
        codes
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let mut r = crate::case::Record::default();
                r.case.case_code = Some(code.clone());
                (format!("case-{i}"), r)
            })
            .collect()
    }

    fn gaps(codes: &[String]) -> Vec<crate::finding::Finding> {
        let rs = records(codes);
        let refs: Vec<(&str, &crate::case::Record)> =
            rs.iter().map(|(i, r)| (i.as_str(), r)).collect();
        super::sequence_gaps(&refs)
    }

    fn code(day: u32, seq: u32) -> String {
        format!("000.00.15.H12-2507{day:02}-{seq:04}")
    }

    #[test]
    fn sequence_gaps_per_agency_day() {
        let mut codes: Vec<String> = [1, 2, 4, 5].map(|n| code(1, n)).into();
        codes.push(code(2, 1));
        codes.push(code(4, 900));
        // A hundred numbers, 20 of them absent: listed 15 and the count of the rest.
        codes.extend((1..=100).filter(|n| n % 5 != 3).map(|n| code(5, n)));
        let f = gaps(&codes);
        // 899 numbers missing on 4/7 is not a daily sequence: not reported.
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].case_id.as_deref(), Some("case-3"));
        assert!(
            f[0].message
                .contains("không có hồ sơ số 0003 (đến số 0005)"),
            "{}",
            f[0].message
        );
        assert!(
            f[1].message.contains("0003, 0008") && f[1].message.contains("(+5)"),
            "{}",
            f[1].message
        );
    }

    #[test]
    fn a_partial_archive_is_not_a_gap_on_every_day() {
        // The archive keeps one sector of an agency that numbers all its cases together: every
        // other number each day, or a few numbers of many; nothing is missing from it.
        let mut codes: Vec<String> = Vec::new();
        for day in 1..=20 {
            codes.extend((1..=12).filter(|n| n % 2 == 1).map(|n| code(day, n)));
            codes.push(code(day, 40 + day));
        }
        codes.extend([3, 17, 18, 30].map(|n| code(21, n)));
        assert_eq!(gaps(&codes), Vec::new());
        // A day it holds nearly whole still shows the one case not digitized.
        codes.extend((1..=10).filter(|&n| n != 7).map(|n| code(22, n)));
        let f = gaps(&codes);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message_en
                .contains("no case numbered 0007 (up to 0010)"),
            "{}",
            f[0].message_en
        );
    }

    #[test]
    fn trailing_numbers() {
        assert_eq!(super::trailing_number("01 To khai/trang_3.jpg"), Some(3));
        assert_eq!(super::trailing_number("IMG0012.tif"), Some(12));
        assert_eq!(super::trailing_number("scan.tif"), None);
        assert_eq!(super::trailing_number("a/b/10"), Some(10));
    }
}
