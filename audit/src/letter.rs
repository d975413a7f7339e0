//! The apology letter for a late case ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", Mẫu số 04)
//! as a signable A4 PDF: NĐ 30/2020 layout, subset-embedded serif font, extractable NFC text.

use lopdf::{dictionary, Dictionary, Document, Object, Stream, StringFormat};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use time::Date;
use ttf_parser::{Face, GlyphId};
use unicode_normalization::UnicodeNormalization;

/// What one letter says. Text fields are normalised to NFC and their whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Cơ quan chủ quản, e.g. "UBND HUYỆN TÂN HÒA" (printed uppercase above the agency).
    pub parent_agency: Option<String>,
    /// The agency that writes the letter, e.g. "UBND xã Tân Hòa".
    pub agency_name: String,
    /// Place name for "<place>, ngày ... tháng ... năm ...".
    pub place: String,
    /// Date of the letter.
    pub date: Date,
    pub case_code: String,
    pub applicant_name: String,
    pub procedure_name: String,
    pub received: Date,
    /// The original appointment (ngày hẹn trả kết quả).
    pub due: Date,
    /// The new appointment; not printed when the case is already resolved.
    pub new_due: Date,
    /// When the result was already returned late.
    pub resolved: Option<Date>,
    pub working_days_late: i64,
    /// Why the case is late; `None` prints a neutral sentence.
    pub reason: Option<String>,
}

/// Why a letter could not be made. Messages name the font file and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("cannot read font file {path}: {source}")]
    FontRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("font file {path} cannot be used: {what}")]
    FontInvalid { path: PathBuf, what: String },
    #[error("no serif font with Vietnamese glyphs found (tried SOHOA_FONT, Times New Roman, Liberation Serif, DejaVu Serif, Noto Serif); give a .ttf file explicitly")]
    NoFont,
    #[error("cannot write the letter PDF: {0}")]
    Pdf(String),
}

/// One font file read into memory and checked.
#[derive(Clone)]
struct FaceData {
    path: PathBuf,
    data: Vec<u8>,
}

impl std::fmt::Debug for FaceData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} bytes)", self.path.display(), self.data.len())
    }
}

/// The regular, bold and italic faces a letter is set in (bold/italic fall back to regular).
#[derive(Debug, Clone)]
pub struct LetterFont {
    regular: FaceData,
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

/// "xin-loi-<safe code>.pdf".
pub fn file_name(case_code: &str) -> String {
    format!("xin-loi-{}.pdf", sohoa_pipeline::text::safe_id(case_code))
}

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
// NĐ 30/2020 margins: top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
const LEFT: f32 = 30.0 * MM;
const TEXT_W: f32 = PAGE_W - LEFT - 20.0 * MM;
const TOP: f32 = PAGE_H - 20.0 * MM;
const BOTTOM: f32 = 20.0 * MM;
const BODY: f32 = 13.0;
const LEADING: f32 = 1.3;

#[derive(Clone, Copy)]
enum Style {
    Regular = 0,
    Bold = 1,
    Italic = 2,
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
    Justify,
}

/// How a piece of text is set: face, size in points, alignment.
#[derive(Clone, Copy)]
struct Look(Style, f32, Align);

/// A column of the page: left edge, width and first-line indent.
#[derive(Clone, Copy)]
struct Col(f32, f32, f32);

/// Drawing operations of one page; glyphs are the fonts' own ids, with a TJ adjustment after each.
enum Op {
    Text(usize, f32, f32, f32, Vec<(u16, f32)>),
    Rule(f32, f32, f32),
}

/// The distinct faces of a render, which glyphs each uses and the character each glyph stands for.
struct Fonts<'a> {
    faces: Vec<(Face<'a>, &'a FaceData)>,
    /// Style -> index into `faces`.
    slot: [usize; 3],
    used: Vec<BTreeMap<u16, char>>,
    missing: BTreeSet<char>,
}

