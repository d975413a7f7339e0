//! Vietnamese text analysis: NFC text split into words and lowercased (`vi`), and the same
//! with every tone and vowel mark folded away, đ -> d (`vi_folded`); codes lowercased whole.

use std::str::CharIndices;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;

/// Exact form: words as written, lowercased.
pub const VI: &str = "vi";
/// Folded form: without diacritics, so "nguyen" finds "Nguyễn".
pub const VI_FOLDED: &str = "vi_folded";
/// Codes (case codes, procedure codes, agency codes): one lowercased token.
pub const CODE: &str = "code";

/// NFC-normalizes text: tantivy's folding only handles precomposed letters, and NFD input
/// would be split at combining marks.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

pub fn vi() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

pub fn vi_folded() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn code() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Splits text into words exactly like tantivy's `SimpleTokenizer` (runs of alphanumeric
/// characters), with a fast path for the Latin blocks Vietnamese is written in: the general
/// Unicode lookup was an eighth of all indexing work.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// `char::is_alphanumeric`, answered without a table lookup for ASCII and Vietnamese letters.
#[inline]
pub fn is_word_char(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        // Latin-1 letters (not × ÷), Latin Extended-A and -B: ă â đ ê ô ơ ư and friends.
        0xC0..=0x24F => c != '\u{D7}' && c != '\u{F7}',
        // Latin Extended Additional: every precomposed letter with a tone mark (ạ ả ấ … ỹ).
        0x1E00..=0x1EFF => true,
        _ => c.is_alphanumeric(),
    }
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            chars: text.char_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        while let Some((from, c)) = self.chars.next() {
            if is_word_char(c) {
                let to = self
                    .chars
                    .find(|(_, c)| !is_word_char(*c))
                    .map(|(o, _)| o)
                    .unwrap_or(self.text.len());
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.text.push_str(&self.text[from..to]);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Registers the analyzers on an index.
pub fn register(index: &tantivy::Index) {
    let m = index.tokenizers();
    m.register(VI, vi());
    m.register(VI_FOLDED, vi_folded());
    m.register(CODE, code());
}

/// Tokens of `text` (NFC first) under an analyzer.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let text = nfc(text);
    let mut stream = analyzer.token_stream(&text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_vietnamese_letter_including_d_bar() {
        let mut f = vi_folded();
        assert_eq!(
            tokens(&mut f, "NGUYỄN Văn Đức, quyền sử dụng đất"),
            ["nguyen", "van", "duc", "quyen", "su", "dung", "dat"]
        );
        let mut e = vi();
        assert_eq!(tokens(&mut e, "NGUYỄN Văn Đức"), ["nguyễn", "văn", "đức"]);
    }

    proptest::proptest! {
        #[test]
        fn splits_exactly_like_tantivys_simple_tokenizer(s in "\\PC{0,80}") {
            let mut ours = TextAnalyzer::builder(WordTokenizer::default()).build();
            let mut theirs = TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default()).build();
            proptest::prop_assert_eq!(tokens(&mut ours, &s), tokens(&mut theirs, &s));
        }

        #[test]
        fn fast_path_agrees_with_unicode(c in proptest::char::any()) {
            proptest::prop_assert_eq!(is_word_char(c), c.is_alphanumeric());
        }
    }

    #[test]
    fn fast_path_agrees_with_unicode_on_every_latin_code_point() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn nfd_text_tokenizes_like_nfc() {
        let nfd: String = "Nguyễn Thị Thủy".nfd().collect();
        assert_eq!(
            tokens(&mut vi(), &nfd),
            tokens(&mut vi(), "Nguyễn Thị Thủy")
        );
        assert_eq!(tokens(&mut vi_folded(), &nfd), ["nguyen", "thi", "thuy"]);
    }
}
