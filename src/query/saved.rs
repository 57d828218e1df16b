//! Saved queries (`queries/NAME.sql`): the comment header, typed parameters and their
//! safe substitution into the SQL text.
//!
//! Header lines come first, one `-- key: value` each (see `docs/queries.md`):
//!
//! ```text
//! -- title: 本季度逾期未检测人员 / Persons overdue for a test this quarter
//! -- description: Persons under a community measure with no valid test this quarter.
//! -- param: region text default "64" "区划代码前缀 / region code prefix"
//! -- param: year integer default $year "年份 / year"
//! ```
//!
//! The body refers to parameters as `{name}`. Values are checked against their type
//! and written as SQL literals: integers as digits, dates as `DATE('YYYY-MM-DD')`, text
//! as a quoted string with `'` doubled. Text is never spliced raw.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::dates::{Days, iso};
use crate::input::values::parse_date;

/// The saved queries compiled into the binary (so an installed binary has them).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "overdue_tests",
        include_str!("../../queries/overdue_tests.sql"),
    ),
    (
        "lost_contact",
        include_str!("../../queries/lost_contact.sql"),
    ),
    ("new_users", include_str!("../../queries/new_users.sql")),
    (
        "cross_region",
        include_str!("../../queries/cross_region.sql"),
    ),
    (
        "services_by_type",
        include_str!("../../queries/services_by_type.sql"),
    ),
    (
        "officer_caseload",
        include_str!("../../queries/officer_caseload.sql"),
    ),
    (
        "unreported_measures",
        include_str!("../../queries/unreported_measures.sql"),
    ),
    (
        "relapse_list",
        include_str!("../../queries/relapse_list.sql"),
    ),
    ("escalations", include_str!("../../queries/escalations.sql")),
    ("stock_flow", include_str!("../../queries/stock_flow.sql")),
    (
        "measure_outcomes",
        include_str!("../../queries/measure_outcomes.sql"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Integer,
    Date,
    Text,
}

impl ParamType {
    pub fn parse(s: &str) -> Option<ParamType> {
        match s {
            "integer" | "int" => Some(ParamType::Integer),
            "date" => Some(ParamType::Date),
            "text" | "string" => Some(ParamType::Text),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::Integer => "integer",
            ParamType::Date => "date",
            ParamType::Text => "text",
        }
    }
}

/// A declared parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamDef {
    pub name: String,
    pub ty: ParamType,
    /// A literal default, or `$builtin` (see [`Builtins`]); None = required.
    pub default: Option<String>,
    pub description: String,
}

/// A parsed saved query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedQuery {
    pub name: String,
    pub title: String,
    pub description: String,
    pub params: Vec<ParamDef>,
    pub sql: String,
    /// Where it came from: a file, or `(built in)`.
    pub origin: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum QueryTextError {
    Header {
        origin: String,
        line: usize,
        message: String,
    },
    MissingParam {
        name: String,
        hint: String,
    },
    BadValue {
        name: String,
        value: String,
        message: String,
    },
    UnknownParam {
        name: String,
        known: String,
    },
    Syntax(String),
}

/// In the language of the messages (the catalogue).
impl std::fmt::Display for QueryTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::tr;
        let text = match self {
            QueryTextError::Header {
                origin,
                line,
                message,
            } => tr!(QueryHeader, origin = origin, line = line, message = message),
            QueryTextError::MissingParam { name, hint } => {
                tr!(QueryMissingParam, name = name, hint = hint)
            }
            QueryTextError::BadValue {
                name,
                value,
                message,
            } => tr!(
                QueryBadValue,
                name = name,
                value = format!("{value:?}"),
                message = message
            ),
            QueryTextError::UnknownParam { name, known } => {
                tr!(QueryUnknownParam, name = name, known = known)
            }
            QueryTextError::Syntax(p) => tr!(QueryParamSyntax, param = format!("{p:?}")),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for QueryTextError {}

/// Splits a header value into tokens: bare words and "quoted strings" (with \" escapes).
fn tokens(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while let Some(&c) = it.peek() {
        if c.is_whitespace() {
            it.next();
        } else if c == '"' {
            it.next();
            let mut t = String::new();
            loop {
                match it.next() {
                    None => return Err("unterminated \"string\"".into()),
                    Some('\\') => {
                        if let Some(n) = it.next() {
                            t.push(n);
                        }
                    }
                    Some('"') => break,
                    Some(ch) => t.push(ch),
                }
            }
            out.push(t);
        } else {
            let mut t = String::new();
            while let Some(&ch) = it.peek() {
                if ch.is_whitespace() {
                    break;
                }
                t.push(ch);
                it.next();
            }
            out.push(t);
        }
    }
    Ok(out)
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_lowercase() || f == '_')
        && c.all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
}

