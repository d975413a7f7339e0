//! sohoa-sign: the agency's digital signature on a PDF/A-2b bundle, as a PAdES baseline
//! signature (ETSI EN 319 142-1, B-B) added by an incremental update that keeps the file
//! PDF/A-2b (docs/signing.md).
//!
//! [`p12::load`] reads the agency's key and certificates from PKCS#12, [`pkcs11::TokenKey`]
//! uses one on a PKCS#11 token; [`signer::Signer`] is what signs; [`cms_sig`] builds the CAdES
//! signed data; [`pdf_update::sign`] writes the update. The cryptography is RustCrypto's
//! (`cms`, `x509-cert`, `der`, `pkcs8`/`pkcs5`/`pkcs12`, `rsa`, `sha2`).

pub mod chain;
pub mod cms_sig;
mod mark;
pub mod p12;
pub mod pdf_update;
pub mod pkcs11;
pub mod signer;
pub mod tsa;
pub mod verify;

pub use pdf_update::{sign, SignError, SignatureInfo};
pub use signer::{describe, Shared, Signer, SoftKey};
