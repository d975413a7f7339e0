//! Rows of cells (a CSV file or one worksheet) to register rows: finds the header row, maps the
//! columns to fields (mapping file first, then header spellings), cleans values, locates problems.

use super::{
    case_field, convert_legacy, kind, ColumnMapping, Fields, Hint, Issue, Kind, LegacyMode,
    MappedBy, Mapping, Origin, Register, RegisterRow, SheetInfo,
};
use sohoa_archive::problem::{Lang, Problem};
use sohoa_archive::record::REQUIRED;
use sohoa_archive::text::{fold, nfc};
use sohoa_legacy::{self as legacy, Legacy};
use std::collections::{BTreeMap, BTreeSet};

/// Rows of cells as read from a file; `number` is the row as a spreadsheet shows it.
pub(crate) struct Grid {
    pub sheet: Option<String>,
    pub rows: Vec<GridRow>,
}

pub(crate) struct GridRow {
    pub number: u64,
    pub cells: Vec<String>,
}

/// How many rows from the top may hold titles before the header row.
const HEADER_SEARCH_ROWS: usize = 30;

/// Spreadsheet column letters: 0 -> A, 25 -> Z, 26 -> AA.
pub(crate) fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// A header as people read it: typed in a legacy encoding, converted to Unicode.
fn header_text(h: &str, hint: Hint) -> String {
    let h = nfc(h);
    convert_legacy(&h, hint, LegacyMode::Auto)
        .map(|c| c.text)
        .unwrap_or(h)
}

fn map_header(h: &str, mapping: &Mapping) -> (Option<&'static str>, MappedBy) {
    if h.trim().is_empty() {
        return (None, MappedBy::Unknown);
    }
    match mapping.column(h) {
        Some(Some(f)) => (Some(f), MappedBy::Mapping),
        Some(None) => (None, MappedBy::Ignored),
        None => match case_field(h) {
            Some(f) => (Some(f), MappedBy::Auto),
            None => (None, MappedBy::Unknown),
        },
    }
}

fn is_key(field: &str) -> bool {
    field == "case_code" || field == "folder"
}

