//! `jindu import`: the dataset layout, identical Parquet from every encoding and
//! format, byte-identical reruns, privacy of ID numbers and names, atomic replacement.

use std::path::Path;

use crate::common::*;
use polars::prelude::SerReader;

fn keyfile(dir: &Path) -> String {
    let p = dir.join("test.key");
    std::fs::write(&p, format!("{}\n", "ab".repeat(32))).unwrap();
    p.to_str().unwrap().to_string()
}

fn import(export: &Path, out: &Path, key: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "import",
        export.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--key-file",
        key,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn dataset_layout_and_manifest() {
    let e = Export::basic();
    e.append("tests.csv", "T100,P999,2021-01-01,尿检,阴性,");
    let work = tempfile::tempdir().unwrap();
    let key = keyfile(work.path());
    let out = work.path().join("ds");
    let o = import(e.path(), &out, &key, &["--max-reject-rate", "20%"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for t in [
        "persons",
        "measures",
        "detections",
        "tests",
        "transfers",
        "services",
        "officers",
        "regions",
    ] {
        assert!(out.join(format!("{t}.parquet")).is_file(), "{t}");
    }
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["engine"], "jindu");
    assert_eq!(m["contract_version"], "1.2");
    assert_eq!(m["cutoff"], "2024-12-30");
    assert_eq!(m["tables"]["persons"], 5);
    assert_eq!(m["tables"]["tests"], 9);
    assert_eq!(m["key_id"].as_str().unwrap().len(), 16);
    let files = m["import"]["tables"].as_array().unwrap();
    let tests = files.iter().find(|t| t["table"] == "tests").unwrap();
    assert_eq!(tests["files"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(tests["quarantined"], 1);
    // The quarantine is owner-only.
    let q = out.join("quarantine/tests.csv");
    let text = std::fs::read_to_string(&q).unwrap();
    assert!(text.contains("tests.csv,11,E_REF_PERSON"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&q).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn reruns_are_byte_identical() {
    let e = Export::basic();
    let work = tempfile::tempdir().unwrap();
    let key = keyfile(work.path());
    let a = work.path().join("a");
    let b = work.path().join("b");
    assert!(import(e.path(), &a, &key, &[]).status.success());
    let o = jindu()
        .env("RAYON_NUM_THREADS", "1")
        .args([
            "import",
            e.path().to_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
            "--key-file",
            &key,
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    for f in [
        "persons.parquet",
        "tests.parquet",
        "regions.parquet",
        "manifest.json",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// The same persons table as UTF-8, UTF-8 with BOM, GB18030, UTF-16 (LE and BE) and
/// XLSX gives the same canonical Parquet bytes.
#[test]
fn every_encoding_and_format_gives_identical_parquet() {
    let base = Export::basic();
    let text = base.read("persons.csv");
    let work = tempfile::tempdir().unwrap();
    let key = keyfile(work.path());
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("utf8", text.as_bytes().to_vec()),
        (
            "bom",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        ("gb18030", encoding_rs::GB18030.encode(&text).0.into_owned()),
        (
            "utf16le",
            [
                vec![0xFF, 0xFE],
                text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
            ]
            .concat(),
        ),
        (
            "utf16be",
            [
                vec![0xFE, 0xFF],
                text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
            ]
            .concat(),
        ),
        ("crlf", text.replace('\n', "\r\n").into_bytes()),
    ];
    let mut outputs = Vec::new();
    for (name, bytes) in &variants {
        let e = Export::basic();
        e.write("persons.csv", bytes);
        let out = work.path().join(name);
        let o = import(e.path(), &out, &key, &[]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        outputs.push((
            name.to_string(),
            std::fs::read(out.join("persons.parquet")).unwrap(),
        ));
    }
    // XLSX: every cell as text, as a platform writes it.
    {
        use rust_xlsxwriter::Workbook;
        let e = Export::basic();
        e.remove("persons.csv");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (r, line) in text.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
        e.write("人员.xlsx", wb.save_to_buffer().unwrap());
        let out = work.path().join("xlsx");
        let o = import(e.path(), &out, &key, &[]);
        assert!(o.status.success(), "xlsx: {}", stderr(&o));
        outputs.push((
            "xlsx".into(),
            std::fs::read(out.join("persons.parquet")).unwrap(),
        ));
    }
    for (name, bytes) in &outputs[1..] {
        assert!(bytes == &outputs[0].1, "{name} differs from utf8");
    }
}

/// Canary ID numbers and names must appear nowhere but the quarantine.
#[test]
fn raw_ids_and_names_never_leave_the_import() {
    let canary_id = id_number("64032419770707077");
    let canary_name = "金丝雀测试姓名";
    let e = Export::basic();
    e.append(
        "persons.csv",
        &format!("P100,{canary_id},{canary_name},男,1977-07-07,640324100,640324100,2020-01-01,640324100,海洛因,"),
    );
    // A broken row with the canary in a date column, and one whose delimiter is wrong.
    e.append(
        "persons.csv",
        &format!(
            "P101,,{canary_name},男,{canary_id},640324100,640324100,2020-01-01,640324100,海洛因,"
        ),
    );
    e.append("persons.csv", &format!("P102;{canary_id};{canary_name}"));
    let work = tempfile::tempdir().unwrap();
    let key = keyfile(work.path());
    let out = work.path().join("ds");
    let o = import(e.path(), &out, &key, &["--max-reject-rate", "50%"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let check = run(&[
        "check",
        e.path().to_str().unwrap(),
        "--max-reject-rate",
        "50%",
    ]);
    let check_json = run(&[
        "check",
        "--format",
        "json",
        e.path().to_str().unwrap(),
        "--max-reject-rate",
        "50%",
    ]);
    for (what, text) in [
        ("import stdout", stdout(&o)),
        ("import stderr", stderr(&o)),
        ("check stdout", stdout(&check)),
        ("check stderr", stderr(&check)),
        ("check json", stdout(&check_json)),
        (
            "manifest",
            std::fs::read_to_string(out.join("manifest.json")).unwrap(),
        ),
    ] {
        assert!(!text.contains(&canary_id), "{what} leaks the ID number");
        assert!(
            !text.contains(&canary_id[..17]),
            "{what} leaks the ID number"
        );
        assert!(!text.contains(canary_name), "{what} leaks the name");
    }
    // Every string cell of every canonical table.
    for entry in std::fs::read_dir(&out).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("parquet") {
            continue;
        }
        let df = polars::prelude::ParquetReader::new(std::fs::File::open(&p).unwrap())
            .finish()
            .unwrap();
        let dump = format!(
            "{:?}",
            df.columns()
                .iter()
                .map(|c| c
                    .as_materialized_series()
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>())
                .collect::<Vec<_>>()
        );
        assert!(
            !dump.contains(&canary_id[..17]),
            "{} leaks the ID number",
            p.display()
        );
        assert!(
            !dump.contains(canary_name),
            "{} leaks the name",
            p.display()
        );
    }
    // The quarantine keeps the raw rows, owner-only.
    let q = std::fs::read_to_string(out.join("quarantine/persons.csv")).unwrap();
    assert!(q.contains(canary_name));
}

#[test]
fn failed_import_leaves_the_old_dataset_alone() {
    let e = Export::basic();
    let work = tempfile::tempdir().unwrap();
    let key = keyfile(work.path());
    let out = work.path().join("ds");
    assert!(import(e.path(), &out, &key, &[]).status.success());
    let before = std::fs::read(out.join("persons.parquet")).unwrap();
    e.append("detections.csv", "D100;P001;2021-01-01;640324100");
    let o = import(e.path(), &out, &key, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("was not written"), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("persons.parquet")).unwrap(), before);
    assert!(
        work.path()
            .join("ds.failed-import/detections.csv")
            .is_file()
    );
    // No temporary folders are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn without_a_key_the_import_warns_and_writes_no_key() {
    let e = Export::basic();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("ds");
    let o = run(&[
        "import",
        e.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("will not link"), "{}", stderr(&o));
    let m = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(m.contains("\"ephemeral_key\": true"));
}

#[test]
fn keygen_then_stable_pseudonyms() {
    let work = tempfile::tempdir().unwrap();
    let key = work.path().join("k");
    let o = run(&["keygen", "--out", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again = run(&["keygen", "--out", key.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    let e = Export::basic();
    let (a, b) = (work.path().join("a"), work.path().join("b"));
    assert!(
        import(e.path(), &a, key.to_str().unwrap(), &[])
            .status
            .success()
    );
    assert!(
        import(e.path(), &b, key.to_str().unwrap(), &[])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read(a.join("persons.parquet")).unwrap(),
        std::fs::read(b.join("persons.parquet")).unwrap()
    );
}

/// A canonical dataset's Parquet files are themselves an accepted export: re-importing
/// them keeps the pseudonyms (no raw ID numbers are needed) and every number.
#[test]
fn canonical_parquet_reimports_identically() {
    let e = Export::basic();
    let work = tempfile::tempdir().unwrap();
    let key = keyfile(work.path());
    let first = work.path().join("first");
    assert!(import(e.path(), &first, &key, &[]).status.success());
    let export = work.path().join("pq");
    std::fs::create_dir(&export).unwrap();
    for entry in std::fs::read_dir(&first).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) == Some("parquet") {
            std::fs::copy(&p, export.join(p.file_name().unwrap())).unwrap();
        }
    }
    let second = work.path().join("second");
    let o = run(&[
        "import",
        export.to_str().unwrap(),
        "--out",
        second.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Parquet"), "{}", stderr(&o));
    for t in ["persons", "measures", "tests", "transfers"] {
        let f = format!("{t}.parquet");
        assert_eq!(
            std::fs::read(first.join(&f)).unwrap(),
            std::fs::read(second.join(&f)).unwrap(),
            "{f}"
        );
    }
}
