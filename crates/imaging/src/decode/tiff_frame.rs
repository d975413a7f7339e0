//! What one TIFF frame is, read from its tags (compression, samples and what they mean, planes,
//! orientation), and the variants refused before any pixel is decoded: each with a clear
//! `page.unsupported` naming the variant and what to convert it to (docs/input-format.md).

use super::tiff::{tiff_err, unsigned, Dec};
use super::tiff_ifd::Relabel;
use super::PageError;
use tiff::tags::Tag;

/// Compression values sohoa reads.
pub(super) const NONE: u64 = 1;
pub(super) const G4: u64 = 4;
pub(super) const LZW: u64 = 5;
pub(super) const JPEG: u64 = 7;
pub(super) const DEFLATE: u64 = 8;
pub(super) const OLD_DEFLATE: u64 = 32946;
pub(super) const PACKBITS: u64 = 32773;

/// PhotometricInterpretation values, as the file says them.
pub(super) const WHITE_IS_ZERO: u64 = 0;
pub(super) const BLACK_IS_ZERO: u64 = 1;
pub(super) const RGB: u64 = 2;
pub(super) const PALETTE: u64 = 3;
pub(super) const CMYK: u64 = 5;
pub(super) const YCBCR: u64 = 6;

/// What the first extra sample (ExtraSamples) of a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Alpha {
    /// No extra sample, or one of unspecified meaning (ignored, as the TIFF specification
    /// says: a scanner's padding sample is not transparency).
    None,
    /// Associated (premultiplied) alpha: ExtraSamples 1.
    Associated,
    /// Unassociated alpha: ExtraSamples 2.
    Unassociated,
}

/// One frame's tags, as far as decoding needs them.
#[derive(Debug, Clone)]
pub(super) struct FrameKind {
    pub compression: u64,
    /// PhotometricInterpretation as the file says it (before [`Relabel`]).
    pub photometric: u64,
    /// The frame was relabelled for the crate: its samples are as stored, not yet interpreted.
    pub relabelled: bool,
    pub bits: u64,
    pub samples: u64,
    /// Samples that belong to the colour (1 gray or palette, 3 RGB or YCbCr, 4 CMYK).
    pub colour_samples: u64,
    pub alpha: Alpha,
    /// Separate colour planes (PlanarConfiguration=2, more than one sample).
    pub planar: bool,
    pub predictor: u64,
    pub fill_order: u64,
    /// Orientation (274), 1-8; 1 when absent or out of range.
    pub orientation: u8,
}

fn unsupported(vi: String, en: String) -> PageError {
    PageError::new(
        "page.unsupported",
        format!("TIFF không được hỗ trợ: {vi}"),
        format!("Unsupported TIFF: {en}"),
    )
}

/// Reads the frame's tags. `relabel` says what [`super::tiff_ifd::relabel`] made of it.
pub(super) fn read(dec: &mut Dec, relabel: Relabel) -> Result<FrameKind, PageError> {
    let compression = unsigned(dec, Tag::Compression)?.unwrap_or(NONE);
    let photometric = match relabel {
        Relabel::Palette => PALETTE,
        Relabel::WhiteIsZero => WHITE_IS_ZERO,
        Relabel::Kept => unsigned(dec, Tag::PhotometricInterpretation)?.unwrap_or(WHITE_IS_ZERO),
    };
    let bits_list = dec
        .find_tag_unsigned_vec::<u64>(Tag::BitsPerSample)
        .map_err(tiff_err)?
        .unwrap_or_else(|| vec![1]);
    if bits_list.iter().any(|&b| Some(&b) != bits_list.first()) {
        return Err(unsupported(
            format!("các kênh có số bit khác nhau (BitsPerSample {bits_list:?})"),
            format!("samples of different sizes (BitsPerSample {bits_list:?})"),
        ));
    }
    let bits = bits_list.first().copied().unwrap_or(1);
    let samples = unsigned(dec, Tag::SamplesPerPixel)?.unwrap_or(1);
    let extra = dec
        .find_tag_unsigned_vec::<u64>(Tag::ExtraSamples)
        .map_err(tiff_err)?
        .unwrap_or_default();
    let colour_samples = match photometric {
        RGB | YCBCR => 3,
        CMYK => 4,
        _ => 1,
    };
    let alpha = match extra.first() {
        Some(1) if samples > colour_samples => Alpha::Associated,
        Some(2) if samples > colour_samples => Alpha::Unassociated,
        _ => Alpha::None,
    };
    let orientation = match unsigned(dec, Tag::Orientation)? {
        Some(o @ 1..=8) => o as u8,
        _ => 1,
    };
    Ok(FrameKind {
        compression,
        photometric,
        relabelled: relabel != Relabel::Kept,
        bits,
        samples,
        colour_samples,
        alpha,
        planar: samples > 1 && unsigned(dec, Tag::PlanarConfiguration)? == Some(2),
        predictor: unsigned(dec, Tag::Predictor)?.unwrap_or(1),
        fill_order: unsigned(dec, Tag::FillOrder)?.unwrap_or(1),
        orientation,
    })
}

