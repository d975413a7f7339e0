//! `sohoa sign`: the agency's PAdES signature on the bundles of bags already in the archive.
//! Each signed case gets a new version: the bundle's bytes as archived, followed by the
//! signature (an incremental update); every other payload file copied with its digest checked;
//! the record names the signature; PREMIS events say who signed, when, with which certificate;
//! the old bag is kept in `versions/`. A bag already signed is left alone (unless `--force`).

use super::current::{in_bag, open_whole};
use super::seal::{carried, seal};
use super::{lock, version};
use serde::Serialize;
use sohoa_archive::bag::label;
use sohoa_archive::events::{self, kind, Outcome};
use sohoa_archive::layout;
use sohoa_archive::problem::Problem;
use sohoa_archive::record::{CaseRecord, SignatureRecord};
use sohoa_bagit::reader::Bag;
use sohoa_bagit::rewrap::{check_intact, copy_payload, RewrapError};
use sohoa_bagit::BagBuilder;
use sohoa_sign::{SignatureInfo, Signer};
use std::fs;
use std::path::{Path, PathBuf};

/// Largest bundle signed (it is read whole).
const MAX_BUNDLE: u64 = 4 * 1024 * 1024 * 1024;

pub struct SignOptions {
    pub archive: PathBuf,
    /// Only these cases (all bags when empty).
    pub cases: Vec<String>,
    /// `/Reason` of the signatures.
    pub reason: String,
    /// An RFC 3161 time-stamping authority's URL: each signature timestamped (PAdES B-T).
    pub tsa: Option<String>,
    /// Sign again bags already signed (one more signature).
    pub force: bool,
    /// Set when the run must stop (SIGINT, SIGTERM): no new case starts.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// The person signing, named on the new events with the agency (PREMIS agents).
    pub operator: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignCaseResult {
    pub case_id: String,
    /// `signed`, `skipped` (already signed) or `failed`.
    pub status: &'static str,
    pub version: Option<u32>,
    pub previous_version: Option<String>,
    /// The signing time (ISO 8601, +07:00).
    pub at: Option<String>,
    pub errors: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignReport {
    pub schema: &'static str,
    pub schema_version: u32,
    pub archive: String,
    /// The signer certificate's subject and organisation.
    pub signer: String,
    pub organization: Option<String>,
    pub signed: usize,
    pub skipped: usize,
    pub failed: usize,
    pub seconds: f64,
    pub interrupted: bool,
    pub cases: Vec<SignCaseResult>,
    pub index: super::IndexOutcome,
}

/// Signs the bundles of the archive's bags; `Err` when it cannot run at all (locked archive,
/// unreadable archive).
pub fn sign_archive(
    opts: &SignOptions,
    signer: &dyn Signer,
    on_case: &dyn Fn(&SignCaseResult),
    catalog: &dyn super::ArchiveCatalog,
) -> Result<SignReport, Problem> {
    let clock = std::time::Instant::now();
    let _lock = lock::open_for_writing(&opts.archive)?;
    let mut ids = sohoa_bagit::reader::current_ids(&opts.archive).map_err(|e| {
        Problem::error(
            "sign.archive_unreadable",
            format!("Không đọc được kho lưu trữ: {e}"),
            format!("Cannot read the archive: {e}"),
        )
    })?;
    if !opts.cases.is_empty() {
        ids.retain(|id| opts.cases.contains(id));
    }
    let who = Signing::of(signer)?;
    let (subject, organization) = (who.subject.clone(), who.organization.clone());
    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    };
    let mut cases = Vec::new();
    for id in ids {
        if cancelled() {
            break;
        }
        let r = sign_case(&opts.archive, &id, opts, signer, &who);
        on_case(&r);
        cases.push(r);
    }
    let count = |s: &str| cases.iter().filter(|c| c.status == s).count();
    let changed: Vec<String> = cases
        .iter()
        .filter(|c| c.status == "signed")
        .map(|c| c.case_id.clone())
        .collect();
    let index = catalog.catch_up(&changed, &[]);
    Ok(SignReport {
        schema: "sohoa/sign-report",
        schema_version: 1,
        archive: opts.archive.display().to_string(),
        signer: subject,
        organization,
        signed: count("signed"),
        skipped: count("skipped"),
        failed: count("failed"),
        seconds: clock.elapsed().as_secs_f64(),
        interrupted: cancelled(),
        cases,
        index,
    })
}

/// The signer as the record and the events name it.
pub(crate) struct Signing {
    subject: String,
    organization: Option<String>,
    cert_sha: String,
}

impl Signing {
    /// The signer's certificate described; `Err` when there is none.
    pub(crate) fn of(signer: &dyn Signer) -> Result<Signing, Problem> {
        let leaf = signer.certificates().first().ok_or_else(|| {
            Problem::error(
                "sign.no_certificate",
                "Không có chứng thư số của người ký",
                "The signer has no certificate",
            )
        })?;
        let (subject, organization, cert_sha) = sohoa_sign::describe(leaf);
        Ok(Signing {
            subject,
            organization,
            cert_sha,
        })
    }

