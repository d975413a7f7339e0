//! ĐÚNG (correct): identifiers well formed and consistent (case number, agency, procedure,
//! archival code, CCCD), dates valid and ordered, TT 05/2025 code lists, bundle and bag sound.

use super::Context;
use crate::calendar::parse_date;
use crate::case::Record;
use crate::codes::{self, CaseNumberError, CccdError, CodeCheck, CodeList};
use crate::finding::{Criterion::Dung, Finding};
use crate::rules::Rule;
use sohoa_archive::bag::Bag;
use std::io::{Read, Seek, SeekFrom};

/// dd/mm/yyyy for messages.
pub use sohoa_archive::time_format::dmy;

/// A CCCD shown to people: masked as everywhere in sohoa (`0400******72`; personal data,
/// domain.md §8.4).
pub fn mask_id(id: &str) -> String {
    sohoa_archive::privacy::mask(id)
}

pub fn check(r: &Record, rule: Option<&Rule>, ctx: &Context, out: &mut Vec<Finding>) {
    identifiers(r, rule, ctx, out);
    dates(r, rule, ctx, out);
    citizen_id(r, ctx, out);
    code_lists(r, out);
}

fn identifiers(r: &Record, rule: Option<&Rule>, ctx: &Context, out: &mut Vec<Finding>) {
    let c = &r.case;
    let agency_valid = match c.agency_code.as_deref() {
        Some(a) if !codes::agency_ok(a) => {
            out.push(
                Finding::error(
                    Dung,
                    "dung.agency_code",
                    format!("Mã cơ quan \"{a}\" sai cấu trúc (đúng: 000.00.15.H12, QCVN 102:2016)"),
                    format!("Agency code \"{a}\" is malformed (expected like 000.00.15.H12, QCVN 102:2016)"),
                )
                .field("case.agency_code"),
            );
            false
        }
        Some(_) => true,
        None => false,
    };
    if let Some(code) = c.case_code.as_deref() {
        match codes::case_number(code) {
            Err(CaseNumberError::Shape) => out.push(
                Finding::error(
                    Dung,
                    "dung.case_code",
                    format!("Mã hồ sơ \"{code}\" sai cấu trúc (đúng: <mã cơ quan>-YYMMDD-XXXX, TT 01/2018/TT-VPCP)"),
                    format!("Case number \"{code}\" is malformed (expected <agency code>-YYMMDD-XXXX, TT 01/2018/TT-VPCP)"),
                )
                .field("case.case_code"),
            ),
            Err(CaseNumberError::Date) => out.push(
                Finding::error(
                    Dung,
                    "dung.case_code",
                    format!("Mã hồ sơ \"{code}\": phần ngày YYMMDD không phải ngày có thật"),
                    format!("Case number \"{code}\": its YYMMDD part is not a real date"),
                )
                .field("case.case_code"),
            ),
            Ok(n) => {
                let received = c.received_date.as_deref().and_then(parse_date);
                if let (Some(d), Some(rd)) = (n.date, received) {
                    if d != rd {
                        out.push(
                            Finding::error(
                                Dung,
                                "dung.case_code_date",
                                format!("Mã hồ sơ \"{code}\" ghi ngày {} nhưng ngày tiếp nhận là {}", dmy(d), dmy(rd)),
                                format!("Case number \"{code}\" says {} but the case was received on {}", dmy(d), dmy(rd)),
                            )
                            .field("case.case_code"),
                        );
                    }
                }
                if let Some(d) = n.date.filter(|d| *d > ctx.as_of) {
                    out.push(
                        Finding::error(
                            Dung,
                            "dung.date_future",
                            format!("Mã hồ sơ \"{code}\" mang ngày trong tương lai ({})", dmy(d)),
                            format!("Case number \"{code}\" carries a future date ({})", dmy(d)),
                        )
                        .field("case.case_code"),
                    );
                }
                if let Some(a) = c.agency_code.as_deref().filter(|_| agency_valid) {
                    if a != n.agency {
                        out.push(
                            Finding::error(
                                Dung,
                                "dung.agency_mismatch",
                                format!("Mã hồ sơ thuộc cơ quan {} nhưng mã cơ quan ghi {a}", n.agency),
                                format!("The case number belongs to agency {} but the agency code is {a}", n.agency),
                            )
                            .field("case.agency_code"),
                        );
                    }
                }
            }
        }
    }
    let mut known_rule = false;
    if let Some(p) = c.procedure_code.as_deref() {
        if !codes::procedure_ok(p) {
            out.push(
                Finding::error(
                    Dung,
                    "dung.procedure_code",
                    format!("Mã TTHC \"{p}\" sai cấu trúc (đúng: 1.001193 hoặc 1.013978.H36)"),
                    format!("Procedure code \"{p}\" is malformed (expected like 1.001193 or 1.013978.H36)"),
                )
                .field("case.procedure_code"),
            );
            known_rule = true; // already reported
        }
    }
    if !known_rule && (c.procedure_code.is_some() || c.procedure_name.is_some()) && rule.is_none() {
        let what = c
            .procedure_code
            .as_deref()
            .or(c.procedure_name.as_deref())
            .unwrap_or("");
        out.push(
            Finding::warning(
                Dung,
                "dung.procedure_unknown",
                format!("Thủ tục \"{what}\" chưa có tệp quy tắc thành phần hồ sơ: không kiểm tra được thành phần"),
                format!("No rule file for procedure \"{what}\": its components cannot be checked"),
            )
            .field("case.procedure_code"),
        );
    }
    if let Some(fc) = r.hoso.arc_file_code.as_deref() {
        if let Some((why, why_en)) = codes::file_code_problem(fc, ctx.as_of.year()) {
            out.push(
                Finding::warning(
                    Dung,
                    "dung.file_code",
                    format!("Mã hồ sơ lưu trữ \"{fc}\" không đúng dạng TT 05/2025 ({why})"),
                    format!("Archival file code \"{fc}\" does not follow TT 05/2025 ({why_en})"),
                )
                .field("hoso.arcFileCode"),
            );
        }
    }
}

