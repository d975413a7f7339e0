//! Every sample of a TIFF frame, pixel after pixel, as the `tiff` crate decodes them: separate
//! colour planes (PlanarConfiguration=2) read and interleaved; tiled planes read tile by tile,
//! because the crate (0.11) miscounts the rows of the bottom tiles of every plane but the first
//! (it panics on the last plane, or writes into the next one).

use super::tiff::{pixel_err, tiff_err, Dec};
use super::PageError;
use tiff::decoder::{ChunkType, DecodingResult};

/// The frame's samples, pixel after pixel, and how many samples a pixel has (as the crate's
/// colour type counts them: extra samples other than alpha are left out of RGB and CMYK).
/// `max_bytes` bounds what tiled planes may allocate (the crate bounds the rest itself).
pub(super) fn read(dec: &mut Dec, max_bytes: usize) -> Result<(DecodingResult, usize), PageError> {
    let colour_type = dec.colortype().map_err(tiff_err)?;
    let per_pixel = usize::from(colour_type.num_samples());
    let layout = dec.image_buffer_layout().map_err(tiff_err)?;
    let planar = per_pixel > 1 && layout.planes > 1;
    if planar && dec.get_chunk_type() == ChunkType::Tile {
        return Ok((tiled_planes(dec, per_pixel, max_bytes)?, per_pixel));
    }
    let mut data = DecodingResult::U8(Vec::new());
    let layout = dec.read_image_to_buffer(&mut data).map_err(pixel_err)?;
    if !planar {
        return Ok((data, per_pixel));
    }
    // The crate falls back to the first plane when all of them are over its buffer limit.
    if data.as_buffer(0).as_bytes().len() < layout.complete_len {
        return Err(too_large());
    }
    Ok((interleave(data, per_pixel)?, per_pixel))
}

fn too_large() -> PageError {
    PageError::new(
        "page.too_large",
        "Tệp TIFF lưu các kênh màu thành mặt phẳng riêng cần nhiều bộ nhớ hơn giới hạn (limits.max_page_pixels)",
        "The TIFF's separate colour planes need more memory than the limits allow (limits.max_page_pixels)",
    )
}

fn unsupported_result() -> PageError {
    PageError::new(
        "page.unsupported",
        "TIFF không được hỗ trợ: mặt phẳng màu riêng với giá trị không phải 8 hoặc 16 bit",
        "Unsupported TIFF: separate colour planes of samples that are not 8 or 16-bit",
    )
}

/// Planes (all of sample 0, then all of sample 1, ...) to pixels (samples side by side).
fn interleave(data: DecodingResult, planes: usize) -> Result<DecodingResult, PageError> {
    fn each<T: Copy>(planar: &[T], planes: usize) -> Vec<T> {
        let n = planar.len() / planes.max(1);
        let mut out = Vec::with_capacity(n * planes);
        for i in 0..n {
            out.extend((0..planes).map(|p| planar[p * n + i]));
        }
        out
    }
    Ok(match data {
        DecodingResult::U8(v) => DecodingResult::U8(each(&v, planes)),
        DecodingResult::U16(v) => DecodingResult::U16(each(&v, planes)),
        _ => return Err(unsupported_result()),
    })
}

/// Separate planes in tiles: each tile of each plane read on its own (the crate sizes a tile
/// of a later plane as a whole tile; whole tiles are what the file stores, so only the rows
/// inside the image are kept) and laid out in its plane, then the planes interleaved.
fn tiled_planes(
    dec: &mut Dec,
    planes: usize,
    max_bytes: usize,
) -> Result<DecodingResult, PageError> {
    let (width, height) = dec.dimensions().map_err(tiff_err)?;
    let (tile_w, tile_h) = dec.chunk_dimensions();
    let (w, h) = (width as usize, height as usize);
    let (tw, th) = (tile_w as usize, tile_h as usize);
    let across = w.div_ceil(tw.max(1));
    let per_plane = across * h.div_ceil(th.max(1));
    let plane_len = w * h;
    let mut wide = None::<bool>;
    let mut out8 = Vec::new();
    let mut out16 = Vec::new();
    for chunk in 0..per_plane * planes {
        let (plane, tile) = (chunk / per_plane, chunk % per_plane);
        let (x0, y0) = (tile % across * tw, tile / across * th);
        let (cols, rows) = (tw.min(w - x0), th.min(h - y0));
        let index = u32::try_from(chunk).map_err(|_| too_large())?;
        let data = dec.read_chunk(index).map_err(pixel_err)?;
        // The crate's own width for this tile (the image's right edge trims it).
        let stride = dec.chunk_data_dimensions(index).0 as usize;
        let at = plane * plane_len + y0 * w + x0;
        let tile = Tile {
            stride,
            cols,
            rows,
            width: w,
        };
        match (data, wide) {
            (DecodingResult::U8(v), None | Some(false)) => {
                if wide.is_none() {
                    check_size(plane_len * planes, max_bytes)?;
                    out8 = vec![0u8; plane_len * planes];
                    wide = Some(false);
                }
                tile.place(&v, &mut out8[at..])?;
            }
            (DecodingResult::U16(v), None | Some(true)) => {
                if wide.is_none() {
                    check_size(plane_len * planes * 2, max_bytes)?;
                    out16 = vec![0u16; plane_len * planes];
                    wide = Some(true);
                }
                tile.place(&v, &mut out16[at..])?;
            }
            _ => return Err(unsupported_result()),
        }
    }
    let data = if wide == Some(true) {
        DecodingResult::U16(out16)
    } else {
        DecodingResult::U8(out8)
    };
    interleave(data, planes)
}

fn check_size(bytes: usize, max_bytes: usize) -> Result<(), PageError> {
    if bytes > max_bytes {
        return Err(too_large());
    }
    Ok(())
}

/// Where a decoded tile's rows go in its plane.
struct Tile {
    /// Samples in a row of the decoded tile.
    stride: usize,
    /// Samples and rows inside the image.
    cols: usize,
    rows: usize,
    /// Samples in a row of the plane.
    width: usize,
}

impl Tile {
    /// Copies the rows inside the image to `plane`, which starts at the tile's top left.
    fn place<T: Copy>(&self, tile: &[T], plane: &mut [T]) -> Result<(), PageError> {
        for r in 0..self.rows {
            let from = tile
                .get(r * self.stride..r * self.stride + self.cols)
                .ok_or_else(|| {
                    pixel_err(tiff::TiffError::IoError(
                        std::io::ErrorKind::UnexpectedEof.into(),
                    ))
                })?;
            let at = r * self.width;
            plane[at..at + self.cols].copy_from_slice(from);
        }
        Ok(())
    }
}
