//! `mcpgen import openapi`: an OpenAPI 3.0 or 3.1 document, JSON or YAML,
//! becomes an ordinary spec whose tools are bound to the API's operations.
//!
//! The spec is written for people: named types for the document's object
//! schemas, scalar parameters in the spec's own terms, and JSON Schema
//! (`type: json`) only where the spec's types cannot say it (`oneOf`,
//! free-form objects). The same document and options always give the same
//! bytes.

mod external;
mod glob;
mod schema;

use std::collections::HashSet;

use serde_json::{Map, Value};
use serde_yaml::{Mapping, Value as Yaml};

use crate::{
    diagnostic::{Diagnostic, Path},
    model::ident,
};

use schema::Mapper;

/// The most tools that every common client handles well; Cursor, for one,
/// uses only the first 40.
pub const MANY_TOOLS: usize = 40;

/// The longest tool name the importer writes.
pub const MAX_NAME: usize = 64;

/// Which operations to import, and how.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Keep only operations with one of these tags (all when empty).
    pub tags: Vec<String>,
    pub exclude_tags: Vec<String>,
    /// Keep only operations whose path matches one of these globs (`*`
    /// within a segment, `**` across segments).
    pub paths: Vec<String>,
    pub exclude_paths: Vec<String>,
    /// Keep only these methods (case-insensitive).
    pub methods: Vec<String>,
    /// Keep only these operationIds.
    pub operations: Vec<String>,
    pub exclude_operations: Vec<String>,
    /// `operationId=tool_name` renames.
    pub renames: Vec<(String, String)>,
    /// The server's name [default: from the document's title].
    pub name: Option<String>,
    /// The API's base URL [default: the document's first server].
    pub base_url: Option<String>,
    /// With `--allow-external-refs`: the directory that the document's
    /// external `$ref`s are relative to. Without it, they are refused.
    pub external_refs: Option<std::path::PathBuf>,
}

/// The spec, as YAML text, and what the import has to say about it.
pub struct Imported {
    pub yaml: String,
    pub tools: usize,
    pub diagnostics: Vec<Diagnostic>,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Headers that OpenAPI says a parameter cannot describe.
const IGNORED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

/// Imports `source`, the text of an OpenAPI document, read from `file`.
pub fn import(source: &str, file: &str, options: &Options) -> Result<Imported, Vec<Diagnostic>> {
    // Read as YAML, whose mappings keep their order, so that properties
    // keep the document's order (serde_json's maps here are sorted).
    let document = serde_yaml::from_str::<Yaml>(source)
        .and_then(|yaml| to_json(yaml).map_err(<serde_yaml::Error as serde::de::Error>::custom));
    let document: Value = match document {
        Ok(document) => document,
        Err(error) => {
            let mut diagnostic = Diagnostic::error(
                Path::root(),
                format!("`{file}` is not a JSON or YAML document: {error}"),
            );
            if let Some(location) = error.location() {
                diagnostic = diagnostic.with_span(crate::source_map::Span {
                    line: location.line(),
                    column: location.column(),
                    len: 1,
                });
            }
            return Err(vec![diagnostic]);
        }
    };
    let mut document = document;
    if let Some(dir) = &options.external_refs
        && let Err(message) = external::bundle(&mut document, dir)
    {
        return Err(vec![Diagnostic::error(Path::root(), message).with_help(
            "give a path relative to the document, e.g. `schemas.yaml#/Pet`",
        )]);
    }
    let mut importer = Importer {
        document: &document,
        diagnostics: Vec::new(),
        options,
    };
    let result = importer.run();
    let mut diagnostics = importer.diagnostics;
    match result {
        Some((yaml, tools)) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(Imported {
            yaml,
            tools,
            diagnostics,
        }),
        _ => {
            if !diagnostics.iter().any(Diagnostic::is_error) {
                diagnostics.push(Diagnostic::error(Path::root(), "the import failed"));
            }
            Err(diagnostics)
        }
    }
}

struct Importer<'a> {
    document: &'a Value,
    diagnostics: Vec<Diagnostic>,
    options: &'a Options,
}

/// One operation, as found.
struct Operation<'a> {
    path: &'a str,
    method: &'static str,
    op: &'a Map<String, Value>,
    /// The path item's own parameters.
    shared: Option<&'a Value>,
    at: Path,
}

