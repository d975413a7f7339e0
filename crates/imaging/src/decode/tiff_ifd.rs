//! The IFD chain of a TIFF, read straight from its bytes before the `tiff` crate decodes it:
//! how many frames, the size each declares (checked against the limits) and where each says its
//! PhotometricInterpretation, to relabel palette and min-is-white frames as BlackIsZero for the
//! crate (see [`relabel`]) through a [`Relabelled`] reader, without copying the file.

use super::limits::{check_frames, check_pixels};
use super::PageError;
use sohoa_archive::limits::Limits;
use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};

const IMAGE_WIDTH: u16 = 256;
const IMAGE_LENGTH: u16 = 257;
const PHOTOMETRIC: u16 = 262;
/// PhotometricInterpretation values.
const WHITE_IS_ZERO: u64 = 0;
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

/// What a frame was before [`relabel`] made it BlackIsZero for the `tiff` crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relabel {
    /// Left as the file says.
    Kept,
    /// PhotometricInterpretation 3: the crate hands back the indices, `tiff_photometric` looks
    /// them up in the ColorMap.
    Palette,
    /// PhotometricInterpretation 0: the crate hands back the samples as stored,
    /// `tiff_photometric` inverts them (the crate inverts only single-sample gray itself and
    /// refuses gray with alpha; inverting in one place serves every case).
    WhiteIsZero,
}

/// The `tiff` crate (0.11) refuses palette images (`colortype()` is an UnsupportedError for
/// RGBPalette) and min-is-white gray with an extra sample, but decodes the same samples as
/// BlackIsZero gray. So those frames are relabelled: their PhotometricInterpretation value reads
/// as BlackIsZero through the returned [`Relabelled`] reader (every other byte as in the file,
/// which is never modified). Returns the reader and, per frame, what it was.
pub(crate) fn relabel<'a>(b: &'a [u8], frames: &[Frame]) -> (Relabelled<'a>, Vec<Relabel>) {
    let little = b.starts_with(b"II");
    let mut patches = Vec::new();
    let mut kinds = Vec::with_capacity(frames.len());
    for f in frames {
        let kind = match f.photometric {
            Some(RGB_PALETTE) => Relabel::Palette,
            Some(WHITE_IS_ZERO) => Relabel::WhiteIsZero,
            _ => Relabel::Kept,
        };
        match (kind, f.photometric_at) {
            (Relabel::Kept, _) | (_, None) => kinds.push(Relabel::Kept),
            (_, Some((at, size))) => {
                let value = BLACK_IS_ZERO.to_be_bytes();
                let mut bytes = value[8 - size..].to_vec();
                if little {
                    bytes.reverse();
                }
                patches.push((at, bytes));
                kinds.push(kind);
            }
        }
    }
    let reader = Relabelled {
        bytes: b,
        pos: 0,
        patches,
    };
    (reader, kinds)
}

/// The bytes of a file read with a few values replaced (see [`relabel`]).
pub(crate) struct Relabelled<'a> {
    bytes: &'a [u8],
    pos: u64,
    /// Where a replaced value starts, and its bytes.
    patches: Vec<(usize, Vec<u8>)>,
}

impl Read for Relabelled<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(self.pos)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        let n = buf.len().min(self.bytes.len() - start);
        buf[..n].copy_from_slice(&self.bytes[start..start + n]);
        for (at, value) in &self.patches {
            for (i, &byte) in value.iter().enumerate() {
                if let Some(k) = (at + i).checked_sub(start).filter(|&k| k < n) {
                    buf[k] = byte;
                }
            }
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Relabelled<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => (self.bytes.len() as u64).checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
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
            let (mut reader, kinds) = relabel(&b, &f);
            assert_eq!(kinds, [Relabel::Kept, Relabel::Palette]);
            let mut relabelled = Vec::new();
            reader.read_to_end(&mut relabelled).unwrap();
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
    fn min_is_white_frames_read_as_black_is_zero_at_any_position() {
        let b = chain(false, &[(10, 10, 0), (10, 10, 2), (10, 10, 0)]);
        let f = frames(&b, 10);
        let (mut reader, kinds) = relabel(&b, &f);
        use Relabel::*;
        assert_eq!(kinds, [WhiteIsZero, Kept, WhiteIsZero]);
        let mut whole = Vec::new();
        reader.read_to_end(&mut whole).unwrap();
        let photometric: Vec<_> = frames(&whole, 10).iter().map(|f| f.photometric).collect();
        assert_eq!(photometric, [Some(1), Some(2), Some(1)]);
        // Read in pieces of every size from every position: the same bytes.
        for start in 0..b.len() {
            for len in 1..=4 {
                let mut piece = vec![0u8; len];
                reader.seek(SeekFrom::Start(start as u64)).unwrap();
                let n = reader.read(&mut piece).unwrap();
                assert_eq!(&piece[..n], &whole[start..(start + len).min(b.len())]);
            }
        }
        assert_eq!(reader.seek(SeekFrom::End(0)).unwrap(), b.len() as u64);
        assert_eq!(reader.read(&mut [0u8; 4]).unwrap(), 0);
        assert!(reader
            .seek(SeekFrom::Current(-(b.len() as i64) - 1))
            .is_err());
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
