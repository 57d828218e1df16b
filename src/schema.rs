//! The canonical schema: every table of the data contract (`docs/data-contract.md`),
//! its columns with their Chinese aliases, types and requirements, and every
//! enumeration with its English codes, Chinese labels and synonyms.
//!
//! This module is the single source of truth for names. The importer matches headers
//! and enumeration values against it, the sample generator writes its Chinese headers
//! from it, and the query layer registers tables under its names. It holds data only,
//! plus the normalisation used to compare names ("ignore surrounding spaces,
//! full-width/half-width differences and case").

use std::fmt;

/// One enumeration value: its canonical English code, its Chinese label and any
/// further accepted spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumValue {
    pub code: &'static str,
    pub zh: &'static str,
    pub synonyms: &'static [&'static str],
}

/// A closed set of values for one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumDef {
    pub name: &'static str,
    pub values: &'static [EnumValue],
}

impl EnumDef {
    /// Looks a raw cell up by code, Chinese label or synonym, ignoring case,
    /// full-width forms and surrounding spaces. Returns the canonical code.
    pub fn parse(&self, raw: &str) -> Option<&'static str> {
        // Fast path: the value exactly as a platform writes it.
        let trimmed = raw.trim();
        if let Some(v) = self
            .values
            .iter()
            .find(|v| v.zh == trimmed || v.code == trimmed || v.synonyms.contains(&trimmed))
        {
            return Some(v.code);
        }
        let key = normalize_name(raw);
        self.values.iter().find_map(|v| {
            let hit = normalize_name(v.code) == key
                || normalize_name(v.zh) == key
                || v.synonyms.iter().any(|s| normalize_name(s) == key);
            hit.then_some(v.code)
        })
    }

    /// The allowed values as shown in error messages: `男/male, 女/female`.
    pub fn allowed(&self) -> String {
        self.values
            .iter()
            .map(|v| format!("{}/{}", v.zh, v.code))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The Chinese label of a canonical code.
    pub fn zh(&self, code: &str) -> Option<&'static str> {
        self.values.iter().find(|v| v.code == code).map(|v| v.zh)
    }

    pub fn codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.values.iter().map(|v| v.code)
    }
}

macro_rules! ev {
    ($code:literal, $zh:literal $(, $syn:literal)*) => {
        EnumValue { code: $code, zh: $zh, synonyms: &[$($syn),*] }
    };
}

pub const SEX: EnumDef = EnumDef {
    name: "sex",
    values: &[ev!("male", "男", "M", "1"), ev!("female", "女", "F", "2")],
};

pub const DRUG: EnumDef = EnumDef {
    name: "primary_drug",
    values: &[
        ev!("heroin", "海洛因"),
        ev!("methamphetamine", "冰毒", "甲基苯丙胺"),
        ev!("ketamine", "氯胺酮"),
        ev!("cannabis", "大麻"),
        ev!("synthetic_cannabinoids", "合成大麻素"),
        ev!("mdma", "摇头丸"),
        ev!("cocaine", "可卡因"),
        ev!("other", "其他"),
        ev!("unknown", "不详"),
    ],
};

pub const MEASURE_TYPE: EnumDef = EnumDef {
    name: "measure_type",
    values: &[
        ev!("community_detox", "社区戒毒"),
        ev!("community_rehab", "社区康复"),
        ev!("compulsory_isolation", "强制隔离戒毒", "强戒"),
        ev!("voluntary", "自愿戒毒"),
    ],
};

pub const END_REASON: EnumDef = EnumDef {
    name: "end_reason",
    values: &[
        ev!("completed", "期满解除"),
        ev!("early_release", "提前解除"),
        ev!("escalated", "转强制隔离戒毒"),
        ev!("died", "死亡"),
        ev!("departed", "离境"),
        ev!("imprisoned", "收监执行", "终止"),
        ev!("lost_contact", "脱失", "失控"),
        ev!("other", "其他"),
    ],
};

