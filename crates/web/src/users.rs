//! Accounts of `sohoa serve`: name, role, agency, grants of conditional-access cases, and the
//! password as an Argon2id PHC string (never in clear). Kept in `ARCHIVE/access/users.json`,
//! rewritten whole and atomically under a lock; `sohoa user …` and the admin pages both use it.

use serde::{Deserialize, Serialize};
use sohoa_archive::layout;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a person may do (docs/web.md has the full table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Accounts and settings, plus everything an archivist does.
    Admin,
    /// Everything on cases: search, view, download, audit, reports, ingest.
    Archivist,
    /// One-stop-shop staff: ingest, and their own agency's cases.
    Intake,
    /// Reading room: public cases, and conditional ones granted to them; reading copies only.
    Reader,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Archivist, Role::Intake, Role::Reader];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Archivist => "archivist",
            Role::Intake => "intake",
            Role::Reader => "reader",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The Vietnamese name shown in the interface.
    pub fn vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị",
            Role::Archivist => "Lưu trữ viên",
            Role::Intake => "Cán bộ một cửa",
            Role::Reader => "Người khai thác",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Archivist => "Archivist",
            Role::Intake => "One-stop-shop staff",
            Role::Reader => "Reader",
        }
    }
}

/// A conditional-access case (mode 02) a reader may read, until a day (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub case_id: String,
    /// `YYYY-MM-DD`; none = until withdrawn.
    pub until: Option<String>,
    pub by: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// Agency code (intake staff see this agency's cases only).
    pub agency: Option<String>,
    /// Argon2id PHC string.
    pub password: String,
    pub disabled: bool,
    pub created: String,
    /// Changes with the password: sessions opened before it end.
    pub password_changed: String,
    #[serde(default)]
    pub grants: Vec<Grant>,
}

impl User {
    /// Case ids of the grants valid on `today` (`YYYY-MM-DD`).
    pub fn granted(&self, today: &str) -> Vec<String> {
        self.grants
            .iter()
            .filter(|g| g.until.as_deref().is_none_or(|u| u >= today))
            .map(|g| g.case_id.clone())
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} is not a readable user list: {1}")]
    Damaged(PathBuf, serde_json::Error),
    #[error("user name \"{0}\": use 1 to 64 letters, digits, '.', '_' or '-'")]
    BadName(String),
    #[error("a user named \"{0}\" exists already")]
    Exists(String),
    #[error("no user named \"{0}\"")]
    Unknown(String),
    #[error("the password must have at least {MIN_PASSWORD} characters")]
    WeakPassword,
    #[error("agency code \"{0}\" is not of the form 000.00.15.H12")]
    BadAgency(String),
    #[error("{0}")]
    Invalid(String),
}

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

#[derive(Debug, Default, Serialize, Deserialize)]
struct UserFile {
    schema: String,
    users: Vec<User>,
}

const SCHEMA: &str = "sohoa/users";

/// The user list of an archive.
pub struct UserStore {
    path: PathBuf,
    lock: Mutex<()>,
}

