//! Personal identifiers (CCCD 12 digits, CMND 9 digits) never enter the index in clear: each
//! number found in a case's metadata or page text is indexed as a keyed hash (HMAC-SHA256,
//! key outside the archive) and the texts keep it masked (`0400******72`). The mechanism is
//! `sohoa_archive::privacy`, shared with every other output of sohoa.

pub use sohoa_archive::privacy::{find_ids, looks_like_id, mask, mask_ids, mask_ids_loose, IdKey};

/// A text for the index: its identity numbers masked, their keyed hashes added to `hashes`.
pub fn masked_text(text: &str, key: &IdKey, hashes: &mut Vec<String>) -> String {
    let found = find_ids(text);
    if found.is_empty() {
        return text.to_string();
    }
    hashes.extend(found.iter().map(|f| key.hash(&f.digits)));
    mask_ids(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_keep_no_number_and_give_its_hash() {
        let k = IdKey::fixed(3);
        let mut h = Vec::new();
        let t = masked_text("Bản sao CCCD số 040 093 878 972 của ông An", &k, &mut h);
        assert_eq!(t, "Bản sao CCCD số 0400******72 của ông An");
        assert_eq!(h, [k.hash("040093878972")]);
        assert_eq!(masked_text("không có số", &k, &mut h), "không có số");
        assert_eq!(h.len(), 1);
    }
}
