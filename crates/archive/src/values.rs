//! Values as people type them into registers (Excel/CSV): dates, Excel serial dates, counts, codes,
//! identity numbers and two-digit code lists, parsed into the canonical forms written to the record.

use crate::text::fold;
use std::fmt;
use time::macros::date as d;
use time::{Date, Month, Time};

/// Invisible characters that creep in from copy and paste; removed everywhere.
const ZERO_WIDTH: [char; 4] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{FEFF}'];

/// Why a typed count is not a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountError {
    Empty,
    NotANumber,
    Negative,
    NotWhole,
}

impl CountError {
    fn messages(&self) -> (&'static str, &'static str) {
        match self {
            CountError::Empty => ("để trống", "empty"),
            CountError::NotANumber => ("không phải là số", "not a number"),
            CountError::Negative => ("là số âm", "negative"),
            CountError::NotWhole => ("không phải số nguyên", "not a whole number"),
        }
    }

    /// Short message in Vietnamese.
    pub fn vi(&self) -> &'static str {
        self.messages().0
    }

    /// Short message in English.
    pub fn en(&self) -> &'static str {
        self.messages().1
    }
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.en())
    }
}

impl std::error::Error for CountError {}

/// Removes zero-width characters, turns any whitespace (NBSP included) into a plain space, trims.
fn clean(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !ZERO_WIDTH.contains(c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    s.trim().to_string()
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `s` as a number when it is `min..=max` ASCII digits.
fn digits<T: std::str::FromStr>(s: &str, min: usize, max: usize) -> Option<T> {
    ((min..=max).contains(&s.len()) && all_digits(s)).then(|| s.parse().ok())?
}

fn ymd(y: i32, m: u8, day: u8) -> Option<Date> {
    Date::from_calendar_date(y, Month::try_from(m).ok()?, day).ok()
}

/// `YYYY-MM-DD`, or with a time `YYYY-MM-DDTHH:MM:SS+07:00` (Vietnam time).
fn iso(day: Date, t: Option<Time>) -> String {
    match t {
        None => crate::time_format::iso_date(day),
        Some(t) => crate::time_format::seconds(
            time::PrimitiveDateTime::new(day, t).assume_offset(crate::time_format::VN_OFFSET),
        ),
    }
}

/// A date (and optional time) as people type it -> ISO 8601 ("2025-07-01" or "2025-07-01T14:30:00+07:00").
///
/// Dates: `dd/mm/yyyy`, `d/m/yyyy`, `d/m/yy` (separators `/ - .`, the same one twice), `yyyy-mm-dd`
/// (also `/` and `.`), "ngày 5 tháng 7 năm 2025" with or without diacritics or the leading "ngày", and
/// "ngày 01/07/2025". Two-digit years pivot at 50: `yy < 50` is 20yy, otherwise 19yy, so "1/7/49" is
/// 2049 and "1/7/50" is 1950 (and "25-07-01" is 25 July 2001: two-digit forms are always day first).
/// A time may follow (after a space or `T`, optionally after "lúc") or precede the date: `HH:MM`,
/// `HH:MM:SS`, `HH:MM:SS.fff` (fraction dropped), "14h30", "14h", "8h05", "8 giờ 30 \[phút\]", and 12-hour
/// forms with AM/PM or SA/CH (sáng/chiều). A trailing "+07:00" is accepted; any other offset or `Z` gives
/// None. A value that is an Excel serial typed as text (5-digit integer part, 10000-99999, optional
/// fraction after `.` or `,`) goes through [`excel_serial`] (1900 system). Anything else, impossible
/// calendar dates included, gives None.
pub fn date(s: &str) -> Option<String> {
    let s = clean(s);
    if let Some(v) = serial_text(&s) {
        return excel_serial(v, false);
    }
    let folded = fold(&s);
    let mut toks: Vec<&str> = Vec::new();
    for tok in folded.split([' ', ',']).filter(|t| !t.is_empty()) {
        match tok.split_once('t') {
            Some((day, time)) if numeric_date(day).is_some() => toks.extend([day, time]),
            _ => toks.push(tok),
        }
    }
    let (start, end, day) = find_date(&toks)?;
    let (before, after) = (&toks[..start], &toks[end..]);
    let time_toks = match (before.is_empty(), after.is_empty()) {
        (true, true) => return Some(iso(day, None)),
        (false, true) => before,
        (true, false) => after,
        (false, false) => return None,
    };
    let time_toks = match time_toks {
        ["luc", rest @ ..] => rest,
        t => t,
    };
    Some(iso(day, Some(parse_time(time_toks)?)))
}

/// An Excel serial typed as text: exactly five digits (no leading zero), then optionally `.`/`,` and digits.
fn serial_text(s: &str) -> Option<f64> {
    let (int, frac) = s
        .split_once(['.', ','])
        .map_or((s, None), |(i, f)| (i, Some(f)));
    let serial =
        digits::<u32>(int, 5, 5).is_some_and(|n| n >= 10_000) && frac.is_none_or(all_digits);
    serial.then(|| s.replace(',', ".").parse().ok())?
}

/// `d/m/yyyy`, `d/m/yy` or `yyyy/m/d` with one kind of separator among `/ - .`.
fn numeric_date(tok: &str) -> Option<Date> {
    let sep = tok.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = tok.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if a.len() == 4 {
        return ymd(digits(a, 4, 4)?, digits(b, 1, 2)?, digits(c, 1, 2)?);
    }
    let (day, month) = (digits(a, 1, 2)?, digits(b, 1, 2)?);
    let year = match c.len() {
        4 => digits(c, 4, 4)?,
        2 => match digits::<i32>(c, 2, 2)? {
            yy if yy < 50 => 2000 + yy,
            yy => 1900 + yy,
        },
        _ => return None,
    };
    ymd(year, month, day)
}

/// The date among folded tokens: its token span (with a leading "ngay") and value. None if absent or
/// if several numeric dates appear.
fn find_date(toks: &[&str]) -> Option<(usize, usize, Date)> {
    let (start, end, day) = if let Some(i) = toks.iter().position(|t| *t == "thang") {
        let day = toks.get(i.checked_sub(1)?)?;
        let (month, nam, year) = (toks.get(i + 1)?, toks.get(i + 2)?, toks.get(i + 3)?);
        if *nam != "nam" {
            return None;
        }
        let value = ymd(
            digits(year, 4, 4)?,
            digits(month, 1, 2)?,
            digits(day, 1, 2)?,
        )?;
        (i - 1, i + 4, value)
    } else {
        let mut found = toks
            .iter()
            .enumerate()
            .filter_map(|(i, t)| numeric_date(t).map(|v| (i, v)));
        let (i, value) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        (i, i + 1, value)
    };
    let ngay = start > 0 && toks[start - 1] == "ngay";
    Some((start - usize::from(ngay), end, day))
}

/// A time of day from folded tokens (see [`date`] for the forms).
fn parse_time(toks: &[&str]) -> Option<Time> {
    let joined = toks.join(" ");
    let mut t = joined.strip_suffix("+07:00").unwrap_or(&joined).trim_end();
    let mut pm = None;
    for (is_pm, markers) in [(false, "a.m. am sang sa"), (true, "p.m. pm chieu ch")] {
        if let Some(rest) = markers.split(' ').find_map(|m| t.strip_suffix(m)) {
            (t, pm) = (rest.trim_end(), Some(is_pm));
            break;
        }
    }
    let core = t.replace(' ', "").replace("gio", "h");
    let (h, m, s) = if let Some((h, rest)) = core.split_once(':') {
        let (m, sec) = match rest.split_once(':') {
            Some((m, s)) => (m, Some(s)),
            None => (rest, None),
        };
        let sec = match sec.map(|s| s.split_once('.').unwrap_or((s, "0"))) {
            None => 0,
            Some((whole, frac)) if all_digits(frac) => digits(whole, 2, 2)?,
            Some(_) => return None,
        };
        (digits(h, 1, 2)?, digits(m, 2, 2)?, sec)
    } else if let Some((h, m)) = core.split_once('h') {
        let m = m
            .strip_suffix("phut")
            .or_else(|| m.strip_suffix('p'))
            .unwrap_or(m);
        let m = if m.is_empty() { 0 } else { digits(m, 2, 2)? };
        (digits(h, 1, 2)?, m, 0)
    } else {
        return None;
    };
    let h = match pm {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(is_pm) => h % 12 + if is_pm { 12 } else { 0 },
    };
    Time::from_hms(h, m, s).ok()
}

/// An Excel serial date (1900 date system, or 1904 when `date1904`) -> ISO as above; the fractional part is the time
/// of day (rounded to the second; a zero fraction gives a date only). None outside 1900-01-01..9999-12-31.
///
/// 1900 system: serial 1 is 1900-01-01 and 61 is 1900-03-01; serial 60 is Excel's fictitious 29 February
/// 1900 and gives None, as does serial 0 ("1900-01-00"). 1904 system: serial 0 is 1904-01-01. A fraction
/// that rounds to a whole day moves to the next day's midnight, which is a date only.
pub fn excel_serial(v: f64, date1904: bool) -> Option<String> {
    if !v.is_finite() || !(0.0..4_000_000.0).contains(&v) {
        return None;
    }
    let secs = (v * 86_400.0).round() as i64;
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let base = match (date1904, days) {
        (true, _) => d!(1904 - 01 - 01),
        (false, 0 | 60) => return None,
        (false, 1..=59) => d!(1899 - 12 - 31),
        (false, _) => d!(1899 - 12 - 30),
    };
    let day = Date::from_julian_day(base.to_julian_day() + i32::try_from(days).ok()?).ok()?;
    if day.year() > 9999 {
        return None;
    }
    let time = (sod != 0).then(|| Time::MIDNIGHT + time::Duration::seconds(sod));
    Some(iso(day, time))
}

/// Unit words allowed after a count, folded; longer ones first ("van ban" before "ban").
const UNITS: [&str; 12] = [
    "tai lieu", "van ban", "sheets", "pages", "trang", "sheet", "page", "docs", "ban", "tep",
    "doc", "to",
];

/// A count (pages, sheets, documents) -> the number, or why it is not one.
///
/// Thousands separators `.`, `,` or space are allowed when every group after the first has exactly three
/// digits and the first has one to three, not starting with 0 ("1.234", "1 234"); a decimal part (the other of `.`/`,`, or a
/// single separator not followed by exactly three digits) must be zeros ("12,0"). A unit word may follow
/// ("12 trang", "3 tờ", "5 pages"). A leading `-` before a number is [`CountError::Negative`], even "-0".
pub fn count(s: &str) -> Result<u64, CountError> {
    let s = fold(&clean(s));
    if s.is_empty() {
        return Err(CountError::Empty);
    }
    let mut s = s.as_str();
    if let Some(rest) = UNITS.iter().find_map(|u| {
        s.strip_suffix(u)
            .filter(|r| r.ends_with(|c: char| c == ' ' || c.is_ascii_digit()))
    }) {
        s = rest.trim_end();
    }
    match s.strip_prefix('-') {
        Some(rest) => match number(rest.trim_start()) {
            Ok(_) | Err(CountError::NotWhole) => Err(CountError::Negative),
            Err(e) => Err(e),
        },
        None => number(s),
    }
}

fn number(s: &str) -> Result<u64, CountError> {
    let bad = Err(CountError::NotANumber);
    if !s.starts_with(|c: char| c.is_ascii_digit())
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' '))
    {
        return bad;
    }
    // The last '.' or ',' starts a decimal part when it occurs once and either thousands use another
    // separator ("1.234,5", "1 234,0") or it is not followed by exactly three digits ("12,5" but "1.234").
    let first = s.chars().find(|c| !c.is_ascii_digit());
    let last = s.chars().rev().find(|c| matches!(c, '.' | ','));
    let (int, frac) = match last.and_then(|l| Some((l, s.rsplit_once(l)?))) {
        Some((l, (int, frac)))
            if s.matches(l).count() == 1
                && !frac.contains(' ')
                && (first != Some(l) || frac.len() != 3) =>
        {
            (int, Some(frac))
        }
        _ => (s, None),
    };
    if let Some(sep) = int.chars().find(|c| !c.is_ascii_digit()) {
        let groups: Vec<&str> = int.split(sep).collect();
        if !(1..=3).contains(&groups[0].len())
            || groups[0].starts_with('0')
            || groups[1..]
                .iter()
                .any(|g| g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()))
        {
            return bad;
        }
    }
    let whole: String = int.chars().filter(char::is_ascii_digit).collect();
    match (whole.parse(), frac) {
        (Err(_), _) | (_, Some("")) => bad,
        (_, Some(f)) if f.bytes().any(|b| b != b'0') => Err(CountError::NotWhole),
        (n, _) => n.map_err(|_| CountError::NotANumber),
    }
}

