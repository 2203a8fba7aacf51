//! Stage 3: turn a valid spec into everything the templates need: Rust
//! identifiers and types, escaped literals, doc comments, URI template parts
//! and capabilities. Templates only lay this out; they make no decisions.

pub mod ident;
pub mod rust;
pub mod uri_template;

use serde::Serialize;

use crate::spec::{ParamSpec, PromptSpec, SettingSpec, Spec, ToolSpec};
use rust::{FormatPart, doc_lines, format_literal, string_literal};

/// Where a generated server's `--http` listens when given no address.
pub const HTTP_DEFAULT_ADDR: &str = "127.0.0.1:8000";
/// The path a generated server serves MCP at over HTTP.
pub const HTTP_PATH: &str = "/mcp";

/// The placeholder a path setting's default may start with: the user's data
/// directory, joined with the server's name.
pub const DATA_DIR: &str = "{data_dir}";

/// The type of a tool parameter or template variable.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Enum(Vec<String>),
    Array(Box<ParamType>),
}

/// Reads a parameter's type; on error, names the offending key.
pub fn param_type(param: &ParamSpec) -> Result<ParamType, (&'static str, String)> {
    let ty = param.ty.as_deref().unwrap_or("string");
    let base = scalar_type(ty, param.values.as_deref()).map_err(|message| ("type", message))?;
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
        (None, Some(items)) => match scalar_type(&items.ty, items.values.as_deref()) {
            Ok(Some(item)) => Ok(ParamType::Array(Box::new(item))),
            Ok(None) => Err(("items", "arrays of arrays are not supported".to_owned())),
            Err(message) => Err(("items", message)),
        },
    }
}

/// A scalar type, or `None` for `array`.
fn scalar_type(ty: &str, values: Option<&[String]>) -> Result<Option<ParamType>, String> {
    let scalar = match (ty, values) {
        ("string", Some([])) => return Err("an `enum` needs at least one value".to_owned()),
        ("string", Some(values)) => {
            let mut variants: Vec<String> = values.iter().map(|v| ident::pascal(v)).collect();
            variants.sort();
            if let Some(pair) = variants.windows(2).find(|pair| pair[0] == pair[1]) {
                return Err(format!(
                    "two enum values both become the Rust variant `{}`",
                    pair[0]
                ));
            }
            ParamType::Enum(values.to_vec())
        }
        (_, Some(_)) => return Err(format!("`enum` is only for strings, not `{ty}`")),
        ("string", None) => ParamType::String,
        ("integer", None) => ParamType::Integer,
        ("number", None) => ParamType::Number,
        ("boolean", None) => ParamType::Boolean,
        ("array", None) => return Ok(None),
        (other, None) => return Err(format!("unknown type `{other}`")),
    };
    Ok(Some(scalar))
}

/// A Rust expression for a parameter default, checked against its type.
pub fn default_value(ty: &ParamType, value: &serde_yaml::Value) -> Result<String, String> {
    default_expr(ty, value, "")
}

fn default_expr(
    ty: &ParamType,
    value: &serde_yaml::Value,
    enum_type: &str,
) -> Result<String, String> {
    use serde_yaml::Value;
    match (ty, value) {
        (ParamType::String, Value::String(text)) => {
            Ok(format!("{}.to_owned()", string_literal(text)))
        }
        (ParamType::Integer, Value::Number(n)) if n.as_i64().is_some() => Ok(n.to_string()),
        (ParamType::Number, Value::Number(n)) if n.as_f64().is_some_and(f64::is_finite) => {
            let text = n.to_string();
            Ok(if text.contains(['.', 'e', 'E']) {
                text
            } else {
                format!("{text}.0")
            })
        }
        (ParamType::Boolean, Value::Bool(flag)) => Ok(flag.to_string()),
        (ParamType::Enum(values), Value::String(text)) if values.contains(text) => {
            Ok(format!("{enum_type}::{}", ident::pascal(text)))
        }
        (ParamType::Enum(values), _) => Err(format!(
            "the default must be one of {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (ParamType::Array(item), Value::Sequence(items)) => {
            let items = items
                .iter()
                .map(|value| default_expr(item, value, enum_type))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("vec![{}]", items.join(", ")))
        }
        (ty, _) => Err(format!("the default is not a valid {}", type_name(ty))),
    }
}

fn type_name(ty: &ParamType) -> &'static str {
    match ty {
        ParamType::String => "string",
        ParamType::Integer => "integer",
        ParamType::Number => "number",
        ParamType::Boolean => "boolean",
        ParamType::Enum(_) => "enum value",
        ParamType::Array(_) => "array",
    }
}

