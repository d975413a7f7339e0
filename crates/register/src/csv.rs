//! The batch register as CSV: any common encoding (see [`super::decode`]), the delimiter sniffed
//! (or Excel's `sep=` line, or the mapping file's), quoted cells, title rows above the header.

use super::decode::decode;
use super::table::{self, Grid, GridRow};
use super::{file_name, Mapping, Register};
use crate::problems::{no_header, too_large};
use sohoa_archive::limits::Limits;
use sohoa_archive::problem::Problem;
use sohoa_archive::text::readable_count;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Counts `d` outside double quotes on each of the first lines.
fn counts(text: &str, d: u8) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut n, mut quoted) = (0, false);
    for b in text.bytes().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                out.push(n);
                n = 0;
                if out.len() == 50 {
                    return out;
                }
            }
            b if b == d && !quoted => n += 1,
            _ => {}
        }
    }
    out.push(n);
    out
}

/// The delimiter that splits the most lines into the same number of cells.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let mut best = (0usize, b',');
    for d in DELIMITERS {
        let mut freq: std::collections::BTreeMap<usize, usize> = Default::default();
        for c in counts(text, d).into_iter().filter(|&c| c > 0) {
            *freq.entry(c).or_default() += 1;
        }
        // Lines agreeing on a count, weighted a little by the count (more columns, more evidence).
        let score = freq
            .iter()
            .map(|(&c, &n)| n * 4 + c.min(8))
            .max()
            .unwrap_or(0);
        if score > best.0 {
            best = (score, d);
        }
    }
    best.1
}

/// A cell over `limits.max_cell_chars`, or a register over `limits.max_register_cells`.
fn over_limits(
    name: &str,
    limits: &Limits,
    cells: u64,
    row: u64,
    record: &csv::StringRecord,
) -> Option<Problem> {
    if cells > limits.max_register_cells {
        let (max_vi, max_en) = readable_count(limits.max_register_cells);
        return Some(too_large(
            name,
            format!("đến dòng {row}, sổ có hơn {max_vi} ô (limits.max_register_cells)"),
            format!(
                "by row {row}, the register holds more than {max_en} cells (limits.max_register_cells)"
            ),
        ));
    }
    let max = limits.max_cell_chars;
    // Bytes first: a cell of n bytes never holds more than n characters.
    let (j, n) = record
        .iter()
        .enumerate()
        .filter(|(_, c)| c.len() > max)
        .map(|(j, c)| (j, c.chars().count()))
        .find(|&(_, n)| n > max)?;
    let at = format!("{}{row}", table::column_letter(j));
    let (n_vi, n_en) = readable_count(n as u64);
    let (max_vi, max_en) = readable_count(max as u64);
    Some(too_large(
        name,
        format!("ô {at} chứa {n_vi} ký tự, giới hạn {max_vi} (limits.max_cell_chars)"),
        format!("cell {at} holds {n_en} characters, the limit is {max_en} (limits.max_cell_chars)"),
    ))
}

/// Reads a CSV register. Never fails: problems are returned inside the register.
pub(crate) fn read(path: &std::path::Path, mapping: &Mapping, limits: &Limits) -> Register {
    let name = file_name(path);
    let mut reg = Register::empty(path, "csv");
    let Some(bytes) = super::read_file(path, &mut reg, limits) else {
        return reg;
    };
    let decoded = match decode(&bytes, mapping.encoding) {
        Ok(d) => d,
        Err(e) => {
            reg.problems
                .push(Problem::error("register.bad_encoding", e.vi, e.en).in_file(name));
            return reg;
        }
    };
    reg.encoding = Some(decoded.encoding);
    if let Some((count, line)) = decoded.damaged {
        reg.problems.push(
            Problem::warning(
                "register.bad_bytes",
                format!("Tệp UTF-8 có {count} chỗ hỏng (byte không hợp lệ), đã thay bằng ký tự �: kiểm tra các ô đó"),
                format!("The UTF-8 file has {count} damaged spot(s) (invalid bytes), replaced by �: check those cells"),
            )
            .in_file(name.clone())
            .at_row(line),
        );
    }
    let mut text = decoded.text.as_str();
    // Excel does not show the sep= line: rows count from the next one.
    let first_row = 1u64;
    let mut delimiter = mapping.delimiter;
    // Excel writes "sep=;" as the first line of some exports.
    if let Some(rest) = text.strip_prefix("sep=") {
        let mut chars = rest.chars();
        if let (Some(d), Some('\r' | '\n')) = (chars.next(), chars.next()) {
            if d.is_ascii() {
                delimiter = delimiter.or(Some(d as u8));
            }
            text = rest[d.len_utf8()..].trim_start_matches(['\r', '\n']);
        }
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(text));
    reg.delimiter = Some(delimiter as char);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Grid {
        sheet: None,
        rows: Vec::new(),
    };
    let numbers = record_rows(text, delimiter);
    let mut cells = 0u64;
    for (i, record) in reader.records().enumerate() {
        let number = numbers
            .get(i)
            .copied()
            .unwrap_or(first_row + numbers.len() as u64 + i as u64);
        match record {
            Ok(r) => {
                cells += r.len() as u64;
                if let Some(p) = over_limits(&name, limits, cells, number, &r) {
                    // Nothing of a register too large to read whole is used.
                    let mut refused = Register::empty(path, "csv");
                    refused.sha256 = reg.sha256;
                    refused.encoding = reg.encoding;
                    refused.problems.push(p);
                    return refused;
                }
                grid.rows.push(GridRow {
                    number,
                    cells: r.iter().map(str::to_string).collect(),
                })
            }
            Err(e) => reg.problems.push(
                Problem::warning(
                    "register.bad_row",
                    format!("Dòng không đọc được, bỏ qua: {e}"),
                    format!("Unreadable row skipped: {e}"),
                )
                .in_file(name.clone())
                .at_row(number),
            ),
        }
    }
    if !table::read(&grid, mapping, &name, decoded.hint, &mut reg) {
        reg.problems.push(no_header(&name, mapping));
    }
    reg
}