fn is_code_sep(c: char) -> bool {
    matches!(c, '.' | '-' | '/' | '_' | ':')
}

/// A code as typed (case number, procedure/agency code, archival code): stray spaces removed.
///
/// Zero-width characters go; whitespace (NBSP included) at the ends or next to `. - / _ :` goes; other
/// runs of whitespace become one space. Letter case is kept.
pub fn code(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().filter(|c| !ZERO_WIDTH.contains(c)) {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() && !is_code_sep(c) && !out.ends_with(is_code_sep) {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// An identity number (CCCD/CMND): digits only when the value is digits separated by spaces, dots or dashes; otherwise `code(s)`.
pub fn id_number(s: &str) -> String {
    let c = clean(s);
    let grouped_digits = c.starts_with(|ch: char| ch.is_ascii_digit())
        && c.ends_with(|ch: char| ch.is_ascii_digit())
        && c.chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, ' ' | '.' | '-'));
    if grouped_digits {
        c.chars().filter(char::is_ascii_digit).collect()
    } else {
        code(s)
    }
}

/// A value of a two-digit code list (TT 05/2025: maintenance, mode, format, confidenceLevel, language ...):
/// "1" -> "01", "1.0" -> "01", "1, 6" / "1;6" -> "01, 06"; labels and anything else returned trimmed, unchanged.
pub fn code_list(s: &str) -> String {
    let c = clean(s);
    let items: Option<Vec<String>> = c
        .split([',', ';'])
        .map(|item| {
            let (int, frac) = item.trim().split_once('.').unwrap_or((item.trim(), "0"));
            let zeros = !frac.is_empty() && frac.bytes().all(|b| b == b'0');
            digits::<u8>(int, 1, 2)
                .filter(|_| zeros)
                .map(|n| format!("{n:02}"))
        })
        .collect();
    match items {
        Some(items) => items.join(", "),
        None => s
            .trim_matches(|c: char| c.is_whitespace() || ZERO_WIDTH.contains(&c))
            .to_string(),
    }
}

/// How people write the submission channel -> `direct`, `online` or `postal`.
pub fn channel(s: &str) -> Option<&'static str> {
    let f = fold(s);
    if f.contains("truc tuyen") || f.contains("online") || f.contains("dvc") {
        Some("online")
    } else if f.contains("buu chinh") || f.contains("bcci") || f.contains("postal") {
        Some("postal")
    } else if f.contains("truc tiep") || f.contains("direct") || f.contains("mot cua") {
        Some("direct")
    } else {
        None
    }
}

