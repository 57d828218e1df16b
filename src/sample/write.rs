//! Writing the simulated records as a platform export: hand-rolled CSV rows into
//! per-block buffers (formatted in parallel, written in block order), Chinese headers
//! and labels from the schema, GB18030 or UTF-8, optional gzip, and XLSX for the tables
//! that are exported from a spreadsheet. The dirty decoration (`--dirty`) lives here too:
//! it draws from its own streams and only adds rows or changes the spelling of values,
//! so the clean data is the same with or without it.

use super::digits::{self, push_padded, push_uint};
use super::regions::RegionRow;
use super::rng::{Rng, domain};
use super::simulate::{Block, EDUCATIONS, ETHNICITIES, OCCUPATIONS, World, code};
use crate::dates::{self, Days};
use crate::schema::{self, ColType, Table};

/// The six person-related tables, in block-buffer order.
pub const BLOCK_TABLES: [Table; 6] = [
    Table::Persons,
    Table::Measures,
    Table::Detections,
    Table::Tests,
    Table::Transfers,
    Table::Services,
];

/// One cell of a row, formatted without allocation.
#[derive(Clone, Copy)]
pub enum F<'a> {
    Empty,
    Str(&'a str),
    Bytes(&'a [u8]),
    /// `prefix` + number zero-padded to `width` [+ `-` + seq zero-padded].
    Id(&'static str, u64, usize, Option<(u64, usize)>),
    Date(Days),
    Region(u32),
}

impl F<'_> {
    fn put(&self, out: &mut Vec<u8>) {
        match *self {
            F::Empty => {}
            F::Str(s) => out.extend_from_slice(s.as_bytes()),
            F::Bytes(b) => out.extend_from_slice(b),
            F::Id(p, n, w, seq) => {
                out.extend_from_slice(p.as_bytes());
                push_padded(out, n, w);
                if let Some((s, sw)) = seq {
                    out.push(b'-');
                    push_padded(out, s, sw);
                }
            }
            F::Date(d) => dates::push_iso(out, d),
            F::Region(r) => push_uint(out, r as u64),
        }
    }
}

fn opt_date<'a>(d: Option<Days>) -> F<'a> {
    d.map_or(F::Empty, F::Date)
}

/// Chinese labels by schema index.
fn zh(def: &schema::EnumDef, i: u8) -> &'static str {
    def.values[i as usize].zh
}

/// How a cell is spelt in a dirty row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spell {
    Plain,
    Spaces,
    FullWidth,
    Slash,
    Dotted,
    Chinese,
    Compact,
    DateTime,
    DayFirst,
    Scientific,
    Zeroed,
}

fn put_spelt(out: &mut Vec<u8>, f: &F, spell: Spell, scratch: &mut Vec<u8>) {
    match (spell, f) {
        (Spell::Plain, _) => f.put(out),
        (Spell::Spaces, _) => {
            out.push(b' ');
            f.put(out);
            out.extend_from_slice(b"  ");
        }
        (Spell::FullWidth, _) => {
            scratch.clear();
            f.put(scratch);
            for &c in scratch.iter() {
                if c.is_ascii_digit() {
                    // U+FF10..U+FF19
                    out.extend_from_slice(&[0xEF, 0xBC, 0x90 + (c - b'0')]);
                } else {
                    out.push(c);
                }
            }
        }
        (Spell::Slash, F::Date(d)) => digits::push_unpadded(out, *d, b'/'),
        (Spell::Dotted, F::Date(d)) => digits::push_unpadded(out, *d, b'.'),
        (Spell::Chinese, F::Date(d)) => digits::push_chinese(out, *d),
        (Spell::Compact, F::Date(d)) => digits::push_compact(out, *d),
        (Spell::DateTime, F::Date(d)) => {
            dates::push_iso(out, *d);
            out.extend_from_slice(b" 00:00:00");
        }
        (Spell::DayFirst, F::Date(d)) => digits::push_day_first(out, *d),
        (Spell::Scientific, F::Bytes(b)) => {
            // what a spreadsheet shows for an 18-digit number: 6.40324E+17
            out.push(b[0]);
            out.push(b'.');
            out.extend_from_slice(&b[1..6]);
            out.extend_from_slice(b"E+17");
        }
        (Spell::Zeroed, F::Bytes(b)) => {
            out.extend_from_slice(&b[..15]);
            out.extend_from_slice(b"000");
        }
        _ => f.put(out),
    }
}

/// Appends a row; `spells` gives a spelling per cell for dirty rows.
fn put_row(
    out: &mut Vec<u8>,
    cells: &[F],
    spells: Option<&[Spell]>,
    eol: &[u8],
    scratch: &mut Vec<u8>,
) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match spells {
            None => c.put(out),
            Some(s) => put_spelt(out, c, s[i], scratch),
        }
    }
    out.extend_from_slice(eol);
}

