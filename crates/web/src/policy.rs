//! Who may see which case, in one place: the search filter ([`visibility`]) and the check on
//! every case page and file ([`may_view`]) follow the same rules, so that a case hidden from
//! search is also refused by URL, thumbnail or PDF link.
//!
//! - admin, archivist: every case;
//! - intake: the cases of their own agency (agency code);
//! - reader: TT 05/2025 `mode` 01 (public), and 02 (conditional) when granted the case;
//!   never 03 (secret) nor a case whose mode is missing or unknown.

use crate::users::{Role, User};
use sohoa_archive::record::CaseRecord;
use sohoa_archive::values::{access_mode, AccessMode};
use sohoa_index::Visibility;

fn today() -> String {
    sohoa_archive::time_format::iso_date(sohoa_archive::time_format::now().date())
}

/// The search restriction for `user` (`None`: sees everything).
pub fn visibility(user: &User) -> Option<Visibility> {
    match user.role {
        Role::Admin | Role::Archivist => None,
        Role::Intake => Some(Visibility {
            agency: Some(user.agency.clone().unwrap_or_default()),
            ..Default::default()
        }),
        Role::Reader => Some(Visibility {
            agency: None,
            readers_rule: true,
            granted: user.granted(&today()),
        }),
    }
}

/// Whether `user` may open this case (its page, thumbnails, viewer).
pub fn may_view(user: &User, record: &CaseRecord) -> bool {
    match user.role {
        Role::Admin | Role::Archivist => true,
        Role::Intake => match (&user.agency, &record.case.agency_code) {
            (Some(mine), Some(theirs)) => mine.trim().eq_ignore_ascii_case(theirs.trim()),
            _ => false,
        },
        Role::Reader => match record.hoso.mode.as_deref().and_then(access_mode) {
            Some(AccessMode::Public) => true,
            Some(AccessMode::Conditional) => user.granted(&today()).contains(&record.case_id),
            Some(AccessMode::Secret) | None => false,
        },
    }
}

/// Whether `user` may download the archival PDF/A (readers get the reading copy only).
pub fn may_download(user: &User) -> bool {
    user.role != Role::Reader
}

/// Whether `user` sees audit, reports and jobs.
pub fn may_audit(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Archivist)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, agency: Option<&str>) -> User {
        User {
            name: "u".into(),
            role,
            agency: agency.map(String::from),
            password: String::new(),
            disabled: false,
            created: String::new(),
            password_changed: String::new(),
            grants: Vec::new(),
        }
    }

    fn record(id: &str, agency: &str, mode: Option<&str>) -> CaseRecord {
        let mut r = CaseRecord {
            case_id: id.into(),
            ..Default::default()
        };
        r.case.agency_code = Some(agency.into());
        r.hoso.mode = mode.map(String::from);
        r
    }

    #[test]
    fn the_rules_of_each_role() {
        let public = record("a", "000.00.15.H12", Some("01"));
        let conditional = record("b", "000.00.15.H12", Some("02"));
        let secret = record("c", "000.00.21.H36", Some("03"));
        let unknown = record("d", "000.00.15.H12", None);
        for r in [Role::Admin, Role::Archivist] {
            let u = user(r, None);
            assert!([&public, &conditional, &secret, &unknown]
                .iter()
                .all(|c| may_view(&u, c)));
        }
        let intake = user(Role::Intake, Some("000.00.15.h12"));
        assert!(may_view(&intake, &public) && may_view(&intake, &conditional));
        assert!(!may_view(&intake, &secret));
        let mut reader = user(Role::Reader, None);
        assert!(may_view(&reader, &public));
        assert!(!may_view(&reader, &conditional));
        assert!(!may_view(&reader, &secret));
        assert!(!may_view(&reader, &unknown));
        for id in ["b", "c", "d"] {
            reader.grants.push(crate::users::Grant {
                case_id: id.into(),
                until: None,
                by: "x".into(),
                at: String::new(),
            });
        }
        assert!(may_view(&reader, &conditional));
        assert!(
            !may_view(&reader, &secret),
            "a grant never opens a secret case"
        );
        assert!(!may_view(&reader, &unknown));
        assert!(!may_download(&reader));
    }
}
