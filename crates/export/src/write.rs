//! One case's package written from its bag: the bag is verified first (a damaged bag is never
//! exported), its payload copied with every digest checked again, the descriptive, PREMIS and
//! METS files written around it, and the folder appears whole under its final name or not at
//! all (written under a hidden name, then renamed). Layout (docs/export.md):
//!
//! ```text
//! <OBJID, ':' -> '_'>/METS.xml
//!   metadata/descriptive/EAD.xml                 TT 05 hồ sơ
//!   metadata/preservation/PREMIS.xml             AIP: events, agents, the package's creation
//!   metadata/other/sohoa/{metadata,events}.json, bag-info.txt   the bag's own record
//!   representations/rep1/METS.xml
//!   representations/rep1/data/...                the bag's payload: the PDF/A bundle, page texts, originals
//!   representations/rep1/metadata/descriptive/EAD_DOC_<docId>.xml   one per document
//!   representations/rep1/metadata/preservation/PREMIS_rep1.xml      AIP
//!   schemas/...                                  the XSDs used, with their licences
//! ```

use crate::mets::{self, FileRef, Group, MdRef, Mets};
use crate::premis::{self, FileObject};
use crate::xml::El;
use crate::{ead, ids, schemas};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sohoa_archive::bag::reader::Bag;
use sohoa_archive::events::{self, Event, EventLog, Outcome};
use sohoa_archive::record::CaseRecord;
use sohoa_archive::{layout, Problem};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Where a package keeps the bag's own record, so that an import gives the bag back.
pub const SOHOA_METADATA: &str = "metadata/other/sohoa";
/// The representation.
pub const REP: &str = "representations/rep1";

/// What to write.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A SIP_hoso (for another archive system) instead of an AIP_hoso.
    pub sip: bool,
    /// Also pack the folder into `<folder>.zip` (one root folder inside) and keep only the zip.
    pub zip: bool,
    /// Wrap the package in a BagIt bag for transfer: `<folder>/data/` holds the package (E-ARK's
    /// AIP in BagIt), with SHA-256 manifests.
    pub bag: bool,
    /// The person exporting, named with the software and the agency on the package's creation
    /// event (PREMIS agents).
    pub operator: Option<String>,
}

/// One package written.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub case_id: String,
    pub version: u32,
    pub object_id: String,
    /// `AIP` or `SIP`.
    pub package_type: &'static str,
    /// The package folder or zip.
    pub path: String,
    pub files: usize,
    pub bytes: u64,
    /// TT 05/2025 fields the hồ sơ or its documents lack (the package holds what is known).
    pub missing_fields: Vec<String>,
}

fn problem(code: &str, case: &str, vi: String, en: String) -> Problem {
    Problem::error(code, vi, en).in_file(case.to_string())
}

