//! A scanned PDF page's image XObject decoded: `/DCTDecode` checked and decoded like a JPEG
//! file and kept byte for byte, `/CCITTFaxDecode` Group 4 decoded with `fax` and kept byte for
//! byte when it reads as sohoa writes G4, Flate (with or without predictors), LZW, RunLength
//! and uncompressed samples pixel-exact, soft masks shown over white. The declared size is
//! checked against the limits before anything is decoded, and no stream may decompress to more
//! than the page's pixel limit allows. JBIG2 and JPX (JPEG 2000) are decoded by `pdf_jbig2`
//! and `pdf_jpx`, pixel-exact.

use super::jpeg;
use super::limits::{check_pixels, incomplete};
use super::pdf::{corrupt, get, image_bytes_limit, num};
use super::pdf_colour::{
    decode_array, over_white, space, to_raster, unsupported, ColourKey, Kind, Samples, Space,
};
use super::{PageError, Raster};
use lopdf::{Dictionary, Document, Object, Stream};
use sohoa_archive::limits::Limits;
use std::borrow::Cow;

/// A decoded image and the source data that may be embedded unchanged.
pub(super) struct Image<'d> {
    pub raster: Raster,
    pub jpeg: Option<Cow<'d, [u8]>>,
    pub g4: Option<Cow<'d, [u8]>>,
    pub lossy: bool,
    pub chroma_subsampled: bool,
}

/// The image's declared width and height (positive integers), before anything is decoded.
pub(super) fn size(doc: &Document, image: &Stream) -> Result<(u32, u32), PageError> {
    let dim = |key: &[u8]| -> Result<u32, PageError> {
        get(doc, &image.dict, key)?
            .and_then(|v| v.as_i64().ok())
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v > 0)
            .ok_or_else(|| {
                let k = String::from_utf8_lossy(key);
                corrupt(
                    &format!("ảnh thiếu hoặc sai /{k}"),
                    &format!("an image with a missing or wrong /{k}"),
                )
            })
    };
    Ok((dim(b"Width")?, dim(b"Height")?))
}

/// A filter's name and its `/DecodeParms`.
type Filter<'d> = (&'d [u8], Option<&'d Dictionary>);

/// The filters of a stream in decoding order, and the parameters of each.
fn filters<'d>(doc: &'d Document, s: &'d Stream) -> Result<Vec<Filter<'d>>, PageError> {
    let names: Vec<&[u8]> = match get(doc, &s.dict, b"Filter")? {
        None => Vec::new(),
        Some(Object::Name(n)) => vec![n.as_slice()],
        Some(Object::Array(a)) => a
            .iter()
            .map(|f| super::pdf::deref(doc, f).map(|f| f.as_name().unwrap_or(b"?")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(corrupt("/Filter sai kiểu", "a /Filter of the wrong type")),
    };
    let parms = get(doc, &s.dict, b"DecodeParms")?;
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let p = match parms {
                Some(Object::Dictionary(d)) => Some(d),
                Some(Object::Array(a)) => match a.get(i).map(|p| super::pdf::deref(doc, p)) {
                    Some(Ok(Object::Dictionary(d))) => Some(d),
                    _ => None,
                },
                _ => None,
            };
            Ok((name, p))
        })
        .collect()
}

const IMAGE_FILTERS: &[&[u8]] = &[
    b"DCTDecode",
    b"CCITTFaxDecode",
    b"JPXDecode",
    b"JBIG2Decode",
];

