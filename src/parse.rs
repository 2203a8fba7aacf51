//! Stage 1: read a spec file into [`Spec`], reporting every shape error at once.
//!
//! serde stops at the first error in a value, so each list element is read on
//! its own: a spec with a typo in three tools gets three errors, not one.

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::{
    diagnostic::{Diagnostic, Path, did_you_mean},
    source_map::Span,
    spec::{FORMAT_VERSION, ServerSpec, Spec},
};

pub const TOP_LEVEL_KEYS: &[&str] = &[
    "mcpgen",
    "server",
    "handlers",
    "dependencies",
    "settings",
    "types",
    "tools",
    "resources",
    "resource_templates",
    "prompts",
];

/// What parsing found: every problem, and as much of the spec as could be
/// read, so that validation can report its own problems in the same run.
pub struct Parsed {
    pub spec: Option<Spec>,
    pub errors: Vec<Diagnostic>,
}

/// Parses spec source text.
pub fn parse(source: &str) -> Parsed {
    let failed = |errors| Parsed { spec: None, errors };
    let document: Value = match serde_yaml::from_str(source) {
        Ok(document) => document,
        Err(error) => return failed(vec![yaml_error(&error)]),
    };
    let Value::Mapping(top) = document else {
        return failed(vec![
            Diagnostic::error(Path::root(), "a spec must be a YAML mapping")
                .with_help("start from `mcpgen init`, or see specs/notes.yaml"),
        ]);
    };

    let mut errors = Vec::new();
    for key in top.keys() {
        let name = key_name(key);
        if !TOP_LEVEL_KEYS.contains(&name.as_str()) {
            errors.push(unknown_key(
                &Path::root().key(&name),
                &name,
                "the spec",
                TOP_LEVEL_KEYS,
            ));
        }
    }

    let version = match top.get("mcpgen") {
        None => {
            errors.push(
                Diagnostic::error(Path::root(), "missing the spec format version").with_help(
                    format!("add `mcpgen: {FORMAT_VERSION}` at the top of the file"),
                ),
            );
            None
        }
        Some(value) => match value.as_u64() {
            Some(FORMAT_VERSION) => Some(FORMAT_VERSION),
            _ => {
                errors.push(
                    Diagnostic::error(
                        Path::root().key("mcpgen"),
                        format!("unsupported spec format version `{}`", scalar_text(value)),
                    )
                    .with_help(format!("this mcpgen reads format version {FORMAT_VERSION}")),
                );
                None
            }
        },
    };

    let server = match top.get("server") {
        None => {
            errors.push(
                Diagnostic::error(Path::root(), "missing the `server` section")
                    .with_help("add `server:` with at least `name` and `version`"),
            );
            None
        }
        Some(value) => one::<ServerSpec>(value, &Path::root().key("server"), &mut errors),
    };
    let handlers = optional(&top, "handlers", &mut errors);
    let dependencies = optional(&top, "dependencies", &mut errors).unwrap_or_default();
    let settings = list(&top, "settings", &mut errors);
    let types = list(&top, "types", &mut errors);
    let tools = list(&top, "tools", &mut errors);
    let resources = list(&top, "resources", &mut errors);
    let resource_templates = list(&top, "resource_templates", &mut errors);
    let prompts = list(&top, "prompts", &mut errors);

    let spec = server.map(|server| Spec {
        server,
        handlers,
        dependencies,
        settings,
        types,
        tools,
        resources,
        resource_templates,
        prompts,
    });
    if version.is_none() {
        return failed(errors);
    }
    Parsed { spec, errors }
}

fn optional<T: DeserializeOwned>(
    top: &Mapping,
    key: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<T> {
    one(top.get(key)?, &Path::root().key(key), errors)
}

/// Reads a list element by element, so that each bad element is reported.
fn list<T: DeserializeOwned>(top: &Mapping, key: &str, errors: &mut Vec<Diagnostic>) -> Vec<T> {
    let path = Path::root().key(key);
    match top.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| one(item, &path.index(index), errors))
            .collect(),
        Some(_) => {
            errors.push(
                Diagnostic::error(path, format!("`{key}` must be a list"))
                    .with_help("write each entry on its own line, starting with `- `"),
            );
            Vec::new()
        }
    }
}