/// Exports the current bag of `case_id` into `out`.
pub fn export_case(
    archive: &Path,
    case_id: &str,
    out: &Path,
    opts: &Options,
) -> Result<Exported, Problem> {
    let bag = Bag::open(archive, &layout::bag(case_id)).map_err(|e| {
        problem(
            "export.no_case",
            case_id,
            format!("Không có hồ sơ {case_id} trong kho: {}", e.vi()),
            format!("No case {case_id} in the archive: {}", e.en()),
        )
    })?;
    let intact = sohoa_bagit::rewrap::check_intact(&bag).map_err(|e| {
        problem(
            "export.damaged",
            case_id,
            format!("Túi lưu trữ của hồ sơ {case_id} không nguyên vẹn, không xuất: {e}"),
            format!("The bag of case {case_id} is not intact, not exported: {e}"),
        )
    })?;
    let record = bag
        .record()
        .map_err(|e| problem("export.damaged", case_id, e.clone(), e))?
        .record;
    let log = bag
        .events()
        .map_err(|e| problem("export.damaged", case_id, e.clone(), e))?;
    let objid = ids::object_id(case_id, record.version.max(1), opts.sip);
    let folder = ids::folder_name(&objid);
    let io = |e: std::io::Error| {
        problem(
            "export.io",
            case_id,
            format!("Không ghi được gói vào {}: {e}", out.display()),
            format!("Cannot write the package into {}: {e}", out.display()),
        )
    };
    fs::create_dir_all(out).map_err(io)?;
    let target = out.join(&folder);
    let zip_target = out.join(format!("{folder}.zip"));
    if target.exists() || (opts.zip && zip_target.exists()) {
        return Err(problem(
            "export.exists",
            case_id,
            format!("Đã có gói {folder} trong {}: không ghi đè", out.display()),
            format!(
                "Package {folder} already in {}: not overwritten",
                out.display()
            ),
        ));
    }
    let staging = out.join(format!(".{folder}.partial"));
    let _ = fs::remove_dir_all(&staging);
    let built = build(&bag, &intact, &record, &log, &objid, &staging, opts);
    let mut pkg = match built {
        Ok(p) => p,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(io(e));
        }
    };
    let finish = || -> std::io::Result<String> {
        sync_tree(&staging)?;
        if opts.bag {
            let bagged = out.join(format!(".{folder}.bag.partial"));
            let _ = fs::remove_dir_all(&bagged);
            wrap_in_bag(&staging, &bagged, &record, &objid)?;
            fs::remove_dir_all(&staging)?;
            fs::rename(&bagged, &target)?;
        } else {
            fs::rename(&staging, &target)?;
        }
        sohoa_bagit::fsync_dir(out)?;
        if opts.zip {
            crate::zip::pack(&target, &folder, &zip_target)?;
            fs::remove_dir_all(&target)?;
            return Ok(zip_target.display().to_string());
        }
        Ok(target.display().to_string())
    };
    let path = finish().map_err(|e| {
        let _ = fs::remove_dir_all(&staging);
        io(e)
    })?;
    pkg.files.sort();
    Ok(Exported {
        case_id: case_id.to_string(),
        version: record.version.max(1),
        object_id: objid,
        package_type: if opts.sip { "SIP" } else { "AIP" },
        path,
        files: pkg.files.len(),
        bytes: pkg.files.iter().map(|f| f.1).sum(),
        missing_fields: ead::missing(&record),
    })
}

/// The files written so far (path in the package, size).
struct Written {
    root: PathBuf,
    created: String,
    objid: String,
    files: Vec<(String, u64)>,
}

impl Written {
    /// Writes a new file; returns what a METS says of it, `href` relative to `base`.
    fn write(&mut self, rel: &str, bytes: &[u8], base: &str) -> std::io::Result<FileRef> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path(rel)?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        self.files.push((rel.to_string(), bytes.len() as u64));
        Ok(self.file_ref(rel, bytes.len() as u64, sha, base))
    }

    /// Copies a bag file in, hashing it on the way; its digest must be `expect`.
    fn copy(
        &mut self,
        rel: &str,
        mut input: impl Read,
        expect: &str,
        base: &str,
    ) -> std::io::Result<FileRef> {
        let path = self.path(rel)?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 512 * 1024];
        let mut size = 0u64;
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n])?;
            size += n as u64;
        }
        file.sync_all()?;
        let sha = hex::encode(hasher.finalize());
        if sha != expect {
            return Err(std::io::Error::other(format!(
                "{rel} changed while it was copied (SHA-256 {sha}, the bag says {expect})"
            )));
        }
        self.files.push((rel.to_string(), size));
        Ok(self.file_ref(rel, size, sha, base))
    }

    fn path(&self, rel: &str) -> std::io::Result<PathBuf> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(path)
    }

    fn file_ref(&self, rel: &str, size: u64, sha: String, base: &str) -> FileRef {
        let href = rel.strip_prefix(base).unwrap_or(rel).to_string();
        FileRef {
            id: ids::file_id(&self.objid, rel),
            href,
            mime: mime(rel).to_string(),
            size,
            sha256: sha,
            created: self.created.clone(),
        }
    }
}

/// MIME type by extension.
pub(crate) fn mime(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "json" => "application/json",
        "xml" => "application/xml",
        "xsd" => "application/xml",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "tif" | "tiff" => "image/tiff",
        _ => "application/octet-stream",
    }
}