pub const TEST_METHOD: EnumDef = EnumDef {
    name: "method",
    values: &[
        ev!("urine", "尿检"),
        ev!("hair", "毛发"),
        ev!("blood", "血液"),
        ev!("saliva", "唾液"),
    ],
};

pub const TEST_RESULT: EnumDef = EnumDef {
    name: "result",
    values: &[
        ev!("negative", "阴性"),
        ev!("positive", "阳性"),
        ev!("refused", "拒检"),
    ],
};

pub const SERVICE_TYPE: EnumDef = EnumDef {
    name: "service_type",
    values: &[
        ev!("skills_training", "技能培训"),
        ev!("employment", "就业安置"),
        ev!("subsistence_allowance", "低保"),
        ev!("housing", "廉租房", "公租房"),
        ev!("medical_aid", "医疗救助"),
        ev!("counseling", "心理辅导"),
        ev!("temporary_relief", "临时救助"),
        ev!("elderly_care", "养老服务"),
        ev!("education_aid", "助学"),
        ev!("other", "其他"),
    ],
};

pub const INCIDENT_KIND: EnumDef = EnumDef {
    name: "kind",
    values: &[
        ev!("self_harm", "自伤自残"),
        ev!("harm_to_others", "伤害他人"),
        ev!("drug_driving", "毒驾"),
        ev!("public_disorder", "滋事"),
        ev!("other", "其他"),
    ],
};

pub const REGION_LEVEL: EnumDef = EnumDef {
    name: "level",
    values: &[
        ev!("province", "省"),
        ev!("city", "市"),
        ev!("county", "县"),
        ev!("township", "乡镇"),
    ],
};

/// The value type of a column in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Non-empty identifier string, kept as written (trimmed).
    Id,
    /// Free text, kept as written (trimmed).
    Text,
    /// A calendar date.
    Date,
    /// An administrative division code (6, 9 or 12 digits; 12 is truncated to 9).
    Region,
    /// One value of an enumeration, stored as its English code.
    Enum(&'static EnumDef),
    /// The raw ID number: validated, then replaced by a keyed pseudonym.
    IdNumber,
    /// A name: read, never kept.
    Name,
    /// A whole number in `min..=max` (v1.2): decimal digits, full-width digits folded,
    /// `,` thousands separators and a trailing `人` accepted.
    Integer { min: i64, max: i64 },
}

/// Whether a column must be present and filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Req {
    /// Column and value required.
    Yes,
    /// Optional.
    No,
    /// Required, but may be derived from the ID number (`sex`, `birth_date`).
    FromIdNumber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub ty: ColType,
    pub req: Req,
}

impl ColumnDef {
    /// The Chinese header a platform export uses for this column (its first alias).
    pub fn zh_header(&self) -> &'static str {
        self.aliases.first().copied().unwrap_or(self.name)
    }

    /// Whether the header must be present in the file.
    pub fn header_required(&self) -> bool {
        self.req == Req::Yes
    }
}

macro_rules! col {
    ($name:literal, [$($alias:literal),*], $ty:expr, $req:expr) => {
        ColumnDef { name: $name, aliases: &[$($alias),*], ty: $ty, req: $req }
    };
}

use ColType::*;

const PERSONS: &[ColumnDef] = &[
    col!("person_id", ["人员编号", "人员ID"], Id, Req::Yes),
    col!("id_number", ["身份证号", "公民身份号码"], IdNumber, Req::No),
    col!("name", ["姓名"], Name, Req::No),
    col!("sex", ["性别"], Enum(&SEX), Req::FromIdNumber),
    col!("birth_date", ["出生日期"], Date, Req::FromIdNumber),
    col!("ethnicity", ["民族"], Text, Req::No),
    col!("hukou_region", ["户籍地", "户籍地区划"], Region, Req::Yes),
    col!("residence_region", ["居住地", "现居住地"], Region, Req::Yes),
    col!(
        "first_found_date",
        ["初次发现日期", "首次发现日期"],
        Date,
        Req::Yes
    ),
    col!(
        "first_found_region",
        ["初次发现地", "发现地"],
        Region,
        Req::Yes
    ),
    col!(
        "primary_drug",
        ["主要滥用毒品", "滥用毒品种类"],
        Enum(&DRUG),
        Req::Yes
    ),
    col!("occupation", ["职业"], Text, Req::No),
    col!("education", ["文化程度"], Text, Req::No),
    col!("death_date", ["死亡日期"], Date, Req::No),
    col!("departure_date", ["离境日期"], Date, Req::No),
];

