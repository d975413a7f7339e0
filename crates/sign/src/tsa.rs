//! An RFC 3161 timestamp on the signature (PAdES B-T): the SHA-256 of the signature value sent
//! to a time-stamping authority over HTTP (`--tsa URL`; plain HTTP, as most public TSAs answer,
//! the token being signed by the TSA itself), the response checked (granted, the same imprint and
//! nonce), and its token added to the signer's unsigned attributes as
//! `id-aa-signatureTimeStampToken`. Types: RustCrypto's `x509-tsp` and `cms`.

use der::asn1::{Int, OctetString};
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

const ID_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// Largest TSA response read.
const MAX_RESPONSE: u64 = 256 * 1024;

/// A timestamp token (DER `ContentInfo`) over `signature` from the TSA at `url`.
pub fn token(url: &str, signature: &[u8]) -> Result<Vec<u8>, String> {
    let imprint = MessageImprint {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: ID_SHA256,
            parameters: None,
        },
        hashed_message: OctetString::new(Sha256::digest(signature).to_vec())
            .map_err(|e| e.to_string())?,
    };
    // A nonce from the clock and the signature: unique per request, no RNG needed.
    let mut nonce_bytes = Sha256::digest(
        [
            signature,
            &time::OffsetDateTime::now_utc()
                .unix_timestamp_nanos()
                .to_be_bytes(),
        ]
        .concat(),
    )[..8]
        .to_vec();
    nonce_bytes[0] &= 0x7f;
    let nonce = Int::new(&nonce_bytes).map_err(|e| e.to_string())?;
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: imprint.clone(),
        req_policy: None,
        nonce: Some(nonce.clone()),
        cert_req: true,
        extensions: None,
    };
    let body = req.to_der().map_err(|e| e.to_string())?;
    let resp = ureq::post(url)
        .set("Content-Type", "application/timestamp-query")
        .timeout(std::time::Duration::from_secs(30))
        .send_bytes(&body)
        .map_err(|e| format!("the time-stamping authority {url} did not answer: {e}"))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(resp.into_reader(), MAX_RESPONSE),
        &mut bytes,
    )
    .map_err(|e| format!("{url}: {e}"))?;
    let resp = TimeStampResp::from_der(&bytes)
        .map_err(|e| format!("{url}: not a timestamp response: {e}"))?;
    let status = resp.status.status as u8;
    if status > 1 {
        return Err(format!(
            "{url}: the timestamp was refused (status {status})"
        ));
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| format!("{url}: granted but no token"))?;
    let token_der = token.to_der().map_err(|e| e.to_string())?;
    let tst = tst_info(&token.content.to_der().map_err(|e| e.to_string())?)
        .map_err(|e| format!("{url}: the token holds no readable TSTInfo: {e}"))?;
    if tst.message_imprint != imprint {
        return Err(format!("{url}: the timestamp is over something else"));
    }
    if tst.nonce.as_ref() != Some(&nonce) {
        return Err(format!(
            "{url}: the timestamp answers another request (nonce)"
        ));
    }
    Ok(token_der)
}

/// The `TSTInfo` inside a token's `SignedData`, read field by field: TSAs put their
/// certificates in any order (some twice), which a strict `SignedData` decoding refuses, and
/// only the encapsulated content matters here.
fn tst_info(signed_data: &[u8]) -> der::Result<TstInfo> {
    use der::{Any, Reader, SliceReader, Tag, TagNumber, Tagged};
    let sd = Any::from_der(signed_data)?;
    let mut r = SliceReader::new(sd.value())?;
    let _version: Any = r.decode()?;
    let _digests: Any = r.decode()?;
    let encap: Any = r.decode()?;
    let mut e = SliceReader::new(encap.value())?;
    let _type: der::oid::ObjectIdentifier = e.decode()?;
    let explicit: Any = e.decode()?;
    let zero = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::N0,
    };
    if explicit.tag() != zero {
        return Err(zero.value_error());
    }
    let content = OctetString::from_der(explicit.value())?;
    TstInfo::from_der(content.as_bytes())
}
