//! Hostile scan folders: decoding bombs, damaged streams, links out of the scan folder, FIFOs and
//! devices, names that collide. One batch holds them all: each bad case fails alone with a clear
//! error naming its file, the good cases are stored and indexed, the report is written, the scan
//! folder is unchanged, and nothing outside the scan folder is read.

mod common;
use common::*;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;

/// A small JPEG whose frame header declares another size (the scan data stays 16 x 16).
fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8 * 9, y as u8 * 9, 77]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    let sof = out.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    out
}

/// A noisy A5 page at 150 dpi whose entropy-coded data is cut to `keep` of itself, then EOI.
fn jpeg_missing_scan_data(keep: f64) -> Vec<u8> {
    let img = image::RgbImage::from_fn(874, 1240, |x, y| {
        let v = ((x * 7919 + y * 104_729) % 251) as u8;
        image::Rgb([v, v.wrapping_mul(3), 255 - v])
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(150));
    enc.encode_image(&img).unwrap();
    let sos = out.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let len = u16::from_be_bytes([out[sos + 2], out[sos + 3]]) as usize;
    let data = sos + 2 + len;
    let cut = data + ((out.len() - 2 - data) as f64 * keep) as usize;
    let mut damaged = out[..cut].to_vec();
    // Never end on a lone 0xFF: that would be a broken marker, not missing data.
    if damaged.last() == Some(&0xFF) {
        damaged.pop();
    }
    damaged.extend_from_slice(&[0xFF, 0xD9]);
    damaged
}

/// A little-endian TIFF with one G4 strip, FillOrder=2, declaring `width` x `height`, whose
/// strip is `data_len` bytes of nothing.
fn g4_tiff_declaring(width: u32, height: u32, data_len: usize) -> Vec<u8> {
    let entries: Vec<(u16, u16, u32, u32)> = vec![
        (256, 4, 1, width),           // ImageWidth, LONG
        (257, 4, 1, height),          // ImageLength
        (258, 3, 1, 1),               // BitsPerSample
        (259, 3, 1, 4),               // Compression: CCITT G4
        (262, 3, 1, 0),               // WhiteIsZero
        (266, 3, 1, 2),               // FillOrder = 2
        (273, 4, 1, 0),               // StripOffsets (patched below)
        (278, 4, 1, height),          // RowsPerStrip
        (279, 4, 1, data_len as u32), // StripByteCounts
    ];
    let ifd_len = 2 + entries.len() * 12 + 4;
    let data_at = 8 + ifd_len as u32;
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        let value = if tag == 273 { data_at } else { value };
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        if kind == 3 {
            out.extend_from_slice(&(value as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend(std::iter::repeat_n(0u8, data_len));
    out
}

/// An XLSX register whose one shared string unpacks to `mib` MiB (a zip bomb).
fn xlsx_bomb(mib: usize) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
        ),
    ];
    for (name, body) in files {
        z.start_file(name, o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.start_file("xl/sharedStrings.xml", o).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#).unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..mib {
        z.write_all(&chunk).unwrap();
    }
    z.write_all(b"</t></si></sst>").unwrap();
    z.finish().unwrap().into_inner()
}

fn write(scans: &Path, rel: &str, bytes: &[u8]) {
    let p = scans.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn error_of<'a>(report: &'a serde_json::Value, folder: &str) -> &'a serde_json::Value {
    let r = case_result(report, folder);
    assert_eq!(r["status"], "failed", "{folder}: {r:#}");
    &r["errors"][0]
}

/// A batch of one good case and one case holding `bytes` as its second page: the bad case fails
/// alone with `code` naming its file, the good one is stored and indexed, the report is written,
/// the scan folder is unchanged. Returns the error.
fn only_its_case_fails(file: &str, bytes: &[u8], codes: &[&str]) -> serde_json::Value {
    let w = Work::empty();
    let s = w.scans();
    write(&s, "good/1.jpg", &jpeg_bytes());
    write(&s, "bad/1.jpg", &jpeg_bytes());
    write(&s, &format!("bad/{file}"), bytes);
    let before = tree_digest(&s);
    let (code, report) = w.ingest(&["--jobs", "2"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(tree_digest(&s), before, "the scan folder is unchanged");
    assert_eq!(case_result(&report, "good")["status"], "ingested");
    assert!(w.bag("good").is_dir() && !w.bag("bad").exists());
    let e = error_of(&report, "bad").clone();
    assert!(codes.contains(&e["code"].as_str().unwrap()), "{e:#}");
    assert_eq!(e["file"], format!("bad/{file}"), "names the file");
    assert!(w
        .archive()
        .join(report["report_path"].as_str().unwrap())
        .is_file());
    assert_eq!(report["index"]["updated"], 1, "the index has the good case");
    e
}

#[test]
fn a_jpeg_declaring_65500_pixels_square_fails_only_its_case() {
    let bomb = jpeg_declaring(65500, 65500);
    assert!(bomb.len() < 1000, "a small file: {} bytes", bomb.len());
    only_its_case_fails("2.jpg", &bomb, &["page.too_large"]);
}

#[test]
fn a_small_jpeg_declaring_30000x40000_is_not_stored_as_a_blank_page() {
    only_its_case_fails("2.jpg", &jpeg_declaring(30000, 40000), &["page.too_large"]);
    // Within the pixel limit, the missing scan data is found instead.
    only_its_case_fails(
        "2.jpg",
        &jpeg_declaring(2000, 2000),
        &["page.incomplete", "page.corrupt"],
    );
}

#[test]
fn a_jpeg_missing_half_or_most_of_its_scan_data_is_not_archived() {
    for keep in [0.5, 0.1] {
        only_its_case_fails("2.jpg", &jpeg_missing_scan_data(keep), &["page.incomplete"]);
    }
}

#[test]
fn a_g4_fill_order_2_tiff_declaring_60000_square_fails_only_its_case() {
    only_its_case_fails(
        "2.tif",
        &g4_tiff_declaring(60_000, 60_000, 13_000),
        &["page.too_large"],
    );
}

#[test]
fn a_tiff_declaring_a_width_of_2_32_fails_only_its_case() {
    only_its_case_fails(
        "2.tif",
        &g4_tiff_declaring(u32::MAX, 16, 34_000),
        &["page.too_large"],
    );
}

#[test]
fn a_workbook_unpacking_to_a_huge_shared_string_is_refused_and_the_batch_goes_on() {
    let w = Work::empty();
    write(&w.scans(), "a/1.jpg", &jpeg_bytes());
    std::fs::write(w.scans().join("hoso.xlsx"), xlsx_bomb(200)).unwrap();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 1, "{report:#}");
    let problems = report["batch_problems"].to_string();
    assert!(problems.contains("register.too_large"), "{problems}");
    assert_eq!(case_result(&report, "a")["status"], "ingested");
}

#[test]
fn links_and_special_files_in_the_scan_folder_are_refused_naming_them() {
    let w = Work::empty();
    let s = w.scans();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.jpg"), jpeg_bytes()).unwrap();
    std::fs::create_dir_all(outside.path().join("case")).unwrap();
    std::fs::write(outside.path().join("case/1.jpg"), jpeg_bytes()).unwrap();
    write(&s, "good/1.jpg", &jpeg_bytes());
    write(&s, "linkpage/1.jpg", &jpeg_bytes());
    symlink(outside.path().join("secret.jpg"), s.join("linkpage/2.jpg")).unwrap();
    symlink(outside.path().join("case"), s.join("linkcase")).unwrap();
    write(&s, "zero/1.jpg", &jpeg_bytes());
    symlink("/dev/zero", s.join("zero/2.jpg")).unwrap();
    write(&s, "fifo/1.jpg", &jpeg_bytes());
    let c = std::ffi::CString::new(s.join("fifo/2.jpg").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path in our temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);

    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(case_result(&report, "good")["status"], "ingested");
    assert_eq!(error_of(&report, "linkpage")["code"], "scan.symlink");
    assert!(error_of(&report, "linkpage")["message_en"]
        .as_str()
        .unwrap()
        .contains("secret.jpg"));
    assert_eq!(error_of(&report, "linkcase")["code"], "scan.symlink");
    assert_eq!(error_of(&report, "zero")["code"], "scan.symlink");
    assert_eq!(error_of(&report, "fifo")["code"], "scan.not_regular_file");

    // With --follow-symlinks the links are read, the device and the FIFO still are not.
    let (_, report) = w.ingest(&["--follow-symlinks"]);
    assert_eq!(case_result(&report, "linkpage")["status"], "ingested");
    assert_eq!(case_result(&report, "linkcase")["status"], "ingested");
    assert_eq!(error_of(&report, "zero")["code"], "scan.not_regular_file");
    assert_eq!(error_of(&report, "fifo")["code"], "scan.not_regular_file");
}

#[test]
fn originals_whose_names_collide_in_the_bag_are_all_kept_and_the_bag_is_valid() {
    let w = Work::empty();
    let s = w.scans();
    let mut other = jpeg_bytes();
    other.push(1);
    write(&s, "a/trang%1.jpg", &jpeg_bytes());
    write(&s, "a/trang_1.jpg", &other);
    // Names that differ only by NFC/NFD: people cannot tell them apart.
    write(&s, "b/T\u{1edd} khai.jpg", &jpeg_bytes());
    write(&s, "b/To\u{300}\u{31b} khai.jpg", &other);
    let (code, report) = w.ingest(&["--keep-originals"]);
    assert_eq!(code, 1, "{report:#}");
    let a = case_result(&report, "a");
    assert_eq!(a["status"], "ingested", "{a:#}");
    let kept: Vec<String> = w.metadata("a")["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kept_as"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kept.len(), 2);
    assert_ne!(kept[0], kept[1], "two originals, two paths: {kept:?}");
    assert_eq!(error_of(&report, "b")["code"], "scan.name_collision");
    let (code, v) = w.verify();
    assert_eq!(code, 0, "the bag is valid: {v:#}");
}
