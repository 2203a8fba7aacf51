//! Stage 2: check the rules a well-typed spec must also follow, reporting
//! every violation at once, each with its path and a way to fix it.

mod auth;
mod elicit;
mod input_schema;
mod reserved;
mod text;
pub mod upstream;

use std::collections::HashMap;

use reserved::{RESERVED_FLAGS, RESERVED_TYPES};

use crate::{
    diagnostic::{Diagnostic, Path, did_you_mean},
    model::{
        self, ParamType, SettingDefault, completion_method, ident,
        rust::string_literal,
        types::{self, BUILTIN_TYPES, Names},
        uri_template,
    },
    spec::{ParamSpec, PromptSpec, SettingSpec, Spec},
    valid::{self, Valid},
};

/// The longest tool name the MCP spec allows.
const MAX_TOOL_NAME: usize = 128;

/// The longest tool name, with the `mcp__<server>__` prefix some clients
/// add, that every common client accepts.
const MAX_PREFIXED_TOOL_NAME: usize = 64;

/// Clients reported to fail on a `$ref` in a tool's schema.
const SCHEMA_REF_CLIENTS: &str = "Claude Desktop, VS Code Copilot and Cursor";

/// Descriptions longer than this are truncated by some clients.
const MAX_DESCRIPTION: usize = 1024;

/// Crates that generated Cargo.toml files may list themselves; a spec's
/// `dependencies` cannot name them again.
const GENERATED_DEPENDENCIES: &[&str] = &[
    "base64",
    "clap",
    "dirs",
    "http",
    "http-body-util",
    "hyper",
    "hyper-util",
    "regex",
    "reqwest",
    "rmcp",
    "schemars",
    "serde",
    "serde_json",
    "subtle",
    "tempfile",
    "tokio",
    "tracing",
    "tracing-subscriber",
];

/// What validation found: errors and warnings, and the validated spec,
/// which exists only when there are no errors.
pub struct Validated {
    pub valid: Option<Valid>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `spec`, and resolves what it refers to.
pub fn validate(spec: &Spec) -> Validated {
    let mut v = Validator::default();
    v.server(spec);
    v.sharing(spec);
    v.dependencies(spec);
    let settings = v.settings(spec);
    v.enums(spec);
    let types = v.types(spec);
    let tools = v.tools(spec);
    v.resources(spec);
    let templates = v.templates(spec);
    let prompts = v.prompts(spec);
    v.auth(spec);
    v.type_names(spec);
    v.handler_methods(spec);
    v.upstream(spec);
    v.context_params(spec);
    v.tool_content(spec);
    v.client_requests(spec);
    v.declared_schemas(spec);
    v.lints(spec);
    let has_errors = v.diagnostics.iter().any(Diagnostic::is_error);
    let valid = (|| {
        Some(Valid {
            spec: spec.clone(),
            settings: settings.into_iter().collect::<Option<_>>()?,
            enums: spec.enums.clone(),
            types: types.into_iter().collect::<Option<_>>()?,
            tools: tools.into_iter().collect::<Option<_>>()?,
            templates: templates.into_iter().collect::<Option<_>>()?,
            prompts: prompts.into_iter().collect::<Option<_>>()?,
        })
    })()
    .filter(|_| !has_errors);
    if valid.is_none() && !has_errors {
        v.diagnostics.push(Diagnostic::error(
            Path::root(),
            "internal error: mcpgen could not resolve a spec it found no error in",
        ));
    }
    Validated {
        valid,
        diagnostics: v.diagnostics,
    }
}

#[derive(Default)]
struct Validator {
    diagnostics: Vec<Diagnostic>,
}

/// Where a list of typed values sits, which decides what it may declare.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    ToolParams,
    TypeFields,
    TemplateVars,
}

