//! The "Biểu 06" sheet as officials file it (Biểu số 06/VPCP/KSTT, TT 01/2020/TT-VPCP;
//! domain.md §6): form number and reporting units above, the title and the period in words,
//! two-level merged headers with the column numbers (1)…(13), one row per lĩnh vực (or agency,
//! procedure) and the total, the signature block, and an A4 landscape print setup.

use super::values;
use crate::stats::StatsReport;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use time::Date;

/// Who reports to whom and who signs: printed around the form. What is not given is left as
/// a dotted line to fill in by hand.
#[derive(Debug, Clone, Default)]
pub struct FormParties {
    /// Đơn vị báo cáo, e.g. "UBND xã Tân Hòa".
    pub reporting_unit: Option<String>,
    /// Đơn vị nhận báo cáo, e.g. "UBND huyện Tân Hòa".
    pub receiving_unit: Option<String>,
    /// Người lập biểu.
    pub preparer: Option<String>,
    /// Thủ trưởng đơn vị.
    pub head: Option<String>,
    /// The place in "`<place>`, ngày … tháng … năm …".
    pub place: Option<String>,
    /// The date in that line.
    pub date: Option<Date>,
}

/// A line to fill in by hand.
const DOTS: &str = "……………………………";
/// The last column of the form (M): STT, label and eleven figures.
const LAST: u16 = 12;
/// The first row of the figures.
const FIRST_ROW: u32 = 8;
const FONT: &str = "Times New Roman";

/// The formats of the form, all in the official font.
struct Looks {
    plain: Format,
    bold: Format,
    italic: Format,
    title: Format,
    center_italic: Format,
    center_bold: Format,
    head: Format,
    number_head: Format,
    cell: Format,
    label: Format,
    number: Format,
    total_label: Format,
    total_number: Format,
}

impl Looks {
    fn new() -> Looks {
        let base = Format::new().set_font_name(FONT).set_font_size(12);
        let boxed = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let head = boxed
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center);
        Looks {
            plain: base.clone(),
            bold: base.clone().set_bold(),
            italic: base.clone().set_italic(),
            title: base
                .clone()
                .set_bold()
                .set_font_size(13)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            center_italic: base
                .clone()
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            center_bold: base.clone().set_bold().set_align(FormatAlign::Center),
            number_head: boxed
                .clone()
                .set_italic()
                .set_font_size(11)
                .set_align(FormatAlign::Center),
            head,
            cell: boxed.clone().set_align(FormatAlign::Center),
            label: boxed.clone().set_text_wrap(),
            number: boxed.clone().set_num_format("#,##0"),
            total_label: boxed.clone().set_bold().set_align(FormatAlign::Center),
            total_number: boxed.set_bold().set_num_format("#,##0"),
        }
    }
}

/// "Tân Hòa, ngày 31 tháng 7 năm 2025", as the letters date themselves (NĐ 30/2020).
fn dateline(place: Option<&str>, date: Option<Date>) -> String {
    let place = place.unwrap_or("…………");
    match date {
        Some(d) => sohoa_archive::time_format::dateline(place, d),
        None => format!("{place}, ngày … tháng … năm …"),
    }
}

/// Column B's heading: what the rows are.
fn row_heading(group_by: Option<&str>) -> &'static str {
    match group_by {
        Some("agency") => "Cơ quan, đơn vị giải quyết",
        Some("procedure") => "Thủ tục hành chính",
        _ => "Lĩnh vực, công việc giải quyết",
    }
}