fn name_ok(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn now() -> String {
    sohoa_archive::time_format::timestamp(sohoa_archive::time_format::now())
}

impl UserStore {
    pub fn open(archive: &Path) -> UserStore {
        UserStore {
            path: archive.join(layout::ACCESS).join("users.json"),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every account (none when the file does not exist yet).
    pub fn list(&self) -> Result<Vec<User>, UserError> {
        let bytes = match sohoa_archive::safe_fs::read_limited(
            &self.path,
            64 << 20,
            sohoa_archive::safe_fs::Follow::No,
        ) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => {
                return Err(UserError::Io(
                    self.path.clone(),
                    std::io::Error::other(e.en()),
                ))
            }
        };
        let file: UserFile =
            serde_json::from_slice(&bytes).map_err(|e| UserError::Damaged(self.path.clone(), e))?;
        Ok(file.users)
    }

    pub fn get(&self, name: &str) -> Result<Option<User>, UserError> {
        Ok(self.list()?.into_iter().find(|u| u.name == name))
    }

    fn save(&self, users: Vec<User>) -> Result<(), UserError> {
        let file = UserFile {
            schema: SCHEMA.into(),
            users,
        };
        let mut json = serde_json::to_vec_pretty(&file)
            .map_err(|e| UserError::Invalid(format!("cannot write the user list: {e}")))?;
        json.push(b'\n');
        // Readable by the owner only: the list holds password hashes.
        sohoa_archive::safe_fs::write_whole(&self.path, &json, 0o600)
            .map_err(|e| UserError::Io(self.path.clone(), e))
    }

    /// Changes the list under the lock, then saves it.
    fn change<T>(
        &self,
        f: impl FnOnce(&mut Vec<User>) -> Result<T, UserError>,
    ) -> Result<T, UserError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut users = self.list()?;
        let out = f(&mut users)?;
        self.save(users)?;
        Ok(out)
    }

    fn find<'a>(users: &'a mut [User], name: &str) -> Result<&'a mut User, UserError> {
        users
            .iter_mut()
            .find(|u| u.name == name)
            .ok_or_else(|| UserError::Unknown(name.into()))
    }

    /// Adds an account.
    pub fn add(
        &self,
        name: &str,
        role: Role,
        agency: Option<&str>,
        password: &str,
    ) -> Result<User, UserError> {
        if !name_ok(name) {
            return Err(UserError::BadName(name.into()));
        }
        let agency = agency.map(str::trim).filter(|a| !a.is_empty());
        if let Some(a) = agency {
            if !sohoa_audit::codes::agency_ok(a) {
                return Err(UserError::BadAgency(a.into()));
            }
        }
        if role == Role::Intake && agency.is_none() {
            return Err(UserError::Invalid(
                "intake staff need --agency CODE (they see their agency's cases only)".into(),
            ));
        }
        let hash = hash_password(password)?;
        self.change(|users| {
            if users.iter().any(|u| u.name == name) {
                return Err(UserError::Exists(name.into()));
            }
            let at = now();
            let user = User {
                name: name.into(),
                role,
                agency: agency.map(String::from),
                password: hash,
                disabled: false,
                created: at.clone(),
                password_changed: at,
                grants: Vec::new(),
            };
            users.push(user.clone());
            Ok(user)
        })
    }

    pub fn set_password(&self, name: &str, password: &str) -> Result<(), UserError> {
        let hash = hash_password(password)?;
        self.change(|users| {
            let u = Self::find(users, name)?;
            u.password = hash;
            u.password_changed = now();
            Ok(())
        })
    }

    pub fn set_disabled(&self, name: &str, disabled: bool) -> Result<(), UserError> {
        self.change(|users| {
            let u = Self::find(users, name)?;
            u.disabled = disabled;
            // Sessions end with the account.
            u.password_changed = now();
            Ok(())
        })
    }

    /// Lets a reader read a conditional-access case (until a day, inclusive).
    pub fn grant(
        &self,
        name: &str,
        case_id: &str,
        until: Option<&str>,
        by: &str,
    ) -> Result<(), UserError> {
        let until = match until.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => Some(sohoa_archive::values::date(u).ok_or_else(|| {
                UserError::Invalid(format!("\"{u}\" is not a date (DD/MM/YYYY)"))
            })?),
            None => None,
        };
        self.change(|users| {
            let u = Self::find(users, name)?;
            u.grants.retain(|g| g.case_id != case_id);
            u.grants.push(Grant {
                case_id: case_id.into(),
                until,
                by: by.into(),
                at: now(),
            });
            Ok(())
        })
    }

    pub fn revoke(&self, name: &str, case_id: &str) -> Result<(), UserError> {
        self.change(|users| {
            let u = Self::find(users, name)?;
            u.grants.retain(|g| g.case_id != case_id);
            Ok(())
        })
    }
}

/// Argon2id with the crate's default parameters (password-auth).
pub fn hash_password(password: &str) -> Result<String, UserError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(UserError::WeakPassword);
    }
    Ok(password_auth::generate_hash(password))
}

/// Checks a password against a PHC string (constant time inside argon2).
pub fn password_matches(password: &str, hash: &str) -> bool {
    password_auth::verify_password(password, hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_round_trip_and_passwords_are_never_stored_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path());
        assert!(store.list().unwrap().is_empty());
        store
            .add("lan", Role::Archivist, None, "mật khẩu dài 1")
            .unwrap();
        assert!(matches!(
            store.add("lan", Role::Reader, None, "0123456789"),
            Err(UserError::Exists(_))
        ));
        assert!(matches!(
            store.add("../x", Role::Reader, None, "0123456789"),
            Err(UserError::BadName(_))
        ));
        assert!(matches!(
            store.add("short", Role::Reader, None, "123"),
            Err(UserError::WeakPassword)
        ));
        assert!(matches!(
            store.add("mc", Role::Intake, None, "0123456789"),
            Err(UserError::Invalid(_))
        ));
        let raw = std::fs::read_to_string(store.path()).unwrap();
        assert!(!raw.contains("mật khẩu"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the hashes are the owner's only");
        let u = store.get("lan").unwrap().unwrap();
        assert!(u.password.starts_with("$argon2id$"));
        assert!(password_matches("mật khẩu dài 1", &u.password));
        assert!(!password_matches("mật khẩu dài 2", &u.password));
        store.set_password("lan", "một mật khẩu khác").unwrap();
        let v = store.get("lan").unwrap().unwrap();
        assert!(password_matches("một mật khẩu khác", &v.password));
    }

    #[test]
    fn grants_expire_after_their_day() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path());
        store.add("hoa", Role::Reader, None, "0123456789").unwrap();
        store
            .grant("hoa", "case-1", Some("15/07/2025"), "lan")
            .unwrap();
        store.grant("hoa", "case-2", None, "lan").unwrap();
        let u = store.get("hoa").unwrap().unwrap();
        assert_eq!(u.granted("2025-07-15"), ["case-1", "case-2"]);
        assert_eq!(u.granted("2025-07-16"), ["case-2"]);
        store.revoke("hoa", "case-2").unwrap();
        assert!(store
            .get("hoa")
            .unwrap()
            .unwrap()
            .granted("2025-07-16")
            .is_empty());
    }
}
