//! A CSV register's bytes to text: byte-order marks (UTF-8, UTF-16 LE/BE), UTF-16 without one,
//! UTF-8, and 8-bit files told apart by which reading gives the most valid Vietnamese.

use super::mapping::ForcedEncoding;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252, WINDOWS_1258};
use serde::Serialize;
use sohoa_archive::text::nfc_keep_space;
use sohoa_legacy::{self as legacy, Legacy};

/// The character encoding a CSV register was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FileEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    #[serde(rename = "utf-16le")]
    Utf16le,
    #[serde(rename = "utf-16be")]
    Utf16be,
    #[serde(rename = "windows-1258")]
    Windows1258,
    #[serde(rename = "windows-1252")]
    Windows1252,
    /// 8-bit bytes typed with TCVN3 (.VnTime) fonts.
    #[serde(rename = "tcvn3")]
    Tcvn3,
    /// 8-bit bytes typed with VNI fonts.
    #[serde(rename = "vni")]
    Vni,
}

impl FileEncoding {
    pub fn label(self) -> &'static str {
        match self {
            FileEncoding::Utf8 => "UTF-8",
            FileEncoding::Utf8Bom => "UTF-8 (BOM)",
            FileEncoding::Utf16le => "UTF-16LE",
            FileEncoding::Utf16be => "UTF-16BE",
            FileEncoding::Windows1258 => "Windows-1258",
            FileEncoding::Windows1252 => "Windows-1252",
            FileEncoding::Tcvn3 => "TCVN3 (ABC, 8-bit)",
            FileEncoding::Vni => "VNI (8-bit)",
        }
    }
}

/// A register's text and how it was read.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: FileEncoding,
    /// Legacy encoding of the values, for 8-bit legacy files (values still to convert).
    pub hint: Option<Legacy>,
    /// UTF-8 with a few invalid bytes: how many were replaced by U+FFFD, and the line of the first.
    pub damaged: Option<(usize, u64)>,
}

/// Why the bytes could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    pub vi: String,
    pub en: String,
}

fn utf8(body: &[u8], encoding: FileEncoding) -> Result<Decoded, DecodeError> {
    match std::str::from_utf8(body) {
        Ok(t) => Ok(Decoded {
            text: t.to_string(),
            encoding,
            hint: None,
            damaged: None,
        }),
        Err(e) => Err(DecodeError {
            vi: format!(
                "Tệp không phải UTF-8 hợp lệ (byte {}): hãy lưu lại dưới dạng CSV UTF-8 hoặc ghi encoding trong tệp ánh xạ",
                e.valid_up_to()
            ),
            en: format!(
                "The file is not valid UTF-8 (byte {}): save it again as CSV UTF-8 or set encoding in the mapping file",
                e.valid_up_to()
            ),
        }),
    }
}

fn utf16(body: &[u8], enc: &'static Encoding) -> Result<Decoded, DecodeError> {
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    if had_errors {
        return Err(DecodeError {
            vi: "Tệp UTF-16 bị hỏng (có chuỗi byte không hợp lệ)".into(),
            en: "The UTF-16 file is damaged (invalid byte sequences)".into(),
        });
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: if enc == UTF_16LE {
            FileEncoding::Utf16le
        } else {
            FileEncoding::Utf16be
        },
        hint: None,
        damaged: None,
    })
}

/// UTF-16 without a byte-order mark: most ASCII characters have a zero high byte.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd * 10 > pairs * 3 && even * 20 < pairs {
        Some(UTF_16LE)
    } else if even * 10 > pairs * 3 && odd * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn single_byte(body: &[u8], enc: &'static Encoding) -> String {
    enc.decode_without_bom_handling(body).0.into_owned()
}

