//! `sohoa withdraw CASE --reason`: moves a case out of the archive without deleting anything.
//! The current bag is verified, a new version recording the withdrawal (a PREMIS deaccession
//! event and `withdrawn` in metadata.json) goes to `withdrawn/<id>/<n>`, the old bag to
//! `versions/`, and the index journal is told, so search stops finding the case.

use super::{lock, version};
use crate::bag::reader::Bag;
use crate::bag::rewrap::{carried_labels, check_intact, copy_payload, RewrapError};
use crate::bag::BagBuilder;
use crate::events::{self, kind, EventLog, Outcome};
use crate::problem::Problem;
use serde::Serialize;
use serde_json::Value;
use std::path::Path;
use time::OffsetDateTime;

/// What `sohoa withdraw` did (`--json`: schema `sohoa/withdraw`).
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawReport {
    pub schema: &'static str,
    pub schema_version: u32,
    pub case_id: String,
    /// The version that was current.
    pub previous_version: u32,
    /// Where it is kept, relative to the archive.
    pub previous_path: String,
    /// The new version recording the withdrawal.
    pub version: u32,
    /// Where it is, relative to the archive (`withdrawn/<id>/<n>`).
    pub path: String,
    pub reason: String,
    pub at: String,
    /// How the search index was brought level (the case removed from it).
    pub index: super::IndexOutcome,
}

fn cannot(code: &str, vi: String, en: String) -> Problem {
    Problem::error(code, vi, en)
}

/// Withdraws a case, then brings the index level (still under the archive lock). `Err` names why
/// nothing was done (no such case, damaged bag, locked).
pub fn withdraw(
    archive: &Path,
    id: &str,
    reason: &str,
    catalog: &dyn super::ArchiveCatalog,
) -> Result<WithdrawReport, Problem> {
    // The reason goes into events, metadata and outputs: identity numbers in it are masked.
    let reason = crate::privacy::mask_ids_loose(reason.trim()).into_owned();
    let reason = reason.as_str();
    if reason.is_empty() {
        return Err(cannot(
            "withdraw.no_reason",
            "Cần ghi lý do (--reason \"...\"): lý do được lưu trong nhật ký bảo quản".into(),
            "A reason is required (--reason \"...\"): it is kept in the preservation events".into(),
        ));
    }
    let _lock = lock::open_for_writing(archive)?;
    let bag = Bag::open(archive, &format!("bags/{id}")).map_err(|e| {
        cannot(
            "withdraw.no_case",
            format!("Không có hồ sơ {id} trong kho (bags/{id}): {}", e.vi()),
            format!("No case {id} in the archive (bags/{id}): {}", e.en()),
        )
    })?;
    let damaged = |e: RewrapError| {
        cannot(
            "withdraw.damaged",
            format!("Gói bags/{id} không nguyên vẹn nên không rút ra được: {e}"),
            format!("The bag bags/{id} is not intact, so it is not withdrawn: {e}"),
        )
    };
    let intact = check_intact(&bag).map_err(damaged)?;
    let mut meta = bag
        .metadata_json()
        .map_err(|e| damaged(RewrapError::Damaged(vec![e])))?;
    let mut log = bag
        .json("data/events.json")
        .map_err(|e| damaged(RewrapError::Damaged(vec![e])))?;
    let info = bag
        .bag_info()
        .map_err(|e| damaged(RewrapError::Damaged(vec![e.en()])))?;
    let current = meta["version"].as_u64().unwrap_or(1) as u32;
    let (new_version, previous) = version::number(archive, id, Some(current));
    let previous = previous.ok_or_else(|| {
        cannot(
            "withdraw.failed",
            "Không xác định được phiên bản".into(),
            "Cannot number the versions".into(),
        )
    })?;
    let now = OffsetDateTime::now_utc().to_offset(crate::VN_OFFSET);
    let at = events::timestamp(now);
    let to = format!("withdrawn/{id}/{new_version}");

    let io_err = |e: std::io::Error| {
        cannot(
            "withdraw.failed",
            format!("Không ghi được phiên bản rút khỏi kho: {e}"),
            format!("Cannot write the withdrawn version: {e}"),
        )
    };
    let tmp = archive
        .join("bags")
        .join(format!(".tmp-{id}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<(), Problem> {
        let mut out = BagBuilder::create(tmp.clone()).map_err(io_err)?;
        copy_payload(&bag, &intact, &mut out, |p| {
            p == "metadata.json" || p == "events.json"
        })
        .map_err(damaged)?;
        meta["version"] = new_version.into();
        meta["previous_version"] = serde_json::to_value(&previous).unwrap_or(Value::Null);
        meta["withdrawn"] =
            serde_json::json!({ "at": at, "reason": reason, "from": format!("bags/{id}") });
        let mut new_events = EventLog::new(None);
        new_events.add(
            kind::DEACCESSION,
            events::detail("withdraw"),
            Outcome::Success,
            format!("case withdrawn from the archive (nothing deleted; version {current} kept at {}): {reason}", previous.path),
            vec![
                events::source(format!("bags/{id}")),
                events::outcome(to.clone()),
            ],
        );
        match log["events"].as_array_mut() {
            Some(list) => list.extend(
                new_events
                    .events
                    .iter()
                    .map(|e| serde_json::to_value(e).unwrap_or(Value::Null)),
            ),
            None => {
                return Err(damaged(RewrapError::Damaged(vec![
                    "data/events.json has no events list".into(),
                ])))
            }
        }
        let json =
            |v: &Value| serde_json::to_vec_pretty(v).map_err(|e| io_err(std::io::Error::other(e)));
        out.write("metadata.json", &json(&meta)?).map_err(io_err)?;
        out.write("events.json", &json(&log)?).map_err(io_err)?;
        let labels = carried_labels(
            &info,
            &[
                ("Bagging-Date", crate::bag::bagging_date()),
                (
                    "Bag-Software-Agent",
                    format!("sohoa/{}", env!("CARGO_PKG_VERSION")),
                ),
                ("Sohoa-Bag-Version", new_version.to_string()),
                ("Sohoa-Withdrawn", at.clone()),
            ],
        );
        let labels: Vec<(&str, String)> = labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let (root, _) = out.finish(&labels).map_err(io_err)?;
        // The withdrawn version first (both then exist: recovery finishes the move), then the
        // old bag out of bags/.
        version::stage_withdrawn(archive, id, &root, &to).map_err(io_err)?;
        version::move_out(archive, id, &previous.path).map_err(io_err)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result?;
    let index = catalog.catch_up(&[id.to_string()], &[]);
    Ok(WithdrawReport {
        schema: "sohoa/withdraw",
        schema_version: 1,
        case_id: id.to_string(),
        previous_version: current,
        previous_path: previous.path,
        version: new_version,
        path: to,
        reason: reason.to_string(),
        at,
        index,
    })
}
