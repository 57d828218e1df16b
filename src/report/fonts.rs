//! The fonts a report may use: the bundled Noto Sans CJK SC and Noto Serif CJK SC
//! subsets, Typst's own
//! fonts (typst-assets) and fonts from `--font-path` folders. No system fonts.
//!
//! [`FontStore::check_coverage`] finds characters of the report data that no
//! font has, before Typst would silently draw them as empty boxes.

use std::fmt;
use std::fs;
use std::hash::Hash as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

use super::ReportError;

/// Family name of the bundled CJK font; templates and charts use exactly this.
pub const CJK_FAMILY: &str = "Noto Sans CJK SC";

/// Noto Sans CJK SC Regular, subset (see `assets/fonts/README.md`).
pub static NOTO_SANS_SC_REGULAR: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansCJKsc-Regular-subset.otf");
/// Noto Sans CJK SC Bold, subset (see `assets/fonts/README.md`).
pub static NOTO_SANS_SC_BOLD: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansCJKsc-Bold-subset.otf");

/// Family name of the bundled serif (宋体-style) CJK font, for body text.
pub const SERIF_FAMILY: &str = "Noto Serif CJK SC";

/// Noto Serif CJK SC Regular, subset like the sans (see `assets/fonts/README.md`).
pub static NOTO_SERIF_SC_REGULAR: &[u8] =
    include_bytes!("../../assets/fonts/NotoSerifCJKsc-Regular-subset.otf");
/// Noto Serif CJK SC Bold, subset like the sans (see `assets/fonts/README.md`).
pub static NOTO_SERIF_SC_BOLD: &[u8] =
    include_bytes!("../../assets/fonts/NotoSerifCJKsc-Bold-subset.otf");

/// How many uncovered characters an error lists at most.
const MAX_REPORTED: usize = 20;

/// The fonts of one render, in a fixed order.
#[derive(Clone)]
pub struct FontStore {
    fonts: Vec<Font>,
    book: FontBook,
}

impl fmt::Debug for FontStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FontStore")
            .field("families", &self.families())
            .finish()
    }
}

impl FontStore {
    /// The bundled CJK fonts and Typst's own fonts, parsed once per process (every
    /// document of `--each` and of the workbench shares them).
    pub fn bundled() -> Self {
        static BUNDLED: OnceLock<FontStore> = OnceLock::new();
        BUNDLED.get_or_init(Self::parse_bundled).clone()
    }

    /// Parses the bundled fonts and hashes their data ahead of a render: Typst hashes
    /// a font's bytes (25 MB for the four CJK fonts) the first time a memoized call
    /// takes the font, and the bytes of the shared [`bundled`](Self::bundled) fonts
    /// keep their hash. Call it on a spare thread while the data loads.
    pub fn prepare_bundled() {
        for font in Self::bundled().fonts() {
            font.hash(&mut std::hash::DefaultHasher::new());
        }
    }

    fn parse_bundled() -> Self {
        let mut fonts = Vec::new();
        for data in [
            NOTO_SANS_SC_REGULAR,
            NOTO_SANS_SC_BOLD,
            NOTO_SERIF_SC_REGULAR,
            NOTO_SERIF_SC_BOLD,
        ] {
            fonts.extend(Font::iter(Bytes::new(data)));
        }
        for data in typst_assets::fonts() {
            fonts.extend(Font::iter(Bytes::new(data)));
        }
        Self::from_fonts(fonts)
    }

    /// The bundled fonts plus every font file (`.ttf`, `.otf`, `.ttc`, `.otc`)
    /// found in `dirs`, searched recursively in a sorted order.
    pub fn with_dirs(dirs: &[PathBuf]) -> Result<Self, ReportError> {
        let mut store = Self::bundled();
        if dirs.is_empty() {
            return Ok(store);
        }
        let mut fonts = std::mem::take(&mut store.fonts);
        for dir in dirs {
            let mut files = Vec::new();
            collect_font_files(dir, &mut files).map_err(|source| ReportError::FontDir {
                path: dir.clone(),
                source,
            })?;
            files.sort();
            for file in files {
                let data = fs::read(&file).map_err(|source| ReportError::FontDir {
                    path: file.clone(),
                    source,
                })?;
                fonts.extend(Font::iter(Bytes::new(data)));
            }
        }
        Ok(Self::from_fonts(fonts))
    }

    fn from_fonts(fonts: Vec<Font>) -> Self {
        let book = FontBook::from_fonts(&fonts);
        Self { fonts, book }
    }

    pub(crate) fn fonts(&self) -> &[Font] {
        &self.fonts
    }

    pub(crate) fn book(&self) -> &FontBook {
        &self.book
    }

