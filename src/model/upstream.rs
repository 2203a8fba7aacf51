//! The model of `src/upstream.rs`: the upstream API and each tool's HTTP
//! binding, as tables the generated calling code reads.

use serde::Serialize;

use crate::{
    model::{ident, rust::string_literal},
    spec::{Spec, ToolSpec},
    validate::upstream::{credentials, path_vars},
};

#[derive(Debug, Serialize)]
pub struct Upstream {
    pub base_url_lit: String,
    pub base_url_env_lit: Option<String>,
    pub timeout_secs: u64,
    /// (name, value) literals.
    pub headers: Vec<(String, String)>,
    pub auth: Vec<Auth>,
    pub bindings: Vec<Binding>,
}

#[derive(Debug, Serialize)]
pub struct Auth {
    pub name_lit: String,
    pub kind_lit: String,
    pub location_lit: String,
    pub param_lit: String,
    /// The fields of `Settings` that hold the credential (token, key, user
    /// name or client id), its secret (password or client secret), and an
    /// OAuth2 token URL and scopes.
    pub value: String,
    pub secret: Option<String>,
    pub token_url: Option<String>,
    pub scopes: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Binding {
    /// The constant's name.
    pub name: String,
    pub tool_lit: String,
    pub method_lit: String,
    pub path_lit: String,
    pub params: Vec<Place>,
    pub form: bool,
    pub auth: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Place {
    pub arg_lit: String,
    pub name_lit: String,
    pub location_lit: String,
    pub style_lit: String,
    pub explode: bool,
}

/// The names of the binding constants, by tool, in order: unique even when
/// two tool names differ only in case or punctuation.
pub fn binding_names(spec: &Spec) -> Vec<Option<String>> {
    let mut seen = std::collections::HashSet::new();
    spec.tools
        .iter()
        .map(|tool| {
            tool.http.as_ref()?;
            let base = format!("CALL_{}", ident::screaming(&tool.name));
            let mut name = base.clone();
            let mut n = 1;
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{base}_{n}");
            }
            Some(name)
        })
        .collect()
}

/// The upstream model, if any tool is bound.
pub fn build(spec: &Spec) -> Option<Upstream> {
    let upstream = spec.upstream.as_ref()?;
    let bindings: Vec<Binding> = spec
        .tools
        .iter()
        .zip(binding_names(spec))
        .filter_map(|(tool, name)| binding(tool, name?))
        .collect();
    if bindings.is_empty() {
        return None;
    }
    let lit = |text: Option<&str>| string_literal(text.unwrap_or_default());
    Some(Upstream {
        base_url_lit: string_literal(upstream.base_url.trim_end_matches('/')),
        base_url_env_lit: upstream.base_url_env.as_deref().map(string_literal),
        timeout_secs: upstream.timeout_secs.unwrap_or(30),
        headers: upstream
            .headers
            .iter()
            .map(|(name, value)| (string_literal(name), string_literal(value)))
            .collect(),
        auth: upstream
            .auth
            .iter()
            .map(|auth| {
                let credentials = credentials(auth);
                let field = |part: &str| {
                    credentials
                        .iter()
                        .find(|c| c.part == part)
                        .map(|c| ident::snake(&c.setting))
                };
                Auth {
                    name_lit: string_literal(&auth.name),
                    kind_lit: string_literal(&auth.kind),
                    location_lit: lit(auth.location.as_deref()),
                    param_lit: lit(auth.param.as_deref()),
                    value: field("value").unwrap_or_default(),
                    secret: field("secret"),
                    token_url: field("token_url"),
                    scopes: field("scopes"),
                }
            })
            .collect(),
        bindings,
    })
}

fn binding(tool: &ToolSpec, name: String) -> Option<Binding> {
    let http = tool.http.as_ref()?;
    let vars = path_vars(&http.path).unwrap_or_default();
    let params =
        tool.params
            .iter()
            .map(|param| {
                let place = http.params.get(&param.name);
                let location = match place {
                    Some(place) => place.location.clone(),
                    None if vars.contains(&param.name.as_str()) => "path".to_owned(),
                    None => "query".to_owned(),
                };
                let style = place.and_then(|p| p.style.clone()).unwrap_or_else(|| {
                    match location.as_str() {
                        "query" | "cookie" => "form".to_owned(),
                        _ => "simple".to_owned(),
                    }
                });
                let explode = place.and_then(|p| p.explode).unwrap_or(style == "form");
                Place {
                    arg_lit: string_literal(&param.name),
                    name_lit: string_literal(
                        place.and_then(|p| p.name.as_deref()).unwrap_or(&param.name),
                    ),
                    location_lit: string_literal(&location),
                    style_lit: string_literal(&style),
                    explode,
                }
            })
            .collect();
    Some(Binding {
        name,
        tool_lit: string_literal(&tool.name),
        method_lit: string_literal(&http.method),
        path_lit: string_literal(&http.path),
        params,
        form: http.body.as_deref() == Some("form"),
        auth: http.auth.iter().map(|name| string_literal(name)).collect(),
    })
}