impl Validator {
    fn error(&mut self, path: Path, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(path, message).with_help(help));
    }

    fn warn(&mut self, path: Path, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(path, message).with_help(help));
    }

    /// The fields that bundles, installs and registry entries draw on.
    fn sharing(&mut self, spec: &Spec) {
        let path = Path::root().key("server");
        let server = &spec.server;
        let urls = [
            (path.key("homepage"), server.homepage.as_deref()),
            (path.key("repository"), server.repository.as_deref()),
            (
                path.key("author").key("url"),
                server.author.as_ref().and_then(|a| a.url.as_deref()),
            ),
        ];
        for (at, url) in urls {
            if let Some(url) = url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                self.error(
                    at,
                    format!("`{url}` is not an http(s) URL"),
                    "give a URL that starts with `https://`",
                );
            }
        }
        if let Some(icon) = &server.icon
            && !icon.to_ascii_lowercase().ends_with(".png")
        {
            self.error(
                path.key("icon"),
                format!("the icon `{icon}` is not a PNG file"),
                "give a `.png` file, relative to the spec",
            );
        }
    }

    fn server(&mut self, spec: &Spec) {
        let path = Path::root().key("server");
        let name = &spec.server.name;
        let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            self.error(
                path.key("name"),
                format!("`{name}` is not a valid crate name"),
                "start with a letter and use only letters, digits, `-` and `_`, e.g. `notes-server`",
            );
        } else if matches!(
            name.as_str(),
            "test" | "std" | "core" | "alloc" | "proc_macro" | "self" | "crate" | "super"
        ) {
            self.error(
                path.key("name"),
                format!("`{name}` is reserved by Rust and cannot name a crate"),
                format!("choose another name, e.g. `{name}-server`"),
            );
        }
        if !is_semver(&spec.server.version) {
            self.error(
                path.key("version"),
                format!("`{}` is not a semantic version", spec.server.version),
                "write it as MAJOR.MINOR.PATCH, e.g. `0.1.0`",
            );
        }
    }

    fn dependencies(&mut self, spec: &Spec) {
        for name in spec.dependencies.keys() {
            let name = name.as_str().unwrap_or_default();
            if GENERATED_DEPENDENCIES.contains(&name) {
                self.error(
                    Path::root().key("dependencies").key(name),
                    format!("`{name}` is a dependency that mcpgen manages itself"),
                    format!("remove `{name}` from `dependencies`; to change its features, edit Cargo.toml, whose other entries are yours"),
                );
            }
        }
    }

    fn settings(&mut self, spec: &Spec) -> Vec<Option<valid::Setting>> {
        let mut seen = HashMap::new();
        let mut settings = Vec::new();
        for (i, setting) in spec.settings.iter().enumerate() {
            let path = Path::root().key("settings").index(i);
            self.unique(
                &mut seen,
                ident::snake(&setting.name),
                &path.key("name"),
                "setting",
            );
            if !setting
                .name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                || !setting
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                self.error(
                    path.key("name"),
                    format!("`{}` cannot be a command-line flag", setting.name),
                    "start with a letter and use only letters, digits, `-` and `_`",
                );
            }
            let flag = setting.name.replace('_', "-");
            if RESERVED_FLAGS.contains(&flag.as_str()) {
                self.error(
                    path.key("name"),
                    format!("`--{flag}` is a flag of every generated server"),
                    "choose another name",
                );
            }
            if let Some(env) = &setting.env {
                let http_env = format!("{}_HTTP", model::env_prefix(&spec.server.name));
                if env == &http_env || env.starts_with(&format!("{http_env}_")) {
                    self.error(
                        path.key("env"),
                        format!("`{env}` is reserved for the server's HTTP transport"),
                        "choose a name that does not start with `{http_env}`"
                            .replace("{http_env}", &http_env),
                    );
                }
                let valid = env
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
                    && env
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if !valid {
                    self.error(
                        path.key("env"),
                        format!("`{env}` is not a conventional environment variable name"),
                        format!(
                            "use upper case, digits and `_`, e.g. `{}`",
                            ident::screaming(env)
                        ),
                    );
                }
            }
            if setting.secret && setting.env.is_none() {
                self.error(
                    path.key("secret"),
                    format!("the secret setting `{}` has no `env`", setting.name),
                    "add `env: NAME`: a secret is passed in the environment, never on the command line",
                );
            }
            match setting_type(setting) {
                Err(message) => {
                    self.error(
                        path.key("type"),
                        message,
                        "use one of `string`, `path`, `integer`, `boolean`",
                    );
                    settings.push(None);
                }
                Ok(ty) => match setting_default(setting, ty) {
                    Err(message) => {
                        self.error(
                            path.key("default"),
                            message,
                            "give a default of the setting's type, or none",
                        );
                        settings.push(None);
                    }
                    Ok(default) => settings.push(Some(valid::Setting {
                        spec: setting.clone(),
                        ty,
                        default,
                    })),
                },
            }
        }
        settings
    }

    fn enums(&mut self, spec: &Spec) {
        let mut seen = HashMap::new();
        for ty in &spec.types {
            seen.insert(ty.name.clone(), Path::root().key("types"));
        }
        for (i, shared) in spec.enums.iter().enumerate() {
            let path = Path::root().key("enums").index(i);
            if let Some(first) = seen.get(&shared.name) {
                self.error(
                    path.key("name"),
                    format!("`{}` names an enum and a type", shared.name),
                    format!(
                        "types and enums share names; rename one (the other is under `{first}`)"
                    ),
                );
            } else {
                self.unique(&mut seen, shared.name.clone(), &path.key("name"), "enum");
            }
            self.type_name(&shared.name, &path.key("name"), "enum", "Unit");
            if let Err(message) = types::check_enum_values(&shared.values) {
                self.error(path.key("values"), message, "list distinct values");
            }
        }
    }

    /// Checks the name of a named type or enum (`kind`): not a built-in
    /// type, and starting with a letter, as `example` does.
    fn type_name(&mut self, name: &str, path: &Path, kind: &str, example: &str) {
        if BUILTIN_TYPES.contains(&name) {
            self.error(
                path.clone(),
                format!("`{name}` is a built-in type"),
                format!("name your {kind} something else, e.g. `{example}`"),
            );
        } else if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.error(
                path.clone(),
                format!("`{name}` is not a valid {kind} name"),
                format!("start it with a letter, e.g. `{example}`"),
            );
        }
    }

    fn types(&mut self, spec: &Spec) -> Vec<Option<valid::NamedType>> {
        let mut seen = HashMap::new();
        let mut named = Vec::new();
        for (i, ty) in spec.types.iter().enumerate() {
            let path = Path::root().key("types").index(i);
            self.unique(&mut seen, ty.name.clone(), &path.key("name"), "type");
            self.type_name(&ty.name, &path.key("name"), "type", "Address");
            if ty.fields.is_empty() {
                self.error(
                    path.key("fields"),
                    format!("the type `{}` has no fields", ty.name),
                    "add at least one field",
                );
            }
            let fields = self.params(&ty.fields, &path.key("fields"), spec, Place::TypeFields);
            named.push(fields.map(|fields| valid::NamedType {
                spec: ty.clone(),
                fields,
            }));
        }
        if let Some((i, cycle)) = type_cycle(spec) {
            self.error(
                Path::root().key("types").index(i).key("name"),
                format!("the type `{}` contains itself: {cycle}", spec.types[i].name),
                "break the cycle, e.g. with an `array` of the type, which may be empty",
            );
        }
        named
    }

    fn tools(&mut self, spec: &Spec) -> Vec<Option<valid::Tool>> {
        let mut seen = HashMap::new();
        let mut tools = Vec::new();
        for (i, tool) in spec.tools.iter().enumerate() {
            let path = Path::root().key("tools").index(i);
            self.unique(&mut seen, tool.name.clone(), &path.key("name"), "tool");
            let valid = !tool.name.is_empty()
                && tool.name.len() <= MAX_TOOL_NAME
                && tool
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
            if !valid {
                self.error(
                    path.key("name"),
                    format!("`{}` is not a valid MCP tool name", tool.name),
                    format!(
                        "use 1 to {MAX_TOOL_NAME} characters from A-Z, a-z, 0-9, `_`, `-` and `.`, e.g. `{}`",
                        ident::snake(&tool.name)
                    ),
                );
            }
            if let Some(output) = &tool.output
                && !spec.types.iter().any(|t| &t.name == output)
            {
                let names = spec.types.iter().map(|t| t.name.as_str());
                self.error(
                    path.key("output"),
                    format!("`{output}` is not a type of the spec"),
                    match did_you_mean(output, names) {
                        Some(name) => format!("did you mean `{name}`?"),
                        None => "declare it under `types`, with its `fields`".to_owned(),
                    },
                );
            }
            let params = self.params(&tool.params, &path.key("params"), spec, Place::ToolParams);
            tools.push(params.map(|params| valid::Tool {
                spec: tool.clone(),
                params,
            }));
        }
        tools
    }

    /// Checks params, fields or template variables; returns them typed if
    /// they are all valid.
    fn params(
        &mut self,
        params: &[ParamSpec],
        path: &Path,
        spec: &Spec,
        place: Place,
    ) -> Option<Vec<valid::Param>> {
        let mut seen = HashMap::new();
        let mut idents = HashMap::new();
        let mut typed = Vec::new();
        let mut all_valid = true;
        let names = Names {
            types: &spec.types,
            enums: &spec.enums,
        };
        for (i, param) in params.iter().enumerate() {
            let path = path.index(i);
            if self.unique(
                &mut seen,
                param.name.clone(),
                &path.key("name"),
                "parameter",
            ) {
                let rust = ident::snake(&param.name);
                if let Some(other) = idents.insert(rust.clone(), param.name.clone()) {
                    self.error(
                        path.key("name"),
                        format!(
                            "`{}` and `{other}` both become the Rust name `{rust}`",
                            param.name
                        ),
                        "rename one of them",
                    );
                }
            }
            if param.name.is_empty() {
                self.error(
                    path.key("name"),
                    "a parameter name is empty",
                    "give it a name",
                );
            }
            if param.complete && place != Place::TemplateVars {
                self.error(
                    path.key("complete"),
                    "only template variables and prompt arguments offer completions",
                    "remove `complete`",
                );
            }
            let ty = match types::param_type(param, names) {
                Ok(ty) => ty,
                Err((key, message)) => {
                    let mut known: Vec<&str> = BUILTIN_TYPES.to_vec();
                    known.extend(names.types.iter().map(|t| t.name.as_str()));
                    known.extend(names.enums.iter().map(|e| e.name.as_str()));
                    let written = match key {
                        "items" => param.items.as_ref().and_then(|items| items.ty.as_deref()),
                        _ => param.ty.as_deref(),
                    };
                    let typo = written.and_then(|ty| did_you_mean(ty, known.iter().copied()));
                    let help = match typo {
                        Some(suggestion) => format!("did you mean `{suggestion}`?"),
                        None => "types are `string`, `integer`, `number`, `boolean`, `array` (with `items`), `json` and the names under `types` and `enums`; `enum` lists the values of a string".to_owned(),
                    };
                    self.error(path.key(key), message, help);
                    all_valid = false;
                    continue;
                }
            };
            if param.schema.is_some() && ty != ParamType::Json {
                self.error(
                    path.key("schema"),
                    format!(
                        "`schema` is only for `type: json`, and `{}` is a `{}`",
                        param.name,
                        ty.name()
                    ),
                    "remove `schema`, or make the type `json`",
                );
            }
            if place == Place::TemplateVars {
                if !matches!(
                    ty,
                    ParamType::String | ParamType::Integer | ParamType::Enum { .. }
                ) {
                    self.error(
                        path.key("type"),
                        format!(
                            "the template variable `{}` must be a `string`, an `integer` or an `enum`",
                            param.name
                        ),
                        "a URI segment holds one string or integer",
                    );
                }
                if param.default.is_some() || param.required.is_some() {
                    self.error(
                        path.key(if param.default.is_some() {
                            "default"
                        } else {
                            "required"
                        }),
                        "a template variable is always required",
                        "remove it: the URI must give every variable",
                    );
                }
            }
            self.rules(param, &ty, &path);
            if param.required == Some(true) && param.default.is_some() {
                self.error(
                    path.key("required"),
                    format!("`{}` is required but has a default", param.name),
                    "drop `required: true`: a parameter with a default is optional",
                );
            }
            let default = match param
                .default
                .as_ref()
                .map(|value| types::default_value(&ty, value))
            {
                None => None,
                Some(Ok(default)) => Some(default),
                Some(Err(message)) => {
                    self.error(
                        path.key("default"),
                        message,
                        "give a default of the parameter's type",
                    );
                    all_valid = false;
                    None
                }
            };
            typed.push(valid::Param {
                spec: param.clone(),
                ty,
                default,
            });
        }
        all_valid.then_some(typed)
    }

    fn rules(&mut self, param: &ParamSpec, ty: &ParamType, path: &Path) {
        let help = "see the constraints each type takes in the README";
        let item_type = match ty {
            ParamType::Array(item) => Some(item.as_ref()),
            _ => None,
        };
        match item_type {
            Some(item) => {
                if let Err((key, message)) =
                    types::check_rules(&ParamType::Array(Box::new(item.clone())), &param.rules())
                {
                    self.error(
                        path.key(key),
                        message,
                        "put constraints on the elements under `items`",
                    );
                }
                if let Some(items) = &param.items
                    && let Err((key, message)) = types::check_rules(item, &items.rules())
                {
                    self.error(path.key("items").key(key), message, help);
                }
                if let (Some(min), Some(max)) = (param.min_items, param.max_items)
                    && min > max
                {
                    self.error(
                        path.key("min_items"),
                        format!("`min_items` {min} is above `max_items` {max}"),
                        help,
                    );
                }
            }
            None => {
                if let Err((key, message)) = types::check_rules(ty, &param.rules()) {
                    self.error(path.key(key), message, help);
                }
                for (key, set) in [
                    ("min_items", param.min_items),
                    ("max_items", param.max_items),
                ] {
                    if set.is_some() {
                        self.error(
                            path.key(key),
                            format!("`{key}` is for arrays, not a `{}`", ty.name()),
                            help,
                        );
                    }
                }
            }
        }
    }

    fn resources(&mut self, spec: &Spec) {
        let mut uris = HashMap::new();
        let mut names = HashMap::new();
        for (i, resource) in spec.resources.iter().enumerate() {
            let path = Path::root().key("resources").index(i);
            self.unique(
                &mut uris,
                resource.uri.clone(),
                &path.key("uri"),
                "resource URI",
            );
            self.unique(
                &mut names,
                resource.name.clone(),
                &path.key("name"),
                "resource name",
            );
            if resource.uri.contains('{') {
                self.error(
                    path.key("uri"),
                    format!(
                        "`{}` has a `{{variable}}`, so it is a template",
                        resource.uri
                    ),
                    "move it to `resource_templates`, with the key `uri_template`",
                );
            } else if !has_scheme(&resource.uri) {
                self.error(
                    path.key("uri"),
                    format!("`{}` is not an absolute URI", resource.uri),
                    "start it with a scheme, e.g. `notes://all`",
                );
            }
            if resource.text.is_some() && resource.file.is_some() {
                self.error(
                    path.key("file"),
                    "a resource has either `text` or a `file`, not both",
                    "keep one of them",
                );
            }
            if resource.binary && (resource.text.is_some() || resource.file.is_some()) {
                self.error(
                    path.key("binary"),
                    "`binary` is for resources that a handler serves",
                    "remove it: a `file` is served as a blob when its `mime_type` is not text",
                );
            }
            if resource.context && (resource.text.is_some() || resource.file.is_some()) {
                self.error(
                    path.key("context"),
                    "`context` is for resources that a handler serves",
                    "remove it, or drop `text`/`file` to serve the resource from a handler",
                );
            }
        }
    }

    fn templates(&mut self, spec: &Spec) -> Vec<Option<valid::Template>> {
        let mut uris = HashMap::new();
        let mut names = HashMap::new();
        let mut templates = Vec::new();
        for (i, template) in spec.resource_templates.iter().enumerate() {
            let path = Path::root().key("resource_templates").index(i);
            self.unique(
                &mut uris,
                template.uri_template.clone(),
                &path.key("uri_template"),
                "resource template",
            );
            self.unique(
                &mut names,
                template.name.clone(),
                &path.key("name"),
                "resource template name",
            );
            let parts = match uri_template::parse(&template.uri_template) {
                Ok(parts) => parts,
                Err(error) => {
                    self.error(
                        path.key("uri_template"),
                        format!(
                            "`{}` is not a valid URI template: {error}",
                            template.uri_template
                        ),
                        "write variables as `{name}`, e.g. `notes://{name}`",
                    );
                    templates.push(None);
                    continue;
                }
            };
            let vars = uri_template::vars(&parts);
            if vars.is_empty() {
                self.error(
                    path.key("uri_template"),
                    format!("`{}` has no `{{variable}}`", template.uri_template),
                    "add a variable, e.g. `notes://{name}`, or move it to `resources`",
                );
            }
            if !has_scheme(&template.uri_template) {
                self.error(
                    path.key("uri_template"),
                    format!(
                        "`{}` does not start with a URI scheme",
                        template.uri_template
                    ),
                    "start it with a scheme, e.g. `notes://{name}`",
                );
            }
            for (j, param) in template.params.iter().enumerate() {
                if !vars.contains(&param.name.as_str()) {
                    self.error(
                        path.key("params").index(j).key("name"),
                        format!(
                            "`{}` is not a variable of `{}`",
                            param.name, template.uri_template
                        ),
                        match vars.as_slice() {
                            [] => "remove it".to_owned(),
                            vars => format!(
                                "the variables are {}",
                                vars.iter()
                                    .map(|v| format!("`{v}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        },
                    );
                }
            }
            let params = self.params(
                &template.params,
                &path.key("params"),
                spec,
                Place::TemplateVars,
            );
            templates.push(params.map(|params| valid::Template {
                spec: template.clone(),
                parts,
                params,
            }));
        }
        templates
    }

    fn prompts(&mut self, spec: &Spec) -> Vec<Option<valid::Prompt>> {
        let mut seen = HashMap::new();
        let mut prompts = Vec::new();
        for (i, prompt) in spec.prompts.iter().enumerate() {
            let path = Path::root().key("prompts").index(i);
            self.unique(&mut seen, prompt.name.clone(), &path.key("name"), "prompt");
            if prompt.name.is_empty() {
                self.error(
                    path.key("name"),
                    "a prompt name is empty",
                    "give the prompt a name",
                );
            }
            let mut args = HashMap::new();
            let mut idents = HashMap::new();
            let mut arguments = Vec::new();
            for (j, argument) in prompt.arguments.iter().enumerate() {
                let path = path.key("arguments").index(j);
                if self.unique(
                    &mut args,
                    argument.name.clone(),
                    &path.key("name"),
                    "argument",
                ) {
                    let rust = ident::snake(&argument.name);
                    if let Some(other) = idents.insert(rust.clone(), argument.name.clone()) {
                        self.error(
                            path.key("name"),
                            format!(
                                "`{}` and `{other}` both become the Rust name `{rust}`",
                                argument.name
                            ),
                            "rename one of them",
                        );
                    }
                }
                if argument.values.as_ref().is_some_and(Vec::is_empty) {
                    self.error(
                        path.key("enum"),
                        "an `enum` needs at least one value",
                        "list the values, or remove `enum`",
                    );
                }
                let shared = match argument.ty.as_deref() {
                    None | Some("string") => Some(None),
                    Some(name) => match spec.enums.iter().find(|e| e.name == name) {
                        Some(_) if argument.values.is_some() => {
                            self.error(
                                path.key("enum"),
                                format!("`{name}` is an enum already"),
                                "remove `enum`, or the `type`",
                            );
                            None
                        }
                        Some(shared) => Some(Some(shared)),
                        None => {
                            let names = spec.enums.iter().map(|e| e.name.as_str());
                            self.error(
                                path.key("type"),
                                format!("`{name}` is not an enum of the spec"),
                                match did_you_mean(name, names) {
                                    Some(name) => format!("did you mean `{name}`?"),
                                    None => "a prompt argument is a `string`, or takes the values of an enum declared under `enums`".to_owned(),
                                },
                            );
                            None
                        }
                    },
                };
                arguments.push(shared.map(|shared| valid::Argument {
                    spec: argument.clone(),
                    values: match shared {
                        Some(shared) => shared.values.clone(),
                        None => argument.values.clone().unwrap_or_default(),
                    },
                }));
            }
            let messages = self.messages(prompt, &path);
            prompts.push((|| {
                Some(valid::Prompt {
                    spec: prompt.clone(),
                    arguments: arguments.into_iter().collect::<Option<_>>()?,
                    messages: messages?,
                })
            })());
        }
        prompts
    }

    /// Checks the fixed messages of a prompt: `Some(None)` for a prompt
    /// whose handler builds them, `None` if they have errors.
    fn messages(
        &mut self,
        prompt: &PromptSpec,
        path: &Path,
    ) -> Option<Option<Vec<valid::Message>>> {
        let Some(messages) = &prompt.messages else {
            return Some(None);
        };
        if prompt.context {
            self.error(
                path.key("context"),
                format!(
                    "the prompt `{}` has fixed `messages`, so no handler takes a context",
                    prompt.name
                ),
                "remove `context`, or remove `messages` to build them in a handler",
            );
        }
        if messages.is_empty() {
            self.error(
                path.key("messages"),
                format!("the prompt `{}` has no messages", prompt.name),
                "add at least one message with `text`, or remove `messages` to build them in a handler",
            );
        }
        let mut checked = Vec::new();
        let mut all_valid = true;
        for (j, message) in messages.iter().enumerate() {
            let path = path.key("messages").index(j);
            let role = match message.role.as_str() {
                "user" => Some(valid::Role::User),
                "assistant" => Some(valid::Role::Assistant),
                _ => {
                    self.error(
                        path.key("role"),
                        format!("`{}` is not a message role", message.role),
                        "use `user` or `assistant`",
                    );
                    None
                }
            };
            let text = match text::parse(&message.text) {
                Err(error) => {
                    self.error(path.key("text"), error.message, error.help);
                    None
                }
                Ok(pieces) => self.text_pieces(&pieces, prompt, &path.key("text")),
            };
            match (role, text) {
                (Some(role), Some(text)) => checked.push(valid::Message { role, text }),
                _ => all_valid = false,
            }
        }
        all_valid.then_some(Some(checked))
    }

    /// Resolves the arguments that message text names.
    fn text_pieces(
        &mut self,
        pieces: &[text::Piece],
        prompt: &PromptSpec,
        path: &Path,
    ) -> Option<Vec<valid::Piece>> {
        let mut resolved = Vec::new();
        let mut all_valid = true;
        let index = |name: &str| prompt.arguments.iter().position(|a| a.name == name);
        for piece in pieces {
            match piece {
                text::Piece::Text(text) => resolved.push(valid::Piece::Text(text.clone())),
                text::Piece::Arg(name) => match index(name) {
                    Some(i) => resolved.push(valid::Piece::Arg(i)),
                    None => {
                        all_valid = false;
                        let bare = name.strip_suffix('?').filter(|bare| index(bare).is_some());
                        match bare {
                            Some(bare) => self.error(
                                path.clone(),
                                format!("`{{{name}}}` is a section with no text"),
                                format!(
                                    "write `{{{bare}? text}}`, with a space after `?`: the text shows only when `{bare}` is given"
                                ),
                            ),
                            None => self.error(
                                path.clone(),
                                format!(
                                    "`{{{name}}}` is not an argument of the prompt `{}`",
                                    prompt.name
                                ),
                                format!(
                                    "add `{name}` to `arguments`, or write `{{{{{name}}}}}` for literal braces"
                                ),
                            ),
                        }
                    }
                },
                text::Piece::Section { arg, body } => {
                    let Some(i) = index(arg) else {
                        all_valid = false;
                        self.error(
                            path.clone(),
                            format!(
                                "`{{{arg}? ...}}` shows text when `{arg}` is given, but `{arg}` is not an argument of the prompt `{}`",
                                prompt.name
                            ),
                            format!("add `{arg}` to `arguments` with `required: false`"),
                        );
                        continue;
                    };
                    if prompt.arguments[i].required {
                        all_valid = false;
                        self.error(
                            path.clone(),
                            format!("`{arg}` is required, so the section `{{{arg}? ...}}` would always show"),
                            format!("give `{arg}` `required: false`, or write the text without `{{{arg}? ...}}`"),
                        );
                    }
                    match self.text_pieces(body, prompt, path) {
                        Some(body) => resolved.push(valid::Piece::Section { arg: i, body }),
                        None => all_valid = false,
                    }
                }
            }
        }
        all_valid.then_some(resolved)
    }

    /// Every Rust type the spec makes must have a name of its own.
    fn type_names(&mut self, spec: &Spec) {
        let mut names: HashMap<String, (Path, String)> = HashMap::new();
        let mut add = |v: &mut Self, name: String, path: Path, what: String| {
            if RESERVED_TYPES.contains(&name.as_str()) {
                v.error(
                    path,
                    format!(
                        "{what} would be the Rust type `{name}`, a name the generated code uses"
                    ),
                    "rename it",
                );
            } else if let Some((_, other)) = names.get(&name) {
                v.error(
                    path,
                    format!("{what} and {other} would both be the Rust type `{name}`"),
                    "rename one of them",
                );
            } else {
                names.insert(name, (path, what));
            }
        };
        for (i, shared) in spec.enums.iter().enumerate() {
            add(
                self,
                model::type_name(&shared.name),
                Path::root().key("enums").index(i).key("name"),
                format!("the enum `{}`", shared.name),
            );
        }
        for (i, ty) in spec.types.iter().enumerate() {
            let path = Path::root().key("types").index(i).key("name");
            add(
                self,
                model::type_name(&ty.name),
                path.clone(),
                format!("the type `{}`", ty.name),
            );
            self.enum_names(&ty.fields, &ty.name, &path, &mut add);
        }
        for (i, tool) in spec.tools.iter().enumerate() {
            let path = Path::root().key("tools").index(i).key("name");
            if !tool.params.is_empty() {
                add(
                    self,
                    model::params_struct_name(&tool.name),
                    path.clone(),
                    format!("the parameters of `{}`", tool.name),
                );
            }
            self.enum_names(&tool.params, &tool.name, &path, &mut add);
        }
        for (i, prompt) in spec.prompts.iter().enumerate() {
            if !prompt.arguments.is_empty() {
                add(
                    self,
                    model::args_struct_name(&prompt.name),
                    Path::root().key("prompts").index(i).key("name"),
                    format!("the arguments of `{}`", prompt.name),
                );
            }
        }
    }

    /// The enums of the parameters or fields of the tool or type `owner`
    /// that are their own: a shared enum is named once, for the spec.
    fn enum_names(
        &mut self,
        params: &[ParamSpec],
        owner: &str,
        path: &Path,
        add: &mut impl FnMut(&mut Self, String, Path, String),
    ) {
        for param in params {
            let is_enum =
                param.values.is_some() || param.items.as_ref().is_some_and(|i| i.values.is_some());
            if is_enum {
                add(
                    self,
                    model::enum_name(owner, &param.name),
                    path.clone(),
                    format!("the enum of `{}`", param.name),
                );
            }
        }
    }

    /// Tools, dynamic resources, templates, dynamic prompts and completions
    /// each become a method of one trait, so their Rust names must differ.
    fn handler_methods(&mut self, spec: &Spec) {
        let mut methods: HashMap<String, String> = HashMap::new();
        methods.insert("new".to_owned(), "the constructor `new`".to_owned());
        methods.insert("migrate".to_owned(), "the schema hook `migrate`".to_owned());
        methods.insert("ready".to_owned(), "the readiness hook `ready`".to_owned());
        let mut entries: Vec<(String, Path, String)> = Vec::new();
        for (i, t) in spec.tools.iter().enumerate() {
            if !upstream::has_handler(t) {
                continue;
            }
            entries.push((
                ident::snake(&t.name),
                Path::root().key("tools").index(i).key("name"),
                format!("the tool `{}`", t.name),
            ));
        }
        for (i, r) in spec.resources.iter().enumerate() {
            if r.text.is_none() && r.file.is_none() {
                entries.push((
                    ident::snake(&r.name),
                    Path::root().key("resources").index(i).key("name"),
                    format!("the resource `{}`", r.name),
                ));
            }
        }
        for (i, t) in spec.resource_templates.iter().enumerate() {
            let path = Path::root().key("resource_templates").index(i);
            entries.push((
                ident::snake(&t.name),
                path.key("name"),
                format!("the resource template `{}`", t.name),
            ));
            for (j, p) in t.params.iter().enumerate().filter(|(_, p)| p.complete) {
                entries.push((
                    completion_method(&t.name, &p.name),
                    path.key("params").index(j).key("complete"),
                    format!("completing `{}` of `{}`", p.name, t.name),
                ));
            }
        }
        for (i, p) in spec.prompts.iter().enumerate() {
            let path = Path::root().key("prompts").index(i);
            if p.messages.is_none() {
                entries.push((
                    ident::snake(&p.name),
                    path.key("name"),
                    format!("the prompt `{}`", p.name),
                ));
            }
            for (j, a) in p.arguments.iter().enumerate().filter(|(_, a)| a.complete) {
                entries.push((
                    completion_method(&p.name, &a.name),
                    path.key("arguments").index(j).key("complete"),
                    format!("completing `{}` of `{}`", a.name, p.name),
                ));
            }
        }
        for (method, path, what) in entries {
            if let Some(other) = methods.get(&method) {
                self.error(
                    path,
                    format!("{what} and {other} would both be the handler method `{method}`"),
                    "rename one of them",
                );
            } else {
                methods.insert(method, what);
            }
        }
    }

    /// A tool returns content blocks or a structured `output`, not both.
    fn tool_content(&mut self, spec: &Spec) {
        for (i, t) in spec.tools.iter().enumerate() {
            if t.content && t.output.is_some() {
                self.error(
                    Path::root().key("tools").index(i).key("content"),
                    format!(
                        "the tool `{}` returns either content blocks or an `output` type",
                        t.name
                    ),
                    "remove `content` to return structured `output`, or remove `output`",
                );
            }
        }
    }

    /// A handler method that takes a context names it `context`, so its
    /// other parameters may not.
    fn context_params(&mut self, spec: &Spec) {
        let mut clashes: Vec<(Path, String)> = Vec::new();
        for (i, t) in spec.tools.iter().enumerate().filter(|(_, t)| t.context) {
            for (j, p) in t.params.iter().enumerate() {
                let path = Path::root().key("tools").index(i).key("params").index(j);
                clashes.push((path.key("name"), p.name.clone()));
            }
        }
        for (i, t) in spec
            .resource_templates
            .iter()
            .enumerate()
            .filter(|(_, t)| t.context)
        {
            let path = Path::root().key("resource_templates").index(i);
            let parts = crate::model::uri_template::parse(&t.uri_template).unwrap_or_default();
            for name in crate::model::uri_template::vars(&parts) {
                clashes.push((path.key("uri_template"), name.to_owned()));
            }
        }
        for (i, p) in spec.prompts.iter().enumerate().filter(|(_, p)| p.context) {
            for (j, a) in p.arguments.iter().enumerate() {
                let path = Path::root()
                    .key("prompts")
                    .index(i)
                    .key("arguments")
                    .index(j);
                clashes.push((path.key("name"), a.name.clone()));
            }
        }
        for (path, name) in clashes {
            if ident::snake(&name) == "context" {
                self.error(
                    path,
                    format!("`{name}` would clash with the `context` the handler method takes"),
                    "rename it, e.g. `topic`, or remove `context: true`",
                );
            }
        }
    }

    /// Warnings: the spec works, but clients may handle it badly, or it
    /// holds something unused.
    fn lints(&mut self, spec: &Spec) {
        let params = spec
            .types
            .iter()
            .flat_map(|t| &t.fields)
            .chain(spec.tools.iter().flat_map(|t| &t.params))
            .chain(spec.resource_templates.iter().flat_map(|t| &t.params));
        let mut used: Vec<&str> = params
            .flat_map(|p| {
                [
                    p.ty.as_deref(),
                    p.items.as_ref().and_then(|i| i.ty.as_deref()),
                ]
            })
            .flatten()
            .collect();
        used.extend(
            spec.prompts
                .iter()
                .flat_map(|p| &p.arguments)
                .filter_map(|a| a.ty.as_deref()),
        );
        for (i, shared) in spec.enums.iter().enumerate() {
            if !used.contains(&shared.name.as_str()) {
                self.warn(
                    Path::root().key("enums").index(i).key("name"),
                    format!("the enum `{}` is not used", shared.name),
                    "give it as the `type` of a parameter, field, template variable or prompt argument, or remove it",
                );
            }
        }
        let server = &spec.server.name;
        let mut described = Vec::new();
        for (i, tool) in spec.tools.iter().enumerate() {
            let path = Path::root().key("tools").index(i);
            let prefixed = format!("mcp__{server}__{}", tool.name);
            if prefixed.len() > MAX_PREFIXED_TOOL_NAME {
                self.warn(
                    path.key("name"),
                    format!(
                        "`{prefixed}` is {} characters; clients that prefix tool names with `mcp__<server>__` refuse names over {MAX_PREFIXED_TOOL_NAME}",
                        prefixed.len()
                    ),
                    "shorten the tool or server name",
                );
            }
            described.push((
                path.clone(),
                format!("the tool `{}`", tool.name),
                tool.description.as_deref(),
            ));
            for (j, param) in tool.params.iter().enumerate() {
                described.push((
                    path.key("params").index(j),
                    format!("the parameter `{}` of `{}`", param.name, tool.name),
                    param.description.as_deref(),
                ));
            }
        }
        for (i, resource) in spec.resources.iter().enumerate() {
            described.push((
                Path::root().key("resources").index(i),
                format!("the resource `{}`", resource.uri),
                resource.description.as_deref(),
            ));
        }
        for (i, template) in spec.resource_templates.iter().enumerate() {
            described.push((
                Path::root().key("resource_templates").index(i),
                format!("the resource template `{}`", template.uri_template),
                template.description.as_deref(),
            ));
        }
        for (i, prompt) in spec.prompts.iter().enumerate() {
            described.push((
                Path::root().key("prompts").index(i),
                format!("the prompt `{}`", prompt.name),
                prompt.description.as_deref(),
            ));
        }
        // A type that holds itself other than through an array is an error.
        let recursive = match type_cycle(spec) {
            None => recursive_types(spec),
            Some(_) => Vec::new(),
        };
        for (i, chain) in recursive {
            self.warn(
                Path::root().key("types").index(i).key("name"),
                format!(
                    "the type `{}` contains itself ({chain}), so its schema keeps a `$ref` into `$defs`, which {SCHEMA_REF_CLIENTS} fail to resolve",
                    spec.types[i].name
                ),
                "if those clients matter, give it a fixed depth, e.g. with a second type for the last level that has no `children`",
            );
        }
        for (path, what, description) in described {
            match description {
                None | Some("") => self.warn(
                    path,
                    format!("{what} has no description"),
                    "add `description:`: the model reads it to decide when and how to use it",
                ),
                Some(text) if text.chars().count() > MAX_DESCRIPTION => self.warn(
                    path.key("description"),
                    format!(
                        "the description of {what} is {} characters; some clients cut descriptions at {MAX_DESCRIPTION}",
                        text.chars().count()
                    ),
                    "shorten it, putting what matters first",
                ),
                Some(_) => {}
            }
        }
    }

    /// Records `key`; reports a duplicate. Returns whether it was new.
    fn unique(
        &mut self,
        seen: &mut HashMap<String, Path>,
        key: String,
        path: &Path,
        what: &str,
    ) -> bool {
        if let Some(first) = seen.get(&key) {
            self.error(
                path.clone(),
                format!("duplicate {what} `{key}`"),
                format!("it is already defined at `{first}`; rename or remove one"),
            );
            false
        } else {
            seen.insert(key, path.clone());
            true
        }
    }
}

/// Each type that contains itself, through arrays or not: (index of the
/// type, the chain of types). Its schema needs a `$ref`.
fn recursive_types(spec: &Spec) -> Vec<(usize, String)> {
    let inner = |name: &str| -> Vec<&str> {
        let Some(ty) = spec.types.iter().find(|t| t.name == name) else {
            return Vec::new();
        };
        ty.fields
            .iter()
            .flat_map(|f| {
                [
                    f.ty.as_deref(),
                    f.items.as_ref().and_then(|i| i.ty.as_deref()),
                ]
            })
            .flatten()
            .filter(|ty| spec.types.iter().any(|t| t.name == *ty))
            .collect()
    };
    let mut recursive = Vec::new();
    for (i, ty) in spec.types.iter().enumerate() {
        let mut stack = vec![vec![ty.name.as_str()]];
        'search: while let Some(chain) = stack.pop() {
            for next in inner(chain[chain.len() - 1]) {
                if next == ty.name {
                    recursive.push((i, format!("{} → {next}", chain.join(" → "))));
                    break 'search;
                }
                if !chain.contains(&next) {
                    let mut longer = chain.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
    }
    recursive
}

/// A type that contains itself other than through an array, which would
/// have no finite size: (index of the type, the chain).
fn type_cycle(spec: &Spec) -> Option<(usize, String)> {
    let direct = |name: &str| -> Vec<String> {
        spec.types
            .iter()
            .find(|t| t.name == name)
            .map(|t| {
                t.fields
                    .iter()
                    .filter(|f| f.items.is_none())
                    .filter_map(|f| f.ty.clone())
                    .filter(|ty| spec.types.iter().any(|t| &t.name == ty))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (i, ty) in spec.types.iter().enumerate() {
        let mut stack = vec![vec![ty.name.clone()]];
        while let Some(chain) = stack.pop() {
            for next in direct(chain.last().expect("non-empty")) {
                if next == ty.name {
                    return Some((i, format!("{} → {next}", chain.join(" → "))));
                }
                if !chain.contains(&next) {
                    let mut longer = chain.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
    }
    None
}

/// The type of a setting.
fn setting_type(setting: &SettingSpec) -> Result<valid::SettingType, String> {
    use valid::SettingType;
    match setting.ty.as_deref().unwrap_or("string") {
        "string" => Ok(SettingType::String),
        "path" => Ok(SettingType::Path),
        "integer" => Ok(SettingType::Integer),
        "boolean" => Ok(SettingType::Boolean),
        other => Err(format!("unknown setting type `{other}`")),
    }
}

/// How a setting gets its value when neither flag nor env var is given.
fn setting_default(
    setting: &SettingSpec,
    ty: valid::SettingType,
) -> Result<SettingDefault, String> {
    use serde_yaml::Value;
    use valid::SettingType;
    let Some(value) = &setting.default else {
        return Ok(SettingDefault::None);
    };
    match (ty, value) {
        (SettingType::Path, Value::String(path)) => match path.strip_prefix(model::DATA_DIR) {
            Some(rest) => Ok(SettingDefault::DataDir(
                rest.trim_start_matches(['/', '\\']).to_owned(),
            )),
            None => Ok(SettingDefault::Value(format!(
                "PathBuf::from({})",
                string_literal(path)
            ))),
        },
        (SettingType::String, Value::String(text)) => Ok(SettingDefault::Value(format!(
            "{}.to_owned()",
            string_literal(text)
        ))),
        (SettingType::Integer, Value::Number(n)) if n.as_i64().is_some() => {
            Ok(SettingDefault::Value(n.to_string()))
        }
        (SettingType::Boolean, Value::Bool(false)) => Ok(SettingDefault::None),
        (SettingType::Boolean, Value::Bool(true)) => {
            Err("a boolean setting is a flag that is off unless given".to_owned())
        }
        _ => Err("the default does not match the setting's type".to_owned()),
    }
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn has_scheme(uri: &str) -> bool {
    uri.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}
