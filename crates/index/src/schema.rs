//! The fixed index schema: one document per case (`kind` = case) and one per page with OCR
//! text (`kind` = page, with `page` and the page text) so that hits can point to a page. Every
//! text of a case is indexed exact in `all` and folded in its own field, a page's text folded
//! in `text_f`; folded texts with pairs of common words, for phrases (see `common_words`);
//! codes whole and lowercased. Dates are fast fields only (ranges and sorting read them so).

use crate::analyzer::{CODE, VI, VI_FOLDED};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

/// Bumped whenever the schema or the analysis changes; an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 11;

/// Handles to every field.
#[derive(Clone)]
pub struct Fields {
    pub schema: Schema,
    /// `case` (later also `page`).
    pub kind: Field,
    pub case_id: Field,
    /// 0 for case documents; the page number for page documents.
    pub page: Field,
    /// Case, procedure, agency, archival and document codes, lowercased, whole.
    pub codes: Field,
    /// Every text of the case document, exact form (words and frequencies, no positions).
    pub all: Field,
    /// Texts with no field of their own (sector, keyword, description), folded.
    pub misc_f: Field,
    pub applicant_f: Field,
    pub title_f: Field,
    pub procedure_f: Field,
    pub agency_f: Field,
    pub docs_f: Field,
    /// Page text (OCR), folded, stored for snippets (page documents).
    pub text_f: Field,
    /// Keyed hashes of the identity numbers of the case (the applicant's, and any found in its
    /// texts) or of the page (numbers printed on it).
    pub id_hash: Field,
    /// SHA-256 of each scan file the case was made from (case documents).
    pub source_sha256: Field,
    /// Filter terms `agency=<folded>`, `sector=…`, `procedure=…`, `channel=…`, `status=…`,
    /// `year=…`, `maintenance=…`, `mode=…`, `language=…`, `confidence=…`, `access=public|conditional|secret`.
    pub filters: Field,
    /// Values counted per facet (see `facets`): `agency` + NUL + the name, `sector`,
    /// `procedure` (code), `channel`, `status`, `year`. A fast field only: counts read it per
    /// matching document, nothing looks its values up as terms.
    pub facets: Field,
    pub received: Field,
    pub due: Field,
    pub resolved: Field,
    pub returned: Field,
    /// End of the case's period (returned, else resolved, else far future while pending).
    pub period_end: Field,
    pub page_count: Field,
    /// JSON of the fields a hit shows (masked identifier only).
    pub display: Field,
}

