//! Tiny ODS and XLS files built byte by byte for the pre-scan's tests: an ODS zip around a
//! `content.xml`, and a BIFF8 workbook stream inside an OLE compound file.

use std::io::Write;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;

/// An ODS holding `tables` (`<table:table>` elements) in its `content.xml`.
pub(crate) fn ods(tables: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>\
         </office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest \
         xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
         <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
         <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
         </manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// An ODS string cell.
pub(crate) fn ods_text(text: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>"
    )
}

/// A BIFF record: type, length, data.
pub(crate) fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

/// A BIFF8 Label cell (UTF-16 text).
pub(crate) fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut d = [row, col, 0, units.len() as u16]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect::<Vec<u8>>();
    d.push(1); // fHighByte: two bytes a character
    d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    record(0x0204, &d)
}

/// A BIFF8 Number cell.
pub(crate) fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d: Vec<u8> = [row, col, 0].iter().flat_map(|v| v.to_le_bytes()).collect();
    d.extend(v.to_le_bytes());
    record(0x0203, &d)
}

/// A BIFF8 DIMENSIONS record: first row, last row + 1, first column, last column + 1.
pub(crate) fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
    let mut d = rf.to_le_bytes().to_vec();
    d.extend(rl.to_le_bytes());
    d.extend(cf.to_le_bytes());
    d.extend(cl.to_le_bytes());
    d.extend([0, 0]);
    record(0x0200, &d)
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = [0x0600u16, dt, 0x0DBB, 0x07CC]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect::<Vec<u8>>();
    d.extend([0u8; 8]);
    record(0x0809, &d)
}

/// A BIFF8 LabelSst cell: the shared string `index`.
pub(crate) fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    let mut d: Vec<u8> = [row, col, 0].iter().flat_map(|v| v.to_le_bytes()).collect();
    d.extend(index.to_le_bytes());
    record(0x00FD, &d)
}

/// A BIFF8 SST (shared strings: ASCII stored one byte a character, others UTF-16), split into
/// CONTINUE records of at most 8224 bytes as Excel writes them: a string's characters that
/// run on start their record with a high-byte flag.
pub(crate) fn sst(strings: &[&str]) -> Vec<u8> {
    const MAX: usize = 8224;
    let n = (strings.len() as u32).to_le_bytes();
    let mut records = vec![[n, n].concat()];
    for s in strings {
        // ASCII one byte a character, anything else UTF-16.
        let wide = !s.is_ascii();
        let units: Vec<u16> = s.encode_utf16().collect();
        let bytes: Vec<u8> = if wide {
            units.iter().flat_map(|u| u.to_le_bytes()).collect()
        } else {
            s.as_bytes().to_vec()
        };
        let per = if wide { 2 } else { 1 };
        let mut header = (units.len() as u16).to_le_bytes().to_vec();
        header.push(u8::from(wide));
        if records.last().unwrap().len() + header.len() + per > MAX {
            records.push(Vec::new());
        }
        records.last_mut().unwrap().extend(header);
        let mut chars = &bytes[..];
        loop {
            let last = records.last_mut().unwrap();
            let room = (MAX - last.len()) / per * per;
            let (now, rest) = chars.split_at(room.min(chars.len()));
            last.extend(now);
            chars = rest;
            if chars.is_empty() {
                break;
            }
            records.push(vec![u8::from(wide)]);
        }
    }
    records
        .iter()
        .enumerate()
        .flat_map(|(i, d)| record(if i == 0 { 0x00FC } else { 0x003C }, d))
        .collect()
}

/// A BIFF8 workbook stream: the globals (BOF, one BoundSheet8 per sheet, EOF), then each
/// sheet's BOF, its records and EOF.
pub(crate) fn workbook_stream(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    workbook_stream_with(&[], sheets)
}

/// A BIFF8 workbook stream with `globals` (an SST...) after the sheet list.
pub(crate) fn workbook_stream_with(globals: &[u8], sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let bound = |pos: u32, name: &str| {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut d = pos.to_le_bytes().to_vec();
        d.extend([0, 0, units.len() as u8, 1]);
        d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(0x0085, &d)
    };
    let eof = record(0x000A, &[]);
    let globals_len: usize = bof(5).len()
        + sheets.iter().map(|(n, _)| bound(0, n).len()).sum::<usize>()
        + globals.len()
        + eof.len();
    let mut out = bof(5);
    let mut pos = globals_len;
    let mut bodies = Vec::new();
    for (name, records) in sheets {
        out.extend(bound(pos as u32, name));
        let body = [bof(0x10), records.clone(), eof.clone()].concat();
        pos += body.len();
        bodies.push(body);
    }
    out.extend(globals);
    out.extend(&eof);
    out.extend(bodies.concat());
    out
}

