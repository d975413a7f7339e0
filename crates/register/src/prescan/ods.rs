//! The cells of an ODS spreadsheet as calamine lays them out when it opens the file, counted
//! on `content.xml` with repeats multiplied out but nothing built (the pre-scan's ODS half).
//!
//! calamine copies each row as written (`table:number-columns-repeated` multiplied out, up to
//! the row's last cell), then the sheet's rectangle (`table:number-rows-repeated` multiplied
//! out, from its first row with a cell to its last); a sheet counts the larger, with every
//! column from A to the last one used, as the XLSX reading counts it. A cell is one calamine
//! keeps: it has a value, a value type or a formula (styles alone are empty).

use super::{over_cells, Damaged, Refusal};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use sohoa_archive::limits::Limits;
use sohoa_archive::text::{readable_bytes, readable_count};
use std::borrow::Cow;
use std::io::{BufReader, Cursor, Read};

/// The `mimetype` entry calamine requires (it reads exactly these bytes).
const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The attributes that make calamine keep a cell (value, type or formula).
const KEPT: &[&str] = &[
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
    "office:value-type",
    "calcext:value-type",
    "table:formula",
];

/// One `table:table` being read.
#[derive(Default)]
struct Sheet {
    name: String,
    /// Rows so far, repeats multiplied out.
    rows: u64,
    /// First row holding a kept cell, and the row after the last one.
    first: Option<u64>,
    end: u64,
    /// Columns from A to the last kept cell of any row.
    width: u64,
    /// Cells of the rows as written (each row once, up to its last kept cell).
    written: u64,
    /// Nested `table:table` elements (sub-tables) inside it.
    depth: u32,
}

impl Sheet {
    /// The cells calamine holds for the sheet: its rectangle, or its rows as written.
    fn cells(&self) -> u64 {
        let rect = self
            .first
            .map_or(0, |f| (self.end - f).saturating_mul(self.width));
        rect.max(self.written)
    }
}

/// One `table:table-row` being read.
struct Row {
    repeats: u64,
    /// Column after the cells so far, and after the last kept one.
    col: u64,
    last: u64,
    /// Bytes of text of the row as written (repeated cells counted each time).
    text: u64,
}

/// One cell between its start and end tags.
struct Cell {
    col: u64,
    repeats: u64,
    kept: bool,
    /// Characters and bytes of the text calamine would make of it.
    chars: u64,
    bytes: u64,
    /// Elements open inside the cell (its own start tag counts one).
    depth: u32,
}

struct Scan<'a> {
    limits: &'a Limits,
    /// Cells of the sheets finished so far.
    cells: u64,
    /// Bytes of cell text calamine would hold, repeated cells counted each time.
    text: u64,
    sheet: Option<Sheet>,
    row: Option<Row>,
    cell: Option<Cell>,
}

/// The attribute's raw value (escapes left as written).
fn attr<'b>(e: &'b BytesStart, name: &str) -> Option<Cow<'b, str>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value)
}

/// A count attribute (repeats, spaces): absent or unreadable is 1 (calamine fails on the
/// unreadable ones itself).
fn count(e: &BytesStart, name: &str) -> u64 {
    attr(e, name)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1)
}

/// Characters of UTF-8 text (bytes that do not continue a character).
fn chars(b: &str) -> u64 {
    b.bytes().filter(|&c| c & 0xC0 != 0x80).count() as u64
}

