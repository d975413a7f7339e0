//! The findings of an audit, kept compactly: in blocks of a few thousand, each block the
//! findings' JSON lines compressed with LZ4 (a million findings take tens of megabytes instead
//! of a gigabyte), read back one block at a time. It serializes as the plain JSON array of
//! findings the report's schema has always had, streamed, never built as a whole.

use super::Finding;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// Findings per block.
const BLOCK: usize = 4096;

/// An ordered list of findings.
#[derive(Clone, Default)]
pub struct Findings {
    /// LZ4 blocks of JSON lines (one finding per line), shared by clones.
    blocks: Vec<Arc<[u8]>>,
    /// JSON lines not yet packed into a block (fewer than `BLOCK` findings).
    tail: Vec<u8>,
    tail_len: usize,
    len: usize,
}

/// Findings as JSON lines, made where they are found (on the worker threads) and added to a
/// [`Findings`] with [`Findings::append`].
pub fn encode(findings: &[Finding]) -> Vec<u8> {
    let mut out = Vec::with_capacity(findings.len() * 400);
    for f in findings {
        // A finding is strings, numbers and enums: serializing it cannot fail.
        if serde_json::to_writer(&mut out, f).is_ok() {
            out.push(b'\n');
        }
    }
    out
}

impl Findings {
    pub fn new() -> Findings {
        Findings::default()
    }

    /// Adds a finding at the end.
    pub fn push(&mut self, f: &Finding) {
        self.append(&encode(std::slice::from_ref(f)), 1);
    }

    /// Adds `n` findings encoded by [`encode`] at the end.
    pub fn append(&mut self, lines: &[u8], n: usize) {
        self.tail.extend_from_slice(lines);
        self.tail_len += n;
        self.len += n;
        if self.tail_len >= BLOCK {
            self.blocks
                .push(lz4_flex::block::compress_prepend_size(&self.tail).into());
            self.tail.clear();
            self.tail_len = 0;
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The findings in order, each decoded when reached.
    pub fn iter(&self) -> impl Iterator<Item = Finding> + '_ {
        self.blocks
            .iter()
            .flat_map(|b| {
                lz4_flex::block::decompress_size_prepended(b)
                    .map(|json| lines(&json))
                    .unwrap_or_default()
            })
            .chain(lines(&self.tail))
    }

    /// Bytes held (compressed blocks and the tail).
    pub fn held_bytes(&self) -> usize {
        self.blocks.iter().map(|b| b.len()).sum::<usize>() + self.tail.len()
    }
}

/// The findings of JSON lines (a line that cannot be read is skipped: this process wrote them).
fn lines(json: &[u8]) -> Vec<Finding> {
    json.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect()
}

impl From<Vec<Finding>> for Findings {
    fn from(v: Vec<Finding>) -> Findings {
        let mut out = Findings::new();
        for f in &v {
            out.push(f);
        }
        out
    }
}

impl FromIterator<Finding> for Findings {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Findings {
        let mut out = Findings::new();
        for f in iter {
            out.push(&f);
        }
        out
    }
}

impl std::fmt::Debug for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Findings {
    fn eq(&self, other: &Findings) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Serialize for Findings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Findings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Findings, D::Error> {
        Ok(Vec::<Finding>::deserialize(d)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Criterion;

    fn finding(i: usize) -> Finding {
        Finding::warning(
            Criterion::Du,
            "du.sequence_gap",
            format!("Hồ sơ số {i:04} không có"),
            format!("No case numbered {i:04}"),
        )
        .case(&format!("case-{i}"))
        .page(i as u32)
    }

    #[test]
    fn keeps_every_finding_in_order_across_blocks() {
        let all: Vec<Finding> = (0..BLOCK * 2 + 17).map(finding).collect();
        let kept: Findings = all.iter().cloned().collect();
        assert_eq!(kept.len(), all.len());
        assert_eq!(kept.iter().collect::<Vec<_>>(), all);
        assert!(
            kept.held_bytes() < all.len() * 100,
            "{} bytes",
            kept.held_bytes()
        );
        let json = serde_json::to_string(&kept).expect("serializes");
        assert_eq!(json, serde_json::to_string(&all).expect("serializes"));
        let back: Findings = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, kept);
        assert!(Findings::new().is_empty());
    }
}
