//! `sohoa sign` end to end: the sample archive signed with a test agency key (PKCS#12 made by
//! scripts/test-ca.sh with openssl): each signed case gets a new version whose bundle is the old
//! one byte for byte followed by the signature, valid for poppler's `pdfsig` over the whole file;
//! the record and the PREMIS events name the signer; a case of another agency, a wrong password
//! and a second run are handled as an archivist expects; `sohoa verify` stays clean.

mod common;
use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn pki(w: &Work) -> PathBuf {
    let dir = w.dir.path().join("pki");
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-ca.sh"))
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn sign(w: &Work, p12: &Path, password: &str, extra: &[&str]) -> (i32, String, String) {
    let archive = w.archive();
    let mut c = w.command();
    c.args([
        "sign",
        "--archive",
        archive.to_str().unwrap(),
        "--pkcs12",
        p12.to_str().unwrap(),
        "--password-stdin",
    ])
    .args(extra)
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn sample_bundles_are_signed_as_new_versions_valid_over_the_whole_file() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let dir = pki(&w);
    let p12 = dir.join("agency.p12");
    // A wrong password: nothing signed, said clearly.
    let (code, _, err) = sign(&w, &p12, "wrong", &["--json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("wrong password"), "{err}");

    let (code, out, err) = sign(&w, &p12, "test-password", &["--json"]);
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    assert_eq!(code, 1, "one case belongs to another agency: {report:#}");
    assert_eq!(report["schema"], "sohoa/sign-report");
    assert!(report["organization"].as_str().unwrap().contains("Tân Hòa"));
    let cases = report["cases"].as_array().unwrap();
    let other: Vec<&serde_json::Value> = cases.iter().filter(|c| c["status"] == "failed").collect();
    assert_eq!(other.len(), 1, "{report:#}");
    assert_eq!(other[0]["errors"][0]["code"], "sign.wrong_agency");
    let signed: Vec<&serde_json::Value> =
        cases.iter().filter(|c| c["status"] == "signed").collect();
    assert!(signed.len() >= 4, "{report:#}");

    for c in &signed {
        let id = c["case_id"].as_str().unwrap();
        assert_eq!(c["version"], 2);
        let record = w.metadata(id);
        let bundle = &record["bundle"];
        let sig = &bundle["signatures"][0];
        assert!(
            sig["subject"]
                .as_str()
                .unwrap()
                .contains("O=UBND xã Tân Hòa"),
            "{sig}"
        );
        assert_eq!(sig["level"], "PAdES-B-B");
        assert!(sig["at"].as_str().unwrap().ends_with("+07:00"));
        let pdf = w
            .archive()
            .join("bags")
            .join(id)
            .join(bundle["path"].as_str().unwrap());
        let old = w
            .archive()
            .join("versions")
            .join(id)
            .join("1")
            .join(bundle["path"].as_str().unwrap());
        let (new_bytes, old_bytes) = (std::fs::read(&pdf).unwrap(), std::fs::read(&old).unwrap());
        assert_eq!(
            &new_bytes[..old_bytes.len()],
            &old_bytes[..],
            "{id}: the archived bytes come first, unchanged"
        );
        let out = Command::new("pdfsig")
            .arg(&pdf)
            .output()
            .expect("pdfsig (poppler-utils)");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Signature is Valid"), "{id}: {text}");
        assert!(text.contains("Total document signed"), "{id}: {text}");
        assert!(text.contains("ETSI.CAdES.detached"), "{id}: {text}");
        let events = std::fs::read_to_string(w.bag(id).join("data/events.json")).unwrap();
        assert!(events.contains("digital signature generation"), "{id}");
    }
    let (code, verify) = w.verify();
    assert_eq!(code, 0, "{verify:#}");
    assert_eq!(
        verify["signatures"][0]["signatures"][0]["trusted"],
        serde_json::Value::Null,
        "no roots configured: not decided"
    );
    // With the agency's CA as the trusted root: the chain is found; with another CA's root: not.
    let verify_trusting = |root: &Path| {
        let archive = w.archive();
        let out = w
            .command()
            .env("SOHOA_TRUST_ROOTS", root)
            .args(["verify", "--archive", archive.to_str().unwrap(), "--json"])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        )
    };
    let (code, trusted) = verify_trusting(&dir.join("root.pem"));
    assert_eq!(code, 0, "{trusted:#}");
    let first = &trusted["signatures"][0]["signatures"][0];
    assert_eq!(first["trusted"], true, "{first}");
    assert_eq!(
        first["chain"].as_array().unwrap().len(),
        3,
        "signer, intermediate, root: {first}"
    );
    let other_ca = w.dir.path().join("other-ca");
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-ca.sh"))
        .arg(&other_ca)
        .output()
        .unwrap();
    assert!(out.status.success());
    let (code, untrusted) = verify_trusting(&other_ca.join("root.pem"));
    assert_eq!(code, 1, "{untrusted:#}");
    assert!(
        untrusted.to_string().contains("not trusted"),
        "{untrusted:#}"
    );

    // Again: already signed, left alone.
    let (code, out, _) = sign(
        &w,
        &p12,
        "test-password",
        &["--json", signed[0]["case_id"].as_str().unwrap()],
    );
    assert_eq!(code, 0);
    let again: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(again["cases"][0]["status"], "skipped");
}

#[test]
fn a_key_on_a_pkcs11_token_signs_the_same_way() {
    // SoftHSM2 (Debian softhsm2 + opensc, installed by scripts/test.sh) holding the test agency
    // key, as the agency's USB token would.
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let dir = pki(&w);
    let hsm = w.dir.path().join("hsm");
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/softhsm-token.sh"))
        .arg(&hsm)
        .arg(dir.join("agency.p12"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "softhsm-token.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = String::from_utf8_lossy(&out.stdout).to_string();
    let var = |name: &str| {
        env.lines()
            .flat_map(|l| l.trim_start_matches("export ").split(' '))
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_string))
            .unwrap_or_else(|| panic!("{name} in {env}"))
    };
    let (conf, module) = (var("SOFTHSM2_CONF"), var("PKCS11_MODULE"));
    let id = "000.00.15.H12-250701-0001";
    let archive = w.archive();
    let run = |pin: &str, label: &str| {
        let mut c = w.command();
        c.env("SOFTHSM2_CONF", &conf)
            .args([
                "sign",
                "--archive",
                archive.to_str().unwrap(),
                "--pkcs11-module",
                &module,
            ])
            .args(["--token-label", label, "--pin-stdin", "--json", "--chain"])
            .arg(dir.join("chain.pem"))
            .arg(id)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(pin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let wrong = run("000000", "sohoa-test");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("PIN"));
    let missing = run("123456", "no-such-token");
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("sohoa-test"),
        "names the tokens present"
    );
    let ok = run("123456", "sohoa-test");
    let report: serde_json::Value = serde_json::from_slice(&ok.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&ok.stderr)));
    assert_eq!(ok.status.code(), Some(0), "{report:#}");
    assert_eq!(report["cases"][0]["status"], "signed");
    let record = w.metadata(id);
    let pdf = w.bag(id).join(record["bundle"]["path"].as_str().unwrap());
    let out = Command::new("pdfsig").arg(&pdf).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Signature is Valid") && text.contains("Total document signed"),
        "{text}"
    );
}

