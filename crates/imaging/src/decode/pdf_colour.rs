//! A PDF image's samples to 8-bit pixels, as a viewer shows them: the colour space (Device,
//! Cal and ICC-based spaces by their number of components, Indexed palettes expanded, a gray
//! palette kept gray), `/Decode` (e.g. `[1 0]` inverts), `/ImageMask` stencils (painted black
//! on white), 1/2/4/8/16-bit samples. Part of `decode::pdf_image`.

use super::encode::{cmyk_to_rgb, to_8bit};
use super::pdf::{corrupt, deref, get, num, MAX_DEPTH};
use super::{Colour, PageError, Raster};
use lopdf::{Document, Object};

/// A colour space by what its samples mean.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Space {
    Gray,
    Rgb,
    Cmyk,
    /// Palette entries already in 8-bit Gray (`gray`) or RGB.
    Indexed {
        hival: u16,
        palette: Vec<u8>,
        gray: bool,
        from_cmyk: bool,
    },
}

impl Space {
    pub fn components(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }
}

pub(super) fn unsupported(vi: &str, en: &str) -> PageError {
    PageError::new(
        "pdf.unsupported_image",
        format!("Ảnh trong tệp PDF không đọc được: {vi}"),
        format!("The PDF's image cannot be read: {en}"),
    )
}

/// A 1-bit coded image (`format`: "fax CCITT", "JBIG2") must be a stencil or of one component.
pub(super) fn one_component(kind: &Kind, format: &str) -> Result<(), PageError> {
    match kind {
        Kind::Colour(space) if space.components() != 1 => Err(corrupt(
            &format!("ảnh {format} có không gian màu nhiều kênh"),
            &format!("a {format} image in a colour space of several components"),
        )),
        _ => Ok(()),
    }
}

/// The colour space an image names (directly or through a reference).
pub(super) fn space(doc: &Document, o: &Object, depth: usize) -> Result<Space, PageError> {
    if depth > MAX_DEPTH {
        return Err(corrupt(
            "không gian màu lồng quá sâu",
            "colour spaces nest too deep",
        ));
    }
    let o = deref(doc, o)?;
    let (family, rest): (&[u8], &[Object]) = match o {
        Object::Name(n) => (n, &[]),
        Object::Array(a) => match a.split_first() {
            Some((first, rest)) => (deref(doc, first)?.as_name().unwrap_or(b""), rest),
            None => (b"", &[]),
        },
        _ => (b"", &[]),
    };
    let shown = String::from_utf8_lossy(family).into_owned();
    match family {
        b"DeviceGray" | b"G" | b"CalGray" => Ok(Space::Gray),
        b"DeviceRGB" | b"RGB" | b"CalRGB" => Ok(Space::Rgb),
        b"DeviceCMYK" | b"CMYK" => Ok(Space::Cmyk),
        b"ICCBased" => {
            let Some(Object::Stream(icc)) = rest.first().map(|o| deref(doc, o)).transpose()? else {
                return Err(corrupt(
                    "không gian màu ICCBased thiếu hồ sơ ICC",
                    "an ICCBased colour space has no ICC profile",
                ));
            };
            match get(doc, &icc.dict, b"N")?.and_then(|n| n.as_i64().ok()) {
                Some(1) => Ok(Space::Gray),
                Some(3) => Ok(Space::Rgb),
                Some(4) => Ok(Space::Cmyk),
                _ => match get(doc, &icc.dict, b"Alternate")? {
                    Some(alt) => space(doc, alt, depth + 1),
                    None => Err(unsupported(
                        "hồ sơ ICC có số kênh màu lạ",
                        "an ICC profile with an unusual number of components",
                    )),
                },
            }
        }
        b"Indexed" | b"I" => indexed(doc, rest, depth),
        _ => Err(unsupported(
            &format!("không gian màu /{shown} chưa được hỗ trợ"),
            &format!("colour space /{shown} is not supported"),
        )),
    }
}

