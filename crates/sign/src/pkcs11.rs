//! The agency's key on a PKCS#11 token (the USB tokens Vietnamese CAs issue, or SoftHSM2 in
//! tests), through the `cryptoki` crate: the module is loaded, the token found by its label, the
//! user PIN given, and the first private key that can sign is used with the certificate that has
//! the same `CKA_ID`; other certificates on the token go with it as the chain. The key never
//! leaves the token: the token signs (RSA PKCS#1 v1.5 with SHA-256, `CKM_SHA256_RSA_PKCS`).

use crate::signer::Signer;
use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use der::Decode;
use spki::AlgorithmIdentifierOwned;
use std::path::Path;
use x509_cert::Certificate;

/// A key on a token, logged in.
pub struct TokenKey {
    session: Session,
    key: ObjectHandle,
    chain: Vec<Certificate>,
    // Keeps the module loaded as long as the session lives (dropped after it).
    _context: Pkcs11,
}

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

impl TokenKey {
    /// Opens the token labelled `label` through `module` and logs in with `pin`.
    pub fn open(module: &Path, label: &str, pin: &str) -> Result<TokenKey, String> {
        let context = Pkcs11::new(module).map_err(|e| err("cannot load the PKCS#11 module", e))?;
        context
            .initialize(CInitializeArgs::OsThreads)
            .map_err(|e| err("the PKCS#11 module does not start", e))?;
        let slots = context
            .get_slots_with_token()
            .map_err(|e| err("cannot list the tokens", e))?;
        let mut labels = Vec::new();
        let mut found = None;
        for slot in slots {
            let info = context.get_token_info(slot).map_err(|e| err("token", e))?;
            let l = info.label().trim().to_string();
            if l == label.trim() {
                found = Some(slot);
                break;
            }
            if !l.is_empty() {
                labels.push(l);
            }
        }
        let slot = found.ok_or_else(|| {
            format!(
                "no token labelled {label:?} (tokens present: {})",
                if labels.is_empty() {
                    "none".into()
                } else {
                    labels.join(", ")
                }
            )
        })?;
        let session = context
            .open_ro_session(slot)
            .map_err(|e| err("cannot open a session on the token", e))?;
        session
            .login(UserType::User, Some(&AuthPin::from(pin.to_string())))
            .map_err(|e| err("the token refused the PIN", e))?;
        let keys = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::KeyType(KeyType::RSA),
                Attribute::Sign(true),
            ])
            .map_err(|e| err("cannot search the token", e))?;
        let key = *keys
            .first()
            .ok_or("the token holds no RSA key that can sign")?;
        let id = match session
            .get_attributes(key, &[AttributeType::Id])
            .map_err(|e| err("the key's CKA_ID", e))?
            .into_iter()
            .next()
        {
            Some(Attribute::Id(id)) => id,
            _ => Vec::new(),
        };
        let mut chain = Vec::new();
        for cert in session
            .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
            .map_err(|e| err("cannot search the token", e))?
        {
            let attrs = session
                .get_attributes(cert, &[AttributeType::Id, AttributeType::Value])
                .map_err(|e| err("a certificate on the token", e))?;
            let mut cert_id = Vec::new();
            let mut value = Vec::new();
            for a in attrs {
                match a {
                    Attribute::Id(i) => cert_id = i,
                    Attribute::Value(v) => value = v,
                    _ => {}
                }
            }
            let Ok(c) = Certificate::from_der(&value) else {
                continue;
            };
            if !id.is_empty() && cert_id == id {
                chain.insert(0, c);
            } else {
                chain.push(c);
            }
        }
        if chain.is_empty() || id.is_empty() {
            return Err("the token holds no certificate with the key's CKA_ID".into());
        }
        Ok(TokenKey {
            session,
            key,
            chain,
            _context: context,
        })
    }
}

impl TokenKey {
    /// Adds certificates of the chain the token does not hold (PEM), after its own.
    pub fn with_chain(mut self, pem: &[u8]) -> Result<TokenKey, String> {
        self.chain = crate::signer::add_chain(std::mem::take(&mut self.chain), pem)?;
        Ok(self)
    }
}

impl Signer for TokenKey {
    fn certificates(&self) -> &[Certificate] {
        &self.chain
    }

    fn algorithm(&self) -> AlgorithmIdentifierOwned {
        crate::signer::rsa_sha256()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        self.session
            .sign(&Mechanism::Sha256RsaPkcs, self.key, message)
            .map_err(|e| err("the token did not sign", e))
    }
}
