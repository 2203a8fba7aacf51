//! Value types: spec types to Rust types, JSON Schema attributes, and the
//! checks that enforce a parameter's constraints before a handler runs.

use crate::{
    model::{ident, rust::string_literal},
    spec::{EnumSpec, ItemsSpec, ParamSpec, Rules, TypeSpec},
};

/// The string formats a parameter may declare.
pub const FORMATS: &[&str] = &["date-time", "date", "email", "uri"];

/// The built-in type names.
pub const BUILTIN_TYPES: &[&str] = &["string", "integer", "number", "boolean", "array", "json"];

/// The type of a tool parameter, type field or template variable.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    /// A string with these values: an enum of its own, or `shared`, the
    /// name of an enum under `enums`.
    Enum {
        shared: Option<String>,
        values: Vec<String>,
    },
    Array(Box<ParamType>),
    /// A named type from the spec's `types`.
    Object(String),
    /// `json`: any JSON value, or one that fits the param's `schema`.
    Json,
}

impl ParamType {
    /// For an enum, `Some` of the shared enum's name, if it is one.
    pub fn enum_of(&self) -> Option<Option<&str>> {
        match self {
            Self::Enum { shared, .. } => Some(shared.as_deref()),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Enum { .. } => "enum",
            Self::Array(_) => "array",
            Self::Object(_) => "object",
            Self::Json => "json",
        }
    }
}

/// The names a `type` may refer to besides the built-in types.
#[derive(Clone, Copy)]
pub struct Names<'a> {
    pub types: &'a [TypeSpec],
    pub enums: &'a [EnumSpec],
}

/// Reads a parameter's type; on error, names the offending key.
pub fn param_type(param: &ParamSpec, names: Names) -> Result<ParamType, (&'static str, String)> {
    let ty = param.ty.as_deref().unwrap_or("string");
    let base =
        scalar_type(ty, param.values.as_deref(), names).map_err(|message| ("type", message))?;
    match (base, &param.items) {
        (Some(ty), None) => Ok(ty),
        (Some(_), Some(_)) => Err((
            "items",
            format!(
                "`items` is only for arrays, and `{}` is a `{ty}`",
                param.name
            ),
        )),
        (None, None) => Err(("type", format!("the array `{}` needs `items`", param.name))),
        (None, Some(items)) => match item_type(items, names) {
            Ok(Some(item)) => Ok(ParamType::Array(Box::new(item))),
            Ok(None) => Err(("items", "arrays of arrays are not supported".to_owned())),
            Err(message) => Err(("items", message)),
        },
    }
}

fn item_type(items: &ItemsSpec, names: Names) -> Result<Option<ParamType>, String> {
    scalar_type(
        items.ty.as_deref().unwrap_or("string"),
        items.values.as_deref(),
        names,
    )
}

/// A scalar or named type, or `None` for `array`.
fn scalar_type(
    ty: &str,
    values: Option<&[String]>,
    names: Names,
) -> Result<Option<ParamType>, String> {
    let shared = names.enums.iter().find(|e| e.name == ty);
    let scalar = match (ty, values) {
        ("string", Some(values)) => {
            check_enum_values(values)?;
            ParamType::Enum {
                shared: None,
                values: values.to_vec(),
            }
        }
        (_, Some(_)) if shared.is_some() => {
            return Err(format!(
                "`{ty}` is an enum already; remove `enum`, or the `type`"
            ));
        }
        (_, Some(_)) => return Err(format!("`enum` is only for strings, not `{ty}`")),
        (_, None) if shared.is_some() => ParamType::Enum {
            shared: shared.map(|e| e.name.clone()),
            values: shared.map(|e| e.values.clone()).unwrap_or_default(),
        },
        ("string", None) => ParamType::String,
        ("integer", None) => ParamType::Integer,
        ("number", None) => ParamType::Number,
        ("boolean", None) => ParamType::Boolean,
        ("json", None) => ParamType::Json,
        ("array", None) => return Ok(None),
        (name, None) if names.types.iter().any(|t| t.name == name) => {
            ParamType::Object(name.to_owned())
        }
        (other, None) => return Err(format!("unknown type `{other}`")),
    };
    Ok(Some(scalar))
}

