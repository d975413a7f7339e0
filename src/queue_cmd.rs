//! `sohoa queue add|status|retry` and `sohoa worker`: case jobs on PostgreSQL
//! (docs/scale-out.md). `add` discovers the case folders of a scan folder and queues one job
//! each with the ingest settings; `worker` runs them into the archive (a folder or S3);
//! `status` shows progress and the parked cases with their errors.

use crate::exit::{Done, Ran};
use crate::ingest_cmd::CaseArgs;
use clap::{Args, Subcommand};
use sohoa_archive::problem::Lang;
use sohoa_queue::{JobFailure, Queue, WorkerOptions};
use sohoa_worker::job::{CaseJob, CaseWorker};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct QueueArg {
    /// The job queue: postgres://user@host:port/db (password from PGPASSWORD).
    #[arg(long, env = "SOHOA_QUEUE")]
    pub queue: Option<String>,
}

#[derive(Subcommand)]
pub enum QueueCommand {
    /// Queue one job per case folder of a scan folder (on a path every worker can read).
    Add(AddArgs),
    /// Jobs by state, the workers and when each last answered, parked cases with their errors.
    Status {
        #[command(flatten)]
        queue: QueueArg,
        /// Job lines listed (parked, retrying).
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Queue parked jobs again (after their cause was fixed).
    Retry {
        #[command(flatten)]
        queue: QueueArg,
        /// Only this batch (the scan folder as added).
        #[arg(long)]
        batch: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// Scan folder: one subfolder per case.
    scans: PathBuf,
    #[command(flatten)]
    queue: QueueArg,
    #[command(flatten)]
    case: CaseArgs,
    /// Attempts before a job is parked.
    #[arg(long, default_value_t = 5)]
    max_attempts: i32,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct WorkerArgs {
    /// The archive the bags go to: a folder, or s3://bucket/prefix.
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    #[command(flatten)]
    queue: QueueArg,
    /// Cases at a time (default: number of CPU cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Seconds a claimed case stays this worker's without a heartbeat.
    #[arg(long, default_value_t = 60.0)]
    lease: f64,
    /// Seconds to wait before the second attempt (doubled per attempt, at most 600).
    #[arg(long, default_value_t = 5.0)]
    backoff: f64,
    /// Stop when no job is queued or running, instead of waiting for more.
    #[arg(long)]
    drain: bool,
    #[arg(long)]
    json: bool,
}

fn connect(q: &QueueArg, lang: Lang) -> Result<(String, Queue), crate::exit::CannotRun> {
    let url = crate::location::queue_url(q.queue.as_deref()).map_err(|e| cannot!("{e}"))?;
    let queue = Queue::connect(&url).map_err(|e| {
        cannot!(
            "{}: {e}",
            lang.pick("Không kết nối được hàng đợi", "Cannot reach the job queue")
        )
    })?;
    Ok((url, queue))
}

pub fn queue(cmd: &QueueCommand, lang: Lang) -> Ran {
    match cmd {
        QueueCommand::Add(a) => add(a, lang),
        QueueCommand::Status { queue, limit, json } => {
            let (_, mut q) = connect(queue, lang)?;
            let st = q.status(*limit).map_err(|e| cannot!("{e}"))?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&st).unwrap_or_default());
            } else {
                print_status(&st, lang);
            }
            Ok(if st.counts.parked > 0 {
                Done::Partial
            } else {
                Done::Ok
            })
        }
        QueueCommand::Retry { queue, batch, json } => {
            let (_, mut q) = connect(queue, lang)?;
            let n = q
                .retry_parked(batch.as_deref())
                .map_err(|e| cannot!("{e}"))?;
            if *json {
                println!(
                    "{}",
                    serde_json::json!({ "schema": "sohoa/queue-retry", "requeued": n })
                );
            } else {
                say!(
                    "{}",
                    lang.pick(
                        &format!("Đã đưa lại {n} việc vào hàng đợi"),
                        &format!("{n} parked jobs queued again")
                    )
                );
            }
            Ok(Done::Ok)
        }
    }
}

fn add(a: &AddArgs, lang: Lang) -> Ran {
    let mut settings = a.case.job_settings().map_err(|e| cannot!("{e}"))?;
    // Who queued the cases: named on their events, whichever worker stores them.
    settings.operator = crate::operator();
    let cases = sohoa_worker::job::case_jobs(&a.scans, &settings).map_err(|e| {
        cannot!(
            "{} {}: {e}",
            lang.pick("Không đọc được thư mục", "Cannot read"),
            a.scans.display()
        )
    })?;
    let scans = cases
        .first()
        .map(|c| c.scans.clone())
        .unwrap_or_else(|| a.scans.clone());
    let jobs: Vec<(String, serde_json::Value)> = cases
        .iter()
        .map(|job| (job.key(), serde_json::to_value(job).unwrap_or_default()))
        .collect();
    let (_, mut q) = connect(&a.queue, lang)?;
    let name = scans.display().to_string();
    let added = q
        .add("ingest", &name, &jobs, a.max_attempts.max(1))
        .map_err(|e| cannot!("{e}"))?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "schema": "sohoa/queue-add",
                "schema_version": 1,
                "batch": name,
                "cases": jobs.len(),
                "added": added,
                "already_queued": jobs.len() as u64 - added,
            }))
            .unwrap_or_default()
        );
    } else {
        match lang {
            Lang::Vi => say!(
                "Đã xếp {added} hồ sơ vào hàng đợi ({} hồ sơ trong {name}, {} đã có sẵn). Chạy `sohoa worker` trên các máy xử lý.",
                jobs.len(),
                jobs.len() as u64 - added
            ),
            Lang::En => say!(
                "{added} cases queued ({} cases in {name}, {} were already queued). Run `sohoa worker` on the processing machines.",
                jobs.len(),
                jobs.len() as u64 - added
            ),
        }
    }
    Ok(Done::Ok)
}

