//! The cells of an XLS workbook as calamine lays them out when it opens the file, counted on
//! the BIFF records of its workbook stream (the pre-scan's XLS half).
//!
//! For each sheet (BoundSheet8 record, in order) calamine reserves the rectangle its DIMENSIONS
//! record declares, lists every cell record, then fills the rectangle from its first cell to
//! its last; a sheet counts the largest, with every column from A to the last one used, as the
//! XLSX reading counts it. Each LabelSst cell gets its own copy of the shared string it names:
//! that text counts against the unpacked limit. Embedded substreams (charts) are skipped as
//! calamine skips them.

use super::{cfb, over_cells, sst, Damaged, Refusal};
use sohoa_archive::limits::Limits;
use sohoa_archive::text::readable_bytes;
use std::collections::HashMap;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const LABELSST: u16 = 0x00FD;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
/// A formula's string value: calamine places it at the last formula's cell.
const STRING: u16 = 0x0207;
const MULRK: u16 = 0x00BD;
/// Number, Label, RString, BoolErr, RK, LabelSst: a row and a column first.
const CELLS: &[u16] = &[0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD];

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The records of a stream from its start: (type, data), up to where calamine's reader stops.
fn records(s: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let typ = u16_at(s, pos)?;
        let len = usize::from(u16_at(s, pos + 2)?);
        let data = s.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        Some((typ, data))
    })
}

/// What one sheet's records ask calamine for.
#[derive(Default)]
struct Extent {
    /// Cells reserved by the largest DIMENSIONS record.
    reserved: u64,
    /// Cell records listed.
    listed: u64,
    /// First and last row of a cell record, and the last column.
    rows: Option<(u32, u32)>,
    last_col: u32,
    /// Bytes of shared strings copied into cells.
    text: u64,
}

impl Extent {
    fn cell(&mut self, row: u32, col: u32) {
        self.listed += 1;
        self.rows = Some(match self.rows {
            Some((r0, r1)) => (r0.min(row), r1.max(row)),
            None => (row, row),
        });
        self.last_col = self.last_col.max(col);
    }

    fn cells(&self) -> u64 {
        let rect = self.rows.map_or(0, |(r0, r1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(self.last_col) + 1)
        });
        rect.max(self.reserved).max(self.listed)
    }
}

/// The cells calamine reserves for a DIMENSIONS record (its own arithmetic); None where it
/// fails on the record; Damaged where the range ends before it starts (calamine's
/// subtraction overflows: a panic, or in a release build a reservation of billions of rows).
fn dimensions(d: &[u8], sheet: &str) -> Result<Option<u64>, Damaged> {
    let (rf, rl, cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0).unwrap_or(0)),
            u32::from(u16_at(d, 2).unwrap_or(0)),
            u32::from(u16_at(d, 4).unwrap_or(0)),
            u32::from(u16_at(d, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(d, 0).unwrap_or(0),
            u32_at(d, 4).unwrap_or(0),
            u32::from(u16_at(d, 8).unwrap_or(0)),
            u32::from(u16_at(d, 10).unwrap_or(0)),
        ),
        _ => return Ok(None),
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rl == 0 || cl == 0 {
        return Ok(Some(1));
    }
    match ((rl - 1).checked_sub(rf), (cl - 1).checked_sub(cf)) {
        (Some(rows), Some(cols)) => Ok(Some((u64::from(rows) + 1) * (u64::from(cols) + 1))),
        _ => Err(Damaged {
            vi: format!("bản ghi DIMENSIONS của trang tính \"{sheet}\" kết thúc trước khi bắt đầu (dòng {rf}..{rl}, cột {cf}..{cl})"),
            en: format!("the DIMENSIONS record of sheet \"{sheet}\" ends before it starts (rows {rf}..{rl}, columns {cf}..{cl})"),
        }),
    }
}

/// One sheet's records from its BOF, as calamine reads them.
fn sheet_extent(s: &[u8], name: &str, shared: &[u64]) -> Result<Extent, Damaged> {
    let mut x = Extent::default();
    let (mut seen_bof, mut nested) = (false, 0usize);
    let mut formula = (0u32, 0u32);
    for (typ, d) in records(s) {
        if nested > 0 {
            match typ {
                BOF => nested += 1,
                EOF => nested -= 1,
                _ => {}
            }
            continue;
        }
        let at = || Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
        match typ {
            BOF if seen_bof => nested += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => match dimensions(d, name)? {
                Some(n) => x.reserved = x.reserved.max(n),
                // calamine fails on the workbook here: nothing more is laid out.
                None => break,
            },
            FORMULA => {
                if let Some(p) = at() {
                    formula = p;
                    x.cell(p.0, p.1);
                }
            }
            STRING => x.cell(formula.0, formula.1),
            MULRK => {
                let n = d.len().saturating_sub(6) / 6;
                if let (Some((row, first)), true) = (at(), n > 0) {
                    x.cell(row, first);
                    if n > 1 {
                        x.cell(row, first + n as u32 - 1);
                        x.listed += n as u64 - 2;
                    }
                }
            }
            t if CELLS.contains(&t) => {
                if let Some((row, col)) = at() {
                    x.cell(row, col);
                }
                if let (LABELSST, Some(i)) = (t, u32_at(d, 6)) {
                    let size = shared.get(i as usize).copied().unwrap_or(0);
                    x.text = x.text.saturating_add(size);
                }
            }
            _ => {}
        }
    }
    Ok(x)
}

