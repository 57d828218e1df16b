//! Deterministic fuzzing of every value parser and reader of the import stage.
//!
//! Each target feeds thousands of generated inputs (random bytes and strings, full-width
//! forms, CJK, very long values, boundary dates and serials, damaged files) to one
//! parser or reader and checks that it never panics or hangs, plus the properties the
//! contract gives it. The generator is seeded (`JINDU_FUZZ_SEED`, default fixed) so a
//! failure reproduces; `JINDU_FUZZ_ITERS` scales the run (`scripts/fuzz.sh`). Every
//! assertion message names the target, the seed and the input (escaped); a reader input
//! that panics is also saved into `$JINDU_FUZZ_DUMP` when that is set. a reader input
//! that panics is also saved into `$JINDU_FUZZ_DUMP` when that is set.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use super::csvscan::{Scanned, Scanner, sniff_delimiter};
use super::decode::{Encoding, Sniffed, sniff, utf16_to_utf8};
use super::issue::Code;
use super::pseudo::Key;
use super::rows::{Cell, HeaderMap, map_header, parse_row};
use super::source::{RawRow, ReadOptions, read_file};
use super::values::{excel_serial_date, id_check_char, parse_date, parse_id_number, parse_region};
use crate::dates::{Days, from_ymd, iso, to_days};
use crate::schema::{self, EnumDef, Table, normalize_name};

/// SplitMix64: a fixed, seeded generator so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn digit(&mut self) -> char {
        (b'0' + self.below(10) as u8) as char
    }
}

/// The seed of a target: `JINDU_FUZZ_SEED` (default fixed) mixed with the target name.
fn rng_for(target: &str) -> (Rng, u64) {
    let base: u64 = std::env::var("JINDU_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_260_101);
    let seed = target.bytes().fold(base, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    });
    (Rng(seed), seed)
}

/// Iterations of a target: its default, scaled by `JINDU_FUZZ_ITERS` (the number of
/// iterations of a value-parser target; readers run 1/`per` of it).
fn iters(default: usize, per: usize) -> usize {
    std::env::var("JINDU_FUZZ_ITERS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .map_or(default, |n| (n / per).max(1))
}

/// Reports a finished target on stderr (shown by `cargo test -- --nocapture`, which
/// `scripts/fuzz.sh` uses to add up executions).
fn done(target: &str, execs: usize, start: Instant) {
    eprintln!(
        "fuzz {target}: {execs} executions in {:.2} s",
        start.elapsed().as_secs_f64()
    );
}

/// A random character: mostly the alphabet parsers care about, sometimes any scalar.
fn gen_char(rng: &mut Rng) -> char {
    const POOL: &[char] = &[
        '0', '1', '2', '9', 'X', 'x', 'E', 'e', '+', '-', '/', '.', ',', ';', '\t', ' ', 'T', 'Z',
        ':', '"', '\n', '\r', '年', '月', '日', '男', '女', '县', '\u{3000}', '０', '９', 'Ｘ',
        '－', '／', '．', '\u{FFFD}', '\u{FEFF}', '\u{0301}', '\0', '𠀀', 'é', 'ß',
    ];
    match rng.below(4) {
        0 => loop {
            if let Some(c) = char::from_u32(rng.below(0x11_0000) as u32) {
                return c;
            }
        },
        1 => rng.digit(),
        _ => *rng.pick(POOL),
    }
}

fn gen_string(rng: &mut Rng) -> String {
    let len = match rng.below(20) {
        0 => 1000 + rng.below(9000),
        1..=3 => 0,
        _ => rng.below(24),
    };
    (0..len).map(|_| gen_char(rng)).collect()
}

/// Full-width forms of ASCII (what Chinese input methods type).
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// Randomly re-spells a value the way exports do: padding, full-width, case, or a few
/// random characters inserted.
fn respell(rng: &mut Rng, s: &str) -> String {
    let mut out = s.to_string();
    if rng.chance(3) {
        out = full_width(&out);
    }
    if rng.chance(3) {
        out = format!(
            "{}{out}{}",
            *rng.pick(&[" ", "\u{3000}", "\t", ""]),
            *rng.pick(&[" ", "\u{3000}", ""])
        );
    }
    if rng.chance(4) {
        out = out.to_lowercase();
    }
    if rng.chance(5) {
        let mut chars: Vec<char> = out.chars().collect();
        let at = rng.below(chars.len() + 1);
        chars.insert(at, gen_char(rng));
        out = chars.into_iter().collect();
    }
    out
}

const BOUNDARY_DATES: &[&str] = &[
    "1900-02-29",
    "1900-02-28",
    "1900-03-01",
    "2000-02-29",
    "2100-02-29",
    "9999-12-31",
    "0000-01-01",
    "0000-02-29",
    "1970-01-01",
    "1969-12-31",
    "2021-02-29",
    "2024-02-29",
    "2021-04-31",
    "2021-00-10",
    "2021-12-00",
    "99999-01-01",
    "2021年2月29日",
    "20000229",
    "19000229",
    "99991231",
    "2021-03-05T",
    "2021-03-05 ",
    "20210305T10:00",
    "2021-3-5T24:00:00+99:99",
];

fn gen_date_text(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => rng.pick(BOUNDARY_DATES).to_string(),
        1 => gen_string(rng),
        _ => {
            let y = match rng.below(4) {
                0 => rng.below(10_000) as u32,
                1 => *rng.pick(&[0, 1, 1899, 1900, 2000, 2100, 9999]),
                _ => 1900 + rng.below(200) as u32,
            };
            let (m, d) = (rng.below(14) as u32, rng.below(33) as u32);
            let mut s = match rng.below(5) {
                0 => format!("{y:04}{m:02}{d:02}"),
                1 => format!("{y:04}年{m}月{d}日"),
                2 => format!("{y:04}-{m:02}-{d:02}"),
                _ => {
                    let sep = *rng.pick(&["-", "/", ".", "_", "－"]);
                    format!("{y:04}{sep}{m}{sep}{d}")
                }
            };
            if rng.chance(4) {
                s.push_str(*rng.pick(&["T10:11:12", " 10:11", "T00:00:00Z", "T10:00+08:00", "T"]));
            }
            respell(rng, &s)
        }
    }
}

