//! What a server's listings must look like for every MCP client to take
//! them: schemas without `$ref` (but for a type that contains itself),
//! without type arrays or `default: null`, with only the formats JSON
//! Schema defines, and valid against the JSON Schema 2020-12 meta-schema,
//! which the Python `jsonschema` package checks (tests/common/meta_schema.py,
//! in the venv of tests/interop/tools/jsonschema.sh).

use std::{
    io::Write,
    process::{Command, Stdio},
};

use serde_json::{Map, Value, json};

use super::{Server, repo, tool};

/// The formats JSON Schema 2020-12 defines.
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Keywords whose value is a schema, a map of schemas, or a list of them.
const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
];
const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];
const SCHEMA_LIST_KEYWORDS: &[&str] = &["anyOf", "allOf", "oneOf", "prefixItems"];

/// What a server lists: its tools, resources, resource templates and
/// prompts, as the client sees them.
pub struct Listing {
    pub tools: Vec<Value>,
    pub resources: Vec<Value>,
    pub templates: Vec<Value>,
    pub prompts: Vec<Value>,
}

impl Listing {
    /// Lists everything the server declares (after `initialize`).
    pub fn of(server: &mut Server) -> Self {
        let capabilities = server.initialize_result()["capabilities"].clone();
        let mut list = |capability: &str, method: &str, key: &str| -> Vec<Value> {
            if capabilities.get(capability).is_none() {
                return Vec::new();
            }
            server.call(method, json!({}))[key]
                .as_array()
                .unwrap_or_else(|| panic!("{method} lists no {key}"))
                .clone()
        };
        Self {
            tools: list("tools", "tools/list", "tools"),
            resources: list("resources", "resources/list", "resources"),
            templates: list("resources", "resources/templates/list", "resourceTemplates"),
            prompts: list("prompts", "prompts/list", "prompts"),
        }
    }

    /// Every JSON Schema listed, with where it sits: a tool's `inputSchema`
    /// and `outputSchema`, and any `…Schema` of the other items.
    pub fn schemas(&self) -> Vec<(String, Value)> {
        let mut schemas = Vec::new();
        for (kind, items) in [
            ("tool", &self.tools),
            ("resource", &self.resources),
            ("template", &self.templates),
            ("prompt", &self.prompts),
        ] {
            for item in items {
                let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
                for (key, value) in item.as_object().into_iter().flatten() {
                    if key.ends_with("Schema") {
                        schemas.push((format!("{kind} {name:?}: {key}"), value.clone()));
                    }
                }
            }
        }
        schemas
    }
}

/// Checks what `server` lists; `refs` is the spec's `schema_refs: true`,
/// which allows every `$ref`. Panics naming every problem. Returns the
/// number of schemas checked.
pub fn assert_client_compatible(server: &mut Server, what: &str, refs: bool) -> usize {
    let listing = Listing::of(server);
    let schemas = listing.schemas();
    let mut problems = Vec::new();
    for (at, schema) in &schemas {
        problems.extend(
            schema_problems(schema, refs)
                .into_iter()
                .map(|problem| format!("{at}: {problem}")),
        );
    }
    // Resources, templates and prompts carry no schema; nothing in them
    // may look like one either.
    for (kind, items) in [
        ("resources", &listing.resources),
        ("templates", &listing.templates),
        ("prompts", &listing.prompts),
    ] {
        for item in items {
            for key in ["$ref", "$defs", "anyOf", "nullable"] {
                if has_key(item, key) {
                    problems.push(format!("{kind}: `{key}` in {item}"));
                }
            }
        }
    }
    problems.extend(meta_schema_problems(&schemas));
    assert!(
        problems.is_empty(),
        "{what}: schemas that some clients refuse:\n{}",
        problems.join("\n")
    );
    schemas.len()
}

fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(object) => {
            object.contains_key(key) || object.values().any(|value| has_key(value, key))
        }
        Value::Array(items) => items.iter().any(|item| has_key(item, key)),
        _ => false,
    }
}

/// What in one root schema some client would refuse or misread.
pub fn schema_problems(root: &Value, refs: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let defs = root
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if !refs {
        for name in defs.keys() {
            if !reaches(&defs, name, name, &mut Vec::new()) {
                problems.push(format!(
                    "`$defs/{name}` is not recursive, so it should be inlined"
                ));
            }
        }
    }
    walk(root, "#", &defs, refs, &mut problems);
    problems
}

