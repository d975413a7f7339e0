//! Conversion between Unicode Vietnamese and the legacy encodings as Windows-1252 shows them:
//! `encode`, `decode`, and `convert` (detect, decode, and accept only valid Vietnamese).

use unicode_normalization::UnicodeNormalization;

use super::syllable::{is_vietnamese_syllable, vietnamese_score};
use super::tables::{is_latin1_vietnamese, is_legacy_char, table, VIQR_MARKS};
use super::{detect, is_unicode_vietnamese, Converted, Legacy};

/// What a VIQR mark char must follow to be escaped: a vowel or another mark.
const VIQR_ESCAPE_AFTER: &str = "aeiouy(^+`?~'.";

/// Unicode (NFC) Vietnamese -> the legacy form as Windows-1252 shows it (TCVN3 upper-case toned letters
/// use the lower-case byte, as .VnTimeH fonts do; VIQR escapes a mark char following a vowel with '\').
pub fn encode(s: &str, enc: Legacy) -> String {
    let table = table(enc);
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.nfc() {
        let after_vowel = out
            .chars()
            .next_back()
            .is_some_and(|p| VIQR_ESCAPE_AFTER.contains(p.to_ascii_lowercase()));
        if enc == Legacy::Viqr && VIQR_MARKS.contains(c) && after_vowel {
            out.push('\\');
            out.push(c);
        } else if let Some(form) = table.encode.get(&c) {
            out.push_str(form);
        } else {
            out.push(c);
        }
    }
    out
}

/// Legacy form (as Windows-1252 shows it) -> Unicode NFC. Characters that are not part of the encoding pass through unchanged.
///
/// Each letter is the longest legacy form found at its place (VNI "eä" is ệ, "ô" alone ơ). VIQR:
/// a vowel, its shape mark where the letter exists (a( a^ e^ o^ o+ u+), then a tone mark, so a
/// '.' or '?' right after a vowel is a tone, as RFC 1456 reads it ("e.g." gives "ẹg."); dd DD Dd
/// at the start of a word are đ Đ Đ; a backslash before a mark char is removed.
pub fn decode(s: &str, enc: Legacy) -> String {
    let decoded: String = decode_pieces(s, enc).iter().map(|p| p.c).collect();
    decoded.nfc().collect()
}

/// One char of a decoding.
#[derive(Clone, Copy)]
struct Piece {
    c: char,
    /// It comes from a legacy form (or a VIQR escape), not passed through.
    legacy: bool,
    /// It differs from the text it came from.
    changed: bool,
    /// Its case is unknown: a TCVN3 byte both cases share (decoded as lower case).
    caseless: bool,
}

impl Piece {
    fn kept(c: char) -> Self {
        Piece {
            c,
            legacy: false,
            changed: false,
            caseless: false,
        }
    }

    fn new(c: char, changed: bool) -> Self {
        Piece {
            c,
            legacy: true,
            changed,
            caseless: false,
        }
    }
}

/// True when the letters of a decoded word are all lower case, all upper case, or lower case
/// after the first (VNI "ùÔ" gives "ùƠ": no word). TCVN3 toned letters count as either case.
fn case_fits(word: &[Piece]) -> bool {
    let mut upper = word
        .iter()
        .filter(|p| !p.caseless)
        .map(|p| p.c.is_uppercase());
    let first = upper.next().unwrap_or(false);
    let rest: Vec<bool> = upper.collect();
    rest.iter().all(|&u| !u) || (first && rest.iter().all(|&u| u))
}

/// `decode` before NFC.
fn decode_pieces(s: &str, enc: Legacy) -> Vec<Piece> {
    let table = table(enc);
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut key = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if enc == Legacy::Viqr {
            if c == '\\' && next.is_some_and(|n| VIQR_MARKS.contains(n)) {
                out.extend(next.map(|n| Piece::new(n, true)));
                i += 2;
                continue;
            }
            // Only at the start of a word: "Buddha" stays (the table has dd for đ too).
            if matches!(c, 'd' | 'D') {
                let word_start = i == 0 || !chars[i - 1].is_alphabetic();
                let d = match (c, next) {
                    ('d', Some('d')) if word_start => 'đ',
                    ('D', Some('D' | 'd')) if word_start => 'Đ',
                    _ => {
                        out.push(Piece::kept(c));
                        i += 1;
                        continue;
                    }
                };
                out.push(Piece::new(d, true));
                i += 2;
                continue;
            }
        }
        let mut found = None;
        for len in (1..=table.longest.min(chars.len() - i)).rev() {
            key.clear();
            key.extend(&chars[i..i + len]);
            if let Some(&letter) = table.decode.get(key.as_str()) {
                found = Some((letter, len));
                break;
            }
        }
        match found {
            Some((letter, len)) => {
                let mut piece = Piece::new(letter, len > 1 || letter != c);
                // A TCVN3 byte the capital shares: "VIÖT" is "VIệT".
                let shared = |u: char| table.encode.get(&u) == table.encode.get(&letter);
                piece.caseless = letter.is_lowercase() && letter.to_uppercase().all(shared);
                out.push(piece);
                i += len;
            }
            None => {
                out.push(Piece::kept(c));
                i += 1;
            }
        }
    }
    out
}

