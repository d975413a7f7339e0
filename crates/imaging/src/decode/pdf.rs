//! Scanned PDFs (what office scanners write): every page that draws one image and nothing else
//! visible is a scan, read losslessly: its JPEG or CCITT G4 data kept byte for byte (as
//! `pdfimages -all` extracts it), other images pixel-exact, its resolution from the size the
//! image is drawn at, `/Rotate` carried over, pages in order. A page with text or vector content
//! is not a scan: it stays in the original file (always kept in the bag) with warning
//! `pdf.page_not_scanned`, never silently dropped. Encrypted or broken files are errors.
//! Step 3a; what a page draws is read in `pdf_content`, its image decoded in `pdf_image`.

use super::limits::{check_frames, page_bytes};
use super::pdf_content::{self, Drawn, Matrix, NotScan, IDENTITY};
use super::pdf_image;
use super::{Decoded, FileRead, PageError};
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};
use sohoa_archive::limits::Limits;
use sohoa_archive::problem::Problem;

/// The most one content stream (or form) of a page may decompress to; a page drawing more is
/// not a scan. A scan's content is a few dozen bytes, an OCR text layer a few hundred KB.
pub(super) const CONTENT_LIMIT: usize = 64 << 20;

/// The most one object or cross-reference stream may decompress to while the file is opened.
const STRUCTURE_LIMIT: usize = 64 << 20;

/// How deep a page inherits from the page tree, forms nest, colour spaces refer on.
pub(super) const MAX_DEPTH: usize = 32;

pub(super) fn corrupt(vi: &str, en: &str) -> PageError {
    PageError::new(
        "pdf.corrupt",
        format!("Tệp PDF hỏng: {vi}"),
        format!("Corrupt PDF: {en}"),
    )
}

/// A lopdf error reading the file's structure, as `pdf.corrupt`.
pub(super) fn broken(e: &lopdf::Error) -> PageError {
    corrupt(
        &format!("không đọc được cấu trúc tệp ({e})"),
        &format!("its structure cannot be read ({e})"),
    )
}

fn encrypted() -> PageError {
    PageError::new(
        "pdf.encrypted",
        "Tệp PDF được mã hóa (đặt mật khẩu hoặc giới hạn quyền): sohoa không mở tệp mã hóa; hãy lưu lại bản không mã hóa rồi chạy lại",
        "The PDF is encrypted (a password or permission restrictions): sohoa does not open encrypted files; save an unencrypted copy and run again",
    )
}

/// A number (integer or real).
pub(super) fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// The object a reference points to (objects that are not references as they are); a
/// reference to nothing is `pdf.corrupt`.
pub(super) fn deref<'d>(doc: &'d Document, o: &'d Object) -> Result<&'d Object, PageError> {
    doc.dereference(o).map(|(_, o)| o).map_err(|e| broken(&e))
}

/// `dict[key]`, dereferenced; None when absent or null.
pub(super) fn get<'d>(
    doc: &'d Document,
    dict: &'d Dictionary,
    key: &[u8],
) -> Result<Option<&'d Object>, PageError> {
    match dict.get(key) {
        Ok(o) => deref(doc, o).map(|o| (!matches!(o, Object::Null)).then_some(o)),
        Err(_) => Ok(None),
    }
}

