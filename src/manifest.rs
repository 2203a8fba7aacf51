//! Cargo.toml, which you and mcpgen share.
//!
//! mcpgen writes it whole when the crate is created. From then on it updates
//! only the entries it owns: the package's name, version and description,
//! and each dependency and feature that its template writes. Everything
//! else is yours: dependencies you add, profiles, lints, comments, layout.
//!
//! Even an owned entry keeps your edits. The lock holds each one as mcpgen
//! last wrote it, and an update is a three-way merge of that base, your
//! entry, and the spec's: a side that left it alone takes the other's
//! change. A dependency merges field by field (its `features` as a set), so
//! a feature you add to `tokio` survives a spec change of `rmcp`. Only a
//! field that both you and the spec changed, differently, is a conflict.
//!
//! The document is edited with `toml_edit`, so every byte outside the
//! entries that change is kept as it was.

use std::collections::BTreeMap;

use toml_edit::{Array, DocumentMut, InlineTable, Item, TableLike, Value};

/// `[package]` keys that follow the spec. The others (`edition`,
/// `publish`, ...) are written once, and are yours from then on.
const PACKAGE_KEYS: [&str; 3] = ["name", "version", "description"];

/// Tables in which each entry that mcpgen writes is its own.
const OWNED_TABLES: [&str; 4] = [
    "dependencies",
    "build-dependencies",
    "dev-dependencies",
    "features",
];

/// The outcome of a merge.
#[derive(Debug)]
pub struct Merge {
    /// The new Cargo.toml.
    pub text: String,
    /// The entries mcpgen owns, as the spec gives them: the next base.
    pub owned: BTreeMap<String, Value>,
    /// Where your edit and the spec's change disagree.
    pub conflicts: Vec<Conflict>,
    /// Entries that the spec no longer gives but that you edited: kept, and
    /// yours from now on.
    pub released: Vec<String>,
}

/// An entry, or a field of a dependency, that both you and the spec
/// changed, differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// A dotted key: `dependencies.tokio`, or `dependencies.tokio.version`.
    pub key: String,
    /// Your value as TOML, or `None` where you removed it.
    pub yours: Option<String>,
    /// The spec's value as TOML, or `None` where the spec removes it.
    pub spec: Option<String>,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |value: &Option<String>| match value {
            Some(value) => format!("`{value}`"),
            None => "removed".to_owned(),
        };
        write!(
            f,
            "`{}` is {} in yours, and the spec now makes it {}",
            self.key,
            show(&self.yours),
            show(&self.spec)
        )
    }
}

/// A Cargo.toml that cannot be read.
#[derive(Debug)]
pub enum Error {
    /// The crate's own Cargo.toml.
    Current(String),
    /// The one the spec gives: a bug, or a spec dependency that repeats one
    /// of mcpgen's.
    Generated(String),
}

/// Merges the Cargo.toml that the spec gives (`generated`) into the crate's
/// (`current`, `None` if there is none yet). `base` holds the owned entries
/// as mcpgen last wrote them. With `force`, the spec wins every conflict.
pub fn merge(
    current: Option<&str>,
    generated: &str,
    base: &BTreeMap<String, Value>,
    force: bool,
) -> Result<Merge, Error> {
    let generated_doc = parse(generated).map_err(Error::Generated)?;
    let owned = owned_entries(&generated_doc).map_err(Error::Generated)?;
    let Some(current) = current else {
        return Ok(Merge {
            text: generated.to_owned(),
            owned,
            conflicts: Vec::new(),
            released: Vec::new(),
        });
    };
    let mut doc = parse(current).map_err(Error::Current)?;
    let mut conflicts = Vec::new();
    let mut released = Vec::new();
    let keys = owned
        .keys()
        .chain(base.keys().filter(|key| !owned.contains_key(*key)));
    for key in keys {
        let Some((table, name)) = key.split_once('.') else {
            continue;
        };
        let ours = entry(&doc, table, name).map_err(Error::Current)?;
        let (ours, theirs, entry_base) = (ours.as_ref(), owned.get(key), base.get(key));
        let merged = if theirs.is_none() && ours.is_some() && !same(key, ours, entry_base) {
            // The spec dropped an entry that you edited: it is yours now.
            released.push(key.clone());
            continue;
        } else if table.ends_with("dependencies") {
            merge_dependency(key, entry_base, ours, theirs, force, &mut conflicts)
        } else {
            merge_value(key, entry_base, ours, theirs, force, &mut conflicts)
        };
        if let Some(value) = merged {
            set(&mut doc, table, name, value.as_ref()).map_err(Error::Current)?;
        }
    }
    Ok(Merge {
        text: doc.to_string(),
        owned,
        conflicts,
        released,
    })
}