/// Writes the form into `ws`.
pub(super) fn write(
    ws: &mut Worksheet,
    r: &StatsReport,
    parties: &FormParties,
) -> Result<(), XlsxError> {
    let k = Looks::new();
    let or_dots = |v: &Option<String>| v.clone().unwrap_or_else(|| DOTS.into());
    // Above the form: its number and legal basis, the title and period, the reporting units.
    ws.merge_range(0, 0, 0, 2, "Biểu số 06/VPCP/KSTT", &k.bold)?;
    ws.merge_range(
        1,
        0,
        2,
        2,
        "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020",
        &k.italic.clone().set_text_wrap(),
    )?;
    ws.merge_range(
        0,
        3,
        1,
        8,
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT \
         THỦ TỤC HÀNH CHÍNH",
        &k.title,
    )?;
    let dmy = |s: &str| {
        crate::calendar::parse_date(s)
            .map(sohoa_archive::time_format::dmy)
            .unwrap_or_else(|| s.to_string())
    };
    let days = format!("từ ngày {} đến ngày {}", dmy(&r.from), dmy(&r.to));
    let period = if r.period.starts_with("Từ ngày") {
        format!("Kỳ báo cáo: {days}")
    } else {
        format!("Kỳ báo cáo: {} ({days})", r.period)
    };
    ws.merge_range(2, 3, 2, 8, &period, &k.center_italic)?;
    let unit = k.plain.clone().set_text_wrap();
    ws.merge_range(
        0,
        9,
        0,
        LAST,
        &format!("Đơn vị báo cáo: {}", or_dots(&parties.reporting_unit)),
        &unit,
    )?;
    ws.merge_range(
        1,
        9,
        1,
        LAST,
        &format!("Đơn vị nhận báo cáo: {}", or_dots(&parties.receiving_unit)),
        &unit,
    )?;
    ws.merge_range(2, 9, 2, LAST, "Đơn vị tính: Số hồ sơ TTHC", &k.italic)?;
    ws.set_row_height(0, 33)?;
    ws.set_row_height(1, 33)?;
    // Two-level headers over rows 4-6, the column numbers in row 7.
    ws.merge_range(4, 0, 6, 0, "STT", &k.head)?;
    ws.merge_range(4, 1, 6, 1, row_heading(r.group_by.as_deref()), &k.head)?;
    ws.merge_range(4, 2, 4, 5, "Số hồ sơ nhận giải quyết", &k.head)?;
    ws.merge_range(4, 6, 4, 9, "Số hồ sơ đã giải quyết", &k.head)?;
    ws.merge_range(4, 10, 4, LAST, "Số hồ sơ đang giải quyết", &k.head)?;
    ws.merge_range(5, 2, 6, 2, "Tổng số", &k.head)?;
    ws.merge_range(5, 3, 5, 5, "Trong đó", &k.head)?;
    ws.write_string_with_format(6, 3, "Số mới tiếp nhận trực tuyến", &k.head)?;
    ws.write_string_with_format(
        6,
        4,
        "Số mới tiếp nhận trực tiếp và qua dịch vụ bưu chính",
        &k.head,
    )?;
    ws.write_string_with_format(6, 5, "Số kỳ trước chuyển qua", &k.head)?;
    for (col, text) in [
        (6, "Tổng số"),
        (7, "Trước hạn"),
        (8, "Đúng hạn"),
        (9, "Quá hạn"),
        (10, "Tổng số"),
        (11, "Trong hạn"),
        (12, "Quá hạn"),
    ] {
        ws.merge_range(5, col, 6, col, text, &k.head)?;
    }
    ws.set_row_height(4, 30)?;
    ws.set_row_height(6, 80)?;
    for col in 0..=LAST {
        ws.write_string_with_format(7, col, format!("({})", col + 1), &k.number_head)?;
    }
    // The rows, then the total.
    let mut y = FIRST_ROW;
    for (n, row) in r.rows.iter().enumerate() {
        ws.write_number_with_format(y, 0, (n + 1) as f64, &k.cell)?;
        ws.write_string_with_format(y, 1, &row.label, &k.label)?;
        for (i, v) in values(&row.counts).iter().enumerate() {
            ws.write_number_with_format(y, 2 + i as u16, *v as f64, &k.number)?;
        }
        y += 1;
    }
    ws.merge_range(y, 0, y, 1, "Tổng cộng", &k.total_label)?;
    for (i, v) in values(&r.total.counts).iter().enumerate() {
        ws.write_number_with_format(y, 2 + i as u16, *v as f64, &k.total_number)?;
    }
    // Notes: what the form has no column for.
    y += 2;
    let c = &r.total.counts;
    let note = format!(
        "Ghi chú: trong kỳ có {} hồ sơ rút hoặc trả lại (không thuộc các cột của biểu); tỷ lệ giải \
         quyết đúng và trước hạn: {}.",
        c.withdrawn,
        c.ontime_rate
            .map(|v| format!("{:.1} %", v * 100.0).replace('.', ","))
            .unwrap_or_else(|| "chưa có hồ sơ đã giải quyết".into())
    );
    ws.merge_range(y, 0, y, LAST, &note, &k.italic)?;
    if !r.skipped.is_empty() {
        y += 1;
        ws.merge_range(
            y,
            0,
            y,
            LAST,
            &format!(
                "{} hồ sơ không tính được vào biểu (thiếu hoặc sai ngày tiếp nhận, hạn giải quyết): \
                 xem danh sách trong báo cáo JSON.",
                r.skipped.len()
            ),
            &k.italic,
        )?;
    }
    // Signatures: the preparer on the left, the head of the unit on the right.
    y += 2;
    ws.merge_range(
        y,
        9,
        y,
        LAST,
        &dateline(parties.place.as_deref(), parties.date),
        &k.center_italic,
    )?;
    y += 1;
    ws.merge_range(y, 1, y, 3, "NGƯỜI LẬP BIỂU", &k.center_bold)?;
    ws.merge_range(y, 9, y, LAST, "THỦ TRƯỞNG ĐƠN VỊ", &k.center_bold)?;
    y += 1;
    ws.merge_range(y, 1, y, 3, "(Ký, ghi rõ họ tên)", &k.center_italic)?;
    ws.merge_range(y, 9, y, LAST, "(Ký tên, đóng dấu)", &k.center_italic)?;
    y += 5;
    let name = |v: &Option<String>| v.clone().unwrap_or_default();
    ws.merge_range(y, 1, y, 3, &name(&parties.preparer), &k.center_bold)?;
    ws.merge_range(y, 9, y, LAST, &name(&parties.head), &k.center_bold)?;
    // Column widths and the printed page: A4 landscape, one page wide, the headers on every page.
    ws.set_column_width(0, 5)?;
    ws.set_column_width(1, 34)?;
    for col in 2..=LAST {
        ws.set_column_width(col, 10.5)?;
    }
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_margins(0.5, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(4, 7)?;
    ws.set_print_area(0, 0, y, LAST)?;
    ws.set_footer("&C&\"Times New Roman\"&10Trang &P/&N");
    ws.set_freeze_panes(FIRST_ROW, 2)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_dateline_is_written_as_nd30_asks() {
        assert_eq!(
            dateline(Some("Tân Hòa"), Some(date!(2025 - 07 - 31))),
            "Tân Hòa, ngày 31 tháng 7 năm 2025"
        );
        assert_eq!(dateline(None, None), "…………, ngày … tháng … năm …");
    }
}
