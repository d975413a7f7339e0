//! `sohoa serve` (the web interface) and `sohoa user …` (its accounts): thin wrappers over
//! sohoa-web; passwords are read from standard input, never from the command line.

use crate::exit::{Done, Ran};
use clap::{Args, Subcommand};
use sohoa_archive::problem::Lang;
use sohoa_web::users::{Role, UserStore};
use std::io::Read;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
    pub archive: PathBuf,
    /// Address and port to listen on (0.0.0.0:8080 for the office network).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Name of the agency keeping the archive, printed at the bottom of reading copies.
    #[arg(long, env = "SOHOA_AGENCY_NAME", default_value = "")]
    pub agency_name: String,
    /// A folder of scans people may ingest from the browser (it and its subfolders are
    /// offered); repeat for several. Nothing is uploaded through the browser.
    #[arg(long = "source")]
    pub sources: Vec<PathBuf>,
    /// Mark cookies Secure (set when users reach the server over HTTPS, e.g. behind nginx).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Show the workers' job queue on the jobs page.
    #[command(flatten)]
    pub queue: crate::queue_cmd::QueueArg,
}

pub fn serve(args: &ServeArgs, lang: Lang) -> Ran {
    if !args.archive.is_dir() {
        return Err(cannot!(
            "{}: {}",
            args.archive.display(),
            lang.pick("không có thư mục kho lưu trữ này", "no such archive folder")
        ));
    }
    for s in &args.sources {
        if !s.is_dir() {
            return Err(cannot!(
                "--source {}: {}",
                s.display(),
                lang.pick("không có thư mục này", "no such folder")
            ));
        }
    }
    // Empty when not given: reading copies then say what they are (crates/web, case page).
    let agency_name = args.agency_name.trim().to_string();
    let config = sohoa_web::Config {
        archive: args.archive.clone(),
        secure_cookies: args.secure_cookies,
        agency_name,
        sources: args.sources.clone(),
        queue: match &args.queue.queue {
            Some(q) => Some(crate::location::queue_url(Some(q)).map_err(|e| cannot!("{e}"))?),
            None => None,
        },
    };
    sohoa_web::serve(config, args.listen).map_err(|e| cannot!("{e}"))?;
    Ok(Done::Ok)
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add an account (the password is read from standard input).
    Add {
        name: String,
        #[arg(long, value_parser = ["admin", "archivist", "intake", "reader"])]
        role: String,
        /// Agency code (required for intake staff: they see their agency's cases only).
        #[arg(long)]
        agency: Option<String>,
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        /// Read the password from standard input (the only way: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the accounts.
    List {
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Disable an account (its sessions end; nothing is deleted).
    Disable {
        name: String,
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
    },
    /// Enable a disabled account.
    Enable {
        name: String,
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
    },
    /// Set a new password (read from standard input); the account's sessions end.
    Passwd {
        name: String,
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Let a reader read a conditional-access case (mode 02), until a day if given.
    Grant {
        name: String,
        case: String,
        #[arg(long)]
        until: Option<String>,
        #[arg(long, env = "SOHOA_ARCHIVE", default_value = "archive", value_parser = crate::location::archive_arg)]
        archive: PathBuf,
    },
}

pub fn read_password() -> Result<String, crate::exit::CannotRun> {
    let mut s = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut s)
        .map_err(|e| cannot!("standard input: {e}"))?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

fn log_change(archive: &std::path::Path, detail: &str) {
    let who = std::env::var("USER").unwrap_or_else(|_| "shell".into());
    let log = sohoa_web::access_log::AccessLog::open(archive);
    if let Err(e) = log.record(
        &format!("cli:{who}"),
        "local",
        sohoa_web::access_log::Action::Account,
        None,
        detail,
    ) {
        tracing::warn!("access log {}: {e}", log.path().display());
    }
}

pub fn user(cmd: &UserCommand, lang: Lang) -> Ran {
    let fail = |e: sohoa_web::users::UserError| cannot!("{e}");
    match cmd {
        UserCommand::Add {
            name,
            role,
            agency,
            archive,
            ..
        } => {
            let role = Role::parse(role).ok_or_else(|| cannot!("role {role}"))?;
            let password = read_password()?;
            UserStore::open(archive)
                .add(name, role, agency.as_deref(), &password)
                .map_err(fail)?;
            log_change(archive, &format!("add {name} as {}", role.as_str()));
            println!(
                "{} {name} ({})",
                lang.pick("Đã thêm người dùng", "Added user"),
                lang.pick(role.vi(), role.en())
            );
        }
        UserCommand::List { archive, json } => {
            let users = UserStore::open(archive).list().map_err(fail)?;
            if *json {
                let list: Vec<serde_json::Value> = users
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "name": u.name, "role": u.role.as_str(), "agency": u.agency,
                            "disabled": u.disabled, "created": u.created,
                            "grants": u.grants.iter().map(|g| serde_json::json!({"case_id": g.case_id, "until": g.until})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({"schema": "sohoa/users", "schema_version": 1, "users": list})
                );
            } else {
                for u in users {
                    println!(
                        "{}\t{}\t{}\t{}",
                        u.name,
                        u.role.as_str(),
                        u.agency.as_deref().unwrap_or("-"),
                        if u.disabled {
                            lang.pick("đã khóa", "disabled")
                        } else {
                            lang.pick("hoạt động", "active")
                        }
                    );
                }
            }
        }
        UserCommand::Disable { name, archive } | UserCommand::Enable { name, archive } => {
            let disable = matches!(cmd, UserCommand::Disable { .. });
            UserStore::open(archive)
                .set_disabled(name, disable)
                .map_err(fail)?;
            log_change(
                archive,
                &format!("{} {name}", if disable { "disable" } else { "enable" }),
            );
        }
        UserCommand::Passwd { name, archive, .. } => {
            let password = read_password()?;
            UserStore::open(archive)
                .set_password(name, &password)
                .map_err(fail)?;
            log_change(archive, &format!("password {name}"));
        }
        UserCommand::Grant {
            name,
            case,
            until,
            archive,
        } => {
            let by = std::env::var("USER").unwrap_or_else(|_| "shell".into());
            UserStore::open(archive)
                .grant(name, case, until.as_deref(), &format!("cli:{by}"))
                .map_err(fail)?;
            log_change(archive, &format!("grant {case} to {name}"));
        }
    }
    Ok(Done::Ok)
}
