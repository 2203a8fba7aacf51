//! The spec format, version 1: what a user writes in YAML.
//!
//! These types mirror the YAML one to one. They carry no meaning beyond shape:
//! [`crate::validate`] checks the rules, and [`crate::model`] derives what the
//! templates need.

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
    pub tools: Vec<ToolSpec>,
    pub resources: Vec<ResourceSpec>,
    pub resource_templates: Vec<ResourceTemplateSpec>,
    pub prompts: Vec<PromptSpec>,
}

#[derive(Debug, Clone, Deserialize)]
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
}

/// A setting of the generated binary: a command-line flag and an env var.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingSpec {
    pub name: String,
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    #[serde(default)]
    pub env: Option<String>,
    #[serde(default)]
    pub default: Option<serde_yaml::Value>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    #[serde(default)]
    pub annotations: Option<AnnotationsSpec>,
}

/// Hints about a tool's behaviour, passed to clients as-is.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
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
    pub default: Option<serde_yaml::Value>,
    #[serde(rename = "enum", default)]
    pub values: Option<Vec<String>>,
    /// The element type of an `array`.
    #[serde(default)]
    pub items: Option<ItemsSpec>,
}

/// The element type of an array parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsSpec {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(rename = "enum", default)]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    pub uri: String,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Fixed text: the resource needs no handler.
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceTemplateSpec {
    pub uri_template: String,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Types and descriptions of the template's variables; untyped ones are strings.
    #[serde(default)]
    pub params: Vec<ParamSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptSpec {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub arguments: Vec<PromptArgumentSpec>,
    /// Fixed messages, with `{argument}` placeholders.
    pub messages: Vec<MessageSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptArgumentSpec {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageSpec {
    #[serde(default = "user")]
    pub role: String,
    pub text: String,
}

fn yes() -> bool {
    true
}

fn user() -> String {
    "user".to_owned()
}
