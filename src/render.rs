//! Stage 4: render the model through the embedded tera templates.

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use crate::model::{Model, rust::string_literal};

/// Who owns a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// mcpgen: the file carries an `@generated` header and is rewritten on
    /// every generation.
    Mcpgen,
    /// The user: written once, when missing, and never overwritten.
    User,
    /// Both: written whole once, then merged, mcpgen updating only the
    /// entries it owns (Cargo.toml; see [`crate::manifest`]).
    Shared,
}

/// A rendered file, relative to the crate root.
#[derive(Debug, Clone)]
pub struct File {
    pub path: &'static str,
    pub owner: Owner,
    pub contents: String,
}

/// The templates, compiled into the binary so that mcpgen works from any
/// directory: (output path, template name, source, owner).
#[rustfmt::skip]
const TEMPLATES: &[(&str, &str, &str, Owner)] = &[
    ("Cargo.toml", "Cargo.toml", include_str!("../templates/Cargo.toml.tera"), Owner::Shared),
    ("README.md", "README.md", include_str!("../templates/README.md.tera"), Owner::User),
    (".gitignore", ".gitignore", "/target\n", Owner::User),
    ("src/lib.rs", "lib.rs", include_str!("../templates/lib.rs.tera"), Owner::Mcpgen),
    ("src/main.rs", "main.rs", include_str!("../templates/main.rs.tera"), Owner::Mcpgen),
    ("src/server.rs", "server.rs", include_str!("../templates/server.rs.tera"), Owner::Mcpgen),
    ("src/stdio.rs", "stdio.rs", include_str!("../templates/stdio.rs.tera"), Owner::Mcpgen),
    ("src/http.rs", "http.rs", include_str!("../templates/http.rs.tera"), Owner::Mcpgen),
    ("src/auth.rs", "auth.rs", include_str!("../templates/auth.rs.tera"), Owner::Mcpgen),
    ("src/upstream.rs", "upstream.rs", include_str!("../templates/upstream.rs.tera"), Owner::Mcpgen),
    ("src/context.rs", "context.rs", include_str!("../templates/context.rs.tera"), Owner::Mcpgen),
    ("src/notify.rs", "notify.rs", include_str!("../templates/notify.rs.tera"), Owner::Mcpgen),
    ("tests/mcp.rs", "tests.rs", include_str!("../templates/tests.rs.tera"), Owner::Mcpgen),
    ("src/handlers.rs", "handlers.rs", include_str!("../templates/handlers.rs.tera"), Owner::User),
];

/// The marker that identifies a file mcpgen owns.
pub const GENERATED_MARKER: &str = "@generated";

/// Renders every file of the crate. `handlers_seed` replaces the default
/// `src/handlers.rs` starter.
pub fn render(model: &Model, handlers_seed: Option<&str>) -> Result<Vec<File>, tera::Error> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.register_filter("rust_str", |text: &str, _: Kwargs, _: &State| {
        string_literal(text)
    });
    tera.register_filter("filter", filter);
    for (_, name, source, _) in TEMPLATES {
        tera.add_raw_template(name, source)?;
    }
    let mut context = Context::from_serialize(model)?;
    context.insert(
        "header",
        &format!(
            "// {GENERATED_MARKER} by mcpgen {} from {}. Do not edit: mcpgen rewrites this file.",
            model.mcpgen_version, model.spec_file
        ),
    );
    TEMPLATES
        .iter()
        // A spec with `http: false` gets a crate without any HTTP code.
        .filter(|&&(path, ..)| model.http || path != "src/http.rs")
        // Only a spec with `auth` gets the OAuth resource server.
        .filter(|&&(path, ..)| model.auth.is_some() || path != "src/auth.rs")
        // Only a spec with bound tools calls an upstream API.
        .filter(|&&(path, ..)| model.upstream.is_some() || path != "src/upstream.rs")
        // Only a spec whose handlers take a context gets one.
        .filter(|&&(path, ..)| model.has_context || path != "src/context.rs")
        .filter(|&&(path, ..)| model.has_subscriptions || path != "src/notify.rs")
        .map(|&(path, name, _, owner)| {
            let contents = match (path, handlers_seed) {
                ("src/handlers.rs", Some(seed)) => seed.to_owned(),
                _ if path.ends_with(".rs") => rustfmt(tera.render(name, &context)?),
                _ => tera.render(name, &context)?,
            };
            Ok(File {
                path,
                owner,
                contents,
            })
        })
        .collect()
}

/// Formats Rust source with rustfmt, the formatter `cargo fmt` runs, so that
/// generated code passes `cargo fmt --check`. Without rustfmt on the PATH,
/// the code is still valid, only less tidy.
pub fn rustfmt(source: String) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return source;
    };
    let fed = child
        .stdin
        .take()
        .is_some_and(|mut stdin| stdin.write_all(source.as_bytes()).is_ok());
    match child.wait_with_output() {
        Ok(output) if fed && output.status.success() => {
            String::from_utf8(output.stdout).unwrap_or(source)
        }
        _ => source,
    }
}

/// `list | filter(attribute="a")` keeps the items whose `a` is set (not
/// none), and `list | filter(attribute="a", value=v)` those whose `a` equals
/// `v`: tera 1's built-in `filter`, which tera 2 does not have.
fn filter(list: &[Value], kwargs: Kwargs, _: &State) -> TeraResult<Vec<Value>> {
    let attribute = kwargs.must_get::<&str>("attribute")?;
    let wanted = kwargs.get::<Value>("value")?;
    Ok(list
        .iter()
        .filter(|item| {
            let found = item.get_from_path(attribute).filter(|v| !v.is_none());
            match &wanted {
                None => found.is_some(),
                Some(wanted) => found == Some(wanted),
            }
        })
        .cloned()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(template: &str) -> String {
        let mut tera = Tera::new();
        tera.register_filter("filter", filter);
        tera.add_raw_template("t", template).unwrap();
        let items = serde_json::json!([
            {"n": 1, "a": "x", "b": true},
            {"n": 2, "a": null, "b": false},
            {"n": 3, "a": "", "b": true},
            {"n": 4},
        ]);
        let mut context = Context::new();
        context.insert("items", &items);
        tera.render("t", &context).unwrap()
    }

    #[test]
    fn filter_keeps_items_whose_attribute_is_set_or_equal() {
        // Set, even to an empty string; not null, not missing.
        let set = r#"{% for i in items | filter(attribute="a") %}{{ i.n }}{% endfor %}"#;
        assert_eq!(filtered(set), "13");
        let equal =
            r#"{% for i in items | filter(attribute="b", value=true) %}{{ i.n }}{% endfor %}"#;
        assert_eq!(filtered(equal), "13");
        let none = r#"{{ items | filter(attribute="c") | length }}"#;
        assert_eq!(filtered(none), "0");
    }
}
