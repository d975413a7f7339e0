//! Personal identifiers (CCCD, 12 digits) never enter the index in clear: a keyed hash
//! (HMAC-SHA256, key kept in `ARCHIVE/keys/`, outside the index) for exact lookup, and a
//! masked form (`0010******45`) for display.

use sha2::{Digest, Sha256};
use std::path::Path;

/// The key file, kept outside `ARCHIVE/index/` so that a rebuilt index hashes alike.
pub const KEY_FILE: &str = "keys/identifier-hmac.key";

/// A secret key for hashing identifiers.
#[derive(Clone)]
pub struct IdKey([u8; 32]);

impl IdKey {
    /// Loads the archive's key, creating it (random, 32 bytes, mode 0600) on first use.
    pub fn load_or_create(archive: &Path) -> std::io::Result<IdKey> {
        let path = archive.join(KEY_FILE);
        if let Ok(bytes) = std::fs::read(&path) {
            let key: [u8; 32] = hex::decode(bytes.trim_ascii())
                .ok()
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| {
                    std::io::Error::other(format!("{} is not a 32-byte hex key", path.display()))
                })?;
            return Ok(IdKey(key));
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        std::io::Write::write_all(&mut opts.open(&path)?, hex::encode(key).as_bytes())?;
        Ok(IdKey(key))
    }

    #[cfg(test)]
    pub fn fixed(b: u8) -> IdKey {
        IdKey([b; 32])
    }

    /// HMAC-SHA256 of the identifier's digits, hex.
    pub fn hash(&self, id: &str) -> String {
        let digits: String = id.chars().filter(char::is_ascii_digit).collect();
        let mut ipad = [0x36u8; 64];
        let mut opad = [0x5cu8; 64];
        for (i, k) in self.0.iter().enumerate() {
            ipad[i] ^= k;
            opad[i] ^= k;
        }
        let inner = Sha256::new()
            .chain_update(ipad)
            .chain_update(digits.as_bytes())
            .finalize();
        hex::encode(
            Sha256::new()
                .chain_update(opad)
                .chain_update(inner)
                .finalize(),
        )
    }
}

/// True for a 12-digit CCCD / số định danh cá nhân (or a 9-digit legacy CMND).
pub fn looks_like_id(s: &str) -> bool {
    (s.len() == 12 || s.len() == 9) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Keeps the first four and last two digits: `001085012345` -> `0010******45`.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_hashes() {
        assert_eq!(mask("001085012345"), "0010******45");
        let k = IdKey::fixed(7);
        assert_eq!(k.hash("001085012345"), k.hash("0010 8501 2345"));
        assert_ne!(k.hash("001085012345"), IdKey::fixed(8).hash("001085012345"));
        assert!(!k.hash("001085012345").contains("001085012345"));
    }

    #[test]
    fn key_persists() {
        let dir = tempfile::tempdir().unwrap();
        let a = IdKey::load_or_create(dir.path()).unwrap();
        let b = IdKey::load_or_create(dir.path()).unwrap();
        assert_eq!(a.hash("123456789012"), b.hash("123456789012"));
    }
}
