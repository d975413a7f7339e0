//! Case identity at ingest: a case code already stored from another source is never silently
//! replaced (only with `--replace`, the old version kept and the reason recorded), and scans
//! already stored under another id are named as a likely duplicate with how to withdraw it.

use super::version::Current;
use super::{Plan, Run};
use sohoa_archive::problem::Problem;
use sohoa_archive::text::fold;
use std::collections::{BTreeMap, HashSet};

/// True when the stored bag of the case code and this case are the same case: they share a
/// scan file, or they name the same applicant (by identity number when both records have one,
/// else by name). Disjoint scans of another applicant, or of no known applicant, are another
/// source.
pub(super) fn same_source(current: &Current, plan: &Plan, digests: &[String]) -> bool {
    let stored: HashSet<&str> = current.source_digests.iter().map(String::as_str).collect();
    if digests.iter().any(|d| stored.contains(d.as_str())) {
        return true;
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if let (Some(a), Some(b)) = (&current.applicant_id, plan.fields.get("applicant_id")) {
        return !digits(a).is_empty() && digits(a) == digits(b);
    }
    let norm = |s: &str| fold(s).split_whitespace().collect::<Vec<_>>().join(" ");
    match (&current.applicant, plan.fields.get("applicant_name")) {
        (Some(a), Some(b)) => norm(a) == norm(b),
        _ => false,
    }
}

/// This case's source in a few words: folder, applicant, register row.
pub(super) fn describe_plan(plan: &Plan) -> String {
    let mut parts = vec![format!("\"{}\"", plan.source.folder)];
    if let Some(a) = plan.fields.get("applicant_name") {
        parts.push(a.to_string());
    }
    for m in &plan.metadata_sources {
        parts.push(match m.row {
            Some(r) => format!("{} {} row {r}", m.kind, m.path),
            None => format!("{} {}", m.kind, m.path),
        });
    }
    parts.join(", ")
}

/// The case code is stored from another source: refused, both sources named.
pub(super) fn taken(id: &str, current: &Current, plan: &Plan) -> Problem {
    let (old, new) = (current.describe(), describe_plan(plan));
    Problem::error(
        "ingest.case_code_taken",
        format!(
            "Mã hồ sơ {id} đã được lưu (phiên bản {}) từ một nguồn khác: {old}. Hồ sơ này ({new}) không có tệp ảnh nào chung và không cùng người nộp, nên không được lưu đè. Nếu đúng là bản thay thế, chạy lại với --replace --reason \"lý do\" (bản cũ được giữ trong versions/)",
            current.version
        ),
        format!(
            "Case code {id} is already stored (version {}) from another source: {old}. This case ({new}) shares no scan file and no applicant with it, so it does not replace it. If it really is a replacement, run again with --replace --reason \"why\" (the old version is kept in versions/)",
            current.version
        ),
    )
}

/// When the case was withdrawn from the archive (`sohoa withdraw`): the newest withdrawn
/// version's number and reason.
pub(super) fn withdrawn(archive: &std::path::Path, id: &str) -> Option<(u32, String)> {
    let dir = archive.join(sohoa_archive::layout::WITHDRAWN).join(id);
    if sohoa_archive::safe_fs::entry_kind(&dir) != sohoa_archive::safe_fs::EntryKind::Dir {
        return None;
    }
    let n = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .max()?;
    let reason = sohoa_bagit::Bag::open(archive, &sohoa_archive::layout::withdrawn(id, n))
        .ok()
        .and_then(|b| b.record().ok())
        .and_then(|l| l.record.withdrawn.map(|w| w.reason))
        .unwrap_or_default();
    Some((n, reason))
}

/// The case was withdrawn: storing it again would undo that silently.
pub(super) fn was_withdrawn(id: &str, version: u32, reason: &str) -> Problem {
    Problem::error(
        "ingest.case_withdrawn",
        format!("Hồ sơ {id} đã được đưa ra khỏi kho (withdrawn/{id}/{version}, lý do: \"{reason}\"): không lưu lại. Nếu cần lưu lại, chạy với --replace --reason \"lý do\""),
        format!("Case {id} was withdrawn from the archive (withdrawn/{id}/{version}, reason: \"{reason}\"): it is not stored again. To store it again, run with --replace --reason \"why\""),
    )
}

/// What the replacement event records (identity numbers masked, as in every event note).
pub(super) fn replacement_note(current: &Current, plan: &Plan, reason: &str) -> String {
    let note = format!(
        "replaces version {} from another source ({}) with this case ({}) on request (--replace): {}",
        current.version,
        current.describe(),
        describe_plan(plan),
        reason
    );
    sohoa_archive::privacy::mask_ids_loose(&note).into_owned()
}

/// Other cases (stored before, or earlier in this batch) made from the same scan files: a
/// warning naming them and how to withdraw one. The digests are then noted for later cases.
pub(super) fn likely_duplicates(id: &str, digests: &[String], run: &Run) -> Option<Problem> {
    let mut shared: BTreeMap<String, usize> = BTreeMap::new();
    for d in digests {
        let mut others: HashSet<String> = run
            .catalog
            .cases_with_source(d)
            .into_iter()
            .filter(|o| o != id)
            .collect();
        if let Ok(seen) = run.stored.lock() {
            if let Some(o) = seen.get(d).filter(|o| o.as_str() != id) {
                others.insert(o.clone());
            }
        }
        for o in others {
            *shared.entry(o).or_default() += 1;
        }
    }
    if shared.is_empty() {
        return None;
    }
    let list: Vec<String> = shared
        .iter()
        .map(|(o, n)| format!("{o} ({n}/{})", digests.len()))
        .collect();
    let first = shared.keys().next().cloned().unwrap_or_default();
    Some(Problem::warning(
        "ingest.likely_duplicate",
        format!(
            "Tệp ảnh của hồ sơ này đã có trong hồ sơ khác: {} (số tệp trùng/tổng số). Có thể cùng một hồ sơ được lưu hai lần với hai mã (ví dụ sau khi sửa sổ đăng ký). Nếu bản kia sai, đưa nó ra khỏi kho (không xóa): sohoa withdraw {first} --reason \"lý do\"",
            list.join(", ")
        ),
        format!(
            "This case's scan files are already stored in another case: {} (shared/total files). The same case may be stored twice under two codes (e.g. after a register was corrected). If the other one is wrong, move it out of the archive (nothing is deleted): sohoa withdraw {first} --reason \"why\"",
            list.join(", ")
        ),
    ))
}

/// Notes the digests of a case this run has stored.
pub(super) fn remember(id: &str, digests: &[String], run: &Run) {
    if let Ok(mut seen) = run.stored.lock() {
        for d in digests {
            seen.entry(d.clone()).or_insert_with(|| id.to_string());
        }
    }
}
