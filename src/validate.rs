//! Stage 2: check the rules a well-typed spec must also follow, reporting
//! every violation at once, each with its path and a way to fix it.

use std::collections::HashMap;

use crate::{
    diagnostic::{Diagnostic, Path, did_you_mean},
    model::{self, ident, uri_template},
    spec::{ParamSpec, PromptSpec, Spec},
};

/// The longest tool name the MCP spec allows.
const MAX_TOOL_NAME: usize = 128;

/// The longest tool name, with the `mcp__<server>__` prefix some clients
/// add, that every common client accepts.
const MAX_PREFIXED_TOOL_NAME: usize = 64;

/// Descriptions longer than this are truncated by some clients.
const MAX_DESCRIPTION: usize = 1024;

/// Checks `spec`. The result holds errors and warnings; the spec is usable
/// only if there are no errors.
pub fn validate(spec: &Spec) -> Vec<Diagnostic> {
    let mut v = Validator::default();
    v.server(spec);
    v.settings(spec);
    v.tools(spec);
    v.resources(spec);
    v.templates(spec);
    v.prompts(spec);
    v.handler_methods(spec);
    v.lints(spec);
    v.diagnostics
}

#[derive(Default)]
struct Validator {
    diagnostics: Vec<Diagnostic>,
}

impl Validator {
    fn error(&mut self, path: Path, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(path, message).with_help(help));
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
                "choose another name, e.g. `{name}-server`".replace("{name}", name),
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

    fn settings(&mut self, spec: &Spec) {
        let mut seen = HashMap::new();
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
            if setting.name == "http" || setting.name == "help" || setting.name == "version" {
                self.error(
                    path.key("name"),
                    format!("`--{}` is a flag of every generated server", setting.name),
                    "choose another name",
                );
            }
            if let Some(env) = &setting.env {
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
            if let Err(message) = model::setting_type(setting) {
                self.error(
                    path.key("type"),
                    message,
                    "use one of `string`, `path`, `integer`, `boolean`",
                );
            } else if let Err(message) = model::setting_default(setting) {
                self.error(
                    path.key("default"),
                    message,
                    "give a default of the setting's type, or none",
                );
            }
        }
    }

