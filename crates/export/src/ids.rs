//! Identifiers as TT 05/2025 writes them: upper-case UUIDs, `uuid-{UUID}` for sections and SIP
//! packages, `ID-{UUID}` for files, `urn:uuid:{UUID}` for an AIP whose folder replaces `:` by `_`.
//! They are derived (UUID version 5) from the case and the path they name, so the same case
//! exported twice gets the same identifiers: an AIP's OBJID never changes (E-ARK AIPM1).

use uuid::Uuid;

/// sohoa's namespace for name-based UUIDs (itself the version-5 UUID of its URL).
fn namespace() -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        b"https://github.com/sohoa/sohoa/package",
    )
}

/// The upper-case UUID derived from `parts` (joined by a separator no part holds).
pub(crate) fn uuid(parts: &[&str]) -> String {
    let name = parts.join("\u{1f}");
    Uuid::new_v5(&namespace(), name.as_bytes())
        .hyphenated()
        .to_string()
        .to_uppercase()
}

/// The package's OBJID: AIP `urn:uuid:{UUID}` (one per case, whatever the version), SIP
/// `uuid-{UUID}` (one per case version sent).
pub(crate) fn object_id(case_id: &str, version: u32, sip: bool) -> String {
    if sip {
        format!("uuid-{}", uuid(&["sip", case_id, &version.to_string()]))
    } else {
        format!("urn:uuid:{}", uuid(&["aip", case_id]))
    }
}

/// The package folder: the OBJID with `:` replaced by `_` (TT 05/2025; E-ARK would use `+`).
pub(crate) fn folder_name(object_id: &str) -> String {
    object_id.replace(':', "_")
}

/// `uuid-{UUID}` for a METS section, from the package and what the section is.
pub(crate) fn section_id(object_id: &str, what: &str) -> String {
    format!("uuid-{}", uuid(&[object_id, what]))
}

/// `ID-{UUID}` for a METS `<file>`, from the package and the file's path in it.
pub(crate) fn file_id(object_id: &str, path: &str) -> String {
    format!("ID-{}", uuid(&[object_id, "file", path]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_stable_upper_case_and_named_as_tt05_writes_them() {
        let aip = object_id("HS-001", 1, false);
        assert_eq!(aip, object_id("HS-001", 3, false), "one AIP OBJID per case");
        assert!(aip.starts_with("urn:uuid:"));
        let u = &aip["urn:uuid:".len()..];
        assert_eq!(u, u.to_uppercase());
        assert_eq!(u.len(), 36);
        assert_eq!(folder_name(&aip), format!("urn_uuid_{u}"));
        let sip = object_id("HS-001", 1, true);
        assert!(sip.starts_with("uuid-"));
        assert_ne!(
            sip,
            object_id("HS-001", 2, true),
            "one SIP per version sent"
        );
        assert_ne!(object_id("HS-002", 1, false), aip);
        assert!(file_id(&aip, "a.pdf").starts_with("ID-"));
        assert_ne!(file_id(&aip, "a.pdf"), file_id(&aip, "b.pdf"));
    }
}
