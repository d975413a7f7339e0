//! A queued case job (`sohoa queue add`, `sohoa worker`): what it carries (the scan folder,
//! the case folder, the ingest settings, all as plain JSON in the queue) and how a worker runs
//! it: the one case ingested into the worker's private staging archive by the same steps as
//! `sohoa ingest`, then published to the archive ([`crate::publish`]) and the staging dropped.
//! Workers never write the index (the indexer follows committed bags).

use crate::publish::{PublishError, Stored, Target};
use serde::{Deserialize, Serialize};
use sohoa_archive::problem::Lang;
use sohoa_ingest::{ingest, CaseStatus, NoCatalog, Options, Quiet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The ingest settings a job carries (those of `sohoa ingest` that shape a case's bag).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JobSettings {
    pub keep_originals: bool,
    pub organization: Option<String>,
    /// A built-in profile name, or the absolute path of a profile file.
    pub profile: String,
    pub drop_blank: bool,
    /// `auto`, `on`, `off`.
    pub ocr: String,
    pub ocr_lang: String,
    pub ocr_timeout: f64,
    /// Absolute paths, so that any worker finds them.
    pub register: Option<PathBuf>,
    pub mapping: Option<PathBuf>,
    pub follow_symlinks: bool,
    /// Who queued the case (`sohoa queue add --operator`, the web's signed-in user): named on
    /// its preservation events; absent in jobs queued before this field existed.
    #[serde(default)]
    pub operator: Option<String>,
}

impl Default for JobSettings {
    /// `sohoa ingest`'s defaults (what the browser's ingest uses).
    fn default() -> JobSettings {
        JobSettings {
            keep_originals: false,
            organization: None,
            profile: "default".into(),
            drop_blank: false,
            ocr: "auto".into(),
            ocr_lang: "vie+eng".into(),
            ocr_timeout: 120.0,
            register: None,
            mapping: None,
            follow_symlinks: false,
            operator: None,
        }
    }
}

/// One job per case folder of `scans` (made absolute), with these settings; the folders are
/// found as `sohoa ingest` finds them.
pub fn case_jobs(scans: &Path, settings: &JobSettings) -> std::io::Result<Vec<CaseJob>> {
    let scans = std::path::absolute(scans)?;
    let follow = if settings.follow_symlinks {
        sohoa_archive::safe_fs::Follow::Yes
    } else {
        sohoa_archive::safe_fs::Follow::No
    };
    let batch = sohoa_ingest::discover::discover(&scans, follow)?;
    Ok(batch
        .cases
        .iter()
        .map(|c| CaseJob {
            scans: scans.clone(),
            folder: c.folder.clone(),
            settings: settings.clone(),
        })
        .collect())
}

impl JobSettings {
    /// The ingest options for writing into `archive` (one case at a time).
    pub fn options(&self, archive: &Path) -> Result<Options, String> {
        use sohoa_ocr::Mode;
        Ok(Options {
            archive: archive.to_path_buf(),
            jobs: 1,
            keep_originals: self.keep_originals,
            organization: self.organization.clone(),
            profile: sohoa_imaging::normalize::Profile::load(&self.profile)?,
            drop_blank: self.drop_blank,
            ocr: sohoa_ocr::Settings {
                mode: match self.ocr.as_str() {
                    "on" => Mode::On,
                    "off" => Mode::Off,
                    _ => Mode::Auto,
                },
                languages: self.ocr_lang.clone(),
                timeout: std::time::Duration::from_secs_f64(
                    self.ocr_timeout.clamp(0.001, 86_400.0),
                ),
                ..Default::default()
            },
            register: self.register.clone(),
            mapping: self.mapping.clone(),
            follow_symlinks: self.follow_symlinks,
            batch: true,
            replace: None,
            cancel: None,
            sign: None,
            only: None,
            operator: self.operator.clone(),
        })
    }
}

/// One case of a scan folder, as the queue holds it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaseJob {
    /// The scan folder (absolute; on a path every worker can read).
    pub scans: PathBuf,
    /// The case folder's name in it.
    pub folder: String,
    pub settings: JobSettings,
}

impl CaseJob {
    /// The queue key: one job per case folder of a scan folder.
    pub fn key(&self) -> String {
        format!("{}/{}", self.scans.display(), self.folder)
    }
}

/// What a finished job records in the queue.
#[derive(Debug, Clone, Serialize)]
pub struct JobResult {
    pub case_id: String,
    /// `stored` (by this worker) or `already_stored` (the same scans were there).
    pub outcome: &'static str,
    pub version: u32,
    pub pages: u32,
    pub bytes: u64,
    pub warnings: usize,
}

/// Why a job did not finish: `retry` when trying again later may help.
#[derive(Debug, Clone)]
pub struct JobError {
    pub retry: bool,
    pub message: String,
}

