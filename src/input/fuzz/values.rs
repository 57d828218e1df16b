//! Fuzz targets of the value parsers: dates, Excel serials, region codes, ID
//! numbers and their check character, enumerations.

use super::*;

const BOUNDARY_DATES: &[&str] = &[
    "1900-02-29",
    "1900-02-28",
    "1900-03-01",
    "2000-02-29",
    "2100-02-29",
    "9999-12-31",
    "0000-01-01",
    "0000-02-29",
    "1970-01-01",
    "1969-12-31",
    "2021-02-29",
    "2024-02-29",
    "2021-04-31",
    "2021-00-10",
    "2021-12-00",
    "99999-01-01",
    "2021年2月29日",
    "20000229",
    "19000229",
    "99991231",
    "2021-03-05T",
    "2021-03-05 ",
    "20210305T10:00",
    "2021-3-5T24:00:00+99:99",
];

pub(super) fn gen_date_text(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => rng.pick(BOUNDARY_DATES).to_string(),
        1 => gen_string(rng),
        _ => {
            let y = match rng.below(4) {
                0 => rng.below(10_000) as u32,
                1 => *rng.pick(&[0, 1, 1899, 1900, 2000, 2100, 9999]),
                _ => 1900 + rng.below(200) as u32,
            };
            let (m, d) = (rng.below(14) as u32, rng.below(33) as u32);
            let mut s = match rng.below(5) {
                0 => format!("{y:04}{m:02}{d:02}"),
                1 => format!("{y:04}年{m}月{d}日"),
                2 => format!("{y:04}-{m:02}-{d:02}"),
                _ => {
                    let sep = *rng.pick(&["-", "/", ".", "_", "－"]);
                    format!("{y:04}{sep}{m}{sep}{d}")
                }
            };
            if rng.chance(4) {
                let t: &&str =
                    rng.pick(&["T10:11:12", " 10:11", "T00:00:00Z", "T10:00+08:00", "T"]);
                s.push_str(t);
            }
            respell(rng, &s)
        }
    }
}

#[test]
fn fuzz_parse_date() {
    let (mut rng, seed) = rng_for("parse_date");
    let start = Instant::now();
    let n = iters(20_000, 1);
    for _ in 0..n {
        let input = gen_date_text(&mut rng);
        let got = parse_date(&input);
        if let Ok(d) = got {
            let back = iso(d);
            assert_eq!(
                parse_date(&back),
                Ok(d),
                "parse_date seed {seed}: {input:?} accepted as {back} which does not re-parse"
            );
            assert!(
                back.len() == 10,
                "parse_date seed {seed}: {input:?} gave {back}"
            );
        }
    }
    // Every existing day in the years 0-9999 is accepted in ISO form, and a day that
    // does not exist is `DateInvalid`.
    for _ in 0..n / 4 {
        let (y, m, d) = (
            rng.below(10_000) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(31) as u32,
        );
        let s = format!("{y:04}-{m:02}-{d:02}");
        let want = chrono::NaiveDate::from_ymd_opt(y, m, d)
            .map(to_days)
            .ok_or(Code::DateInvalid);
        assert_eq!(parse_date(&s), want, "parse_date seed {seed}: {s:?}");
    }
    done("parse_date", n + n / 4, start);
}

