//! A new version of a bag made from an old one (`sohoa ocr`, `sohoa withdraw`): the old bag is
//! verified first, then its payload files are copied through the path-safe reader with every
//! digest checked against its manifest, so damage is never carried into a new, valid-looking bag.

use super::reader::{Bag, BagInfo};
use super::verify::{verify_opened, BagReport};
use super::BagBuilder;
use std::io;

/// Why a bag cannot be the base of a new version.
#[derive(Debug)]
pub enum RewrapError {
    /// The old bag is not intact: what is wrong with it (English).
    Damaged(Vec<String>),
    Io(io::Error),
}

impl From<io::Error> for RewrapError {
    fn from(e: io::Error) -> Self {
        RewrapError::Io(e)
    }
}

impl std::fmt::Display for RewrapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RewrapError::Damaged(p) => write!(
                f,
                "the bag is not intact ({}): run `sohoa verify`",
                p.join("; ")
            ),
            RewrapError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Checks the whole bag (every digest, no links, nothing missing or unexpected); the report of
/// an intact bag lists what [`copy_payload`] copies.
pub fn check_intact(bag: &Bag) -> Result<BagReport, RewrapError> {
    let report = verify_opened(bag, bag.name());
    if report.valid {
        return Ok(report);
    }
    let mut why: Vec<String> = report.problems.clone();
    why.extend(
        report
            .files
            .iter()
            .filter(|f| f.status != super::verify::FileStatus::Ok)
            .take(10)
            .map(|f| format!("{} {:?}", f.path, f.status).to_lowercase()),
    );
    Err(RewrapError::Damaged(why))
}

/// Copies every payload file of `from` that `intact` (its [`check_intact`] report) verified into
/// `to` (same path under `data/`), except those `skip` names (payload paths relative to
/// `data/`). Each copy is hashed while written and must still equal the manifest's digest.
pub fn copy_payload(
    from: &Bag,
    intact: &BagReport,
    to: &mut BagBuilder,
    skip: impl Fn(&str) -> bool,
) -> Result<(), RewrapError> {
    for f in &intact.files {
        let (Some(payload), Some(sha)) = (f.path.strip_prefix("data/"), &f.expected_sha256) else {
            continue;
        };
        if skip(payload) {
            continue;
        }
        let (file, _) = from
            .open_file(&f.path)
            .map_err(|e| RewrapError::Damaged(vec![format!("{}: {}", f.path, e.en())]))?;
        if &to.copy_from(payload, file)? != sha {
            return Err(RewrapError::Damaged(vec![format!(
                "{} does not match its manifest digest",
                f.path
            )]));
        }
    }
    Ok(())
}

/// The bag-info labels of the old bag for the new version: `Payload-Oxum` dropped (it is
/// recomputed), the given labels replaced or added.
pub fn carried_labels(info: &BagInfo, set: &[(&str, String)]) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = info
        .labels
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("Payload-Oxum"))
        .cloned()
        .collect();
    for (k, v) in set {
        match labels.iter_mut().find(|(l, _)| l.eq_ignore_ascii_case(k)) {
            Some(slot) => slot.1 = v.clone(),
            None => labels.push((k.to_string(), v.clone())),
        }
    }
    labels
}
