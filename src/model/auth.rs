//! What the templates need of the `auth` section: the defaults of the auth
//! settings, and the scopes that each tool, resource and prompt requires.

use serde::Serialize;

use super::rust::string_literal;
use crate::spec::Spec;

/// The `auth` section, as Rust literals.
#[derive(Debug, Serialize)]
pub struct Auth {
    /// The default issuers, as string literals.
    pub issuers: Vec<String>,
    /// The default resource, as a string literal.
    pub resource: Option<String>,
    /// The scopes the server knows, as string literals.
    pub scopes: Vec<String>,
    /// (tool name, required scopes), as literals, for tools that require any.
    pub tools: Vec<Required>,
    pub prompts: Vec<Required>,
    /// Resources, by URI.
    pub resources: Vec<Required>,
    /// Resource templates, by the text before their first variable and the
    /// text after their last.
    pub templates: Vec<Required>,
    /// The defaults as plain text, for the README.
    pub plain: Plain,
}

/// The defaults of the auth settings as text, lists comma-separated.
#[derive(Debug, Serialize)]
pub struct Plain {
    pub issuers: String,
    pub resource: String,
    pub scopes: String,
}

/// The scopes that one item requires.
#[derive(Debug, Serialize)]
pub struct Required {
    /// A name, a URI or a URI template's prefix, as a literal.
    pub key: String,
    /// A URI template's suffix, as a literal; empty for others.
    pub suffix: String,
    pub scopes: Vec<String>,
}

fn literals(items: &[String]) -> Vec<String> {
    items.iter().map(|s| string_literal(s)).collect()
}

fn required(key: &str, suffix: &str, scopes: &[String]) -> Option<Required> {
    (!scopes.is_empty()).then(|| Required {
        key: string_literal(key),
        suffix: string_literal(suffix),
        scopes: literals(scopes),
    })
}

/// The auth model of a valid spec, if it has an `auth` section.
pub fn model(spec: &Spec) -> Option<Auth> {
    let auth = spec.auth.as_ref()?;
    Some(Auth {
        plain: Plain {
            issuers: auth.issuers.join(", "),
            resource: auth.resource.clone().unwrap_or_default(),
            scopes: auth.scopes.join(", "),
        },
        issuers: literals(&auth.issuers),
        resource: auth.resource.as_deref().map(string_literal),
        scopes: literals(&auth.scopes),
        tools: spec
            .tools
            .iter()
            .filter_map(|t| required(&t.name, "", &t.scopes))
            .collect(),
        prompts: spec
            .prompts
            .iter()
            .filter_map(|p| required(&p.name, "", &p.scopes))
            .collect(),
        resources: spec
            .resources
            .iter()
            .filter_map(|r| required(&r.uri, "", &r.scopes))
            .collect(),
        templates: spec
            .resource_templates
            .iter()
            .filter_map(|t| {
                let template = &t.uri_template;
                let prefix = template.split('{').next().unwrap_or_default();
                let suffix = template.rsplit('}').next().unwrap_or_default();
                let suffix = if template.contains('}') { suffix } else { "" };
                required(prefix, suffix, &t.scopes)
            })
            .collect(),
    })
}
