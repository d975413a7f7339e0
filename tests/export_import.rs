//! Archival packages end to end: every sample case exported as an AIP_hoso (and a SIP_hoso),
//! each package's files listed in its METS with their SHA-256, its XML valid against the
//! schemas it carries (xmllint), the packages imported into an empty archive
//! giving back the same bags; one changed byte, a stray file or a path out of the package and
//! the import refuses it.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn export(w: &Work, out: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let archive = w.archive();
    let mut args = vec![
        "export",
        "--archive",
        archive.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(extra);
    let o = w.sohoa(&args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "export printed no JSON ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap(), v)
}

fn import(w: &Work, archive: &Path, packages: &[PathBuf]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "import".to_string(),
        "--archive".into(),
        archive.display().to_string(),
        "--json".into(),
    ];
    args.extend(packages.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = w.sohoa(&args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "import printed no JSON ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap(), v)
}

fn case_ids(w: &Work) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(w.archive().join("bags"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    ids.sort();
    ids
}

/// xmllint (Debian `libxml2-utils`, installed by scripts/test.sh): the schema check is part of
/// the test, never skipped.
fn xmllint() -> bool {
    assert!(
        Command::new("xmllint").arg("--version").output().is_ok(),
        "xmllint is needed (apt-get install libxml2-utils, or run scripts/test.sh)"
    );
    true
}

/// Every XML file of a package against the schema its root names, with the package's own
/// schemas and no network.
fn check_xml(package: &Path) {
    let schemas = package.join("schemas");
    for e in walkdir(package) {
        let name = e.file_name().unwrap().to_string_lossy().to_string();
        let xsd = if name == "METS.xml" {
            "mets-all.xsd"
        } else if name.starts_with("PREMIS") {
            "premis.xsd"
        } else if name == "EAD.xml" || name.starts_with("EAD_DOC_") {
            let text = std::fs::read_to_string(&e).unwrap();
            let marker = "noNamespaceSchemaLocation=\"";
            let at = text
                .find(marker)
                .expect("descriptive file names its schema")
                + marker.len();
            let end = text[at..].find('"').unwrap();
            let rel = &text[at..at + end];
            let name = rel.rsplit('/').next().unwrap().to_string();
            assert!(schemas.join(&name).is_file(), "{name} shipped in schemas/");
            Box::leak(name.into_boxed_str())
        } else {
            continue;
        };
        let schema = if xsd == "mets-all.xsd" {
            mets_wrapper(&schemas)
        } else {
            schemas.join(xsd)
        };
        let out = Command::new("xmllint")
            .args(["--nonet", "--noout", "--schema"])
            .arg(&schema)
            .arg(&e)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} against {}: {}",
            e.display(),
            schema.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A schema importing METS with the CSIP and SIP extensions, from the package's schemas/.
fn mets_wrapper(schemas: &Path) -> PathBuf {
    // Outside the package (a stray file would make it invalid).
    let dir = std::env::temp_dir().join(format!("sohoa-xsd-wrapper-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let unique: String = schemas
        .display()
        .to_string()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let path = dir.join(format!("{unique}.xsd"));
    let mut imports = format!(
        "<xs:import namespace=\"http://www.loc.gov/METS/\" schemaLocation=\"{}\"/>\n<xs:import namespace=\"https://DILCIS.eu/XML/METS/CSIPExtensionMETS\" schemaLocation=\"{}\"/>\n",
        schemas.join("mets.xsd").display(),
        schemas.join("DILCISExtensionMETS.xsd").display()
    );
    if schemas.join("DILCISExtensionSIPMETS.xsd").is_file() {
        imports.push_str(&format!(
            "<xs:import namespace=\"https://DILCIS.eu/XML/METS/SIPExtensionMETS\" schemaLocation=\"{}\"/>\n",
            schemas.join("DILCISExtensionSIPMETS.xsd").display()
        ));
    }
    std::fs::write(
        &path,
        format!(
            "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n{imports}</xs:schema>\n"
        ),
    )
    .unwrap();
    path
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn sample_cases_round_trip_through_aip_packages() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let ids = case_ids(&w);
    let out = w.dir.path().join("packages");
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    args.insert(0, "--as");
    args.insert(1, "aip");
    let (code, report) = export(&w, &out, &args);
    assert_eq!(code, 0, "{report:#}");
    let packages = report["packages"].as_array().unwrap();
    assert_eq!(packages.len(), ids.len());
    let mut paths = Vec::new();
    for p in packages {
        let path = PathBuf::from(p["path"].as_str().unwrap());
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let objid = p["object_id"].as_str().unwrap();
        assert!(objid.starts_with("urn:uuid:"), "{objid}");
        assert_eq!(
            name,
            objid.replace(':', "_"),
            "folder named after the OBJID"
        );
        assert_eq!(&objid[9..], objid[9..].to_uppercase(), "upper-case UUID");
        for f in [
            "METS.xml",
            "metadata/descriptive/EAD.xml",
            "metadata/preservation/PREMIS.xml",
            "representations/rep1/METS.xml",
            "representations/rep1/metadata/preservation/PREMIS_rep1.xml",
            "schemas/mets.xsd",
            "schemas/premis.xsd",
        ] {
            assert!(path.join(f).is_file(), "{name}: {f}");
        }
        let mets = std::fs::read_to_string(path.join("METS.xml")).unwrap();
        for want in [
            "csip:OAISPACKAGETYPE=\"AIP\"",
            "csip:CONTENTINFORMATIONTYPE=",
            "CHECKSUMTYPE=\"SHA-256\"",
            "TYPE=\"PHYSICAL\"",
            "LABEL=\"CSIP\"",
            "+07:00",
        ] {
            assert!(mets.contains(want), "{name}: {want} in METS.xml");
        }
        let premis =
            std::fs::read_to_string(path.join("metadata/preservation/PREMIS.xml")).unwrap();
        assert!(premis.contains("information package creation"));
        assert!(premis.contains(">ingestion<"));
        if xmllint() {
            check_xml(&path);
        }
        paths.push(path);
    }
    // The same packages into an empty archive: the same bags.
    let other = w.dir.path().join("other-archive");
    let (code, report) = import(&w, &other, &paths);
    assert_eq!(code, 0, "{report:#}");
    for id in &ids {
        let a = w.archive().join("bags").join(id).join("data");
        let b = other.join("bags").join(id).join("data");
        let (da, db) = (tree_digest(&a), tree_digest(&b));
        for (f, sha) in &da {
            if f != "events.json" {
                assert_eq!(
                    db.get(f),
                    Some(sha),
                    "{id}: {f} differs after the round trip"
                );
            }
        }
        assert_eq!(da.len(), db.len(), "{id}: the same files");
        let events: serde_json::Value =
            serde_json::from_slice(&std::fs::read(b.join("events.json")).unwrap()).unwrap();
        let last = events["events"].as_array().unwrap().last().unwrap().clone();
        assert!(last["event_outcome_detail_note"]
            .as_str()
            .unwrap()
            .contains("archival package"));
    }
    let out = w.sohoa(&["verify", "--archive", other.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Imported again: already there, nothing changed.
    let (code, report) = import(&w, &other, &paths[..1]);
    assert_eq!(code, 0);
    assert_eq!(report["imported"][0]["status"], "already_present");
}

#[test]
fn a_changed_byte_a_stray_file_or_an_escaping_path_is_refused() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let id = case_ids(&w)[0].clone();
    let out = w.dir.path().join("packages");
    let (code, report) = export(&w, &out, &[&id]);
    assert_eq!(code, 0, "{report:#}");
    let package = PathBuf::from(report["packages"][0]["path"].as_str().unwrap());
    let fresh = |name: &str| {
        let copy = w.dir.path().join(name);
        copy_dir(&package, &copy);
        copy
    };
    let archive = w.dir.path().join("other");
    // One byte of the bundle changed.
    let changed = fresh("changed");
    let pdf = walkdir(&changed.join("representations/rep1/data"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&pdf, bytes).unwrap();
    let (code, report) = import(&w, &archive, &[changed]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["errors"][0]["code"], "import.checksum", "{report:#}");
    assert!(report["errors"][0]["message_en"]
        .as_str()
        .unwrap()
        .contains(".pdf"));
    assert!(!archive.join("bags").join(&id).exists(), "nothing imported");
    // A file no METS lists.
    let stray = fresh("stray");
    std::fs::write(stray.join("representations/rep1/data/extra.txt"), b"x").unwrap();
    let (code, report) = import(&w, &archive, &[stray]);
    assert_eq!(code, 1);
    assert_eq!(report["errors"][0]["code"], "import.unlisted", "{report:#}");
    // A METS pointing out of the package.
    let escaping = fresh("escaping");
    let mets = escaping.join("METS.xml");
    let text = std::fs::read_to_string(&mets).unwrap();
    let text = text.replacen(
        "xlink:href=\"metadata/descriptive/EAD.xml\"",
        "xlink:href=\"../../etc/passwd\"",
        1,
    );
    std::fs::write(&mets, text).unwrap();
    let (code, report) = import(&w, &archive, &[escaping]);
    assert_eq!(code, 1);
    assert_eq!(
        report["errors"][0]["code"], "import.unsafe_path",
        "{report:#}"
    );
    assert!(!archive.join("bags").join(&id).exists());
}

#[test]
fn sip_packages_and_zips() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let id = case_ids(&w)[0].clone();
    let out = w.dir.path().join("sip");
    let (code, report) = export(&w, &out, &["--as", "sip", "--zip", &id]);
    assert_eq!(code, 0, "{report:#}");
    let p = &report["packages"][0];
    assert_eq!(p["package_type"], "SIP");
    assert!(p["object_id"].as_str().unwrap().starts_with("uuid-"));
    let zip = PathBuf::from(p["path"].as_str().unwrap());
    assert!(zip.extension().is_some_and(|e| e == "zip"));
    // Unpacked by an independent tool: one root folder named after the OBJID.
    let un = w.dir.path().join("unzipped");
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
        ])
        .arg(&zip)
        .arg(&un)
        .status()
        .unwrap();
    assert!(status.success());
    let root = un.join(p["object_id"].as_str().unwrap());
    let mets = std::fs::read_to_string(root.join("METS.xml")).unwrap();
    assert!(mets.contains("csip:OAISPACKAGETYPE=\"SIP\""));
    assert!(
        !root.join("metadata/preservation").exists(),
        "a TT 05 SIP has no PREMIS"
    );
    let ead = std::fs::read_to_string(root.join("metadata/descriptive/EAD.xml")).unwrap();
    assert!(ead.contains("<fileCode>"));
    if xmllint() {
        check_xml(&root);
    }
    // The zip imports like the folder.
    let archive = w.dir.path().join("from-zip");
    let (code, report) = import(&w, &archive, &[zip]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["imported"][0]["case_id"], id.as_str());
}

#[test]
fn a_package_wrapped_in_a_bag_for_transfer_is_checked_as_a_bag_first() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let id = case_ids(&w)[0].clone();
    let out = w.dir.path().join("bagged");
    let (code, report) = export(&w, &out, &["--bag", &id]);
    assert_eq!(code, 0, "{report:#}");
    let bag = PathBuf::from(report["packages"][0]["path"].as_str().unwrap());
    for f in [
        "bagit.txt",
        "manifest-sha256.txt",
        "data/METS.xml",
        "data/representations/rep1/METS.xml",
    ] {
        assert!(bag.join(f).is_file(), "{f}");
    }
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(info.contains(&format!(
        "External-Identifier: {}",
        report["packages"][0]["object_id"].as_str().unwrap()
    )));
    if xmllint() {
        check_xml(&bag.join("data"));
    }
    // The bag imports like the package.
    let archive = w.dir.path().join("from-bag");
    let (code, report) = import(&w, &archive, std::slice::from_ref(&bag));
    assert_eq!(code, 0, "{report:#}");
    // A changed byte: the bag's own manifest catches it before anything is read as a package.
    let other = w.dir.path().join("from-bag-2");
    let mets = bag.join("data/METS.xml");
    let mut bytes = std::fs::read(&mets).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&mets, bytes).unwrap();
    let (code, report) = import(&w, &other, &[bag]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        report["errors"][0]["code"], "import.bag_invalid",
        "{report:#}"
    );
}
