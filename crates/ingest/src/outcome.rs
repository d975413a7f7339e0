//! The outcome of one case as reports show it: failed, interrupted (the run was stopped before
//! the case was stored), and the case folder's name with identity numbers masked.

use super::{CaseResult, CaseStatus, Plan};
use sohoa_archive::problem::Problem;

pub(super) fn failed(plan: &Plan, errors: Vec<Problem>, warnings: Vec<Problem>) -> CaseResult {
    let status = if errors.iter().any(|e| e.code == INTERRUPTED) {
        CaseStatus::Interrupted
    } else {
        CaseStatus::Failed
    };
    CaseResult {
        warnings,
        errors,
        ..nothing_stored(plan, status)
    }
}

/// A case's result before anything of it is stored: no bag, no pages, no problems.
pub(super) fn nothing_stored(plan: &Plan, status: CaseStatus) -> CaseResult {
    CaseResult {
        folder: shown_folder(plan),
        case_id: plan.case_id.clone(),
        status,
        version: None,
        bag: None,
        previous_version: None,
        pages: 0,
        bytes: 0,
        metadata_status: None,
        normalized: Default::default(),
        ocr_pages: 0,
        ocr_confidence: None,
        warnings: Vec::new(),
        errors: Vec::new(),
    }
}

/// The case folder's name as reports and terminals show it (identity numbers masked).
pub(super) fn shown_folder(plan: &Plan) -> String {
    sohoa_archive::privacy::mask_ids_loose(&plan.source.folder).into_owned()
}

/// Code of the problem a case gets when the run is stopped before it is stored.
pub(super) const INTERRUPTED: &str = "ingest.interrupted";

/// The run was stopped before this case was stored.
pub(super) fn interrupted_problem() -> Problem {
    Problem::error(
        INTERRUPTED,
        "Dừng theo yêu cầu (Ctrl-C hoặc SIGTERM) trước khi hồ sơ được lưu: chạy lại để lưu",
        "Stopped on request (Ctrl-C or SIGTERM) before the case was stored: run again to store it",
    )
}

/// A case the run never got to, or dropped in flight.
pub(super) fn interrupted(plan: &Plan) -> CaseResult {
    failed(plan, vec![interrupted_problem()], Vec::new())
}