/// A BoundSheet8 name, for messages (BIFF8 compressed or UTF-16; BIFF5 bytes as Latin-1).
fn sheet_name(d: &[u8], biff8: bool) -> String {
    let cch = usize::from(d.get(6).copied().unwrap_or(0));
    match (biff8, d.get(7)) {
        (true, Some(&flag)) if flag & 1 == 1 => {
            let units = d
                .get(8..)
                .unwrap_or(&[])
                .chunks_exact(2)
                .take(cch)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        (true, _) => d.iter().skip(8).take(cch).map(|&b| char::from(b)).collect(),
        (false, _) => d.iter().skip(7).take(cch).map(|&b| char::from(b)).collect(),
    }
}

/// Counts an XLS's sheets as calamine would lay them out, refusing it over the cell limit or
/// when its structure would make calamine loop or panic; Ok when calamine cannot read the
/// file at all (it says so without allocating).
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let Some(stream) = cfb::workbook_stream(bytes)? else {
        return Ok(());
    };
    // The workbook globals, up to their EOF: the sheets and where they start.
    let mut biff8 = true;
    let mut sheets = Vec::new();
    let mut shared = Vec::new();
    let mut globals = records(&stream).peekable();
    while let Some((typ, d)) = globals.next() {
        match typ {
            SST => {
                let mut parts = vec![d];
                while let Some((_, c)) = globals.next_if(|(t, _)| *t == CONTINUE) {
                    parts.push(c);
                }
                shared = sst::sizes(&parts);
            }
            BOF => {
                biff8 = !matches!(
                    u16_at(d, 0),
                    Some(0x0002 | 0x0007 | 0x0200 | 0x0300 | 0x0400 | 0x0500)
                )
            }
            BOUNDSHEET => {
                let Some(pos) = u32_at(d, 0).filter(|_| d.len() >= 6) else {
                    return Err(Damaged {
                        vi: "bản ghi BoundSheet8 ngắn hơn 6 byte".into(),
                        en: "a BoundSheet8 record shorter than 6 bytes".into(),
                    }
                    .into());
                };
                sheets.push((pos as usize, sheet_name(d, biff8)));
            }
            EOF => break,
            _ => {}
        }
    }
    let max = limits.max_register_cells;
    let (mut total, mut text) = (0u64, 0u64);
    let mut measured: HashMap<usize, (u64, u64)> = HashMap::new();
    for (pos, name) in sheets {
        let Some(s) = stream.get(pos..) else {
            return Err(Damaged {
                vi: format!("trang tính \"{name}\" bắt đầu ở byte {pos}, ngoài luồng Workbook ({} byte)", stream.len()),
                en: format!("sheet \"{name}\" starts at byte {pos}, past the end of the Workbook stream ({} bytes)", stream.len()),
            }
            .into());
        };
        let (cells, copied) = match measured.get(&pos) {
            Some(&n) => n,
            None => {
                let x = sheet_extent(s, &name, &shared)?;
                measured.insert(pos, (x.cells(), x.text));
                (x.cells(), x.text)
            }
        };
        total = total.saturating_add(cells);
        text = text.saturating_add(copied);
        let limit = limits.max_register_unpacked_bytes;
        if text > limit {
            let (limit_vi, limit_en) = readable_bytes(limit);
            return Err(Refusal::TooLarge {
                vi: format!("với trang tính \"{name}\", chữ dùng chung (SST) chép vào các ô trải ra hơn {limit_vi} khi mở (limits.max_register_unpacked_bytes)"),
                en: format!("with sheet \"{name}\", the shared strings (SST) copied into its cells spread to more than {limit_en} when opened (limits.max_register_unpacked_bytes)"),
            });
        }
        if total > max {
            return Err(over_cells(
                &name,
                total,
                max,
                "vùng khai báo trong bản ghi DIMENSIONS, hoặc vùng từ ô đầu đến ô cuối",
                "the area its DIMENSIONS record declares, or the area from its first cell to its last",
            ));
        }
    }
    Ok(())
}
