//! Vietnamese syllable check: whether a word can be one written Vietnamese syllable (onset,
//! vowel nucleus, coda, one tone mark); used to accept or reject a legacy decoding.

use unicode_normalization::UnicodeNormalization;

use super::tables::VOWELS;

/// Initial consonants (the empty onset is tried as well).
pub(crate) const ONSETS: [&str; 27] = [
    "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
    "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
];
/// Nuclei that end the syllable: they end in a glide (tai, khuỷu), or are ia ua ưa uya, the open
/// forms of iê uô ươ uyê (kìa, mua, mưa, khuya), or uơ (thuở).
pub(crate) const OPEN_NUCLEI: [&str; 31] = [
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ui", "ưi", "ưu",
    "ua", "ưa", "uơ", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya",
    "uyu",
];
/// Nuclei that need a coda (ăn, ân, tiên, yên, muốn, đường, hoặc, xuân, chuyện, xoong).
pub(crate) const CLOSED_NUCLEI: [&str; 10] =
    ["ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo"];
/// Nuclei with or without a coda.
pub(crate) const FREE_NUCLEI: [&str; 14] = [
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy",
];
/// Final consonants.
pub(crate) const CODAS: [&str; 8] = ["c", "ch", "m", "n", "ng", "nh", "p", "t"];
/// The nuclei nh and ch may follow.
const NH_CH_NUCLEI: [&str; 6] = ["a", "ê", "i", "oa", "uê", "uy"];
/// Codas that allow only the sắc and nặng tones.
const STOP_CODAS: [&str; 4] = ["c", "ch", "p", "t"];
/// Tone numbers as the columns of [`VOWELS`].
const SAC: usize = 4;
const NANG: usize = 5;

/// The toneless lower-case letter of `c` and its tone (0 for none); `c` itself when not a vowel.
fn split_tone(c: char) -> (char, usize) {
    VOWELS
        .iter()
        .find_map(|(lower, _, _)| lower.iter().position(|&v| v == c).map(|i| (lower[0], i)))
        .unwrap_or((c, 0))
}

/// True for one Vietnamese syllable in any case (NFC): an optional onset, a valid vowel nucleus,
/// an optional coda (c ch p t only with sắc or nặng) and at most one tone mark, placed on any
/// vowel of the nucleus (old and new placement: "hoà" and "hòa" are both accepted).
pub fn is_vietnamese_syllable(word: &str) -> bool {
    let mut bare = String::new();
    let mut tones = 0;
    let mut tone = 0;
    for c in word.nfc().flat_map(char::to_lowercase) {
        let (base, t) = split_tone(c);
        if !"abcdđeghiklmnopqrstuvxyăâêôơư".contains(base) {
            return false;
        }
        if t != 0 {
            tones += 1;
            tone = t;
        }
        bare.push(base);
    }
    tones <= 1
        && std::iter::once("")
            .chain(ONSETS)
            .filter_map(|onset| bare.strip_prefix(onset).map(|rhyme| (onset, rhyme)))
            // After qu the u is the glide of the rhyme: quỳnh is qu + (u)ynh, like huỳnh.
            .any(|(onset, rhyme)| {
                valid_rhyme(rhyme, tone)
                    || (onset == "qu" && valid_rhyme(&format!("u{rhyme}"), tone))
            })
}

/// Whether `coda` may follow `nucleus` (both valid): nh and ch only after a ê i oa uê uy
/// (anh ênh inh oanh uênh uynh, ach êch ich oach uêch uych).
pub(crate) fn coda_fits(nucleus: &str, coda: &str) -> bool {
    !matches!(coda, "nh" | "ch") || NH_CH_NUCLEI.contains(&nucleus)
}

/// Nucleus + coda, with the tone of the syllable.
fn valid_rhyme(rhyme: &str, tone: usize) -> bool {
    let stop_tone = tone == SAC || tone == NANG;
    OPEN_NUCLEI.iter().chain(&FREE_NUCLEI).any(|&n| n == rhyme)
        || CLOSED_NUCLEI.iter().chain(&FREE_NUCLEI).any(|&n| {
            rhyme.strip_prefix(n).is_some_and(|coda| {
                CODAS.contains(&coda)
                    && coda_fits(n, coda)
                    && (stop_tone || !STOP_CODAS.contains(&coda))
            })
        })
}

/// Scores a whole text as Vietnamese: (valid syllables with a diacritic, words with non-ASCII
/// letters that are not valid syllables). Words are runs of letters.
pub fn vietnamese_score(s: &str) -> (usize, usize) {
    let text: String = s.nfc().collect();
    let (mut good, mut bad) = (0, 0);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.is_ascii() {
            continue;
        }
        if is_vietnamese_syllable(word) {
            good += 1;
        } else {
            bad += 1;
        }
    }
    (good, bad)
}

/// Test data for this module and its siblings: real words, random valid syllables.
#[cfg(test)]
pub(crate) mod gen {
    use super::*;
    use proptest::prelude::*;