/// Parses `-- param: NAME TYPE [default VALUE] ["description"]`.
fn parse_param(v: &str) -> Result<ParamDef, String> {
    let t = tokens(v)?;
    let usage = "write it as: NAME TYPE [default VALUE] [\"description\"]";
    let name = t.first().ok_or(usage)?.clone();
    if !is_ident(&name) {
        return Err(format!(
            "parameter name {name:?} must be lower-case letters, digits, _"
        ));
    }
    let ty_s = t.get(1).ok_or(usage)?;
    let ty = ParamType::parse(ty_s)
        .ok_or_else(|| format!("type {ty_s:?} of {name}: use integer, date or text"))?;
    let mut default = None;
    let mut rest = &t[2..];
    if rest.first().is_some_and(|w| w == "default") {
        default = Some(rest.get(1).ok_or(usage)?.clone());
        rest = &rest[2..];
    }
    let description = rest.join(" ");
    Ok(ParamDef {
        name,
        ty,
        default,
        description,
    })
}

impl SavedQuery {
    /// Parses the header and keeps the whole text as the SQL (header comments included:
    /// they are SQL comments).
    pub fn parse(name: &str, text: &str, origin: &str) -> Result<SavedQuery, QueryTextError> {
        let mut q = SavedQuery {
            name: name.to_string(),
            title: String::new(),
            description: String::new(),
            params: Vec::new(),
            sql: text.to_string(),
            origin: origin.to_string(),
        };
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() {
                continue;
            }
            let Some(c) = l.strip_prefix("--") else {
                break; // the header ends at the first SQL line
            };
            let Some((key, value)) = c.split_once(':') else {
                continue; // a plain comment
            };
            let err = |message: String| QueryTextError::Header {
                origin: origin.to_string(),
                line: i + 1,
                message,
            };
            let value = value.trim();
            match key.trim() {
                "title" => q.title = value.to_string(),
                "description" => {
                    if !q.description.is_empty() {
                        q.description.push(' ');
                    }
                    q.description.push_str(value);
                }
                "param" => {
                    let p = parse_param(value).map_err(err)?;
                    if q.params.iter().any(|x| x.name == p.name) {
                        return Err(QueryTextError::Header {
                            origin: origin.to_string(),
                            line: i + 1,
                            message: format!("parameter {} declared twice", p.name),
                        });
                    }
                    q.params.push(p);
                }
                _ => {}
            }
        }
        if q.title.is_empty() {
            return Err(QueryTextError::Header {
                origin: origin.to_string(),
                line: 1,
                message: "no `-- title:` line".into(),
            });
        }
        Ok(q)
    }
}

/// Every saved query: the built-in ones, replaced by `dir/NAME.sql` of the same name,
/// plus the other `.sql` files of `dir`. Sorted by name.
pub fn all_saved(dir: &Path) -> Result<Vec<SavedQuery>, QueryTextError> {
    let mut map: BTreeMap<String, SavedQuery> = BTreeMap::new();
    for (name, text) in BUILTIN {
        map.insert(
            name.to_string(),
            SavedQuery::parse(name, text, "(built in)")?,
        );
    }
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut files: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        for p in files {
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if let Ok(text) = std::fs::read_to_string(&p) {
                let q = SavedQuery::parse(&name, &text, &p.display().to_string())?;
                map.insert(name, q);
            }
        }
    }
    Ok(map.into_values().collect())
}