/// True when the decoding changed at least `least` words, and every word (run of letters) it
/// changed or left a char of a legacy encoding in (VIQR leaving "aaÔ") is a valid Vietnamese
/// syllable in a normal case pattern.
fn decoded_words_are_vietnamese(pieces: &[Piece], least: usize) -> bool {
    let mut changed = 0;
    for word in pieces.split(|p| !p.c.is_alphabetic()) {
        let change = word.iter().any(|p| p.changed);
        let left = word.iter().any(|p| !p.legacy && is_legacy_char(p.c));
        if change || left {
            let text: String = word.iter().map(|p| p.c).collect();
            if !case_fits(word) || !is_vietnamese_syllable(&text) {
                return false;
            }
        }
        changed += usize::from(change);
    }
    changed >= least.max(1)
}

/// True when every non-ASCII char of `s` that belongs to a legacy encoding is a letter Latin-1
/// shares with Unicode Vietnamese (à á â ã è é ê ì í ò ó ô õ ù ú ý, capitals), and there is one:
/// then `s` can be read as Unicode letter by letter.
pub(super) fn latin1_only(s: &str) -> bool {
    s.chars().any(is_latin1_vietnamese)
        && s.chars()
            .all(|c| c.is_ascii() || is_latin1_vietnamese(c) || !is_legacy_char(c))
}

/// True when `s` may well be Unicode: [`latin1_only`], and every word with non-ASCII letters is
/// a valid syllable as it stands. "bÒ" is left alone, though TCVN3 would read "bề";
/// "khuyÕn khÝch" is converted ("khuyõn" is no syllable).
pub(super) fn could_be_unicode(s: &str) -> bool {
    latin1_only(s) && vietnamese_score(s).1 == 0
}

/// Detects and converts one text value. None when the text is not legacy-encoded, contains any letter
/// only Unicode Vietnamese has (then it is valid Unicode and must never be changed), or when no
/// candidate decoding yields valid Vietnamese: every word the decoding changed must be a valid
/// Vietnamese syllable (is_vietnamese_syllable). Tries the detected encoding first, then the other two.
///
/// In detail:
/// - "not legacy-encoded": [`detect`] does not recognise it, it has combining marks (decomposed
///   Unicode), or it could be Unicode (`could_be_unicode`);
/// - a decoding must also leave no invalid word holding a char of another legacy encoding, and
///   its words must be lower case, upper case or capitalised (TCVN3 toned letters fit any case);
/// - text readable as Unicode letter by letter (`latin1_only`) needs two changed words: one
///   ("kÊc", TCVN3 "kấc") is too little to say it is not Unicode, so a lone "NguyÔn" stays;
/// - of the candidates that pass, the one leaving the fewest non-ASCII chars unexplained (passed
///   through), then the fewest words with non-ASCII letters that are not syllables
///   ([`vietnamese_score`]) wins, the earlier one on a tie: TCVN3 "nghèp cuî" ("nghốp cuợ",
///   which `detect` takes for VNI) is not read as VNI "nghèp cuỵ".
pub fn convert(s: &str) -> Option<Converted> {
    if is_unicode_text(s) || could_be_unicode(s) {
        return None;
    }
    let least = if latin1_only(s) { 2 } else { 1 };
    let first = detect(s)?;
    let others = [Legacy::Tcvn3, Legacy::Vni, Legacy::Viqr]
        .into_iter()
        .filter(|&enc| enc != first);
    let mut best: Option<((usize, usize), Converted)> = None;
    for encoding in std::iter::once(first).chain(others) {
        let pieces = decode_pieces(s, encoding);
        if !decoded_words_are_vietnamese(&pieces, least) {
            continue;
        }
        let unexplained = pieces
            .iter()
            .filter(|p| !p.legacy && !p.c.is_ascii())
            .count();
        let text: String = pieces
            .iter()
            .map(|p| p.c)
            .collect::<String>()
            .nfc()
            .collect();
        let rank = (unexplained, vietnamese_score(&text).1);
        if best.as_ref().is_none_or(|(have, _)| rank < *have) {
            best = Some((rank, Converted { encoding, text }));
        }
    }
    best.map(|(_, converted)| converted)
}

