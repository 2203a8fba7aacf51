//! Stage 3: turn a valid spec into everything the templates need: Rust
//! identifiers and types, escaped literals, doc comments, URI template parts
//! and capabilities. Templates only lay this out; they make no decisions.

pub mod auth;
pub mod forms;
pub mod ident;
pub mod rust;
pub mod samples;
pub mod types;
pub mod upstream;
pub mod uri_template;

use std::collections::{HashMap, HashSet};

use base64::Engine;
use serde::Serialize;

use crate::valid::{self, Piece, Valid};
use rust::{FormatPart, doc_lines, format_literal, string_literal};
pub use types::ParamType;
use types::{CheckNeeds, field_checks, schema_items, var_checks};

/// Where a generated server's `--http` listens when given no address.
pub const HTTP_DEFAULT_ADDR: &str = "127.0.0.1:8000";
/// The path a generated server serves MCP at over HTTP.
pub const HTTP_PATH: &str = "/mcp";

/// The placeholder a path setting's default may start with: the user's data
/// directory, joined with the server's name.
pub const DATA_DIR: &str = "{data_dir}";

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

/// Everything the templates render.
#[derive(Debug, Serialize)]
pub struct Model {
    /// The upstream API that bound tools call: `src/upstream.rs`.
    pub upstream: Option<upstream::Upstream>,
    pub mcpgen_version: &'static str,
    /// The spec's file name, for headers.
    pub spec_file: String,
    /// The crate and binary name, e.g. `notes-server`.
    pub crate_name: String,
    /// The library name, e.g. `notes_server`.
    pub lib_name: String,
    pub version: String,
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
    pub uses_path_setting: bool,
    /// Whether `Settings` hides some values from `Debug`.
    pub has_secret_settings: bool,
    pub tools: Vec<Tool>,
    pub enums: Vec<EnumType>,
    /// Parameter, argument and named types, in declaration order.
    pub structs: Vec<Struct>,
    pub resources: Vec<Resource>,
    pub templates: Vec<Template>,
    pub prompts: Vec<Prompt>,
    pub completions: Vec<Completion>,
    pub has_tools: bool,
    pub has_resources: bool,
    pub has_prompts: bool,
    pub has_completions: bool,
    pub has_static_completions: bool,
    /// Some struct or enum derives serde and schemars traits.
    pub has_types: bool,
    /// Some tool returns structured output.
    pub has_output: bool,
    /// Some type derives `Serialize`: an enum or a named type.
    pub uses_serialize: bool,
    /// Types that `src/handlers.rs` names in its method signatures.
    pub handler_imports: Vec<String>,
    pub has_integer_vars: bool,
    pub has_var_enums: bool,
    pub has_dynamic_prompts: bool,
    /// Some resource or template is served by a handler.
    pub has_dynamic_reads: bool,
    /// Some resource is served as a base64 blob.
    pub has_blobs: bool,
    pub has_dynamic_blobs: bool,
    pub has_text_resources: bool,
    /// Whether any handler method takes a `Context`: the crate then has
    /// `src/context.rs`, and the server declares logging.
    pub has_context: bool,
    /// Whether any tool returns content blocks.
    pub has_content: bool,
    /// Whether clients may subscribe to any resource: the crate then has
    /// `src/notify.rs`.
    pub has_subscriptions: bool,
    /// The forms that tools elicit (`elicit`): the crate's rmcp then has
    /// the `elicitation` feature, and `Context` an `elicit` method.
    pub forms: Vec<forms::Form>,
    /// Whether some tool asks the client's model (`sampling`), or for its
    /// roots (`roots`), through its context.
    pub has_sampling: bool,
    pub has_roots: bool,
    /// Whether some tool sends the client requests (any of the three),
    /// which on protocol 2026-07-28 take the input-required round trip.
    pub has_asks: bool,
    /// Name literals of the tools whose input schema the spec declares
    /// whole: clients get it as written, not rewritten like the others.
    pub declared_schemas: Vec<String>,
    /// Rust conditions on `uri`, one per subscribable resource or template.
    pub subscribable: Vec<String>,
    pub checks: Checks,
    /// Formats that some array's items take: (function, format literal).
    pub item_formats: Vec<(String, String)>,
    /// Handler methods: tools, dynamic resources, templates and prompts.
    pub methods: Vec<Method>,
    /// Extra `[dependencies]` lines for Cargo.toml.
    pub dependencies: Vec<String>,
    /// The crate can serve streamable HTTP, behind its `http` feature.
    pub http: bool,
    pub http_default_addr: &'static str,
    pub http_path: &'static str,
    /// Tool schemas keep their `$ref`s (`schema_refs: true`); by default,
    /// only a recursive type's do.
    pub schema_refs: bool,
    /// The prefix of the server's own environment variables, e.g.
    /// `NOTES_SERVER` for `NOTES_SERVER_HTTP`.
    pub env_prefix: String,
    /// Path settings that generated tests point into a temporary directory:
    /// (flag, file name), as literals.
    pub test_paths: Vec<(String, String)>,
    /// The `auth` section: the HTTP server is an OAuth resource server.
    pub auth: Option<auth::Auth>,
}

/// Which check helpers generated code calls.
#[derive(Debug, Default, Serialize)]
pub struct Checks {
    pub any: bool,
    pub length: bool,
    pub range: bool,
    pub items: bool,
    pub date_time: bool,
    pub date: bool,
    pub email: bool,
    pub uri: bool,
    pub pattern: bool,
    pub patterns: Vec<Pattern>,
}