const MEASURES: &[ColumnDef] = &[
    col!("measure_id", ["措施编号"], Id, Req::Yes),
    col!("person_id", ["人员编号"], Id, Req::Yes),
    col!("measure_type", ["措施类型"], Enum(&MEASURE_TYPE), Req::Yes),
    col!("decision_date", ["决定日期", "责令日期"], Date, Req::Yes),
    col!("report_date", ["报到日期", "入所日期"], Date, Req::No),
    col!("end_date", ["结束日期", "解除日期"], Date, Req::No),
    col!(
        "end_reason",
        ["结束原因", "解除原因"],
        Enum(&END_REASON),
        Req::No
    ),
    col!("region", ["执行地", "执行地区划"], Region, Req::Yes),
    col!("officer_id", ["专干编号", "负责专干"], Id, Req::No),
];

const DETECTIONS: &[ColumnDef] = &[
    col!("detection_id", ["查获编号"], Id, Req::Yes),
    col!("person_id", ["人员编号"], Id, Req::Yes),
    col!("date", ["查获日期"], Date, Req::Yes),
    col!("region", ["查获地"], Region, Req::Yes),
];

const TESTS: &[ColumnDef] = &[
    col!("test_id", ["检测编号"], Id, Req::Yes),
    col!("person_id", ["人员编号"], Id, Req::Yes),
    col!("date", ["检测日期"], Date, Req::Yes),
    col!("method", ["检测方式"], Enum(&TEST_METHOD), Req::Yes),
    col!("result", ["检测结果"], Enum(&TEST_RESULT), Req::Yes),
    col!("measure_id", ["措施编号"], Id, Req::No),
];

const TRANSFERS: &[ColumnDef] = &[
    col!("transfer_id", ["移交编号"], Id, Req::Yes),
    col!("person_id", ["人员编号"], Id, Req::Yes),
    col!("date", ["移交日期"], Date, Req::Yes),
    col!("from_region", ["移出地"], Region, Req::Yes),
    col!("to_region", ["接收地"], Region, Req::Yes),
    col!("measure_id", ["措施编号"], Id, Req::No),
];

const SERVICES: &[ColumnDef] = &[
    col!("service_id", ["帮扶编号"], Id, Req::Yes),
    col!("person_id", ["人员编号"], Id, Req::Yes),
    col!("date", ["帮扶日期"], Date, Req::Yes),
    col!("service_type", ["帮扶类型"], Enum(&SERVICE_TYPE), Req::Yes),
    col!("officer_id", ["专干编号"], Id, Req::No),
];

const OFFICERS: &[ColumnDef] = &[
    col!("officer_id", ["专干编号"], Id, Req::Yes),
    col!("region", ["所属地区", "所属乡镇"], Region, Req::Yes),
    col!("start_date", ["入职日期"], Date, Req::Yes),
    col!("end_date", ["离职日期"], Date, Req::No),
];

const REGIONS: &[ColumnDef] = &[
    col!("code", ["区划代码", "代码"], Region, Req::Yes),
    col!("name", ["名称", "区划名称"], Text, Req::Yes),
    col!("level", ["级别"], Enum(&REGION_LEVEL), Req::Yes),
    col!("parent", ["上级", "上级代码"], Region, Req::No),
];

const POPULATION: &[ColumnDef] = &[
    col!("region", ["区划代码", "地区代码", "地区"], Region, Req::Yes),
    col!(
        "year",
        ["年份", "年度"],
        Integer {
            min: 1949,
            max: 2100
        },
        Req::Yes
    ),
    col!(
        "population",
        ["常住人口", "人口数", "人口"],
        Integer {
            min: 1,
            max: i64::MAX
        },
        Req::Yes
    ),
];

