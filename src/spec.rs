//! The spec format, version 1: what a user writes in YAML.
//!
//! These types mirror the YAML one to one. They carry no meaning beyond shape:
//! [`crate::validate`] checks the rules, and [`crate::model`] derives what the
//! templates need.

use schemars::JsonSchema;
use serde::Deserialize;

/// The only spec format version this mcpgen reads.
pub const FORMAT_VERSION: u64 = 1;

/// A whole spec file, less its `mcpgen` format version, which
/// [`crate::parse`] checks.
#[derive(Debug, Clone)]
pub struct Spec {
    pub server: ServerSpec,
    /// A Rust file, relative to the spec, that seeds the user-owned
    /// `src/handlers.rs` of a new crate.
    pub handlers: Option<String>,
    /// Extra crates the handlers need, as in a Cargo.toml `[dependencies]`
    /// table, e.g. `rusqlite: { version: "0.43", features: [bundled] }`.
    pub dependencies: serde_yaml::Mapping,
    pub settings: Vec<SettingSpec>,
    /// Named object types, referred to by name from params and outputs.
    pub types: Vec<TypeSpec>,
    /// Shared enums, referred to by name as the `type` of params, fields,
    /// template variables and prompt arguments.
    pub enums: Vec<EnumSpec>,
    pub tools: Vec<ToolSpec>,
    pub resources: Vec<ResourceSpec>,
    pub resource_templates: Vec<ResourceTemplateSpec>,
    pub prompts: Vec<PromptSpec>,
    /// OAuth 2.1 protection of the HTTP transport.
    pub auth: Option<AuthSpec>,
    /// The HTTP API that tools with an `http` binding call.
    pub upstream: Option<UpstreamSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// The crate, binary and wire name, e.g. `notes-server`.
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Instructions that the server gives the client at `initialize`.
    #[serde(default)]
    pub instructions: Option<String>,
    /// Whether the server can also serve streamable HTTP (`--http`), behind
    /// the generated crate's default `http` feature. `false` leaves HTTP out
    /// of the crate entirely, for the smallest stdio-only build.
    #[serde(default = "yes")]
    pub http: bool,
    /// Who makes the server, for MCP Bundles (`mcpgen bundle`).
    #[serde(default)]
    pub author: Option<AuthorSpec>,
    /// A PNG file, relative to the spec, that `mcpgen bundle` puts in the
    /// bundle as the server's icon.
    #[serde(default)]
    pub icon: Option<String>,
    /// The server's web page, an `http(s)://` URL.
    #[serde(default)]
    pub homepage: Option<String>,
    /// The server's source repository, an `http(s)://` URL, e.g.
    /// `https://github.com/you/notes-server`.
    #[serde(default)]
    pub repository: Option<String>,
    /// Whether tool schemas keep `$ref`s to shared `$defs` for named types
    /// and enums. By default they are inlined, because several clients
    /// (Claude Desktop, VS Code Copilot, Cursor) fail to resolve `$ref`;
    /// `true` gives compact schemas for clients that resolve them.
    #[serde(default)]
    pub schema_refs: bool,
}

/// The maker of a server.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorSpec {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// An `http(s)://` URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// A setting of the generated binary: a command-line flag and an env var.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingSpec {
    pub name: String,
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    #[serde(default)]
    pub env: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml::Value>,
    #[serde(default)]
    pub description: Option<String>,
    /// A password, token or key: clients that install the server keep it
    /// secret (a keychain, a password input). It needs `env`, since a
    /// secret is never passed on the command line.
    #[serde(default)]
    pub secret: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub name: String,
    /// OAuth scopes a caller's token must all carry to use this (see `auth`).
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    /// A named type: the tool returns structured content of this type.
    #[serde(default)]
    pub output: Option<String>,
    #[serde(default)]
    pub annotations: Option<AnnotationsSpec>,
    /// The HTTP operation of the `upstream` API that the tool calls: the
    /// generated code makes the call, and the tool needs no handler method.
    #[serde(default)]
    pub http: Option<HttpBindingSpec>,
    /// With `http`: also declare a handler method, which the tool calls
    /// instead of the upstream API, to add logic of your own.
    #[serde(default)]
    pub handler: bool,
    /// The handler returns content blocks (`Vec<ContentBlock>`): text,
    /// images, audio, embedded resources and resource links, several at once.
    #[serde(default)]
    pub content: bool,
    /// The handler method takes a `Context` first: it can log to the
    /// client, report progress, see cancellation and reach the client.
    #[serde(default)]
    pub context: bool,
    /// Named types (under `types`) that the handler may ask the user to
    /// fill in, with `Context::elicit`: flat forms of strings, numbers,
    /// booleans and enums. Needs `context: true`.
    #[serde(default)]
    pub elicit: Vec<String>,
    /// The handler may ask the client's model for a completion, with
    /// `Context::sample` (`sampling/createMessage`). Needs `context: true`.
    #[serde(default)]
    pub sampling: bool,
    /// The handler may ask the client for its roots, with `Context::roots`
    /// (`roots/list`). Needs `context: true`.
    #[serde(default)]
    pub roots: bool,
    /// The tool's whole input schema, JSON Schema 2020-12, for inputs that
    /// `params` cannot describe: clients get it exactly as written
    /// (`$schema`, `$defs`, `$ref`, `additionalProperties` and all). The
    /// handler takes the arguments as one JSON object, and checks them.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub input_schema: Option<serde_json::Value>,
}

