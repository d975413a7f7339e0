//! SẠCH (clean): duplicate case and archival codes, the same file in two places, double-fed
//! (near-identical) pages, blank, low-resolution or non-colour pages, text not NFC or legacy-encoded.

use crate::case::Record;
use crate::finding::{Criterion::Sach, Finding};
use crate::rules::Rule;
use sohoa_archive::problem::Lang;
use sohoa_archive::record::phash_distance;
use sohoa_archive::text::is_nfc;
use sohoa_archive::values::field_name;
use sohoa_legacy as legacy;
use std::collections::HashMap;

/// Minimum resolution of a scan (TT 05/2025, NĐ 30/2020): dpi.
pub const MIN_DPI: f64 = 200.0;
/// Pages whose hashes differ in at most this share of bits are the same sheet.
pub const NEAR_DUPLICATE: f64 = 0.15;

fn pages_list(pages: &[u32]) -> String {
    let shown: Vec<String> = pages.iter().take(20).map(u32::to_string).collect();
    if pages.len() > 20 {
        format!("{} … ({} trang)", shown.join(", "), pages.len())
    } else {
        shown.join(", ")
    }
}

pub fn check(r: &Record, rule: Option<&Rule>, out: &mut Vec<Finding>) {
    pages(r, rule, out);
    texts(r, out);
}

fn pages(r: &Record, rule: Option<&Rule>, out: &mut Vec<Finding>) {
    let blank: Vec<u32> = r
        .pages
        .iter()
        .filter(|p| p.normalization.as_ref().is_some_and(|n| n.blank))
        .map(|p| p.number)
        .collect();
    if let Some(&first) = blank.first() {
        out.push(
            Finding::warning(
                Sach,
                "sach.blank_page",
                format!("Trang trắng trong tệp PDF: trang {} (xem lại, hoặc nhập lại với --drop-blank)", pages_list(&blank)),
                format!("Blank pages in the bundle: page {} (review, or ingest again with --drop-blank)", pages_list(&blank)),
            )
            .page(first),
        );
    }
    let low: Vec<(u32, f64)> = r
        .pages
        .iter()
        .filter(|p| p.dpi_x > 0.0 && p.dpi_x.min(p.dpi_y) < MIN_DPI)
        .map(|p| (p.number, p.dpi_x.min(p.dpi_y)))
        .collect();
    if let Some(&(first, dpi)) = low.first() {
        let nums: Vec<u32> = low.iter().map(|l| l.0).collect();
        out.push(
            Finding::error(
                Sach,
                "sach.low_dpi",
                format!(
                    "Độ phân giải dưới 200 dpi ({dpi:.0} dpi): trang {} — cần quét lại",
                    pages_list(&nums)
                ),
                format!(
                    "Resolution below 200 dpi ({dpi:.0} dpi): page {} — rescan",
                    pages_list(&nums)
                ),
            )
            .page(first),
        );
    }
    // The default profile (TT 05/2025) keeps colour: a page stored below 24-bit was scanned so.
    if r.profile.is_empty() || r.profile == "default" {
        let grey: Vec<u32> = r
            .pages
            .iter()
            .filter(|p| p.colour != sohoa_archive::record::Colour::Rgb)
            .filter(|p| !p.normalization.as_ref().is_some_and(|n| n.blank))
            .map(|p| p.number)
            .collect();
        if let Some(&first) = grey.first() {
            out.push(
                Finding::warning(
                    Sach,
                    "sach.not_colour",
                    format!("Trang quét đen trắng/xám, dưới 24 bit màu mà hồ sơ số hóa theo TT 05/2025 yêu cầu: trang {}", pages_list(&grey)),
                    format!("Pages scanned in gray or black and white, below the 24-bit colour TT 05/2025 asks for: page {}", pages_list(&grey)),
                )
                .page(first),
            );
        }
    }
    // Double-fed sheets: near-identical consecutive or repeated pages in the case.
    let similar_ok = rule.is_some_and(|rule| rule.similar_pages);
    if !similar_ok {
        let hashed: Vec<(u32, &str)> = r
            .pages
            .iter()
            .filter(|p| !p.normalization.as_ref().is_some_and(|n| n.blank))
            .filter_map(|p| Some((p.number, p.normalization.as_ref()?.phash.as_deref()?)))
            .collect();
        for (i, (a, ha)) in hashed.iter().enumerate() {
            for (b, hb) in &hashed[i + 1..] {
                if let Some(d) = phash_distance(ha, hb).filter(|d| *d <= NEAR_DUPLICATE) {
                    let pct = (1.0 - d) * 100.0;
                    out.push(
                        Finding::warning(
                            Sach,
                            "sach.near_duplicate_page",
                            format!("Trang {a} và trang {b} gần như giống hệt nhau ({pct:.0} %): có thể quét trùng (kéo giấy hai lần)"),
                            format!("Pages {a} and {b} are nearly identical ({pct:.0} %): probably scanned twice"),
                        )
                        .page(*b),
                    );
                }
            }
        }
    }
}

