//! The signature added to a PDF as an incremental update (ISO 32000-1 7.5.6, 12.8): the
//! original bytes are kept as they are and followed by a signature dictionary, a signature
//! field's widget on page 1, the page and the catalog updated to point at them (`/Annots`,
//! `/AcroForm` with `/SigFlags 3`), a cross-reference section and a trailer with `/Prev`. The
//! signature's `/ByteRange` covers the whole file but its own `/Contents`, which then receives
//! the CMS. A PDF/A-2b file stays PDF/A-2b: nothing before the update changes, the widget is
//! printable and locked (`/F 132`) and shows the visible mark of TT 05/2025 (`mark.rs`)
//! at the top right of page 1 as shown (or, without a mark, is invisible: an empty `/Rect` with
//! an empty appearance, which PDF/A-1 validators ask of every widget).

use crate::cms_sig;
use crate::signer::Signer;
use lopdf::{Dictionary, Document, Object, ObjectId, Writer};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Room for the CMS in `/Contents` (bytes; written as twice as many hex digits): a 4096-bit
/// RSA signature with a chain of four certificates and a timestamp token fit, and PDF/A-2's
/// limit on a string (32,767 bytes) is kept.
pub const CONTENTS_BYTES: usize = 16 * 1024;
const BYTE_RANGE_PLACEHOLDER: &str = "/ByteRange [0 0000000000 0000000000 0000000000]";

/// What the signature says besides the CMS.
#[derive(Debug, Clone)]
pub struct SignatureInfo {
    /// The signer (agency) as people read it: `/Name`.
    pub name: String,
    /// `/Reason`.
    pub reason: String,
    /// `/M`, the signing time.
    pub time: OffsetDateTime,
    /// The visible mark's lines (TT 05/2025: the agency, the signing time), top right of page 1;
    /// none: an invisible signature.
    pub mark: Option<Vec<String>>,
    /// An RFC 3161 time-stamping authority's URL (PAdES B-T); none: B-B.
    pub tsa: Option<String>,
}

/// Why a PDF cannot be signed.
#[derive(Debug, Clone, PartialEq)]
pub enum SignError {
    /// The PDF cannot be read, or lacks what a signature needs (a catalog, a page).
    Pdf(String),
    /// Encrypted PDFs are not signed (an archive's bundle never is).
    Encrypted,
    /// The key or the CMS failed.
    Signer(String),
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignError::Pdf(e) => write!(f, "the PDF cannot be signed: {e}"),
            SignError::Encrypted => write!(f, "the PDF is encrypted"),
            SignError::Signer(e) => write!(f, "signing failed: {e}"),
        }
    }
}

fn pdf_err(e: impl std::fmt::Display) -> SignError {
    SignError::Pdf(e.to_string())
}

/// A PDF text string: ASCII as a literal, anything else UTF-16BE with its byte order mark.
fn text(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        let escaped = s
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        return format!("({escaped})");
    }
    let mut hex = String::from("<FEFF");
    for u in s.encode_utf16() {
        hex.push_str(&format!("{u:04X}"));
    }
    hex.push('>');
    hex
}

fn serialize(object: &Object) -> Result<Vec<u8>, SignError> {
    let mut out = Vec::new();
    Writer::write_object(&mut out, object).map_err(pdf_err)?;
    Ok(out)
}

/// The byte offset the last `startxref` names.
fn last_startxref(pdf: &[u8]) -> Result<u64, SignError> {
    let tail = &pdf[pdf.len().saturating_sub(2048)..];
    let text = String::from_utf8_lossy(tail);
    let at = text
        .rfind("startxref")
        .ok_or_else(|| pdf_err("no startxref"))?;
    text[at + "startxref".len()..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| pdf_err("startxref is not a number"))
}

