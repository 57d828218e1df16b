//! The region table (行政区划): the built-in GB/T 2260 rows for 宁夏回族自治区 (the 28 rows
//! of the shared reference), extended or overridden by an export's own `regions` table,
//! and the prefix arithmetic of region codes (province = 2 digits, city = 4, county = 6,
//! township = 9).

use std::collections::BTreeMap;

/// The county part of a code: its first six digits (the whole code when shorter).
pub fn county_of(code: &str) -> &str {
    &code[..code.len().min(6)]
}

/// A level of the administrative hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
    Township,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Province, Level::City, Level::County, Level::Township];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Township => "township",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县",
            Level::Township => "乡镇",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match crate::schema::REGION_LEVEL.parse(s)? {
            "province" => Some(Level::Province),
            "city" => Some(Level::City),
            "county" => Some(Level::County),
            "township" => Some(Level::Township),
            _ => None,
        }
    }

    /// Significant digits of a code at this level.
    pub fn prefix_len(self) -> usize {
        match self {
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
            Level::Township => 9,
        }
    }

    /// Length of a full code at this level (6 for province, city, county; 9 for township).
    pub fn code_len(self) -> usize {
        if self == Level::Township { 9 } else { 6 }
    }
}

/// The level a code denotes by its shape: `PP0000` province, `CCCC00` city, other
/// 6-digit codes county, 9-digit codes township.
pub fn level_of(code: &str) -> Level {
    if code.len() >= 9 {
        Level::Township
    } else if code.ends_with("0000") {
        Level::Province
    } else if code.ends_with("00") {
        Level::City
    } else {
        Level::County
    }
}

/// The significant prefix of a code at its own level (`640000` → `64`).
pub fn significant_prefix(code: &str) -> &str {
    &code[..level_of(code).prefix_len().min(code.len())]
}

/// The code of the region at `level` that contains `code`, if `code` is at least that
/// precise: `640324100` at county level → `640324`; `640300` at county level → None.
pub fn ancestor(code: &str, level: Level) -> Option<String> {
    if level_of(code) < level {
        return None;
    }
    let p = &code[..level.prefix_len()];
    Some(format!("{p:0<width$}", width = level.code_len()))
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
}

/// The effective region table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionTable {
    pub by_code: BTreeMap<String, Region>,
}

const BUILTIN_CSV: &str = include_str!("../assets/regions-ningxia.csv");

impl RegionTable {
    /// The built-in table: province, cities and counties of Ningxia (GB/T 2260).
    pub fn builtin() -> RegionTable {
        let mut t = RegionTable::default();
        for line in BUILTIN_CSV.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 3 {
                continue;
            }
            t.insert(Region {
                code: f[0].to_string(),
                name: f[1].to_string(),
                level: Level::parse(f[2]).expect("built-in level"),
                parent: f.get(3).filter(|p| !p.is_empty()).map(|p| p.to_string()),
            });
        }
        t
    }

    pub fn insert(&mut self, r: Region) {
        self.by_code.insert(r.code.clone(), r);
    }

    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.get(code).map(|r| r.name.as_str())
    }

    pub fn contains(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    /// The regions of one level, in code order.
    /// The table as a frame with the canonical columns of the `regions` table: code,
    /// name, level, parent (empty for a province), in code order.
    pub fn to_frame(&self) -> polars::prelude::DataFrame {
        use polars::prelude::{Column, DataFrame};
        let rs: Vec<&Region> = self.by_code.values().collect();
        let cols = vec![
            Column::new(
                "code".into(),
                rs.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "name".into(),
                rs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "level".into(),
                rs.iter().map(|r| r.level.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "parent".into(),
                rs.iter().map(|r| r.parent.as_deref()).collect::<Vec<_>>(),
            ),
        ];
        DataFrame::new(rs.len(), cols).expect("columns of equal length")
    }

    pub fn at_level(&self, level: Level) -> impl Iterator<Item = &Region> {
        self.by_code.values().filter(move |r| r.level == level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_28_ningxia_rows() {
        let t = RegionTable::builtin();
        assert_eq!(t.by_code.len(), 28);
        assert_eq!(t.name("640324"), Some("同心县"));
        assert_eq!(t.at_level(Level::County).count(), 22);
        assert_eq!(t.at_level(Level::City).count(), 5);
    }

    #[test]
    fn code_arithmetic() {
        assert_eq!(level_of("640000"), Level::Province);
        assert_eq!(level_of("640300"), Level::City);
        assert_eq!(level_of("640324"), Level::County);
        assert_eq!(level_of("640324100"), Level::Township);
        assert_eq!(
            ancestor("640324100", Level::County).as_deref(),
            Some("640324")
        );
        assert_eq!(
            ancestor("640324100", Level::City).as_deref(),
            Some("640300")
        );
        assert_eq!(
            ancestor("640324", Level::Province).as_deref(),
            Some("640000")
        );
        assert_eq!(ancestor("640300", Level::County), None);
        assert_eq!(ancestor("640324", Level::Township), None);
        assert_eq!(significant_prefix("640000"), "64");
        assert_eq!(significant_prefix("640324"), "640324");
    }
}