fn compression_name(c: u64) -> &'static str {
    match c {
        2 => "CCITT RLE",
        3 => "CCITT Group 3",
        6 => "old-style JPEG",
        32809 => "ThunderScan",
        34661 => "JBIG",
        34676 | 34677 => "SGI Log",
        34712 => "JPEG 2000",
        34887..=34892 => "lossy JPEG (DNG)",
        34925 => "LZMA",
        50000 => "Zstandard",
        50001 => "WebP",
        50002 => "JPEG XL",
        _ => "",
    }
}

fn photometric_name(p: u64) -> &'static str {
    match p {
        4 => "transparency mask",
        8 => "CIE L*a*b*",
        9 => "ICC L*a*b*",
        10 => "ITU L*a*b*",
        32803 => "colour filter array (raw camera data)",
        32844 => "SGI LogL",
        32845 => "SGI LogLuv",
        34892 => "linear raw (camera data)",
        _ => "",
    }
}

/// Refuses a colour model sohoa does not read. Also used on every frame before the `tiff`
/// crate opens it (the crate's own error for models it does not know names none).
pub(super) fn check_photometric(p: u64) -> Result<(), PageError> {
    if matches!(
        p,
        WHITE_IS_ZERO | BLACK_IS_ZERO | RGB | PALETTE | CMYK | YCBCR
    ) {
        return Ok(());
    }
    let name = photometric_name(p);
    let name = if name.is_empty() {
        String::new()
    } else {
        format!(", {name}")
    };
    Err(unsupported(
        format!(
            "kiểu màu PhotometricInterpretation={p}{name}: hãy chuyển sang xám, RGB hoặc bảng màu"
        ),
        format!(
            "colour model PhotometricInterpretation={p}{name}: convert it to gray, RGB or palette"
        ),
    ))
}

