//! The query language people type: words (AND), "phrases", prefix* on codes, -exclusions and
//! field:value, with or without diacritics, in NFC or NFD. Each word matches its exact form
//! (boosted, so exact diacritics rank first) or its folded form, or a code, or a CCCD.

use crate::analyzer::{nfc, tokens, vi, vi_folded};
use crate::privacy::{looks_like_id, IdKey};
use crate::schema::Fields;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// One piece of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub negated: bool,
    /// Canonical field name (`applicant`, `title`, `procedure`, `agency`, `docs`, `code`,
    /// `id`, `text`) or `None` for everywhere.
    pub field: Option<&'static str>,
    pub value: String,
    pub phrase: bool,
    pub prefix: bool,
}

/// Field names people may type, Vietnamese (folded) or English.
const FIELD_ALIASES: &[(&str, &str)] = &[
    ("nguoi_nop", "applicant"),
    ("applicant", "applicant"),
    ("tieu_de", "title"),
    ("title", "title"),
    ("thu_tuc", "procedure"),
    ("procedure", "procedure"),
    ("co_quan", "agency"),
    ("agency", "agency"),
    ("tai_lieu", "docs"),
    ("docs", "docs"),
    ("ma", "code"),
    ("code", "code"),
    ("cccd", "id"),
    ("id", "id"),
    ("noi_dung", "text"),
    ("text", "text"),
];

fn field_alias(name: &str) -> Option<&'static str> {
    let key = sohoa_archive::text::header_key(name);
    FIELD_ALIASES
        .iter()
        .find(|(a, _)| *a == key)
        .map(|(_, f)| *f)
}