impl<'a> Fonts<'a> {
    fn new(font: &'a LetterFont) -> Result<Self, LetterError> {
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
    fn lookup(&self, face: usize, c: char) -> (u16, char) {
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

    fn width(&self, look: Look, s: &str) -> f32 {
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

/// Places lines top-down, starting a new page when the next one does not fit.
struct Layout<'f, 'a> {
    fonts: &'f mut Fonts<'a>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_, '_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_H - 12.0 * MM + BODY;
        if self.pages.len() > 1 {
            // NĐ 30/2020: pages from the second on are numbered, centred in the top margin.
            let n = self.pages.len().to_string();
            self.fit(
                Look(Style::Regular, BODY, Align::Center),
                Col(LEFT, TEXT_W, 0.0),
                &n,
            );
        }
        self.y = TOP;
    }

    /// Draws one line at baseline y, widening each space by `extra` points.
    fn place(&mut self, look: Look, x: f32, y: f32, s: &str, extra: f32) {
        let face = self.fonts.slot[look.0 as usize];
        let mut glyphs = Vec::with_capacity(s.len());
        for c in s.chars() {
            let (gid, meaning) = self.fonts.lookup(face, c);
            if meaning != c {
                self.fonts.missing.insert(c);
            }
            self.fonts.used[face].entry(gid).or_insert(meaning);
            glyphs.push((
                gid,
                if c == ' ' {
                    -extra * 1000.0 / look.1
                } else {
                    0.0
                },
            ));
        }
        if let Some(page) = self.pages.last_mut() {
            page.push(Op::Text(face, look.1, x, y, glyphs));
        }
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        if let Some(page) = self.pages.last_mut() {
            page.push(Op::Rule(x1, x2, y));
        }
    }

    /// Breaks text into lines at spaces (inside a word when it alone is too long).
    fn wrap(&self, look: Look, first: f32, rest: f32, text: &str) -> Vec<String> {
        let space = self.fonts.width(look, " ");
        let avail = |n: usize| (if n == 0 { first } else { rest }) + 0.01;
        let (mut lines, mut cur, mut cur_w) = (Vec::new(), String::new(), 0.0);
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let ww = self.fonts.width(look, word);
            if !cur.is_empty() {
                if cur_w + space + ww <= avail(lines.len()) {
                    cur.push(' ');
                    cur.push_str(word);
                    cur_w += space + ww;
                    continue;
                }
                lines.push(std::mem::take(&mut cur));
                cur_w = 0.0;
            }
            for c in word.chars() {
                let cw = self.fonts.width(look, c.encode_utf8(&mut [0; 4]));
                if !cur.is_empty() && cur_w + cw > avail(lines.len()) {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0.0;
                }
                cur.push(c);
                cur_w += cw;
            }
        }
        if !cur.is_empty() || lines.is_empty() {
            lines.push(cur);
        }
        lines
    }

    /// Sets a paragraph in a column, breaking pages as needed; returns the widest line's width.
    fn para(&mut self, look: Look, Col(x, w, indent): Col, text: &str) -> f32 {
        let Look(_, size, align) = look;
        let lines = self.wrap(look, w - indent, w, text);
        let mut widest: f32 = 0.0;
        for (i, line) in lines.iter().enumerate() {
            if self.y - size * LEADING < BOTTOM {
                self.new_page();
            }
            let lx = if i == 0 { x + indent } else { x };
            let natural = self.fonts.width(look, line);
            widest = widest.max(natural);
            let spaces = line.matches(' ').count() as f32;
            let (lx, extra) = match align {
                Align::Center => (x + (w - natural) / 2.0, 0.0),
                Align::Justify if i + 1 < lines.len() && spaces > 0.0 => {
                    let extra = (x + w - lx - natural) / spaces;
                    (lx, if extra < size * 0.8 { extra } else { 0.0 })
                }
                _ => (lx, 0.0),
            };
            self.place(look, lx, self.y - size, line, extra);
            self.y -= size * LEADING;
        }
        widest
    }

    /// A centred line, shrunk until it fits the column; returns its width and baseline.
    fn fit(&mut self, look: Look, Col(x, w, _): Col, text: &str) -> (f32, f32) {
        let mut look = look;
        while look.1 > 8.0 && self.fonts.width(look, text) > w {
            look.1 -= 0.5;
        }
        let width = self.fonts.width(look, text);
        let baseline = self.y - look.1;
        self.place(look, x + (w - width) / 2.0, baseline, text, 0.0);
        self.y -= look.1 * LEADING;
        (width, baseline)
    }
}

/// NFC, whitespace collapsed to single spaces, control and invisible format characters dropped.
fn clean(s: &str) -> String {
    let s: String = s
        .nfc()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = s.split(' ').filter(|w| !w.is_empty()).collect();
    words
        .join(" ")
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}')
        })
        .collect()
}

