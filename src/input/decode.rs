//! Text encodings of CSV exports: detection from the first bytes and strict decoding.
//!
//! Decoding never substitutes U+FFFD silently: a field that does not decode makes its
//! row fail with `E_DECODE`. UTF-16 files are transcoded up front (they are rare and
//! small); UTF-8 and GB18030 are decoded field by field.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    #[serde(rename = "UTF-8")]
    Utf8,
    #[serde(rename = "UTF-8 with BOM")]
    Utf8Bom,
    #[serde(rename = "GB18030")]
    Gb18030,
    #[serde(rename = "UTF-16LE")]
    Utf16Le,
    #[serde(rename = "UTF-16BE")]
    Utf16Be,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// Parses an `--encoding` value.
    pub fn from_user(s: &str) -> Option<Encoding> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" => Some(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Some(Encoding::Gb18030),
            "utf16le" | "utf16" => Some(Encoding::Utf16Le),
            "utf16be" => Some(Encoding::Utf16Be),
            _ => None,
        }
    }

    /// Strictly decodes one field; `None` when the bytes are not valid.
    pub fn decode<'a>(self, bytes: &'a [u8]) -> Option<Cow<'a, str>> {
        match self {
            Encoding::Gb18030 => {
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
            }
            // UTF-16 input has been transcoded to UTF-8 (with U+FFFD marking bad units).
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let s = std::str::from_utf8(bytes).ok()?;
                (!s.contains('\u{FFFD}')).then_some(Cow::Borrowed(s))
            }
            Encoding::Utf8 | Encoding::Utf8Bom => {
                std::str::from_utf8(bytes).ok().map(Cow::Borrowed)
            }
        }
    }
}

/// What the first bytes of a file say.
#[derive(Debug, PartialEq, Eq)]
pub enum Sniffed {
    Text { encoding: Encoding, bom_len: usize },
    Binary { offset: usize },
    Utf16WithoutBom,
}

/// Detects the encoding from a file's first bytes (`head`, up to about 1 MiB, which may
/// end inside a character). BOMs decide; otherwise valid UTF-8 wins, and text whose
/// non-ASCII bytes are not UTF-8 is GB18030. NUL bytes or control characters mean a
/// binary file (or UTF-16 without BOM).
pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Sniffed::Text {
            encoding: Encoding::Utf8Bom,
            bom_len: 3,
        };
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Sniffed::Text {
            encoding: Encoding::Utf16Le,
            bom_len: 2,
        };
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Sniffed::Text {
            encoding: Encoding::Utf16Be,
            bom_len: 2,
        };
    }
    if let Some(nul) = head.iter().position(|&b| b == 0) {
        let sample = &head[..head.len().min(4096)];
        let zeros_odd = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let zeros_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let half = sample.len() / 2;
        if half > 0 && (zeros_odd * 10 >= half * 4 || zeros_even * 10 >= half * 4) {
            return Sniffed::Utf16WithoutBom;
        }
        return Sniffed::Binary { offset: nul };
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        .count();
    if controls > 0 && controls * 100 > head.len() {
        let offset = head
            .iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
            .unwrap_or(0);
        return Sniffed::Binary { offset };
    }
    let (valid_multibyte, invalid) = utf8_stats(head);
    let encoding = if invalid == 0 || valid_multibyte > invalid * 4 {
        Encoding::Utf8
    } else {
        Encoding::Gb18030
    };
    Sniffed::Text {
        encoding,
        bom_len: 0,
    }
}

/// Counts well-formed multi-byte UTF-8 sequences and invalid bytes, ignoring a sequence
/// cut off at the end of the buffer.
fn utf8_stats(mut bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                valid += s.bytes().filter(|&b| b >= 0xC0).count();
                return (valid, invalid);
            }
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                valid += good.iter().filter(|&&b| b >= 0xC0).count();
                match e.error_len() {
                    Some(n) => {
                        invalid += 1;
                        bytes = &bytes[e.valid_up_to() + n..];
                    }
                    None => return (valid, invalid), // cut at the end of the head
                }
            }
        }
    }
}

/// Transcodes a whole UTF-16 file (without its BOM) to UTF-8; unpaired surrogates
/// become U+FFFD, which [`Encoding::decode`] then refuses row by row.
pub fn utf16_to_utf8(bytes: &[u8], big_endian: bool) -> Vec<u8> {
    let enc = if big_endian {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    text.into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_decide() {
        assert_eq!(
            sniff(b"\xEF\xBB\xBFa,b"),
            Sniffed::Text {
                encoding: Encoding::Utf8Bom,
                bom_len: 3
            }
        );
        assert_eq!(
            sniff(b"\xFF\xFEa\0"),
            Sniffed::Text {
                encoding: Encoding::Utf16Le,
                bom_len: 2
            }
        );
    }

    #[test]
    fn utf8_and_gb18030_are_told_apart() {
        let s = "人员编号,姓名\nP1,虚构人员\n";
        assert!(matches!(
            sniff(s.as_bytes()),
            Sniffed::Text {
                encoding: Encoding::Utf8,
                ..
            }
        ));
        let (gb, _, _) = encoding_rs::GB18030.encode(s);
        assert!(matches!(
            sniff(&gb),
            Sniffed::Text {
                encoding: Encoding::Gb18030,
                ..
            }
        ));
        // A UTF-8 file with one stray byte stays UTF-8 (the bad row is quarantined).
        let mut mostly = "人员编号,姓名,地区,日期\n".as_bytes().to_vec();
        mostly.push(0xFF);
        assert!(matches!(
            sniff(&mostly),
            Sniffed::Text {
                encoding: Encoding::Utf8,
                ..
            }
        ));
    }

    #[test]
    fn binary_and_utf16_without_bom() {
        assert_eq!(sniff(b"PK\x03\x04\0\0\x14"), Sniffed::Binary { offset: 4 });
        let utf16: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(sniff(&utf16), Sniffed::Utf16WithoutBom);
    }

    #[test]
    fn strict_decoding() {
        assert!(Encoding::Utf8.decode(b"\xE4\xBA").is_none());
        let (gb, _, _) = encoding_rs::GB18030.encode("同心县");
        assert_eq!(Encoding::Gb18030.decode(&gb).unwrap(), "同心县");
        assert!(Encoding::Gb18030.decode(b"\x81").is_none());
    }
}