    /// Why the case's agency may not sign with this certificate, when it may not.
    pub(crate) fn refuses(&self, id: &str, agency: Option<&str>) -> Option<Problem> {
        let (agency, org) = (agency?, self.organization.as_deref()?);
        (!sohoa_sign::verify::same_organization(agency, org)).then(|| {
            in_bag(
                id,
                "sign.wrong_agency",
                format!("Chứng thư số của {org}, hồ sơ của {agency}: không ký"),
                format!("The certificate is {org}'s, the case is {agency}'s: not signed"),
            )
        })
    }

    /// Signs `pdf` with the visible mark (the agency, the signing time); the signed bytes and
    /// what the record says of the signature.
    pub(crate) fn sign(
        &self,
        signer: &dyn Signer,
        pdf: &[u8],
        agency: Option<&str>,
        (reason, tsa): (&str, Option<&str>),
        id: &str,
        bundle_path: &str,
    ) -> Result<(Vec<u8>, SignatureRecord), Problem> {
        let now = sohoa_archive::time_format::now();
        let name = agency
            .map(str::to_string)
            .or_else(|| self.organization.clone())
            .unwrap_or_else(|| self.subject.clone());
        // The visible mark of TT 05/2025: the agency and the signing time (ISO 8601, +07:00).
        let mark = vec![
            name.clone(),
            format!("Thời gian ký: {}", sohoa_archive::time_format::seconds(now)),
        ];
        let info = SignatureInfo {
            name,
            reason: reason.to_string(),
            time: now,
            mark: Some(mark),
            tsa: tsa.map(str::to_string),
        };
        let signed = sohoa_sign::sign(pdf, signer, &info).map_err(|e| {
            in_bag(
                id,
                "sign.failed",
                format!("Không ký được {bundle_path}: {e}"),
                format!("Cannot sign {bundle_path}: {e}"),
            )
        })?;
        let record = SignatureRecord {
            at: events::timestamp(now),
            subject: self.subject.clone(),
            organization: self.organization.clone(),
            certificate_sha256: self.cert_sha.clone(),
            level: if tsa.is_some() {
                "PAdES-B-T"
            } else {
                "PAdES-B-B"
            }
            .into(),
        };
        Ok((signed, record))
    }

