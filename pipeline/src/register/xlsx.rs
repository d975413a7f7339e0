//! The batch register as a workbook (XLSX, XLS, XLSB, ODS via calamine): every sheet with a
//! recognisable header row is read; dates, numbers and error cells become text for the cleaner.

use super::table::{self, Grid, GridRow};
use super::{file_name, Mapping, Register};
use crate::problem::Problem;
use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::io::Cursor;

/// A number as people wrote it: whole numbers without ".0" (Excel stores every number as a float).
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A cell as text: dates as ISO 8601 (with the time when it has one), error cells as None.
fn cell_text(d: &Data) -> Result<String, String> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => number(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, m, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// Reads a workbook register. Never fails: problems are returned inside the register.
pub(crate) fn read(path: &std::path::Path, mapping: &Mapping) -> Register {
    let name = file_name(path);
    let format = match path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .as_deref()
    {
        Some("xls") => "xls",
        Some("xlsb") => "xlsb",
        Some("ods") => "ods",
        _ => "xlsx",
    };
    let mut reg = Register::empty(path, format);
    let Some(bytes) = super::read_file(path, &mut reg) else {
        return reg;
    };
    let mut book = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            reg.problems.push(
                Problem::error(
                    "register.bad_workbook",
                    format!("Không mở được bảng tính (tệp hỏng hoặc không phải XLSX/XLS/ODS): {e}"),
                    format!("Cannot open the workbook (damaged, or not XLSX/XLS/ODS): {e}"),
                )
                .in_file(name),
            );
            return reg;
        }
    };
    let names = book.sheet_names();
    let wanted: Vec<String> = match &mapping.sheet {
        Some(s) => match names.iter().find(|n| n.trim() == s.trim()) {
            Some(n) => vec![n.clone()],
            None => {
                reg.problems.push(
                    Problem::error(
                        "register.no_sheet",
                        format!("Không có trang tính \"{s}\" (có: {})", names.join(", ")),
                        format!(
                            "There is no sheet \"{s}\" (there are: {})",
                            names.join(", ")
                        ),
                    )
                    .in_file(name),
                );
                return reg;
            }
        },
        None => names,
    };
    let mut any = false;
    for sheet in wanted {
        let range = match book.worksheet_range(&sheet) {
            Ok(r) => r,
            Err(e) => {
                reg.problems.push(
                    Problem::warning(
                        "register.bad_sheet",
                        format!("Không đọc được trang tính: {e}"),
                        format!("Cannot read the sheet: {e}"),
                    )
                    .in_file(name.clone())
                    .in_sheet(sheet.clone()),
                );
                continue;
            }
        };
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut grid = Grid {
            sheet: Some(sheet.clone()),
            rows: Vec::new(),
        };
        let mut errors = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            let number = u64::from(row0) + i as u64 + 1;
            // Cells left of the used range are empty: keep letters as the spreadsheet shows them.
            let mut row = vec![String::new(); col0 as usize];
            for (j, c) in cells.iter().enumerate() {
                match cell_text(c) {
                    Ok(t) => row.push(t),
                    Err(e) => {
                        errors.push((number, col0 as usize + j, e));
                        row.push(String::new());
                    }
                }
            }
            grid.rows.push(GridRow { number, cells: row });
        }
        if table::read(&grid, mapping, &name, None, &mut reg) {
            any = true;
            let header_row = reg.sheets.last().and_then(|s| s.header_row).unwrap_or(0);
            for (row, col, e) in errors.into_iter().filter(|(r, _, _)| *r > header_row) {
                reg.problems.push(
                    Problem::warning(
                        "register.cell_error",
                        format!("Ô chứa lỗi công thức {e}: bỏ trống"),
                        format!("Cell holds the formula error {e}: left empty"),
                    )
                    .in_file(name.clone())
                    .in_sheet(sheet.clone())
                    .at_row(row)
                    .in_column(table::column_letter(col)),
                );
            }
        }
    }
    if !any {
        reg.problems.push(super::csv::no_header(&name, mapping));
    }
    reg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_wrote_them() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(1085012345.0), "1085012345");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(cell_text(&Data::Bool(true)).unwrap(), "1");
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hoso.xlsx");
        std::fs::write(&p, b"PK\x03\x04 not really a zip").unwrap();
        let reg = read(&p, &Mapping::default());
        assert_eq!(reg.problems[0].code, "register.bad_workbook");
        assert_eq!(reg.problems[0].file.as_deref(), Some("hoso.xlsx"));
        assert!(reg.rows.is_empty());
    }
}