/// The spreadsheet row of each record the CSV reader yields: a spreadsheet shows every line as a
/// row, blank ones too (which the reader skips), and a quoted cell's line breaks stay in its row.
/// Quotes and line ends are read as the `csv` crate reads them: a quote opens a quoted cell only
/// at the start of a cell (`""` inside is a quote), and `\r\n`, `\n` or a lone `\r` ends a line.
fn record_rows(text: &str, delimiter: u8) -> Vec<u64> {
    let mut rows = Vec::new();
    let mut row = 1u64;
    let (mut quoted, mut just_closed, mut at_start, mut empty, mut after_cr) =
        (false, false, true, true, false);
    for b in text.bytes() {
        if quoted {
            if b == b'"' {
                quoted = false;
                just_closed = true;
            }
            continue;
        }
        if b == b'\n' && after_cr {
            after_cr = false;
            continue;
        }
        after_cr = false;
        match b {
            b'"' if at_start || just_closed => {
                quoted = true;
                empty = false;
            }
            b'\r' | b'\n' => {
                if !empty {
                    rows.push(row);
                }
                row += 1;
                empty = true;
                at_start = true;
                after_cr = b == b'\r';
                just_closed = false;
                continue;
            }
            d if d == delimiter => {
                empty = false;
                at_start = true;
                just_closed = false;
                continue;
            }
            _ => empty = false,
        }
        at_start = false;
        just_closed = false;
    }
    if !empty {
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        for (text, rows) in [
            (
                "a\r\nb\r\n\r\nh;h2\r\n\"x\ny\";2\r\n1;2",
                vec![1, 2, 4, 5, 6],
            ),
            // A quote inside an unquoted cell is a character; "" inside a quoted one a quote.
            (
                "h;h2\nNhà 5\" Lê Lợi;2\n\"a \"\"b\"\"\nc\";3\nx;4\n",
                vec![1, 2, 3, 4],
            ),
            // Old Mac line ends.
            ("h;h2\r1;2\r\r3;4\r", vec![1, 2, 4]),
        ] {
            assert_eq!(record_rows(text, b';'), rows, "{text:?}");
            let mut r = csv::ReaderBuilder::new()
                .delimiter(b';')
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            assert_eq!(r.records().count(), rows.len(), "{text:?}");
        }
    }

    #[test]
    fn sniffs_delimiters_past_title_lines() {
        assert_eq!(
            sniff_delimiter("DANH SÁCH\nMã hồ sơ;Người nộp;Ngày\nA;B;C\n"),
            b';'
        );
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b\n\"x;y\",2\n"), b',');
        assert_eq!(sniff_delimiter("Mã hồ sơ|Tên\nA|\"Lê, Văn\"\n"), b'|');
    }

    proptest! {
        #[test]
        fn any_csv_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("hoso.csv");
            std::fs::write(&p, &bytes).unwrap();
            let reg = super::super::read_register(&p, &Mapping::default(), &Limits::default());
            for r in &reg.rows {
                for v in r.fields.known.values() {
                    prop_assert!(sohoa_archive::text::is_nfc(v));
                }
            }
        }
    }
}
