//! The time-varying parameters of the simulation: yearly rates and probabilities by
//! calendar year, calibrated against SEED-FACTS.md (see `sample::calibrate`).

use crate::sample::regions;

/// Share of releases from compulsory isolation followed by 社区康复.
pub(super) fn p_rehab(y: i32) -> f64 {
    if y <= 2016 { 0.3 } else { 0.75 }
}

/// Share of community-measure decisions of year `y` that are ever reported.
pub(super) fn p_report(y: i32) -> f64 {
    match y {
        ..=2012 => 0.38,
        2013 => 0.425,
        2014 => 0.70,
        2015 => 0.88,
        2016 => 0.975,
        2017 => 0.982,
        2018 => 0.988,
        2019 => 0.993,
        _ => 0.9995,
    }
}

/// Share of reported measures reported within 15 days.
pub(super) fn p_timely(y: i32) -> f64 {
    match y {
        ..=2012 => 0.5,
        2013 => 0.45,
        2014 => 0.6,
        2015 => 0.75,
        2016..=2018 => 0.85,
        2019 => 0.95,
        _ => 0.99,
    }
}

/// Probability of a relapse during an executed community measure started in `y`.
pub(super) fn p_relapse_in(y: i32) -> f64 {
    match y {
        ..=2012 => 0.6,
        2013 => 0.5,
        2014 => 0.38,
        2015 => 0.32,
        2016 => 0.27,
        2017 => 0.32,
        2018 => 0.3,
        2019 => 0.26,
        2020 => 0.15,
        2021 => 0.13,
        _ => 0.12,
    }
}

/// Probability of a relapse after a release (or quitting) in `y`.
pub(super) fn p_relapse_out(y: i32) -> f64 {
    match y {
        ..=2012 => 0.76,
        2013 => 0.6,
        2014 => 0.45,
        2015 => 0.38,
        2016 => 0.32,
        2017 => 0.38,
        2018 => 0.34,
        2019 => 0.3,
        2020 => 0.16,
        2021 => 0.14,
        2022 => 0.12,
        _ => 0.11,
    }
}

/// Police detections per year of an active user outside any measure (the 2013 campaign).
pub(super) fn detect_rate(y: i32) -> f64 {
    match y {
        ..=2007 => 0.35,
        2008..=2012 => 0.55,
        2013 => 2.6,
        2014 => 1.5,
        _ => 1.3,
    }
}

/// Spontaneous quitting per year of an active user.
pub(super) fn quit_rate(y: i32) -> f64 {
    match y {
        ..=2012 => 0.08,
        2013..=2017 => 0.2,
        _ => 0.3,
    }
}

/// Loss of contact per year during an executed community measure.
pub(super) fn lost_rate(y: i32) -> f64 {
    match y {
        ..=2012 => 0.15,
        2013 => 0.12,
        2014 => 0.08,
        2015 => 0.05,
        2016 => 0.03,
        2017..=2019 => 0.015,
        _ => 0.008,
    }
}

pub(super) fn p_escalate(y: i32) -> f64 {
    if y < 2013 { 0.4 } else { 0.6 }
}

pub(super) fn p_miss(y: i32) -> f64 {
    match y {
        ..=2012 => 0.2,
        2013 => 0.18,
        2014 => 0.12,
        2015 => 0.08,
        2016..=2018 => 0.05,
        _ => 0.03,
    }
}

/// Spot tests per year besides the schedule.
pub(super) fn spot_rate(y: i32) -> f64 {
    match y {
        ..=2015 => 0.0,
        2016..=2019 => 1.0,
        _ => 2.0,
    }
}

/// Routine tests per year of a registered person outside any measure while clean.
pub(super) fn check_rate(y: i32) -> f64 {
    match y {
        ..=2013 => 0.0,
        2014..=2017 => 0.5,
        _ => 1.0,
    }
}

/// Services per year of an executed community measure.
pub(super) fn service_rate(y: i32) -> f64 {
    match y {
        ..=2007 => 0.0,
        2008..=2012 => 0.2,
        2013 => 0.4,
        2014..=2016 => 0.8,
        2017..=2019 => 1.4,
        _ => 2.0,
    }
}

/// Weights of the ten service types (schema order): more kinds in later years.
pub(super) fn service_weights(y: i32) -> [f64; 10] {
    // skills, employment, allowance, housing, medical, counseling, relief, elderly, education, other
    match y {
        ..=2013 => [30.0, 0.0, 0.0, 0.0, 0.0, 30.0, 30.0, 0.0, 0.0, 10.0],
        2014..=2016 => [25.0, 15.0, 12.0, 0.0, 10.0, 18.0, 15.0, 0.0, 0.0, 5.0],
        _ => [18.0, 16.0, 12.0, 6.0, 10.0, 14.0, 10.0, 6.0, 4.0, 4.0],
    }
}

/// Weights of the primary drugs (schema order) for persons first found in `y`.
pub(super) fn drug_weights(y: i32) -> [f64; 9] {
    const HEROIN: [f64; 26] = [
        88.0, 86.0, 84.0, 82.0, 80.0, 77.0, 74.0, 71.0, 67.0, 62.0, 57.0, 52.0, 48.0, 44.0, 40.0,
        35.0, 30.0, 25.0, 21.0, 17.0, 14.0, 12.0, 10.0, 9.0, 8.0, 7.0,
    ];
    let i = (y - regions::FIRST_YEAR).clamp(0, 25) as usize;
    let heroin = HEROIN[i];
    let ketamine = match y {
        ..=2003 => 0.0,
        2004..=2007 => 2.0,
        2008..=2012 => 4.0,
        _ => 5.5,
    };
    let synthetic = match y {
        ..=2018 => 0.0,
        _ => 2.0 * (y - 2018) as f64,
    };
    let mdma = if (2005..=2015).contains(&y) { 2.0 } else { 0.5 };
    let unknown = if y < 2010 { 2.0 } else { 0.5 };
    let (cannabis, cocaine, other) = (1.5, 0.2, 1.0);
    let meth = 100.0 - heroin - ketamine - synthetic - mdma - unknown - cannabis - cocaine - other;
    [
        heroin, meth, ketamine, cannabis, synthetic, mdma, cocaine, other, unknown,
    ]
}