impl JobError {
    fn park(message: String) -> JobError {
        JobError {
            retry: false,
            message,
        }
    }
    fn retry(message: String) -> JobError {
        JobError {
            retry: true,
            message,
        }
    }
}

/// How a worker runs case jobs.
pub struct CaseWorker {
    pub target: Target,
    /// Private staging folders go here (on the archive's file system for a local archive).
    pub staging: PathBuf,
    pub sign: Option<sohoa_ingest::SignWith>,
    pub cancel: Arc<AtomicBool>,
    /// The language of the errors recorded in the queue (shown to people on the jobs page).
    pub lang: Lang,
}

impl CaseWorker {
    /// Removes staging folders this machine's earlier workers left when they were killed (their
    /// process is gone). Called when a worker starts.
    pub fn clean_stale(&self) {
        let Ok(entries) = std::fs::read_dir(&self.staging) else {
            return;
        };
        let prefix = format!("{}-", host());
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().to_string();
            let Some(pid) = name
                .strip_prefix(&prefix)
                .and_then(|rest| rest.split('-').next())
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let alive = Path::new("/proc").join(pid.to_string()).exists();
            if !alive && e.file_type().is_ok_and(|t| t.is_dir()) {
                tracing::info!("removing staging folder {name} of a stopped worker");
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }

    /// Ingests one case into a fresh staging archive and publishes its bag. `slot` tells
    /// concurrent jobs of this worker apart; `attempt` > 1 means an earlier attempt may have
    /// left objects behind.
    pub fn run(&self, job: &CaseJob, slot: usize, attempt: i32) -> Result<JobResult, JobError> {
        let staging = self
            .staging
            .join(format!("{}-{}-{slot}", host(), std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| {
            JobError::retry(format!(
                "cannot make staging folder {}: {e}",
                staging.display()
            ))
        })?;
        let result = self.run_in(job, &staging, attempt);
        let _ = std::fs::remove_dir_all(&staging);
        result
    }

    fn run_in(&self, job: &CaseJob, staging: &Path, attempt: i32) -> Result<JobResult, JobError> {
        let mut opts = job.settings.options(staging).map_err(JobError::park)?;
        opts.only = Some([job.folder.clone()].into());
        opts.cancel = Some(self.cancel.clone());
        opts.sign = self.sign.clone();
        if !job.scans.is_dir() {
            // A share that is not mounted on this worker yet: worth another try.
            return Err(JobError::retry(
                self.lang
                    .pick(
                        &format!(
                            "máy này không đọc được thư mục quét {}",
                            job.scans.display()
                        ),
                        &format!(
                            "scan folder {} cannot be read on this worker",
                            job.scans.display()
                        ),
                    )
                    .to_string(),
            ));
        }
        let report = ingest(&job.scans, &opts, &Quiet, &NoCatalog)
            .map_err(|p| JobError::retry(p.render(self.lang)))?;
        let Some(case) = report.cases.first() else {
            let why = report
                .batch_problems
                .iter()
                .map(|p| p.render(self.lang))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(JobError::park(
                self.lang
                    .pick(
                        &format!(
                            "không thấy thư mục hồ sơ {} trong {} {why}",
                            job.folder,
                            job.scans.display()
                        ),
                        &format!(
                            "case folder {} not found in {} {why}",
                            job.folder,
                            job.scans.display()
                        ),
                    )
                    .to_string(),
            ));
        };
        match case.status {
            CaseStatus::Ingested | CaseStatus::Skipped => {}
            CaseStatus::Interrupted => {
                return Err(JobError::retry(
                    self.lang.pick("bị dừng", "interrupted").to_string(),
                ))
            }
            CaseStatus::Failed => {
                let why: Vec<String> = case.errors.iter().map(|p| p.render(self.lang)).collect();
                return Err(JobError::park(format!(
                    "{}: {}",
                    job.folder,
                    why.join("; ")
                )));
            }
        }
        let bag = staging.join(sohoa_archive::layout::bag(&case.case_id));
        let stored = self
            .target
            .publish(&bag, &case.case_id, attempt > 1)
            .map_err(|e| match e {
                PublishError::Transient(m) => JobError::retry(m),
                PublishError::Conflict(m) => JobError::park(m),
            })?;
        let (outcome, version) = match stored {
            Stored::Committed(v) => ("stored", v),
            Stored::AlreadyStored(v) => ("already_stored", v),
        };
        Ok(JobResult {
            case_id: case.case_id.clone(),
            outcome,
            version,
            pages: case.pages,
            bytes: case.bytes,
            warnings: case.warnings.len(),
        })
    }
}

fn host() -> String {
    let h = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let h: String = h
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if h.is_empty() {
        "localhost".into()
    } else {
        h
    }
}