#[derive(Debug, Serialize)]
pub struct Pattern {
    pub name: String,
    pub literal: String,
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
    /// Hidden from `--help`'s env values and defaults, and from `Debug`.
    pub secret: bool,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: String,
    pub name_lit: String,
    /// The handler method.
    pub ident: String,
    /// Its function in the server's tool router.
    pub router_fn: String,
    pub description_lit: Option<String>,
    pub title_lit: Option<String>,
    /// `ToolAnnotations` builder calls, e.g. `read_only(true)`.
    pub annotations: Vec<String>,
    /// The parameters struct, if the tool takes parameters.
    pub params_struct: Option<String>,
    pub args: Vec<String>,
    /// `name: String` for each parameter, as the handler method takes them.
    pub signature: Vec<String>,
    /// Whether the parameters have constraints to check.
    pub checked: bool,
    /// The structured output type, if any.
    pub output: Option<String>,
    /// Arguments that fit the parameters, as a JSON string literal.
    pub sample_lit: String,
    /// The constant of `src/upstream.rs` that describes the HTTP call the
    /// tool makes instead of calling a handler method.
    pub bound: Option<String>,
    /// Wire names of the parameters, and of the required ones.
    pub property_lits: Vec<String>,
    pub required_lits: Vec<String>,
    /// Whether the handler method takes a `Context`.
    pub context: bool,
    /// Whether the handler returns content blocks.
    pub content: bool,
    /// Whether the handler may send the client requests (`elicit`,
    /// `sampling`, `roots`).
    pub asks: bool,
    /// The `Context` methods it may ask with, for the crate's README, e.g.
    /// `` `elicit::<Booking>` ``.
    pub asks_with: Vec<String>,
    /// The input schema that the spec declares whole (`input_schema`), as a
    /// JSON string literal: the handler takes the arguments as one object.
    pub input_schema_lit: Option<String>,
}

