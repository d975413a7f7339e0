//! The entropy-coded data of a JPEG read bit by bit (ITU T.81 F.2.2): canonical Huffman tables
//! and a reader that stops at the next marker, so that running out of data is seen, never filled.

use super::jpeg_scan::corrupt;
use super::PageError;

/// Codes up to this many bits long are decoded with one table look-up (libjpeg's HUFF_LOOKAHEAD).
const FAST_BITS: u32 = 9;

/// A canonical Huffman table (ITU T.81 Annex C and F.2.2.3).
#[derive(Clone)]
pub(super) struct Huffman {
    /// Largest code of each length (-1: none), smallest code, index of its first value.
    max: [i32; 17],
    min: [i32; 17],
    first: [usize; 17],
    values: Vec<u8>,
    /// For the next FAST_BITS bits: the length of the code they start with (high byte) and its
    /// value (low byte); 0 when that code is longer (or not in the table).
    fast: Vec<u16>,
}

impl Huffman {
    pub(super) fn new(counts: &[u8], values: &[u8]) -> Option<Huffman> {
        let mut t = Huffman {
            max: [-1; 17],
            min: [0; 17],
            first: [0; 17],
            values: values.to_vec(),
            fast: vec![0; 1 << FAST_BITS],
        };
        let (mut code, mut k) = (0i32, 0usize);
        for l in 1..=16 {
            let n = usize::from(counts[l - 1]);
            t.first[l] = k;
            t.min[l] = code;
            if l as u32 <= FAST_BITS {
                let spread = 1usize << (FAST_BITS - l as u32);
                for (i, &value) in values.iter().enumerate().skip(k).take(n) {
                    let at = (code as usize + i - k) * spread;
                    if let Some(slots) = t.fast.get_mut(at..at + spread) {
                        slots.fill((l as u16) << 8 | u16::from(value));
                    }
                }
            }
            code += n as i32;
            k += n;
            if n > 0 {
                t.max[l] = code - 1;
            }
            // A code longer than its length allows: not a valid table.
            if code > 1 << l {
                return None;
            }
            code <<= 1;
        }
        (k == values.len()).then_some(t)
    }
}

/// Reads the bits of one entropy-coded segment; stops at any marker (RST or other).
pub(super) struct Bits<'a> {
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
    /// The low `n` bits are the next bits of the data, first bit highest.
    pub(super) acc: u64,
    pub(super) n: u32,
}

impl Bits<'_> {
    /// Loads whole bytes until 57 or more bits wait, or the segment's data ends.
    fn fill(&mut self) {
        while self.n <= 56 {
            let Some(&byte) = self.b.get(self.pos) else {
                return;
            };
            if byte == 0xFF {
                match self.b.get(self.pos + 1) {
                    Some(0x00) => self.pos += 2,
                    _ => return,
                }
            } else {
                self.pos += 1;
            }
            self.acc = self.acc << 8 | u64::from(byte);
            self.n += 8;
        }
    }

    /// The next `count` (at most 16) bits, or None when the segment's data ends first.
    pub(super) fn bits(&mut self, count: u8) -> Option<u32> {
        let count = u32::from(count);
        if self.n < count {
            self.fill();
            if self.n < count {
                return None;
            }
        }
        self.n -= count;
        Some((self.acc >> self.n) as u32 & ((1u32 << count) - 1))
    }

    /// The next bit, or None when the segment's data has ended.
    pub(super) fn bit(&mut self) -> Option<u32> {
        self.bits(1)
    }

    pub(super) fn decode(&mut self, t: &Huffman) -> Result<Option<u8>, PageError> {
        if self.n < FAST_BITS {
            self.fill();
        }
        if self.n >= FAST_BITS {
            let peek = (self.acc >> (self.n - FAST_BITS)) as usize & ((1 << FAST_BITS) - 1);
            let hit = t.fast[peek];
            if hit != 0 {
                self.n -= u32::from(hit >> 8);
                return Ok(Some(hit as u8));
            }
        }
        let mut code = 0i32;
        for l in 1..=16 {
            let Some(bit) = self.bit() else {
                return Ok(None);
            };
            code = (code << 1) | bit as i32;
            if code <= t.max[l] {
                let i = t.first[l] + (code - t.min[l]) as usize;
                return Ok(t.values.get(i).copied());
            }
        }
        Err(corrupt(
            "mã Huffman không có trong bảng nào",
            "a Huffman code that no table holds",
        ))
    }

    /// Skips to the next marker: returns its position (the 0xFF), or None at the end.
    pub(super) fn skip_to_marker(&mut self) -> Option<usize> {
        self.n = 0;
        while self.pos + 1 < self.b.len() {
            if self.b[self.pos] == 0xFF && !matches!(self.b[self.pos + 1], 0x00 | 0xFF) {
                return Some(self.pos);
            }
            self.pos += 1;
        }
        None
    }
}
