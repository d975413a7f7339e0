//! The access log (NĐ 30/2020 Phụ lục VI: store the history of access and use): logins,
//! views, downloads, exports, jobs and account changes, with who, when, from where and
//! which case. Append-only JSON lines in `ARCHIVE/access/access-log.jsonl`; each line carries
//! the SHA-256 of the line before it, so a removed or edited line breaks the chain
//! ([`AccessLog::verify`]). Identity numbers never enter it in clear (masked before writing).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sohoa_archive::layout;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    Search,
    View,
    Download,
    Export,
    Job,
    Account,
    /// A page or file refused to this person.
    Denied,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Login,
        Action::LoginFailed,
        Action::Logout,
        Action::Search,
        Action::View,
        Action::Download,
        Action::Export,
        Action::Job,
        Action::Account,
        Action::Denied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::Search => "search",
            Action::View => "view",
            Action::Download => "download",
            Action::Export => "export",
            Action::Job => "job",
            Action::Account => "account",
            Action::Denied => "denied",
        }
    }

    pub fn vi(self) -> &'static str {
        match self {
            Action::Login => "Đăng nhập",
            Action::LoginFailed => "Đăng nhập sai",
            Action::Logout => "Đăng xuất",
            Action::Search => "Tìm kiếm",
            Action::View => "Xem",
            Action::Download => "Tải về",
            Action::Export => "Xuất dữ liệu",
            Action::Job => "Tác vụ",
            Action::Account => "Tài khoản",
            Action::Denied => "Bị từ chối",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Event time, Vietnam time with offset.
    pub at: String,
    /// Account name ("" before login).
    pub user: String,
    pub ip: String,
    pub action: Action,
    pub case_id: Option<String>,
    /// What exactly (a page, a query, a file, a job), identity numbers masked.
    pub detail: String,
    /// SHA-256 (hex) of the previous line, 64 zeros for the first.
    pub prev: String,
}