/// Reads 8-bit bytes as the candidate that gives the most valid Vietnamese syllables:
/// Windows-1258, or TCVN3 or VNI bytes (kept as Windows-1252 text, converted value by value).
fn eight_bit(body: &[u8]) -> Decoded {
    let w1258 = nfc_keep_space(&single_byte(body, WINDOWS_1258));
    let w1252 = single_byte(body, WINDOWS_1252);
    let score = |t: &str| {
        let (valid, invalid) = legacy::vietnamese_score(t);
        valid as i64 - invalid as i64
    };
    let mut best = (score(&w1258), FileEncoding::Windows1258);
    for (enc, fe) in [
        (Legacy::Tcvn3, FileEncoding::Tcvn3),
        (Legacy::Vni, FileEncoding::Vni),
    ] {
        let s = score(&legacy::decode(&w1252, enc));
        if s > best.0 {
            best = (s, fe);
        }
    }
    match best.1 {
        FileEncoding::Tcvn3 => Decoded {
            text: w1252,
            encoding: FileEncoding::Tcvn3,
            hint: Some(Legacy::Tcvn3),
            damaged: None,
        },
        FileEncoding::Vni => Decoded {
            text: w1252,
            encoding: FileEncoding::Vni,
            hint: Some(Legacy::Vni),
            damaged: None,
        },
        _ => Decoded {
            text: w1258,
            encoding: FileEncoding::Windows1258,
            hint: None,
            damaged: None,
        },
    }
}

/// UTF-8 with a few broken bytes (a file cut and pasted together, one cell from elsewhere):
/// mostly valid multi-byte letters and at most one broken sequence per ten of them. Reading it as
/// 8-bit text would garble every letter; the broken bytes become U+FFFD and are reported. With a
/// UTF-8 byte-order mark (`declared`) the file is UTF-8 by its own word: every letter counts,
/// plain ASCII ones too.
fn damaged_utf8(bytes: &[u8], encoding: FileEncoding, declared: bool) -> Option<Decoded> {
    let text = String::from_utf8_lossy(bytes);
    let bad = text.matches('\u{FFFD}').count();
    let good = text
        .chars()
        .filter(|c| {
            *c != '\u{FFFD}'
                && if declared {
                    c.is_alphanumeric()
                } else {
                    !c.is_ascii()
                }
        })
        .count();
    if good == 0 || bad * 10 > good {
        return None;
    }
    let first = text.find('\u{FFFD}').unwrap_or(0);
    let line = 1 + text[..first].matches('\n').count() as u64;
    Some(Decoded {
        text: text.into_owned(),
        encoding,
        hint: None,
        damaged: Some((bad, line)),
    })
}