/// `[/Indexed base hival lookup]`: the palette in 8-bit Gray or RGB.
fn indexed(doc: &Document, rest: &[Object], depth: usize) -> Result<Space, PageError> {
    let bad = || {
        corrupt(
            "bảng màu (Indexed) hỏng",
            "a damaged palette (Indexed colour space)",
        )
    };
    let [base, hival, lookup] = rest else {
        return Err(bad());
    };
    let base = space(doc, base, depth + 1)?;
    let hival = deref(doc, hival)?
        .as_i64()
        .ok()
        .filter(|h| (0..=255).contains(h))
        .ok_or_else(bad)? as u16;
    let table: Vec<u8> = match deref(doc, lookup)? {
        Object::String(s, _) => s.clone(),
        Object::Stream(s) => s.decompressed_content_with_limit(4096).map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    let n = base.components();
    let entries = usize::from(hival) + 1;
    if table.len() < entries * n || matches!(base, Space::Indexed { .. }) {
        return Err(bad());
    }
    let from_cmyk = base == Space::Cmyk;
    let rgb: Vec<u8> = table[..entries * n]
        .chunks_exact(n)
        .flat_map(|e| match n {
            1 => [e[0]; 3],
            3 => [e[0], e[1], e[2]],
            _ => cmyk_to_rgb(e),
        })
        .collect();
    let gray = rgb.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2]);
    let palette = if gray {
        rgb.chunks_exact(3).map(|p| p[0]).collect()
    } else {
        rgb
    };
    Ok(Space::Indexed {
        hival,
        palette,
        gray,
        from_cmyk,
    })
}

/// Packed samples as a PDF image holds them: rows of `width × components` samples of `bpc`
/// bits, each row starting on a byte.
pub(super) struct Samples<'a> {
    pub data: &'a [u8],
    pub width: u32,
    pub height: u32,
    pub bpc: u8,
}

impl Samples<'_> {
    pub fn row_bytes(&self, components: usize) -> usize {
        (self.width as usize * components * usize::from(self.bpc)).div_ceil(8)
    }

    /// Sample `i` of a row.
    fn at(&self, row: &[u8], i: usize) -> u16 {
        match self.bpc {
            8 => u16::from(row[i]),
            16 => u16::from_be_bytes([row[2 * i], row[2 * i + 1]]),
            b => {
                let bit = i * usize::from(b);
                let shift = 8 - usize::from(b) - bit % 8;
                (u16::from(row[bit / 8]) >> shift) & ((1 << b) - 1)
            }
        }
    }
}

/// How the image is to be read: a stencil mask, or samples in a colour space.
pub(super) enum Kind<'s> {
    Mask,
    Colour(&'s Space),
}

/// The `/Decode` array for `components`, or the default; a wrong-sized array is ignored (as
/// viewers do).
pub(super) fn decode_array(
    doc: &Document,
    o: Option<&Object>,
    kind: &Kind,
    bpc: u8,
) -> Vec<(f64, f64)> {
    let n = match kind {
        Kind::Mask => 1,
        Kind::Colour(s) => s.components(),
    };
    let default = match kind {
        Kind::Colour(Space::Indexed { .. }) => (0.0, f64::from((1u32 << bpc) - 1)),
        _ => (0.0, 1.0),
    };
    let given: Vec<f64> = match o {
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|x| deref(doc, x).ok().and_then(num))
            .collect(),
        _ => Vec::new(),
    };
    if given.len() == 2 * n {
        given.chunks_exact(2).map(|d| (d[0], d[1])).collect()
    } else {
        vec![default; n]
    }
}

/// For each component, its samples' values as 8-bit levels (or palette indices), by `/Decode`:
/// `Dmin + v × (Dmax − Dmin) / (2^bpc − 1)`. 16-bit samples are mapped one by one instead.
fn tables(decode: &[(f64, f64)], bpc: u8, indexed: bool) -> Vec<Vec<u16>> {
    if bpc > 8 {
        return Vec::new();
    }
    let max = f64::from((1u32 << bpc) - 1);
    decode
        .iter()
        .map(|&(lo, hi)| {
            (0..=max as u32)
                .map(|v| {
                    let x = lo + f64::from(v) * (hi - lo) / max;
                    if indexed {
                        x.round().max(0.0) as u16
                    } else {
                        (x.clamp(0.0, 1.0) * 255.0).round() as u16
                    }
                })
                .collect()
        })
        .collect()
}

/// One 16-bit sample as an 8-bit level: the default `/Decode` by the documented rounding
/// `(v + 128) / 257`, any other by the formula above.
fn level16(v: u16, (lo, hi): (f64, f64)) -> u16 {
    if (lo, hi) == (0.0, 1.0) {
        u16::from(to_8bit(v))
    } else {
        let x = lo + f64::from(v) * (hi - lo) / 65535.0;
        (x.clamp(0.0, 1.0) * 255.0).round() as u16
    }
}

/// A colour key (`/Mask [min max ...]`): pixels whose samples all lie in the ranges are not
/// painted (shown as the white paper).
pub(super) type ColourKey = Vec<(u16, u16)>;

