//! The JSON Schema of the spec format, for editors and CI. It is derived
//! from the same types the parser reads, so the two cannot disagree on a
//! key's name or type.

use schemars::JsonSchema;

use crate::spec::{
    AuthSpec, EnumSpec, PromptSpec, ResourceSpec, ResourceTemplateSpec, ServerSpec, SettingSpec,
    ToolSpec, TypeSpec,
};

/// An mcpgen spec: an MCP server's tools, resources and prompts.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "mcpgen spec")]
#[allow(dead_code)] // Only its schema is used.
struct Document {
    /// The spec format version.
    #[schemars(range(min = 1, max = 1))]
    mcpgen: u64,
    server: ServerSpec,
    /// A Rust file, relative to the spec, that seeds the user-owned
    /// `src/handlers.rs` of a new crate.
    handlers: Option<String>,
    /// Extra crates the handlers need, as in a Cargo.toml `[dependencies]`
    /// table.
    dependencies: Option<serde_json::Map<String, serde_json::Value>>,
    /// Settings of the server: command-line flags and environment variables.
    settings: Option<Vec<SettingSpec>>,
    /// Named object types, referred to by name from parameters and outputs.
    types: Option<Vec<TypeSpec>>,
    /// Shared enums: named sets of string values, used as the `type` of
    /// parameters, fields, template variables and prompt arguments.
    enums: Option<Vec<EnumSpec>>,
    tools: Option<Vec<ToolSpec>>,
    resources: Option<Vec<ResourceSpec>>,
    resource_templates: Option<Vec<ResourceTemplateSpec>>,
    prompts: Option<Vec<PromptSpec>>,
    /// OAuth 2.1 protection of the HTTP transport: the authorization
    /// servers whose tokens are accepted, and the scopes they grant.
    auth: Option<AuthSpec>,
    /// The HTTP API that tools with an `http` binding call.
    upstream: Option<crate::spec::UpstreamSpec>,
}

/// The schema as pretty-printed JSON, ending with a newline.
pub fn json() -> String {
    let mut schema = schemars::schema_for!(Document);
    // Top-level `x-` keys are the user's: a place for YAML anchors.
    schema.insert(
        "patternProperties".to_owned(),
        serde_json::json!({ "^x-": {
            "description": "Ignored by mcpgen: a place for YAML anchors (`&name`) that the spec merges (`<<: *name`) or repeats (`*name`)."
        } }),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_has_exactly_the_keys_the_parser_reads() {
        let schema: serde_json::Value = serde_json::from_str(&json()).unwrap();
        let mut keys: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let mut parsed = crate::parse::TOP_LEVEL_KEYS.to_vec();
        parsed.sort();
        assert_eq!(keys, parsed);
        assert_eq!(schema["required"], serde_json::json!(["mcpgen", "server"]));
    }
}