/// Decodes a register file's bytes, as forced by the mapping file or detected.
pub fn decode(bytes: &[u8], forced: Option<ForcedEncoding>) -> Result<Decoded, DecodeError> {
    let bom8 = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let bom16 = if bytes.starts_with(b"\xFF\xFE") {
        Some((UTF_16LE, &bytes[2..]))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((UTF_16BE, &bytes[2..]))
    } else {
        None
    };
    match forced {
        Some(ForcedEncoding::Utf8) => match bom8 {
            Some(b) => utf8(b, FileEncoding::Utf8Bom),
            None => utf8(bytes, FileEncoding::Utf8),
        },
        Some(ForcedEncoding::Utf16) => match bom16 {
            Some((enc, body)) => utf16(body, enc),
            None => utf16(bytes, sniff_utf16(bytes).unwrap_or(UTF_16LE)),
        },
        Some(ForcedEncoding::Windows1258) => Ok(Decoded {
            text: nfc_keep_space(&single_byte(bytes, WINDOWS_1258)),
            encoding: FileEncoding::Windows1258,
            hint: None,
            damaged: None,
        }),
        Some(ForcedEncoding::Windows1252) => Ok(Decoded {
            text: single_byte(bytes, WINDOWS_1252),
            encoding: FileEncoding::Windows1252,
            hint: None,
            damaged: None,
        }),
        Some(ForcedEncoding::Legacy(enc)) => Ok(Decoded {
            text: single_byte(bytes, WINDOWS_1252),
            encoding: match enc {
                Legacy::Vni => FileEncoding::Vni,
                _ => FileEncoding::Tcvn3,
            },
            hint: Some(enc),
            damaged: None,
        }),
        None => {
            if let Some(b) = bom8 {
                // Excel's "CSV UTF-8": the mark says UTF-8, so a few broken bytes are read as
                // without it (replaced, reported); a file broken throughout is an error.
                return match std::str::from_utf8(b) {
                    Ok(_) => utf8(b, FileEncoding::Utf8Bom),
                    Err(_) => damaged_utf8(b, FileEncoding::Utf8Bom, true)
                        .map_or_else(|| utf8(b, FileEncoding::Utf8Bom), Ok),
                };
            }
            if let Some((enc, body)) = bom16 {
                return utf16(body, enc);
            }
            if let Some(enc) = sniff_utf16(bytes) {
                return utf16(bytes, enc);
            }
            match std::str::from_utf8(bytes) {
                Ok(t) => Ok(Decoded {
                    text: t.to_string(),
                    encoding: FileEncoding::Utf8,
                    hint: None,
                    damaged: None,
                }),
                Err(_) => Ok(damaged_utf8(bytes, FileEncoding::Utf8, false)
                    .unwrap_or_else(|| eight_bit(bytes))),
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const TEXT: &str = "Mã hồ sơ;Người nộp;Địa chỉ\nA-1;Nguyễn Văn Đức;Xã Quỳnh Lưu, tỉnh Nghệ An\nA-2;Trần Thị Hương;phường Bến Nghé\n";

    pub(crate) fn utf16_bytes(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    /// Windows-1258 writes a toned letter as its base (with circumflex, breve or horn) and a
    /// combining tone mark.
    pub(crate) fn windows_1258(s: &str) -> Vec<u8> {
        use unicode_normalization::UnicodeNormalization;
        let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
        let mut out = String::new();
        for c in s.chars() {
            let d: String = c.nfd().collect();
            let base: String = d
                .chars()
                .filter(|c| !tones.contains(c))
                .collect::<String>()
                .nfc()
                .collect();
            out.push_str(&base);
            out.extend(d.chars().filter(|c| tones.contains(c)));
        }
        let (bytes, _, unmappable) = WINDOWS_1258.encode(&out);
        assert!(!unmappable, "{s}");
        bytes.into_owned()
    }

    #[test]
    fn reads_every_unicode_form() {
        for (bytes, enc) in [
            (TEXT.as_bytes().to_vec(), FileEncoding::Utf8),
            (
                [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat(),
                FileEncoding::Utf8Bom,
            ),
            (utf16_bytes(TEXT, true, true), FileEncoding::Utf16le),
            (utf16_bytes(TEXT, false, true), FileEncoding::Utf16be),
            (utf16_bytes(TEXT, true, false), FileEncoding::Utf16le),
            (utf16_bytes(TEXT, false, false), FileEncoding::Utf16be),
            (windows_1258(TEXT), FileEncoding::Windows1258),
        ] {
            let d = decode(&bytes, None).unwrap();
            assert_eq!(d.encoding, enc);
            assert_eq!(d.text, TEXT, "{enc:?}");
            assert_eq!(d.hint, None);
        }
    }

    #[test]
    fn tells_legacy_bytes_from_windows_1258() {
        for enc in [Legacy::Tcvn3, Legacy::Vni] {
            let typed = legacy::encode(TEXT, enc);
            let (bytes, _, unmappable) = WINDOWS_1252.encode(&typed);
            assert!(!unmappable);
            let d = decode(&bytes, None).unwrap();
            assert_eq!(d.hint, Some(enc), "{typed}");
            assert_eq!(d.text, typed);
        }
    }

    #[test]
    fn a_few_broken_bytes_do_not_make_utf8_eight_bit() {
        let mut bytes = TEXT.as_bytes().to_vec();
        let at = TEXT.find("A-2").unwrap();
        bytes.insert(at, 0xE0);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, FileEncoding::Utf8);
        assert_eq!(d.damaged, Some((1, 3)));
        assert!(d.text.contains("Nguyễn Văn Đức") && d.text.contains("\u{FFFD}A-2"));
    }

    #[test]
    fn a_broken_byte_after_a_utf8_bom_is_replaced_and_reported() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(TEXT.as_bytes());
        let at = 3 + TEXT.find("A-2").unwrap();
        bytes.insert(at, 0xE0);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, FileEncoding::Utf8Bom);
        assert_eq!(d.damaged, Some((1, 3)));
        assert!(d.text.contains("Nguyễn Văn Đức") && d.text.contains("\u{FFFD}A-2"));
        // Broken throughout, with the mark: an error naming the byte, not a guess.
        let e = decode(b"\xEF\xBB\xBFMa\xe0\xe1\xe2\xe3 ho so\n", None).unwrap_err();
        assert!(e.en.contains("not valid UTF-8"), "{}", e.en);
    }

    #[test]
    fn forced_utf8_explains_bad_bytes() {
        let e = decode(b"Ma ho so\nA\xe0\n", Some(ForcedEncoding::Utf8)).unwrap_err();
        assert!(e.en.contains("byte 10"), "{}", e.en);
    }
}
