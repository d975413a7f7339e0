//! Identifiers and code lists (domain.md §2.1.4, §3, §8): agency codes, TTHC case numbers,
//! procedure codes, archival file codes, CCCD numbers and the TT 05/2025 code lists.

use regex::Regex;
use std::sync::LazyLock;

static AGENCY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$").expect("static regex"));
static CASE_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{2})(\d{2})(\d{2})-(\d{4})$")
        .expect("static regex")
});
static PROCEDURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[1-3]\.\d{6}(?:\.[A-Z]\d{2})?$").expect("static regex"));
static FILE_CODE_CHARS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9ĐđÂ-ỹ._-]+$").expect("static regex"));

/// Agency identifier `V1V2V3.Z1Z2.Y1Y2.MX1X2` (QCVN 102:2016), e.g. `000.00.15.H12`.
pub fn agency_ok(code: &str) -> bool {
    AGENCY.is_match(code)
}

/// A TTHC case number split into its parts (TT 01/2018/TT-VPCP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNumber {
    pub agency: String,
    /// Receipt date written in the number.
    pub date: Option<time::Date>,
    pub seq: u32,
}

/// Why a case number is not well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseNumberError {
    /// Not `agency-YYMMDD-XXXX`.
    Shape,
    /// The YYMMDD part is not a calendar date.
    Date,
}

/// Parses `000.00.15.H12-250701-0001`. Years `YY` are 2000 + YY (the scheme started in 2018).
pub fn case_number(code: &str) -> Result<CaseNumber, CaseNumberError> {
    let c = CASE_CODE.captures(code).ok_or(CaseNumberError::Shape)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (yy, mm, dd, seq) = (num(2), num(3), num(4), num(5));
    let (Some(yy), Some(mm), Some(dd), Some(seq)) = (yy, mm, dd, seq) else {
        return Err(CaseNumberError::Shape);
    };
    let date = u8::try_from(mm)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .and_then(|m| time::Date::from_calendar_date(2000 + yy as i32, m, dd as u8).ok())
        .ok_or(CaseNumberError::Date)?;
    Ok(CaseNumber {
        agency: c[1].to_string(),
        date: Some(date),
        seq,
    })
}

/// National TTHC procedure code `D.DDDDDD` with an optional `.X99` suffix (e.g. `1.013978.H36`).
pub fn procedure_ok(code: &str) -> bool {
    PROCEDURE.is_match(code)
}

/// The procedure code without its province/agency suffix: `1.013978.H36` -> `1.013978`.
pub fn procedure_base(code: &str) -> &str {
    match code.match_indices('.').nth(1) {
        Some((i, _)) => &code[..i],
        None => code,
    }
}

/// TT 05/2025 fileCode/arcFileCode, validated leniently (domain.md §3.2): at most 100
/// characters, at least 4 dot-separated non-empty segments... or a TTHC case number, which
/// sohoa uses as the archival code when the register gives none. `None` when acceptable,
/// else what is wrong (English; the caller words the finding).
pub fn file_code_problem(code: &str, this_year: i32) -> Option<(&'static str, &'static str)> {
    if case_number(code).is_ok() {
        return None;
    }
    if code.chars().count() > 100 {
        return Some(("dài quá 100 ký tự", "longer than 100 characters"));
    }
    if !FILE_CODE_CHARS.is_match(code) {
        return Some((
            "có ký tự ngoài chữ, số, '.', '_' và '-'",
            "characters outside letters, digits, '.', '_' and '-'",
        ));
    }
    let segments: Vec<&str> = code.split('.').collect();
    if segments.len() < 4 || segments.iter().any(|s| s.is_empty()) {
        return Some((
            "ít hơn 4 phần cách nhau bởi dấu chấm",
            "fewer than 4 dot-separated segments",
        ));
    }
    let has_year = segments.iter().any(|s| {
        s.len() == 4
            && s.parse::<i32>()
                .is_ok_and(|y| (1900..=this_year).contains(&y))
    });
    (!has_year).then_some(("không có phần năm 4 chữ số", "no 4-digit year segment"))
}

/// Sex encoded in a CCCD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

/// A CCCD (số định danh cá nhân) decoded (domain.md §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cccd {
    pub province: &'static str,
    pub province_known: bool,
    pub birth_year: i32,
    pub sex: Sex,
}

/// Why a citizen number is not a valid CCCD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CccdError {
    /// A 9-digit CMND (legacy identity card number): accepted, not a CCCD.
    LegacyCmnd,
    /// Not 12 digits.
    Shape,
    /// The birth year it encodes is after `this_year`.
    FutureBirthYear(i32),
}

/// Decodes a 12-digit CCCD: province of birth registration, century and sex, birth year.
pub fn cccd(id: &str, this_year: i32) -> Result<Cccd, CccdError> {
    let id: String = id.chars().filter(|c| !c.is_whitespace()).collect();
    if id.len() == 9 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CccdError::LegacyCmnd);
    }
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CccdError::Shape);
    }
    let d = id.as_bytes();
    let digit = |i: usize| (d[i] - b'0') as i32;
    let century = digit(3);
    let birth_year = 1900 + 100 * (century / 2) + digit(4) * 10 + digit(5);
    if birth_year > this_year {
        return Err(CccdError::FutureBirthYear(birth_year));
    }
    let code = &id[..3];
    let province = province_name(code);
    Ok(Cccd {
        province: province.unwrap_or(""),
        province_known: province.is_some(),
        birth_year,
        sex: if century % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        },
    })
}

