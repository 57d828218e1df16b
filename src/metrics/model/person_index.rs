//! Person ids to person indices for [`Model::load`](super::Model::load): the event
//! tables (tests, measures, detections, services, transfers) name persons by id, the
//! model by index. The tables usually come person by person in the persons' order, so
//! a lookup first reads the few ids after the one found last before a binary search or
//! a hash map: tens of millions of lookups read memory in sequence.

use polars::prelude::{InitHashMaps, PlHashMap};

/// Person ids to person indices. The event tables usually come in the persons'
/// order, so a lookup first tries the few persons after the one found last (memory
/// read in sequence) before the binary search (ids in increasing order) or the hash
/// map (any other order; the last of equal ids wins, as a map filled in order).
pub(super) struct PersonIndex<'a> {
    /// The id of every person, by index.
    ids: Vec<&'a str>,
    /// `None` when `ids` are strictly increasing (found by binary search).
    map: Option<PlHashMap<&'a str, u32>>,
    /// Whether the ids are unique (the look-ahead may then stop at the first match).
    unique: bool,
}

/// Persons tried after the last one found before the full lookup.
const LOOK_AHEAD: usize = 8;

impl<'a> PersonIndex<'a> {
    pub(super) fn new(ids: Vec<&'a str>) -> PersonIndex<'a> {
        if ids.is_sorted_by(|a, b| a < b) {
            return PersonIndex {
                ids,
                map: None,
                unique: true,
            };
        }
        let mut map = PlHashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            map.insert(*id, i as u32);
        }
        let unique = map.len() == ids.len();
        PersonIndex {
            ids,
            map: Some(map),
            unique,
        }
    }

    /// The index of the person with id `p`, trying `ids[from..]` first.
    pub(super) fn find(&self, p: &str, from: usize) -> Option<u32> {
        if self.unique {
            let end = self.ids.len().min(from.saturating_add(LOOK_AHEAD));
            if let Some(k) = self
                .ids
                .get(from..end)
                .and_then(|w| w.iter().position(|x| *x == p))
            {
                return Some((from + k) as u32);
            }
        }
        match &self.map {
            None => self.ids.binary_search(&p).ok().map(|i| i as u32),
            Some(m) => m.get(p).copied(),
        }
    }
}

/// Lookups of a run of rows through a [`PersonIndex`]: the id of the row before is
/// remembered (rows come person by person), and the next person is looked for after
/// the last one found.
pub(super) struct Cursor<'s> {
    last: Option<(&'s str, Option<u32>)>,
    next: usize,
}

impl<'s> Cursor<'s> {
    pub(super) fn new() -> Cursor<'s> {
        Cursor {
            last: None,
            next: 0,
        }
    }

    pub(super) fn get(&mut self, index: &PersonIndex, pid: Option<&'s str>) -> Option<u32> {
        let p = pid?;
        if let Some((id, pi)) = self.last
            && id == p
        {
            return pi;
        }
        let pi = index.find(p, self.next);
        if let Some(i) = pi {
            self.next = i as usize + 1;
        }
        self.last = Some((p, pi));
        pi
    }
}

#[cfg(test)]
mod tests {
    use super::{Cursor, PersonIndex};

    /// What the hash map of the ids filled in order gives (the last of equal ids).
    fn by_map(ids: &[&str], p: &str) -> Option<u32> {
        ids.iter().rposition(|x| *x == p).map(|i| i as u32)
    }

    #[test]
    fn person_lookups_agree_with_a_map_in_any_order() {
        let sorted = ["P01", "P02", "P03", "P05", "P08", "P13", "P21"];
        let shuffled = ["P08", "P01", "P21", "P03", "P13", "P02", "P05"];
        // Equal ids: the later person wins, whatever the look-ahead meets first.
        let repeated = ["P01", "P02", "P01", "P03", "P02"];
        let rows = [
            "P01", "P01", "P02", "P05", "P04", "P21", "P01", "P13", "P13", "P99", "P02", "P03",
        ];
        for ids in [&sorted[..], &shuffled[..], &repeated[..]] {
            let index = PersonIndex::new(ids.to_vec());
            assert_eq!(index.map.is_none(), ids == &sorted[..]);
            let mut cursor = Cursor::new();
            for p in rows {
                assert_eq!(cursor.get(&index, Some(p)), by_map(ids, p), "{ids:?} {p}");
                assert_eq!(index.find(p, 0), by_map(ids, p));
                assert_eq!(index.find(p, ids.len()), by_map(ids, p));
            }
            assert_eq!(cursor.get(&index, None), None);
        }
        // The look-ahead window: a person further on is still found.
        let many: Vec<String> = (0..100).map(|i| format!("P{i:03}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let index = PersonIndex::new(many.clone());
        let mut cursor = Cursor::new();
        for p in ["P000", "P050", "P051", "P099", "P003"] {
            assert_eq!(cursor.get(&index, Some(p)), by_map(&many, p));
        }
    }
}