    /// Real words and names: together every toned vowel letter, ă â ê ô ơ ư and đ Đ. Their only
    /// capitals are ASCII letters or Đ, so TCVN3 keeps them too.
    #[rustfmt::skip]
    pub(crate) const WORDS: [&str; 58] = [
        "Nguyễn Văn Đức", "Việt Nam", "Hà Nội", "Thừa Thiên Huế", "khuyến khích", "người",
        "đăng ký khai sinh", "ủy ban nhân dân", "quyết định", "giấy chứng nhận quyền sử dụng đất",
        "Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc",
        "Thành phố Hồ Chí Minh", "tỉnh Bắc Ninh", "Đặng Thị Thuỷ", "Trần Thị Thủy",
        "Phạm Ngọc Thạch", "Lê Thị Hồng Nhung", "hợp đồng mua bán", "trẻ em", "chè xanh",
        "vẽ bản đồ", "xét duyệt", "mẹ và con", "để lại", "tỉnh Phú Yên", "thị trấn",
        "nhỏ và rõ ràng", "có học", "chỗ ở", "số nhà", "giúp đỡ", "nước sạch", "cù lao",
        "hồ sơ cũ", "thực hiện", "giữ gìn", "kỳ họp", "khuỷu tay", "Mỹ Tho", "Thuỵ Khuê",
        "lẵng hoa", "chẳng hạn", "thẩm quyền", "hướng dẫn", "cần thiết", "đường Điện Biên Phủ",
        "Bình Dương", "khoẻ mạnh", "hoặc", "thuở nhỏ", "Đồng Tháp", "Quảng Ngãi", "Đà Nẵng",
        "Cần Thơ", "bằng tốt nghiệp", "tổ dân phố", "có không",
    ];

    /// Every (nucleus, coda) pair the rules allow.
    fn rhymes() -> Vec<(&'static str, &'static str)> {
        let mut out: Vec<(&str, &str)> = OPEN_NUCLEI.iter().map(|&n| (n, "")).collect();
        for &n in CLOSED_NUCLEI.iter().chain(&FREE_NUCLEI) {
            out.extend(CODAS.iter().filter(|&&c| coda_fits(n, c)).map(|&c| (n, c)));
        }
        out.extend(FREE_NUCLEI.iter().map(|&n| (n, "")));
        out
    }

    /// `c` with `tone` (a column of [`VOWELS`]).
    fn with_tone(c: char, tone: usize) -> char {
        VOWELS
            .iter()
            .find(|(lower, _, _)| lower[0] == c)
            .map_or(c, |(lower, _, _)| lower[tone])
    }

    /// One lower-case or capitalised NFC syllable, the tone on any vowel of the nucleus.
    pub(crate) fn syllable() -> impl Strategy<Value = String> {
        let onsets: Vec<&str> = std::iter::once("").chain(ONSETS).collect();
        (
            proptest::sample::select(onsets),
            proptest::sample::select(rhymes()),
            0..6usize,
            any::<proptest::sample::Index>(),
            any::<bool>(),
        )
            .prop_map(|(onset, (nucleus, coda), tone, at, capital)| {
                let tone = if STOP_CODAS.contains(&coda) {
                    [SAC, NANG][tone % 2]
                } else {
                    tone
                };
                let at = at.index(nucleus.chars().count());
                let nucleus: String = nucleus
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if i == at { with_tone(c, tone) } else { c })
                    .collect();
                let word = format!("{onset}{nucleus}{coda}");
                if capital {
                    let mut chars = word.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                        .unwrap_or_default()
                } else {
                    word
                }
            })
    }

    /// Text of 1 to 8 syllables, some followed by punctuation.
    pub(crate) fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            (
                syllable(),
                proptest::sample::select(vec!["", "", "", ",", ".", "?", "!", ":"]),
            ),
            1..8,
        )
        .prop_map(|words| {
            let words: Vec<String> = words.into_iter().map(|(w, p)| w + p).collect();
            words.join(" ")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_vietnamese_syllables() {
        for w in [
            "nghiêng", "khuỷu", "người", "quyển", "giữ", "hoà", "hòa", "thuỷ", "thủy", "Đức",
            "ĐỨC", "Việt", "Nam", "khuya", "xoong", "chuyện", "gì", "giếng", "ăn", "ý", "oẳn",
            "rượu", "quốc", "học", "tiếp", "Nguyễn", "Quỳnh", "huỳnh", "quýt",
        ] {
            assert!(is_vietnamese_syllable(w), "{w}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_syllable() {
        for w in [
            "ẹg",
            "ạb",
            "xyz",
            "tiêngs",
            "ngh",
            "aaa",
            "cát\u{301}",
            "",
            "e.g",
            "Müller",
            "café",
            // a stop coda with a tone other than sắc/nặng
            "càt",
            "hỏc",
            "tach",
            // ă, â, iê, uô need a coda; ia, ua, ưa take none
            "tă",
            "tiê",
            "muô",
            "kian",
            // two tone marks
            "hóà",
        ] {
            assert!(!is_vietnamese_syllable(w), "{w}");
        }
    }

    #[test]
    fn real_words_are_syllables() {
        for word in gen::WORDS.iter().flat_map(|w| w.split([' ', '-'])) {
            assert!(word.is_empty() || is_vietnamese_syllable(word), "{word}");
        }
    }

    #[test]
    fn scores_text() {
        assert_eq!(vietnamese_score("Việt Nam, Hà Nội"), (3, 0));
        assert_eq!(vietnamese_score("ViÖt Nam, Hµ Néi"), (0, 3));
        assert_eq!(vietnamese_score("Vieät Nam"), (0, 1));
        assert_eq!(vietnamese_score("abc 123"), (0, 0));
    }

    proptest::proptest! {
        /// Every generated syllable is accepted, lower case, capitalised or all upper case.
        #[test]
        fn generated_syllables_are_valid(w in gen::syllable()) {
            proptest::prop_assert!(is_vietnamese_syllable(&w), "{}", w);
            proptest::prop_assert!(is_vietnamese_syllable(&w.to_uppercase()), "{}", w);
        }

        /// A syllable followed by a letter no coda ends in is rejected.
        #[test]
        fn trailing_letters_outside_the_codas_are_rejected(w in gen::syllable(), extra in "[bdđklqrsvx]") {
            let longer = format!("{w}{extra}");
            proptest::prop_assert!(!is_vietnamese_syllable(&longer), "{}", longer);
        }
    }
}
