//! Elicitation forms: the named types that tools `elicit`, as the
//! `requestedSchema` of `elicitation/create`, which is a flat subset of
//! JSON Schema (strings, numbers, booleans, single- and multi-select enums).

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{
    model::{ParamType, rust::string_literal, type_name, types::DefaultValue},
    spec::EnumSpec,
    valid::{Param, Valid},
};

/// A named type that some tool elicits.
#[derive(Debug, Serialize)]
pub struct Form {
    /// Its Rust type.
    pub name: String,
    /// Its elicitation schema, as a JSON string literal.
    pub schema_lit: String,
}

/// The forms that the spec's tools elicit, each once, in `types` order.
pub fn forms(valid: &Valid) -> Vec<Form> {
    valid
        .types
        .iter()
        .filter(|t| {
            valid
                .tools
                .iter()
                .any(|tool| tool.spec.elicit.contains(&t.spec.name))
        })
        .map(|t| Form {
            name: type_name(&t.spec.name),
            schema_lit: string_literal(&schema(
                &t.fields,
                t.spec.description.as_deref(),
                &valid.enums,
            )),
        })
        .collect()
}

/// The `requestedSchema` of a form with these fields, as JSON text that
/// lists the fields in spec order, the order a client shows them in.
fn schema(fields: &[Param], description: Option<&str>, enums: &[EnumSpec]) -> String {
    let properties: Vec<String> = fields
        .iter()
        .map(|field| format!("{}:{}", json!(field.spec.name), property(field, enums)))
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|field| field.spec.required != Some(false) && field.default.is_none())
        .map(|field| field.spec.name.as_str())
        .collect();
    let mut schema = format!(
        r#"{{"type":"object","properties":{{{}}}"#,
        properties.join(",")
    );
    if !required.is_empty() {
        schema.push_str(&format!(r#","required":{}"#, json!(required)));
    }
    if let Some(description) = description {
        schema.push_str(&format!(r#","description":{}"#, json!(description)));
    }
    schema.push('}');
    schema
}

/// The schema of one field.
fn property(field: &Param, enums: &[EnumSpec]) -> Value {
    let spec = &field.spec;
    let mut schema = Map::new();
    let mut put = |key: &str, value: Value| {
        schema.insert(key.to_owned(), value);
    };
    match &field.ty {
        ParamType::Enum { shared, values } => {
            put("type", json!("string"));
            for (key, value) in choices(shared.as_deref(), values, enums, false) {
                put(key, value);
            }
        }
        ParamType::Array(item) => {
            put("type", json!("array"));
            if let ParamType::Enum { shared, values } = &**item {
                let mut items = Map::new();
                for (key, value) in choices(shared.as_deref(), values, enums, true) {
                    items.insert(key.to_owned(), value);
                }
                put("items", Value::Object(items));
            }
            if let Some(n) = spec.min_items {
                put("minItems", json!(n));
            }
            if let Some(n) = spec.max_items {
                put("maxItems", json!(n));
            }
        }
        other => {
            put("type", json!(other.name()));
            if let Some(n) = spec.min_length {
                put("minLength", json!(n));
            }
            if let Some(n) = spec.max_length {
                put("maxLength", json!(n));
            }
            if let Some(format) = &spec.format {
                put("format", json!(format));
            }
            if let Some(n) = &spec.minimum {
                put("minimum", number(n));
            }
            if let Some(n) = &spec.maximum {
                put("maximum", number(n));
            }
        }
    }
    if let Some(description) = &spec.description {
        put("description", json!(description));
    }
    if let Some(default) = &field.default {
        put("default", default_json(default));
    }
    Value::Object(schema)
}

/// The keys that list an enum's values: `enum`, or `oneOf`/`anyOf` of
/// `const` and `title` when the shared enum has titles (`anyOf` for the
/// items of a multi-select), or `enum` and `enumNames` for legacy titles.
fn choices(
    shared: Option<&str>,
    values: &[String],
    enums: &[EnumSpec],
    multi: bool,
) -> Vec<(&'static str, Value)> {
    let titled = shared
        .and_then(|name| enums.iter().find(|e| e.name == name))
        .filter(|e| !e.titles.is_empty());
    match titled {
        Some(e) if e.legacy_titles && !multi => {
            vec![("enum", json!(values)), ("enumNames", json!(e.titles))]
        }
        Some(e) => {
            let options: Vec<Value> = values
                .iter()
                .zip(&e.titles)
                .map(|(value, title)| json!({ "const": value, "title": title }))
                .collect();
            vec![(if multi { "anyOf" } else { "oneOf" }, Value::Array(options))]
        }
        None if multi => vec![("type", json!("string")), ("enum", json!(values))],
        None => vec![("enum", json!(values))],
    }
}

fn number(n: &serde_yaml::Number) -> Value {
    serde_json::to_value(n).unwrap_or(Value::Null)
}

fn default_json(value: &DefaultValue) -> Value {
    match value {
        DefaultValue::String(text) | DefaultValue::Variant(text) => json!(text),
        DefaultValue::Integer(n) | DefaultValue::Number(n) => number(n),
        DefaultValue::Boolean(flag) => json!(flag),
        DefaultValue::List(items) => Value::Array(items.iter().map(default_json).collect()),
    }
}
