//! The text of a PDF as `pdftotext -layout` (poppler-utils) lays it out; shared by
//! the integration tests (through `common`) and the report unit tests (by path).

use std::process::Command;

/// Writes `pdf` to a temporary file and returns what `pdftotext -layout FILE -` prints.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("run pdftotext (install poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext prints UTF-8")
}
