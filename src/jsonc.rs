//! Surgical edits of JSON configuration files that may hold comments and
//! trailing commas (JSONC, as VS Code's `mcp.json` and Zed's
//! `settings.json` do): the file is parsed to find where things are, and
//! only the bytes of the one entry that changes are rewritten. Everything
//! else, comments and formatting included, stays byte for byte.
//!
//! No crate on crates.io both parses JSONC and edits it in place keeping
//! the rest of the text (serde_json drops comments; json5 parsers do too),
//! so this is a small recursive-descent parser that records spans.

use serde_json::Value;

/// A parsed value: where it is in the text, and what it holds.
#[derive(Debug)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    /// Members: the key (unescaped), where the key starts, and the value.
    Object(Vec<(String, usize, Node)>),
    Array(Vec<Node>),
    Scalar,
}

/// Parses `text` as JSONC; the error names the line and what was expected.
pub fn parse(text: &str) -> Result<Node, String> {
    let mut parser = Parser {
        text: text.as_bytes(),
        pos: 0,
    };
    parser.skip()?;
    let node = parser.value(0)?;
    parser.skip()?;
    if parser.pos != parser.text.len() {
        return Err(parser.error("the end of the file"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, expected: &str) -> String {
        let line = self.text[..self.pos.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("expected {expected} at line {line}")
    }

    /// Skips whitespace and comments.
    fn skip(&mut self) -> Result<(), String> {
        loop {
            match self.text.get(self.pos..self.pos + 2) {
                Some(b"//") => {
                    while self.pos < self.text.len() && self.text[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                Some(b"/*") => {
                    let Some(end) = self.text[self.pos + 2..]
                        .windows(2)
                        .position(|w| w == b"*/")
                    else {
                        return Err(self.error("`*/` closing the comment"));
                    };
                    self.pos += 2 + end + 2;
                }
                _ => match self.text.get(self.pos) {
                    Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                    _ => return Ok(()),
                },
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, String> {
        if depth > 128 {
            return Err(self.error("less nesting"));
        }
        let start = self.pos;
        let kind = match self.text.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut members = Vec::new();
                loop {
                    self.skip()?;
                    if self.text.get(self.pos) == Some(&b'}') {
                        self.pos += 1;
                        break;
                    }
                    let key_start = self.pos;
                    if self.text.get(self.pos) != Some(&b'"') {
                        return Err(self.error("a key in double quotes, or `}`"));
                    }
                    self.string()?;
                    let key: String = serde_json::from_slice(&self.text[key_start..self.pos])
                        .map_err(|_| self.error("a valid key"))?;
                    self.skip()?;
                    if self.text.get(self.pos) != Some(&b':') {
                        return Err(self.error("`:`"));
                    }
                    self.pos += 1;
                    self.skip()?;
                    let value = self.value(depth + 1)?;
                    members.push((key, key_start, value));
                    self.skip()?;
                    match self.text.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {}
                        _ => return Err(self.error("`,` or `}`")),
                    }
                }
                Kind::Object(members)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip()?;
                    if self.text.get(self.pos) == Some(&b']') {
                        self.pos += 1;
                        break;
                    }
                    items.push(self.value(depth + 1)?);
                    self.skip()?;
                    match self.text.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {}
                        _ => return Err(self.error("`,` or `]`")),
                    }
                }
                Kind::Array(items)
            }
            Some(b'"') => {
                self.string()?;
                serde_json::from_slice::<String>(&self.text[start..self.pos])
                    .map_err(|_| self.error("a valid string"))?;
                Kind::Scalar
            }
            Some(_) => {
                while self
                    .text
                    .get(self.pos)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                {
                    self.pos += 1;
                }
                let word = &self.text[start..self.pos];
                let literal = matches!(word, b"true" | b"false" | b"null");
                if !literal && serde_json::from_slice::<serde_json::Number>(word).is_err() {
                    self.pos = start;
                    return Err(self.error("a value"));
                }
                Kind::Scalar
            }
            None => return Err(self.error("a value")),
        };
        Ok(Node {
            start,
            end: self.pos,
            kind,
        })
    }

    /// Moves past a string, at its opening quote.
    fn string(&mut self) -> Result<(), String> {
        self.pos += 1;
        loop {
            match self.text.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => self.pos += 2,
                Some(b'\n') | None => return Err(self.error("`\"` closing the string")),
                Some(_) => self.pos += 1,
            }
        }
    }
}

impl Node {
    pub fn member(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Object(members) => members.iter().find(|(k, ..)| k == key).map(|(.., v)| v),
            _ => None,
        }
    }
}

/// The indentation of the line that `pos` is on.
fn indent_at(text: &str, pos: usize) -> &str {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// `value` as pretty JSON, its lines after the first indented by `indent`.
fn pretty(value: &Value, indent: &str) -> String {
    let text = serde_json::to_string_pretty(value).expect("JSON serializes");
    text.replace('\n', &format!("\n{indent}"))
}

/// The text with `value` inserted as the last member of the object `node`,
/// under `key`.
fn insert_member(text: &str, node: &Node, key: &str, value: &Value) -> String {
    let Kind::Object(members) = &node.kind else {
        unreachable!("callers pass objects")
    };
    let outer = indent_at(text, node.start).to_owned();
    let close = node.end - 1;
    let indent = match members.first() {
        Some((_, key_start, _))
            if text[..*key_start].ends_with(indent_at(text, *key_start))
                && text[node.start..*key_start].contains('\n') =>
        {
            indent_at(text, *key_start).to_owned()
        }
        _ => format!("{outer}  "),
    };
    let key = serde_json::to_string(key).expect("JSON serializes");
    let member = format!("{key}: {}", pretty(value, &indent));
    match members.last() {
        None => {
            let inner = &text[node.start + 1..close];
            let tail = if inner.contains('\n') {
                String::new()
            } else {
                format!("\n{outer}")
            };
            format!(
                "{}\n{indent}{member}{tail}{}",
                &text[..node.start + 1],
                &text[node.start + 1..]
            )
        }
        Some((_, _, last)) => {
            // After the last member: its comma, if any, then comments and
            // space up to the closing brace. The new member goes after the
            // last comment, so comments stay with the lines they were on.
            let after = &text[last.end..close];
            let has_comma = after.trim_start().starts_with(',');
            let content_end = last.end + after.trim_end().len();
            let comma_at = last.end;
            let mut out = String::with_capacity(text.len() + member.len() + 8);
            out.push_str(&text[..comma_at]);
            if !has_comma {
                out.push(',');
            }
            out.push_str(&text[comma_at..content_end]);
            out.push('\n');
            out.push_str(&indent);
            out.push_str(&member);
            out.push_str(&text[content_end..]);
            out
        }
    }
}

/// Sets `root[section][name]` to `value`, creating `section` if missing,
/// rewriting only that entry. `text` must parse.
pub fn set_entry(text: &str, section: &str, name: &str, value: &Value) -> Result<String, String> {
    let root = parse(text)?;
    if !matches!(root.kind, Kind::Object(_)) {
        return Err("the file does not hold a JSON object".into());
    }
    match root.member(section) {
        None => {
            let mut object = serde_json::Map::new();
            object.insert(name.to_owned(), value.clone());
            Ok(insert_member(text, &root, section, &Value::Object(object)))
        }
        Some(node) => {
            if !matches!(node.kind, Kind::Object(_)) {
                return Err(format!("`{section}` is not an object"));
            }
            match node.member(name) {
                Some(old) => {
                    let indent = indent_at(text, old.start);
                    Ok(format!(
                        "{}{}{}",
                        &text[..old.start],
                        pretty(value, indent),
                        &text[old.end..]
                    ))
                }
                None => Ok(insert_member(text, node, name, value)),
            }
        }
    }
}

/// Appends each of `items` to the array `root[section]` (creating it) unless
/// an element with the same `id` is there already. `text` must parse.
pub fn add_inputs(text: &str, section: &str, items: &[Value]) -> Result<String, String> {
    let mut text = text.to_owned();
    for item in items {
        let root = parse(&text)?;
        let Some(array) = root.member(section) else {
            text = insert_member(&text, &root, section, &Value::Array(vec![item.clone()]));
            continue;
        };
        let Kind::Array(elements) = &array.kind else {
            return Err(format!("`{section}` is not an array"));
        };
        let id = &item["id"];
        let present = elements.iter().any(|element| {
            serde_json::from_str::<Value>(&strip(&text[element.start..element.end]))
                .is_ok_and(|v| &v["id"] == id)
        });
        if present {
            continue;
        }
        let close = array.end - 1;
        let outer = indent_at(&text, array.start).to_owned();
        let indent = format!("{outer}  ");
        let element = pretty(item, &indent);
        text = match elements.last() {
            None => format!(
                "{}\n{indent}{element}\n{outer}{}",
                &text[..array.start + 1],
                &text[close..]
            ),
            Some(last) => {
                let after = &text[last.end..close];
                let has_comma = after.trim_start().starts_with(',');
                let content_end = last.end + after.trim_end().len();
                format!(
                    "{}{}{}\n{indent}{element}{}",
                    &text[..last.end],
                    if has_comma { "" } else { "," },
                    &text[last.end..content_end],
                    &text[content_end..]
                )
            }
        };
    }
    Ok(text)
}

/// Where the JSON string that opens at `start` ends: just past its closing
/// quote, or the end of `bytes` if it never closes.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

/// `text` with comments and trailing commas removed, for serde_json.
pub fn strip(text: &str) -> String {
    // First the comments, then the commas that only a bracket follows.
    let mut plain = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i = string_end(bytes, i);
                plain.push_str(&text[start..i]);
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                plain.push(' ');
            }
            _ => {
                let c = text[i..].chars().next().expect("in bounds");
                plain.push(c);
                i += c.len_utf8();
            }
        }
    }
    let bytes = plain.as_bytes();
    let mut out = String::with_capacity(plain.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i = string_end(bytes, i);
                out.push_str(&plain[start..i]);
            }
            b',' if plain[i + 1..].trim_start().starts_with(['}', ']']) => i += 1,
            _ => {
                let c = plain[i..].chars().next().expect("in bounds");
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ZED: &str = "// Zed settings\n{\n  \"theme\": \"One Dark\", // the theme\n  /* servers */\n  \"context_servers\": {\n    \"other\": { \"command\": \"x\" },\n  },\n}\n";

    #[test]
    fn an_entry_is_added_keeping_every_other_byte() {
        let out = set_entry(ZED, "context_servers", "mine", &json!({"command": "y"})).unwrap();
        assert!(out.starts_with("// Zed settings\n{\n  \"theme\": \"One Dark\", // the theme\n  /* servers */\n  \"context_servers\": {\n    \"other\": { \"command\": \"x\" },\n    \"mine\": {\n      \"command\": \"y\"\n    }\n  },\n}\n"), "{out}");
        let again = set_entry(&out, "context_servers", "mine", &json!({"command": "y"})).unwrap();
        assert_eq!(again, out);
        let value: Value = serde_json::from_str(&strip(&out)).unwrap();
        assert_eq!(value["context_servers"]["mine"]["command"], "y");
    }

    #[test]
    fn a_missing_section_is_created() {
        let out = set_entry("{\n  \"a\": 1 // one\n}\n", "mcpServers", "s", &json!({})).unwrap();
        assert_eq!(
            out,
            "{\n  \"a\": 1, // one\n  \"mcpServers\": {\n    \"s\": {}\n  }\n}\n"
        );
        assert_eq!(
            set_entry("{}", "k", "s", &json!(1)).unwrap(),
            "{\n  \"k\": {\n    \"s\": 1\n  }\n}"
        );
    }

    #[test]
    fn broken_text_is_refused() {
        for text in [
            "{",
            "{\"a\" 1}",
            "[1,",
            "{\"a\": tru}",
            "/* open",
            "{\"a\": 1} x",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        assert!(parse("{\"a\": [1, 2,], /* c */ \"b\": -1.5e3, // d\n}").is_ok());
    }

    #[test]
    fn inputs_are_appended_once() {
        let text = "{\n  \"inputs\": [\n    { \"id\": \"a\" } // first\n  ]\n}\n";
        let out = add_inputs(text, "inputs", &[json!({"id": "a"}), json!({"id": "b"})]).unwrap();
        assert_eq!(
            out,
            "{\n  \"inputs\": [\n    { \"id\": \"a\" }, // first\n    {\n      \"id\": \"b\"\n    }\n  ]\n}\n"
        );
    }
}
