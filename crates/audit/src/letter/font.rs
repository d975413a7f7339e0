//! The letter's fonts: finding and checking serif faces with Vietnamese glyphs, mapping
//! characters to glyphs and their widths, and subsetting a face for embedding.

use super::pdf::fnv;
use super::{LetterError, Look};
use lopdf::Object;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use ttf_parser::{Face, GlyphId};

/// One font file read into memory and checked.
#[derive(Clone)]
pub(super) struct FaceData {
    pub(super) path: PathBuf,
    pub(super) data: Vec<u8>,
}

impl std::fmt::Debug for FaceData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} bytes)", self.path.display(), self.data.len())
    }
}

/// The regular, bold and italic faces a letter is set in (bold/italic fall back to regular).
#[derive(Debug, Clone)]
pub struct LetterFont {
    pub(super) regular: FaceData,
    bold: Option<FaceData>,
    italic: Option<FaceData>,
}

/// Letters a font must have to set Vietnamese (besides the Latin Extended Additional block).
const VIETNAMESE_EXTRA: &str = "ĂăÂâĐđÊêÔôƠơƯưÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúý";

impl LetterFont {
    /// Finds a serif font with Vietnamese glyphs: explicit path (and its Bold/Italic siblings) or
    /// the env var SOHOA_FONT, then Times New Roman, Liberation Serif, DejaVu Serif, Noto Serif.
    /// Regular is required; bold/italic fall back to regular.
    pub fn find(explicit: Option<&Path>) -> Result<LetterFont, LetterError> {
        let from_env = std::env::var_os("SOHOA_FONT").filter(|v| !v.is_empty());
        if let Some(path) = explicit
            .map(Path::to_path_buf)
            .or(from_env.map(PathBuf::from))
        {
            return Self::with_siblings(&path);
        }
        let windows =
            std::env::var_os("WINDIR").map_or(PathBuf::from(r"C:\Windows"), PathBuf::from);
        let mut candidates = vec![windows.join("Fonts").join("times.ttf")];
        for dir in ["/Library/Fonts", "/System/Library/Fonts/Supplemental"] {
            candidates.push(Path::new(dir).join("Times New Roman.ttf"));
        }
        for p in [
            "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
            "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
            "/usr/share/fonts/liberation-serif/LiberationSerif-Regular.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
            "/usr/share/fonts/dejavu-serif-fonts/DejaVuSerif.ttf",
            "/usr/share/fonts/TTF/DejaVuSerif.ttf",
            "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
            "/usr/share/fonts/noto/NotoSerif-Regular.ttf",
        ] {
            candidates.push(PathBuf::from(p));
        }
        for path in candidates.iter().filter(|p| p.is_file()) {
            match Self::with_siblings(path) {
                Ok(font) => return Ok(font),
                Err(e) => tracing::debug!("letter font skipped: {e}"),
            }
        }
        Err(LetterError::NoFont)
    }

    /// Reads the faces from these files; the regular face is required.
    pub fn from_files(
        regular: &Path,
        bold: Option<&Path>,
        italic: Option<&Path>,
    ) -> Result<LetterFont, LetterError> {
        Ok(LetterFont {
            regular: load_face(regular)?,
            bold: bold.map(load_face).transpose()?,
            italic: italic.map(load_face).transpose()?,
        })
    }

    /// The regular face's file, for messages.
    pub fn regular_path(&self) -> &Path {
        &self.regular.path
    }

    /// The regular face plus the bold and italic files beside it, when they exist and load.
    fn with_siblings(regular: &Path) -> Result<LetterFont, LetterError> {
        let regular = load_face(regular)?;
        let sibling = |suffixes: &[&str]| {
            let stem = regular.path.file_stem()?.to_str()?;
            let ext = regular
                .path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("ttf");
            let base = ["-Regular", "_Regular", " Regular"]
                .iter()
                .find_map(|r| stem.strip_suffix(r))
                .unwrap_or(stem);
            suffixes
                .iter()
                .map(|s| regular.path.with_file_name(format!("{base}{s}.{ext}")))
                .filter(|p| p.is_file())
                .find_map(|p| match load_face(&p) {
                    Ok(face) => Some(face),
                    Err(e) => {
                        tracing::warn!("letter font sibling skipped: {e}");
                        None
                    }
                })
        };
        let bold = sibling(&["-Bold", " Bold", "_Bold", "bd", "Bold"]);
        let italic = sibling(&["-Italic", " Italic", "_Italic", "i", "Italic"]);
        Ok(LetterFont {
            regular,
            bold,
            italic,
        })
    }
}

/// Reads a font file and checks that it parses, has outlines we can embed, may be embedded,
/// and covers Vietnamese.
fn load_face(path: &Path) -> Result<FaceData, LetterError> {
    let invalid = |what: String| LetterError::FontInvalid {
        path: path.to_path_buf(),
        what,
    };
    let data = std::fs::read(path).map_err(|source| LetterError::FontRead {
        path: path.to_path_buf(),
        source,
    })?;
    let face = Face::parse(&data, 0)
        .map_err(|e| invalid(format!("not a TrueType/OpenType font ({e})")))?;
    if face.tables().glyf.is_none() && face.tables().cff.is_none() {
        return Err(invalid(
            "it has neither TrueType (glyf) nor CFF outlines".into(),
        ));
    }
    if face.permissions() == Some(ttf_parser::Permissions::Restricted) {
        return Err(invalid(
            "its licence forbids embedding (OS/2 fsType: restricted)".into(),
        ));
    }
    let missing: String = ('\u{1EA0}'..='\u{1EF9}')
        .chain(VIETNAMESE_EXTRA.chars())
        .filter(|c| face.glyph_index(*c).is_none())
        .take(8)
        .collect();
    if !missing.is_empty() {
        return Err(invalid(format!(
            "it has no glyphs for Vietnamese letters such as {missing}"
        )));
    }
    Ok(FaceData {
        path: path.to_path_buf(),
        data,
    })
}

