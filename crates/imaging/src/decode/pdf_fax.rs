//! A PDF's `/CCITTFaxDecode` image: Group 4 (`/K` < 0) decoded with `fax` and kept byte for
//! byte when it reads exactly as sohoa's bundle declares G4 (`/BlackIs1 false`, no byte
//! alignment, black drawn black); Group 3 one-dimensional (`/K 0`, with end-of-line codes)
//! decoded; anything else `pdf.unsupported_image`. Part of `decode::pdf_image`.

use super::pdf::{corrupt, get};
use super::pdf_colour::{
    decode_array, one_component, to_raster, unsupported, Kind, Samples, Space,
};
use super::pdf_image::Image;
use super::PageError;
use fax::decoder::{pels, DecodeStatus, Group3Decoder};
use fax::Color;
use lopdf::{Dictionary, Document, Object};
use std::borrow::Cow;
use std::convert::Infallible;

/// The `/DecodeParms` of a CCITT image, with PDF's defaults.
struct Params {
    k: i64,
    byte_align: bool,
    columns: i64,
    end_of_block: bool,
    black_is_1: bool,
}

fn params(doc: &Document, p: Option<&Dictionary>) -> Result<Params, PageError> {
    let int = |key: &[u8], default: i64| -> Result<i64, PageError> {
        Ok(match p {
            Some(p) => get(doc, p, key)?
                .and_then(|v| v.as_i64().ok())
                .unwrap_or(default),
            None => default,
        })
    };
    let flag = |key: &[u8], default: bool| -> Result<bool, PageError> {
        Ok(match p {
            Some(p) => match get(doc, p, key)? {
                Some(Object::Boolean(b)) => *b,
                _ => default,
            },
            None => default,
        })
    };
    Ok(Params {
        k: int(b"K", 0)?,
        byte_align: flag(b"EncodedByteAlign", false)?,
        columns: int(b"Columns", 1728)?,
        end_of_block: flag(b"EndOfBlock", true)?,
        black_is_1: flag(b"BlackIs1", false)?,
    })
}

fn damaged() -> PageError {
    corrupt(
        "dữ liệu fax CCITT hư hoặc bị cắt ngắn",
        "the CCITT fax data is damaged or cut short",
    )
}

/// Decoded rows as 1-bit samples: a black pel is 1 with `/BlackIs1 true`, else 0.
struct Rows {
    width: u32,
    height: u32,
    black_is_1: bool,
    packed: Vec<u8>,
    count: u32,
}

impl Rows {
    fn push(&mut self, transitions: &[u32]) {
        if self.count >= self.height {
            return;
        }
        let mut row = vec![0u8; (self.width as usize).div_ceil(8)];
        for (x, c) in pels(transitions, self.width).enumerate() {
            if (c == Color::Black) == self.black_is_1 {
                row[x / 8] |= 0x80 >> (x % 8);
            }
        }
        self.packed.extend_from_slice(&row);
        self.count += 1;
    }
}

/// Decodes a CCITT image of `width × height` as `kind` (a stencil, or a one-component space).
pub(super) fn ccitt<'d>(
    data: Cow<'d, [u8]>,
    parms: Option<&Dictionary>,
    (width, height): (u32, u32),
    kind: &Kind,
    doc: &Document,
    decode_o: Option<&Object>,
) -> Result<Image<'d>, PageError> {
    let p = params(doc, parms)?;
    one_component(kind, "fax CCITT")?;
    if p.columns != i64::from(width) {
        return Err(corrupt(
            &format!(
                "ảnh rộng {width} điểm nhưng dữ liệu fax khai báo {} cột",
                p.columns
            ),
            &format!(
                "the image is {width} wide but its fax data declares {} columns",
                p.columns
            ),
        ));
    }
    let mut rows = Rows {
        width,
        height,
        black_is_1: p.black_is_1,
        packed: Vec::with_capacity((width as usize).div_ceil(8) * height as usize),
        count: 0,
    };
    match p.k {
        k if k < 0 => {
            if p.byte_align {
                return Err(unsupported(
                    "fax Group 4 căn theo byte (EncodedByteAlign) chưa được hỗ trợ",
                    "byte-aligned Group 4 fax (EncodedByteAlign) is not supported",
                ));
            }
            fax::decoder::decode_g4(data.iter().copied(), width, Some(height), |t| rows.push(t))
                .ok_or_else(damaged)?;
        }
        0 => {
            let bytes = data.iter().map(|&b| Ok::<u8, Infallible>(b));
            let Ok(mut g3) = Group3Decoder::new(bytes) else {
                return Err(unsupported(
                    "fax Group 3 không có mã cuối dòng (EOL): hãy chuyển sang Group 4",
                    "Group 3 fax without end-of-line codes: convert it to Group 4",
                ));
            };
            while rows.count < height {
                match g3.advance() {
                    Ok(status) => {
                        rows.push(g3.transitions());
                        if status == DecodeStatus::End {
                            break;
                        }
                    }
                    Err(_) => return Err(damaged()),
                }
            }
        }
        _ => {
            return Err(unsupported(
                "fax Group 3 hai chiều (K > 0) chưa được hỗ trợ: hãy chuyển sang Group 4",
                "two-dimensional Group 3 fax (K > 0) is not supported: convert it to Group 4",
            ))
        }
    }
    if rows.count < height {
        return Err(damaged());
    }
    let samples = Samples {
        data: &rows.packed,
        width,
        height,
        bpc: 1,
    };
    let decode = decode_array(doc, decode_o, kind, 1);
    let raster = to_raster(&samples, kind, &decode, None);
    // Kept as it is when it reads as the bundle declares G4: black pels shown black.
    let inverted = match decode[0] {
        (lo, hi) if (lo, hi) == (0.0, 1.0) => Some(false),
        (lo, hi) if (lo, hi) == (1.0, 0.0) => Some(true),
        _ => None,
    };
    let gray = matches!(kind, Kind::Mask | Kind::Colour(Space::Gray));
    let keep = p.k < 0
        && p.end_of_block
        && gray
        && inverted == Some(p.black_is_1)
        && raster.source_bilevel;
    Ok(Image {
        raster,
        jpeg: None,
        g4: keep.then_some(data),
        lossy: false,
        chroma_subsampled: false,
    })
}