#[test]
fn fuzz_excel_serial_date() {
    let (mut rng, seed) = rng_for("excel_serial_date");
    let start = Instant::now();
    let n = iters(20_000, 1);
    let lo = from_ymd(1900, 1, 1);
    let hi = from_ymd(9999, 12, 31);
    for _ in 0..n {
        let serial = match rng.below(6) {
            0 => f64::from_bits(rng.next()),
            1 => *rng.pick(&[
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                0.0,
                -1.0,
                0.999,
                1.0,
                59.0,
                59.999,
                60.0,
                60.5,
                61.0,
                2_958_465.0,
                2_958_465.999,
                2_958_466.0,
                f64::MAX,
                f64::MIN_POSITIVE,
            ]),
            2 => 55.0 + rng.below(10) as f64 + rng.below(1000) as f64 / 1000.0,
            3 => -(rng.below(100_000) as f64),
            _ => rng.below(3_000_000) as f64 + rng.below(4) as f64 / 4.0,
        };
        match excel_serial_date(serial) {
            Ok(d) => {
                assert!(
                    (lo..=hi).contains(&d),
                    "excel_serial_date seed {seed}: {serial:?} gave {}",
                    iso(d)
                );
                let whole = serial.floor();
                assert_eq!(
                    excel_serial_date(whole),
                    Ok(d),
                    "excel_serial_date seed {seed}: the time of {serial:?} changed the day"
                );
                if whole > 60.0 {
                    assert_eq!(
                        d,
                        from_ymd(1899, 12, 30) + whole as Days,
                        "seed {seed}: {serial:?}"
                    );
                }
            }
            Err(code) => assert!(
                matches!(code, Code::DateInvalid | Code::ExcelSerial60)
                    && (code == Code::ExcelSerial60)
                        == (serial.is_finite() && serial.floor() == 60.0),
                "excel_serial_date seed {seed}: {serial:?} gave {code:?}"
            ),
        }
    }
    done("excel_serial_date", n, start);
}

pub(super) fn gen_region_text(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => gen_string(rng),
        _ => {
            let other = rng.below(30);
            let len = *rng.pick(&[0, 5, 6, 7, 9, 12, 13, 18, other]);
            let mut s: String = (0..len).map(|_| rng.digit()).collect();
            if rng.chance(3) {
                let t: &&str = rng.pick(&[".0", ".00", ".5", "E+5", ",000"]);
                s.push_str(t);
            }
            respell(rng, &s)
        }
    }
}

#[test]
fn fuzz_parse_region() {
    let (mut rng, seed) = rng_for("parse_region");
    let start = Instant::now();
    let n = iters(20_000, 1);
    for _ in 0..n {
        let input = gen_region_text(&mut rng);
        if let Ok(code) = parse_region(&input) {
            assert!(
                matches!(code.len(), 6 | 9) && code.bytes().all(|b| b.is_ascii_digit()),
                "parse_region seed {seed}: {input:?} gave {code:?}"
            );
            assert_eq!(
                parse_region(&code),
                Ok(code.clone()),
                "seed {seed}: {input:?}"
            );
        }
    }
    done("parse_region", n, start);
}

/// An ID number-like string: 17 digits (a real birth date most of the time) and a
/// right, wrong or random check character, re-spelled.
pub(super) fn gen_id_text(rng: &mut Rng) -> String {
    if rng.chance(8) {
        return gen_string(rng);
    }
    let mut body: String = (0..6).map(|_| rng.digit()).collect();
    if rng.chance(4) {
        body.extend((0..8).map(|_| rng.digit()));
    } else {
        let other = 1800 + rng.below(300);
        let y = *rng.pick(&[1900, 1949, 1985, 2000, 2024, 9999, other]);
        let (m, d) = (1 + rng.below(12), 1 + rng.below(31));
        body.push_str(&format!("{y:04}{m:02}{d:02}"));
    }
    if rng.chance(3) {
        body.push_str("00"); // cut by a spreadsheet: ends in 000 with its check
        body.push(rng.digit());
    } else {
        body.extend((0..3).map(|_| rng.digit()));
    }
    let check = match rng.below(4) {
        0 => rng.digit(),
        1 => 'x',
        _ => id_check_char(body.as_bytes()) as char,
    };
    let mut s = format!("{body}{check}");
    match rng.below(10) {
        0 => s.truncate(rng.below(18)),
        1 => s = format!("{}.{}E+17", &s[..1], &s[1..6]),
        2 => s = s.replace(check, "000"),
        _ => {}
    }
    respell(rng, &s)
}

