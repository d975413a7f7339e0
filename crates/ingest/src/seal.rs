//! Sealing a bag: the case record and the event log written as the contract says
//! (`sohoa-archive`), then `bag-info.txt` and the manifests, fsynced. Shared by ingest and
//! `sohoa ocr`.

use sohoa_archive::bag::{label, BagInfo};
use sohoa_archive::events::EventLog;
use sohoa_archive::privacy::mask_ids_loose;
use sohoa_archive::record::CaseRecord;
use sohoa_bagit::BagBuilder;
use std::path::PathBuf;

/// `sohoa/<version>`, the `Bag-Software-Agent`.
pub(crate) fn software_agent() -> String {
    format!("sohoa/{}", env!("CARGO_PKG_VERSION"))
}

/// The `bag-info.txt` labels of a new case bag. Tag files are not the record: identity numbers
/// in the code, title or folder are masked.
pub(crate) fn labels(record: &CaseRecord, organization: String) -> Vec<(String, String)> {
    let id = &record.case_id;
    let title = record.hoso.title.as_deref().unwrap_or(id);
    vec![
        (label::SOURCE_ORGANIZATION.into(), organization),
        (
            label::EXTERNAL_IDENTIFIER.into(),
            mask_ids_loose(record.case.case_code.as_deref().unwrap_or(id)).into_owned(),
        ),
        (
            label::EXTERNAL_DESCRIPTION.into(),
            mask_ids_loose(title).into_owned(),
        ),
        (label::BAGGING_DATE.into(), sohoa_bagit::bagging_date()),
        (label::BAG_SOFTWARE_AGENT.into(), software_agent()),
        (
            label::INTERNAL_SENDER_IDENTIFIER.into(),
            mask_ids_loose(&record.source_folder).into_owned(),
        ),
        (label::SOHOA_BAG_VERSION.into(), record.version.to_string()),
        (
            label::SOHOA_SOURCE_FINGERPRINT.into(),
            record.source_fingerprint.clone(),
        ),
    ]
}

/// The labels of a new version of a bag: the old bag's labels carried over (Payload-Oxum
/// recomputed), with today's `Bagging-Date`, this software and the `set` labels replaced.
pub(crate) fn carried(old: &BagInfo, set: &[(&str, String)]) -> Vec<(String, String)> {
    let mut all = vec![
        (label::BAGGING_DATE, sohoa_bagit::bagging_date()),
        (label::BAG_SOFTWARE_AGENT, software_agent()),
    ];
    all.extend(set.iter().cloned());
    sohoa_bagit::rewrap::carried_labels(old, &all)
}

/// The payload files [`seal`] writes anew for every version (a new version copies the others).
pub(crate) fn written_by_seal(path: &str) -> bool {
    path == sohoa_archive::record::FILE
        || path == sohoa_archive::events::FILE
        || path == crate::record_sheet::FILE
}

/// Writes `data/metadata.json` (with the labels of its codes), the record sheet people read
/// next to it (`data/phieu-tin.html`) and `data/events.json`, then finishes the bag with
/// `labels`; returns the bag's folder.
pub(crate) fn seal(
    mut bag: BagBuilder,
    record: &CaseRecord,
    log: &EventLog,
    labels: &[(String, String)],
) -> std::io::Result<PathBuf> {
    let mut record = record.clone();
    record.code_labels = sohoa_archive::code_lists::labels_of(&record);
    bag.write(sohoa_archive::record::FILE, &record.to_json())?;
    bag.write(
        crate::record_sheet::FILE,
        crate::record_sheet::html(&record).as_bytes(),
    )?;
    bag.write(sohoa_archive::events::FILE, &log.to_json())?;
    let labels: Vec<(&str, String)> = labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let (root, _) = bag.finish(&labels)?;
    Ok(root)
}
