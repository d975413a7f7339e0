//! sohoa-pdfa: step 4 of the data flow, the bundle: one PDF/A-2b file per case, written as a
//! stream: each page's image (from `sohoa-imaging`) and invisible text (from `sohoa-ocr`) goes
//! to disk as soon as it is ready, so memory does not grow with the number of pages. Then the
//! page tree, outline (one entry per component document), XMP, sRGB OutputIntent, a classic
//! cross-reference table and the trailer `/ID`. [`read_back`] reads such a bundle's pages back.

mod check;
mod icc;
pub mod read_back;
mod text;
mod xmp;

pub use check::check_bundle;

use sohoa_archive::hash::HashingWriter;
use sohoa_imaging::placement::Placement;
use sohoa_imaging::{Colour, Encoding, PreparedPage};
use std::io::{self, Write};
use time::OffsetDateTime;

/// Producer string written into the PDF and the XMP.
pub fn producer() -> String {
    format!("sohoa {}", env!("CARGO_PKG_VERSION"))
}

/// What the bundle says about itself (Info dictionary and XMP, kept identical).
#[derive(Debug, Clone)]
pub struct BundleInfo {
    /// Case identifier (`dc:identifier`).
    pub identifier: String,
    /// Other identifiers (`xmp:Identifier`), e.g. the archival file code.
    pub other_identifiers: Vec<String>,
    pub title: String,
    pub description: String,
    /// ISO dates relevant to the case (`dc:date`).
    pub dates: Vec<String>,
    /// Agency that handled the case (`dc:publisher`).
    pub publisher: Option<String>,
    pub created: OffsetDateTime,
    /// UUID of the bundle (`xmpMM:DocumentID`).
    pub document_id: String,
}

/// An outline (bookmark) entry pointing at a page.
#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    /// 0-based page index.
    pub page: usize,
}

/// Writes a PDF/A-2b image bundle page by page.
pub struct BundleWriter<W: Write> {
    out: HashingWriter<W>,
    /// Byte offset of each object, by object number (index 0 unused).
    offsets: Vec<Option<u64>>,
    pages: Vec<u32>,
    /// The text-layer font (Type0), allocated with the first page that has text.
    font: Option<u32>,
}

/// A page whose image is written and whose content and page object are still to come
/// (while its text is being recognized).
#[derive(Debug, Clone)]
pub struct PendingPage {
    image: u32,
    width_pt: f64,
    height_pt: f64,
    rotate: u16,
    /// Content-stream operators drawing the image (and the paper a turn uncovers).
    image_ops: String,
}

const CATALOG: u32 = 1;
const PAGES: u32 = 2;

