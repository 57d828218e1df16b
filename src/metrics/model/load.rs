//! Building the [`Model`] from the dataset's tables ([`Model::load`]).
//!
//! Only the needed columns are read; the large event tables (tests, measures,
//! detections, services) in blocks of rows ([`Data::chunks`]): the tests decoded on a
//! thread of their own from the start and mapped to persons on the calling thread,
//! the other three beside them on a second one, so that no whole table or row vector
//! of tens of millions of entries is held. Person ids become indices
//! ([`PersonIndex`]: the tables come person by person, so most lookups read the ids
//! in sequence; `person_index.rs`), region codes are interned, and each person's records are sorted as
//! [`Person`] documents.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use rayon::prelude::*;

use super::person_index::{Cursor, PersonIndex};
use super::{
    Code, Codes, Incident, Measure, Model, Officer, Person, RecordId, Transfer, VOLUNTARY,
};
use crate::dataset::Data;
use crate::dates::Days;
use crate::schema::{self, Table};

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("table {table}: {source}")]
    Polars {
        table: &'static str,
        source: PolarsError,
    },
    #[error(transparent)]
    Data(#[from] crate::dataset::OpenError),
}

/// Rows per block of the tables read in blocks ([`Data::chunks`]).
const CHUNK: usize = 1 << 20;

fn strs<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<Vec<Option<&'a str>>> {
    Ok(df.column(name)?.str()?.iter().collect())
}