    /// The font families available, sorted and deduplicated.
    pub fn families(&self) -> Vec<String> {
        let mut families: Vec<String> =
            self.fonts.iter().map(|f| f.info().family.clone()).collect();
        families.sort();
        families.dedup();
        families
    }

    /// Whether some font has a glyph for `c` (characters that need no glyph count as covered).
    pub fn covers(&self, c: char) -> bool {
        needs_no_glyph(c)
            || self
                .fonts
                .iter()
                .any(|font| font.info().coverage.contains(c as u32))
    }

    /// Checks that every character in every string (and object key) of `data`
    /// has a glyph in some font.
    pub fn check_coverage(&self, data: &Value) -> Result<(), ReportError> {
        let mut missing = Vec::new();
        let mut path = String::from("$");
        let mut covered = Covered::default();
        self.walk(data, &mut path, &mut missing, &mut covered);
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ReportError::MissingGlyphs(missing))
        }
    }

    fn walk(
        &self,
        value: &Value,
        path: &mut String,
        missing: &mut Vec<MissingGlyph>,
        covered: &mut Covered,
    ) {
        match value {
            Value::String(s) => self.check_str(s, path, missing, covered),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.walk(item, path, missing, covered);
                    path.truncate(len);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let len = path.len();
                    push_key(path, key);
                    self.check_str(key, path, missing, covered);
                    self.walk(item, path, missing, covered);
                    path.truncate(len);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn check_str(
        &self,
        s: &str,
        path: &str,
        missing: &mut Vec<MissingGlyph>,
        covered: &mut Covered,
    ) {
        for c in s.chars() {
            if missing.len() >= MAX_REPORTED {
                return;
            }
            if covered.contains(c) {
                continue;
            }
            if self.covers(c) {
                covered.insert(c);
            } else if !missing.iter().any(|m| m.character == c) {
                missing.push(MissingGlyph {
                    character: c,
                    json_path: path.to_string(),
                });
            }
        }
    }
}

/// The characters found covered so far in one check (each is looked up in the fonts
/// once).
struct Covered {
    ascii: [bool; 128],
    other: std::collections::HashSet<char>,
}

impl Default for Covered {
    fn default() -> Self {
        Covered {
            ascii: [false; 128],
            other: std::collections::HashSet::new(),
        }
    }
}

impl Covered {
    fn contains(&self, c: char) -> bool {
        match c as usize {
            i @ 0..128 => self.ascii[i],
            _ => self.other.contains(&c),
        }
    }

    fn insert(&mut self, c: char) {
        match c as usize {
            i @ 0..128 => self.ascii[i] = true,
            _ => {
                self.other.insert(c);
            }
        }
    }
}

/// A character of the report data that no font covers, with the JSON path of
/// its first occurrence (e.g. `$.counties[3].name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyph {
    pub character: char,
    pub json_path: String,
}

impl fmt::Display for MissingGlyph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' (U+{:04X}) at {}",
            self.character, self.character as u32, self.json_path
        )
    }
}

fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&serde_json::to_string(key).unwrap_or_default());
        path.push(']');
    }
}

/// Whitespace, controls and default-ignorable characters: Typst draws no glyph for them.
fn needs_no_glyph(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32,
            0x00AD
            | 0x034F
            | 0x061C
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xE0000..=0xE0FFF)
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_font_files(&path, out)?;
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bundled_fonts_have_the_cjk_family() {
        let store = FontStore::bundled();
        assert!(store.families().iter().any(|f| f == CJK_FAMILY));
        for c in "禁毒工作统计公报：≤—《》①℃堃喆昇旻𬌗㑇".chars() {
            assert!(store.covers(c), "{c} not covered");
        }
    }

    #[test]
    fn coverage_error_names_char_and_path() {
        let store = FontStore::bundled();
        let data = json!({
            "title": "禁毒",
            "counties": [{"name": "甲县"}, {"name": "乙县😀"}],
            "我的 key": "𠀀",
        });
        let err = store.check_coverage(&data).unwrap_err();
        let ReportError::MissingGlyphs(missing) = &err else {
            panic!("unexpected {err:?}")
        };
        assert_eq!(missing.len(), 2);
        assert_eq!(missing[0].character, '😀');
        assert_eq!(missing[0].json_path, "$.counties[1].name");
        assert_eq!(missing[1].character, '\u{20000}');
        assert_eq!(missing[1].json_path, "$[\"我的 key\"]");
        let msg = err.to_string();
        assert!(msg.contains("U+1F600"), "{msg}");
        assert!(msg.contains("U+20000"), "{msg}");
        assert!(msg.contains("--font-path"), "{msg}");
    }

    #[test]
    fn whitespace_needs_no_glyph() {
        let store = FontStore::bundled();
        assert!(store.check_coverage(&json!(["a\tb\n", "\u{200b}"])).is_ok());
    }
}
