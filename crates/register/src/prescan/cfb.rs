//! The workbook stream of an XLS file, taken out of its OLE compound file (MS-CFB) the way
//! calamine takes it, for the pre-scan: every sector chain is walked once, never in a loop.

use super::Damaged;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Sector numbers from here up are markers, not sectors (MS-CFB 2.1).
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Streams shorter than this live in the mini stream (64-byte sectors).
const MINI_CUTOFF: usize = 4096;

/// True when the bytes start like a compound file (XLS, DOC, MSG...).
pub(super) fn is_compound_file(b: &[u8]) -> bool {
    b.starts_with(SIGNATURE)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn damaged(vi: &str, en: &str) -> Damaged {
    Damaged {
        vi: format!("tệp ghép OLE của bảng tính hỏng: {vi}"),
        en: format!("the workbook's OLE compound file is damaged: {en}"),
    }
}

/// Sectors of one size over some data: the file after its header, or the mini stream.
struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    /// Highest sector number calamine accepts (it fails cleanly above it).
    max_id: u32,
    /// The mini stream: calamine reads a mini sector past its end from wherever the file
    /// reader happens to be, so such a chain is not the stream the pre-scan would measure.
    mini: bool,
}

impl Sectors<'_> {
    /// The sector (short or empty past the end of the file, as calamine reads it), or None
    /// when calamine refuses the number.
    fn get(&self, id: u32) -> Result<Option<&[u8]>, Damaged> {
        if id > self.max_id {
            return Ok(None);
        }
        let start = (id as usize).saturating_mul(self.size);
        let end = start.saturating_add(self.size);
        if self.mini && end > self.data.len() {
            return Err(damaged(
                &format!("sector nhỏ {id} nằm ngoài luồng nhỏ (mini stream)"),
                &format!("mini sector {id} lies past the end of the mini stream"),
            ));
        }
        let end = end.min(self.data.len());
        Ok(Some(self.data.get(start..end).unwrap_or(&[])))
    }

    /// The chain from `start`, up to `len` bytes, as calamine's `get_chain` builds it. None
    /// where calamine fails cleanly; Damaged where it would loop (a chain that comes back to a
    /// sector: calamine copies it again and again, up to the declared length or forever) or
    /// panic (a sector number past the allocation table).
    fn chain(&self, start: u32, fat: &[u32], len: usize) -> Result<Option<Vec<u8>>, Damaged> {
        let mut out = Vec::new();
        let mut seen = vec![false; fat.len()];
        let mut id = start;
        while id != ENDOFCHAIN {
            let Some(sector) = self.get(id)? else {
                return Ok(None);
            };
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            let (Some(next), Some(visited)) = (fat.get(id as usize), seen.get_mut(id as usize))
            else {
                return Err(damaged(
                    &format!("chuỗi sector đi tới sector {id}, ngoài bảng cấp phát"),
                    &format!("a sector chain reaches sector {id}, past the allocation table"),
                ));
            };
            if *visited {
                return Err(damaged(
                    &format!("chuỗi sector quay lại sector {id} (vòng lặp)"),
                    &format!("a sector chain comes back to sector {id} (a loop)"),
                ));
            }
            *visited = true;
            id = *next;
        }
        Ok(Some(out))
    }
}

/// Little-endian u32 values of a sector; Damaged when the sector is cut inside a value
/// (calamine asserts whole values).
fn values(sector: &[u8]) -> Result<impl Iterator<Item = u32> + '_, Damaged> {
    if !sector.len().is_multiple_of(4) {
        return Err(damaged(
            "tệp bị cắt giữa một bảng cấp phát",
            "the file is cut inside an allocation table",
        ));
    }
    Ok(sector
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
}

/// A directory entry's name (UTF-16, up to its first NUL) and its stream's start and length.
fn entry(e: &[u8], large: bool) -> Option<(String, u32, usize)> {
    let units = e
        .get(..64)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    let name: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let start = u32_at(e, 116)?;
    let len = if large {
        let s = e.get(120..128)?;
        u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
    } else {
        u64::from(u32_at(e, 120)?)
    };
    Some((name, start, usize::try_from(len).unwrap_or(usize::MAX)))
}