fn build(
    bag: &Bag,
    intact: &sohoa_bagit::verify::BagReport,
    record: &CaseRecord,
    log: &EventLog,
    objid: &str,
    staging: &Path,
    opts: &Options,
) -> std::io::Result<Written> {
    fs::create_dir_all(staging)?;
    let created = events::timestamp(sohoa_archive::time_format::now());
    let mut w = Written {
        root: staging.to_path_buf(),
        created: created.clone(),
        objid: objid.to_string(),
        files: Vec::new(),
    };
    let rep_base = format!("{REP}/");
    // The bag's payload: the representation's data, or (record, events) sohoa's own metadata.
    let mut data = Vec::new();
    let mut own = Vec::new();
    for f in &intact.files {
        let (Some(payload), Some(sha)) = (f.path.strip_prefix("data/"), &f.expected_sha256) else {
            continue;
        };
        let (input, _) = bag
            .open_file(&f.path)
            .map_err(|e| std::io::Error::other(e.en()))?;
        if payload == sohoa_archive::record::FILE || payload == events::FILE {
            own.push(w.copy(&format!("{SOHOA_METADATA}/{payload}"), input, sha, "")?);
        } else {
            data.push(w.copy(&format!("{REP}/data/{payload}"), input, sha, &rep_base)?);
        }
    }
    let info = bag
        .read("bag-info.txt", sohoa_archive::bag::reader::BAG_INFO_LIMIT)
        .map_err(|e| std::io::Error::other(e.en()))?;
    own.push(w.write(&format!("{SOHOA_METADATA}/bag-info.txt"), &info, "")?);

    // Documentation for people who open the package (CSIP asks for a Documentation group).
    let readme = crate::readme::text(record, objid, opts.sip, &created);
    let documentation = vec![w.write("documentation/README.txt", readme.as_bytes(), "")?];

    // Schemas.
    let mut schema_files = Vec::new();
    for (name, bytes) in schemas::files(opts.sip) {
        schema_files.push(w.write(&format!("schemas/{name}"), bytes, "")?);
    }

    // The representation: one descriptive file per document, PREMIS, its METS.
    let docs = documents(record);
    let mut doc_refs = Vec::new();
    for c in &docs {
        // TT 05 names the file after the document: its docId in a SIP, its docCode in an AIP.
        let name = if opts.sip {
            format!("EAD_DOC_{}.xml", ead::doc_id(record, c))
        } else {
            format!("EAD_DOC_{}.xml", ead::doc_code(record, c))
        };
        let el = ead::document(record, c, opts.sip);
        let bytes = with_schema(
            el,
            &format!("../../../../schemas/{}", schemas::descriptive(opts.sip).1),
        );
        let f = w.write(
            &format!("{REP}/metadata/descriptive/{name}"),
            &bytes,
            &rep_base,
        )?;
        doc_refs.push((c.clone(), f));
    }
    let mut rep_digiprov = Vec::new();
    if !opts.sip {
        let objects = data
            .iter()
            .map(|f| {
                premis::file(&FileObject {
                    path: format!("{REP}/{}", f.href),
                    sha256: f.sha256.clone(),
                    size: f.size,
                    format: format_name(record, &f.href),
                })
            })
            .collect();
        let doc = premis::document(objects, &log.events, &log.agents, "../../../../schemas/");
        let f = w.write(
            &format!("{REP}/metadata/preservation/PREMIS_rep1.xml"),
            &doc.to_document(),
            &rep_base,
        )?;
        rep_digiprov.push(md(objid, "rep1-premis", "PREMIS", None, f));
    }
    let rep_mets = rep_mets(
        record,
        objid,
        &created,
        &data,
        &doc_refs,
        rep_digiprov,
        opts,
    );
    let rep_mets_ref = w.write(&format!("{REP}/METS.xml"), &rep_mets.to_document(), "")?;

    // The package's descriptive and preservation metadata, then its METS.
    let ead_bytes = with_schema(
        ead::hoso(record, opts.sip),
        &format!("../../schemas/{}", schemas::descriptive(opts.sip).0),
    );
    let ead_ref = w.write("metadata/descriptive/EAD.xml", &ead_bytes, "")?;
    let mut digiprov = Vec::new();
    if !opts.sip {
        // The package's creation names who made it, and the agency, as the bag's events do.
        let mut log = log.clone();
        log.acting(opts.operator.as_deref(), record.case.agency_name.as_deref());
        let mut events = log.events.clone();
        events.push(creation_event(
            record,
            objid,
            &created,
            log.acting_agents().to_vec(),
        ));
        let doc = premis::document(
            vec![premis::representation("rep1")],
            &events,
            &log.agents,
            "../../schemas/",
        );
        let f = w.write("metadata/preservation/PREMIS.xml", &doc.to_document(), "")?;
        digiprov.push(md(objid, "premis", "PREMIS", None, f));
    }
    let mut dmd = vec![md(objid, "ead", "DC", None, ead_ref)];
    for f in own {
        let what = f.href.rsplit('/').next().unwrap_or("").to_string();
        if what == sohoa_archive::record::FILE {
            dmd.push(md(
                objid,
                "sohoa-metadata",
                "OTHER",
                Some("SOHOA-METADATA"),
                f,
            ));
        } else if what == events::FILE {
            digiprov.push(md(objid, "sohoa-events", "OTHER", Some("SOHOA-EVENTS"), f));
        } else {
            digiprov.push(md(
                objid,
                "sohoa-bag-info",
                "OTHER",
                Some("BAGIT-BAG-INFO"),
                f,
            ));
        }
    }
    let files = RootFiles {
        documentation,
        schemas: schema_files,
        rep_mets: rep_mets_ref,
    };
    let root = root_mets(record, objid, &created, dmd, digiprov, files, opts);
    let bytes = root.to_document();
    let path = w.path("METS.xml")?;
    fs::write(&path, &bytes)?;
    w.files.push(("METS.xml".into(), bytes.len() as u64));
    Ok(w)
}