/// A struct that derives serde and schemars traits.
#[derive(Debug, Serialize)]
pub struct Struct {
    pub name: String,
    pub doc: Vec<String>,
    /// A `#[schemars(..)]` item that keeps the description exact.
    pub schema: Option<String>,
    pub derives: &'static str,
    pub fields: Vec<Field>,
    /// Statements of its `check` method; empty if there is nothing to check.
    pub checks: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub ident: String,
    /// The wire name, where serde cannot derive it from the identifier.
    pub rename_lit: Option<String>,
    pub ty: String,
    pub doc: Vec<String>,
    /// An associated function of the struct that returns the default, for
    /// `#[serde(default = ..)]`.
    pub default_fn: Option<String>,
    pub default_expr: Option<String>,
    /// `Option<T>` without a default.
    pub optional: bool,
    /// Items of a `#[schemars(..)]` attribute.
    pub schema: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EnumType {
    pub name: String,
    pub doc: Vec<String>,
    /// A `#[schemars(..)]` item that keeps the description exact.
    pub schema: Option<String>,
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
    /// Fixed text, or base64 for a fixed blob; otherwise a handler method serves it.
    pub text_lit: Option<String>,
    pub blob_lit: Option<String>,
    pub method: Option<String>,
    pub binary: bool,
    /// Whether the handler method takes a `Context`.
    pub context: bool,
    pub subscribe: bool,
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
    pub binary: bool,
    /// Whether the handler method takes a `Context`.
    pub context: bool,
    pub subscribe: bool,
    /// The constant that holds the parsed template.
    pub const_name: String,
    pub parts: Vec<TemplatePart>,
    pub vars: Vec<TemplateVar>,
    /// Statements that check the variables' constraints.
    pub checks: Vec<String>,
    /// A URI that matches the template, for tests.
    pub sample_uri_lit: String,
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
    /// The allowed values, as literals, for an enum variable.
    pub values: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Prompt {
    pub name: String,
    pub name_lit: String,
    /// The handler method, for a prompt without fixed messages.
    pub ident: String,
    /// Its function in the server's prompt router.
    pub router_fn: String,
    pub description_lit: Option<String>,
    pub title_lit: Option<String>,
    pub args_struct: Option<String>,
    pub args: Vec<Field>,
    /// The arguments as `prompts/list` shows them.
    pub arguments: Vec<PromptArgument>,
    /// Fixed messages; `None` when a handler method builds them.
    pub messages: Option<Vec<Message>>,
    /// Whether the fixed messages fill in any argument.
    pub uses_args: bool,
    /// Arguments for every argument, as a JSON string literal.
    pub sample_lit: String,
    /// Whether the handler method takes a `Context`.
    pub context: bool,
}

#[derive(Debug, Serialize)]
pub struct PromptArgument {
    pub name_lit: String,
    pub description_lit: Option<String>,
    pub required: bool,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub role: &'static str,
    /// A Rust expression that yields the text.
    pub expr: String,
}

/// Completions for one prompt argument or template variable.
#[derive(Debug, Serialize)]
pub struct Completion {
    /// `prompt` or `resource`.
    pub kind: &'static str,
    /// The prompt name or URI template, as a literal.
    pub ref_lit: String,
    pub argument_lit: String,
    /// Fixed values, as literals.
    pub values: Vec<String>,
    /// The handler method that offers values.
    pub method: Option<String>,
}

/// A method of the generated `Handler` trait.
#[derive(Debug, Serialize)]
pub struct Method {
    pub ident: String,
    pub doc: Vec<String>,
    /// `name: String, content: String`
    pub params: Vec<String>,
    /// The `Ok` type of the method's result.
    pub returns: String,
    /// What it serves: "tool", "resource", "template", "prompt" or "completion".
    pub kind: &'static str,
    pub too_many_arguments: bool,
}

/// Builds the model of a spec that has passed validation. `files` holds
/// the content of each resource `file`, by its name in the spec.
pub fn build(valid: &Valid, spec_file: &str, files: &HashMap<String, Vec<u8>>) -> Model {
    let spec = &valid.spec;
    let crate_name = spec.server.name.clone();
    let settings: Vec<Setting> = valid.settings.iter().map(setting).collect();
    let mut builder = Builder {
        types: &valid.types,
        enums: shared_enums(valid),
        needs: CheckNeeds::default(),
        checked_types: HashMap::new(),
        inputs: input_types(valid),
    };
    let mut structs: Vec<Struct> = valid.types.iter().map(|t| builder.named_type(t)).collect();
    let tools: Vec<Tool> = valid
        .tools
        .iter()
        .zip(upstream::binding_names(spec))
        .map(|(t, bound)| builder.tool(t, bound, &mut structs))
        .collect();
    let resources: Vec<Resource> = spec.resources.iter().map(|r| resource(r, files)).collect();
    let templates: Vec<Template> = valid
        .templates
        .iter()
        .map(|t| template(t, &mut builder.needs))
        .collect();
    let mut prompts: Vec<Prompt> = valid
        .prompts
        .iter()
        .map(|p| prompt(p, &mut structs))
        .collect();
    // Prompts with fixed messages have no handler method, whose name the
    // validator keeps unique: `a-b` and `a_b` may both be fixed.
    let mut router_fns = HashSet::new();
    for prompt in &mut prompts {
        let base = prompt.router_fn.clone();
        let mut n = 1;
        while !router_fns.insert(prompt.router_fn.clone()) {
            n += 1;
            prompt.router_fn = format!("{base}_{n}");
        }
    }
    let completions = completions(valid);
    let methods = methods(valid, &tools, &templates, &prompts, &completions);
    let needs = builder.needs;
    let checks = Checks {
        any: needs.any(),
        length: needs.length,
        range: needs.range,
        items: needs.items,
        date_time: needs.formats.contains(&"date-time"),
        date: needs.formats.contains(&"date"),
        email: needs.formats.contains(&"email"),
        uri: needs.formats.contains(&"uri"),
        pattern: !needs.patterns.is_empty(),
        patterns: needs
            .patterns
            .into_iter()
            .map(|(name, literal)| Pattern { name, literal })
            .collect(),
    };
    Model {
        mcpgen_version: env!("CARGO_PKG_VERSION"),
        spec_file: spec_file.to_owned(),
        lib_name: crate_name.replace('-', "_"),
        version: spec.server.version.clone(),
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
        uses_path_setting: settings.iter().any(|s| s.ty.contains("PathBuf")),
        has_secret_settings: settings.iter().any(|s| s.secret),
        settings,
        has_tools: !tools.is_empty(),
        has_resources: !resources.is_empty() || !templates.is_empty(),
        has_prompts: !prompts.is_empty(),
        has_completions: !completions.is_empty(),
        has_static_completions: completions.iter().any(|c| c.method.is_none()),
        has_types: !structs.is_empty() || !builder.enums.is_empty(),
        has_output: tools
            .iter()
            .any(|t| t.output.is_some() && t.bound.is_none()),
        uses_serialize: !builder.enums.is_empty()
            || !valid.types.is_empty()
            || tools
                .iter()
                .any(|t| t.bound.is_some() && t.params_struct.is_some()),
        upstream: upstream::build(spec),
        handler_imports: handler_imports(&methods, &builder.enums, &structs),
        has_integer_vars: templates.iter().flat_map(|t| &t.vars).any(|v| v.integer),
        has_var_enums: templates
            .iter()
            .flat_map(|t| &t.vars)
            .any(|v| !v.values.is_empty()),
        has_dynamic_prompts: prompts.iter().any(|p| p.messages.is_none()),
        has_dynamic_reads: !templates.is_empty() || resources.iter().any(|r| r.method.is_some()),
        has_blobs: resources.iter().any(|r| r.binary) || templates.iter().any(|t| t.binary),
        has_dynamic_blobs: resources.iter().any(|r| r.binary && r.method.is_some())
            || templates.iter().any(|t| t.binary),
        has_text_resources: resources.iter().any(|r| !r.binary)
            || templates.iter().any(|t| !t.binary),
        has_context: tools.iter().any(|t| t.context)
            || resources.iter().any(|r| r.context)
            || templates.iter().any(|t| t.context)
            || prompts.iter().any(|p| p.context),
        has_content: tools.iter().any(|t| t.content),
        forms: forms::forms(valid),
        has_sampling: valid.tools.iter().any(|t| t.spec.sampling),
        has_roots: valid.tools.iter().any(|t| t.spec.roots),
        has_asks: tools.iter().any(|t| t.asks),
        declared_schemas: tools
            .iter()
            .filter(|t| t.input_schema_lit.is_some())
            .map(|t| t.name_lit.clone())
            .collect(),
        has_subscriptions: resources.iter().any(|r| r.subscribe)
            || templates.iter().any(|t| t.subscribe),
        subscribable: resources
            .iter()
            .filter(|r| r.subscribe)
            .map(|r| format!("uri == {}", r.uri_lit))
            .chain(templates.iter().filter(|t| t.subscribe).map(|t| {
                format!(
                    "match_template(uri, {}).is_some_and(|values| values.is_ok())",
                    t.const_name
                )
            }))
            .collect(),
        checks,
        item_formats: types::FORMATS
            .iter()
            .map(|format| (types::item_format_fn(format), string_literal(format)))
            .filter(|(function, _)| {
                let item = format!("transform = {function}");
                structs
                    .iter()
                    .flat_map(|s| &s.fields)
                    .any(|f| f.schema.contains(&item))
            })
            .collect(),
        tools,
        enums: builder.enums,
        structs,
        resources,
        templates,
        prompts,
        completions,
        methods,
        dependencies: spec
            .dependencies
            .iter()
            .map(|(name, value)| format!("{} = {}", toml_key(name), toml_value(value)))
            .collect(),
        http: spec.server.http,
        http_default_addr: HTTP_DEFAULT_ADDR,
        http_path: HTTP_PATH,
        schema_refs: spec.server.schema_refs,
        auth: auth::model(spec),
        env_prefix: env_prefix(&crate_name),
        test_paths: valid
            .settings
            .iter()
            .filter(|s| s.ty == valid::SettingType::Path)
            .map(|s| &s.spec)
            .filter(|s| s.default.is_some())
            .map(|s| {
                (
                    string_literal(&format!("--{}", s.name.replace('_', "-"))),
                    string_literal(&s.name),
                )
            })
            .collect(),
        crate_name,
    }
}

/// The prefix of a server's own environment variables: its name in
/// SCREAMING_SNAKE_CASE, so that two servers never read each other's.
pub fn env_prefix(server_name: &str) -> String {
    ident::screaming(server_name)
}

fn setting(valid: &valid::Setting) -> Setting {
    let setting = &valid.spec;
    let default = valid.default.clone();
    let ty = match (&default, valid.ty.rust()) {
        (SettingDefault::None, "bool") => "bool".to_owned(),
        (SettingDefault::None, ty) => format!("Option<{ty}>"),
        (_, ty) => ty.to_owned(),
    };
    Setting {
        ident: ident::snake(&setting.name),
        value_name: match ty.as_str() {
            "bool" => None,
            "PathBuf" | "Option<PathBuf>" => Some("PATH".to_owned()),
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
        secret: setting.secret,
    }
}

/// Builds structs and enums, tracking what their checks need.
struct Builder<'a> {
    types: &'a [valid::NamedType],
    enums: Vec<EnumType>,
    needs: CheckNeeds,
    /// Whether each named type has constraints anywhere inside it.
    checked_types: HashMap<String, bool>,
    /// The named types that tool parameters hold, and so need checks.
    inputs: HashSet<String>,
}

/// The Rust name of a named type.
pub fn type_name(name: &str) -> String {
    ident::pascal(name)
}

/// The Rust name of a tool's parameters struct.
pub fn params_struct_name(tool: &str) -> String {
    ident::pascal_join(&[tool, "Params"])
}

/// The Rust name of a prompt's arguments struct.
pub fn args_struct_name(prompt: &str) -> String {
    ident::pascal_join(&[prompt, "Args"])
}

/// The Rust name of the enum of `param`, of the tool or type `owner`.
pub fn enum_name(owner: &str, param: &str) -> String {
    ident::pascal_join(&[owner, param])
}

impl Builder<'_> {
    fn named_type(&mut self, ty: &valid::NamedType) -> Struct {
        let spec = &ty.spec;
        let name = type_name(&spec.name);
        // A type that only tools return is never checked: a `check` method
        // and its helpers would be dead code.
        let is_input = self.inputs.contains(&spec.name);
        let needs = (!is_input).then(|| std::mem::take(&mut self.needs));
        let mut fields = self.fields(&ty.fields, &name, &spec.name);
        if let Some(needs) = needs {
            self.needs = needs;
            fields.1.clear();
        }
        self.checked_types
            .insert(spec.name.clone(), !fields.1.is_empty());
        Struct {
            name,
            doc: spec
                .description
                .as_deref()
                .map(doc_lines)
                .unwrap_or_default(),
            schema: exact_description(spec.description.as_deref()),
            derives: "Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema",
            fields: fields.0,
            checks: fields.1,
        }
    }

    fn tool(
        &mut self,
        valid: &valid::Tool,
        bound: Option<String>,
        structs: &mut Vec<Struct>,
    ) -> Tool {
        // A tool that calls the upstream API itself sends its parameters.
        let bound = bound.filter(|_| !valid.spec.handler);
        let tool = &valid.spec;
        let params_name = params_struct_name(&tool.name);
        let (fields, checks) = self.fields(&valid.params, &params_name, &tool.name);
        let args = fields.iter().map(|f| f.ident.clone()).collect();
        let signature = fields
            .iter()
            .map(|f| format!("{}: {}", f.ident, f.ty))
            .collect();
        let checked = !checks.is_empty();
        let params_struct = (!tool.params.is_empty()).then(|| {
            structs.push(Struct {
                name: params_name.clone(),
                doc: doc_lines(&format!(
                    "Parameters of the tool `{}`.",
                    tool.name.replace('`', "'")
                )),
                schema: None,
                derives: if bound.is_some() {
                    "Debug, Deserialize, Serialize, JsonSchema"
                } else {
                    "Debug, Deserialize, JsonSchema"
                },
                fields,
                checks,
            });
            params_name
        });
        let annotations = tool
            .annotations
            .iter()
            .flat_map(|a| {
                [
                    ("read_only", a.read_only),
                    ("destructive", a.destructive),
                    ("idempotent", a.idempotent),
                    ("open_world", a.open_world),
                ]
            })
            .filter_map(|(method, value)| value.map(|value| format!("{method}({value})")))
            .collect();
        Tool {
            name: tool.name.clone(),
            name_lit: string_literal(&tool.name),
            ident: ident::snake(&tool.name),
            router_fn: router_fn(&ident::snake(&tool.name), "tool"),
            description_lit: tool.description.as_deref().map(string_literal),
            title_lit: tool.title.as_deref().map(string_literal),
            annotations,
            params_struct,
            args,
            signature,
            checked,
            output: tool.output.as_deref().map(type_name),
            sample_lit: string_literal(&samples::arguments(&valid.params, self.types).to_string()),
            bound,
            property_lits: tool
                .params
                .iter()
                .map(|p| string_literal(&p.name))
                .collect(),
            required_lits: tool
                .params
                .iter()
                .filter(|p| p.required != Some(false) && p.default.is_none())
                .map(|p| string_literal(&p.name))
                .collect(),
            context: tool.context,
            content: tool.content,
            asks: !tool.elicit.is_empty() || tool.sampling || tool.roots,
            asks_with: tool
                .elicit
                .iter()
                .map(|form| format!("`elicit::<{}>`", type_name(form)))
                .chain(tool.sampling.then(|| "`sample`".to_owned()))
                .chain(tool.roots.then(|| "`roots`".to_owned()))
                .collect(),
            input_schema_lit: tool
                .input_schema
                .as_ref()
                .map(|schema| string_literal(&schema.to_string())),
        }
    }

    /// The fields of the struct `owner`, and the statements that check
    /// them; `spec_owner` is the tool or type in the spec.
    fn fields(
        &mut self,
        params: &[valid::Param],
        owner: &str,
        spec_owner: &str,
    ) -> (Vec<Field>, Vec<String>) {
        let mut checks = Vec::new();
        let fields = params
            .iter()
            .map(|param| {
                let (field, field_checks) = self.field(param, owner, spec_owner);
                checks.extend(field_checks);
                field
            })
            .collect();
        (fields, checks)
    }

    fn field(
        &mut self,
        valid: &valid::Param,
        owner: &str,
        spec_owner: &str,
    ) -> (Field, Vec<String>) {
        let (param, ty) = (&valid.spec, &valid.ty);
        let ident = ident::snake(&param.name);
        // The enum of the parameter, or of its items.
        let item = match ty {
            ParamType::Array(item) => item.as_ref(),
            ty => ty,
        };
        let enum_name = match item.enum_of() {
            Some(Some(shared)) => type_name(shared),
            _ => enum_name(spec_owner, &param.name),
        };
        let rust_ty = self.rust_type(ty, &enum_name, param);
        let default_expr = valid.default.as_ref().map(|value| value.rust(&enum_name));
        let optional = valid.is_option();
        let types = self.types;
        let checked_types = self.checked_types.clone();
        let objects_with_checks = |name: &str| object_has_checks(name, types, &checked_types);
        let checks = field_checks(
            param,
            ty,
            &ident,
            optional,
            owner,
            &objects_with_checks,
            &mut self.needs,
        );
        let field = Field {
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
            // An associated function of the struct: a free function named
            // after the struct and field could clash with another's. `_2fa`
            // loses its underscore: `default__2fa` is not snake case.
            default_fn: default_expr
                .as_ref()
                .map(|_| format!("default_{}", ident::bare(&ident).trim_start_matches('_'))),
            default_expr,
            optional,
            schema: schema_items(param, ty)
                .into_iter()
                .chain(exact_description(param.description.as_deref()))
                .collect(),
            ident,
        };
        (field, checks)
    }

    fn rust_type(
        &mut self,
        ty: &ParamType,
        enum_name: &str,
        param: &crate::spec::ParamSpec,
    ) -> String {
        match ty {
            ParamType::String => "String".to_owned(),
            ParamType::Integer => "i64".to_owned(),
            ParamType::Number => "f64".to_owned(),
            ParamType::Boolean => "bool".to_owned(),
            ParamType::Json => "serde_json::Value".to_owned(),
            ParamType::Object(name) => type_name(name),
            ParamType::Enum {
                shared: Some(shared),
                ..
            } => type_name(shared),
            ParamType::Enum {
                shared: None,
                values,
            } => {
                self.enums.push(EnumType {
                    name: enum_name.to_owned(),
                    schema: exact_description(param.description.as_deref()),
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
            ParamType::Array(item) => format!("Vec<{}>", self.rust_type(item, enum_name, param)),
        }
    }
}

/// The named types that tool parameters hold, directly or inside other types.
fn input_types(valid: &Valid) -> HashSet<String> {
    let named = |param: &valid::Param| match &param.ty {
        ParamType::Object(name) => Some(name.clone()),
        ParamType::Array(item) => match item.as_ref() {
            ParamType::Object(name) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    };
    let mut inputs = HashSet::new();
    let mut stack: Vec<String> = valid
        .tools
        .iter()
        .flat_map(|tool| &tool.params)
        .filter_map(named)
        .collect();
    while let Some(name) = stack.pop() {
        if let Some(ty) = valid.named_type(&name)
            && inputs.insert(name)
        {
            stack.extend(ty.fields.iter().filter_map(named));
        }
    }
    inputs
}

/// The shared enums that some parameter or field holds, and so need a Rust
/// enum: template variables and prompt arguments are strings in Rust.
fn shared_enums(valid: &Valid) -> Vec<EnumType> {
    let used: HashSet<&str> = valid
        .types
        .iter()
        .flat_map(|t| &t.fields)
        .chain(valid.tools.iter().flat_map(|t| &t.params))
        .filter_map(|param| match &param.ty {
            ParamType::Array(item) => item.enum_of().flatten(),
            ty => ty.enum_of().flatten(),
        })
        .collect();
    valid
        .enums
        .iter()
        .filter(|shared| used.contains(shared.name.as_str()))
        .map(|shared| EnumType {
            name: type_name(&shared.name),
            doc: shared
                .description
                .as_deref()
                .map(doc_lines)
                .unwrap_or_default(),
            schema: exact_description(shared.description.as_deref()),
            variants: shared
                .values
                .iter()
                .map(|value| Variant {
                    ident: ident::pascal(value),
                    wire_lit: string_literal(value),
                })
                .collect(),
        })
        .collect()
}

/// Whether a named type has constraints anywhere inside it. Types are
/// built in declaration order; a type used before it is declared is
/// looked at directly.
fn object_has_checks(
    name: &str,
    types: &[valid::NamedType],
    known: &HashMap<String, bool>,
) -> bool {
    if let Some(checked) = known.get(name) {
        return *checked;
    }
    let mut seen = vec![name.to_owned()];
    let mut stack = vec![name.to_owned()];
    while let Some(current) = stack.pop() {
        let Some(ty) = types.iter().find(|t| t.spec.name == current) else {
            continue;
        };
        for valid::Param {
            spec: field, ty, ..
        } in &ty.fields
        {
            let rules = field.rules();
            let items = field.items.as_ref().map(|i| i.rules()).unwrap_or_default();
            if rules != crate::spec::Rules::default()
                || items != crate::spec::Rules::default()
                || field.min_items.is_some()
                || field.max_items.is_some()
            {
                return true;
            }
            let nested = match ty {
                ParamType::Array(item) => item.as_ref(),
                ty => ty,
            };
            if let ParamType::Object(nested) = nested
                && !seen.contains(nested)
            {
                seen.push(nested.clone());
                stack.push(nested.clone());
            }
        }
    }
    false
}

fn resource(resource: &crate::spec::ResourceSpec, files: &HashMap<String, Vec<u8>>) -> Resource {
    let mime = resource.mime_type.as_deref().unwrap_or("text/plain");
    let file = resource.file.as_ref().and_then(|name| files.get(name));
    let (text_lit, blob_lit) = match (&resource.text, file) {
        (Some(text), _) => (Some(string_literal(text)), None),
        (None, Some(bytes)) if is_text(mime) => {
            (Some(string_literal(&String::from_utf8_lossy(bytes))), None)
        }
        (None, Some(bytes)) => (
            None,
            Some(string_literal(
                &base64::engine::general_purpose::STANDARD.encode(bytes),
            )),
        ),
        (None, None) => (None, None),
    };
    let fixed = text_lit.is_some() || blob_lit.is_some();
    Resource {
        uri: resource.uri.clone(),
        uri_lit: string_literal(&resource.uri),
        name_lit: string_literal(&resource.name),
        title_lit: resource.title.as_deref().map(string_literal),
        description_lit: resource.description.as_deref().map(string_literal),
        mime_lit: string_literal(mime),
        binary: blob_lit.is_some() || resource.binary,
        text_lit,
        blob_lit,
        method: (!fixed).then(|| ident::snake(&resource.name)),
        context: resource.context && !fixed,
        subscribe: resource.subscribe,
    }
}

/// A `description = ".."` schemars item, where the doc comment would not
/// give the description byte for byte: schemars derives descriptions from
/// doc comments, which cannot hold every string faithfully. A doc comment
/// that starts with `#` is a Markdown heading to schemars, which makes its
/// first line a `title`; `title = ""` keeps it out.
fn exact_description(description: Option<&str>) -> Option<String> {
    let description = description?;
    let doc = doc_lines(description);
    let heading = doc.first().is_some_and(|line| line.starts_with('#'));
    let exact = format!("description = {}", string_literal(description));
    match (heading, doc == [description]) {
        (true, _) => Some(format!("title = \"\", {exact}")),
        (false, false) => Some(exact),
        (false, true) => None,
    }
}

/// Whether a mime type holds text, which is served as text rather than base64.
pub fn is_text(mime: &str) -> bool {
    let essence = mime.split(';').next().unwrap_or_default().trim();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence,
            "application/json"
                | "application/xml"
                | "application/yaml"
                | "application/toml"
                | "application/javascript"
        )
}

fn template(valid: &valid::Template, needs: &mut CheckNeeds) -> Template {
    let template = &valid.spec;
    let parts = &valid.parts;
    let owner = format!("{}_template", template.name);
    let checks = valid
        .params
        .iter()
        .flat_map(|param| {
            let name = ident::snake(&param.spec.name);
            var_checks(&param.spec, &param.ty, &name, &owner, needs)
        })
        .collect();
    let vars = uri_template::vars(parts)
        .into_iter()
        .map(|name| {
            let ty = valid.param(name).map(|p| &p.ty);
            let integer = ty == Some(&ParamType::Integer);
            let values = match ty {
                Some(ParamType::Enum { values, .. }) => {
                    values.iter().map(|v| string_literal(v)).collect()
                }
                _ => Vec::new(),
            };
            TemplateVar {
                name: name.to_owned(),
                name_lit: string_literal(name),
                ident: ident::snake(name),
                ty: if integer { "i64" } else { "String" }.to_owned(),
                integer,
                values,
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
        binary: template.binary,
        context: template.context,
        subscribe: template.subscribe,
        // From the handler method's name, which is unique: trimming the
        // leading digits off `1x` met the `x` template's constant.
        const_name: format!(
            "{}_TEMPLATE",
            ident::snake(&template.name)
                .trim_start_matches("r#")
                .trim_end_matches('_')
                .to_ascii_uppercase()
        ),
        parts: parts
            .iter()
            .map(|part| TemplatePart {
                literal_lit: match part {
                    uri_template::Part::Literal(text) => Some(string_literal(text)),
                    uri_template::Part::Var(_) => None,
                },
            })
            .collect(),
        sample_uri_lit: string_literal(
            &parts
                .iter()
                .map(|part| match part {
                    uri_template::Part::Literal(text) => text.clone(),
                    uri_template::Part::Var(name) => samples::template_value(valid.param(name)),
                })
                .collect::<String>(),
        ),
        vars,
        checks,
    }
}

fn prompt(valid: &valid::Prompt, structs: &mut Vec<Struct>) -> Prompt {
    let prompt = &valid.spec;
    let args_name = args_struct_name(&prompt.name);
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
                schema: exact_description(argument.description.as_deref())
                    .into_iter()
                    .collect(),
                ident,
            }
        })
        .collect();
    let uses_args = valid.messages.iter().flatten().any(|message| {
        message
            .text
            .iter()
            .any(|piece| !matches!(piece, Piece::Text(_)))
    });
    let messages = valid.messages.as_ref().map(|messages| {
        messages
            .iter()
            .map(|message| Message {
                role: match message.role {
                    valid::Role::Assistant => "Assistant",
                    valid::Role::User => "User",
                },
                expr: message_expr(&message.text, &args),
            })
            .collect()
    });
    let args_struct = (!args.is_empty()).then(|| {
        structs.push(Struct {
            name: args_name.clone(),
            doc: doc_lines(&format!(
                "Arguments of the prompt `{}`.",
                prompt.name.replace('`', "'")
            )),
            schema: None,
            derives: "Debug, Deserialize, JsonSchema",
            fields: args,
            checks: Vec::new(),
        });
        args_name
    });
    // The fields live in the struct now; the prompt keeps what it calls with.
    let args = structs
        .last()
        .filter(|_| args_struct.is_some())
        .map(|s| {
            s.fields
                .iter()
                .map(|f| Field {
                    ident: f.ident.clone(),
                    rename_lit: None,
                    ty: f.ty.clone(),
                    doc: Vec::new(),
                    default_fn: None,
                    default_expr: None,
                    optional: f.optional,
                    schema: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    Prompt {
        name: prompt.name.clone(),
        name_lit: string_literal(&prompt.name),
        arguments: prompt
            .arguments
            .iter()
            .map(|argument| PromptArgument {
                name_lit: string_literal(&argument.name),
                description_lit: argument.description.as_deref().map(string_literal),
                required: argument.required,
            })
            .collect(),
        ident: ident::snake(&prompt.name),
        router_fn: router_fn(&ident::snake(&prompt.name), "prompt"),
        description_lit: prompt.description.as_deref().map(string_literal),
        title_lit: prompt.title.as_deref().map(string_literal),
        args_struct,
        args,
        messages,
        uses_args,
        sample_lit: string_literal(
            &serde_json::Value::Object(
                valid
                    .arguments
                    .iter()
                    .map(|a| {
                        let value = a.values.first().map_or("example", |v| v);
                        (
                            a.spec.name.clone(),
                            serde_json::Value::String(value.to_owned()),
                        )
                    })
                    .collect(),
            )
            .to_string(),
        ),
        context: prompt.context,
    }
}

/// A Rust expression that yields a message's text with its arguments
/// filled in; `args` are the fields of the prompt's arguments, in order.
fn message_expr(pieces: &[Piece], args: &[Field]) -> String {
    if !pieces.iter().any(|p| matches!(p, Piece::Section { .. })) {
        return run_expr(pieces, args, None).0;
    }
    // Runs of plain text and arguments, and sections, each a `String`.
    let mut exprs = Vec::new();
    let mut start = 0;
    for (i, piece) in pieces.iter().enumerate() {
        if let Piece::Section { arg, body } = piece {
            if start < i {
                exprs.push(owned(run_expr(&pieces[start..i], args, None)));
            }
            let field = &args[*arg];
            let name = ident::bare(&field.ident);
            let (expr, uses) = run_expr(body, args, Some(*arg));
            exprs.push(format!(
                "args.{}.as_deref().filter(|value| !value.is_empty()).map_or_else(String::new, |{}| {})",
                field.ident,
                if uses { name.as_str() } else { "_" },
                owned((expr, false))
            ));
            start = i + 1;
        }
    }
    if start < pieces.len() {
        exprs.push(owned(run_expr(&pieces[start..], args, None)));
    }
    match exprs.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}].concat()", exprs.join(", ")),
    }
}

/// A `String` from an expression of [`run_expr`].
fn owned((expr, _): (String, bool)) -> String {
    if expr.starts_with("format!(") {
        expr
    } else {
        format!("{expr}.to_owned()")
    }
}

/// A Rust expression for text and arguments, a literal or a `format!`; and
/// whether it uses `bound`, the argument of the section it is in, which a
/// closure has bound to its bare name.
fn run_expr(pieces: &[Piece], args: &[Field], bound: Option<usize>) -> (String, bool) {
    let bare_names: Vec<String> = args.iter().map(|field| ident::bare(&field.ident)).collect();
    let mut used: Vec<usize> = Vec::new();
    let mut uses_bound = false;
    let mut format_parts = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => format_parts.push(FormatPart::Text(text)),
            Piece::Arg(index) => {
                if Some(*index) == bound {
                    uses_bound = true;
                } else if !used.contains(index) {
                    used.push(*index);
                }
                format_parts.push(FormatPart::Arg(bare_names[*index].as_str()));
            }
            // Sections do not nest.
            Piece::Section { .. } => {}
        }
    }
    if used.is_empty() && !uses_bound {
        let text: String = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(text) => text.as_str(),
                _ => "",
            })
            .collect();
        return (string_literal(&text), false);
    }
    // Format arguments cannot be raw identifiers, so keywords get a `_`.
    // The bound argument is captured by its name.
    let bindings: Vec<String> = used
        .iter()
        .map(|&index| {
            let field = &args[index];
            let value = if field.optional {
                format!("args.{}.as_deref().unwrap_or_default()", field.ident)
            } else {
                format!("args.{}", field.ident)
            };
            format!("{} = {value}", bare_names[index])
        })
        .collect();
    let literal = format_literal(format_parts);
    let expr = if bindings.is_empty() {
        format!("format!({literal})")
    } else {
        format!("format!({literal}, {})", bindings.join(", "))
    };
    (expr, uses_bound)
}