impl<W: Write> BundleWriter<W> {
    pub fn new(inner: W) -> io::Result<Self> {
        let mut out = HashingWriter::new(inner);
        // PDF 1.7 header and a comment of four bytes above 127 (PDF/A 6.1.2).
        out.write_all(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
        Ok(BundleWriter {
            out,
            offsets: vec![None, None, None],
            pages: Vec::new(),
            font: None,
        })
    }

    fn alloc(&mut self) -> u32 {
        self.offsets.push(None);
        (self.offsets.len() - 1) as u32
    }

    fn begin(&mut self, id: u32) -> io::Result<()> {
        self.offsets[id as usize] = Some(self.out.position());
        writeln!(self.out, "{id} 0 obj")
    }

    fn dict_obj(&mut self, id: u32, dict: &str) -> io::Result<()> {
        self.begin(id)?;
        write!(self.out, "{dict}\nendobj\n")
    }

    fn stream_obj(&mut self, id: u32, dict_entries: &str, data: &[u8]) -> io::Result<()> {
        self.begin(id)?;
        write!(
            self.out,
            "<< {dict_entries} /Length {} >>\nstream\n",
            data.len()
        )?;
        self.out.write_all(data)?;
        self.out.write_all(b"\nendstream\nendobj\n")
    }

    /// Number of pages written so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Writes one page without text: its image XObject, content stream and page object.
    pub fn add_page(&mut self, page: &PreparedPage) -> io::Result<()> {
        let pending = self.begin_page(page)?;
        self.end_page(pending, None)
    }

    /// Writes a page's image now (so its bytes can be freed); [`Self::end_page`] completes it.
    /// Pages appear in the document in the order `end_page` is called.
    pub fn begin_page(&mut self, page: &PreparedPage) -> io::Result<PendingPage> {
        let image = self.alloc();
        let (w, h) = (page.width, page.height);
        let colour_space = if page.colour == Colour::Rgb {
            "/DeviceRGB"
        } else {
            "/DeviceGray"
        };
        let filter = match page.encoding {
            Encoding::Dct | Encoding::DctReencoded => "/Filter /DCTDecode /BitsPerComponent 8".to_string(),
            Encoding::Flate => "/Filter /FlateDecode /BitsPerComponent 8".to_string(),
            Encoding::CcittG4 => format!(
                "/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns {w} /Rows {h} /BlackIs1 false >> /BitsPerComponent 1"
            ),
        };
        self.stream_obj(
            image,
            &format!("/Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {colour_space} {filter}"),
            &page.data,
        )?;
        let (width_pt, height_pt, image_ops) = match &page.placement {
            None => {
                let (pw, ph) = (w as f64 * 72.0 / page.dpi_x, h as f64 * 72.0 / page.dpi_y);
                (
                    pw,
                    ph,
                    format!("q\n{} 0 0 {} 0 0 cm\n/Im0 Do\nQ\n", num(pw), num(ph)),
                )
            }
            Some(pl) => placed_ops(pl, page),
        };
        Ok(PendingPage {
            image,
            width_pt,
            height_pt,
            rotate: page.rotate,
            image_ops,
        })
    }

    /// Writes the content stream (the image, then the invisible text layer when there is
    /// text) and the page object.
    pub fn end_page(
        &mut self,
        p: PendingPage,
        text: Option<&sohoa_ocr::Recognized>,
    ) -> io::Result<()> {
        let (content, page_id) = (self.alloc(), self.alloc());
        let (pw, ph) = (p.width_pt, p.height_pt);
        let mut ops = p.image_ops;
        let mut fonts = String::new();
        if let Some(r) = text.filter(|r| r.word_count() > 0) {
            let font = match self.font {
                Some(f) => f,
                None => {
                    let f = self.alloc();
                    self.font = Some(f);
                    f
                }
            };
            ops.push_str(&text::layer_ops(r, "F1", pw, ph, p.rotate));
            fonts = format!(" /Font << /F1 {font} 0 R >>");
        }
        let data = sohoa_imaging::flate(ops.as_bytes());
        self.stream_obj(content, "/Filter /FlateDecode", &data)?;
        self.dict_obj(
            page_id,
            &format!(
                "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {} {}]{} /Resources << /XObject << /Im0 {} 0 R >>{fonts} >> /Contents {content} 0 R >>",
                num(pw),
                num(ph),
                if p.rotate == 0 { String::new() } else { format!(" /Rotate {}", p.rotate) },
                p.image
            ),
        )?;
        self.pages.push(page_id);
        Ok(())
    }

    /// The text-layer font and what it points to, once, when some page used it.
    fn write_font(&mut self) -> io::Result<()> {
        let Some(font) = self.font else {
            return Ok(());
        };
        let (cid, descriptor, file, map, unicode) = (
            self.alloc(),
            self.alloc(),
            self.alloc(),
            self.alloc(),
            self.alloc(),
        );
        self.dict_obj(font, &text::type0_dict(cid, unicode))?;
        self.dict_obj(cid, &text::cid_font_dict(descriptor, map))?;
        self.dict_obj(descriptor, &text::descriptor_dict(file))?;
        self.stream_obj(
            file,
            &format!("/Length1 {}", text::FONT_FILE.len()),
            text::FONT_FILE,
        )?;
        self.stream_obj(map, "/Filter /FlateDecode", &text::cid_to_gid_map())?;
        self.stream_obj(unicode, "/Filter /FlateDecode", &text::to_unicode_cmap())
    }

    /// Writes the document-level objects, cross-reference table and trailer. Returns the
    /// inner writer, the SHA-256 of the whole file and its size.
    pub fn finish(
        mut self,
        info: &BundleInfo,
        outline: &[OutlineEntry],
    ) -> io::Result<(W, String, u64)> {
        if self.pages.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a bundle needs at least one page",
            ));
        }
        self.write_font()?;
        let kids: Vec<String> = self.pages.iter().map(|id| format!("{id} 0 R")).collect();
        self.dict_obj(
            PAGES,
            &format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                self.pages.len()
            ),
        )?;

        let icc_id = self.alloc();
        let profile = icc::srgb_profile()?;
        self.stream_obj(icc_id, "/N 3", profile)?;
        let intent = self.alloc();
        self.dict_obj(
            intent,
            &format!(
                "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB) /Info (sRGB IEC61966-2.1) /DestOutputProfile {icc_id} 0 R >>"
            ),
        )?;

        let metadata = self.alloc();
        let packet = xmp::packet(info);
        self.stream_obj(metadata, "/Type /Metadata /Subtype /XML", packet.as_bytes())?;

        let outlines = self.write_outline(outline)?;

        let info_id = self.alloc();
        let date = pdf_date(info.created);
        self.dict_obj(
            info_id,
            &format!(
                "<< /Title {} /Producer {} /Creator {} /CreationDate ({date}) /ModDate ({date}) >>",
                text_string(&info.title),
                text_string(&producer()),
                text_string(&producer())
            ),
        )?;

        let outline_entries = match outlines {
            Some(id) => format!(" /Outlines {id} 0 R /PageMode /UseOutlines"),
            None => String::new(),
        };
        self.dict_obj(
            CATALOG,
            &format!(
                "<< /Type /Catalog /Pages {PAGES} 0 R /Metadata {metadata} 0 R /OutputIntents [{intent} 0 R] /Lang (vi-VN){outline_entries} >>"
            ),
        )?;

        // File identifier: the first 16 bytes of the SHA-256 of everything before the xref.
        let id = hex::encode(&self.out.digest_so_far()[..16]);
        let xref_at = self.out.position();
        let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len());
        for (n, off) in self.offsets.iter().enumerate().skip(1) {
            let off =
                off.ok_or_else(|| io::Error::other(format!("PDF object {n} was never written")))?;
            xref.push_str(&format!("{off:010} 00000 n \n"));
        }
        self.out.write_all(xref.as_bytes())?;
        write!(
            self.out,
            "trailer\n<< /Size {} /Root {CATALOG} 0 R /Info {info_id} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
            self.offsets.len()
        )?;
        Ok(self.out.finish())
    }

    fn write_outline(&mut self, outline: &[OutlineEntry]) -> io::Result<Option<u32>> {
        let entries: Vec<&OutlineEntry> = outline
            .iter()
            .filter(|e| e.page < self.pages.len())
            .collect();
        if entries.is_empty() {
            return Ok(None);
        }
        let root = self.alloc();
        let ids: Vec<u32> = entries.iter().map(|_| self.alloc()).collect();
        for (i, e) in entries.iter().enumerate() {
            let mut d = format!(
                "<< /Title {} /Parent {root} 0 R /Dest [{} 0 R /Fit]",
                text_string(&e.title),
                self.pages[e.page]
            );
            if i > 0 {
                d.push_str(&format!(" /Prev {} 0 R", ids[i - 1]));
            }
            if i + 1 < ids.len() {
                d.push_str(&format!(" /Next {} 0 R", ids[i + 1]));
            }
            d.push_str(" >>");
            self.dict_obj(ids[i], &d)?;
        }
        let (first, last) = (ids[0], ids[ids.len() - 1]);
        self.dict_obj(
            root,
            &format!(
                "<< /Type /Outlines /First {first} 0 R /Last {last} 0 R /Count {} >>",
                ids.len()
            ),
        )?;
        Ok(Some(root))
    }
}