/// Finds a saved query named by a path (`queries/x.sql`) or a name (`x`).
pub fn find_saved(arg: &str, dir: &Path) -> Result<Option<SavedQuery>, QueryTextError> {
    let path = Path::new(arg);
    if arg.ends_with(".sql") && path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| QueryTextError::Header {
            origin: arg.to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        return SavedQuery::parse(&name, &text, arg).map(Some);
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let looks_like_name = arg.ends_with(".sql") || is_ident(arg);
    if !looks_like_name {
        return Ok(None);
    }
    Ok(all_saved(dir)?.into_iter().find(|q| q.name == stem))
}

/// The dates every query can use as `{name}` (dates, except `year`).
#[derive(Debug, Clone, Copy)]
pub struct Builtins {
    /// The data cutoff `C`.
    pub cutoff: Days,
    /// The reference date of the views: `--param date=`, else `C`.
    pub as_of: Days,
}

impl Builtins {
    /// `(name, type, SQL literal)` of every built-in parameter.
    pub fn values(&self) -> Vec<(&'static str, ParamType, String)> {
        let d = self.as_of;
        let (y, m, _) = crate::dates::ymd(d);
        let (qs, qe) = crate::dates::quarters(y)[(m as usize - 1) / 3];
        let lit = |x: Days| format!("DATE('{}')", iso(x));
        vec![
            (
                "cutoff",
                ParamType::Date,
                format!("DATE('{}')", iso(self.cutoff)),
            ),
            ("as_of", ParamType::Date, lit(d)),
            ("date", ParamType::Date, lit(d)),
            ("year", ParamType::Integer, y.to_string()),
            ("quarter_start", ParamType::Date, lit(qs)),
            ("quarter_end", ParamType::Date, lit(qe)),
            ("year_start", ParamType::Date, lit(crate::dates::jan1(y))),
            ("year_end", ParamType::Date, lit(crate::dates::dec31(y))),
        ]
    }
}

/// A checked value as an SQL literal.
pub fn literal(name: &str, ty: ParamType, value: &str) -> Result<String, QueryTextError> {
    let bad = |message: &str| QueryTextError::BadValue {
        name: name.to_string(),
        value: value.to_string(),
        message: message.to_string(),
    };
    match ty {
        ParamType::Integer => {
            let v: i64 = value.trim().parse().map_err(|_| bad("not an integer"))?;
            Ok(v.to_string())
        }
        ParamType::Date => {
            let d = parse_date(value).map_err(|_| bad("not a date; write it as YYYY-MM-DD"))?;
            Ok(format!("DATE('{}')", iso(d)))
        }
        ParamType::Text => {
            if value.contains('\0') {
                return Err(bad("contains a NUL character"));
            }
            Ok(format!("'{}'", value.replace('\'', "''")))
        }
    }
}

/// Splits `--param NAME=VALUE` (or `NAME:TYPE=VALUE`).
pub fn split_param(s: &str) -> Result<(String, Option<ParamType>, String), QueryTextError> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| QueryTextError::Syntax(s.to_string()))?;
    let (name, ty) = match k.split_once(':') {
        Some((n, t)) => (
            n.trim(),
            Some(ParamType::parse(t.trim()).ok_or_else(|| QueryTextError::Syntax(s.to_string()))?),
        ),
        None => (k.trim(), None),
    };
    if !is_ident(name) {
        return Err(QueryTextError::Syntax(s.to_string()));
    }
    Ok((name.to_string(), ty, v.to_string()))
}

/// The SQL literal of every parameter a query may use: built-ins, then the declared
/// parameters (given value or default), then (for ad-hoc SQL, `declared = None`) the
/// given ones, text unless typed `NAME:TYPE=`.
pub fn resolve(
    declared: Option<&[ParamDef]>,
    given: &[(String, Option<ParamType>, String)],
    builtins: &Builtins,
) -> Result<BTreeMap<String, String>, QueryTextError> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let b = builtins.values();
    for (n, _, lit) in &b {
        out.insert(n.to_string(), lit.clone());
    }
    match declared {
        Some(defs) => {
            for (name, _, _) in given {
                if name != "date" && !defs.iter().any(|d| &d.name == name) {
                    let mut known: Vec<String> = defs
                        .iter()
                        .map(|d| format!("{} ({})", d.name, d.ty.as_str()))
                        .collect();
                    known.push("date (date, the reference date)".into());
                    return Err(QueryTextError::UnknownParam {
                        name: name.clone(),
                        known: known.join(", "),
                    });
                }
            }
            for d in defs {
                let lit = match given.iter().find(|g| g.0 == d.name) {
                    Some((_, _, v)) => literal(&d.name, d.ty, v)?,
                    None => match &d.default {
                        Some(v) if v.starts_with('$') => {
                            let key = &v[1..];
                            b.iter()
                                .find(|x| x.0 == key)
                                .map(|x| x.2.clone())
                                .ok_or_else(|| QueryTextError::BadValue {
                                    name: d.name.clone(),
                                    value: v.clone(),
                                    message: "unknown built-in default".into(),
                                })?
                        }
                        Some(v) => literal(&d.name, d.ty, v)?,
                        None => continue, // required: reported when used
                    },
                };
                out.insert(d.name.clone(), lit);
            }
        }
        None => {
            for (name, ty, v) in given {
                let ty = ty.unwrap_or(if name == "date" {
                    ParamType::Date
                } else {
                    ParamType::Text
                });
                out.insert(name.clone(), literal(name, ty, v)?);
            }
        }
    }
    Ok(out)
}

