//! The text nodes of an SVG chart; shared by the integration tests (through
//! `common`) and the chart unit tests (by path).

/// The contents of the `<text>` elements of `svg`, in order, trimmed and unescaped.
pub fn svg_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let open_end = rest.find('>').expect("a <text> tag ends");
        let close = rest.find("</text>").expect("a <text> element is closed");
        out.push(
            rest[open_end + 1..close]
                .trim()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        rest = &rest[close + "</text>".len()..];
    }
    out
}

/// Whether `s` has a CJK character (ideographs, CJK punctuation, full-width forms).
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(
            c as u32,
            0x3000..=0x303F
                | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF
                | 0xF900..=0xFAFF
                | 0xFF00..=0xFFEF
                | 0x20000..=0x3FFFF
        )
    })
}