#[test]
fn a_signed_bundle_changed_afterwards_is_caught_by_verify_even_with_its_manifests_recomputed() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let dir = pki(&w);
    let (a, b) = ("000.00.15.H12-250701-0001", "000.00.15.H12-250703-0004");
    let (code, out, err) = sign(
        &w,
        &dir.join("agency.p12"),
        "test-password",
        &["--json", a, b],
    );
    assert_eq!(code, 0, "{out} {err}");
    let (code, report) = w.verify();
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(report["signatures"][0]["signatures"][0]["intact"], true);
    let bundle = |id: &str| {
        w.bag(id)
            .join(w.metadata(id)["bundle"]["path"].as_str().unwrap())
    };
    // One byte of a page changed, the bag's manifests recomputed: the fixity check is satisfied,
    // the signature is not.
    let pdf = bundle(a);
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes[1000] ^= 1;
    std::fs::write(&pdf, bytes).unwrap();
    rebag(&w.bag(a));
    // Something appended after the signature (an unsigned update), manifests recomputed.
    let pdf = bundle(b);
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes.extend_from_slice(b"\n% appended after signing\n");
    std::fs::write(&pdf, bytes).unwrap();
    rebag(&w.bag(b));
    let (code, report) = w.verify();
    assert_eq!(code, 1, "{report:#}");
    let problems = |id: &str| {
        report["bags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["path"] == format!("bags/{id}"))
            .map(|x| x["problems"].to_string())
            .unwrap()
    };
    assert!(
        problems(a).contains("the signed bytes were changed"),
        "{}",
        problems(a)
    );
    assert!(
        problems(b).contains("changed after the last signature"),
        "{}",
        problems(b)
    );
    assert_eq!(
        report["summary"]["files"]["changed"], 0,
        "the manifests agree with the files"
    );
}