#[test]
fn fuzz_parse_date() {
    let (mut rng, seed) = rng_for("parse_date");
    let start = Instant::now();
    let n = iters(20_000, 1);
    for _ in 0..n {
        let input = gen_date_text(&mut rng);
        let got = parse_date(&input);
        if let Ok(d) = got {
            let back = iso(d);
            assert_eq!(
                parse_date(&back),
                Ok(d),
                "parse_date seed {seed}: {input:?} accepted as {back} which does not re-parse"
            );
            assert!(
                back.len() == 10,
                "parse_date seed {seed}: {input:?} gave {back}"
            );
        }
    }
    // Every existing day in the years 0-9999 is accepted in ISO form, and a day that
    // does not exist is `DateInvalid`.
    for _ in 0..n / 4 {
        let (y, m, d) = (
            rng.below(10_000) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(31) as u32,
        );
        let s = format!("{y:04}-{m:02}-{d:02}");
        let want = chrono::NaiveDate::from_ymd_opt(y, m, d)
            .map(to_days)
            .ok_or(Code::DateInvalid);
        assert_eq!(parse_date(&s), want, "parse_date seed {seed}: {s:?}");
    }
    done("parse_date", n + n / 4, start);
}

#[test]
fn fuzz_excel_serial_date() {
    let (mut rng, seed) = rng_for("excel_serial_date");
    let start = Instant::now();
    let n = iters(20_000, 1);
    let lo = from_ymd(1900, 1, 1);
    let hi = from_ymd(9999, 12, 31);
    for _ in 0..n {
        let serial = match rng.below(6) {
            0 => f64::from_bits(rng.next()),
            1 => *rng.pick(&[
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                0.0,
                -1.0,
                0.999,
                1.0,
                59.0,
                59.999,
                60.0,
                60.5,
                61.0,
                2_958_465.0,
                2_958_465.999,
                2_958_466.0,
                f64::MAX,
                f64::MIN_POSITIVE,
            ]),
            2 => 55.0 + rng.below(10) as f64 + rng.below(1000) as f64 / 1000.0,
            3 => -(rng.below(100_000) as f64),
            _ => rng.below(3_000_000) as f64 + rng.below(4) as f64 / 4.0,
        };
        match excel_serial_date(serial) {
            Ok(d) => {
                assert!(
                    (lo..=hi).contains(&d),
                    "excel_serial_date seed {seed}: {serial:?} gave {}",
                    iso(d)
                );
                let whole = serial.floor();
                assert_eq!(
                    excel_serial_date(whole),
                    Ok(d),
                    "excel_serial_date seed {seed}: the time of {serial:?} changed the day"
                );
                if whole > 60.0 {
                    assert_eq!(
                        d,
                        from_ymd(1899, 12, 30) + whole as Days,
                        "seed {seed}: {serial:?}"
                    );
                }
            }
            Err(code) => assert!(
                matches!(code, Code::DateInvalid | Code::ExcelSerial60)
                    && (code == Code::ExcelSerial60)
                        == (serial.is_finite() && serial.floor() == 60.0),
                "excel_serial_date seed {seed}: {serial:?} gave {code:?}"
            ),
        }
    }
    done("excel_serial_date", n, start);
}

fn gen_region_text(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => gen_string(rng),
        _ => {
            let other = rng.below(30);
            let len = *rng.pick(&[0, 5, 6, 7, 9, 12, 13, 18, other]);
            let mut s: String = (0..len).map(|_| rng.digit()).collect();
            if rng.chance(3) {
                s.push_str(*rng.pick(&[".0", ".00", ".5", "E+5", ",000"]));
            }
            respell(rng, &s)
        }
    }
}

