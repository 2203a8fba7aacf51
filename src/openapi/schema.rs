//! OpenAPI schemas to the spec's types: named types for object schemas,
//! scalars with their constraints, and JSON Schema kept as written
//! (`type: json`) for what the spec's types cannot say.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use serde_yaml::Value as Yaml;

use super::{mapping, ordered_properties, to_yaml, yaml_str};
use crate::{
    diagnostic::{Diagnostic, Path},
    model::{ident, types},
};

/// How deep a schema may nest before the import refuses it.
const MAX_DEPTH: usize = 64;
/// How many nodes an inlined JSON Schema may have; deeper parts become `{}`.
const MAX_INLINE_NODES: usize = 4000;
/// How many `$ref`s in a row may point at another `$ref`.
const MAX_REF_CHAIN: usize = 32;

/// Type names the generated code takes.
const RESERVED: &[&str] = &[
    "Arc",
    "Box",
    "CallToolResult",
    "ContentBlock",
    "Deserialize",
    "Error",
    "ErrorKind",
    "Future",
    "Handler",
    "Json",
    "JsonObject",
    "JsonSchema",
    "Option",
    "Parameters",
    "Result",
    "Serialize",
    "Server",
    "Settings",
    "String",
    "Value",
    "Vec",
    "Binding",
    "Place",
    "Scheme",
    "Client",
    "Secret",
    "Map",
    "Self",
];

/// Follows `value`'s `$ref`s, local ones only, to what they point at.
pub fn resolve<'a>(document: &'a Value, mut value: &'a Value) -> Result<&'a Value, String> {
    for _ in 0..MAX_REF_CHAIN {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok(value);
        };
        value = pointer(document, reference)?;
    }
    Err("a chain of `$ref`s is too long, or loops".to_owned())
}

