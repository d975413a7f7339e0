//! Files of a case: the PDF/A bundle (shown inline in the viewer; as a download only for roles
//! that may download), the record sheet (phiếu tin, to read and print) and page thumbnails (small JPEGs made from the stored page images and
//! cached in `ARCHIVE/cache/thumbs/`, derived and rebuildable). Both go through
//! [`open_case`], and both read the bag through its path-safe reader: nothing outside the bag
//! is served, whatever the record names.

use crate::access_log::Action;
use crate::auth::Viewer;
use crate::pages::case::open_case;
use crate::policy::may_download;
use crate::state::Shared;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sohoa_archive::bag::reader::Bag;
use sohoa_archive::record::CaseRecord;
use std::path::PathBuf;

/// Width of a thumbnail in pixels.
pub const THUMB_WIDTH: u32 = 240;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PdfQuery {
    download: String,
}

/// The record sheet (phiếu tin) of a case, to read and print: made from its record as the bag's
/// `data/phieu-tin.html` is (so bags sealed before the sheet existed have one too); shown to
/// whoever may see the case, identity numbers masked.
pub async fn sheet(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let (_, record) = match open_case(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    viewer.log(&state, Action::View, Some(&id), "phieu-tin.html");
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        sohoa_ingest::record_sheet::html(&record),
    )
        .into_response()
}

pub async fn bundle(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<PdfQuery>,
) -> Response {
    let (bag, record) = match open_case(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let download = q.download == "1";
    if download && !may_download(&viewer.user) {
        viewer.log(&state, Action::Denied, Some(&id), "download of the bundle");
        return crate::pages::error::forbidden(viewer.lang);
    }
    let Some(rel) = record.bundle.as_ref().map(|b| b.path.clone()) else {
        return crate::pages::error::not_found(viewer.lang);
    };
    let opened = tokio::task::spawn_blocking(move || bag.open_as_file(&rel).ok())
        .await
        .ok()
        .flatten();
    let Some((file, size)) = opened else {
        return crate::pages::error::not_found(viewer.lang);
    };
    viewer.log(
        &state,
        if download {
            Action::Download
        } else {
            Action::View
        },
        Some(&id),
        "bundle.pdf",
    );
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    let disposition = if download {
        format!(
            "attachment; filename=\"{}.pdf\"",
            id.replace(
                |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
                "_"
            )
        )
    } else {
        "inline".to_string()
    };
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_LENGTH, size.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

fn thumb_dir(state: &Shared, id: &str, version: u32) -> PathBuf {
    state
        .config
        .archive
        .join(sohoa_archive::layout::CACHE)
        .join("thumbs")
        .join(id)
        .join(format!("v{version}"))
}

/// Makes every page's thumbnail of a case (one pass over its bundle), written atomically.
fn make_thumbs(bag: &Bag, record: &CaseRecord, dir: &std::path::Path) -> Result<(), String> {
    let rel = record
        .bundle
        .as_ref()
        .map(|b| b.path.clone())
        .ok_or("no bundle")?;
    let bytes = bag
        .read(&rel, 4 << 30)
        .map_err(|e| format!("{rel}: {}", e.en()))?;
    let doc = lopdf::Document::load_mem(&bytes).map_err(|e| format!("{rel}: {e}"))?;
    for (n, page_id) in doc.get_pages() {
        let stored = sohoa_pdfa::read_back::stored_page(&doc, page_id)
            .map_err(|e| format!("{rel} page {n}: {e}"))?;
        let gray = sohoa_imaging::stored::gray_of_stored(&stored)
            .ok_or_else(|| format!("{rel} page {n}: cannot decode the page image"))?;
        let Some(img) = image::GrayImage::from_raw(gray.width, gray.height, gray.pixels) else {
            continue;
        };
        let mut img = image::DynamicImage::ImageLuma8(img);
        img = match gray.rotate {
            90 => img.rotate90(),
            180 => img.rotate180(),
            270 => img.rotate270(),
            _ => img,
        };
        let h = (img.height() as u64 * THUMB_WIDTH as u64 / img.width().max(1) as u64).max(1);
        let small = img.resize_exact(THUMB_WIDTH, h as u32, image::imageops::FilterType::Triangle);
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
            .encode_image(&small)
            .map_err(|e| format!("page {n}: {e}"))?;
        sohoa_archive::safe_fs::write_whole(&dir.join(format!("{n}.jpg")), &out, 0o644)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(())
}

pub async fn thumb(
    State(state): State<Shared>,
    viewer: Viewer,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let Some(n) = file
        .strip_suffix(".jpg")
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n >= 1)
    else {
        return crate::pages::error::not_found(viewer.lang);
    };
    let (bag, record) = match open_case(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let dir = thumb_dir(&state, &id, record.version);
    let path = dir.join(format!("{n}.jpg"));
    let key = format!("{id}/{}", record.version);
    let locks = state.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        if let Ok(b) = std::fs::read(&path) {
            return Some(b);
        }
        let lock = {
            let mut all = locks.thumb_locks.lock().unwrap_or_else(|e| e.into_inner());
            all.entry(key.clone()).or_default().clone()
        };
        let _one_maker = lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(b) = std::fs::read(&path) {
            return Some(b);
        }
        let made = make_thumbs(&bag, &record, &dir);
        locks
            .thumb_locks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        if let Err(e) = made {
            tracing::warn!("thumbnails of {}: {e}", bag.rel);
        }
        std::fs::read(&path).ok()
    })
    .await
    .ok()
    .flatten();
    match bytes {
        Some(b) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            b,
        )
            .into_response(),
        None => crate::pages::error::not_found(viewer.lang),
    }
}
