//! Decoding limits for pages: the size a file declares is checked against the profile's
//! `[limits]` before any decoder allocates for it, and damaged image data is named as such.

use super::PageError;
use sohoa_archive::limits::Limits;
use sohoa_archive::text::readable_count;

/// Refuses a page whose declared size is over `limits.max_page_pixels`, before decoding.
pub(crate) fn check_pixels(
    format: &str,
    width: u64,
    height: u64,
    limits: &Limits,
) -> Result<(), PageError> {
    let pixels = width.saturating_mul(height);
    if pixels <= limits.max_page_pixels {
        return Ok(());
    }
    let (n_vi, n_en) = readable_count(pixels);
    let (max_vi, max_en) = readable_count(limits.max_page_pixels);
    Err(PageError::new(
        "page.too_large",
        format!(
            "Ảnh {format} khai báo kích thước {width}x{height} = {n_vi} điểm ảnh, vượt giới hạn {max_vi} điểm ảnh (limits.max_page_pixels): tệp bị từ chối trước khi giải mã"
        ),
        format!(
            "The {format} image declares {width}x{height} = {n_en} pixels, over the limit of {max_en} pixels (limits.max_page_pixels): refused before decoding"
        ),
    ))
}

/// Refuses a multi-page file with more frames than `limits.max_pages_per_file`.
pub(crate) fn check_frames(format: &str, frames: u64, limits: &Limits) -> Result<(), PageError> {
    if frames <= u64::from(limits.max_pages_per_file) {
        return Ok(());
    }
    let (max_vi, max_en) = readable_count(u64::from(limits.max_pages_per_file));
    Err(PageError::new(
        "page.too_large",
        format!(
            "Tệp {format} có hơn {max_vi} trang (limits.max_pages_per_file): tệp bị từ chối trước khi giải mã"
        ),
        format!(
            "The {format} file holds more than {max_en} pages (limits.max_pages_per_file): refused before decoding"
        ),
    ))
}

/// The image data ends before the declared picture does (data cut out or lost).
pub(crate) fn incomplete(format: &str, what: &str, what_en: &str) -> PageError {
    PageError::new(
        "page.incomplete",
        format!("Dữ liệu ảnh {format} không đủ cho kích thước khai báo ({what}): trang bị hỏng, không lưu trữ"),
        format!("The {format} image data does not cover its declared size ({what_en}): the page is damaged and is not archived"),
    )
}

/// Bytes a decoder may need for one page of `limits.max_page_pixels` with `bytes_per_pixel`.
pub(crate) fn page_bytes(limits: &Limits, bytes_per_pixel: u64) -> usize {
    usize::try_from(limits.max_page_pixels.saturating_mul(bytes_per_pixel)).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_too_large_message_names_the_declared_size_and_the_limit() {
        let limits = Limits::default();
        assert!(check_pixels("JPEG", 12_000, 12_000, &limits).is_ok());
        let e = check_pixels("JPEG", 65_500, 65_500, &limits).unwrap_err();
        assert_eq!(e.code, "page.too_large");
        assert!(
            e.en.contains("65500x65500 = 4290.2 million pixels"),
            "{}",
            e.en
        );
        assert!(e.en.contains("limit of 150 million pixels"), "{}", e.en);
        assert!(
            e.vi.contains("65500x65500 = 4290,2 triệu điểm ảnh"),
            "{}",
            e.vi
        );
        // Never a 9- or 12-digit run, which the identity-number mask would hide.
        let p = e.into_problem("a.jpg");
        assert!(p.message_en.contains("150 million"), "{}", p.message_en);
        assert!(check_pixels("TIFF", u64::from(u32::MAX), u64::from(u32::MAX), &limits).is_err());
        assert!(check_frames("TIFF", 2_000, &limits).is_ok());
        assert_eq!(
            check_frames("TIFF", 2_001, &limits).unwrap_err().code,
            "page.too_large"
        );
    }
}
