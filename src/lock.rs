//! `mcpgen.lock`: the spec a crate is generated from, and what mcpgen last
//! wrote into it.
//!
//! mcpgen overwrites a generated file only when it can tell that what is
//! there is what it wrote: the lock keeps a checksum of each file it owns.
//! It also keeps the Cargo.toml entries it owns as it last wrote them, the
//! base of a three-way merge with your edits ([`crate::manifest`]), and the
//! spec's items, to report what a spec change added and removed.
//!
//! Why a lock file rather than checksums in the `@generated` headers and the
//! spec path in `[package.metadata]`: one small file holds all of mcpgen's
//! state, and nothing else. Your Cargo.toml stays free of it, a generated
//! file's header stays the same from one generation to the next, and a
//! review sees what mcpgen believes in one place.

use std::{collections::BTreeMap, fmt::Write};

use sha2::{Digest, Sha256};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// The lock's name, at the crate root.
pub const LOCK_FILE: &str = "mcpgen.lock";

/// The lock format this mcpgen reads and writes.
const FORMAT: i64 = 1;

/// What [`LOCK_FILE`] holds.
#[derive(Debug, Clone, Default)]
pub struct Lock {
    /// The spec, relative to the crate root, with `/` separators.
    pub spec: String,
    /// A checksum of each file mcpgen owns, by its path in the crate.
    pub files: BTreeMap<String, String>,
    /// The Cargo.toml entries mcpgen owns, as it last wrote them, by dotted
    /// key: `dependencies.rmcp`, `package.version`.
    pub cargo: BTreeMap<String, Value>,
    /// The names of the spec's items, by kind, as last generated.
    pub items: Items,
}

/// The kinds of spec items, as (lock key, singular noun).
pub const KINDS: [(&str, &str); 4] = [
    ("tools", "tool"),
    ("resources", "resource"),
    ("resource_templates", "resource template"),
    ("prompts", "prompt"),
];

/// The names of a spec's items, by kind (a key of [`KINDS`]).
pub type Items = BTreeMap<String, Vec<String>>;

/// The items of a spec, to record in the lock.
pub fn items(spec: &crate::spec::Spec) -> Items {
    let names = [
        spec.tools.iter().map(|t| t.name.clone()).collect(),
        spec.resources.iter().map(|r| r.name.clone()).collect(),
        spec.resource_templates
            .iter()
            .map(|t| t.name.clone())
            .collect(),
        spec.prompts.iter().map(|p| p.name.clone()).collect(),
    ];
    KINDS
        .iter()
        .zip(names)
        .map(|((kind, _), names)| (kind.to_string(), names))
        .collect()
}