/// A TT 05 descriptive document with its schema named on the root.
fn with_schema(el: El, xsd: &str) -> Vec<u8> {
    el.attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        .attr("xsi:noNamespaceSchemaLocation", xsd)
        .to_document()
}

fn md(
    objid: &str,
    what: &str,
    mdtype: &'static str,
    other: Option<&'static str>,
    file: FileRef,
) -> MdRef {
    let version = match mdtype {
        "DC" => Some("1.0.0"),
        "PREMIS" => Some("3.0"),
        _ => None,
    };
    MdRef {
        section: ids::section_id(objid, what),
        mdtype,
        version,
        other,
        file,
    }
}

/// The documents of the hồ sơ: its components, or the whole bundle as one document.
fn documents(record: &CaseRecord) -> Vec<sohoa_archive::record::Component> {
    if !record.components.is_empty() {
        return record.components.clone();
    }
    vec![sohoa_archive::record::Component {
        ordinal: 1,
        folder: String::new(),
        label: record
            .hoso
            .title
            .clone()
            .unwrap_or_else(|| record.case_id.clone()),
        first_page: Some(1),
        page_count: record.pages.len() as u32,
        fields: Default::default(),
    }]
}

fn format_name(record: &CaseRecord, href: &str) -> String {
    let bundle = record
        .bundle
        .as_ref()
        .map(|b| b.path.trim_start_matches("data/"));
    if bundle == href.strip_prefix("data/") {
        return record
            .bundle
            .as_ref()
            .map(|b| b.conformance.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "PDF/A-2b".into());
    }
    mime(href).to_string()
}

/// The package's own creation, the last event of its PREMIS.
fn creation_event(record: &CaseRecord, objid: &str, created: &str, agents: Vec<String>) -> Event {
    let (code, label) = events::kind::PACKAGE_CREATION;
    Event {
        event_identifier: ids::uuid(&[objid, "created", created]).to_lowercase(),
        event_identifier_type: "UUID".into(),
        event_type: label.into(),
        event_type_uri: format!("http://id.loc.gov/vocabulary/preservation/eventType/{code}"),
        event_datetime: created.into(),
        event_detail: events::detail("export"),
        event_outcome: Outcome::Success,
        event_outcome_uri: Outcome::Success.uri().into(),
        event_outcome_detail_note: format!(
            "AIP_hoso (E-ARK CSIP, TT 05/2025/TT-BNV) from version {} of the bag",
            record.version.max(1)
        ),
        linking_agent: agents,
        linking_objects: vec![events::source(&record.case_id), events::outcome(objid)],
    }
}

