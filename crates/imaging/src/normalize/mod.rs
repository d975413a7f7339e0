//! Step 3b: normalize a decoded page by its profile: crop scanner borders, deskew, measure
//! blank and colour content, pick the stored mode, check the resolution; record every
//! decision. A page that needs nothing is passed through (JPEG byte-identical, else pixel-exact).

pub mod borders;
pub mod content;
mod deskew;
pub mod dpi;
mod orientation;
pub mod phash;
mod pieces;
pub mod profile;
pub mod teller;
mod view;

#[cfg(test)]
mod real_tests;
#[cfg(test)]
mod teller_tests;
#[cfg(test)]
mod tests;

pub use borders::Crop;
pub use content::Content;
pub use profile::Profile;

use crate::encode::{finish_raster, jpeg_encode};
use crate::page::{
    check_page_size, Colour, Decoded, Encoding, GrayPage, Normalization, PageError, PreparedPage,
    Raster,
};
use crate::placement::Placement;
use profile::ModeRule;

/// PDF page rotation for an EXIF orientation that is a pure rotation.
fn page_rotation(o: u8) -> u16 {
    match o {
        3 => 180,
        6 => 90,
        8 => 270,
        _ => 0,
    }
}

fn to_gray(r: &Raster) -> Vec<u8> {
    luma(&r.pixels)
}

/// 8-bit gray of packed RGB pixels (Rec. 601 weights, rounded).
pub fn luma(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114 + 500) / 1000) as u8)
        .collect()
}

/// Paper brightness (the 90th percentile of gray) under which a page is "nearly black".
const NEAR_BLACK_PAPER: f64 = 64.0;

/// Measures a page without changing it (for `sohoa inspect` and for [`prepare`]).
#[cfg(test)]
pub(crate) fn measure(r: &Raster, p: &Profile) -> (Normalization, Crop) {
    let m = measure_with_paper(r, p, false, None);
    (m.n, m.crop)
}

/// What [`measure_with_paper`] found.
struct Measured {
    n: Normalization,
    crop: Crop,
    /// The paper's colour and brightness (for filling and thresholds).
    fill: [u8; 3],
    paper: f64,
    /// The view of the page less its borders, when a bar may show again after deskew
    /// ([`borders::may_hold_a_bar`]).
    bar_view: Option<view::View>,
    /// Median height of the text's letters in pixels (for the resolution check).
    text_height: Option<f64>,
    /// The page's skew in degrees when it is corrected ([`deskew::applies`], or
    /// [`deskew::confirmed_by_halves`]).
    skew_applied: Option<f64>,
}

/// [`measure`], also returning what normalizing needs next ([`Measured`]).
/// A page its source already turns (EXIF or TIFF orientation 3, 6, 8; a PDF page's /Rotate) is
/// not turned again by its text. `file_dpi` (as tagged) is for the outside judge of
/// orientation ([`teller`]), which is shown the page at its resolution as resolved.
fn measure_with_paper(
    r: &Raster,
    p: &Profile,
    source_turns: bool,
    file_dpi: crate::page::FileDpi,
) -> Measured {
    let v = view::View::of(r);
    let (fill, paper) = (v.paper_rgb, v.paper);
    let bar = borders::may_hold_a_bar(&v, &p.borders);
    let crop = borders::detect(&v, &p.borders);
    let mut n = Normalization {
        profile: p.name.clone(),
        ..Default::default()
    };
    // Skew, orientation, blank and colour are measured on the page without its borders.
    let v = if crop.is_empty() { v } else { v.sub(crop) };
    let mut text_height = None;
    let mut skew_applied = None;
    if p.deskew.enabled {
        let ink = pieces::text_ink(&v);
        text_height = ink.height;
        let pts = ink.points;
        let diag = ((v.width * v.width + v.height * v.height) as f64).sqrt() as usize + 2;
        let mut rules = p.orientation.clone();
        rules.enabled &= !source_turns;
        let mut facing = orientation::detect(&pts, diag, &p.deskew, &rules);
        let teller = p.teller.as_deref().filter(|_| rules.enabled && rules.osd);
        if let (Some(teller), false, false) = (teller, facing.settled, pts.is_empty()) {
            let (w, h) = (
                r.width - crop.left - crop.right,
                r.height - crop.top - crop.bottom,
            );
            let (dpi_x, dpi_y, ..) = dpi::resolve(file_dpi, w, h, text_height, &p.dpi);
            let dpi = ((dpi_x + dpi_y) / 2.0).round() as u32;
            let asked = teller::ask(teller, r, crop, dpi, &facing, &pts, diag, &p.deskew, &rules);
            if let Some((told_facing, told)) = asked {
                facing = told_facing;
                n.orientation_told_by = Some(teller.name());
                n.orientation_confidence = Some((told.confidence * 100.0).round() / 100.0);
            }
        }
        if let Some(s) = facing.skew {
            let turned;
            let lines = if facing.lines_turned {
                turned = orientation::quarter(&pts);
                &turned
            } else {
                &pts
            };
            let s = deskew::between_halves(lines, diag, s, &p.deskew);
            let (angle, confidence) = (
                (s.angle * 100.0).round() / 100.0,
                (s.confidence * 100.0).round() / 100.0,
            );
            n.skew = Some(angle);
            n.skew_confidence = Some(confidence);
            if deskew::corrects(lines, diag, angle, confidence, &p.deskew) {
                skew_applied = Some(angle);
            }
        }
        n.sideways = facing.sideways;
        n.orientation = facing.turn;
    }
    n.ink = content::ink_score(&v, &p.blank);
    // Ink is measured against the paper: a page dark all over has none, yet it is not empty.
    n.near_black = v.paper < NEAR_BLACK_PAPER;
    n.blank = !n.near_black && n.ink < p.blank.max_ink_fraction;
    if n.blank {
        // Nothing on the page to tell its skew or orientation by.
        n.sideways = false;
        n.orientation = None;
        n.orientation_told_by = None;
        n.orientation_confidence = None;
    }
    n.content = Some(content::classify(&v, &p.colour));
    // Hashed as stored: turned by the rotation `prepare` will apply.
    n.phash = phash::of(&v, skew_applied.map(|a| -a));
    if !crop.is_empty() {
        n.crop = Some(crop);
    }
    Measured {
        n,
        crop,
        fill,
        paper,
        bar_view: bar.then_some(v),
        text_height,
        skew_applied,
    }
}

