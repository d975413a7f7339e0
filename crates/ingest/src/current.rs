//! The current bag of a case opened to make a new version of it (`sohoa ocr`, `sohoa sign`):
//! the bag and its whole record (a damaged record is never rewritten), problems named after the
//! bag with the calling command's codes.

use sohoa_archive::layout;
use sohoa_archive::problem::Problem;
use sohoa_archive::record::CaseRecord;
use sohoa_bagit::reader::Bag;
use std::path::Path;

/// A problem with the bag of case `id`.
pub(crate) fn in_bag(id: &str, code: &str, vi: String, en: String) -> Problem {
    Problem::error(code, vi, en).in_file(layout::bag(id))
}

/// `bags/<id>` and its record, whole; `unreadable` and `no_metadata` are the codes of the two
/// ways it can fail.
pub(crate) fn open_whole(
    archive: &Path,
    id: &str,
    unreadable: &str,
    no_metadata: &str,
) -> Result<(Bag, CaseRecord), Problem> {
    let bag = Bag::open(archive, &layout::bag(id)).map_err(|e| {
        in_bag(
            id,
            unreadable,
            format!("Không mở được gói: {}", e.vi()),
            format!("Cannot open the bag: {}", e.en()),
        )
    })?;
    let no_record = |why: String| {
        in_bag(
            id,
            no_metadata,
            format!("Gói không có data/metadata.json đọc được ({why})"),
            format!("The bag has no readable data/metadata.json ({why})"),
        )
    };
    let loaded = bag.record().map_err(no_record)?;
    if !loaded.damaged.is_empty() {
        return Err(no_record(loaded.describe()));
    }
    Ok((bag, loaded.record))
}
