//! METS files as E-ARK CSIP 2 and TT 05/2025 want them: the package's root `METS.xml` and the
//! representation's own. Every metadata file (`mdRef`) and content file (`file`) carries its
//! MIME type, size, creation time and upper-case SHA-256; sections and files have
//! `uuid-`/`ID-` identifiers; one PHYSICAL structMap labelled CSIP.

use crate::xml::El;

pub(crate) const NS_METS: &str = "http://www.loc.gov/METS/";
pub(crate) const NS_CSIP: &str = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS";
pub(crate) const NS_SIP: &str = "https://DILCIS.eu/XML/METS/SIPExtensionMETS";
pub(crate) const NS_XLINK: &str = "http://www.w3.org/1999/xlink";
const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub(crate) const CSIP_PROFILE: &str = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml";
pub(crate) const SIP_PROFILE: &str = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml";

/// A file listed in a METS: where (relative to that METS), what and its fixity.
#[derive(Debug, Clone)]
pub(crate) struct FileRef {
    pub id: String,
    pub href: String,
    pub mime: String,
    pub size: u64,
    /// Lower-case hex; written upper-case as the TT 05 sample does.
    pub sha256: String,
    pub created: String,
}

/// A metadata file (`mdRef`) in a dmdSec or digiprovMD.
#[derive(Debug, Clone)]
pub(crate) struct MdRef {
    /// The section's ID.
    pub section: String,
    /// `DC`, `PREMIS` or `OTHER` (then `other` names it).
    pub mdtype: &'static str,
    /// `1.0.0` (TT 05's simple DC), `3.0` (PREMIS).
    pub version: Option<&'static str>,
    pub other: Option<&'static str>,
    pub file: FileRef,
}

/// One `fileGrp`.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub id: String,
    pub use_: String,
    pub files: Vec<FileRef>,
}

/// What a METS file holds.
pub(crate) struct Mets {
    pub objid: String,
    pub label: String,
    /// `Mixed` for a hồ sơ (TT 05/2025).
    pub type_: &'static str,
    pub profile: &'static str,
    /// `AIP` or `SIP` on the root METS.
    pub package_type: Option<&'static str>,
    pub created: String,
    /// metsHdr agents.
    pub agents: Vec<El>,
    pub dmd: Vec<MdRef>,
    pub digiprov: Vec<MdRef>,
    pub amd_sec_id: String,
    pub file_sec_id: String,
    pub groups: Vec<Group>,
    pub struct_maps: Vec<El>,
    /// `schemas/` relative to this METS (`schemas/`, `../../schemas/`).
    pub schemas: String,
    /// Also declare the SIP extension namespace.
    pub sip_namespace: bool,
}

/// The content information type on the root, every fileGrp and the representations: TT 05 has
/// no CSIP vocabulary term of its own.
pub(crate) const CONTENT_TYPE: &str = "OTHER";
pub(crate) const OTHER_CONTENT_TYPE: &str = "TT 05/2025/TT-BNV";

fn md_ref(m: &MdRef) -> El {
    El::new("mets:mdRef")
        .attr("LOCTYPE", "URL")
        .attr("xlink:type", "simple")
        .attr("xlink:href", &m.file.href)
        .attr("MDTYPE", m.mdtype)
        .attr_opt("MDTYPEVERSION", m.version)
        .attr_opt("OTHERMDTYPE", m.other)
        .attr("MIMETYPE", &m.file.mime)
        .attr("SIZE", m.file.size.to_string())
        .attr("CREATED", &m.file.created)
        .attr("CHECKSUM", m.file.sha256.to_uppercase())
        .attr("CHECKSUMTYPE", "SHA-256")
}

/// `mets:file` with its `FLocat`.
pub(crate) fn file(f: &FileRef) -> El {
    El::new("mets:file")
        .attr("ID", &f.id)
        .attr("MIMETYPE", &f.mime)
        .attr("SIZE", f.size.to_string())
        .attr("CREATED", &f.created)
        .attr("CHECKSUM", f.sha256.to_uppercase())
        .attr("CHECKSUMTYPE", "SHA-256")
        .child(
            El::new("mets:FLocat")
                .attr("LOCTYPE", "URL")
                .attr("xlink:type", "simple")
                .attr("xlink:href", &f.href),
        )
}

