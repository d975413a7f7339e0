//! The signatures in a PDF checked by sohoa itself (`sohoa verify`): each signature field's
//! `/ByteRange` hashed, the CMS's message digest compared with it, the signature over the signed
//! attributes verified with the signer certificate's key, and whether the last signature covers
//! the whole file (nothing added or changed after it), and, when trusted roots are configured,
//! whether the signer's certificate chains to one ([`crate::chain`]). A bag whose manifests were
//! recomputed after its bundle was changed still fails here.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::{Decode, Encode};
use lopdf::{Document, Object};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

const ID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";

/// What one signature field holds and whether it holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SignatureCheck {
    /// The field's name (`/T`).
    pub field: String,
    /// The signed bytes are those the signature was made over, and the signature verifies.
    pub intact: bool,
    /// It ends where the file ends: nothing was appended after it.
    pub covers_whole_file: bool,
    pub signer: String,
    pub organization: Option<String>,
    /// `/M` as written (`D:...`).
    pub signed_at: Option<String>,
    /// The signer's certificate chains to a configured trusted root (`None`: no roots
    /// configured, not decided).
    pub trusted: Option<bool>,
    /// That chain, the signer's subject first.
    pub chain: Vec<String>,
    /// What is wrong (English), empty when intact.
    pub problems: Vec<String>,
}

