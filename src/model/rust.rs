//! Spec text to Rust source text: string literals and doc comments that are
//! valid, lint-clean and faithful whatever the text holds.

/// A Rust string literal whose value is exactly `text`.
///
/// `Debug` escapes quotes, backslashes, control characters and invisible
/// code points (bidirectional overrides among them), so the literal is both
/// valid and free of rustc's bidi-codepoint lints.
pub fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

/// A `format!` string literal that prints `parts` with each argument in place.
pub fn format_literal<'a>(parts: impl IntoIterator<Item = FormatPart<'a>>) -> String {
    let mut format = String::new();
    for part in parts {
        match part {
            FormatPart::Text(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            FormatPart::Arg(name) => {
                format.push('{');
                format.push_str(name);
                format.push('}');
            }
        }
    }
    string_literal(&format)
}

pub enum FormatPart<'a> {
    Text(&'a str),
    Arg(&'a str),
}

/// The lines of a doc comment (without `/// `) that render `text` faithfully
/// enough for a human, and pass rustdoc and clippy's doc lints.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    // Within a list item: the column where its text starts.
    let mut in_list: Option<usize> = None;
    for raw in text.trim().lines() {
        let line: String = raw
            .trim_end()
            .chars()
            .map(|c| {
                if c.is_control() || is_invisible(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let trimmed = line.trim_start();
        let item = if ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m)) {
            Some(2)
        } else {
            trimmed
                .split_once(". ")
                .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .map(|(n, _)| n.len() + 2)
        };
        if trimmed.is_empty() {
            in_list = None;
            lines.push(String::new());
        } else if item.is_some() {
            in_list = item;
            lines.push(trimmed.to_owned());
        } else if let Some(indent) = in_list {
            // A continuation of a list item must be indented to its text
            // to stay in it: 2 columns after `- `, 3 after `1. `.
            lines.push(format!("{}{trimmed}", " ".repeat(indent)));
        } else {
            lines.push(trimmed.to_owned());
        }
    }
    // Collapse runs of blank lines.
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    lines
}

/// Code points that render as nothing or reorder text: rustc rejects the
/// bidirectional ones in comments.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'
        | '\u{061C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_everything_that_needs_it() {
        assert_eq!(string_literal(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(string_literal("line\nnext\t"), r#""line\nnext\t""#);
        assert_eq!(string_literal("\u{202E}rtl"), r#""\u{202e}rtl""#);
        assert_eq!(string_literal("\"#"), r##""\"#""##);
    }

    #[test]
    fn format_literals_escape_braces() {
        let literal = format_literal([
            FormatPart::Text("{{ x }} about "),
            FormatPart::Arg("topic"),
            FormatPart::Text("."),
        ]);
        assert_eq!(literal, r#""{{{{ x }}}} about {topic}.""#);
    }

    #[test]
    fn doc_lines_keep_lists_together() {
        assert_eq!(
            doc_lines("Does a thing.\n\n- one\ncontinued\n\nEnd \u{202E}."),
            vec!["Does a thing.", "", "- one", "  continued", "", "End  ."]
        );
        assert_eq!(
            doc_lines("1. one\n10. ten\ncontinued"),
            vec!["1. one", "10. ten", "    continued"]
        );
    }
}