/// What a local `$ref` points at.
fn pointer<'a>(document: &'a Value, reference: &str) -> Result<&'a Value, String> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(format!(
            "the external `$ref` `{}` is refused: mcpgen reads one document unless `--allow-external-refs` is given",
            reference.escape_debug()
        ));
    };
    // JSON Pointer, with its `~1` and `~0` escapes, and percent-encoding.
    let decoded = percent_decode(fragment);
    let mut value = document;
    if !decoded.is_empty() {
        let Some(rest) = decoded.strip_prefix('/') else {
            return Err(format!(
                "`{}` is not a JSON Pointer",
                reference.escape_debug()
            ));
        };
        for token in rest.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            value = match value {
                Value::Object(map) => map.get(&token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
            .ok_or_else(|| {
                format!(
                    "the `$ref` `{}` points at nothing in the document",
                    reference.escape_debug()
                )
            })?;
        }
    }
    Ok(value)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(Some(h)), Some(Some(l))) = (
                bytes.get(i + 1).map(|b| hex(*b)),
                bytes.get(i + 2).map(|b| hex(*b)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An object's properties with their schemas, and the required ones.
pub type Properties = (Vec<(String, Value)>, Vec<String>);

/// A parameter's type, as the keys of a spec param.
pub struct Mapped {
    keys: Vec<(&'static str, Yaml)>,
}

impl Mapped {
    fn of(ty: &str) -> Self {
        Mapped {
            keys: vec![("type", yaml_str(ty))],
        }
    }

    fn json(schema: Value) -> Self {
        let mut keys = vec![("type", yaml_str("json"))];
        if schema != Value::Bool(true) && schema != Value::Object(Map::new()) {
            keys.push(("schema", to_yaml(&schema)));
        }
        Mapped { keys }
    }

    fn ty(&self) -> &str {
        match &self.keys[0].1 {
            Yaml::String(ty) => ty,
            _ => "",
        }
    }

    fn is_json(&self) -> bool {
        self.ty() == "json"
    }

    /// A spec param (or type field) of this type.
    pub fn param(&self, name: &str, description: Option<&str>, required: bool) -> Yaml {
        let mut pairs = vec![("name", yaml_str(name))];
        let keys = self.keys.iter().cloned();
        // `type: string` is the default; an enum is a string.
        pairs.extend(keys.filter(|(key, value)| !(*key == "type" && value == &yaml_str("string"))));
        if let Some(description) = description {
            pairs.push(("description", yaml_str(description.trim())));
        }
        if !required {
            pairs.push(("required", Yaml::Bool(false)));
        }
        mapping(pairs)
    }
}

/// Maps schemas, collecting the named types they need.
pub struct Mapper<'a> {
    document: &'a Value,
    /// Named types, in the order they were made.
    types: Vec<Yaml>,
    /// Type names taken, and the component each `#/components/schemas/X`
    /// became.
    taken: HashSet<String>,
    components: HashMap<String, String>,
    /// Types being built: a field that holds one of them (other than
    /// through an array) would make a type contain itself.
    building: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    pub failed: bool,
}

impl<'a> Mapper<'a> {
    pub fn new(document: &'a Value) -> Self {
        Mapper {
            document,
            types: Vec::new(),
            taken: RESERVED.iter().map(|s| (*s).to_owned()).collect(),
            components: HashMap::new(),
            building: Vec::new(),
            diagnostics: Vec::new(),
            failed: false,
        }
    }

    pub fn types(&mut self) -> Vec<Yaml> {
        std::mem::take(&mut self.types)
    }

    fn fail(&mut self, at: &Path, message: String, help: &str) {
        self.diagnostics
            .push(Diagnostic::error(at.clone(), message).with_help(help));
        self.failed = true;
    }

    fn fresh_name(&mut self, hint: &str) -> String {
        let base = ident::pascal(hint).trim_start_matches("r#").to_owned();
        let mut name = base.clone();
        let mut n = 1;
        while self.taken.contains(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        self.taken.insert(name.clone());
        name
    }

    /// The type of a parameter or field with `schema`; `hint` names a type
    /// it may need. `None` after a reported error.
    pub fn map(&mut self, schema: &Value, hint: &str, at: &Path) -> Option<Mapped> {
        self.map_at(schema, hint, at, 0, false)
    }

    fn map_at(
        &mut self,
        schema: &Value,
        hint: &str,
        at: &Path,
        depth: usize,
        in_array: bool,
    ) -> Option<Mapped> {
        if depth > MAX_DEPTH {
            self.fail(
                at,
                "the schema nests too deep".to_owned(),
                "simplify the schema",
            );
            return None;
        }
        let Some(object) = schema.as_object() else {
            return match schema {
                Value::Bool(_) => Some(Mapped::json(schema.clone())),
                _ => {
                    self.fail(
                        at,
                        "a schema must be a mapping or a boolean".to_owned(),
                        "fix the schema",
                    );
                    None
                }
            };
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let target = match pointer(self.document, reference) {
                Ok(target) => target,
                Err(message) => {
                    self.fail(at, message, "point the `$ref` at a schema of this document, e.g. `#/components/schemas/Pet`");
                    return None;
                }
            };
            if let Some(component) = reference.strip_prefix("#/components/schemas/")
                && !component.contains('/')
                && self.is_plain_object(target)
            {
                return self.named(component, component, target, at, depth, in_array);
            }
            // A schema of a file that an external `$ref` named.
            if let Some(name) = super::external::component(reference)
                && self.is_plain_object(target)
            {
                return self.named(reference, name, target, at, depth, in_array);
            }
            if depth > MAX_REF_CHAIN {
                return Some(Mapped::json(self.inline(schema)));
            }
            return self.map_at(target, hint, at, depth + 1, in_array);
        }
        let composed = [
            "allOf",
            "oneOf",
            "anyOf",
            "not",
            "if",
            "patternProperties",
            "const",
        ]
        .iter()
        .any(|key| object.contains_key(*key));
        if composed {
            return Some(Mapped::json(self.inline(schema)));
        }
        // 3.1: `type: [X, "null"]` is an optional X.
        let ty = match object.get("type") {
            None => None,
            Some(Value::String(ty)) => Some(ty.as_str()),
            Some(Value::Array(types)) => {
                let real: Vec<&str> = types
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect();
                match real.as_slice() {
                    [one] => Some(*one),
                    _ => return Some(Mapped::json(self.inline(schema))),
                }
            }
            Some(_) => return Some(Mapped::json(self.inline(schema))),
        };
        let ty = ty.or_else(|| {
            if object.contains_key("properties") {
                Some("object")
            } else if object.contains_key("items") {
                Some("array")
            } else {
                None
            }
        });
        if let Some(values) = object.get("enum") {
            let strings: Option<Vec<String>> = values
                .as_array()
                .and_then(|v| v.iter().map(|v| v.as_str().map(str::to_owned)).collect());
            return Some(match strings {
                Some(values)
                    if matches!(ty, None | Some("string"))
                        && types::check_enum_values(&values).is_ok() =>
                {
                    let mut mapped = Mapped::of("string");
                    mapped.keys.push((
                        "enum",
                        Yaml::Sequence(values.iter().map(|v| yaml_str(v)).collect()),
                    ));
                    mapped
                }
                Some(_) if matches!(ty, None | Some("string")) => Mapped::of("string"),
                _ => Mapped::json(self.inline(schema)),
            });
        }
        let number = |key: &str| object.get(key).and_then(Value::as_number).cloned();
        let count = |key: &str| object.get(key).and_then(Value::as_u64);
        match ty {
            Some("string") => {
                let mut mapped = Mapped::of("string");
                if let Some(format) = object.get("format").and_then(Value::as_str)
                    && types::FORMATS.contains(&format)
                {
                    mapped.keys.push(("format", yaml_str(format)));
                }
                let (min, max) = (count("minLength"), count("maxLength"));
                if min.is_some() && max.is_none_or(|max| Some(max) >= min) {
                    mapped
                        .keys
                        .push(("min_length", Yaml::Number(min.unwrap_or_default().into())));
                }
                if let Some(max) = max.filter(|max| min.is_none_or(|min| min <= *max)) {
                    mapped.keys.push(("max_length", Yaml::Number(max.into())));
                }
                Some(mapped)
            }
            Some(ty @ ("integer" | "number")) => {
                let mut mapped = Mapped::of(ty);
                let (min, max) = (number("minimum"), number("maximum"));
                let ordered = match (&min, &max) {
                    (Some(a), Some(b)) => a.as_f64() <= b.as_f64(),
                    _ => true,
                };
                for (key, value) in [("minimum", min), ("maximum", max)] {
                    if let Some(value) = value.filter(|_| ordered)
                        && let Some(n) = yaml_number(&value, ty == "integer")
                    {
                        mapped.keys.push((key, Yaml::Number(n)));
                    }
                }
                Some(mapped)
            }
            Some("boolean") => Some(Mapped::of("boolean")),
            Some("array") => {
                let items = object.get("items").cloned().unwrap_or(Value::Bool(true));
                let item = self.map_at(
                    &items,
                    &format!("{hint}Item"),
                    &at.key("items"),
                    depth + 1,
                    true,
                )?;
                if item.is_json() || item.ty() == "array" {
                    return Some(Mapped::json(self.inline(schema)));
                }
                let mut mapped = Mapped::of("array");
                mapped.keys.push(("items", mapping(item.keys)));
                let (min, max) = (count("minItems"), count("maxItems"));
                if let Some(min) = min.filter(|min| max.is_none_or(|max| max >= *min)) {
                    mapped.keys.push(("min_items", Yaml::Number(min.into())));
                }
                if let Some(max) = max.filter(|max| min.is_none_or(|min| min <= *max)) {
                    mapped.keys.push(("max_items", Yaml::Number(max.into())));
                }
                Some(mapped)
            }
            Some("object") if self.is_plain_object(schema) => {
                let name = self.fresh_name(hint);
                self.build(&name, schema, at, depth, in_array)
            }
            _ => Some(Mapped::json(self.inline(schema))),
        }
    }

    /// An object schema with properties, each with a name the generated
    /// code can hold apart: a named type.
    fn is_plain_object(&self, schema: &Value) -> bool {
        let Some(object) = schema.as_object() else {
            return false;
        };
        let composed = ["allOf", "oneOf", "anyOf", "not", "if", "patternProperties"]
            .iter()
            .any(|key| object.contains_key(*key));
        let typed = match object.get("type") {
            None => true,
            Some(Value::String(ty)) => ty == "object",
            Some(Value::Array(types)) => {
                types.iter().filter(|t| t.as_str() != Some("null")).count() == 1
                    && types.iter().any(|t| t.as_str() == Some("object"))
            }
            _ => false,
        };
        let Some(properties) = object.get("properties").and_then(Value::as_object) else {
            return false;
        };
        let mut idents = HashSet::new();
        !composed
            && typed
            && !properties.is_empty()
            && properties.keys().all(|name| {
                !name.is_empty()
                    && name.chars().all(|c| !c.is_control())
                    && idents.insert(ident::snake(name))
            })
    }

    /// The component `component` as a named type, made on first use.
    fn named(
        &mut self,
        component: &str,
        hint: &str,
        target: &Value,
        at: &Path,
        depth: usize,
        in_array: bool,
    ) -> Option<Mapped> {
        if let Some(name) = self.components.get(component).cloned() {
            if self.building.contains(&name) && !in_array {
                return Some(Mapped::json(
                    serde_json::json!({ "type": "object", "description": format!("A {name}, as JSON.") }),
                ));
            }
            return Some(Mapped::of(&name));
        }
        let name = self.fresh_name(hint);
        self.components.insert(component.to_owned(), name.clone());
        self.build(&name, target, at, depth, in_array)
    }

    fn build(
        &mut self,
        name: &str,
        schema: &Value,
        at: &Path,
        depth: usize,
        _in_array: bool,
    ) -> Option<Mapped> {
        self.building.push(name.to_owned());
        let object = schema.as_object()?;
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        object.get("properties").and_then(Value::as_object)?;
        for (property, property_schema) in ordered_properties(object) {
            let hint = format!("{name}{}", ident::pascal(property).trim_start_matches("r#"));
            let mapped = self.map_at(
                property_schema,
                &hint,
                &at.key("properties").key(property.as_str()),
                depth + 1,
                false,
            )?;
            // A named type that holds itself (not through an array) cannot
            // be a Rust struct: that field stays JSON.
            let mapped = if self.building.iter().any(|b| b == mapped.ty()) {
                Mapped::json(serde_json::json!({ "type": "object" }))
            } else {
                mapped
            };
            let description = property_schema
                .as_object()
                .and_then(|p| p.get("description"))
                .and_then(Value::as_str)
                .filter(|d| !d.trim().is_empty());
            fields.push(mapped.param(property, description, required.contains(&property.as_str())));
        }
        self.building.pop();
        let description = object
            .get("description")
            .and_then(Value::as_str)
            .filter(|d| !d.trim().is_empty())
            .map(|d| yaml_str(d.trim()));
        self.types.push(mapping(vec![
            ("name", yaml_str(name)),
            ("description", description.unwrap_or(Yaml::Null)),
            ("fields", Yaml::Sequence(fields)),
        ]));
        Some(Mapped::of(name))
    }

    /// The properties of an object body, and the required ones, if it is a
    /// plain object that its properties can stand for.
    pub fn properties(&mut self, schema: &Value, _at: &Path) -> Option<Properties> {
        let schema = resolve(self.document, schema).ok()?;
        if !self.is_plain_object(schema) {
            return None;
        }
        let object = schema.as_object()?;
        let required = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let properties = ordered_properties(object)
            .into_iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Some((properties, required))
    }

    /// The named type of a tool's structured output, if the response is an
    /// object with properties.
    pub fn output(&mut self, schema: &Value, hint: &str) -> Option<String> {
        let target = resolve(self.document, schema).ok()?;
        if !self.is_plain_object(target) {
            return None;
        }
        let saved = (self.diagnostics.len(), self.failed);
        let mapped = self.map_at(schema, hint, &Path::root(), 0, false);
        // An output that cannot be mapped is left out, not an error.
        if mapped.is_none() {
            self.diagnostics.truncate(saved.0);
            self.failed = saved.1;
        }
        Some(mapped?.ty().to_owned()).filter(|ty| ty.starts_with(|c: char| c.is_ascii_uppercase()))
    }

    /// `schema` with its `$ref`s replaced by what they point at, a
    /// recursive one by `{}`, within a budget of nodes.
    fn inline(&self, schema: &Value) -> Value {
        let mut budget = MAX_INLINE_NODES;
        let mut stack = Vec::new();
        self.inline_at(schema, &mut stack, &mut budget, 0)
    }

    fn inline_at(
        &self,
        schema: &Value,
        stack: &mut Vec<String>,
        budget: &mut usize,
        depth: usize,
    ) -> Value {
        if *budget == 0 || depth > MAX_DEPTH {
            return Value::Object(Map::new());
        }
        *budget -= 1;
        match schema {
            Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                    if stack.iter().any(|r| r == reference) {
                        return Value::Object(Map::new());
                    }
                    let Ok(target) = pointer(self.document, reference) else {
                        return Value::Object(Map::new());
                    };
                    stack.push(reference.to_owned());
                    let value = self.inline_at(target, stack, budget, depth + 1);
                    stack.pop();
                    return value;
                }
                let mut out = Map::new();
                for (key, value) in object {
                    // OpenAPI's own keys, which JSON Schema does not know.
                    if matches!(
                        key.as_str(),
                        "discriminator" | "xml" | "externalDocs" | "example" | "examples"
                    ) || key.starts_with("x-")
                    {
                        continue;
                    }
                    out.insert(key.clone(), self.inline_at(value, stack, budget, depth + 1));
                }
                // 3.0's `nullable` as JSON Schema says it.
                if out.remove("nullable") == Some(Value::Bool(true))
                    && let Some(Value::String(ty)) = out.get("type").cloned()
                {
                    out.insert("type".to_owned(), serde_json::json!([ty, "null"]));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.inline_at(item, stack, budget, depth + 1))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn yaml_number(value: &serde_json::Number, integer: bool) -> Option<serde_yaml::Number> {
    if let Some(n) = value.as_i64() {
        Some(n.into())
    } else if let Some(n) = value.as_u64() {
        Some(n.into())
    } else if integer {
        None
    } else {
        value.as_f64().filter(|f| f.is_finite()).map(Into::into)
    }
}
