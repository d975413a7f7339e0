//! The batch register as a workbook (XLSX, XLS, XLSB, ODS via calamine): every sheet with a
//! recognisable header row is read; dates, numbers and error cells become text for the cleaner.
//! A zip-based workbook is measured unpacked and an ODS or XLS laid out on paper (`prescan`)
//! before calamine opens it; cells are counted as they are read.

use super::prescan::Refusal;
use super::table::{self, Grid, GridRow};
use super::{file_name, Mapping, Register};
use crate::problems::too_large;
use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};
use sohoa_archive::limits::Limits;
use sohoa_archive::problem::Problem;
use sohoa_archive::text::{readable_bytes, readable_count};
use std::io::{Cursor, Read};

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

/// The workbook cannot be opened (the file named, the cause in both languages).
fn bad_workbook(name: &str, vi: &str, en: &str) -> Problem {
    Problem::error(
        "register.bad_workbook",
        format!("Không mở được bảng tính (tệp hỏng hoặc không phải XLSX/XLS/ODS): {vi}"),
        format!("Cannot open the workbook (damaged, or not XLSX/XLS/ODS): {en}"),
    )
    .in_file(name)
}

/// Bytes a zip-based workbook (XLSX, XLSM, XLSB, ODS) unpacks to, counted by decompressing
/// every entry (the sizes the zip declares are not trusted) and stopping as soon as `limit`
/// is passed: Err names the entry where it was. Nothing is kept in memory. Entries the zip
/// reader cannot open are left to calamine, which uses the same reader and will say so.
fn check_unpacked(bytes: &[u8], limit: u64) -> Result<(), (String, u64)> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{}", i + 1));
        let mut entry = entry.take(limit - total + 1);
        loop {
            match entry.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n as u64,
            }
        }
        if total > limit {
            return Err((name, total));
        }
    }
    Ok(())
}

/// A sheet's cells that hold something, with their (row, column), as calamine reads them.
type SheetCells = Vec<((u32, u32), Data)>;

/// Why a sheet's cells were not read: the sheet is unreadable, or the register too large.
enum CellsError {
    Sheet(String),
    TooLarge(Problem),
}

/// Counts cells against the limits while they are read: each cell's characters against
/// `max_cell_chars`, the register's cells against `max_register_cells`, the text held
/// against `max_register_unpacked_bytes` (a shared string is copied into every cell that
/// names it: a few bytes of XML per cell can hold 32,767 characters each).
struct Budget<'a> {
    limits: &'a Limits,
    name: &'a str,
    /// Cells of the register so far: each sheet counts the rectangle sohoa holds for it
    /// (its used rows, every column from A to its last used one).
    cells: u64,
    /// Bytes of cell text held so far.
    text: u64,
}

impl Budget<'_> {
    fn cell(&mut self, sheet: &str, pos: (u32, u32), d: &Data) -> Result<(), CellsError> {
        if let Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) = d {
            self.text = self.text.saturating_add(s.len() as u64);
            let limit = self.limits.max_register_unpacked_bytes;
            if self.text > limit {
                let (limit_vi, limit_en) = readable_bytes(limit);
                return Err(CellsError::TooLarge(too_large(
                    self.name,
                    format!("với trang tính \"{sheet}\", chữ trong các ô đã đọc vượt quá {limit_vi} (limits.max_register_unpacked_bytes)"),
                    format!("with sheet \"{sheet}\", the text of the cells read comes to more than {limit_en} (limits.max_register_unpacked_bytes)"),
                )));
            }
            let max = self.limits.max_cell_chars;
            // Bytes first: a string of n bytes never holds more than n characters.
            if s.len() > max && s.chars().count() > max {
                let at = format!(
                    "{sheet}!{}{}",
                    table::column_letter(pos.1 as usize),
                    u64::from(pos.0) + 1
                );
                let (n_vi, n_en) = readable_count(s.chars().count() as u64);
                let (max_vi, max_en) = readable_count(max as u64);
                return Err(CellsError::TooLarge(too_large(
                    self.name,
                    format!(
                        "ô {at} chứa {n_vi} ký tự, giới hạn {max_vi} (limits.max_cell_chars)"
                    ),
                    format!(
                        "cell {at} holds {n_en} characters, the limit is {max_en} (limits.max_cell_chars)"
                    ),
                )));
            }
        }
        Ok(())
    }

    /// Checks the register's cells with `more` added (not kept).
    fn check(&self, sheet: &str, more: u64) -> Result<(), CellsError> {
        let max = self.limits.max_register_cells;
        if self.cells.saturating_add(more) <= max {
            return Ok(());
        }
        let (max_vi, max_en) = readable_count(max);
        Err(CellsError::TooLarge(too_large(
            self.name,
            format!(
                "với trang tính \"{sheet}\", sổ có hơn {max_vi} ô (limits.max_register_cells)"
            ),
            format!(
                "with sheet \"{sheet}\", the register holds more than {max_en} cells (limits.max_register_cells)"
            ),
        )))
    }
}