#[test]
fn fuzz_parse_id_number() {
    let (mut rng, seed) = rng_for("parse_id_number");
    let start = Instant::now();
    let n = iters(20_000, 1);
    let mut accepted = 0;
    for _ in 0..n {
        let input = gen_id_text(&mut rng);
        match parse_id_number(&input) {
            Ok(id) => {
                accepted += 1;
                let b = id.normalized.as_bytes();
                assert!(
                    b.len() == 18 && id_check_char(&b[..17]) == b[17],
                    "parse_id_number seed {seed}: {input:?} accepted as {:?}",
                    id.normalized
                );
                assert_eq!(
                    parse_id_number(&id.normalized).as_ref(),
                    Ok(&id),
                    "parse_id_number seed {seed}: {input:?} does not re-parse"
                );
                assert_eq!(
                    parse_date(&id.normalized[6..14]),
                    Ok(id.birth_date),
                    "parse_id_number seed {seed}: {input:?} birth date"
                );
                let male = (b[16] - b'0') % 2 == 1;
                assert_eq!(
                    id.sex,
                    if male { "male" } else { "female" },
                    "seed {seed}: {input:?}"
                );
            }
            Err(code) => assert!(
                matches!(
                    code,
                    Code::IdFormat | Code::IdCheck | Code::IdMangled | Code::IdBirthDate
                ),
                "parse_id_number seed {seed}: {input:?} gave {code:?}"
            ),
        }
    }
    assert!(
        accepted > n / 10,
        "parse_id_number seed {seed}: only {accepted} of {n} accepted"
    );
    done("parse_id_number", n, start);
}

#[test]
fn fuzz_id_check_char() {
    let (mut rng, seed) = rng_for("id_check_char");
    let start = Instant::now();
    let n = iters(20_000, 1);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    for _ in 0..n {
        let body: Vec<u8> = (0..17).map(|_| rng.digit() as u8).collect();
        let c = id_check_char(&body);
        // ISO 7064 MOD 11-2: with the check character's value (X = 10) at weight 1,
        // the weighted sum is 1 mod 11.
        let value = if c == b'X' { 10 } else { u32::from(c - b'0') };
        let sum: u32 = body
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        assert!(
            c.is_ascii_digit() || c == b'X',
            "id_check_char seed {seed}: {body:?} gave {c}"
        );
        assert_eq!(
            (sum + value) % 11,
            1,
            "id_check_char seed {seed}: {:?}",
            String::from_utf8_lossy(&body)
        );
    }
    done("id_check_char", n, start);
}

pub(super) const ENUMS: &[&EnumDef] = &[
    &schema::SEX,
    &schema::DRUG,
    &schema::MEASURE_TYPE,
    &schema::END_REASON,
    &schema::TEST_METHOD,
    &schema::TEST_RESULT,
    &schema::SERVICE_TYPE,
    &schema::REGION_LEVEL,
];

#[test]
fn fuzz_enum_parse() {
    let (mut rng, seed) = rng_for("enum_parse");
    let start = Instant::now();
    let n = iters(20_000, 1);
    for _ in 0..n {
        let def = *rng.pick(ENUMS);
        let v = rng.pick(def.values);
        let spelled = *rng.pick(&[&[v.code, v.zh][..], v.synonyms].concat());
        // Any accepted spelling, re-spelled with padding, full-width or case, is the
        // same value; an extra random character gives that value or none.
        let input = if rng.chance(3) {
            gen_string(&mut rng)
        } else {
            respell(&mut rng, spelled)
        };
        match def.parse(&input) {
            Some(code) => {
                assert!(
                    def.codes().any(|c| c == code),
                    "{} seed {seed}: {input:?} gave {code:?}",
                    def.name
                );
                if normalize_name(&input) == normalize_name(spelled) {
                    assert_eq!(code, v.code, "{} seed {seed}: {input:?}", def.name);
                }
            }
            None => assert!(
                normalize_name(&input) != normalize_name(spelled),
                "{} seed {seed}: {input:?} (a spelling of {}) refused",
                def.name,
                v.code
            ),
        }
    }
    done("enum_parse", n, start);
}
