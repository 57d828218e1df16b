//! The language of the messages: Chinese in a Chinese locale, English with `--lang en`
//! or another locale; the quarantine file keeps both whatever the choice.

use std::process::{Command, Output};

use crate::common::*;

/// A person row at line 7 with a day-first date, a wrong ID check character and an
/// unknown drug: the persons file fails the 1% limit.
fn bad_export() -> Export {
    let e = Export::basic();
    let idn = id_number("64032419800101001");
    let wrong = format!(
        "{}{}",
        &idn[..17],
        if idn.ends_with('1') { '2' } else { '1' }
    );
    e.append(
        "persons.csv",
        &format!("P100,{wrong},虚构,男,05/03/1980,640324100,640324100,2012-05-01,640324100,可乐,"),
    );
    e
}

fn check(mut c: Command, e: &Export, extra: &[&str]) -> Output {
    c.arg("check").arg(e.path()).args(extra).output().unwrap()
}

#[test]
fn check_speaks_chinese_in_a_chinese_locale() {
    let e = bad_export();
    let o = check(jindu_zh(), &e, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "数据质量报告",
        "读取",
        "例：第7行：[birth_date] 日期必须以四位年份开头",
        "[id_number] 身份证号校验位错误（GB 11643）",
        "[primary_drug] 取值不在允许范围内：允许的取值：海洛因/heroin",
        "结果：失败（1 个问题）",
        "persons.csv：6 行中有 1 行（16.7%）被隔离，超过允许的 1%",
        "用 --max-reject-rate 提高上限",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    for english in ["RESULT", "e.g. line", "quarantined", "Likely cause"] {
        assert!(
            !out.contains(english),
            "{english:?} in the Chinese report:\n{out}"
        );
    }
}

#[test]
fn check_speaks_english_with_lang_en_or_another_locale() {
    let e = bad_export();
    let mut c_locale = jindu();
    c_locale.env("LANG", "C");
    let mut lc_all = jindu_zh();
    lc_all.env("LC_ALL", "en_US.UTF-8");
    for (how, o) in [
        ("--lang en", check(jindu_zh(), &e, &["--lang", "en"])),
        ("--lang=en first", {
            let mut c = jindu_zh();
            c.arg("--lang=en");
            check(c, &e, &[])
        }),
        ("LANG=C", check(c_locale, &e, &[])),
        ("LC_ALL over LANG", check(lc_all, &e, &[])),
    ] {
        assert_eq!(o.status.code(), Some(1), "{how}: {}", stderr(&o));
        let out = stdout(&o);
        for want in [
            "data-quality report",
            "e.g. line 7: [birth_date] date must start with a 4-digit year",
            "[id_number] ID number check character is wrong (GB 11643)",
            "RESULT: FAILED (1 problems)",
            "persons.csv: 1 of 6 rows (16.7%) were quarantined",
        ] {
            assert!(out.contains(want), "{how}: missing {want:?} in:\n{out}");
        }
        assert!(!out.contains("结果"), "{how}: Chinese in:\n{out}");
    }
}

/// `--lang zh` wins over an English locale.
#[test]
fn lang_zh_wins_over_the_locale() {
    let e = bad_export();
    let o = check(jindu(), &e, &["--lang", "zh"]);
    assert!(stdout(&o).contains("结果：失败"), "{}", stdout(&o));
}

#[test]
fn errors_name_the_file_and_the_fix_in_either_language() {
    let e = Export::basic();
    e.replace("persons.csv", "人员编号,", "编号X,");
    let zh = check(jindu_zh(), &e, &[]);
    let out = stdout(&zh);
    assert!(
        out.contains("persons.csv：第1行：`persons` 表需要 `person_id` 列（可用的表头：")
            && out.contains("请改正表头"),
        "{out}"
    );
    let en = check(jindu_zh(), &e, &["--lang", "en"]);
    let out = stdout(&en);
    assert!(
        out.contains("persons.csv: line 1: table `persons` needs column `person_id`")
            && out.contains("Rename the header"),
        "{out}"
    );
    // Errors before any report, on stderr, with the prefix in the same language.
    let missing = e.path().join("nowhere");
    let o = jindu_zh().arg("check").arg(&missing).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("错误：") && stderr(&o).contains("nowhere：文件或文件夹不存在"),
        "{}",
        stderr(&o)
    );
    let o = jindu().arg("check").arg(&missing).output().unwrap();
    assert!(
        stderr(&o).starts_with("error: ") && stderr(&o).contains("nowhere: no such file or folder"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn help_is_in_the_chosen_language() {
    let o = jindu_zh().args(["check", "--help"]).output().unwrap();
    let out = stdout(&o);
    assert!(
        out.contains("校验导出数据但不写入数据集") && out.contains("[默认：0.01]"),
        "{out}"
    );
    let o = jindu_zh()
        .args(["--lang", "en", "check", "--help"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        out.contains("Validate an export") && out.contains("[default: 0.01]"),
        "{out}"
    );
    let o = jindu().args(["--help"]).output().unwrap();
    assert!(
        stdout(&o).contains("Import an export into"),
        "{}",
        stdout(&o)
    );
}

/// The quarantine file holds the Chinese and the English message whatever the
/// language of the run, byte for byte the same.
#[test]
fn the_quarantine_is_bilingual_whatever_the_language() {
    let e = bad_export();
    let mut files = Vec::new();
    for lang in ["zh", "en"] {
        let out = tempfile::tempdir().unwrap();
        let ds = out.path().join("ds");
        let o = jindu()
            .args([
                "import",
                "--lang",
                lang,
                "--max-reject-rate",
                "50%",
                "--out",
            ])
            .arg(&ds)
            .arg(e.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        files.push(std::fs::read_to_string(ds.join("quarantine/persons.csv")).unwrap());
    }
    assert_eq!(files[0], files[1]);
    let q = &files[0];
    assert!(q.starts_with("\u{feff}file,line,error_codes,message_zh,message_en,raw_fields\n"));
    let row = q.lines().nth(1).unwrap();
    assert!(row.starts_with("persons.csv,7,"), "{row}");
    assert!(
        row.contains("[birth_date] 日期必须以四位年份开头")
            && row.contains("[birth_date] date must start with a 4-digit year"),
        "{row}"
    );
}

/// Errors of queries and of metrics go through the catalogue too: a failing SQL
/// statement, an unknown parameter and a v1.2 warning, in both languages.
#[test]
fn query_and_metrics_messages_in_both_languages() {
    let sql = ["query", BASIC, "SELECT no_such_column FROM persons"];
    let zh = jindu_zh().args(sql).output().unwrap();
    assert_eq!(zh.status.code(), Some(2));
    assert!(
        stderr(&zh).contains("未知的列 \"no_such_column\""),
        "{}",
        stderr(&zh)
    );
    let en = jindu().args(sql).output().unwrap();
    assert!(
        stderr(&en).contains("unknown column \"no_such_column\""),
        "{}",
        stderr(&en)
    );

    let month = [
        "metrics",
        BASIC,
        "--period",
        "month",
        "--metric",
        "test_compliance",
    ];
    let zh = jindu_zh().args(month).output().unwrap();
    assert!(stderr(&zh).contains("按自然季度计算"), "{}", stderr(&zh));
    let en = jindu().args(month).output().unwrap();
    assert!(
        stderr(&en).contains("counts calendar quarters"),
        "{}",
        stderr(&en)
    );
}