fn dates(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i32>>> {
    Ok(df.column(name)?.date()?.physical().iter().collect())
}

/// Marks `c` in the set of attribution codes (indexed by code).
fn mark(set: &mut Vec<bool>, c: Code) {
    let i = c as usize;
    if i >= set.len() {
        set.resize(i + 1, false);
    }
    set[i] = true;
}

/// Records of one block of a table read beside the tests ([`Model::load`]), for the
/// persons by index.
enum Part {
    Measures(Vec<(u32, Measure)>),
    Uses(Vec<(u32, Days)>),
    Services(Vec<(u32, Days, u8)>),
}

fn enum_index(def: &schema::EnumDef, v: Option<&str>) -> Option<u8> {
    let v = v?;
    def.values.iter().position(|e| e.code == v).map(|i| i as u8)
}

/// One block of the tests: person ids, dates and results.
type TestBlock = (StringChunked, Int32Chunked, StringChunked);

/// Reads the tests at C in blocks of [`CHUNK`] rows and sends their three columns to
/// [`Model::build`] (which stops receiving only at the end or on its own error).
fn read_tests(src: &Data, tx: std::sync::mpsc::SyncSender<TestBlock>) -> Result<(), ModelError> {
    let pe = |source| ModelError::Polars {
        table: Table::Tests.name(),
        source,
    };
    let cols = ["person_id", "date", "result"];
    src.chunks(Table::Tests, &cols, CHUNK, |df| -> Result<(), ModelError> {
        let pid = df
            .column("person_id")
            .and_then(|c| c.str().cloned())
            .map_err(pe)?;
        let dts = df
            .column("date")
            .and_then(|c| c.date().map(|d| d.physical().clone()))
            .map_err(pe)?;
        let res = df
            .column("result")
            .and_then(|c| c.str().cloned())
            .map_err(pe)?;
        drop(df);
        // A closed channel: the model's building ended early (with its own error).
        let _ = tx.send((pid, dts, res));
        Ok(())
    })
}

impl Model {
    /// Builds the model from the tables at the cutoff `C` (the snapshot of
    /// [`crate::dataset::snapshot`], applied by [`Data`]; nothing here clips a date).
    pub fn load(src: &Data) -> Result<Model, ModelError> {
        // The tests (the largest table) are decoded on a thread of their own from the
        // start, while the persons are read and indexed, one block ahead of the
        // thread that maps them to persons.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<TestBlock>(1);
            let reader = src
                .has(Table::Tests)
                .then(|| scope.spawn(move || read_tests(src, tx)));
            let model = Model::build(src, rx);
            // A failed read ends the blocks early: its error comes first.
            if let Some(r) = reader {
                r.join().expect("the tests' reading thread")?;
            }
            model
        })
    }

    fn build(src: &Data, tests: std::sync::mpsc::Receiver<TestBlock>) -> Result<Model, ModelError> {
        let pe = |table: Table| {
            move |source| ModelError::Polars {
                table: table.name(),
                source,
            }
        };
        let present: BTreeSet<Table> = Table::ALL.into_iter().filter(|t| src.has(*t)).collect();
        let mut codes = Codes::default();

        // The tables at C, only the columns the model needs.
        let p = src.columns(
            Table::Persons,
            &[
                "person_id",
                "sex",
                "birth_date",
                "hukou_region",
                "residence_region",
                "first_found_date",
                "first_found_region",
                "primary_drug",
                "death_date",
                "departure_date",
            ],
        )?;
        // The optional small tables: none when the dataset has no such table.
        let optional = |table: Table, cols: &[&str]| -> Result<Option<DataFrame>, ModelError> {
            Ok(if src.has(table) {
                Some(src.columns(table, cols)?)
            } else {
                None
            })
        };
        const TRANSFER_COLUMNS: [&str; 5] = [
            "transfer_id",
            "person_id",
            "date",
            "from_region",
            "to_region",
        ];
        let trf = optional(Table::Transfers, &TRANSFER_COLUMNS)?;
        let off = optional(Table::Officers, &["region", "start_date", "end_date"])?;
        let inc = optional(Table::Incidents, &["date", "region", "kind"])?;
        let pop = optional(Table::Population, &["region", "year", "population"])?;

        let cutoff = src.cutoff();
        // Persons, column by column in step (no row vectors of the whole table).
        let e = pe(Table::Persons);
        let sc = |name: &str| p.column(name).and_then(|c| c.str());
        let dc = |name: &str| p.column(name).and_then(|c| c.date()).map(|c| c.physical());
        let (mut ids, mut sex, mut hukou, mut res, mut ffr, mut drug) = (
            sc("person_id").map_err(e)?.iter(),
            sc("sex").map_err(pe(Table::Persons))?.iter(),
            sc("hukou_region").map_err(pe(Table::Persons))?.iter(),
            sc("residence_region").map_err(pe(Table::Persons))?.iter(),
            sc("first_found_region").map_err(pe(Table::Persons))?.iter(),
            sc("primary_drug").map_err(pe(Table::Persons))?.iter(),
        );
        let (mut found, mut birth, mut death, mut dep) = (
            dc("first_found_date").map_err(pe(Table::Persons))?.iter(),
            dc("birth_date").map_err(pe(Table::Persons))?.iter(),
            dc("death_date").map_err(pe(Table::Persons))?.iter(),
            dc("departure_date").map_err(pe(Table::Persons))?.iter(),
        );
        let height = p.height();
        let mut persons = Vec::with_capacity(height);
        let mut person_ids: Vec<&str> = Vec::with_capacity(height);
        let mut attribution: Vec<bool> = Vec::new();
        for _ in 0..height {
            let (id, f) = (ids.next().flatten(), found.next().flatten());
            let (sex, hukou, res, ffr, drug) = (
                sex.next().flatten(),
                hukou.next().flatten(),
                res.next().flatten(),
                ffr.next().flatten(),
                drug.next().flatten(),
            );
            let (birth, death, dep) = (
                birth.next().flatten(),
                death.next().flatten(),
                dep.next().flatten(),
            );
            let (Some(id), Some(found)) = (id, f) else {
                continue;
            };
            person_ids.push(id);
            let residence = codes.intern(res.unwrap_or(""));
            let ffr_code = codes.intern(ffr.unwrap_or(""));
            mark(&mut attribution, residence);
            mark(&mut attribution, ffr_code);
            persons.push(Person {
                sex: enum_index(&schema::SEX, sex).unwrap_or(0),
                birth: birth.unwrap_or(found),
                hukou: codes.intern(hukou.unwrap_or("")),
                residence,
                first_found: found,
                first_found_region: ffr_code,
                drug: enum_index(&schema::DRUG, drug).unwrap_or(8),
                death,
                departure: dep,
                measures: Vec::new(),
                uses: Vec::new(),
                valid_tests: Vec::new(),
                transfers: Vec::new(),
                services: Vec::new(),
            });
        }
        let index = PersonIndex::new(person_ids);
        let person_of = |pid: Option<&str>| pid.and_then(|s| index.find(s, 0));

        // The tests (the largest table) are mapped on this thread as the reader thread
        // sends their blocks; measures, detections and services are read beside them
        // on another, in blocks sent here as compact records
        // (in table order, so the measures keep their order for equal sort keys).
        let refused_min = std::thread::scope(|scope| -> Result<Option<Days>, ModelError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Part>(2);
            let codes = &mut codes;
            let attribution = &mut attribution;
            let index = &index;
            let side = scope.spawn(move || -> Result<(), ModelError> {
                let send = |part: Part| tx.send(part).is_ok();
                if src.has(Table::Measures) {
                    let cols = [
                        "measure_id",
                        "person_id",
                        "measure_type",
                        "decision_date",
                        "report_date",
                        "end_date",
                        "end_reason",
                        "region",
                    ];
                    src.chunks(
                        Table::Measures,
                        &cols,
                        CHUNK,
                        |m| -> Result<(), ModelError> {
                            let e = pe(Table::Measures);
                            let mid = strs(&m, "measure_id").map_err(e)?;
                            let pid = strs(&m, "person_id").map_err(pe(Table::Measures))?;
                            let kind = strs(&m, "measure_type").map_err(pe(Table::Measures))?;
                            let dec = dates(&m, "decision_date").map_err(pe(Table::Measures))?;
                            let rep = dates(&m, "report_date").map_err(pe(Table::Measures))?;
                            let end = dates(&m, "end_date").map_err(pe(Table::Measures))?;
                            let why = strs(&m, "end_reason").map_err(pe(Table::Measures))?;
                            let reg = strs(&m, "region").map_err(pe(Table::Measures))?;
                            let mut out = Vec::with_capacity(mid.len());
                            let mut last = Cursor::new();
                            // The region of the row before, interned (and marked).
                            let mut last_region: Option<(&str, Code)> = None;
                            for i in 0..mid.len() {
                                let (Some(pi), Some(decision)) = (last.get(index, pid[i]), dec[i])
                                else {
                                    continue;
                                };
                                let end_c = end[i];
                                let r = reg[i].unwrap_or("");
                                let region = match last_region {
                                    Some((s, c)) if s == r => c,
                                    _ => {
                                        let c = codes.intern(r);
                                        mark(attribution, c);
                                        last_region = Some((r, c));
                                        c
                                    }
                                };
                                out.push((
                                    pi,
                                    Measure {
                                        id: RecordId::new(mid[i].unwrap_or("")),
                                        kind: enum_index(&schema::MEASURE_TYPE, kind[i])
                                            .unwrap_or(VOLUNTARY),
                                        decision,
                                        report: rep[i],
                                        end: end_c,
                                        reason: if end_c.is_some() {
                                            enum_index(&schema::END_REASON, why[i])
                                        } else {
                                            None
                                        },
                                        region,
                                    },
                                ));
                            }
                            send(Part::Measures(out));
                            Ok(())
                        },
                    )?;
                }
                if src.has(Table::Detections) {
                    let cols = ["person_id", "date"];
                    src.chunks(
                        Table::Detections,
                        &cols,
                        CHUNK,
                        |df| -> Result<(), ModelError> {
                            let pid = strs(&df, "person_id").map_err(pe(Table::Detections))?;
                            let d = dates(&df, "date").map_err(pe(Table::Detections))?;
                            let mut last = Cursor::new();
                            let out = (0..pid.len())
                                .filter_map(|i| Some((last.get(index, pid[i])?, d[i]?)))
                                .collect();
                            send(Part::Uses(out));
                            Ok(())
                        },
                    )?;
                }
                if src.has(Table::Services) {
                    let cols = ["person_id", "date", "service_type"];
                    src.chunks(
                        Table::Services,
                        &cols,
                        CHUNK,
                        |df| -> Result<(), ModelError> {
                            let pid = strs(&df, "person_id").map_err(pe(Table::Services))?;
                            let d = dates(&df, "date").map_err(pe(Table::Services))?;
                            let ty = strs(&df, "service_type").map_err(pe(Table::Services))?;
                            let mut last = Cursor::new();
                            let out = (0..pid.len())
                                .filter_map(|i| {
                                    Some((
                                        last.get(index, pid[i])?,
                                        d[i]?,
                                        enum_index(&schema::SERVICE_TYPE, ty[i])?,
                                    ))
                                })
                                .collect();
                            send(Part::Services(out));
                            Ok(())
                        },
                    )?;
                }
                Ok(())
            });
            let take = |persons: &mut Vec<Person>, part: Part| match part {
                Part::Measures(v) => {
                    for (pi, m) in v {
                        persons[pi as usize].measures.push(m);
                    }
                }
                Part::Uses(v) => {
                    for (pi, d) in v {
                        persons[pi as usize].uses.push(d);
                    }
                }
                Part::Services(v) => {
                    for (pi, d, t) in v {
                        persons[pi as usize].services.push((d, t));
                    }
                }
            };
            let mut refused_min: Option<Days> = None;
            if src.has(Table::Tests) {
                // Person ids are mapped in parallel slices of each block into compact
                // (person, date, kind) triples, distributed before the next block.
                for (pid, dts, res) in tests.iter() {
                    const SLICE: usize = 1 << 16;
                    let n = pid.len();
                    let offsets: Vec<usize> = (0..n).step_by(SLICE).collect();
                    // (person, date, 1 = positive / 0 = negative) and the earliest
                    // refused test.
                    type Tested = (Vec<(u32, Days, u8)>, Option<Days>);
                    let parts: Vec<Tested> = offsets
                        .par_iter()
                        .map(|&off| {
                            let len = SLICE.min(n - off);
                            let p = pid.slice(off as i64, len);
                            let d = dts.slice(off as i64, len);
                            let r = res.slice(off as i64, len);
                            let mut out = Vec::with_capacity(len);
                            let mut refused: Option<Days> = None;
                            let mut last = Cursor::new();
                            for ((p, d), r) in p.iter().zip(d.iter()).zip(r.iter()) {
                                let (Some(p), Some(d)) = (p, d) else {
                                    continue;
                                };
                                let Some(pi) = last.get(index, Some(p)) else {
                                    continue;
                                };
                                let kind = match r {
                                    Some("positive") => 1,
                                    Some("negative") => 0,
                                    _ => {
                                        refused = Some(refused.map_or(d, |m: Days| m.min(d)));
                                        continue;
                                    }
                                };
                                out.push((pi, d, kind));
                            }
                            (out, refused)
                        })
                        .collect();
                    drop((pid, dts, res));
                    for (part, refused) in parts {
                        if let Some(r) = refused {
                            refused_min = Some(refused_min.map_or(r, |m: Days| m.min(r)));
                        }
                        // The tests of one person follow each other: room for the
                        // whole run is made at once (one allocation of the right size
                        // rather than a vector doubled several times; `reserve` still
                        // grows geometrically when a person's tests are scattered).
                        for run in part.chunk_by(|a, b| a.0 == b.0) {
                            let person = &mut persons[run[0].0 as usize];
                            let positive = run.iter().filter(|t| t.2 == 1).count();
                            person.uses.reserve(positive);
                            person.valid_tests.reserve(run.len());
                            for &(_, d, kind) in run {
                                if kind == 1 {
                                    person.uses.push(d);
                                }
                                person.valid_tests.push(d);
                            }
                        }
                    }
                    for part in rx.try_iter() {
                        take(&mut persons, part);
                    }
                }
            }
            for part in rx.iter() {
                take(&mut persons, part);
            }
            side.join().expect("the model's reading thread")?;
            Ok(refused_min)
        })?;
        // Transfers after C (of persons at C): only their sending region and date.
        let late = src.late_transfers(&TRANSFER_COLUMNS)?;
        for df in trf.iter().chain(late.iter()) {
            let tid = strs(df, "transfer_id").map_err(pe(Table::Transfers))?;
            let pid = strs(df, "person_id").map_err(pe(Table::Transfers))?;
            let d = dates(df, "date").map_err(pe(Table::Transfers))?;
            let from = strs(df, "from_region").map_err(pe(Table::Transfers))?;
            let to = strs(df, "to_region").map_err(pe(Table::Transfers))?;
            for i in 0..tid.len() {
                let (Some(pi), Some(date)) = (person_of(pid[i]), d[i]) else {
                    continue;
                };
                // Transfers after C are kept: they still tell where a person was managed
                // before them (their from_region); flows count only dates ≤ C.
                let from_c = codes.intern(from[i].unwrap_or(""));
                let to_c = codes.intern(to[i].unwrap_or(""));
                mark(&mut attribution, from_c);
                if date <= cutoff {
                    // A receiving region after C attributes nothing up to C.
                    mark(&mut attribution, to_c);
                }
                persons[pi as usize].transfers.push(Transfer {
                    id: RecordId::new(tid[i].unwrap_or("")),
                    date,
                    from: from_c,
                    to: to_c,
                });
            }
        }
        let mut officers = Vec::new();
        if let Some(df) = &off {
            let reg = strs(df, "region").map_err(pe(Table::Officers))?;
            let s = dates(df, "start_date").map_err(pe(Table::Officers))?;
            let e = dates(df, "end_date").map_err(pe(Table::Officers))?;
            for i in 0..reg.len() {
                let Some(start) = s[i] else { continue };
                let region = codes.intern(reg[i].unwrap_or(""));
                mark(&mut attribution, region);
                officers.push(Officer {
                    region,
                    start,
                    end: e[i],
                });
            }
        }
        let mut incidents = Vec::new();
        if let Some(df) = &inc {
            let e = pe(Table::Incidents);
            let d = dates(df, "date").map_err(e)?;
            let reg = strs(df, "region").map_err(pe(Table::Incidents))?;
            let kind = strs(df, "kind").map_err(pe(Table::Incidents))?;
            for i in 0..d.len() {
                let (Some(date), Some(k)) = (d[i], enum_index(&schema::INCIDENT_KIND, kind[i]))
                else {
                    continue;
                };
                let region = codes.intern(reg[i].unwrap_or(""));
                mark(&mut attribution, region);
                incidents.push(Incident {
                    date,
                    region,
                    kind: k,
                });
            }
            incidents.sort_unstable_by_key(|x| (x.date, x.region, x.kind));
        }
        let mut population = BTreeMap::new();
        if let Some(df) = &pop {
            let e = pe(Table::Population);
            let reg = strs(df, "region").map_err(e)?;
            let ints = |name: &str| -> PolarsResult<Vec<Option<i64>>> {
                Ok(df.column(name)?.i64()?.iter().collect())
            };
            let year = ints("year").map_err(pe(Table::Population))?;
            let n = ints("population").map_err(pe(Table::Population))?;
            for i in 0..reg.len() {
                if let (Some(r), Some(y), Some(n)) = (reg[i], year[i], n[i])
                    && let (Ok(y), Ok(n)) = (i32::try_from(y), u64::try_from(n))
                {
                    population.insert((r.to_string(), y), n);
                }
            }
        }
        drop(index);
        let earliest = sort_records(&mut persons, cutoff);
        let first = match (refused_min, earliest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let first_date = first;
        let first_year = first.map(|d| {
            use chrono::Datelike;
            crate::dates::from_days(d).year()
        });
        Ok(Model {
            cutoff,
            first_year,
            first_date,
            persons,
            officers,
            incidents,
            population,
            codes,
            attribution_codes: attribution
                .iter()
                .enumerate()
                .filter(|(_, b)| **b)
                .map(|(i, _)| i as Code)
                .collect(),
            regions: src.regions.clone(),
            present,
        })
    }
}

