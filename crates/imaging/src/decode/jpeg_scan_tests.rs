//! The JPEG scan walk on good files of every kind (baseline, progressive, restart intervals,
//! subsampling) and on damaged ones: blocks missing, components and bands cut away.

use super::*;

fn jpeg(progressive: bool, restart: u16, kind: jpeg_encoder::ColorType) -> Vec<u8> {
    let (w, h) = (203u16, 131u16);
    let n = if kind == jpeg_encoder::ColorType::Luma {
        1
    } else {
        3
    };
    let px: Vec<u8> = (0..w as usize * h as usize * n)
        .map(|i| ((i * 7 + i / 611 * 13) % 251) as u8)
        .collect();
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    enc.set_progressive(progressive);
    if restart > 0 {
        enc.set_restart_interval(restart);
    }
    enc.encode(&px, w, h, kind).unwrap();
    out
}

/// A 16x16 RGB JPEG as Pillow (libjpeg-turbo) writes it with `progressive=True`, quality
/// 50: libjpeg's standard script of 10 scans, successive approximation included (DC to
/// bit 1 then 0; chroma AC to bit 1 then 0; luma AC 1..5 and 6..63 to bit 2, then 1, then 0).
const PILLOW_PROGRESSIVE: &[&str] = &[
"ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123",
"251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb0043011112",
"121815182f1a1a2f63423842636363636363636363636363636363636363636363636363636363636363636363636363",
"6363636363636363636363636363ffc20011080010001003012200021101031101ffc400160001010100000000000000",
"000000000000030002ffc40014010100000000000000000000000000000001ffda000c030100021003100000010d2cbf",
"ffc4001a100002020300000000000000000000000001021112000322ffda00080101000105028d613808670dedffc400",
"1511010100000000000000000000000000000061ffda0008010301013f018fffc4001511010100000000000000000000",
"000000000011ffda0008010201013f01afffc4001c10000201050100000000000000000000000002011113213132a1ff",
"da0008010100063f02d314c911717c3b53ffc4001b100100020203000000000000000000000001001131412171f1ffda",
"0008010100013f211252b2b1389623d5c7946ea122141af27fffda000c030100020003000000104bffc4001a11000202",
"0300000000000000000000000001510031112141ffda0008010301013f1024e3642ddf14ffc400171100030100000000",
"0000000000000000000051c1e1ffda0008010201013f106b87ffc4001d10000202020301000000000000000000000111",
"0021317141518191ffda0008010100013f10ae541006ebbdc2804bc90ed82f95f63f69b3f838dc4ad74eece88d4fffd9",
];

