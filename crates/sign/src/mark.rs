//! The visible mark of the agency's signature (TT 05/2025/TT-BNV): at the top right of page 1 as
//! the page is shown, the agency's name and the signing time (ISO 8601, Vietnam time), in Times
//! New Roman 10 or a metric-compatible font, black, no seal image. The font is Liberation Serif
//! (`fonts/`), embedded as a subset of the glyphs the mark uses (`subsetter`), as a CID font with
//! `Identity-H`, its widths from the font and a ToUnicode map, so PDF/A-2b holds and the text can
//! be copied.

use flate2::write::ZlibEncoder;
use std::io::Write;

const FONT: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
/// Text size (pt), line spacing, margin from the page's edges and padding inside the box (pt).
const SIZE: f64 = 10.0;
const LEADING: f64 = 12.0;
const MARGIN: f64 = 14.0;
const PAD: f64 = 3.0;

/// The mark's PDF pieces, object bodies referring to each other by the numbers given.
pub(crate) struct Mark {
    /// Box size in form space (pt).
    pub width: f64,
    pub height: f64,
    /// The appearance stream's content.
    pub content: Vec<u8>,
    /// Subset font file (TrueType), its uncompressed length, compressed.
    pub font_file: Vec<u8>,
    pub font_file_length1: usize,
    pub to_unicode: Vec<u8>,
    /// `/W` array, `/FontName` and the descriptor's metrics.
    pub widths: String,
    pub font_name: String,
    pub descriptor: String,
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Lays out `lines` (each drawn on its own line, right-aligned in the box).
pub(crate) fn build(lines: &[String]) -> Result<Mark, String> {
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| format!("the mark's font: {e}"))?;
    let upem = face.units_per_em() as f64;
    let mut remap = subsetter::GlyphRemapper::new();
    let mut encoded: Vec<(Vec<u16>, f64)> = Vec::new();
    let mut used: Vec<(u16, u16, char)> = Vec::new(); // (new gid, old gid, char)
    for line in lines {
        let mut gids = Vec::new();
        let mut width = 0.0;
        for c in line.chars() {
            let old = face.glyph_index(c).map(|g| g.0).ok_or_else(|| {
                format!(
                    "the mark's font has no glyph for {c:?} (U+{:04X})",
                    c as u32
                )
            })?;
            let new = remap.remap(old);
            if !used.iter().any(|u| u.0 == new) {
                used.push((new, old, c));
            }
            width += face
                .glyph_hor_advance(ttf_parser::GlyphId(old))
                .unwrap_or(0) as f64
                * SIZE
                / upem;
            gids.push(new);
        }
        encoded.push((gids, width));
    }
    let subset = subsetter::subset(FONT, 0, &remap)
        .map_err(|e| format!("subsetting the mark's font: {e}"))?;
    let text_width = encoded.iter().map(|e| e.1).fold(0.0, f64::max);
    let width = (text_width + 2.0 * PAD).ceil();
    let height = (lines.len() as f64 * LEADING + 2.0 * PAD).ceil();
    let mut content = String::from("q 0 g BT /F1 10 Tf\n");
    for (i, (gids, w)) in encoded.iter().enumerate() {
        let x = width - PAD - w;
        let y = height - PAD - (i as f64 + 1.0) * LEADING + (LEADING - SIZE) + 1.0;
        let hex: String = gids.iter().map(|g| format!("{g:04X}")).collect();
        content.push_str(&format!("1 0 0 1 {x:.2} {y:.2} Tm <{hex}> Tj\n"));
    }
    content.push_str("ET Q\n");
    // Widths of every glyph of the subset, in its new order (thousandths of the em).
    used.sort();
    let mut widths = String::from("[");
    for (new, old, _) in &used {
        let adv = face
            .glyph_hor_advance(ttf_parser::GlyphId(*old))
            .unwrap_or(0) as f64
            * 1000.0
            / upem;
        widths.push_str(&format!(" {new} [{}]", adv.round()));
    }
    widths.push_str(" ]");
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let chars: Vec<&(u16, u16, char)> = used.iter().filter(|u| u.0 != 0).collect();
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (new, _, c) in chunk {
            let utf16: String = c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{new:04X}> <{utf16}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    // A subset tag from the glyphs it holds (six capitals, as ISO 32000 9.6.4 asks).
    let tag: String = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(&subset);
        d.iter().take(6).map(|b| (b'A' + b % 26) as char).collect()
    };
    let font_name = format!("{tag}+LiberationSerif");
    let s = |v: i16| (v as f64 * 1000.0 / upem).round();
    let bbox = face.global_bounding_box();
    let descriptor = format!(
        "/FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /Flags 6",
        s(bbox.x_min),
        s(bbox.y_min),
        s(bbox.x_max),
        s(bbox.y_max),
        s(face.ascender()),
        s(face.descender()),
        s(face.capital_height().unwrap_or(face.ascender()))
    );
    Ok(Mark {
        width,
        height,
        content: content.into_bytes(),
        font_file_length1: subset.len(),
        font_file: deflate(&subset),
        to_unicode: deflate(cmap.as_bytes()),
        widths,
        font_name,
        descriptor,
    })
}