fn parse(text: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>()
        .map_err(|error| error.to_string().trim_end().to_owned())
}

/// The entries mcpgen owns in a Cargo.toml it rendered, by dotted key.
fn owned_entries(doc: &DocumentMut) -> Result<BTreeMap<String, Value>, String> {
    let mut owned = BTreeMap::new();
    for table in std::iter::once("package").chain(OWNED_TABLES) {
        let Some(entries) = doc.get(table) else {
            continue;
        };
        let entries = entries
            .as_table_like()
            .ok_or_else(|| format!("`{table}` is not a table"))?;
        for (name, item) in entries.iter() {
            if table == "package" && !PACKAGE_KEYS.contains(&name) {
                continue;
            }
            if let Some(value) = to_value(item) {
                owned.insert(format!("{table}.{name}"), value);
            }
        }
    }
    Ok(owned)
}

/// The value of `[table] name` in a document, as an inline value.
fn entry(doc: &DocumentMut, table: &str, name: &str) -> Result<Option<Value>, String> {
    match doc.get(table) {
        None => Ok(None),
        Some(item) => Ok(item
            .as_table_like()
            .ok_or_else(|| format!("`{table}` is not a table"))?
            .get(name)
            .and_then(to_value)),
    }
}

/// An item as a value: `[dependencies.x]` tables become inline tables.
fn to_value(item: &Item) -> Option<Value> {
    match item {
        Item::None => None,
        Item::Value(value) => Some(value.clone()),
        Item::Table(table) => Some(Value::InlineTable(table.clone().into_inline_table())),
        Item::ArrayOfTables(tables) => Some(Value::Array(
            tables
                .iter()
                .map(|table| Value::InlineTable(table.clone().into_inline_table()))
                .collect(),
        )),
    }
}

/// Three-way merges a whole value. `None`: leave the entry as it is;
/// `Some(None)`: remove it; `Some(Some(v))`: make it `v`.
fn merge_value(
    key: &str,
    base: Option<&Value>,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    force: bool,
    conflicts: &mut Vec<Conflict>,
) -> Option<Option<Value>> {
    if same(key, ours, theirs) || same(key, theirs, base) {
        None
    } else if same(key, ours, base) || force {
        Some(theirs.cloned())
    } else {
        conflicts.push(Conflict {
            key: key.to_owned(),
            yours: ours.map(show),
            spec: theirs.map(show),
        });
        None
    }
}

/// Three-way merges a dependency that both you and the spec changed, field
/// by field, and its `features` as a set, so that your additions and the
/// spec's changes both survive.
fn merge_dependency(
    key: &str,
    base: Option<&Value>,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    force: bool,
    conflicts: &mut Vec<Conflict>,
) -> Option<Option<Value>> {
    let both_changed = ours.is_some()
        && theirs.is_some()
        && !same(key, ours, theirs)
        && !same(key, ours, base)
        && !same(key, theirs, base);
    if !both_changed {
        return merge_value(key, base, ours, theirs, force, conflicts);
    }
    let (base, ours, theirs) = (fields(base), fields(ours), fields(theirs));
    let mut names: Vec<&str> = theirs.iter().map(|(name, _)| name.as_str()).collect();
    for (name, _) in &ours {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    let get = |fields: &[(String, Value)], name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    };
    let mut merged = InlineTable::new();
    for name in names {
        let (b, o, t) = (get(&base, name), get(&ours, name), get(&theirs, name));
        let (b, o, t) = (b.as_ref(), o.as_ref(), t.as_ref());
        let field = format!("{key}.{name}");
        let value = if same(&field, o, t) || same(&field, t, b) {
            o.cloned()
        } else if same(&field, o, b) {
            t.cloned()
        } else if let Some(features) = (name == "features").then(|| merge_set(b, o, t)).flatten() {
            Some(features)
        } else if force {
            t.cloned()
        } else {
            conflicts.push(Conflict {
                key: field,
                yours: o.map(show),
                spec: t.map(show),
            });
            o.cloned()
        };
        if let Some(mut value) = value {
            value.decor_mut().clear();
            merged.insert(name, value);
        }
    }
    Some(Some(Value::InlineTable(merged)))
}

