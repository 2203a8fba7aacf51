//! Diagnostics: what is wrong with a spec, where, and how to fix it.

use std::fmt;

use serde_json::{Value, json};

use crate::source_map::{SourceMap, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a path into the spec document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Where in the spec document a value sits, e.g. `tools[2].params[0].type`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Segment>);

impl Path {
    pub fn root() -> Self {
        Self::default()
    }

    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut path = self.clone();
        path.0.push(Segment::Key(key.into()));
        path
    }

    pub fn index(&self, index: usize) -> Self {
        let mut path = self.clone();
        path.0.push(Segment::Index(index));
        path
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if i == 0 => write!(f, "{key}")?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub path: Path,
    /// Where the parser itself saw the problem, when it knows.
    pub span: Option<Span>,
    pub help: Option<String>,
    /// Point at the key that ends `path` rather than at its value, e.g. for
    /// an unknown key. See [`SourceMap::locate_key`].
    pub use_key_span: bool,
}

impl Diagnostic {
    pub fn error(path: Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            path,
            span: None,
            help: None,
            use_key_span: false,
        }
    }

    pub fn warning(path: Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Points the diagnostic at the key that ends its path.
    pub fn at_key(mut self) -> Self {
        self.use_key_span = true;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where the diagnostic points: its own span, else its path in `map`.
    pub fn locate(&self, map: &SourceMap) -> Option<Span> {
        self.span.or_else(|| {
            if self.use_key_span {
                map.locate_key(&self.path)
            } else {
                map.locate(&self.path)
            }
        })
    }

    /// Renders the diagnostic for a terminal in the style of rustc, with
    /// the source line it points at:
    ///
    /// ```text
    /// error: unknown key `descripton` in a tool
    ///   --> specs/notes.yaml:12:5 (at tools[0].descripton)
    ///    |
    /// 12 |     descripton: Add a note
    ///    |     ^^^^^^^^^^
    ///    |
    ///    = help: did you mean `description`?
    /// ```
    ///
    /// `source_text` is the text `map` was built from. With `color`, the
    /// level, gutter and underline are coloured with ANSI escapes.
    pub fn render(&self, file: &str, source_text: &str, map: &SourceMap, color: bool) -> String {
        let style = Style { color };
        let level_code = match self.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
        };
        let span = self.locate(map);
        let snippet = span.and_then(|span| {
            let text = source_text.split('\n').nth(span.line.checked_sub(1)?)?;
            let text = text.strip_suffix('\r').unwrap_or(text);
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            Some((span, text))
        });
        // The gutter is as wide as the line number.
        let width = span.map_or(2, |span| span.line.to_string().len());
        let pad = " ".repeat(width);
        let bar = style.paint(BLUE, "|");

        let mut out = format!(
            "{}{}\n",
            style.paint(level_code, self.severity.as_str()),
            style.paint(BOLD, &format!(": {}", printable(&self.message))),
        );
        let location = match span {
            Some(span) => format!("{file}:{}:{}", span.line, span.column),
            None => file.to_string(),
        };
        let at = if self.path.0.is_empty() {
            String::new()
        } else {
            format!(" (at {})", printable(&self.path.to_string()))
        };
        out.push_str(&format!(
            "{pad}{} {location}{at}\n",
            style.paint(BLUE, "-->")
        ));
        if let Some((span, text)) = snippet {
            let (shown, offset, carets) = underline(text, span);
            let number = style.paint(BLUE, &span.line.to_string());
            out.push_str(&format!("{pad} {bar}\n"));
            out.push_str(format!("{number} {bar} {shown}").trim_end());
            out.push('\n');
            out.push_str(&format!(
                "{pad} {bar} {}{}\n",
                " ".repeat(offset),
                style.paint(level_code, &"^".repeat(carets)),
            ));
        }
        if let Some(help) = &self.help {
            if snippet.is_some() {
                out.push_str(&format!("{pad} {bar}\n"));
            }
            // Later lines of the help line up with its first.
            let indent = format!("\n{pad}   {}", " ".repeat("help: ".len()));
            out.push_str(&format!(
                "{pad} {} {}: {}\n",
                style.paint(BLUE, "="),
                style.paint(BOLD, "help"),
                printable(help).replace('\n', &indent),
            ));
        }
        out
    }

    /// The diagnostic as one JSON object, for `--message-format json`:
    /// `severity`, `message`, `file`, `path` (`""` for the document itself),
    /// `help` (or null), and 1-based `line`, `column` and exclusive
    /// `end_column` in characters (null when unknown).
    pub fn to_json(&self, file: &str, map: &SourceMap) -> Value {
        let span = self.locate(map);
        json!({
            "severity": self.severity.as_str(),
            "message": self.message,
            "file": file,
            "line": span.map(|s| s.line),
            "column": span.map(|s| s.column),
            "end_column": span.map(|s| s.column + s.len),
            "path": self.path.to_string(),
            "help": self.help,
        })
    }
}

