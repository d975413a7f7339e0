//! A PDF's `/JBIG2Decode` image, as office scanners write their "compact" scanned PDFs:
//! decoded with hayro-jbig2 (pure Rust), with the shared `/JBIG2Globals` segments, into 1-bit
//! samples and stored pixel-exact (the bundle keeps bilevel pages as G4). The JBIG2 page must
//! be the size the image declares; damaged data is `pdf.corrupt`, never a page filled with
//! white. Checked against jbig2dec and MuPDF (`mutool extract`): the same pixels. Part of
//! `decode::pdf_image`.

use super::pdf::{corrupt, get};
use super::pdf_colour::{decode_array, one_component, to_raster, Kind, Samples};
use super::pdf_image::Image;
use super::PageError;
use lopdf::{Dictionary, Document, Object};

/// Decoded rows as 1-bit samples, as the PDF filter delivers them: JBIG2's black pixels are
/// 0, white ones 1 (the DeviceGray reading of one bit).
struct Rows {
    width: u32,
    height: u32,
    row: Vec<u8>,
    x: u32,
    packed: Vec<u8>,
    count: u32,
}

impl Rows {
    fn pixel(&mut self, black: bool) {
        if self.x < self.width && !black {
            self.row[self.x as usize / 8] |= 0x80 >> (self.x % 8);
        }
        self.x += 1;
    }
}

impl hayro_jbig2::Decoder for Rows {
    fn push_pixel(&mut self, black: bool) {
        self.pixel(black);
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        for _ in 0..chunk_count.saturating_mul(8) {
            self.pixel(black);
        }
    }

    fn next_line(&mut self) {
        if self.count < self.height {
            self.packed.extend_from_slice(&self.row);
            self.count += 1;
        }
        self.row.fill(0);
        self.x = 0;
    }
}

fn damaged(why: &str) -> PageError {
    corrupt(
        &format!("dữ liệu ảnh JBIG2 hư hoặc bị cắt ngắn ({why})"),
        &format!("the JBIG2 image data is damaged or cut short ({why})"),
    )
}

/// Decodes a JBIG2 image of `width × height` as `kind` (a stencil, or a one-component space);
/// `limit` bounds the decompressed globals.
pub(super) fn jbig2<'d>(
    data: &[u8],
    parms: Option<&Dictionary>,
    (width, height): (u32, u32),
    kind: &Kind,
    doc: &Document,
    decode_o: Option<&Object>,
    limit: usize,
) -> Result<Image<'d>, PageError> {
    one_component(kind, "JBIG2")?;
    let globals = match parms {
        Some(p) => match get(doc, p, b"JBIG2Globals")? {
            Some(Object::Stream(s)) if s.filters().is_ok_and(|f| f.is_empty()) => {
                Some(s.content.clone())
            }
            Some(Object::Stream(s)) => Some(
                s.decompressed_content_with_limit(limit)
                    .map_err(|e| damaged(&format!("JBIG2Globals: {e}")))?,
            ),
            Some(_) => {
                return Err(corrupt(
                    "/JBIG2Globals không phải một luồng dữ liệu",
                    "/JBIG2Globals is not a stream",
                ))
            }
            None => None,
        },
        None => None,
    };
    let image = hayro_jbig2::Image::new_embedded(data, globals.as_deref())
        .map_err(|e| damaged(&e.to_string()))?;
    // Its page is the image the PDF declares (and the limits checked): nothing larger is
    // decoded. (hayro-jbig2 bounds each region at 65 535 pixels a side.)
    if image.width() != width || image.height() != height {
        return Err(corrupt(
            &format!(
                "ảnh khai báo {width}x{height} điểm nhưng trang JBIG2 là {}x{}",
                image.width(),
                image.height()
            ),
            &format!(
                "the image declares {width}x{height} but its JBIG2 page is {}x{}",
                image.width(),
                image.height()
            ),
        ));
    }
    let row_bytes = (width as usize).div_ceil(8);
    let mut rows = Rows {
        width,
        height,
        row: vec![0; row_bytes],
        x: 0,
        packed: Vec::with_capacity(row_bytes * height as usize),
        count: 0,
    };
    image
        .decode(&mut rows)
        .map_err(|e| damaged(&e.to_string()))?;
    if rows.count < height {
        return Err(damaged(&format!("{} of {height} rows", rows.count)));
    }
    let samples = Samples {
        data: &rows.packed,
        width,
        height,
        bpc: 1,
    };
    let decode = decode_array(doc, decode_o, kind, 1);
    Ok(Image {
        raster: to_raster(&samples, kind, &decode, None),
        jpeg: None,
        g4: None,
        lossy: false,
        chroma_subsampled: false,
    })
}