/// A dependency's fields: `"1"` is short for `{ version = "1" }`.
fn fields(value: Option<&Value>) -> Vec<(String, Value)> {
    match value {
        None => Vec::new(),
        Some(Value::InlineTable(table)) => table
            .iter()
            .map(|(name, value)| (name.to_owned(), value.clone()))
            .collect(),
        Some(other) => vec![("version".to_owned(), other.clone())],
    }
}

/// Three-way merges two arrays of strings as sets: each side's additions
/// and removals are kept. `None` if a side is not an array of strings.
fn merge_set(base: Option<&Value>, ours: Option<&Value>, theirs: Option<&Value>) -> Option<Value> {
    let strings = |value: Option<&Value>| -> Option<Vec<String>> {
        match value {
            None => Some(Vec::new()),
            Some(value) => value
                .as_array()?
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect(),
        }
    };
    let (base, ours, theirs) = (strings(base)?, strings(ours)?, strings(theirs)?);
    let removed_by_you = |item: &String| base.contains(item) && !ours.contains(item);
    let added_by_you = |item: &&String| !base.contains(item) && !theirs.contains(item);
    let merged: Array = theirs
        .iter()
        .filter(|item| !removed_by_you(item))
        .chain(ours.iter().filter(added_by_you))
        .collect();
    Some(Value::Array(merged))
}

/// Makes `[table] name` hold `value`, or removes it, keeping the form and
/// the comments of what is there.
fn set(
    doc: &mut DocumentMut,
    table: &str,
    name: &str,
    value: Option<&Value>,
) -> Result<(), String> {
    let entries = doc
        .entry(table)
        .or_insert_with(toml_edit::table)
        .as_table_like_mut()
        .ok_or_else(|| format!("`{table}` is not a table"))?;
    let Some(value) = value else {
        entries.remove(name);
        return Ok(());
    };
    match (entries.get_mut(name), value) {
        (Some(slot), Value::InlineTable(fields)) if slot.is_table_like() => {
            let slot = slot.as_table_like_mut().expect("checked");
            patch(slot, fields);
        }
        (Some(Item::Value(slot)), value) => {
            let decor = slot.decor().clone();
            *slot = value.clone();
            *slot.decor_mut() = decor;
        }
        (_, value) => {
            let mut value = value.clone();
            value.decor_mut().clear();
            entries.insert(name, Item::Value(value));
        }
    }
    Ok(())
}

/// Updates a table in place to hold exactly `fields`.
fn patch(table: &mut dyn TableLike, fields: &InlineTable) {
    let stale: Vec<String> = table
        .iter()
        .map(|(name, _)| name.to_owned())
        .filter(|name| !fields.contains_key(name))
        .collect();
    for name in stale {
        table.remove(&name);
    }
    for (name, value) in fields.iter() {
        let current = table.get(name).and_then(to_value);
        if canonical(current.as_ref()) != canonical(Some(value)) {
            let mut value = value.clone();
            value.decor_mut().clear();
            match table.get_mut(name) {
                Some(Item::Value(slot)) => {
                    let decor = slot.decor().clone();
                    *slot = value;
                    *slot.decor_mut() = decor;
                }
                _ => {
                    table.insert(name, Item::Value(value));
                }
            }
        }
    }
}

