//! Reading a bundle sohoa wrote back, page by page: each page's image stream exactly as
//! stored and its geometry, so `sohoa ocr` can add a text layer to a new version of the
//! bundle with the page images copied byte for byte.

use lopdf::{Document, Object};
use sohoa_imaging::placement::Placement;
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
    let (mut dpi_x, mut dpi_y) = (width as f64 * 72.0 / w_pt, height as f64 * 72.0 / h_pt);
    let drawn = drawing(doc, page_id)?;
    let near = |a: &[f64; 6], b: [f64; 6]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-3);
    let (w, h) = (width as f64, height as f64);
    let placement = match drawn.cms.as_slice() {
        // The image over the whole page.
        [whole] if near(whole, [w_pt, 0.0, 0.0, h_pt, 0.0, 0.0]) => None,
        // Placed (cropped, turned): image pixels to the page, clipped, then the image.
        [to_page, unit] if near(unit, [w, 0.0, 0.0, -h, 0.0, h]) => {
            let [x0, y0, x1, y1] = drawn.clip.ok_or("a placed image without its clip")?;
            let px = |v: f64, max: u32| v.round().clamp(0.0, max as f64) as u32;
            let clip = [px(x0, width), px(y0, height), px(x1, width), px(y1, height)];
            let (mut pl, dx, dy) = Placement::from_pdf(*to_page, clip, (w_pt, h_pt))
                .ok_or("the image's matrix is degenerate")?;
            pl.fill = drawn.fill;
            (dpi_x, dpi_y) = (dx, dy);
            Some(pl)
        }
        _ => return Err("the image is not drawn as sohoa draws it".into()),
    };
    Ok(PreparedPage {
        frame: 0,
        width,
        height,
        dpi_x,
        dpi_y,
        dpi_source: DpiSource::File,
        colour,
        encoding,
        conversions: Vec::new(),
        data: stream.content.clone(),
        warnings: Vec::new(),
        rotate,
        placement,
        normalization: None,
        gray: None,
    })
}

/// How a page sohoa wrote draws its image: the `cm` operands before `/Im0 Do` (one: the
/// image over the whole page; two: image pixels to the page, then the unit square to the
/// pixels), the clip between them, and the paper colour painted under it, if any.
struct Drawing {
    cms: Vec<[f64; 6]>,
    clip: Option<[f64; 4]>,
    fill: Option<[u8; 3]>,
}

fn drawing(doc: &Document, page_id: lopdf::ObjectId) -> Result<Drawing, String> {
    let content = doc.get_page_content(page_id);
    let ops = lopdf::content::Content::decode(&content)
        .map_err(|e| format!("content: {e}"))?
        .operations;
    let mut d = Drawing {
        cms: Vec::new(),
        clip: None,
        fill: None,
    };
    let mut rect = None;
    let level = |v: f64| (v * 255.0).round().clamp(0.0, 255.0) as u8;
    for op in &ops {
        let nums: Vec<f64> = op.operands.iter().filter_map(number).collect();
        match (op.operator.as_str(), nums.as_slice()) {
            ("rg", &[r, g, b]) => d.fill = Some([level(r), level(g), level(b)]),
            ("g", &[y]) => d.fill = Some([level(y); 3]),
            ("cm", &[a, b, c, e, f, g]) => d.cms.push([a, b, c, e, f, g]),
            ("re", &[x, y, w, h]) => rect = Some([x, y, x + w, y + h]),
            ("W", _) => d.clip = rect,
            ("Do", _) => return Ok(d),
            _ => {}
        }
    }
    Err("the page draws no image".into())
}
