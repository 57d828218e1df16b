//! The resident population of an output region (METRICS.md "Population and rates per
//! inhabitants", v1.2): `pop(R, Y)` from the rows of the `population` table.
//!
//! `pop(R, Y)` is the row of `R` for year `Y` if there is one; otherwise the sum of the
//! rows of year `Y` whose region lies inside `R` (by code prefix) and that have no
//! ancestor row of year `Y` inside `R`; empty when there is no such row. So a county
//! given only by its townships is their sum, and a township row is never added to the
//! row of its own county. Pseudo-regions `（未细分）` and codes the region table does not
//! know have no population (the caller decides which output regions are known).

use std::collections::BTreeMap;

use crate::regions::significant_prefix;

/// Whether `a` is a strict ancestor of `c` by code prefix (`640324` of `640324100`,
/// `640000` of `640324`).
fn is_ancestor(a: &str, c: &str) -> bool {
    let p = significant_prefix(a);
    c.starts_with(p) && significant_prefix(c).len() > p.len()
}

/// `pop(R, Y)`: see the module documentation.
pub fn pop(rows: &BTreeMap<(String, i32), u64>, region: &str, year: i32) -> Option<u64> {
    if let Some(&n) = rows.get(&(region.to_string(), year)) {
        return Some(n);
    }
    let inside = significant_prefix(region);
    let of_year: Vec<(&str, u64)> = rows
        .iter()
        .filter(|((c, y), _)| *y == year && c.starts_with(inside) && c.as_str() != region)
        .map(|((c, _), n)| (c.as_str(), *n))
        .collect();
    let kept: Vec<u64> = of_year
        .iter()
        .filter(|(c, _)| !of_year.iter().any(|(a, _)| is_ancestor(a, c)))
        .map(|(_, n)| *n)
        .collect();
    (!kept.is_empty()).then(|| kept.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, i32, u64)]) -> BTreeMap<(String, i32), u64> {
        rows.iter()
            .map(|(c, y, n)| ((c.to_string(), *y), *n))
            .collect()
    }

    #[test]
    fn own_row_else_children_without_an_ancestor_row_inside() {
        // 2024: 同心县 640324 has its own row and township rows (ignored for it);
        // 原州区 640402 has township rows only; the city 640300 has no row.
        let t = table(&[
            ("640324", 2024, 300_000),
            ("640324100", 2024, 40_000),
            ("640324101", 2024, 50_000),
            ("640402100", 2024, 70_000),
            ("640402101", 2024, 80_000),
            ("640302", 2024, 400_000),
            ("640324", 2023, 299_000),
        ]);
        // Own row wins over the townships.
        assert_eq!(pop(&t, "640324", 2024), Some(300_000));
        // Child rows only: their sum.
        assert_eq!(pop(&t, "640402", 2024), Some(150_000));
        // The city 吴忠市 640300: 640302 + 640324 (the townships of 640324 have an
        // ancestor row inside the city and are not added again).
        assert_eq!(pop(&t, "640300", 2024), Some(700_000));
        // The province: 640302 + 640324 + the townships of 640402.
        assert_eq!(pop(&t, "640000", 2024), Some(850_000));
        // A township with its own row; another year; a region without rows.
        assert_eq!(pop(&t, "640324101", 2024), Some(50_000));
        assert_eq!(pop(&t, "640324", 2023), Some(299_000));
        assert_eq!(pop(&t, "640302", 2023), None);
        assert_eq!(pop(&t, "640104", 2024), None);
        assert_eq!(pop(&t, "640000", 2022), None);
    }
}
