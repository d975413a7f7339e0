//! Where the archive and the queue are, as users write them: `--archive` takes a folder or an
//! `s3://bucket/prefix` URL (endpoint, region and keys from the usual `AWS_*` variables); an S3
//! archive gets a home folder on this machine for what is local or derived (index, reports,
//! logs, accounts, jobs, cache; `storage.json` names the bucket, never a secret). The queue is
//! `--queue postgres://…` or `SOHOA_QUEUE`. Both can also come from one optional TOML file
//! (`SOHOA_CONFIG`, else /etc/sohoa/sohoa.toml): `archive = "…"`, `queue = "…"`, `home = "…"`;
//! the environment and the command line win over it. Passwords belong in `PGPASSWORD` and
//! `AWS_SECRET_ACCESS_KEY`, not in that file.

use std::path::PathBuf;

/// Makes `s3://` archives readable by every command of this process.
pub fn install_backends() {
    sohoa_archive::remote::install(std::sync::Arc::new(sohoa_s3::S3Opener));
}

/// The optional configuration file.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    archive: Option<String>,
    queue: Option<String>,
    home: Option<String>,
}

/// Reads the configuration file (if any) into the environment variables the arguments read
/// (`SOHOA_ARCHIVE`, `SOHOA_QUEUE`, `SOHOA_HOME`), where they are not set already. Called
/// before any thread starts. A file that cannot be read is an error naming it.
pub fn load_config() -> Result<(), String> {
    let (path, explicit) = match std::env::var_os("SOHOA_CONFIG") {
        Some(p) => (PathBuf::from(p), true),
        None => (PathBuf::from("/etc/sohoa/sohoa.toml"), false),
    };
    if !explicit && !path.exists() {
        return Ok(());
    }
    let text = sohoa_archive::safe_fs::read_config(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let config: Config = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(q) = &config.queue {
        if q.contains('@')
            && q.split('@')
                .next()
                .is_some_and(|u| u.matches(':').count() > 1)
        {
            return Err(format!(
                "{}: the queue URL holds a password; give it in PGPASSWORD instead",
                path.display()
            ));
        }
    }
    for (var, value) in [
        ("SOHOA_ARCHIVE", config.archive),
        ("SOHOA_QUEUE", config.queue),
        ("SOHOA_HOME", config.home),
    ] {
        if let (None, Some(v)) = (std::env::var_os(var), value) {
            // SAFETY (of set_var): called from main before any thread starts.
            std::env::set_var(var, v);
        }
    }
    Ok(())
}

/// `--archive`: a folder as given, or for `s3://bucket/prefix` the archive's home folder on
/// this machine (`SOHOA_HOME/<bucket>/<prefix>`, default ~/.local/share/sohoa/archives),
/// made on first use with its `storage.json`.
pub fn archive_arg(value: &str) -> Result<PathBuf, String> {
    if !value.contains("://") {
        return Ok(PathBuf::from(value));
    }
    let loc = sohoa_s3::S3Location::parse(value).map_err(|e| e.to_string())?;
    let mut home = homes_root()?.join(&loc.bucket);
    home.push(if loc.prefix.is_empty() {
        "_".to_string()
    } else {
        loc.prefix.replace('/', "_")
    });
    let url = loc.url();
    let current = sohoa_archive::remote::storage_of(&home).map_err(|e| e.en())?;
    match current {
        Some(s) if s.bags == url => {}
        Some(s) => {
            return Err(format!(
                "{} is the home of {}, not {url}",
                home.display(),
                s.bags
            ))
        }
        None => sohoa_archive::remote::write_storage(&home, &url)
            .map_err(|e| format!("{}: {e}", home.display()))?,
    }
    Ok(home)
}

fn homes_root() -> Result<PathBuf, String> {
    if let Some(h) = std::env::var_os("SOHOA_HOME") {
        return Ok(PathBuf::from(h));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .ok_or("set SOHOA_HOME: where S3 archives keep their local files")?;
    Ok(data.join("sohoa/archives"))
}

/// `--queue` / `SOHOA_QUEUE`, with `PGPASSWORD` added when the URL has no password.
pub fn queue_url(given: Option<&str>) -> Result<String, String> {
    let url = given
        .map(str::to_string)
        .ok_or("no job queue: give --queue postgres://user@host/db or set SOHOA_QUEUE")?;
    match std::env::var("PGPASSWORD") {
        Ok(pw) if !pw.is_empty() && url.contains("://") && !has_password(&url) => {
            Ok(with_password(&url, &pw))
        }
        _ => Ok(url),
    }
}

fn has_password(url: &str) -> bool {
    let rest = url.split_once("://").map(|x| x.1).unwrap_or(url);
    rest.split_once('@')
        .is_some_and(|(user, _)| user.contains(':'))
}

fn with_password(url: &str, pw: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let enc: String = pw
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    match rest.split_once('@') {
        Some((user, host)) => format!("{scheme}://{user}:{enc}@{host}"),
        None => format!("{scheme}://postgres:{enc}@{rest}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_come_from_pgpassword() {
        assert!(has_password("postgres://u:p@h/db"));
        assert!(!has_password("postgres://u@h/db"));
        assert_eq!(
            with_password("postgres://u@h:5432/db", "p@ss w"),
            "postgres://u:p%40ss%20w@h:5432/db"
        );
    }
}