/// A named object type.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub fields: Vec<ParamSpec>,
}

/// A named set of string values, declared once and used as the `type` of
/// any parameter, field, array item, template variable or prompt argument:
/// one Rust enum, offered as completions where a client may complete.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub values: Vec<String>,
    /// Display names of the values, one each, in the same order: forms
    /// that elicit the enum show them (`oneOf`/`anyOf` with `const` and
    /// `title`).
    #[serde(default)]
    pub titles: Vec<String>,
    /// With `titles`: send them as `enumNames`, the deprecated form that
    /// older clients read, instead of `oneOf`.
    #[serde(default)]
    pub legacy_titles: bool,
}

/// Hints about a tool's behaviour, passed to clients as-is.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationsSpec {
    #[serde(default)]
    pub read_only: Option<bool>,
    #[serde(default)]
    pub destructive: Option<bool>,
    #[serde(default)]
    pub idempotent: Option<bool>,
    #[serde(default)]
    pub open_world: Option<bool>,
}

/// A typed, named value: a tool parameter or a URI template variable.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub name: String,
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the caller must pass it. Defaults to true unless there is a default.
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml::Value>,
    #[serde(rename = "enum", default)]
    pub values: Option<Vec<String>>,
    /// The element type of an `array`.
    #[serde(default)]
    pub items: Option<ItemsSpec>,
    #[serde(default)]
    pub min_length: Option<u64>,
    #[serde(default)]
    pub max_length: Option<u64>,
    #[serde(default)]
    pub pattern: Option<String>,
    /// `date-time`, `date`, `email` or `uri`.
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub minimum: Option<serde_yaml::Number>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub maximum: Option<serde_yaml::Number>,
    #[serde(default)]
    pub min_items: Option<u64>,
    #[serde(default)]
    pub max_items: Option<u64>,
    /// Offer completions for this template variable or prompt argument from
    /// a handler method.
    #[serde(default)]
    pub complete: bool,
    /// With `type: json`: the JSON Schema of the value, kept as written in
    /// the tool's input schema (for what the spec's types cannot say, such
    /// as `oneOf`). Without it, any JSON value.
    #[serde(default)]
    pub schema: Option<serde_json::Value>,
}

/// Constraints on a string or a number, checked before a handler runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub format: Option<String>,
    pub minimum: Option<serde_yaml::Number>,
    pub maximum: Option<serde_yaml::Number>,
}

macro_rules! rules {
    ($spec:ty) => {
        impl $spec {
            /// The value constraints this declares.
            pub fn rules(&self) -> Rules {
                Rules {
                    min_length: self.min_length,
                    max_length: self.max_length,
                    pattern: self.pattern.clone(),
                    format: self.format.clone(),
                    minimum: self.minimum.clone(),
                    maximum: self.maximum.clone(),
                }
            }
        }
    };
}

rules!(ParamSpec);
rules!(ItemsSpec);

