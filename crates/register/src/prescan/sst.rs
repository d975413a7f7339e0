//! How many bytes each shared string of an XLS (its SST record and the CONTINUE records after
//! it) can take once calamine decodes it, walked as calamine walks it, for the pre-scan:
//! calamine copies the string into every LabelSst cell that names it.

/// Bytes of UTF-8 at most for one stored character (a UTF-16 unit or a code page byte).
const UTF8_PER_CHAR: u64 = 3;

/// The SST's data split over its records, read as one run (calamine's `Record` with `cont`).
struct Parts<'a> {
    rest: std::slice::Iter<'a, &'a [u8]>,
    data: &'a [u8],
}

impl<'a> Parts<'a> {
    fn next_part(&mut self) -> bool {
        match self.rest.next() {
            Some(p) => {
                self.data = p;
                true
            }
            None => false,
        }
    }

    /// `n` bytes of the current record (header fields never span records).
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = (self.data.get(..n)?, self.data.get(n..)?);
        self.data = b;
        Some(a)
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            if self.data.is_empty() && !self.next_part() {
                return None;
            }
            let l = n.min(self.data.len());
            self.data = &self.data[l..];
            n -= l;
        }
        Some(())
    }

    /// Skips `cch` characters (XLUnicodeRichExtendedString's rgb): each record they run into
    /// starts with its own high-byte flag. The characters there were.
    fn chars(&mut self, cch: usize, mut high: bool) -> Option<usize> {
        let (mut left, mut n) = (cch, 0);
        loop {
            let per = if high { 2 } else { 1 };
            let l = (self.data.len() / per).min(left);
            self.data = &self.data[l * per..];
            left -= l;
            n += l;
            if left == 0 {
                return Some(n);
            }
            if !self.next_part() {
                return None;
            }
            high = self.take(1)?[0] & 1 != 0;
        }
    }
}

/// The most bytes each shared string takes decoded, in SST order, up to where calamine stops
/// reading the table (it then fails on the workbook).
pub(super) fn sizes(parts: &[&[u8]]) -> Vec<u64> {
    let mut out = Vec::new();
    let Some((first, rest)) = parts.split_first() else {
        return out;
    };
    // cstTotal and cstUnique first: calamine trusts neither.
    let Some(data) = first.get(8..) else {
        return out;
    };
    let mut p = Parts {
        rest: rest.iter(),
        data,
    };
    loop {
        if p.data.is_empty() && !p.next_part() {
            return out;
        }
        // An empty record is an empty string to calamine.
        if p.data.is_empty() {
            out.push(0);
            continue;
        }
        let Some(h) = p.take(3) else {
            return out;
        };
        let (cch, flags) = (usize::from(u16::from_le_bytes([h[0], h[1]])), h[2]);
        let mut after = 0usize;
        if flags & 0x8 != 0 {
            let Some(r) = p.take(2) else {
                return out;
            };
            after += usize::from(u16::from_le_bytes([r[0], r[1]])) * 4;
        }
        if flags & 0x4 != 0 {
            let Some(e) = p.take(4) else {
                return out;
            };
            // calamine reads it as i32 cast to usize: negative is past any data.
            let ext = i32::from_le_bytes([e[0], e[1], e[2], e[3]]);
            after = after.saturating_add(usize::try_from(ext).unwrap_or(usize::MAX));
        }
        let Some(n) = p.chars(cch, flags & 1 != 0) else {
            return out;
        };
        out.push(n as u64 * UTF8_PER_CHAR);
        if p.skip(after).is_none() {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_sized_across_continue_records() {
        // "ab" compressed; "xyz" in UTF-16 split over two records, then compressed (its
        // second record starts with a flag of 0); a rich string with two runs.
        let mut sst = vec![0u8; 8];
        sst.extend([2, 0, 0, b'a', b'b']);
        sst.extend([3, 0, 1, b'x', 0]);
        let mut cont = vec![0u8, b'y', b'z'];
        cont.extend([1, 0, 8, 2, 0, b'q']);
        cont.extend([0u8; 8]);
        assert_eq!(sizes(&[&sst, &cont]), [6, 9, 3]);
        // A string whose characters run past the last record: calamine stops there.
        let cut = [&sst[..13], &[200, 0, 0, b'a']].concat();
        assert_eq!(sizes(&[&cut]), [6]);
    }
}
