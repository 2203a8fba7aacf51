//! The `upstream` API and the `http` bindings of tools.

use std::collections::HashSet;

use super::Validator;
use crate::{
    diagnostic::{Path, did_you_mean},
    model::ident,
    spec::{HttpBindingSpec, SettingSpec, Spec, ToolSpec, UpstreamAuthSpec},
};

/// The HTTP methods a binding may use.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
/// Where a parameter may go.
pub const LOCATIONS: &[&str] = &["path", "query", "header", "cookie", "body", "body_all"];
/// OpenAPI serialisation styles the generated code implements.
pub const STYLES: &[&str] = &[
    "form",
    "simple",
    "label",
    "matrix",
    "spaceDelimited",
    "pipeDelimited",
    "deepObject",
];
/// The kinds of credentials.
pub const AUTH_KINDS: &[&str] = &["bearer", "api_key", "basic", "oauth2_client_credentials"];

/// Whether a tool has a handler method: it is not bound, or opts in.
pub fn has_handler(tool: &ToolSpec) -> bool {
    tool.http.is_none() || tool.handler
}

/// The `{name}`s of a path template, or the text of a broken one.
pub fn path_vars(path: &str) -> Result<Vec<&str>, String> {
    let mut vars = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a `}` without its `{`".to_owned());
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("a `{` without its `}`".to_owned());
        };
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("`{{{name}}}` is not a parameter name"));
        }
        vars.push(name);
        rest = &after[close + 1..];
    }
    Ok(vars)
}

/// The parts of a scheme's credentials, each a generated setting: what it
/// holds, the `upstream.auth` key it comes from, and whether it is secret.
pub struct Credential {
    /// `value` (token, key, user name or client id), `secret` (password or
    /// client secret), `token_url` or `scopes`.
    pub part: &'static str,
    /// The setting's name.
    pub setting: String,
}

/// The settings that hold a scheme's credentials, by part.
pub fn credentials(auth: &UpstreamAuthSpec) -> Vec<Credential> {
    let mut base = ident::snake(&auth.name).trim_start_matches('_').to_owned();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base.insert_str(0, "upstream_");
    }
    let value = match auth.kind.as_str() {
        "bearer" => "token",
        "api_key" => "key",
        "basic" => "user",
        _ => "client_id",
    };
    let mut parts = vec![("value", value)];
    match auth.kind.as_str() {
        "basic" => parts.push(("secret", "password")),
        "oauth2_client_credentials" => parts.extend([
            ("secret", "client_secret"),
            ("token_url", "token_url"),
            ("scopes", "scopes"),
        ]),
        _ => {}
    }
    parts
        .into_iter()
        .map(|(part, suffix)| Credential {
            part,
            setting: format!("{base}_{suffix}"),
        })
        .collect()
}

