//! Vietnamese text analysis: NFC text split into words and lowercased (`vi`), and the same
//! with every tone and vowel mark folded away, đ -> d (`vi_folded`); codes lowercased whole.

use std::str::CharIndices;
#[cfg(test)]
use tantivy::tokenizer::RemoveLongFilter;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;

/// Exact form: words as written, lowercased.
pub const VI: &str = "vi";
/// Folded form: without diacritics, so "nguyen" finds "Nguyễn".
pub const VI_FOLDED: &str = "vi_folded";
/// Codes (case codes, procedure codes, agency codes): one lowercased token.
pub const CODE: &str = "code";
/// Words of this many bytes or more are left out (tantivy's `RemoveLongFilter`).
const MAX_WORD_BYTES: usize = 40;

/// NFC-normalizes text: tantivy's folding only handles precomposed letters, and NFD input
/// would be split at combining marks.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

pub fn vi() -> TextAnalyzer {
    TextAnalyzer::from(VietTokenizer::new(Form::Exact))
}

pub fn vi_folded() -> TextAnalyzer {
    TextAnalyzer::from(VietTokenizer::new(Form::Folded))
}

/// What the index makes of folded texts: words, and pairs of common words (for phrases).
pub fn vi_folded_with_pairs() -> TextAnalyzer {
    TextAnalyzer::from(VietTokenizer::new(Form::FoldedWithPairs))
}

/// `vi` as tantivy's filters make it (the reference [`VietTokenizer`] must agree with).
#[cfg(test)]
pub fn vi_composed() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .build()
}

/// `vi_folded` as tantivy's filters make it.
#[cfg(test)]
pub fn vi_folded_composed() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
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
/// Unicode lookup was an eighth of all indexing work. The index uses [`VietTokenizer`], which
/// splits words the same way in its one pass; this is the reference the tests hold it to.
#[cfg(test)]
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

#[cfg(test)]
pub struct WordTokenStream<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    token: &'a mut Token,
}

#[cfg(test)]
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

#[cfg(test)]
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

/// Lowercase and folded forms of the letters Vietnamese is written in (Latin-1, Latin
/// Extended-A and -B, Latin Extended Additional), as tantivy's `LowerCaser` and
/// `AsciiFoldingFilter` make them: both work letter by letter, so a table per letter gives
/// the same words without a Unicode lookup per letter (that was an eighth of all indexing).
struct LetterTable {
    lower: Vec<Box<str>>,
    folded: Vec<Box<str>>,
}

const TABLE_LATIN: std::ops::Range<u32> = 0x80..0x250;
const TABLE_ADDITIONAL: std::ops::Range<u32> = 0x1E00..0x1F00;

fn table_slot(c: char) -> Option<usize> {
    let c = c as u32;
    if TABLE_LATIN.contains(&c) {
        Some((c - TABLE_LATIN.start) as usize)
    } else if TABLE_ADDITIONAL.contains(&c) {
        Some((c - TABLE_ADDITIONAL.start) as usize + TABLE_LATIN.len())
    } else {
        None
    }
}

/// One letter through tantivy's filters (the whole text as one token).
fn through(filters: &mut TextAnalyzer, c: char, out: &mut String) {
    let text = c.to_string();
    let mut stream = filters.token_stream(&text);
    while stream.advance() {
        out.push_str(&stream.token().text);
    }
}

fn letter_filters(fold: bool) -> TextAnalyzer {
    let b = TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser);
    if fold {
        b.filter(AsciiFoldingFilter).build()
    } else {
        b.build()
    }
}

fn letter_table() -> &'static LetterTable {
    static TABLE: std::sync::OnceLock<LetterTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let (mut lower, mut folded) = (letter_filters(false), letter_filters(true));
        let mut table = LetterTable {
            lower: Vec::new(),
            folded: Vec::new(),
        };
        for c in TABLE_LATIN.chain(TABLE_ADDITIONAL) {
            let c = char::from_u32(c).unwrap_or(' ');
            let (mut l, mut f) = (String::new(), String::new());
            through(&mut lower, c, &mut l);
            through(&mut folded, c, &mut f);
            table.lower.push(l.into());
            table.folded.push(f.into());
        }
        table
    })
}

/// What a [`VietTokenizer`] makes of the words of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Each word lowercased ([`VI`]).
    Exact,
    /// Each word lowercased and folded ([`VI_FOLDED`]).
    Folded,
    /// Each word lowercased and folded, and after a common word that follows another, the
    /// two as one token `"quyen su"` at the first one's position, two positions long
    /// ([`VI_FOLDED`] in the index; see [`crate::common_words`]).
    FoldedWithPairs,
}

/// Words (runs of [`is_word_char`]) lowercased, and folded when asked, in one pass: `Exact` and
/// `Folded` give the same tokens, positions and offsets as `WordTokenizer` +
/// `RemoveLongFilter` + `LowerCaser` (+ `AsciiFoldingFilter`), several times faster on
/// Vietnamese text.
#[derive(Clone)]
pub struct VietTokenizer {
    form: Form,
    token: Token,
    /// For letters outside the table (other scripts): tantivy's filters, one letter at a time.
    slow: Option<TextAnalyzer>,
}

impl VietTokenizer {
    pub fn new(form: Form) -> VietTokenizer {
        VietTokenizer {
            form,
            token: Token::default(),
            slow: None,
        }
    }
}

