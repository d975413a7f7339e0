//! The XML schemas a package carries in `schemas/` (CSIPSTR15), built into the binary: METS
//! 1.12 with its xlink import made local, the DILCIS CSIP and SIP extensions, PREMIS 3.0 and
//! the TT 05/2025 descriptive schemas written from the circular; their sources and licences in
//! `LICENSES.md` beside them (crates/export/schemas/).

/// (file name, bytes, needed by an AIP, needed by a SIP).
const ALL: &[(&str, &[u8], bool, bool)] = &[
    (
        "mets.xsd",
        include_bytes!("../schemas/mets.xsd"),
        true,
        true,
    ),
    (
        "xlink.xsd",
        include_bytes!("../schemas/xlink.xsd"),
        true,
        true,
    ),
    (
        "DILCISExtensionMETS.xsd",
        include_bytes!("../schemas/DILCISExtensionMETS.xsd"),
        true,
        true,
    ),
    (
        "DILCISExtensionSIPMETS.xsd",
        include_bytes!("../schemas/DILCISExtensionSIPMETS.xsd"),
        false,
        true,
    ),
    (
        "premis.xsd",
        include_bytes!("../schemas/premis.xsd"),
        true,
        false,
    ),
    (
        "ead_aip.xsd",
        include_bytes!("../schemas/ead_aip.xsd"),
        true,
        false,
    ),
    (
        "ead_doc_aip.xsd",
        include_bytes!("../schemas/ead_doc_aip.xsd"),
        true,
        false,
    ),
    ("ead.xsd", include_bytes!("../schemas/ead.xsd"), false, true),
    (
        "ead_doc.xsd",
        include_bytes!("../schemas/ead_doc.xsd"),
        false,
        true,
    ),
    (
        "LICENSES.md",
        include_bytes!("../schemas/LICENSES.md"),
        true,
        true,
    ),
];

/// The schema files of an AIP or a SIP.
pub(crate) fn files(sip: bool) -> impl Iterator<Item = (&'static str, &'static [u8])> {
    ALL.iter()
        .filter(move |f| if sip { f.3 } else { f.2 })
        .map(|f| (f.0, f.1))
}

/// The hồ sơ and document schema names (descriptive files point at them).
pub(crate) fn descriptive(sip: bool) -> (&'static str, &'static str) {
    if sip {
        ("ead.xsd", "ead_doc.xsd")
    } else {
        ("ead_aip.xsd", "ead_doc_aip.xsd")
    }
}
