//! The typed, person-grouped model the metrics are computed on.
//!
//! Canonical tables come in as polars frames (only the needed columns are read; the
//! large event tables in blocks of rows, [`crate::dataset::Data::chunks`], so that no whole table is
//! held); they leave as compact per-person arrays: each person's measures, uses
//! (detections and positive tests), valid tests, transfers and services, sorted by date. The snapshot
//! semantics of an explicit `--as-of` (METRICS.md "Time") are applied here, once, so
//! the building blocks never see a record dated after the cutoff `C`.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use crate::dates::Days;
use crate::regions::RegionTable;
use crate::schema::Table;

/// Index of an interned region code.
pub type Code = u32;

pub const DETOX: u8 = 0;
pub const REHAB: u8 = 1;
pub const ISOLATION: u8 = 2;
pub const VOLUNTARY: u8 = 3;

/// `end_reason` codes, in [`schema::END_REASON`] order.
pub mod reason {
    pub const COMPLETED: u8 = 0;
    pub const EARLY_RELEASE: u8 = 1;
    pub const ESCALATED: u8 = 2;
    pub const DIED: u8 = 3;
    pub const DEPARTED: u8 = 4;
    pub const IMPRISONED: u8 = 5;
    pub const LOST_CONTACT: u8 = 6;
}

/// A record id (`measure_id`, `transfer_id`), compared as bytes. Ids up to 22 bytes
/// (all that the import writes) are held inline: millions of measures would otherwise
/// be as many small allocations.
#[derive(Clone, PartialEq, Eq)]
pub enum RecordId {
    Inline(u8, [u8; 22]),
    Heap(Box<str>),
}

impl RecordId {
    pub fn new(s: &str) -> RecordId {
        let b = s.as_bytes();
        if b.len() <= 22 {
            let mut a = [0u8; 22];
            a[..b.len()].copy_from_slice(b);
            RecordId::Inline(b.len() as u8, a)
        } else {
            RecordId::Heap(s.into())
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            RecordId::Inline(n, a) => &a[..usize::from(*n)],
            RecordId::Heap(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Whole UTF-8 strings copied in `new`.
            RecordId::Inline(..) => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            RecordId::Heap(s) => s,
        }
    }
}

impl From<&str> for RecordId {
    fn from(s: &str) -> RecordId {
        RecordId::new(s)
    }
}

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<&str> for RecordId {
    fn eq(&self, o: &&str) -> bool {
        self.as_bytes() == o.as_bytes()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub id: RecordId,
    pub kind: u8,
    pub decision: Days,
    pub report: Option<Days>,
    pub end: Option<Days>,
    pub reason: Option<u8>,
    pub region: Code,
}

impl Measure {
    pub fn is_community(&self) -> bool {
        self.kind == DETOX || self.kind == REHAB
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: RecordId,
    pub date: Days,
    pub from: Code,
    pub to: Code,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Officer {
    pub region: Code,
    pub start: Days,
    pub end: Option<Days>,
}

/// An incident (肇事肇祸, v1.2), attributed to its own region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident {
    pub date: Days,
    pub region: Code,
    /// Index in [`schema::INCIDENT_KIND`].
    pub kind: u8,
}

/// One person with all their records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub sex: u8,
    pub birth: Days,
    pub hukou: Code,
    pub residence: Code,
    pub first_found: Days,
    pub first_found_region: Code,
    pub drug: u8,
    pub death: Option<Days>,
    pub departure: Option<Days>,
    /// Sorted by (decision date, id).
    pub measures: Vec<Measure>,
    /// Detection dates and positive test dates, sorted.
    pub uses: Vec<Days>,
    /// Dates of tests with a negative or positive result, sorted.
    pub valid_tests: Vec<Days>,
    /// Sorted by (date, id), ids compared as byte strings.
    pub transfers: Vec<Transfer>,
    /// (date, service type index), sorted.
    pub services: Vec<(Days, u8)>,
}

/// Interned region codes.
#[derive(Debug, Clone, Default)]
pub struct Codes {
    pub codes: Vec<String>,
    index: PlHashMap<String, Code>,
}

impl Codes {
    pub fn intern(&mut self, s: &str) -> Code {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = self.codes.len() as Code;
        self.codes.push(s.to_string());
        self.index.insert(s.to_string(), c);
        c
    }

    pub fn get(&self, c: Code) -> &str {
        &self.codes[c as usize]
    }

    /// The interned index of a code, if the data has it.
    pub fn lookup(&self, s: &str) -> Option<Code> {
        self.index.get(s).copied()
    }
}

/// Everything the metrics need.
#[derive(Debug, Clone)]
pub struct Model {
    pub cutoff: Days,
    /// First period (year of the earliest dated record), if any record exists.
    pub first_year: Option<i32>,
    /// The earliest date of the cutoff list (the first period of any kind contains it).
    pub first_date: Option<Days>,
    pub persons: Vec<Person>,
    pub officers: Vec<Officer>,
    /// Incidents at `C`, sorted by (date, region, kind); empty without the table.
    pub incidents: Vec<Incident>,
    /// Resident population by (region code, year), from the `population` table.
    pub population: BTreeMap<(String, i32), u64>,
    pub codes: Codes,
    /// Codes occurring in attribution columns (METRICS.md "Attribution to regions").
    pub attribution_codes: BTreeSet<Code>,
    pub regions: RegionTable,
    pub present: BTreeSet<Table>,
}

mod load;
mod person_index;
pub use load::ModelError;