/// Identity numbers typed in groups (`040 093 878 972`, `0400.9387.8972`) joined into one word,
/// so that they are looked up whole (by keyed hash), never as loose groups of digits.
fn join_ids(input: &str) -> String {
    let found = crate::privacy::find_ids(input);
    if found.is_empty() {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut at = 0;
    for f in found {
        out.push_str(&input[at..f.span.start]);
        out.push_str(&f.digits);
        at = f.span.end;
    }
    out.push_str(&input[at..]);
    out
}

/// Codes typed with spaces around their dots and dashes (`000.00.15.H12 - 250703 - 0004`,
/// `250703 - 0004`) joined, so that they are looked up whole: a `-` or `.` with a digit on one
/// side and a letter or digit on the other loses the spaces around it.
fn join_codes(input: &str) -> String {
    let chars: Vec<char> = input.chars().collect();
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            // Spaces before a separator that joins two code parts.
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if j < chars.len() && matches!(chars[j], '-' | '.') && joins(&chars, &out, j) {
                i = j;
                continue;
            }
            out.push(c);
            i += 1;
        } else if matches!(c, '-' | '.') && joins(&chars, &out, i) {
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether the separator at `at` sits between code parts: the text before it (already
/// written, spaces trimmed) ends with an ASCII letter or digit, the next non-space char is one,
/// and at least one of the two is a digit.
fn joins(chars: &[char], before: &str, at: usize) -> bool {
    let prev = before.trim_end().chars().next_back();
    let next = chars[at + 1..].iter().find(|c| !c.is_whitespace()).copied();
    let space_before = at > 0 && chars[at - 1].is_whitespace();
    let space_after = chars.get(at + 1).is_some_and(|c| c.is_whitespace());
    if chars[at] == '-' && space_before && !space_after {
        // ` -word` excludes a word.
        return false;
    }
    match (prev, next) {
        (Some(p), Some(n)) => {
            p.is_ascii_alphanumeric()
                && n.is_ascii_alphanumeric()
                && (p.is_ascii_digit() || n.is_ascii_digit())
                && before.ends_with(|c: char| c.is_ascii_alphanumeric() || c.is_whitespace())
        }
        _ => false,
    }
}

/// True when a clause is an identity number: it is looked up by keyed hash only.
fn is_id_clause(c: &Clause) -> bool {
    c.field == Some("id") || (c.field.is_none() && !c.phrase && looks_like_id(&c.value))
}

/// True when the query asks for an identity number (which needs the identifier key).
pub fn asks_for_an_id(input: &str) -> bool {
    parse(input).iter().any(is_id_clause)
}

/// Splits a query into clauses. Quotes make phrases; a leading `-` excludes; `name:` names a
/// field; a trailing `*` asks for a prefix.
pub fn parse(input: &str) -> Vec<Clause> {
    let input = join_codes(&join_ids(&nfc(input)));
    let mut clauses = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut negated = false;
        if first == '-' {
            negated = true;
            chars.next();
        }
        // Optional field name.
        let mut word = String::new();
        let mut field = None;
        let mut phrase = false;
        loop {
            match chars.peek().copied() {
                Some('"') if word.is_empty() || field.is_some() && word.is_empty() => {
                    chars.next();
                    phrase = true;
                    for c in chars.by_ref() {
                        if c == '"' {
                            break;
                        }
                        word.push(c);
                    }
                    break;
                }
                Some(':') if field.is_none() && field_alias(&word).is_some() => {
                    chars.next();
                    field = field_alias(&word);
                    word.clear();
                }
                Some(c) if c.is_whitespace() => break,
                Some(c) => {
                    word.push(c);
                    chars.next();
                }
                None => break,
            }
        }
        let prefix = !phrase && word.len() > 1 && word.ends_with('*');
        if prefix {
            word.pop();
        }
        if !word.trim().is_empty() {
            clauses.push(Clause {
                negated,
                field,
                value: word,
                phrase,
                prefix,
            });
        }
    }
    clauses
}

/// One folded word, or a phrase of them. A phrase is looked up with the pairs of common words
/// the index has (see `common_words`): each two common words in a row are one term, the other
/// words are themselves, each at its offset, so that the pairs' few positions are read instead
/// of the many of common words. It matches exactly where the words are in a row.
fn term_or_phrase(field: Field, toks: &[String]) -> Option<Box<dyn Query>> {
    let terms = phrase_terms(field, toks);
    match terms.len() {
        0 => None,
        1 => terms.into_iter().next().map(|(_, term)| {
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
        }),
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
    }
}

/// The terms of a phrase and their offsets: pairs of common words where two are in a row
/// (the last word may share a pair with the one before), the other words alone.
fn phrase_terms(field: Field, words: &[String]) -> Vec<(usize, Term)> {
    let common: Vec<bool> = words
        .iter()
        .map(|w| crate::common_words::is_common(w))
        .collect();
    let pair = |i: usize| Term::from_field_text(field, &format!("{} {}", words[i], words[i + 1]));
    let n = words.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if i + 1 < n && common[i] && common[i + 1] {
            out.push((i, pair(i)));
            i += 2;
        } else if n > 1 && i + 1 == n && common[i - 1] && common[i] {
            out.push((i - 1, pair(i - 1)));
            i += 1;
        } else {
            out.push((i, Term::from_field_text(field, &words[i])));
            i += 1;
        }
    }
    out
}

/// An exact word (with frequencies where the field has them).
fn exact_term(field: Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, word),
        IndexRecordOption::WithFreqs,
    ))
}

fn boost(q: Box<dyn Query>, by: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, by))
}

/// Escapes a literal for tantivy's regex syntax.
fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Where a clause is looked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every document (case texts and page text).
    All,
    /// Case documents only: the case's texts, not page text.
    Cases,
}