fn walk(
    schema: &Value,
    at: &str,
    defs: &Map<String, Value>,
    refs: bool,
    problems: &mut Vec<String>,
) {
    let Some(object) = schema.as_object() else {
        if !schema.is_boolean() {
            problems.push(format!("{at}: not a schema: {schema}"));
        }
        return;
    };
    if at != "#" && object.contains_key("$defs") {
        problems.push(format!("{at}: `$defs` below the root"));
    }
    if let Some(reference) = object.get("$ref") {
        let recursive = match reference.as_str() {
            // The root, from inside itself.
            Some("#") => true,
            Some(reference) => reference
                .strip_prefix("#/$defs/")
                .is_some_and(|name| reaches(defs, name, name, &mut Vec::new())),
            None => false,
        };
        let resolves = match reference.as_str() {
            Some("#") => true,
            Some(reference) => reference
                .strip_prefix("#/$defs/")
                .is_some_and(|name| defs.contains_key(name)),
            None => false,
        };
        if !resolves {
            problems.push(format!("{at}: `$ref` {reference} resolves to nothing"));
        } else if !refs && !recursive {
            problems.push(format!(
                "{at}: `$ref` {reference} to a type that does not contain itself"
            ));
        }
    }
    match object.get("type") {
        None | Some(Value::String(_)) => {}
        Some(other) => problems.push(format!("{at}: `type` is not one type name: {other}")),
    }
    if object.get("default").is_some_and(Value::is_null) {
        problems.push(format!("{at}: `default: null`"));
    }
    if object.contains_key("nullable") {
        problems.push(format!("{at}: `nullable`, an OpenAPI keyword"));
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array)
        && values.iter().any(Value::is_null)
    {
        problems.push(format!("{at}: `null` among the `enum` values"));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = object.get(key).and_then(Value::as_array)
            && options
                .iter()
                .any(|o| o.get("type") == Some(&json!("null")))
        {
            problems.push(format!("{at}: a `{key}` with a null branch"));
        }
    }
    if let Some(format) = object.get("format")
        && !format
            .as_str()
            .is_some_and(|format| STANDARD_FORMATS.contains(&format))
    {
        problems.push(format!("{at}: the non-standard format {format}"));
    }
    for (key, value) in object {
        let inner = format!("{at}/{key}");
        if SCHEMA_KEYWORDS.contains(&key.as_str()) {
            walk(value, &inner, defs, refs, problems);
        } else if SCHEMA_MAP_KEYWORDS.contains(&key.as_str()) {
            for (name, schema) in value.as_object().into_iter().flatten() {
                walk(schema, &format!("{inner}/{name}"), defs, refs, problems);
            }
        } else if SCHEMA_LIST_KEYWORDS.contains(&key.as_str()) {
            for (i, schema) in value.as_array().into_iter().flatten().enumerate() {
                walk(schema, &format!("{inner}/{i}"), defs, refs, problems);
            }
        }
    }
}

/// Whether the definition `from` refers to `to`, directly or not.
fn reaches(defs: &Map<String, Value>, from: &str, to: &str, seen: &mut Vec<String>) -> bool {
    let mut names = Vec::new();
    if let Some(definition) = defs.get(from) {
        references(definition, &mut names);
    }
    names.into_iter().any(|name| {
        if name == to {
            return true;
        }
        if seen.contains(&name) {
            return false;
        }
        seen.push(name.clone());
        reaches(defs, &name, to, seen)
    })
}

fn references(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value.as_str()) {
                    ("$ref", Some(reference)) => {
                        if let Some(name) = reference.strip_prefix("#/$defs/") {
                            names.push(name.to_owned());
                        }
                    }
                    _ => references(value, names),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, names)),
        _ => {}
    }
}

/// Checks every schema against the JSON Schema 2020-12 meta-schema with
/// Python `jsonschema`, patterns as ECMA-262 regular expressions, in one
/// process for them all.
pub fn meta_schema_problems(schemas: &[(String, Value)]) -> Vec<String> {
    if schemas.is_empty() {
        return Vec::new();
    }
    let mut child = Command::new(tool("jsonschema").join("bin/python"))
        .arg(repo().join("tests/common/meta_schema.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let input = Value::Array(
        schemas
            .iter()
            .map(|(at, schema)| json!([at, schema]))
            .collect(),
    );
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write the schemas to python");
    let output = child.wait_with_output().expect("python finishes");
    assert!(
        output.status.success(),
        "tests/common/meta_schema.py failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(
        report["checked"],
        json!(schemas.len()),
        "python checked every schema: {report}"
    );
    // A spec's own pattern may use Rust regex syntax that ECMA-262 lacks,
    // such as `(?i)`: mcpgen passes patterns through as written, and
    // checks none for JavaScript clients yet. Shown, not failed.
    for pattern in report["patterns"].as_array().into_iter().flatten() {
        eprintln!("warning: not an ECMA-262 pattern, which JavaScript clients compile: {pattern}");
    }
    report["problems"]
        .as_array()
        .expect("a list of problems")
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_owned())
        .collect()
}