/// A field, or a dotted blank to fill in by hand when it is empty.
fn field(s: &str) -> String {
    let s = clean(s);
    if s.is_empty() {
        "……………………".into()
    } else {
        s
    }
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// "<place>, ngày 05 tháng 12 năm 2025": NĐ 30/2020 pads days below 10 and months 1 and 2.
fn dated(place: &str, d: Date) -> String {
    let m = u8::from(d.month());
    let month = if m < 3 {
        format!("{m:02}")
    } else {
        m.to_string()
    };
    format!(
        "{}, ngày {:02} tháng {month} năm {}",
        field(place),
        d.day(),
        d.year()
    )
}

/// The letter's paragraphs after "Kính gửi", in the words of Mẫu số 04.
fn body(letter: &Letter) -> Vec<String> {
    let agency = field(&letter.agency_name);
    let mut chars = agency.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    let agency_cap = first.unwrap_or_default() + chars.as_str();
    let late = letter.working_days_late.max(0);
    let days = if late > 0 {
        format!(" {late} ngày làm việc")
    } else {
        String::new()
    };
    let status = match letter.resolved {
        Some(d) => format!(
            "Tuy nhiên, {agency} đã trả kết quả chậm{days} so với ngày hẹn \
             (trả kết quả ngày {}).",
            dmy(d)
        ),
        None if late > 0 => format!(
            "Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn \
             (đã quá hạn {late} ngày làm việc)."
        ),
        None => format!(
            "Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn."
        ),
    };
    let reason = letter.reason.as_deref().map(clean).unwrap_or_default();
    let reason = match reason.trim_end_matches(['.', ' ']) {
        "" => "hồ sơ cần thêm thời gian để xem xét, giải quyết theo quy định",
        r => r,
    };
    let apology = match letter.resolved {
        Some(_) => format!("{agency_cap} xin lỗi Ông/Bà về sự chậm trễ này."),
        None => format!(
            "{agency_cap} xin lỗi Ông/Bà và hẹn lại ngày trả kết quả vào ngày {}.",
            dmy(letter.new_due)
        ),
    };
    vec![
        format!(
            "{agency_cap} tiếp nhận hồ sơ của Ông/Bà: {}",
            field(&letter.applicant_name)
        ),
        format!("Mã hồ sơ: {}", field(&letter.case_code)),
        format!("Ngày tiếp nhận: {}", dmy(letter.received)),
        format!(
            "Nội dung yêu cầu giải quyết: {}",
            field(&letter.procedure_name)
        ),
        format!("Ngày hẹn trả kết quả: {}", dmy(letter.due)),
        format!("{status} Lý do: {reason}."),
        apology,
        "Mong nhận được sự thông cảm của Ông/Bà./.".to_string(),
    ]
}

/// Lays the letter out into pages of drawing operations.
fn layout(letter: &Letter, fonts: &mut Fonts) -> Vec<Vec<Op>> {
    use Align::{Center, Justify, Left};
    use Style::{Bold, Italic, Regular};
    let mut l = Layout {
        fonts,
        pages: Vec::new(),
        y: TOP,
    };
    l.new_page();
    let (head, head_b) = (Look(Regular, 12.5, Center), Look(Bold, 12.5, Center));
    let (bold, italic) = (Look(Bold, BODY, Center), Look(Italic, BODY, Center));

    // Header: agency on the left, national title and motto on the right (NĐ 30/2020 ô 1-4).
    let nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let right_w = l.fonts.width(head_b, nation) + 8.0;
    let right_w = right_w.clamp(TEXT_W * 0.55, TEXT_W * 0.62);
    let left_w = TEXT_W - right_w - 6.0;
    let left = Col(LEFT, left_w, 0.0);
    let right = Col(LEFT + TEXT_W - right_w, right_w, 0.0);
    let parent = letter.parent_agency.as_deref().map(clean);
    if let Some(parent) = parent.filter(|p| !p.is_empty()) {
        l.para(head, left, &parent.to_uppercase());
    }
    let agency = field(&letter.agency_name).to_uppercase();
    let rule_w = (l.para(head_b, left, &agency) * 0.4).max(30.0);
    let rule_x = LEFT + (left_w - rule_w) / 2.0;
    l.rule(rule_x, rule_x + rule_w, l.y - 0.5);
    let left_y = l.y;
    l.y = TOP;
    l.fit(head_b, right, nation);
    let motto = "Độc lập - Tự do - Hạnh phúc";
    let (motto_w, base) = l.fit(Look(Bold, 13.0, Center), right, motto);
    let motto_x = right.0 + (right_w - motto_w) / 2.0;
    l.rule(motto_x, motto_x + motto_w, base - 4.0);
    l.y = l.y.min(left_y) - 8.0;
    let row_y = l.y;
    l.para(Look(Regular, BODY, Center), left, "Số: ………/PXL");
    l.y = row_y;
    l.fit(italic, right, &dated(&letter.place, letter.date));

    let full = Col(LEFT, TEXT_W, 0.0);
    l.y -= 18.0;
    let title = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ";
    l.para(Look(Bold, 14.0, Center), full, title);
    l.y -= 6.0;
    let to = format!("Kính gửi: {}", field(&letter.applicant_name));
    l.para(Look(Regular, 14.0, Center), full, &to);
    l.y -= 10.0;
    let (justified, indented) = (Look(Regular, BODY, Justify), Col(LEFT, TEXT_W, 10.0 * MM));
    for p in body(letter) {
        l.para(justified, indented, &p);
        l.y -= 3.0;
    }

    // Signature block on the right, "Nơi nhận" on the left at the same height, kept together
    // with room to sign and stamp.
    l.y -= 10.0;
    if l.y - (BODY * LEADING * 2.0 + 90.0) < BOTTOM {
        l.new_page();
    }
    let block_y = l.y;
    l.fit(bold, right, "NGƯỜI ĐỨNG ĐẦU CƠ QUAN");
    l.fit(italic, right, "(Ký, ghi rõ họ tên, đóng dấu)");
    l.y = block_y;
    l.para(Look(Bold, 12.0, Left), left, "Nơi nhận:");
    for line in ["- Như trên;", "- Lưu: VT."] {
        l.para(Look(Regular, 11.0, Left), left, line);
    }
    l.pages
}

/// Renders the letter as PDF bytes (A4, PDF 1.7, fonts embedded as subsets).
pub fn render(letter: &Letter, font: &LetterFont) -> Result<Vec<u8>, LetterError> {
    let mut fonts = Fonts::new(font)?;
    let pages = layout(letter, &mut fonts);
    if !fonts.missing.is_empty() {
        let chars: String = fonts.missing.iter().collect();
        tracing::warn!(
            "letter {}: font {} has no glyph for {chars:?}; printed as '?'",
            letter.case_code,
            font.regular.path.display()
        );
    }
    write_pdf(letter, &fonts, &pages)
}

/// A number for content streams, at most 2 decimals.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// 64-bit FNV-1a, for the subset tag and the document /ID (stable across Rust versions).
fn fnv(data: &[u8], seed: u64) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn pdf_err(e: impl std::fmt::Display) -> LetterError {
    LetterError::Pdf(e.to_string())
}

/// The font program to embed and the CID of each glyph used: a subset whose glyph ids come
/// from subsetter's remapper (CID = new id), or when the font cannot be subset (its licence, or
/// an error of the subsetter) the whole face with CID = original glyph id.
fn font_program(face: &Face, data: &FaceData, used: &BTreeMap<u16, char>) -> Embedded {
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

struct Embedded {
    bytes: Vec<u8>,
    /// Glyph id in the original font -> CID in the PDF.
    cids: BTreeMap<u16, u16>,
    /// "ABCDEF" for a subset, empty for a whole face.
    tag: String,
}

/// /W: widths of the CIDs used, in runs of consecutive CIDs.
fn widths(face: &Face, cids: &BTreeMap<u16, u16>) -> Vec<Object> {
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

/// /ToUnicode: each CID back to the character it was drawn for (the first one when several
/// characters share a glyph; '?' for characters the font lacks).
fn to_unicode(cids: &BTreeMap<u16, u16>, used: &BTreeMap<u16, char>) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: BTreeMap<u16, char> = cids
        .iter()
        .filter_map(|(g, cid)| used.get(g).map(|c| (*cid, *c)))
        .collect();
    let entries: Vec<(u16, char)> = entries.into_iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (cid, c) in chunk {
            let _ = write!(cmap, "<{cid:04X}> <");
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(cmap, "{unit:04X}");
            }
            cmap.push_str(">\n");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

/// Embeds one face as Type0 / CIDFont with the glyphs used; returns the font and gid -> CID.
fn embed_face(
    doc: &mut Document,
    face: &Face,
    data: &FaceData,
    used: &BTreeMap<u16, char>,
) -> (Object, BTreeMap<u16, u16>) {
    let Embedded { bytes, cids, tag } = font_program(face, data, used);
    let names = face.names().into_iter();
    let ps = names.filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME);
    let ps: String = ps.filter_map(|n| n.to_string()).next().unwrap_or_default();
    let ps: String = ps
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let plus = if tag.is_empty() { "" } else { "+" };
    let base_font = format!("{tag}{plus}{}", if ps.is_empty() { "Serif" } else { &ps });
    let upem = f32::from(face.units_per_em());
    let scale = |v: i16| (f32::from(v) * 1000.0 / upem).round() as i64;
    let b = face.global_bounding_box();
    let bbox: Vec<Object> = [b.x_min, b.y_min, b.x_max, b.y_max]
        .map(|v| scale(v).into())
        .into();
    // CFF outlines go in as OpenType (FontFile3), TrueType ones as FontFile2.
    let cff = face.tables().glyf.is_none();
    let mut file_dict = dictionary! { "Length1" => bytes.len() as i64 };
    if cff {
        file_dict.set("Subtype", "OpenType");
    }
    let file = doc.add_object(Stream::new(file_dict, bytes));
    let italic = face.is_italic() || face.italic_angle() != 0.0;
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => base_font.clone(),
        "Flags" => if italic { 32 + 64 } else { 32 },
        "FontBBox" => bbox,
        "ItalicAngle" => face.italic_angle(),
        "Ascent" => scale(face.ascender()),
        "Descent" => scale(face.descender()),
        "CapHeight" => scale(face.capital_height().unwrap_or(face.ascender())),
        "StemV" => if face.is_bold() { 140 } else { 80 },
        if cff { "FontFile3" } else { "FontFile2" } => file,
    });
    let system = dictionary! {
        "Registry" => Object::string_literal("Adobe"),
        "Ordering" => Object::string_literal("Identity"),
        "Supplement" => 0,
    };
    let mut cid_font = dictionary! {
        "Type" => "Font",
        "Subtype" => if cff { "CIDFontType0" } else { "CIDFontType2" },
        "BaseFont" => base_font.clone(),
        "CIDSystemInfo" => system,
        "FontDescriptor" => descriptor,
        "W" => widths(face, &cids),
    };
    if !cff {
        cid_font.set("CIDToGIDMap", "Identity");
    }
    let cid_font = doc.add_object(cid_font);
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), to_unicode(&cids, used)));
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => base_font,
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    (font.into(), cids)
}

