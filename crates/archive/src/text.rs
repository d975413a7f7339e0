//! Text helpers shared by every step: NFC normalization, Vietnamese diacritic folding,
//! natural ("2 before 10") ordering and safe identifiers for folder names.

use std::cmp::Ordering;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// NFC-normalizes text and trims surrounding whitespace.
pub fn nfc(s: &str) -> String {
    s.nfc().collect::<String>().trim().to_string()
}

/// NFC-normalizes text, keeping surrounding whitespace (whole files).
pub fn nfc_keep_space(s: &str) -> String {
    s.nfc().collect()
}

/// True when the text is already in Unicode NFC.
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

/// Folds Vietnamese text to plain lowercase ASCII-ish letters: strips tone and vowel marks
/// (NFD + remove combining marks), maps đ/Đ to d, lowercases.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Folds a column header or JSON key to a lookup key: "Mã hồ sơ" -> "ma_ho_so".
pub fn header_key(s: &str) -> String {
    let folded = fold(&nfc(s.trim_start_matches('\u{feff}')));
    let mut key = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_string()
}

/// A file-system- and BagIt-safe identifier derived from a case code or folder name:
/// letters are folded to ASCII, anything but `[A-Za-z0-9._-]` becomes `_`.
pub fn safe_id(s: &str) -> String {
    let mut out = String::new();
    for c in nfc(s).nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        };
        if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches(|c| c == '.' || c == '_').to_string();
    let mut id: String = trimmed.chars().take(120).collect();
    if id.is_empty() {
        id = "case".to_string();
    }
    id
}

/// Compares two names the way people number pages: digit runs by value ("2" < "10"),
/// text case- and diacritic-insensitively, ties broken by the raw string.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (fa, fb) = (fold(a), fold(b));
    let (mut x, mut y) = (fa.as_str(), fb.as_str());
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let xd = x.starts_with(|c: char| c.is_ascii_digit());
        let yd = y.starts_with(|c: char| c.is_ascii_digit());
        let (xs, xr) = split_run(x, xd);
        let (ys, yr) = split_run(y, yd);
        let ord = match (xd, yd) {
            (true, true) => {
                let (xt, yt) = (xs.trim_start_matches('0'), ys.trim_start_matches('0'));
                xt.len()
                    .cmp(&yt.len())
                    .then_with(|| xt.cmp(yt))
                    .then_with(|| xs.len().cmp(&ys.len()))
            }
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => xs.cmp(ys),
        };
        if ord != Ordering::Equal {
            return ord;
        }
        x = xr;
        y = yr;
    }
}

fn split_run(s: &str, digits: bool) -> (&str, &str) {
    let end = s
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() != digits)
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    s.split_at(end)
}

/// A count as people read it, in Vietnamese and English: exact below 100 million, in millions
/// or billions above (so no message shows a 9- or 12-digit run, which the identity-number mask
/// would hide).
pub fn readable_count(n: u64) -> (String, String) {
    if n < 100_000_000 {
        return (n.to_string(), n.to_string());
    }
    let (unit, vi, en) = if n < 100_000_000_000 {
        (1e6, "triệu", "million")
    } else {
        (1e9, "tỷ", "billion")
    };
    let v = n as f64 / unit;
    let v = if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    (format!("{} {vi}", v.replace('.', ",")), format!("{v} {en}"))
}

/// A size in bytes as people read it: exact below 100 million bytes, in MiB above.
pub fn readable_bytes(n: u64) -> (String, String) {
    if n < 100_000_000 {
        return (format!("{n} byte"), format!("{n} bytes"));
    }
    let m = n as f64 / 1_048_576.0;
    let m = if n.is_multiple_of(1_048_576) {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    };
    (format!("{} MiB", m.replace('.', ",")), format!("{m} MiB"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn large_numbers_are_written_for_people() {
        assert_eq!(
            readable_count(5_000_000),
            ("5000000".into(), "5000000".into())
        );
        assert_eq!(
            readable_count(150_000_000),
            ("150 triệu".into(), "150 million".into())
        );
        assert_eq!(
            readable_bytes(134_217_728),
            ("128 MiB".into(), "128 MiB".into())
        );
        assert_eq!(readable_bytes(134_217_729).1, "128.0 MiB");
        assert_eq!(readable_bytes(1_048_576).1, "1048576 bytes");
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_every_vietnamese_mark() {
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold("QUYỀN SỬ DỤNG ĐẤT"), "quyen su dung dat");
    }

    #[test]
    fn header_keys_ignore_diacritics_case_and_punctuation() {
        assert_eq!(header_key("Mã hồ sơ"), "ma_ho_so");
        assert_eq!(header_key("\u{feff}MA HO SO "), "ma_ho_so");
        assert_eq!(header_key("ma_ho_so"), "ma_ho_so");
        assert_eq!(
            header_key("Ngày tiếp nhận (dd/mm/yyyy)"),
            "ngay_tiep_nhan_dd_mm_yyyy"
        );
    }

    #[test]
    fn natural_order_puts_2_before_10() {
        let mut v = vec!["trang_10.png", "trang_2.png", "trang_1.png", "Trang_3.png"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            ["trang_1.png", "trang_2.png", "Trang_3.png", "trang_10.png"]
        );
    }

    #[test]
    fn safe_ids_keep_codes_and_fold_names() {
        assert_eq!(
            safe_id("000.00.15.H12-250701-0001"),
            "000.00.15.H12-250701-0001"
        );
        assert_eq!(safe_id("Hồ sơ Trần Thị Bình"), "Ho_so_Tran_Thi_Binh");
        assert_eq!(safe_id("../.."), "case");
        assert_eq!(safe_id(".tmp-x"), "tmp-x");
    }

    proptest! {
        #[test]
        fn safe_id_is_always_safe(s in "\\PC{0,200}") {
            let id = safe_id(&s);
            prop_assert!(!id.is_empty() && id.len() <= 120);
            prop_assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)));
            prop_assert!(!id.starts_with('.'));
        }

        #[test]
        fn natural_cmp_is_a_total_order(mut v in proptest::collection::vec("[a-c0-9 ]{0,6}", 0..20)) {
            v.sort_by(|a, b| natural_cmp(a, b));
            for w in v.windows(2) {
                prop_assert_ne!(natural_cmp(&w[0], &w[1]), Ordering::Greater);
                prop_assert_eq!(natural_cmp(&w[1], &w[0]), natural_cmp(&w[0], &w[1]).reverse());
            }
        }

        #[test]
        fn nfd_and_nfc_fold_alike(s in "[a-zA-Zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ ]{0,30}") {
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(fold(&s), fold(&nfd));
        }
    }
}