/// The 63 pre-2025 province codes of the CCCD (domain.md §8.3).
const PROVINCES: &[(&str, &str)] = &[
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "TP Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| PROVINCES[i].1)
}

pub use sohoa_archive::code_lists::{
    CodeCheck, CodeList, CONFIDENCE, FORMAT, LANGUAGE, MAINTENANCE, MODE, RISK_RECOVERY,
    RISK_RECOVERY_STATUS,
};

/// Retention in years of a `maintenance` code; `None` = permanent or unknown (01, 07).
pub fn retention_years(code: &str) -> Option<i32> {
    match code {
        "02" => Some(70),
        "03" => Some(50),
        "04" => Some(30),
        "05" => Some(20),
        "06" => Some(10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn agency_codes() {
        assert!(agency_ok("000.00.15.H12"));
        assert!(agency_ok("000.06.16.G09"));
        assert!(!agency_ok("000.0.15.H12"));
        assert!(!agency_ok("000.00.15.h12"));
        assert!(!agency_ok(" 000.00.15.H12"));
    }

    #[test]
    fn case_numbers() {
        let n = case_number("000.00.15.H12-250701-0001").expect("valid");
        assert_eq!(n.agency, "000.00.15.H12");
        assert_eq!(n.date, Some(time::macros::date!(2025 - 07 - 01)));
        assert_eq!(n.seq, 1);
        assert_eq!(
            case_number("000.00.15.H12-250732-0001"),
            Err(CaseNumberError::Date)
        );
        assert_eq!(
            case_number("000.00.15.H12-250231-0001"),
            Err(CaseNumberError::Date)
        );
        assert_eq!(
            case_number("000.00.15.h12-250701-0001"),
            Err(CaseNumberError::Shape)
        );
        assert_eq!(
            case_number("000.00.15.H12-250701-001"),
            Err(CaseNumberError::Shape)
        );
    }

    #[test]
    fn procedures() {
        assert!(procedure_ok("1.001193"));
        assert!(procedure_ok("1.013978.H36"));
        assert!(!procedure_ok("1.00119"));
        assert!(!procedure_ok("4.001193"));
        assert_eq!(procedure_base("1.013978.H36"), "1.013978");
        assert_eq!(procedure_base("1.001193"), "1.001193");
    }

    #[test]
    fn file_codes() {
        assert_eq!(file_code_problem("000.06.16.G09.2010.01.TH", 2026), None);
        assert_eq!(file_code_problem("H49.64.33.2001.160", 2026), None);
        assert_eq!(file_code_problem("000.00.15.H12-250701-0001", 2026), None);
        assert!(file_code_problem("HS 2025 01", 2026).is_some());
        assert!(file_code_problem("A.B.C.D", 2026).is_some());
        assert!(file_code_problem("A.B.C.2099", 2026).is_some());
    }

    #[test]
    fn cccd_numbers() {
        let c = cccd("040093878972", 2026).expect("valid");
        assert_eq!(c.province, "Nghệ An");
        assert_eq!(c.birth_year, 1993);
        assert_eq!(c.sex, Sex::Male);
        let c = cccd("001301000123", 2026).expect("valid");
        assert_eq!((c.birth_year, c.sex), (2001, Sex::Female));
        assert!(!cccd("003093878972", 2026).expect("shape ok").province_known);
        assert_eq!(cccd("04009387897", 2026), Err(CccdError::Shape));
        assert_eq!(
            cccd("040295878972", 2026),
            Err(CccdError::FutureBirthYear(2095))
        );
        assert_eq!(cccd("123456789", 2026), Err(CccdError::LegacyCmnd));
    }

    #[test]
    fn provinces_sorted() {
        assert!(PROVINCES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(PROVINCES.len(), 63);
    }

    #[test]
    fn code_lists() {
        assert_eq!(MAINTENANCE.check("01"), CodeCheck::Ok);
        assert_eq!(MAINTENANCE.check("07"), CodeCheck::Warn);
        assert_eq!(
            MAINTENANCE.check("Vĩnh viễn"),
            CodeCheck::Bad {
                label_of: Some("01")
            }
        );
        assert_eq!(MODE.check("04"), CodeCheck::Bad { label_of: None });
        assert_eq!(LANGUAGE.check("01, 02"), CodeCheck::Ok);
        assert_eq!(LANGUAGE.check("01,12"), CodeCheck::Bad { label_of: None });
    }

    proptest! {
        #[test]
        fn cccd_never_panics(s in "\\PC{0,20}") {
            let _ = cccd(&s, 2026);
        }

        #[test]
        fn case_number_never_panics(s in "\\PC{0,40}") {
            let _ = case_number(&s);
        }

        #[test]
        fn cccd_round_trip(p in 0usize..63, c in 0u8..4, yy in 0u8..100, rest in 0u32..1_000_000) {
            let id = format!("{}{c}{yy:02}{rest:06}", PROVINCES[p].0);
            let year = 1900 + 100 * (c as i32 / 2) + yy as i32;
            match cccd(&id, 2099) {
                Ok(d) => { prop_assert_eq!(d.birth_year, year); prop_assert!(d.province_known); }
                Err(e) => prop_assert!(false, "{:?}", e),
            }
        }
    }
}