fn content_stream(ops: &[Op], cids: &[BTreeMap<u16, u16>]) -> Vec<u8> {
    let mut s = String::from("0 g 0 G 0.6 w\n");
    for op in ops {
        match op {
            Op::Text(face, size, x, y, glyphs) => {
                let (size, x, y) = (num(*size), num(*x), num(*y));
                let _ = write!(s, "BT /F{face} {size} Tf 1 0 0 1 {x} {y} Tm [<");
                for (gid, adjust) in glyphs {
                    let cid = cids.get(*face).and_then(|m| m.get(gid));
                    let _ = write!(s, "{:04X}", cid.copied().unwrap_or(0));
                    if *adjust != 0.0 {
                        let _ = write!(s, "> {} <", num(*adjust));
                    }
                }
                s.push_str(">] TJ ET\n");
            }
            Op::Rule(x1, x2, y) => {
                let (x1, x2, y) = (num(*x1), num(*x2), num(*y));
                let _ = writeln!(s, "{x1} {y} m {x2} {y} l S");
            }
        }
    }
    s.into_bytes()
}

fn write_pdf(letter: &Letter, fonts: &Fonts, pages: &[Vec<Op>]) -> Result<Vec<u8>, LetterError> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut font_dict = Dictionary::new();
    let mut cids = Vec::new();
    for (i, ((face, data), used)) in fonts.faces.iter().zip(&fonts.used).enumerate() {
        if used.is_empty() {
            cids.push(BTreeMap::new());
            continue;
        }
        let (font, map) = embed_face(&mut doc, face, data, used);
        font_dict.set(format!("F{i}"), font);
        cids.push(map);
    }
    let resources = doc.add_object(dictionary! { "Font" => font_dict });
    let mut kids: Vec<Object> = Vec::new();
    for ops in pages {
        let contents = Stream::new(Dictionary::new(), content_stream(ops, &cids));
        let contents = doc.add_object(contents);
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
            "Resources" => resources,
            "Contents" => contents,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    let pages_dict = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count };
    doc.objects.insert(pages_id, pages_dict.into());
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => Object::string_literal("vi-VN"),
    });
    let code = clean(&letter.case_code);
    let title = format!("Phiếu xin lỗi và hẹn lại ngày trả kết quả - {code}");
    let info = doc.add_object(dictionary! {
        "Title" => lopdf::text_string(&title),
        "Producer" => Object::string_literal("sohoa"),
        "Creator" => Object::string_literal("sohoa"),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(pdf_err)?;
    // A fixed /ID derived from the content, so the same letter gives the same bytes.
    let id = [fnv(&out, 0), fnv(&out, 0x5348_4f41)]
        .map(u64::to_be_bytes)
        .concat();
    let id = Object::String(id, StringFormat::Hexadecimal);
    doc.trailer.set("ID", vec![id.clone(), id]);
    out.clear();
    doc.save_to(&mut out).map_err(pdf_err)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn font() -> LetterFont {
        match LetterFont::find(None) {
            Ok(f) => f,
            Err(e) => {
                panic!("no font for letters ({e}); install fonts-dejavu-core or set SOHOA_FONT")
            }
        }
    }

    fn letter() -> Letter {
        Letter {
            parent_agency: Some("UBND HUYỆN TÂN HÒA".into()),
            agency_name: "Ủy ban nhân dân xã Tân Hòa".into(),
            place: "Tân Hòa".into(),
            date: date!(2025 - 12 - 05),
            case_code: "000.00.17.H12-251201-0001".into(),
            // Decomposed on purpose: the letter must come out NFC.
            applicant_name: "Nguyễn Thị Hồng Nhung".nfd().collect(),
            procedure_name: "Đăng ký khai sinh".into(),
            received: date!(2025 - 11 - 24),
            due: date!(2025 - 11 - 27),
            new_due: date!(2025 - 12 - 10),
            resolved: None,
            working_days_late: 6,
            reason: Some(
                "hồ sơ phải xác minh thêm thông tin nơi cư trú của người được đăng ký khai sinh"
                    .into(),
            ),
        }
    }

    fn render_ok(l: &Letter) -> Vec<u8> {
        match render(l, &font()) {
            Ok(pdf) => pdf,
            Err(e) => panic!("render failed: {e}"),
        }
    }

    #[test]
    fn letter_embeds_subset_fonts_with_to_unicode() {
        let pdf = render_ok(&letter());
        assert!(pdf.starts_with(b"%PDF-1.7"));
        assert!(pdf.len() < 150_000, "letter is {} bytes", pdf.len());
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        let mut fonts = 0;
        for obj in doc.objects.values() {
            let Ok(dict) = obj.as_dict() else { continue };
            if dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Type0") {
                continue;
            }
            fonts += 1;
            assert!(dict.get(b"ToUnicode").is_ok(), "font without ToUnicode");
            let desc = dict.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]
                .as_reference()
                .unwrap();
            let cid = doc.get_dictionary(desc).unwrap();
            assert_eq!(
                cid.get(b"Subtype").unwrap().as_name().unwrap(),
                b"CIDFontType2"
            );
            assert!(cid.get(b"W").is_ok());
            let fd = doc
                .get_dictionary(cid.get(b"FontDescriptor").unwrap().as_reference().unwrap())
                .unwrap();
            assert!(fd.get(b"FontFile2").is_ok(), "font not embedded");
        }
        assert_eq!(fonts, 3, "regular, bold and italic faces");
    }

    #[test]
    fn pdftotext_extracts_nfc_vietnamese() {
        let pdf = render_ok(&letter());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file_name("000.00.17.H12-251201-0001"));
        std::fs::write(&path, &pdf).unwrap();
        if let Some(sample) = std::env::var_os("SOHOA_LETTER_SAMPLE") {
            std::fs::write(sample, &pdf).unwrap();
        }
        let out = match std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
        {
            Ok(out) => out,
            Err(_) => {
                eprintln!("pdftotext not on PATH: text extraction not checked");
                return;
            }
        };
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        for want in [
            "Nguyễn Thị Hồng Nhung",
            "000.00.17.H12-251201-0001",
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Tân Hòa, ngày 05 tháng 12 năm 2025",
            "Đăng ký khai sinh",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "vào ngày 10/12/2025",
        ] {
            let want: String = want.nfc().collect();
            assert!(
                text.contains(&want),
                "{want:?} not in extracted text:\n{text}"
            );
        }
    }

    #[test]
    fn long_reason_flows_to_second_page() {
        let mut l = letter();
        l.reason = Some(
            "hồ sơ phải lấy ý kiến của cơ quan có liên quan và xác minh thêm thông tin. "
                .repeat(30),
        );
        let doc = lopdf::Document::load_mem(&render_ok(&l)).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
    }

    #[test]
    fn resolved_case_and_missing_glyph_still_render() {
        let mut l = letter();
        l.resolved = Some(date!(2025 - 12 - 04));
        l.reason = None;
        l.applicant_name = "Trần Văn 😀 An".into();
        let doc = lopdf::Document::load_mem(&render_ok(&l)).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
    }

    #[test]
    fn output_is_deterministic() {
        assert!(render_ok(&letter()) == render_ok(&letter()));
    }

    #[test]
    fn file_name_is_safe() {
        let name = file_name("H12/2025:Đơn*01?");
        assert!(
            name.starts_with("xin-loi-") && name.ends_with(".pdf"),
            "{name}"
        );
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "{name}"
        );
    }

    #[test]
    fn dates_follow_nd30() {
        assert_eq!(
            dated("Tân Hòa", date!(2025 - 02 - 03)),
            "Tân Hòa, ngày 03 tháng 02 năm 2025"
        );
        assert_eq!(
            dated("Tân Hòa", date!(2025 - 12 - 15)),
            "Tân Hòa, ngày 15 tháng 12 năm 2025"
        );
        assert_eq!(dmy(date!(2025 - 03 - 09)), "09/03/2025");
    }

    #[test]
    fn missing_font_path_is_named() {
        let path = Path::new("/nonexistent/sohoa/NoSuchFont.ttf");
        let err = LetterFont::find(Some(path)).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/sohoa/NoSuchFont.ttf"), "{err}");
        let err = LetterFont::from_files(font().regular_path(), Some(path), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("NoSuchFont.ttf"), "{err}");
    }
}
