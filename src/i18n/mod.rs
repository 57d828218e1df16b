//! The language of user-facing messages: the one message catalogue ([`catalogue`],
//! keyed by [`Msg`], each entry in Chinese and English with the same named parameters),
//! the choice of language (`--lang zh|en`, else the locale) and the rendering of an
//! entry with its parameters.
//!
//! The language is chosen once by the command line ([`select`], then [`set`]) before
//! anything is printed; library code that renders a message for a person either takes
//! a [`Lang`] or builds a [`Text`] holding both languages (a quarantine record keeps
//! both; a report shows the chosen one). Without a choice the library speaks English.
//! The bulletin's own language is not this: `jindu report --lang` chooses it and its
//! default stays Chinese whatever the locale.

pub mod catalogue;
pub mod help_text;

use std::ffi::OsString;
use std::fmt::{self, Display};
use std::sync::atomic::{AtomicU8, Ordering};

pub use catalogue::Msg;
pub use help_text::Help;

/// A language of the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en` (case-insensitive; `zh-CN`, `zh_TW`, `en-US` … accepted).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "zh" || s.starts_with("zh-") || s.starts_with("zh_") {
            Some(Lang::Zh)
        } else if s == "en" || s.starts_with("en-") || s.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The one of two texts in this language (for pages that hold both inline).
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language of a POSIX locale: the first non-empty of `LC_ALL`, `LC_MESSAGES`
    /// and `LANG` (their order of precedence); Chinese when it starts with `zh`, English
    /// otherwise (also `C`, `POSIX` and no locale at all).
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| var(k))
            .find(|v| !v.is_empty());
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// The language asked for on a command line: the value of the last `--lang X` or
/// `--lang=X` before a `--`, if it names a language; otherwise the locale's. Scanned
/// before clap runs, so that clap's help is already in that language.
pub fn select(args: &[OsString], var: impl Fn(&str) -> Option<String>) -> Lang {
    let mut chosen = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            if let Some(v) = it.next() {
                chosen = Lang::parse(&v).or(chosen);
            }
        } else if let Some(v) = a.strip_prefix("--lang=") {
            chosen = Lang::parse(v).or(chosen);
        }
    }
    chosen.unwrap_or_else(|| Lang::from_locale(var))
}

/// 0 = not chosen (English), 1 = Chinese, 2 = English.
static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Sets the language of this process's messages (the command line does it once).
pub fn set(lang: Lang) {
    CURRENT.store(
        match lang {
            Lang::Zh => 1,
            Lang::En => 2,
        },
        Ordering::Relaxed,
    );
}

/// The language of this process's messages (English until [`set`]).
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Zh,
        _ => Lang::En,
    }
}

/// Named parameters of a message: `&[("path", &path.display())]`.
pub type Params<'a> = [(&'a str, &'a dyn Display)];