#[test]
fn ingest_sign_stores_each_case_signed_in_its_first_version() {
    let w = Work::with_samples();
    let dir = pki(&w);
    let ingest = |password: &str| {
        let (scans, archive) = (w.scans(), w.archive());
        let mut c = w.command();
        c.args([
            "ingest",
            scans.to_str().unwrap(),
            "--archive",
            archive.to_str().unwrap(),
            "--json",
            "--sign",
        ])
        .arg("--pkcs12")
        .arg(dir.join("agency.p12"))
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    // A wrong password: said before anything is ingested.
    let out = ingest("wrong");
    assert_eq!(out.status.code(), Some(2));
    assert!(!w.archive().join("bags").exists(), "nothing ingested");
    let out = ingest("test-password");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    let mut signed = 0;
    for c in report["cases"].as_array().unwrap() {
        let id = c["case_id"].as_str().unwrap();
        assert_eq!(c["version"], 1);
        let record = w.metadata(id);
        let sigs = record["bundle"]["signatures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let codes: Vec<&str> = c["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["code"].as_str())
            .collect();
        if record["case"]["agency_name"]
            .as_str()
            .is_some_and(|a| a.contains("Lâm Đồng"))
        {
            assert!(
                sigs.is_empty() && codes.contains(&"sign.not_signed"),
                "{id}: {codes:?}"
            );
        } else {
            assert_eq!(sigs.len(), 1, "{id}");
            signed += 1;
            let pdf = w.bag(id).join(record["bundle"]["path"].as_str().unwrap());
            let out = Command::new("pdfsig").arg(&pdf).output().unwrap();
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("Signature is Valid"),
                "{id}"
            );
        }
    }
    assert!(signed >= 4);
    let kept = std::fs::read_dir(w.archive().join("versions"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(kept, 0, "no unsigned first version kept");
    let archive = w.archive();
    let out = w
        .command()
        .env("SOHOA_TRUST_ROOTS", dir.join("root.pem"))
        .args(["verify", "--archive", archive.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let verify: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{verify:#}");
    assert_eq!(verify["signatures"].as_array().unwrap().len(), signed);
}

/// scripts/test-tsa.py on a free port, stopped (by its PID) when dropped.
struct Tsa {
    child: std::process::Child,
    url: String,
}

impl Tsa {
    fn start(pki: &Path) -> Tsa {
        let mut child = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-tsa.py"))
            .arg(pki)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        Tsa {
            child,
            url: line.trim().to_string(),
        }
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_time_stamping_authority_timestamps_each_signature() {
    let w = Work::with_samples();
    assert_eq!(w.ingest(&[]).0, 0);
    let dir = pki(&w);
    let tsa = Tsa::start(&dir);
    let id = "000.00.15.H12-250701-0001";
    let (code, out, err) = sign(
        &w,
        &dir.join("agency.p12"),
        "test-password",
        &["--json", "--tsa", &tsa.url, id],
    );
    assert_eq!(code, 0, "{out} {err}");
    let record = w.metadata(id);
    assert_eq!(record["bundle"]["signatures"][0]["level"], "PAdES-B-T");
    let pdf = w.bag(id).join(record["bundle"]["path"].as_str().unwrap());
    let text = String::from_utf8_lossy(&Command::new("pdfsig").arg(&pdf).output().unwrap().stdout)
        .to_string();
    assert!(text.contains("Signature is Valid"), "{text}");
    // The token is in the signature: the TSA's name is in the CMS.
    let bytes = std::fs::read(&pdf).unwrap();
    let hex_name = "sohoa Test TSA"
        .bytes()
        .map(|b| format!("{b:02X}"))
        .collect::<String>();
    assert!(
        String::from_utf8_lossy(&bytes).contains(&hex_name),
        "the timestamp token is embedded"
    );
    // A TSA that does not answer: the case is not signed, and the reason is said.
    drop(tsa);
    let (code, out, _) = sign(
        &w,
        &dir.join("agency.p12"),
        "test-password",
        &["--json", "--force", "--tsa", "http://127.0.0.1:9/", id],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("did not answer"), "{out}");
}
