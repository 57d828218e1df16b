//! The data-quality report of an import: per table and file, the encoding, delimiter,
//! row accounting, unknown columns and region codes, and the most frequent error codes
//! with an example line each. Serialised into the manifest and rendered as text for
//! `jindu check` and `jindu import`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::dates::{Days, iso};
use crate::schema::Table;

#[derive(Debug, Clone, Serialize)]
pub struct CodeStat {
    pub count: u64,
    pub example_line: u64,
    pub example_message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    #[serde(skip)]
    pub path: String,
    pub table: &'static str,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub rows_read: u64,
    pub accepted: u64,
    pub merged: u64,
    pub quarantined: u64,
    pub unknown_columns: Vec<String>,
    pub id_contradictions: u64,
    /// Accepted ID numbers ending in `000`: each passes the check, but a file with many
    /// of them was probably cut to 15 significant digits by a spreadsheet (about 1 in 11
    /// cut numbers happens to keep a valid check character; a real ID ends in `000`
    /// about once in 1,100: `00` as the last two sequence digits, then check `0`).
    pub id_suspect_cut: u64,
    pub codes: BTreeMap<String, CodeStat>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileReport {
    /// Whether the ID numbers ending in `000` are more than three times as frequent as
    /// among real ID numbers (1 in 1,100).
    pub fn suspect_cut_is_unusual(&self) -> bool {
        self.id_suspect_cut > 0 && self.id_suspect_cut * 1100 > 3 * self.accepted
    }

    pub fn new(table: Table, path: &Path) -> Self {
        FileReport {
            file: super::display_name(path),
            path: path.display().to_string(),
            table: table.name(),
            sha256: None,
            size: None,
            encoding: None,
            delimiter: None,
            sheet: None,
            rows_read: 0,
            accepted: 0,
            merged: 0,
            quarantined: 0,
            unknown_columns: Vec::new(),
            id_contradictions: 0,
            id_suspect_cut: 0,
            codes: BTreeMap::new(),
            warnings: Vec::new(),
            error: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub table: &'static str,
    pub rows_read: u64,
    pub accepted: u64,
    pub merged: u64,
    pub quarantined: u64,
    /// Distinct ids accepted (equals `accepted`: duplicates are merged or refused).
    pub accepted_ids: u64,
    /// Region codes found in accepted rows that the region table does not know, with
    /// their row counts. They are kept and attributed by prefix.
    pub unknown_regions: BTreeMap<String, u64>,
    pub files: Vec<FileReport>,
}

impl TableReport {
    pub fn new(table: Table) -> Self {
        TableReport {
            table: table.name(),
            rows_read: 0,
            accepted: 0,
            merged: 0,
            quarantined: 0,
            accepted_ids: 0,
            unknown_regions: BTreeMap::new(),
            files: Vec::new(),
        }
    }

    pub fn add(&mut self, f: FileReport) {
        self.rows_read += f.rows_read;
        self.accepted += f.accepted;
        self.merged += f.merged;
        self.quarantined += f.quarantined;
        self.files.push(f);
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub tables: Vec<TableReport>,
    pub ignored: Vec<String>,
    pub errors: Vec<String>,
    /// The data cutoff `C`: `--as-of`, or else the latest record date.
    #[serde(serialize_with = "ser_date")]
    pub cutoff: Option<Days>,
    #[serde(serialize_with = "ser_date")]
    pub derived_cutoff: Option<Days>,
    #[serde(serialize_with = "ser_date")]
    pub as_of: Option<Days>,
    pub key_id: String,
    pub ephemeral_key: bool,
}

fn ser_date<S: serde::Serializer>(d: &Option<Days>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&iso(*d)),
        None => s.serialize_none(),
    }
}

impl ImportReport {
    /// Whether the import as a whole fails (exit code 1, no dataset written).
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn table(&self, t: Table) -> Option<&TableReport> {
        self.tables.iter().find(|r| r.table == t.name())
    }

    /// The human-readable report (no personal data: codes, counts, line numbers).
    pub fn render_text(&self, top_codes: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "数据质量报告 / data-quality report");
        for t in &self.tables {
            let _ = writeln!(
                s,
                "\n{:<11} read {:>9}  accepted {:>9}  merged {:>6}  quarantined {:>6}",
                t.table, t.rows_read, t.accepted, t.merged, t.quarantined
            );
            for f in &t.files {
                let fmt = match (&f.encoding, &f.delimiter, &f.sheet) {
                    (Some(e), Some(d), _) => format!("{e}, delimiter '{d}'"),
                    (Some(_), None, Some(sheet)) => format!("XLSX sheet '{sheet}'"),
                    (Some(e), None, None) => e.clone(),
                    _ => "unread".to_string(),
                };
                let _ = writeln!(
                    s,
                    "  {} ({fmt}): read {}, accepted {}, merged {}, quarantined {}",
                    f.path, f.rows_read, f.accepted, f.merged, f.quarantined
                );
                if !f.unknown_columns.is_empty() {
                    let _ = writeln!(
                        s,
                        "    unknown columns (not imported): {}",
                        f.unknown_columns.join(", ")
                    );
                }
                if f.id_contradictions > 0 {
                    let _ = writeln!(
                        s,
                        "    warning: {} rows have sex or birth date contradicting the ID number (explicit column kept)",
                        f.id_contradictions
                    );
                }
                if f.suspect_cut_is_unusual() {
                    let _ = writeln!(
                        s,
                        "    warning: {} of {} accepted ID numbers end in 000 (real ones do about once in 1,100): a spreadsheet has probably cut the column to 15 digits and these happen to keep a valid check character. Format the ID column as text before exporting",
                        f.id_suspect_cut, f.accepted
                    );
                }
                let mut codes: Vec<(&String, &CodeStat)> = f.codes.iter().collect();
                codes.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
                for (code, stat) in codes.iter().take(top_codes) {
                    let _ = writeln!(
                        s,
                        "    {code:<24} {:>7}  e.g. line {}: {}",
                        stat.count, stat.example_line, stat.example_message
                    );
                }
                if codes.len() > top_codes {
                    let _ = writeln!(s, "    … {} more error codes", codes.len() - top_codes);
                }
                for w in &f.warnings {
                    let _ = writeln!(s, "    warning: {w}");
                }
                if let Some(e) = &f.error {
                    let _ = writeln!(s, "    ERROR: {e}");
                }
            }
            if !t.unknown_regions.is_empty() {
                let list: Vec<String> = t
                    .unknown_regions
                    .iter()
                    .take(10)
                    .map(|(c, n)| format!("{c} ({n})"))
                    .collect();
                let more = t.unknown_regions.len().saturating_sub(10);
                let _ = writeln!(
                    s,
                    "  warning: {} region codes unknown to the region table (kept, attributed by prefix): {}{}",
                    t.unknown_regions.len(),
                    list.join(", "),
                    if more > 0 {
                        format!(", … {more} more")
                    } else {
                        String::new()
                    }
                );
            }
        }
        if !self.ignored.is_empty() {
            let _ = writeln!(
                s,
                "\nignored files (no table name): {}",
                self.ignored.join(", ")
            );
        }
        let _ = writeln!(
            s,
            "\ndata cutoff C: {}{}",
            self.cutoff.map(iso).unwrap_or_else(|| "none".into()),
            if self.as_of.is_some() {
                " (--as-of)"
            } else {
                " (latest record date)"
            }
        );
        if self.failed() {
            let _ = writeln!(s, "\nRESULT: FAILED ({} problems)", self.errors.len());
            for e in &self.errors {
                let _ = writeln!(s, "  - {e}");
            }
        } else {
            let _ = writeln!(s, "\nRESULT: OK");
        }
        s
    }
}
