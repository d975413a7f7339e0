//! Vietnamese text analysis: NFC text split into words and lowercased (`vi`), and the same
//! with every tone and vowel mark folded away, đ -> d (`vi_folded`); codes lowercased whole.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    TokenStream,
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
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

pub fn vi_folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
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
