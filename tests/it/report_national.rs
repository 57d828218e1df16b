//! The disclosure audit at national scale (issue 12): a national geography (31
//! provinces) with few persons outside Ningxia, so that most cells of the other
//! provinces are counts from 1 to 9. Every bulletin and `metrics --publish` must pass
//! the audit that runs before anything is written (exit 0), and show hidden cells.

use std::path::Path;

use crate::common::{jindu, stderr};

/// Province codes of the sample's region table other than Ningxia's.
fn other_provinces(export: &Path) -> Vec<String> {
    let table = std::fs::read_to_string(export.join("行政区划.csv")).unwrap();
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f.len() > 2 && f[2] == "省" && f[0] != "640000").then(|| f[0].to_string())
        })
        .collect()
}

#[test]
fn national_bulletins_and_published_metrics_pass_the_disclosure_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    let data = tmp.path().join("data");
    let o = jindu()
        .args([
            "sample",
            "--scale",
            "national:20000",
            "--seed",
            "12",
            "--out",
        ])
        .arg(&export)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let provinces = other_provinces(&export);
    assert!(provinces.len() >= 30, "national geography: {provinces:?}");
    let o = jindu()
        .arg("import")
        .arg(&export)
        .arg("--out")
        .arg(&data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    // Bulletins of Ningxia (calibrated), and of the first and last other province
    // (a few hundred persons each: mostly small cells).
    for region in ["640000", &provinces[0], provinces.last().unwrap()] {
        let pdf = tmp.path().join(format!("{region}.pdf"));
        let o = jindu()
            .arg("report")
            .arg(&data)
            .args(["--region", region, "--out"])
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "bulletin of {region} refused or failed: {}",
            stderr(&o)
        );
        let text = crate::common::pdf_text(&std::fs::read(&pdf).unwrap());
        assert!(text.contains("<10"), "{region}: no hidden cell at all?");
    }

    // Published metrics at every level of the whole country: the audit walks every
    // row before writing.
    for level in ["province", "county"] {
        let o = jindu()
            .arg("metrics")
            .arg(&data)
            .args(["--level", level, "--format", "csv", "--publish"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{level}: {}", stderr(&o));
        let csv = String::from_utf8(o.stdout).unwrap();
        assert!(csv.lines().count() > 1000, "{level}: rows for the country");
        assert!(csv.contains(",suppressed"), "{level}: nothing hidden?");
    }
}
