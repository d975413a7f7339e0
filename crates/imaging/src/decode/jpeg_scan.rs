//! The entropy-coded data of a JPEG walked without decoding pixels: every block of every scan
//! must be coded by the data there is, and the scans together must code every component (and,
//! progressive, every coefficient down to its last bit). zune-jpeg, even in strict mode, paints
//! missing blocks gray and leaves missing bands blurry; this walk is how sohoa knows a JPEG page
//! is complete.

use super::jpeg_bits::{Bits, Huffman};
use super::jpeg_coverage::Coverage;
use super::limits::incomplete;
use super::PageError;
use sohoa_archive::text::readable_count;

/// zune-jpeg's own limit on scans per image.
const MAX_SCANS: usize = 100;

pub(super) fn corrupt(vi: &str, en: &str) -> PageError {
    PageError::new(
        "page.corrupt",
        format!("Tệp JPEG hỏng: {vi}"),
        format!("Corrupt JPEG: {en}"),
    )
}

fn ran_out(scan: usize, done: u64, total: u64) -> PageError {
    let (done_vi, done_en) = readable_count(done);
    let (total_vi, total_en) = readable_count(total);
    incomplete(
        "JPEG",
        &format!("dữ liệu của lượt quét {scan} hết sau {done_vi} / {total_vi} khối 8x8"),
        &format!("the data of scan {scan} runs out after {done_en} of its {total_en} 8x8 blocks"),
    )
}

#[derive(Clone, Default)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
    blocks_w: usize,
    blocks_h: usize,
    /// Progressive: which AC coefficients of each block are already nonzero (bit k).
    nonzero: Vec<u64>,
}

struct Frame {
    width: usize,
    height: usize,
    progressive: bool,
    comps: Vec<Component>,
    h_max: usize,
    v_max: usize,
    /// What the scans so far have coded of each component and coefficient.
    coverage: Coverage,
}

/// One component of a scan and its tables.
struct InScan {
    comp: usize,
    dc: Option<Huffman>,
    ac: Option<Huffman>,
}

struct Scan {
    parts: Vec<InScan>,
    ss: usize,
    se: usize,
    ah: u8,
    al: u8,
}

/// Where a block is, for the coefficient history of progressive refinement scans.
fn block_index(c: &Component, x: usize, y: usize) -> Option<usize> {
    (x < c.blocks_w && y < c.blocks_h).then_some(y * c.blocks_w + x)
}