fn dates(r: &Record, rule: Option<&Rule>, ctx: &Context, out: &mut Vec<Finding>) {
    let c = &r.case;
    let fields = [
        (
            "case.received_date",
            "ngày tiếp nhận",
            "received date",
            &c.received_date,
            true,
        ),
        (
            "case.due_date",
            "ngày hẹn trả",
            "due date",
            &c.due_date,
            false,
        ),
        (
            "case.resolved_date",
            "ngày có kết quả",
            "resolution date",
            &c.resolved_date,
            true,
        ),
        (
            "case.returned_date",
            "ngày trả kết quả",
            "return date",
            &c.returned_date,
            true,
        ),
    ];
    let mut parsed = Vec::new();
    for (field, vi, en, value, past) in fields {
        let Some(v) = value.as_deref() else {
            parsed.push(None);
            continue;
        };
        match parse_date(v) {
            None => {
                out.push(
                    Finding::error(
                        Dung,
                        "dung.date_invalid",
                        format!("{} \"{v}\" không phải ngày hợp lệ", capital(vi)),
                        format!("The {en} \"{v}\" is not a valid date"),
                    )
                    .field(field),
                );
                parsed.push(None);
            }
            Some(d) => {
                if past && d > ctx.as_of {
                    out.push(
                        Finding::error(
                            Dung,
                            "dung.date_future",
                            format!("{} {} ở tương lai", capital(vi), dmy(d)),
                            format!("The {en} {} is in the future", dmy(d)),
                        )
                        .field(field),
                    );
                }
                parsed.push(Some(d));
            }
        }
    }
    let pairs = [
        (0, 1, "ngày hẹn trả", "due date"),
        (0, 2, "ngày có kết quả", "resolution date"),
        (0, 3, "ngày trả kết quả", "return date"),
        (2, 3, "ngày trả kết quả", "return date"),
    ];
    for (a, b, vi, en) in pairs {
        if let (Some(x), Some(y)) = (parsed[a], parsed[b]) {
            if y < x {
                let (avi, aen) = if a == 0 {
                    ("ngày tiếp nhận", "received date")
                } else {
                    ("ngày có kết quả", "resolution date")
                };
                out.push(
                    Finding::error(
                        Dung,
                        "dung.date_order",
                        format!("{} {} trước {avi} {}", capital(vi), dmy(y), dmy(x)),
                        format!("The {en} {} is before the {aen} {}", dmy(y), dmy(x)),
                    )
                    .field(fields[b].0),
                );
            }
        }
    }
    // Recorded due date against the procedure's time limit and the holiday calendar.
    if let (Some(rule), Some(received), Some(due)) = (rule, c.received_date.as_deref(), parsed[1]) {
        if let Some((days, working)) = rule.time_limit {
            if let Some(computed) = ctx.calendar.due(received, days, working) {
                if computed != due && parsed[0].is_some() {
                    let unit = if working {
                        "ngày làm việc"
                    } else {
                        "ngày"
                    };
                    out.push(
                        Finding::warning(
                            Dung,
                            "dung.due_date",
                            format!("Ngày hẹn trả {} khác hạn tính theo thời hạn giải quyết {days} {unit} ({})", dmy(due), dmy(computed)),
                            format!("Due date {} differs from the statutory time limit of {days} {} ({})", dmy(due), if working { "working days" } else { "days" }, dmy(computed)),
                        )
                        .field("case.due_date"),
                    );
                }
            }
        }
    }
    let partial = |s: &str| {
        parse_date(s).or_else(|| {
            let y: i32 = s.get(0..4)?.parse().ok()?;
            let m: u8 = match s.get(5..7) {
                Some(m) => m.parse().ok()?,
                None if s.len() == 4 => 1,
                None => return None,
            };
            time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, 1).ok()
        })
    };
    let (start, end) = (r.hoso.start_date.as_deref(), r.hoso.end_date.as_deref());
    for (field, v) in [("hoso.startDate", start), ("hoso.endDate", end)] {
        if let Some(v) = v.filter(|v| partial(v).is_none()) {
            out.push(
                Finding::error(
                    Dung,
                    "dung.date_invalid",
                    format!(
                        "{} \"{v}\" không phải ngày hợp lệ (DD/MM/YYYY, MM/YYYY hoặc YYYY)",
                        sohoa_archive::values::field_name(field, sohoa_archive::problem::Lang::Vi)
                    ),
                    format!("{field} \"{v}\" is not a valid date (DD/MM/YYYY, MM/YYYY or YYYY)"),
                )
                .field(field),
            );
        }
    }
    if let (Some(s), Some(e)) = (start.and_then(partial), end.and_then(partial)) {
        if e < s {
            out.push(
                Finding::error(
                    Dung,
                    "dung.date_order",
                    format!(
                        "Thời gian kết thúc {} trước thời gian bắt đầu {}",
                        dmy(e),
                        dmy(s)
                    ),
                    format!("End date {} is before start date {}", dmy(e), dmy(s)),
                )
                .field("hoso.endDate"),
            );
        }
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn citizen_id(r: &Record, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(id) = r.case.applicant_id.as_deref() else {
        return;
    };
    let shown = mask_id(id);
    let field = "case.applicant_id";
    match codes::cccd(id, ctx.as_of.year()) {
        Err(CccdError::LegacyCmnd) => out.push(
            Finding::warning(
                Dung,
                "dung.cccd_legacy",
                format!("Số giấy tờ {shown} là CMND 9 số (không phải CCCD): giữ nguyên, nên cập nhật số định danh"),
                format!("ID {shown} is a 9-digit CMND, not a CCCD: kept as is, update to the personal ID number"),
            )
            .field(field),
        ),
        Err(CccdError::Shape) => out.push(
            Finding::error(
                Dung,
                "dung.cccd",
                format!("Số CCCD {shown} không đúng 12 chữ số"),
                format!("CCCD {shown} is not 12 digits"),
            )
            .field(field),
        ),
        Err(CccdError::FutureBirthYear(y)) => out.push(
            Finding::error(
                Dung,
                "dung.cccd",
                format!("Số CCCD {shown}: chữ số thế kỷ/giới tính và năm sinh cho năm sinh {y}, ở tương lai"),
                format!("CCCD {shown}: its century/sex digit and year give birth year {y}, in the future"),
            )
            .field(field),
        ),
        Ok(c) if !c.province_known => {
            let province: String = id.chars().filter(char::is_ascii_digit).take(3).collect();
            out.push(
            Finding::warning(
                Dung,
                "dung.cccd_province",
                format!("Số CCCD {shown}: mã tỉnh {province} không có trong danh mục 63 tỉnh (có thể là mã quốc gia)"),
                format!("CCCD {shown}: province code {province} is not one of the 63 provinces (may be a country code)"),
            )
            .field(field),
        )
        }
        Ok(c) => {
            // The applicant's birth date, when the register gives one.
            let born = r.extra.iter().find_map(|(k, v)| {
                let k = sohoa_archive::text::header_key(k);
                (k == "ngay_sinh" || k == "nam_sinh" || k == "birth_date")
                    .then(|| v.trim().rsplit(['/', '-', '.']).find(|p| p.len() == 4))
                    .flatten()
                    .and_then(|y| y.parse::<i32>().ok())
            });
            if let Some(y) = born.filter(|y| *y != c.birth_year) {
                out.push(
                    Finding::warning(
                        Dung,
                        "dung.cccd_birth_year",
                        format!("Số CCCD {shown} cho năm sinh {} nhưng hồ sơ ghi năm sinh {y}", c.birth_year),
                        format!("CCCD {shown} gives birth year {} but the case records {y}", c.birth_year),
                    )
                    .field(field),
                );
            }
        }
    }
}

fn code_lists(r: &Record, out: &mut Vec<Finding>) {
    let h = &r.hoso;
    let lists: [(&CodeList, &Option<String>); 7] = [
        (&codes::MAINTENANCE, &h.maintenance),
        (&codes::MODE, &h.mode),
        (&codes::LANGUAGE, &h.language),
        (&codes::FORMAT, &h.format),
        (&codes::CONFIDENCE, &h.confidence_level),
        (&codes::RISK_RECOVERY, &h.risk_recovery),
        (&codes::RISK_RECOVERY_STATUS, &h.risk_recovery_status),
    ];
    for (list, value) in lists {
        let Some(v) = value.as_deref() else { continue };
        match list.check(v) {
            CodeCheck::Ok => {}
            CodeCheck::Warn => out.push(
                Finding::warning(
                    Dung,
                    "dung.code_list",
                    format!(
                        "{} \"{v}\": mã hợp lệ nhưng một số phần mềm kiểm tra không chấp nhận",
                        list.name
                    ),
                    format!("{} \"{v}\": a valid code some validators reject", list.name),
                )
                .field(list.field),
            ),
            CodeCheck::Bad { label_of } => {
                let hint = label_of
                    .map(|c| format!(" (ghi mã \"{c}\" thay cho tên)"))
                    .unwrap_or_default();
                let hint_en = label_of
                    .map(|c| format!(" (write the code \"{c}\", not the label)"))
                    .unwrap_or_default();
                out.push(
                    Finding::error(
                        Dung,
                        "dung.code_list",
                        format!(
                            "{} \"{v}\" không thuộc danh mục TT 05/2025{hint}: {}",
                            list.name,
                            list.listing()
                        ),
                        format!(
                            "{} \"{v}\" is not in the TT 05/2025 code list{hint_en}: {}",
                            list.name,
                            list.listing()
                        ),
                    )
                    .field(list.field),
                );
            }
        }
    }
}

/// The bag's structure and the bundle, without re-hashing (fixity is `sống`).
pub fn check_bag(bag: &Bag, r: &Record, out: &mut Vec<Finding>) {
    for tag in [
        "bagit.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "bag-info.txt",
    ] {
        if !bag.has_file(tag) {
            out.push(
                Finding::error(
                    Dung,
                    "dung.bag",
                    format!("Gói BagIt thiếu tệp {tag}"),
                    format!("The BagIt bag has no {tag}"),
                )
                .file(tag),
            );
        }
    }
    let Some(b) = &r.bundle else {
        out.push(Finding::error(
            Dung,
            "dung.bundle",
            "Hồ sơ không có tệp PDF/A",
            "The case has no PDF/A bundle",
        ));
        return;
    };
    let mut problems: Vec<(String, String)> = Vec::new();
    if b.conformance != "PDF/A-2b" {
        problems.push((
            format!(
                "chuẩn ghi nhận là \"{}\", không phải PDF/A-2b",
                b.conformance
            ),
            format!(
                "recorded conformance is \"{}\", not PDF/A-2b",
                b.conformance
            ),
        ));
    }
    if b.pages as usize != r.pages.len() {
        problems.push((
            format!(
                "tệp có {} trang nhưng metadata liệt kê {} trang",
                b.pages,
                r.pages.len()
            ),
            format!(
                "the bundle has {} pages but the metadata lists {}",
                b.pages,
                r.pages.len()
            ),
        ));
    }
    match bag.open_file(&b.path) {
        Err(e) => problems.push((
            format!("không mở được: {}", e.vi()),
            format!("cannot open: {}", e.en()),
        )),
        Ok((mut f, size)) => {
            if size != b.size {
                problems.push((
                    format!("kích thước {size} byte, ghi nhận {} byte", b.size),
                    format!("size {size} bytes, recorded {}", b.size),
                ));
            }
            let mut head = [0u8; 8];
            let mut tail = [0u8; 32];
            let head_ok = f.read_exact(&mut head).is_ok() && head.starts_with(b"%PDF-");
            let tail_len = size.min(32) as usize;
            let tail_ok = f.seek(SeekFrom::End(-(tail_len as i64))).is_ok()
                && f.read_exact(&mut tail[..tail_len]).is_ok()
                && tail[..tail_len].windows(5).any(|w| w == b"%%EOF");
            if !head_ok || !tail_ok {
                problems.push((
                    "không phải tệp PDF hoàn chỉnh (thiếu %PDF- hoặc %%EOF)".into(),
                    "not a complete PDF file (no %PDF- header or %%EOF)".into(),
                ));
            }
        }
    }
    if !b.signatures.is_empty() {
        // The agency's signatures (sohoa sign): intact, over the whole file, the case's agency,
        // made after the ingest.
        // Trusted roots from SOHOA_TRUST_ROOTS when set (an unreadable file is a finding).
        let (trust, trust_problem) = match sohoa_sign::chain::Trust::from_env() {
            Ok(t) => (t, None),
            Err(e) => (None, Some(format!("SOHOA_TRUST_ROOTS: {e}"))),
        };
        for p in trust_problem.into_iter().chain(
            sohoa_sign::verify::check_opened(bag, trust.as_ref())
                .map(|c| c.problems)
                .unwrap_or_default(),
        ) {
            out.push(
                Finding::error(
                    Dung,
                    "dung.signature",
                    format!("Chữ ký số trên tệp PDF/A {} không đạt: {p}", b.path),
                    format!("The digital signature on bundle {}: {p}", b.path),
                )
                .file(b.path.clone()),
            );
        }
    }
    for (vi, en) in problems {
        out.push(
            Finding::error(
                Dung,
                "dung.bundle",
                format!("Tệp PDF/A {}: {vi}", b.path),
                format!("Bundle {}: {en}", b.path),
            )
            .file(b.path.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_ids() {
        assert_eq!(super::mask_id("040093878972"), "0400******72");
        assert_eq!(super::mask_id("123"), "***");
    }
}