const BOLD: &str = "1";
const RED: &str = "1;31";
const YELLOW: &str = "1;33";
const BLUE: &str = "1;34";

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Lines longer than this many characters are shown in part.
const LONG_LINE: usize = 160;
/// How many characters of a long line are shown before and after a span.
const CONTEXT: usize = 40;

/// How a source line is shown (tabs expanded, and a long line cut down to
/// the part around the span), and the column offset and width of the
/// underline for `span` in it.
fn underline(text: &str, span: Span) -> (String, usize, usize) {
    const TAB: &str = "    ";
    const ELLIPSIS: &str = "...";
    let width = |c: &char| if *c == '\t' { TAB.len() } else { 1 };
    let chars: Vec<char> = text.chars().collect();
    let start = span.column.saturating_sub(1);
    let mut len = span.len.max(1);
    let (mut from, mut to) = (0, chars.len());
    if chars.len() > LONG_LINE {
        len = len.min(LONG_LINE - 2 * CONTEXT);
        from = start.saturating_sub(CONTEXT).min(chars.len());
        to = (start + len + CONTEXT).clamp(from, chars.len());
    }
    let mut shown = String::new();
    if from > 0 {
        shown.push_str(ELLIPSIS);
    }
    shown.extend(chars[from..to].iter());
    if to < chars.len() {
        shown.push_str(ELLIPSIS);
    }
    // Past the end of the line, the underline goes on as if over spaces.
    let padded = || chars.iter().chain(std::iter::repeat(&' '));
    let offset = if from > 0 { ELLIPSIS.len() } else { 0 }
        + padded()
            .skip(from)
            .take(start - from)
            .map(width)
            .sum::<usize>();
    let carets = padded().skip(start).take(len).map(width).sum::<usize>();
    (shown.replace('\t', TAB), offset, carets)
}

/// The candidate that `word` is most likely a misspelling of: one that
/// differs only in case, else the closest by edit distance (with adjacent
/// transpositions) if that is at most a third of the word's length (at
/// least 1) and less than the longer length. Ties go to the earlier
/// candidate. `None` when `word` is itself a candidate: it is not misspelled.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    if lower.is_empty() {
        return None;
    }
    let limit = (lower.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == word {
            return None;
        }
        let other: Vec<char> = candidate.to_lowercase().chars().collect();
        if other.len().abs_diff(lower.len()) > limit {
            continue;
        }
        let distance = edit_distance(&lower, &other);
        let close = distance == 0 || (distance <= limit && distance < lower.len().max(other.len()));
        if close && best.is_none_or(|(best, _)| distance < best) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The optimal string alignment distance: insertions, deletions,
/// substitutions and transpositions of adjacent characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Counts of errors and warnings, e.g. `"2 errors, 1 warning"`; a zero
/// count is left out, and both zero give `"no errors or warnings"`.
pub fn summary(errors: usize, warnings: usize) -> String {
    let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no errors or warnings".to_string(),
        (errors, 0) => count(errors, "error"),
        (0, warnings) => count(warnings, "warning"),
        (errors, warnings) => format!("{}, {}", count(errors, "error"), count(warnings, "warning")),
    }
}

/// `text` with its control characters but line breaks escaped: messages
/// repeat names from the spec, and a terminal would act on an escape
/// sequence among them.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
name: notes
version: 0.1.0
description: Notes
tools:
  - name: list_notes
    description: List notes
  - name: get_note
    description: Get a note
    params:
      - name: id
  - name: add_note
    descripton: Add a note
    params:
      - name: text
        type: strin
