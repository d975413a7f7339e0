//! What a PDF page draws, read from its content streams (and the forms they call): a scan
//! draws exactly one image and nothing else visible. A white fill under the image, clipping,
//! graphics-state and marked-content operators and an invisible text layer (render mode 3, a
//! scanner's OCR; mode 7 after the image) are allowed; visible text, strokes, other fills, shadings, inline images or
//! a second image make the page one that is not a scan. Part of `decode::pdf`.

use super::pdf::{corrupt, deref, get, num, CONTENT_LIMIT, MAX_DEPTH};
use super::PageError;
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream};

/// A PDF matrix [a b c d e f]: (x, y) -> (a x + c y + e, b x + d y + f).
pub(super) type Matrix = [f64; 6];
pub(super) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` applied first, then `n` (`cm` makes the CTM `m × CTM`).
fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Why a page is not a scan (named in warning `pdf.page_not_scanned`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotScan {
    Text,
    Vector,
    SeveralImages,
    NoImage,
    InlineImage,
    Tilted,
    Mirrored,
    TooLarge,
}

impl NotScan {
    /// Why, in Vietnamese and English.
    pub(super) fn describe(self) -> (&'static str, &'static str) {
        match self {
            NotScan::Text => ("trang có chữ số", "it has text"),
            NotScan::Vector => ("trang có hình vẽ số", "it draws vector graphics"),
            NotScan::SeveralImages => {
                ("trang vẽ từ hai ảnh trở lên", "it draws two or more images")
            }
            NotScan::NoImage => ("trang không có ảnh quét", "it draws no image"),
            NotScan::InlineImage => (
                "ảnh nhúng trực tiếp trong nội dung trang",
                "it draws an inline image",
            ),
            NotScan::Tilted => ("ảnh được vẽ nghiêng", "its image is drawn at an angle"),
            NotScan::Mirrored => ("ảnh được vẽ lật gương", "its image is drawn mirrored"),
            NotScan::TooLarge => (
                "nội dung trang quá lớn để là một bản quét",
                "its content is too large for a scan",
            ),
        }
    }
}

/// The one image a scanned page draws.
pub(super) struct Drawn<'d> {
    pub image: &'d Stream,
    /// The matrix it is drawn with: maps the image's unit square onto the page.
    pub ctm: Matrix,
}

/// What a scanned page draws.
pub(super) struct Draws<'d> {
    pub image: Drawn<'d>,
    /// Invisible text (render mode 3) is drawn over it: an OCR layer.
    pub text_layer: bool,
}

/// A content stream decoded within `limit` bytes: `None` when it is larger (too large for a
/// scan's content); a damaged stream is `pdf.corrupt`.
pub(super) fn decoded(stream: &Stream, limit: usize) -> Result<Option<Vec<u8>>, PageError> {
    match stream.decompressed_content_with_limit(limit) {
        Ok(data) => Ok(Some(data)),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Ok(None)
        }
        Err(e) => Err(corrupt(
            &format!("không giải nén được nội dung trang ({e})"),
            &format!("the page content cannot be decompressed ({e})"),
        )),
    }
}

/// Walks a page's content: `Ok(Ok(draws))` for a scan, `Ok(Err(why))` for a page that is not
/// one, `Err` for a damaged file (content that cannot be parsed, an XObject that is missing).
pub(super) fn walk<'d>(
    doc: &'d Document,
    content: &[u8],
    resources: Option<&'d Dictionary>,
) -> Result<Result<Draws<'d>, NotScan>, PageError> {
    let mut w = Walker {
        doc,
        image: None,
        text_layer: false,
        state: State::default(),
        stack: Vec::new(),
    };
    let verdict = w.run(content, resources, 0)?;
    Ok(match (verdict, w.image) {
        (Some(why), _) => Err(why),
        (None, None) => Err(NotScan::NoImage),
        (None, Some(image)) => Ok(Draws {
            image,
            text_layer: w.text_layer,
        }),
    })
}

#[derive(Clone, Copy)]
struct State {
    ctm: Matrix,
    /// The fill colour is white (a fill in it before the image shows nothing).
    fill_white: bool,
    /// Text rendering mode (`Tr`): 3 draws nothing.
    render_mode: i64,
}

impl Default for State {
    fn default() -> Self {
        State {
            ctm: IDENTITY,
            fill_white: false,
            render_mode: 0,
        }
    }
}

struct Walker<'d> {
    doc: &'d Document,
    image: Option<Drawn<'d>>,
    text_layer: bool,
    state: State,
    stack: Vec<State>,
}

fn numbers(op: &Operation) -> Vec<f64> {
    op.operands.iter().filter_map(num).collect()
}

impl<'d> Walker<'d> {
    /// Runs one content stream; `Some(why)` as soon as something is drawn a scan does not draw.
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<Option<NotScan>, PageError> {
        let ops = Content::decode_strict(content).map_err(|e| {
            corrupt(
                &format!("nội dung trang không đọc được ({e})"),
                &format!("the page content cannot be parsed ({e})"),
            )
        })?;
        for op in &ops.operations {
            if let Some(why) = self.operation(op, resources, depth)? {
                return Ok(Some(why));
            }
        }
        Ok(None)
    }

    fn operation(
        &mut self,
        op: &Operation,
        resources: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<Option<NotScan>, PageError> {
        let s = &mut self.state;
        match op.operator.as_str() {
            "q" => {
                if self.stack.len() >= 256 {
                    return Ok(Some(NotScan::TooLarge));
                }
                self.stack.push(*s);
            }
            "Q" => {
                if let Some(saved) = self.stack.pop() {
                    self.state = saved;
                }
            }
            "cm" => {
                if let [a, b, c, d, e, f] = numbers(op)[..] {
                    s.ctm = concat(&[a, b, c, d, e, f], &s.ctm);
                }
            }
            "g" | "rg" | "k" | "sc" | "scn" => {
                let v = numbers(op);
                // Gray or RGB all 1, CMYK all 0.
                s.fill_white = match v.len() {
                    4 => v.iter().all(|x| *x == 0.0),
                    1 | 3 => v.iter().all(|x| *x == 1.0),
                    _ => false,
                };
            }
            "cs" => s.fill_white = false,
            "Tr" => s.render_mode = numbers(op).first().map(|m| *m as i64).unwrap_or(0),
            // Mode 3 draws nothing; mode 7 only clips, which hides nothing drawn before it.
            "Tj" | "TJ" | "'" | "\"" => {
                let invisible = s.render_mode == 3 || (s.render_mode == 7 && self.image.is_some());
                if !invisible {
                    return Ok(Some(NotScan::Text));
                }
                self.text_layer = true;
            }
            // A white fill under the image (a page background) shows nothing.
            "f" | "F" | "f*" if s.fill_white && self.image.is_none() => {}
            "f" | "F" | "f*" | "S" | "s" | "B" | "B*" | "b" | "b*" | "sh" => {
                return Ok(Some(NotScan::Vector))
            }
            "BI" => return Ok(Some(NotScan::InlineImage)),
            "Do" => return self.draw(op, resources, depth),
            // Paths, clipping, `n`, text positioning, graphics state, marked content, colour
            // spaces for strokes: nothing visible by themselves.
            _ => {}
        }
        Ok(None)
    }

    /// `Do`: an image (the page's one), or a form whose content is walked in its turn.
    fn draw(
        &mut self,
        op: &Operation,
        resources: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<Option<NotScan>, PageError> {
        let doc = self.doc;
        let name = op
            .operands
            .first()
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let shown = String::from_utf8_lossy(name).into_owned();
        let missing = || {
            corrupt(
                &format!("trang vẽ đối tượng /{shown} không có trong tài nguyên của trang"),
                &format!("the page draws /{shown}, which is not in its resources"),
            )
        };
        let xobjects = match resources {
            Some(r) => get(doc, r, b"XObject")?,
            None => None,
        };
        let Some(Object::Dictionary(xobjects)) = xobjects else {
            return Err(missing());
        };
        let Some(Object::Stream(xobject)) = get(doc, xobjects, name)? else {
            return Err(missing());
        };
        let subtype = xobject.dict.get(b"Subtype").and_then(Object::as_name);
        match subtype {
            Ok(b"Image") => {
                if self.image.is_some() {
                    return Ok(Some(NotScan::SeveralImages));
                }
                self.image = Some(Drawn {
                    image: xobject,
                    ctm: self.state.ctm,
                });
                Ok(None)
            }
            Ok(b"Form") => self.form(xobject, resources, depth),
            _ => Ok(Some(NotScan::Vector)),
        }
    }

    /// A form XObject: its matrix, its own resources (or the page's), its content.
    fn form(
        &mut self,
        form: &'d Stream,
        resources: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<Option<NotScan>, PageError> {
        if depth >= MAX_DEPTH {
            return Err(corrupt(
                "các biểu mẫu (form XObject) lồng nhau quá sâu",
                "form XObjects nest too deep",
            ));
        }
        let doc = self.doc;
        let matrix = match get(doc, &form.dict, b"Matrix")? {
            Some(Object::Array(m)) => {
                let v: Vec<f64> = m
                    .iter()
                    .filter_map(|x| deref(doc, x).ok().and_then(num))
                    .collect();
                <[f64; 6]>::try_from(v).unwrap_or(IDENTITY)
            }
            _ => IDENTITY,
        };
        let own = match get(doc, &form.dict, b"Resources")? {
            Some(Object::Dictionary(d)) => Some(d),
            _ => resources,
        };
        let Some(content) = decoded(form, CONTENT_LIMIT)? else {
            return Ok(Some(NotScan::TooLarge));
        };
        let saved = (self.state, self.stack.len());
        self.state.ctm = concat(&matrix, &self.state.ctm);
        let verdict = self.run(&content, own, depth + 1)?;
        self.state = saved.0;
        self.stack.truncate(saved.1);
        Ok(verdict)
    }
}