fn indexed(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// A folded text: words (and pairs of common words), frequencies and positions (phrases).
fn text(analyzer: &str) -> TextOptions {
    indexed(analyzer, IndexRecordOption::WithFreqsAndPositions)
}

/// Date ranges and sorting read fast fields; no date is looked up as a term.
fn date() -> DateOptions {
    DateOptions::default()
        .set_fast()
        .set_precision(DateTimePrecision::Seconds)
}

pub fn build() -> Fields {
    let mut b = Schema::builder();
    let kind = b.add_text_field("kind", STRING | STORED);
    // Fast: results are grouped by case without reading stored documents.
    let case_id = b.add_text_field("case_id", STRING | STORED | FAST);
    let page = b.add_u64_field("page", NumericOptions::default().set_stored().set_fast());
    let codes = b.add_text_field(
        "codes",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(CODE)
                .set_index_option(IndexRecordOption::Basic),
        ),
    );
    // Exact forms only rank single words (phrases match folded forms): no positions needed.
    let all = b.add_text_field(
        "all",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(VI)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    let misc_f = b.add_text_field("misc_f", text(VI_FOLDED));
    let applicant_f = b.add_text_field("applicant_f", text(VI_FOLDED));
    let title_f = b.add_text_field("title_f", text(VI_FOLDED));
    let procedure_f = b.add_text_field("procedure_f", text(VI_FOLDED));
    let agency_f = b.add_text_field("agency_f", text(VI_FOLDED));
    let docs_f = b.add_text_field("docs_f", text(VI_FOLDED));
    // Page text, stored for snippets.
    let text_f = b.add_text_field("text_f", text(VI_FOLDED).set_stored());
    let id_hash = b.add_bytes_field("id_hash", INDEXED);
    let source_sha256 = b.add_text_field("source_sha256", STRING);
    let filters = b.add_text_field("filters", STRING);
    let facets = b.add_text_field("facets", FAST);
    let received = b.add_date_field("received", date());
    let due = b.add_date_field("due", date());
    let resolved = b.add_date_field("resolved", date());
    let returned = b.add_date_field("returned", date());
    let period_end = b.add_date_field("period_end", date());
    let page_count = b.add_u64_field(
        "page_count",
        NumericOptions::default().set_fast().set_stored(),
    );
    let display = b.add_text_field("display", STORED);
    Fields {
        schema: b.build(),
        kind,
        case_id,
        page,
        codes,
        all,
        misc_f,
        applicant_f,
        title_f,
        procedure_f,
        agency_f,
        docs_f,
        text_f,
        id_hash,
        source_sha256,
        filters,
        facets,
        received,
        due,
        resolved,
        returned,
        period_end,
        page_count,
        display,
    }
}

impl Fields {
    /// Resolves handles from an existing index's schema (same names as [`build`]).
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let built = build();
        if built.schema != *schema {
            return Err(tantivy::TantivyError::SchemaError(
                "index schema differs from this sohoa version".into(),
            ));
        }
        Ok(built)
    }
}

/// The term stored in `filters` for a filter name and value (values folded, so filters work
/// with or without diacritics).
pub fn filter_term(name: &str, value: &str) -> String {
    with_filter_term(name, value, str::to_string)
}

/// [`filter_term`] handed to `use_term` without making it anew: agency names, sectors and
/// statuses repeat across cases, so each term is made once per thread and kept (documents
/// are built a million times; the terms were a tenth of building them).
pub fn with_filter_term<R>(name: &str, value: &str, use_term: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static TERMS: std::cell::RefCell<Terms> = Default::default();
    }
    TERMS.with(|cache| {
        cached(
            &mut cache.borrow_mut(),
            name,
            value,
            use_term,
            |name, value| {
                let folded = if value.is_ascii() {
                    value.trim().to_ascii_lowercase()
                } else {
                    crate::fold(value)
                };
                format!("{name}={folded}")
            },
        )
    })
}

/// The value stored in `facets` for a facet name and value: `name` NUL `value` (value as
/// given: counts show it).
pub fn facet_value(name: &str, value: &str) -> String {
    format!("{name}\0{value}")
}

/// A stored facet value's name and value ([`facet_value`] read back).
pub fn split_facet_value(stored: &str) -> Option<(&str, &str)> {
    stored.split_once('\0')
}

/// [`facet_value`] handed to `use_value`, made once per thread and value (see
/// [`with_filter_term`]).
pub fn with_facet_value<R>(name: &str, value: &str, use_value: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static VALUES: std::cell::RefCell<Terms> = Default::default();
    }
    VALUES.with(|cache| cached(&mut cache.borrow_mut(), name, value, use_value, facet_value))
}

/// Terms made from (name, value), by name then value.
type Terms = std::collections::HashMap<String, std::collections::HashMap<String, String>>;

/// The term of (name, value) from `cache`, else made by `make` and kept.
fn cached<R>(
    cache: &mut Terms,
    name: &str,
    value: &str,
    use_term: impl FnOnce(&str) -> R,
    make: impl FnOnce(&str, &str) -> String,
) -> R {
    if let Some(term) = cache.get(name).and_then(|values| values.get(value)) {
        return use_term(term);
    }
    let term = make(name, value);
    let r = use_term(&term);
    let values = cache.entry(name.to_string()).or_default();
    // Bounded: a value per case (a free-text status) must not grow it without end.
    if values.len() > 50_000 {
        values.clear();
    }
    values.insert(value.to_string(), term);
    r
}
