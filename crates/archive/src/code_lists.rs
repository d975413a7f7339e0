//! The code lists of TT 05/2025/TT-BNV (domain.md §2.1.4): each code with its label, checked
//! by the audit and spelled out wherever people read a record (the record sheet, the web's
//! case page, `metadata.json`'s `code_labels`).

use crate::record::CaseRecord;

/// A TT 05/2025 code list (domain.md §2.1.4).
pub struct CodeList {
    pub field: &'static str,
    pub name: &'static str,
    pub codes: &'static [(&'static str, &'static str)],
    /// Accepted with a warning (one official validator omits them).
    pub warn: &'static [&'static str],
    /// A value may hold several codes (`language`).
    pub multiple: bool,
}

pub const MAINTENANCE: CodeList = CodeList {
    field: "hoso.maintenance",
    name: "Thời hạn lưu trữ",
    codes: &[
        ("01", "Vĩnh viễn"),
        ("02", "70 năm"),
        ("03", "50 năm"),
        ("04", "30 năm"),
        ("05", "20 năm"),
        ("06", "10 năm"),
        ("07", "Khác"),
    ],
    warn: &["07"],
    multiple: false,
};
pub const MODE: CodeList = CodeList {
    field: "hoso.mode",
    name: "Chế độ sử dụng",
    codes: &[
        ("01", "Công khai"),
        ("02", "Sử dụng có điều kiện"),
        ("03", "Mật"),
    ],
    warn: &[],
    multiple: false,
};
pub const CONFIDENCE: CodeList = CodeList {
    field: "hoso.confidenceLevel",
    name: "Mức độ tin cậy",
    codes: &[("01", "Gốc điện tử"), ("02", "Số hóa"), ("03", "Hỗn hợp")],
    warn: &[],
    multiple: false,
};
pub const FORMAT: CodeList = CodeList {
    field: "hoso.format",
    name: "Tình trạng vật lý",
    codes: &[("01", "Tốt"), ("02", "Bình thường"), ("03", "Hỏng")],
    warn: &[],
    multiple: false,
};
pub const LANGUAGE: CodeList = CodeList {
    field: "hoso.language",
    name: "Ngôn ngữ",
    codes: &[
        ("01", "Tiếng Việt"),
        ("02", "Tiếng Anh"),
        ("03", "Tiếng Pháp"),
        ("04", "Tiếng Nga"),
        ("05", "Tiếng Trung"),
        ("06", "Việt - Anh"),
        ("07", "Việt - Nga"),
        ("08", "Việt - Pháp"),
        ("09", "Hán Nôm"),
        ("10", "Việt - Trung"),
        ("11", "Khác"),
    ],
    warn: &[],
    multiple: true,
};
pub const RISK_RECOVERY: CodeList = CodeList {
    field: "hoso.riskRecovery",
    name: "Chế độ dự phòng",
    codes: &[("1", "Có"), ("0", "Không")],
    warn: &[],
    multiple: false,
};
pub const RISK_RECOVERY_STATUS: CodeList = CodeList {
    field: "hoso.riskRecoveryStatus",
    name: "Tình trạng dự phòng",
    codes: &[("01", "Đã dự phòng"), ("02", "Chưa dự phòng")],
    warn: &[],
    multiple: false,
};

/// How a value stands against a code list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    Ok,
    /// A valid code one validator does not accept.
    Warn,
    /// Not a code of the list; `label_of` names the code when the value is its label.
    Bad {
        label_of: Option<&'static str>,
    },
}

impl CodeList {
    /// The codes a value holds: several for a list that allows them (`01, 02`), else the value.
    fn parts<'v>(&self, value: &'v str) -> Vec<&'v str> {
        if self.multiple {
            value
                .split([',', ';', ' '])
                .filter(|s| !s.is_empty())
                .collect()
        } else {
            vec![value]
        }
    }

    pub fn check(&self, value: &str) -> CodeCheck {
        let parts = self.parts(value);
        if parts.is_empty() {
            return CodeCheck::Bad { label_of: None };
        }
        let mut warn = false;
        for p in parts {
            if !self.codes.iter().any(|(c, _)| *c == p) {
                let folded = crate::text::fold(value);
                let label_of = self
                    .codes
                    .iter()
                    .find(|(_, l)| crate::text::fold(l) == folded)
                    .map(|(c, _)| *c);
                return CodeCheck::Bad { label_of };
            }
            warn |= self.warn.contains(&p);
        }
        if warn {
            CodeCheck::Warn
        } else {
            CodeCheck::Ok
        }
    }

    /// "01 Vĩnh viễn, 02 70 năm, ..." for messages.
    pub fn listing(&self) -> String {
        self.codes
            .iter()
            .map(|(c, l)| format!("{c} {l}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl CodeList {
    /// The label of `value` ("01" -> "Vĩnh viễn"; "01, 02" -> "Tiếng Việt, Tiếng Anh" for a
    /// list of several); `None` when a part is not a code of the list.
    pub fn label(&self, value: &str) -> Option<String> {
        let parts = self.parts(value.trim());
        let labels: Option<Vec<&str>> = parts
            .iter()
            .map(|p| self.codes.iter().find(|(c, _)| c == p).map(|(_, l)| *l))
            .collect();
        labels.filter(|l| !l.is_empty()).map(|l| l.join(", "))
    }
}

/// The hồ sơ-level lists, in the order of the TT 05/2025 fields.
pub const HOSO_LISTS: [&CodeList; 7] = [
    &MAINTENANCE,
    &MODE,
    &LANGUAGE,
    &FORMAT,
    &CONFIDENCE,
    &RISK_RECOVERY,
    &RISK_RECOVERY_STATUS,
];

/// The value a record holds for a list's field.
pub fn value_of<'r>(record: &'r CaseRecord, list: &CodeList) -> Option<&'r str> {
    let h = &record.hoso;
    match list.field {
        "hoso.maintenance" => h.maintenance.as_deref(),
        "hoso.mode" => h.mode.as_deref(),
        "hoso.language" => h.language.as_deref(),
        "hoso.format" => h.format.as_deref(),
        "hoso.confidenceLevel" => h.confidence_level.as_deref(),
        "hoso.riskRecovery" => h.risk_recovery.as_deref(),
        "hoso.riskRecoveryStatus" => h.risk_recovery_status.as_deref(),
        _ => None,
    }
}

/// The labels of a record's coded values, by field ("hoso.maintenance" -> "Vĩnh viễn").
pub fn labels_of(record: &CaseRecord) -> std::collections::BTreeMap<String, String> {
    HOSO_LISTS
        .iter()
        .filter_map(|list| {
            let label = list.label(value_of(record, list)?)?;
            Some((list.field.to_string(), label))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_spelled_out() {
        assert_eq!(MAINTENANCE.label("01").as_deref(), Some("Vĩnh viễn"));
        assert_eq!(
            LANGUAGE.label("01, 02").as_deref(),
            Some("Tiếng Việt, Tiếng Anh")
        );
        assert_eq!(MODE.label("9"), None);
        assert_eq!(LANGUAGE.label("01, 99"), None);
        let mut r = CaseRecord::default();
        r.hoso.maintenance = Some("04".into());
        r.hoso.mode = Some("Công khai".into());
        let l = labels_of(&r);
        assert_eq!(
            l.get("hoso.maintenance").map(String::as_str),
            Some("30 năm")
        );
        assert!(!l.contains_key("hoso.mode"), "a label is not a code: {l:?}");
    }
}