fn text(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn yaml_str(text: &str) -> Yaml {
    Yaml::String(text.to_owned())
}

/// A mapping from `(key, value)` pairs, in order, leaving out `Null`s.
fn mapping(pairs: Vec<(&str, Yaml)>) -> Yaml {
    let mut map = Mapping::new();
    for (key, value) in pairs {
        if !value.is_null() {
            map.insert(yaml_str(key), value);
        }
    }
    Yaml::Mapping(map)
}

/// The key, next to `properties`, that keeps the order of their names.
pub const PROPERTY_ORDER: &str = "x-mcpgen-property-order";

/// A YAML value as JSON: keys become text, and an object with `properties`
/// gets their names, in order, under [`PROPERTY_ORDER`].
fn to_json(yaml: Yaml) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Yaml::String(text) => Value::String(text),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(map) => {
            let mut object = Map::new();
            let mut order = None;
            for (key, value) in map {
                let key = match key {
                    Yaml::String(text) => text,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    _ => return Err("a mapping key is not text".to_owned()),
                };
                if key == "properties"
                    && let Yaml::Mapping(properties) = &value
                {
                    order = Some(Value::Array(
                        properties
                            .keys()
                            .filter_map(|k| k.as_str().map(|k| Value::String(k.to_owned())))
                            .collect(),
                    ));
                }
                object.insert(key, to_json(value)?);
            }
            if let Some(order) = order {
                object.insert(PROPERTY_ORDER.to_owned(), order);
            }
            Value::Object(object)
        }
        Yaml::Tagged(tagged) => to_json(tagged.value)?,
    })
}

/// An object schema's properties, in the document's order.
pub fn ordered_properties(object: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut listed: Vec<(&String, &Value)> = object
        .get(PROPERTY_ORDER)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|name| properties.get_key_value(name.as_str()?))
        .collect();
    // Any the list misses (there are none in a document read here) follow.
    for (name, schema) in properties {
        if name != PROPERTY_ORDER && !listed.iter().any(|(listed, _)| *listed == name) {
            listed.push((name, schema));
        }
    }
    listed
}

/// A JSON value as YAML.
pub fn to_yaml(value: &Value) -> Yaml {
    serde_yaml::to_value(value).unwrap_or(Yaml::Null)
}

/// A description: the summary, then the description, cut to what clients
/// show.
fn describe(summary: Option<&str>, description: Option<&str>) -> Option<String> {
    let mut text = match (summary, description) {
        (Some(s), Some(d)) if d.trim() != s.trim() => format!("{}\n\n{}", s.trim(), d.trim()),
        (Some(s), _) => s.trim().to_owned(),
        (None, Some(d)) => d.trim().to_owned(),
        (None, None) => return None,
    };
    const MAX: usize = 1000;
    if text.chars().count() > MAX {
        text = text
            .chars()
            .take(MAX - 1)
            .collect::<String>()
            .trim_end()
            .to_owned()
            + "…";
    }
    Some(text)
}

/// A tool name from an operationId or method and path: MCP's characters
/// only, and at most [`MAX_NAME`] characters, a long one ending in a hash
/// of the whole so that two long names stay apart.
pub fn tool_name(operation_id: Option<&str>, method: &str, path: &str) -> String {
    let raw = match operation_id {
        Some(id) => id.to_owned(),
        None => format!("{method}_{path}"),
    };
    let mut name = String::new();
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
            c
        } else {
            '_'
        };
        if !(c == '_' && (name.is_empty() || name.ends_with('_'))) {
            name.push(c);
        }
    }
    let name = name.trim_end_matches('_').to_owned();
    let name = if name.is_empty() {
        "operation".to_owned()
    } else {
        name
    };
    if name.len() <= MAX_NAME {
        return name;
    }
    let hash = short_hash(&raw);
    format!(
        "{}_{hash}",
        name[..MAX_NAME - hash.len() - 1].trim_end_matches('_')
    )
}