/// The element type of an array parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemsSpec {
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    #[serde(rename = "enum", default)]
    pub values: Option<Vec<String>>,
    #[serde(default)]
    pub min_length: Option<u64>,
    #[serde(default)]
    pub max_length: Option<u64>,
    #[serde(default)]
    pub pattern: Option<String>,
    /// `date-time`, `date`, `email` or `uri`.
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub minimum: Option<serde_yaml::Number>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub maximum: Option<serde_yaml::Number>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    pub uri: String,
    pub name: String,
    /// OAuth scopes a caller's token must all carry to use this (see `auth`).
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Fixed text: the resource needs no handler.
    #[serde(default)]
    pub text: Option<String>,
    /// A file next to the spec whose content is embedded in the server.
    #[serde(default)]
    pub file: Option<String>,
    /// The handler returns bytes, served as a base64 blob.
    #[serde(default)]
    pub binary: bool,
    /// Clients may subscribe to it (`resources/subscribe`); the handlers
    /// tell them of changes with a `Notifier`.
    #[serde(default)]
    pub subscribe: bool,
    /// The handler method takes a `Context` first: it can log to the
    /// client, report progress, see cancellation and reach the client.
    #[serde(default)]
    pub context: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceTemplateSpec {
    pub uri_template: String,
    pub name: String,
    /// OAuth scopes a caller's token must all carry to use this (see `auth`).
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Types and descriptions of the template's variables; untyped ones are strings.
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    /// The handler returns bytes, served as a base64 blob.
    #[serde(default)]
    pub binary: bool,
    /// Clients may subscribe to it (`resources/subscribe`); the handlers
    /// tell them of changes with a `Notifier`.
    #[serde(default)]
    pub subscribe: bool,
    /// The handler method takes a `Context` first: it can log to the
    /// client, report progress, see cancellation and reach the client.
    #[serde(default)]
    pub context: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptSpec {
    pub name: String,
    /// OAuth scopes a caller's token must all carry to use this (see `auth`).
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub arguments: Vec<PromptArgumentSpec>,
    /// Fixed messages, with `{argument}` placeholders and `{argument? text}`
    /// sections that show only when an optional argument is given; without
    /// them, a handler method builds the messages.
    #[serde(default)]
    pub messages: Option<Vec<MessageSpec>>,
    /// The handler method takes a `Context` first: it can log to the
    /// client, report progress, see cancellation and reach the client.
    #[serde(default)]
    pub context: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptArgumentSpec {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
    /// The values a client may complete the argument to.
    #[serde(rename = "enum", default)]
    pub values: Option<Vec<String>>,
    /// Offer completions from a handler method.
    #[serde(default)]
    pub complete: bool,
    /// `string`, the default, or the name of an enum under `enums`, whose
    /// values are offered as completions.
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSpec {
    #[serde(default = "user")]
    pub role: String,
    pub text: String,
}

/// The `auth` section: the HTTP server is an OAuth 2.1 resource server
/// that accepts JWT access tokens from the named authorization servers.
/// Each value is a default that a flag or env var overrides at deploy time.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// The authorization servers' issuer URLs, e.g.
    /// `https://login.example.com/realms/main`, whose tokens are accepted.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// The server's canonical URL, which tokens must name as their audience
    /// (RFC 8707), e.g. `https://notes.example.com/mcp`.
    #[serde(default)]
    pub resource: Option<String>,
    /// The scopes the server knows, listed in its metadata; tools,
    /// resources and prompts require some of them with `scopes`.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// The HTTP API that bound tools call.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpstreamSpec {
    /// The base URL that operation paths are appended to, e.g.
    /// `https://api.example.com/v1`.
    pub base_url: String,
    /// An env var that, when set, replaces `base_url`.
    #[serde(default)]
    pub base_url_env: Option<String>,
    /// The timeout of each upstream request, in seconds.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// Headers sent with every upstream request.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// Credentials, one per security scheme of the API. They are read from
    /// env vars at start-up, never logged, and only sent upstream; the MCP
    /// client's own token is never forwarded.
    #[serde(default)]
    pub auth: Vec<UpstreamAuthSpec>,
}

/// The credentials of one security scheme of the upstream API.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpstreamAuthSpec {
    /// The scheme's name, which bindings list under `auth`.
    pub name: String,
    /// `bearer`, `api_key`, `basic` or `oauth2_client_credentials`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The env var of the token, key, user name or client id.
    pub env: String,
    /// `basic`: the env var of the password; `oauth2_client_credentials`:
    /// of the client secret.
    #[serde(default)]
    pub secret_env: Option<String>,
    /// `api_key`: where it goes, `header`, `query` or `cookie`.
    #[serde(rename = "in", default)]
    pub location: Option<String>,
    /// `api_key`: the header, query parameter or cookie name.
    #[serde(default)]
    pub param: Option<String>,
    /// `oauth2_client_credentials`: the token endpoint's URL.
    #[serde(default)]
    pub token_url: Option<String>,
    /// `oauth2_client_credentials`: the scopes to ask for.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Which HTTP operation a tool calls, and where its parameters go.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpBindingSpec {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD` or `OPTIONS`.
    pub method: String,
    /// The path template, appended to the base URL, e.g. `/pets/{petId}`;
    /// each `{name}` is a `path` parameter.
    pub path: String,
    /// Where each parameter goes, by parameter name. A parameter not listed
    /// goes in the query under its own name, or in the path if the path
    /// names it.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, BindingParamSpec>,
    /// How `body` parameters are sent: `json` (the default) or `form`.
    #[serde(default)]
    pub body: Option<String>,
    /// The security schemes (names under `upstream.auth`) the operation
    /// accepts; the first whose credentials are set is used.
    #[serde(default)]
    pub auth: Vec<String>,
}

/// Where one parameter of a bound tool goes in the HTTP request.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BindingParamSpec {
    /// `path`, `query`, `header`, `cookie`, `body` (a property of the body
    /// object) or `body_all` (the whole body).
    #[serde(rename = "in")]
    pub location: String,
    /// The name on the wire, if not the parameter's.
    #[serde(default)]
    pub name: Option<String>,
    /// OpenAPI's serialisation style: `form` (the query default), `simple`
    /// (path and header), `spaceDelimited`, `pipeDelimited`, `deepObject`.
    #[serde(default)]
    pub style: Option<String>,
    /// Whether arrays and objects explode into one pair per value; the
    /// default is OpenAPI's: true for `form`, false otherwise.
    #[serde(default)]
    pub explode: Option<bool>,
}

fn yes() -> bool {
    true
}

fn user() -> String {
    "user".to_owned()
}
