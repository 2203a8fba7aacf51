//! The validated spec: what [`crate::validate`] proved, in types.
//!
//! Each item keeps the spec item it came from (`spec`), for the plain
//! values a spec states (names, descriptions, annotations), and adds what
//! validation worked out: parameter types with their enum and type
//! references resolved, setting types and defaults, parsed URI templates
//! and prompt texts. [`crate::model`] reads this and never checks a rule
//! again: a `Valid` exists only for a spec without errors.

use crate::{
    model::{ParamType, SettingDefault, types::DefaultValue, uri_template},
    spec::{
        EnumSpec, ParamSpec, PromptArgumentSpec, PromptSpec, ResourceTemplateSpec, SettingSpec,
        Spec, ToolSpec, TypeSpec,
    },
};

/// A spec without errors.
#[derive(Debug, Clone)]
pub struct Valid {
    /// The spec as written, for the sections that need no resolving:
    /// `server`, `handlers`, `dependencies` and `resources`.
    pub spec: Spec,
    pub settings: Vec<Setting>,
    /// The shared enums, in declaration order.
    pub enums: Vec<EnumSpec>,
    pub types: Vec<NamedType>,
    pub tools: Vec<Tool>,
    pub templates: Vec<Template>,
    pub prompts: Vec<Prompt>,
}

impl Valid {
    /// The named type `name`.
    pub fn named_type(&self, name: &str) -> Option<&NamedType> {
        self.types.iter().find(|t| t.spec.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Setting {
    pub spec: SettingSpec,
    pub ty: SettingType,
    pub default: SettingDefault,
}

/// The type of a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingType {
    String,
    Path,
    Integer,
    Boolean,
}

impl SettingType {
    /// Its Rust type.
    pub fn rust(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Path => "PathBuf",
            Self::Integer => "i64",
            Self::Boolean => "bool",
        }
    }
}

/// A tool parameter, a type's field or a template variable.
#[derive(Debug, Clone)]
pub struct Param {
    pub spec: ParamSpec,
    pub ty: ParamType,
    pub default: Option<DefaultValue>,
}

impl Param {
    /// Whether a caller may leave it out and get `None`: optional, and
    /// without a default.
    pub fn is_option(&self) -> bool {
        self.default.is_none() && self.spec.required == Some(false)
    }
}

#[derive(Debug, Clone)]
pub struct NamedType {
    pub spec: TypeSpec,
    pub fields: Vec<Param>,
}

#[derive(Debug, Clone)]
pub struct Tool {
    pub spec: ToolSpec,
    pub params: Vec<Param>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub spec: ResourceTemplateSpec,
    pub parts: Vec<uri_template::Part>,
    /// The variables the spec describes under `params`; the others are
    /// plain strings.
    pub params: Vec<Param>,
}

impl Template {
    /// The declared variable `name`, if the spec describes it.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.spec.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub spec: PromptSpec,
    pub arguments: Vec<Argument>,
    /// Fixed messages; `None` when a handler method builds them.
    pub messages: Option<Vec<Message>>,
}

#[derive(Debug, Clone)]
pub struct Argument {
    pub spec: PromptArgumentSpec,
    /// The values offered as completions: its `enum`, or the values of the
    /// shared enum its `type` names.
    pub values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub role: Role,
    pub text: Vec<Piece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// A piece of message text. Arguments are indexes into the prompt's
/// arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Arg(usize),
    /// `{arg? ...}`: text shown only when the optional argument `arg` is
    /// given and not empty.
    Section {
        arg: usize,
        body: Vec<Piece>,
    },
}
