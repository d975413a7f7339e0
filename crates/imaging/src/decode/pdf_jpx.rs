//! A PDF's `/JPXDecode` image (JPEG 2000, as some colour scanners write): decoded by
//! hayro-jpeg2000 (pure Rust) into 8-bit gray or RGB and stored pixel-exact (Flate), the
//! decoded pixels as `pdfimages -png` extracts them. The codestream must be the size the image
//! declares; CMYK and unknown colour spaces are `pdf.unsupported_image`; an alpha channel is
//! shown over white (`alpha-flattened`). Part of `decode::pdf_image`.

use super::pdf::corrupt;
use super::pdf_colour::{over_white, unsupported, Space};
use super::pdf_image::Image;
use super::{PageError, Raster};
use crate::page::Colour;
use hayro_jpeg2000::{ColorSpace, DecodeSettings};

fn damaged(why: &str) -> PageError {
    corrupt(
        &format!("dữ liệu ảnh JPEG 2000 hư hoặc bị cắt ngắn ({why})"),
        &format!("the JPEG 2000 image data is damaged or cut short ({why})"),
    )
}

/// Decodes a JPX image of `width × height`; `declared`: the PDF's own colour space, if any
/// (it must have as many components as the codestream).
pub(super) fn jpx<'d>(
    data: &[u8],
    (width, height): (u32, u32),
    declared: Option<&Space>,
) -> Result<Image<'d>, PageError> {
    let image = hayro_jpeg2000::Image::new(data, &DecodeSettings::default())
        .map_err(|e| damaged(&format!("{e:?}")))?;
    if image.width() != width || image.height() != height {
        return Err(corrupt(
            &format!(
                "ảnh khai báo {width}x{height} điểm nhưng dữ liệu JPEG 2000 là {}x{}",
                image.width(),
                image.height()
            ),
            &format!(
                "the image declares {width}x{height} but its JPEG 2000 data is {}x{}",
                image.width(),
                image.height()
            ),
        ));
    }
    let channels = match image.color_space() {
        ColorSpace::Gray => 1,
        ColorSpace::RGB => 3,
        ColorSpace::Icc { num_channels, .. } if matches!(num_channels, 1 | 3) => *num_channels,
        other => {
            return Err(unsupported(
                &format!("ảnh JPEG 2000 hệ màu {other:?} chưa được hỗ trợ; hãy quét lại hoặc xuất ảnh JPEG, TIFF"),
                &format!("JPEG 2000 images in {other:?} are not supported; rescan, or export the pages as JPEG or TIFF"),
            ))
        }
    };
    if let Some(space) = declared {
        if space.components() != usize::from(channels) {
            return Err(corrupt(
                "không gian màu của ảnh khác số kênh của dữ liệu JPEG 2000",
                "the image's colour space does not match the channels of its JPEG 2000 data",
            ));
        }
    }
    let decoded = image.decode().map_err(|e| damaged(&format!("{e:?}")))?;
    let n = usize::from(channels);
    let stride = n + usize::from(image.has_alpha());
    let pixels = (width as usize) * (height as usize);
    if decoded.len() < pixels * stride {
        return Err(damaged(&format!("{} bytes", decoded.len())));
    }
    let mut raster = Raster {
        width,
        height,
        colour: if n == 1 { Colour::Gray } else { Colour::Rgb },
        pixels: Vec::with_capacity(pixels * n),
        conversions: Vec::new(),
        source_bilevel: false,
    };
    let mut alpha = Vec::new();
    for px in decoded.chunks_exact(stride).take(pixels) {
        raster.pixels.extend_from_slice(&px[..n]);
        if stride > n {
            alpha.push(px[n]);
        }
    }
    if !alpha.is_empty() {
        over_white(&mut raster, &alpha, (width, height));
    }
    Ok(Image {
        raster,
        jpeg: None,
        g4: None,
        lossy: false,
        chroma_subsampled: false,
    })
}