/// Builds the query for one clause (without its negation), in `scope`.
fn clause_query(
    c: &Clause,
    f: &Fields,
    key: Option<&IdKey>,
    scope: Scope,
) -> Option<Box<dyn Query>> {
    let exact = tokens(&mut vi(), &c.value);
    let folded = tokens(&mut vi_folded(), &c.value);
    let code = c.value.to_lowercase();
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut add = |q: Option<Box<dyn Query>>, by: f32| {
        if let Some(q) = q {
            should.push((Occur::Should, boost(q, by)));
        }
    };
    let id_term = |k: &IdKey| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_bytes(f.id_hash, &crate::privacy::id_term(k, &c.value)),
            IndexRecordOption::Basic,
        ))
    };
    let code_query = |prefix: bool| -> Option<Box<dyn Query>> {
        if prefix {
            RegexQuery::from_pattern(&format!("{}.*", regex_escape(&code)), f.codes)
                .ok()
                .map(|q| Box::new(q) as Box<dyn Query>)
        } else {
            Some(Box::new(TermQuery::new(
                Term::from_field_text(f.codes, &code),
                IndexRecordOption::Basic,
            )))
        }
    };
    // An identity number is found by its keyed hash only: the texts hold it masked.
    if is_id_clause(c) {
        return key.map(id_term);
    }
    if c.field == Some("code") {
        return code_query(c.prefix);
    }
    let folded_fields = match c.field {
        Some("applicant") => vec![f.applicant_f],
        Some("title") => vec![f.title_f],
        Some("procedure") => vec![f.procedure_f],
        Some("agency") => vec![f.agency_f],
        Some("docs") => vec![f.docs_f],
        Some("text") => vec![f.text_f],
        _ => {
            let mut all = vec![
                f.title_f,
                f.applicant_f,
                f.procedure_f,
                f.agency_f,
                f.docs_f,
                f.misc_f,
            ];
            if scope == Scope::All {
                all.push(f.text_f);
            }
            all
        }
    };
    let exact_field = f.all;
    if c.prefix {
        add(code_query(true), 3.0);
        if let Some(last) = folded.last() {
            let mut fold_prefix = folded.clone();
            fold_prefix.pop();
            let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for &folded_field in &folded_fields {
                // "nguyen van a*": the words before the last as a phrase is too strict for a
                // prefix; match them as words and the last one as a prefix.
                let mut parts: Vec<(Occur, Box<dyn Query>)> = fold_prefix
                    .iter()
                    .map(|t| {
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(
                                Term::from_field_text(folded_field, t),
                                IndexRecordOption::WithFreqs,
                            )) as Box<dyn Query>,
                        )
                    })
                    .collect();
                if let Ok(q) =
                    RegexQuery::from_pattern(&format!("{}.*", regex_escape(last)), folded_field)
                {
                    parts.push((Occur::Must, Box::new(q)));
                    per_field.push((Occur::Should, Box::new(BooleanQuery::new(parts))));
                }
            }
            if !per_field.is_empty() {
                add(Some(Box::new(BooleanQuery::new(per_field))), 1.0);
            }
        }
    } else {
        // The folded form must match; the exact form, when it also matches, ranks higher.
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &field in &folded_fields {
            per_field.push((Occur::Should, term_or_phrase(field, &folded)?));
        }
        let folded_q: Box<dyn Query> = if per_field.len() == 1 {
            per_field.pop().map(|(_, q)| q)?
        } else {
            Box::new(BooleanQuery::new(per_field))
        };
        // Phrases match the folded form only: an exact-form phrase over every text of a
        // million cases doubles the cost of common phrases for a small gain in ranking. Exact
        // forms are those of the case's texts (`all`); page text is folded only.
        let exact_q = match exact.as_slice() {
            [word] => Some(exact_term(exact_field, word)),
            _ => None,
        };
        let text_q: Box<dyn Query> = match exact_q {
            Some(e) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, folded_q),
                (Occur::Should, boost(e, 2.0)),
            ])),
            None => folded_q,
        };
        add(Some(text_q), 1.0);
        if c.field.is_none() && !c.phrase {
            add(code_query(false), 3.0);
        }
    }
    match should.len() {
        0 => None,
        1 => should.pop().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(should))),
    }
}

/// Folded words of the positive text clauses, for highlighting snippets.
pub fn highlight_terms(input: &str) -> Vec<String> {
    let mut folder = vi_folded();
    parse(input)
        .into_iter()
        .filter(|c| !c.negated && !is_id_clause(c) && c.field != Some("code"))
        .flat_map(|c| tokens(&mut folder, &c.value))
        .collect()
}