/// Whether two values mean the same; for a dependency, `"1"` and
/// `{ version = "1" }` do.
fn same(key: &str, a: Option<&Value>, b: Option<&Value>) -> bool {
    let is_dependency = key
        .split_once('.')
        .is_some_and(|(table, rest)| table.ends_with("dependencies") && !rest.contains('.'));
    if is_dependency {
        let canonical_fields = |value: Option<&Value>| {
            let mut fields: Vec<(String, String)> = fields(value)
                .iter()
                .map(|(name, value)| (name.clone(), canonical(Some(value))))
                .collect();
            fields.sort();
            fields
        };
        canonical_fields(a) == canonical_fields(b)
    } else {
        canonical(a) == canonical(b)
    }
}

/// A value as text that ignores layout, comments, quoting and key order.
fn canonical(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::String(text)) => format!("{:?}", text.value()),
        Some(Value::Integer(n)) => n.value().to_string(),
        Some(Value::Float(x)) => format!("{:?}", x.value()),
        Some(Value::Boolean(flag)) => flag.value().to_string(),
        Some(Value::Datetime(time)) => time.value().to_string(),
        Some(Value::Array(items)) => {
            let items: Vec<String> = items.iter().map(|item| canonical(Some(item))).collect();
            format!("[{}]", items.join(","))
        }
        Some(Value::InlineTable(table)) => {
            let mut fields: Vec<String> = table
                .iter()
                .map(|(name, value)| format!("{name:?}={}", canonical(Some(value))))
                .collect();
            fields.sort();
            format!("{{{}}}", fields.join(","))
        }
    }
}