/// The stream's data once its leading (general-purpose) filters are undone, within `limit`
/// bytes: a bomb is refused as soon as it passes the limit, never allocated whole.
fn undo_filters<'d>(
    s: &'d Stream,
    leading: usize,
    all: usize,
    limit: usize,
) -> Result<Cow<'d, [u8]>, PageError> {
    if leading == 0 {
        return Ok(Cow::Borrowed(&s.content));
    }
    let part;
    let stream = if leading == all {
        s
    } else {
        // Only the general-purpose filters in front of the image filter.
        let mut dict = s.dict.clone();
        if let Ok(Object::Array(f)) = dict.get(b"Filter") {
            let f = f[..leading].to_vec();
            dict.set("Filter", Object::Array(f));
        }
        if let Ok(Object::Array(p)) = dict.get(b"DecodeParms") {
            let p = p.iter().take(leading).cloned().collect::<Vec<_>>();
            dict.set("DecodeParms", Object::Array(p));
        }
        part = Stream::new(dict, s.content.clone());
        &part
    };
    match stream.decompressed_content_with_limit(limit) {
        Ok(d) => Ok(Cow::Owned(d)),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(PageError::new(
                "page.too_large",
                "Dữ liệu ảnh trong tệp PDF giải nén ra nhiều hơn kích thước ảnh khai báo cho phép (limits.max_page_pixels): bị từ chối",
                "The PDF's image data decompresses to more than its declared size allows (limits.max_page_pixels): refused",
            ))
        }
        Err(e) => Err(corrupt(
            &format!("dữ liệu ảnh không giải nén được ({e})"),
            &format!("the image data cannot be decompressed ({e})"),
        )),
    }
}

/// Decodes the image a scanned page draws.
pub(super) fn decode<'d>(
    doc: &'d Document,
    s: &'d Stream,
    limits: &Limits,
) -> Result<Image<'d>, PageError> {
    let (width, height) = size(doc, s)?;
    check_pixels("PDF", u64::from(width), u64::from(height), limits)?;
    let filters = filters(doc, s)?;
    let image_filter = filters.iter().position(|(f, _)| IMAGE_FILTERS.contains(f));
    if let Some(i) = image_filter.filter(|i| i + 1 != filters.len()) {
        let shown = String::from_utf8_lossy(filters[i].0);
        return Err(unsupported(
            &format!("bộ lọc /{shown} không ở cuối chuỗi bộ lọc"),
            &format!("filter /{shown} is not the last of its chain"),
        ));
    }
    let mask = matches!(
        get(doc, &s.dict, b"ImageMask")?,
        Some(Object::Boolean(true))
    );
    let colour_space = match get(doc, &s.dict, b"ColorSpace")? {
        _ if mask => None,
        Some(cs) => Some(space(doc, cs, 0)?),
        None => None,
    };
    // What the samples paint: a stencil, or colours of the named space.
    let kind = || match &colour_space {
        _ if mask => Ok(Kind::Mask),
        Some(cs) => Ok(Kind::Colour(cs)),
        None => Err(no_colour_space()),
    };
    let decode_o = get(doc, &s.dict, b"Decode")?;
    let (leading, image_filter) = match image_filter {
        Some(i) => (i, Some(filters[i])),
        None => (filters.len(), None),
    };
    let limit = image_bytes_limit(limits);
    let mut image = match image_filter {
        Some((b"DCTDecode", _)) => {
            let data = undo_filters(s, leading, filters.len(), limit)?;
            dct(data, colour_space.as_ref(), decode_o, mask, doc, limits)?
        }
        Some((b"CCITTFaxDecode", parms)) => {
            let data = undo_filters(s, leading, filters.len(), limit)?;
            let kind = kind()?;
            super::pdf_fax::ccitt(data, parms, (width, height), &kind, doc, decode_o)?
        }
        Some((b"JBIG2Decode", parms)) => {
            let data = undo_filters(s, leading, filters.len(), limit)?;
            let kind = kind()?;
            let size = (width, height);
            super::pdf_jbig2::jbig2(&data, parms, size, &kind, doc, decode_o, limit)?
        }
        Some((b"JPXDecode", _)) if !mask => {
            let data = undo_filters(s, leading, filters.len(), limit)?;
            super::pdf_jpx::jpx(&data, (width, height), colour_space.as_ref())?
        }
        Some((other, _)) => {
            let shown = String::from_utf8_lossy(other);
            return Err(unsupported(
                &format!("ảnh nén /{shown} chưa được hỗ trợ; hãy quét lại hoặc xuất ảnh JPEG, TIFF"),
                &format!("/{shown} images are not supported; rescan, or export the pages as JPEG or TIFF"),
            ));
        }
        None => {
            let kind = kind()?;
            let bpc = bits(doc, s, mask)?;
            let n = match &kind {
                Kind::Mask => 1,
                Kind::Colour(cs) => cs.components(),
            };
            let raw = Samples {
                data: &[],
                width,
                height,
                bpc,
            };
            let need = raw.row_bytes(n) * height as usize;
            // Room for PNG predictor bytes (one a row) and a little padding, nothing more.
            let bound = need + height as usize + 4096;
            let data = undo_filters(s, leading, filters.len(), bound)?;
            if data.len() < need {
                return Err(incomplete(
                    "PDF",
                    &format!("{} byte, ảnh {width}x{height} cần {need} byte", data.len()),
                    &format!(
                        "{} bytes, a {width}x{height} image needs {need}",
                        data.len()
                    ),
                ));
            }
            let samples = Samples { data: &data, ..raw };
            let decode = decode_array(doc, decode_o, &kind, bpc);
            let key = colour_key(doc, s, bpc)?;
            Image {
                raster: to_raster(&samples, &kind, &decode, key.as_ref()),
                jpeg: None,
                g4: None,
                lossy: false,
                chroma_subsampled: false,
            }
        }
    };
    if let Some(alpha) = soft_mask(doc, s, limits)? {
        over_white(&mut image.raster, &alpha.levels, alpha.size);
        image.jpeg = None;
        image.g4 = None;
    }
    Ok(image)
}