/// The distinct faces of a render, which glyphs each uses and the character each glyph stands for.
pub(super) struct Fonts<'a> {
    pub(super) faces: Vec<(Face<'a>, &'a FaceData)>,
    /// Style -> index into `faces`.
    pub(super) slot: [usize; 3],
    pub(super) used: Vec<BTreeMap<u16, char>>,
    pub(super) missing: BTreeSet<char>,
}

impl<'a> Fonts<'a> {
    pub(super) fn new(font: &'a LetterFont) -> Result<Self, LetterError> {
        let (mut faces, mut slot) = (Vec::new(), [0; 3]);
        let all = [
            Some(&font.regular),
            font.bold.as_ref(),
            font.italic.as_ref(),
        ];
        for (i, data) in all.into_iter().enumerate() {
            let Some(data) = data else { continue };
            let face = Face::parse(&data.data, 0).map_err(|e| LetterError::FontInvalid {
                path: data.path.clone(),
                what: e.to_string(),
            })?;
            slot[i] = faces.len();
            faces.push((face, data));
        }
        let used = vec![BTreeMap::new(); faces.len()];
        let missing = BTreeSet::new();
        Ok(Fonts {
            faces,
            slot,
            used,
            missing,
        })
    }

    /// The glyph for a character, or the font's '?' (then '?' is what the text says).
    pub(super) fn lookup(&self, face: usize, c: char) -> (u16, char) {
        let f = &self.faces[face].0;
        match f.glyph_index(c) {
            Some(g) => (g.0, c),
            None => (f.glyph_index('?').map_or(0, |g| g.0), '?'),
        }
    }

    /// Advance width in thousandths of an em, as written to /W.
    fn advance(&self, face: usize, gid: u16) -> f32 {
        advance(&self.faces[face].0, gid) as f32
    }

    pub(super) fn width(&self, look: Look, s: &str) -> f32 {
        let face = self.slot[look.0 as usize];
        let units: f32 = s
            .chars()
            .map(|c| self.advance(face, self.lookup(face, c).0))
            .sum();
        units * look.1 / 1000.0
    }
}

fn advance(face: &Face, gid: u16) -> i64 {
    let adv = f32::from(face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0));
    (adv * 1000.0 / f32::from(face.units_per_em())).round() as i64
}

/// The font program to embed and the CID of each glyph used: a subset whose glyph ids come
/// from subsetter's remapper (CID = new id), or when the font cannot be subset (its licence, or
/// an error of the subsetter) the whole face with CID = original glyph id.
pub(super) fn font_program(face: &Face, data: &FaceData, used: &BTreeMap<u16, char>) -> Embedded {
    let mut remapper = subsetter::GlyphRemapper::new();
    for gid in used.keys() {
        remapper.remap(*gid);
    }
    let subset = match face.tables().os2.is_none_or(|t| t.is_subsetting_allowed()) {
        true => subsetter::subset(&data.data, 0, &remapper).map_err(|e| e.to_string()),
        false => Err("its licence forbids subsetting".into()),
    };
    match subset {
        Ok(bytes) => {
            let cids = used
                .keys()
                .map(|g| (*g, remapper.get(*g).unwrap_or(0)))
                .collect();
            let mut seed: Vec<u8> = used.keys().flat_map(|g| g.to_be_bytes()).collect();
            seed.extend_from_slice(&data.data[..data.data.len().min(4096)]);
            let h = fnv(&seed, 0);
            let tag = (0..6)
                .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
                .collect();
            Embedded { bytes, cids, tag }
        }
        Err(why) => {
            let path = data.path.display();
            tracing::warn!("font {path} embedded whole: cannot subset it ({why})");
            let cids = used.keys().map(|g| (*g, *g)).collect();
            Embedded {
                bytes: data.data.clone(),
                cids,
                tag: String::new(),
            }
        }
    }
}

pub(super) struct Embedded {
    pub(super) bytes: Vec<u8>,
    /// Glyph id in the original font -> CID in the PDF.
    pub(super) cids: BTreeMap<u16, u16>,
    /// "ABCDEF" for a subset, empty for a whole face.
    pub(super) tag: String,
}

/// /W: widths of the CIDs used, in runs of consecutive CIDs.
pub(super) fn widths(face: &Face, cids: &BTreeMap<u16, u16>) -> Vec<Object> {
    let by_cid: BTreeMap<u16, i64> = cids.iter().map(|(g, c)| (*c, advance(face, *g))).collect();
    let mut w: Vec<Object> = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut start = 0i64;
    for (cid, width) in by_cid {
        let cid = i64::from(cid);
        if !run.is_empty() && cid != start + run.len() as i64 {
            w.push(start.into());
            w.push(std::mem::take(&mut run).into());
        }
        if run.is_empty() {
            start = cid;
        }
        run.push(width.into());
    }
    if !run.is_empty() {
        w.push(start.into());
        w.push(run.into());
    }
    w
}