    /// The `digital signature generation` event of a bundle.
    pub(crate) fn event(&self, log: &mut sohoa_archive::events::EventLog, bundle_path: &str) {
        log.add(
            kind::SIGNATURE_GENERATION,
            events::detail("sign"),
            Outcome::Success,
            format!(
                "PAdES signature of {} (certificate SHA-256 {}) added to the bundle as an incremental update; its bytes before the update unchanged",
                self.subject, self.cert_sha
            ),
            vec![events::source(bundle_path), events::outcome(bundle_path)],
        );
    }
}

fn sign_case(
    archive: &Path,
    id: &str,
    opts: &SignOptions,
    signer: &dyn Signer,
    who: &Signing,
) -> SignCaseResult {
    let mut r = SignCaseResult {
        case_id: id.to_string(),
        status: "failed",
        version: None,
        previous_version: None,
        at: None,
        errors: Vec::new(),
    };
    let (bag, record) = match open_whole(archive, id, "sign.bag_unreadable", "sign.no_metadata") {
        Ok(opened) => opened,
        Err(p) => {
            r.errors.push(p);
            return r;
        }
    };
    let already = record
        .bundle
        .as_ref()
        .is_some_and(|b| !b.signatures.is_empty());
    if already && !opts.force {
        r.status = "skipped";
        r.version = Some(record.version.max(1));
        return r;
    }
    if let Some(p) = who.refuses(id, record.case.agency_name.as_deref()) {
        r.errors.push(p);
        return r;
    }
    let tmp = layout::building(archive, id);
    let _ = fs::remove_dir_all(&tmp);
    match resign(archive, id, &bag, record, opts, signer, who, &tmp) {
        Ok(Ok((version, moved, at))) => {
            r.status = "signed";
            r.version = Some(version);
            r.previous_version = moved;
            r.at = Some(at);
        }
        Ok(Err(p)) => {
            let _ = fs::remove_dir_all(&tmp);
            r.errors.push(p);
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            r.errors.push(in_bag(
                id,
                "bag.write_failed",
                format!("Không ghi được phiên bản mới của gói: {e}"),
                format!("Cannot write the new version of the bag: {e}"),
            ));
        }
    }
    r
}

type Resigned = (u32, Option<String>, String);

/// What a new version is made from: the intact bag's report, the bundle and the event log.
struct Inputs {
    intact: sohoa_bagit::verify::BagReport,
    bundle_path: String,
    log: sohoa_archive::events::EventLog,
    pdf: Vec<u8>,
}

/// Reads what the signing needs from an intact bag.
fn gather(old: &Bag, record: &CaseRecord, id: &str) -> Result<Inputs, Problem> {
    let intact = check_intact(old).map_err(|e| {
        in_bag(
            id,
            "sign.bag_damaged",
            format!("Gói không nguyên vẹn nên không ký: {e}"),
            format!("The bag is not intact, so it is not signed: {e}"),
        )
    })?;
    let bundle_path = record
        .bundle
        .as_ref()
        .map(|b| b.path.clone())
        .ok_or_else(|| {
            in_bag(
                id,
                "sign.no_bundle",
                "metadata.json không ghi tệp PDF".into(),
                "metadata.json names no bundle".into(),
            )
        })?;
    let log = old.events().map_err(|e| {
        in_bag(
            id,
            "sign.events_unreadable",
            format!("data/events.json không đọc được: {e}"),
            format!("data/events.json is unreadable: {e}"),
        )
    })?;
    let pdf = old.read(&bundle_path, MAX_BUNDLE).map_err(|e| {
        in_bag(
            id,
            "sign.bundle_unreadable",
            format!("{bundle_path}: {}", e.vi()),
            format!("{bundle_path}: {}", e.en()),
        )
    })?;
    Ok(Inputs {
        intact,
        bundle_path,
        log,
        pdf,
    })
}

/// The new version with the signed bundle, committed. `Ok(Err)`: nothing committed, why.
#[allow(clippy::too_many_arguments)]
fn resign(
    archive: &Path,
    id: &str,
    old: &Bag,
    record: CaseRecord,
    opts: &SignOptions,
    signer: &dyn Signer,
    who: &Signing,
    tmp: &Path,
) -> std::io::Result<Result<Resigned, Problem>> {
    let mut inputs = match gather(old, &record, id) {
        Ok(i) => i,
        Err(p) => return Ok(Err(p)),
    };
    let agency = record.case.agency_name.clone();
    inputs
        .log
        .acting(opts.operator.as_deref(), agency.as_deref());
    let (signed, signature) = match who.sign(
        signer,
        &inputs.pdf,
        agency.as_deref(),
        (&opts.reason, opts.tsa.as_deref()),
        id,
        &inputs.bundle_path,
    ) {
        Ok(s) => s,
        Err(p) => return Ok(Err(p)),
    };
    store(
        archive, id, old, record, inputs, &signed, who, signature, tmp,
    )
}

/// The new version around the signed bundle: the other payload files copied with their
/// digests checked, the record and the events updated, sealed and committed.
#[allow(clippy::too_many_arguments)]
fn store(
    archive: &Path,
    id: &str,
    old: &Bag,
    mut record: CaseRecord,
    inputs: Inputs,
    signed: &[u8],
    who: &Signing,
    signature: SignatureRecord,
    tmp: &Path,
) -> std::io::Result<Result<Resigned, Problem>> {
    let at = signature.at.clone();
    let Inputs {
        intact,
        bundle_path,
        mut log,
        ..
    } = inputs;
    let mut bag = BagBuilder::create(tmp.to_path_buf())?;
    let rel = bundle_path.trim_start_matches("data/").to_string();
    let sha = bag.write(&rel, signed)?;
    let skip = |p: &str| p == rel || crate::seal::written_by_seal(p);
    match copy_payload(old, &intact, &mut bag, skip) {
        Ok(()) => {}
        Err(RewrapError::Io(e)) => return Err(e),
        Err(e) => {
            return Ok(Err(in_bag(
                id,
                "sign.bag_damaged",
                format!("Gói không nguyên vẹn: {e}"),
                format!("The bag is not intact: {e}"),
            )))
        }
    }
    let current = record.version.max(1);
    let (version, previous) = version::number(archive, id, Some(current));
    record.version = version;
    record.previous_version = previous.clone();
    if let Some(b) = record.bundle.as_mut() {
        b.sha256 = sha;
        b.size = signed.len() as u64;
        b.signatures.push(signature);
    }
    who.event(&mut log, &bundle_path);
    log.add(
        kind::PACKAGE_CREATION,
        events::detail("BagIt 1.0"),
        Outcome::Success,
        format!("bag {id}, version {version} (version {current} signed), SHA-256 manifests"),
        vec![events::outcome(layout::bag(id))],
    );
    let labels = carried(
        &old.bag_info().unwrap_or_default(),
        &[(label::SOHOA_BAG_VERSION, version.to_string())],
    );
    let root = seal(bag, &record, &log, &labels)?;
    let moved = version::commit(archive, id, &root, previous.as_ref())?;
    Ok(Ok((version, moved, at)))
}