/// A value as TOML, for messages.
fn show(value: &Value) -> String {
    let mut value = value.clone();
    value.decor_mut().clear();
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = r#"[package]
name = "demo"
version = "0.1.0"
edition = "2024"
publish = false

# Generated by mcpgen.
[dependencies]
rmcp = { version = "~3.11", default-features = false, features = ["server"] }
serde = "1"
tokio = { version = "1", features = ["macros"] }

[profile.release]
strip = true
"#;

    fn first(generated: &str) -> Merge {
        merge(None, generated, &BTreeMap::new(), false).unwrap()
    }

    fn again(current: &str, generated: &str, base: &Merge) -> Merge {
        merge(Some(current), generated, &base.owned, false).unwrap()
    }

    #[test]
    fn a_new_manifest_is_written_whole_and_owns_only_its_entries() {
        let merge = first(GENERATED);
        assert_eq!(merge.text, GENERATED);
        let keys: Vec<&str> = merge.owned.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "dependencies.rmcp",
                "dependencies.serde",
                "dependencies.tokio",
                "package.name",
                "package.version"
            ]
        );
    }

    #[test]
    fn your_entries_and_layout_survive_a_spec_change() {
        let base = first(GENERATED);
        let mine = GENERATED
            .replace("publish = false", "publish = false\nlicense = \"MIT\"")
            .replace(
                "tokio = {",
                "# my comment\nanyhow = \"1\" # mine\ntokio = {",
            )
            .replace("strip = true", "strip = false");
        let generated = GENERATED
            .replace("~3.11", "~3.12")
            .replace("version = \"0.1.0\"", "version = \"0.2.0\"")
            .replace("[dependencies]\n", "[dependencies]\nrusqlite = \"0.43\"\n");
        let merged = again(&mine, &generated, &base);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        // A new entry goes at the end of its table.
        let expected = r#"[package]
name = "demo"
version = "0.2.0"
edition = "2024"
publish = false
license = "MIT"

# Generated by mcpgen.
[dependencies]
rmcp = { version = "~3.12", default-features = false, features = ["server"] }
serde = "1"
# my comment
anyhow = "1" # mine
tokio = { version = "1", features = ["macros"] }
rusqlite = "0.43"

[profile.release]
strip = false
"#;
        assert_eq!(merged.text, expected);
    }

    #[test]
    fn an_entry_the_spec_drops_is_removed_unless_you_edited_it() {
        let generated = GENERATED.replace("serde = \"1\"\n", "extra = \"2\"\n");
        let base = first(&generated);
        let dropped = merge(Some(&generated), GENERATED, &base.owned, false).unwrap();
        assert!(!dropped.text.contains("extra"), "{}", dropped.text);

        let edited = generated.replace("extra = \"2\"", "extra = \"2.1\"");
        let kept = merge(Some(&edited), GENERATED, &base.owned, false).unwrap();
        assert!(kept.text.contains("extra = \"2.1\""), "{}", kept.text);
        assert_eq!(kept.released, ["dependencies.extra"]);
        assert!(!kept.owned.contains_key("dependencies.extra"));
    }

    #[test]
    fn features_you_add_are_kept_and_fields_merge() {
        let base = first(GENERATED);
        let mine = GENERATED.replace(
            "features = [\"macros\"] }",
            "features = [\"macros\", \"fs\"] }",
        );
        let generated = GENERATED
            .replace("tokio = { version = \"1\"", "tokio = { version = \"1.40\"")
            .replace("[\"macros\"]", "[\"macros\", \"sync\"]");
        let merged = again(&mine, &generated, &base);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        assert!(
            merged
                .text
                .contains(r#"tokio = { version = "1.40", features = ["macros", "sync", "fs"] }"#),
            "{}",
            merged.text
        );
        // The next merge starts from the spec's entry, so `fs` stays yours.
        let next = again(&merged.text, &generated, &merged);
        assert_eq!(next.text, merged.text);
    }

    #[test]
    fn a_field_both_sides_changed_is_a_conflict_that_force_resolves() {
        let base = first(GENERATED);
        let mine = GENERATED.replace("~3.11", "=3.11.2");
        let generated = GENERATED.replace("~3.11", "~3.12");
        let merged = again(&mine, &generated, &base);
        assert_eq!(
            merged.conflicts,
            [Conflict {
                key: "dependencies.rmcp.version".to_owned(),
                yours: Some("\"=3.11.2\"".to_owned()),
                spec: Some("\"~3.12\"".to_owned()),
            }]
        );
        assert!(
            merged.conflicts[0]
                .to_string()
                .contains("`dependencies.rmcp.version`")
        );
        let forced = merge(Some(&mine), &generated, &base.owned, true).unwrap();
        assert!(forced.conflicts.is_empty());
        assert!(forced.text.contains("~3.12"), "{}", forced.text);
    }

    #[test]
    fn an_unchanged_spec_keeps_your_edits_to_owned_entries() {
        let base = first(GENERATED);
        let mine = GENERATED
            .replace(
                "serde = \"1\"",
                "serde = { version = \"1.0.200\", features = [\"rc\"] }",
            )
            .replace("name = \"demo\"", "name = \"my-demo\"");
        let merged = again(&mine, GENERATED, &base);
        assert!(merged.conflicts.is_empty());
        assert_eq!(merged.text, mine);
    }

    #[test]
    fn a_table_form_dependency_is_patched_in_place() {
        let base = first(GENERATED);
        let mine = GENERATED.replace("tokio = { version = \"1\", features = [\"macros\"] }\n", "")
            + "\n[dependencies.tokio]\nversion = \"1\" # pinned loosely\nfeatures = [\"macros\"]\n";
        let generated = GENERATED.replace("tokio = { version = \"1\"", "tokio = { version = \"2\"");
        let merged = again(&mine, &generated, &base);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        assert!(
            merged.text.ends_with(
                "[dependencies.tokio]\nversion = \"2\" # pinned loosely\nfeatures = [\"macros\"]\n"
            ),
            "{}",
            merged.text
        );
    }

    #[test]
    fn an_invalid_manifest_is_an_error() {
        let base = first(GENERATED);
        assert!(matches!(
            merge(Some("[package"), GENERATED, &base.owned, false),
            Err(Error::Current(_))
        ));
        assert!(matches!(
            merge(Some("dependencies = 3\n"), GENERATED, &base.owned, false),
            Err(Error::Current(message)) if message.contains("`dependencies` is not a table")
        ));
        assert!(matches!(
            merge(None, "[dependencies]\na = 1\na = 2\n", &base.owned, false),
            Err(Error::Generated(_))
        ));
    }
}