/// Signs `pdf` with `signer`: the original bytes, then the update.
pub fn sign(pdf: &[u8], signer: &dyn Signer, info: &SignatureInfo) -> Result<Vec<u8>, SignError> {
    let doc = Document::load_mem(pdf).map_err(pdf_err)?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(SignError::Encrypted);
    }
    let prev = last_startxref(pdf)?;
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| pdf_err("no catalog"))?;
    let size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .map_err(|_| pdf_err("no /Size in the trailer"))? as u32;
    let (&page_no, &page_id) = doc
        .get_pages()
        .iter()
        .next()
        .ok_or_else(|| pdf_err("no page"))?;
    let _ = page_no;
    let first_id = match doc.trailer.get(b"ID") {
        Ok(Object::Array(a)) => a.first().and_then(|o| o.as_str().ok()).map(|s| s.to_vec()),
        _ => None,
    };
    let sig_id: ObjectId = (size, 0);
    let widget_id: ObjectId = (size + 1, 0);
    let appearance_id: ObjectId = (size + 2, 0);

    // The page with the widget in its /Annots; the catalog with the form.
    let mut page = doc.get_dictionary(page_id).map_err(pdf_err)?.clone();
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(r)) => doc
            .get_object(*r)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    annots.push(Object::Reference(widget_id));
    page.set("Annots", Object::Array(annots));
    let mut catalog = doc.get_dictionary(root_id).map_err(pdf_err)?.clone();
    let mut form = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(r)) => doc.get_dictionary(*r).cloned().unwrap_or_default(),
        _ => Dictionary::new(),
    };
    let mut fields = form
        .get(b"Fields")
        .and_then(Object::as_array)
        .cloned()
        .unwrap_or_default();
    fields.push(Object::Reference(widget_id));
    form.set("Fields", Object::Array(fields));
    form.set("SigFlags", Object::Integer(3));
    catalog.set("AcroForm", Object::Dictionary(form));

    let n = fields_count(&catalog) + 1;
    let (rect, appearance) = match &info.mark {
        Some(lines) => {
            let m = crate::mark::build(lines).map_err(SignError::Pdf)?;
            let bx = page_box(&doc, page_id);
            let rotate = inherited(&doc, page_id, b"Rotate")
                .and_then(|o| o.as_i64().ok())
                .unwrap_or(0);
            let (rect, matrix) = crate::mark::place(bx, rotate, m.width, m.height, n - 1);
            (rect, Appearance::Visible(Box::new(m), matrix))
        }
        None => ([0.0; 4], Appearance::Empty),
    };
    let widget = format!(
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T {} /V {} 0 R /F 132 /Rect [{:.2} {:.2} {:.2} {:.2}] /P {} {} R /AP << /N {} 0 R >> >>",
        text(&format!("Chu ky so {n}")),
        sig_id.0,
        rect[0],
        rect[1],
        rect[2],
        rect[3],
        page_id.0,
        page_id.1,
        appearance_id.0
    );
    let contents_placeholder = format!("<{}>", "0".repeat(CONTENTS_BYTES * 2));
    let sig = format!(
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached {BYTE_RANGE_PLACEHOLDER} /Contents {contents_placeholder} /M ({}) /Name {} /Reason {} >>",
        sohoa_archive::time_format::pdf_date(info.time),
        text(&info.name),
        text(&info.reason)
    );

    // The update, object by object, with each one's offset.
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, u16, usize)> = Vec::new();
    let mut put = |out: &mut Vec<u8>, id: ObjectId, body: &[u8]| {
        offsets.push((id.0, id.1, out.len()));
        out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    put(&mut out, root_id, &serialize(&Object::Dictionary(catalog))?);
    put(&mut out, page_id, &serialize(&Object::Dictionary(page))?);
    put(&mut out, widget_id, widget.as_bytes());
    let font_ids = (size + 3..size + 8).collect::<Vec<u32>>();
    for (id, body) in appearance.objects(&font_ids) {
        put(&mut out, (id.unwrap_or(appearance_id.0), 0), &body);
    }
    let sig_at = out.len();
    put(&mut out, sig_id, sig.as_bytes());
    offsets.sort();
    let xref_at = out.len();
    let mut xref = String::from("xref\n");
    for (num, gen, off) in &offsets {
        xref.push_str(&format!("{num} 1\n{off:010} {gen:05} n \n"));
    }
    out.extend_from_slice(xref.as_bytes());
    let new_id = hex::encode(&Sha256::digest(&out[pdf.len()..])[..16]);
    let first = first_id.map(hex::encode).unwrap_or_else(|| new_id.clone());
    let mut trailer = format!(
        "trailer\n<< /Size {} /Root {} {} R",
        size + if info.mark.is_some() { 8 } else { 3 },
        root_id.0,
        root_id.1
    );
    if let Ok(Object::Reference(info_id)) = doc.trailer.get(b"Info") {
        trailer.push_str(&format!(" /Info {} {} R", info_id.0, info_id.1));
    }
    trailer.push_str(&format!(
        " /ID [<{first}> <{new_id}>] /Prev {prev} >>\nstartxref\n{xref_at}\n%%EOF\n"
    ));
    out.extend_from_slice(trailer.as_bytes());

    // Where /Contents and /ByteRange are, then the ranges, the digest and the CMS.
    let sig_text = &out[sig_at..];
    let find = |needle: &[u8]| {
        sig_text
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| sig_at + p)
    };
    let contents_at =
        find(b"/Contents <").ok_or_else(|| pdf_err("lost /Contents"))? + "/Contents ".len();
    let contents_end = contents_at + contents_placeholder.len();
    let range_at =
        find(BYTE_RANGE_PLACEHOLDER.as_bytes()).ok_or_else(|| pdf_err("lost /ByteRange"))?;
    let ranges = format!(
        "/ByteRange [0 {} {} {}]",
        contents_at,
        contents_end,
        out.len() - contents_end
    );
    if ranges.len() > BYTE_RANGE_PLACEHOLDER.len() {
        return Err(pdf_err("the file is too large for a signature"));
    }
    let padded = format!("{ranges:<width$}", width = BYTE_RANGE_PLACEHOLDER.len());
    out[range_at..range_at + padded.len()].copy_from_slice(padded.as_bytes());
    let mut h = Sha256::new();
    h.update(&out[..contents_at]);
    h.update(&out[contents_end..]);
    let digest: [u8; 32] = h.finalize().into();
    let cms =
        cms_sig::signed_data(&digest, signer, info.tsa.as_deref()).map_err(SignError::Signer)?;
    if cms.len() > CONTENTS_BYTES {
        return Err(SignError::Signer(format!(
            "the signature ({} bytes) does not fit the {CONTENTS_BYTES} reserved",
            cms.len()
        )));
    }
    let hex = hex::encode_upper(&cms);
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// The widget's appearance: empty (PDF/A-1 validators want one on every widget, even an
/// invisible one), or the visible mark with its font.
enum Appearance {
    Empty,
    Visible(Box<crate::mark::Mark>, [f64; 6]),
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

impl Appearance {
    /// The objects: `(None, appearance)` first, then the font's five objects numbered `ids`
    /// (Type0 font, CID font, descriptor, font file, ToUnicode).
    fn objects(&self, ids: &[u32]) -> Vec<(Option<u32>, Vec<u8>)> {
        match self {
            Appearance::Empty => vec![(
                None,
                stream("/Type /XObject /Subtype /Form /BBox [0 0 0 0]", b""),
            )],
            Appearance::Visible(m, matrix) => {
                let [type0, cid, descriptor, file, to_unicode] =
                    [ids[0], ids[1], ids[2], ids[3], ids[4]];
                let form = format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 {:.2} {:.2}] /Matrix [{} {} {} {} {} {}] /Resources << /Font << /F1 {type0} 0 R >> >>",
                    m.width, m.height, matrix[0], matrix[1], matrix[2], matrix[3], matrix[4], matrix[5]
                );
                vec![
                    (None, stream(&form, &m.content)),
                    (Some(type0), format!(
                        "<< /Type /Font /Subtype /Type0 /BaseFont /{} /Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>",
                        m.font_name
                    ).into_bytes()),
                    (Some(cid), format!(
                        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /W {} /CIDToGIDMap /Identity >>",
                        m.font_name, m.widths
                    ).into_bytes()),
                    (Some(descriptor), format!(
                        "<< /Type /FontDescriptor /FontName /{} {} /FontFile2 {file} 0 R >>",
                        m.font_name, m.descriptor
                    ).into_bytes()),
                    (Some(file), stream(&format!("/Filter /FlateDecode /Length1 {}", m.font_file_length1), &m.font_file)),
                    (Some(to_unicode), stream("/Filter /FlateDecode", &m.to_unicode)),
                ]
            }
        }
    }
}