/// Every signature of `pdf`; `Err` when the PDF cannot be read.
pub fn check_pdf(
    pdf: &[u8],
    trust: Option<&crate::chain::Trust>,
) -> Result<Vec<SignatureCheck>, String> {
    let doc = Document::load_mem(pdf).map_err(|e| format!("the PDF cannot be read: {e}"))?;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| "no catalog".to_string())?;
    let catalog = doc.get_dictionary(root).map_err(|e| e.to_string())?;
    let form = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(r)) => doc.get_dictionary(*r).cloned().unwrap_or_default(),
        _ => return Ok(Vec::new()),
    };
    let fields = form
        .get(b"Fields")
        .and_then(Object::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for f in fields {
        let Ok(id) = f.as_reference() else { continue };
        let Ok(field) = doc.get_dictionary(id) else {
            continue;
        };
        if field.get(b"FT").and_then(Object::as_name).ok() != Some(b"Sig".as_slice()) {
            continue;
        }
        let name = field
            .get(b"T")
            .and_then(Object::as_str)
            .map(|t| {
                lopdf::decode_text_string(&Object::String(t.to_vec(), lopdf::StringFormat::Literal))
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        let sig = match field.get(b"V") {
            Ok(Object::Reference(r)) => doc.get_dictionary(*r).ok(),
            Ok(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        let Some(sig) = sig else {
            continue; // an empty signature field: nothing signed
        };
        out.push(check_one(pdf, &name, sig, trust));
    }
    Ok(out)
}

fn check_one(
    pdf: &[u8],
    field: &str,
    sig: &lopdf::Dictionary,
    trust: Option<&crate::chain::Trust>,
) -> SignatureCheck {
    let mut c = SignatureCheck {
        field: field.to_string(),
        intact: false,
        covers_whole_file: false,
        signer: String::new(),
        organization: None,
        signed_at: sig
            .get(b"M")
            .and_then(Object::as_str)
            .ok()
            .map(|m| String::from_utf8_lossy(m).to_string()),
        trusted: None,
        chain: Vec::new(),
        problems: Vec::new(),
    };
    let ranges: Vec<i64> = sig
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map(|a| a.iter().filter_map(|o| o.as_i64().ok()).collect())
        .unwrap_or_default();
    let Some(digest) = ranges_digest(pdf, &ranges) else {
        c.problems
            .push(format!("its /ByteRange {ranges:?} does not fit the file"));
        return c;
    };
    c.covers_whole_file = ranges[0] == 0 && (ranges[2] + ranges[3]) as usize == pdf.len();
    let contents = sig.get(b"Contents").and_then(Object::as_str).unwrap_or(&[]);
    match verify_cms(contents, &digest) {
        Ok((signer, org, leaf, pool)) => {
            c.intact = true;
            c.signer = signer;
            c.organization = org;
            if let Some(trust) = trust {
                let at = c.signed_at.as_deref().and_then(pdf_time);
                match trust.path(&leaf, &pool, at) {
                    Ok(chain) => {
                        c.trusted = Some(true);
                        c.chain = chain;
                    }
                    Err(why) => {
                        c.trusted = Some(false);
                        c.problems.push(format!("not trusted: {why}"));
                    }
                }
            }
        }
        Err((signer, why)) => {
            c.signer = signer;
            c.problems.push(why);
        }
    }
    c
}

/// SHA-256 of the two byte ranges, when they are in order and inside the file.
fn ranges_digest(pdf: &[u8], r: &[i64]) -> Option<[u8; 32]> {
    let [a, b, c, d] = <[i64; 4]>::try_from(r).ok()?;
    let (a, b, c, d) = (
        usize::try_from(a).ok()?,
        usize::try_from(b).ok()?,
        usize::try_from(c).ok()?,
        usize::try_from(d).ok()?,
    );
    let first = pdf.get(a..a.checked_add(b)?)?;
    if c < a + b {
        return None;
    }
    let second = pdf.get(c..c.checked_add(d)?)?;
    let mut h = Sha256::new();
    h.update(first);
    h.update(second);
    Some(h.finalize().into())
}

type Verified = Result<(String, Option<String>, Certificate, Vec<Certificate>), (String, String)>;

/// The CMS's digest and signature against `digest`; the signer's subject and organisation.
fn verify_cms(contents: &[u8], digest: &[u8; 32]) -> Verified {
    let fail = |why: String| Err((String::new(), why));
    let mut reader = match der::SliceReader::new(contents) {
        Ok(r) => r,
        Err(e) => return fail(format!("its /Contents is not a CMS: {e}")),
    };
    let ci: ContentInfo = match der::Decode::decode(&mut reader) {
        Ok(ci) => ci,
        Err(e) => return fail(format!("its /Contents is not a CMS: {e}")),
    };
    let sd = match ci
        .content
        .to_der()
        .ok()
        .and_then(|d| SignedData::from_der(&d).ok())
    {
        Some(sd) => sd,
        None => return fail("its CMS holds no signed data".into()),
    };
    let Some(si) = sd.signer_infos.0.iter().next() else {
        return fail("its CMS has no signer".into());
    };
    let certs: Vec<Certificate> = sd
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let leaf = certs.iter().find(|c| match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(_) => false,
    });
    let Some(leaf) = leaf else {
        return fail("the signer's certificate is not in the signature".into());
    };
    let (subject, org, _) = crate::signer::describe(leaf);
    let err = |why: String| Err((subject.clone(), why));
    let Some(attrs) = &si.signed_attrs else {
        return err("the signature has no signed attributes".into());
    };
    let md = attrs
        .iter()
        .find(|a| a.oid.to_string() == ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.to_der().ok())
        .and_then(|d| der::asn1::OctetString::from_der(&d).ok());
    if md.as_ref().map(|m| m.as_bytes()) != Some(digest.as_slice()) {
        return err(
            "the signed bytes were changed (the digest differs from the one signed)".into(),
        );
    }
    let spki = match leaf.tbs_certificate.subject_public_key_info.to_der() {
        Ok(d) => d,
        Err(e) => return err(e.to_string()),
    };
    let Ok(public) = <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(&spki)
    else {
        return err(
            "the signer's key is not RSA: not checked by sohoa (check it with pyHanko)".into(),
        );
    };
    let (Ok(message), Ok(signature)) =
        (attrs.to_der(), Signature::try_from(si.signature.as_bytes()))
    else {
        return err("the signature cannot be read".into());
    };
    match VerifyingKey::<Sha256>::new(public).verify(&message, &signature) {
        Ok(()) => Ok((subject, org, leaf.clone(), certs.clone())),
        Err(_) => err("the signature does not verify with the signer's certificate".into()),
    }
}

/// The signatures of an archived bag's bundle, with what the archive expects of them.
#[derive(Debug, Clone, Serialize)]
pub struct BagSignatures {
    /// The bag, `bags/<id>` or `versions/<id>/<n>`.
    pub bag: String,
    pub bundle: String,
    /// How many signatures the record lists.
    pub recorded: usize,
    pub signatures: Vec<SignatureCheck>,
    /// What is wrong (English): a signature broken or missing, not over the whole file, of
    /// another organisation than the case's agency, or made before the case was ingested.
    pub problems: Vec<String>,
}

/// Checks the bundle of the bag at `rel` when its record lists signatures; `None` for a bag
/// without any (nothing to check) or whose record cannot be read (the fixity check says so).
pub fn check_bag(
    archive: &std::path::Path,
    rel: &str,
    trust: Option<&crate::chain::Trust>,
) -> Option<BagSignatures> {
    let bag = sohoa_archive::bag::reader::Bag::open(archive, rel).ok()?;
    check_opened(&bag, trust)
}

/// [`check_bag`] for a bag already opened.
pub fn check_opened(
    bag: &sohoa_archive::bag::reader::Bag,
    trust: Option<&crate::chain::Trust>,
) -> Option<BagSignatures> {
    let rel = bag.rel.as_str();
    let record = bag.record().ok()?.record;
    let bundle = record.bundle.as_ref()?;
    if bundle.signatures.is_empty() {
        return None;
    }
    let mut out = BagSignatures {
        bag: rel.to_string(),
        bundle: bundle.path.clone(),
        recorded: bundle.signatures.len(),
        signatures: Vec::new(),
        problems: Vec::new(),
    };
    let pdf = match bag.read(&bundle.path, 16 * 1024 * 1024 * 1024) {
        Ok(b) => b,
        Err(e) => {
            out.problems.push(format!("{}: {}", bundle.path, e.en()));
            return Some(out);
        }
    };
    match check_pdf(&pdf, trust) {
        Ok(s) => out.signatures = s,
        Err(e) => {
            out.problems.push(format!("{}: {e}", bundle.path));
            return Some(out);
        }
    }
    if out.signatures.len() < out.recorded {
        out.problems.push(format!(
            "the record lists {} signatures, the bundle holds {}",
            out.recorded,
            out.signatures.len()
        ));
    }
    let ingested = bag.events().ok().and_then(|log| {
        log.events
            .iter()
            .find(|e| e.event_type == "ingestion")
            .and_then(|e| {
                time::OffsetDateTime::parse(
                    &e.event_datetime,
                    &time::format_description::well_known::Rfc3339,
                )
                .ok()
            })
    });
    let last_end = out.signatures.len().saturating_sub(1);
    for (i, s) in out.signatures.iter().enumerate() {
        for p in &s.problems {
            out.problems.push(format!("signature {:?}: {p}", s.field));
        }
        if i == last_end && !s.covers_whole_file {
            out.problems.push(format!(
                "signature {:?}: the file was changed after the last signature (it does not cover the whole file)",
                s.field
            ));
        }
        if let (Some(agency), Some(org)) = (
            record.case.agency_name.as_deref(),
            s.organization.as_deref(),
        ) {
            if !same_organization(agency, org) {
                out.problems.push(format!(
                    "signature {:?}: signed by {org}, the case's agency is {agency}",
                    s.field
                ));
            }
        }
        if let (Some(at), Some(ingested)) = (s.signed_at.as_deref().and_then(pdf_time), ingested) {
            // `/M` is to the second: the signature was made in [at, at + 1 s).
            if at + time::Duration::SECOND <= ingested {
                out.problems.push(format!(
                    "signature {:?}: signed before the case was ingested",
                    s.field
                ));
            }
        }
    }
    Some(out)
}

/// Organisation names compared as people write them: NFC, case and spaces folded.
pub fn same_organization(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        sohoa_archive::text::nfc(s)
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

/// `D:YYYYMMDDHHmmSS+hh'mm'` (what sohoa writes; `Z` and no zone as UTC).
fn pdf_time(m: &str) -> Option<time::OffsetDateTime> {
    let d = m.strip_prefix("D:").unwrap_or(m);
    let num = |r: std::ops::Range<usize>| d.get(r).and_then(|s| s.parse::<u32>().ok());
    let date = time::Date::from_calendar_date(
        num(0..4)? as i32,
        time::Month::try_from(num(4..6)? as u8).ok()?,
        num(6..8)? as u8,
    )
    .ok()?;
    let t = time::Time::from_hms(num(8..10)? as u8, num(10..12)? as u8, num(12..14)? as u8).ok()?;
    let offset = match d.get(14..15) {
        Some(sign @ ("+" | "-")) => {
            let h = num(15..17)? as i8;
            let mm = d
                .get(18..20)
                .and_then(|s| s.parse::<i8>().ok())
                .unwrap_or(0);
            let (h, mm) = if sign == "-" { (-h, -mm) } else { (h, mm) };
            time::UtcOffset::from_hms(h, mm, 0).ok()?
        }
        _ => time::UtcOffset::UTC,
    };
    Some(time::PrimitiveDateTime::new(date, t).assume_offset(offset))
}
