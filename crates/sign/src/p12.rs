//! The agency's key and certificates from a PKCS#12 file (`.p12`/`.pfx`, as CAs and Windows
//! export them): the MAC checked with the password first (a wrong password is said as such),
//! then the PBES2-encrypted key and certificate bags decrypted. Legacy PKCS#12 encryption
//! (3DES/RC2 with SHA-1, older Windows exports) is refused with how to re-export.

use crate::signer::SoftKey;
use der::asn1::{ContextSpecific, OctetString};
use der::{Decode, Encode};
use hmac::{Hmac, Mac};
use pkcs12::authenticated_safe::AuthenticatedSafe;
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use pkcs12::pfx::Pfx;
use pkcs12::safe_bag::SafeContents;
use pkcs8::pkcs5::pbes2;
use pkcs8::EncryptedPrivateKeyInfo;
use x509_cert::Certificate;

const ID_DATA: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const ID_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const PBES2: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

/// Why a PKCS#12 file cannot be used (English; the caller adds the file name).
#[derive(Debug, Clone, PartialEq)]
pub enum P12Error {
    /// Not PKCS#12, or damaged.
    Malformed(String),
    WrongPassword,
    /// Encrypted the legacy way (3DES/RC2), or a MAC other than HMAC-SHA-256.
    Legacy(String),
    /// No private key, or no certificate for it.
    Incomplete(String),
}

impl std::fmt::Display for P12Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            P12Error::Malformed(e) => write!(f, "not a readable PKCS#12 file: {e}"),
            P12Error::WrongPassword => write!(f, "wrong password (the file's MAC does not match)"),
            P12Error::Legacy(what) => write!(
                f,
                "{what}: legacy PKCS#12 encryption is not supported; re-export the key with AES (e.g. `openssl pkcs12 -in old.p12 -legacy -nodes | openssl pkcs12 -export -out new.p12`)"
            ),
            P12Error::Incomplete(e) => write!(f, "{e}"),
        }
    }
}

fn bad(e: impl std::fmt::Display) -> P12Error {
    P12Error::Malformed(e.to_string())
}

/// Reads a PKCS#12 file: the private key (RSA) and the certificates, the signer's first.
pub fn load(bytes: &[u8], password: &str) -> Result<SoftKey, P12Error> {
    let pfx = Pfx::from_der(bytes).map_err(bad)?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(bad(
            "the authenticated safe is not plain data (public-key integrity mode)",
        ));
    }
    let safe = OctetString::from_der(&pfx.auth_safe.content.to_der().map_err(bad)?).map_err(bad)?;
    check_mac(&pfx, safe.as_bytes(), password)?;
    let mut keys = Vec::new();
    let mut certs: Vec<Certificate> = Vec::new();
    for info in AuthenticatedSafe::from_der(safe.as_bytes()).map_err(bad)? {
        let contents = if info.content_type == ID_DATA {
            OctetString::from_der(&info.content.to_der().map_err(bad)?)
                .map_err(bad)?
                .as_bytes()
                .to_vec()
        } else if info.content_type == ID_ENCRYPTED_DATA {
            let enc =
                cms::encrypted_data::EncryptedData::from_der(&info.content.to_der().map_err(bad)?)
                    .map_err(bad)?;
            let alg = &enc.enc_content_info.content_enc_alg;
            if alg.oid != PBES2 {
                return Err(P12Error::Legacy(format!(
                    "certificates encrypted with {}",
                    alg.oid
                )));
            }
            let params_der = alg
                .parameters
                .as_ref()
                .ok_or_else(|| bad("no PBES2 parameters"))?
                .to_der()
                .map_err(bad)?;
            let params = pbes2::Parameters::from_der(&params_der).map_err(bad)?;
            let mut data = enc
                .enc_content_info
                .encrypted_content
                .ok_or_else(|| bad("no encrypted content"))?
                .as_bytes()
                .to_vec();
            pkcs5::EncryptionScheme::from(params)
                .decrypt_in_place(password, &mut data)
                .map_err(|_| P12Error::WrongPassword)?
                .to_vec()
        } else {
            continue;
        };
        for bag in SafeContents::from_der(&contents).map_err(bad)? {
            if bag.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
                let cs: ContextSpecific<EncryptedPrivateKeyInfo<'_>> =
                    ContextSpecific::from_der(&bag.bag_value).map_err(bad)?;
                if cs.value.encryption_algorithm.oid() != PBES2 {
                    return Err(P12Error::Legacy("the private key".into()));
                }
                let doc = cs
                    .value
                    .decrypt(password)
                    .map_err(|_| P12Error::WrongPassword)?;
                keys.push(doc.as_bytes().to_vec());
            } else if bag.bag_id == pkcs12::PKCS_12_CERT_BAG_OID {
                let cs: ContextSpecific<pkcs12::cert_type::CertBag> =
                    ContextSpecific::from_der(&bag.bag_value).map_err(bad)?;
                certs.push(Certificate::from_der(cs.value.cert_value.as_bytes()).map_err(bad)?);
            }
        }
    }
    let key = keys
        .into_iter()
        .next()
        .ok_or_else(|| P12Error::Incomplete("the file holds no private key".into()))?;
    SoftKey::new(&key, certs).map_err(P12Error::Incomplete)
}

/// The MAC over the authenticated safe, keyed from the password (RFC 7292 appendix B).
fn check_mac(pfx: &Pfx, safe: &[u8], password: &str) -> Result<(), P12Error> {
    let Some(mac) = &pfx.mac_data else {
        return Err(P12Error::Malformed(
            "no MAC (the file's integrity cannot be checked)".into(),
        ));
    };
    if mac.mac.algorithm.oid != ID_SHA256 {
        return Err(P12Error::Legacy(format!(
            "MAC with {}",
            mac.mac.algorithm.oid
        )));
    }
    let key = derive_key_utf8::<sha2::Sha256>(
        password,
        mac.mac_salt.as_bytes(),
        Pkcs12KeyType::Mac,
        mac.iterations,
        32,
    )
    .map_err(bad)?;
    let mut h = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).map_err(bad)?;
    h.update(safe);
    h.verify_slice(mac.mac.digest.as_bytes())
        .map_err(|_| P12Error::WrongPassword)
}
