//! Character tables of the legacy Vietnamese encodings (TCVN3, VNI, VIQR): every Unicode letter
//! and its legacy form as Windows-1252 shows the bytes, ported from samples/gen/defects.py.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::Legacy;

/// Every Vietnamese vowel in six forms, columns in tone order: no tone, huyền (grave), hỏi
/// (hook), ngã (tilde), sắc (acute), nặng (dot below). (lower case, upper case, VIQR base).
#[rustfmt::skip]
pub(crate) const VOWELS: [([char; 6], [char; 6], &str); 12] = [
    (['a', 'à', 'ả', 'ã', 'á', 'ạ'], ['A', 'À', 'Ả', 'Ã', 'Á', 'Ạ'], "a"),
    (['ă', 'ằ', 'ẳ', 'ẵ', 'ắ', 'ặ'], ['Ă', 'Ằ', 'Ẳ', 'Ẵ', 'Ắ', 'Ặ'], "a("),
    (['â', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ'], ['Â', 'Ầ', 'Ẩ', 'Ẫ', 'Ấ', 'Ậ'], "a^"),
    (['e', 'è', 'ẻ', 'ẽ', 'é', 'ẹ'], ['E', 'È', 'Ẻ', 'Ẽ', 'É', 'Ẹ'], "e"),
    (['ê', 'ề', 'ể', 'ễ', 'ế', 'ệ'], ['Ê', 'Ề', 'Ể', 'Ễ', 'Ế', 'Ệ'], "e^"),
    (['i', 'ì', 'ỉ', 'ĩ', 'í', 'ị'], ['I', 'Ì', 'Ỉ', 'Ĩ', 'Í', 'Ị'], "i"),
    (['o', 'ò', 'ỏ', 'õ', 'ó', 'ọ'], ['O', 'Ò', 'Ỏ', 'Õ', 'Ó', 'Ọ'], "o"),
    (['ô', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ'], ['Ô', 'Ồ', 'Ổ', 'Ỗ', 'Ố', 'Ộ'], "o^"),
    (['ơ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ'], ['Ơ', 'Ờ', 'Ở', 'Ỡ', 'Ớ', 'Ợ'], "o+"),
    (['u', 'ù', 'ủ', 'ũ', 'ú', 'ụ'], ['U', 'Ù', 'Ủ', 'Ũ', 'Ú', 'Ụ'], "u"),
    (['ư', 'ừ', 'ử', 'ữ', 'ứ', 'ự'], ['Ư', 'Ừ', 'Ử', 'Ữ', 'Ứ', 'Ự'], "u+"),
    (['y', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ'], ['Y', 'Ỳ', 'Ỷ', 'Ỹ', 'Ý', 'Ỵ'], "y"),
];

/// TCVN3 (ABC, TCVN 5712:1993 VN3) bytes of the lower-case letters, rows and columns as in
/// [`VOWELS`] (glibc iconv TCVN5712-1). VN3 has no upper-case letters with a tone: .VnTime text
/// uses the lower-case byte and the .VnTimeH fonts draw it as a capital. 0xAD (ư) reads as a
/// soft hyphen in Windows-1252.
pub(crate) const TCVN3_BYTES: [[u8; 6]; 12] = [
    [0x61, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9], // a à ả ã á ạ
    [0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6], // ă ằ ẳ ẵ ắ ặ
    [0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB], // â ầ ẩ ẫ ấ ậ
    [0x65, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1], // e è ẻ ẽ é ẹ
    [0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6], // ê ề ể ễ ế ệ
    [0x69, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE], // i ì ỉ ĩ í ị
    [0x6F, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4], // o ò ỏ õ ó ọ
    [0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9], // ô ồ ổ ỗ ố ộ
    [0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE], // ơ ờ ở ỡ ớ ợ
    [0x75, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4], // u ù ủ ũ ú ụ
    [0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9], // ư ừ ử ữ ứ ự
    [0x79, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE], // y ỳ ỷ ỹ ý ỵ
];
/// The only upper-case letters TCVN3 has its own bytes for.
#[rustfmt::skip]
pub(crate) const TCVN3_OWN_UPPER: [(char, u8); 7] = [
    ('Ă', 0xA1), ('Â', 0xA2), ('Ê', 0xA3), ('Ô', 0xA4), ('Ơ', 0xA5), ('Ư', 0xA6), ('Đ', 0xA7),
];
/// TCVN3 đ.
pub(crate) const TCVN3_D: u8 = 0xAE;

/// VNI-Windows: base letter + one modifier byte, as Windows-1252 reads the bytes; (lower case,
/// upper case), six forms each, rows as in [`VOWELS`]. ơ, ư, đ, the toned i and ỵ are single bytes.
pub(crate) const VNI: [([&str; 6], [&str; 6]); 12] = [
    (
        ["a", "aø", "aû", "aõ", "aù", "aï"],
        ["A", "AØ", "AÛ", "AÕ", "AÙ", "AÏ"],
    ),
    (
        ["aê", "aè", "aú", "aü", "aé", "aë"],
        ["AÊ", "AÈ", "AÚ", "AÜ", "AÉ", "AË"],
    ),
    (
        ["aâ", "aà", "aå", "aã", "aá", "aä"],
        ["AÂ", "AÀ", "AÅ", "AÃ", "AÁ", "AÄ"],
    ),
    (
        ["e", "eø", "eû", "eõ", "eù", "eï"],
        ["E", "EØ", "EÛ", "EÕ", "EÙ", "EÏ"],
    ),
    (
        ["eâ", "eà", "eå", "eã", "eá", "eä"],
        ["EÂ", "EÀ", "EÅ", "EÃ", "EÁ", "EÄ"],
    ),
    (
        ["i", "ì", "æ", "ó", "í", "ò"],
        ["I", "Ì", "Æ", "Ó", "Í", "Ò"],
    ),
    (
        ["o", "oø", "oû", "oõ", "où", "oï"],
        ["O", "OØ", "OÛ", "OÕ", "OÙ", "OÏ"],
    ),
    (
        ["oâ", "oà", "oå", "oã", "oá", "oä"],
        ["OÂ", "OÀ", "OÅ", "OÃ", "OÁ", "OÄ"],
    ),
    (
        ["ô", "ôø", "ôû", "ôõ", "ôù", "ôï"],
        ["Ô", "ÔØ", "ÔÛ", "ÔÕ", "ÔÙ", "ÔÏ"],
    ),
    (
        ["u", "uø", "uû", "uõ", "uù", "uï"],
        ["U", "UØ", "UÛ", "UÕ", "UÙ", "UÏ"],
    ),
    (
        ["ö", "öø", "öû", "öõ", "öù", "öï"],
        ["Ö", "ÖØ", "ÖÛ", "ÖÕ", "ÖÙ", "ÖÏ"],
    ),
    (
        ["y", "yø", "yû", "yõ", "yù", "î"],
        ["Y", "YØ", "YÛ", "YÕ", "YÙ", "Î"],
    ),
];
/// VNI đ, Đ.
pub(crate) const VNI_D: (&str, &str) = ("ñ", "Ñ");

/// VIQR (RFC 1456) tone marks in the column order of [`VOWELS`]; the letter is the VIQR base
/// (letter + shape mark: `(` breve, `^` circumflex, `+` horn) followed by its tone mark.
pub(crate) const VIQR_TONES: [&str; 6] = ["", "`", "?", "~", "'", "."];
/// Characters that a backslash escapes when they follow a vowel in the text itself.
pub(crate) const VIQR_MARKS: &str = "(^+`?~'.";

/// One encoding's letters in both directions.
pub(crate) struct Table {
    /// Unicode letter -> legacy form (the plain vowels a e i o u y and their capitals are absent).
    pub(crate) encode: HashMap<char, String>,
    /// Legacy form -> Unicode letter; for the TCVN3 bytes shared by both cases, the lower case.
    pub(crate) decode: HashMap<String, char>,
    /// Length of the longest legacy form, in chars.
    pub(crate) longest: usize,
}

/// The table of `enc`, built once.
pub(crate) fn table(enc: Legacy) -> &'static Table {
    static TABLES: OnceLock<[Table; 3]> = OnceLock::new();
    let [tcvn3, vni, viqr] = TABLES.get_or_init(|| {
        [
            build(Legacy::Tcvn3),
            build(Legacy::Vni),
            build(Legacy::Viqr),
        ]
    });
    match enc {
        Legacy::Tcvn3 => tcvn3,
        Legacy::Vni => vni,
        Legacy::Viqr => viqr,
    }
}

/// True for a non-ASCII char that is part of a legacy form of any of the three encodings.
pub(crate) fn is_legacy_char(c: char) -> bool {
    static CHARS: OnceLock<HashSet<char>> = OnceLock::new();
    CHARS
        .get_or_init(|| {
            [Legacy::Tcvn3, Legacy::Vni, Legacy::Viqr]
                .into_iter()
                .flat_map(|enc| table(enc).decode.keys().flat_map(|k| k.chars()))
                .filter(|c| !c.is_ascii())
                .collect()
        })
        .contains(&c)
}

/// True for the Vietnamese letters Latin-1 has (à á â ã è é ê ì í ò ó ô õ ù ú ý, capitals).
pub(crate) fn is_latin1_vietnamese(c: char) -> bool {
    ('\u{80}'..='\u{FF}').contains(&c)
        && VOWELS
            .iter()
            .any(|(lower, upper, _)| lower.contains(&c) || upper.contains(&c))
}

/// Upper-case form of a VIQR base: "a(" -> "A(".
fn capitalise(base: &str) -> String {
    let mut chars = base.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `_tables()` of defects.py for one encoding, plus its inverse.
fn build(enc: Legacy) -> Table {
    let mut encode: HashMap<char, String> = HashMap::new();
    match enc {
        Legacy::Tcvn3 => {
            encode.insert('đ', char::from(TCVN3_D).to_string());
            for ((lower, upper, base), codes) in VOWELS.iter().zip(TCVN3_BYTES) {
                for i in 0..6 {
                    let code = char::from(codes[i]).to_string();
                    // A E I O U Y stay ASCII; the other capitals share the lower-case byte
                    // (Ă Â Ê Ô Ơ Ư are replaced by their own bytes below).
                    let up = if i == 0 && base.len() == 1 {
                        upper[i].to_string()
                    } else {
                        code.clone()
                    };
                    encode.insert(lower[i], code);
                    encode.insert(upper[i], up);
                }
            }
            for (c, byte) in TCVN3_OWN_UPPER {
                encode.insert(c, char::from(byte).to_string());
            }
        }
        Legacy::Vni => {
            encode.insert('đ', VNI_D.0.to_string());
            encode.insert('Đ', VNI_D.1.to_string());
            for ((lower, upper, _), (vni_l, vni_u)) in VOWELS.iter().zip(VNI) {
                for i in 0..6 {
                    encode.insert(lower[i], vni_l[i].to_string());
                    encode.insert(upper[i], vni_u[i].to_string());
                }
            }
        }
        Legacy::Viqr => {
            encode.insert('đ', "dd".to_string());
            encode.insert('Đ', "DD".to_string());
            for (lower, upper, base) in VOWELS {
                for i in 0..6 {
                    encode.insert(lower[i], format!("{base}{}", VIQR_TONES[i]));
                    encode.insert(upper[i], format!("{}{}", capitalise(base), VIQR_TONES[i]));
                }
            }
        }
    }
    // Plain vowels map to themselves: no need to keep them.
    for c in "aeiouyAEIOUY".chars() {
        if encode.get(&c).is_some_and(|form| *form == c.to_string()) {
            encode.remove(&c);
        }
    }
    let mut decode: HashMap<String, char> = HashMap::new();
    for (&c, form) in &encode {
        decode
            .entry(form.clone())
            .and_modify(|have| {
                if c.is_lowercase() {
                    *have = c;
                }
            })
            .or_insert(c);
    }
    let longest = decode.keys().map(|k| k.chars().count()).max().unwrap_or(1);
    Table {
        encode,
        decode,
        longest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    const ALL: [Legacy; 3] = [Legacy::Tcvn3, Legacy::Vni, Legacy::Viqr];

    /// Every Vietnamese letter outside ASCII, both cases.
    fn vietnamese_letters() -> Vec<char> {
        let mut letters: Vec<char> = VOWELS
            .iter()
            .flat_map(|(lower, upper, _)| lower.iter().chain(upper.iter()).copied())
            .filter(|c| !c.is_ascii())
            .collect();
        letters.extend(['đ', 'Đ']);
        letters
    }

    #[test]
    fn vowel_rows_are_nfc_and_differ_only_by_tone() {
        for (lower, upper, base) in VOWELS {
            for i in 0..6 {
                for c in [lower[i], upper[i]] {
                    assert_eq!(c.to_string().nfc().collect::<String>(), c.to_string());
                }
                assert_eq!(
                    lower[i].to_uppercase().collect::<String>(),
                    upper[i].to_string()
                );
                // Strip the tone (the combining marks U+0300 U+0309 U+0303 U+0301 U+0323).
                let bare: String = lower[i]
                    .to_string()
                    .nfd()
                    .filter(|m| !"\u{300}\u{309}\u{303}\u{301}\u{323}".contains(*m))
                    .nfc()
                    .collect();
                assert_eq!(bare, lower[0].to_string(), "{}", lower[i]);
            }
            assert_eq!(
                base.chars().next(),
                Some(lower[0].to_string().nfd().next().unwrap())
            );
        }
    }

    #[test]
    fn every_letter_has_a_form_and_decodes_back() {
        for enc in ALL {
            let t = table(enc);
            for c in vietnamese_letters() {
                let form = t
                    .encode
                    .get(&c)
                    .unwrap_or_else(|| panic!("{enc:?}: no {c}"));
                let back = t.decode.get(form).copied();
                // TCVN3 has one byte for both cases of a toned letter: it reads as lower case.
                let want = if enc == Legacy::Tcvn3 && !"ĂÂÊÔƠƯĐ".contains(c) {
                    c.to_lowercase().next()
                } else {
                    Some(c)
                };
                assert_eq!(back, want, "{enc:?} {c} -> {form:?}");
            }
            for c in "aeiouyAEIOUYbdBD".chars() {
                assert!(!t.encode.contains_key(&c), "{enc:?}: {c} is encoded");
            }
        }
    }

    #[test]
    fn tcvn3_forms_are_single_latin1_chars() {
        let t = table(Legacy::Tcvn3);
        assert_eq!(t.longest, 1);
        for form in t.decode.keys() {
            let c = form.chars().next().unwrap();
            assert!(('\u{A1}'..='\u{FE}').contains(&c), "{form:?}");
        }
        // 60 toned lower-case letters, ă â ê ô ơ ư đ and Ă Â Ê Ô Ơ Ư Đ.
        assert_eq!(t.decode.len(), 60 + 7 + 7);
        // domain.md §9.
        for (c, byte) in [
            ('á', 0xB8),
            ('à', 0xB5),
            ('ả', 0xB6),
            ('ã', 0xB7),
            ('ạ', 0xB9),
        ]
        .into_iter()
        .chain([('ă', 0xA8), ('â', 0xA9), ('ê', 0xAA), ('ệ', 0xD6)])
        {
            assert_eq!(t.encode[&c], char::from(byte).to_string(), "{c}");
        }
    }

    #[test]
    fn latin1_letters_and_legacy_chars() {
        let latin1: String = ('\u{80}'..='\u{FF}')
            .filter(|&c| is_latin1_vietnamese(c))
            .collect();
        assert_eq!(latin1, "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý");
        for c in "¨µÖöñøäÑ\u{AD}".chars() {
            assert!(is_legacy_char(c), "{c}");
        }
        for c in "°²–“€ðÿ^'a".chars() {
            assert!(!is_legacy_char(c), "{c}");
        }
    }

    #[test]
    fn vni_and_viqr_forms_are_distinct() {
        for enc in [Legacy::Vni, Legacy::Viqr] {
            let t = table(enc);
            // One form per letter: nothing was lost when the inverse was built.
            assert_eq!(t.decode.len(), t.encode.len(), "{enc:?}");
            assert_eq!(t.encode.len(), 144 - 12 + 2);
        }
        assert_eq!(table(Legacy::Vni).longest, 2);
        assert_eq!(table(Legacy::Viqr).longest, 3);
        assert_eq!(table(Legacy::Vni).encode[&'ệ'], "eä");
        assert_eq!(table(Legacy::Viqr).encode[&'Ự'], "U+.");
        for form in table(Legacy::Viqr).decode.keys() {
            assert!(form.is_ascii(), "{form:?}");
        }
    }
}
