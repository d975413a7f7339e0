//! Personal identifiers (CCCD 12 digits, CMND 9 digits) never enter the index in clear: each
//! number found in a case's metadata or page text is indexed as a keyed hash (HMAC-SHA256,
//! key outside the archive) and the texts keep it masked (`0400******72`). The mechanism is
//! `sohoa_archive::privacy`, shared with every other output of sohoa.

pub use sohoa_archive::privacy::{find_ids, looks_like_id, mask, mask_ids, mask_ids_loose, IdKey};

/// The index term of an identity number: the first 128 of the 256 bits of its keyed hash, as
/// bytes (a bytes field). Identity numbers are the only unrelated long terms of a case; the
/// term dictionary pays for every byte of them (as 32 hex digits they were a twentieth of all
/// indexing), and 128 bits leave no chance of two numbers sharing a term.
pub type IdTerm = [u8; 16];

/// The index term of an identity number.
pub fn id_term(key: &IdKey, id: &str) -> IdTerm {
    let mac = key.mac(id);
    let mut term = [0u8; 16];
    term.copy_from_slice(&mac[..16]);
    term
}

/// A text for the index: its identity numbers masked, their index terms added to `hashes`.
pub fn masked_text<'a>(
    text: &'a str,
    key: &IdKey,
    hashes: &mut Vec<IdTerm>,
) -> std::borrow::Cow<'a, str> {
    masked_text_by(text, &mut |digits| id_term(key, digits), hashes)
}

/// [`masked_text`] with the hashing given (the pages of a case repeat its numbers: their
/// hashes are remembered). A number never runs over a line break (digit groups are joined by
/// spaces and dots only), and has 9 or 12 ASCII digits: each line is looked at on its own, and
/// only lines with 9 digits or more are scanned for numbers.
pub(crate) fn masked_text_by<'a>(
    text: &'a str,
    hash: &mut dyn FnMut(&str) -> IdTerm,
    hashes: &mut Vec<IdTerm>,
) -> std::borrow::Cow<'a, str> {
    let mut out: Option<String> = None;
    // Start of the line; end of what is copied to `out`.
    let (mut at, mut done) = (0, 0);
    for line in text.split_inclusive('\n') {
        let digits = line.bytes().filter(u8::is_ascii_digit).count();
        let found = if digits >= 9 {
            find_ids(line)
        } else {
            Vec::new()
        };
        if !found.is_empty() {
            hashes.extend(found.iter().map(|f| hash(&f.digits)));
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[done..at]);
            out.push_str(&mask_ids(line));
            done = at + line.len();
        }
        at += line.len();
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[done..]);
            std::borrow::Cow::Owned(out)
        }
    }
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
        assert_eq!(h, [id_term(&k, "040093878972")]);
        assert_eq!(masked_text("không có số", &k, &mut h), "không có số");
        assert_eq!(h.len(), 1);
    }

    /// The whole text at once, as sohoa_archive's privacy module does it.
    fn whole(text: &str, key: &IdKey) -> (String, Vec<IdTerm>) {
        let found = find_ids(text);
        let hashes = found.iter().map(|f| id_term(key, &f.digits)).collect();
        (mask_ids(text).into_owned(), hashes)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn line_by_line_is_the_whole_text_at_once(
            parts in proptest::collection::vec(
                concat!(
                    "[0-9]{1,12}|[ .\u{a0}\u{202f}\n\r/-]|[a-zA-Zđấ]{1,4}|\n\n",
                    "|[0-9]{3}([ .\n][0-9]{3}){3}|[0-9]{4}([.\n][0-9]{4}){2}",
                    "|[0-9]{3}([.][0-9]{3}){2} đồng",
                ),
                0..40,
            )
        ) {
            let text: String = parts.concat();
            let k = IdKey::fixed(5);
            let mut h = Vec::new();
            let masked = masked_text(&text, &k, &mut h);
            let (masked_whole, mut hashes_whole) = whole(&text, &k);
            let mut h_sorted = h.clone();
            h_sorted.sort();
            hashes_whole.sort();
            proptest::prop_assert_eq!(masked, masked_whole);
            proptest::prop_assert_eq!(h_sorted, hashes_whole);
        }
    }
}