/// Reads every page of a PDF in order: scans go to `sink`, the others are named in warnings.
pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut dyn FnMut(Decoded<'_>) -> Result<(), PageError>,
) -> Result<FileRead, PageError> {
    let doc = open(bytes)?;
    let pages = doc.get_pages();
    check_frames("PDF", pages.len() as u64, limits)?;
    check_page_tree(&doc, pages.len())?;
    let mut read = FileRead {
        keep_original: true,
        ..FileRead::default()
    };
    let mut not_scanned = Vec::new();
    let mut text_layer = Vec::new();
    for (&number, &id) in &pages {
        let frame = number - 1;
        let page = read_page(&doc, id).map_err(|e| e.on_page(frame))?;
        match page {
            Page::NotScan(why) => not_scanned.push((number, why)),
            Page::Scan(scan) => {
                if scan.text_layer {
                    text_layer.push(number);
                }
                if scan.annotations {
                    read.warnings.push(annotations_not_kept(number));
                }
                let image = pdf_image::decode(&doc, scan.drawn.image, limits)
                    .map_err(|e| e.on_page(frame))?;
                let decoded = Decoded {
                    raster: image.raster,
                    jpeg: image.jpeg.as_deref(),
                    g4: image.g4.as_deref(),
                    lossy: image.lossy,
                    chroma_subsampled: image.chroma_subsampled,
                    file_dpi: Some(scan.dpi),
                    frame,
                    exif_orientation: 1,
                    page_rotate: scan.rotate,
                };
                sink(decoded).map_err(|e| e.on_page(frame))?;
                read.pages += 1;
            }
        }
    }
    read.not_scanned = not_scanned.iter().map(|(n, _)| *n).collect();
    read.warnings
        .extend(not_scanned_warnings(&not_scanned, read.pages == 0));
    if !text_layer.is_empty() {
        read.notes.push(format!(
            "{}: the PDF's invisible text layer (OCR by the scanning software) is not carried into the bundle; it is in the original file",
            pages_en(&text_layer)
        ));
    }
    Ok(read)
}

/// Opens the file: parsed whole (lopdf repairs a damaged cross-reference table as viewers do),
/// every object stream bounded; an encrypted file is refused.
fn open(bytes: &[u8]) -> Result<Document, PageError> {
    let options = LoadOptions {
        max_decompressed_size: Some(STRUCTURE_LIMIT),
        ..LoadOptions::default()
    };
    let doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(
            lopdf::Error::Decryption(_)
            | lopdf::Error::InvalidPassword
            | lopdf::Error::UnsupportedSecurityHandler(_)
            | lopdf::Error::AlreadyEncrypted,
        ) => return Err(encrypted()),
        Err(e) => return Err(broken(&e)),
    };
    if doc.trailer.has(b"Encrypt") || doc.was_encrypted() {
        return Err(encrypted());
    }
    Ok(doc)
}

/// The page tree must lead to every page it declares (`/Count`): a page lost to a missing or
/// damaged object is an error, never a shorter case file.
fn check_page_tree(doc: &Document, found: usize) -> Result<(), PageError> {
    let declared = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|p| doc.dereference(p).ok())
        .and_then(|(_, p)| p.as_dict().ok())
        .and_then(|p| p.get(b"Count").ok())
        .and_then(|c| c.as_i64().ok());
    match declared {
        _ if found == 0 => Err(corrupt(
            "không tìm thấy trang nào (cây trang hỏng hoặc trống)",
            "no page can be found (the page tree is damaged or empty)",
        )),
        Some(n) if n > found as i64 => Err(corrupt(
            &format!("cây trang khai báo {n} trang nhưng chỉ đọc được {found}"),
            &format!("the page tree declares {n} pages but only {found} can be read"),
        )),
        _ => Ok(()),
    }
}

/// What a page is: a scan (its image, resolution and rotation), or why it is not one.
enum Page<'d> {
    Scan(Scan<'d>),
    NotScan(NotScan),
}

struct Scan<'d> {
    drawn: Drawn<'d>,
    /// Pixels per inch along the image's width and height.
    dpi: (f64, f64),
    /// Clockwise page rotation that shows the image as the source page does.
    rotate: u16,
    text_layer: bool,
    annotations: bool,
}

