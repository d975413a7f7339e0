//! The shape of a scan folder: whether what was given as a folder of cases is in fact one case
//! folder (pages at its top, subfolders named like component documents, a case number as its
//! name), so that ingest stops instead of making one case per component document.

use super::{name_of, ScanBatch};
use sohoa_archive::text::fold;

/// Words that name a kind of document in a component folder ("01 Tờ khai", "02 Bản sao CCCD"),
/// folded (no diacritics, lower case).
const DOCUMENT_WORDS: &[&str] = &[
    "to khai",
    "don",
    "giay",
    "ban sao",
    "ban chinh",
    "cccd",
    "cmnd",
    "can cuoc",
    "ho chieu",
    "hop dong",
    "quyet dinh",
    "bien ban",
    "so do",
    "ban ve",
    "trich luc",
    "trich do",
    "phieu",
    "van ban",
    "thong bao",
    "to trinh",
    "bao cao",
    "chung nhan",
    "chung tu",
    "uy quyen",
    "mau so",
    "anh",
    "xac nhan",
    "bien lai",
    "hoa don",
];

/// A component folder's name: an ordinal, then words naming a document ("01 Tờ khai",
/// "2. Giấy chứng sinh", "03_Ban sao CCCD").
fn component_like(name: &str) -> bool {
    let digits = name.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return false;
    }
    let rest = fold(&name[digits..]).replace(['_', '-', '.'], " ");
    let rest = format!(
        " {} ",
        rest.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    DOCUMENT_WORDS
        .iter()
        .any(|w| rest.contains(&format!(" {w} ")))
}

/// TTHC case numbers (TT 01/2018): `000.00.15.H12-250701-0001`.
fn case_number_like(name: &str) -> bool {
    let b = name.as_bytes();
    let d = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    b.len() == 25
        && d(0..3)
        && b[3] == b'.'
        && d(4..6)
        && b[6] == b'.'
        && d(7..9)
        && b[9] == b'.'
        && b[10].is_ascii_uppercase()
        && d(11..13)
        && b[13] == b'-'
        && d(14..20)
        && b[20] == b'-'
        && d(21..25)
}

/// Why the scan folder looks like one case folder rather than a folder of cases, when it does
/// (Vietnamese, English). A register at the top means a folder of cases.
pub fn looks_like_a_case(batch: &ScanBatch) -> Option<(String, String)> {
    if batch.register.is_some() {
        return None;
    }
    if let Some(first) = batch.top_pages.first() {
        return Some((
            format!("có trang ảnh hoặc hoso.json ngay trong thư mục (\"{first}\")"),
            format!("it holds page images or hoso.json directly (\"{first}\")"),
        ));
    }
    if batch.cases.is_empty() {
        return None;
    }
    let name = name_of(&batch.root);
    let leaves = batch.cases.iter().all(|c| c.components.is_empty());
    let named = batch
        .cases
        .iter()
        .filter(|c| component_like(&c.folder))
        .count();
    if leaves && named * 2 >= batch.cases.len() {
        let first = &batch.cases[0].folder;
        return Some((
            format!("các thư mục con mang tên thành phần hồ sơ (\"{first}\")"),
            format!("its subfolders are named like component documents (\"{first}\")"),
        ));
    }
    if case_number_like(&name) && leaves {
        return Some((
            format!("tên thư mục là một mã hồ sơ (\"{name}\")"),
            format!("its name is a case number (\"{name}\")"),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::discover;
    use sohoa_archive::safe_fs::Follow;
    use std::fs;
    use std::path::Path;

    #[test]
    fn a_case_folder_given_as_the_scan_folder_is_recognised() {
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/batch");
        // The sample batch is a folder of cases.
        let batch = discover(&samples, Follow::No).unwrap();
        assert_eq!(looks_like_a_case(&batch), None);
        // One of its cases with component folders, and one with loose pages.
        for case in [
            "000.00.15.H12-250701-0001",
            "HS-chua-co-thong-tin",
            "000.00.15.H12-250709-0003",
        ] {
            let batch = discover(&samples.join(case), Follow::No).unwrap();
            assert!(looks_like_a_case(&batch).is_some(), "{case}");
        }
        // A folder of cases named by ordinal and applicant is still a folder of cases.
        let dir = tempfile::tempdir().unwrap();
        for f in ["01 Nguyễn Văn An", "02 Trần Thị Bình"] {
            fs::create_dir_all(dir.path().join(f)).unwrap();
            fs::write(dir.path().join(f).join("1.jpg"), b"x").unwrap();
        }
        assert_eq!(
            looks_like_a_case(&discover(dir.path(), Follow::No).unwrap()),
            None
        );
        for f in ["01 Tờ khai", "02 Bản sao CCCD"] {
            fs::create_dir_all(dir.path().join("x").join(f)).unwrap();
        }
        let batch = discover(&dir.path().join("x"), Follow::No).unwrap();
        assert!(looks_like_a_case(&batch).is_some());
    }
}
