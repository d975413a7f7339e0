//! From a bag's `metadata.json` to index documents: the case document with its texts,
//! codes, filters, facets and dates; identity numbers (the applicant's, and any in a text or
//! on a page) only as keyed hashes, the texts and what hits show only masked.

use crate::privacy::{
    id_term, looks_like_id, mask, mask_ids_loose, masked_text, masked_text_by, IdKey, IdTerm,
};
use crate::schema::{with_facet_value, with_filter_term, Fields};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sohoa_archive::record::{CaseInfo, CaseRecord, HoSo};
use std::collections::BTreeMap;
use tantivy::{DateTime, TantivyDocument};

/// A component document's searchable fields.
#[derive(Debug, Clone, Default)]
pub struct ComponentDoc {
    pub label: String,
    pub type_name: Option<String>,
    pub code_number: Option<String>,
    pub code_notation: Option<String>,
    pub issued_date: Option<String>,
    pub organ_name: Option<String>,
    pub subject: Option<String>,
}

/// What the index knows of a case, read from its bag.
#[derive(Debug, Clone, Default)]
pub struct CaseDoc {
    pub case_id: String,
    pub version: u64,
    pub bag_path: String,
    pub bundle_sha256: String,
    pub page_count: u64,
    pub metadata_status: String,
    /// The TTHC case facts, as the case record holds them (blank values left out).
    pub case: CaseInfo,
    /// The TT 05/2025 hồ sơ fields, as the case record holds them (blank values left out).
    pub hoso: HoSo,
    pub components: Vec<ComponentDoc>,
    /// OCR text of each page that has some: (page number, NFC text).
    pub pages: Vec<(u64, String)>,
    /// SHA-256 of each scan file the case was made from.
    pub source_sha256: Vec<String>,
}

/// The record's values with blank strings left out: a blank value is no value to the index.
fn without_blanks<T: Serialize + DeserializeOwned + Default>(v: &T) -> T {
    let mut value = serde_json::to_value(v).unwrap_or_default();
    if let serde_json::Value::Object(m) = &mut value {
        m.retain(|_, x| x.as_str().is_none_or(|s| !s.trim().is_empty()));
    }
    serde_json::from_value(value).unwrap_or_default()
}

/// A value the index takes: present and not blank.
fn given(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

impl CaseDoc {
    /// The fields the index needs from a case record; `None` when it is not a sohoa case
    /// record.
    pub fn from_record(m: &CaseRecord, bag_path: &str) -> Option<CaseDoc> {
        if !m.is_sohoa() || m.case_id.trim().is_empty() {
            return None;
        }
        let field = |f: &BTreeMap<String, String>, k: &str| given(&f.get(k).cloned());
        let components = m
            .components
            .iter()
            .map(|x| ComponentDoc {
                label: x.label.clone(),
                type_name: field(&x.fields, "type_name"),
                code_number: field(&x.fields, "code_number"),
                code_notation: field(&x.fields, "code_notation"),
                issued_date: field(&x.fields, "issued_date"),
                organ_name: field(&x.fields, "organ_name"),
                subject: field(&x.fields, "subject"),
            })
            .collect();
        Some(CaseDoc {
            case_id: m.case_id.clone(),
            version: if m.version == 0 { 1 } else { m.version as u64 },
            bag_path: bag_path.to_string(),
            bundle_sha256: m
                .bundle
                .as_ref()
                .map(|b| b.sha256.clone())
                .unwrap_or_default(),
            page_count: m.pages.len() as u64,
            metadata_status: m.metadata_status.clone(),
            case: without_blanks(&m.case),
            hoso: without_blanks(&m.hoso),
            components,
            pages: Vec::new(),
            source_sha256: m
                .sources
                .iter()
                .filter(|x| !x.sha256.trim().is_empty() && !x.attachment)
                .map(|x| x.sha256.to_ascii_lowercase())
                .collect(),
        })
    }
}

/// `yymmdd-nnnn` and `nnnn` of a TTHC case number `agency-yymmdd-nnnn` (none for other codes).
pub fn receipt_tails(code: &str) -> Vec<&str> {
    let b = code.as_bytes();
    let n = b.len();
    let shaped = n > 12
        && b[n - 5] == b'-'
        && b[n - 12] == b'-'
        && b[n - 11..n - 5].iter().all(u8::is_ascii_digit)
        && b[n - 4..].iter().all(u8::is_ascii_digit);
    if shaped {
        vec![&code[n - 11..], &code[n - 4..]]
    } else {
        Vec::new()
    }
}

/// What a hit shows (`display`, stored as JSON). The identifier only masked.
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default, PartialEq)]
pub struct Display {
    pub case_id: String,
    pub case_code: Option<String>,
    pub title: String,
    pub applicant_name: Option<String>,
    pub applicant_id_masked: Option<String>,
    pub procedure_code: Option<String>,
    pub procedure_name: Option<String>,
    pub sector: Option<String>,
    pub agency_name: Option<String>,
    pub channel: Option<String>,
    pub status: Option<String>,
    pub received: Option<String>,
    pub due: Option<String>,
    pub resolved: Option<String>,
    pub returned: Option<String>,
    pub page_count: u64,
    pub bag_path: String,
    pub bundle_sha256: String,
    pub version: u64,
    pub metadata_status: String,
    /// Component documents: label and subject.
    pub documents: Vec<String>,
}