/// An entry of a page, or of the nearest page-tree node above it that has one.
fn inherited<'d>(
    doc: &'d Document,
    page: &'d Dictionary,
    key: &[u8],
) -> Result<Option<&'d Object>, PageError> {
    let mut node = page;
    for _ in 0..MAX_DEPTH {
        if let Some(o) = get(doc, node, key)? {
            return Ok(Some(o));
        }
        match get(doc, node, b"Parent")? {
            Some(Object::Dictionary(parent)) => node = parent,
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// A rectangle's width and height.
fn rect_size(doc: &Document, o: Option<&Object>) -> Option<(f64, f64)> {
    let a = o?.as_array().ok()?;
    let v: Vec<f64> = a
        .iter()
        .filter_map(|x| doc.dereference(x).ok().and_then(|(_, x)| num(x)))
        .collect();
    (v.len() == 4).then(|| ((v[2] - v[0]).abs(), (v[3] - v[1]).abs()))
}

fn read_page(doc: &Document, id: ObjectId) -> Result<Page<'_>, PageError> {
    let page = doc.get_dictionary(id).map_err(|e| broken(&e))?;
    let resources = match inherited(doc, page, b"Resources")? {
        Some(Object::Dictionary(d)) => Some(d),
        _ => None,
    };
    let Some(content) = page_content(doc, id)? else {
        return Ok(Page::NotScan(NotScan::TooLarge));
    };
    let draws = match pdf_content::walk(doc, &content, resources)? {
        Ok(d) => d,
        Err(why) => return Ok(Page::NotScan(why)),
    };
    let media = rect_size(doc, inherited(doc, page, b"MediaBox")?);
    let crop = rect_size(doc, inherited(doc, page, b"CropBox")?).or(media);
    let page_rotate = inherited(doc, page, b"Rotate")?
        .and_then(|r| r.as_i64().ok())
        .map(|r| r.rem_euclid(360))
        .filter(|r| r % 90 == 0)
        .unwrap_or(0) as u16;
    let user_unit = get(doc, page, b"UserUnit")?
        .and_then(num)
        .filter(|u| *u > 0.0)
        .unwrap_or(1.0);
    let (width, height) = pdf_image::size(doc, draws.image.image)?;
    let placed = placement(&draws.image.ctm, crop, user_unit, (width, height));
    let (dpi, turned) = match placed {
        Ok(p) => p,
        Err(why) => return Ok(Page::NotScan(why)),
    };
    Ok(Page::Scan(Scan {
        drawn: draws.image,
        dpi,
        rotate: (page_rotate + 360 - turned) % 360,
        text_layer: draws.text_layer,
        annotations: visible_annotations(doc, page)?,
    }))
}

/// The page's content streams, decoded and joined (`None` past [`CONTENT_LIMIT`]); a stream
/// that cannot be decoded is an error.
fn page_content(doc: &Document, id: ObjectId) -> Result<Option<Vec<u8>>, PageError> {
    let mut content = Vec::new();
    for sid in doc.get_page_contents(id) {
        let stream = doc
            .get_object(sid)
            .and_then(Object::as_stream)
            .map_err(|e| broken(&e))?;
        let remaining = CONTENT_LIMIT.saturating_sub(content.len());
        let Some(data) = pdf_content::decoded(stream, remaining)? else {
            return Ok(None);
        };
        content.extend_from_slice(&data);
        content.push(b'\n');
    }
    Ok(Some(content))
}

/// Pixels per inch and the image's own counter-clockwise turn on the page, from the matrix it
/// is drawn with (the crop box when it is drawn without one); a tilted or mirrored image is
/// not a scan sohoa can store upright.
fn placement(
    ctm: &Matrix,
    crop: Option<(f64, f64)>,
    user_unit: f64,
    (width, height): (u32, u32),
) -> Result<((f64, f64), u16), NotScan> {
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    let m = match crop {
        Some((w, h)) if ctm.iter().zip(IDENTITY.iter()).all(|(a, b)| near(*a, *b)) => {
            [w, 0.0, 0.0, h, 0.0, 0.0]
        }
        _ => *ctm,
    };
    let [a, b, c, d, _, _] = m;
    let (lu, lv) = (a.hypot(b), c.hypot(d));
    if lu < 1e-6 || lv < 1e-6 {
        return Err(NotScan::Tilted);
    }
    let small = |x: f64, l: f64| x.abs() <= l * 1e-3;
    let turned = if small(b, lu) && small(c, lv) {
        match (a > 0.0, d > 0.0) {
            (true, true) => 0,
            (false, false) => 180,
            _ => return Err(NotScan::Mirrored),
        }
    } else if small(a, lu) && small(d, lv) {
        match (b > 0.0, c > 0.0) {
            (true, false) => 90,
            (false, true) => 270,
            _ => return Err(NotScan::Mirrored),
        }
    } else {
        return Err(NotScan::Tilted);
    };
    let inches = |l: f64| l * user_unit / 72.0;
    let dpi = (
        snap(f64::from(width) / inches(lu)),
        snap(f64::from(height) / inches(lv)),
    );
    Ok((dpi, turned))
}

/// Page sizes are written rounded to whole points: a resolution within 0.2 % of a whole number
/// is that number (A4 at 595 x 842 pt holding 2480 x 3508 pixels is 300 dpi, not 300.1).
fn snap(dpi: f64) -> f64 {
    let r = dpi.round();
    if r > 0.0 && (dpi / r - 1.0).abs() <= 0.002 {
        r
    } else {
        dpi
    }
}

/// Annotations a viewer shows over the page (stamps, signatures, notes), which the bundle's
/// page does not carry. Links, popups and hidden ones show nothing.
fn visible_annotations(doc: &Document, page: &Dictionary) -> Result<bool, PageError> {
    let Some(Object::Array(annots)) = get(doc, page, b"Annots")? else {
        return Ok(false);
    };
    for a in annots {
        let Ok(Object::Dictionary(a)) = doc.dereference(a).map(|(_, o)| o) else {
            continue;
        };
        let subtype = a.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        let flags = a.get(b"F").and_then(Object::as_i64).unwrap_or(0);
        let hidden = flags & (2 | 32) != 0;
        if !hidden && a.has(b"AP") && !matches!(subtype, b"Link" | b"Popup") {
            return Ok(true);
        }
    }
    Ok(false)
}

fn annotations_not_kept(page: u32) -> Problem {
    Problem::warning(
        "pdf.annotation_not_kept",
        format!("Trang {page} của tệp PDF có chú thích hiện trên trang (dấu, chữ ký, ghi chú): trang quét được lưu, phần chú thích chỉ có trong tệp gốc (data/originals/)"),
        format!("Page {page} of the PDF has annotations shown over it (stamps, signatures, notes): the scan is stored, the annotations are only in the original file (data/originals/)"),
    )
    .on_page(page)
}

/// `pdf.page_not_scanned`: one warning per run of consecutive pages with the same reason; when
/// no page is a scan, one warning for the whole file (then kept as an attachment).
fn not_scanned_warnings(pages: &[(u32, NotScan)], none_scanned: bool) -> Vec<Problem> {
    if none_scanned {
        let mut whys: Vec<NotScan> = pages.iter().map(|(_, w)| *w).collect();
        whys.dedup();
        whys.sort_by_key(|w| *w as u8);
        whys.dedup();
        let vi: Vec<&str> = whys.iter().map(|w| w.describe().0).collect();
        let en: Vec<&str> = whys.iter().map(|w| w.describe().1).collect();
        let n = pages.len();
        let word = if n == 1 { "page" } else { "pages" };
        return vec![Problem::warning(
            "pdf.page_not_scanned",
            format!("Không trang nào của tệp PDF là bản quét ({n} trang: {}): tệp được giữ nguyên trong túi (data/originals/) như tệp đính kèm, không có trong tệp PDF/A", vi.join("; ")),
            format!("No page of the PDF is a scan ({n} {word}: {}): the file is kept as it is in the bag (data/originals/) as an attachment, not in the bundle", en.join("; ")),
        )];
    }
    let mut runs: Vec<(u32, u32, NotScan)> = Vec::new();
    for &(n, why) in pages {
        match runs.last_mut() {
            Some((_, last, w)) if *last + 1 == n && *w == why => *last = n,
            _ => runs.push((n, n, why)),
        }
    }
    runs.into_iter()
        .map(|(first, last, why)| {
            let (vi_why, en_why) = why.describe();
            let (vi, en) = if first == last {
                (format!("Trang {first}"), format!("Page {first} of the PDF is"))
            } else {
                (
                    format!("Trang {first}–{last}"),
                    format!("Pages {first}–{last} of the PDF are"),
                )
            };
            Problem::warning(
                "pdf.page_not_scanned",
                format!("{vi} của tệp PDF không phải bản quét ({vi_why}): được giữ trong tệp gốc (data/originals/), không có trong tệp PDF/A"),
                format!("{en} not a scan ({en_why}): kept in the original file (data/originals/), not in the bundle"),
            )
            .on_page(first)
        })
        .collect()
}

/// "page 3", "pages 1–4, 7" for the record's notes.
fn pages_en(pages: &[u32]) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &n in pages {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == n => *last = n,
            _ => runs.push((n, n)),
        }
    }
    let list: Vec<String> = runs
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect();
    let word = if pages.len() == 1 { "page" } else { "pages" };
    format!("{word} {}", list.join(", "))
}

