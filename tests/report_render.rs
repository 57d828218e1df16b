//! End-to-end test of `jindu report` (tracker issue 5): runs the binary and
//! checks the PDF it writes. The rendering itself is unit-tested in
//! `src/report/tests.rs`; this test is ignored until the subcommand exists.

use std::process::Command;

#[test]
#[ignore = "needs the `jindu report` subcommand (tracker issue 5)"]
fn report_subcommand_writes_a_reproducible_pdf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |name: &str| {
        let out = dir.path().join(name);
        let status = Command::new(env!("CARGO_BIN_EXE_jindu"))
            .args(["report", "--demo", "--output"])
            .arg(&out)
            .status()
            .expect("run jindu");
        assert!(status.success());
        std::fs::read(out).expect("read pdf")
    };
    let a = run("a.pdf");
    let b = run("b.pdf");
    assert!(a.starts_with(b"%PDF-"));
    assert!(a == b, "two runs differ");
    let text = pdf_extract::extract_text_from_mem(&a).expect("extract text");
    assert!(text.contains("<10"));
}