/// The `Workbook` (BIFF8) or `Book` (BIFF5) stream as calamine reads it. None where calamine
/// fails cleanly without allocating (not a compound file, a sector past the end, no such
/// stream): it will say so itself.
pub(super) fn workbook_stream(b: &[u8]) -> Result<Option<Vec<u8>>, Damaged> {
    if b.len() < 512 || !is_compound_file(b) {
        return Ok(None);
    }
    let size = match u16::from_le_bytes([b[30], b[31]]) {
        9 => 512,
        12 => 4096,
        _ => return Ok(None),
    };
    if u16::from_le_bytes([b[32], b[33]]) != 6 || b.len() < size {
        return Ok(None);
    }
    let header = |at| u32_at(b, at).unwrap_or(0);
    let (version, dir_start) = (u16::from_le_bytes([b[26], b[27]]), header(48));
    let (mini_fat_start, mini_fat_len, difat_start) = (header(60), header(64), header(68));
    let max_id = u32::try_from(b.len() / size).unwrap_or(u32::MAX);
    let sectors = Sectors {
        data: &b[size..],
        size,
        max_id,
        mini: false,
    };
    // The allocation table's sectors: 109 in the header, more in the DIFAT chain.
    let mut difat: Vec<u32> = values(&b[76..512])?.collect();
    let mut id = difat_start;
    let mut difat_sectors = 0u64;
    while id < RESERVED {
        difat_sectors += 1;
        let Some(sector) = sectors
            .get(id)?
            .filter(|_| difat_sectors <= u64::from(max_id) + 1)
        else {
            return Ok(None);
        };
        difat.extend(values(sector)?);
        let Some(next) = difat.pop() else {
            return Ok(None);
        };
        id = next;
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    // Each listed sector is read whole: listing the same sector over and over would make
    // calamine's table many times the size of the file.
    if fat_sectors.len() as u64 > u64::from(max_id) + 1 {
        return Err(damaged(
            &format!(
                "{} sector bảng cấp phát trong một tệp có {} sector",
                fat_sectors.len(),
                u64::from(max_id) + 1
            ),
            &format!(
                "{} allocation table sectors in a file of {} sectors",
                fat_sectors.len(),
                u64::from(max_id) + 1
            ),
        ));
    }
    let mut fat = Vec::new();
    for id in fat_sectors {
        let Some(sector) = sectors.get(id)? else {
            return Ok(None);
        };
        fat.extend(values(sector)?);
    }
    let Some(dirs) = sectors.chain(dir_start, &fat, usize::MAX)? else {
        return Ok(None);
    };
    let large = size == 4096;
    let entries: Vec<_> = dirs
        .chunks_exact(128)
        .filter_map(|e| entry(e, large))
        .collect();
    let Some(&(_, root_start, root_len)) = entries.first() else {
        return Ok(None);
    };
    if version != 3 && root_start == ENDOFCHAIN {
        return Ok(None);
    }
    let find = |want: &str| {
        entries
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(want))
            .map(|&(_, start, len)| (start, len))
    };
    let Some((start, len)) = find("Workbook").or_else(|| find("Book")) else {
        return Ok(None);
    };
    // calamine loads the mini stream and its table whenever the header declares one.
    let mut mini = None;
    if mini_fat_len > 0 {
        let Some(stream) = sectors.chain(root_start, &fat, root_len)? else {
            return Ok(None);
        };
        let table_len = (mini_fat_len as usize).saturating_mul(size);
        let Some(table) = sectors.chain(mini_fat_start, &fat, table_len)? else {
            return Ok(None);
        };
        let table: Vec<u32> = table
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        mini = Some((stream, table));
    }
    if len >= MINI_CUTOFF {
        return sectors.chain(start, &fat, len);
    }
    let (stream, table) = mini.unwrap_or_default();
    let mini_sectors = Sectors {
        data: &stream,
        size: 64,
        max_id: max_id.saturating_mul(8),
        mini: true,
    };
    mini_sectors.chain(start, &table, len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prescan::test_files::compound_file;

    #[test]
    fn the_workbook_stream_is_found_in_regular_and_mini_sectors() {
        for len in [100, 4095, 4096, 9000] {
            let stream: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let file = compound_file("Workbook", &stream, &|_| {});
            let got = workbook_stream(&file).ok().flatten();
            assert_eq!(got.as_deref(), Some(&stream[..]), "{len} bytes");
        }
        let book = compound_file("Book", b"BIFF5", &|_| {});
        assert_eq!(
            workbook_stream(&book).ok().flatten().as_deref(),
            Some(&b"BIFF5"[..])
        );
    }

    #[test]
    fn a_sector_chain_that_loops_is_damaged_not_followed() {
        // The directory chain points back at itself: calamine would read it forever.
        let file = compound_file("Workbook", &[0; 5000], &|fat| fat[1] = 1);
        let e = workbook_stream(&file).unwrap_err();
        assert!(e.en.contains("comes back to sector 1"), "{}", e.en);
        // The stream's chain loops: calamine would copy it up to the declared length.
        let file = compound_file("Workbook", &[0; 5000], &|fat| fat[3] = 2);
        assert!(workbook_stream(&file).unwrap_err().en.contains("a loop"));
    }

    #[test]
    fn what_is_not_a_readable_compound_file_is_left_to_calamine() {
        assert!(matches!(workbook_stream(b"PK\x03\x04"), Ok(None)));
        let file = compound_file("Other", &[1; 10], &|_| {});
        assert!(matches!(workbook_stream(&file), Ok(None)));
        // Cut after the allocation table: the directory is gone, calamine says so.
        let mut cut = compound_file("Workbook", &[1; 5000], &|_| {});
        cut.truncate(1024);
        assert!(matches!(workbook_stream(&cut), Ok(None)));
    }

    #[test]
    fn a_file_cut_inside_its_allocation_table_is_damaged() {
        // calamine asserts whole 4-byte values there (a panic).
        let mut cut = compound_file("Workbook", &[1; 5000], &|_| {});
        cut.truncate(701);
        assert!(workbook_stream(&cut).unwrap_err().en.contains("cut inside"));
    }
}