impl Display {
    /// The case's texts in one line, for cutting highlighted snippets.
    pub fn searchable_text(&self) -> String {
        let mut parts: Vec<&str> = vec![self.title.as_str()];
        parts.extend(
            [
                &self.applicant_name,
                &self.procedure_name,
                &self.agency_name,
                &self.sector,
            ]
            .into_iter()
            .flatten()
            .map(String::as_str),
        );
        parts.extend(self.documents.iter().map(String::as_str));
        parts.join(" · ")
    }
}

/// Parses an ISO date or date-time (Vietnam time when no offset) into an index date.
pub fn parse_date(iso: &str) -> Option<DateTime> {
    let date = iso.get(..10).and_then(|d| {
        // `YYYY-MM-DD` read digit by digit (a tenth of `time`'s parser, five dates a case).
        match digits(d, &[4, 2, 2], b'-') {
            Some([y, m, d]) => time::Month::try_from(m as u8)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(y as i32, m, d as u8).ok()),
            None => time::Date::parse(
                d,
                &time::macros::format_description!("[year]-[month]-[day]"),
            )
            .ok(),
        }
    })?;
    let mut t = time::Time::MIDNIGHT;
    if let Some(rest) = iso.get(11..19) {
        let parsed = match digits(rest, &[2, 2, 2], b':') {
            Some([h, m, s]) => time::Time::from_hms(h as u8, m as u8, s as u8).ok(),
            None => time::Time::parse(
                rest,
                &time::macros::format_description!("[hour]:[minute]:[second]"),
            )
            .ok(),
        };
        if let Some(parsed) = parsed {
            t = parsed;
        }
    }
    let dt = time::PrimitiveDateTime::new(date, t).assume_offset(sohoa_archive::VN_OFFSET);
    index_date(dt.unix_timestamp())
}

/// A date the index can hold: tantivy counts nanoseconds in an i64 (years 1678 to 2261); a
/// date outside is no date (it overflowed before).
fn index_date(secs: i64) -> Option<DateTime> {
    const LIMIT: i64 = i64::MAX / 1_000_000_000;
    (-LIMIT..=LIMIT)
        .contains(&secs)
        .then(|| DateTime::from_timestamp_secs(secs))
}

/// Three runs of ASCII digits of these widths joined by `sep`, as numbers; `None` for any
/// other shape (then `time`'s parser decides).
fn digits(s: &str, widths: &[usize; 3], sep: u8) -> Option<[u32; 3]> {
    let b = s.as_bytes();
    let mut out = [0u32; 3];
    let mut at = 0;
    for (k, w) in widths.iter().enumerate() {
        if k > 0 {
            if b.get(at) != Some(&sep) {
                return None;
            }
            at += 1;
        }
        let run = b.get(at..at + w)?;
        if !run.iter().all(u8::is_ascii_digit) {
            return None;
        }
        out[k] = run.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'));
        at += w;
    }
    (at == b.len()).then_some(out)
}

/// Far future: the end of a case still being processed.
/// (tantivy dates are nanoseconds in an i64, which ends in 2262.)
pub const OPEN_END: i64 = 7_258_118_400; // 2200-01-01T00:00:00Z

impl CaseDoc {
    /// The case document followed by one document per page with text. What pages share with
    /// their case (id, filters, facets, dates) is made once and copied to each page.
    pub fn to_documents(&self, f: &Fields, key: &IdKey) -> Vec<TantivyDocument> {
        let mut docs = Vec::with_capacity(1 + self.pages.len());
        docs.push(self.to_document(f, key));
        if self.pages.is_empty() {
            return docs;
        }
        let mut shared = TantivyDocument::default();
        shared.add_text(f.kind, "page");
        self.add_shared(&mut shared, f);
        // The case's numbers are on many of its pages: each hashed once.
        let mut known: Vec<(String, IdTerm)> = Vec::new();
        let mut hash = |digits: &str| {
            if let Some((_, h)) = known.iter().find(|(d, _)| d == digits) {
                return *h;
            }
            let h = id_term(key, digits);
            known.push((digits.to_string(), h));
            h
        };
        for (n, text) in &self.pages {
            let mut doc = shared.clone();
            doc.add_u64(f.page, *n);
            let mut hashes = Vec::new();
            let text = masked_text_by(text, &mut hash, &mut hashes);
            doc.add_text(f.text_f, &text);
            for h in hashes {
                doc.add_bytes(f.id_hash, &h);
            }
            docs.push(doc);
        }
        docs
    }