/// Reads one value. An unknown key is reported, dropped, and the value read
/// again, so that its other problems are found in the same run.
fn one<T: DeserializeOwned>(value: &Value, path: &Path, errors: &mut Vec<Diagnostic>) -> Option<T> {
    let mut value = value.clone();
    loop {
        match serde_path_to_error::deserialize(value.clone()) {
            Ok(item) => return Some(item),
            Err(error) => {
                errors.push(shape_error(path, &error));
                let unknown =
                    parse_unknown_field(&error.inner().to_string()).map(|(key, _)| key.to_owned());
                match unknown {
                    Some(key) if remove_key(&mut value, error.path(), &key) => continue,
                    _ => return None,
                }
            }
        }
    }
}

/// Removes `key` from the mapping at `path` inside `value`.
fn remove_key(value: &mut Value, path: &serde_path_to_error::Path, key: &str) -> bool {
    let mut node = value;
    let segments: Vec<_> = path.iter().collect();
    // The path ends with the unknown key itself.
    for segment in &segments[..segments.len().saturating_sub(1)] {
        node = match (segment, node) {
            (serde_path_to_error::Segment::Seq { index }, Value::Sequence(items)) => {
                match items.get_mut(*index) {
                    Some(item) => item,
                    None => return false,
                }
            }
            (serde_path_to_error::Segment::Map { key }, Value::Mapping(map)) => {
                match map.get_mut(key.as_str()) {
                    Some(item) => item,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    match node {
        Value::Mapping(map) => map.remove(key).is_some(),
        _ => false,
    }
}

/// Turns a serde error at `base` + the error's own path into a diagnostic.
fn shape_error(base: &Path, error: &serde_path_to_error::Error<serde_yaml::Error>) -> Diagnostic {
    let mut path = base.clone();
    for segment in error.path().iter() {
        path = match segment {
            serde_path_to_error::Segment::Seq { index } => path.index(*index),
            serde_path_to_error::Segment::Map { key } => path.key(key.as_str()),
            serde_path_to_error::Segment::Enum { variant } => path.key(variant.as_str()),
            serde_path_to_error::Segment::Unknown => path,
        };
    }
    let message = error.inner().to_string();
    if let Some((unknown, expected)) = parse_unknown_field(&message) {
        let what = describe(base);
        return unknown_key(&path, unknown, &what, &expected);
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        return Diagnostic::error(
            path.clone(),
            format!("{} is missing `{field}`", describe(base)),
        )
        .with_help(format!("add `{field}:` to {}", describe(base)));
    }
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    Diagnostic::error(path, message.replace("invalid type: ", "wrong type: "))
}

/// `unknown field `x`, expected one of `a`, `b`` → (`x`, [a, b]).
fn parse_unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect();
    Some((unknown, expected))
}

fn unknown_key(path: &Path, key: &str, what: &str, expected: &[&str]) -> Diagnostic {
    let diagnostic =
        Diagnostic::error(path.clone(), format!("unknown key `{key}` in {what}")).at_key();
    match did_you_mean(key, expected.iter().copied()) {
        Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_help(format!(
            "the keys allowed here are {}",
            expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// "a tool", "a resource", ... for the list an element sits in.
fn describe(path: &Path) -> String {
    let list = path.0.first().map(|segment| match segment {
        crate::diagnostic::Segment::Key(key) => key.as_str(),
        crate::diagnostic::Segment::Index(_) => "",
    });
    match list {
        Some("server") => "the `server` section",
        Some("settings") => "a setting",
        Some("types") => "a type",
        Some("tools") => "a tool",
        Some("resources") => "a resource",
        Some("resource_templates") => "a resource template",
        Some("prompts") => "a prompt",
        _ => "the spec",
    }
    .to_owned()
}

fn yaml_error(error: &serde_yaml::Error) -> Diagnostic {
    let message = error.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let diagnostic = Diagnostic::error(Path::root(), format!("invalid YAML: {message}"))
        .with_help("check the indentation and quoting near this point");
    match error.location() {
        Some(location) => diagnostic.with_span(Span {
            line: location.line(),
            column: location.column(),
            len: 1,
        }),
        None => diagnostic,
    }
}

fn key_name(key: &Value) -> String {
    scalar_text(key)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Null => "null".to_owned(),
        _ => serde_yaml::to_string(value)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}
