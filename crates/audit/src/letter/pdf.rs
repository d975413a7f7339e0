//! Writing the letter's PDF: Type0/CIDFont/FontDescriptor/ToUnicode objects per face,
//! page content streams, the catalog, Info and a content-derived /ID.

use super::font::{font_program, widths, Embedded, FaceData, Fonts};
use super::{clean, Letter, LetterError, Op, PAGE_H, PAGE_W};
use lopdf::{dictionary, Dictionary, Document, Object, Stream, StringFormat};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use ttf_parser::Face;

/// A number for content streams, at most 2 decimals.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// 64-bit FNV-1a, for the subset tag and the document /ID (stable across Rust versions).
pub(super) fn fnv(data: &[u8], seed: u64) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn pdf_err(e: impl std::fmt::Display) -> LetterError {
    LetterError::Pdf(e.to_string())
}

/// /ToUnicode: each CID back to the character it was drawn for (the first one when several
/// characters share a glyph; '?' for characters the font lacks).
fn to_unicode(cids: &BTreeMap<u16, u16>, used: &BTreeMap<u16, char>) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: BTreeMap<u16, char> = cids
        .iter()
        .filter_map(|(g, cid)| used.get(g).map(|c| (*cid, *c)))
        .collect();
    let entries: Vec<(u16, char)> = entries.into_iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (cid, c) in chunk {
            let _ = write!(cmap, "<{cid:04X}> <");
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(cmap, "{unit:04X}");
            }
            cmap.push_str(">\n");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

/// Embeds one face as Type0 / CIDFont with the glyphs used; returns the font and gid -> CID.
fn embed_face(
    doc: &mut Document,
    face: &Face,
    data: &FaceData,
    used: &BTreeMap<u16, char>,
) -> (Object, BTreeMap<u16, u16>) {
    let Embedded { bytes, cids, tag } = font_program(face, data, used);
    let names = face.names().into_iter();
    let ps = names.filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME);
    let ps: String = ps.filter_map(|n| n.to_string()).next().unwrap_or_default();
    let ps: String = ps
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let plus = if tag.is_empty() { "" } else { "+" };
    let base_font = format!("{tag}{plus}{}", if ps.is_empty() { "Serif" } else { &ps });
    let upem = f32::from(face.units_per_em());
    let scale = |v: i16| (f32::from(v) * 1000.0 / upem).round() as i64;
    let b = face.global_bounding_box();
    let bbox: Vec<Object> = [b.x_min, b.y_min, b.x_max, b.y_max]
        .map(|v| scale(v).into())
        .into();
    // CFF outlines go in as OpenType (FontFile3), TrueType ones as FontFile2.
    let cff = face.tables().glyf.is_none();
    let mut file_dict = dictionary! { "Length1" => bytes.len() as i64 };
    if cff {
        file_dict.set("Subtype", "OpenType");
    }
    let file = doc.add_object(Stream::new(file_dict, bytes));
    let italic = face.is_italic() || face.italic_angle() != 0.0;
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => base_font.clone(),
        "Flags" => if italic { 32 + 64 } else { 32 },
        "FontBBox" => bbox,
        "ItalicAngle" => face.italic_angle(),
        "Ascent" => scale(face.ascender()),
        "Descent" => scale(face.descender()),
        "CapHeight" => scale(face.capital_height().unwrap_or(face.ascender())),
        "StemV" => if face.is_bold() { 140 } else { 80 },
        if cff { "FontFile3" } else { "FontFile2" } => file,
    });
    let system = dictionary! {
        "Registry" => Object::string_literal("Adobe"),
        "Ordering" => Object::string_literal("Identity"),
        "Supplement" => 0,
    };
    let mut cid_font = dictionary! {
        "Type" => "Font",
        "Subtype" => if cff { "CIDFontType0" } else { "CIDFontType2" },
        "BaseFont" => base_font.clone(),
        "CIDSystemInfo" => system,
        "FontDescriptor" => descriptor,
        "W" => widths(face, &cids),
    };
    if !cff {
        cid_font.set("CIDToGIDMap", "Identity");
    }
    let cid_font = doc.add_object(cid_font);
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), to_unicode(&cids, used)));
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => base_font,
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    (font.into(), cids)
}

fn content_stream(ops: &[Op], cids: &[BTreeMap<u16, u16>]) -> Vec<u8> {
    let mut s = String::from("0 g 0 G 0.6 w\n");
    for op in ops {
        match op {
            Op::Text(face, size, x, y, glyphs) => {
                let (size, x, y) = (num(*size), num(*x), num(*y));
                let _ = write!(s, "BT /F{face} {size} Tf 1 0 0 1 {x} {y} Tm [<");
                for (gid, adjust) in glyphs {
                    let cid = cids.get(*face).and_then(|m| m.get(gid));
                    let _ = write!(s, "{:04X}", cid.copied().unwrap_or(0));
                    if *adjust != 0.0 {
                        let _ = write!(s, "> {} <", num(*adjust));
                    }
                }
                s.push_str(">] TJ ET\n");
            }
            Op::Rule(x1, x2, y) => {
                let (x1, x2, y) = (num(*x1), num(*x2), num(*y));
                let _ = writeln!(s, "{x1} {y} m {x2} {y} l S");
            }
        }
    }
    s.into_bytes()
}

pub(super) fn write_pdf(
    letter: &Letter,
    fonts: &Fonts,
    pages: &[Vec<Op>],
) -> Result<Vec<u8>, LetterError> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut font_dict = Dictionary::new();
    let mut cids = Vec::new();
    for (i, ((face, data), used)) in fonts.faces.iter().zip(&fonts.used).enumerate() {
        if used.is_empty() {
            cids.push(BTreeMap::new());
            continue;
        }
        let (font, map) = embed_face(&mut doc, face, data, used);
        font_dict.set(format!("F{i}"), font);
        cids.push(map);
    }
    let resources = doc.add_object(dictionary! { "Font" => font_dict });
    let mut kids: Vec<Object> = Vec::new();
    for ops in pages {
        let contents = Stream::new(Dictionary::new(), content_stream(ops, &cids));
        let contents = doc.add_object(contents);
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
            "Resources" => resources,
            "Contents" => contents,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    let pages_dict = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count };
    doc.objects.insert(pages_id, pages_dict.into());
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => Object::string_literal("vi-VN"),
    });
    let code = clean(&letter.case_code);
    let title = format!("Phiếu xin lỗi và hẹn lại ngày trả kết quả - {code}");
    let info = doc.add_object(dictionary! {
        "Title" => lopdf::text_string(&title),
        "Producer" => Object::string_literal("sohoa"),
        "Creator" => Object::string_literal("sohoa"),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(pdf_err)?;
    // A fixed /ID derived from the content, so the same letter gives the same bytes.
    let id = [fnv(&out, 0), fnv(&out, 0x5348_4f41)]
        .map(u64::to_be_bytes)
        .concat();
    let id = Object::String(id, StringFormat::Hexadecimal);
    doc.trailer.set("ID", vec![id.clone(), id]);
    out.clear();
    doc.save_to(&mut out).map_err(pdf_err)?;
    Ok(out)
}
