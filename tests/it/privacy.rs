//! Canaries: an export whose persons table carries a made-up ID number and name (in an
//! accepted row, in a row quarantined for a bad date, and in a row with the wrong
//! delimiter) is run through `metrics`, `query`, `cohort` and `report` directly (each
//! imports it in memory); the canary appears in none of their outputs, in any format,
//! nor in anything they print. `check` and `import` are covered by
//! `import_dataset::raw_ids_and_names_never_leave_the_import`.

use polars::prelude::SerReader;

use crate::common::*;

struct Canary {
    export: Export,
    id: String,
    name: &'static str,
}

/// The basic export with an accepted canary row; with `bad`, also the two broken rows
/// (too many for the default reject rate: every command then fails validation).
fn canary(bad: bool) -> Canary {
    let id = id_number("64032419770707077");
    let name = "金丝雀测试姓名";
    let export = Export::basic();
    export.append(
        "persons.csv",
        &format!("P100,{id},{name},男,1977-07-07,640324100,640324100,2020-01-01,640324100,海洛因,"),
    );
    if bad {
        export.append(
            "persons.csv",
            &format!("P101,,{name},男,{id},640324100,640324100,2020-01-01,640324100,海洛因,"),
        );
        export.append("persons.csv", &format!("P102;{id};{name}"));
    }
    Canary { export, id, name }
}

impl Canary {
    fn assert_absent(&self, what: &str, text: &str) {
        assert!(!text.contains(&self.id[..17]), "{what} leaks the ID number");
        assert!(!text.contains(self.name), "{what} leaks the name");
        assert!(!text.contains("金丝雀"), "{what} leaks part of the name");
    }

    /// Runs jindu; checks stdout and stderr; returns stdout.
    fn run(&self, what: &str, args: &[&str]) -> String {
        let o = run(args);
        self.assert_absent(&format!("{what} stderr"), &stderr(&o));
        self.assert_absent(&format!("{what} stdout"), &stdout(&o));
        stdout(&o)
    }
}

/// Every string in a workbook's cells.
fn xlsx_text(path: &std::path::Path) -> String {
    use calamine::{Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        let ws = wb.worksheet_range(&name).unwrap();
        for row in ws.rows() {
            for c in row {
                out.push_str(&c.to_string());
                out.push('\t');
            }
        }
    }
    out
}

#[test]
fn canaries_never_reach_metrics_query_cohort_or_report() {
    let c = canary(false);
    let export = c.export.path().to_str().unwrap().to_string();
    let work = tempfile::tempdir().unwrap();
    let file = |n: &str| work.path().join(n).to_str().unwrap().to_string();
    let ok = |out: &str| assert!(!out.is_empty());

    for fmt in ["table", "csv", "json"] {
        ok(&c.run(
            "metrics",
            &["metrics", &export, "--format", fmt, "--level", "township"],
        ));
        ok(&c.run(
            "query",
            &["query", &export, "SELECT * FROM persons", "--format", fmt],
        ));
        ok(&c.run(
            "query view",
            &[
                "query",
                &export,
                "SELECT * FROM person_status",
                "--format",
                fmt,
            ],
        ));
        ok(&c.run(
            "cohort",
            &[
                "cohort",
                &export,
                "--entered",
                "2019",
                "--by",
                "sex",
                "--format",
                fmt,
            ],
        ));
    }
    for q in ["relapse_list", "lost_contact", "unreported_measures"] {
        c.run("saved query", &["query", &export, q, "--format", "csv"]);
    }
    // A failing query: the message names tables and columns only.
    c.run(
        "query error",
        &["query", &export, "SELECT id_number, name FROM persons"],
    );

    c.run(
        "metrics xlsx",
        &[
            "metrics",
            &export,
            "--format",
            "xlsx",
            "--out",
            &file("m.xlsx"),
        ],
    );
    c.assert_absent("metrics workbook", &xlsx_text(&work.path().join("m.xlsx")));
    c.run(
        "query xlsx",
        &[
            "query",
            &export,
            "SELECT * FROM persons",
            "--format",
            "xlsx",
            "--out",
            &file("q.xlsx"),
        ],
    );
    c.assert_absent("query workbook", &xlsx_text(&work.path().join("q.xlsx")));
    for (fmt, f) in [("parquet", "q.parquet"), ("arrow", "q.arrow")] {
        c.run(
            "query binary",
            &[
                "query",
                &export,
                "SELECT * FROM persons",
                "--format",
                fmt,
                "--out",
                &file(f),
            ],
        );
        let df = match fmt {
            "parquet" => polars::prelude::ParquetReader::new(
                std::fs::File::open(work.path().join(f)).unwrap(),
            )
            .finish(),
            _ => polars::prelude::IpcReader::new(std::fs::File::open(work.path().join(f)).unwrap())
                .finish(),
        }
        .unwrap();
        c.assert_absent(
            fmt,
            &String::from_utf8(jindu::output::to_csv(&df).unwrap()).unwrap(),
        );
    }
    c.run(
        "cohort chart",
        &[
            "cohort",
            &export,
            "--entered",
            "2019",
            "--chart",
            &file("km.svg"),
        ],
    );
    c.assert_absent(
        "chart",
        &std::fs::read_to_string(work.path().join("km.svg")).unwrap(),
    );

    c.run(
        "report",
        &["report", &export, "--year", "2023", "--out", &file("b.pdf")],
    );
    let pdf = std::fs::read(work.path().join("b.pdf")).unwrap();
    c.assert_absent("bulletin text", &pdf_text(&pdf));
    c.assert_absent("bulletin bytes", &String::from_utf8_lossy(&pdf));
    c.run(
        "briefs",
        &[
            "report",
            &export,
            "--year",
            "2023",
            "--each",
            "county",
            "--out",
            &file("briefs"),
        ],
    );
    for e in std::fs::read_dir(work.path().join("briefs")).unwrap() {
        let pdf = std::fs::read(e.unwrap().path()).unwrap();
        c.assert_absent("county brief", &pdf_text(&pdf));
    }
}

/// On an export that fails validation, every command's messages name files, lines and
/// error codes only.
#[test]
fn canaries_never_reach_validation_messages() {
    let c = canary(true);
    let export = c.export.path().to_str().unwrap().to_string();
    for args in [
        vec!["metrics", &export],
        vec!["query", &export, "SELECT count(*) FROM persons"],
        vec!["cohort", &export, "--entered", "2019"],
        vec![
            "report",
            &export,
            "--year",
            "2023",
            "--out",
            "/nonexistent/b.pdf",
        ],
        vec!["check", &export],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("persons.csv") || stdout(&o).contains("persons.csv"));
        c.assert_absent(&format!("{} stderr", args[0]), &stderr(&o));
        c.assert_absent(&format!("{} stdout", args[0]), &stdout(&o));
    }
}
