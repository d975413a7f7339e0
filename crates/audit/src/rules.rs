//! Procedure rules as data: one TOML file per procedure (`samples/rules/<code>.toml`, built in;
//! `--rules DIR` for an office's own) naming its required components, alternatives and conditions.

use crate::case::Record;
use serde::Deserialize;
use sohoa_archive::problem::Severity;
use sohoa_archive::text::fold;
use std::path::Path;

/// The rule files shipped with sohoa.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "1.001193.toml",
        include_str!("../../../samples/rules/1.001193.toml"),
    ),
    (
        "2.000815.toml",
        include_str!("../../../samples/rules/2.000815.toml"),
    ),
    (
        "2.000908.toml",
        include_str!("../../../samples/rules/2.000908.toml"),
    ),
    (
        "2.000635.toml",
        include_str!("../../../samples/rules/2.000635.toml"),
    ),
    (
        "1.013978.toml",
        include_str!("../../../samples/rules/1.013978.toml"),
    ),
    (
        "1.012753.toml",
        include_str!("../../../samples/rules/1.012753.toml"),
    ),
    (
        "ho-kinh-doanh.toml",
        include_str!("../../../samples/rules/ho-kinh-doanh.toml"),
    ),
    (
        "giay-phep-xay-dung.toml",
        include_str!("../../../samples/rules/giay-phep-xay-dung.toml"),
    ),
];

/// One alternative of a requirement: a document recognised by words of its label or folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    pub label: String,
    /// Words (compared without diacritics, lower case) any of which identifies the document in
    /// a component's label or folder name, or in the OCR text of pages not in a component.
    #[serde(rename = "match")]
    pub words: Vec<String>,
}

/// A required component (thành phần hồ sơ).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub label: String,
    #[serde(rename = "match", default)]
    pub words: Vec<String>,
    /// Any one of these satisfies the requirement (instead of `match`).
    #[serde(default)]
    pub any_of: Vec<Alternative>,
    /// Only when this holds: `proxy`, `closed`, `pending`, `online`, `direct`, `postal`, or
    /// `field:<name>` (a register column with a value other than empty/không/0).
    #[serde(default)]
    pub when: Option<String>,
    /// `error` (default) or `warning`.
    #[serde(default)]
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    procedure: String,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
    name: String,
    #[serde(default)]
    legal_basis: Option<String>,
    #[serde(default)]
    time_limit: Option<u32>,
    #[serde(default)]
    time_unit: Option<String>,
    #[serde(default)]
    similar_pages: bool,
    #[serde(default)]
    require: Vec<Requirement>,
}

/// A procedure's rules, ready to apply.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The national procedure code (without province suffix), or a name when it has none.
    pub procedure: String,
    pub codes: Vec<String>,
    /// Folded fragments of the procedure name, for cases whose code is missing or unknown.
    pub names: Vec<String>,
    pub name: String,
    pub legal_basis: Option<String>,
    /// Statutory processing time, and whether in working days.
    pub time_limit: Option<(u32, bool)>,
    /// Near-identical pages are expected (a copy next to its original).
    pub similar_pages: bool,
    pub require: Vec<Requirement>,
    pub source: String,
}

const CONDITIONS: &[&str] = &["proxy", "closed", "pending", "online", "direct", "postal"];

impl Rule {
    pub fn parse(text: &str, source: &str) -> Result<Rule, String> {
        let f: RuleFile = toml::from_str(text).map_err(|e| format!("{source}: {e}"))?;
        for r in &f.require {
            if r.words.is_empty() == r.any_of.is_empty() {
                return Err(format!(
                    "{source}: requirement \"{}\" needs either `match` or `any_of`",
                    r.label
                ));
            }
            if let Some(w) = &r.when {
                if !CONDITIONS.contains(&w.as_str()) && !w.starts_with("field:") {
                    return Err(format!(
                        "{source}: requirement \"{}\": unknown condition \"{w}\" (use {} or field:<column>)",
                        r.label,
                        CONDITIONS.join(", ")
                    ));
                }
            }
            match r.severity.as_deref() {
                None | Some("error") | Some("warning") => {}
                Some(s) => {
                    return Err(format!(
                        "{source}: requirement \"{}\": severity \"{s}\" (use error or warning)",
                        r.label
                    ))
                }
            }
        }
        let working = match f.time_unit.as_deref() {
            None | Some("working_days") => true,
            Some("calendar_days") => false,
            Some(u) => {
                return Err(format!(
                    "{source}: time_unit \"{u}\" (use working_days or calendar_days)"
                ))
            }
        };
        let mut codes = f.codes;
        if !codes.contains(&f.procedure) {
            codes.insert(0, f.procedure.clone());
        }
        Ok(Rule {
            procedure: f.procedure,
            codes,
            names: f.names.iter().map(|n| fold(n)).collect(),
            name: f.name,
            legal_basis: f.legal_basis,
            time_limit: f.time_limit.map(|d| (d, working)),
            similar_pages: f.similar_pages,
            require: f.require,
            source: source.to_string(),
        })
    }
}

