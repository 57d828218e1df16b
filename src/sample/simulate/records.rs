//! The simulated records: one struct per exported table row (persons, measures,
//! detections, tests, transfers, services), the [`Block`] that holds the rows of a run of
//! consecutive persons, and the schema indices and label lists the simulation draws
//! from.

use crate::dates::Days;

/// Indices into the schema's enumeration value lists (checked by a unit test).
pub mod code {
    pub const DETOX: u8 = 0;
    pub const REHAB: u8 = 1;
    pub const CI: u8 = 2;
    pub const VOLUNTARY: u8 = 3;

    pub const COMPLETED: u8 = 0;
    pub const EARLY: u8 = 1;
    pub const ESCALATED: u8 = 2;
    pub const DIED: u8 = 3;
    pub const DEPARTED: u8 = 4;
    pub const IMPRISONED: u8 = 5;
    pub const LOST: u8 = 6;
    pub const OTHER: u8 = 7;

    pub const NEGATIVE: u8 = 0;
    pub const POSITIVE: u8 = 1;
    pub const REFUSED: u8 = 2;

    pub const URINE: u8 = 0;
    pub const HAIR: u8 = 1;
    pub const BLOOD: u8 = 2;
    pub const SALIVA: u8 = 3;
}

pub const ETHNICITIES: &[&str] = &["汉族", "回族", "蒙古族", "满族", "东乡族", "土族"];
pub const OCCUPATIONS: &[&str] = &[
    "无业",
    "农民",
    "务工",
    "个体经营",
    "司机",
    "服务业",
    "学生",
    "其他",
];
pub const EDUCATIONS: &[&str] = &["文盲", "小学", "初中", "高中", "中专", "大专", "本科"];

#[derive(Debug, Clone)]
pub struct Person {
    /// 0-based; the person_id is `P` + (index + 1) zero-padded.
    pub index: u64,
    pub male: bool,
    pub birth: Days,
    pub id_number: [u8; 18],
    pub ethnicity: u8,
    pub hukou: u32,
    pub residence: u32,
    pub first_found: Days,
    pub first_found_region: u32,
    pub drug: u8,
    pub occupation: u8,
    pub education: u8,
    pub death: Option<Days>,
    pub departure: Option<Days>,
    /// This person's rows in the block's tables.
    pub measures: std::ops::Range<u32>,
    pub detections: std::ops::Range<u32>,
    pub tests: std::ops::Range<u32>,
    pub transfers: std::ops::Range<u32>,
    pub services: std::ops::Range<u32>,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub person: u64,
    pub seq: u16,
    pub kind: u8,
    pub decision: Days,
    pub report: Option<Days>,
    pub end: Option<Days>,
    pub reason: Option<u8>,
    pub region: u32,
    /// Index into `Officers::list`.
    pub officer: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Detection {
    pub person: u64,
    pub seq: u16,
    pub date: Days,
    pub region: u32,
}

#[derive(Debug, Clone)]
pub struct Test {
    pub person: u64,
    pub seq: u32,
    pub date: Days,
    pub method: u8,
    pub result: u8,
    pub measure: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct Transfer {
    pub person: u64,
    pub seq: u16,
    pub date: Days,
    pub from: u32,
    pub to: u32,
    pub measure: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub person: u64,
    pub seq: u32,
    pub date: Days,
    pub kind: u8,
    pub officer: Option<u32>,
}

/// The simulated records of a run of consecutive persons.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub persons: Vec<Person>,
    pub measures: Vec<Measure>,
    pub detections: Vec<Detection>,
    pub tests: Vec<Test>,
    pub transfers: Vec<Transfer>,
    pub services: Vec<Service>,
}