#[test]
fn fuzz_parse_region() {
    let (mut rng, seed) = rng_for("parse_region");
    let start = Instant::now();
    let n = iters(20_000, 1);
    for _ in 0..n {
        let input = gen_region_text(&mut rng);
        if let Ok(code) = parse_region(&input) {
            assert!(
                matches!(code.len(), 6 | 9) && code.bytes().all(|b| b.is_ascii_digit()),
                "parse_region seed {seed}: {input:?} gave {code:?}"
            );
            assert_eq!(
                parse_region(&code),
                Ok(code.clone()),
                "seed {seed}: {input:?}"
            );
        }
    }
    done("parse_region", n, start);
}

/// An ID number-like string: 17 digits (a real birth date most of the time) and a
/// right, wrong or random check character, re-spelled.
fn gen_id_text(rng: &mut Rng) -> String {
    if rng.chance(8) {
        return gen_string(rng);
    }
    let mut body: String = (0..6).map(|_| rng.digit()).collect();
    if rng.chance(4) {
        body.extend((0..8).map(|_| rng.digit()));
    } else {
        let other = 1800 + rng.below(300);
        let y = *rng.pick(&[1900, 1949, 1985, 2000, 2024, 9999, other]);
        let (m, d) = (1 + rng.below(12), 1 + rng.below(31));
        body.push_str(&format!("{y:04}{m:02}{d:02}"));
    }
    if rng.chance(3) {
        body.push_str("00"); // cut by a spreadsheet: ends in 000 with its check
        body.push(rng.digit());
    } else {
        body.extend((0..3).map(|_| rng.digit()));
    }
    let check = match rng.below(4) {
        0 => rng.digit(),
        1 => 'x',
        _ => id_check_char(body.as_bytes()) as char,
    };
    let mut s = format!("{body}{check}");
    match rng.below(10) {
        0 => s.truncate(rng.below(18)),
        1 => s = format!("{}.{}E+17", &s[..1], &s[1..6]),
        2 => s = s.replace(check, "000"),
        _ => {}
    }
    respell(rng, &s)
}

#[test]
fn fuzz_parse_id_number() {
    let (mut rng, seed) = rng_for("parse_id_number");
    let start = Instant::now();
    let n = iters(20_000, 1);
    let mut accepted = 0;
    for _ in 0..n {
        let input = gen_id_text(&mut rng);
        match parse_id_number(&input) {
            Ok(id) => {
                accepted += 1;
                let b = id.normalized.as_bytes();
                assert!(
                    b.len() == 18 && id_check_char(&b[..17]) == b[17],
                    "parse_id_number seed {seed}: {input:?} accepted as {:?}",
                    id.normalized
                );
                assert_eq!(
                    parse_id_number(&id.normalized).as_ref(),
                    Ok(&id),
                    "parse_id_number seed {seed}: {input:?} does not re-parse"
                );
                assert_eq!(
                    parse_date(&id.normalized[6..14]),
                    Ok(id.birth_date),
                    "parse_id_number seed {seed}: {input:?} birth date"
                );
                let male = (b[16] - b'0') % 2 == 1;
                assert_eq!(
                    id.sex,
                    if male { "male" } else { "female" },
                    "seed {seed}: {input:?}"
                );
            }
            Err(code) => assert!(
                matches!(
                    code,
                    Code::IdFormat | Code::IdCheck | Code::IdMangled | Code::IdBirthDate
                ),
                "parse_id_number seed {seed}: {input:?} gave {code:?}"
            ),
        }
    }
    assert!(
        accepted > n / 10,
        "parse_id_number seed {seed}: only {accepted} of {n} accepted"
    );
    done("parse_id_number", n, start);
}

#[test]
fn fuzz_id_check_char() {
    let (mut rng, seed) = rng_for("id_check_char");
    let start = Instant::now();
    let n = iters(20_000, 1);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    for _ in 0..n {
        let body: Vec<u8> = (0..17).map(|_| rng.digit() as u8).collect();
        let c = id_check_char(&body);
        // ISO 7064 MOD 11-2: with the check character's value (X = 10) at weight 1,
        // the weighted sum is 1 mod 11.
        let value = if c == b'X' { 10 } else { u32::from(c - b'0') };
        let sum: u32 = body
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        assert!(
            c.is_ascii_digit() || c == b'X',
            "id_check_char seed {seed}: {body:?} gave {c}"
        );
        assert_eq!(
            (sum + value) % 11,
            1,
            "id_check_char seed {seed}: {:?}",
            String::from_utf8_lossy(&body)
        );
    }
    done("id_check_char", n, start);
}

const ENUMS: &[&EnumDef] = &[
    &schema::SEX,
    &schema::DRUG,
    &schema::MEASURE_TYPE,
    &schema::END_REASON,
    &schema::TEST_METHOD,
    &schema::TEST_RESULT,
    &schema::SERVICE_TYPE,
    &schema::REGION_LEVEL,
];

