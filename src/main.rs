//! sohoa: the command line. Parses arguments, shows progress, prints results for people
//! (Vietnamese first, `--lang en` for English) or as JSON, and maps outcomes to exit codes.

#[macro_use]
mod term;
#[macro_use]
mod exit;
mod audit_cmd;
mod help_text;
mod help_vi;
mod ingest_cmd;
mod inspect_cmd;
mod location;
mod ocr_cmd;
mod outputs;
mod package_cmd;
mod progress;
mod queue_cmd;
mod register_cmd;
mod report_cmd;
mod search_cmd;
mod serve_cmd;
mod sign_cmd;
mod verify_cmd;
mod withdraw_cmd;

/// mimalloc for small blocks, the C allocator for page-sized buffers (`sohoa_alloc`).
#[global_allocator]
static GLOBAL: sohoa_alloc::Allocator = sohoa_alloc::Allocator;

use clap::{FromArgMatches, Parser, Subcommand};
use sohoa_archive::problem::Lang;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sohoa",
    version,
    about = "Digitized TTHC case files: scans -> PDF/A-2b -> verified BagIt bags, search, audit, reports"
)]
struct Cli {
    /// Language of messages for people: vi (default) or en.
    #[arg(long, global = true, env = "SOHOA_LANG", default_value = "vi", value_parser = ["vi", "en"])]
    lang: String,
    /// File of the key that hashes identity numbers in the index (default
    /// ~/.config/sohoa/identifier-hmac.key, outside every archive; made by ingest or reindex).
    #[arg(long, global = true, env = "SOHOA_ID_KEY")]
    id_key: Option<PathBuf>,
    /// Who operates sohoa, named on every preservation event the command records (PREMIS
    /// agent, with the software and the agency); default: the operating-system account.
    #[arg(long, global = true, env = "SOHOA_OPERATOR", value_name = "NAME")]
    operator: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest a folder of scanned case files: one PDF/A-2b bundle per case in a BagIt bag.
    Ingest {
        /// Scan folder: one subfolder per case, optional register (hoso.xlsx, hoso.csv, ...).
        scans: PathBuf,
        /// Archive folder (bags in `ARCHIVE/bags/<case id>/`).
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        /// Cases processed in parallel (default: number of CPU cores).
        #[arg(long)]
        jobs: Option<usize>,
        #[command(flatten)]
        case: ingest_cmd::CaseArgs,
        /// SCANS is a folder of cases even if it looks like one case folder (pages at its top,
        /// subfolders named like component documents).
        #[arg(long)]
        batch: bool,
        /// Replace a case code already stored from another source (the old version is kept in
        /// versions/ and the replacement recorded); give the reason with --reason.
        #[arg(long)]
        replace: bool,
        /// Why the cases are replaced (required with --replace), kept in the preservation events.
        #[arg(long, requires = "replace", required_if_eq("replace", "true"))]
        reason: Option<String>,
        /// Sign each bundle with the agency's key as its case is stored (PAdES, the visible
        /// mark; docs/signing.md): give the key with --pkcs12 or --pkcs11-module.
        #[arg(long)]
        sign: bool,
        #[command(flatten)]
        key: sign_cmd::KeyArgs,
        /// Print the ingest report as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Case jobs on PostgreSQL for many workers on many machines (docs/scale-out.md).
    #[command(subcommand)]
    Queue(queue_cmd::QueueCommand),
    /// Take case jobs from the queue and store their bags in the archive (a folder or
    /// s3://bucket/prefix); any number of workers, on any number of machines.
    Worker(queue_cmd::WorkerArgs),
    /// Remove what crashed writers left in object storage: uploads no commit marker names,
    /// older than --older-than hours (committed bags are never touched).
    CleanStorage {
        #[arg(long, env = "SOHOA_ARCHIVE", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        #[arg(long, default_value_t = 1.0, value_name = "HOURS")]
        older_than: f64,
        #[arg(long)]
        json: bool,
    },
    /// Write archival packages of cases (TT 05/2025 on E-ARK CSIP: METS, PREMIS, the hồ sơ and
    /// document descriptions, the PDF/A bundle): AIP_hoso, or SIP_hoso for another archive.
    Export(package_cmd::ExportArgs),
    /// Sign the bundles of the archive's bags with the agency's key (PAdES, a new version of
    /// each bag signed; the old one kept in versions/).
    Sign(sign_cmd::SignArgs),
    /// Read packages written by `sohoa export` back into the archive, each checked file by file
    /// against its METS first.
    Import(package_cmd::ImportArgs),
    /// Move a case out of the archive without deleting anything: the bag goes to withdrawn/ with
    /// a deaccession event and the reason, its previous version to versions/, search forgets it.
    Withdraw {
        /// Case id (the bag folder name in ARCHIVE/bags/).
        case: String,
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        /// Why the case is withdrawn (kept in the preservation events).
        #[arg(long)]
        reason: String,
        /// Print the result as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Add a text layer (OCR) to bags already in the archive: a new version of each bag that has
    /// no text yet; the old one is kept in versions/.
    Ocr {
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        /// Only these cases (default: every bag).
        cases: Vec<String>,
        /// Recognize again bags whose pages already have text.
        #[arg(long)]
        force: bool,
        /// Pages recognized in parallel (default: number of CPU cores).
        #[arg(long)]
        jobs: Option<usize>,
        #[command(flatten)]
        ocr: OcrArgs,
        /// Print the report as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Show what normalization would do to pages (skew, borders, blank, colour, DPI); writes nothing.
    Inspect {
        /// Image files (JPEG, PNG, TIFF).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Normalization profile: default, compact, or a TOML file.
        #[arg(long, default_value = "default")]
        profile: String,
        /// Print the findings as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Re-hash every bag and report each file: ok, changed, missing, unexpected.
    Verify {
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        /// Bags checked in parallel (default: number of CPU cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// List every file, not only the ones with problems.
        #[arg(long)]
        all_files: bool,
        /// Print the verification report as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Search the archive: words (AND), "phrases", codes and prefix*, field:value, -word.
    Search(Box<search_cmd::SearchArgs>),
    /// Check the archive before an inspection: đúng, đủ, sạch, sống (exit 1 when errors).
    Audit(Box<audit_cmd::AuditArgs>),
    /// The Biểu 06/VPCP/KSTT statistics, late cases and apology letters.
    Report(Box<report_cmd::ReportArgs>),
    /// Registers (XLSX/CSV exports, old TCVN3/VNI/VIQR registers): check how they are read.
    #[command(subcommand)]
    Register(RegisterCommand),
    /// Serve the archive to browsers: search, cases with a viewer, accounts and roles, the
    /// access log (docs/web.md).
    Serve(serve_cmd::ServeArgs),
    /// Accounts of `sohoa serve`: add, list, disable, enable, passwd, grant.
    #[command(subcommand)]
    User(serve_cmd::UserCommand),
    /// Rebuild the search index from the bags alone; or, as the one indexer of an archive that
    /// queue workers write to, index what was committed since (--catch-up, --follow).
    Reindex {
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        /// Index only the cases committed or changed since the index last caught up.
        #[arg(long)]
        catch_up: bool,
        /// Keep catching up every SECONDS until stopped.
        #[arg(long, value_name = "SECONDS")]
        follow: Option<f64>,
        /// Print the result as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum RegisterCommand {
    /// Show how each column is mapped, which rows fail and why, and legacy text converted.
    Check(register_cmd::CheckArgs),
}

/// OCR options shared by `ingest` and `ocr`.
#[derive(clap::Args, Clone, Debug)]
pub struct OcrArgs {
    /// OCR of every page: auto (when Tesseract is installed), on (required), off.
    #[arg(long, env = "SOHOA_OCR", default_value = "auto", value_parser = ["auto", "on", "off"])]
    ocr: String,
    /// Tesseract languages, joined by + (installed as `tesseract-ocr-<lang>`).
    #[arg(long = "ocr-lang", default_value = "vie+eng")]
    ocr_lang: String,
    /// Seconds allowed for one page; a slower page is stored without text (a warning).
    #[arg(long = "ocr-timeout", default_value_t = 120.0)]
    ocr_timeout: f64,
}

impl OcrArgs {
    pub fn settings(&self) -> sohoa_ocr::Settings {
        use sohoa_ocr::Mode;
        sohoa_ocr::Settings {
            mode: match self.ocr.as_str() {
                "on" => Mode::On,
                "off" => Mode::Off,
                _ => Mode::Auto,
            },
            languages: self.ocr_lang.clone(),
            timeout: std::time::Duration::from_secs_f64(self.ocr_timeout.clamp(0.001, 86_400.0)),
            ..Default::default()
        }
    }
}

/// Loads a normalization profile, or says why it cannot be used (exit code 2).
pub fn load_profile(name: &str, lang: Lang) -> Result<sohoa_imaging::Profile, exit::CannotRun> {
    sohoa_imaging::Profile::load(name).map_err(|e| {
        cannot!(
            "{}: {e}",
            lang.pick(
                "Hồ sơ chuẩn hóa không dùng được",
                "Unusable normalization profile"
            )
        )
    })
}

/// Ctrl-C and SIGTERM ask a long run to stop: the flag is set, the run drops the case in
/// flight, reports what was stored and exits 130. A second Ctrl-C ends the process at once.
pub fn stop_on_signals() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        // Order matters: the conditional exit is checked before the flag is set.
        let exit = signal_hook::flag::register_conditional_shutdown(sig, 130, flag.clone());
        let set = signal_hook::flag::register(sig, flag.clone());
        if let Err(e) = exit.and(set) {
            tracing::warn!("cannot handle signal {sig}: {e}");
        }
    }
    flag
}

pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

static OPERATOR: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The person operating sohoa in this run (`--operator`, `SOHOA_OPERATOR`, else the
/// operating-system account): named on the preservation events the command records.
pub fn operator() -> Option<String> {
    OPERATOR.get().cloned().flatten()
}

fn main() -> ExitCode {
    sohoa_alloc::return_large_buffers();
    // Tesseract's OpenMP threads would compete with sohoa's own page workers (one recognizer
    // per job): one thread each is faster overall. Set before any thread or library starts.
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        std::env::set_var("OMP_THREAD_LIMIT", "1");
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SOHOA_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = location::load_config() {
        warn!("{e}");
        return ExitCode::from(2);
    }
    location::install_backends();
    // Help in the language asked for (Vietnamese by default), then the arguments parsed.
    let asked = help_vi::requested();
    let said = |e: clap::Error| match (asked, help_vi::error_vi(&e)) {
        (Lang::Vi, Some(said)) => {
            eprintln!("{said}");
            ExitCode::from(2)
        }
        _ => e.exit(),
    };
    let matches = match help_vi::command(asked).try_get_matches() {
        Ok(m) => m,
        Err(e) => return said(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return said(e),
    };
    // `sohoa ocr --ocr off` typed on the command line (SOHOA_OCR=off is ingest's default and
    // does not count here: docs/cli.md).
    let ocr_off_typed = matches.subcommand_matches("ocr").is_some_and(|sub| {
        sub.value_source("ocr") == Some(clap::parser::ValueSource::CommandLine)
            && sub.get_one::<String>("ocr").is_some_and(|v| v == "off")
    });
    let lang = if cli.lang == "en" { Lang::En } else { Lang::Vi };
    let _ = OPERATOR.set(
        cli.operator
            .clone()
            .or_else(sohoa_archive::events::os_operator),
    );
    if let Some(key) = &cli.id_key {
        // Read by the library (`privacy::default_key_path`); set before any thread starts.
        std::env::set_var("SOHOA_ID_KEY", key);
    }
    if matches!(
        cli.command,
        Command::Search(_) | Command::Register(_) | Command::Inspect { .. }
    ) {
        // Commands that only read: stop quietly, like other command-line tools, when the
        // reader of the output goes away (`sohoa search ... | head`) instead of panicking.
        // Commands that write the archive keep Rust's default so a closed pipe never cuts
        // a batch short.
        #[cfg(unix)]
        // SAFETY: setting a signal disposition before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    if let Command::Ingest { case, .. } = &cli.command {
        // Without a recognizer in the process, page buffers are kept for the next page (no
        // zero-filling faults); with one, they go back to the system (its memory is the peak).
        let mode = case.ocr.settings().mode;
        if mode == sohoa_ocr::Mode::Off
            || (mode == sohoa_ocr::Mode::Auto && sohoa_ocr::engine_name().is_none())
        {
            sohoa_alloc::keep_large_buffers();
        }
    }
    let ran = match cli.command {
        Command::Ingest {
            scans,
            archive,
            jobs,
            case,
            batch,
            replace,
            reason,
            sign,
            key,
            json,
        } => match load_profile(&case.profile, lang).and_then(|p| {
            // The key is opened (password, PIN) before anything is ingested.
            let signer = if sign || key.given() {
                let signer = sign_cmd::key(&key, lang)?;
                Some(sohoa_ingest::SignWith {
                    signer: std::sync::Arc::new(sohoa_sign::Shared::new(signer)),
                    reason: sign_cmd::REASON.into(),
                    tsa: key.tsa.clone(),
                })
            } else {
                None
            };
            Ok((p, signer))
        }) {
            Ok((profile, sign)) => {
                let opts = sohoa_ingest::Options {
                    archive,
                    jobs: jobs.unwrap_or_else(default_jobs).max(1),
                    keep_originals: case.keep_originals,
                    organization: case.organization,
                    profile,
                    drop_blank: case.drop_blank,
                    ocr: case.ocr.settings(),
                    register: case.register,
                    mapping: case.mapping,
                    follow_symlinks: case.follow_symlinks,
                    batch,
                    // The reason goes into events and reports: identity numbers masked.
                    replace: replace.then(|| {
                        sohoa_archive::privacy::mask_ids_loose(&reason.unwrap_or_default())
                            .into_owned()
                    }),
                    cancel: Some(stop_on_signals()),
                    sign,
                    only: None,
                    operator: operator(),
                };
                ingest_cmd::run(&scans, &opts, json, lang)
            }
            Err(cannot) => Err(cannot),
        },
        Command::Ocr {
            archive,
            cases,
            force,
            jobs,
            ocr,
            json,
        } => {
            let mut settings = ocr.settings();
            // Asked for explicitly: OCR is required here.
            settings.mode = sohoa_ocr::Mode::On;
            let opts = sohoa_ingest::OcrOptions {
                archive,
                jobs: jobs.unwrap_or_else(default_jobs).max(1),
                settings,
                force,
                cases,
                cancel: Some(stop_on_signals()),
                operator: operator(),
            };
            ocr_cmd::run(&opts, ocr_off_typed, json, lang)
        }
        Command::Inspect {
            files,
            profile,
            json,
        } => inspect_cmd::run(&files, &profile, json, lang),
        Command::Verify {
            archive,
            jobs,
            all_files,
            json,
        } => verify_cmd::run(
            &archive,
            jobs.unwrap_or_else(default_jobs).max(1),
            all_files,
            json,
            lang,
        ),
        Command::Search(args) => search_cmd::run(&args, lang),
        Command::Audit(args) => audit_cmd::run(&args, default_jobs(), lang),
        Command::Report(args) => report_cmd::run(&args, lang),
        Command::Register(RegisterCommand::Check(args)) => register_cmd::check(&args, lang),
        Command::Reindex {
            archive,
            catch_up,
            follow,
            json,
        } => {
            if catch_up || follow.is_some() {
                search_cmd::follow(&archive, follow, json, lang)
            } else {
                search_cmd::reindex(&archive, json, lang)
            }
        }
        Command::Queue(cmd) => queue_cmd::queue(&cmd, lang),
        Command::Worker(args) => queue_cmd::worker(&args, lang),
        Command::CleanStorage {
            archive,
            older_than,
            json,
        } => queue_cmd::clean_storage(&archive, older_than, json, lang),
        Command::Serve(args) => serve_cmd::serve(&args, lang),
        Command::User(cmd) => serve_cmd::user(&cmd, lang),
        Command::Export(args) => package_cmd::export(&args, lang),
        Command::Sign(args) => sign_cmd::run(&args, stop_on_signals(), lang),
        Command::Import(args) => package_cmd::import(&args, lang),
        Command::Withdraw {
            case,
            archive,
            reason,
            json,
        } => withdraw_cmd::run(&archive, &case, &reason, json, lang),
    };
    ExitCode::from(exit::code(ran))
}