    fn tools(&mut self, spec: &Spec) {
        let mut seen = HashMap::new();
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
            self.params(&tool.params, &path.key("params"));
        }
    }

    fn params(&mut self, params: &[ParamSpec], path: &Path) {
        let mut seen = HashMap::new();
        let mut idents = HashMap::new();
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
                    "give the parameter a name",
                );
            }
            match model::param_type(param) {
                Err((key, message)) => {
                    let typo = param.ty.as_deref().and_then(|ty| {
                        did_you_mean(ty, ["string", "integer", "number", "boolean", "array"])
                    });
                    let help = match typo {
                        Some(suggestion) => format!("did you mean `{suggestion}`?"),
                        None => "types are `string`, `integer`, `number`, `boolean` and `array` (with `items`); `enum` lists the values of a string".to_owned(),
                    };
                    self.error(path.key(key), message, help);
                }
                Ok(ty) => {
                    if param.required == Some(true) && param.default.is_some() {
                        self.error(
                            path.key("required"),
                            format!("`{}` is required but has a default", param.name),
                            "drop `required: true`: a parameter with a default is optional",
                        );
                    }
                    if let Some(default) = &param.default
                        && let Err(message) = model::default_value(&ty, default)
                    {
                        self.error(
                            path.key("default"),
                            message,
                            "give a default of the parameter's type",
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
        }
    }

    fn templates(&mut self, spec: &Spec) {
        let mut uris = HashMap::new();
        let mut names = HashMap::new();
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
                match model::param_type(param) {
                    Ok(model::ParamType::String | model::ParamType::Integer) => {}
                    Ok(_) | Err(_) => self.error(
                        path.key("params").index(j).key("type"),
                        format!(
                            "the template variable `{}` must be a `string` or an `integer`",
                            param.name
                        ),
                        "a URI segment holds one string or integer",
                    ),
                }
            }
            self.params_unique(&template.params, &path.key("params"));
        }
    }

    fn params_unique(&mut self, params: &[ParamSpec], path: &Path) {
        let mut seen = HashMap::new();
        for (i, param) in params.iter().enumerate() {
            self.unique(
                &mut seen,
                param.name.clone(),
                &path.index(i).key("name"),
                "variable",
            );
        }
    }

    fn prompts(&mut self, spec: &Spec) {
        let mut seen = HashMap::new();
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
            for (j, argument) in prompt.arguments.iter().enumerate() {
                self.unique(
                    &mut args,
                    argument.name.clone(),
                    &path.key("arguments").index(j).key("name"),
                    "argument",
                );
            }
            self.messages(prompt, &path);
        }
    }

    fn messages(&mut self, prompt: &PromptSpec, path: &Path) {
        if prompt.messages.is_empty() {
            self.error(
                path.key("messages"),
                format!("the prompt `{}` has no messages", prompt.name),
                "add at least one message with `text`",
            );
        }
        for (j, message) in prompt.messages.iter().enumerate() {
            let path = path.key("messages").index(j);
            if message.role != "user" && message.role != "assistant" {
                self.error(
                    path.key("role"),
                    format!("`{}` is not a message role", message.role),
                    "use `user` or `assistant`",
                );
            }
            match model::placeholders(&message.text) {
                Err(message) => self.error(
                    path.key("text"),
                    message,
                    "write `{{` and `}}` for literal braces",
                ),
                Ok(parts) => {
                    for part in parts {
                        if let model::TextPart::Arg(name) = part
                            && !prompt.arguments.iter().any(|a| a.name == name)
                        {
                            self.error(
                                path.key("text"),
                                format!("`{{{name}}}` is not an argument of the prompt `{}`", prompt.name),
                                format!("add `{name}` to `arguments`, or write `{{{{{name}}}}}` for literal braces"),
                            );
                        }
                    }
                }
            }
        }
    }

    /// Tools, dynamic resources and templates each become a method of one
    /// trait, so their Rust names must differ.
    fn handler_methods(&mut self, spec: &Spec) {
        let mut methods: HashMap<String, String> = HashMap::new();
        let reserved = [("new".to_owned(), "the constructor `new`".to_owned())];
        methods.extend(reserved);
        let entries = spec
            .tools
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    ident::snake(&t.name),
                    Path::root().key("tools").index(i).key("name"),
                    format!("the tool `{}`", t.name),
                )
            })
            .chain(
                spec.resources
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.text.is_none())
                    .map(|(i, r)| {
                        (
                            ident::snake(&r.name),
                            Path::root().key("resources").index(i).key("name"),
                            format!("the resource `{}`", r.name),
                        )
                    }),
            )
            .chain(spec.resource_templates.iter().enumerate().map(|(i, t)| {
                (
                    ident::snake(&t.name),
                    Path::root().key("resource_templates").index(i).key("name"),
                    format!("the resource template `{}`", t.name),
                )
            }));
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

    /// Warnings: the spec works, but clients may handle it badly.
    fn lints(&mut self, spec: &Spec) {
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
        for (path, what, description) in described {
            match description {
                None | Some("") => self.warn(
                    path,
                    format!("{what} has no description"),
                    "add `description:`: the model reads it to decide when and how to use it",
                ),
                Some(text) if text.chars().count() > MAX_DESCRIPTION => self.warn(
                    path.key("description"),
                    format!("the description of {what} is {} characters; some clients cut descriptions at {MAX_DESCRIPTION}", text.chars().count()),
                    "shorten it, putting what matters first",
                ),
                Some(_) => {}
            }
        }
    }

    fn warn(&mut self, path: Path, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(path, message).with_help(help));
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
