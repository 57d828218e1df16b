//! Page frame and building blocks of the server-rendered HTML: the navigation, the
//! Chinese/English switch, tables from the output layer's [`Grid`], form controls.
//! Pages work without JavaScript; `app.js` only adds a busy note on long requests.

use super::http::{esc, url_encode};
use crate::output::Grid;

/// The language of a page (Chinese by default): the messages' language.
pub use crate::i18n::Lang;

/// The five pages, in navigation order: (path, Chinese, English).
pub const NAV: [(&str, &str, &str); 5] = [
    ("/data", "数据", "Data"),
    ("/metrics", "指标", "Indicators"),
    ("/cohort", "队列", "Cohorts"),
    ("/query", "查询", "Queries"),
    ("/report", "报告", "Reports"),
];

/// A whole page: head, navigation (the current page marked), the language switch
/// (back to the same page and query), and the body.
pub fn page(lang: Lang, current: &str, query: &str, title: &str, body: &str, raw: bool) -> String {
    let mut nav = String::new();
    for (path, zh, en) in NAV {
        let cur = if path == current {
            " aria-current=\"page\""
        } else {
            ""
        };
        nav.push_str(&format!(
            "<a href=\"{path}\"{cur}>{}</a>",
            esc(lang.t(zh, en))
        ));
    }
    let other = match lang {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    let back = if query.is_empty() {
        current.to_string()
    } else {
        format!("{current}?{query}")
    };
    let switch = format!(
        "<a class=\"lang\" href=\"/lang?to={}&amp;back={}\">{}</a>",
        other.0,
        url_encode(&back),
        other.1
    );
    let raw_note = if raw {
        format!(
            "<p class=\"raw\">{}</p>",
            lang.t(
                "原始数据模式（--raw）：小数字不隐藏，不得对外发布。",
                "Raw mode (--raw): small counts are not hidden; not for publication."
            )
        )
    } else {
        String::new()
    };
    format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} · jindu</title><link rel=\"stylesheet\" href=\"/assets/style.css\">\
<script src=\"/assets/app.js\" defer></script></head>\
<body><header><span class=\"brand\">jindu {}</span><nav>{nav}</nav>{switch}</header>\
<main>{raw_note}<h1>{}</h1>\n{body}\n</main></body></html>\n",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(title),
        esc(lang.t("禁毒统计工作台", "statistics workbench")),
        esc(title),
    )
}

/// An HTML table from the output layer's terminal grid (numbers right-aligned).
pub fn grid_table(g: &Grid, id: &str) -> String {
    let mut s = format!(
        "<div class=\"scroll\"><table id=\"{}\"><thead><tr>",
        esc(id)
    );
    for h in &g.headers {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &g.rows {
        s.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let cls = if g.right.get(i).copied().unwrap_or(false) {
                " class=\"n\""
            } else {
                ""
            };
            s.push_str(&format!("<td{cls}>{}</td>", esc(c)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    if let Some(f) = &g.footer {
        s.push_str(&format!("<p class=\"note\">{}</p>", esc(f)));
    }
    s
}

/// A `<select>` of (value, label) options with one selected.
pub fn select(name: &str, options: &[(String, String)], selected: &str) -> String {
    let mut s = format!("<select name=\"{}\" id=\"f-{}\">", esc(name), esc(name));
    for (v, l) in options {
        let sel = if v == selected { " selected" } else { "" };
        s.push_str(&format!(
            "<option value=\"{}\"{sel}>{}</option>",
            esc(v),
            esc(l)
        ));
    }
    s.push_str("</select>");
    s
}

/// A labelled form field.
pub fn field(label: &str, control: &str) -> String {
    format!("<label><span>{}</span>{control}</label>", esc(label))
}

/// An error box (the message is already free of personal data).
pub fn error_box(lang: Lang, msg: &str) -> String {
    format!(
        "<div class=\"error\" role=\"alert\"><strong>{}</strong> <pre>{}</pre></div>",
        esc(lang.t("出错：", "Error:")),
        esc(msg)
    )
}

pub fn note(msg: &str) -> String {
    format!("<p class=\"note\">{}</p>", esc(msg))
}

/// An inline SVG chart (plotters output, from our own code), in a figure.
pub fn chart(svg: &str, id: &str) -> String {
    // The SVG comes from crate::chart, which escapes every text it draws; only the
    // XML declaration is dropped so it can sit inside HTML.
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    format!("<figure class=\"chart\" id=\"{}\">{body}</figure>", esc(id))
}

/// The hidden CSRF field of a state-changing form.
pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(token)
    )
}