/// A channel code (`direct`, `online`, `postal`) as people read it in `lang`; None for any
/// other value (shown as stored).
pub fn channel_label(code: &str, lang: crate::problem::Lang) -> Option<&'static str> {
    Some(match code {
        "direct" => lang.pick("Trực tiếp", "In person"),
        "online" => lang.pick("Trực tuyến", "Online"),
        "postal" => lang.pick("Bưu chính", "By post"),
        _ => return None,
    })
}

/// The Vietnamese name of a canonical field (a register column, a TT 05/2025 hồ sơ or
/// document field), as registers and TT 05/2025 write it; "" for a field it does not know.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "case_code" => "Mã hồ sơ",
        "folder" => "Thư mục",
        "procedure_code" => "Mã TTHC",
        "procedure_name" => "Tên thủ tục",
        "sector" => "Lĩnh vực",
        "agency_code" => "Mã cơ quan",
        "agency_name" => "Cơ quan",
        "applicant_name" => "Người nộp",
        "applicant_id" => "Số CCCD",
        "received_date" => "Ngày tiếp nhận",
        "due_date" => "Ngày hẹn trả",
        "resolved_date" => "Ngày có kết quả",
        "returned_date" => "Ngày trả kết quả",
        "channel" | "channel_label" => "Hình thức nộp",
        "status" => "Trạng thái",
        "file_code" | "arc_file_code" => "Mã hồ sơ lưu trữ",
        "title" => "Tiêu đề hồ sơ",
        "maintenance" => "Thời hạn lưu trữ",
        "mode" => "Chế độ sử dụng",
        "language" => "Ngôn ngữ",
        "start_date" => "Thời gian bắt đầu",
        "end_date" => "Thời gian kết thúc",
        "keyword" => "Từ khóa",
        "total_doc" => "Tổng số tài liệu",
        "number_of_paper" => "Số lượng tờ",
        "number_of_page" => "Số lượng trang",
        "format" => "Tình trạng vật lý",
        "infor_sign" => "Ký hiệu thông tin",
        "confidence_level" => "Mức độ tin cậy",
        "paper_file_code" => "Mã hồ sơ gốc giấy",
        "risk_recovery" => "Chế độ dự phòng",
        "risk_recovery_status" => "Tình trạng dự phòng",
        "description" => "Ghi chú",
        "label" => "Tên thành phần",
        "type_name" => "Tên loại văn bản",
        "code_number" => "Số văn bản",
        "code_notation" => "Ký hiệu văn bản",
        "issued_date" => "Ngày văn bản",
        "organ_name" => "Cơ quan ban hành",
        "subject" => "Trích yếu nội dung",
        "autograph" => "Bút tích",
        _ => "",
    }
}