/// Replaces each `{name}` of `template` by its parameter. A name without a parameter
/// stays as written (the catalogue test checks that the two languages use the same
/// names, and call sites pass them through [`crate::msg!`]).
pub(crate) fn fill(template: &str, params: &Params<'_>) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                let name = &after[..close];
                match params.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => {
                        let _ = write!(out, "{v}");
                    }
                    None => {
                        debug_assert!(false, "message parameter {{{name}}} not given");
                        out.push_str(&rest[open..open + close + 2]);
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// The named parameters of a template, in order of first use.
pub fn param_names(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                if !names.contains(&&after[..close]) {
                    names.push(&after[..close]);
                }
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

/// A message in both languages. Shown in the chosen language; serialised (manifest,
/// `--format json`) in English so that machine-read files do not depend on the locale.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    /// Renders a message once per language, for parameters that are themselves
    /// language-dependent (a table's name, a nested message).
    pub fn each(render: impl Fn(Lang) -> String) -> Text {
        Text {
            zh: render(Lang::Zh),
            en: render(Lang::En),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get(current()))
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en)
    }
}

/// A catalogue entry with named parameters, as a [`Text`] in both languages:
/// `msg!(FileEmpty, path = p.display())`.
#[macro_export]
macro_rules! msg {
    ($id:ident $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::i18n::Msg::$id.text(&[$((stringify!($k), &$v as &dyn ::std::fmt::Display)),*])
    };
}

/// A catalogue entry with named parameters in the current language, as a `String`.
#[macro_export]
macro_rules! tr {
    ($id:ident $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::i18n::Msg::$id.render(
            $crate::i18n::current(),
            &[$((stringify!($k), &$v as &dyn ::std::fmt::Display)),*],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| v.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone())
    }

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    /// (id, zh, en) of every entry of both catalogues (messages and help).
    fn all_entries() -> Vec<(&'static str, &'static str, &'static str)> {
        let msgs = Msg::ALL.iter().map(|m| (m.id(), m.zh(), m.en()));
        let help = Help::ALL.iter().map(|h| (h.id(), h.zh(), h.en()));
        msgs.chain(help).collect()
    }

    /// Every entry has both languages, a Chinese text that holds Chinese, and the same
    /// named parameters in both.
    #[test]
    fn every_entry_is_bilingual_with_the_same_parameters() {
        assert!(!Msg::ALL.is_empty() && !Help::ALL.is_empty());
        for (m, zh, en) in all_entries() {
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{m:?}");
            // An entry with words (not only parameters and punctuation) has Chinese ones.
            let words = param_names(en)
                .iter()
                .fold(en.to_string(), |w, p| w.replace(&format!("{{{p}}}"), ""));
            assert!(
                !words.chars().any(|c| c.is_ascii_alphabetic())
                    || zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{m:?}: the Chinese text has no Chinese: {zh}"
            );
            let (mut pz, mut pe) = (param_names(zh), param_names(en));
            pz.sort_unstable();
            pe.sort_unstable();
            assert_eq!(pz, pe, "{m:?}: parameters differ between zh and en");
        }
    }

    /// The file-level messages documented in docs/data-contract.md are the catalogue's.
    #[test]
    fn documented_messages_are_the_catalogue_ones() {
        let doc = include_str!("../../docs/data-contract.md");
        let mut rows = 0;
        for line in doc.lines() {
            let Some(m) = Msg::ALL
                .iter()
                .find(|m| line.starts_with(&format!("| `{}` |", m.id())))
            else {
                continue;
            };
            assert_eq!(line, format!("| `{}` | {} | {} |", m.id(), m.zh(), m.en()));
            rows += 1;
        }
        assert!(
            rows >= 10,
            "only {rows} catalogue rows in docs/data-contract.md"
        );
    }

    #[test]
    fn entry_ids_are_unique() {
        let mut ids: Vec<&str> = all_entries().into_iter().map(|e| e.0).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn parameters_are_filled_by_name() {
        let t = fill(
            "{path}: 第{line}行 {path}",
            &[("line", &7), ("path", &"a.csv")],
        );
        assert_eq!(t, "a.csv: 第7行 a.csv");
        // Braces that are not a parameter name stay.
        assert_eq!(fill("{} {X} {a-b}", &[]), "{} {X} {a-b}");
        assert_eq!(param_names("{a} {b_c} {a} {}"), vec!["a", "b_c"]);
    }

    #[test]
    fn the_macro_builds_both_languages() {
        let t = crate::msg!(FileEmpty, path = "人员.csv");
        assert!(
            t.zh.starts_with("人员.csv") && t.zh.contains('空'),
            "{}",
            t.zh
        );
        assert!(t.en.starts_with("人员.csv: the file is empty"), "{}", t.en);
    }

    #[test]
    fn the_locale_chooses_chinese_only_for_zh() {
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_locale(env(&[("LANG", "C")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        // LC_ALL before LC_MESSAGES before LANG; empty values do not count.
        let e = env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]);
        assert_eq!(Lang::from_locale(e), Lang::En);
        let e = env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW"), ("LANG", "C")]);
        assert_eq!(Lang::from_locale(e), Lang::Zh);
    }

    #[test]
    fn the_lang_option_wins_over_the_locale() {
        let zh = env(&[("LANG", "zh_CN.UTF-8")]);
        assert_eq!(select(&args(&["jindu", "check", "x"]), &zh), Lang::Zh);
        assert_eq!(
            select(&args(&["jindu", "check", "--lang", "en", "x"]), &zh),
            Lang::En
        );
        assert_eq!(
            select(&args(&["jindu", "--lang=en", "check"]), &zh),
            Lang::En
        );
        let c = env(&[("LANG", "C")]);
        assert_eq!(
            select(&args(&["jindu", "--lang", "zh", "check"]), &c),
            Lang::Zh
        );
        // After `--` it is an operand; an unknown value is left for clap to refuse.
        assert_eq!(
            select(&args(&["jindu", "--", "--lang", "zh"]), &c),
            Lang::En
        );
        assert_eq!(select(&args(&["jindu", "--lang", "fr"]), &c), Lang::En);
    }
}