/// Bytes a decoder may produce for one page of `limits.max_page_pixels`: up to 16-bit CMYK.
pub(super) fn image_bytes_limit(limits: &Limits) -> usize {
    page_bytes(limits, 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_gives_resolution_and_turn() {
        // An A4 page at 300 dpi, drawn upright.
        let a4 = [595.276, 0.0, 0.0, 841.89, 0.0, 0.0];
        assert_eq!(
            placement(&a4, None, 1.0, (2480, 3508)),
            Ok(((300.0, 300.0), 0))
        );
        // Rounded to whole points, still 300.
        let a4 = [595.0, 0.0, 0.0, 842.0, 0.0, 0.0];
        assert_eq!(
            placement(&a4, None, 1.0, (2480, 3508)),
            Ok(((300.0, 300.0), 0))
        );
        // Drawn turned a quarter counter-clockwise (a landscape scan on a portrait page).
        let turned = [0.0, 595.0, -842.0, 0.0, 595.0, 0.0];
        assert_eq!(
            placement(&turned, None, 1.0, (2480, 3508)),
            Ok(((300.0, 300.0), 90))
        );
        let upside_down = [-595.0, 0.0, 0.0, -842.0, 595.0, 842.0];
        assert_eq!(
            placement(&upside_down, None, 1.0, (2480, 3508)).map(|p| p.1),
            Ok(180)
        );
        // Without a matrix the crop box is the image's size.
        assert_eq!(
            placement(&IDENTITY, Some((612.0, 792.0)), 1.0, (1700, 2200)),
            Ok(((200.0, 200.0), 0))
        );
        // UserUnit scales the page.
        assert_eq!(
            placement(&[72.0, 0.0, 0.0, 72.0, 0.0, 0.0], None, 2.0, (600, 600)).map(|p| p.0),
            Ok((300.0, 300.0))
        );
        let tilted = [500.0, 50.0, -50.0, 700.0, 0.0, 0.0];
        assert_eq!(
            placement(&tilted, None, 1.0, (100, 100)),
            Err(NotScan::Tilted)
        );
        let mirrored = [-595.0, 0.0, 0.0, 842.0, 595.0, 0.0];
        assert_eq!(
            placement(&mirrored, None, 1.0, (100, 100)),
            Err(NotScan::Mirrored)
        );
    }

    #[test]
    fn not_scanned_pages_are_warned_by_runs() {
        let w = not_scanned_warnings(
            &[(2, NotScan::Text), (3, NotScan::Text), (5, NotScan::Vector)],
            false,
        );
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].page, Some(2));
        assert!(w[0]
            .message_en
            .starts_with("Pages 2–3 of the PDF are not a scan"));
        assert!(w[0].message.starts_with("Trang 2–3 của tệp PDF"));
        assert!(w[1]
            .message_en
            .starts_with("Page 5 of the PDF is not a scan"));
        assert_eq!(pages_en(&[1, 2, 3, 7]), "pages 1–3, 7");
    }
}