#[test]
fn fuzz_enum_parse() {
    let (mut rng, seed) = rng_for("enum_parse");
    let start = Instant::now();
    let n = iters(20_000, 1);
    for _ in 0..n {
        let def = *rng.pick(ENUMS);
        let v = rng.pick(def.values);
        let spelled = *rng.pick(&[&[v.code, v.zh][..], v.synonyms].concat());
        // Any accepted spelling, re-spelled with padding, full-width or case, is the
        // same value; an extra random character gives that value or none.
        let input = if rng.chance(3) {
            gen_string(&mut rng)
        } else {
            respell(&mut rng, spelled)
        };
        match def.parse(&input) {
            Some(code) => {
                assert!(
                    def.codes().any(|c| c == code),
                    "{} seed {seed}: {input:?} gave {code:?}",
                    def.name
                );
                if normalize_name(&input) == normalize_name(spelled) {
                    assert_eq!(code, v.code, "{} seed {seed}: {input:?}", def.name);
                }
            }
            None => assert!(
                normalize_name(&input) != normalize_name(spelled),
                "{} seed {seed}: {input:?} (a spelling of {}) refused",
                def.name,
                v.code
            ),
        }
    }
    done("enum_parse", n, start);
}

#[test]
fn fuzz_map_header() {
    let (mut rng, seed) = rng_for("map_header");
    let start = Instant::now();
    let n = iters(5_000, 4);
    for _ in 0..n {
        let table = *rng.pick(&Table::ALL);
        let mut headers: Vec<String> = Vec::new();
        for c in table.columns() {
            if !rng.chance(8) {
                let names = [&[c.name][..], c.aliases].concat();
                let name = *rng.pick(&names);
                headers.push(respell(&mut rng, name));
            }
        }
        for _ in 0..rng.below(4) {
            let at = rng.below(headers.len() + 1);
            let h = if rng.chance(2) || headers.is_empty() {
                gen_string(&mut rng)
            } else {
                headers[rng.below(headers.len())].clone()
            };
            headers.insert(at, h);
        }
        for i in (1..headers.len()).rev() {
            if rng.chance(3) {
                headers.swap(i, rng.below(i + 1));
            }
        }
        if let Ok(HeaderMap {
            index,
            unknown,
            width,
            ..
        }) = map_header(table, &headers)
        {
            assert_eq!(width, headers.len(), "map_header seed {seed}: {headers:?}");
            let mut seen = std::collections::HashSet::new();
            for (c, i) in table.columns().iter().zip(&index) {
                let Some(i) = *i else {
                    assert!(!c.header_required(), "map_header seed {seed}: {headers:?}");
                    continue;
                };
                let key = normalize_name(&headers[i]);
                assert!(
                    seen.insert(i)
                        && (normalize_name(c.name) == key
                            || c.aliases.iter().any(|a| normalize_name(a) == key)),
                    "map_header seed {seed}: {headers:?} mapped {} to {:?}",
                    c.name,
                    headers[i]
                );
            }
            assert!(
                unknown.len() <= headers.len(),
                "map_header seed {seed}: {headers:?}"
            );
        }
    }
    done("map_header", n, start);
}

/// Random cells for a table's header: texts from the value generators, numbers, date
/// serials, empties and undecodable cells.
fn gen_cell(rng: &mut Rng) -> Cell<'static> {
    match rng.below(9) {
        0 => Cell::Empty,
        1 => Cell::Undecodable,
        2 => Cell::Number(match rng.below(3) {
            0 => f64::from_bits(rng.next()),
            1 => rng.below(1_000_000_000) as f64 * 1e9,
            _ => rng.below(100_000) as f64 / 4.0,
        }),
        3 => Cell::DateSerial(rng.below(3_000_000) as f64 - 100.0),
        4 => Cell::Text(Cow::Owned(gen_date_text(rng))),
        5 => Cell::Text(Cow::Owned(gen_id_text(rng))),
        6 => Cell::Text(Cow::Owned(gen_region_text(rng))),
        7 => {
            let def = *rng.pick(ENUMS);
            let v = rng.pick(def.values);
            Cell::Text(Cow::Owned(respell(rng, v.zh)))
        }
        _ => Cell::Text(Cow::Owned(gen_string(rng))),
    }
}

#[test]
fn fuzz_parse_row() {
    let (mut rng, seed) = rng_for("parse_row");
    let start = Instant::now();
    let n = iters(5_000, 4);
    let key = Key::from_bytes([7; 32], false);
    for _ in 0..n {
        let table = *rng.pick(&Table::ALL);
        let headers: Vec<String> = table.columns().iter().map(|c| c.name.to_string()).collect();
        let map = map_header(table, &headers).expect("canonical header");
        let width = (headers.len() + rng.below(3)).saturating_sub(1);
        let cells: Vec<Cell<'_>> = (0..width).map(|_| gen_cell(&mut rng)).collect();
        let out = catch_unwind(AssertUnwindSafe(|| parse_row(&map, &cells, &key).is_ok()));
        assert!(
            out.is_ok(),
            "parse_row seed {seed}: {table} {cells:?} panicked"
        );
    }
    done("parse_row", n, start);
}