/// A PDF number with at most 4 decimals and no exponent.
/// Page size and drawing operators of an image placed on its page: the paper colour where the
/// turned image leaves the page uncovered, then the image under its `cm` matrix, clipped to
/// the part the crops keep.
fn placed_ops(pl: &Placement, page: &PreparedPage) -> (f64, f64, String) {
    let (pw, ph) = (
        pl.width as f64 * 72.0 / page.dpi_x,
        pl.height as f64 * 72.0 / page.dpi_y,
    );
    let mut ops = String::new();
    if let Some([r, g, b]) = pl.fill {
        let paint = if page.colour == Colour::Rgb {
            let c = |v: u8| num(v as f64 / 255.0);
            format!("{} {} {} rg", c(r), c(g), c(b))
        } else {
            let y = (r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000;
            format!("{} g", num(y as f64 / 255.0))
        };
        ops.push_str(&format!(
            "q\n{paint}\n0 0 {} {} re\nf\nQ\n",
            num(pw),
            num(ph)
        ));
    }
    // Image pixels to the page; the part shown; the image's unit square to its pixels.
    // Six decimals: `read_back` recovers the resolution from these numbers.
    let m: Vec<String> = pl
        .pdf_matrix(page.dpi_x, page.dpi_y)
        .iter()
        .map(|&v| {
            let s = format!("{v:.6}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        })
        .collect();
    let [x0, y0, x1, y1] = pl.clip;
    let (w, h) = (page.width, page.height);
    ops.push_str(&format!(
        "q\n{} cm\n{x0} {y0} {} {} re\nW\nn\n{w} 0 0 -{h} 0 {h} cm\n/Im0 Do\nQ\n",
        m.join(" "),
        x1.saturating_sub(x0),
        y1.saturating_sub(y0),
    ));
    (pw, ph, ops)
}

fn num(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A PDF text string: UTF-16BE with a byte order mark, as a hex string.
fn text_string(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

use sohoa_archive::time_format::{pdf_date, seconds as iso_date};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_pdf_syntax() {
        assert_eq!(num(595.2756), "595.2756");
        assert_eq!(num(612.0), "612");
        assert_eq!(text_string("Đ"), "<FEFF0110>");
        let t = time::macros::datetime!(2026-11-23 14:05:09 +07:00);
        assert_eq!(pdf_date(t), "D:20261123140509+07'00'");
        assert_eq!(iso_date(t), "2026-11-23T14:05:09+07:00");
    }
}