/// Sorts each person's records (in parallel) and trims their vectors to size; returns
/// the earliest dated record that survives the snapshot (the first period), found
/// while each person is in the cache.
fn sort_records(persons: &mut [Person], cutoff: Days) -> Option<Days> {
    persons
        .par_iter_mut()
        .map(|p| {
            p.measures
                .sort_by(|a, b| (a.decision, a.id.as_bytes()).cmp(&(b.decision, b.id.as_bytes())));
            p.uses.sort_unstable();
            p.valid_tests.sort_unstable();
            p.transfers
                .sort_by(|a, b| (a.date, a.id.as_bytes()).cmp(&(b.date, b.id.as_bytes())));
            p.services.sort_unstable();
            // Exact sizes: the growth margin of millions of small vectors is memory
            // the whole run would hold.
            p.measures.shrink_to_fit();
            p.uses.shrink_to_fit();
            p.valid_tests.shrink_to_fit();
            p.transfers.shrink_to_fit();
            p.services.shrink_to_fit();
            let mut first = p.first_found;
            let firsts = [
                p.uses.first().copied(),
                p.valid_tests.first().copied(),
                p.services.first().map(|s| s.0),
            ];
            for d in firsts.into_iter().flatten() {
                first = first.min(d);
            }
            for t in p.transfers.iter().filter(|t| t.date <= cutoff) {
                first = first.min(t.date);
            }
            for m in &p.measures {
                first = first.min(m.decision);
            }
            first
        })
        .min()
}