#[test]
fn fuzz_sniff_and_decode() {
    let (mut rng, seed) = rng_for("sniff_decode");
    let start = Instant::now();
    let n = iters(10_000, 2);
    let fffd_utf8 = "\u{FFFD}".as_bytes();
    let fffd_gb = encoding_rs::GB18030.encode("\u{FFFD}").0.into_owned();
    for _ in 0..n {
        let text = gen_string(&mut rng);
        let bytes: Vec<u8> = match rng.below(5) {
            0 => (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
            1 => encoding_rs::GB18030.encode(&text).0.into_owned(),
            2 => text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
            3 => {
                let mut b = text.clone().into_bytes();
                for _ in 0..rng.below(3) {
                    let at = rng.below(b.len() + 1);
                    b.insert(at, rng.next() as u8);
                }
                b
            }
            _ => text.clone().into_bytes(),
        };
        match sniff(&bytes) {
            Sniffed::Binary { offset } => {
                assert!(
                    offset < bytes.len(),
                    "sniff seed {seed}: {bytes:?} offset {offset}"
                )
            }
            Sniffed::Text { bom_len, .. } => {
                assert!(bom_len <= bytes.len(), "sniff seed {seed}: {bytes:?}")
            }
            Sniffed::Utf16WithoutBom => {}
        }
        let has = |pat: &[u8]| bytes.windows(pat.len()).any(|w| w == pat);
        for enc in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Gb18030,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
        ] {
            if let Some(s) = enc.decode(&bytes) {
                let allowed = match enc {
                    Encoding::Gb18030 => has(&fffd_gb),
                    Encoding::Utf16Le | Encoding::Utf16Be => false,
                    Encoding::Utf8 | Encoding::Utf8Bom => has(fffd_utf8),
                };
                assert!(
                    allowed || !s.contains('\u{FFFD}'),
                    "decode {enc:?} seed {seed}: {bytes:?} gave U+FFFD"
                );
                if matches!(enc, Encoding::Utf8 | Encoding::Utf8Bom) {
                    assert_eq!(s.as_bytes(), &bytes[..], "decode {enc:?} seed {seed}");
                }
            }
        }
        // GB18030 text decodes back to itself, private-use characters aside (GB18030-2022
        // moved some of them to standard characters).
        let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
        let private = text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c));
        if !unmappable && !private {
            let back = Encoding::Gb18030.decode(&gb).unwrap_or_default();
            if back != text {
                let i = back
                    .chars()
                    .zip(text.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                panic!(
                    "GB18030 round trip seed {seed}: {:?} came back as {:?}",
                    text.chars().nth(i),
                    back.chars().nth(i)
                );
            }
        }
        // UTF-16 transcoding: exact for text, and never invalid UTF-8 for bytes.
        for be in [false, true] {
            let units: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
                .collect();
            assert_eq!(
                utf16_to_utf8(&units, be),
                text.as_bytes(),
                "utf16_to_utf8 seed {seed}: {text:?}"
            );
            let out = utf16_to_utf8(&bytes, be);
            assert!(
                std::str::from_utf8(&out).is_ok(),
                "utf16_to_utf8 seed {seed}: {bytes:?}"
            );
        }
    }
    done("sniff_decode", n, start);
}

/// CSV-ish bytes: the scanner's special bytes, text and GB18030 bytes.
fn gen_csv_bytes(rng: &mut Rng) -> Vec<u8> {
    let len = if rng.chance(10) {
        rng.below(5000)
    } else {
        rng.below(200)
    };
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        match rng.below(10) {
            0 => out.push(b'"'),
            1 => out.push(b'\n'),
            2 => out.extend_from_slice(*rng.pick(&[
                &b","[..],
                &b"\t"[..],
                &b";"[..],
                &b"\r\n"[..],
                &b"\"\""[..],
            ])),
            3 => out.push(rng.next() as u8),
            4 => out.extend_from_slice("人员".as_bytes()),
            5 => out.extend_from_slice(&[0xC8, 0xCB, 0xD4, 0xB1]), // 人员 in GB18030
            6 => out.extend_from_slice(b"   "),
            _ => out.push(b'a' + rng.below(26) as u8),
        }
    }
    out
}

