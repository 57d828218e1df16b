//! Attribution of records to the output regions of one level (METRICS.md
//! "Attribution to regions"): every interned region code goes to its ancestor at the
//! level, or to a `（未细分）` pseudo-region when it is coarser than the level, and the
//! output regions are those of the region table in scope plus every attributed code
//! the table does not know.

use std::collections::BTreeMap;

use super::model::{Code, Model};
use crate::regions::{Level, ancestor, significant_prefix};

/// An output region of the requested level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutRegion {
    pub code: String,
    pub name: String,
}

/// The regions of the output and the attribution of every interned code to one of them.
#[derive(Debug, Clone)]
pub struct Attribution {
    pub regions: Vec<OutRegion>,
    /// Indexed by interned code: the output region, or None when out of scope.
    pub of_code: Vec<Option<u32>>,
}

/// The code a record's region is attributed to at `level`: its ancestor when the code
/// is precise enough, else the code padded with zeros (a pseudo-region).
pub fn attribute(code: &str, level: Level) -> (String, bool) {
    match ancestor(code, level) {
        Some(a) => (a, false),
        None => {
            let p = significant_prefix(code);
            (format!("{p:0<width$}", width = level.code_len()), true)
        }
    }
}

impl Attribution {
    pub fn build(model: &Model, level: Level, scope: Option<&str>) -> Attribution {
        let prefix = scope.map(significant_prefix).unwrap_or("");
        let mut regions: BTreeMap<String, String> = model
            .regions
            .at_level(level)
            .filter(|r| r.code.starts_with(prefix))
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect();
        let mut of_code = vec![None; model.codes.codes.len()];
        let mut keys: Vec<Option<String>> = vec![None; model.codes.codes.len()];
        for (i, code) in model.codes.codes.iter().enumerate() {
            if code.len() != 6 && code.len() != 9 {
                continue;
            }
            let (key, pseudo) = attribute(code, level);
            if !key.starts_with(prefix) {
                continue;
            }
            let used = model.attribution_codes.contains(&(i as Code));
            if !regions.contains_key(&key) && used {
                let name = if pseudo {
                    match model.regions.name(code) {
                        Some(n) => format!("{n}（未细分）"),
                        None => String::new(),
                    }
                } else {
                    model.regions.name(&key).unwrap_or("").to_string()
                };
                regions.insert(key.clone(), name);
            }
            keys[i] = Some(key);
        }
        let list: Vec<OutRegion> = regions
            .into_iter()
            .map(|(code, name)| OutRegion { code, name })
            .collect();
        let pos: BTreeMap<&str, u32> = list
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i as u32))
            .collect();
        for (i, k) in keys.iter().enumerate() {
            of_code[i] = k.as_deref().and_then(|k| pos.get(k).copied());
        }
        Attribution {
            regions: list,
            of_code,
        }
    }

    pub(super) fn of(&self, c: Code) -> Option<usize> {
        self.of_code
            .get(c as usize)
            .copied()
            .flatten()
            .map(|r| r as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testdata::model;

    #[test]
    fn codes_go_to_their_ancestor_or_a_padded_pseudo_region() {
        assert_eq!(
            attribute("640324100", Level::County),
            ("640324".into(), false)
        );
        assert_eq!(
            attribute("640324100", Level::City),
            ("640300".into(), false)
        );
        assert_eq!(
            attribute("640324100", Level::Province),
            ("640000".into(), false)
        );
        // Coarser than the level: padded with zeros, a pseudo-region.
        assert_eq!(
            attribute("640324", Level::Township),
            ("640324000".into(), true)
        );
        assert_eq!(attribute("640300", Level::County), ("640300".into(), true));
        assert_eq!(attribute("640000", Level::City), ("640000".into(), true));
    }

    #[test]
    fn output_regions_are_the_table_in_scope_plus_attributed_codes() {
        let m = model(None);
        let code = |c: &str| m.codes.lookup(c).unwrap();
        // Township level: the residence codes are county codes, so they become
        // pseudo-townships named after their county.
        let at = Attribution::build(&m, Level::Township, Some("640302"));
        let names: Vec<(&str, &str)> = at
            .regions
            .iter()
            .map(|r| (r.code.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(names, [("640302000", "利通区（未细分）")]);
        assert_eq!(at.of(code("640302")), Some(0));
        // Out of scope: no output region.
        assert_eq!(at.of(code("640303")), None);
        // County level, whole province: every built-in county is a row (zeros
        // included), and each code goes to its own county.
        let at = Attribution::build(&m, Level::County, None);
        assert_eq!(at.regions.len(), 22);
        let row = |c: &str| at.regions.iter().position(|r| r.code == c);
        assert_eq!(at.of(code("640104")), row("640104"));
        assert_eq!(at.of(code("640303")), row("640303"));
        assert!(row("640104").is_some() && row("640303").is_some());
    }
}