/// Text that is Unicode beyond doubt: combining marks (decomposed Unicode) or a letter only
/// Unicode Vietnamese has.
fn is_unicode_text(s: &str) -> bool {
    s.chars().any(|c| ('\u{300}'..='\u{36F}').contains(&c)) || s.nfc().any(is_unicode_vietnamese)
}

/// Converts one value from an encoding known for certain (an 8-bit file in that encoding, or
/// the mapping file says so): text that would also read as Unicode Vietnamese ("Maõ hoà sô") is
/// converted too, since the bytes cannot be Unicode; letters only Unicode has, or combining
/// marks, still mean Unicode. None when the decoding changes nothing or a changed word is not a
/// valid Vietnamese syllable.
pub fn convert_known(s: &str, encoding: Legacy) -> Option<Converted> {
    if is_unicode_text(s) {
        return None;
    }
    converted_if_valid(s, encoding, 1)
}

/// Converts one value from the encoding most of its file is in (a hint, not a certainty): as
/// [`convert`] without detection, so text that may be Unicode is left alone.
pub fn convert_as(s: &str, encoding: Legacy) -> Option<Converted> {
    if is_unicode_text(s) || could_be_unicode(s) {
        return None;
    }
    converted_if_valid(s, encoding, if latin1_only(s) { 2 } else { 1 })
}

fn converted_if_valid(s: &str, encoding: Legacy, least: usize) -> Option<Converted> {
    let pieces = decode_pieces(s, encoding);
    if !pieces.iter().any(|p| p.changed) || !decoded_words_are_vietnamese(&pieces, least) {
        return None;
    }
    let text: String = pieces
        .iter()
        .map(|p| p.c)
        .collect::<String>()
        .nfc()
        .collect();
    Some(Converted { encoding, text })
}

#[cfg(test)]
mod tests {
    use super::super::syllable::gen::{self, WORDS};
    use super::*;
    use proptest::test_runner::TestCaseError;
    use proptest::{prop_assert, prop_assert_eq};

    const ALL: [Legacy; 3] = [Legacy::Tcvn3, Legacy::Vni, Legacy::Viqr];

    /// TCVN3 can only give back capitals that are ASCII or have their own byte.
    fn tcvn3_keeps_case(s: &str) -> bool {
        s.chars()
            .all(|c| !c.is_uppercase() || c.is_ascii() || "ĂÂÊÔƠƯĐ".contains(c))
    }

    #[test]
    fn words_cover_every_vietnamese_letter() {
        let text: String = WORDS.concat();
        for c in super::super::tables::VOWELS
            .iter()
            .flat_map(|(lower, _, _)| lower.iter())
            .chain(&['đ', 'Đ'])
        {
            assert!(text.contains(*c), "no {c}");
        }
        assert!(WORDS.iter().all(|w| tcvn3_keeps_case(w)));
    }

    #[test]
    fn words_round_trip() {
        for enc in ALL {
            for w in WORDS {
                let legacy = encode(w, enc);
                assert_ne!(legacy, w, "{enc:?}");
                assert_eq!(decode(&legacy, enc), w, "{enc:?} {legacy:?}");
            }
        }
    }