/// Checks the values of an enum: at least one, each its own Rust variant.
pub fn check_enum_values(values: &[String]) -> Result<(), String> {
    if values.is_empty() {
        return Err("an `enum` needs at least one value".to_owned());
    }
    let mut variants: Vec<String> = values.iter().map(|v| ident::pascal(v)).collect();
    variants.sort();
    if let Some(pair) = variants.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(format!(
            "two enum values both become the Rust variant `{}`",
            pair[0]
        ));
    }
    Ok(())
}

/// A parameter's default value, of its type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    String(String),
    /// An integer that fits an `i64`.
    Integer(serde_yaml::Number),
    Number(serde_yaml::Number),
    Boolean(bool),
    /// A value of the parameter's enum.
    Variant(String),
    List(Vec<DefaultValue>),
}

impl DefaultValue {
    /// The Rust expression of the value; `enum_type` is the parameter's enum.
    pub fn rust(&self, enum_type: &str) -> String {
        match self {
            Self::String(text) => format!("{}.to_owned()", string_literal(text)),
            Self::Integer(n) => n.to_string(),
            Self::Number(n) => float_literal(n),
            Self::Boolean(flag) => flag.to_string(),
            Self::Variant(value) => format!("{enum_type}::{}", ident::pascal(value)),
            Self::List(items) => format!(
                "vec![{}]",
                items
                    .iter()
                    .map(|item| item.rust(enum_type))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Reads a default value, checked against its type.
pub fn default_value(ty: &ParamType, value: &serde_yaml::Value) -> Result<DefaultValue, String> {
    use serde_yaml::Value;
    match (ty, value) {
        (ParamType::String, Value::String(text)) => Ok(DefaultValue::String(text.clone())),
        (ParamType::Integer, Value::Number(n)) if n.as_i64().is_some() => {
            Ok(DefaultValue::Integer(n.clone()))
        }
        (ParamType::Number, Value::Number(n)) if n.as_f64().is_some_and(f64::is_finite) => {
            Ok(DefaultValue::Number(n.clone()))
        }
        (ParamType::Boolean, Value::Bool(flag)) => Ok(DefaultValue::Boolean(*flag)),
        (ParamType::Enum { values, .. }, Value::String(text)) if values.contains(text) => {
            Ok(DefaultValue::Variant(text.clone()))
        }
        (ParamType::Enum { values, .. }, _) => Err(format!(
            "the default must be one of {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (ParamType::Array(item), Value::Sequence(items)) => Ok(DefaultValue::List(
            items
                .iter()
                .map(|value| default_value(item, value))
                .collect::<Result<Vec<_>, _>>()?,
        )),
        (ParamType::Object(_), _) => Err("object parameters cannot have a default".to_owned()),
        (ty, _) => Err(format!("the default is not a valid {}", ty.name())),
    }
}

fn float_literal(n: &serde_yaml::Number) -> String {
    let text = n.to_string();
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// Checks that `rules` fit a value of type `ty`; returns (key, message).
pub fn check_rules(ty: &ParamType, rules: &Rules) -> Result<(), (&'static str, String)> {
    let is_string = matches!(ty, ParamType::String);
    let is_number = matches!(ty, ParamType::Integer | ParamType::Number);
    let name = ty.name();
    for (key, set) in [
        ("min_length", rules.min_length.is_some()),
        ("max_length", rules.max_length.is_some()),
        ("pattern", rules.pattern.is_some()),
        ("format", rules.format.is_some()),
    ] {
        if set && !is_string {
            return Err((key, format!("`{key}` is for strings, not a `{name}`")));
        }
    }
    for (key, bound) in [("minimum", &rules.minimum), ("maximum", &rules.maximum)] {
        match bound {
            Some(_) if !is_number => {
                return Err((key, format!("`{key}` is for numbers, not a `{name}`")));
            }
            Some(n) if *ty == ParamType::Integer && n.as_i64().is_none() => {
                return Err((key, format!("the `{key}` of an integer must be an integer")));
            }
            Some(n) if n.as_f64().is_none_or(|f| !f.is_finite()) => {
                return Err((key, format!("`{key}` must be a finite number")));
            }
            _ => {}
        }
    }
    if let (Some(min), Some(max)) = (rules.min_length, rules.max_length)
        && min > max
    {
        return Err((
            "min_length",
            format!("`min_length` {min} is above `max_length` {max}"),
        ));
    }
    if let (Some(min), Some(max)) = (&rules.minimum, &rules.maximum)
        && min.as_f64() > max.as_f64()
    {
        return Err((
            "minimum",
            format!("`minimum` {min} is above `maximum` {max}"),
        ));
    }
    if let Some(format) = &rules.format
        && !FORMATS.contains(&format.as_str())
    {
        return Err((
            "format",
            format!(
                "unknown format `{format}`; the formats are {}",
                FORMATS
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if let Some(pattern) = &rules.pattern
        && let Err(error) = regex_syntax::Parser::new().parse(pattern)
    {
        let error = error.to_string();
        let reason = error.lines().last().unwrap_or("invalid").trim();
        return Err((
            "pattern",
            format!("`{pattern}` is not a valid regular expression: {reason}"),
        ));
    }
    Ok(())
}

/// What generated code needs beyond the checks themselves.
#[derive(Debug, Default)]
pub struct CheckNeeds {
    pub length: bool,
    pub range: bool,
    pub items: bool,
    pub formats: Vec<&'static str>,
    /// `(static name, pattern literal)` for each pattern.
    pub patterns: Vec<(String, String)>,
}

impl CheckNeeds {
    pub fn any(&self) -> bool {
        self.length
            || self.range
            || self.items
            || !self.formats.is_empty()
            || !self.patterns.is_empty()
    }

    /// Adds the static that holds a pattern, and returns its name: `name`,
    /// made a valid identifier, and numbered if another static has it
    /// (the items of `tags` and a parameter `tags_item` meet at
    /// `..._TAGS_ITEM_PATTERN`).
    fn pattern(&mut self, name: String, literal: String) -> String {
        let base = if name.starts_with(|c: char| c.is_ascii_digit()) {
            format!("_{name}")
        } else {
            name
        };
        let mut name = base.clone();
        let mut n = 1;
        while self.patterns.iter().any(|(taken, _)| *taken == name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        self.patterns.push((name.clone(), literal));
        name
    }

    /// Records that a check of `format`, one of [`FORMATS`], is used.
    fn format(&mut self, format: &'static str) {
        if !self.formats.contains(&format) {
            self.formats.push(format);
        }
    }
}

/// How generated code reaches a value: by reference, and by copy for numbers.
struct Access<'a> {
    reference: &'a str,
    copy: &'a str,
}

/// The statements that check one field of a struct with a `check(&self, at)`
/// method, or nothing if the field has no constraints.
pub fn field_checks(
    param: &ParamSpec,
    ty: &ParamType,
    ident: &str,
    optional: bool,
    owner: &str,
    objects_with_checks: &dyn Fn(&str) -> bool,
    needs: &mut CheckNeeds,
) -> Vec<String> {
    let name = string_literal(&param.name);
    let direct = format!("&self.{ident}");
    let copy = format!("self.{ident}");
    let access = if optional {
        Access {
            reference: "value",
            copy: "*value",
        }
    } else {
        Access {
            reference: &direct,
            copy: &copy,
        }
    };
    let static_name = format!(
        "{}_{}",
        ident::screaming(owner),
        ident::screaming(&param.name)
    );
    let mut checks = Vec::new();
    match ty {
        ParamType::Array(item) => {
            if param.min_items.is_some() || param.max_items.is_some() {
                needs.items = true;
                checks.push(format!(
                    "check_items(at, {name}, {}.len(), {}, {})?;",
                    access.copy.trim_start_matches('*'),
                    bound(param.min_items),
                    bound(param.max_items)
                ));
            }
            let item_rules = param
                .items
                .as_ref()
                .map(ItemsSpec::rules)
                .unwrap_or_default();
            let item_checks = value_checks(
                item,
                &item_rules,
                &Access {
                    reference: "item",
                    copy: "*item",
                },
                "&at",
                "\"\"",
                &format!("{static_name}_ITEM"),
                objects_with_checks,
                needs,
            );
            if !item_checks.is_empty() {
                // `self.tags.iter()`, not `&self.tags.iter()`: the method call
                // binds tighter than `&`.
                checks.push(format!(
                    "for (i, item) in {}.iter().enumerate() {{\nlet at = format!(\"{{}}[{{i}}]\", path(at, {name}));\n{}\n}}",
                    access.copy.trim_start_matches('*'),
                    item_checks.join("\n")
                ));
            }
        }
        ty => checks.extend(value_checks(
            ty,
            &param.rules(),
            &access,
            "at",
            &name,
            &static_name,
            objects_with_checks,
            needs,
        )),
    }
    if optional && !checks.is_empty() {
        return vec![format!(
            "if let Some(value) = &self.{ident} {{\n{}\n}}",
            checks.join("\n")
        )];
    }
    checks
}

/// The statements that check a URI template variable, once it is bound to
/// `ident` with its type: a `String`, or an `i64` for an integer.
pub fn var_checks(
    param: &ParamSpec,
    ty: &ParamType,
    ident: &str,
    owner: &str,
    needs: &mut CheckNeeds,
) -> Vec<String> {
    let reference = format!("&{ident}");
    let static_name = format!(
        "{}_{}",
        ident::screaming(owner),
        ident::screaming(&param.name)
    );
    value_checks(
        ty,
        &param.rules(),
        &Access {
            reference: &reference,
            copy: ident,
        },
        "\"\"",
        &string_literal(&param.name),
        &static_name,
        &|_| false,
        needs,
    )
}

#[allow(clippy::too_many_arguments)]
fn value_checks(
    ty: &ParamType,
    rules: &Rules,
    access: &Access,
    at: &str,
    name: &str,
    static_name: &str,
    objects_with_checks: &dyn Fn(&str) -> bool,
    needs: &mut CheckNeeds,
) -> Vec<String> {
    let mut checks = Vec::new();
    let reference = access.reference;
    match ty {
        ParamType::String => {
            if rules.min_length.is_some() || rules.max_length.is_some() {
                needs.length = true;
                checks.push(format!(
                    "check_length({at}, {name}, {reference}, {}, {})?;",
                    bound(rules.min_length),
                    bound(rules.max_length)
                ));
            }
            // A validated spec names only these formats.
            if let Some(format) = FORMATS
                .iter()
                .find(|f| rules.format.as_deref() == Some(**f))
            {
                needs.format(format);
                checks.push(format!(
                    "check_{}({at}, {name}, {reference})?;",
                    format.replace('-', "_")
                ));
            }
            if let Some(pattern) = &rules.pattern {
                let static_name =
                    needs.pattern(format!("{static_name}_PATTERN"), string_literal(pattern));
                checks.push(format!(
                    "check_pattern({at}, {name}, {reference}, &{static_name})?;"
                ));
            }
        }
        ParamType::Integer | ParamType::Number
            if rules.minimum.is_some() || rules.maximum.is_some() =>
        {
            needs.range = true;
            let literal = |n: &Option<serde_yaml::Number>| match n {
                None => "None".to_owned(),
                Some(n) if *ty == ParamType::Number => format!("Some({})", float_literal(n)),
                Some(n) => format!("Some({n})"),
            };
            checks.push(format!(
                "check_range({at}, {name}, {}, {}, {})?;",
                access.copy,
                literal(&rules.minimum),
                literal(&rules.maximum)
            ));
        }
        ParamType::Object(type_name) if objects_with_checks(type_name) => {
            // `self.address.check(..)`: a leading `&` would apply to the result.
            let receiver = reference.trim_start_matches('&');
            checks.push(format!("{receiver}.check(&path({at}, {name}))?;"));
        }
        _ => {}
    }
    checks
}

fn bound(value: Option<u64>) -> String {
    value.map_or_else(|| "None".to_owned(), |n| format!("Some({n})"))
}

/// The `#[schemars(...)]` items that put a field's constraints in its schema.
pub fn schema_items(param: &ParamSpec, ty: &ParamType) -> Vec<String> {
    match ty {
        ParamType::Array(_) => {
            let mut items = Vec::new();
            if let Some(length) = length(param.min_items, param.max_items) {
                items.push(length);
            }
            let mut rules = param
                .items
                .as_ref()
                .map(ItemsSpec::rules)
                .unwrap_or_default();
            // schemars has no `inner(extend(..))`: a function of the
            // generated code sets these formats on the items instead.
            let format = rules
                .format
                .take_if(|format| format == "date-time" || format == "date");
            let inner = rule_items(&rules);
            if !inner.is_empty() {
                items.push(format!("inner({})", inner.join(", ")));
            }
            if let Some(format) = format {
                items.push(format!("transform = {}", item_format_fn(&format)));
            }
            items
        }
        // The schema as written, key by key, parsed from a JSON string
        // literal when the server starts: no text of it reaches Rust syntax.
        ParamType::Json => match &param.schema {
            Some(serde_json::Value::Object(schema)) => schema
                .iter()
                .map(|(key, value)| {
                    format!(
                        "extend({} = ::serde_json::from_str::<::serde_json::Value>({}).unwrap_or_default())",
                        string_literal(key),
                        string_literal(&value.to_string())
                    )
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => rule_items(&param.rules()),
    }
}

/// The function of the generated code that gives the items of an array
/// the string format `format`, as a schemars transform.
pub fn item_format_fn(format: &str) -> String {
    format!("{}_items", format.replace('-', "_"))
}

fn rule_items(rules: &Rules) -> Vec<String> {
    let mut items = Vec::new();
    if let Some(length) = length(rules.min_length, rules.max_length) {
        items.push(length);
    }
    let range: Vec<String> = [("min", &rules.minimum), ("max", &rules.maximum)]
        .into_iter()
        .filter_map(|(key, n)| n.as_ref().map(|n| format!("{key} = {}", typed_literal(n))))
        .collect();
    if !range.is_empty() {
        items.push(format!("range({})", range.join(", ")));
    }
    if let Some(pattern) = &rules.pattern {
        items.push(format!("regex(pattern = {})", string_literal(pattern)));
    }
    match rules.format.as_deref() {
        Some("email") => items.push("email".to_owned()),
        Some("uri") => items.push("url".to_owned()),
        Some(format) => items.push(format!("extend(\"format\" = {})", string_literal(format))),
        None => {}
    }
    items
}

/// A number for a schemars attribute, which takes any value that converts
/// into JSON: an integer literal needs a suffix, or it is an `i32`, and a
/// bound past 2^31 does not compile.
fn typed_literal(n: &serde_yaml::Number) -> String {
    if n.is_i64() {
        format!("{n}i64")
    } else if n.is_u64() {
        format!("{n}u64")
    } else {
        n.to_string()
    }
}

fn length(min: Option<u64>, max: Option<u64>) -> Option<String> {
    let parts: Vec<String> = [("min", min), ("max", max)]
        .into_iter()
        .filter_map(|(key, n)| n.map(|n| format!("{key} = {n}u64")))
        .collect();
    (!parts.is_empty()).then(|| format!("length({})", parts.join(", ")))
}