/// Eight hex digits of a stable hash (FNV-1a).
fn short_hash(text: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// A crate name from the document's title.
fn crate_name(title: &str) -> String {
    let words: Vec<String> = ident::snake(title)
        .trim_start_matches("r#")
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut name = words.join("-");
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "api-");
    }
    name.truncate(48);
    let name = name.trim_end_matches('-');
    if name.ends_with("mcp") || name.ends_with("server") {
        name.to_owned()
    } else {
        format!("{name}-mcp")
    }
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-+.".contains(c))
}

impl<'a> Importer<'a> {
    fn error(&mut self, at: Path, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(at, message).with_help(help));
    }

    fn warn(&mut self, at: Path, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(at, message).with_help(help));
    }

    fn run(&mut self) -> Option<(String, usize)> {
        let document = self.document;
        let Some(root) = document.as_object() else {
            self.error(
                Path::root(),
                "an OpenAPI document is a mapping",
                "give an OpenAPI 3.0 or 3.1 document, with `openapi`, `info` and `paths`",
            );
            return None;
        };
        match root.get("openapi").and_then(Value::as_str) {
            Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => {}
            Some(v) => {
                self.error(
                    Path::root().key("openapi"),
                    format!("OpenAPI {v} is not supported"),
                    "mcpgen imports OpenAPI 3.0 and 3.1",
                );
                return None;
            }
            None if root.contains_key("swagger") => {
                self.error(
                    Path::root().key("swagger"),
                    "Swagger 2.0 is not supported",
                    "convert the document to OpenAPI 3 first, e.g. with swagger2openapi",
                );
                return None;
            }
            None => {
                self.error(
                    Path::root(),
                    "the document has no `openapi` version",
                    "give an OpenAPI 3.0 or 3.1 document",
                );
                return None;
            }
        }
        let info = root.get("info").and_then(Value::as_object);
        let title = info.and_then(|i| text(i.get("title"))).unwrap_or("api");
        let name = self
            .options
            .name
            .clone()
            .unwrap_or_else(|| crate_name(title));
        let version = info
            .and_then(|i| i.get("version"))
            .and_then(Value::as_str)
            .filter(|v| is_semver(v))
            .unwrap_or("0.1.0");
        let description = describe(
            info.and_then(|i| text(i.get("title"))),
            info.and_then(|i| text(i.get("description"))),
        );
        let base_url = self.base_url(root);
        let prefix = ident::screaming(&name);
        let (auth, schemes) = self.auth(root, &prefix);

        let mut mapper = Mapper::new(document);
        let mut tools = Vec::new();
        let mut names: HashSet<String> = HashSet::new();
        let operations = self.operations(root);
        for operation in &operations {
            if let Some(tool) = self.tool(operation, &mut mapper, &mut names, &schemes, root) {
                tools.push(tool);
            }
        }
        self.diagnostics.append(&mut mapper.diagnostics);
        if mapper.failed {
            return None;
        }
        if tools.len() > MANY_TOOLS {
            self.warn(
                Path::root().key("paths"),
                format!(
                    "the spec has {} tools; many clients handle {MANY_TOOLS} or fewer well, and some use only the first {MANY_TOOLS}",
                    tools.len()
                ),
                "pick the operations the agent needs with --tag, --path, --method or --operation",
            );
        }
        if tools.is_empty() {
            self.warn(
                Path::root().key("paths"),
                "no operation was imported",
                "check the filters, or the document's `paths`",
            );
        }

        let mut upstream = vec![("base_url", yaml_str(&base_url))];
        upstream.push(("base_url_env", yaml_str(&format!("{prefix}_BASE_URL"))));
        if !auth.is_empty() {
            upstream.push(("auth", Yaml::Sequence(auth)));
        }
        let tool_count = tools.len();
        let types = mapper.types();
        let spec = mapping(vec![
            ("mcpgen", Yaml::Number(1.into())),
            (
                "server",
                mapping(vec![
                    ("name", yaml_str(&name)),
                    ("version", yaml_str(version)),
                    (
                        "description",
                        description.map_or(Yaml::Null, |d| yaml_str(&d)),
                    ),
                ]),
            ),
            ("upstream", mapping(upstream)),
            (
                "types",
                if types.is_empty() {
                    Yaml::Null
                } else {
                    Yaml::Sequence(types)
                },
            ),
            (
                "tools",
                if tools.is_empty() {
                    Yaml::Null
                } else {
                    Yaml::Sequence(tools)
                },
            ),
        ]);
        let body = serde_yaml::to_string(&spec).ok()?;
        let yaml = format!(
            "# yaml-language-server: $schema=mcpgen.schema.json\n# Imported by `mcpgen import openapi` from the OpenAPI document \"{}\".\n# Edit it freely; importing again writes it afresh.\n{body}",
            title.replace(['\n', '\r'], " ").escape_debug()
        );
        Some((yaml, tool_count))
    }

    fn base_url(&mut self, root: &Map<String, Value>) -> String {
        if let Some(url) = &self.options.base_url {
            return url.clone();
        }
        let server = root
            .get("servers")
            .and_then(Value::as_array)
            .and_then(|s| s.first())
            .and_then(Value::as_object);
        let Some(server) = server else {
            self.warn(
                Path::root().key("servers"),
                "the document names no server; the base URL is http://127.0.0.1",
                "pass --base-url, or set the base URL's env var when running the server",
            );
            return "http://127.0.0.1".to_owned();
        };
        let mut url = server
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Some(vars) = server.get("variables").and_then(Value::as_object) {
            for (name, var) in vars {
                if let Some(default) = var.get("default").and_then(Value::as_str) {
                    url = url.replace(&format!("{{{name}}}"), default);
                }
            }
        }
        let url = url.trim_end_matches('/').to_owned();
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.contains(|c: char| c.is_whitespace() || c.is_control() || c == '{')
        {
            let path = if url.starts_with('/')
                && !url.contains(|c: char| c.is_whitespace() || c.is_control() || c == '{')
            {
                url.clone()
            } else {
                String::new()
            };
            self.warn(
                Path::root().key("servers").index(0).key("url"),
                format!(
                    "the server URL `{}` is not absolute; the base URL is http://127.0.0.1{path}",
                    url.escape_debug()
                ),
                "pass --base-url, or set the base URL's env var when running the server",
            );
            return format!("http://127.0.0.1{path}");
        }
        url
    }

    /// The credentials of each security scheme mcpgen can send, and the
    /// names of those schemes.
    fn auth(&mut self, root: &Map<String, Value>, prefix: &str) -> (Vec<Yaml>, HashSet<String>) {
        let mut auth = Vec::new();
        let mut names = HashSet::new();
        let Some(schemes) = root
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
            .and_then(Value::as_object)
        else {
            return (auth, names);
        };
        for (name, scheme) in schemes {
            let at = Path::root()
                .key("components")
                .key("securitySchemes")
                .key(name.as_str());
            let scheme = match schema::resolve(self.document, scheme) {
                Ok(scheme) => scheme,
                Err(message) => {
                    self.error(
                        at,
                        message,
                        "point the `$ref` at a security scheme of this document",
                    );
                    continue;
                }
            };
            let env = format!("{prefix}_{}", ident::screaming(name));
            let env = env.trim_end_matches('_').to_owned();
            let kind = scheme
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let http_scheme = scheme
                .get("scheme")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let entry = match (kind, http_scheme.as_str()) {
                ("http", "bearer") => mapping(vec![
                    ("name", yaml_str(name)),
                    ("type", yaml_str("bearer")),
                    ("env", yaml_str(&format!("{env}_TOKEN"))),
                ]),
                ("http", "basic") => mapping(vec![
                    ("name", yaml_str(name)),
                    ("type", yaml_str("basic")),
                    ("env", yaml_str(&format!("{env}_USER"))),
                    ("secret_env", yaml_str(&format!("{env}_PASSWORD"))),
                ]),
                ("apiKey", _) => {
                    let location = scheme.get("in").and_then(Value::as_str).unwrap_or_default();
                    let param = scheme
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if !matches!(location, "header" | "query" | "cookie")
                        || !crate::validate::upstream::is_token(param)
                    {
                        self.warn(
                            at,
                            format!("the API key scheme `{name}` has no usable `in` and `name`"),
                            "its operations are imported without credentials",
                        );
                        continue;
                    }
                    mapping(vec![
                        ("name", yaml_str(name)),
                        ("type", yaml_str("api_key")),
                        ("in", yaml_str(location)),
                        ("param", yaml_str(param)),
                        ("env", yaml_str(&format!("{env}_KEY"))),
                    ])
                }
                ("oauth2", _) => {
                    let flow = scheme.get("flows").and_then(|f| f.get("clientCredentials"));
                    let token_url = flow
                        .and_then(|f| f.get("tokenUrl"))
                        .and_then(Value::as_str)
                        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
                    let Some(token_url) = token_url else {
                        self.warn(at, format!("the OAuth2 scheme `{name}` has no client credentials flow with an absolute token URL"), "mcpgen sends OAuth2 client credentials only; its operations are imported without credentials");
                        continue;
                    };
                    let scopes: Vec<Yaml> = flow
                        .and_then(|f| f.get("scopes"))
                        .and_then(Value::as_object)
                        .map(|s| s.keys().map(|k| yaml_str(k)).collect())
                        .unwrap_or_default();
                    mapping(vec![
                        ("name", yaml_str(name)),
                        ("type", yaml_str("oauth2_client_credentials")),
                        ("env", yaml_str(&format!("{env}_CLIENT_ID"))),
                        ("secret_env", yaml_str(&format!("{env}_CLIENT_SECRET"))),
                        ("token_url", yaml_str(token_url)),
                        (
                            "scopes",
                            if scopes.is_empty() {
                                Yaml::Null
                            } else {
                                Yaml::Sequence(scopes)
                            },
                        ),
                    ])
                }
                _ => {
                    self.warn(
                        at,
                        format!("the security scheme `{name}` ({kind}) is not one mcpgen sends"),
                        "mcpgen sends bearer tokens, API keys, basic auth and OAuth2 client credentials; its operations are imported without credentials",
                    );
                    continue;
                }
            };
            names.insert(name.clone());
            auth.push(entry);
        }
        (auth, names)
    }

    fn operations(&mut self, root: &'a Map<String, Value>) -> Vec<Operation<'a>> {
        let mut found = Vec::new();
        let Some(paths) = root.get("paths").and_then(Value::as_object) else {
            if root.get("paths").is_some() {
                self.error(
                    Path::root().key("paths"),
                    "`paths` must be a mapping",
                    "map each path to its operations",
                );
            }
            return found;
        };
        let o = self.options;
        for (path, item) in paths {
            let at = Path::root().key("paths").key(path.as_str());
            let item = match schema::resolve(self.document, item) {
                Ok(item) => item,
                Err(message) => {
                    self.error(
                        at,
                        message,
                        "point the `$ref` at a path item of this document",
                    );
                    continue;
                }
            };
            if !o.paths.is_empty() && !o.paths.iter().any(|g| glob::matches(g, path)) {
                continue;
            }
            if o.exclude_paths.iter().any(|g| glob::matches(g, path)) {
                continue;
            }
            for &method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let Some(op) = op.as_object() else {
                    self.error(
                        at.key(method),
                        "an operation must be a mapping",
                        "give its `responses` and parameters",
                    );
                    continue;
                };
                if !o.methods.is_empty()
                    && !o.methods.iter().any(|m| m.eq_ignore_ascii_case(method))
                {
                    continue;
                }
                let tags: Vec<&str> = op
                    .get("tags")
                    .and_then(Value::as_array)
                    .map(|t| t.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if !o.tags.is_empty() && !tags.iter().any(|t| o.tags.iter().any(|w| w == t)) {
                    continue;
                }
                if tags.iter().any(|t| o.exclude_tags.iter().any(|w| w == t)) {
                    continue;
                }
                let id = op.get("operationId").and_then(Value::as_str);
                if !o.operations.is_empty()
                    && !id.is_some_and(|id| o.operations.iter().any(|w| w == id))
                {
                    continue;
                }
                if id.is_some_and(|id| o.exclude_operations.iter().any(|w| w == id)) {
                    continue;
                }
                found.push(Operation {
                    path,
                    method,
                    op,
                    shared: item.get("parameters"),
                    at: at.key(method),
                });
            }
        }
        found
    }

    fn tool(
        &mut self,
        operation: &Operation,
        mapper: &mut Mapper,
        names: &mut HashSet<String>,
        schemes: &HashSet<String>,
        root: &Map<String, Value>,
    ) -> Option<Yaml> {
        let op = operation.op;
        let at = &operation.at;
        let id = op.get("operationId").and_then(Value::as_str);
        let renamed = id.and_then(|id| {
            self.options
                .renames
                .iter()
                .find(|(from, _)| from == id)
                .map(|(_, to)| to.clone())
        });
        let base = renamed.unwrap_or_else(|| tool_name(id, operation.method, operation.path));
        let mut name = base.clone();
        let mut n = 1;
        while !names.insert(name.clone()) {
            n += 1;
            let suffix = format!("_{n}");
            let keep = base.len().min(MAX_NAME - suffix.len());
            let mut cut = keep;
            while !base.is_char_boundary(cut) {
                cut -= 1;
            }
            name = format!("{}{suffix}", &base[..cut]);
        }
        let owner = ident::pascal(&name);

        // Parameters: the path item's, overridden by the operation's.
        let mut declared: Vec<(Value, Path)> = Vec::new();
        for (list, list_at) in [
            (operation.shared, at.clone()),
            (op.get("parameters"), at.key("parameters")),
        ] {
            let Some(list) = list else { continue };
            let Some(list) = list.as_array() else {
                self.error(
                    list_at,
                    "`parameters` must be a list",
                    "list the operation's parameters",
                );
                return None;
            };
            for (i, param) in list.iter().enumerate() {
                let param_at = list_at.index(i);
                let param = match schema::resolve(self.document, param) {
                    Ok(param) => param.clone(),
                    Err(message) => {
                        self.error(
                            param_at,
                            message,
                            "point the `$ref` at a parameter of this document",
                        );
                        return None;
                    }
                };
                let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
                declared.retain(|(p, _)| key(p) != key(&param));
                declared.push((param, param_at));
            }
        }
        let mut params = Vec::new();
        let mut places = Mapping::new();
        let mut taken: HashSet<String> = HashSet::new();
        let mut take = |wire: &str, location: &str| -> String {
            let base = ident::snake(wire).trim_start_matches("r#").to_owned();
            let base = if base == "unnamed" {
                "param".to_owned()
            } else {
                base
            };
            let mut name = base.clone();
            if taken.contains(&name) {
                name = format!("{base}_{location}");
            }
            let mut n = 1;
            while taken.contains(&name) {
                n += 1;
                name = format!("{base}_{location}_{n}");
            }
            taken.insert(name.clone());
            name
        };
        for location in ["path", "query", "header", "cookie"] {
            for (param, param_at) in &declared {
                if param.get("in").and_then(Value::as_str) != Some(location) {
                    continue;
                }
                let Some(wire) = param.get("name").and_then(Value::as_str) else {
                    self.error(param_at.clone(), "a parameter has no `name`", "name it");
                    return None;
                };
                if location == "header"
                    && IGNORED_HEADERS.contains(&wire.to_ascii_lowercase().as_str())
                {
                    continue;
                }
                if matches!(location, "header" | "cookie")
                    && !crate::validate::upstream::is_token(wire)
                {
                    self.warn(
                        param_at.clone(),
                        format!(
                            "the {location} `{}` has a name HTTP cannot carry",
                            wire.escape_debug()
                        ),
                        "the operation is skipped",
                    );
                    return None;
                }
                let required = location == "path"
                    || param.get("required").and_then(Value::as_bool) == Some(true);
                let description = text(param.get("description"));
                let schema = param
                    .get("schema")
                    .cloned()
                    .or_else(|| {
                        // `content` instead of `schema`: its one media type's.
                        param
                            .get("content")
                            .and_then(Value::as_object)
                            .and_then(|c| c.values().next())
                            .and_then(|m| m.get("schema"))
                            .cloned()
                    })
                    .unwrap_or(Value::Bool(true));
                let hint = ident::pascal_join(&[&owner, wire]);
                let mapped = mapper.map(&schema, &hint, &param_at.key("schema"))?;
                let name = take(wire, location);
                let mut place = vec![("in", yaml_str(location))];
                if name != wire {
                    place.push(("name", yaml_str(wire)));
                }
                if let Some(style) = param.get("style").and_then(Value::as_str) {
                    let default = if matches!(location, "query" | "cookie") {
                        "form"
                    } else {
                        "simple"
                    };
                    if style != default {
                        place.push(("style", yaml_str(style)));
                    }
                }
                if let Some(explode) = param.get("explode").and_then(Value::as_bool) {
                    let style = param.get("style").and_then(Value::as_str).unwrap_or(
                        if matches!(location, "query" | "cookie") {
                            "form"
                        } else {
                            "simple"
                        },
                    );
                    if explode != (style == "form") {
                        place.push(("explode", Yaml::Bool(explode)));
                    }
                }
                let implicit = place.len() == 1
                    && ((location == "query" && !operation.path.contains(&format!("{{{name}}}")))
                        || (location == "path" && name == wire));
                if !implicit {
                    places.insert(yaml_str(&name), mapping(place));
                }
                params.push(mapped.param(
                    &name,
                    description,
                    required && location != "cookie" || location == "path",
                ));
            }
        }

        // The request body.
        let mut body_form = false;
        if let Some(body) = op.get("requestBody") {
            let body_at = at.key("requestBody");
            let body = match schema::resolve(self.document, body) {
                Ok(body) => body,
                Err(message) => {
                    self.error(
                        body_at,
                        message,
                        "point the `$ref` at a request body of this document",
                    );
                    return None;
                }
            };
            let required = body.get("required").and_then(Value::as_bool) == Some(true);
            let content = body.get("content").and_then(Value::as_object);
            let json = content.and_then(|c| {
                c.iter().find(|(mime, _)| is_json(mime)).or_else(|| {
                    c.iter()
                        .find(|(mime, _)| mime.starts_with("application/x-www-form-urlencoded"))
                })
            });
            let Some((mime, media)) = json else {
                let kinds: Vec<&str> = content
                    .map(|c| c.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                self.warn(
                    body_at,
                    format!("the operation `{name}` takes a body mcpgen cannot send ({}); it is skipped", kinds.join(", ")),
                    "mcpgen sends JSON and form bodies; exclude the operation, or give it a JSON body",
                );
                return None;
            };
            body_form = !is_json(mime);
            let schema = media.get("schema").cloned().unwrap_or(Value::Bool(true));
            let description = text(body.get("description"));
            let hint = ident::pascal_join(&[&owner, "Body"]);
            let flat = mapper.properties(&schema, &body_at.key("content"));
            match flat {
                Some((properties, required_names)) if !properties.is_empty() => {
                    for (property, property_schema) in properties {
                        let hint = ident::pascal_join(&[&owner, &property]);
                        let mapped = mapper.map(
                            &property_schema,
                            &hint,
                            &body_at
                                .key("content")
                                .key(mime.as_str())
                                .key("schema")
                                .key("properties")
                                .key(property.as_str()),
                        )?;
                        let name = take(&property, "body");
                        let mut place = vec![("in", yaml_str("body"))];
                        if name != property {
                            place.push(("name", yaml_str(&property)));
                        }
                        places.insert(yaml_str(&name), mapping(place));
                        let property_required = required && required_names.contains(&property);
                        let property_description =
                            text(property_schema.get("description")).map(str::to_owned);
                        params.push(mapped.param(
                            &name,
                            property_description.as_deref(),
                            property_required,
                        ));
                    }
                }
                _ => {
                    let mapped = mapper.map(
                        &schema,
                        &hint,
                        &body_at.key("content").key(mime.as_str()).key("schema"),
                    )?;
                    let name = take("body", "body");
                    places.insert(yaml_str(&name), mapping(vec![("in", yaml_str("body_all"))]));
                    params.push(mapped.param(
                        &name,
                        description.or(Some("The request body.")),
                        required,
                    ));
                }
            }
        }

        // The result: the first success's JSON object, as structured output.
        let output = op
            .get("responses")
            .and_then(Value::as_object)
            .and_then(|responses| {
                let mut codes: Vec<&String> =
                    responses.keys().filter(|c| c.starts_with('2')).collect();
                codes.sort();
                codes.first().and_then(|c| responses.get(*c))
            })
            .and_then(|response| schema::resolve(self.document, response).ok())
            .and_then(|response| response.get("content"))
            .and_then(Value::as_object)
            .and_then(|content| content.iter().find(|(mime, _)| is_json(mime)))
            .and_then(|(_, media)| media.get("schema"))
            .and_then(|schema| mapper.output(schema, &ident::pascal_join(&[&owner, "Result"])));

        // Security: the operation's, else the document's.
        let security = op.get("security").or_else(|| root.get("security"));
        let mut auth: Vec<Yaml> = Vec::new();
        for requirement in security.and_then(Value::as_array).into_iter().flatten() {
            for scheme in requirement.as_object().into_iter().flat_map(|r| r.keys()) {
                if schemes.contains(scheme) && !auth.contains(&yaml_str(scheme)) {
                    auth.push(yaml_str(scheme));
                }
            }
        }

        let method = operation.method.to_ascii_uppercase();
        let annotations = match operation.method {
            "get" | "head" | "options" => mapping(vec![("read_only", Yaml::Bool(true))]),
            "delete" => mapping(vec![
                ("destructive", Yaml::Bool(true)),
                ("idempotent", Yaml::Bool(true)),
            ]),
            "put" => mapping(vec![("idempotent", Yaml::Bool(true))]),
            _ => Yaml::Null,
        };
        let mut http = vec![
            ("method", yaml_str(&method)),
            ("path", yaml_str(operation.path)),
        ];
        if !places.is_empty() {
            http.push(("params", Yaml::Mapping(places)));
        }
        if body_form {
            http.push(("body", yaml_str("form")));
        }
        if !auth.is_empty() {
            http.push(("auth", Yaml::Sequence(auth)));
        }
        let description = describe(text(op.get("summary")), text(op.get("description")))
            .unwrap_or_else(|| format!("{method} {}", operation.path));
        Some(mapping(vec![
            ("name", yaml_str(&name)),
            ("description", yaml_str(&description)),
            ("annotations", annotations),
            ("output", output.map_or(Yaml::Null, |o| yaml_str(&o))),
            (
                "params",
                if params.is_empty() {
                    Yaml::Null
                } else {
                    Yaml::Sequence(params)
                },
            ),
            ("http", mapping(http)),
        ]))
    }
}

fn is_json(mime: &str) -> bool {
    let mime = mime.split(';').next().unwrap_or_default().trim();
    mime == "application/json" || mime.ends_with("+json") || mime == "*/*"
}

#[cfg(test)]
mod tests;

/// `mcpgen import openapi`: reads `file`, writes the spec to `out` (or
/// stdout), and reports what the import found, as `mcpgen check` does.
pub fn run(
    file: &std::path::Path,
    out: Option<&std::path::Path>,
    options: &Options,
    report: crate::Report,
) -> Result<(), crate::Failure> {
    use std::io::IsTerminal;

    let bytes = std::fs::read(file).map_err(|error| {
        crate::Failure::Io(format!("cannot read `{}`: {error}", file.display()))
    })?;
    let source = String::from_utf8_lossy(&bytes).into_owned();
    let shown = file.display().to_string();
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let print = |diagnostics: &[Diagnostic]| {
        let map = crate::source_map::SourceMap::new(&source);
        for diagnostic in diagnostics {
            match report.format {
                crate::MessageFormat::Human => {
                    eprintln!("{}", diagnostic.render(&shown, &source, &map, color))
                }
                crate::MessageFormat::Json => eprintln!("{}", diagnostic.to_json(&shown, &map)),
            }
        }
    };
    let imported = match import(&source, &shown, options) {
        Ok(imported) => imported,
        Err(diagnostics) => {
            print(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "error: could not import `{shown}`: {}",
                crate::diagnostic::summary(errors, diagnostics.len() - errors)
            );
            return Err(crate::Failure::InvalidSpec);
        }
    };
    print(&imported.diagnostics);
    if report.deny_warnings && !imported.diagnostics.is_empty() {
        return Err(crate::Failure::InvalidSpec);
    }
    match out {
        Some(out) => {
            std::fs::write(out, &imported.yaml).map_err(|error| {
                crate::Failure::Io(format!("cannot write `{}`: {error}", out.display()))
            })?;
            let schema = out
                .parent()
                .unwrap_or(std::path::Path::new("."))
                .join("mcpgen.schema.json");
            if !schema.exists() {
                let _ = std::fs::write(&schema, crate::schema::json());
            }
            eprintln!(
                "Wrote {} with {} tool{}; next: mcpgen new {}",
                out.display(),
                imported.tools,
                if imported.tools == 1 { "" } else { "s" },
                out.display()
            );
        }
        None => print!("{}", imported.yaml),
    }
    Ok(())
}