fn quote_field(f: &str, delimiter: u8) -> String {
    let needs = f.contains(['"', '\n', '\r', delimiter as char]) || f.starts_with(' ');
    if needs {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

#[test]
fn fuzz_csv_scanner() {
    let (mut rng, seed) = rng_for("csv_scanner");
    let start = Instant::now();
    let n = iters(10_000, 2);
    for _ in 0..n {
        let input = gen_csv_bytes(&mut rng);
        let delimiter = *rng.pick(&[b',', b'\t', b';']);
        let max = if rng.chance(4) {
            usize::MAX
        } else {
            rng.below(300)
        };
        let physical_lines = input.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let d = sniff_delimiter(&input);
        assert!(
            matches!(d, b',' | b'\t' | b';'),
            "sniff_delimiter seed {seed}: {input:?}"
        );
        let mut s = Scanner::new(&input[..], delimiter, max, 1);
        let mut last_line = 0;
        let mut count = 0u64;
        while let Some(item) = s.next_record().expect("reading a slice") {
            count += 1;
            assert!(
                count <= physical_lines,
                "scanner seed {seed}: no progress on {input:?}"
            );
            let (line, len) = match &item {
                Scanned::Record(r) => (r.line, r.data.len()),
                Scanned::Broken { line, raw, .. } => (*line, raw.len()),
            };
            assert!(
                len <= max && line > last_line && line <= physical_lines,
                "scanner seed {seed} max {max}: {item:?} after line {last_line} from {:?}",
                String::from_utf8_lossy(&input)
            );
            last_line = line;
        }
    }
    // Well-formed CSV, quoted as a writer would, scans back to its fields.
    for _ in 0..n / 2 {
        let delimiter = *rng.pick(&[b',', b'\t', b';']);
        let rows: Vec<Vec<String>> = (0..1 + rng.below(5))
            .map(|_| {
                (0..1 + rng.below(5))
                    .map(|_| gen_string(&mut rng).replace('\r', ""))
                    .collect()
            })
            .collect();
        let line = |r: &[String]| {
            let fields: Vec<String> = r.iter().map(|f| quote_field(f, delimiter)).collect();
            fields.join(&(delimiter as char).to_string())
        };
        let blank = |r: &[String]| line(r).bytes().all(|b| b.is_ascii_whitespace());
        let mut text = String::new();
        for r in &rows {
            text.push_str(&line(r));
            text.push_str(if rng.chance(2) { "\r\n" } else { "\n" });
        }
        let mut s = Scanner::new(text.as_bytes(), delimiter, usize::MAX, 1);
        let mut got = Vec::new();
        while let Some(item) = s.next_record().expect("reading a slice") {
            match item {
                Scanned::Record(r) => got.push(
                    r.fields()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect::<Vec<_>>(),
                ),
                Scanned::Broken { .. } => panic!("scanner seed {seed}: broken record in {text:?}"),
            }
        }
        // Blank lines (white space only, such as empty fields between tabs) are not rows.
        let want: Vec<Vec<String>> = rows.into_iter().filter(|r| !blank(r)).collect();
        if got != want {
            let i = (0..).find(|&i| got.get(i) != want.get(i)).unwrap_or(0);
            panic!(
                "scanner round trip seed {seed}: record {i}: got {:?}, want {:?}",
                got.get(i),
                want.get(i)
            );
        }
    }
    done("csv_scanner", n + n / 2, start);
}

// ---- Readers: damaged files of the basic fixture --------------------------------

const BASIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic");

const FIXTURE_TABLES: &[(&str, Table)] = &[
    ("persons", Table::Persons),
    ("measures", Table::Measures),
    ("tests", Table::Tests),
    ("regions", Table::Regions),
    ("detections", Table::Detections),
    ("transfers", Table::Transfers),
    ("services", Table::Services),
    ("officers", Table::Officers),
];

/// Largest damaged file fed to a reader.
const MAX_INPUT: usize = 64 << 10;

/// Damages bytes: flips, truncation, inserted NULs, quotes, delimiters and newlines,
/// duplicated and deleted chunks.
fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(6) {
        if bytes.is_empty() {
            return;
        }
        let at = rng.below(bytes.len());
        match rng.below(9) {
            0 => bytes[at] = rng.next() as u8,
            1 => bytes[at] ^= 1 << rng.below(8),
            2 => bytes.insert(at, 0),
            3 => bytes.insert(at, b'"'),
            4 => bytes.insert(at, *rng.pick(&[b'\n', b'\r', b',', b'\t'])),
            5 => bytes.truncate(at),
            6 => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                let copies = if rng.chance(8) { 500 } else { 3 };
                for _ in 0..1 + rng.below(copies) {
                    if bytes.len() + chunk.len() > MAX_INPUT {
                        break;
                    }
                    bytes.splice(at..at, chunk.iter().copied());
                }
            }
            7 => {
                let end = (at + 1 + rng.below(32)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let v = rng.next().to_le_bytes();
                let end = (at + 8).min(bytes.len());
                bytes[at..end].copy_from_slice(&v[..end - at]);
            }
        }
    }
    bytes.truncate(MAX_INPUT);
}

fn escaped(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(600)];
    format!(
        "{} bytes, starting {:?}",
        bytes.len(),
        String::from_utf8_lossy(head)
    )
}