/// Where the mark goes on a page whose crop box is `[x0 y0 x1 y1]` and whose `/Rotate` is
/// `rotate`: the annotation's `/Rect` and the appearance's `/Matrix`, so that it stands upright
/// at the top right of the page as shown; the `slot`-th signature's mark goes below the marks
/// before it.
pub(crate) fn place(
    bx: [f64; 4],
    rotate: i64,
    w: f64,
    h: f64,
    slot: usize,
) -> ([f64; 4], [f64; 6]) {
    let [x0, y0, x1, y1] = bx;
    let m = MARGIN;
    let d = slot as f64 * (h + 4.0);
    match rotate.rem_euclid(360) {
        90 => (
            [x0 + m + d, y1 - m - w, x0 + m + d + h, y1 - m],
            [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
        ),
        180 => (
            [x0 + m, y0 + m + d, x0 + m + w, y0 + m + d + h],
            [-1.0, 0.0, 0.0, -1.0, 0.0, 0.0],
        ),
        270 => (
            [x1 - m - d - h, y0 + m, x1 - m - d, y0 + m + w],
            [0.0, -1.0, 1.0, 0.0, 0.0, 0.0],
        ),
        _ => (
            [x1 - m - w, y1 - m - d - h, x1 - m, y1 - m - d],
            [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_lines_are_laid_out_with_a_small_subset() {
        let m = build(&["UBND xã Tân Hòa".into(), "2026-12-05T16:00:32+07:00".into()]).unwrap();
        assert!(m.width > 60.0 && m.width < 200.0, "{}", m.width);
        assert!(
            m.font_file_length1 < 40_000,
            "a subset, not the whole font: {}",
            m.font_file_length1
        );
        assert!(String::from_utf8(m.content).unwrap().contains("/F1 10 Tf"));
        assert!(m.font_name.ends_with("+LiberationSerif") && m.font_name.len() == 22);
        assert!(
            build(&["\u{1F600}".into()]).is_err(),
            "a missing glyph is said"
        );
    }

    #[test]
    fn the_mark_sits_top_right_as_the_page_is_shown() {
        let b = [0.0, 0.0, 595.0, 842.0];
        let (r, _) = place(b, 0, 100.0, 30.0, 0);
        assert_eq!(r, [481.0, 798.0, 581.0, 828.0]);
        // A second signature's mark: below the first.
        let (r, _) = place(b, 0, 100.0, 30.0, 1);
        assert_eq!(r, [481.0, 764.0, 581.0, 794.0]);
        // Turned a quarter clockwise: the shown top right is the page's top left.
        let (r, m) = place(b, 90, 100.0, 30.0, 0);
        assert_eq!((r[0], r[3]), (14.0, 828.0));
        assert_eq!(m, [0.0, 1.0, -1.0, 0.0, 0.0, 0.0]);
        let (r, _) = place(b, 180, 100.0, 30.0, 0);
        assert_eq!((r[0], r[1]), (14.0, 14.0));
        let (r, _) = place(b, 270, 100.0, 30.0, 0);
        assert_eq!((r[2], r[1]), (581.0, 14.0));
    }
}