/// Replaces every `{name}` outside string literals and comments by its literal.
pub fn substitute(
    sql: &str,
    values: &BTreeMap<String, String>,
    declared: Option<&[ParamDef]>,
) -> Result<String, QueryTextError> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            // Copy a quoted literal or identifier as is (doubled quotes stay inside).
            out.push(c);
            i += 1;
            while i < chars.len() {
                out.push(chars[i]);
                if chars[i] == c {
                    if i + 1 < chars.len() && chars[i + 1] == c {
                        out.push(c);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            continue;
        }
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(chars[i]);
                i += 1;
            }
            continue;
        }
        if c == '{'
            && let Some(len) = chars[i + 1..].iter().position(|&x| x == '}')
        {
            let name: String = chars[i + 1..i + 1 + len].iter().collect();
            if is_ident(&name) {
                match values.get(&name) {
                    Some(lit) => out.push_str(lit),
                    None => {
                        let hint = match declared.and_then(|d| d.iter().find(|p| p.name == name)) {
                            Some(p) => format!(
                                " (a required {} parameter{})",
                                p.ty.as_str(),
                                if p.description.is_empty() {
                                    String::new()
                                } else {
                                    format!(": {}", p.description)
                                }
                            ),
                            None => String::new(),
                        };
                        return Err(QueryTextError::MissingParam { name, hint });
                    }
                }
                i += len + 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b() -> Builtins {
        let d = parse_date("2024-05-10").unwrap();
        Builtins {
            cutoff: d,
            as_of: d,
        }
    }

    #[test]
    fn header_and_params_parse() {
        let q = SavedQuery::parse(
            "x",
            "-- title: 标题 / Title\n-- description: one\n-- description: two\n\
             -- param: region text default \"64\" \"区划 / prefix\"\n\
             -- param: year integer default $year\n-- param: n integer\nSELECT 1",
            "test",
        )
        .unwrap();
        assert_eq!(q.title, "标题 / Title");
        assert_eq!(q.description, "one two");
        assert_eq!(q.params.len(), 3);
        assert_eq!(q.params[0].default.as_deref(), Some("64"));
        assert_eq!(q.params[0].description, "区划 / prefix");
        assert_eq!(q.params[2].default, None);
    }

    #[test]
    fn text_is_quoted_and_escaped() {
        assert_eq!(
            literal("r", ParamType::Text, "O'Brien").unwrap(),
            "'O''Brien'"
        );
        assert!(literal("y", ParamType::Integer, "2024; DROP").is_err());
        assert_eq!(
            literal("d", ParamType::Date, "2024/3/5").unwrap(),
            "DATE('2024-03-05')"
        );
    }

    #[test]
    fn substitution_skips_literals_and_names_missing_params() {
        let mut v = BTreeMap::new();
        v.insert("r".to_string(), "'6''4'".to_string());
        let s = substitute("SELECT '{r}' AS a, {r} AS b -- {zz}\n", &v, None).unwrap();
        assert_eq!(s, "SELECT '{r}' AS a, '6''4' AS b -- {zz}\n");
        let e = substitute("SELECT {zz}", &v, None).unwrap_err();
        assert!(e.to_string().contains("missing parameter zz"), "{e}");
    }

    #[test]
    fn quarters_of_the_reference_date() {
        let v = b().values();
        let get = |n: &str| v.iter().find(|x| x.0 == n).unwrap().2.clone();
        assert_eq!(get("quarter_start"), "DATE('2024-04-01')");
        assert_eq!(get("quarter_end"), "DATE('2024-06-30')");
        assert_eq!(get("year"), "2024");
    }

    #[test]
    fn builtin_queries_parse() {
        for (name, text) in BUILTIN {
            let q = SavedQuery::parse(name, text, "builtin").unwrap();
            assert!(q.title.contains(" / "), "{name}: bilingual title");
        }
    }
}