/// The log of an archive.
pub struct AccessLog {
    path: PathBuf,
    /// One writer at a time in this process (each line names the one before it).
    write: Mutex<()>,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What an admin filters by.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub user: Option<String>,
    pub action: Option<Action>,
    pub case_id: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl LogFilter {
    fn keeps(&self, e: &Entry) -> bool {
        let day = e.at.get(..10).unwrap_or("");
        self.user.as_deref().is_none_or(|u| e.user == u)
            && self.action.is_none_or(|a| e.action == a)
            && self
                .case_id
                .as_deref()
                .is_none_or(|c| e.case_id.as_deref() == Some(c))
            && self.from.as_deref().is_none_or(|f| day >= f)
            && self.to.as_deref().is_none_or(|t| day <= t)
    }
}

impl AccessLog {
    pub fn open(archive: &Path) -> AccessLog {
        AccessLog {
            path: archive.join(layout::ACCESS).join("access-log.jsonl"),
            write: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read_lines(&self) -> std::io::Result<Vec<String>> {
        match std::fs::read_to_string(&self.path) {
            Ok(s) => Ok(s.lines().map(String::from).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Appends one entry (time and chain filled in here).
    pub fn record(
        &self,
        user: &str,
        ip: &str,
        action: Action,
        case_id: Option<&str>,
        detail: &str,
    ) -> std::io::Result<()> {
        let _one_writer = self.write.lock().unwrap_or_else(|e| e.into_inner());
        // Read from the file, not remembered: `sohoa user` (another process) appends too.
        let prev = self
            .last_line()?
            .map(|l| sha256_hex(&l))
            .unwrap_or_else(|| GENESIS.to_string());
        let entry = Entry {
            at: sohoa_archive::time_format::timestamp(sohoa_archive::time_format::now()),
            user: user.into(),
            ip: ip.into(),
            action,
            case_id: case_id.map(String::from),
            detail: sohoa_archive::privacy::mask_ids_loose(detail).into_owned(),
            prev,
        };
        let line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = sohoa_archive::safe_fs::append_nofollow(&self.path)?;
        f.write_all(format!("{line}\n").as_bytes())?;
        f.sync_data()?;
        Ok(())
    }

    /// The last line (without its newline), read from the end of the file.
    fn last_line(&self) -> std::io::Result<Option<Vec<u8>>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let len = f.metadata()?.len();
        let mut window = 4096u64;
        loop {
            let start = len.saturating_sub(window);
            f.seek(SeekFrom::Start(start))?;
            let mut tail = Vec::new();
            f.read_to_end(&mut tail)?;
            let body = tail.strip_suffix(b"\n").unwrap_or(&tail);
            if let Some(i) = body.iter().rposition(|&b| b == b'\n') {
                return Ok(Some(body[i + 1..].to_vec()));
            }
            if start == 0 {
                return Ok((!body.is_empty()).then(|| body.to_vec()));
            }
            window *= 4;
        }
    }

    /// Entries that pass the filter, newest first, a page at a time; and how many passed.
    pub fn read(
        &self,
        filter: &LogFilter,
        offset: usize,
        limit: usize,
    ) -> std::io::Result<(usize, Vec<Entry>)> {
        let lines = self.read_lines()?;
        let kept: Vec<Entry> = lines
            .iter()
            .rev()
            .filter_map(|l| serde_json::from_str::<Entry>(l).ok())
            .filter(|e| filter.keeps(e))
            .collect();
        let total = kept.len();
        Ok((total, kept.into_iter().skip(offset).take(limit).collect()))
    }

    /// Checks the chain: `Ok(lines)` when whole, else the 1-based line where it breaks.
    pub fn verify(&self) -> std::io::Result<Result<usize, usize>> {
        let lines = self.read_lines()?;
        let mut prev = GENESIS.to_string();
        for (i, l) in lines.iter().enumerate() {
            match serde_json::from_str::<Entry>(l) {
                Ok(e) if e.prev == prev => prev = sha256_hex(l.as_bytes()),
                _ => return Ok(Err(i + 1)),
            }
        }
        Ok(Ok(lines.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_chained_masked_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let log = AccessLog::open(dir.path());
        log.record("lan", "10.0.0.5", Action::Login, None, "")
            .unwrap();
        log.record(
            "lan",
            "10.0.0.5",
            Action::Search,
            None,
            "query: 040093878972",
        )
        .unwrap();
        log.record("lan", "10.0.0.5", Action::View, Some("case-1"), "page 3")
            .unwrap();
        // A second handle (another process) continues the same chain.
        let again = AccessLog::open(dir.path());
        again
            .record("hoa", "10.0.0.6", Action::Download, Some("case-1"), "")
            .unwrap();
        assert_eq!(log.verify().unwrap(), Ok(4));
        let raw = std::fs::read_to_string(log.path()).unwrap();
        assert!(!raw.contains("040093878972"), "{raw}");
        let (n, page) = log
            .read(
                &LogFilter {
                    case_id: Some("case-1".into()),
                    ..Default::default()
                },
                0,
                10,
            )
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(page[0].action, Action::Download, "newest first");
        let (n, _) = log
            .read(
                &LogFilter {
                    user: Some("lan".into()),
                    action: Some(Action::Search),
                    ..Default::default()
                },
                0,
                10,
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn an_edited_or_removed_line_breaks_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let log = AccessLog::open(dir.path());
        for i in 0..4 {
            log.record("lan", "ip", Action::View, Some(&format!("c{i}")), "")
                .unwrap();
        }
        let raw = std::fs::read_to_string(log.path()).unwrap();
        let mut lines: Vec<&str> = raw.lines().collect();
        let edited = lines[1].replace("\"case_id\":\"c1\"", "\"case_id\":\"c9\"");
        assert_ne!(edited, lines[1]);
        lines[1] = &edited;
        std::fs::write(log.path(), lines.join("\n") + "\n").unwrap();
        assert_eq!(log.verify().unwrap(), Err(3));
        let mut lines: Vec<&str> = raw.lines().collect();
        lines.remove(2);
        std::fs::write(log.path(), lines.join("\n") + "\n").unwrap();
        assert_eq!(log.verify().unwrap(), Err(3));
    }
}