/// The whole query: every clause must match (AND), negated ones must not. An empty query
/// matches every case (to browse with filters).
pub fn build(input: &str, f: &Fields, key: Option<&IdKey>) -> Box<dyn Query> {
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // Words and phrases looked for everywhere: a page has only its text, a case document
    // only the case's texts, so they must all be in a page's text or all in the case's texts.
    // Asked that way (page text words together, case words together), the many pages are
    // matched on one field instead of through a union of every field for every word: the
    // same documents, the same scores, a fraction of the work.
    let (mut in_pages, mut in_cases) = (Vec::new(), Vec::new());
    let mut positive = 0;
    for c in parse(input) {
        let anywhere = c.field.is_none() && !c.prefix && !is_id_clause(&c);
        if anywhere && !c.negated {
            let folded = tokens(&mut vi_folded(), &c.value);
            if let (Some(page), Some(case)) = (
                term_or_phrase(f.text_f, &folded),
                clause_query(&c, f, key, Scope::Cases),
            ) {
                positive += 1;
                in_pages.push((Occur::Must, page));
                in_cases.push((Occur::Must, case));
            }
            continue;
        }
        if let Some(q) = clause_query(&c, f, key, Scope::All) {
            if c.negated {
                parts.push((Occur::MustNot, q));
            } else {
                positive += 1;
                parts.push((Occur::Must, q));
            }
        }
        // A word that yields no token (only punctuation) is ignored.
    }
    if !in_pages.is_empty() {
        parts.push((
            Occur::Must,
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, Box::new(BooleanQuery::new(in_pages))),
                (Occur::Should, Box::new(BooleanQuery::new(in_cases))),
            ])),
        ));
    }
    if positive == 0 {
        parts.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(parts))
}

#[cfg(test)]
mod join_tests {
    use super::join_codes;

    #[test]
    fn codes_typed_with_spaces_are_joined() {
        assert_eq!(
            join_codes("000.00.15.H12 - 250703 - 0004"),
            "000.00.15.H12-250703-0004"
        );
        assert_eq!(join_codes("000. 00. 15. H12"), "000.00.15.H12");
        assert_eq!(join_codes("250703- 0004 nguyen"), "250703-0004 nguyen");
        assert_eq!(join_codes("250703 -0004"), "250703 -0004", "an exclusion");
        // Words and exclusions are left alone.
        assert_eq!(join_codes("nguyen -huy"), "nguyen -huy");
        assert_eq!(join_codes("dat - nha"), "dat - nha");
        assert_eq!(join_codes("so 12 -huy"), "so 12 -huy");
        assert_eq!(join_codes("Nguyễn - Văn"), "Nguyễn - Văn");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_words_phrases_fields_prefixes_and_exclusions() {
        let c = parse(r#"nguyen "quyền sử dụng đất" nguoi_nop:An -huy ma:000.00.15*"#);
        assert_eq!(c.len(), 5);
        assert_eq!(c[0].value, "nguyen");
        assert!(c[1].phrase && c[1].value == "quyền sử dụng đất");
        assert_eq!((c[2].field, c[2].value.as_str()), (Some("applicant"), "An"));
        assert!(c[3].negated);
        assert_eq!(
            (c[4].field, c[4].value.as_str(), c[4].prefix),
            (Some("code"), "000.00.15", true)
        );
        // Identity numbers typed in groups are one number.
        let c = parse("cccd 040 093 878 972 nguyen");
        assert_eq!(c.len(), 3, "{c:?}");
        assert!(is_id_clause(&c[1]) && c[1].value == "040093878972");
        assert!(asks_for_an_id("0400.9387.8972") && !asks_for_an_id("nguyen van an"));
        // Unknown "field" names stay part of the word.
        assert_eq!(parse("abc:def")[0].value, "abc:def");
        assert_eq!(parse("Người_nộp:\"Lê Hoa\"")[0].field, Some("applicant"));
    }

    proptest! {
        #[test]
        fn any_query_text_builds_a_query(s in "\\PC{0,60}") {
            let f = crate::schema::build();
            let _ = build(&s, &f, Some(&IdKey::fixed(1)));
        }
    }
}