const INCIDENTS: &[ColumnDef] = &[
    col!("incident_id", ["案事件编号", "事件编号"], Id, Req::Yes),
    col!("person_id", ["人员编号"], Id, Req::Yes),
    col!("date", ["发生日期", "案发日期"], Date, Req::Yes),
    col!("region", ["发生地", "案发地"], Region, Req::Yes),
    col!(
        "kind",
        ["类型", "案事件类型"],
        Enum(&INCIDENT_KIND),
        Req::Yes
    ),
];

/// The ten tables of the contract, in import order (referenced tables first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Regions,
    Persons,
    Measures,
    Detections,
    Tests,
    Transfers,
    Services,
    Officers,
    Population,
    Incidents,
}

impl Table {
    pub const ALL: [Table; 10] = [
        Table::Regions,
        Table::Persons,
        Table::Measures,
        Table::Detections,
        Table::Tests,
        Table::Transfers,
        Table::Services,
        Table::Officers,
        Table::Population,
        Table::Incidents,
    ];

    /// The canonical (English) name, also the Parquet file stem and the SQL table name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Regions => "regions",
            Table::Persons => "persons",
            Table::Measures => "measures",
            Table::Detections => "detections",
            Table::Tests => "tests",
            Table::Transfers => "transfers",
            Table::Services => "services",
            Table::Officers => "officers",
            Table::Population => "population",
            Table::Incidents => "incidents",
        }
    }

    /// Chinese file stems that name this table; the first is the one platforms use.
    pub fn zh_names(self) -> &'static [&'static str] {
        match self {
            Table::Regions => &["行政区划"],
            Table::Persons => &["人员", "吸毒人员"],
            Table::Measures => &["措施", "戒毒措施"],
            Table::Detections => &["查获", "查获记录"],
            Table::Tests => &["检测", "检测记录"],
            Table::Transfers => &["移交", "双向帮扶"],
            Table::Services => &["帮扶", "帮扶救助"],
            Table::Officers => &["专干", "禁毒专干"],
            Table::Population => &["人口"],
            Table::Incidents => &["肇事肇祸", "肇事肇祸案事件"],
        }
    }

    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Table::Regions => REGIONS,
            Table::Persons => PERSONS,
            Table::Measures => MEASURES,
            Table::Detections => DETECTIONS,
            Table::Tests => TESTS,
            Table::Transfers => TRANSFERS,
            Table::Services => SERVICES,
            Table::Officers => OFFICERS,
            Table::Population => POPULATION,
            Table::Incidents => INCIDENTS,
        }
    }

    pub fn column(self, name: &str) -> Option<&'static ColumnDef> {
        self.columns().iter().find(|c| c.name == name)
    }

    /// The date that dates a whole row (METRICS.md "Snapshot semantics"): a row dated
    /// after the cutoff `C` does not exist in the snapshot at `C`. Regions are undated.
    pub fn row_date(self) -> Option<&'static str> {
        match self {
            Table::Persons => Some("first_found_date"),
            Table::Measures => Some("decision_date"),
            Table::Detections
            | Table::Tests
            | Table::Transfers
            | Table::Services
            | Table::Incidents => Some("date"),
            Table::Officers => Some("start_date"),
            Table::Regions | Table::Population => None,
        }
    }

    /// The date columns that define the data cutoff `C` (METRICS.md "Time"): the latest
    /// date found in any of them (officer dates, birth, death and departure dates do
    /// not count, nor do incident dates: the list of METRICS.md does not name them).
    pub fn cutoff_columns(self) -> &'static [&'static str] {
        match self {
            Table::Persons => &["first_found_date"],
            Table::Measures => &["decision_date", "report_date", "end_date"],
            Table::Detections | Table::Tests | Table::Transfers | Table::Services => &["date"],
            Table::Officers | Table::Regions | Table::Population | Table::Incidents => &[],
        }
    }

    /// The column that identifies a row (`person_id` for persons, `code` for regions).
    pub fn id_column(self) -> &'static str {
        self.columns()[0].name
    }

    /// The columns whose values together identify a row (duplicates are judged on
    /// them): the id column, or (region, year) for the population table (v1.2).
    pub fn key_columns(self) -> &'static [&'static str] {
        match self {
            Table::Population => &["region", "year"],
            Table::Regions => &["code"],
            Table::Persons => &["person_id"],
            Table::Measures => &["measure_id"],
            Table::Detections => &["detection_id"],
            Table::Tests => &["test_id"],
            Table::Transfers => &["transfer_id"],
            Table::Services => &["service_id"],
            Table::Officers => &["officer_id"],
            Table::Incidents => &["incident_id"],
        }
    }

    /// Recognises a table from a file stem or a `--table NAME` value.
    pub fn from_name(stem: &str) -> Option<Table> {
        let key = normalize_name(stem);
        Table::ALL.into_iter().find(|t| {
            normalize_name(t.name()) == key || t.zh_names().iter().any(|z| normalize_name(z) == key)
        })
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Folds full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to their
/// half-width forms. Used for headers, enumeration values, codes, dates and ID numbers.
pub fn fold_width(s: &str) -> std::borrow::Cow<'_, str> {
    // ASCII text (most cells) has no full-width forms: one byte scan, no decoding.
    if s.is_ascii() || s.chars().all(|c| !is_full_width(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect(),
    )
}

fn is_full_width(c: char) -> bool {
    c == '\u{3000}' || ('\u{FF01}'..='\u{FF5E}').contains(&c)
}

/// Normalises a header or enumeration value for comparison: surrounding white space
/// removed (including the ideographic space), full-width folded, lower case.
pub fn normalize_name(s: &str) -> String {
    fold_width(s).trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_in_both_languages() {
        assert_eq!(Table::from_name("Persons"), Some(Table::Persons));
        assert_eq!(Table::from_name("吸毒人员"), Some(Table::Persons));
        assert_eq!(Table::from_name("双向帮扶"), Some(Table::Transfers));
        assert_eq!(Table::from_name("ＴＥＳＴＳ"), Some(Table::Tests));
        assert_eq!(Table::from_name("people"), None);
        assert_eq!(Table::from_name("人口"), Some(Table::Population));
        assert_eq!(Table::from_name("肇事肇祸案事件"), Some(Table::Incidents));
    }

    #[test]
    fn enum_values_match_like_headers() {
        assert_eq!(SEX.parse(" 男 "), Some("male"));
        assert_eq!(SEX.parse("m"), Some("male"));
        assert_eq!(SEX.parse("２"), Some("female"));
        assert_eq!(DRUG.parse("甲基苯丙胺"), Some("methamphetamine"));
        assert_eq!(DRUG.parse("METHAMPHETAMINE"), Some("methamphetamine"));
        assert_eq!(SERVICE_TYPE.parse("公租房"), Some("housing"));
        assert_eq!(END_REASON.parse("失控"), Some("lost_contact"));
        assert_eq!(MEASURE_TYPE.parse("强戒"), Some("compulsory_isolation"));
        assert_eq!(TEST_RESULT.parse("positive?"), None);
    }

    #[test]
    fn every_table_starts_with_its_id() {
        for t in Table::ALL {
            let id = t.columns()[0];
            assert_eq!(id.req, Req::Yes, "{t}");
            for k in t.key_columns() {
                assert_eq!(t.column(k).map(|c| c.req), Some(Req::Yes), "{t}.{k}");
            }
        }
    }

    #[test]
    fn no_alias_is_claimed_twice_within_a_table() {
        for t in Table::ALL {
            let mut seen = std::collections::HashSet::new();
            for c in t.columns() {
                assert!(seen.insert(normalize_name(c.name)), "{t}.{}", c.name);
                for a in c.aliases {
                    assert!(seen.insert(normalize_name(a)), "{t}: alias {a}");
                }
            }
        }
    }
}