impl Scan<'_> {
    fn start(&mut self, e: &BytesStart, empty: bool) -> Result<(), Refusal> {
        let name = e.name();
        if let Some(cell) = &mut self.cell {
            // Inside a cell: its text (`text:s` stands for a run of spaces).
            let n = match name.as_ref() {
                "text:s" => count(e, "text:c"),
                "text:tab" | "text:line-break" => 1,
                _ => 0,
            };
            cell.chars = cell.chars.saturating_add(n);
            cell.bytes = cell.bytes.saturating_add(n);
            if !empty {
                cell.depth += 1;
            }
            return self.check_cell();
        }
        match name.as_ref() {
            "table:table" if !empty => match &mut self.sheet {
                Some(s) => s.depth += 1,
                None => {
                    let name = attr(e, "table:name")
                        .map(|v| {
                            quick_xml::escape::unescape(&v)
                                .map(Cow::into_owned)
                                .unwrap_or_else(|_| v.into_owned())
                        })
                        .unwrap_or_default();
                    self.sheet = Some(Sheet {
                        name,
                        ..Sheet::default()
                    });
                }
            },
            "table:table-row" if self.sheet.is_some() => {
                self.row = Some(Row {
                    repeats: count(e, "table:number-rows-repeated"),
                    col: 0,
                    last: 0,
                    text: 0,
                });
                if empty {
                    return self.end_row();
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let Some(row) = &mut self.row else {
                    return Ok(());
                };
                let repeats = count(e, "table:number-columns-repeated");
                let mut cell = Cell {
                    col: row.col,
                    repeats,
                    kept: false,
                    chars: 0,
                    bytes: 0,
                    depth: 1,
                };
                row.col = row.col.saturating_add(repeats);
                for a in e.attributes().with_checks(false).flatten() {
                    let key = a.key.as_ref();
                    cell.kept |= KEPT.contains(&key);
                    if key == "office:string-value" {
                        cell.chars = cell.chars.saturating_add(chars(&a.value));
                        cell.bytes = cell.bytes.saturating_add(a.value.len() as u64);
                    }
                }
                self.cell = Some(cell);
                if empty {
                    return self.end_cell();
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, b: &str) -> Result<(), Refusal> {
        if let Some(cell) = &mut self.cell {
            cell.chars = cell.chars.saturating_add(chars(b));
            cell.bytes = cell.bytes.saturating_add(b.len() as u64);
        }
        self.check_cell()
    }

    /// The open cell against the limits as its text grows: calamine builds the text (and its
    /// copies) before it reads on, so a cell cut short by broken XML is checked all the same.
    fn check_cell(&self) -> Result<(), Refusal> {
        let (Some(cell), Some(row), Some(sheet)) = (&self.cell, &self.row, &self.sheet) else {
            return Ok(());
        };
        if !cell.kept {
            return Ok(());
        }
        let max = self.limits.max_cell_chars as u64;
        if cell.chars > max {
            let at = format!(
                "{}!{}{}",
                sheet.name,
                super::super::table::column_letter(usize::try_from(cell.col).unwrap_or(usize::MAX)),
                sheet.rows.saturating_add(1)
            );
            let (n_vi, n_en) = readable_count(cell.chars);
            let (max_vi, max_en) = readable_count(max);
            return Err(Refusal::TooLarge {
                vi: format!("ô {at} trải ra ít nhất {n_vi} ký tự khi mở, giới hạn {max_vi} (limits.max_cell_chars)"),
                en: format!("cell {at} spreads to at least {n_en} characters when opened, the limit is {max_en} (limits.max_cell_chars)"),
            });
        }
        let text = cell.bytes.saturating_mul(cell.repeats);
        check_text(
            self.limits,
            &sheet.name,
            self.text.saturating_add(row.text).saturating_add(text),
        )
    }

    fn end(&mut self, name: &str) -> Result<(), Refusal> {
        if let Some(cell) = &mut self.cell {
            cell.depth -= 1;
            return if cell.depth == 0 {
                self.end_cell()
            } else {
                Ok(())
            };
        }
        match name {
            "table:table-row" if self.row.is_some() => self.end_row(),
            "table:table" => {
                let Some(sheet) = &mut self.sheet else {
                    return Ok(());
                };
                if sheet.depth > 0 {
                    sheet.depth -= 1;
                    return Ok(());
                }
                self.cells = self.cells.saturating_add(sheet.cells());
                self.sheet = None;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn end_cell(&mut self) -> Result<(), Refusal> {
        self.check_cell()?;
        let (Some(cell), Some(row)) = (self.cell.take(), &mut self.row) else {
            return Ok(());
        };
        if cell.kept {
            row.last = cell.col.saturating_add(cell.repeats);
            // calamine keeps a copy of the text for every repeat of the cell (and of its row).
            row.text = row
                .text
                .saturating_add(cell.bytes.saturating_mul(cell.repeats));
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), Refusal> {
        let (Some(row), Some(sheet)) = (self.row.take(), &mut self.sheet) else {
            return Ok(());
        };
        if row.last > 0 {
            sheet.first.get_or_insert(sheet.rows);
            sheet.end = sheet.rows.saturating_add(row.repeats);
            sheet.width = sheet.width.max(row.last);
            sheet.written = sheet.written.saturating_add(row.last);
        }
        sheet.rows = sheet.rows.saturating_add(row.repeats);
        // Checked row by row: a bomb stops at the row that passes the limit.
        let counted = self.cells.saturating_add(sheet.cells());
        let max = self.limits.max_register_cells;
        if counted > max {
            return Err(over_cells(
                &sheet.name,
                counted,
                max,
                "dòng, cột lặp lại và vùng từ dòng đầu đến dòng cuối có ô",
                "repeated rows and columns, and the rows from the first with a cell to the last",
            ));
        }
        self.text = self
            .text
            .saturating_add(row.text.saturating_mul(row.repeats.max(1)));
        check_text(self.limits, &sheet.name, self.text)
    }
}

/// The text calamine would hold against the unpacked limit.
fn check_text(limits: &Limits, sheet: &str, text: u64) -> Result<(), Refusal> {
    let limit = limits.max_register_unpacked_bytes;
    if text <= limit {
        return Ok(());
    }
    let (limit_vi, limit_en) = readable_bytes(limit);
    Err(Refusal::TooLarge {
        vi: format!("với trang tính \"{sheet}\", chữ trong các ô lặp lại trải ra hơn {limit_vi} khi mở (limits.max_register_unpacked_bytes)"),
        en: format!("with sheet \"{sheet}\", the text of repeated cells spreads to more than {limit_en} when opened (limits.max_register_unpacked_bytes)"),
    })
}

/// True when calamine would read the zip as an ODS (its `mimetype` entry).
fn is_ods<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    let Ok(mut f) = zip.by_name("mimetype") else {
        return false;
    };
    let mut buf = [0u8; MIMETYPE.len()];
    f.read_exact(&mut buf).is_ok() && buf == MIMETYPE
}

/// Counts an ODS's `content.xml` as calamine would lay it out, refusing it over the limits;
/// Ok for any other zip. The XML is read as a stream: nothing is kept but the counts.
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if !is_ods(&mut zip) {
        return Ok(());
    }
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    // The tokenizer as calamine configures it, so both stop at the same broken XML.
    let mut reader = Reader::from_reader(BufReader::new(content));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    let mut scan = Scan {
        limits,
        cells: 0,
        text: 0,
        sheet: None,
        row: None,
        cell: None,
    };
    let mut buf = Vec::with_capacity(1024);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => scan.start(&e, false)?,
            Ok(Event::Empty(e)) => scan.start(&e, true)?,
            Ok(Event::End(e)) => scan.end(e.name().as_ref())?,
            Ok(Event::Text(t)) => scan.text(&t)?,
            Ok(Event::CData(t)) => scan.text(&t)?,
            // An entity or character reference: one character, at most 4 bytes.
            Ok(Event::GeneralRef(_)) => scan.text("\u{10FFFF}")?,
            Ok(Event::Eof) => break,
            // calamine's reader stops at the same place.
            Err(_) => return Ok(()),
            Ok(_) => {}
        }
        buf.clear();
    }
    match scan.sheet {
        // calamine waits for the sheet's end tag at the end of the XML, forever.
        Some(sheet) if scan.row.is_none() => Err(Damaged {
            vi: format!("content.xml kết thúc giữa trang tính \"{}\"", sheet.name),
            en: format!("content.xml ends inside sheet \"{}\"", sheet.name),
        }
        .into()),
        _ => Ok(()),
    }
}