/// Walks one block's codes as the scan's mode says; None when the data ends first.
fn block(
    bits: &mut Bits,
    frame: &mut Frame,
    scan: &Scan,
    part: &InScan,
    at: Option<usize>,
    eobrun: &mut u32,
) -> Result<Option<()>, PageError> {
    let no_table = || {
        corrupt(
            "lượt quét dùng bảng Huffman chưa được định nghĩa",
            "a scan uses a Huffman table that was never defined",
        )
    };
    let first_dc = !frame.progressive || scan.ss == 0;
    if first_dc {
        if frame.progressive && scan.ah > 0 {
            return Ok(bits.bit().map(|_| ()));
        }
        let dc = part.dc.as_ref().ok_or_else(no_table)?;
        let Some(s) = bits.decode(dc)? else {
            return Ok(None);
        };
        if s > 16 {
            return Err(corrupt(
                "hệ số DC dài hơn 16 bit",
                "a DC difference longer than 16 bits",
            ));
        }
        if bits.bits(s).is_none() {
            return Ok(None);
        }
        if frame.progressive {
            return Ok(Some(()));
        }
    }
    let ac = part.ac.as_ref().ok_or_else(no_table)?;
    if !frame.progressive {
        let mut k = 1;
        while k < 64 {
            let Some(rs) = bits.decode(ac)? else {
                return Ok(None);
            };
            let (r, s) = (usize::from(rs >> 4), rs & 15);
            if s == 0 {
                if r != 15 {
                    break;
                }
                k += 16;
                continue;
            }
            k += r;
            if bits.bits(s).is_none() {
                return Ok(None);
            }
            k += 1;
        }
        if k > 64 {
            return Err(corrupt(
                "hệ số AC vượt quá cuối khối",
                "AC coefficients past the end of a block",
            ));
        }
        return Ok(Some(()));
    }
    let comp = &mut frame.comps[part.comp];
    if comp.nonzero.is_empty() {
        comp.nonzero = vec![0; comp.blocks_w * comp.blocks_h];
    }
    let mut none = 0u64;
    let nonzero = match at {
        Some(i) => &mut comp.nonzero[i],
        None => &mut none,
    };
    let mut k = scan.ss;
    if scan.ah == 0 {
        // AC first pass (G.1.2.2).
        if *eobrun > 0 {
            *eobrun -= 1;
            return Ok(Some(()));
        }
        while k <= scan.se {
            let Some(rs) = bits.decode(ac)? else {
                return Ok(None);
            };
            let (r, s) = (rs >> 4, rs & 15);
            if s == 0 {
                if r < 15 {
                    let Some(extra) = bits.bits(r) else {
                        return Ok(None);
                    };
                    *eobrun = (1u32 << r) + extra - 1;
                    break;
                }
                k += 16;
                continue;
            }
            k += usize::from(r);
            if k > scan.se || bits.bits(s).is_none() {
                return if k > scan.se {
                    Err(corrupt(
                        "hệ số AC vượt quá cuối dải phổ",
                        "AC coefficients past the end of a band",
                    ))
                } else {
                    Ok(None)
                };
            }
            *nonzero |= 1 << k;
            k += 1;
        }
        return Ok(Some(()));
    }
    // AC refinement (G.1.2.3): correction bits for every coefficient already nonzero.
    if *eobrun == 0 {
        while k <= scan.se {
            let Some(rs) = bits.decode(ac)? else {
                return Ok(None);
            };
            let (mut r, s) = (rs >> 4, rs & 15);
            if s != 0 {
                if bits.bit().is_none() {
                    return Ok(None);
                }
            } else if r != 15 {
                let Some(extra) = bits.bits(r) else {
                    return Ok(None);
                };
                *eobrun = (1u32 << r) + extra;
                break;
            }
            while k <= scan.se {
                if *nonzero & (1 << k) != 0 {
                    if bits.bit().is_none() {
                        return Ok(None);
                    }
                } else {
                    if r == 0 {
                        break;
                    }
                    r -= 1;
                }
                k += 1;
            }
            if s != 0 && k <= scan.se {
                *nonzero |= 1 << k;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        while k <= scan.se {
            if *nonzero & (1 << k) != 0 && bits.bit().is_none() {
                return Ok(None);
            }
            k += 1;
        }
        *eobrun -= 1;
    }
    Ok(Some(()))
}

/// Walks one scan's data from `start`; returns where the next marker is.
fn walk_scan(
    b: &[u8],
    start: usize,
    frame: &mut Frame,
    scan: &Scan,
    restart: usize,
    number: usize,
) -> Result<usize, PageError> {
    let mut bits = Bits {
        b,
        pos: start,
        acc: 0,
        n: 0,
    };
    // The MCUs of the scan: interleaved (several components), or one component's blocks.
    let (mcus_x, mcus_y) = if scan.parts.len() == 1 {
        let c = &frame.comps[scan.parts[0].comp];
        (c.blocks_w, c.blocks_h)
    } else {
        (
            frame.width.div_ceil(8 * frame.h_max),
            frame.height.div_ceil(8 * frame.v_max),
        )
    };
    let total = (mcus_x * mcus_y) as u64;
    let blocks_per_mcu: u64 = if scan.parts.len() == 1 {
        1
    } else {
        scan.parts
            .iter()
            .map(|p| (frame.comps[p.comp].h * frame.comps[p.comp].v) as u64)
            .sum()
    };
    let mut eobrun = 0u32;
    let mut done = 0u64;
    for my in 0..mcus_y {
        for mx in 0..mcus_x {
            if restart > 0 && done > 0 && done.is_multiple_of(restart as u64) {
                // The interval is over: its RST marker, then fresh bits.
                match bits.skip_to_marker() {
                    Some(p) if matches!(b[p + 1], 0xD0..=0xD7) => bits.pos = p + 2,
                    _ => {
                        return Err(ran_out(
                            number,
                            done * blocks_per_mcu,
                            total * blocks_per_mcu,
                        ))
                    }
                }
                eobrun = 0;
            }
            for part in &scan.parts {
                let (h, v) = if scan.parts.len() == 1 {
                    (1, 1)
                } else {
                    (frame.comps[part.comp].h, frame.comps[part.comp].v)
                };
                for by in 0..v {
                    for bx in 0..h {
                        let at = if scan.parts.len() == 1 {
                            block_index(&frame.comps[part.comp], mx, my)
                        } else {
                            block_index(&frame.comps[part.comp], mx * h + bx, my * v + by)
                        };
                        if block(&mut bits, frame, scan, part, at, &mut eobrun)?.is_none() {
                            return Err(ran_out(
                                number,
                                done * blocks_per_mcu,
                                total * blocks_per_mcu,
                            ));
                        }
                    }
                }
            }
            done += 1;
        }
    }
    // Whatever follows the last block (padding, stray bytes) up to the next marker.
    loop {
        match bits.skip_to_marker() {
            Some(p) if matches!(b[p + 1], 0xD0..=0xD7) => bits.pos = p + 2,
            Some(p) => return Ok(p),
            None => return Ok(b.len()),
        }
    }
}

fn sof(seg: &[u8], progressive: bool) -> Result<Frame, PageError> {
    let short = || corrupt("phần đầu khung (SOF) quá ngắn", "short frame header");
    let height = usize::from(u16::from_be_bytes([*seg.get(1).ok_or_else(short)?, seg[2]]));
    let width = usize::from(u16::from_be_bytes([*seg.get(3).ok_or_else(short)?, seg[4]]));
    let n = usize::from(*seg.get(5).ok_or_else(short)?);
    let mut comps = Vec::new();
    for i in 0..n {
        let c = seg.get(6 + 3 * i..9 + 3 * i).ok_or_else(short)?;
        let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(corrupt(
                "hệ số lấy mẫu ngoài khoảng 1..4",
                "a sampling factor outside 1..4",
            ));
        }
        comps.push(Component {
            id: c[0],
            h,
            v,
            ..Default::default()
        });
    }
    let h_max = comps.iter().map(|c| c.h).max().ok_or_else(short)?;
    let v_max = comps.iter().map(|c| c.v).max().ok_or_else(short)?;
    for c in &mut comps {
        c.blocks_w = (width * c.h).div_ceil(h_max).div_ceil(8);
        c.blocks_h = (height * c.v).div_ceil(v_max).div_ceil(8);
    }
    Ok(Frame {
        width,
        height,
        progressive,
        coverage: Coverage::new(progressive, comps.len()),
        comps,
        h_max,
        v_max,
    })
}

/// Walks every scan of a JPEG whose marker structure is already known to be sound
/// (`jpeg::parse`): Ok when every block of every scan is coded in the data and the scans
/// code every component (progressive: every coefficient, down to bit 0).
pub(crate) fn check(b: &[u8]) -> Result<(), PageError> {
    let mut dc: [Option<Huffman>; 4] = Default::default();
    let mut ac: [Option<Huffman>; 4] = Default::default();
    let mut frame: Option<Frame> = None;
    let mut restart = 0usize;
    let mut scans = 0usize;
    let mut pos = 2;
    while pos + 1 < b.len() {
        if b[pos] != 0xFF {
            return Err(corrupt(
                &format!("thiếu dấu (marker) ở byte {pos}"),
                &format!("expected a marker at byte {pos}"),
            ));
        }
        let marker = b[pos + 1];
        pos += 2;
        match marker {
            0xFF => {
                pos -= 1;
                continue;
            }
            0xD9 => {
                return match frame.as_ref().and_then(|f| f.coverage.missing()) {
                    Some((vi, en)) => Err(incomplete("JPEG", &vi, &en)),
                    None => Ok(()),
                }
            }
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let len = match b.get(pos..pos + 2) {
            Some(l) => usize::from(u16::from_be_bytes([l[0], l[1]])),
            None => {
                return Err(corrupt(
                    "đoạn không có độ dài",
                    "a segment without its length",
                ))
            }
        };
        let seg = b.get(pos + 2..pos + len.max(2)).ok_or_else(|| {
            corrupt(
                "đoạn vượt quá cuối tệp",
                "a segment past the end of the file",
            )
        })?;
        pos += len.max(2);
        match marker {
            0xC0 | 0xC1 => frame = Some(sof(seg, false)?),
            0xC2 => frame = Some(sof(seg, true)?),
            // Other frames (lossless, arithmetic) are not decoded by sohoa: refused elsewhere.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return Ok(()),
            0xC4 => {
                let mut s = seg;
                while !s.is_empty() {
                    let bad = || corrupt("bảng Huffman hỏng", "a broken Huffman table");
                    let class_id = s[0];
                    let counts = s.get(1..17).ok_or_else(bad)?;
                    let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
                    let values = s.get(17..17 + total).ok_or_else(bad)?;
                    let table = Huffman::new(counts, values).ok_or_else(bad)?;
                    let id = usize::from(class_id & 15).min(3);
                    if class_id >> 4 == 0 {
                        dc[id] = Some(table);
                    } else {
                        ac[id] = Some(table);
                    }
                    s = &s[17 + total..];
                }
            }
            0xDD => {
                let r = seg
                    .get(..2)
                    .ok_or_else(|| corrupt("đoạn DRI quá ngắn", "a short DRI segment"))?;
                restart = usize::from(u16::from_be_bytes([r[0], r[1]]));
            }
            0xDA => {
                scans += 1;
                if scans > MAX_SCANS {
                    return Err(corrupt(
                        &format!("hơn {MAX_SCANS} lượt quét"),
                        &format!("more than {MAX_SCANS} scans"),
                    ));
                }
                let f = frame.as_mut().ok_or_else(|| {
                    corrupt(
                        "lượt quét đứng trước phần đầu khung",
                        "a scan before the frame header",
                    )
                })?;
                let bad = || corrupt("phần đầu lượt quét (SOS) hỏng", "a broken scan header");
                let n = usize::from(*seg.first().ok_or_else(bad)?);
                let mut parts = Vec::new();
                for i in 0..n {
                    let p = seg.get(1 + 2 * i..3 + 2 * i).ok_or_else(bad)?;
                    let comp = f.comps.iter().position(|c| c.id == p[0]).ok_or_else(bad)?;
                    parts.push(InScan {
                        comp,
                        dc: dc[usize::from(p[1] >> 4).min(3)].clone(),
                        ac: ac[usize::from(p[1] & 15).min(3)].clone(),
                    });
                }
                let tail = seg.get(1 + 2 * n..4 + 2 * n).ok_or_else(bad)?;
                let scan = Scan {
                    parts,
                    ss: usize::from(tail[0]),
                    se: usize::from(tail[1]),
                    ah: tail[2] >> 4,
                    al: tail[2] & 15,
                };
                if scan.parts.is_empty() || scan.se > 63 || scan.ss > scan.se && f.progressive {
                    return Err(bad());
                }
                if f.progressive && scan.ss > 0 && scan.parts.len() != 1 {
                    return Err(corrupt(
                        "lượt quét AC có nhiều thành phần màu",
                        "an AC scan with several components",
                    ));
                }
                pos = walk_scan(b, pos, f, &scan, restart, scans)?;
                let comps: Vec<usize> = scan.parts.iter().map(|p| p.comp).collect();
                f.coverage.note(scan.ss, scan.se, scan.ah, scan.al, &comps);
            }
            _ => {}
        }
    }
    Err(incomplete(
        "JPEG",
        "tệp kết thúc trước dấu EOI",
        "the file ends before its EOI marker",
    ))
}

#[cfg(test)]
#[path = "jpeg_scan_tests.rs"]
pub(super) mod tests;