#[cfg(test)]
mod tests {
    use crate::metrics::model::reason;
    use crate::metrics::testdata::{d, model};

    #[test]
    fn derived_cutoff_keeps_everything() {
        let m = model(None);
        // C is the latest cutoff date: the transfer of 2022-06-01.
        assert_eq!(Some(m.cutoff), d("2022-06-01"));
        assert_eq!(m.first_year, Some(2020));
        assert_eq!(m.persons.len(), 2);
        let a = &m.persons[0];
        assert_eq!(a.measures.len(), 2);
        assert_eq!(a.measures[0].end, d("2022-03-01"));
        assert_eq!(a.measures[0].reason, Some(reason::COMPLETED));
        assert_eq!(a.death, d("2022-05-01"));
        assert!(
            m.attribution_codes
                .contains(&m.codes.lookup("640205").unwrap())
        );
    }

    #[test]
    fn explicit_cutoff_reads_the_snapshot() {
        let m = model(d("2021-12-31"));
        assert_eq!(Some(m.cutoff), d("2021-12-31"));
        // b is first found after C.
        assert_eq!(m.persons.len(), 1);
        let a = &m.persons[0];
        // m2 is decided after C; m1 ends after C, so it is in force with no reason.
        assert_eq!(a.measures.len(), 1);
        assert_eq!((a.measures[0].end, a.measures[0].reason), (None, None));
        assert_eq!(a.measures[0].report, d("2020-02-10"));
        // The death after C is empty.
        assert_eq!(a.death, None);
        // The transfer after C stays, for its sending region only: 640104 attributes,
        // 640205 (where a went after C) does not.
        assert_eq!(a.transfers.len(), 1);
        assert!(
            m.attribution_codes
                .contains(&m.codes.lookup("640104").unwrap())
        );
        assert!(
            m.codes
                .lookup("640205")
                .is_none_or(|c| !m.attribution_codes.contains(&c))
        );
    }
}
