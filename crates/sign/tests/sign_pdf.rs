//! Signing a PDF with a key from PKCS#12 made by the openssl CLI (scripts/test-ca.sh): the
//! file before the update is unchanged, the byte ranges cover everything but the signature,
//! the CMS holds the digest of those ranges and a signature the certificate's key verifies;
//! wrong passwords and legacy encryption are said as such. pyHanko's independent verdict on
//! signed bundles is in the end-to-end tests and CI (scripts/validate-signature.py).
//!
//! `SOHOA_SIGN_SAMPLE=in.pdf:out.pdf` also signs a given file, to look at it with other tools.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};
use lopdf::{dictionary, Document, Object, Stream};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use sha2::{Digest, Sha256};
use sohoa_sign::p12::{self, P12Error};
use sohoa_sign::{sign, SignatureInfo, Signer};
use std::path::{Path, PathBuf};
use std::process::Command;

fn pki() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-ca.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(dir.path())
        .env("TEST_P12_PASSWORD", "mật khẩu thử")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = dir.path().to_path_buf();
    (dir, p)
}

/// A one-page PDF.
fn small_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, b"0 0 m 10 10 l S".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn info() -> SignatureInfo {
    SignatureInfo {
        name: "UBND xã Tân Hòa".into(),
        reason: "Ký số bản số hóa".into(),
        time: time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7)),
        mark: Some(vec![
            "UBND xã Tân Hòa".into(),
            "Thời gian ký: 2026-12-05T16:00:32+07:00".into(),
        ]),
        tsa: None,
    }
}

#[test]
fn keys_load_from_pkcs12_and_bad_passwords_or_legacy_files_are_said() {
    let (_d, dir) = pki();
    let key = p12::load(
        &std::fs::read(dir.join("agency.p12")).unwrap(),
        "mật khẩu thử",
    )
    .unwrap();
    let subject = key.certificates()[0].tbs_certificate.subject.to_string();
    assert!(subject.contains("Tân Hòa"), "{subject}");
    assert!(key.certificates().len() >= 2, "the chain comes along");
    assert!(matches!(
        p12::load(&std::fs::read(dir.join("agency.p12")).unwrap(), "wrong"),
        Err(P12Error::WrongPassword)
    ));
    assert!(matches!(
        p12::load(
            &std::fs::read(dir.join("agency-legacy.p12")).unwrap(),
            "mật khẩu thử"
        ),
        Err(P12Error::Legacy(_))
    ));
    assert!(matches!(
        p12::load(b"not a p12", "x"),
        Err(P12Error::Malformed(_))
    ));
}

#[test]
fn the_signature_covers_the_whole_file_and_verifies_with_the_certificate() {
    let (_d, dir) = pki();
    let key = p12::load(
        &std::fs::read(dir.join("agency.p12")).unwrap(),
        "mật khẩu thử",
    )
    .unwrap();
    let original = small_pdf();
    let signed = sign(&original, &key, &info()).unwrap();
    assert_eq!(
        &signed[..original.len()],
        &original[..],
        "the original bytes are kept"
    );
    let doc = Document::load_mem(&signed).expect("the signed file reads");
    assert_eq!(doc.get_pages().len(), 1);
    // The byte ranges: from the start to the signature's hex string, and from its end to the end.
    let text = String::from_utf8_lossy(&signed);
    let at = text.rfind("/ByteRange [").unwrap() + "/ByteRange [".len();
    let nums: Vec<usize> = text[at..text[at..].find(']').unwrap() + at]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(nums[0], 0);
    assert_eq!(nums[2] + nums[3], signed.len());
    assert_eq!(signed[nums[1]], b'<');
    assert_eq!(signed[nums[2] - 1], b'>');
    let mut h = Sha256::new();
    h.update(&signed[..nums[1]]);
    h.update(&signed[nums[2]..]);
    let digest = h.finalize();
    // The CMS: its message digest is that digest, its signature verifies.
    let hex = std::str::from_utf8(&signed[nums[1] + 1..nums[2] - 1]).unwrap();
    // The CMS is followed by zero padding: read one DER value from the front.
    let bytes = hex::decode(hex).unwrap();
    let mut reader = der::SliceReader::new(&bytes).unwrap();
    let ci: ContentInfo = der::Decode::decode(&mut reader).unwrap();
    assert!(bytes[ci.to_der().unwrap().len()..].iter().all(|&b| b == 0));
    let sd = SignedData::from_der(&ci.content.to_der().unwrap()).unwrap();
    let si = sd.signer_infos.0.iter().next().unwrap();
    let attrs = si.signed_attrs.as_ref().unwrap();
    let md = attrs
        .iter()
        .find(|a| a.oid.to_string() == "1.2.840.113549.1.9.4")
        .unwrap();
    let md = der::asn1::OctetString::from_der(&md.values.iter().next().unwrap().to_der().unwrap())
        .unwrap();
    assert_eq!(md.as_bytes(), digest.as_slice());
    assert!(
        attrs
            .iter()
            .any(|a| a.oid.to_string() == "1.2.840.113549.1.9.16.2.47"),
        "signing-certificate-v2"
    );
    assert!(
        !attrs
            .iter()
            .any(|a| a.oid.to_string() == "1.2.840.113549.1.9.5"),
        "no signing-time (PAdES)"
    );
    let cert = &key.certificates()[0];
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .unwrap();
    let public =
        <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(&spki).unwrap();
    let verifying = VerifyingKey::<Sha256>::new(public);
    let sig = Signature::try_from(si.signature.as_bytes()).unwrap();
    verifying
        .verify(&attrs.to_der().unwrap(), &sig)
        .expect("the signature verifies");
    // Changing one signed byte breaks it.
    let mut tampered = signed.clone();
    tampered[10] ^= 1;
    let mut h = Sha256::new();
    h.update(&tampered[..nums[1]]);
    h.update(&tampered[nums[2]..]);
    assert_ne!(h.finalize().as_slice(), md.as_bytes());

    if let Ok(spec) = std::env::var("SOHOA_SIGN_SAMPLE") {
        let (input, output) = spec.split_once(':').unwrap();
        let signed = sign(&std::fs::read(input).unwrap(), &key, &info()).unwrap();
        std::fs::write(output, signed).unwrap();
        std::fs::copy(
            dir.join("root.pem"),
            Path::new(output).with_extension("root.pem"),
        )
        .unwrap();
    }
}
