//! Spec names to Rust identifiers. Wire names never change; only the Rust
//! side is mapped.

/// Words that cannot be used as plain identifiers, as of Rust 2024.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Splits a name into lowercase words at `-`, `_`, `.`, spaces, other
/// punctuation and lower-to-upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous = None;
            continue;
        }
        if c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase() || p.is_numeric()) {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
        previous = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .into_iter()
        .map(|word| {
            word.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

/// A `snake_case` identifier that is valid where a field or fn name goes:
/// keywords become raw identifiers (`r#type`), or get a trailing `_` where a
/// raw identifier is not allowed (`self_`).
pub fn snake(name: &str) -> String {
    let mut ident = words(name).join("_");
    if ident.is_empty() {
        ident.push_str("unnamed");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    escape_keyword(ident)
}

/// A `PascalCase` type name.
pub fn pascal(name: &str) -> String {
    escape_keyword(pascal_words(name))
}

/// A `PascalCase` type name made of several names, e.g. `SelfParams` for
/// the parameters of the tool `self`: a keyword is escaped only when it is
/// the whole name, since `Self_Params` is not `CamelCase`.
pub fn pascal_join(names: &[&str]) -> String {
    escape_keyword(names.iter().map(|name| pascal_words(name)).collect())
}

/// `name` in `PascalCase`, a keyword left as it is.
fn pascal_words(name: &str) -> String {
    let mut ident: String = words(name)
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    if ident.is_empty() {
        ident.push_str("Unnamed");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'X');
    }
    ident
}

/// A `SCREAMING_SNAKE_CASE` name, for env vars and constants.
pub fn screaming(name: &str) -> String {
    words(name).join("_").to_ascii_uppercase()
}

fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        ident + "_"
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The identifier without a raw prefix, for places that do not take raw
/// identifiers (format string arguments, derived names).
pub fn bare(ident: &str) -> String {
    match ident.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_"),
        None => ident.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_names_to_identifiers() {
        assert_eq!(snake("add_note"), "add_note");
        assert_eq!(snake("add-note"), "add_note");
        assert_eq!(snake("files.read"), "files_read");
        assert_eq!(snake("getNote"), "get_note");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake("---"), "unnamed");
        assert_eq!(snake("café"), "caf");
        assert_eq!(pascal("add_note"), "AddNote");
        assert_eq!(pascal("notes-server"), "NotesServer");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal_join(&["self", "Params"]), "SelfParams");
        assert_eq!(pascal_join(&["a.b", "2fa"]), "ABX2fa");
        assert_eq!(pascal_join(&["", "self"]), "UnnamedSelf");
        assert_eq!(screaming("notes-server"), "NOTES_SERVER");
        assert_eq!(bare("r#type"), "type_");
        assert_eq!(bare("name"), "name");
    }
}