/// The settings of the upstream credentials, which the spec's `upstream`
/// implies: secrets from the env vars it names; the OAuth2 token URL and
/// scopes, defaulting to the spec's values, from env vars named after the
/// server and the scheme.
pub fn credential_settings(spec: &Spec) -> Vec<SettingSpec> {
    let Some(upstream) = &spec.upstream else {
        return Vec::new();
    };
    let prefix = crate::model::env_prefix(&spec.server.name);
    let mut settings = Vec::new();
    for (i, auth) in upstream.auth.iter().enumerate() {
        let scheme = format!("the upstream API's `{}` credentials", auth.name);
        for credential in credentials(auth) {
            let (key, env, default, description, secret) = match credential.part {
                "value" => (
                    "env",
                    Some(auth.env.clone()),
                    None,
                    match auth.kind.as_str() {
                        "bearer" => format!("The bearer token of {scheme}."),
                        "api_key" => format!("The API key of {scheme}."),
                        "basic" => format!("The user name of {scheme}."),
                        _ => format!("The OAuth2 client id of {scheme}."),
                    },
                    true,
                ),
                "secret" => (
                    "secret_env",
                    auth.secret_env.clone(),
                    None,
                    match auth.kind.as_str() {
                        "basic" => format!("The password of {scheme}."),
                        _ => format!("The OAuth2 client secret of {scheme}."),
                    },
                    true,
                ),
                "token_url" => (
                    "token_url",
                    Some(format!("{prefix}_{}", credential.setting.to_uppercase())),
                    auth.token_url.clone(),
                    format!("The OAuth2 token endpoint of {scheme}."),
                    false,
                ),
                _ => (
                    "scopes",
                    Some(format!("{prefix}_{}", credential.setting.to_uppercase())),
                    Some(auth.scopes.join(" ")),
                    format!("The OAuth2 scopes asked for {scheme}, separated by spaces."),
                    false,
                ),
            };
            // A missing env var is an error of `upstream.auth` already.
            if env.is_none() {
                continue;
            }
            settings.push(SettingSpec {
                name: credential.setting,
                ty: None,
                env,
                default: default.map(serde_yaml::Value::String),
                description: Some(description),
                secret,
                upstream: Some((i, key)),
            });
        }
    }
    settings
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An HTTP header name (an RFC 9110 token).
pub fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl Validator {
    pub(super) fn upstream(&mut self, spec: &Spec) {
        let mut schemes = HashSet::new();
        if let Some(upstream) = &spec.upstream {
            let path = Path::root().key("upstream");
            let url = upstream.base_url.as_str();
            let ok = ["http://", "https://"]
                .iter()
                .any(|scheme| url.len() > scheme.len() && url.starts_with(scheme))
                && !url.contains(|c: char| c.is_whitespace() || c.is_control());
            if !ok {
                self.error(
                    path.key("base_url"),
                    format!("`{url}` is not an http(s) URL"),
                    "write the API's base URL, e.g. `https://api.example.com/v1`",
                );
            }
            if let Some(env) = &upstream.base_url_env {
                self.env_name(env, path.key("base_url_env"));
            }
            if upstream.timeout_secs == Some(0) {
                self.error(
                    path.key("timeout_secs"),
                    "a timeout of 0 seconds fails every call",
                    "give the seconds a call may take, e.g. 30",
                );
            }
            for (name, value) in &upstream.headers {
                if !is_token(name) || value.contains(['\r', '\n', '\0']) {
                    self.error(
                        path.key("headers").key(name.as_str()),
                        format!("`{}` is not a valid HTTP header", name.escape_debug()),
                        "a header name is letters, digits and `-`; its value one line",
                    );
                }
            }
            for (i, auth) in upstream.auth.iter().enumerate() {
                let path = path.key("auth").index(i);
                if !schemes.insert(auth.name.as_str()) {
                    self.error(
                        path.key("name"),
                        format!("duplicate security scheme `{}`", auth.name),
                        "rename or remove one",
                    );
                }
                self.upstream_auth(auth, &path);
            }
        }
        for (i, tool) in spec.tools.iter().enumerate() {
            let path = Path::root().key("tools").index(i);
            match &tool.http {
                None if tool.handler => self.warn(
                    path.key("handler"),
                    "`handler: true` only matters with an `http` binding",
                    "remove it: every tool without `http` has a handler method",
                ),
                None => {}
                Some(_) if spec.upstream.is_none() => self.error(
                    path.key("http"),
                    format!(
                        "the tool `{}` calls an HTTP API, but the spec has no `upstream`",
                        tool.name
                    ),
                    "add `upstream:` with the API's `base_url`",
                ),
                Some(binding) => self.binding(tool, binding, &schemes, &path.key("http")),
            }
            // A bound tool without a handler method has nobody to take a
            // context or to build content blocks: the call goes upstream.
            if let Some(http) = tool.http.as_ref().filter(|_| !tool.handler) {
                for (key, set, what) in [
                    ("context", tool.context, "takes a context"),
                    ("content", tool.content, "builds content blocks"),
                ] {
                    if set {
                        self.error(
                            path.key(key),
                            format!(
                                "the tool `{}` calls `{} {}` upstream, so no handler {what}",
                                tool.name, http.method, http.path
                            ),
                            format!(
                                "add `handler: true` to call the API from a handler method, or remove `{key}`"
                            ),
                        );
                    }
                }
            }
        }
    }

    fn env_name(&mut self, env: &str, path: Path) {
        if !is_env_name(env) {
            self.error(
                path,
                format!(
                    "`{}` is not an environment variable name",
                    env.escape_debug()
                ),
                "use letters, digits and `_`, e.g. `API_TOKEN`",
            );
        }
    }

    fn upstream_auth(&mut self, auth: &UpstreamAuthSpec, path: &Path) {
        self.env_name(&auth.env, path.key("env"));
        if let Some(env) = &auth.secret_env {
            self.env_name(env, path.key("secret_env"));
        }
        let needs = |key: &str| format!("`{}` credentials need `{key}`", auth.kind);
        match auth.kind.as_str() {
            "bearer" => {}
            "api_key" => {
                match auth.location.as_deref() {
                    Some("header" | "query" | "cookie") => {}
                    _ => self.error(
                        path.key("in"),
                        needs("in"),
                        "say where the key goes: `header`, `query` or `cookie`",
                    ),
                }
                if !auth.param.as_deref().is_some_and(is_token) {
                    self.error(
                        path.key("param"),
                        needs("param"),
                        "name the header, query parameter or cookie, e.g. `X-API-Key`",
                    );
                }
            }
            "basic" if auth.secret_env.is_none() => self.error(
                path.key("secret_env"),
                needs("secret_env"),
                "name the env var of the password; `env` holds the user name",
            ),
            "basic" => {}
            "oauth2_client_credentials" => {
                if auth.secret_env.is_none() {
                    self.error(
                        path.key("secret_env"),
                        needs("secret_env"),
                        "name the env var of the client secret; `env` holds the client id",
                    );
                }
                if !auth
                    .token_url
                    .as_deref()
                    .is_some_and(|url| url.starts_with("https://") || url.starts_with("http://"))
                {
                    self.error(
                        path.key("token_url"),
                        needs("token_url"),
                        "give the token endpoint's http(s) URL",
                    );
                }
            }
            other => self.error(
                path.key("type"),
                format!("unknown credentials type `{other}`"),
                match did_you_mean(other, AUTH_KINDS.iter().copied()) {
                    Some(kind) => format!("did you mean `{kind}`?"),
                    None => format!("use one of {}", AUTH_KINDS.join(", ")),
                },
            ),
        }
    }

    fn binding(
        &mut self,
        tool: &ToolSpec,
        binding: &HttpBindingSpec,
        schemes: &HashSet<&str>,
        path: &Path,
    ) {
        if !METHODS.contains(&binding.method.as_str()) {
            self.error(
                path.key("method"),
                format!("`{}` is not an HTTP method mcpgen calls", binding.method),
                format!("use one of {}", METHODS.join(", ")),
            );
        }
        let vars = match path_vars(&binding.path) {
            Ok(vars) if binding.path.starts_with('/') => vars,
            Ok(_) => {
                self.error(
                    path.key("path"),
                    "the path must start with `/`",
                    "write it as the API documents it, e.g. `/pets/{petId}`",
                );
                Vec::new()
            }
            Err(message) => {
                self.error(
                    path.key("path"),
                    format!("the path template has {message}"),
                    "write each path parameter as `{name}`",
                );
                Vec::new()
            }
        };
        if binding
            .path
            .contains(|c: char| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
        {
            self.error(
                path.key("path"),
                "the path holds a space, a control character, `?` or `#`",
                "write the query as parameters with `in: query`",
            );
        }
        for (name, place) in &binding.params {
            let at = path.key("params").key(name.as_str());
            let Some(param) = tool.params.iter().find(|p| &p.name == name) else {
                self.error(
                    at,
                    format!("the tool `{}` has no parameter `{name}`", tool.name),
                    match did_you_mean(name, tool.params.iter().map(|p| p.name.as_str())) {
                        Some(other) => format!("did you mean `{other}`?"),
                        None => "bind the tool's own parameters".to_owned(),
                    },
                );
                continue;
            };
            if !LOCATIONS.contains(&place.location.as_str()) {
                self.error(
                    at.key("in"),
                    format!("`{}` is not a place in a request", place.location),
                    format!("use one of {}", LOCATIONS.join(", ")),
                );
            }
            if let Some(style) = &place.style
                && !STYLES.contains(&style.as_str())
            {
                self.error(
                    at.key("style"),
                    format!("unknown style `{style}`"),
                    format!("use one of {}", STYLES.join(", ")),
                );
            }
            let wire = place.name.as_deref().unwrap_or(name);
            let header_like = matches!(place.location.as_str(), "header" | "cookie");
            if header_like && !is_token(wire) {
                self.error(
                    at.key("name"),
                    format!(
                        "`{}` cannot be a header or cookie name",
                        wire.escape_debug()
                    ),
                    "use letters, digits and `-`",
                );
            }
            if place.location == "path" {
                if !vars.contains(&wire) {
                    self.error(
                        at.key("in"),
                        format!("the path `{}` has no `{{{wire}}}`", binding.path),
                        "add it to the path, or send the parameter elsewhere",
                    );
                }
                if param.required == Some(false) || param.default.is_some() {
                    self.error(
                        at,
                        format!("the path parameter `{name}` is optional"),
                        "a path needs each of its parameters: make it required",
                    );
                }
            }
        }
        for var in &vars {
            let bound = binding.params.iter().any(|(name, place)| {
                place.location == "path" && place.name.as_deref().unwrap_or(name) == *var
            }) || (tool.params.iter().any(|p| p.name == *var)
                && !binding.params.contains_key(*var));
            if !bound {
                self.error(
                    path.key("path"),
                    format!("no parameter of the tool `{}` fills `{{{var}}}`", tool.name),
                    format!("add a parameter `{var}`, or bind one with `in: path`"),
                );
            }
        }
        let whole = binding
            .params
            .values()
            .filter(|p| p.location == "body_all")
            .count();
        let parts = binding
            .params
            .values()
            .filter(|p| p.location == "body")
            .count();
        if whole > 1 || (whole == 1 && parts > 0) {
            self.error(
                path.key("params"),
                "the body is either one `body_all` parameter or `body` properties",
                "keep one `body_all`, or make them all `body`",
            );
        }
        match binding.body.as_deref() {
            None | Some("json" | "form") => {}
            Some(other) => self.error(
                path.key("body"),
                format!("unknown body encoding `{other}`"),
                "use `json` or `form`",
            ),
        }
        for (j, name) in binding.auth.iter().enumerate() {
            if !schemes.contains(name.as_str()) {
                self.error(
                    path.key("auth").index(j),
                    format!("`{name}` is not a security scheme under `upstream.auth`"),
                    match did_you_mean(name, schemes.iter().copied()) {
                        Some(other) => format!("did you mean `{other}`?"),
                        None => "declare its credentials under `upstream.auth`".to_owned(),
                    },
                );
            }
        }
    }
}
