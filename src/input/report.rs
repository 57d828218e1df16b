//! The data-quality report of an import: per table and file, the encoding, delimiter,
//! row accounting, unknown columns and region codes, and the most frequent error codes
//! with an example line each. Serialised into the manifest and rendered as text for
//! `jindu check` and `jindu import`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::dates::{Days, iso};
use crate::i18n::{Lang, Msg, Text};
use crate::schema::Table;

#[derive(Debug, Clone, Serialize)]
pub struct CodeStat {
    pub count: u64,
    pub example_line: u64,
    pub example_message: Text,
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
    pub warnings: Vec<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Text>,
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
    pub errors: Vec<Text>,
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

    /// The human-readable report in `lang` (no personal data: codes, counts, line
    /// numbers).
    pub fn render_text(&self, top_codes: usize, lang: Lang) -> String {
        let mut s = String::new();
        let t = |m: Msg, p: &crate::i18n::Params<'_>| m.render(lang, p);
        let _ = writeln!(s, "{}", t(Msg::ReportTitle, &[]));
        for tr in &self.tables {
            let _ = writeln!(
                s,
                "\n{}",
                t(
                    Msg::ReportTable,
                    &[
                        ("table", &format!("{:<11}", tr.table)),
                        ("read", &format!("{:>9}", tr.rows_read)),
                        ("accepted", &format!("{:>9}", tr.accepted)),
                        ("merged", &format!("{:>6}", tr.merged)),
                        ("quarantined", &format!("{:>6}", tr.quarantined)),
                    ]
                )
            );
            for f in &tr.files {
                let fmt = match (&f.encoding, &f.delimiter, &f.sheet) {
                    (Some(e), Some(d), _) => {
                        t(Msg::ReportFormatCsv, &[("encoding", e), ("delimiter", d)])
                    }
                    (Some(_), None, Some(sheet)) => t(Msg::ReportFormatSheet, &[("sheet", sheet)]),
                    (Some(e), None, None) => e.clone(),
                    _ => t(Msg::ReportFormatUnread, &[]),
                };
                let _ = writeln!(
                    s,
                    "{}",
                    t(
                        Msg::ReportFile,
                        &[
                            ("path", &f.path),
                            ("format", &fmt),
                            ("read", &f.rows_read),
                            ("accepted", &f.accepted),
                            ("merged", &f.merged),
                            ("quarantined", &f.quarantined),
                        ]
                    )
                );
                if !f.unknown_columns.is_empty() {
                    let columns = f.unknown_columns.join(", ");
                    let _ = writeln!(
                        s,
                        "{}",
                        t(Msg::ReportUnknownColumns, &[("columns", &columns)])
                    );
                }
                if f.id_contradictions > 0 {
                    let _ = writeln!(
                        s,
                        "{}",
                        t(
                            Msg::ReportIdContradictions,
                            &[("count", &f.id_contradictions)]
                        )
                    );
                }
                if f.suspect_cut_is_unusual() {
                    let _ = writeln!(
                        s,
                        "{}",
                        t(
                            Msg::ReportIdSuspectCut,
                            &[("count", &f.id_suspect_cut), ("accepted", &f.accepted)]
                        )
                    );
                }
                let mut codes: Vec<(&String, &CodeStat)> = f.codes.iter().collect();
                codes.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
                for (code, stat) in codes.iter().take(top_codes) {
                    let _ = writeln!(
                        s,
                        "{}",
                        t(
                            Msg::ReportCodeLine,
                            &[
                                ("code", &format!("{code:<24}")),
                                ("count", &format!("{:>7}", stat.count)),
                                ("line", &stat.example_line),
                                ("message", &stat.example_message.get(lang)),
                            ]
                        )
                    );
                }
                if codes.len() > top_codes {
                    let more = codes.len() - top_codes;
                    let _ = writeln!(s, "{}", t(Msg::ReportMoreCodes, &[("count", &more)]));
                }
                for w in &f.warnings {
                    let _ = writeln!(
                        s,
                        "{}",
                        t(Msg::ReportFileWarning, &[("warning", &w.get(lang))])
                    );
                }
                if let Some(e) = &f.error {
                    let _ = writeln!(s, "{}", t(Msg::ReportFileError, &[("error", &e.get(lang))]));
                }
            }
            if !tr.unknown_regions.is_empty() {
                let list: Vec<String> = tr
                    .unknown_regions
                    .iter()
                    .take(10)
                    .map(|(c, n)| format!("{c} ({n})"))
                    .collect();
                let more = tr.unknown_regions.len().saturating_sub(10);
                let more = if more > 0 {
                    t(Msg::ReportMoreRegions, &[("count", &more)])
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "{}",
                    t(
                        Msg::ReportUnknownRegions,
                        &[
                            ("count", &tr.unknown_regions.len()),
                            ("list", &list.join(", ")),
                            ("more", &more),
                        ]
                    )
                );
            }
        }
        if !self.ignored.is_empty() {
            let files = self.ignored.join(", ");
            let _ = writeln!(s, "\n{}", t(Msg::ReportIgnored, &[("files", &files)]));
        }
        let date = self
            .cutoff
            .map(iso)
            .unwrap_or_else(|| t(Msg::ReportCutoffNone, &[]));
        let cutoff = if self.as_of.is_some() {
            Msg::ReportCutoffAsOf
        } else {
            Msg::ReportCutoffLatest
        };
        let _ = writeln!(s, "\n{}", t(cutoff, &[("date", &date)]));
        if self.failed() {
            let _ = writeln!(
                s,
                "\n{}",
                t(Msg::ReportFailed, &[("count", &self.errors.len())])
            );
            for e in &self.errors {
                let _ = writeln!(s, "  - {}", e.get(lang));
            }
        } else {
            let _ = writeln!(s, "\n{}", t(Msg::ReportOk, &[]));
        }
        s
    }
}
