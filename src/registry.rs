//! `mcpgen registry`: the `server.json` that lists a server in the MCP
//! Registry, in the format of its published JSON Schema
//! (static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json,
//! from github.com/modelcontextprotocol/registry):
//! - a `cargo` package on crates.io, run over stdio, with each setting an
//!   `environmentVariables` entry (or a named argument when it has no env
//!   var), `isSecret` where the spec marks it secret;
//! - an `mcpb` package when a bundle's URL is given, with the bundle's
//!   SHA-256, which the registry requires of MCPB packages;
//! - a `remotes` entry when the server is also served at an HTTP URL.
//!
//! For a cargo package, the registry checks that the crate's README on
//! crates.io holds an `mcp-name: NAME` line naming the server.

use std::path::Path;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::{Failure, Loaded, model};

pub const SCHEMA_URL: &str =
    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/// The registry's limit on a description.
const MAX_DESCRIPTION: usize = 100;

/// What `mcpgen registry` was asked for.
pub struct Options<'a> {
    /// The registry name, e.g. `io.github.you/notes-server`.
    pub name: Option<&'a str>,
    pub mcpb_url: Option<&'a str>,
    pub mcpb_file: Option<&'a Path>,
    pub http_url: Option<&'a str>,
}

/// The registry name from a GitHub repository URL:
/// `io.github.OWNER/<server name>`, the namespace GitHub login proves.
pub fn default_name(loaded: &Loaded) -> Option<String> {
    let repository = loaded.spec.server.repository.as_deref()?;
    let rest = repository
        .strip_prefix("https://github.com/")
        .or_else(|| repository.strip_prefix("http://github.com/"))?;
    let owner = rest.split('/').next().filter(|o| !o.is_empty())?;
    Some(format!("io.github.{owner}/{}", loaded.model.crate_name))
}

fn valid_name(name: &str) -> bool {
    let ok = |part: &str, extra: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    };
    match name.split_once('/') {
        Some((namespace, server)) => {
            ok(namespace, ".-") && ok(server, "._-") && (3..=200).contains(&name.len())
        }
        None => false,
    }
}

