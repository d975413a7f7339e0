//! Re-reads a written bundle with an independent parser (lopdf) and checks what must hold
//! before it is bagged: page count, trailer /ID, XMP, OutputIntent, one image per page.

use lopdf::{Document, Object};
use std::path::Path;

/// Checks a bundle; returns a one-line summary, or what is wrong.
pub fn check_bundle(path: &Path, expected_pages: usize) -> Result<String, String> {
    let doc = Document::load(path).map_err(|e| format!("lopdf cannot parse the bundle: {e}"))?;
    let pages = doc.get_pages();
    if pages.len() != expected_pages {
        return Err(format!("{} pages, expected {expected_pages}", pages.len()));
    }
    match doc.trailer.get(b"ID") {
        Ok(Object::Array(ids)) if ids.len() == 2 => {}
        _ => return Err("trailer has no /ID pair".into()),
    }
    let catalog = doc.catalog().map_err(|e| format!("no catalog: {e}"))?;
    for key in [&b"Metadata"[..], b"OutputIntents"] {
        if catalog.get(key).is_err() {
            return Err(format!("catalog has no /{}", String::from_utf8_lossy(key)));
        }
    }
    for (n, id) in &pages {
        let page = doc
            .get_dictionary(*id)
            .map_err(|e| format!("page {n}: {e}"))?;
        let resources = page
            .get(b"Resources")
            .and_then(|r| doc.dereference(r))
            .map(|(_, o)| o.clone());
        let xobjects = resources
            .ok()
            .and_then(|r| {
                r.as_dict()
                    .ok()
                    .and_then(|d| d.get(b"XObject").ok().cloned())
            })
            .ok_or_else(|| format!("page {n} has no image resource"))?;
        let count = xobjects.as_dict().map(|d| d.len()).unwrap_or(0);
        if count != 1 {
            return Err(format!("page {n} has {count} images, expected 1"));
        }
    }
    Ok(format!(
        "lopdf {}: {} pages, trailer ID, XMP metadata and OutputIntent present",
        "0.47",
        pages.len()
    ))
}
