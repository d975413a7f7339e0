//! Who signs: a key that signs SHA-256 digests and the certificates that go with it (the
//! signer's first). A key held in software ([`SoftKey`], from PKCS#12) here; a PKCS#11 token
//! (the agency's USB token) implements the same trait.

use der::{Decode, Encode};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer as _};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoRef};
use x509_cert::Certificate;

/// `sha256WithRSAEncryption`.
pub const SHA256_WITH_RSA: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// `sha256WithRSAEncryption` as a CMS algorithm identifier (RSA PKCS#1 v1.5 keys, in a file
/// or on a token).
pub fn rsa_sha256() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: SHA256_WITH_RSA,
        parameters: Some(der::asn1::Null.into()),
    }
}

/// A signing key and its certificates.
pub trait Signer {
    /// The signer's certificate first, then the rest of its chain as given.
    fn certificates(&self) -> &[Certificate];
    /// The signature algorithm written in the CMS.
    fn algorithm(&self) -> AlgorithmIdentifierOwned;
    /// Signs `message` (the CMS signed attributes): SHA-256 then the key's scheme.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String>;
}

/// An RSA key in memory with its certificates.
pub struct SoftKey {
    key: SigningKey<sha2::Sha256>,
    chain: Vec<Certificate>,
}

impl SoftKey {
    /// Adds certificates of the chain the file does not hold (PEM), after its own.
    pub fn with_chain(mut self, pem: &[u8]) -> Result<SoftKey, String> {
        self.chain = add_chain(std::mem::take(&mut self.chain), pem)?;
        Ok(self)
    }

    /// From a PKCS#8 DER private key and certificates in any order: the one whose public key is
    /// the key's goes first; it must be there.
    pub fn new(pkcs8_der: &[u8], certs: Vec<Certificate>) -> Result<SoftKey, String> {
        let key = RsaPrivateKey::from_pkcs8_der(pkcs8_der)
            .map_err(|e| format!("the private key is not an RSA key sohoa can use: {e}"))?;
        let n = key.n().to_bytes_be();
        let mut chain = certs;
        let mine = chain
            .iter()
            .position(|c| public_modulus(c).is_some_and(|m| m == n))
            .ok_or("no certificate in the file belongs to its private key")?;
        let leaf = chain.remove(mine);
        chain.insert(0, leaf);
        Ok(SoftKey {
            key: SigningKey::<sha2::Sha256>::new(key),
            chain,
        })
    }
}

/// The RSA modulus of a certificate's public key.
fn public_modulus(c: &Certificate) -> Option<Vec<u8>> {
    let spki_der = c.tbs_certificate.subject_public_key_info.to_der().ok()?;
    let spki = SubjectPublicKeyInfoRef::from_der(&spki_der).ok()?;
    let pk = rsa::pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).ok()?;
    Some(strip_zeros(pk.modulus.as_bytes()))
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[start..].to_vec()
}

impl Signer for SoftKey {
    fn certificates(&self) -> &[Certificate] {
        &self.chain
    }

    fn algorithm(&self) -> AlgorithmIdentifierOwned {
        rsa_sha256()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        Ok(self.key.sign(message).to_vec())
    }
}

/// What the archive records of a signer certificate: its subject (RFC 4514), organisation
/// (`O=`) and SHA-256 (lower-case hex of the DER).
pub fn describe(cert: &Certificate) -> (String, Option<String>, String) {
    use sha2::Digest;
    let subject = cert.tbs_certificate.subject.to_string();
    let organization = cert
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == const_oid_o())
        .and_then(|atv| {
            der::asn1::Utf8StringRef::try_from(&atv.value)
                .map(|s| s.as_str().to_string())
                .or_else(|_| {
                    der::asn1::PrintableStringRef::try_from(&atv.value)
                        .map(|s| s.as_str().to_string())
                })
                .ok()
        });
    let sha = cert
        .to_der()
        .map(|d| hex::encode(sha2::Sha256::digest(&d)))
        .unwrap_or_default();
    (subject, organization, sha)
}

/// `id-at-organizationName`.
fn const_oid_o() -> der::oid::ObjectIdentifier {
    der::oid::ObjectIdentifier::new_unwrap("2.5.4.10")
}

/// `chain` with the PEM certificates of `pem` that it does not hold yet appended (a token that
/// stores only the signer's certificate, a PKCS#12 without its CA).
pub fn add_chain(mut chain: Vec<Certificate>, pem: &[u8]) -> Result<Vec<Certificate>, String> {
    let extra = Certificate::load_pem_chain(pem)
        .map_err(|e| format!("the certificate chain is not PEM certificates: {e}"))?;
    for c in extra {
        if !chain.contains(&c) {
            chain.push(c);
        }
    }
    Ok(chain)
}

/// A signer shared by the threads of an ingest: the certificates read once, each signature
/// made under a lock (a PKCS#11 session serves one caller at a time).
pub struct Shared {
    chain: Vec<Certificate>,
    algorithm: AlgorithmIdentifierOwned,
    inner: std::sync::Mutex<Box<dyn Signer + Send>>,
}

impl Shared {
    pub fn new(inner: Box<dyn Signer + Send>) -> Shared {
        Shared {
            chain: inner.certificates().to_vec(),
            algorithm: inner.algorithm(),
            inner: std::sync::Mutex::new(inner),
        }
    }
}

impl Signer for Shared {
    fn certificates(&self) -> &[Certificate] {
        &self.chain
    }

    fn algorithm(&self) -> AlgorithmIdentifierOwned {
        self.algorithm.clone()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let inner = self
            .inner
            .lock()
            .map_err(|_| "the signer failed earlier".to_string())?;
        inner.sign(message)
    }
}
