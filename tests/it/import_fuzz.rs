//! Randomly damaged exports never crash the importer: every run ends with exit code 0
//! or 1 and a report, whatever the damage (flipped bytes, stray quotes, delimiters and
//! line breaks, truncation, damaged workbooks and gzip streams).

use crate::common::*;
use crate::splitmix::Rng;

fn damage(bytes: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(6) {
        if bytes.is_empty() {
            return;
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] = rng.next() as u8,
            1 => bytes.insert(at, b'"'),
            2 => bytes.insert(at, b','),
            3 => bytes.insert(at, b'\n'),
            4 => bytes.truncate(at),
            _ => {
                let end = (at + 1 + rng.below(20)).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
}

/// The ID numbers (18 characters, whole or any 14-character run of them) and names of
/// the basic fixture.
fn secrets() -> Vec<String> {
    let persons = Export::basic().read("persons.csv");
    let mut out = Vec::new();
    for l in persons.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let id: Vec<char> = f[1].chars().collect();
        for w in id.windows(14) {
            out.push(w.iter().collect());
        }
        out.push(f[2].to_string());
    }
    assert!(out.len() > 10);
    out
}

#[test]
fn damaged_files_end_in_a_report_not_a_crash() {
    let mut rng = Rng(20251231);
    let files = [
        "persons.csv",
        "measures.csv",
        "tests.csv",
        "transfers.csv",
        "regions.csv",
    ];
    for round in 0..60 {
        let e = Export::basic();
        let name = files[round % files.len()];
        let mut bytes = std::fs::read(e.file(name)).unwrap();
        if round % 7 == 3 {
            bytes = encoding_rs::GB18030
                .encode(&String::from_utf8_lossy(&bytes))
                .0
                .into_owned();
        }
        damage(&mut bytes, &mut rng);
        e.write(name, &bytes);
        let o = run(&["check", e.path().to_str().unwrap(), "--format", "json"]);
        let code = o.status.code();
        let report: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|_| panic!("round {round} ({name}): no JSON report\n{}", stderr(&o)));
        // Exit 1 exactly when the report says the import would fail; never a crash.
        let errors = report["errors"].as_array().unwrap();
        let expected = if errors.is_empty() { 0 } else { 1 };
        assert_eq!(code, Some(expected), "round {round} ({name}): {errors:?}");
        // Every row read is accounted for, in every file of every table.
        let mut files = 0;
        for t in report["tables"].as_array().unwrap() {
            for f in t["files"].as_array().unwrap() {
                files += 1;
                let n = |k: &str| f[k].as_u64().unwrap();
                assert_eq!(
                    n("rows_read"),
                    n("accepted") + n("merged") + n("quarantined"),
                    "round {round} ({name}): {f}"
                );
                // A damaged file is either read (rows accounted) or a named file error.
                if f["file"] == name && n("rows_read") == 0 {
                    assert!(
                        !f["error"].is_null()
                            || errors.iter().any(|e| e.as_str().unwrap().contains(name)),
                        "round {round}: {f}"
                    );
                }
            }
        }
        assert_eq!(
            files, 8,
            "round {round}: every file of the export is reported"
        );
        // The report never echoes an ID number or a name of the fixture.
        let text = String::from_utf8_lossy(&o.stdout);
        for secret in secrets() {
            assert!(
                !text.contains(&secret),
                "round {round}: personal data in the report"
            );
        }
    }
}

#[test]
fn damaged_workbooks_and_gzip_streams_are_file_errors() {
    use std::io::Write;
    let e = Export::basic();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "专干编号").unwrap();
    let mut xlsx = wb.save_to_buffer().unwrap();
    xlsx.truncate(xlsx.len() / 2);
    e.write("专干.xlsx", xlsx);
    e.remove("officers.csv");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(e.read("services.csv").as_bytes()).unwrap();
    let mut gz = gz.finish().unwrap();
    gz.truncate(gz.len() - 10);
    e.write("帮扶.csv.gz", gz);
    e.remove("services.csv");
    let o = run(&["check", e.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("专干.xlsx: cannot read the workbook"), "{out}");
    assert!(
        out.contains("帮扶.csv.gz: cannot read: incomplete deflate stream"),
        "{out}"
    );
}