/// The METS document.
pub(crate) fn document(m: &Mets) -> El {
    let s = &m.schemas;
    let mut locations = format!(
        "{NS_METS} {s}mets.xsd {NS_XLINK} {s}xlink.xsd {NS_CSIP} {s}DILCISExtensionMETS.xsd"
    );
    let mut root = El::new("mets:mets")
        .attr("xmlns:mets", NS_METS)
        .attr("xmlns:csip", NS_CSIP)
        .attr("xmlns:xlink", NS_XLINK)
        .attr("xmlns:xsi", NS_XSI);
    if m.sip_namespace {
        root = root.attr("xmlns:sip", NS_SIP);
        locations.push_str(&format!(" {NS_SIP} {s}DILCISExtensionSIPMETS.xsd"));
    }
    let mut root = root
        .attr("OBJID", &m.objid)
        .attr("LABEL", &m.label)
        .attr("TYPE", m.type_)
        .attr("csip:CONTENTINFORMATIONTYPE", CONTENT_TYPE)
        .attr("csip:OTHERCONTENTINFORMATIONTYPE", OTHER_CONTENT_TYPE)
        .attr("PROFILE", m.profile)
        .attr("xsi:schemaLocation", locations);
    let header = El::new("mets:metsHdr")
        .attr("CREATEDATE", &m.created)
        .attr("LASTMODDATE", &m.created)
        .attr("RECORDSTATUS", "NEW")
        .attr_opt("csip:OAISPACKAGETYPE", m.package_type)
        .children(m.agents.iter().cloned());
    root = root.child(header);
    for d in &m.dmd {
        root = root.child(
            El::new("mets:dmdSec")
                .attr("ID", &d.section)
                .attr("CREATED", &d.file.created)
                .attr("STATUS", "CURRENT")
                .child(md_ref(d)),
        );
    }
    if !m.digiprov.is_empty() {
        let mut amd = El::new("mets:amdSec").attr("ID", &m.amd_sec_id);
        for d in &m.digiprov {
            amd = amd.child(
                El::new("mets:digiprovMD")
                    .attr("ID", &d.section)
                    .attr("CREATED", &d.file.created)
                    .attr("STATUS", "CURRENT")
                    .child(md_ref(d)),
            );
        }
        root = root.child(amd);
    }
    let mut file_sec = El::new("mets:fileSec").attr("ID", &m.file_sec_id);
    for g in &m.groups {
        file_sec = file_sec.child(
            El::new("mets:fileGrp")
                .attr("ID", &g.id)
                .attr("USE", &g.use_)
                .attr("csip:CONTENTINFORMATIONTYPE", CONTENT_TYPE)
                .attr("csip:OTHERCONTENTINFORMATIONTYPE", OTHER_CONTENT_TYPE)
                .children(g.files.iter().map(file)),
        );
    }
    root.child(file_sec).children(m.struct_maps.iter().cloned())
}

/// The software agent every METS names (CSIP10–16).
pub(crate) fn software_agent() -> El {
    El::new("mets:agent")
        .attr("ROLE", "CREATOR")
        .attr("TYPE", "OTHER")
        .attr("OTHERTYPE", "SOFTWARE")
        .child(El::leaf("mets:name", "sohoa"))
        .child(
            El::new("mets:note")
                .attr("csip:NOTETYPE", "SOFTWARE VERSION")
                .text(env!("CARGO_PKG_VERSION")),
        )
}

/// A `div` of the CSIP structMap pointing at a file group (CSIP: the div's `fptr` names the
/// `fileGrp`).
pub(crate) fn div_for_group(id: &str, label: &str, group: &Group) -> El {
    El::new("mets:div")
        .attr("ID", id)
        .attr("LABEL", label)
        .child(El::new("mets:fptr").attr("FILEID", &group.id))
}

/// The `Metadata` div of a CSIP structMap: the descriptive and administrative sections by ID.
pub(crate) fn metadata_div(id: &str, dmd: &[MdRef], digiprov: &[MdRef]) -> El {
    let ids = |m: &[MdRef]| {
        let v: Vec<&str> = m.iter().map(|d| d.section.as_str()).collect();
        (!v.is_empty()).then(|| v.join(" "))
    };
    El::new("mets:div")
        .attr("ID", id)
        .attr("LABEL", "Metadata")
        .attr_opt("DMDID", ids(dmd))
        .attr_opt("ADMID", ids(digiprov))
}
