//! Sample values that fit a spec's types and constraints, for the tests
//! generated into each crate. A `pattern` cannot always be met; a call with
//! such a value gets a tool error, which the tests accept.

use serde_json::{Map, Value, json};

use crate::{
    model::ParamType,
    spec::{ParamSpec, Rules},
    valid::{NamedType, Param},
};

/// Arguments for a tool: a value for every parameter.
pub fn arguments(params: &[Param], types: &[NamedType]) -> Value {
    object(params, types, 0)
}

fn object(params: &[Param], types: &[NamedType], depth: usize) -> Value {
    let mut map = Map::new();
    for Param {
        spec: param, ty, ..
    } in params
    {
        // An optional nested object may recurse through arrays; stop early.
        if depth > 4 && param.required == Some(false) {
            continue;
        }
        let item_rules = param.items.as_ref().map(|items| items.rules());
        map.insert(
            param.name.clone(),
            value(ty, &param.rules(), item_rules.as_ref(), param, types, depth),
        );
    }
    Value::Object(map)
}

fn value(
    ty: &ParamType,
    rules: &Rules,
    item_rules: Option<&Rules>,
    param: &ParamSpec,
    types: &[NamedType],
    depth: usize,
) -> Value {
    match ty {
        ParamType::String => json!(string(rules)),
        ParamType::Integer => json!(number(rules).round() as i64),
        ParamType::Number => json!(number(rules)),
        ParamType::Boolean => json!(true),
        // An example or default the schema gives, else the one value every
        // schema of an importer's `oneOf` is least likely to refuse.
        ParamType::Json => param
            .schema
            .as_ref()
            .and_then(|schema| schema.get("example").or_else(|| schema.get("default")))
            .cloned()
            .unwrap_or(Value::Null),
        ParamType::Enum { values, .. } => json!(values[0]),
        ParamType::Object(name) => match types.iter().find(|t| &t.spec.name == name) {
            Some(spec) => object(&spec.fields, types, depth + 1),
            None => json!({}),
        },
        ParamType::Array(item) => {
            let count = param
                .min_items
                .unwrap_or(1)
                .min(param.max_items.unwrap_or(1))
                .max(param.min_items.unwrap_or(0));
            let count = if depth > 4 {
                param.min_items.unwrap_or(0)
            } else {
                count
            };
            let rules = item_rules.cloned().unwrap_or_default();
            Value::Array(
                (0..count)
                    .map(|_| value(item, &rules, None, param, types, depth + 1))
                    .collect(),
            )
        }
    }
}

fn string(rules: &Rules) -> String {
    let base = match rules.format.as_deref() {
        Some("date-time") => "2025-06-18T09:30:00Z",
        Some("date") => "2025-06-18",
        Some("email") => "someone@example.com",
        Some("uri") => "https://example.com/",
        _ => "example",
    };
    let mut text = base.to_owned();
    let min = rules.min_length.unwrap_or(0) as usize;
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = rules.max_length {
        text = text.chars().take(max as usize).collect();
    }
    text
}

/// 1, moved into `[minimum, maximum]`.
fn number(rules: &Rules) -> f64 {
    let min = rules.minimum.as_ref().and_then(serde_yaml::Number::as_f64);
    let max = rules.maximum.as_ref().and_then(serde_yaml::Number::as_f64);
    let mut n = 1.0;
    if let Some(min) = min {
        n = f64::max(n, min);
    }
    if let Some(max) = max {
        n = f64::min(n, max);
    }
    n
}

/// A value for one template variable, as it goes into a URI.
pub fn template_value(param: Option<&Param>) -> String {
    match param {
        Some(Param {
            ty: ParamType::Integer,
            spec,
            ..
        }) => (number(&spec.rules()).round() as i64).to_string(),
        Some(Param {
            ty: ParamType::Enum { values, .. },
            ..
        }) => percent_encode(&values[0]),
        Some(Param { spec, .. }) => percent_encode(&string(&spec.rules())),
        None => "example".to_owned(),
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