/// The Rust type of a setting.
pub fn setting_type(setting: &SettingSpec) -> Result<&'static str, String> {
    match setting.ty.as_deref().unwrap_or("string") {
        "string" => Ok("String"),
        "path" => Ok("PathBuf"),
        "integer" => Ok("i64"),
        "boolean" => Ok("bool"),
        other => Err(format!("unknown setting type `{other}`")),
    }
}

/// How a setting gets its value when neither flag nor env var is given.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum SettingDefault {
    /// None: the setting is an `Option`.
    None,
    /// A `default_value_t` expression.
    Value(String),
    /// A path inside the user's data directory.
    DataDir(String),
}

pub fn setting_default(setting: &SettingSpec) -> Result<SettingDefault, String> {
    use serde_yaml::Value;
    let ty = setting_type(setting)?;
    let Some(value) = &setting.default else {
        return Ok(SettingDefault::None);
    };
    match (ty, value) {
        ("PathBuf", Value::String(path)) => match path.strip_prefix(DATA_DIR) {
            Some(rest) => Ok(SettingDefault::DataDir(
                rest.trim_start_matches(['/', '\\']).to_owned(),
            )),
            None => Ok(SettingDefault::Value(format!(
                "PathBuf::from({})",
                string_literal(path)
            ))),
        },
        ("String", Value::String(text)) => Ok(SettingDefault::Value(format!(
            "{}.to_owned()",
            string_literal(text)
        ))),
        ("i64", Value::Number(n)) if n.as_i64().is_some() => {
            Ok(SettingDefault::Value(n.to_string()))
        }
        ("bool", Value::Bool(false)) => Ok(SettingDefault::None),
        ("bool", Value::Bool(true)) => {
            Err("a boolean setting is a flag that is off unless given".to_owned())
        }
        _ => Err("the default does not match the setting's type".to_owned()),
    }
}

/// A piece of prompt message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPart<'a> {
    Text(String),
    Arg(&'a str),
}

/// Splits message text at `{argument}` placeholders; `{{` and `}}` are literal braces.
pub fn placeholders(text: &str) -> Result<Vec<TextPart<'_>>, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        literal.push_str(&rest[..i]);
        let brace = &rest[i..];
        if let Some(after) = brace
            .strip_prefix("{{")
            .or_else(|| brace.strip_prefix("}}"))
        {
            literal.push_str(&brace[..1]);
            rest = after;
        } else if let Some(after) = brace.strip_prefix('{') {
            let end = after.find('}').ok_or("a `{` is never closed")?;
            let name = &after[..end];
            if name.is_empty() || name.contains('{') {
                return Err(format!("`{{{name}` is not a placeholder"));
            }
            if !literal.is_empty() {
                parts.push(TextPart::Text(std::mem::take(&mut literal)));
            }
            parts.push(TextPart::Arg(name));
            rest = &after[end + 1..];
        } else {
            return Err("a `}` has no matching `{`".to_owned());
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(TextPart::Text(literal));
    }
    Ok(parts)
}

/// Everything the templates render.
#[derive(Debug, Serialize)]
pub struct Model {
    pub mcpgen_version: &'static str,
    /// The spec's file name, for headers.
    pub spec_file: String,
    /// The crate and binary name, e.g. `notes-server`.
    pub crate_name: String,
    /// The library name, e.g. `notes_server`.
    pub lib_name: String,
    pub version: String,
    pub version_lit: String,
    pub name_lit: String,
    pub title_lit: Option<String>,
    pub description: Option<String>,
    /// The description as a TOML string, for Cargo.toml.
    pub description_toml: Option<String>,
    pub description_doc: Vec<String>,
    pub description_lit: Option<String>,
    pub instructions_lit: Option<String>,
    pub settings: Vec<Setting>,
    pub uses_data_dir: bool,
    pub tools: Vec<Tool>,
    pub enums: Vec<EnumType>,
    pub resources: Vec<Resource>,
    pub templates: Vec<Template>,
    pub prompts: Vec<Prompt>,
    pub has_tools: bool,
    pub has_resources: bool,
    pub has_prompts: bool,
    /// Some tool or prompt takes arguments through `Parameters`.
    pub needs_parameters: bool,
    /// Some type derives `Deserialize` and `JsonSchema`.
    pub has_params: bool,
    pub has_integer_vars: bool,
    /// Handler methods: tools, dynamic resources and templates.
    pub methods: Vec<Method>,
    /// Extra `[dependencies]` lines for Cargo.toml.
    pub dependencies: Vec<String>,
    /// The crate can serve streamable HTTP, behind its `http` feature.
    pub http: bool,
    pub http_default_addr: &'static str,
    pub http_path: &'static str,
    /// The prefix of the server's own environment variables, e.g.
    /// `NOTES_SERVER` for `NOTES_SERVER_HTTP`.
    pub env_prefix: String,
}