/// Refuses, with a clear error, every variant sohoa does not read (docs/input-format.md, "TIFF
/// variants"). Damage is not judged here: only what the tags declare.
pub(super) fn check(dec: &mut Dec, k: &FrameKind) -> Result<(), PageError> {
    match k.compression {
        NONE | G4 | LZW | JPEG | DEFLATE | OLD_DEFLATE | PACKBITS => {}
        2 | 3 => {
            return Err(PageError::new(
                "page.unsupported",
                "TIFF nén CCITT Group 3 không được hỗ trợ: hãy chuyển sang Group 4 (G4)",
                "CCITT Group 3 TIFF is not supported: convert it to Group 4 (G4)",
            ))
        }
        6 => {
            return Err(unsupported(
                "nén JPEG kiểu cũ (Compression=6, TIFF 6.0 trước TechNote 2): hãy chuyển sang JPEG mới (Compression=7) hoặc nén không mất dữ liệu".into(),
                "old-style JPEG compression (Compression=6, TIFF 6.0 before TechNote 2): convert it to new-style JPEG (Compression=7) or a lossless compression".into(),
            ))
        }
        c => {
            let name = compression_name(c);
            let name = if name.is_empty() {
                String::new()
            } else {
                format!(", {name}")
            };
            return Err(unsupported(
                format!("kiểu nén {c}{name}: hãy lưu lại với LZW, Deflate, PackBits, JPEG, G4 hoặc không nén"),
                format!("compression {c}{name}: save it again with LZW, Deflate, PackBits, JPEG, G4 or none"),
            ));
        }
    }
    if let Some(formats) = dec
        .find_tag_unsigned_vec::<u64>(Tag::SampleFormat)
        .map_err(tiff_err)?
    {
        if let Some(&f) = formats.iter().find(|&&f| f != 1) {
            let (vi, en) = if f == 3 {
                ("số thực dấu phẩy động", "floating-point numbers")
            } else {
                ("số có dấu hoặc kiểu khác", "signed or other numbers")
            };
            return Err(unsupported(
                format!("giá trị điểm ảnh là {vi} (SampleFormat={f}), không phải số nguyên không dấu của ảnh quét: hãy chuyển sang 8 hoặc 16 bit"),
                format!("the samples are {en} (SampleFormat={f}), not a scan's unsigned integers: convert it to 8 or 16-bit"),
            ));
        }
    }
    match k.predictor {
        1 => {}
        2 if k.bits == 8 || k.bits == 16 => {}
        2 => {
            let b = k.bits;
            return Err(unsupported(
                format!("bộ dự đoán ngang (Predictor=2) với mẫu {b} bit (chỉ 8 hoặc 16 bit): hãy lưu lại không dùng Predictor"),
                format!("horizontal predictor (Predictor=2) on {b}-bit samples (only 8 or 16-bit): save it again without a predictor"),
            ));
        }
        3 => {
            return Err(unsupported(
                "bộ dự đoán dấu phẩy động (Predictor=3), dành cho dữ liệu số thực, không phải ảnh quét: hãy lưu lại không dùng Predictor".into(),
                "floating-point predictor (Predictor=3), made for floating-point data, not scans: save it again without a predictor".into(),
            ))
        }
        p => {
            return Err(unsupported(
                format!("bộ dự đoán (Predictor) {p} không xác định"),
                format!("unknown predictor (Predictor={p})"),
            ))
        }
    }
    let p = k.photometric;
    check_photometric(p)?;
    if k.samples < k.colour_samples {
        let (n, need) = (k.samples, k.colour_samples);
        return Err(PageError::new(
            "page.corrupt",
            format!("Tệp TIFF hỏng: {n} kênh cho kiểu màu cần {need} (PhotometricInterpretation={p})"),
            format!("Corrupt TIFF: {n} samples per pixel for a colour model that needs {need} (PhotometricInterpretation={p})"),
        ));
    }
    if k.samples > 8 {
        return Err(unsupported(
            format!("{} kênh cho mỗi điểm ảnh (tối đa 8)", k.samples),
            format!("{} samples per pixel (8 at most)", k.samples),
        ));
    }
    if k.planar && k.compression == JPEG {
        return Err(unsupported(
            "nén JPEG với các kênh màu thành mặt phẳng riêng (PlanarConfiguration=2): hãy lưu lại dạng thường (chunky)".into(),
            "JPEG compression with separate colour planes (PlanarConfiguration=2): save it again as contiguous (chunky)".into(),
        ));
    }
    if p == PALETTE && k.samples != 1 {
        return Err(unsupported(
            format!("ảnh bảng màu có {} kênh (chỉ số màu kèm kênh phụ): hãy chuyển sang RGB", k.samples),
            format!("a palette image with {} samples per pixel (indices with extra samples): convert it to RGB", k.samples),
        ));
    }
    if p == CMYK && unsigned(dec, Tag::Unknown(332))?.unwrap_or(1) != 1 {
        return Err(unsupported(
            "mực in không phải CMYK (InkSet=2): hãy chuyển sang RGB".into(),
            "inks other than CMYK (InkSet=2): convert it to RGB".into(),
        ));
    }
    // 1, 2 and 4 bits: gray and palette indices only (no alpha, no colour); 16-bit YCbCr is
    // not a scanner's output.
    let bits_ok = match k.bits {
        1 | 2 | 4 => k.samples == 1 && matches!(p, WHITE_IS_ZERO | BLACK_IS_ZERO | PALETTE),
        8 => true,
        16 => p != YCBCR,
        _ => false,
    };
    if !bits_ok {
        let (b, n) = (k.bits, k.samples);
        return Err(unsupported(
            format!("mẫu {b} bit ({n} kênh, PhotometricInterpretation={p}); được hỗ trợ: xám và bảng màu 1, 2, 4, 8, 16 bit, màu 8 và 16 bit: hãy chuyển sang 8 hoặc 16 bit"),
            format!("{b}-bit samples ({n} per pixel, PhotometricInterpretation={p}); supported are 1, 2, 4, 8 and 16-bit gray and palette, 8 and 16-bit colour: convert it to 8 or 16-bit"),
        ));
    }
    if p == YCBCR && k.compression != JPEG {
        let sub = dec
            .find_tag_unsigned_vec::<u64>(Tag::ChromaSubsampling)
            .map_err(tiff_err)?
            .unwrap_or_else(|| vec![2, 2]);
        if sub != [1, 1] {
            return Err(unsupported(
                format!("YCbCr lấy mẫu màu thưa ({sub:?}) mà không nén JPEG: hãy chuyển sang RGB"),
                format!("YCbCr with subsampled chroma ({sub:?}) outside JPEG compression: convert it to RGB"),
            ));
        }
    }
    if k.compression == G4 && (k.bits != 1 || k.samples != 1) {
        return Err(PageError::new(
            "page.corrupt",
            "Tệp TIFF hỏng: nén G4 cho ảnh không phải 1 bit",
            "Corrupt TIFF: G4 compression on an image that is not 1-bit",
        ));
    }
    Ok(())
}
