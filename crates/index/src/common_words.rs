//! The most frequent syllables of Vietnamese administrative text, folded (no marks, đ -> d):
//! function words, numbers and dates in words, the vocabulary of forms (civil status, land,
//! construction, residence), titles and the commonest family and middle names. Two of them in a
//! row are also indexed as one token (see `analyzer::Form::FoldedWithPairs`), so that a phrase
//! of common words is found through a few rare pairs instead of the many positions of each
//! word ("common grams"). Fixed: changing it changes the index (bump `SCHEMA_VERSION`).

use std::sync::OnceLock;

const COMMON: &str = "\
va cua cac co duoc trong cho khong nguoi nhung mot voi la nay tai ve khi den tu ra thi cung nhu \
su lam do o tren theo de da dang ban so to \
hai ba nam ngay thang \
cong hoa xa hoi chu nghia viet doc lap hanh phuc \
uy nhan dan phuong huyen quan tinh thanh pho thon \
co quan van phong ket qua giai quyet \
can cu luat nghi dinh thong quyet dieu khoan \
ho ten sinh noi cu tru thuong dia chi que toc kinh quoc tich \
cha me vo chong con ong anh chi gia \
khai hon trich luc sao chinh \
dat thua dien tich muc dich dung quyen huu tai san gan lien nha \
trinh xay giay phep han nguon goc giao chuyen nhuong the chap \
hop dong tien phi le nop \
cap ky xac chung thuc yeu cau hien \
don kinh gui toi cam doan noi dung day that chiu trach nhiem truoc phap \
nguyen tran le pham hoang van thi";

/// Common words are at most this many bytes: each is looked up as one number.
const MAX_LEN: usize = 8;
/// Slots of the lookup table (a power of two, a few times the number of words).
const SLOTS: usize = 1024;

/// A word of at most [`MAX_LEN`] bytes as a number (never 0: words are not empty).
fn packed(word: &str) -> Option<u64> {
    let b = word.as_bytes();
    if b.is_empty() || b.len() > MAX_LEN {
        return None;
    }
    // Byte by byte: a copy of a few bytes of unknown length would call `memmove`.
    Some(
        b.iter()
            .enumerate()
            .fold(0u64, |k, (i, c)| k | u64::from(*c) << (8 * i)),
    )
}

fn slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize % SLOTS
}

/// Open addressing over the packed words (0: empty): one multiplication and, nearly always,
/// one comparison per word indexed, which a general hash set cost three times over.
fn table() -> &'static [u64; SLOTS] {
    static TABLE: OnceLock<[u64; SLOTS]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u64; SLOTS];
        for key in COMMON.split_whitespace().filter_map(packed) {
            let mut i = slot(key);
            while t[i] != 0 && t[i] != key {
                i = (i + 1) % SLOTS;
            }
            t[i] = key;
        }
        t
    })
}

/// Whether a folded word is one of the common ones.
pub fn is_common(word: &str) -> bool {
    let Some(key) = packed(word) else {
        return false;
    };
    let t = table();
    let mut i = slot(key);
    loop {
        match t[i] {
            0 => return false,
            k if k == key => return true,
            _ => i = (i + 1) % SLOTS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_word_is_folded_and_the_list_is_short() {
        for w in COMMON.split_whitespace() {
            assert_eq!(crate::fold(w), w, "{w} is not folded");
        }
        let words: std::collections::BTreeSet<&str> = COMMON.split_whitespace().collect();
        assert!((150..400).contains(&words.len()), "{}", words.len());
        for w in &words {
            assert!(w.len() <= MAX_LEN, "{w} is too long to be looked up");
            assert!(is_common(w), "{w}");
        }
        for w in [
            "xyz",
            "",
            "quyenn",
            "quye",
            "d",
            "nguyenvan",
            "dat ",
            "nhượng",
        ] {
            assert!(!is_common(w), "{w}");
        }
    }
}