    /// VN3 has no bytes for upper-case letters with a tone: .VnTimeH fonts draw the lower-case
    /// byte as a capital, so "HÀ" and "Hà" are the same bytes and only lower case can come back.
    #[test]
    fn tcvn3_toned_capitals_come_back_lower_case() {
        let legacy = encode("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Legacy::Tcvn3);
        assert_eq!(legacy, "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM");
        assert_eq!(
            legacy,
            encode("CộNG HòA Xã HộI CHủ NGHĩA VIệT NAM", Legacy::Tcvn3)
        );
        let back = decode(&legacy, Legacy::Tcvn3);
        assert_eq!(back, "CộNG HòA Xã HộI CHủ NGHĩA VIệT NAM");
        // Capitals with their own byte keep their case.
        assert_eq!(
            decode(&encode("ĐƯỜNG ĂN", Legacy::Tcvn3), Legacy::Tcvn3),
            "ĐƯờNG ĂN"
        );
    }

    #[test]
    fn decodes_known_strings() {
        assert_eq!(decode("ViÖt Nam", Legacy::Tcvn3), "Việt Nam");
        assert_eq!(decode("Hµ Néi", Legacy::Tcvn3), "Hà Nội");
        assert_eq!(decode("NguyÔn V¨n An", Legacy::Tcvn3), "Nguyễn Văn An");
        assert_eq!(decode("§Æng", Legacy::Tcvn3), "Đặng");
        assert_eq!(decode("Vieät Nam", Legacy::Vni), "Việt Nam");
        assert_eq!(decode("Nöôùc", Legacy::Vni), "Nước");
        assert_eq!(
            decode("Ñaêng kyù khai sinh", Legacy::Vni),
            "Đăng ký khai sinh"
        );
        assert_eq!(decode("Vie^.t Nam", Legacy::Viqr), "Việt Nam");
        assert_eq!(decode("Thu+ DDu+'c", Legacy::Viqr), "Thư Đức");
        assert_eq!(decode("Co' kho^ng?", Legacy::Viqr), "Có không?");
        assert_eq!(decode("DDi dda^u\\?", Legacy::Viqr), "Đi đâu?");
        assert_eq!(decode("Ddi", Legacy::Viqr), "Đi");
    }

    #[test]
    fn viqr_marks_and_escapes() {
        // A mark char after a vowel is escaped, elsewhere it is left alone.
        assert_eq!(encode("Đi đâu?", Legacy::Viqr), "DDi dda^u\\?");
        assert_eq!(encode("Có không?", Legacy::Viqr), "Co' kho^ng?");
        assert_eq!(encode("Ư.", Legacy::Viqr), "U+\\.");
        // Shape marks only where the letter exists; the mark stays as it is.
        assert_eq!(decode("i^ u(", Legacy::Viqr), "i^ u(");
        // A '.' after a vowel is a tone (RFC 1456); `convert` rejects the result.
        assert_eq!(decode("e.g.", Legacy::Viqr), "ẹg.");
        // dd only at the start of a word: "Buddha" stays.
        assert_eq!(decode("Buddha ddi", Legacy::Viqr), "Buddha đi");
    }

    #[test]
    fn passes_through_what_is_not_in_the_encoding() {
        assert_eq!(decode("abc 123 [x]", Legacy::Tcvn3), "abc 123 [x]");
        assert_eq!(decode("Ngày 1/2, xem:", Legacy::Vni), "Ngày 1/2, xem:");
        assert_eq!(decode("Müller", Legacy::Vni), "Müller");
        assert_eq!(decode("a=b; c\\d", Legacy::Viqr), "a=b; c\\d");
    }

    proptest::proptest! {
        /// encode -> decode gives generated Vietnamese text back. `convert` gives it back too
        /// when `detect` names the right encoding; when it names another, `convert` still gives
        /// valid Vietnamese, and a different text only from the encoding `detect` named (a
        /// few texts read validly in both TCVN3 and VNI: VNI "khæ" is "khỉ", TCVN3 "khổ").
        #[test]
        fn generated_text_round_trips(text in gen::text()) {
            for enc in ALL {
                let text = if enc == Legacy::Tcvn3 && !tcvn3_keeps_case(&text) {
                    text.to_lowercase()
                } else {
                    text.clone()
                };
                let legacy = encode(&text, enc);
                prop_assert_eq!(&decode(&legacy, enc), &text, "{:?} {:?}", enc, legacy);
                let Some(found) = detect(&legacy) else {
                    prop_assert_eq!(convert(&legacy), None);
                    continue;
                };
                if could_be_unicode(&legacy) {
                    prop_assert_eq!(convert(&legacy), None);
                    continue;
                }
                // Readable as Unicode letter by letter: one changed word is not enough.
                let words = legacy.split(' ').filter(|&w| decode(w, enc) != w).count();
                if latin1_only(&legacy) && words < 2 {
                    prop_assert_eq!(convert(&legacy), None);
                    continue;
                }
                let got = convert(&legacy);
                let Some(got) = got else {
                    return Err(TestCaseError::fail(format!("{enc:?} {legacy:?}: not converted")));
                };
                if found == enc {
                    prop_assert_eq!(&got.text, &text, "{:?}", legacy);
                    prop_assert_eq!(got.encoding, enc);
                } else {
                    prop_assert!(got.text == text || got.encoding == found, "{:?} {:?}", legacy, got);
                    prop_assert_eq!(vietnamese_score(&got.text).1, 0, "{:?}", got);
                }
            }
        }
    }
}