fn no_colour_space() -> PageError {
    corrupt(
        "ảnh không khai báo không gian màu",
        "an image without a colour space",
    )
}

/// `/BitsPerComponent`: 1, 2, 4, 8 or 16 (1 for a stencil mask).
fn bits(doc: &Document, s: &Stream, mask: bool) -> Result<u8, PageError> {
    let bpc = get(doc, &s.dict, b"BitsPerComponent")?.and_then(|b| b.as_i64().ok());
    match (bpc, mask) {
        (None | Some(1), true) => Ok(1),
        (Some(b @ (1 | 2 | 4 | 8 | 16)), false) => Ok(b as u8),
        (b, _) => Err(corrupt(
            &format!("số bit mỗi mẫu không hợp lệ ({b:?})"),
            &format!("invalid /BitsPerComponent ({b:?})"),
        )),
    }
}

/// A `/DCTDecode` image: a JPEG, kept byte for byte when its colour space, `/Decode` and
/// mask leave its pixels as they are.
fn dct<'d>(
    data: Cow<'d, [u8]>,
    space: Option<&Space>,
    decode_o: Option<&Object>,
    mask: bool,
    doc: &Document,
    limits: &Limits,
) -> Result<Image<'d>, PageError> {
    if mask {
        return Err(unsupported(
            "mặt nạ nén JPEG",
            "a JPEG-compressed stencil mask",
        ));
    }
    let page = jpeg::decode_page(&data, limits)?;
    let n = usize::from(page.info.components);
    let expected = space.map(Space::components);
    if matches!(space, Some(Space::Indexed { .. })) || expected.is_some_and(|e| e != n) {
        return Err(corrupt(
            &format!("ảnh JPEG có {n} kênh màu, không khớp không gian màu khai báo"),
            &format!("a JPEG with {n} components does not match its declared colour space"),
        ));
    }
    let kind_space = match n {
        1 => Space::Gray,
        3 => Space::Rgb,
        _ => Space::Cmyk,
    };
    let decode = decode_array(doc, decode_o, &Kind::Colour(&kind_space), 8);
    let default = decode.iter().all(|d| *d == (0.0, 1.0));
    let map = |v: u8, (lo, hi): (f64, f64)| {
        let x = lo + f64::from(v) * (hi - lo) / 255.0;
        (x.clamp(0.0, 1.0) * 255.0).round() as u8
    };
    let mut raster = page.raster;
    if n == 4 {
        // The JPEG's own CMYK values, mapped by /Decode (Adobe's inverted CMYK comes with
        // [1 0 1 0 1 0 1 0]), then to RGB by the documented formula.
        match jpeg::decode(&data, zune_core::colorspace::ColorSpace::CMYK) {
            Ok(raw) if raw.pixels.len() == raster.pixels.len() / 3 * 4 => {
                raster.pixels = raw
                    .pixels
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let cmyk: Vec<u8> = (0..4).map(|c| map(p[c], decode[c])).collect();
                        super::encode::cmyk_to_rgb(&cmyk)
                    })
                    .collect();
            }
            // YCCK: zune-jpeg's own conversion assumes Adobe's inverted values.
            _ if decode.iter().all(|d| *d == (1.0, 0.0)) => {}
            _ => {
                return Err(unsupported(
                    "ảnh JPEG YCCK không theo quy ước Adobe",
                    "a YCCK JPEG not in Adobe's convention",
                ))
            }
        }
    } else if !default {
        // Decoded pixels mapped as a viewer maps them (e.g. [1 0] inverts).
        for (i, p) in raster.pixels.iter_mut().enumerate() {
            *p = map(*p, decode[i % n]);
        }
    }
    let info = page.info;
    let keep = page.passthrough && default;
    Ok(Image {
        raster,
        jpeg: keep.then_some(data),
        g4: None,
        lossy: true,
        chroma_subsampled: info.components == 3 && info.luma_sampling != (1, 1),
    })
}