/// A field as a message names it: in Vietnamese its label ([`field_label`]) for a field key or
/// a record path (`received_date`, `case.due_date`, `hoso.arcFileCode`,
/// `components[2].issued_date`; `extra.<header>` is the register's own header), in English the
/// key or path as it is. A field without a label keeps its key in both.
pub fn field_name(path: &str, lang: crate::problem::Lang) -> String {
    if lang == crate::problem::Lang::En {
        return path.to_string();
    }
    if let Some(header) = path.strip_prefix("extra.") {
        return header.to_string();
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    // TT 05/2025 names are camelCase (`arcFileCode`), the record's keys snake_case.
    let mut key = String::with_capacity(last.len() + 4);
    for c in last.chars() {
        if c.is_ascii_uppercase() {
            key.push('_');
            key.push(c.to_ascii_lowercase());
        } else {
            key.push(c);
        }
    }
    match field_label(&key) {
        "" => path.to_string(),
        label => label.to_string(),
    }
}

/// The access mode of a hồ sơ (TT 05/2025 `mode`), who may read it in the reading room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessMode {
    /// 01 Công khai: every reader.
    Public,
    /// 02 Sử dụng có điều kiện: readers granted the case.
    Conditional,
    /// 03 Mật: never readers.
    Secret,
}