pub(in crate::decode) fn pillow_progressive() -> Vec<u8> {
    let hex: String = PILLOW_PROGRESSIVE.concat();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// A baseline JPEG with one scan per component (not interleaved), as jpeg-encoder writes
/// it with optimized Huffman tables.
pub(in crate::decode) fn one_scan_per_component(kind: jpeg_encoder::ColorType) -> Vec<u8> {
    let (w, h) = (203u16, 131u16);
    let n = match kind {
        jpeg_encoder::ColorType::Luma => 1,
        jpeg_encoder::ColorType::Cmyk => 4,
        _ => 3,
    };
    let px: Vec<u8> = (0..w as usize * h as usize * n)
        .map(|i| ((i * 7 + i / 611 * 13) % 251) as u8)
        .collect();
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    enc.set_optimized_huffman_tables(true);
    enc.encode(&px, w, h, kind).unwrap();
    out
}

/// Each scan of a JPEG: its bytes (SOS segment and data) and its (components, Ss, Se, Ah, Al).
fn scans(j: &[u8]) -> Vec<(std::ops::Range<usize>, [u8; 5])> {
    let mut out = Vec::new();
    let mut pos = 2;
    while j[pos + 1] != 0xD9 {
        let len = usize::from(u16::from_be_bytes([j[pos + 2], j[pos + 3]]));
        let mut end = pos + 2 + len;
        if j[pos + 1] == 0xDA {
            let n = usize::from(j[pos + 4]);
            let t = &j[pos + 5 + 2 * n..pos + 8 + 2 * n];
            while j[end] != 0xFF || matches!(j[end + 1], 0x00 | 0xD0..=0xD7) {
                end += 1;
            }
            out.push((pos..end, [n as u8, t[0], t[1], t[2] >> 4, t[2] & 15]));
        }
        pos = end;
    }
    out
}

/// The JPEG without the scans `drop` picks (by index and parameters); its EOI kept.
pub(in crate::decode) fn without(j: &[u8], drop: impl Fn(usize, [u8; 5]) -> bool) -> Vec<u8> {
    let mut out = j.to_vec();
    for (i, (range, p)) in scans(j).into_iter().enumerate().rev() {
        if drop(i, p) {
            out.drain(range);
        }
    }
    out
}

fn incomplete_message(j: &[u8]) -> String {
    let e = check(j).unwrap_err();
    assert_eq!(e.code, "page.incomplete", "{}", e.en);
    assert!(e.vi.contains("thành phần màu"), "{}", e.vi);
    e.en
}

#[test]
fn a_baseline_jpeg_missing_a_components_scan_is_incomplete() {
    let j = one_scan_per_component(jpeg_encoder::ColorType::Rgb);
    let all = scans(&j);
    assert_eq!(all.len(), 3, "one scan per component");
    assert!(all.iter().all(|(_, p)| p[0] == 1));
    check(&j).unwrap();
    // The last scan removed, its EOI kept: zune-jpeg paints the component gray.
    let m = incomplete_message(&without(&j, |i, _| i == 2));
    assert!(m.contains("component 3 of 3 is in no scan"), "{m}");
    let m = incomplete_message(&without(&j, |i, _| i >= 1));
    assert!(
        m.contains("component 2 of 3 is in no scan; component 3 of 3"),
        "{m}"
    );
    let cmyk = one_scan_per_component(jpeg_encoder::ColorType::Cmyk);
    check(&cmyk).unwrap();
    let m = incomplete_message(&without(&cmyk, |i, _| i == 3));
    assert!(m.contains("component 4 of 4 is in no scan"), "{m}");
}

#[test]
fn a_progressive_jpeg_missing_its_last_refinement_is_incomplete() {
    let j = pillow_progressive();
    check(&j).unwrap();
    let all: Vec<[u8; 5]> = scans(&j).into_iter().map(|(_, p)| p).collect();
    assert_eq!(all.len(), 10);
    // libjpeg sends the luma AC's bottom bit last (usually the largest scan).
    assert_eq!(all[9], [1, 1, 63, 1, 0]);
    // zune-jpeg decodes what is left: a picture one bit coarser, archived as good.
    let m = incomplete_message(&without(&j, |i, _| i == 9));
    assert!(
        m.contains("AC coefficients 1..63 of component 1 of 3 are coded down to bit 1 only"),
        "{m}"
    );
    // A refinement in the middle removed: the next one cannot stand in for it.
    let m = incomplete_message(&without(&j, |_, p| p == [1, 1, 63, 2, 1]));
    assert!(
        m.contains("AC coefficients 1..63 of component 1 of 3 are coded down to bit 2 only"),
        "{m}"
    );
    let m = incomplete_message(&without(&j, |_, p| p == [3, 0, 0, 1, 0]));
    assert!(
        m.contains("the DC coefficients of component 1 of 3 are coded down to bit 1 only"),
        "{m}"
    );
    // Without its first DC scan, the DC refinement has nothing to refine.
    let m = incomplete_message(&without(&j, |i, _| i == 0));
    assert!(
        m.contains("no scan codes the DC coefficients of component 1 of 3"),
        "{m}"
    );
}

#[test]
fn a_progressive_jpeg_without_its_ac_scans_is_incomplete() {
    // libjpeg's script (successive approximation) and jpeg-encoder's (spectral selection).
    let encoded = jpeg(true, 0, jpeg_encoder::ColorType::Rgb);
    for j in [pillow_progressive(), encoded.clone()] {
        let m = incomplete_message(&without(&j, |_, p| p[1] > 0));
        for c in 1..=3 {
            assert!(
                m.contains(&format!(
                    "no scan codes AC coefficients 1..63 of component {c} of 3"
                )),
                "{m}"
            );
        }
    }
    // One band of one component missing.
    let bands: Vec<[u8; 5]> = scans(&encoded).into_iter().map(|(_, p)| p).collect();
    let band = bands.iter().find(|p| p[1] > 1).copied().unwrap();
    let m = incomplete_message(&without(&encoded, |_, p| p == band));
    assert!(
        m.contains(&format!(
            "no scan codes AC coefficients {}..{} of component 1 of 3",
            band[1], band[2]
        )),
        "{m}"
    );
}

#[test]
fn every_block_of_good_jpegs_is_found() {
    for progressive in [false, true] {
        for restart in [0, 1, 5] {
            for kind in [jpeg_encoder::ColorType::Luma, jpeg_encoder::ColorType::Rgb] {
                let j = jpeg(progressive, restart, kind);
                if let Err(e) = check(&j) {
                    panic!("{progressive} {restart} {kind:?}: {}", e.en);
                }
            }
        }
    }
    for kind in [jpeg_encoder::ColorType::Luma, jpeg_encoder::ColorType::Rgb] {
        check(&one_scan_per_component(kind)).unwrap();
    }
    check(&pillow_progressive()).unwrap();
}

#[test]
fn data_missing_inside_a_restart_interval_is_found() {
    // The decoders resynchronise at the next RST marker and paint the rest of the interval
    // gray; the walk knows how many blocks the interval must code.
    let j = jpeg(false, 4, jpeg_encoder::ColorType::Rgb);
    let rst: Vec<usize> = (0..j.len() - 1)
        .filter(|&i| j[i] == 0xFF && (0xD0..=0xD7).contains(&j[i + 1]))
        .collect();
    assert!(rst.len() > 10);
    let (a, b) = (rst[5] + 2, rst[6]);
    let damaged = [&j[..a + 2], &j[a + (b - a) * 3 / 4..]].concat();
    let e = check(&damaged).unwrap_err();
    assert_eq!(e.code, "page.incomplete", "{}", e.en);
    assert!(e.en.contains("of scan 1 runs out"), "{}", e.en);
}

#[test]
fn an_undefined_huffman_code_is_corrupt() {
    let j = jpeg(false, 0, jpeg_encoder::ColorType::Luma);
    let sos = (0..j.len())
        .find(|&i| j[i] == 0xFF && j[i + 1] == 0xDA)
        .unwrap();
    let start = sos + 2 + usize::from(u16::from_be_bytes([j[sos + 2], j[sos + 3]]));
    // All-ones bits (0xFF 0x00 stuffed) are no code of any table.
    let mut bad = j[..start + 8].to_vec();
    bad.extend([0xFF, 0x00].repeat(8));
    bad.extend(&j[start + 8..]);
    assert_eq!(check(&bad).unwrap_err().code, "page.corrupt");
}
