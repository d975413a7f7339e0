//! The IFD chain of a TIFF, read straight from its bytes before the `tiff` crate decodes it:
//! how many frames, the size each declares (checked against the limits) and where palette
//! frames say so, to relabel them (the crate refuses palette images, see `relabel_palettes`).

use super::limits::{check_frames, check_pixels};
use super::PageError;
use sohoa_archive::limits::Limits;
use std::borrow::Cow;
use std::collections::HashSet;

const IMAGE_WIDTH: u16 = 256;
const IMAGE_LENGTH: u16 = 257;
const PHOTOMETRIC: u16 = 262;
/// PhotometricInterpretation values.
const BLACK_IS_ZERO: u64 = 1;
const RGB_PALETTE: u64 = 3;

/// One IFD as declared: its size and where its PhotometricInterpretation value sits.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Frame {
    pub width: Option<u64>,
    pub height: Option<u64>,
    pub photometric: Option<u64>,
    /// Byte position and byte size of the PhotometricInterpretation value (2 or 4).
    photometric_at: Option<(usize, usize)>,
}

struct Reader<'a> {
    b: &'a [u8],
    little: bool,
    big_tiff: bool,
}

impl Reader<'_> {
    fn uint(&self, at: usize, size: usize) -> Option<u64> {
        let bytes = self.b.get(at..at.checked_add(size)?)?;
        let mut v = 0u64;
        for i in 0..size {
            let byte = if self.little {
                bytes[size - 1 - i]
            } else {
                bytes[i]
            };
            v = (v << 8) | u64::from(byte);
        }
        Some(v)
    }

    /// One IFD: its entries and the offset of the next (0 at the end of the chain).
    fn ifd(&self, at: usize) -> Option<(Frame, u64)> {
        let (count_size, entry_size, value_size) = if self.big_tiff {
            (8, 20, 8)
        } else {
            (2, 12, 4)
        };
        let count = usize::try_from(self.uint(at, count_size)?).ok()?;
        let entries = at.checked_add(count_size)?;
        let end = entries.checked_add(count.checked_mul(entry_size)?)?;
        if end > self.b.len() {
            return None;
        }
        let mut frame = Frame::default();
        for e in (entries..end).step_by(entry_size) {
            let tag = self.uint(e, 2)? as u16;
            let kind = self.uint(e + 2, 2)?;
            let n = self.uint(e + 4, value_size)?;
            let value_at = e + 4 + value_size;
            // A single SHORT, LONG or LONG8 sits inside the entry.
            let size = match (kind, n) {
                (3, 1) => 2,
                (4, 1) => 4,
                (16, 1) if self.big_tiff => 8,
                _ => continue,
            };
            let value = self.uint(value_at, size)?;
            match tag {
                IMAGE_WIDTH => frame.width = Some(value),
                IMAGE_LENGTH => frame.height = Some(value),
                PHOTOMETRIC if size <= 4 => {
                    frame.photometric = Some(value);
                    frame.photometric_at = Some((value_at, size));
                }
                _ => {}
            }
        }
        let next = self.uint(end, value_size)?;
        Some((frame, next))
    }
}

/// The frames of the main IFD chain, as far as it can be read (the `tiff` crate reports a
/// broken chain itself), at most `max + 1` of them and never twice the same.
pub(crate) fn frames(b: &[u8], max: usize) -> Vec<Frame> {
    let little = b.starts_with(b"II");
    let big_tiff = matches!(b.get(2..4), Some([0x2B, 0]) | Some([0, 0x2B]));
    let r = Reader {
        b,
        little,
        big_tiff,
    };
    let first = if big_tiff { r.uint(8, 8) } else { r.uint(4, 4) };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut next = first.unwrap_or(0);
    while next != 0 && out.len() <= max && seen.insert(next) {
        let Some((frame, after)) = usize::try_from(next).ok().and_then(|at| r.ifd(at)) else {
            break;
        };
        out.push(frame);
        next = after;
    }
    out
}

/// Refuses a TIFF with too many frames, or a frame declaring too many pixels, before any is
/// decoded.
pub(crate) fn check(frames: &[Frame], limits: &Limits) -> Result<(), PageError> {
    check_frames("TIFF", frames.len() as u64, limits)?;
    for (i, f) in frames.iter().enumerate() {
        if let (Some(w), Some(h)) = (f.width, f.height) {
            check_pixels("TIFF", w, h, limits).map_err(|e| e.on_page(i as u32))?;
        }
    }
    Ok(())
}

