//! Search results as a table to open in Excel: CSV for Vietnamese-locale Excel (UTF-8 with a
//! byte-order mark, `;` between cells as that locale expects, CRLF, cells that would run as
//! formulas neutralized) and XLSX. The same search, the same visibility as the page; at most
//! [`MAX_ROWS`] cases (the last row says when more matched). Every export is logged.

use crate::access_log::Action;
use crate::auth::Viewer;
use crate::pages::dmy;
use crate::pages::search::{run, SearchForm};
use crate::state::Shared;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sohoa_archive::neutralize::csv_cell;
use sohoa_index::GroupedResults;

/// Most cases in one export.
pub const MAX_ROWS: usize = 10_000;

const HEADER_VI: [&str; 11] = [
    "Mã hồ sơ",
    "Tiêu đề",
    "Người nộp",
    "Thủ tục",
    "Lĩnh vực",
    "Cơ quan",
    "Ngày tiếp nhận",
    "Ngày giải quyết",
    "Trạng thái",
    "Số trang",
    "Trang khớp",
];

fn table(r: &GroupedResults) -> Vec<Vec<String>> {
    let mut rows = vec![HEADER_VI.iter().map(|s| s.to_string()).collect()];
    for g in &r.groups {
        let c = &g.case;
        let pages: Vec<String> = g.pages.iter().map(|p| p.page.to_string()).collect();
        rows.push(vec![
            c.case_code.clone().unwrap_or_else(|| g.case_id.clone()),
            c.title.clone(),
            c.applicant_name.clone().unwrap_or_default(),
            c.procedure_name.clone().unwrap_or_default(),
            c.sector.clone().unwrap_or_default(),
            c.agency_name.clone().unwrap_or_default(),
            c.received.as_deref().map(dmy).unwrap_or_default(),
            c.resolved.as_deref().map(dmy).unwrap_or_default(),
            c.status.clone().unwrap_or_default(),
            c.page_count.to_string(),
            pages.join(", "),
        ]);
    }
    if r.total_cases > r.groups.len() {
        rows.push(vec![format!(
            "Chỉ xuất {} trên {} hồ sơ: hãy lọc hẹp hơn. / Only {} of {} cases exported: narrow the search.",
            r.groups.len(),
            r.total_cases,
            r.groups.len(),
            r.total_cases
        )]);
    }
    rows
}

/// CSV bytes for Vietnamese-locale Excel.
pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in rows {
        // Writing into memory does not fail.
        let _ = w.write_record(r.iter().map(|c| csv_cell(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

/// XLSX bytes (text cells; a header row in bold).
pub fn xlsx_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Ket qua tim kiem")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (i, r) in rows.iter().enumerate() {
        for (j, cell) in r.iter().enumerate() {
            if i == 0 {
                sheet.write_string_with_format(i as u32, j as u16, cell, &bold)?;
            } else {
                sheet.write_string(i as u32, j as u16, cell)?;
            }
        }
    }
    book.save_to_buffer()
}

async fn export(state: Shared, viewer: Viewer, form: SearchForm, xlsx: bool) -> Response {
    let req = match form.request(&viewer, MAX_ROWS, 0) {
        Ok(r) => r,
        Err(m) => return crate::pages::error::bad_request(viewer.lang, m),
    };
    let results = match run(&state, req, viewer.lang).await {
        Ok(r) => r,
        Err(e) => return crate::pages::error::bad_request(viewer.lang, e),
    };
    viewer.log(
        &state,
        Action::Export,
        None,
        &format!(
            "{} {} cases: {}",
            if xlsx { "xlsx" } else { "csv" },
            results.groups.len(),
            form.describe()
        ),
    );
    let rows = table(&results);
    let stamp = sohoa_archive::time_format::iso_date(sohoa_archive::time_format::now().date());
    let (bytes, mime, ext) = if xlsx {
        match xlsx_bytes(&rows) {
            Ok(b) => (
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            Err(e) => {
                tracing::error!("xlsx export: {e}");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    } else {
        (csv_bytes(&rows), "text/csv; charset=utf-8", "csv")
    };
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"sohoa-tim-kiem-{stamp}.{ext}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

pub async fn csv(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(form): Query<SearchForm>,
) -> Response {
    export(state, viewer, form, false).await
}

pub async fn xlsx(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(form): Query<SearchForm>,
) -> Response {
    export(state, viewer, form, true).await
}