/// Normalizes and encodes one page.
pub(crate) fn prepare(d: Decoded<'_>, p: &Profile) -> Result<PreparedPage, PageError> {
    let Decoded {
        raster,
        jpeg,
        g4,
        lossy,
        chroma_subsampled,
        file_dpi,
        frame,
        exif_orientation,
        page_rotate,
    } = d;
    let source_turns = page_rotation(exif_orientation) != 0 || page_rotate != 0;
    let Measured {
        mut n,
        crop,
        fill,
        paper,
        bar_view,
        text_height,
        skew_applied,
    } = measure_with_paper(&raster, p, source_turns, file_dpi);
    if exif_orientation > 1 {
        n.exif_orientation = Some(exif_orientation);
    }
    let mut r = raster;
    // Deskew and crops place the image on its page; its pixels stay as decoded.
    let turn = skew_applied.map(|a| -a);
    let mut after = Crop::default();
    if let Some(deg) = turn {
        n.rotated = Some(deg);
        // What was slanted is straight now: a bar along an edge.
        if let Some(v) = &bar_view {
            let turned = v.turned(deg, p.borders.max_crop);
            after = borders::detect_after_deskew(&turned, deg, &p.borders);
        }
        if !after.is_empty() {
            n.crop_after_deskew = Some(after);
        }
    }
    let placement = (turn.is_some() || !crop.is_empty())
        .then(|| Placement::deskewed(r.width, r.height, crop, turn.unwrap_or(0.0), after, fill));
    n.placed = placement.is_some();
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
    let unchanged = r.conversions.is_empty();
    let rotate = (page_rotation(exif_orientation) + page_rotate + n.orientation.unwrap_or(0)) % 360;
    // The page's size is what it shows: the image less its crops.
    let (page_w, page_h) = placement.map_or((r.width, r.height), |pl| (pl.width, pl.height));
    let (dpi_x, dpi_y, dpi_source, paper, warning) =
        dpi::resolve(file_dpi, page_w, page_h, text_height, &p.dpi);
    n.dpi_inferred_from = paper;
    check_page_size(page_w, page_h, dpi_x, dpi_y)?;
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
        placement: None,
        normalization: None,
        gray: None,
    };
    let gray = p.keep_gray.then(|| {
        let pixels = if r.colour == Colour::Rgb {
            to_gray(&r)
        } else {
            r.pixels.clone()
        };
        // OCR reads the page as it is shown.
        let pixels = match &placement {
            Some(pl) => pl.render::<1>(&pixels, r.width, r.height, [luma(&fill)[0]]),
            None => pixels,
        };
        GrayPage {
            width: page_w,
            height: page_h,
            pixels,
            dpi: (dpi_x + dpi_y) / 2.0,
            rotate,
        }
    });
    let mut page = match (jpeg, unchanged) {
        (Some(bytes), true) => jpeg_page(r, Encoding::Dct, bytes.to_vec()),
        _ if lossy && !to_bilevel => {
            let data = jpeg_encode(&r, p.output.jpeg_quality, dpi_x, chroma_subsampled)?;
            jpeg_page(r, Encoding::DctReencoded, data)
        }
        _ => {
            // A CCITT G4 source unchanged by normalization is embedded as it came.
            let g4 = g4.filter(|_| unchanged);
            let mut page = finish_raster(r, frame, (dpi_x, dpi_y, dpi_source), g4)?;
            page.rotate = rotate;
            page
        }
    };
    page.gray = gray;
    page.placement = placement;
    page.warnings.extend(warning);
    if dpi_x.min(dpi_y) < p.dpi.min_dpi {
        page.warnings.push(sohoa_archive::problem::Problem::warning(
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
    // Sideways pages are not flagged when turned upright by their text or by the source (EXIF
    // 5..8, a PDF's /Rotate).
    if n.sideways
        && n.orientation.is_none()
        && !matches!(exif_orientation, 5..=8)
        && page_rotate % 180 == 0
    {
        page.warnings.push(sohoa_archive::problem::Problem::warning(
            "page.sideways",
            "Trang có vẻ bị quét nằm ngang (dòng chữ chạy dọc): hãy kiểm tra và quét lại hoặc xoay",
            "The page seems scanned sideways (text lines run up and down): check it, rescan or rotate it",
        ));
    }
    if n.near_black {
        page.warnings.push(sohoa_archive::problem::Problem::warning(
            "page.near_black",
            "Trang gần như đen toàn bộ (ảnh âm bản, sai bảng màu hoặc nắp máy quét mở?): đã lưu, không coi là trang trắng; hãy kiểm tra bản quét",
            "The page is nearly black all over (a negative, a wrong colour map, an open scanner lid?): stored, never taken for blank; check the scan",
        ));
    }
    if n.blank {
        page.warnings.push(sohoa_archive::problem::Problem::warning(
            "page.blank",
            "Trang trắng (không có nội dung)",
            "Blank page (no content)",
        ));
    }
    page.normalization = Some(n);
    Ok(page)
}