/// An XLS file: the workbook stream of `sheets` in a compound file.
pub(crate) fn xls(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    compound_file("Workbook", &workbook_stream(sheets), &|_| {})
}

/// A compound file (512-byte sectors, version 3) holding one stream named `name`: in
/// regular sectors from 4096 bytes up, in the mini stream below. `fat_edit` changes the
/// allocation table before it is written (damaged files).
pub(crate) fn compound_file(name: &str, stream: &[u8], fat_edit: &dyn Fn(&mut [u32])) -> Vec<u8> {
    const MINI_CUTOFF: usize = 4096;
    let mini = stream.len() < MINI_CUTOFF;
    // Sectors: the FAT, the directory, [the mini FAT], then the data: the mini stream (the
    // root entry's) or the stream itself.
    let mut data = stream.to_vec();
    if mini {
        data.resize(stream.len().div_ceil(64).max(1) * 64, 0);
    }
    // Sectors: the first FAT sector, the directory, [the mini FAT], the data (the mini stream,
    // the root entry's, or the stream itself), then any further FAT sectors.
    let first_data = if mini { 3 } else { 2 };
    let data_end = first_data + data.len().div_ceil(512).max(1);
    let mut fat_sectors = 1;
    while fat_sectors * 128 < data_end + fat_sectors - 1 {
        fat_sectors += 1;
    }
    assert!(fat_sectors <= 109, "the header's DIFAT only");
    let total = data_end + fat_sectors - 1;
    let fat_ids: Vec<u32> = std::iter::once(0)
        .chain(data_end as u32..total as u32)
        .collect();
    let mut fat = vec![FREESECT; 128 * fat_sectors];
    for &id in &fat_ids {
        fat[id as usize] = 0xFFFF_FFFD; // FAT sectors
    }
    fat[1] = ENDOFCHAIN; // the directory
    if mini {
        fat[2] = ENDOFCHAIN; // the mini FAT
    }
    for (s, next) in fat.iter_mut().enumerate().take(data_end).skip(first_data) {
        *next = if s + 1 == data_end {
            ENDOFCHAIN
        } else {
            s as u32 + 1
        };
    }
    fat_edit(&mut fat);
    let mut header = vec![0u8; 76];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    let fields: [(usize, u32); 7] = [
        (44, fat_sectors as u32),
        (48, 1), // first directory sector
        (56, MINI_CUTOFF as u32),
        (60, if mini { 2 } else { ENDOFCHAIN }), // first mini FAT sector
        (64, u32::from(mini)),                   // mini FAT sectors
        (68, ENDOFCHAIN),                        // first DIFAT sector
        (72, 0),                                 // DIFAT sectors
    ];
    for (at, v) in fields {
        header[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
    for (at, v) in [(24, 0x3Eu16), (26, 3), (28, 0xFFFE), (30, 9), (32, 6)] {
        header[at..at + 2].copy_from_slice(&v.to_le_bytes());
    }
    // The DIFAT in the header: where the FAT sectors are.
    for i in 0..109 {
        let id = fat_ids.get(i).copied().unwrap_or(FREESECT);
        header.extend(id.to_le_bytes());
    }
    let entry = |name: &str, kind: u8, start: u32, len: usize, child: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&FREESECT.to_le_bytes());
        e[72..76].copy_from_slice(&FREESECT.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&(len as u32).to_le_bytes());
        e
    };
    let (root_start, root_len, start) = if mini {
        (first_data as u32, data.len(), 0)
    } else {
        (ENDOFCHAIN, 0, first_data as u32)
    };
    let fat_sector = |i: usize| -> Vec<u8> {
        fat[128 * i..128 * (i + 1)]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect()
    };
    let mut out = header;
    out.extend(fat_sector(0));
    let mut dir = entry("Root Entry", 5, root_start, root_len, 1);
    dir.extend(entry(name, 2, start, stream.len(), FREESECT));
    dir.resize(512, 0);
    out.extend(dir);
    if mini {
        let n = data.len() / 64;
        let mut table: Vec<u32> = (1..n as u32).collect();
        table.push(ENDOFCHAIN);
        table.resize(128, FREESECT);
        out.extend(table.iter().flat_map(|v| v.to_le_bytes()));
    }
    out.extend(&data);
    out.resize(512 * (data_end + 1), 0);
    for i in 1..fat_sectors {
        out.extend(fat_sector(i));
    }
    out
}
