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

/// Whether any of a word's eight bytes is 0xFF (a zero byte of its complement; exact).
fn has_ff_byte(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let inv = !word;
    inv.wrapping_sub(ONES) & !inv & (ONES << 7) != 0
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
        // Most of the data has no 0xFF byte (stuffed or a marker) among the next eight: as many
        // of them as fit are loaded at once. Bits above the low `n` are never read.
        if let Some(word) = self.b.get(self.pos..self.pos + 8) {
            let word = u64::from_be_bytes(word.try_into().unwrap_or([0xFF; 8]));
            if !has_ff_byte(word) {
                let take = ((64 - self.n) / 8).min(7);
                self.acc = self.acc << (8 * take) | word >> (64 - 8 * take);
                self.pos += take as usize;
                self.n += 8 * take;
            }
        }
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
    #[inline]
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

    #[inline]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The segment's bits as T.81 defines them, one byte at a time: a 0xFF followed by 0x00 is
    /// the byte 0xFF, any other 0xFF ends the data.
    fn plain_bits(b: &[u8]) -> Vec<u32> {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(&byte) = b.get(i) {
            if byte == 0xFF {
                if b.get(i + 1) != Some(&0x00) {
                    break;
                }
                i += 1;
            }
            i += 1;
            out.extend((0..8).rev().map(|k| u32::from(byte >> k & 1)));
        }
        out
    }

    #[test]
    fn bits_read_in_any_counts_are_the_segments_bits_up_to_its_marker() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for case in 0..2000 {
            // Random data with stuffed bytes, now and then a marker or a lone 0xFF at the end.
            let len = 1 + rnd(60) as usize;
            let mut b: Vec<u8> = Vec::new();
            while b.len() < len {
                match rnd(10) {
                    0 => b.extend([0xFF, 0x00]),
                    1 if case % 3 == 0 => b.extend([0xFF, 0xD0 + rnd(8) as u8]),
                    _ => b.push(rnd(255) as u8),
                }
            }
            if case % 7 == 0 {
                b.push(0xFF);
            }
            let want = plain_bits(&b);
            let mut bits = Bits {
                b: &b,
                pos: 0,
                acc: 0,
                n: 0,
            };
            let mut got = Vec::new();
            loop {
                let count = 1 + rnd(16) as u8;
                match bits.bits(count) {
                    Some(v) => got.extend((0..count).rev().map(|k| v >> k & 1)),
                    None => {
                        // Fewer bits than asked are left: read them one at a time.
                        while let Some(v) = bits.bit() {
                            got.push(v);
                        }
                        break;
                    }
                }
            }
            assert_eq!(got, want, "case {case}: {b:02X?}");
        }
    }
}
