//! Reading a bundle sohoa wrote back, page by page: each page's image stream exactly as
//! stored and its geometry, so `sohoa ocr` can add a text layer to a new version of the
//! bundle with the page images copied byte for byte.

use lopdf::{Document, Object};
use sohoa_imaging::{Colour, DpiSource, Encoding, PreparedPage};

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(f) => Some(*f as f64),
        _ => None,
    }
}

/// A page's image stream (bytes as stored) and geometry, as sohoa wrote them; Err says
/// what is not as sohoa writes it.
pub fn stored_page(doc: &Document, page_id: lopdf::ObjectId) -> Result<PreparedPage, String> {
    let page = doc.get_dictionary(page_id).map_err(|e| e.to_string())?;
    let mb = page
        .get(b"MediaBox")
        .and_then(Object::as_array)
        .map_err(|e| format!("MediaBox: {e}"))?;
    let mb: Vec<f64> = mb.iter().filter_map(number).collect();
    if mb.len() != 4 {
        return Err("MediaBox is not 4 numbers".into());
    }
    let (w_pt, h_pt) = (mb[2] - mb[0], mb[3] - mb[1]);
    let rotate = page
        .get(b"Rotate")
        .ok()
        .and_then(number)
        .unwrap_or(0.0)
        .rem_euclid(360.0) as u16;
    let resources = page
        .get(b"Resources")
        .map_err(|e| format!("Resources: {e}"))?;
    let resources = doc
        .dereference(resources)
        .map_err(|e| e.to_string())?
        .1
        .as_dict()
        .map_err(|e| e.to_string())?;
    let xobjects = doc
        .dereference(
            resources
                .get(b"XObject")
                .map_err(|e| format!("XObject: {e}"))?,
        )
        .map_err(|e| e.to_string())?
        .1
        .as_dict()
        .map_err(|e| e.to_string())?;
    let image = xobjects.get(b"Im0").map_err(|e| format!("Im0: {e}"))?;
    let stream = doc
        .dereference(image)
        .map_err(|e| e.to_string())?
        .1
        .as_stream()
        .map_err(|e| e.to_string())?;
    let d = &stream.dict;
    let int = |k: &[u8]| {
        d.get(k)
            .ok()
            .and_then(number)
            .map(|v| v as u32)
            .ok_or_else(|| format!("image has no /{}", String::from_utf8_lossy(k)))
    };
    let (width, height) = (int(b"Width")?, int(b"Height")?);
    let name = |k: &[u8]| {
        d.get(k)
            .and_then(Object::as_name)
            .map(|n| n.to_vec())
            .unwrap_or_default()
    };
    let bits = int(b"BitsPerComponent").unwrap_or(8);
    let encoding = match name(b"Filter").as_slice() {
        b"DCTDecode" => Encoding::Dct,
        b"FlateDecode" => Encoding::Flate,
        b"CCITTFaxDecode" => Encoding::CcittG4,
        other => {
            return Err(format!(
                "unexpected image filter {}",
                String::from_utf8_lossy(other)
            ))
        }
    };
    let colour = match (name(b"ColorSpace").as_slice(), bits) {
        (b"DeviceRGB", _) => Colour::Rgb,
        (_, 1) => Colour::Bilevel,
        _ => Colour::Gray,
    };
    if width == 0 || height == 0 || w_pt <= 0.0 || h_pt <= 0.0 {
        return Err("empty image or page".into());
    }
    Ok(PreparedPage {
        frame: 0,
        width,
        height,
        dpi_x: width as f64 * 72.0 / w_pt,
        dpi_y: height as f64 * 72.0 / h_pt,
        dpi_source: DpiSource::File,
        colour,
        encoding,
        conversions: Vec::new(),
        data: stream.content.clone(),
        warnings: Vec::new(),
        rotate,
        normalization: None,
        gray: None,
    })
}
