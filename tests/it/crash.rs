//! Crash safety of `jindu import` and of output files: an import killed at any point
//! (SIGKILL at several moments, and aborts injected at the three steps of the commit)
//! leaves the previous dataset intact and readable, never a half-written dataset taken
//! for a good one, and the next import succeeds. Two imports into one folder at once:
//! the second is refused (a lock), never a mixed dataset.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::common::*;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/ningxia");
const COHORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cohort");

fn import(export: &str, out: &Path) -> std::process::Output {
    jindu()
        .args([
            "import",
            export,
            "--out",
            out.to_str().unwrap(),
            "--key-file",
        ])
        .arg(key(out.parent().unwrap()))
        .output()
        .unwrap()
}

fn key(dir: &Path) -> std::path::PathBuf {
    let k = dir.join("key");
    if !k.exists() {
        let o = run(&["keygen", "--out", k.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    k
}

/// The registered counts of a dataset, as `jindu metrics` prints them.
fn fingerprint(ds: &Path) -> String {
    let o = run(&[
        "metrics",
        ds.to_str().unwrap(),
        "--metric",
        "registered",
        "--level",
        "province",
        "--format",
        "csv",
    ]);
    assert!(
        o.status.success(),
        "the dataset is not readable: {}",
        stderr(&o)
    );
    stdout(&o)
}

/// Hidden leftovers of an import beside the dataset (the lock file excepted).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && !n.ends_with(".lock"))
        .collect()
}

#[test]
fn an_abort_at_each_commit_step_leaves_a_whole_dataset() {
    for point in ["before-manifest", "between-renames", "before-cleanup"] {
        let dir = tempfile::tempdir().unwrap();
        let ds = dir.path().join("ds");
        assert!(import(BASIC, &ds).status.success());
        let old = fingerprint(&ds);
        let o = jindu()
            .args([
                "import",
                COHORT,
                "--out",
                ds.to_str().unwrap(),
                "--key-file",
            ])
            .arg(key(dir.path()))
            .env("JINDU_FAULT", point)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{point}: the fault was not injected");
        assert_eq!(o.status.code(), None, "{point}: killed by a signal");
        // Readable right away (a reader repairs the interrupted commit).
        let now = fingerprint(&ds);
        if point == "before-cleanup" {
            // The new dataset was already in place: it is whole.
            assert_ne!(now, old, "{point}");
            assert!(
                now.contains(",5,"),
                "{point}: the cohort fixture's 5 persons\n{now}"
            );
        } else {
            assert_eq!(now, old, "{point}: the previous dataset");
        }
        // The next import succeeds and leaves nothing behind.
        let o = import(COHORT, &ds);
        assert!(o.status.success(), "{point}: {}", stderr(&o));
        assert!(fingerprint(&ds).contains(",5,"));
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "{point}");
    }
}

#[test]
fn sigkill_during_an_import_keeps_the_previous_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    assert!(import(BASIC, &ds).status.success());
    let old = fingerprint(&ds);
    for ms in [50u64, 300, 700, 1200] {
        let mut child = jindu()
            .args([
                "import",
                SAMPLE,
                "--out",
                ds.to_str().unwrap(),
                "--key-file",
            ])
            .arg(key(dir.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        let now = fingerprint(&ds);
        if !finished {
            assert_eq!(now, old, "killed after {ms} ms: the previous dataset");
        }
    }
    let o = import(SAMPLE, &ds);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fingerprint(&ds).contains("640000"));
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_second_import_into_the_same_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    assert!(import(BASIC, &ds).status.success());
    let old = fingerprint(&ds);
    // Another import holds the lock (as a running `jindu import` does).
    let lock = std::fs::File::options()
        .write(true)
        .open(dir.path().join(".ds.lock"))
        .unwrap();
    lock.lock().unwrap();
    let o = import(COHORT, &ds);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another jindu import is writing this dataset right now"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fingerprint(&ds), old);
    lock.unlock().unwrap();
    // Two real imports: while the first runs, the second is refused; the dataset is
    // the first one's, whole.
    let start = |export: &str| {
        jindu()
            .args([
                "import",
                export,
                "--out",
                ds.to_str().unwrap(),
                "--key-file",
            ])
            .arg(key(dir.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = start(SAMPLE);
    // A holds the lock once its staging folder exists.
    let staging = dir.path().join(format!(".ds.tmp-{}", a.id()));
    for _ in 0..3000 {
        if staging.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(staging.exists(), "the first import did not start");
    let b = start(COHORT).wait_with_output().unwrap();
    let a = a.wait_with_output().unwrap();
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(
        b.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    assert!(fingerprint(&ds).contains("640000"));
}

#[test]
fn output_files_are_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bulletin.pdf");
    std::fs::write(&out, b"the old bulletin").unwrap();
    for ms in [100u64, 600] {
        let mut child = jindu()
            .args(["report", SAMPLE, "--out", out.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        child.kill().ok();
        child.wait().unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let whole_pdf = bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF");
        assert!(
            bytes == b"the old bulletin" || whole_pdf,
            "killed after {ms} ms"
        );
    }
    let o = run(&["report", SAMPLE, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}
