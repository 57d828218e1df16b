//! Report templates (tracker issue 16): `templates init` copies render the same PDF as
//! `jindu report`; a template written from docs/templates.md (with a logo and office
//! settings) prints the numbers of `jindu metrics`, `<10` for a hidden count; charts
//! and rows on request; errors name the template file, line and column and list what
//! exists; `--raw` says so on every page; everything a template can reach passes the
//! disclosure audit for the sample bulletin and all 22 county briefs.

use std::collections::HashMap;
use std::path::Path;
use std::process::Output;

use crate::common;
use crate::report_render::{SAMPLE, sample_model};

use jindu::chart::thousands;
use jindu::publish::{Rule, audit_template_rows};
use jindu::regions::Level;
use jindu::report::bulletin::Context;

const OFFICE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/office-template/office-bulletin.typ"
);

fn report(args: &[&str]) -> Output {
    let mut c = common::jindu();
    c.arg("report").arg(SAMPLE).args(args);
    c.output().expect("run jindu report")
}

fn render(out: &Path, args: &[&str]) -> Vec<u8> {
    let mut all = vec!["--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = report(&all);
    assert!(
        o.status.success(),
        "jindu report failed: {}",
        common::stderr(&o)
    );
    std::fs::read(out).expect("read pdf")
}

fn squeeze(pdf: &[u8]) -> String {
    common::pdf_text(pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn a_copy_from_templates_init_renders_the_same_bytes_and_its_edits_show() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t");
    let o = common::run(&["templates", "init", t.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    for f in [
        "annual-bulletin.typ",
        "county-brief.typ",
        "lib.typ",
        "jindu.typ",
        "settings.txt",
    ] {
        assert!(t.join(f).is_file(), "templates init wrote no {f}");
    }
    // A second init refuses to overwrite.
    let again = common::run(&["templates", "init", t.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(common::stderr(&again).contains("--force"));

    let shipped = render(&dir.path().join("a.pdf"), &[]);
    let main = t.join("annual-bulletin.typ");
    let copy = render(
        &dir.path().join("b.pdf"),
        &["--template", main.to_str().unwrap()],
    );
    assert!(
        shipped == copy,
        "the copy of the shipped template renders other bytes"
    );

    // An office edits a heading of its copy.
    let text = std::fs::read_to_string(&main).unwrap();
    let edited = text.replace("#let contents = ", "#let contents = \"本办自编目录\" // ");
    assert_ne!(
        edited, text,
        "the shipped template has no `#let contents = ` line"
    );
    std::fs::write(&main, edited).unwrap();
    let pdf = render(
        &dir.path().join("c.pdf"),
        &["--template", main.to_str().unwrap()],
    );
    assert!(squeeze(&pdf).contains("本办自编目录"));
}

/// Rows of `jindu metrics SAMPLE --format csv` (not published) by (metric, year, region)
/// for total rows.
fn metrics(level: &str) -> HashMap<(String, String, String), Vec<String>> {
    let o = common::run(&[
        "metrics", SAMPLE, "--format", "csv", "--level", level, "--from", "2024",
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    common::stdout(&o)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|r| r[6].is_empty())
        .map(|r| ((r[0].clone(), r[1].clone(), r[3].clone()), r))
        .collect()
}

#[test]
fn a_template_written_from_the_docs_prints_the_numbers_of_jindu_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render(
        &dir.path().join("office.pdf"),
        &["--template", OFFICE, "--set", "contact=热线12345"],
    );
    let text = squeeze(&pdf);
    // Office settings: the file next to the template, `--set` over it.
    assert!(text.contains("宁夏回族自治区禁毒委员会办公室"), "issuer");
    assert!(text.contains("宁禁毒办〔2026〕3号"), "document number");
    assert!(text.contains("热线12345") && !text.contains("0951-0000000"));
    // The logo is an image of the PDF.
    assert!(
        pdf.windows(b"/Subtype /Image".len())
            .any(|w| w == b"/Subtype /Image")
            || pdf
                .windows(b"/Subtype/Image".len())
                .any(|w| w == b"/Subtype/Image")
    );

    let city = metrics("city");
    let county = metrics("county");
    let show = |m: &HashMap<(String, String, String), Vec<String>>, metric: &str, code: &str| {
        let r = &m[&(metric.to_string(), "2025".to_string(), code.to_string())];
        (
            r[8].parse::<u64>().ok(),
            r[9].parse::<u64>().ok(),
            r[10].parse::<f64>().ok(),
        )
    };
    let mut shown = 0;
    let mut lines = 0;
    for line in text.split("CHECK|").skip(1) {
        let cells: Vec<&str> = line.split('|').collect();
        let (code, new, existing, execution) = (cells[0], cells[1], cells[2], cells[3]);
        lines += 1;
        for (metric, printed) in [("new_users", new), ("existing", existing)] {
            let (n, _, _) = show(&city, metric, code);
            let n = n.expect("a count");
            if printed == "<10" {
                // Hidden: too small, or the partner of a small one in the table.
                continue;
            }
            assert!(
                !(1..10).contains(&n),
                "{metric} {code}: {n} printed as {printed}"
            );
            assert_eq!(printed, thousands(n), "{metric} {code}");
            shown += 1;
        }
        let (_, _, v) = show(&city, "execution_rate", code);
        if execution != "—" {
            assert_eq!(execution, format!("{:.1}%", v.unwrap() * 100.0), "{code}");
        }
    }
    assert_eq!(lines, 5, "the five cities of the sample");
    assert!(shown >= 5, "most city figures are shown");
    // A template asking for a hidden count gets "<10", never the number.
    let mut small = 0;
    for line in text.split("TOWN|").skip(1) {
        let cells: Vec<&str> = line.split('|').collect();
        let (n, _, _) = show(&county, "new_users", cells[0]);
        if (1..10).contains(&n.unwrap()) {
            assert_eq!(cells[1], "<10", "{}", cells[0]);
            small += 1;
        }
    }
    assert!(small > 0, "the fixture asks for at least one small count");
}

#[test]
fn raw_figures_say_so_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render(
        &dir.path().join("raw.pdf"),
        &["--template", OFFICE, "--raw"],
    );
    // pdftotext ends every page with a form feed.
    let text = common::pdf_text(&pdf);
    let pages: Vec<String> = text
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|p| !p.is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p.matches("未经发布控制").count(), 1, "page {}: {p}", i + 1);
    }
    // Raw: small counts are printed as they are.
    assert!(!squeeze(&pdf).contains("|<10|"));
}

#[test]
fn template_errors_name_the_file_line_and_column_and_list_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("mine.typ");
    std::fs::write(
        &t,
        "#import \"jindu.typ\": *\nHello\n#image(jchart-path(\"trend\", metric: \"new_user\"))\n",
    )
    .unwrap();
    let o = report(&[
        "--out",
        dir.path().join("x.pdf").to_str().unwrap(),
        "--template",
        t.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = common::stderr(&o);
    assert!(err.contains(&format!("{}:3:", t.display())), "{err}");
    assert!(
        err.contains("unknown metric \"new_user\"") && err.contains("new_users"),
        "{err}"
    );

    std::fs::write(&t, "#image(\"/charts/pie/metric=new_users.svg\")\n").unwrap();
    let o = report(&[
        "--out",
        dir.path().join("x.pdf").to_str().unwrap(),
        "--template",
        t.to_str().unwrap(),
    ]);
    let err = common::stderr(&o);
    assert!(
        err.contains("unknown chart kind \"pie\"") && err.contains("trend, bars"),
        "{err}"
    );

    // A file outside the template's folder cannot be read.
    let sub = dir.path().join("tpl");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    let t = sub.join("mine.typ");
    std::fs::write(&t, "#read(\"../secret.txt\")\n").unwrap();
    let o = report(&[
        "--out",
        dir.path().join("x.pdf").to_str().unwrap(),
        "--template",
        t.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
    assert!(!dir.path().join("x.pdf").exists());
}

/// Every row a template can reach, for the province bulletin and for the county briefs,
/// passes the audit; rows that would leak a count do not.
#[test]
fn everything_a_template_can_reach_passes_the_disclosure_audit() {
    let model = sample_model();
    let rule = Rule::default();
    // The levels `jindu report` computes for a province bulletin and for county briefs.
    let all = |doc: Level| -> Vec<(Level, i32, i32)> {
        Level::ALL
            .iter()
            .map(|&l| (l, if l <= doc { 2015 } else { 2024 }, 2025))
            .collect()
    };
    for doc in [Level::Province, Level::County] {
        let cx = Context::new(&model, rule, serde_json::Value::Null, &all(doc));
        assert_eq!(audit_template_rows(cx.template_rows(), rule), Ok(()));
        // The same rows before disclosure control are refused, naming a cell.
        let raw = cx.into_raw();
        let bad = audit_template_rows(raw.template_rows(), rule).unwrap_err();
        assert!(bad[0].to_string().starts_with("disclosure audit: "));
    }
}
