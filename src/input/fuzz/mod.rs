//! Deterministic fuzzing of every value parser and reader of the import stage.
//!
//! Each target feeds thousands of generated inputs (random bytes and strings, full-width
//! forms, CJK, very long values, boundary dates and serials, damaged files) to one
//! parser or reader and checks that it never panics or hangs, plus the properties the
//! contract gives it. The generator is seeded (`JINDU_FUZZ_SEED`, default fixed) so a
//! failure reproduces; `JINDU_FUZZ_ITERS` scales the run (`scripts/fuzz.sh`). Every
//! assertion message names the target, the seed and the input (escaped); a reader input
//! that panics is also saved into `$JINDU_FUZZ_DUMP` when that is set.
//!
//! This file holds the generator and the shared value generators; the targets are in
//! [`values`] (dates, serials, regions, ID numbers, enumerations), [`text`] (headers,
//! rows, encodings, the CSV scanner) and [`readers`] (damaged files through every
//! reader).

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use super::csvscan::{Scanned, Scanner, sniff_delimiter};
use super::decode::{Encoding, Sniffed, sniff, utf16_to_utf8};
use super::issue::Code;
use super::pseudo::Key;
use super::rows::{Cell, HeaderMap, map_header, parse_row};
use super::source::{RawRow, ReadOptions, read_file, rows_as_read};
use super::values::{excel_serial_date, id_check_char, parse_date, parse_id_number, parse_region};
use crate::dates::{Days, from_ymd, iso, to_days};
use crate::schema::{self, EnumDef, Table, normalize_name};

mod readers;
#[path = "../../../tests/it/splitmix.rs"]
#[allow(dead_code)]
mod splitmix;
mod text;
mod values;

use splitmix::Rng;

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

fn escaped(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(600)];
    format!(
        "{} bytes, starting {:?}",
        bytes.len(),
        String::from_utf8_lossy(head)
    )
}