/// The rectangle sohoa holds for a sheet: used rows times columns A to the last used one.
fn held(cells: &SheetCells) -> u64 {
    let rows = cells
        .iter()
        .map(|c| c.0 .0)
        .max()
        .zip(cells.iter().map(|c| c.0 .0).min());
    let last_col = cells.iter().map(|c| c.0 .1).max();
    match (rows, last_col) {
        (Some((r1, r0)), Some(c1)) => (u64::from(r1 - r0) + 1) * (u64::from(c1) + 1),
        _ => 0,
    }
}

/// The cells of one sheet that hold something. XLSX and XLSB are streamed cell by cell, so
/// nothing is allocated for the rectangle before it is checked (two cells at opposite corners
/// ask calamine for 17 billion); XLS and ODS come as calamine's rectangle.
fn sheet_cells(
    book: &mut Sheets<Cursor<Vec<u8>>>,
    sheet: &str,
    budget: &mut Budget,
) -> Result<SheetCells, CellsError> {
    let mut cells: SheetCells = Vec::new();
    let mut push = |pos: (u32, u32), d: Data, budget: &mut Budget| {
        budget.cell(sheet, pos, &d)?;
        cells.push((pos, d));
        // Counted while read, so a sheet of millions of cells stops at the limit.
        budget.check(sheet, cells.len() as u64)
    };
    let sheet_err = |e: &dyn std::fmt::Display| CellsError::Sheet(e.to_string());
    match book {
        Sheets::Xlsx(x) => {
            let mut reader = match x.worksheet_cells_reader(sheet) {
                Ok(r) => r,
                Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
                Err(e) => return Err(sheet_err(&e)),
            };
            while let Some(c) = reader.next_cell().map_err(|e| sheet_err(&e))? {
                if !matches!(c.get_value(), calamine::DataRef::Empty) {
                    push(c.get_position(), c.get_value().clone().into(), budget)?;
                }
            }
        }
        Sheets::Xlsb(x) => {
            let mut reader = x.worksheet_cells_reader(sheet).map_err(|e| sheet_err(&e))?;
            while let Some(c) = reader.next_cell().map_err(|e| sheet_err(&e))? {
                if !matches!(c.get_value(), calamine::DataRef::Empty) {
                    push(c.get_position(), c.get_value().clone().into(), budget)?;
                }
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = book.worksheet_range(sheet).map_err(|e| sheet_err(&e))?;
            let (row0, col0) = range.start().unwrap_or((0, 0));
            let (rows, cols) = range.get_size();
            budget.check(sheet, rows as u64 * (u64::from(col0) + cols as u64))?;
            for (r, c, d) in range.used_cells() {
                push((row0 + r as u32, col0 + c as u32), d.clone(), budget)?;
            }
        }
    }
    let held = held(&cells);
    budget.check(sheet, held)?;
    budget.cells += held;
    Ok(cells)
}

/// Reads a workbook register. Never fails: problems are returned inside the register.
pub(crate) fn read(path: &std::path::Path, mapping: &Mapping, limits: &Limits) -> Register {
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
    let Some(bytes) = super::read_file(path, &mut reg, limits) else {
        return reg;
    };
    // By content, not extension: calamine itself tries every format.
    if bytes.starts_with(b"PK") {
        let limit = limits.max_register_unpacked_bytes;
        if let Err((entry, total)) = check_unpacked(&bytes, limit) {
            let (limit_vi, limit_en) = readable_bytes(limit);
            let (total_vi, total_en) = readable_bytes(total);
            reg.problems.push(too_large(
                &name,
                format!("bảng tính giải nén ra hơn {limit_vi} (đã đếm {total_vi}, đến phần \"{entry}\"; limits.max_register_unpacked_bytes): có thể là \"bom zip\""),
                format!("the workbook unpacks to more than {limit_en} ({total_en} counted, up to part \"{entry}\"; limits.max_register_unpacked_bytes): possibly a zip bomb"),
            ));
            return reg;
        }
    }
    // ODS and XLS are laid out whole when calamine opens them: measured first.
    match super::prescan::check(&bytes, limits) {
        Ok(()) => {}
        Err(Refusal::TooLarge { vi, en }) => {
            reg.problems.push(too_large(&name, vi, en));
            return reg;
        }
        Err(Refusal::Damaged(d)) => {
            reg.problems.push(bad_workbook(&name, &d.vi, &d.en));
            return reg;
        }
    }
    let mut book = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            let e = e.to_string();
            reg.problems.push(bad_workbook(&name, &e, &e));
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
    let mut budget = Budget {
        limits,
        name: &name,
        cells: 0,
        text: 0,
    };
    let mut any = false;
    for sheet in wanted {
        let cells = match sheet_cells(&mut book, &sheet, &mut budget) {
            Ok(c) => c,
            Err(CellsError::TooLarge(p)) => {
                // Nothing of a register too large to read whole is used.
                let sha256 = std::mem::take(&mut reg.sha256);
                reg = Register::empty(path, format);
                reg.sha256 = sha256;
                reg.problems.push(p);
                return reg;
            }
            Err(CellsError::Sheet(e)) => {
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
        let (grid, errors) = grid(&sheet, &cells);
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
        reg.problems
            .push(crate::problems::no_header(&name, mapping));
    }
    reg
}

/// The sheet's used rectangle as rows of text, numbered as a spreadsheet shows them (columns
/// left of it kept empty so letters match); formula errors listed (row, column, error).
fn grid(sheet: &str, cells: &SheetCells) -> (Grid, Vec<(u64, usize, String)>) {
    let mut grid = Grid {
        sheet: Some(sheet.to_string()),
        rows: Vec::new(),
    };
    let mut errors = Vec::new();
    let (Some(row0), Some(row1), Some(col1)) = (
        cells.iter().map(|c| c.0 .0).min(),
        cells.iter().map(|c| c.0 .0).max(),
        cells.iter().map(|c| c.0 .1).max(),
    ) else {
        return (grid, errors);
    };
    // Every row as wide as the widest (an empty row holds no cell: the table reads both alike).
    let width = col1 as usize + 1;
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); (row1 - row0) as usize + 1];
    for ((r, c), d) in cells {
        let row = &mut rows[(r - row0) as usize];
        if row.is_empty() {
            *row = vec![String::new(); width];
        }
        match cell_text(d) {
            Ok(t) => row[*c as usize] = t,
            Err(e) => errors.push((u64::from(*r) + 1, *c as usize, e)),
        }
    }
    grid.rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, cells)| GridRow {
            number: u64::from(row0) + i as u64 + 1,
            cells,
        })
        .collect();
    (grid, errors)
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
        let reg = read(&p, &Mapping::default(), &Limits::default());
        assert_eq!(reg.problems[0].code, "register.bad_workbook");
        assert_eq!(reg.problems[0].file.as_deref(), Some("hoso.xlsx"));
        assert!(reg.rows.is_empty());
    }
}