impl Requirement {
    pub fn severity(&self) -> Severity {
        if self.severity.as_deref() == Some("warning") {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// Alternatives: the requirement itself, or its `any_of`.
    pub fn alternatives(&self) -> Vec<Alternative> {
        if self.any_of.is_empty() {
            vec![Alternative {
                label: self.label.clone(),
                words: self.words.clone(),
            }]
        } else {
            self.any_of.clone()
        }
    }

    /// Whether the requirement applies to this case.
    pub fn applies(&self, r: &Record) -> bool {
        let Some(w) = self.when.as_deref() else {
            return true;
        };
        let closed = r.case.resolved_date.is_some() || r.case.returned_date.is_some();
        match w {
            "proxy" => is_proxy(r),
            "closed" => closed,
            "pending" => !closed,
            "online" | "direct" | "postal" => r.case.channel.as_deref() == Some(w),
            _ => w
                .strip_prefix("field:")
                .is_some_and(|name| field_value(r, name).is_some_and(truthy)),
        }
    }
}

impl Alternative {
    /// Whether folded `text` names this document.
    pub fn found_in(&self, folded: &str) -> bool {
        self.words.iter().any(|w| folded.contains(&fold(w)))
    }
}

/// A register column by name (compared folded), from `extra` or the declared values.
fn field_value<'a>(r: &'a Record, name: &str) -> Option<&'a str> {
    let key = sohoa_archive::text::header_key(name);
    r.extra
        .iter()
        .chain(r.declared.iter())
        .find(|(k, _)| sohoa_archive::text::header_key(k) == key)
        .map(|(_, v)| v.as_str())
}

fn truthy(v: &str) -> bool {
    let f = fold(v.trim());
    !(f.is_empty() || ["khong", "0", "no", "false", "k"].contains(&f.as_str()))
}

/// Submitted by someone else on the applicant's behalf: a register column about a proxy
/// ("Nộp thay", "Ủy quyền", "Người được ủy quyền", "proxy") with a value.
pub fn is_proxy(r: &Record) -> bool {
    r.extra.iter().any(|(k, v)| {
        let k = sohoa_archive::text::header_key(k);
        (k.contains("uy_quyen") || k.contains("nop_thay") || k.contains("proxy")) && truthy(v)
    })
}

/// The rules in force.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The rule files shipped with sohoa.
    pub fn built_in() -> Result<RuleSet, String> {
        let rules = BUILT_IN
            .iter()
            .map(|(name, text)| Rule::parse(text, &format!("built-in:{name}")))
            .collect::<Result<_, _>>()?;
        Ok(RuleSet { rules })
    }

    /// Every `*.toml` in `dir` except `calendar.toml`.
    pub fn load(dir: &Path) -> Result<RuleSet, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "toml")
                    && p.file_name().is_some_and(|n| n != "calendar.toml")
            })
            .collect();
        paths.sort();
        let mut rules = Vec::new();
        for p in paths {
            let text = sohoa_archive::safe_fs::read_config(&p)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            rules.push(Rule::parse(&text, &p.display().to_string())?);
        }
        Ok(RuleSet { rules })
    }

    /// The rule for a case: by procedure code (ignoring a province suffix), else by name.
    pub fn for_case(&self, r: &Record) -> Option<&Rule> {
        if let Some(code) = r.case.procedure_code.as_deref() {
            let base = crate::codes::procedure_base(code.trim());
            if let Some(rule) = self
                .rules
                .iter()
                .find(|rule| rule.codes.iter().any(|c| c == code || c == base))
            {
                return Some(rule);
            }
        }
        let name = fold(r.case.procedure_name.as_deref()?);
        self.rules.iter().find(|rule| {
            rule.names
                .iter()
                .any(|n| !n.is_empty() && name.contains(n.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rules_parse() {
        let set = RuleSet::built_in().expect("built-in rules");
        assert_eq!(set.rules.len(), BUILT_IN.len());
        let mut r = Record::default();
        r.case.procedure_code = Some("1.013978.H36".into());
        assert_eq!(
            set.for_case(&r).map(|x| x.procedure.as_str()),
            Some("1.013978")
        );
        r.case.procedure_code = None;
        r.case.procedure_name = Some("Đăng ký thành lập hộ kinh doanh".into());
        assert!(set.for_case(&r).is_some());
    }

    #[test]
    fn rule_files_are_checked() {
        let e = Rule::parse(
            "procedure = \"x\"\nname = \"y\"\n[[require]]\nlabel = \"a\"\n",
            "r.toml",
        )
        .expect_err("no match");
        assert!(e.contains("r.toml") && e.contains("match"), "{e}");
        let e = Rule::parse(
            "procedure = \"x\"\nname = \"y\"\n[[require]]\nlabel = \"a\"\nmatch = [\"a\"]\nwhen = \"rainy\"\n",
            "r.toml",
        )
        .expect_err("bad condition");
        assert!(e.contains("rainy"), "{e}");
        assert!(Rule::parse("procedure = 1", "r.toml").is_err());
    }

    #[test]
    fn proxy_and_conditions() {
        let mut r = Record::default();
        assert!(!is_proxy(&r));
        r.extra.insert("Nộp thay (ủy quyền)".into(), "Có".into());
        assert!(is_proxy(&r));
        r.extra.insert("Nộp thay (ủy quyền)".into(), "Không".into());
        assert!(!is_proxy(&r));
    }
}