fn texts(r: &Record, out: &mut Vec<Finding>) {
    // Typed in a legacy encoding and converted at ingest: the source text was not Unicode; a
    // person should confirm the conversion (the original is kept in metadata.json).
    for c in &r.text_conversions {
        let enc = match c.encoding.as_str() {
            "tcvn3" => "TCVN3 (ABC)",
            "vni" => "VNI",
            "viqr" => "VIQR",
            other => other,
        };
        out.push(
            Finding::warning(
                Sach,
                "sach.legacy_encoding",
                format!(
                    "Giá trị {} gốc gõ bằng bảng mã cũ {enc} (\"{}\"), đã chuyển sang Unicode khi nhập: \"{}\" — cần đối chiếu",
                    c.field, c.original, c.text
                ),
                format!(
                    "The value of {} was typed in legacy {enc} (\"{}\") and converted to Unicode at ingest: \"{}\" — to confirm",
                    c.field, c.original, c.text
                ),
            )
            .field(&c.field),
        );
    }
    if r.warnings
        .iter()
        .any(|w| w.code == "metadata.nfc_normalized")
    {
        out.push(Finding::warning(
            Sach,
            "sach.text_not_nfc",
            "Thông tin nguồn (sổ đăng ký/hoso.json) không ở dạng Unicode NFC; đã chuẩn hóa khi nhập — sửa tại nguồn",
            "The source metadata (register/hoso.json) was not Unicode NFC; normalized at ingest — fix it at the source",
        ));
    }
    for (field, v) in r.texts() {
        let name = field_name(&field, Lang::Vi);
        if !is_nfc(v) {
            out.push(
                Finding::error(
                    Sach,
                    "sach.text_not_nfc",
                    format!("Giá trị {name} không ở dạng Unicode NFC"),
                    format!("The value of {field} is not Unicode NFC"),
                )
                .field(&field),
            );
        }
        if v.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            out.push(
                Finding::error(
                    Sach,
                    "sach.control_chars",
                    format!("Giá trị {name} chứa ký tự điều khiển"),
                    format!("The value of {field} contains control characters"),
                )
                .field(&field),
            );
        }
        if v.trim() != v {
            out.push(
                Finding::warning(
                    Sach,
                    "sach.whitespace",
                    format!("Giá trị {name} có khoảng trắng thừa ở đầu hoặc cuối"),
                    format!("The value of {field} has leading or trailing whitespace"),
                )
                .field(&field),
            );
        }
        if let Some(enc) = legacy::detect(v) {
            out.push(
                Finding::error(
                    Sach,
                    "sach.legacy_encoding",
                    format!(
                        "Giá trị {name} \"{v}\" có vẻ gõ bằng bảng mã cũ {} chứ không phải Unicode",
                        enc.name()
                    ),
                    format!(
                        "The value of {field} \"{v}\" looks like legacy {} text, not Unicode",
                        enc.name()
                    ),
                )
                .field(&field),
            );
        }
    }
}

/// Groups of two or more cases sharing a key; each gets a finding naming the others.
fn report_groups(
    groups: HashMap<String, Vec<&str>>,
    mut make: impl FnMut(&str, &[&str]) -> Finding,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut keys: Vec<_> = groups.into_iter().filter(|(_, v)| v.len() > 1).collect();
    keys.sort();
    for (key, ids) in keys {
        for id in &ids {
            let others: Vec<String> = ids
                .iter()
                .filter(|o| *o != id)
                .map(|o| o.to_string())
                .collect();
            out.push(make(&key, &ids).case(id).related(others));
        }
    }
    out
}

