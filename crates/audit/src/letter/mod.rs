//! The apology letter for a late case ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", Mẫu số 04)
//! as a signable A4 PDF: NĐ 30/2020 layout, subset-embedded serif font, extractable NFC text.

mod font;
pub mod late;
mod pdf;
#[cfg(test)]
mod tests;

pub use font::LetterFont;

use font::Fonts;
use pdf::write_pdf;
use std::path::PathBuf;
use time::Date;
use unicode_normalization::UnicodeNormalization;

/// What one letter says. Text fields are normalised to NFC and their whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Cơ quan chủ quản, e.g. "UBND HUYỆN TÂN HÒA" (printed uppercase above the agency).
    pub parent_agency: Option<String>,
    /// The agency that writes the letter, e.g. "UBND xã Tân Hòa".
    pub agency_name: String,
    /// Place name for "`<place>`, ngày ... tháng ... năm ...".
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

/// `xin-loi-<safe code>.pdf`.
pub fn file_name(case_code: &str) -> String {
    format!(
        "xin-loi-{}.pdf",
        sohoa_archive::text::safe_id(&sohoa_archive::privacy::mask_ids_loose(case_code))
    )
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

/// NFC, whitespace collapsed to single spaces, control and invisible format characters dropped,
/// identity numbers masked.
fn clean(s: &str) -> String {
    let s: String = sohoa_archive::privacy::mask_ids(s)
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

use sohoa_archive::time_format::dmy;

/// The letter's date line (`time_format::dateline`), its place tidied.
fn dated(place: &str, d: Date) -> String {
    sohoa_archive::time_format::dateline(&field(place), d)
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
