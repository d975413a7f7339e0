//! `sohoa sign`: the agency's PAdES signature on the bundles of bags already in the archive (a
//! new version of each bag signed), then the search index brought level. The key comes from a
//! PKCS#12 file whose password is read from standard input (never from the command line).

use crate::exit::{Done, Ran};
use clap::Args;
use sohoa_archive::problem::Lang;
use sohoa_ingest::{sign_archive, SignOptions};
use std::path::PathBuf;

#[derive(Args)]
pub struct SignArgs {
    /// Only these cases (default: every bag not signed yet).
    cases: Vec<String>,
    #[arg(long, default_value = "archive")]
    archive: PathBuf,
    /// The agency's key and certificates (PKCS#12, .p12/.pfx).
    #[arg(long, required = true)]
    pkcs12: PathBuf,
    /// Read the PKCS#12 password from standard input (required with --pkcs12).
    #[arg(long, required = true)]
    password_stdin: bool,
    /// The reason written in the signatures.
    #[arg(
        long,
        default_value = "Ký số bản số hóa hồ sơ TTHC (TT 05/2025/TT-BNV)"
    )]
    reason: String,
    /// Sign again bags already signed (one more signature).
    #[arg(long)]
    force: bool,
    /// Print the report as JSON on standard output.
    #[arg(long)]
    json: bool,
}

pub fn run(a: &SignArgs, cancel: std::sync::Arc<std::sync::atomic::AtomicBool>, lang: Lang) -> Ran {
    let password = crate::serve_cmd::read_password()?;
    let bytes = sohoa_archive::safe_fs::read_limited(
        &a.pkcs12,
        1024 * 1024,
        sohoa_archive::safe_fs::Follow::Yes,
    )
    .map_err(|e| cannot!("{}: {}", a.pkcs12.display(), lang.pick(&e.vi(), &e.en())))?;
    let key = sohoa_sign::p12::load(&bytes, &password).map_err(|e| {
        cannot!(
            "{}: {} ({e})",
            a.pkcs12.display(),
            lang.pick("không dùng được khóa", "the key cannot be used")
        )
    })?;
    let opts = SignOptions {
        archive: a.archive.clone(),
        cases: a.cases.clone(),
        reason: a.reason.clone(),
        force: a.force,
        cancel: Some(cancel),
    };
    let catalog = sohoa_index::Catalog::open(&a.archive);
    let report = sign_archive(
        &opts,
        &key,
        &|c| {
            if a.json {
                return;
            }
            let line = match (c.status, lang) {
                ("signed", Lang::Vi) => format!(
                    "  ✓ {} v{}: đã ký {}",
                    c.case_id,
                    c.version.unwrap_or(0),
                    c.at.as_deref().unwrap_or("")
                ),
                ("signed", Lang::En) => format!(
                    "  ✓ {} v{}: signed {}",
                    c.case_id,
                    c.version.unwrap_or(0),
                    c.at.as_deref().unwrap_or("")
                ),
                ("skipped", Lang::Vi) => format!("  = {}: đã ký trước, giữ nguyên", c.case_id),
                ("skipped", Lang::En) => format!("  = {}: already signed, unchanged", c.case_id),
                _ => format!("  ✗ {}", c.case_id),
            };
            say!("{}", sohoa_archive::neutralize::for_terminal(&line));
            for p in &c.errors {
                say!(
                    "      {}",
                    sohoa_archive::neutralize::for_terminal(&p.render(lang))
                );
            }
        },
        &catalog,
    )
    .map_err(|p| cannot!("{}", p.render(lang)))?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        say!(
            "{}: {} {}, {} {}, {} {} ({:.1} s)",
            report.signer,
            report.signed,
            lang.pick("đã ký", "signed"),
            report.skipped,
            lang.pick("bỏ qua", "skipped"),
            report.failed,
            lang.pick("lỗi", "failed"),
            report.seconds
        );
    }
    Ok(if report.interrupted {
        Done::Interrupted
    } else if report.failed > 0 {
        Done::Partial
    } else {
        Done::Ok
    })
}
