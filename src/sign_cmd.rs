//! `sohoa sign`: the agency's PAdES signature on the bundles of bags already in the archive (a
//! new version of each bag signed), then the search index brought level. The key comes from a
//! PKCS#12 file or a PKCS#11 token; its password or PIN is read from standard input (never from
//! the command line).

use crate::exit::{Done, Ran};
use clap::Args;
use sohoa_archive::problem::Lang;
use sohoa_ingest::{sign_archive, SignOptions};
use std::path::PathBuf;

#[derive(Args)]
pub struct SignArgs {
    /// Only these cases (default: every bag not signed yet).
    cases: Vec<String>,
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    archive: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
    /// The reason written in the signatures.
    #[arg(long, default_value = REASON)]
    reason: String,
    /// Sign again bags already signed (one more signature).
    #[arg(long)]
    force: bool,
    /// Print the report as JSON on standard output.
    #[arg(long)]
    json: bool,
}

/// The `/Reason` of sohoa's signatures unless `--reason` says otherwise.
pub const REASON: &str = "Ký số bản số hóa hồ sơ TTHC (TT 05/2025/TT-BNV)";

/// Where the agency's key is (`sohoa sign`, `sohoa ingest --sign`).
#[derive(Args, Default)]
pub struct KeyArgs {
    /// The agency's key and certificates in a PKCS#12 file (.p12/.pfx).
    #[arg(long, requires = "password_stdin", conflicts_with = "pkcs11_module")]
    pub pkcs12: Option<PathBuf>,
    /// Read the PKCS#12 password from standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// The agency's key on a PKCS#11 token: the vendor's module (.so).
    #[arg(long, requires_all = ["token_label", "pin_stdin"])]
    pub pkcs11_module: Option<PathBuf>,
    /// The token's label.
    #[arg(long)]
    pub token_label: Option<String>,
    /// Read the token's user PIN from standard input.
    #[arg(long)]
    pub pin_stdin: bool,
    /// Certificates of the chain (PEM) to include when the key's file or token lacks them.
    #[arg(long)]
    pub chain: Option<PathBuf>,
    /// Timestamp each signature at this RFC 3161 time-stamping authority (http://...): PAdES B-T.
    #[arg(long)]
    pub tsa: Option<String>,
}

impl KeyArgs {
    pub fn given(&self) -> bool {
        self.pkcs12.is_some() || self.pkcs11_module.is_some()
    }
}

/// The key: from the PKCS#12 file or on the token; the secret read from standard input.
pub fn key(
    a: &KeyArgs,
    lang: Lang,
) -> Result<Box<dyn sohoa_sign::Signer + Send>, crate::exit::CannotRun> {
    if !a.given() {
        return Err(cannot!(
            "{}",
            lang.pick(
                "Cần khóa ký: --pkcs12 FILE --password-stdin hoặc --pkcs11-module SO --token-label L --pin-stdin",
                "A key is needed: --pkcs12 FILE --password-stdin or --pkcs11-module SO --token-label L --pin-stdin"
            )
        ));
    }
    let secret = crate::serve_cmd::read_password()?;
    let chain = match &a.chain {
        Some(p) => Some(
            sohoa_archive::safe_fs::read_limited(
                p,
                1024 * 1024,
                sohoa_archive::safe_fs::Follow::Yes,
            )
            .map_err(|e| cannot!("{}: {}", p.display(), lang.pick(&e.vi(), &e.en())))?,
        ),
        None => None,
    };
    let bad_chain = |e: String| cannot!("{}: {e}", a.chain.clone().unwrap_or_default().display());
    if let Some(module) = &a.pkcs11_module {
        let label = a.token_label.clone().unwrap_or_default();
        let token = sohoa_sign::pkcs11::TokenKey::open(module, &label, &secret).map_err(|e| {
            cannot!(
                "{}: {e}",
                lang.pick(
                    "Không dùng được khóa trên thiết bị ký số",
                    "The key on the token cannot be used"
                )
            )
        })?;
        let token = match &chain {
            Some(pem) => token.with_chain(pem).map_err(bad_chain)?,
            None => token,
        };
        return Ok(Box::new(token));
    }
    let path = a.pkcs12.clone().unwrap_or_default();
    let bytes = sohoa_archive::safe_fs::read_limited(
        &path,
        1024 * 1024,
        sohoa_archive::safe_fs::Follow::Yes,
    )
    .map_err(|e| cannot!("{}: {}", path.display(), lang.pick(&e.vi(), &e.en())))?;
    let key = sohoa_sign::p12::load(&bytes, &secret).map_err(|e| {
        cannot!(
            "{}: {} ({e})",
            path.display(),
            lang.pick("không dùng được khóa", "the key cannot be used")
        )
    })?;
    let key = match &chain {
        Some(pem) => key.with_chain(pem).map_err(bad_chain)?,
        None => key,
    };
    Ok(Box::new(key))
}

pub fn run(a: &SignArgs, cancel: std::sync::Arc<std::sync::atomic::AtomicBool>, lang: Lang) -> Ran {
    let key = key(&a.key, lang)?;
    let opts = SignOptions {
        archive: a.archive.clone(),
        cases: a.cases.clone(),
        reason: a.reason.clone(),
        tsa: a.key.tsa.clone(),
        force: a.force,
        cancel: Some(cancel),
        operator: crate::operator(),
    };
    let catalog = sohoa_index::Catalog::open(&a.archive);
    let report = sign_archive(
        &opts,
        key.as_ref(),
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