    /// The case document.
    pub fn to_document(&self, f: &Fields, key: &IdKey) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, "case");
        doc.add_u64(f.page, 0);
        // The case's codes, each once (the case id is mostly the receipt number itself).
        let mut codes: Vec<&str> = [
            &self.case.case_code,
            &self.case.procedure_code,
            &self.case.agency_code,
            &self.hoso.arc_file_code,
            &self.hoso.paper_file_code,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain([self.case_id.as_str()])
        .collect();
        // The tail of a receipt number, as people read it off a receipt: `250703-0004`, `0004`.
        for code in [self.case.case_code.as_deref(), Some(self.case_id.as_str())]
            .into_iter()
            .flatten()
        {
            codes.extend(receipt_tails(code));
        }
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            doc.add_text(f.codes, code);
        }
        let title = self.hoso.title.clone();
        let texts = [
            (&title, f.title_f),
            (&self.case.applicant_name, f.applicant_f),
            (&self.case.procedure_name, f.procedure_f),
            (&self.case.agency_name, f.agency_f),
            (&self.case.sector, f.misc_f),
            (&self.hoso.keyword, f.misc_f),
            (&self.hoso.description, f.misc_f),
        ];
        let mut hashes = Vec::new();
        for (value, field) in texts {
            if let Some(v) = value {
                let v = masked_text(v, key, &mut hashes);
                doc.add_text(f.all, &v);
                doc.add_text(field, &v);
            }
        }
        for c in &self.components {
            for v in [
                Some(&c.label),
                c.subject.as_ref(),
                c.organ_name.as_ref(),
                c.code_notation.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                // Folded only: exact-diacritic ranking comes from titles and names.
                doc.add_text(f.docs_f, masked_text(v, key, &mut hashes).as_ref());
            }
            // A document "number" that is an identity number (the copy of a CCCD) is looked
            // up by its keyed hash only, like every identity number.
            let id_like = |v: &str| {
                let digits: String = v.chars().filter(char::is_ascii_digit).collect();
                looks_like_id(&digits) && digits.len() + 3 >= v.trim().len()
            };
            for code in [&c.code_number, &c.code_notation].into_iter().flatten() {
                if id_like(code) {
                    hashes.push(id_term(key, code));
                } else {
                    doc.add_text(f.codes, code);
                }
            }
            if let (Some(n), Some(k)) = (&c.code_number, &c.code_notation) {
                if !id_like(n) {
                    doc.add_text(f.codes, format!("{n}/{k}"));
                }
            }
        }
        if let Some(id) = &self.case.applicant_id {
            hashes.push(id_term(key, id));
        }
        hashes.sort();
        hashes.dedup();
        for h in hashes {
            doc.add_bytes(f.id_hash, &h);
        }
        for sha in &self.source_sha256 {
            doc.add_text(f.source_sha256, sha);
        }
        self.add_shared(&mut doc, f);
        self.add_case_only(&mut doc, f);
        doc
    }

    /// What case and page documents share: the id, filters, facets and the dates filters use,
    /// so that filters apply to page hits.
    fn add_shared(&self, doc: &mut TantivyDocument, f: &Fields) {
        doc.add_text(f.case_id, &self.case_id);
        let year = self
            .case
            .received_date
            .as_deref()
            .and_then(|d| d.get(..4))
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
        let filters = [
            ("agency", self.case.agency_name.as_deref()),
            ("agency", self.case.agency_code.as_deref()),
            ("sector", self.case.sector.as_deref()),
            ("procedure", self.case.procedure_code.as_deref()),
            ("channel", self.case.channel.as_deref()),
            ("status", self.case.status.as_deref()),
            ("year", year),
            ("maintenance", self.hoso.maintenance.as_deref()),
            ("mode", self.hoso.mode.as_deref()),
            ("language", self.hoso.language.as_deref()),
            ("confidence", self.hoso.confidence_level.as_deref()),
            ("metadata", Some(self.metadata_status.as_str())),
        ];
        for (name, value) in filters {
            if let Some(v) = value {
                with_filter_term(name, v, |t| doc.add_text(f.filters, t));
            }
        }
        // Who may read it (TT 05/2025 mode), classified once, by the contract's rule.
        if let Some(mode) = self
            .hoso
            .mode
            .as_deref()
            .and_then(sohoa_archive::values::access_mode)
        {
            with_filter_term("access", mode.as_str(), |t| doc.add_text(f.filters, t));
        }
        let facets = [
            ("agency", self.case.agency_name.as_deref()),
            ("sector", self.case.sector.as_deref()),
            ("procedure", self.case.procedure_code.as_deref()),
            ("channel", self.case.channel.as_deref()),
            ("status", self.case.status.as_deref()),
            ("year", year),
        ];
        for (name, value) in facets {
            if let Some(v) = value {
                with_facet_value(name, v, |t| doc.add_text(f.facets, t));
            }
        }
        // The dates filters and sorting use.
        let dates = [
            (f.received, &self.case.received_date),
            (f.resolved, &self.case.resolved_date),
        ];
        for (field, value) in dates {
            if let Some(d) = value.as_deref().and_then(parse_date) {
                doc.add_date(field, d);
            }
        }
        let end = self
            .case
            .returned_date
            .as_deref()
            .or(self.case.resolved_date.as_deref())
            .and_then(parse_date)
            .unwrap_or(DateTime::from_timestamp_secs(OPEN_END));
        doc.add_date(f.period_end, end);
    }

    /// What only the case document has: the other dates, the page count and the display
    /// (a page hit shows its case's).
    fn add_case_only(&self, doc: &mut TantivyDocument, f: &Fields) {
        for (field, value) in [
            (f.due, &self.case.due_date),
            (f.returned, &self.case.returned_date),
        ] {
            if let Some(d) = value.as_deref().and_then(parse_date) {
                doc.add_date(field, d);
            }
        }
        doc.add_u64(f.page_count, self.page_count);
        // What people see: identity numbers masked, also where glued to other characters.
        let m = |s: &str| mask_ids_loose(s).into_owned();
        let mo = |s: &Option<String>| s.as_deref().map(m);
        let display = Display {
            case_id: self.case_id.clone(),
            case_code: mo(&self.case.case_code),
            title: m(self.hoso.title.as_deref().unwrap_or_default()),
            applicant_name: mo(&self.case.applicant_name),
            applicant_id_masked: self.case.applicant_id.as_deref().map(mask),
            procedure_code: self.case.procedure_code.clone(),
            procedure_name: mo(&self.case.procedure_name),
            sector: mo(&self.case.sector),
            agency_name: mo(&self.case.agency_name),
            channel: self.case.channel.clone(),
            status: mo(&self.case.status),
            received: self.case.received_date.clone(),
            due: self.case.due_date.clone(),
            resolved: self.case.resolved_date.clone(),
            returned: self.case.returned_date.clone(),
            page_count: self.page_count,
            bag_path: self.bag_path.clone(),
            bundle_sha256: self.bundle_sha256.clone(),
            version: self.version,
            metadata_status: self.metadata_status.clone(),
            documents: self
                .components
                .iter()
                .map(|c| match &c.subject {
                    Some(sub) if sub != &c.label => m(&format!("{}: {sub}", c.label)),
                    _ => m(&c.label),
                })
                .collect(),
        };
        doc.add_text(
            f.display,
            serde_json::to_string(&display).unwrap_or_default(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use tantivy::DateTime;

    /// `parse_date` as it was, with `time`'s parser only (and the range check).
    fn reference(iso: &str) -> Option<DateTime> {
        let d = iso.get(..10)?;
        let f = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(d, &f).ok()?;
        let hms = time::macros::format_description!("[hour]:[minute]:[second]");
        let t = iso
            .get(11..19)
            .and_then(|r| time::Time::parse(r, &hms).ok())
            .unwrap_or(time::Time::MIDNIGHT);
        let dt = time::PrimitiveDateTime::new(date, t).assume_offset(sohoa_archive::VN_OFFSET);
        super::index_date(dt.unix_timestamp())
    }

    proptest::proptest! {
        #[test]
        fn dates_read_as_time_reads_them(
            s in "[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2}|Z)?)?|[-+0-9:T ]{0,22}"
        ) {
            proptest::prop_assert_eq!(parse_date(&s), reference(&s));
        }
    }

    #[test]
    fn dates_of_every_kind() {
        for s in [
            "2025-07-03",
            "2025-07-03T08:30:00+07:00",
            "2024-02-29",
            "2023-02-29",
            "2025-13-01",
            "2025-07-03T25:00:00",
            "2025-07-03 08:30:59",
            "0000-01-01",
            "25-07-03",
        ] {
            assert_eq!(parse_date(s), reference(s), "{s}");
        }
        // Out of tantivy's range: no date (it used to overflow).
        assert_eq!(parse_date("0000-01-01"), None);
        assert_eq!(parse_date("9999-12-31"), None);
        assert!(parse_date("1700-01-01").is_some());
    }
}