";

    fn tool_path() -> Path {
        Path::root().key("tools").index(2)
    }

    #[test]
    fn paths_display_like_accessors() {
        let path = tool_path().key("params").index(0).key("type");
        assert_eq!(path.to_string(), "tools[2].params[0].type");
        assert_eq!(Path::root().to_string(), "");
        assert_eq!(Path::root().index(1).index(2).to_string(), "[1][2]");
    }

    #[test]
    fn renders_like_rustc() {
        let map = SourceMap::new(SOURCE);
        let diagnostic = Diagnostic::error(
            tool_path().key("descripton"),
            "unknown key `descripton` in a tool",
        )
        .with_help("did you mean `description`?")
        .at_key();
        assert_eq!(
            diagnostic.render("specs/notes.yaml", SOURCE, &map, false),
            "\
error: unknown key `descripton` in a tool
  --> specs/notes.yaml:12:5 (at tools[2].descripton)
   |
12 |     descripton: Add a note
   |     ^^^^^^^^^^
   |
   = help: did you mean `description`?
"
        );
    }

    #[test]
    fn renders_values_and_short_gutters() {
        let map = SourceMap::new(SOURCE);
        let diagnostic = Diagnostic::warning(Path::root().key("version"), "odd version");
        assert_eq!(
            diagnostic.render("notes.yaml", SOURCE, &map, false),
            "\
warning: odd version
 --> notes.yaml:2:10 (at version)
  |
2 | version: 0.1.0
  |          ^^^^^
"
        );
        let diagnostic = Diagnostic::error(
            tool_path().key("params").index(0).key("type"),
            "unknown type `strin`",
        );
        let rendered = diagnostic.render("notes.yaml", SOURCE, &map, false);
        assert!(rendered.contains("15 |         type: strin\n   |               ^^^^^\n"));
    }

    #[test]
    fn renders_missing_keys_at_their_parent() {
        let map = SourceMap::new(SOURCE);
        let diagnostic = Diagnostic::error(
            Path::root()
                .key("tools")
                .index(1)
                .key("params")
                .index(0)
                .key("type"),
            "missing key `type`",
        );
        assert_eq!(
            diagnostic.render("notes.yaml", SOURCE, &map, false),
            "\
error: missing key `type`
  --> notes.yaml:10:9 (at tools[1].params[0].type)
   |
10 |       - name: id
   |         ^^^^
"
        );
    }

    #[test]
    fn renders_without_a_location() {
        let map = SourceMap::new("a: [unclosed\n");
        let diagnostic = Diagnostic::error(tool_path().key("type"), "bad type").with_help("fix it");
        assert_eq!(
            diagnostic.render("x.yaml", "a: [unclosed\n", &map, false),
            "error: bad type\n  --> x.yaml (at tools[2].type)\n   = help: fix it\n"
        );
        let diagnostic = Diagnostic::error(Path::root(), "empty spec");
        assert_eq!(
            diagnostic.render("x.yaml", "", &SourceMap::new(""), false),
            "error: empty spec\n  --> x.yaml\n"
        );
    }

    #[test]
    fn an_explicit_span_wins() {
        let source = "a: 1\nb: [\n";
        let span = Span {
            line: 2,
            column: 4,
            len: 1,
        };
        let diagnostic = Diagnostic::error(Path::root(), "unclosed `[`").with_span(span);
        assert_eq!(
            diagnostic.render("x.yaml", source, &SourceMap::new(source), false),
            "error: unclosed `[`\n --> x.yaml:2:4\n  |\n2 | b: [\n  |    ^\n"
        );
    }

    #[test]
    fn renders_control_characters_escaped() {
        let diagnostic = Diagnostic::error(
            Path::root().key("a\u{1b}[2Jb"),
            "prompt `\u{1b}[31mred\u{7}` is unknown",
        )
        .with_help("rename `x\ty`");
        let rendered = diagnostic.render("x.yaml", "", &SourceMap::new(""), false);
        assert!(
            !rendered.contains('\u{1b}') && !rendered.contains('\u{7}'),
            "{rendered:?}"
        );
        assert!(
            rendered.contains(r"prompt `\u{1b}[31mred\u{7}` is unknown"),
            "{rendered}"
        );
        assert!(rendered.contains(r"rename `x\ty`"), "{rendered}");
    }

    #[test]
    fn renders_odd_lines_safely() {
        // Tabs are expanded, and the underline follows them.
        let source = "a:\t\"x\"\r\n";
        let diagnostic = Diagnostic::error(Path::root().key("a"), "bad");
        let rendered = diagnostic.render("x.yaml", source, &SourceMap::new(source), false);
        assert!(
            rendered.contains("1 | a:    \"x\"\n  |       ^^^\n"),
            "{rendered}"
        );
        // A span past the text (from another source) shows no snippet.
        let span = Span {
            line: 40,
            column: 3,
            len: 2,
        };
        let diagnostic = Diagnostic::error(Path::root(), "far").with_span(span);
        let rendered = diagnostic.render("x.yaml", source, &SourceMap::new(source), false);
        assert_eq!(rendered, "error: far\n  --> x.yaml:40:3\n");
        // A span past the end of its line, or empty, still gets a caret.
        let span = Span {
            line: 1,
            column: 10,
            len: 0,
        };
        let diagnostic = Diagnostic::error(Path::root(), "end").with_span(span);
        let rendered = diagnostic.render("x.yaml", "ab\n", &SourceMap::new("ab\n"), false);
        assert!(rendered.ends_with("1 | ab\n  |          ^\n"), "{rendered}");
        // A line of nothing but the BOM.
        let source = "\u{feff}\n";
        let span = Span {
            line: 1,
            column: 1,
            len: 1,
        };
        let diagnostic = Diagnostic::error(Path::root(), "empty").with_span(span);
        let rendered = diagnostic.render("x.yaml", source, &SourceMap::new(source), false);
        assert!(rendered.ends_with("  |\n1 |\n  | ^\n"), "{rendered:?}");
    }

    #[test]
    fn long_lines_are_cut_down() {
        let source = format!(
            "{{{}\"key\": \"value\"{}}}\n",
            "\"a\": 1, ".repeat(100),
            ", \"b\": 2".repeat(100)
        );
        let map = SourceMap::new(&source);
        let diagnostic = Diagnostic::error(Path::root().key("key"), "bad");
        let rendered = diagnostic.render("x.json", &source, &map, false);
        let shown = format!(
            "...{}\"key\": \"value\"{}...",
            " \"a\": 1,".repeat(4) + " ",
            ", \"b\": 2".repeat(5)
        );
        assert_eq!(
            rendered,
            format!(
                "error: bad\n --> x.json:1:809 (at key)\n  |\n1 | {shown}\n  | {}^^^^^^^\n",
                " ".repeat(3 + CONTEXT)
            )
        );
        // The underline of a long span is cut down too.
        let diagnostic = Diagnostic::error(Path::root(), "bad");
        let rendered = diagnostic.render("x.json", &source, &map, false);
        let underline = rendered.lines().last().unwrap();
        assert_eq!(
            underline,
            format!("  | {}", "^".repeat(LONG_LINE - 2 * CONTEXT))
        );
    }

    #[test]
    fn multi_line_help_lines_up() {
        let diagnostic = Diagnostic::error(Path::root(), "bad").with_help("one\ntwo");
        let rendered = diagnostic.render("x.yaml", "", &SourceMap::new(""), false);
        assert!(
            rendered.ends_with("   = help: one\n           two\n"),
            "{rendered}"
        );
    }

    /// Removes ANSI escape sequences.
    fn strip_ansi(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn colors_only_when_asked() {
        let map = SourceMap::new(SOURCE);
        let error = Diagnostic::error(tool_path().key("descripton"), "unknown key")
            .with_help("did you mean `description`?")
            .at_key();
        let plain = error.render("notes.yaml", SOURCE, &map, false);
        let colored = error.render("notes.yaml", SOURCE, &map, true);
        assert!(!plain.contains('\x1b'));
        assert_eq!(strip_ansi(&colored), plain);
        assert!(colored.starts_with("\x1b[1;31merror\x1b[0m\x1b[1m: unknown key\x1b[0m\n"));
        assert!(colored.contains("\x1b[1;34m-->\x1b[0m"));
        assert!(colored.contains("\x1b[1;34m12\x1b[0m \x1b[1;34m|\x1b[0m"));
        assert!(colored.contains("\x1b[1;31m^^^^^^^^^^\x1b[0m"));
        assert!(colored.contains("\x1b[1;34m=\x1b[0m \x1b[1mhelp\x1b[0m: did you mean"));

        let warning = Diagnostic::warning(Path::root().key("name"), "short name");
        let colored = warning.render("notes.yaml", SOURCE, &map, true);
        assert!(colored.starts_with("\x1b[1;33mwarning\x1b[0m"));
        assert!(colored.contains("\x1b[1;33m^^^^^\x1b[0m"));
        assert_eq!(
            strip_ansi(&colored),
            warning.render("notes.yaml", SOURCE, &map, false)
        );
    }

    #[test]
    fn json_output() {
        let map = SourceMap::new(SOURCE);
        let diagnostic = Diagnostic::error(tool_path().key("descripton"), "unknown key")
            .with_help("did you mean `description`?")
            .at_key();
        assert_eq!(
            diagnostic.to_json("notes.yaml", &map),
            json!({
                "severity": "error",
                "message": "unknown key",
                "file": "notes.yaml",
                "line": 12,
                "column": 5,
                "end_column": 15,
                "path": "tools[2].descripton",
                "help": "did you mean `description`?",
            })
        );
        let diagnostic = Diagnostic::warning(Path::root().key("x"), "odd");
        assert_eq!(
            diagnostic.to_json("x.yaml", &SourceMap::new("[")),
            json!({
                "severity": "warning",
                "message": "odd",
                "file": "x.yaml",
                "line": null,
                "column": null,
                "end_column": null,
                "path": "x",
                "help": null,
            })
        );
    }

    #[test]
    fn key_spans_and_value_spans() {
        let map = SourceMap::new(SOURCE);
        let path = tool_path().key("params").index(0).key("type");
        let value = Diagnostic::error(path.clone(), "x");
        let key = Diagnostic::error(path, "x").at_key();
        assert!(!value.use_key_span && key.use_key_span);
        assert_eq!(
            value.locate(&map),
            Some(Span {
                line: 15,
                column: 15,
                len: 5
            })
        );
        assert_eq!(
            key.locate(&map),
            Some(Span {
                line: 15,
                column: 9,
                len: 4
            })
        );
        assert!(value.is_error());
        assert!(!Diagnostic::warning(Path::root(), "w").is_error());
    }

    const KEYS: [&str; 5] = ["name", "description", "params", "type", "required"];

    #[test]
    fn suggests_close_words() {
        assert_eq!(did_you_mean("descripton", KEYS), Some("description"));
        assert_eq!(did_you_mean("desciption", KEYS), Some("description"));
        assert_eq!(did_you_mean("nmae", KEYS), Some("name")); // transposition
        assert_eq!(did_you_mean("nam", KEYS), Some("name"));
        assert_eq!(did_you_mean("param", KEYS), Some("params"));
        assert_eq!(did_you_mean("requird", KEYS), Some("required"));
        assert_eq!(did_you_mean("Type", KEYS), Some("type"));
        assert_eq!(did_you_mean("DESCRIPTION", KEYS), Some("description"));
        assert_eq!(did_you_mean("strin", ["string", "integer"]), Some("string"));
        assert_eq!(
            did_you_mean("intger", ["string", "integer"]),
            Some("integer")
        );
        // Ties go to the first candidate.
        assert_eq!(did_you_mean("bat", ["cat", "hat"]), Some("cat"));
        // Closer beats earlier.
        assert_eq!(
            did_you_mean("paramters", ["parameter", "parameters"]),
            Some("parameters")
        );
        // Same case beats other case only by distance.
        assert_eq!(did_you_mean("Name", ["NAME", "name"]), Some("NAME"));
    }

    #[test]
    fn does_not_suggest_far_words() {
        assert_eq!(did_you_mean("colour", KEYS), None);
        assert_eq!(did_you_mean("x", ["y"]), None);
        assert_eq!(did_you_mean("ab", ["cd"]), None);
        assert_eq!(did_you_mean("", KEYS), None);
        assert_eq!(did_you_mean("name", KEYS), None); // it is not misspelled
        assert_eq!(did_you_mean("name", ["names", "name"]), None);
        assert_eq!(did_you_mean("anything", []), None);
        assert_eq!(did_you_mean("descriptionandmore", KEYS), None);
        assert_eq!(did_you_mean("tpye", ["tp"]), None);
    }

    #[test]
    fn edit_distances() {
        let distance = |a: &str, b: &str| {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            edit_distance(&a, &b)
        };
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("abcd", "acbd"), 1);
        assert_eq!(distance("ca", "abc"), 3); // optimal string alignment
        assert_eq!(distance("héllo", "hello"), 1);
    }

    #[test]
    fn summaries() {
        assert_eq!(summary(2, 1), "2 errors, 1 warning");
        assert_eq!(summary(1, 2), "1 error, 2 warnings");
        assert_eq!(summary(1, 0), "1 error");
        assert_eq!(summary(3, 0), "3 errors");
        assert_eq!(summary(0, 1), "1 warning");
        assert_eq!(summary(0, 0), "no errors or warnings");
    }

    #[test]
    fn severities_display() {
        assert_eq!(Severity::Error.to_string(), "error");
        assert_eq!(Severity::Warning.as_str(), "warning");
    }
}
