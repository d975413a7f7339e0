//! Reading a case record leniently: a record of this schema loads in one pass; an older or
//! damaged one loads field by field (list by list item), keeping what can be read and naming
//! what is missing or damaged, so audit, index and the web server can still show the case.

use super::{CaseRecord, SCHEMA};
use serde_json::{Map, Value};

/// A record read back, with what could not be read in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub record: CaseRecord,
    /// Fields the record should have and has not (`case_id`, `bundle`, ...).
    pub missing: Vec<String>,
    /// Fields (or list items, `pages[3]`) present but unreadable, with why; they load as their
    /// default (a damaged list item is left out).
    pub damaged: Vec<(String, String)>,
}

impl Loaded {
    /// True when nothing is missing or damaged.
    pub fn is_whole(&self) -> bool {
        self.missing.is_empty() && self.damaged.is_empty()
    }

    /// What is missing or damaged, in one English line (empty when whole).
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!("missing {}", self.missing.join(", ")));
        }
        for (field, why) in &self.damaged {
            parts.push(format!("{field} unreadable ({why})"));
        }
        parts.join("; ")
    }
}

/// Top-level fields every record of this schema has; a record without one of them is named
/// incomplete in [`Loaded::missing`].
const EXPECTED: &[&str] = &[
    "schema",
    "schema_version",
    "case_id",
    "version",
    "source_folder",
    "metadata_status",
    "case",
    "hoso",
    "components",
    "pages",
    "sources",
    "bundle",
    "warnings",
    "ingest",
];

/// Reads `data/metadata.json`. Fails only when the bytes are not a JSON object or the object is
/// not a sohoa case record (no `schema: "sohoa/metadata"`, no `case_id`); everything else
/// loads, with what is missing or damaged named.
pub fn load(bytes: &[u8]) -> Result<Loaded, String> {
    let object: Map<String, Value> = match serde_json::from_slice::<CaseRecord>(bytes) {
        // The common case: a whole record of this schema, read in one pass.
        Ok(record) if record.is_sohoa() && !record.case_id.is_empty() => {
            let missing = if record.schema_version == super::SCHEMA_VERSION {
                Vec::new()
            } else {
                // Older or newer records may lack fields: look at the object itself.
                let v: Map<String, Value> =
                    serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
                absent(&v)
            };
            return Ok(Loaded {
                record,
                missing,
                damaged: Vec::new(),
            });
        }
        _ => match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err("not a JSON object".to_string()),
            Err(e) => return Err(format!("not JSON: {e}")),
        },
    };
    if object.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
        return Err(format!(
            "not a sohoa case record (schema is not \"{SCHEMA}\")"
        ));
    }
    let mut damaged = Vec::new();
    let mut fields = Map::new();
    for (key, value) in object {
        let (kept, mut errors) = check_field(&key, value);
        damaged.append(&mut errors);
        if let Some(v) = kept {
            fields.insert(key, v);
        }
    }
    let missing = absent(&fields);
    let record: CaseRecord =
        serde_json::from_value(Value::Object(fields)).map_err(|e| e.to_string())?;
    if record.case_id.is_empty() {
        return Err("the record has no case_id".to_string());
    }
    Ok(Loaded {
        record,
        missing,
        damaged,
    })
}

fn absent(object: &Map<String, Value>) -> Vec<String> {
    EXPECTED
        .iter()
        .filter(|k| !object.contains_key(**k))
        .map(|k| k.to_string())
        .collect()
}

/// A top-level field as the record type reads it (None when unreadable), and what is wrong
/// with it. Lists keep the items that read; each unreadable item is named.
fn check_field(key: &str, value: Value) -> (Option<Value>, Vec<(String, String)>) {
    // Read the field alone into the record type, wrapped in an object.
    let reads = |v: &Value| -> Result<(), String> {
        let mut m = Map::new();
        m.insert(key.to_string(), v.clone());
        serde_json::from_value::<CaseRecord>(Value::Object(m))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let why = match reads(&value) {
        Ok(()) => return (Some(value), Vec::new()),
        Err(why) => why,
    };
    let Value::Array(items) = value else {
        return (None, vec![(key.to_string(), why)]);
    };
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match reads(&Value::Array(vec![item.clone()])) {
            Ok(()) => kept.push(item),
            Err(e) => errors.push((format!("{key}[{i}]"), e)),
        }
    }
    if errors.is_empty() {
        errors.push((key.to_string(), why));
    }
    (Some(Value::Array(kept)), errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole() -> Value {
        serde_json::json!({
            "schema": "sohoa/metadata", "schema_version": 1, "case_id": "A-1", "version": 1,
            "source_folder": "A-1", "metadata_status": "complete",
            "case": {"applicant_name": "Nguyễn Văn An"}, "hoso": {"title": "Khai sinh"},
            "components": [], "sources": [], "bundle": null, "warnings": [], "ingest": {},
            "pages": [
                {"number": 1, "colour": "gray", "encoding": "flate", "dpi_source": "file"},
                {"number": 2, "colour": "bilevel", "encoding": "ccitt-g4", "dpi_source": "inferred"}
            ]
        })
    }

    #[test]
    fn a_whole_record_loads_in_one_pass_with_nothing_named() {
        let l = load(whole().to_string().as_bytes()).unwrap();
        assert!(l.is_whole(), "{}", l.describe());
        assert_eq!(l.record.pages.len(), 2);
        assert_eq!(
            l.record.case.applicant_name.as_deref(),
            Some("Nguyễn Văn An")
        );
    }

    #[test]
    fn an_older_record_loads_and_names_what_it_lacks() {
        let mut v = whole();
        let m = v.as_object_mut().unwrap();
        m.remove("bundle");
        m.remove("warnings");
        m.insert("schema_version".into(), 0.into());
        let l = load(v.to_string().as_bytes()).unwrap();
        assert_eq!(l.missing, ["bundle", "warnings"]);
        assert!(l.damaged.is_empty());
        assert_eq!(l.record.case_id, "A-1");
    }

    #[test]
    fn a_damaged_field_or_page_is_named_and_the_rest_loads() {
        let mut v = whole();
        v["version"] = "two".into();
        v["pages"][1]["colour"] = "cmyk".into();
        v["case"]["received_date"] = 20250701.into();
        let l = load(v.to_string().as_bytes()).unwrap();
        let names: Vec<&str> = l.damaged.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["case", "pages[1]", "version"]);
        assert_eq!(l.record.pages.len(), 1, "the readable page is kept");
        assert_eq!(l.record.version, 0);
        assert!(
            l.describe().contains("pages[1] unreadable"),
            "{}",
            l.describe()
        );
    }

    #[test]
    fn what_is_not_a_case_record_is_refused_with_why() {
        assert!(load(b"[1,2]").unwrap_err().contains("not a JSON object"));
        assert!(load(b"{\"schema\":\"x\"}")
            .unwrap_err()
            .contains("not a sohoa case record"));
        assert!(load(b"{\"schema\":\"sohoa/metadata\"}")
            .unwrap_err()
            .contains("case_id"));
        assert!(load(b"\x00garbage").unwrap_err().starts_with("not JSON"));
    }
}