/// A page attribute, from the page or the page tree above it (ISO 32000-1 7.7.3.4).
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut id = page;
    for _ in 0..64 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(v) = dict.get(key) {
            return Some(v);
        }
        id = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

/// The page's crop box (else its media box) as numbers; A4 when neither reads.
fn page_box(doc: &Document, page: ObjectId) -> [f64; 4] {
    let read = |key: &[u8]| -> Option<[f64; 4]> {
        let arr = inherited(doc, page, key)?.as_array().ok()?;
        let v: Vec<f64> = arr
            .iter()
            .filter_map(|o| {
                o.as_float()
                    .ok()
                    .map(f64::from)
                    .or_else(|| o.as_i64().ok().map(|i| i as f64))
            })
            .collect();
        (v.len() == 4).then(|| {
            [
                v[0].min(v[2]),
                v[1].min(v[3]),
                v[0].max(v[2]),
                v[1].max(v[3]),
            ]
        })
    };
    read(b"CropBox")
        .or_else(|| read(b"MediaBox"))
        .unwrap_or([0.0, 0.0, 595.0, 842.0])
}

/// Signature fields already in the form (to name the new one).
fn fields_count(catalog: &Dictionary) -> usize {
    match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d
            .get(b"Fields")
            .and_then(Object::as_array)
            .map(|a| a.len().saturating_sub(1))
            .unwrap_or(0),
        _ => 0,
    }
}