pub fn worker(a: &WorkerArgs, lang: Lang) -> Ran {
    let url = crate::location::queue_url(a.queue.queue.as_deref()).map_err(|e| cannot!("{e}"))?;
    let target = sohoa_worker::publish::Target::of(&a.archive).map_err(|e| cannot!("{e}"))?;
    let stop = crate::stop_on_signals();
    let runner = CaseWorker {
        target,
        staging: a.archive.join(".work"),
        sign: None,
        cancel: stop.clone(),
        lang,
    };
    runner.clean_stale();
    let opts = WorkerOptions {
        jobs: a.jobs.unwrap_or_else(crate::default_jobs).max(1),
        lease: Duration::from_secs_f64(a.lease.clamp(1.0, 86_400.0)),
        backoff: Duration::from_secs_f64(a.backoff.clamp(0.0, 600.0)),
        idle: Duration::from_millis(500),
        drain: a.drain,
        name: WorkerOptions::default_name(),
        stop,
    };
    let handler = |job: &sohoa_queue::Claimed, slot: usize| {
        let case: CaseJob = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobFailure::Park(format!("not a case job: {e}")))?;
        match runner.run(&case, slot, job.attempt) {
            Ok(r) => {
                tracing::info!("{}: {} ({})", case.folder, r.case_id, r.outcome);
                Ok(serde_json::to_value(&r).unwrap_or_default())
            }
            Err(e) if e.retry => Err(JobFailure::Retry(e.message)),
            Err(e) => Err(JobFailure::Park(e.message)),
        }
    };
    let report = sohoa_queue::run_worker(&url, &opts, &handler).map_err(|e| cannot!("{e}"))?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        match lang {
            Lang::Vi => say!(
                "Máy xử lý {} dừng: {} hồ sơ xong, {} lần thử lại, {} hồ sơ tạm gác.",
                report.worker,
                report.done,
                report.retried,
                report.parked
            ),
            Lang::En => say!(
                "Worker {} stopped: {} cases done, {} retried, {} parked.",
                report.worker,
                report.done,
                report.retried,
                report.parked
            ),
        }
    }
    Ok(if opts.stop.load(std::sync::atomic::Ordering::Relaxed) {
        Done::Interrupted
    } else {
        Done::Ok
    })
}

fn print_status(st: &sohoa_queue::QueueStatus, lang: Lang) {
    let c = &st.counts;
    match lang {
        Lang::Vi => say!(
            "Hàng đợi {}: {} hồ sơ — chờ {}, đang xử lý {}, xong {}, tạm gác {} (đang chờ thử lại {}); {} xong trong phút vừa qua.",
            st.queue, c.total, c.queued, c.running, c.done, c.parked, c.retrying, st.done_last_minute
        ),
        Lang::En => say!(
            "Queue {}: {} cases: queued {}, running {}, done {}, parked {} (waiting to retry {}); {} done in the last minute.",
            st.queue, c.total, c.queued, c.running, c.done, c.parked, c.retrying, st.done_last_minute
        ),
    }
    for w in &st.workers {
        say!(
            "  {} {}: {} {}, {:.0} s {}",
            lang.pick("máy", "worker"),
            w.worker,
            w.jobs,
            lang.pick("hồ sơ", "cases"),
            w.seconds_since_heartbeat,
            if w.alive {
                lang.pick("từ lần báo gần nhất", "since its last heartbeat")
            } else {
                lang.pick(
                    "không còn trả lời: hồ sơ sẽ được máy khác nhận",
                    "not answering: its cases will be taken again",
                )
            }
        );
    }
    let lines = [
        (lang.pick("TẠM GÁC", "PARKED"), &st.parked),
        (lang.pick("THỬ LẠI", "RETRY"), &st.retrying),
    ];
    for (label, jobs) in lines {
        for j in jobs {
            say!(
                "  {label} {} ({}/{}): {}",
                j.key,
                j.attempts,
                j.max_attempts,
                j.error.as_deref().unwrap_or("")
            );
        }
    }
}

pub fn clean_storage(archive: &std::path::Path, older_than: f64, json: bool, lang: Lang) -> Ran {
    let s3 = match sohoa_worker::publish::Target::of(archive).map_err(|e| cannot!("{e}"))? {
        sohoa_worker::publish::Target::S3(s3) => s3,
        sohoa_worker::publish::Target::Folder(_) => {
            return Err(cannot!(
                "{}",
                lang.pick(
                    "Kho này là một thư mục, không phải kho đối tượng S3 (sohoa ingest tự dọn việc dở dang)",
                    "This archive is a folder, not S3 object storage (sohoa ingest cleans up its own leftovers)"
                )
            ))
        }
    };
    let grace = Duration::from_secs_f64((older_than * 3600.0).clamp(0.0, 1e9));
    let cleaned = s3.clean(grace, None).map_err(|e| cannot!("{e}"))?;
    if json {
        println!(
            "{}",
            serde_json::json!({ "schema": "sohoa/clean-storage", "schema_version": 1, "attempts": cleaned.attempts, "objects": cleaned.objects })
        );
    } else {
        say!(
            "{}: {} ({} {})",
            lang.pick("Đã xóa phần tải lên dở dang", "Leftover uploads removed"),
            cleaned.attempts,
            cleaned.objects,
            lang.pick("đối tượng", "objects")
        );
    }
    Ok(Done::Ok)
}