/// The `server.json` document.
pub fn server_json(loaded: &Loaded, options: &Options) -> Result<Value, Failure> {
    let server = &loaded.spec.server;
    let name = match options.name {
        Some(name) => name.to_owned(),
        None => default_name(loaded).ok_or_else(|| {
            Failure::Io(
                "the MCP Registry needs a name such as `io.github.you/server`\n  = help: pass `--name NAME`, or set `server.repository` to the server's GitHub URL"
                    .to_owned(),
            )
        })?,
    };
    if !valid_name(&name) {
        return Err(Failure::Io(format!(
            "`{name}` is not a registry name: it is `NAMESPACE/NAME`, e.g. `io.github.you/{}`",
            loaded.model.crate_name
        )));
    }
    let description = server.description.as_deref().unwrap_or("").trim();
    if description.is_empty() || description.chars().count() > MAX_DESCRIPTION {
        return Err(Failure::Io(format!(
            "the MCP Registry takes a description of 1 to {MAX_DESCRIPTION} characters; `server.description` has {}\n  = help: write a one-line `description` under `server` in the spec",
            description.chars().count()
        )));
    }

    let mut env = Vec::new();
    let mut arguments = Vec::new();
    for (setting, modeled) in loaded.spec.settings.iter().zip(&loaded.model.settings) {
        let ty = modeled.ty.as_str();
        let format = match ty {
            "PathBuf" => "filepath",
            "i64" => "number",
            "bool" => "boolean",
            _ => "string",
        };
        let default = &modeled.default;
        let mut input = Map::new();
        if let Some(description) = &setting.description {
            input.insert("description".into(), json!(description));
        }
        input.insert("format".into(), json!(format));
        // Required when the server has no value of its own for it.
        // An upstream credential is needed only by the operations that
        // accept its scheme.
        let required = matches!(default, model::SettingDefault::None)
            && ty != "bool"
            && setting.upstream.is_none();
        input.insert("isRequired".into(), json!(required));
        if setting.secret {
            input.insert("isSecret".into(), json!(true));
        }
        if let (model::SettingDefault::Value(_), Some(raw)) = (&default, &setting.default) {
            let text = match raw {
                serde_yaml::Value::String(text) => Some(text.clone()),
                serde_yaml::Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            if let Some(text) = text {
                input.insert("default".into(), json!(text));
            }
        }
        match &setting.env {
            Some(var) => {
                input.insert("name".into(), json!(var));
                env.push(Value::Object(input));
            }
            // A boolean flag without env takes no value: nothing to ask for.
            None if ty == "bool" => {}
            None => {
                input.insert("type".into(), json!("named"));
                input.insert(
                    "name".into(),
                    json!(format!("--{}", setting.name.replace('_', "-"))),
                );
                arguments.push(Value::Object(input));
            }
        }
    }

    let mut cargo = Map::new();
    cargo.insert("registryType".into(), json!("cargo"));
    cargo.insert("registryBaseUrl".into(), json!("https://crates.io"));
    cargo.insert("identifier".into(), json!(loaded.model.crate_name));
    cargo.insert("version".into(), json!(server.version));
    cargo.insert("transport".into(), json!({ "type": "stdio" }));
    if !arguments.is_empty() {
        cargo.insert("packageArguments".into(), Value::Array(arguments.clone()));
    }
    if !env.is_empty() {
        cargo.insert("environmentVariables".into(), Value::Array(env.clone()));
    }
    let mut packages = vec![Value::Object(cargo)];

    if let Some(url) = options.mcpb_url {
        let file = options.mcpb_file.ok_or_else(|| {
            Failure::Io(
                "an MCPB package needs the bundle's SHA-256\n  = help: pass `--mcpb-file PATH` with the bundle that `--mcpb-url` serves".to_owned(),
            )
        })?;
        let bytes = std::fs::read(file)
            .map_err(|error| Failure::Io(format!("cannot read `{}`: {error}", file.display())))?;
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let mut mcpb = Map::new();
        mcpb.insert("registryType".into(), json!("mcpb"));
        mcpb.insert("identifier".into(), json!(url));
        mcpb.insert("version".into(), json!(server.version));
        mcpb.insert("fileSha256".into(), json!(hex));
        mcpb.insert("transport".into(), json!({ "type": "stdio" }));
        if !arguments.is_empty() {
            mcpb.insert("packageArguments".into(), Value::Array(arguments));
        }
        if !env.is_empty() {
            mcpb.insert("environmentVariables".into(), Value::Array(env));
        }
        packages.push(Value::Object(mcpb));
    }

    let mut document = Map::new();
    document.insert("$schema".into(), json!(SCHEMA_URL));
    document.insert("name".into(), json!(name));
    if let Some(title) = &server.title {
        document.insert("title".into(), json!(title));
    }
    document.insert("description".into(), json!(description));
    document.insert("version".into(), json!(server.version));
    if let Some(url) = &server.repository {
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default();
        let source = match host {
            "github.com" => "github",
            "gitlab.com" => "gitlab",
            other => other.split('.').next().unwrap_or(other),
        };
        document.insert("repository".into(), json!({ "url": url, "source": source }));
    }
    if let Some(url) = &server.homepage {
        document.insert("websiteUrl".into(), json!(url));
    }
    document.insert("packages".into(), Value::Array(packages));
    if let Some(url) = options.http_url {
        document.insert(
            "remotes".into(),
            json!([{ "type": "streamable-http", "url": url }]),
        );
    }
    Ok(Value::Object(document))
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn registry_names_have_one_namespace_and_one_name() {
        assert!(valid_name("io.github.you/notes-server"));
        assert!(!valid_name("notes-server"));
        assert!(!valid_name("io.github.you/a/b"));
        assert!(!valid_name("io github/x"));
    }
}
