//! The invisible OCR text layer of a page: words drawn in text render mode 3 over the image,
//! in a glyphless embedded font whose codes are UTF-16 and whose ToUnicode map is the identity,
//! so copy, search and `pdftotext` return the recognized text (NFC) at the words' positions.

use sohoa_ocr::Recognized;
use std::fmt::Write;

/// Tesseract's GlyphLessFont (see `assets/README.md`): one empty glyph, 1024/2048 em wide.
pub(super) const FONT_FILE: &[u8] = include_bytes!("../assets/GlyphLessFont.ttf");
/// Advance of every character in text space units (1/1000 em).
const CHAR_WIDTH: f64 = 500.0;
pub(super) const FONT_NAME: &str = "GlyphLessFont";

/// `/CIDToGIDMap`: every CID (a UTF-16 code unit) draws glyph 1, never `.notdef`.
pub(super) fn cid_to_gid_map() -> Vec<u8> {
    let map: Vec<u8> = std::iter::repeat_n([0u8, 1u8], 1 << 16).flatten().collect();
    sohoa_imaging::flate(&map)
}

/// `/ToUnicode`: code = UTF-16 code unit, identity, in ranges that differ only in their last
/// byte (surrogates excluded: the layer only writes characters of the Basic Multilingual Plane).
pub(super) fn to_unicode_cmap() -> Vec<u8> {
    let rows: Vec<u32> = (0u32..256)
        .filter(|hi| !(0xD8..=0xDF).contains(hi))
        .collect();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in rows.chunks(100) {
        let _ = writeln!(s, "{} beginbfrange", chunk.len());
        for hi in chunk {
            let _ = writeln!(s, "<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>");
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    sohoa_imaging::flate(s.as_bytes())
}

/// The font dictionaries, given the ids of the objects they point to.
pub(super) fn type0_dict(descendant: u32, to_unicode: u32) -> String {
    format!("<< /Type /Font /Subtype /Type0 /BaseFont /{FONT_NAME} /Encoding /Identity-H /DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>")
}

pub(super) fn cid_font_dict(descriptor: u32, cid_to_gid: u32) -> String {
    format!("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{FONT_NAME} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW {CHAR_WIDTH} /CIDToGIDMap {cid_to_gid} 0 R >>")
}

pub(super) fn descriptor_dict(font_file: u32) -> String {
    format!("<< /Type /FontDescriptor /FontName /{FONT_NAME} /Flags 5 /FontBBox [0 0 {CHAR_WIDTH} 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 /FontFile2 {font_file} 0 R >>")
}

/// A number for content streams: at most 3 decimals.
fn n(v: f64) -> String {
    let s = format!("{:.3}", if v.is_finite() { v } else { 0.0 });
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// UTF-16 hex for a Tj string; characters outside the BMP become U+FFFD.
fn hex_utf16(s: &str) -> (String, usize) {
    let mut out = String::with_capacity(s.len() * 4 + 2);
    out.push('<');
    let mut units = 0;
    for c in s.chars() {
        let u = if (c as u32) < 0x10000 {
            c as u32
        } else {
            0xFFFD
        };
        let _ = write!(out, "{u:04X}");
        units += 1;
    }
    out.push('>');
    (out, units)
}

/// Content-stream operators drawing the text of `r` invisibly over a page whose MediaBox is
/// `w` x `h` points and whose `/Rotate` is `rotate`. `r` is in pixels of the page as shown.
pub(super) fn layer_ops(r: &Recognized, font: &str, w: f64, h: f64, rotate: u16) -> String {
    let rotate = rotate % 360;
    let (shown_w, shown_h) = if rotate == 90 || rotate == 270 {
        (h, w)
    } else {
        (w, h)
    };
    let sx = shown_w / r.width.max(1) as f64;
    let sy = shown_h / r.height.max(1) as f64;
    let mut s = String::from("q\n");
    // From the shown page's coordinates to the unrotated page's.
    match rotate {
        90 => s.push_str(&format!("0 1 -1 0 {} 0 cm\n", n(w))),
        180 => s.push_str(&format!("-1 0 0 -1 {} {} cm\n", n(w), n(h))),
        270 => s.push_str(&format!("0 -1 1 0 0 {} cm\n", n(h))),
        _ => {}
    }
    s.push_str("BT\n3 Tr\n");
    for line in &r.lines {
        let size = ((line.bbox[3].saturating_sub(line.bbox[1])).max(1) as f64 * sy).max(0.5);
        let _ = writeln!(s, "/{font} {} Tf", n(size));
        let baseline = shown_h - line.baseline * sy;
        for (i, word) in line.words.iter().enumerate() {
            let next = line.words.get(i + 1);
            let text = if next.is_some() {
                format!("{} ", word.text)
            } else {
                word.text.clone()
            };
            let (hex, units) = hex_utf16(&text);
            if units == 0 {
                continue;
            }
            let left = word.bbox[0] as f64 * sx;
            let right = match next {
                Some(nw) => nw.bbox[0].max(word.bbox[2]) as f64 * sx,
                None => word.bbox[2] as f64 * sx,
            };
            let natural = units as f64 * CHAR_WIDTH / 1000.0 * size;
            let scale = (100.0 * (right - left).max(0.1) / natural).clamp(1.0, 10_000.0);
            let _ = writeln!(
                s,
                "{} Tz 1 0 0 1 {} {} Tm {hex} Tj",
                n(scale),
                n(left),
                n(baseline)
            );
        }
    }
    s.push_str("ET\nQ\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use sohoa_ocr::{Line, Word};

    fn page() -> Recognized {
        Recognized {
            width: 1000,
            height: 2000,
            text: "Đơn đề nghị".into(),
            hocr: String::new(),
            confidence: 90,
            lines: vec![Line {
                bbox: [100, 100, 500, 140],
                baseline: 132.0,
                words: vec![
                    Word {
                        text: "Đơn".into(),
                        bbox: [100, 100, 200, 140],
                        confidence: 90.0,
                    },
                    Word {
                        text: "𝔸".into(),
                        bbox: [250, 100, 500, 140],
                        confidence: 90.0,
                    },
                ],
            }],
        }
    }

    #[test]
    fn words_are_utf16_invisible_and_placed_on_the_shown_page() {
        // 1000x2000 px shown on a 500x1000 pt page: 0.5 pt per pixel.
        let ops = layer_ops(&page(), "F1", 500.0, 1000.0, 0);
        assert!(ops.contains("3 Tr"));
        assert!(ops.contains("/F1 20 Tf"), "{ops}");
        // "Đơn " = 4 units, natural width 4*0.5*20 = 40 pt; it spans (250-100)*0.5 = 75 pt.
        assert!(
            ops.contains("187.5 Tz 1 0 0 1 50 934 Tm <011001A1006E0020> Tj"),
            "{ops}"
        );
        // Outside the BMP: U+FFFD.
        assert!(ops.contains("<FFFD> Tj"));
        assert!(!ops.contains(" cm"));
    }

    #[test]
    fn rotated_pages_map_back_to_unrotated_space() {
        // Shown 1000x2000 px on a page stored sideways: MediaBox 1000 x 500 pt, /Rotate 90.
        let ops = layer_ops(&page(), "F1", 1000.0, 500.0, 90);
        assert!(ops.starts_with("q\n0 1 -1 0 1000 0 cm\n"), "{ops}");
        assert!(layer_ops(&page(), "F1", 500.0, 1000.0, 180).contains("-1 0 0 -1 500 1000 cm"));
        assert!(layer_ops(&page(), "F1", 1000.0, 500.0, 270).contains("0 -1 1 0 0 500 cm"));
    }

    #[test]
    fn to_unicode_covers_the_bmp_without_surrogates() {
        let cmap = to_unicode_cmap();
        let mut z = flate2::read::ZlibDecoder::new(&cmap[..]);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z, &mut s).unwrap();
        assert!(s.contains("<1E00> <1EFF> <1E00>"));
        assert!(!s.contains("<D800>"));
        assert_eq!(s.matches("beginbfrange").count(), 3);
    }
}
