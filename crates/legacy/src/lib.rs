//! sohoa-legacy: legacy Vietnamese encodings (domain.md §9), used by `sohoa-register` at step 2
//! and by the audit's *sạch* check: recognises text typed in TCVN3 (ABC), VNI-Windows or VIQR
//! that reached us as Unicode (a register read as Windows-1252/Latin-1), and converts it.

use serde::Serialize;

mod convert;
mod syllable;
mod tables;

pub use convert::{convert, convert_as, convert_known, decode, encode};
pub use syllable::{is_vietnamese_syllable, vietnamese_score};

/// A value converted from a legacy encoding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Converted {
    pub encoding: Legacy,
    pub text: String,
}

/// A legacy encoding recognised in a text value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Legacy {
    /// TCVN 5712:1993 "VN3" (.VnTime fonts): one byte per precomposed letter.
    Tcvn3,
    /// VNI-Windows: base letter + a modifier byte.
    Vni,
    /// VIQR (RFC 1456): ASCII mnemonics after the letter.
    Viqr,
}

impl Legacy {
    /// The lower-case code the case record uses (`tcvn3`, `vni`, `viqr`).
    pub fn code(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "tcvn3",
            Legacy::Vni => "vni",
            Legacy::Viqr => "viqr",
        }
    }

    /// The encoding a [`Legacy::code`] names.
    pub fn from_code(code: &str) -> Option<Legacy> {
        [Legacy::Tcvn3, Legacy::Vni, Legacy::Viqr]
            .into_iter()
            .find(|l| l.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3 (ABC)",
            Legacy::Vni => "VNI",
            Legacy::Viqr => "VIQR",
        }
    }
}

/// Bytes TCVN3 uses for letters that show as punctuation in Windows-1252/Latin-1.
const TCVN3_SYMBOLS: &str = "¸µ¶·¹¨©ª«¬®¯°±²³´½¾¡¢£¤¥¦§»¼¿";
/// Of those, the ones ordinary text uses after a letter (m², 25°): count only before a letter.
const UNIT_SYMBOLS: &str = "²³°±";
/// Latin-1 letters that never occur in Vietnamese: VNI modifiers (ø û ï ä å ë ü), VNI ư/đ
/// (ö ñ) and TCVN3 letters.
const NON_VIETNAMESE_LATIN1: &str = "øûïäåëüöñÑÖØÛÏÄÅËÜæçîðþÆÇÎÐÞß";

fn is_vowel(c: char) -> bool {
    "aeiouyAEIOUYâêôÂÊÔ".contains(c)
}

/// Letters only Unicode Vietnamese has (not in Latin-1 or Windows-1252): proof of real Unicode.
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(c, '\u{1EA0}'..='\u{1EF9}') || "ăđĩũơưĂĐĨŨƠƯ".contains(c)
}