/// Reads one file through the importer's reader with the row parser behind it, the
/// way an import does. Panics (with the input) on a panic or a hang; returns whether
/// the file was read to at least one row.
fn read_one(
    path: &Path,
    table: Table,
    encoding: Option<Encoding>,
    what: &str,
    max_record: usize,
) -> bool {
    let key = Key::from_bytes([3; 32], false);
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let map: std::cell::RefCell<Option<HeaderMap>> = std::cell::RefCell::new(None);
        let mut headers = 0;
        let mut rows = 0u64;
        let opts = ReadOptions {
            encoding,
            sheet: None,
            max_record_bytes: max_record,
        };
        let r = read_file(
            path,
            &opts,
            &mut |info| {
                headers += 1;
                *map.borrow_mut() = map_header(table, &info.header).ok();
                Ok(())
            },
            &mut |row| {
                rows += 1;
                if let (Some(m), RawRow::Cells { cells, .. }) = (map.borrow().as_ref(), row) {
                    let _ = parse_row(m, cells, &key);
                }
                Ok(())
            },
        );
        match &r {
            Ok((sha, _)) => {
                assert!(headers == 1 && sha.len() == 64, "one header, then rows");
            }
            Err(e) => {
                assert!(!e.to_string().is_empty() && headers <= 1, "a clear error");
            }
        }
        r.is_ok() && rows > 0
    }));
    let bytes = std::fs::read(path).unwrap_or_default();
    if result.is_err()
        && let Some(dir) = std::env::var_os("JINDU_FUZZ_DUMP")
    {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let _ = std::fs::write(Path::new(&dir).join(format!("{what}-{name}")), &bytes);
    }
    assert!(
        result.is_ok(),
        "{what}: reader panicked on {}",
        escaped(&bytes)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{what}: reader took {:?} on {}",
        started.elapsed(),
        escaped(&bytes)
    );
    result.unwrap_or(false)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(BASIC).join(format!("{name}.csv"))).expect("fixture")
}

#[test]
fn fuzz_read_csv_encodings() {
    use std::io::Write;
    let (mut rng, seed) = rng_for("read_csv");
    let start = Instant::now();
    let n = iters(400, 50);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut with_rows = 0;
    for round in 0..n {
        let &(name, table) = rng.pick(FIXTURE_TABLES);
        let text = fixture(name);
        let form = rng.below(6);
        let (mut bytes, encoding, ext) = match form {
            0 => (text.into_bytes(), None, "csv"),
            1 => (
                [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
                None,
                "csv",
            ),
            2 => (
                encoding_rs::GB18030.encode(&text).0.into_owned(),
                rng.chance(2).then_some(Encoding::Gb18030),
                "csv",
            ),
            3 | 4 => {
                let be = form == 4;
                let bom: &[u8] = if be { b"\xFE\xFF" } else { b"\xFF\xFE" };
                let units = text
                    .encode_utf16()
                    .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() });
                (bom.iter().copied().chain(units).collect(), None, "csv")
            }
            _ => (text.into_bytes(), None, "csv.gz"),
        };
        let gz_after = ext == "csv.gz" && rng.chance(2);
        if !gz_after {
            mutate(&mut bytes, &mut rng);
        }
        if ext == "csv.gz" {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&bytes).expect("gzip");
            bytes = gz.finish().expect("gzip");
            if gz_after {
                mutate(&mut bytes, &mut rng);
            }
        }
        let path = dir.path().join(format!("{name}.{ext}"));
        std::fs::write(&path, &bytes).expect("write");
        let max = if rng.chance(4) {
            40 + rng.below(200)
        } else {
            1 << 20
        };
        with_rows += usize::from(read_one(
            &path,
            table,
            encoding,
            &format!("read_csv seed {seed} round {round} ({name}.{ext}, form {form})"),
            max,
        ));
    }
    eprintln!(
        "fuzz read_csv: {with_rows} of {n} damaged files read to rows, the others file errors"
    );
    done("read_csv", n, start);
}