fn rep_mets(
    record: &CaseRecord,
    objid: &str,
    created: &str,
    data: &[FileRef],
    docs: &[(sohoa_archive::record::Component, FileRef)],
    digiprov: Vec<MdRef>,
    opts: &Options,
) -> El {
    let dmd: Vec<MdRef> = docs
        .iter()
        .map(|(c, f)| {
            md(
                objid,
                &format!("rep1-doc-{}", c.ordinal),
                "DC",
                None,
                f.clone(),
            )
        })
        .collect();
    let sec = |what: &str| ids::section_id(objid, what);
    let data_group = Group {
        id: sec("rep1-data"),
        use_: "Data".into(),
        files: data.to_vec(),
    };
    let amd_sec_id = sec("rep1-amdsec");
    let metadata_div = mets::metadata_div(&sec("rep1-div-metadata"), &dmd, &digiprov);
    let csip = El::new("mets:structMap")
        .attr("ID", sec("rep1-structmap"))
        .attr("TYPE", "PHYSICAL")
        .attr("LABEL", "CSIP")
        .child(
            El::new("mets:div")
                .attr("ID", sec("rep1-div"))
                .attr("LABEL", "rep1")
                .child(metadata_div)
                .child(mets::div_for_group(
                    &sec("rep1-div-data"),
                    "Data",
                    &data_group,
                )),
        );
    // TT 05/2025: each document's descriptive file linked to the file holding its pages.
    let bundle = record
        .bundle
        .as_ref()
        .map(|b| b.path.clone())
        .unwrap_or_default();
    let pdf = data.iter().find(|f| f.href == bundle);
    let mut link = El::new("mets:div")
        .attr("ID", sec("rep1-link"))
        .attr("LABEL", "MetadataLink");
    for ((c, _), d) in docs.iter().zip(&dmd) {
        let pages = match c.first_page {
            Some(first) if c.page_count > 0 => {
                format!("{first}-{}", first + c.page_count - 1)
            }
            _ => String::new(),
        };
        let mut div = El::new("mets:div")
            .attr("ID", sec(&format!("rep1-link-{}", c.ordinal)))
            .attr("LABEL", "MetadataLink/File")
            .attr("ORDER", c.ordinal.to_string())
            .attr_opt("ORDERLABEL", Some(pages).filter(|p| !p.is_empty()))
            .attr("DMDID", &d.section);
        if let Some(pdf) = pdf {
            div = div.child(El::new("mets:fptr").attr("FILEID", &pdf.id));
        }
        link = link.child(div);
    }
    let links = El::new("mets:structMap")
        .attr("ID", sec("rep1-structmap-links"))
        .attr("TYPE", "LOGICAL")
        .attr("LABEL", "MetadataLink")
        .child(link);
    mets::document(&Mets {
        objid: "rep1".into(),
        label: record
            .hoso
            .title
            .clone()
            .unwrap_or_else(|| record.case_id.clone()),
        type_: "Mixed",
        profile: mets::CSIP_PROFILE,
        package_type: None,
        created: created.into(),
        agents: vec![mets::software_agent()],
        dmd,
        digiprov,
        amd_sec_id,
        file_sec_id: sec("rep1-filesec"),
        groups: vec![data_group],
        struct_maps: vec![csip, links],
        schemas: "../../schemas/".into(),
        sip_namespace: opts.sip,
    })
}

/// The files the root METS lists in its fileSec.
struct RootFiles {
    documentation: Vec<FileRef>,
    schemas: Vec<FileRef>,
    rep_mets: FileRef,
}

