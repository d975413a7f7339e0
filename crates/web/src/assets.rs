//! Static files built into the binary (nothing to install next to it): the style sheet, the
//! viewer script, and the vendored pdf.js and htmx (static/vendor/VENDORED.md: versions,
//! hashes, licences). They hold no archive data, so the sign-in page may use them too.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// (path under /static/, content type, bytes)
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "sohoa.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/sohoa.css"),
    ),
    (
        "viewer.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/viewer.mjs"),
    ),
    (
        "vendor/pdfjs/pdf.min.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/pdfjs/pdf.min.mjs"),
    ),
    (
        "vendor/pdfjs/pdf.worker.min.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/pdfjs/pdf.worker.min.mjs"),
    ),
    (
        "vendor/pdfjs/pdf_viewer.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/pdfjs/pdf_viewer.mjs"),
    ),
    (
        "vendor/pdfjs/pdf_viewer.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/vendor/pdfjs/pdf_viewer.css"),
    ),
    (
        "vendor/pdfjs/images/loading-icon.gif",
        "image/gif",
        include_bytes!("../static/vendor/pdfjs/images/loading-icon.gif"),
    ),
    (
        "vendor/pdfjs/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../static/vendor/pdfjs/LICENSE"),
    ),
    (
        "vendor/htmx/htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/htmx/htmx.min.js"),
    ),
    (
        "vendor/htmx/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../static/vendor/htmx/LICENSE"),
    ),
];

pub async fn serve(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, bytes)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
