//! Step 3b: normalize a decoded page by its profile: crop scanner borders, deskew, measure
//! blank and colour content, pick the stored mode, check the resolution; record every
//! decision. A page that needs nothing is passed through (JPEG byte-identical, else pixel-exact).

pub mod borders;
pub mod content;
mod deskew;
pub mod dpi;
pub mod phash;
pub mod profile;
mod view;

#[cfg(test)]
mod tests;

pub use borders::Crop;
pub use content::Content;
pub use profile::Profile;

use crate::page::{
    check_page_size, finish_raster, Colour, Encoding, FileDpi, PageError, PreparedPage, Raster,
};
use profile::ModeRule;
use serde::Serialize;

/// What normalization measured and did to one page (in `metadata.json` and the events).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Normalization {
    pub profile: String,
    /// Measured skew in degrees (positive: text rises to the right), when text lines were found.
    pub skew: Option<f64>,
    pub skew_confidence: Option<f64>,
    /// Rotation applied, degrees counter-clockwise.
    pub rotated: Option<f64>,
    /// Borders cropped, full-resolution pixels.
    pub crop: Option<Crop>,
    pub content: Option<Content>,
    /// Share of the page covered by ink strokes.
    pub ink: f64,
    pub blank: bool,
    /// Paper size the resolution was inferred from, when it was.
    pub dpi_inferred_from: Option<String>,
    /// EXIF orientation of the source (1 = upright), when not 1.
    pub exif_orientation: Option<u8>,
    /// Text lines run up and down: the page seems scanned sideways (flagged, not turned).
    pub sideways: bool,
    /// Perceptual (difference) hash of the page after deskew and crop, 256 hex digits.
    pub phash: Option<String>,
}

impl Normalization {
    /// The decisions worth an event: angle, crop box, content, DPI, orientation, blank.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.rotated {
            parts.push(format!(
                "rotated {a:.2} deg (skew {:.2}, confidence {:.2})",
                self.skew.unwrap_or(0.0),
                self.skew_confidence.unwrap_or(0.0)
            ));
        }
        if let Some(c) = self.crop {
            parts.push(format!(
                "borders cropped left {} top {} right {} bottom {} px",
                c.left, c.top, c.right, c.bottom
            ));
        }
        if let Some(p) = &self.dpi_inferred_from {
            parts.push(format!("resolution inferred from paper size {p}"));
        }
        if let Some(o) = self.exif_orientation {
            parts.push(format!("EXIF orientation {o}"));
        }
        if self.blank {
            parts.push(format!("blank (ink {:.5})", self.ink));
        }
        if self.sideways {
            parts.push("seems scanned sideways".to_string());
        }
        if !parts.is_empty() {
            if let Some(c) = self.content {
                parts.push(format!(
                    "content {}",
                    serde_json::to_value(c)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                ));
            }
            parts.push(format!("profile {}", self.profile));
        }
        parts.join(", ")
    }

    /// True when the stored pixels differ from the decoded source.
    pub fn changed_pixels(&self) -> bool {
        self.rotated.is_some() || self.crop.is_some()
    }
}

/// A decoded page before normalization.
pub(crate) struct Decoded<'a> {
    pub raster: Raster,
    /// The source JPEG, when it may be embedded unchanged (1 or 3 components).
    pub jpeg: Option<&'a [u8]>,
    /// The source was lossy (JPEG): changed pages are stored as JPEG again.
    pub lossy: bool,
    /// The source JPEG stores colour at half resolution (4:2:0 and the like): a re-encoded
    /// page does the same (keeping full-resolution colour would keep nothing the source had).
    pub chroma_subsampled: bool,
    pub file_dpi: FileDpi,
    pub frame: u32,
    pub exif_orientation: u8,
}

/// PDF page rotation for an EXIF orientation that is a pure rotation.
fn page_rotation(o: u8) -> u16 {
    match o {
        3 => 180,
        6 => 90,
        8 => 270,
        _ => 0,
    }
}

fn crop_raster(r: &Raster, c: Crop) -> Raster {
    let ch = r.colour.components() as usize;
    let (w, h) = (r.width - c.left - c.right, r.height - c.top - c.bottom);
    let mut pixels = Vec::with_capacity(w as usize * h as usize * ch);
    for y in c.top..c.top + h {
        let start = (y as usize * r.width as usize + c.left as usize) * ch;
        pixels.extend_from_slice(&r.pixels[start..start + w as usize * ch]);
    }
    Raster {
        width: w,
        height: h,
        colour: r.colour,
        pixels,
        conversions: r.conversions.clone(),
        source_bilevel: r.source_bilevel,
    }
}