pub struct VietTokenStream<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    form: Form,
    table: &'static LetterTable,
    token: &'a mut Token,
    slow: &'a mut Option<TextAnalyzer>,
    /// Position of the last word read (as tantivy's filters count them).
    position: usize,
    /// `FoldedWithPairs`: the previous word when it is common, its position and start.
    previous: String,
    last: Option<(usize, usize)>,
    /// `FoldedWithPairs`: the pair to give next (its text is in `pair`).
    pending: Option<(usize, usize, usize)>,
    pair: String,
}

impl Tokenizer for VietTokenizer {
    type TokenStream<'a> = VietTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VietTokenStream<'a> {
        self.token.reset();
        VietTokenStream {
            text,
            chars: text.char_indices(),
            form: self.form,
            table: letter_table(),
            token: &mut self.token,
            slow: &mut self.slow,
            position: usize::MAX,
            previous: String::new(),
            last: None,
            pending: None,
            pair: String::new(),
        }
    }
}

impl VietTokenStream<'_> {
    /// The next word short enough to index: where it is and its position (a word left out
    /// for its length still takes a position, as with `RemoveLongFilter`).
    fn next_word(&mut self) -> Option<(usize, usize, usize)> {
        while let Some((from, c)) = self.chars.next() {
            if !is_word_char(c) {
                continue;
            }
            let to = self
                .chars
                .find(|(_, c)| !is_word_char(*c))
                .map(|(o, _)| o)
                .unwrap_or(self.text.len());
            self.position = self.position.wrapping_add(1);
            if to - from < MAX_WORD_BYTES {
                return Some((from, to, self.position));
            }
        }
        None
    }

    /// After a folded word: when it and the word before it are common, the pair to give
    /// next; the word kept as the one before the next.
    fn remember(&mut self, word: &str, position: usize, from: usize, to: usize) {
        if !crate::common_words::is_common(word) {
            self.last = None;
            return;
        }
        if let Some((at, start)) = self.last {
            if at.wrapping_add(1) == position {
                self.pair.clear();
                self.pair.push_str(&self.previous);
                self.pair.push(' ');
                self.pair.push_str(word);
                self.pending = Some((at, start, to));
            }
        }
        self.previous.clear();
        self.previous.push_str(word);
        self.last = Some((position, from));
    }

    /// Appends a word, lowercased and folded if asked, to `out`.
    fn push_word(&mut self, word: std::ops::Range<usize>, fold: bool, out: &mut String) {
        let forms = if fold {
            &self.table.folded
        } else {
            &self.table.lower
        };
        for c in self.text[word].chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if let Some(slot) = table_slot(c) {
                out.push_str(&forms[slot]);
            } else {
                let slow = self.slow.get_or_insert_with(|| letter_filters(fold));
                through(slow, c, out);
            }
        }
    }
}

impl TokenStream for VietTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some((at, from, to)) = self.pending.take() {
            std::mem::swap(&mut self.token.text, &mut self.pair);
            self.token.position = at;
            self.token.position_length = 2;
            self.token.offset_from = from;
            self.token.offset_to = to;
            return true;
        }
        self.token.position_length = 1;
        if let Some((from, to, position)) = self.next_word() {
            let mut text = std::mem::take(&mut self.token.text);
            text.clear();
            self.push_word(from..to, self.form != Form::Exact, &mut text);
            if self.form == Form::FoldedWithPairs {
                self.remember(&text, position, from, to);
            }
            self.token.text = text;
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = position;
            return true;
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
    m.register(VI_FOLDED, vi_folded_with_pairs());
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

    /// Tokens with their positions and offsets.
    fn detailed(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn one_pass_analyzers_agree_with_tantivys_filters(s in "\\PC{0,80}") {
            proptest::prop_assert_eq!(detailed(&mut vi(), &s), detailed(&mut vi_composed(), &s));
            proptest::prop_assert_eq!(
                detailed(&mut vi_folded(), &s),
                detailed(&mut vi_folded_composed(), &s)
            );
        }
    }

    #[test]
    fn one_pass_analyzers_agree_on_every_letter_and_long_words() {
        let mut text = String::new();
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            text.push(c);
            text.push(' ');
            text.push(c);
            text.push('a');
            text.push(' ');
        }
        text.push_str(" Đ ǅ İstanbul ΣΑΣ ß ﬁ ");
        text.push_str(&"ấ".repeat(13));
        text.push(' ');
        text.push_str(&"ấ".repeat(14));
        text.push_str(" sau");
        assert_eq!(
            detailed(&mut vi(), &text),
            detailed(&mut vi_composed(), &text)
        );
        assert_eq!(
            detailed(&mut vi_folded(), &text),
            detailed(&mut vi_folded_composed(), &text)
        );
    }

    #[test]
    fn common_words_in_a_row_are_also_pairs_that_never_span_a_left_out_word() {
        let long = "x".repeat(45);
        let text = format!("Quyền sử dụng, đất {long} ở xyz nhà");
        let t = |s: &str, p, a, b| (s.to_string(), p, a, b);
        assert_eq!(
            detailed(&mut vi_folded_with_pairs(), &text),
            [
                t("quyen", 0, 0, 7),
                t("su", 1, 8, 12),
                t("quyen su", 0, 0, 12),
                t("dung", 2, 13, 19),
                t("su dung", 1, 8, 19),
                t("dat", 3, 21, 27),
                t("dung dat", 2, 13, 27),
                t("o", 5, 74, 77),
                t("xyz", 6, 78, 81),
                t("nha", 7, 82, 86),
            ]
        );
        // Without the pairs, the words are those of `vi_folded`.
        let words: Vec<String> = tokens(&mut vi_folded_with_pairs(), &text)
            .into_iter()
            .filter(|w| !w.contains(' '))
            .collect();
        assert_eq!(words, tokens(&mut vi_folded(), &text));
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