/// The `tiff` crate (0.11) refuses palette images (`colortype()` is an UnsupportedError for
/// RGBPalette), but decodes the same samples as gray. So palette frames are relabelled
/// BlackIsZero in a copy of the file (PhotometricInterpretation only: every other byte is
/// unchanged, WhiteIsZero would invert the indices), the crate hands back the raw indices, and
/// `tiff.rs` maps them through the ColorMap. Returns the bytes to decode and, per frame,
/// whether it is a palette frame. The original file is never modified.
pub(crate) fn relabel_palettes<'a>(b: &'a [u8], frames: &[Frame]) -> (Cow<'a, [u8]>, Vec<bool>) {
    let palette: Vec<bool> = frames
        .iter()
        .map(|f| f.photometric == Some(RGB_PALETTE))
        .collect();
    if !palette.contains(&true) {
        return (Cow::Borrowed(b), palette);
    }
    let little = b.starts_with(b"II");
    let mut copy = b.to_vec();
    for f in frames.iter().filter(|f| f.photometric == Some(RGB_PALETTE)) {
        if let Some((at, size)) = f.photometric_at {
            let value = BLACK_IS_ZERO.to_be_bytes();
            let value = &value[8 - size..];
            for (i, byte) in copy[at..at + size].iter_mut().enumerate() {
                *byte = if little {
                    value[size - 1 - i]
                } else {
                    value[i]
                };
            }
        }
    }
    (Cow::Owned(copy), palette)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic TIFF header and one IFD per (width, height, photometric), chained.
    fn chain(little: bool, frames: &[(u32, u32, u16)]) -> Vec<u8> {
        let u16b = |v: u16| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let u32b = |v: u32| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let mut b = if little {
            b"II*\0".to_vec()
        } else {
            b"MM\0*".to_vec()
        };
        b.extend(u32b(8));
        for (i, &(w, h, p)) in frames.iter().enumerate() {
            b.extend(u16b(3));
            for (tag, kind, value) in [(256u16, 4u16, w), (257, 4, h), (262, 3, p as u32)] {
                b.extend(u16b(tag));
                b.extend(u16b(kind));
                b.extend(u32b(1));
                if kind == 3 {
                    b.extend(u16b(value as u16));
                    b.extend([0, 0]);
                } else {
                    b.extend(u32b(value));
                }
            }
            let next = if i + 1 < frames.len() {
                b.len() as u32 + 4
            } else {
                0
            };
            b.extend(u32b(next));
        }
        b
    }

    #[test]
    fn reads_every_frame_of_the_chain_in_both_byte_orders() {
        for little in [true, false] {
            let b = chain(little, &[(100, 200, 1), (0xFFFF_FFFF, 7, 3)]);
            let f = frames(&b, 10);
            assert_eq!(f.len(), 2);
            assert_eq!(
                (f[0].width, f[0].height, f[0].photometric),
                (Some(100), Some(200), Some(1))
            );
            assert_eq!((f[1].width, f[1].photometric), (Some(0xFFFF_FFFF), Some(3)));
            let e = check(&f, &Limits::default()).unwrap_err();
            assert_eq!((e.code, e.page), ("page.too_large", Some(2)));
            let (relabelled, palette) = relabel_palettes(&b, &f);
            assert_eq!(palette, [false, true]);
            let after = frames(&relabelled, 10);
            assert_eq!(after[1].photometric, Some(1));
            assert_eq!(relabelled.len(), b.len());
            let changed = b
                .iter()
                .zip(relabelled.iter())
                .filter(|(x, y)| x != y)
                .count();
            assert_eq!(
                changed, 1,
                "only the PhotometricInterpretation value changes"
            );
        }
    }

    #[test]
    fn a_looping_or_endless_chain_is_read_once_and_counted() {
        let mut b = chain(true, &[(10, 10, 1)]);
        // The last IFD points back to the first.
        let at = b.len() - 4;
        b[at..].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(frames(&b, 10).len(), 1);
        let many: Vec<(u32, u32, u16)> = vec![(10, 10, 1); 40];
        let b = chain(true, &many);
        assert_eq!(frames(&b, 5).len(), 6, "at most max + 1 are read");
        let limits = Limits {
            max_pages_per_file: 5,
            ..Limits::default()
        };
        assert_eq!(
            check(&frames(&b, 5), &limits).unwrap_err().code,
            "page.too_large"
        );
        assert!(frames(b"II*\0\xff\xff\xff\xff", 10).is_empty());
    }
}