/// The header row: the one the mapping names, else among the first rows the one naming the
/// most fields (a case code or folder column counts double), needing two fields or a key.
fn find_header(grid: &Grid, mapping: &Mapping, hint: Hint) -> Option<usize> {
    if let Some(n) = mapping.header_row {
        return grid.rows.iter().position(|r| r.number == n);
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, r) in grid.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let fields: BTreeSet<&str> = r
            .cells
            .iter()
            .filter_map(|c| map_header(&header_text(c, hint), mapping).0)
            .collect();
        let key = fields.iter().any(|f| is_key(f));
        if fields.len() < 2 && !key {
            continue;
        }
        let score = fields.len() + 2 * usize::from(key);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

/// The legacy encoding most values below the header are typed in, if any.
fn legacy_hint(rows: &[GridRow]) -> Option<Legacy> {
    let mut counts: BTreeMap<u8, (usize, Legacy)> = BTreeMap::new();
    for c in rows.iter().flat_map(|r| r.cells.iter()) {
        if let Some(enc) = legacy::detect(c) {
            counts.entry(enc as u8).or_insert((0, enc)).0 += 1;
        }
    }
    counts.into_values().max_by_key(|(n, _)| *n).map(|(_, e)| e)
}

/// A footer such as "Tổng cộng: 120 hồ sơ": not a case.
fn is_total_row(cells: &[String], hint: Hint) -> bool {
    let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
    filled.len() <= 3
        && filled.iter().any(|c| {
            let f = fold(&header_text(c, hint));
            f.starts_with("tong cong") || f.starts_with("tong so") || f.starts_with("cong:")
        })
}

/// Reads one grid into `reg`. Returns false (and reads nothing) when no header row is found.
pub(crate) fn read(
    grid: &Grid,
    mapping: &Mapping,
    source: &str,
    file_legacy: Option<Legacy>,
    reg: &mut Register,
) -> bool {
    // Certain only for 8-bit legacy bytes; a forced encoding on Unicode text is a strong hint.
    let file_hint = match (mapping.legacy, file_legacy) {
        (LegacyMode::Force(e), Some(_)) | (LegacyMode::Auto, Some(e)) => Hint::Certain(e),
        (LegacyMode::Force(e), None) => Hint::Likely(e),
        _ => Hint::None,
    };
    let Some(h) = find_header(grid, mapping, file_hint) else {
        reg.sheets.push(SheetInfo {
            name: grid.sheet.clone(),
            header_row: None,
            rows: 0,
            used: false,
        });
        return false;
    };
    let sheet = grid.sheet.as_deref();
    let locate = |p: Problem| match sheet {
        Some(s) => p.in_file(source).in_sheet(s),
        None => p.in_file(source),
    };
    let header = &grid.rows[h];
    let data = &grid.rows[h + 1..];
    let headers: Vec<String> = header
        .cells
        .iter()
        .map(|c| header_text(c, file_hint))
        .collect();
    // The mapping file's columns take their fields first, then those recognised by name.
    let recognised: Vec<(Option<&'static str>, MappedBy)> =
        headers.iter().map(|h| map_header(h, mapping)).collect();
    let mut assigned = recognised.clone();
    let mut taken: BTreeMap<&'static str, String> = BTreeMap::new();
    for pass in [MappedBy::Mapping, MappedBy::Auto] {
        for (j, (field, by)) in recognised.iter().enumerate() {
            let (Some(f), true) = (field, *by == pass) else {
                continue;
            };
            let letter = column_letter(j);
            if let Some(other) = taken.get(f) {
                let raw = &headers[j];
                reg.problems.push(locate(Problem::warning(
                    "register.duplicate_column",
                    format!(
                        "Cột {letter} \"{raw}\" trùng trường {} với cột {other}: giữ riêng theo tên cột",
                        sohoa_archive::values::field_name(f, Lang::Vi)
                    ),
                    format!("Column {letter} \"{raw}\" maps to {f} like column {other}: kept under its own header"),
                )));
                assigned[j] = (None, MappedBy::Duplicate);
            } else {
                taken.insert(f, letter);
            }
        }
    }
    // Every column with a name or with data is kept; names are made unique ("Ghi chú (K)").
    let mut columns: Vec<ColumnMapping> = Vec::new();
    let mut index: Vec<Option<usize>> = Vec::new();
    // Columns whose header names a code, count or identity number (even when another column
    // fills that field): their values are never read as legacy text.
    let mut plain: Vec<bool> = Vec::new();
    for (j, raw) in headers.iter().enumerate() {
        let letter = column_letter(j);
        let has_data = data
            .iter()
            .any(|r| r.cells.get(j).is_some_and(|c| !c.trim().is_empty()));
        let (field, by) = assigned[j];
        if raw.trim().is_empty() && field.is_none() && !has_data {
            index.push(None);
            continue;
        }
        let mut name = nfc(raw);
        if name.is_empty() {
            name = format!("Cột {letter}");
            reg.problems.push(locate(Problem::warning(
                "register.unnamed_column",
                format!("Cột {letter} có dữ liệu nhưng không có tên: giữ với tên \"{name}\""),
                format!("Column {letter} holds data but has no header: kept as \"{name}\""),
            )));
        }
        if columns.iter().any(|c| c.header == name) {
            name = format!("{name} ({letter})");
        }
        index.push(Some(columns.len()));
        plain.push(recognised[j].0.is_some_and(|f| {
            f == "folder" || matches!(kind(f), Kind::Code | Kind::Count | Kind::IdNumber)
        }));
        columns.push(ColumnMapping {
            sheet: grid.sheet.clone(),
            column: letter,
            header: name,
            field,
            mapped_by: by,
        });
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|f| {
            !(taken.contains_key(f) || *f == "agency_name" && taken.contains_key("agency_code"))
        })
        .collect();
    if !missing.is_empty() {
        reg.problems.push(locate(Problem::warning(
            "register.no_column",
            format!(
                "Sổ đăng ký không có cột cho: {} (dùng tệp ánh xạ nếu cột mang tên khác)",
                missing
                    .iter()
                    .map(|f| format!("{} ({f})", sohoa_archive::values::field_label(f)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("The register has no column for: {} (use a mapping file if the column has another name)", missing.join(", ")),
        )));
    }
    if !taken.keys().any(|f| is_key(f)) {
        reg.problems.push(locate(Problem::warning(
            "register.no_key_column",
            "Không có cột Mã hồ sơ hay Thư mục: các dòng không gắn được với thư mục hồ sơ",
            "No case code or folder column: rows cannot be matched to case folders",
        )));
    }
    let hint = match file_hint {
        Hint::None => legacy_hint(data).map_or(Hint::None, Hint::Likely),
        certain => certain,
    };
    if let (None, Hint::Likely(e) | Hint::Certain(e)) = (reg.legacy_hint, hint) {
        reg.legacy_hint = Some(e);
    }
    let width = header.cells.len();
    let mut rows_read = 0;
    for r in data {
        if r.cells.iter().all(|c| c.trim().is_empty()) || is_total_row(&r.cells, hint) {
            continue;
        }
        let at = |p: Problem| locate(p.at_row(r.number));
        if r.cells.iter().skip(width).any(|c| !c.trim().is_empty()) {
            reg.problems.push(at(Problem::warning(
                "register.row_length",
                format!(
                    "Dòng có {} cột, tiêu đề có {width} cột: các ô thừa bị bỏ qua",
                    r.cells.len()
                ),
                format!(
                    "Row has {} columns, the header has {width}: the extra cells are ignored",
                    r.cells.len()
                ),
            )));
        }
        let mut fields = Fields::default();
        for (j, value) in r.cells.iter().enumerate().take(width) {
            let Some(k) = index[j] else {
                continue;
            };
            let col = &columns[k];
            let mode = if plain[k] {
                LegacyMode::Off
            } else {
                mapping.legacy
            };
            if col.mapped_by == MappedBy::Ignored {
                continue;
            }
            let label = format!("{} \"{}\"", col.column, col.header);
            let name = col.header.clone();
            let origin = Origin {
                source,
                sheet,
                row: Some(r.number),
                column: Some(&label),
            };
            let issues: Vec<Issue> = fields.put(col.field, &name, value, origin, hint, mode);
            for i in issues {
                reg.problems.push(at(
                    Problem::warning(i.code, i.vi, i.en).in_column(label.clone())
                ));
            }
        }
        if fields.get("case_code").is_none() && fields.get("folder").is_none() {
            reg.problems.push(at(Problem::warning(
                "register.no_key",
                "Dòng không có mã hồ sơ hay thư mục: không gắn được với hồ sơ nào, bỏ qua",
                "Row has no case code or folder: it cannot be matched to a case, skipped",
            )));
            continue;
        }
        let empty: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|f| taken.contains_key(f) && fields.get(f).is_none())
            .filter(|f| !(*f == "agency_name" && fields.get("agency_code").is_some()))
            .collect();
        if !empty.is_empty() {
            reg.problems.push(at(Problem::warning(
                "register.missing_value",
                format!("Thiếu giá trị bắt buộc: {}", empty.join(", ")),
                format!("Required values missing: {}", empty.join(", ")),
            )));
        }
        if let Some(code) = fields.get("case_code") {
            let key: String = code
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect();
            if let Some(first) = reg.codes.get(&key) {
                reg.problems.push(at(Problem::warning(
                    "register.duplicate_code",
                    format!("Mã hồ sơ {code} đã có ở dòng {first}"),
                    format!("Case code {code} is already on row {first}"),
                )));
            } else {
                let here = match sheet {
                    Some(s) => format!("{s}!{}", r.number),
                    None => r.number.to_string(),
                };
                reg.codes.insert(key, here);
            }
        }
        rows_read += 1;
        reg.rows.push(RegisterRow {
            sheet: grid.sheet.clone(),
            row: r.number,
            fields,
        });
    }
    reg.columns.extend(columns);
    reg.sheets.push(SheetInfo {
        name: grid.sheet.clone(),
        header_row: Some(header.number),
        rows: rows_read,
        used: true,
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_like_spreadsheets() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            sheet: None,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| GridRow {
                    number: i as u64 + 1,
                    cells: r.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn finds_the_header_below_titles() {
        let g = grid(&[
            &["UBND XÃ AN BÌNH", "", ""],
            &["DANH SÁCH HỒ SƠ TIẾP NHẬN", "", ""],
            &["Từ ngày 01/07/2025 đến ngày 31/07/2025", "", ""],
            &["STT", "Số hồ sơ", "Ngày nhận"],
            &["1", "A-1", "01/07/2025"],
            &["", "", ""],
            &["Tổng cộng: 1 hồ sơ", "", ""],
        ]);
        let mut reg = Register::empty(std::path::Path::new("hoso.csv"), "csv");
        assert!(read(&g, &Mapping::default(), "hoso.csv", None, &mut reg));
        assert_eq!(reg.sheets[0].header_row, Some(4));
        assert_eq!(reg.rows.len(), 1);
        assert_eq!(reg.rows[0].row, 5);
        assert_eq!(reg.rows[0].fields.get("received_date"), Some("2025-07-01"));
        assert!(
            !reg.problems.iter().any(|p| p.code == "register.no_key"),
            "{:?}",
            reg.problems
        );
    }

    #[test]
    fn no_header_means_nothing_read() {
        let g = grid(&[&["a", "b"], &["1", "2"]]);
        let mut reg = Register::empty(std::path::Path::new("hoso.csv"), "csv");
        assert!(!read(&g, &Mapping::default(), "hoso.csv", None, &mut reg));
        assert!(reg.rows.is_empty());
    }
}