/// The checksum of a file's contents: SHA-256, with CRLF line endings read
/// as LF so that a checkout that converts them is not taken for an edit.
pub fn checksum(contents: &str) -> String {
    let mut hasher = Sha256::new();
    let mut rest = contents;
    while let Some(i) = rest.find("\r\n") {
        hasher.update(&rest.as_bytes()[..i]);
        hasher.update(b"\n");
        rest = &rest[i + 2..];
    }
    hasher.update(rest.as_bytes());
    hasher
        .finalize()
        .iter()
        .fold(String::from("sha256:"), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

impl Lock {
    /// Reads a lock; the error says what is wrong, without the file name.
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: DocumentMut = text
            .parse()
            .map_err(|error: toml_edit::TomlError| error.to_string().trim_end().to_owned())?;
        match doc.get("format").and_then(Item::as_integer) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(format!(
                    "it is in format {other}, and this mcpgen reads format {FORMAT}: upgrade mcpgen"
                ));
            }
            None => return Err("it has no `format`".to_owned()),
        }
        let spec = doc
            .get("spec")
            .and_then(Item::as_str)
            .ok_or("it has no `spec`, the path of the spec")?
            .to_owned();
        let table = |key: &str| -> Result<Option<&Table>, String> {
            match doc.get(key) {
                None => Ok(None),
                Some(item) => item
                    .as_table()
                    .map(Some)
                    .ok_or_else(|| format!("`{key}` is not a table")),
            }
        };
        let mut files = BTreeMap::new();
        for (path, sum) in table("files")?.into_iter().flat_map(Table::iter) {
            let sum = sum
                .as_str()
                .ok_or_else(|| format!("the checksum of `{path}` is not a string"))?;
            files.insert(path.to_owned(), sum.to_owned());
        }
        let mut cargo = BTreeMap::new();
        for (key, value) in table("cargo")?.into_iter().flat_map(Table::iter) {
            let value = value
                .as_value()
                .ok_or_else(|| format!("`cargo.\"{key}\"` is not a value"))?;
            cargo.insert(key.to_owned(), value.clone());
        }
        let mut items = Items::new();
        for (kind, names) in table("items")?.into_iter().flat_map(Table::iter) {
            let names = names
                .as_array()
                .map(|names| {
                    names
                        .iter()
                        .map(|name| name.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .and_then(|names| names)
                .ok_or_else(|| format!("`items.{kind}` is not an array of strings"))?;
            items.insert(kind.to_owned(), names);
        }
        Ok(Self {
            spec,
            files,
            cargo,
            items,
        })
    }

    /// The lock as TOML, with a comment that says what it is.
    pub fn render(&self) -> String {
        let mut doc = DocumentMut::new();
        doc.decor_mut().set_prefix(
            "# Written by mcpgen: the spec this crate is generated from, and what mcpgen\n\
             # last wrote, so that `mcpgen generate` can tell your edits from its own.\n\
             # Commit it, and do not edit it.\n",
        );
        doc.insert("format", toml_edit::value(FORMAT));
        doc.insert("spec", toml_edit::value(&self.spec));

        let mut files = Table::new();
        files.decor_mut().set_prefix("\n");
        for (path, sum) in &self.files {
            files.insert(path, toml_edit::value(sum));
        }
        doc.insert("files", Item::Table(files));

        let mut cargo = Table::new();
        cargo
            .decor_mut()
            .set_prefix("\n# The entries of Cargo.toml that mcpgen owns, as it last wrote them.\n");
        for (key, value) in &self.cargo {
            let mut value = value.clone();
            value.decor_mut().clear();
            cargo.insert(key, Item::Value(value));
        }
        cargo.fmt();
        doc.insert("cargo", Item::Table(cargo));

        let mut items = Table::new();
        items.decor_mut().set_prefix("\n");
        for (kind, names) in &self.items {
            items.insert(kind, toml_edit::value(names.iter().collect::<Array>()));
        }
        doc.insert("items", Item::Table(items));
        doc.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_ignore_crlf() {
        assert_eq!(checksum("a\r\nb\n"), checksum("a\nb\n"));
        assert_ne!(checksum("a\nb\n"), checksum("a\nb"));
        assert_eq!(
            checksum(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_lock_round_trips() {
        let lock = Lock {
            spec: "../specs/notes.yaml".to_owned(),
            files: [("src/server.rs".to_owned(), checksum("x"))].into(),
            cargo: [
                ("package.name".to_owned(), "notes".into()),
                (
                    "dependencies.rmcp".to_owned(),
                    r#"{ version = "~3.11", features = ["server"] }"#.parse().unwrap(),
                ),
            ]
            .into(),
            items: [("tools".to_owned(), vec!["add_note".to_owned()])].into(),
        };
        let text = lock.render();
        assert!(text.starts_with("# Written by mcpgen"), "{text}");
        assert!(
            text.contains(r#""dependencies.rmcp" = { version = "~3.11", features = ["server"] }"#),
            "{text}"
        );
        let read = Lock::parse(&text).unwrap();
        assert_eq!(read.spec, lock.spec);
        assert_eq!(read.files, lock.files);
        assert_eq!(read.items, lock.items);
        assert_eq!(read.render(), text);
    }

    #[test]
    fn a_bad_lock_says_why() {
        assert!(
            Lock::parse("format = 2\nspec = 'x'")
                .unwrap_err()
                .contains("upgrade mcpgen")
        );
        assert!(Lock::parse("format = 1").unwrap_err().contains("no `spec`"));
        assert!(
            Lock::parse("format = 1\nspec = 'x'\nfiles = 3")
                .unwrap_err()
                .contains("`files`")
        );
        assert!(Lock::parse("format = [").is_err());
    }
}