/// The name of a tool's or prompt's function in the server's router,
/// `<ident>_tool` or `<ident>_prompt`. The handler method's own name would
/// clash with the server's methods (`new`, `handler`, `tool_router`), with
/// a prompt of the same name, or with the `<fn>_tool_attr` functions that
/// rmcp's macros add; these names end in `_tool` or `_prompt`, so they
/// cannot.
fn router_fn(ident: &str, kind: &str) -> String {
    let name = ident.trim_start_matches("r#").trim_end_matches('_');
    format!("{name}_{kind}")
}

/// The name of the handler method that completes an argument.
pub fn completion_method(owner: &str, argument: &str) -> String {
    ident::snake(&format!(
        "complete_{}_{}",
        ident::bare(&ident::snake(owner)),
        argument
    ))
}

fn completions(valid: &Valid) -> Vec<Completion> {
    let mut completions = Vec::new();
    for prompt in &valid.prompts {
        let valid_arguments = &prompt.arguments;
        let prompt = &prompt.spec;
        for valid::Argument {
            spec: argument,
            values,
        } in valid_arguments
        {
            let values: Vec<String> = values.iter().map(|v| string_literal(v)).collect();
            if values.is_empty() && !argument.complete {
                continue;
            }
            completions.push(Completion {
                kind: "prompt",
                ref_lit: string_literal(&prompt.name),
                argument_lit: string_literal(&argument.name),
                values,
                method: argument
                    .complete
                    .then(|| completion_method(&prompt.name, &argument.name)),
            });
        }
    }
    for template in &valid.templates {
        let params = &template.params;
        let template = &template.spec;
        for valid::Param {
            spec: param, ty, ..
        } in params
        {
            let values: Vec<String> = match ty {
                ParamType::Enum { values, .. } => {
                    values.iter().map(|v| string_literal(v)).collect()
                }
                _ => Vec::new(),
            };
            if values.is_empty() && !param.complete {
                continue;
            }
            completions.push(Completion {
                kind: "resource",
                ref_lit: string_literal(&template.uri_template),
                argument_lit: string_literal(&param.name),
                values,
                method: param
                    .complete
                    .then(|| completion_method(&template.name, &param.name)),
            });
        }
    }
    completions
}