fn to_gray(r: &Raster) -> Vec<u8> {
    luma(&r.pixels)
}

/// 8-bit gray of packed RGB pixels (Rec. 601 weights, rounded).
pub(crate) fn luma(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114 + 500) / 1000) as u8)
        .collect()
}

/// Measures a page without changing it (for `sohoa inspect` and for [`prepare`]).
#[cfg(test)]
pub(crate) fn measure(r: &Raster, p: &Profile) -> (Normalization, Crop) {
    let (n, crop, _) = measure_with_paper(r, p);
    (n, crop)
}

/// [`measure`], also returning the paper's colour and brightness (for filling and thresholds).
fn measure_with_paper(r: &Raster, p: &Profile) -> (Normalization, Crop, ([u8; 3], f64)) {
    let v = view::View::of(r);
    let paper = (v.paper_rgb, v.paper);
    let crop = borders::detect(&v, &p.borders);
    let mut n = Normalization {
        profile: p.name.clone(),
        ..Default::default()
    };
    // Skew, blank and colour are measured on the page without its borders.
    let v = if crop.is_empty() { v } else { v.sub(crop) };
    if p.deskew.enabled {
        if let Some((angle, confidence)) = deskew::measure(&v, &p.deskew) {
            n.skew = Some((angle * 100.0).round() / 100.0);
            n.skew_confidence = Some((confidence * 100.0).round() / 100.0);
        }
    }
    // Sideways pages are flagged only when no page rotation explains them (EXIF 6 or 8).
    n.sideways = p.deskew.enabled && deskew::sideways(&v);
    n.ink = content::ink_score(&v, &p.blank);
    n.blank = n.ink < p.blank.max_ink_fraction;
    n.content = Some(content::classify(&v, &p.colour));
    // Hashed as stored: turned by the rotation `prepare` will apply.
    let turn = n.skew.filter(|a| {
        p.deskew.enabled
            && a.abs() > p.deskew.min_angle
            && n.skew_confidence
                .is_some_and(|c| c >= p.deskew.min_confidence)
    });
    n.phash = phash::of(&v, turn.map(|a| -a));
    if !crop.is_empty() {
        n.crop = Some(crop);
    }
    (n, crop, paper)
}

