//! What calamine would allocate when it opens an ODS or XLS workbook, measured on the file
//! before it does: both formats are laid out whole at open, so the limits must come first.
//!
//! An ODS (`content.xml`) can ask for millions of cells in a few bytes with
//! `table:number-rows-repeated` and `table:number-columns-repeated`, and for a billion-character
//! cell with `text:s`; an XLS declares each sheet's rectangle in its DIMENSIONS record (calamine
//! reserves it) and spans one between its first and last cell records (calamine fills it). Both
//! are counted here against `max_register_cells`, and the text calamine copies for repeated ODS
//! cells and XLS shared strings against `max_register_unpacked_bytes`, refused as
//! `register.too_large`; structures calamine would loop on or panic over are `bad_workbook`.

mod cfb;
mod ods;
mod sst;
#[cfg(test)]
mod test_files;
#[cfg(test)]
mod tests;
mod xls;

use sohoa_archive::limits::Limits;

/// A structure calamine would loop on, panic over or read from outside the file.
#[derive(Debug)]
pub(super) struct Damaged {
    pub vi: String,
    pub en: String,
}

/// Why a workbook is refused before calamine opens it.
#[derive(Debug)]
pub(super) enum Refusal {
    /// Over a limit: what was counted, in Vietnamese and English (for `too_large`).
    TooLarge {
        vi: String,
        en: String,
    },
    Damaged(Damaged),
}

impl From<Damaged> for Refusal {
    fn from(d: Damaged) -> Refusal {
        Refusal::Damaged(d)
    }
}

/// Checks an ODS or XLS before calamine opens it (other files pass: XLSX and XLSB sheets are
/// streamed and counted as they are read). What cannot be parsed here is left to calamine,
/// which fails on it without allocating.
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    if bytes.starts_with(b"PK") {
        ods::check(bytes, limits)
    } else if cfb::is_compound_file(bytes) {
        xls::check(bytes, limits)
    } else {
        Ok(())
    }
}

/// The cells limit passed with `sheet`: the message, in Vietnamese and English.
fn over_cells(sheet: &str, counted: u64, max: u64, what_vi: &str, what_en: &str) -> Refusal {
    let (n_vi, n_en) = sohoa_archive::text::readable_count(counted);
    let (max_vi, max_en) = sohoa_archive::text::readable_count(max);
    Refusal::TooLarge {
        vi: format!(
            "với trang tính \"{sheet}\", bảng tính trải ra ít nhất {n_vi} ô khi mở ({what_vi}), giới hạn {max_vi} (limits.max_register_cells)"
        ),
        en: format!(
            "with sheet \"{sheet}\", the workbook spreads to at least {n_en} cells when opened ({what_en}), the limit is {max_en} (limits.max_register_cells)"
        ),
    }
}