/// A workbook of a fixture table; cells are sometimes replaced by generated values.
fn fixture_xlsx(rng: &mut Rng, name: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in fixture(name).lines().enumerate() {
        for (c, field) in line.split(',').enumerate() {
            let (r, c) = (
                r as u32 + rng.below(2) as u32 * u32::from(rng.chance(20)),
                c as u16,
            );
            let res = match (r > 0).then(|| rng.below(8)) {
                Some(0) => ws.write_number(r, c, f64::from_bits(rng.next())),
                Some(1) => ws.write_number(r, c, rng.below(3_000_000) as f64 / 3.0),
                Some(2) => ws.write_string(r, c, gen_string(rng)),
                Some(3) => ws.write_boolean(r, c, rng.chance(2)),
                _ => ws.write_string(r, c, field),
            };
            // Strings too long for a cell are refused by the writer: left empty.
            let _ = res;
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn fuzz_read_xlsx() {
    let (mut rng, seed) = rng_for("read_xlsx");
    let start = Instant::now();
    let n = iters(150, 100);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut with_rows = 0;
    for round in 0..n {
        let &(name, table) = rng.pick(FIXTURE_TABLES);
        let mut bytes = fixture_xlsx(&mut rng, name);
        if !rng.chance(4) {
            mutate(&mut bytes, &mut rng);
        }
        let path = dir.path().join(format!("{name}.xlsx"));
        std::fs::write(&path, &bytes).expect("write");
        with_rows += usize::from(read_one(
            &path,
            table,
            None,
            &format!("read_xlsx seed {seed} round {round} ({name})"),
            1 << 20,
        ));
    }
    eprintln!(
        "fuzz read_xlsx: {with_rows} of {n} damaged files read to rows, the others file errors"
    );
    done("read_xlsx", n, start);
}

/// A Parquet file of a fixture table: text columns, dates as dates where they parse.
fn fixture_parquet(name: &str) -> Vec<u8> {
    use polars::prelude::*;
    let text = fixture(name);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let cols: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let vals: Vec<Option<&str>> = rows
                .iter()
                .map(|r| r.get(i).copied().filter(|s| !s.is_empty()))
                .collect();
            let dates: Option<Vec<Option<i32>>> = vals
                .iter()
                .map(|v| v.map_or(Some(None), |s| parse_date(s).ok().map(Some)))
                .collect();
            match dates {
                Some(d) if d.iter().any(Option::is_some) => Column::new((*h).into(), d)
                    .cast(&DataType::Date)
                    .expect("date column"),
                _ => Column::new((*h).into(), vals),
            }
        })
        .collect();
    let mut df = DataFrame::new(rows.len(), cols).expect("frame");
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .finish(&mut df)
        .expect("parquet");
    out
}

#[test]
fn fuzz_read_parquet() {
    let (mut rng, seed) = rng_for("read_parquet");
    let start = Instant::now();
    let n = iters(150, 100);
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<(Vec<u8>, &str, Table)> = FIXTURE_TABLES
        .iter()
        .map(|&(name, t)| (fixture_parquet(name), name, t))
        .collect();
    let mut with_rows = 0;
    for round in 0..n {
        let (clean, name, table) = rng.pick(&files);
        let mut bytes = clean.clone();
        if !rng.chance(5) {
            mutate(&mut bytes, &mut rng);
        }
        let path = dir.path().join(format!("{name}.parquet"));
        std::fs::write(&path, &bytes).expect("write");
        with_rows += usize::from(read_one(
            &path,
            *table,
            None,
            &format!("read_parquet seed {seed} round {round} ({name})"),
            1 << 20,
        ));
    }
    eprintln!(
        "fuzz read_parquet: {with_rows} of {n} damaged files read to rows, the others file errors"
    );
    done("read_parquet", n, start);
}

/// Found by `fuzz_read_parquet`: a Date column holding a day number outside chrono's
/// calendar made `read_parquet` panic in `dates::from_days`.
#[test]
fn parquet_date_out_of_range_is_not_a_panic() {
    use polars::prelude::*;
    let days = vec![
        Some(i32::MAX),
        Some(i32::MIN),
        Some(96_000_101),
        Some(0),
        None,
    ];
    let mut df = DataFrame::new(
        days.len(),
        vec![
            Column::new("birth_date".into(), days)
                .cast(&DataType::Date)
                .expect("date column"),
        ],
    )
    .expect("frame");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("persons.parquet");
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .finish(&mut df)
        .expect("parquet");
    std::fs::write(&path, out).expect("write");
    let mut texts = Vec::new();
    let opts = ReadOptions {
        encoding: None,
        sheet: None,
        max_record_bytes: 1 << 20,
    };
    read_file(&path, &opts, &mut |_| Ok(()), &mut |row| {
        if let RawRow::Cells { cells, .. } = row {
            texts.push(match &cells[0] {
                Cell::Text(t) => t.to_string(),
                other => format!("{other:?}"),
            });
        }
        Ok(())
    })
    .expect("read");
    assert_eq!(
        texts,
        [
            "day number 2147483647",
            "day number -2147483648",
            "day number 96000101",
            "1970-01-01",
            "Empty"
        ]
    );
    for t in &texts[..3] {
        assert!(parse_date(t).is_err(), "{t} must not parse as a date");
    }
}

/// Found by `fuzz_read_parquet`: damaged Parquet files (bytes flipped in the metadata
/// or a page) made the Parquet reader panic (polars' thrift decoder, a page range, and
/// a column shorter than the frame indexed by `read_parquet`). Each is now a file
/// error or readable rows.
#[test]
fn damaged_parquet_is_a_file_error_not_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/damaged-parquet");
    for name in ["thrift-metadata", "short-column", "page-range"] {
        let path = dir.join(format!("{name}.parquet"));
        let opts = ReadOptions {
            encoding: None,
            sheet: None,
            max_record_bytes: 1 << 20,
        };
        let r = catch_unwind(AssertUnwindSafe(|| {
            read_file(&path, &opts, &mut |_| Ok(()), &mut |_| Ok(()))
        }));
        match r {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => assert!(e.to_string().contains("cannot read Parquet"), "{name}: {e}"),
            Err(_) => panic!("{name}: the reader panicked"),
        }
    }
}
