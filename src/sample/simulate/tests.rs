//! Unit tests of the simulation.

use super::rates::drug_weights;
use super::*;
use crate::sample::digits::push_compact;
use crate::schema;

#[test]
fn code_indices_match_the_schema() {
    let mt = schema::MEASURE_TYPE.values;
    assert_eq!(mt[code::DETOX as usize].code, "community_detox");
    assert_eq!(mt[code::REHAB as usize].code, "community_rehab");
    assert_eq!(mt[code::CI as usize].code, "compulsory_isolation");
    assert_eq!(mt[code::VOLUNTARY as usize].code, "voluntary");
    let er = schema::END_REASON.values;
    for (i, c) in [
        "completed",
        "early_release",
        "escalated",
        "died",
        "departed",
        "imprisoned",
        "lost_contact",
        "other",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(er[i].code, *c);
    }
    assert_eq!(
        schema::TEST_RESULT.values[code::POSITIVE as usize].code,
        "positive"
    );
    assert_eq!(
        schema::TEST_RESULT.values[code::REFUSED as usize].code,
        "refused"
    );
    assert_eq!(schema::TEST_METHOD.values[code::HAIR as usize].code, "hair");
    assert_eq!(
        schema::TEST_METHOD.values[code::SALIVA as usize].code,
        "saliva"
    );
    assert_eq!(schema::DRUG.values[0].code, "heroin");
    assert_eq!(schema::DRUG.values[4].code, "synthetic_cannabinoids");
    assert_eq!(schema::SERVICE_TYPE.values[7].code, "elderly_care");
    assert_eq!(schema::SERVICE_TYPE.values.len(), 10);
}

#[test]
fn id_numbers_carry_county_birth_sex_and_check() {
    let mut rng = Rng::from_seed(3);
    for _ in 0..1000 {
        let birth = from_ymd(1980, 1, 1) + rng.below(9000) as Days;
        let male = rng.chance(0.5);
        let id = id_number(640324101, birth, male, &mut rng);
        assert_eq!(&id[..6], b"640324");
        assert_eq!(id[17], id_check_char(&id[..17]));
        assert_eq!((id[16] - b'0') % 2 == 1, male);
        let mut v = Vec::new();
        push_compact(&mut v, birth);
        assert_eq!(&id[6..14], &v[..]);
    }
}

#[test]
fn drug_weights_are_valid() {
    for y in 2000..=2025 {
        let w = drug_weights(y);
        assert!(w.iter().all(|&x| x >= 0.0), "{y}: {w:?}");
    }
}
