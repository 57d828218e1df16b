//! How numbers read in the charts and the reports: thousands separators (the one
//! home of [`thousands`], used by the bulletin text and tables too), fixed
//! decimals and percentages. The separator is a comma in every report language.

/// A count with thousands separators (`27,953`).
pub fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

/// ASCII digits with a comma between groups of three (`1234567` → `1,234,567`).
fn group_digits(digits: &str) -> String {
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

/// A number with `decimals` decimals and thousands separators.
pub(super) fn fmt_number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let grouped = group_digits(int);
    let sign = if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Decimals for data labels: none if all values are whole numbers, else one.
pub(super) fn value_decimals(values: impl IntoIterator<Item = f64>) -> usize {
    if values.into_iter().all(|v| (v - v.round()).abs() < 1e-9) {
        0
    } else {
        1
    }
}

/// A fraction as a percentage (`0.99` → `99%`) with `decimals` decimals.
pub(super) fn fmt_percent(v: f64, decimals: usize) -> String {
    format!("{}%", fmt_number(v * 100.0, decimals))
}
