//! Helpers for the integration tests: run the binary, build exports from the basic
//! fixture, read reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "pdf_text.rs"]
pub mod pdf_text;
#[path = "svg_text.rs"]
pub mod svg_text;
pub use pdf_text::pdf_text;

pub const BASIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic");

/// The binary in an English locale (`LANG=C`): the tests that match message text match
/// the English catalogue; `tests/it/messages.rs` checks the Chinese one.
pub fn jindu() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jindu"));
    c.env_remove("JINDU_KEY_FILE");
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C");
    c
}

/// The binary in a Chinese locale (`LANG=zh_CN.UTF-8`).
pub fn jindu_zh() -> Command {
    let mut c = jindu();
    c.env("LANG", "zh_CN.UTF-8");
    c
}

pub fn run(args: &[&str]) -> Output {
    jindu().args(args).output().expect("run jindu")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary copy of the basic fixture.
pub struct Export {
    pub dir: tempfile::TempDir,
}

impl Export {
    pub fn basic() -> Export {
        let dir = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(BASIC).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
        Export { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap()
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) {
        std::fs::write(self.file(name), content).unwrap();
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.file(name)).unwrap();
    }

    /// Appends a line to a CSV file.
    pub fn append(&self, name: &str, line: &str) {
        let mut s = self.read(name);
        s.push_str(line);
        s.push('\n');
        self.write(name, s);
    }

    /// Replaces text in a file (panics when absent, so a test cannot silently no-op).
    pub fn replace(&self, name: &str, from: &str, to: &str) {
        let s = self.read(name);
        assert!(s.contains(from), "{name} does not contain {from:?}");
        self.write(name, s.replacen(from, to, 1));
    }

    /// `jindu check --format json` on this export.
    pub fn check(&self, extra: &[&str]) -> (Output, serde_json::Value) {
        let p = self.path().to_str().unwrap().to_string();
        let mut args = vec!["check", "--format", "json", p.as_str()];
        args.extend_from_slice(extra);
        let o = run(&args);
        let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
        (o, v)
    }
}

/// The report of one file of a table.
pub fn file_report<'a>(report: &'a serde_json::Value, table: &str) -> &'a serde_json::Value {
    let t = report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == table)
        .unwrap_or_else(|| panic!("no table {table} in {report}"));
    &t["files"][0]
}

/// Asserts that a table's file quarantined a row at `line` with `code`.
pub fn assert_code(report: &serde_json::Value, table: &str, code: &str, line: u64) {
    let f = file_report(report, table);
    let stat = &f["codes"][code];
    assert!(
        stat.is_object(),
        "expected {code} in {table}, got codes {}",
        f["codes"]
    );
    assert_eq!(stat["example_line"], line, "{code} in {table}: {stat}");
}

/// GB 11643 check character, for building valid ID numbers in tests.
pub fn id_number(body17: &str) -> String {
    let c = jindu::input::values::id_check_char(body17.as_bytes()) as char;
    format!("{body17}{c}")
}
