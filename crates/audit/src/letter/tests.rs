//! Tests of the apology letter: embedded subset fonts, extractable NFC text, page breaks,
//! determinism, file names, dates and font errors.

use super::*;
use std::path::Path;
use time::macros::date;
use unicode_normalization::UnicodeNormalization;

fn font() -> LetterFont {
    match LetterFont::find(None) {
        Ok(f) => f,
        Err(e) => {
            panic!("no font for letters ({e}); install fonts-dejavu-core or set SOHOA_FONT")
        }
    }
}

fn letter() -> Letter {
    Letter {
        parent_agency: Some("UBND HUYỆN TÂN HÒA".into()),
        agency_name: "Ủy ban nhân dân xã Tân Hòa".into(),
        place: "Tân Hòa".into(),
        date: date!(2025 - 12 - 05),
        case_code: "000.00.17.H12-251201-0001".into(),
        // Decomposed on purpose: the letter must come out NFC.
        applicant_name: "Nguyễn Thị Hồng Nhung".nfd().collect(),
        procedure_name: "Đăng ký khai sinh".into(),
        received: date!(2025 - 11 - 24),
        due: date!(2025 - 11 - 27),
        new_due: date!(2025 - 12 - 10),
        resolved: None,
        working_days_late: 6,
        reason: Some(
            "hồ sơ phải xác minh thêm thông tin nơi cư trú của người được đăng ký khai sinh".into(),
        ),
    }
}

fn render_ok(l: &Letter) -> Vec<u8> {
    match render(l, &font()) {
        Ok(pdf) => pdf,
        Err(e) => panic!("render failed: {e}"),
    }
}

#[test]
fn letter_embeds_subset_fonts_with_to_unicode() {
    let pdf = render_ok(&letter());
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert!(pdf.len() < 150_000, "letter is {} bytes", pdf.len());
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    let mut fonts = 0;
    for obj in doc.objects.values() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Type0") {
            continue;
        }
        fonts += 1;
        assert!(dict.get(b"ToUnicode").is_ok(), "font without ToUnicode");
        let desc = dict.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]
            .as_reference()
            .unwrap();
        let cid = doc.get_dictionary(desc).unwrap();
        assert_eq!(
            cid.get(b"Subtype").unwrap().as_name().unwrap(),
            b"CIDFontType2"
        );
        assert!(cid.get(b"W").is_ok());
        let fd = doc
            .get_dictionary(cid.get(b"FontDescriptor").unwrap().as_reference().unwrap())
            .unwrap();
        assert!(fd.get(b"FontFile2").is_ok(), "font not embedded");
    }
    assert_eq!(fonts, 3, "regular, bold and italic faces");
}

#[test]
fn pdftotext_extracts_nfc_vietnamese() {
    let pdf = render_ok(&letter());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file_name("000.00.17.H12-251201-0001"));
    std::fs::write(&path, &pdf).unwrap();
    if let Some(sample) = std::env::var_os("SOHOA_LETTER_SAMPLE") {
        std::fs::write(sample, &pdf).unwrap();
    }
    let out = match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        Err(_) => {
            eprintln!("pdftotext not on PATH: text extraction not checked");
            return;
        }
    };
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "Nguyễn Thị Hồng Nhung",
        "000.00.17.H12-251201-0001",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Tân Hòa, ngày 05 tháng 12 năm 2025",
        "Đăng ký khai sinh",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "vào ngày 10/12/2025",
    ] {
        let want: String = want.nfc().collect();
        assert!(
            text.contains(&want),
            "{want:?} not in extracted text:\n{text}"
        );
    }
}

#[test]
fn long_reason_flows_to_second_page() {
    let mut l = letter();
    l.reason = Some(
        "hồ sơ phải lấy ý kiến của cơ quan có liên quan và xác minh thêm thông tin. ".repeat(30),
    );
    let doc = lopdf::Document::load_mem(&render_ok(&l)).unwrap();
    assert_eq!(doc.get_pages().len(), 2);
}

#[test]
fn resolved_case_and_missing_glyph_still_render() {
    let mut l = letter();
    l.resolved = Some(date!(2025 - 12 - 04));
    l.reason = None;
    l.applicant_name = "Trần Văn 😀 An".into();
    let doc = lopdf::Document::load_mem(&render_ok(&l)).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
}

#[test]
fn output_is_deterministic() {
    assert!(render_ok(&letter()) == render_ok(&letter()));
}

#[test]
fn file_name_is_safe() {
    let name = file_name("H12/2025:Đơn*01?");
    assert!(
        name.starts_with("xin-loi-") && name.ends_with(".pdf"),
        "{name}"
    );
    assert!(
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "{name}"
    );
}

#[test]
fn dates_follow_nd30() {
    assert_eq!(
        dated("Tân Hòa", date!(2025 - 02 - 03)),
        "Tân Hòa, ngày 03 tháng 02 năm 2025"
    );
    assert_eq!(
        dated("Tân Hòa", date!(2025 - 12 - 15)),
        "Tân Hòa, ngày 15 tháng 12 năm 2025"
    );
    assert_eq!(dmy(date!(2025 - 03 - 09)), "09/03/2025");
}

#[test]
fn missing_font_path_is_named() {
    let path = Path::new("/nonexistent/sohoa/NoSuchFont.ttf");
    let err = LetterFont::find(Some(path)).unwrap_err().to_string();
    assert!(err.contains("/nonexistent/sohoa/NoSuchFont.ttf"), "{err}");
    let err = LetterFont::from_files(font().regular_path(), Some(path), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("NoSuchFont.ttf"), "{err}");
}