impl AccessMode {
    /// The filter value the index stores (`access=public|conditional|secret`).
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::Public => "public",
            AccessMode::Conditional => "conditional",
            AccessMode::Secret => "secret",
        }
    }
}

/// How a record's `mode` reads as an access mode: the code (`01`, `1`, ` 02 `) or its label
/// (`Công khai`, `su dung co dieu kien`, `Mật`). `None` for anything else (an empty or unknown
/// mode), which the web treats like `Secret` for readers: nobody is shown what was not cleared.
pub fn access_mode(s: &str) -> Option<AccessMode> {
    let f = fold(s);
    let f = f.trim();
    match f.trim_start_matches('0') {
        "1" => return Some(AccessMode::Public),
        "2" => return Some(AccessMode::Conditional),
        "3" => return Some(AccessMode::Secret),
        _ => {}
    }
    match f {
        "cong khai" => Some(AccessMode::Public),
        "su dung co dieu kien" | "han che" => Some(AccessMode::Conditional),
        "mat" | "toi mat" | "tuyet mat" => Some(AccessMode::Secret),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_modes() {
        assert_eq!(access_mode("01"), Some(AccessMode::Public));
        assert_eq!(access_mode(" 1 "), Some(AccessMode::Public));
        assert_eq!(access_mode("Công khai"), Some(AccessMode::Public));
        assert_eq!(access_mode("02"), Some(AccessMode::Conditional));
        assert_eq!(
            access_mode("Sử dụng có điều kiện"),
            Some(AccessMode::Conditional)
        );
        assert_eq!(access_mode("03"), Some(AccessMode::Secret));
        assert_eq!(access_mode("MẬT"), Some(AccessMode::Secret));
        assert_eq!(access_mode(""), None);
        assert_eq!(access_mode("00"), None);
        assert_eq!(access_mode("04"), None);
        assert_eq!(access_mode("công khai một phần"), None);
    }

    #[test]
    fn channels() {
        assert_eq!(channel("Trực tuyến"), Some("online"));
        assert_eq!(channel("Bưu chính công ích"), Some("postal"));
        assert_eq!(channel("TRỰC TIẾP"), Some("direct"));
        assert_eq!(channel("fax"), None);
        use crate::problem::Lang;
        assert_eq!(channel_label("postal", Lang::Vi), Some("Bưu chính"));
        assert_eq!(channel_label("direct", Lang::En), Some("In person"));
        assert_eq!(channel_label("fax", Lang::Vi), None);
    }

    #[test]
    fn fields_are_named_by_their_label_in_vietnamese_and_key_in_english() {
        use crate::problem::Lang;
        assert_eq!(field_name("received_date", Lang::Vi), "Ngày tiếp nhận");
        assert_eq!(field_name("case.due_date", Lang::Vi), "Ngày hẹn trả");
        assert_eq!(field_name("hoso.arcFileCode", Lang::Vi), "Mã hồ sơ lưu trữ");
        assert_eq!(field_name("hoso.numberOfPage", Lang::Vi), "Số lượng trang");
        assert_eq!(
            field_name("components[2].issued_date", Lang::Vi),
            "Ngày văn bản"
        );
        assert_eq!(field_name("extra.Số biên lai", Lang::Vi), "Số biên lai");
        assert_eq!(
            field_name("case.unknown_thing", Lang::Vi),
            "case.unknown_thing"
        );
        assert_eq!(field_name("case.due_date", Lang::En), "case.due_date");
        assert_eq!(field_label("description"), "Ghi chú");
    }
    use proptest::prelude::*;

    /// `expected <= typed | typed ...` per line; `-` expects None / an error. Escapes are Rust's.
    const DATES: &str = "\
2025-07-01 <= 01/07/2025 | 1/7/2025 | 01-07-2025 | 01.07.2025 | 1/7/25 | ngày 01/07/2025
2025-07-01 <= 2025-07-01 | 2025/7/1 | 2025.07.01 | \u{feff}\u{a0}01/07/2025\u{200b} | 45839
2049-12-31 <= 31/12/49
1950-07-01 <= 1/7/50
2001-07-25 <= 25-07-01
2024-02-29 <= 29/02/2024
1927-05-18 <= 10000
2173-10-13 <= 99999
2025-07-05 <= ngày 5 tháng 7 năm 2025 | Ngày 05 tháng 07 năm 2025 | ngay 5 thang 7 nam 2025
2025-07-05 <= NGÀY 5 THÁNG 7 NĂM 2025 | 5 tháng 7 năm 2025
2025-07-01T14:30:00+07:00 <= 01/07/2025 14:30 | 01/07/2025\u{a0}14:30:00 | 2025-07-01T14:30:00
2025-07-01T14:30:00+07:00 <= 2025-07-01T14:30:00+07:00 | 2025-07-01T14:30:00.123+07:00
2025-07-01T14:30:00+07:00 <= 01/07/2025 14h30 | 01/07/2025 2:30 PM | 01/07/2025 2:30pm
2025-07-01T14:30:00+07:00 <= 01/07/2025 02:30 CH | 01/07/2025 2 giờ 30 chiều
2025-07-01T14:30:00+07:00 <= ngày 1 tháng 7 năm 2025, lúc 14 giờ 30 phút
2025-07-01T14:30:15+07:00 <= 01/07/2025 14:30:15.250
2025-07-01T14:00:00+07:00 <= 01/07/2025 14h
2025-07-01T08:05:00+07:00 <= 01/07/2025 8h05
2025-07-01T08:30:00+07:00 <= 01/07/2025 08:30 SA | 01/07/2025 8h30 sáng | 08:30 01/07/2025
2025-07-01T08:30:00+07:00 <= 8 giờ 30 ngày 1/7/2025
2025-07-01T00:15:00+07:00 <= 01/07/2025 12:15 AM
2025-07-01T12:15:00+07:00 <= 01/07/2025 12:15 p.m.
2025-07-01T12:00:00+07:00 <= 45839.5 | 45839,5
- <= \u{a0}  | 2025 | 1234 | 09999 | 100000 | 45839. | 31/02/2025 | 29/02/2025 | 01/13/2025
- <= 00/07/2025 | 1/7-2025 | 01/07/025 | 01/07/2025 24:00 | 01/07/2025 14:60 | 01/07/2025 14h3
- <= 01/07/2025 13:00 PM | 01/07/2025 0:30 AM | 2025-07-01T | 2025-07-01T14:30:00Z
- <= 2025-07-01T14:30:00+08:00 | 2025-07-01 14:30-05:00 | 01/07/2025 +07:00 | 01/07/2025 abc
- <= 01/07/2025 02/07/2025 | 08:30 01/07/2025 09:00 | ngày 5 tháng 13 năm 2025 | hôm qua
- <= ngày 5 tháng 7 2025 | Hà Nội, ngày 5 tháng 7 năm 2025";

    /// The cases of a `<=` table as (expected, typed).
    fn cases(table: &str) -> impl Iterator<Item = (&str, &str)> {
        table.lines().flat_map(|line| {
            let (want, typed) = line.split_once(" <= ").unwrap();
            typed.split(" | ").map(move |t| (want, t))
        })
    }

    #[test]
    fn date_table() {
        assert_eq!(date(""), None);
        for (want, typed) in cases(DATES) {
            let want = (want != "-").then(|| want.to_string());
            assert_eq!(date(typed), want, "date({typed:?})");
        }
    }

    /// `expected <= serial | serial ...`; a serial starting with `@` is in the 1904 system.
    const SERIALS: &str = "\
2024-07-01 <= 45474 | @44012
2025-07-01 <= 45839 | @44377
2025-07-02 <= 45839.99999537
2025-07-01T12:00:00+07:00 <= 45839.5
2025-07-01T06:00:00+07:00 <= 45839.25
2025-07-01T18:00:00+07:00 <= @44377.75
1900-01-01 <= 1
1900-02-28 <= 59
1900-03-01 <= 61
1904-01-01 <= @0
9999-12-31 <= 2958465 | @2957003
- <= 60 | 60.5 | 0 | 0.5 | 2958466 | @2957004 | -1 | -0.5 | NaN | inf | -inf";

    #[test]
    fn excel_serial_known_values() {
        // 60 is Excel's fictitious 1900-02-29, 0 its "1900-01-00"; 45839.99999537 is 23:59:59.6.
        for (want, typed) in cases(SERIALS) {
            let (v, d1904) = typed
                .strip_prefix('@')
                .map_or((typed, false), |v| (v, true));
            let want = (want != "-").then(|| want.to_string());
            assert_eq!(excel_serial(v.parse().unwrap(), d1904), want, "{typed}");
        }
    }

    /// `Debug of the result <= typed | typed ...`.
    const COUNTS: &str = "\
Ok(12) <= 12 | 12,0 | 12.00 | 12 trang | 12trang | 12 Trang
Ok(0) <=  0 
Ok(1234) <= 1.234 | 1,234 | 1 234 | 1\u{a0}234 | 1.234,00 | 1,234.0
Ok(1234567) <= 1.234.567 | 1,234,567 | 1 234 567
Ok(12000) <= 12.000
Ok(3) <= 3 tờ | 3 Tài liệu | 3 văn bản | 3 bản | 3 tệp | 3 page | 3 pages | 3 sheets | 3 docs
Err(Empty) <= \u{200b}  | \u{a0}
Err(NotWhole) <= 12,5 | 1.234,5 | 12.05 trang
Err(Negative) <= -3 | - 3 trang | -1,5 | -1.234
Err(NotANumber) <= -abc | abc | trang | 12 quyển | 1.2.3 | 1234.567 | 12 34 | 1,234.567,8
Err(NotANumber) <= 12. | .5 | 1e3 | 99999999999999999999999 | 12 photo | +5 | 1 ,234 | 0.500";

    #[test]
    fn count_table() {
        assert_eq!(count(""), Err(CountError::Empty));
        for (want, typed) in cases(COUNTS) {
            assert_eq!(format!("{:?}", count(typed)), want, "count({typed:?})");
        }
        assert_eq!(CountError::NotWhole.vi(), "không phải số nguyên");
        assert_eq!(CountError::Negative.to_string(), "negative");
    }

    const CODES: &str = "\
000.00.15.H12-250701-0001 <= 000.00.15.H12 - 250701 - 0001 | 000.00.15.H12-250701-0001
G01.05/2025_a:b <= \u{a0} G01 . 05 / 2025 _ a : b\u{200b}\u{feff} 
Hồ sơ số 12 <= Hồ  sơ\t\u{a0}số   12";
    const IDS: &str = "\
079095001234 <= 079 095 001 234 | 079.095.001.234 |  079-095-001234\u{a0}
CCCD 079 095 <= CCCD  079 095
079 095- <= 079 095 -";
    const LISTS: &str = "\
01 <= 1 | 01 | 1.0 | 01.00
12 <=  12.00 
01, 06 <= 1, 6 | 1;6 | 1 ;6
01, 06, 03 <= 1 ; 06,3
Tiếng Việt <=  Tiếng Việt 
1.5 <= 1.5
123 <= 123
1, <= 1,
 <= ";

    #[test]
    fn code_id_and_code_list_tables() {
        let parse: [fn(&str) -> String; 3] = [code, id_number, code_list];
        for (f, table) in parse.into_iter().zip([CODES, IDS, LISTS]) {
            for (want, typed) in cases(table) {
                assert_eq!(f(typed), want, "{typed:?}");
            }
        }
    }

    fn grouped(n: u64, sep: char) -> String {
        let plain = n.to_string();
        let mut out = String::new();
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && (plain.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn typed_dates_round_trip(off in 0i32..36_525, h in 0u32..24, mi in 0u32..60, se in 0u32..60) {
            let jd = d!(1950 - 01 - 01).to_julian_day() + off;
            let day = Date::from_julian_day(jd).unwrap();
            let (y, m, dd) = (day.year(), u8::from(day.month()), day.day());
            let want = format!("{y:04}-{m:02}-{dd:02}");
            let serial = jd - d!(1899 - 12 - 30).to_julian_day();
            for typed in [
                format!("{dd:02}/{m:02}/{y}"),
                format!("{dd}/{m}/{y}"),
                format!("{dd:02}-{m:02}-{y}"),
                format!("{y}-{m:02}-{dd:02}"),
                format!("{dd}/{m}/{:02}", y % 100),
                format!("ngày {dd} tháng {m} năm {y}"),
                serial.to_string(),
            ] {
                prop_assert_eq!(date(&typed), Some(want.clone()), "{}", typed);
            }
            let with_time = format!("{want}T{h:02}:{mi:02}:{se:02}+07:00");
            let typed = format!("{dd:02}/{m:02}/{y} {h:02}:{mi:02}:{se:02}");
            prop_assert_eq!(date(&typed), Some(with_time.clone()));
            let secs = h * 3600 + mi * 60 + se;
            let v = f64::from(serial) + f64::from(secs) / 86_400.0;
            let expected = if secs == 0 { want.clone() } else { with_time };
            prop_assert_eq!(excel_serial(v, false), Some(expected));
            let serial1904 = jd - d!(1904 - 01 - 01).to_julian_day();
            prop_assert_eq!(excel_serial(f64::from(serial1904), true), Some(want));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}", near in "[0-9/.,:hT+ -]{0,24}", v in proptest::num::f64::ANY) {
            for s in [&s, &near] {
                let _ = (date(s), count(s), code(s), id_number(s), code_list(s));
            }
            let _ = (excel_serial(v, false), excel_serial(v, true));
        }

        #[test]
        fn counts_round_trip(n in 0u64..1_000_000_000) {
            for typed in [n.to_string(), grouped(n, '.'), grouped(n, ' '), grouped(n, ','), format!("{n} trang")] {
                prop_assert_eq!(count(&typed), Ok(n), "{}", typed);
            }
        }

        #[test]
        fn code_is_idempotent_and_trimmed(s in "\\PC{0,40}", spaced in "[ A-Za-z0-9./_:\u{a0}\u{200b}\t-]{0,30}") {
            for s in [&s, &spaced] {
                let once = code(s);
                prop_assert_eq!(code(&once), once.clone());
                prop_assert_eq!(once.trim(), once.as_str());
                prop_assert!(!once.contains("  "));
            }
        }
    }
}