/// Per-table state of the dirty decoration of one block.
struct Dirt {
    rng: Rng,
    scratch: Vec<u8>,
}

/// Rates per row (a few per mille of rows in all).
const P_COSMETIC: f64 = 0.006;
const P_EXACT_DUP: f64 = 0.0015;
const P_CONFLICT: f64 = 0.0007;
const P_DAY_FIRST: f64 = 0.0007;
const P_MANGLED_ID: f64 = 0.002;
const P_DANGLING: f64 = 0.0007;

/// Writes `cells` as a row, decorated when `dirt` is given. `conflict` is the index of
/// a cell to change for a conflicting duplicate (with its replacement), `id_number` the
/// index of the ID-number cell, `person` the index of the person_id cell. Returns the
/// number of rows written.
#[allow(clippy::too_many_arguments)]
fn emit<'a>(
    out: &mut Vec<u8>,
    cells: &mut [F<'a>],
    eol: &[u8],
    dirt: Option<&mut Dirt>,
    conflict: Option<(usize, F<'a>)>,
    id_number: Option<usize>,
    person: Option<usize>,
    scratch: &mut Vec<u8>,
) -> u64 {
    let Some(d) = dirt else {
        put_row(out, cells, None, eol, scratch);
        return 1;
    };
    let n = cells.len();
    let mut spells = [Spell::Plain; 16];
    if d.rng.chance(P_COSMETIC) {
        let i = d.rng.below(n as u64) as usize;
        spells[i] = match cells[i] {
            F::Date(_) => [
                Spell::Slash,
                Spell::Dotted,
                Spell::Chinese,
                Spell::Compact,
                Spell::DateTime,
                Spell::FullWidth,
            ][d.rng.below(6) as usize],
            F::Region(_) | F::Bytes(_) => {
                if d.rng.chance(0.5) {
                    Spell::FullWidth
                } else {
                    Spell::Spaces
                }
            }
            F::Empty => Spell::Plain,
            _ => Spell::Spaces,
        };
    }
    let start = out.len();
    put_row(out, cells, Some(&spells[..n]), eol, &mut d.scratch);
    let mut rows = 1;
    if d.rng.chance(P_EXACT_DUP) {
        out.extend_from_within(start..);
        rows += 1;
    }
    if let Some((i, f)) = conflict
        && d.rng.chance(P_CONFLICT)
    {
        let keep = cells[i];
        cells[i] = f;
        put_row(out, cells, None, eol, scratch);
        cells[i] = keep;
        rows += 1;
    }
    if d.rng.chance(P_DAY_FIRST)
        && let Some(i) = cells.iter().position(|c| matches!(c, F::Date(_)))
    {
        let mut s = [Spell::Plain; 16];
        s[i] = Spell::DayFirst;
        put_row(out, cells, Some(&s[..n]), eol, &mut d.scratch);
        rows += 1;
    }
    if let Some(i) = id_number
        && matches!(cells[i], F::Bytes(_))
        && d.rng.chance(P_MANGLED_ID)
    {
        let mut s = [Spell::Plain; 16];
        s[i] = if d.rng.chance(0.5) {
            Spell::Scientific
        } else {
            Spell::Zeroed
        };
        let zeroed_still_valid = s[i] == Spell::Zeroed
            && matches!(cells[i], F::Bytes(b) if crate::input::values::id_check_char(&[&b[..15], b"00"].concat()) == b'0');
        if !zeroed_still_valid {
            put_row(out, cells, Some(&s[..n]), eol, &mut d.scratch);
            rows += 1;
        }
    }
    if let Some(i) = person
        && d.rng.chance(P_DANGLING)
        && let (F::Id(_, pn, pw, _), F::Id(ip, inum, iw, iseq)) = (cells[i], cells[0])
    {
        // a row for a person the export does not contain
        let keep = (cells[0], cells[i]);
        cells[i] = F::Id("PX", pn, pw, None);
        cells[0] = F::Id(ip, inum, iw, iseq.map(|(s, w)| (s + 9000, w)));
        put_row(out, cells, None, eol, scratch);
        (cells[0], cells[i]) = keep;
        rows += 1;
    }
    rows
}

/// The CSV bodies of one block for the six person tables.
pub struct BlockOut {
    pub bufs: [Vec<u8>; 6],
    pub rows: [u64; 6],
}

/// Formats block `bi`. `crlf[t]` selects the line ending per block table.
pub fn format_block(w: &World, bi: u64, b: &Block, dirty: bool, crlf: [bool; 6]) -> BlockOut {
    let mut bufs: [Vec<u8>; 6] = Default::default();
    let mut rows = [0u64; 6];
    let mut scratch = Vec::with_capacity(64);
    let mut dirts: Vec<Option<Dirt>> = (0..6)
        .map(|t| {
            dirty.then(|| Dirt {
                rng: Rng::stream(w.seed, domain::DIRTY, ((t as u64) << 40) | bi),
                scratch: Vec::with_capacity(64),
            })
        })
        .collect();
    let eol = |t: usize| if crlf[t] { &b"\r\n"[..] } else { &b"\n"[..] };
    let pw = w.pid_width;
    let pid = |p: u64| F::Id("P", p + 1, pw, None);
    let officer = |o: Option<u32>| {
        o.map_or(F::Empty, |i| {
            F::Id("ZG", w.officers.list[i as usize].id, 10, None)
        })
    };
    // persons
    {
        let out = &mut bufs[0];
        out.reserve(b.persons.len() * 200);
        let mut name = Vec::with_capacity(32);
        for p in &b.persons {
            name.clear();
            name.extend_from_slice("虚构人员".as_bytes());
            push_padded(&mut name, p.index + 1, pw);
            let mut cells = [
                pid(p.index),
                F::Bytes(&p.id_number),
                F::Str(std::str::from_utf8(&name).unwrap_or_default()),
                F::Str(zh(&schema::SEX, u8::from(!p.male))),
                F::Date(p.birth),
                F::Str(ETHNICITIES[p.ethnicity as usize]),
                F::Region(p.hukou),
                F::Region(p.residence),
                F::Date(p.first_found),
                F::Region(p.first_found_region),
                F::Str(zh(&schema::DRUG, p.drug)),
                F::Str(OCCUPATIONS[p.occupation as usize]),
                F::Str(EDUCATIONS[p.education as usize]),
                opt_date(p.death),
                opt_date(p.departure),
            ];
            let other_job = F::Str(OCCUPATIONS[(p.occupation as usize + 1) % OCCUPATIONS.len()]);
            rows[0] += emit(
                out,
                &mut cells,
                eol(0),
                dirts[0].as_mut(),
                Some((11, other_job)),
                Some(1),
                None,
                &mut scratch,
            );
        }
    }
    // measures
    {
        let out = &mut bufs[1];
        out.reserve(b.measures.len() * 90);
        for m in &b.measures {
            let mut cells = [
                F::Id("M", m.person + 1, pw, Some((m.seq as u64, 2))),
                pid(m.person),
                F::Str(zh(&schema::MEASURE_TYPE, m.kind)),
                F::Date(m.decision),
                opt_date(m.report),
                opt_date(m.end),
                m.reason
                    .map_or(F::Empty, |r| F::Str(zh(&schema::END_REASON, r))),
                F::Region(m.region),
                officer(m.officer),
            ];
            let moved = F::Region(if m.region >= 1_000_000 {
                m.region / 1000
            } else {
                m.region * 1000 + 100
            });
            rows[1] += emit(
                out,
                &mut cells,
                eol(1),
                dirts[1].as_mut(),
                Some((7, moved)),
                None,
                Some(1),
                &mut scratch,
            );
        }
    }
    // detections
    {
        let out = &mut bufs[2];
        out.reserve(b.detections.len() * 50);
        for x in &b.detections {
            let mut cells = [
                F::Id("D", x.person + 1, pw, Some((x.seq as u64, 2))),
                pid(x.person),
                F::Date(x.date),
                F::Region(x.region),
            ];
            let moved = F::Date(x.date + 1);
            rows[2] += emit(
                out,
                &mut cells,
                eol(2),
                dirts[2].as_mut(),
                Some((2, moved)),
                None,
                Some(1),
                &mut scratch,
            );
        }
    }
    // tests
    {
        let out = &mut bufs[3];
        out.reserve(b.tests.len() * 56);
        for t in &b.tests {
            let mut cells = [
                F::Id("T", t.person + 1, pw, Some((t.seq as u64, 4))),
                pid(t.person),
                F::Date(t.date),
                F::Str(zh(&schema::TEST_METHOD, t.method)),
                F::Str(zh(&schema::TEST_RESULT, t.result)),
                t.measure.map_or(F::Empty, |s| {
                    F::Id("M", t.person + 1, pw, Some((s as u64, 2)))
                }),
            ];
            let flipped = F::Str(zh(
                &schema::TEST_RESULT,
                if t.result == code::NEGATIVE {
                    code::POSITIVE
                } else {
                    code::NEGATIVE
                },
            ));
            rows[3] += emit(
                out,
                &mut cells,
                eol(3),
                dirts[3].as_mut(),
                Some((4, flipped)),
                None,
                Some(1),
                &mut scratch,
            );
        }
    }
    // transfers
    {
        let out = &mut bufs[4];
        for x in &b.transfers {
            let mut cells = [
                F::Id("Y", x.person + 1, pw, Some((x.seq as u64, 2))),
                pid(x.person),
                F::Date(x.date),
                F::Region(x.from),
                F::Region(x.to),
                x.measure.map_or(F::Empty, |s| {
                    F::Id("M", x.person + 1, pw, Some((s as u64, 2)))
                }),
            ];
            let moved = F::Date(x.date + 2);
            rows[4] += emit(
                out,
                &mut cells,
                eol(4),
                dirts[4].as_mut(),
                Some((2, moved)),
                None,
                Some(1),
                &mut scratch,
            );
        }
    }
    // services
    {
        let out = &mut bufs[5];
        out.reserve(b.services.len() * 60);
        for s in &b.services {
            let mut cells = [
                F::Id("S", s.person + 1, pw, Some((s.seq as u64, 3))),
                pid(s.person),
                F::Date(s.date),
                F::Str(zh(&schema::SERVICE_TYPE, s.kind)),
                officer(s.officer),
            ];
            let other = F::Str(zh(&schema::SERVICE_TYPE, (s.kind + 1) % 10));
            rows[5] += emit(
                out,
                &mut cells,
                eol(5),
                dirts[5].as_mut(),
                Some((3, other)),
                None,
                Some(1),
                &mut scratch,
            );
        }
    }
    BlockOut { bufs, rows }
}

/// The regions table body.
pub fn format_regions(rows: &[RegionRow], eol: &[u8]) -> (Vec<u8>, u64) {
    let mut out = Vec::with_capacity(rows.len() * 40);
    let mut scratch = Vec::new();
    for r in rows {
        let cells = [
            F::Region(r.code),
            F::Str(&r.name),
            F::Str(r.level.zh()),
            r.parent.map_or(F::Empty, F::Region),
        ];
        put_row(&mut out, &cells, None, eol, &mut scratch);
    }
    (out, rows.len() as u64)
}

/// The officers table body.
pub fn format_officers(w: &World, dirty: bool, eol: &[u8]) -> (Vec<u8>, u64) {
    let mut out = Vec::with_capacity(w.officers.list.len() * 40);
    let mut scratch = Vec::new();
    let mut dirt = dirty.then(|| Dirt {
        rng: Rng::stream(w.seed, domain::DIRTY, 7 << 40),
        scratch: Vec::new(),
    });
    let mut n = 0;
    for o in &w.officers.list {
        let mut cells = [
            F::Id("ZG", o.id, 10, None),
            F::Region(o.region),
            F::Date(o.start),
            opt_date(o.end),
        ];
        let moved = F::Date(o.start + 1);
        n += emit(
            &mut out,
            &mut cells,
            eol,
            dirt.as_mut(),
            Some((2, moved)),
            None,
            None,
            &mut scratch,
        );
    }
    (out, n)
}

/// The population table body (`人口.csv`): region, year, residents.
pub fn format_population(rows: &[super::population::PopulationRow], eol: &[u8]) -> (Vec<u8>, u64) {
    let mut out = Vec::with_capacity(rows.len() * 24);
    for r in rows {
        push_uint(&mut out, u64::from(r.region));
        out.push(b',');
        push_uint(&mut out, r.year as u64);
        out.push(b',');
        push_uint(&mut out, r.population);
        out.extend_from_slice(eol);
    }
    (out, rows.len() as u64)
}

/// The incidents of one block (`肇事肇祸.csv`), person by person, from the incidents'
/// own streams: the other tables are the same with or without them.
pub fn format_incidents(w: &World, b: &Block, eol: &[u8]) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut scratch = Vec::new();
    let mut n = 0;
    for p in &b.persons {
        for x in super::incidents::of_person(w.seed, p) {
            let cells = [
                F::Id("SJ", x.person + 1, w.pid_width, Some((u64::from(x.seq), 2))),
                F::Id("P", x.person + 1, w.pid_width, None),
                F::Date(x.date),
                F::Region(x.region),
                F::Str(zh(&schema::INCIDENT_KIND, x.kind)),
            ];
            put_row(&mut out, &cells, None, eol, &mut scratch);
            n += 1;
        }
    }
    (out, n)
}

/// The header line of a table: the first Chinese alias of every column.
pub fn header(t: Table, eol: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in t.columns().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(c.zh_header().as_bytes());
    }
    out.extend_from_slice(eol);
    out
}

/// Parses an ISO `YYYY-MM-DD` cell (the clean spelling) for XLSX date cells.
pub fn parse_iso(s: &str) -> Option<(u16, u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = s[..4].parse().ok()?;
    let m = s[5..7].parse().ok()?;
    let d = s[8..10].parse().ok()?;
    Some((y, m, d))
}

/// Whether column `i` of `t` holds dates.
pub fn is_date_col(t: Table, i: usize) -> bool {
    t.columns().get(i).is_some_and(|c| c.ty == ColType::Date)
}