/// The samples as an 8-bit Gray or RGB raster. `Err` when the data is shorter than declared.
pub(super) fn to_raster(
    s: &Samples,
    kind: &Kind,
    decode: &[(f64, f64)],
    key: Option<&ColourKey>,
) -> Raster {
    let n = match kind {
        Kind::Mask => 1,
        Kind::Colour(space) => space.components(),
    };
    let indexed = matches!(kind, Kind::Colour(Space::Indexed { .. }));
    let luts = tables(decode, s.bpc, indexed);
    let level = |c: usize, v: u16| -> u16 {
        match luts.get(c) {
            Some(t) => t[usize::from(v)],
            None => level16(v, decode[c]),
        }
    };
    let out_gray = match kind {
        Kind::Mask | Kind::Colour(Space::Gray) => true,
        Kind::Colour(Space::Indexed { gray, .. }) => *gray,
        _ => false,
    };
    let out_n = if out_gray { 1 } else { 3 };
    let (w, h) = (s.width as usize, s.height as usize);
    let stride = s.row_bytes(n);
    let mut pixels = Vec::with_capacity(w * h * out_n);
    let mut raw = [0u16; 4];
    let mut keyed = false;
    for y in 0..h {
        let row = &s.data[y * stride..(y + 1) * stride];
        for x in 0..w {
            for (c, r) in raw.iter_mut().enumerate().take(n) {
                *r = s.at(row, x * n + c);
            }
            if let Some(key) = key {
                if key
                    .iter()
                    .zip(&raw[..n])
                    .all(|((lo, hi), v)| lo <= v && v <= hi)
                {
                    keyed = true;
                    pixels.extend(std::iter::repeat_n(255, out_n));
                    continue;
                }
            }
            match kind {
                // A stencil paints where the decoded sample is 0, in black.
                Kind::Mask => pixels.push(if level(0, raw[0]) == 0 { 0 } else { 255 }),
                Kind::Colour(Space::Gray) => pixels.push(level(0, raw[0]) as u8),
                Kind::Colour(Space::Rgb) => {
                    pixels.extend((0..3).map(|c| level(c, raw[c]) as u8));
                }
                Kind::Colour(Space::Cmyk) => {
                    let cmyk: Vec<u8> = (0..4).map(|c| level(c, raw[c]) as u8).collect();
                    pixels.extend(cmyk_to_rgb(&cmyk));
                }
                Kind::Colour(Space::Indexed { hival, palette, .. }) => {
                    let i = usize::from(level(0, raw[0]).min(*hival));
                    pixels.extend_from_slice(&palette[i * out_n..(i + 1) * out_n]);
                }
            }
        }
    }
    let mut conversions = Vec::new();
    if s.bpc == 16 {
        conversions.push("16-to-8-bit");
    }
    match kind {
        Kind::Colour(Space::Cmyk) => conversions.push("cmyk-to-rgb"),
        // A palette of grays gives the gray levels themselves: nothing to record.
        Kind::Colour(Space::Indexed {
            from_cmyk, gray, ..
        }) => {
            if !*gray {
                conversions.push("palette-expanded");
            }
            if *from_cmyk {
                conversions.push("cmyk-to-rgb");
            }
        }
        _ => {}
    }
    if keyed {
        conversions.push("alpha-flattened");
    }
    let colour = if out_gray { Colour::Gray } else { Colour::Rgb };
    let source_bilevel = s.bpc == 1 && out_gray && crate::encode::only_black_and_white(&pixels);
    Raster {
        width: s.width,
        height: s.height,
        colour,
        pixels,
        conversions,
        source_bilevel,
    }
}

/// Shows an image over white through its soft mask or stencil (`alpha`, one 8-bit level per
/// pixel of a mask `mw × mh`, scaled to the image by nearest neighbour). Nothing changes where
/// the mask is opaque throughout.
pub(super) fn over_white(r: &mut Raster, alpha: &[u8], (mw, mh): (u32, u32)) {
    if alpha.iter().all(|&a| a == 255) {
        return;
    }
    let n = r.colour.components() as usize;
    let (w, h) = (r.width as usize, r.height as usize);
    let (mw, mh) = (mw as usize, mh as usize);
    for y in 0..h {
        let my = y * mh / h;
        for x in 0..w {
            let a = alpha[my * mw + x * mw / w];
            for c in 0..n {
                let p = &mut r.pixels[(y * w + x) * n + c];
                *p = super::encode::over_white(*p, a);
            }
        }
    }
    r.conversions.push("alpha-flattened");
    r.source_bilevel = false;
}
