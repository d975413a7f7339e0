//! `sohoa withdraw CASE --reason`: moves a case out of the archive without deleting anything.
//! The current bag is verified, a new version recording the withdrawal (a PREMIS deaccession
//! event and `withdrawn` in metadata.json) goes to `withdrawn/<id>/<n>`, the old bag to
//! `versions/`, and the index journal is told, so search stops finding the case.

use super::seal::{carried, seal};
use super::{lock, version};
use serde::Serialize;
use sohoa_archive::bag::label;
use sohoa_archive::bag::BagInfo;
use sohoa_archive::events::EventLog;
use sohoa_archive::events::{self, kind, Outcome};
use sohoa_archive::layout;
use sohoa_archive::problem::Problem;
use sohoa_archive::record::{CaseRecord, PreviousVersion, Withdrawal};
use sohoa_bagit::reader::Bag;
use sohoa_bagit::rewrap::{check_intact, copy_payload, RewrapError};
use sohoa_bagit::BagBuilder;
use std::path::Path;

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
/// `operator` (the person withdrawing) is named on the event with the agency (PREMIS agents).
pub fn withdraw(
    archive: &Path,
    id: &str,
    reason: &str,
    operator: Option<&str>,
    catalog: &dyn super::ArchiveCatalog,
) -> Result<WithdrawReport, Problem> {
    // The reason goes into events, metadata and outputs: identity numbers in it are masked.
    let reason = sohoa_archive::privacy::mask_ids_loose(reason.trim()).into_owned();
    if reason.is_empty() {
        return Err(cannot(
            "withdraw.no_reason",
            "Cần ghi lý do (--reason \"...\"): lý do được lưu trong nhật ký bảo quản".into(),
            "A reason is required (--reason \"...\"): it is kept in the preservation events".into(),
        ));
    }
    let _lock = lock::open_for_writing(archive)?;
    let mut stored = Current::open(archive, id)?;
    let agency = stored.record.case.agency_name.clone();
    stored.log.acting(operator, agency.as_deref());
    let current = stored.record.version.max(1);
    let (version, previous) = version::number(archive, id, Some(current));
    let previous = previous.ok_or_else(|| {
        cannot(
            "withdraw.failed",
            "Không xác định được phiên bản".into(),
            "Cannot number the versions".into(),
        )
    })?;
    let at = events::timestamp(sohoa_archive::time_format::now());
    let to = layout::withdrawn(id, version);
    let tmp = layout::building(archive, id);
    let _ = std::fs::remove_dir_all(&tmp);
    let withdrawal = Withdrawal {
        at: at.clone(),
        reason: reason.clone(),
        from: layout::bag(id),
    };
    let result = stored.withdraw(archive, &tmp, version, &previous, withdrawal);
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
        version,
        path: to,
        reason,
        at,
        index,
    })
}

/// The current bag of a case, intact, with its record whole, its events and its bag-info.
struct Current {
    id: String,
    bag: Bag,
    intact: sohoa_bagit::verify::BagReport,
    record: CaseRecord,
    log: EventLog,
    info: BagInfo,
}

/// The bag cannot be withdrawn as it is.
fn damaged(id: &str, e: RewrapError) -> Problem {
    cannot(
        "withdraw.damaged",
        format!("Gói bags/{id} không nguyên vẹn nên không rút ra được: {e}"),
        format!("The bag bags/{id} is not intact, so it is not withdrawn: {e}"),
    )
}

impl Current {
    fn open(archive: &Path, id: &str) -> Result<Current, Problem> {
        let bag = Bag::open(archive, &layout::bag(id)).map_err(|e| {
            cannot(
                "withdraw.no_case",
                format!("Không có hồ sơ {id} trong kho (bags/{id}): {}", e.vi()),
                format!("No case {id} in the archive (bags/{id}): {}", e.en()),
            )
        })?;
        let bad = |why: String| damaged(id, RewrapError::Damaged(vec![why]));
        let intact = check_intact(&bag).map_err(|e| damaged(id, e))?;
        let loaded = bag.record().map_err(bad)?;
        if !loaded.damaged.is_empty() {
            return Err(bad(format!("data/metadata.json: {}", loaded.describe())));
        }
        let log = bag.events().map_err(bad)?;
        let info = bag.bag_info().map_err(|e| bad(e.en()))?;
        Ok(Current {
            id: id.to_string(),
            bag,
            intact,
            record: loaded.record,
            log,
            info,
        })
    }

    /// Writes the version recording the withdrawal in `tmp`, moves it to
    /// `withdrawn/<id>/<version>` and the current bag to `versions/`.
    fn withdraw(
        mut self,
        archive: &Path,
        tmp: &Path,
        version: u32,
        previous: &PreviousVersion,
        withdrawal: Withdrawal,
    ) -> Result<(), Problem> {
        let id = self.id.clone();
        let io_err = |e: std::io::Error| {
            cannot(
                "withdraw.failed",
                format!("Không ghi được phiên bản rút khỏi kho: {e}"),
                format!("Cannot write the withdrawn version: {e}"),
            )
        };
        let mut out = BagBuilder::create(tmp.to_path_buf()).map_err(io_err)?;
        copy_payload(&self.bag, &self.intact, &mut out, |p| {
            crate::seal::written_by_seal(p)
        })
        .map_err(|e| damaged(&id, e))?;
        let to = layout::withdrawn(&id, version);
        self.log.add(
            kind::DEACCESSION,
            events::detail("withdraw"),
            Outcome::Success,
            format!(
                "case withdrawn from the archive (nothing deleted; version {} kept at {}): {}",
                self.record.version.max(1),
                previous.path,
                withdrawal.reason
            ),
            vec![
                events::source(layout::bag(&id)),
                events::outcome(to.clone()),
            ],
        );
        let labels = carried(
            &self.info,
            &[
                (label::SOHOA_BAG_VERSION, version.to_string()),
                (label::SOHOA_WITHDRAWN, withdrawal.at.clone()),
            ],
        );
        self.record.version = version;
        self.record.previous_version = Some(previous.clone());
        self.record.withdrawn = Some(withdrawal);
        let root = seal(out, &self.record, &self.log, &labels).map_err(io_err)?;
        // The withdrawn version first (both then exist: recovery finishes the move), then the
        // old bag out of bags/.
        version::stage_withdrawn(archive, &id, &root, &to).map_err(io_err)?;
        version::move_out(archive, &id, &previous.path).map_err(io_err)
    }
}