fn described(description: Option<&str>, note: String) -> Vec<String> {
    let mut doc = description.map(doc_lines).unwrap_or_default();
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.extend(doc_lines(&note));
    doc
}

fn methods(
    valid: &Valid,
    tools: &[Tool],
    templates: &[Template],
    prompts: &[Prompt],
    completions: &[Completion],
) -> Vec<Method> {
    let mut methods = Vec::new();
    for (tool, spec) in tools.iter().zip(valid.tools.iter().map(|t| &t.spec)) {
        if tool.bound.is_some() {
            continue;
        }
        let mut doc = spec
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        if !spec.params.is_empty() && !doc.is_empty() {
            doc.push(String::new());
        }
        for param in &spec.params {
            let description = param.description.as_deref().unwrap_or_default();
            let line = doc_lines(description).join(" ");
            // The parameter as the method names it: `r#fn`, `self_`.
            let name = ident::snake(&param.name);
            doc.push(format!("- `{name}`: {line}").trim_end().to_owned());
        }
        let mut params = with_context(tool.context, tool.signature.clone());
        if tool.input_schema_lit.is_some() {
            params.push("arguments: serde_json::Map<String, serde_json::Value>".to_owned());
        }
        methods.push(Method {
            kind: "tool",
            ident: tool.ident.clone(),
            doc,
            too_many_arguments: params.len() > 6,
            params,
            returns: match (&tool.output, tool.content) {
                (Some(output), _) => output.clone(),
                (None, true) => "Vec<ContentBlock>".to_owned(),
                (None, false) => "String".to_owned(),
            },
        });
    }
    for resource in valid
        .spec
        .resources
        .iter()
        .filter(|r| r.text.is_none() && r.file.is_none())
    {
        methods.push(Method {
            kind: "resource",
            ident: ident::snake(&resource.name),
            doc: described(
                resource.description.as_deref(),
                format!("Serves the resource `{}`.", resource.uri.replace('`', "'")),
            ),
            params: with_context(resource.context, Vec::new()),
            returns: if resource.binary { "Vec<u8>" } else { "String" }.to_owned(),
            too_many_arguments: false,
        });
    }
    for (template, spec) in templates
        .iter()
        .zip(valid.templates.iter().map(|t| &t.spec))
    {
        let params: Vec<String> = with_context(
            template.context,
            template
                .vars
                .iter()
                .map(|v| format!("{}: {}", v.ident, v.ty))
                .collect(),
        );
        methods.push(Method {
            kind: "template",
            ident: template.method.clone(),
            doc: described(
                spec.description.as_deref(),
                format!(
                    "Serves the resource template `{}`.",
                    template.uri_template.replace('`', "'")
                ),
            ),
            too_many_arguments: params.len() > 6,
            params,
            returns: if template.binary { "Vec<u8>" } else { "String" }.to_owned(),
        });
    }
    for (prompt, spec) in prompts.iter().zip(valid.prompts.iter().map(|p| &p.spec)) {
        if prompt.messages.is_some() {
            continue;
        }
        let params: Vec<String> = with_context(
            prompt.context,
            prompt
                .args
                .iter()
                .map(|f| format!("{}: {}", f.ident, f.ty))
                .collect(),
        );
        methods.push(Method {
            kind: "prompt",
            ident: prompt.ident.clone(),
            doc: described(
                spec.description.as_deref(),
                format!(
                    "Builds the messages of the prompt `{}`.",
                    spec.name.replace('`', "'")
                ),
            ),
            too_many_arguments: params.len() > 6,
            params,
            returns: "Vec<PromptMessage>".to_owned(),
        });
    }
    for completion in completions {
        if let Some(method) = &completion.method {
            methods.push(Method {
                kind: "completion",
                ident: method.clone(),
                doc: doc_lines(&format!(
                    "Offers values for {} of {} that start with `prefix`.",
                    completion.argument_lit, completion.ref_lit
                )),
                params: vec!["prefix: String".to_owned()],
                returns: "Vec<String>".to_owned(),
                too_many_arguments: false,
            });
        }
    }
    methods
}

/// A handler method's parameters, with `context: Context` first when the
/// item asks for it.
fn with_context(context: bool, params: Vec<String>) -> Vec<String> {
    match context {
        true => std::iter::once("context: Context".to_owned())
            .chain(params)
            .collect(),
        false => params,
    }
}

/// The generated types that handler method signatures mention.
fn handler_imports(methods: &[Method], enums: &[EnumType], structs: &[Struct]) -> Vec<String> {
    // Every word of every signature, once: a spec has thousands of tools.
    let mentioned: HashSet<&str> = methods
        .iter()
        .flat_map(|m| m.params.iter().chain(std::iter::once(&m.returns)))
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric() && c != '_'))
        .collect();
    let mut names: Vec<String> = enums
        .iter()
        .map(|e| e.name.clone())
        .chain(structs.iter().map(|s| s.name.clone()))
        .chain(["PromptMessage", "Context", "ContentBlock", "Notifier"].map(str::to_owned))
        .filter(|name| mentioned.contains(name.as_str()))
        .collect();
    names.sort();
    names.dedup();
    names
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