/// `/Mask [min max ...]`: a colour key on the raw samples.
fn colour_key(doc: &Document, s: &Stream, bpc: u8) -> Result<Option<ColourKey>, PageError> {
    let Some(Object::Array(a)) = get(doc, &s.dict, b"Mask")? else {
        return Ok(None);
    };
    let max = (1u32 << bpc) - 1;
    let v: Vec<u16> = a
        .iter()
        .filter_map(|x| super::pdf::deref(doc, x).ok().and_then(num))
        .map(|x| x.clamp(0.0, f64::from(max)) as u16)
        .collect();
    Ok(Some(v.chunks_exact(2).map(|r| (r[0], r[1])).collect()))
}

/// Alpha levels, one a pixel of a `size` grid.
struct Alpha {
    levels: Vec<u8>,
    size: (u32, u32),
}

/// The image's soft mask (`/SMask`, 8-bit levels) or stencil mask (`/Mask` stream, painted
/// where 0), as alpha levels.
fn soft_mask(doc: &Document, s: &Stream, limits: &Limits) -> Result<Option<Alpha>, PageError> {
    let (m, stencil) = match (get(doc, &s.dict, b"SMask")?, get(doc, &s.dict, b"Mask")?) {
        (Some(Object::Stream(m)), _) => (m, false),
        (_, Some(Object::Stream(m))) => (m, true),
        _ => return Ok(None),
    };
    if m.dict.has(b"SMask") || m.dict.has(b"Mask") {
        return Err(unsupported(
            "mặt nạ có mặt nạ riêng",
            "a mask that has a mask of its own",
        ));
    }
    let mut gray = m.clone();
    if !stencil {
        gray.dict
            .set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
    }
    gray.dict.set("ImageMask", Object::Boolean(stencil));
    let alpha = decode(doc, &gray, limits).map_err(|e| PageError {
        code: e.code,
        page: e.page,
        vi: format!("Mặt nạ của ảnh: {}", e.vi),
        en: format!("The image's mask: {}", e.en),
    })?;
    let r = alpha.raster;
    // A stencil's painted (black, 0) pixels show the image; a soft mask's levels are alpha.
    let levels = if stencil {
        r.pixels.iter().map(|&p| 255 - p).collect()
    } else {
        r.pixels
    };
    Ok(Some(Alpha {
        levels,
        size: (r.width, r.height),
    }))
}