/// Recognises a legacy encoding in `s`, or `None` for text that is plain ASCII, valid
/// Unicode Vietnamese, or anything else. Conservative: valid Unicode Vietnamese is never
/// reported, and one ambiguous sign is not enough for VIQR.
pub fn detect(s: &str) -> Option<Legacy> {
    let chars: Vec<char> = s.chars().collect();
    if chars.iter().any(|&c| is_unicode_vietnamese(c)) {
        return None;
    }
    let (mut tcvn, mut vni, mut viqr_strong, mut viqr_weak) = (0, 0, 0, 0);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let letter_before = prev.is_some_and(char::is_alphabetic);
        let letter_after = next.is_some_and(char::is_alphabetic);
        if TCVN3_SYMBOLS.contains(c) {
            let counts = if UNIT_SYMBOLS.contains(c) {
                letter_after
            } else {
                letter_before || letter_after
            };
            if counts {
                tcvn += 1;
            }
        } else if ('À'..='Þ').contains(&c) && prev.is_some_and(|p| p.is_lowercase()) {
            // A capital inside a lower-case word: TCVN3 lower-case letters (ViÖt, NguyÔn);
            // VNI writes capital modifiers only after capital letters.
            tcvn += 1;
        } else if NON_VIETNAMESE_LATIN1.contains(c) && (letter_before || letter_after) {
            // VNI puts its modifier after a vowel; TCVN3 letters stand alone in the word.
            if prev.is_some_and(is_vowel) || c == 'ñ' || c == 'Ñ' || c == 'ö' {
                vni += 1;
            } else {
                tcvn += 1;
            }
        } else if prev.is_some_and(is_vowel) && c.is_ascii() {
            if "^(+".contains(c) {
                viqr_strong += 1;
            } else if "'`?~.".contains(c) && letter_after {
                viqr_weak += 1;
            }
        }
        if (c == 'd' || c == 'D')
            && next == Some(c)
            && chars.get(i + 2).is_some_and(|&n| is_vowel(n))
        {
            viqr_weak += 1;
        }
    }
    if tcvn > 0 && tcvn >= vni {
        Some(Legacy::Tcvn3)
    } else if vni > 0 {
        Some(Legacy::Vni)
    } else if viqr_strong > 0 || viqr_weak >= 2 {
        Some(Legacy::Viqr)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::syllable::gen::WORDS;
    use super::*;

    const ALL: [Legacy; 3] = [Legacy::Tcvn3, Legacy::Vni, Legacy::Viqr];

    #[test]
    fn recognises_tcvn3() {
        assert_eq!(detect("ViÖt Nam"), Some(Legacy::Tcvn3));
        assert_eq!(detect("Hµ Néi"), Some(Legacy::Tcvn3));
        assert_eq!(detect("NguyÔn V¨n An"), Some(Legacy::Tcvn3));
    }

    #[test]
    fn recognises_vni() {
        assert_eq!(detect("Vieät Nam"), Some(Legacy::Vni));
        assert_eq!(detect("Nöôùc"), Some(Legacy::Vni));
        assert_eq!(detect("Ñaêng kyù khai sinh"), Some(Legacy::Vni));
    }

    #[test]
    fn recognises_viqr() {
        assert_eq!(detect("Vie^.t Nam"), Some(Legacy::Viqr));
        assert_eq!(detect("Thu+ DDu+'c"), Some(Legacy::Viqr));
        assert_eq!(detect("Ho^`"), Some(Legacy::Viqr));
    }

    proptest::proptest! {
        /// Text made of Vietnamese words (NFC, with or without any diacritic, a capital only
        /// first, as Vietnamese is written: a capital inside a lower-case word is the TCVN3 sign
        /// `detect` looks for, "ViÖt"), spaces and punctuation is never taken for a legacy encoding.
        #[test]
        fn never_flags_vietnamese_unicode(words in proptest::collection::vec("[A-ZĐÀÁÂÊÔƠƯ]?[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]{1,7}[,.?!:]?", 1..8)) {
            let text = words.join(" ");
            proptest::prop_assert_eq!(detect(&text), None, "{}", text);
        }
    }

    #[test]
    fn leaves_unicode_and_plain_text_alone() {
        for s in [
            "Việt Nam",
            "Nguyễn Văn An",
            "Hòa hoà thủy thuỷ Khánh Hòa",
            "Hồ sơ đăng ký khai sinh.",
            "Diện tích 120 m², nhiệt độ 25°C",
            "Có không? Được.",
            "Ghi chú: (xem trang 2)",
            "Lê Hoàng Đức",
            "000.00.15.H12-250701-0001",
            "José María",
            "Café",
            "",
        ] {
            assert_eq!(detect(s), None, "{s}");
        }
    }

    #[test]
    fn converts_known_strings() {
        for (legacy, encoding, text) in [
            ("ViÖt Nam", Legacy::Tcvn3, "Việt Nam"),
            ("Hµ Néi", Legacy::Tcvn3, "Hà Nội"),
            ("NguyÔn V¨n An", Legacy::Tcvn3, "Nguyễn Văn An"),
            ("Vieät Nam", Legacy::Vni, "Việt Nam"),
            ("Nöôùc", Legacy::Vni, "Nước"),
            ("Ñaêng kyù khai sinh", Legacy::Vni, "Đăng ký khai sinh"),
            ("Vie^.t Nam", Legacy::Viqr, "Việt Nam"),
            ("Thu+ DDu+'c", Legacy::Viqr, "Thư Đức"),
            ("Ho^`", Legacy::Viqr, "Hồ"),
        ] {
            let text = text.to_string();
            assert_eq!(
                convert(legacy),
                Some(Converted { encoding, text }),
                "{legacy}"
            );
        }
    }

    #[test]
    fn leaves_plain_and_latin1_text_alone() {
        for s in [
            "Ho so so 12",
            "000.00.15.H12-250701-0001",
            "nguyen.van.an@gmail.com, le.thi.b@ubnd.hanoi.gov.vn",
            "Q.1, TP.HCM",
            "e.g. i.e. a.m. Mr. Brown?",
            "Tel: 0912 345 678 (ext. 12)",
            "José María",
            "Café",
            "Müller",
            "Ñandú",
            "Señor Müller",
            "Façade, naïve, Ærø",
            "Diện tích 120 m², nhiệt độ 25°C",
            "Vie\u{323}\u{302}t Nam",
        ] {
            assert_eq!(convert(s), None, "{s}");
        }
    }

    /// `convert` gives the words back from every encoding `detect` recognises, and nothing
    /// when `detect` does not recognise the text or it may be Unicode (TCVN3 "chÌ xanh").
    #[test]
    fn words_convert() {
        for enc in ALL {
            let mut converted = 0;
            for w in WORDS {
                let legacy = encode(w, enc);
                let got = convert(&legacy);
                match detect(&legacy) {
                    _ if convert::could_be_unicode(&legacy) => {
                        assert_eq!(got, None, "{enc:?} {legacy:?}")
                    }
                    None => assert_eq!(got, None, "{enc:?} {legacy:?}"),
                    Some(found) => {
                        let got = got.unwrap_or_else(|| panic!("{enc:?} {legacy:?}"));
                        assert_eq!(got.text, w, "{enc:?} {legacy:?}");
                        if found == enc {
                            assert_eq!(got.encoding, enc, "{legacy:?}");
                        }
                        converted += 1;
                    }
                }
            }
            // Of 58: TCVN3 misses "chè xanh" ("chÌ xanh", may be Unicode) and one `detect` does
            // not see; VNI and VIQR miss the ones whose marks `detect` does not count alone.
            let least = match enc {
                Legacy::Tcvn3 => 56,
                Legacy::Vni => 50,
                Legacy::Viqr => 48,
            };
            assert!(converted >= least, "{enc:?}: only {converted} converted");
        }
    }

    /// `detect` takes these TCVN3 texts for VNI (ë, ö after a vowel or alone); `convert` still
    /// reads them right: VNI changes nothing in the first, and leaves "á" unexplained in the second.
    #[test]
    fn converts_what_detect_misjudges() {
        assert_eq!(detect("thuë nhá"), Some(Legacy::Vni));
        let want = Converted {
            encoding: Legacy::Tcvn3,
            text: "thuở nhỏ".into(),
        };
        assert_eq!(convert("thuë nhá"), Some(want));
        assert_eq!(detect("sö dông nhá"), Some(Legacy::Vni));
        assert_eq!(decode("sö dông nhá", Legacy::Vni), "sư dơng nhá");
        let want = Converted {
            encoding: Legacy::Tcvn3,
            text: "sử dụng nhỏ".into(),
        };
        assert_eq!(convert("sö dông nhá"), Some(want));
    }

    /// Text that reads as valid Vietnamese as it stands, with only letters Latin-1 shares with
    /// Unicode, stays as it is; with any word that is not valid it is converted.
    #[test]
    fn leaves_what_may_be_unicode() {
        for s in ["bÔ", "chÌ xanh", "Hòa Bình", "cà phê"] {
            assert!(convert::could_be_unicode(s), "{s}");
            assert_eq!(convert(s), None, "{s}");
        }
        assert!(!convert::could_be_unicode("khuyÕn khÝch"));
        let got = convert("khuyÕn khÝch").map(|c| c.text);
        assert_eq!(got.as_deref(), Some("khuyến khích"));
        // Readable as Unicode letter by letter: one changed word is not enough.
        for s in ["kÊc", "NguyÔn"] {
            assert!(
                convert::latin1_only(s) && !convert::could_be_unicode(s),
                "{s}"
            );
            assert_eq!(convert(s), None, "{s}");
        }
        let got = convert("NguyÔn ViÕt").map(|c| c.text);
        assert_eq!(got.as_deref(), Some("Nguyễn Viết"));
        // Mixed case after decoding is no word: VNI would read "ùÔ" as "ùƠ".
        assert_eq!(decode("ùÔ", Legacy::Vni), "ùƠ");
        assert_eq!(convert("ùÔ"), None);
    }

    proptest::proptest! {
        /// Valid Unicode Vietnamese is never converted: the text of `never_flags_vietnamese_unicode`,
        /// and generated syllables (also in NFD).
        #[test]
        fn never_converts_vietnamese_unicode(
            words in proptest::collection::vec("[a-zA-ZàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐÀÁÂÊÔƠƯ]{1,7}[,.?!:]?", 1..8),
            text in syllable::gen::text(),
        ) {
            let mixed = words.join(" ");
            proptest::prop_assert_eq!(convert(&mixed), None, "{}", mixed);
            proptest::prop_assert_eq!(convert(&text), None, "{}", text);
            let nfd: String = unicode_normalization::UnicodeNormalization::nfd(text.as_str()).collect();
            proptest::prop_assert_eq!(convert(&nfd), None, "{}", nfd);
        }
    }
}
