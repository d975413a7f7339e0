//! Whether a signer's certificate chains to a root the archive trusts: the agency's CA roots,
//! configured as a PEM file (`--trust-roots` or `SOHOA_TRUST_ROOTS`). From the signer's
//! certificate up, each certificate's issuer is looked for among the certificates the signature
//! carries and the roots, by name, and must have signed it (RSA with SHA-256/384/512); each must
//! be valid at the signing time; the walk ends at a configured root. Revocation is not checked
//! (no network; pyHanko's soft-fail in CI).

use der::Encode;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use time::OffsetDateTime;
use x509_cert::Certificate;

/// The roots an archive trusts.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    roots: Vec<Certificate>,
}

/// Most certificates walked from the signer to a root.
const MAX_DEPTH: usize = 8;

impl Trust {
    /// From PEM certificates.
    pub fn from_pem(pem: &[u8]) -> Result<Trust, String> {
        let roots = Certificate::load_pem_chain(pem)
            .map_err(|e| format!("the trusted roots are not PEM certificates: {e}"))?;
        if roots.is_empty() {
            return Err("the trusted roots file holds no certificate".into());
        }
        Ok(Trust { roots })
    }

    /// From the file `SOHOA_TRUST_ROOTS` names, when it does; `Err` when it cannot be read.
    pub fn from_env() -> Result<Option<Trust>, String> {
        let Some(path) = std::env::var_os("SOHOA_TRUST_ROOTS").filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let pem = std::fs::read(&path)
            .map_err(|e| format!("{}: {e}", std::path::Path::new(&path).display()))?;
        Trust::from_pem(&pem).map(Some)
    }

    /// The chain from `leaf` to a trusted root (subjects, the signer's first), using `pool` (the
    /// certificates the signature carries); why not when it does not reach one.
    pub fn path(
        &self,
        leaf: &Certificate,
        pool: &[Certificate],
        at: Option<OffsetDateTime>,
    ) -> Result<Vec<String>, String> {
        let mut current = leaf.clone();
        let mut path = vec![current.tbs_certificate.subject.to_string()];
        for _ in 0..MAX_DEPTH {
            valid_at(&current, at)?;
            if self.roots.contains(&current) {
                return Ok(path);
            }
            let issuer = self
                .roots
                .iter()
                .chain(pool.iter())
                .filter(|c| c.tbs_certificate.subject == current.tbs_certificate.issuer)
                .find(|c| signed_by(&current, c))
                .ok_or_else(|| {
                    format!(
                        "no trusted issuer for {} (issuer {})",
                        current.tbs_certificate.subject, current.tbs_certificate.issuer
                    )
                })?
                .clone();
            path.push(issuer.tbs_certificate.subject.to_string());
            current = issuer;
        }
        Err("the chain is longer than sohoa follows".into())
    }
}

/// `cert` was valid at `at` (now when the signing time is unknown).
fn valid_at(cert: &Certificate, at: Option<OffsetDateTime>) -> Result<(), String> {
    let t = at.unwrap_or_else(OffsetDateTime::now_utc).unix_timestamp();
    let v = &cert.tbs_certificate.validity;
    let (from, to) = (
        v.not_before.to_unix_duration().as_secs() as i64,
        v.not_after.to_unix_duration().as_secs() as i64,
    );
    if t < from || t > to {
        return Err(format!(
            "{} was not valid at the signing time (valid {} to {})",
            cert.tbs_certificate.subject, v.not_before, v.not_after
        ));
    }
    Ok(())
}

/// `cert`'s signature verifies with `issuer`'s key (RSA, SHA-256/384/512).
fn signed_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let (Ok(tbs), Ok(spki)) = (
        cert.tbs_certificate.to_der(),
        issuer.tbs_certificate.subject_public_key_info.to_der(),
    ) else {
        return false;
    };
    let Ok(key) = <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(&spki)
    else {
        return false;
    };
    let Ok(sig) = Signature::try_from(cert.signature.raw_bytes()) else {
        return false;
    };
    match cert.signature_algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.11" => VerifyingKey::<sha2::Sha256>::new(key)
            .verify(&tbs, &sig)
            .is_ok(),
        "1.2.840.113549.1.1.12" => VerifyingKey::<sha2::Sha384>::new(key)
            .verify(&tbs, &sig)
            .is_ok(),
        "1.2.840.113549.1.1.13" => VerifyingKey::<sha2::Sha512>::new(key)
            .verify(&tbs, &sig)
            .is_ok(),
        _ => false,
    }
}