fn root_mets(
    record: &CaseRecord,
    objid: &str,
    created: &str,
    dmd: Vec<MdRef>,
    digiprov: Vec<MdRef>,
    files: RootFiles,
    opts: &Options,
) -> El {
    let sec = |what: &str| ids::section_id(objid, what);
    let group = |what: &str, use_: &str, files: Vec<FileRef>| Group {
        id: sec(what),
        use_: use_.into(),
        files,
    };
    let documentation = group("documentation", "Documentation", files.documentation);
    let schemas = group("schemas", "Schemas", files.schemas);
    let representations = group("representations", "Representations", vec![files.rep_mets]);
    let structure = El::new("mets:structMap")
        .attr("ID", sec("structmap"))
        .attr("TYPE", "PHYSICAL")
        .attr("LABEL", "CSIP")
        .child(
            El::new("mets:div")
                .attr("ID", sec("div"))
                .attr("LABEL", objid)
                .child(mets::metadata_div(&sec("div-metadata"), &dmd, &digiprov))
                .child(mets::div_for_group(
                    &sec("div-documentation"),
                    "Documentation",
                    &documentation,
                ))
                .child(mets::div_for_group(
                    &sec("div-schemas"),
                    "Schemas",
                    &schemas,
                ))
                .child(
                    mets::div_for_group(
                        &sec("div-representations"),
                        "Representations",
                        &representations,
                    )
                    .child(
                        El::new("mets:div")
                            .attr("ID", sec("div-rep1"))
                            .attr("LABEL", "Representations/rep1")
                            .child(
                                El::new("mets:mptr")
                                    .attr("LOCTYPE", "URL")
                                    .attr("xlink:type", "simple")
                                    .attr("xlink:href", format!("{REP}/METS.xml"))
                                    .attr("xlink:title", &representations.id),
                            ),
                    ),
                ),
        );
    let mut agents = vec![mets::software_agent()];
    if opts.sip {
        // The submitting agency. eark-validator 1.1.3 holds every CREATOR agent to the software
        // agent's rules, so the agency is named as ARCHIVIST (docs/export.md).
        let agency = record.agency().unwrap_or("Không xác định").to_string();
        agents.push(
            El::new("mets:agent")
                .attr("ROLE", "ARCHIVIST")
                .attr("TYPE", "ORGANIZATION")
                .child(El::leaf("mets:name", agency))
                .child(
                    El::new("mets:note")
                        .attr("csip:NOTETYPE", "IDENTIFICATIONCODE")
                        .text(
                            record
                                .case
                                .agency_code
                                .clone()
                                .unwrap_or_else(|| "unknown".into()),
                        ),
                ),
        );
    }
    mets::document(&Mets {
        objid: objid.into(),
        label: record
            .hoso
            .title
            .clone()
            .unwrap_or_else(|| record.case_id.clone()),
        type_: "Mixed",
        profile: if opts.sip {
            mets::SIP_PROFILE
        } else {
            mets::CSIP_PROFILE
        },
        package_type: Some(if opts.sip { "SIP" } else { "AIP" }),
        created: created.into(),
        agents,
        dmd,
        digiprov,
        amd_sec_id: sec("amdsec"),
        file_sec_id: sec("filesec"),
        groups: vec![documentation, schemas, representations],
        struct_maps: vec![structure],
        schemas: "schemas/".into(),
        sip_namespace: opts.sip,
    })
}

/// The package at `package` copied into a new BagIt bag at `bag` (its payload under `data/`,
/// each copy hashed), with bag-info naming the agency and the package.
fn wrap_in_bag(
    package: &Path,
    bag: &Path,
    record: &CaseRecord,
    objid: &str,
) -> std::io::Result<()> {
    let mut b = sohoa_bagit::BagBuilder::create(bag.to_path_buf())?;
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(package)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for f in files {
        let rel = sohoa_archive::layout::rel_path(package, &f);
        b.copy(&rel, &f)?;
    }
    let title = record
        .hoso
        .title
        .clone()
        .unwrap_or_else(|| record.case_id.clone());
    let info = [
        (
            "Source-Organization",
            record.agency().unwrap_or("Không xác định").to_string(),
        ),
        ("External-Identifier", objid.to_string()),
        (
            "External-Description",
            sohoa_archive::privacy::mask_ids_loose(&title).into_owned(),
        ),
        ("Bagging-Date", sohoa_bagit::bagging_date()),
        (
            "Bag-Software-Agent",
            format!("sohoa/{}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    b.finish(&info)?;
    Ok(())
}

/// fsyncs every file and folder below `root` (deepest folders first).
fn sync_tree(root: &Path) -> std::io::Result<()> {
    let mut dirs = Vec::new();
    for e in walkdir::WalkDir::new(root).follow_links(false) {
        let e = e.map_err(std::io::Error::other)?;
        if e.file_type().is_dir() {
            dirs.push(e.into_path());
        }
    }
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        sohoa_bagit::fsync_dir(&d)?;
    }
    Ok(())
}