/// A code as cases are compared by it: NFC, no white space, upper case.
fn code_key(s: &str) -> String {
    sohoa_archive::text::nfc(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The keys a case is compared by across the archive: its case code, and its archival code
/// when that differs from the case code and the bag id (an archival code equal to them is the
/// case code again, not a second claim).
pub fn code_keys(id: &str, r: &Record) -> (Option<String>, Option<String>) {
    let case_key = r.case.case_code.as_deref().map(code_key);
    let file_key = r
        .hoso
        .arc_file_code
        .as_deref()
        .map(code_key)
        .filter(|k| case_key.as_deref() != Some(k.as_str()) && *k != code_key(id));
    (case_key, file_key)
}

/// The scan files compared across cases: page images only (the same note file in two cases
/// is not a duplicated scan), with a whole SHA-256.
pub fn compared_sources(r: &Record) -> impl Iterator<Item = &crate::case::Source> {
    r.sources
        .iter()
        .filter(|s| s.sha256.len() == 64 && !s.attachment)
}

/// Duplicates across the archive: case codes, archival codes, identical source files.
pub fn duplicates(records: &[(&str, &Record)]) -> Vec<Finding> {
    let mut codes: HashMap<String, Vec<&str>> = HashMap::new();
    let mut file_codes: HashMap<String, Vec<&str>> = HashMap::new();
    let mut files: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for (id, r) in records {
        let (case_key, file_key) = code_keys(id, r);
        if let Some(k) = case_key {
            codes.entry(k).or_default().push(id);
        }
        if let Some(k) = file_key {
            file_codes.entry(k).or_default().push(id);
        }
        for s in compared_sources(r) {
            files
                .entry(s.sha256.as_str())
                .or_default()
                .push((id, s.path.as_str()));
        }
    }
    let mut out = report_groups(codes, |code, ids| {
        Finding::error(
            Sach,
            "sach.duplicate_case_code",
            format!("Mã hồ sơ {code} trùng ở {} hồ sơ", ids.len()),
            format!("Case number {code} is used by {} cases", ids.len()),
        )
        .field("case.case_code")
    });
    out.extend(report_groups(file_codes, |code, ids| {
        Finding::error(
            Sach,
            "sach.duplicate_file_code",
            format!("Mã hồ sơ lưu trữ {code} trùng ở {} hồ sơ", ids.len()),
            format!("Archival file code {code} is used by {} cases", ids.len()),
        )
        .field("hoso.arcFileCode")
    }));
    let mut shared: Vec<_> = files.into_iter().filter(|(_, v)| v.len() > 1).collect();
    shared.sort();
    for (sha, places) in shared {
        let short = &sha[..12];
        for (id, path) in &places {
            let others: Vec<String> = places
                .iter()
                .filter(|(o, p)| !(o == id && p == path))
                .map(|(o, p)| {
                    if o == id {
                        p.to_string()
                    } else {
                        format!("{o}/{p}")
                    }
                })
                .collect();
            let related: Vec<String> = {
                let mut r: Vec<String> = places
                    .iter()
                    .filter(|(o, _)| o != id)
                    .map(|(o, _)| o.to_string())
                    .collect();
                r.dedup();
                r
            };
            out.push(
                Finding::error(
                    Sach,
                    "sach.duplicate_file",
                    format!(
                        "Tệp quét {path} giống hệt (SHA-256 {short}…) tệp {}",
                        others.join(", ")
                    ),
                    format!(
                        "Scan file {path} is identical (SHA-256 {short}…) to {}",
                        others.join(", ")
                    ),
                )
                .file(path.to_string())
                .case(id)
                .related(related),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_named_by_their_field_label_in_vietnamese_and_path_in_english() {
        let mut r = Record::default();
        r.case.agency_name = Some(" UBND xã Tân Hòa".into());
        let mut out = Vec::new();
        check(&r, None, &mut out);
        let f = out
            .iter()
            .find(|f| f.code == "sach.whitespace")
            .unwrap_or_else(|| panic!("{out:?}"));
        assert!(f.text(Lang::Vi).contains("Giá trị Cơ quan có"), "{f:?}");
        assert!(!f.text(Lang::Vi).contains("agency_name"), "{f:?}");
        assert!(f.text(Lang::En).contains("case.agency_name"), "{f:?}");
        assert_eq!(f.field.as_deref(), Some("case.agency_name"));
    }
}