#[derive(Debug, Serialize)]
pub struct Setting {
    pub ident: String,
    pub ty: String,
    pub doc: Vec<String>,
    pub env_lit: Option<String>,
    pub env: Option<String>,
    pub value_name: Option<String>,
    pub default: SettingDefault,
    pub flag: String,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: String,
    pub name_lit: String,
    pub ident: String,
    pub description_lit: Option<String>,
    pub title_lit: Option<String>,
    pub annotations: Vec<String>,
    pub params_struct: String,
    pub params: Vec<Field>,
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub ident: String,
    /// The wire name, where serde cannot derive it from the identifier.
    pub rename_lit: Option<String>,
    pub ty: String,
    pub doc: Vec<String>,
    /// A function that returns the default, for `#[serde(default = ..)]`.
    pub default_fn: Option<String>,
    pub default_expr: Option<String>,
    /// `Option<T>` without a default.
    pub optional: bool,
}

#[derive(Debug, Serialize)]
pub struct EnumType {
    pub name: String,
    pub doc: Vec<String>,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Serialize)]
pub struct Variant {
    pub ident: String,
    pub wire_lit: String,
}

#[derive(Debug, Serialize)]
pub struct Resource {
    pub uri: String,
    pub uri_lit: String,
    pub name_lit: String,
    pub title_lit: Option<String>,
    pub description_lit: Option<String>,
    pub mime_lit: String,
    /// Fixed text; otherwise a handler method serves it.
    pub text_lit: Option<String>,
    pub method: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Template {
    pub uri_template: String,
    pub uri_template_lit: String,
    pub name_lit: String,
    pub title_lit: Option<String>,
    pub description_lit: Option<String>,
    pub mime_lit: String,
    pub method: String,
    /// The constant that holds the parsed template.
    pub const_name: String,
    pub parts: Vec<TemplatePart>,
    pub vars: Vec<TemplateVar>,
}

#[derive(Debug, Serialize)]
pub struct TemplatePart {
    pub literal_lit: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TemplateVar {
    pub name: String,
    pub name_lit: String,
    pub ident: String,
    pub ty: String,
    pub integer: bool,
}

#[derive(Debug, Serialize)]
pub struct Prompt {
    pub name_lit: String,
    pub ident: String,
    pub description_lit: Option<String>,
    pub title_lit: Option<String>,
    pub args_struct: Option<String>,
    pub args: Vec<Field>,
    pub messages: Vec<Message>,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub role: &'static str,
    /// A Rust expression that yields the text.
    pub expr: String,
}

/// A method of the generated `Handler` trait.
#[derive(Debug, Serialize)]
pub struct Method {
    pub ident: String,
    pub doc: Vec<String>,
    /// `name: String, content: String`
    pub params: Vec<String>,
    /// Where the method is called from, for the doc comment: "tool", "resource".
    pub kind: &'static str,
    pub too_many_arguments: bool,
}

/// Builds the model of a spec that has passed validation.
pub fn build(spec: &Spec, spec_file: &str) -> Model {
    let crate_name = spec.server.name.clone();
    let settings: Vec<Setting> = spec.settings.iter().map(setting).collect();
    let mut enums = Vec::new();
    let tools: Vec<Tool> = spec.tools.iter().map(|t| tool(t, &mut enums)).collect();
    let resources: Vec<Resource> = spec.resources.iter().map(resource).collect();
    let templates: Vec<Template> = spec.resource_templates.iter().map(template).collect();
    let prompts: Vec<Prompt> = spec.prompts.iter().map(prompt).collect();
    let methods = methods(spec, &tools, &templates);
    let needs_parameters = tools.iter().any(|t| !t.params.is_empty())
        || prompts.iter().any(|p| p.args_struct.is_some());
    Model {
        mcpgen_version: env!("CARGO_PKG_VERSION"),
        spec_file: spec_file.to_owned(),
        lib_name: crate_name.replace('-', "_"),
        version: spec.server.version.clone(),
        version_lit: string_literal(&spec.server.version),
        name_lit: string_literal(&crate_name),
        title_lit: spec.server.title.as_deref().map(string_literal),
        description: spec.server.description.clone(),
        description_toml: spec.server.description.as_deref().map(toml_string),
        description_doc: spec
            .server
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default(),
        description_lit: spec.server.description.as_deref().map(string_literal),
        instructions_lit: spec.server.instructions.as_deref().map(string_literal),
        uses_data_dir: settings
            .iter()
            .any(|s| matches!(s.default, SettingDefault::DataDir(_))),
        settings,
        has_tools: !tools.is_empty(),
        has_resources: !resources.is_empty() || !templates.is_empty(),
        has_prompts: !prompts.is_empty(),
        needs_parameters,
        has_params: needs_parameters || !enums.is_empty(),
        has_integer_vars: templates.iter().flat_map(|t| &t.vars).any(|v| v.integer),
        tools,
        enums,
        resources,
        templates,
        prompts,
        methods,
        dependencies: spec
            .dependencies
            .iter()
            .map(|(name, value)| format!("{} = {}", toml_key(name), toml_value(value)))
            .collect(),
        http: spec.server.http,
        http_default_addr: HTTP_DEFAULT_ADDR,
        http_path: HTTP_PATH,
        env_prefix: env_prefix(&crate_name),
        crate_name,
    }
}

/// The prefix of a server's own environment variables: its name in
/// SCREAMING_SNAKE_CASE, so that two servers never read each other's.
pub fn env_prefix(server_name: &str) -> String {
    ident::screaming(server_name)
}

fn setting(setting: &SettingSpec) -> Setting {
    let ty = setting_type(setting).expect("validated");
    let default = setting_default(setting).expect("validated");
    let ty = match (&default, ty) {
        (SettingDefault::None, "bool") => "bool".to_owned(),
        (SettingDefault::None, ty) => format!("Option<{ty}>"),
        (_, ty) => ty.to_owned(),
    };
    Setting {
        ident: ident::snake(&setting.name),
        value_name: match ty.as_str() {
            "bool" => None,
            "PathBuf" => Some("PATH".to_owned()),
            _ => Some(ident::screaming(&setting.name)),
        },
        ty,
        doc: setting
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default(),
        env_lit: setting.env.as_deref().map(string_literal),
        env: setting.env.clone(),
        default,
        flag: setting.name.replace('_', "-"),
        description: setting.description.clone(),
    }
}

fn tool(tool: &ToolSpec, enums: &mut Vec<EnumType>) -> Tool {
    let params_struct = format!("{}Params", ident::pascal(&tool.name));
    let params = tool
        .params
        .iter()
        .map(|param| field(param, &params_struct, enums))
        .collect();
    let annotations = tool
        .annotations
        .iter()
        .flat_map(|a| {
            [
                ("read_only_hint", a.read_only),
                ("destructive_hint", a.destructive),
                ("idempotent_hint", a.idempotent),
                ("open_world_hint", a.open_world),
            ]
        })
        .filter_map(|(key, value)| value.map(|value| format!("{key} = {value}")))
        .collect();
    Tool {
        name: tool.name.clone(),
        name_lit: string_literal(&tool.name),
        ident: ident::snake(&tool.name),
        description_lit: tool.description.as_deref().map(string_literal),
        title_lit: tool.title.as_deref().map(string_literal),
        annotations,
        params_struct,
        params,
    }
}

fn field(param: &ParamSpec, owner: &str, enums: &mut Vec<EnumType>) -> Field {
    let ty = param_type(param).expect("validated");
    let ident = ident::snake(&param.name);
    let enum_name = format!(
        "{}{}",
        owner.trim_end_matches("Params"),
        ident::pascal(&param.name)
    );
    let rust_ty = rust_type(&ty, &enum_name, param, enums);
    let default_expr = param
        .default
        .as_ref()
        .map(|value| default_expr(&ty, value, &enum_name).expect("validated"));
    let optional = default_expr.is_none() && param.required == Some(false);
    Field {
        rename_lit: (ident.trim_start_matches("r#") != param.name)
            .then(|| string_literal(&param.name)),
        ty: if optional {
            format!("Option<{rust_ty}>")
        } else {
            rust_ty
        },
        doc: param
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default(),
        default_fn: default_expr.as_ref().map(|_| {
            format!(
                "default_{}_{}",
                ident::snake(owner).trim_end_matches("_params"),
                ident::bare(&ident)
            )
        }),
        default_expr,
        optional,
        ident,
    }
}

fn rust_type(
    ty: &ParamType,
    enum_name: &str,
    param: &ParamSpec,
    enums: &mut Vec<EnumType>,
) -> String {
    match ty {
        ParamType::String => "String".to_owned(),
        ParamType::Integer => "i64".to_owned(),
        ParamType::Number => "f64".to_owned(),
        ParamType::Boolean => "bool".to_owned(),
        ParamType::Enum(values) => {
            enums.push(EnumType {
                name: enum_name.to_owned(),
                doc: param
                    .description
                    .as_deref()
                    .map(doc_lines)
                    .unwrap_or_default(),
                variants: values
                    .iter()
                    .map(|value| Variant {
                        ident: ident::pascal(value),
                        wire_lit: string_literal(value),
                    })
                    .collect(),
            });
            enum_name.to_owned()
        }
        ParamType::Array(item) => format!("Vec<{}>", rust_type(item, enum_name, param, enums)),
    }
}

fn resource(resource: &crate::spec::ResourceSpec) -> Resource {
    Resource {
        uri: resource.uri.clone(),
        uri_lit: string_literal(&resource.uri),
        name_lit: string_literal(&resource.name),
        title_lit: resource.title.as_deref().map(string_literal),
        description_lit: resource.description.as_deref().map(string_literal),
        mime_lit: string_literal(resource.mime_type.as_deref().unwrap_or("text/plain")),
        text_lit: resource.text.as_deref().map(string_literal),
        method: resource
            .text
            .is_none()
            .then(|| ident::snake(&resource.name)),
    }
}

fn template(template: &crate::spec::ResourceTemplateSpec) -> Template {
    let parts = uri_template::parse(&template.uri_template).expect("validated");
    let vars = uri_template::vars(&parts)
        .into_iter()
        .map(|name| {
            let spec = template.params.iter().find(|p| p.name == name);
            let integer = spec.and_then(|p| param_type(p).ok()) == Some(ParamType::Integer);
            TemplateVar {
                name: name.to_owned(),
                name_lit: string_literal(name),
                ident: ident::snake(name),
                ty: if integer { "i64" } else { "String" }.to_owned(),
                integer,
            }
        })
        .collect();
    Template {
        uri_template: template.uri_template.clone(),
        uri_template_lit: string_literal(&template.uri_template),
        name_lit: string_literal(&template.name),
        title_lit: template.title.as_deref().map(string_literal),
        description_lit: template.description.as_deref().map(string_literal),
        mime_lit: string_literal(template.mime_type.as_deref().unwrap_or("text/plain")),
        method: ident::snake(&template.name),
        const_name: ident::screaming(&template.name)
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .to_owned()
            + "_TEMPLATE",
        parts: parts
            .iter()
            .map(|part| TemplatePart {
                literal_lit: match part {
                    uri_template::Part::Literal(text) => Some(string_literal(text)),
                    uri_template::Part::Var(_) => None,
                },
            })
            .collect(),
        vars,
    }
}

fn prompt(prompt: &PromptSpec) -> Prompt {
    let args_struct = format!("{}Args", ident::pascal(&prompt.name));
    let args: Vec<Field> = prompt
        .arguments
        .iter()
        .map(|argument| {
            let ident = ident::snake(&argument.name);
            Field {
                rename_lit: (ident.trim_start_matches("r#") != argument.name)
                    .then(|| string_literal(&argument.name)),
                ty: if argument.required {
                    "String"
                } else {
                    "Option<String>"
                }
                .to_owned(),
                doc: argument
                    .description
                    .as_deref()
                    .map(doc_lines)
                    .unwrap_or_default(),
                default_fn: None,
                default_expr: None,
                optional: !argument.required,
                ident,
            }
        })
        .collect();
    let messages = prompt
        .messages
        .iter()
        .map(|message| Message {
            role: if message.role == "assistant" {
                "Assistant"
            } else {
                "User"
            },
            expr: message_expr(&message.text, &args, &prompt.arguments),
        })
        .collect();
    Prompt {
        name_lit: string_literal(&prompt.name),
        ident: ident::snake(&prompt.name),
        description_lit: prompt.description.as_deref().map(string_literal),
        title_lit: prompt.title.as_deref().map(string_literal),
        args_struct: (!args.is_empty()).then_some(args_struct),
        args,
        messages,
    }
}

/// A Rust expression that yields a message's text with its arguments filled in.
fn message_expr(text: &str, args: &[Field], specs: &[crate::spec::PromptArgumentSpec]) -> String {
    let parts = placeholders(text).expect("validated");
    let bare_names: Vec<String> = args.iter().map(|field| ident::bare(&field.ident)).collect();
    let mut used: Vec<&Field> = Vec::new();
    let mut format_parts = Vec::new();
    for part in &parts {
        match part {
            TextPart::Text(text) => format_parts.push(FormatPart::Text(text)),
            TextPart::Arg(name) => {
                let index = specs
                    .iter()
                    .position(|s| s.name == *name)
                    .expect("validated");
                let field = &args[index];
                if !used.iter().any(|f| f.ident == field.ident) {
                    used.push(field);
                }
                format_parts.push(FormatPart::Arg(bare_names[index].as_str()));
            }
        }
    }
    if used.is_empty() {
        return string_literal(
            &parts
                .iter()
                .map(|p| match p {
                    TextPart::Text(text) => text.as_str(),
                    TextPart::Arg(_) => "",
                })
                .collect::<String>(),
        );
    }
    // Format arguments cannot be raw identifiers, so keywords get a `_`.
    let bindings: Vec<String> = used
        .iter()
        .map(|field| {
            let name = ident::bare(&field.ident);
            let value = if field.optional {
                format!("args.{}.as_deref().unwrap_or_default()", field.ident)
            } else {
                format!("args.{}", field.ident)
            };
            format!("{name} = {value}")
        })
        .collect();
    format!(
        "format!({}, {})",
        format_literal(format_parts),
        bindings.join(", ")
    )
}

fn methods(spec: &Spec, tools: &[Tool], templates: &[Template]) -> Vec<Method> {
    let mut methods = Vec::new();
    for (tool, spec) in tools.iter().zip(&spec.tools) {
        let mut doc = spec
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        if !tool.params.is_empty() {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            for (param, field) in spec.params.iter().zip(&tool.params) {
                let description = param.description.as_deref().unwrap_or_default();
                let line = doc_lines(description).join(" ");
                doc.push(
                    format!("- `{}`: {line}", ident::bare(&field.ident))
                        .trim_end()
                        .to_owned(),
                );
            }
        }
        let params: Vec<String> = tool
            .params
            .iter()
            .map(|f| format!("{}: {}", f.ident, f.ty))
            .collect();
        methods.push(Method {
            ident: tool.ident.clone(),
            doc,
            too_many_arguments: params.len() > 6,
            params,
            kind: "tool",
        });
    }
    for (resource, spec) in spec
        .resources
        .iter()
        .map(|r| (r, r))
        .filter(|(r, _)| r.text.is_none())
    {
        let mut doc = spec
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.extend(doc_lines(&format!(
            "Serves the resource `{}`.",
            resource.uri.replace('`', "'")
        )));
        methods.push(Method {
            ident: ident::snake(&resource.name),
            doc,
            params: Vec::new(),
            kind: "resource",
            too_many_arguments: false,
        });
    }
    for (template, spec) in templates.iter().zip(&spec.resource_templates) {
        let mut doc = spec
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.extend(doc_lines(&format!(
            "Serves the resource template `{}`.",
            template.uri_template.replace('`', "'")
        )));
        let params: Vec<String> = template
            .vars
            .iter()
            .map(|v| format!("{}: {}", v.ident, v.ty))
            .collect();
        methods.push(Method {
            ident: template.method.clone(),
            doc,
            too_many_arguments: params.len() > 6,
            params,
            kind: "template",
        });
    }
    methods
}

/// A TOML basic string: JSON's string escapes are all valid TOML.
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

fn toml_key(key: &serde_yaml::Value) -> String {
    let key = key.as_str().unwrap_or_default();
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !key.is_empty()
    {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

/// A YAML value as a TOML inline value.
fn toml_value(value: &serde_yaml::Value) -> String {
    use serde_yaml::Value;
    match value {
        Value::String(text) => toml_string(text),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Sequence(items) => format!(
            "[{}]",
            items.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Mapping(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Null | Value::Tagged(_) => "\"*\"".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_placeholders() {
        assert_eq!(
            placeholders("About {topic}, {{literally}}.").unwrap(),
            vec![
                TextPart::Text("About ".into()),
                TextPart::Arg("topic"),
                TextPart::Text(", {literally}.".into())
            ]
        );
        assert!(placeholders("open { brace").is_err());
        assert!(placeholders("close } brace").is_err());
    }
}