/// Normalizes and encodes one page.
pub(crate) fn prepare(d: Decoded, p: &Profile) -> Result<PreparedPage, PageError> {
    let Decoded {
        raster,
        jpeg,
        lossy,
        chroma_subsampled,
        file_dpi,
        frame,
        exif_orientation,
    } = d;
    let (mut n, crop, (fill, paper)) = measure_with_paper(&raster, p);
    if exif_orientation > 1 {
        n.exif_orientation = Some(exif_orientation);
    }
    let mut r = if crop.is_empty() {
        raster
    } else {
        crop_raster(&raster, crop)
    };
    if let (Some(angle), Some(conf)) = (n.skew, n.skew_confidence) {
        if angle.abs() > p.deskew.min_angle && conf >= p.deskew.min_confidence {
            r.pixels = deskew::rotate(&r, -angle, fill);
            if r.source_bilevel {
                // A 1-bit scan stays 1-bit: the interpolated edges are thresholded again.
                r.pixels
                    .iter_mut()
                    .for_each(|v| *v = if *v < 128 { 0 } else { 255 });
            }
            n.rotated = Some(-angle);
        }
    }
    if n.rotated.is_some() {
        r.conversions.push("deskewed");
    }
    if n.crop.is_some() {
        r.conversions.push("borders-cropped");
    }
    // Stored mode: as scanned ("keep"), or by content ("auto").
    let mut to_bilevel = false;
    if p.colour.mode == ModeRule::Auto {
        match n.content {
            Some(Content::Gray) | Some(Content::Bilevel) if r.colour == Colour::Rgb => {
                r.pixels = to_gray(&r);
                r.colour = Colour::Gray;
                r.conversions.push("rgb-to-gray");
                to_bilevel = n.content == Some(Content::Bilevel);
            }
            Some(Content::Bilevel) if r.colour == Colour::Gray && !r.source_bilevel => {
                to_bilevel = true
            }
            _ => {}
        }
        if to_bilevel {
            let threshold = (paper * 0.5) as u8;
            r.pixels
                .iter_mut()
                .for_each(|v| *v = if *v < threshold { 0 } else { 255 });
            r.conversions.push("gray-to-bilevel");
        }
    }
    let unchanged = !n.changed_pixels() && r.conversions.is_empty();
    let rotate = page_rotation(exif_orientation);
    let (dpi_x, dpi_y, dpi_source, paper, warning) =
        dpi::resolve(file_dpi, r.width, r.height, &p.dpi);
    n.dpi_inferred_from = paper;
    check_page_size(r.width, r.height, dpi_x, dpi_y)?;
    // JPEG kept as it was, JPEG encoded again, or lossless (G4 / Flate).
    let jpeg_page = |r: Raster, encoding: Encoding, data: Vec<u8>| PreparedPage {
        frame,
        width: r.width,
        height: r.height,
        dpi_x,
        dpi_y,
        dpi_source,
        colour: r.colour,
        encoding,
        conversions: r.conversions,
        data,
        warnings: Vec::new(),
        rotate,
        normalization: None,
        gray: None,
    };
    let gray = p.keep_gray.then(|| crate::ocr::GrayPage {
        width: r.width,
        height: r.height,
        pixels: if r.colour == Colour::Rgb {
            to_gray(&r)
        } else {
            r.pixels.clone()
        },
        dpi: (dpi_x + dpi_y) / 2.0,
        rotate,
    });
    let mut page = match (jpeg, unchanged) {
        (Some(bytes), true) => jpeg_page(r, Encoding::Dct, bytes.to_vec()),
        _ if lossy && !to_bilevel => {
            let data =
                crate::page::jpeg_encode(&r, p.output.jpeg_quality, dpi_x, chroma_subsampled)?;
            jpeg_page(r, Encoding::DctReencoded, data)
        }
        _ => {
            let mut page = finish_raster(r, frame, (dpi_x, dpi_y, dpi_source))?;
            page.rotate = rotate;
            page
        }
    };
    page.gray = gray;
    page.warnings.extend(warning);
    if dpi_x.min(dpi_y) < p.dpi.min_dpi {
        page.warnings.push(crate::problem::Problem::warning(
            "page.low_dpi",
            format!(
                "Độ phân giải {:.0} dpi thấp hơn mức tối thiểu {:.0} dpi",
                dpi_x.min(dpi_y),
                p.dpi.min_dpi
            ),
            format!(
                "Resolution {:.0} dpi is below the minimum {:.0} dpi",
                dpi_x.min(dpi_y),
                p.dpi.min_dpi
            ),
        ));
    }
    if n.sideways && !matches!(exif_orientation, 5..=8) && !n.blank {
        page.warnings.push(crate::problem::Problem::warning(
            "page.sideways",
            "Trang có vẻ bị quét nằm ngang (dòng chữ chạy dọc): hãy kiểm tra và quét lại hoặc xoay",
            "The page seems scanned sideways (text lines run up and down): check it, rescan or rotate it",
        ));
    }
    if n.blank {
        page.warnings.push(crate::problem::Problem::warning(
            "page.blank",
            "Trang trắng (không có nội dung)",
            "Blank page (no content)",
        ));
    }
    page.normalization = Some(n);
    Ok(page)
}

/// What normalization would do to each page of a file, without writing anything.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// 1-based page in the file.
    pub page: u32,
    pub width: u32,
    pub height: u32,
    pub dpi_x: f64,
    pub dpi_y: f64,
    pub dpi_source: crate::page::DpiSource,
    /// How the page would be stored.
    pub colour: Colour,
    pub encoding: Encoding,
    pub conversions: Vec<&'static str>,
    pub normalization: Option<Normalization>,
    pub warnings: Vec<crate::problem::Problem>,
}

/// Decodes and normalizes every page of a file in memory and reports the decisions.
pub fn inspect(bytes: &[u8], p: &Profile) -> Result<Vec<Inspection>, crate::page::PageError> {
    let mut out = Vec::new();
    crate::page::read_pages(bytes, p, &mut |page: PreparedPage| {
        out.push(Inspection {
            page: page.frame + 1,
            width: page.width,
            height: page.height,
            dpi_x: page.dpi_x,
            dpi_y: page.dpi_y,
            dpi_source: page.dpi_source,
            colour: page.colour,
            encoding: page.encoding,
            conversions: page.conversions,
            normalization: page.normalization,
            warnings: page.warnings,
        });
        Ok(())
    })?;
    Ok(out)
}
