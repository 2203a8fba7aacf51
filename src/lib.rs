//! mcpgen: generate a Rust MCP server crate from a YAML spec.
//!
//! The pipeline, one module per stage: [`parse`] the spec, [`validate`] it
//! into a [`valid::Valid`] spec, build the [`model`], [`render`] the
//! templates, [`write`] the files. [`load`] runs the stages up to rendering;
//! [`regen`] runs them again on a crate as its spec changes, keeping the
//! user's code. The `mcpgen` binary only maps its command line onto the
//! commands here.

pub mod bundle;
pub mod clients;
pub mod diagnostic;
mod install;
mod jsonc;
mod lock;
mod manifest;
pub mod model;
pub mod openapi;
pub mod parse;
pub mod regen;
pub mod registry;
pub mod render;
pub mod schema;
pub mod source_map;
pub mod spec;
#[cfg(test)]
mod spec_fuzz;
mod stubs;
pub mod valid;
pub mod validate;
pub mod write;

use std::{
    collections::HashMap,
    fs,
    io::IsTerminal,
    path::{Path, PathBuf},
    process::ExitCode,
};

use crate::{
    diagnostic::{Diagnostic, Path as SpecPath},
    lock::LOCK_FILE,
    render::File,
    source_map::SourceMap,
};

/// How diagnostics are reported.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub format: MessageFormat,
    pub deny_warnings: bool,
}

/// How spec errors and warnings are printed: for people, or one JSON object
/// per line for editors and CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

/// The starter specs of `mcpgen init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Example {
    Minimal,
    Notes,
}

/// Exit codes: 0 for success; 1 for an invalid spec, or a crate that is not
/// what its spec gives; 2 for bad usage, I/O, or a refusal to overwrite edits.
const EXIT_INVALID_SPEC: u8 = 1;
const EXIT_USAGE_OR_IO: u8 = 2;

/// The exit code of a command's result, printing an I/O failure.
pub fn exit_code(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::InvalidSpec | Failure::Drift) => ExitCode::from(EXIT_INVALID_SPEC),
        Err(Failure::Io(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE_OR_IO)
        }
    }
}

/// The largest file a spec may embed as a resource.
const MAX_EMBEDDED_FILE: usize = 1 << 20;

/// Why a command failed.
pub enum Failure {
    /// Diagnostics were printed already.
    InvalidSpec,
    /// A crate is not what its spec gives; the difference was printed.
    Drift,
    Io(String),
}

/// Whether a `check` argument names a spec rather than a crate.
pub fn is_spec(path: &Path) -> bool {
    let crate_file = path
        .file_name()
        .is_some_and(|name| name == LOCK_FILE || name == "Cargo.toml");
    !path.is_dir() && !crate_file
}

/// A spec that passed every stage up to rendering.
pub struct Loaded {
    pub spec: spec::Spec,
    pub model: model::Model,
    pub files: Vec<File>,
}

/// Runs parse → validate → model → render, printing diagnostics.
pub fn load(path: &Path, report_as: Report) -> Result<Loaded, Failure> {
    let bytes = fs::read(path)
        .map_err(|error| Failure::Io(format!("cannot read `{}`: {error}", path.display())))?;
    // Text that is not UTF-8 is shown as far as it goes; parsing reports it.
    let source = String::from_utf8_lossy(&bytes).into_owned();
    let shown = path.display().to_string();
    let map = SourceMap::new(&source);
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let Report {
        format,
        deny_warnings,
    } = report_as;
    let is_fatal = |d: &Diagnostic| d.is_error() || deny_warnings;
    let report = |diagnostics: &[Diagnostic]| {
        for diagnostic in diagnostics {
            match format {
                MessageFormat::Human => {
                    eprintln!("{}", diagnostic.render(&shown, &source, &map, color))
                }
                MessageFormat::Json => eprintln!("{}", diagnostic.to_json(&shown, &map)),
            }
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = diagnostics.len() - errors;
        if format == MessageFormat::Human && !diagnostics.is_empty() {
            let verdict = if diagnostics.iter().any(is_fatal) {
                "error: could not use"
            } else {
                "warning: checked"
            };
            eprintln!(
                "{verdict} `{shown}`: {}",
                diagnostic::summary(errors, warnings)
            );
        }
    };

    let parsed = parse::parse_bytes(&bytes);
    let mut diagnostics = parsed.errors;
    let Some(spec) = parsed.spec else {
        report(&diagnostics);
        return Err(Failure::InvalidSpec);
    };
    let validated = validate::validate(&spec);
    diagnostics.extend(validated.diagnostics);
    let base = path.parent().unwrap_or(Path::new("."));
    let mut read = |file: &str, at: SpecPath, what: &str| match fs::read(base.join(file)) {
        Ok(bytes) if bytes.len() > MAX_EMBEDDED_FILE => {
            diagnostics.push(
                Diagnostic::error(at, format!("the {what} `{file}` is over 1 MiB"))
                    .with_help("serve large content from a handler instead"),
            );
            None
        }
        Ok(bytes) => Some(bytes),
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(at, format!("cannot read the {what} `{file}`: {error}"))
                    .with_help("give a path relative to the spec file"),
            );
            None
        }
    };
    let seed = spec.handlers.as_deref().and_then(|file| {
        let bytes = read(file, SpecPath::root().key("handlers"), "handlers file")?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    });
    let mut files = HashMap::new();
    for (i, resource) in spec.resources.iter().enumerate() {
        if let Some(file) = &resource.file {
            let at = SpecPath::root().key("resources").index(i).key("file");
            if let Some(bytes) = read(file, at, "resource file") {
                files.insert(file.clone(), bytes);
            }
        }
    }
    report(&diagnostics);
    let Some(valid) = validated
        .valid
        .filter(|_| !diagnostics.iter().any(is_fatal))
    else {
        return Err(Failure::InvalidSpec);
    };

    let spec_file = path
        .file_name()
        .map_or_else(|| shown.clone(), |name| name.to_string_lossy().into_owned());
    let model = model::build(&valid, &spec_file, &files);
    let files = render::render(&model, seed.as_deref())
        .map_err(|error| Failure::Io(format!("internal error: a template failed: {error}")))?;
    Ok(Loaded {
        spec: valid.spec,
        model,
        files,
    })
}

pub fn check(path: &Path, format: Report) -> Result<(), Failure> {
    let loaded = load(path, format)?;
    let spec = &loaded.spec;
    println!(
        "`{}` is valid: {} tools, {} resources, {} resource templates, {} prompts",
        path.display(),
        spec.tools.len(),
        spec.resources.len(),
        spec.resource_templates.len(),
        spec.prompts.len()
    );
    Ok(())
}

pub fn new(path: &Path, out: Option<PathBuf>, force: bool, format: Report) -> Result<(), Failure> {
    let loaded = load(path, format)?;
    let name = &loaded.spec.server.name;
    let dir = out.unwrap_or_else(|| PathBuf::from(name));
    let changes = regen::create(path, &dir, &loaded, force)?;

    println!(
        "Created `{name}` in {} from {}",
        dir.display(),
        path.display()
    );
    regen::print_changes(&changes, false);

    let absolute = fs::canonicalize(&dir).unwrap_or(dir.clone());
    // Where `cargo build --release`, run in the crate, puts the binary.
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => absolute.join(target),
        None => absolute.join("target"),
    };
    let binary = target.join("release").join(name);
    let config = serde_json::json!({ "mcpServers": { name.as_str(): { "command": binary } } });
    println!();
    println!("Next:");
    println!("  cd {} && cargo build --release", dir.display());
    println!("  Add to claude_desktop_config.json, then restart Claude Desktop:");
    for line in serde_json::to_string_pretty(&config)
        .unwrap_or_default()
        .lines()
    {
        println!("    {line}");
    }
    println!(
        "  Try it in the MCP Inspector: npx @modelcontextprotocol/inspector {}",
        binary.display()
    );
    if loaded.spec.server.http {
        let url = format!("http://{}{}", model::HTTP_DEFAULT_ADDR, model::HTTP_PATH);
        let config = serde_json::json!({
            "mcpServers": { name.as_str(): { "type": "http", "url": url } }
        });
        println!(
            "  Or serve it over HTTP at {url}: {} --http",
            binary.display()
        );
        println!("    and connect HTTP clients, e.g. in .mcp.json: {config}");
    }
    Ok(())
}

pub fn init(dir: PathBuf, example: Example) -> Result<(), Failure> {
    let files: &[(&str, &str)] = match example {
        Example::Minimal => &[("server.yaml", include_str!("../templates/init/server.yaml"))],
        Example::Notes => &[
            ("notes.yaml", include_str!("../specs/notes.yaml")),
            ("notes.rs", include_str!("../specs/notes.rs")),
        ],
    };
    let schema = schema::json();
    let files: Vec<(&str, &str)> = files
        .iter()
        .copied()
        .chain([("mcpgen.schema.json", schema.as_str())])
        .collect();
    // Nothing is written unless every file can be; an identical file is fine.
    for (name, contents) in &files {
        let path = dir.join(name);
        if path.exists() && fs::read_to_string(&path).ok().as_deref() != Some(*contents) {
            return Err(Failure::Io(format!(
                "`{}` exists already; mcpgen init never overwrites a file\n  = help: pick another directory",
                path.display()
            )));
        }
    }
    fs::create_dir_all(&dir)
        .map_err(|error| Failure::Io(format!("cannot create `{}`: {error}", dir.display())))?;
    for (name, contents) in &files {
        let path = dir.join(name);
        fs::write(&path, contents)
            .map_err(|error| Failure::Io(format!("cannot write `{}`: {error}", path.display())))?;
        println!("  created {}", path.display());
    }
    let spec = dir.join(files[0].0);
    println!();
    println!("Next: edit {}, then", spec.display());
    println!("  mcpgen new {}", spec.display());
    Ok(())
}

pub fn install_client(
    client: clients::Client,
    crate_dir: Option<&Path>,
    config: Option<PathBuf>,
    project: bool,
    http: Option<&str>,
    dry_run: bool,
    report: Report,
) -> Result<(), Failure> {
    use clients::{Client, Transport};
    let (root, loaded) = regen::load_crate(crate_dir, report)?;
    let name = loaded.model.crate_name.clone();
    if client == Client::ClaudeDesktop && http.is_some() {
        return Err(Failure::Io(
            "Claude Desktop's configuration file runs local servers only
  = help: add a remote server in Claude Desktop's Settings > Connectors, or install it without `--http`".to_owned(),
        ));
    }
    let config = if client == Client::McpJson {
        None
    } else {
        let path = config.or_else(|| client.config_path(project));
        Some(path.ok_or_else(|| {
            Failure::Io(format!(
                "cannot tell where {} keeps its configuration{}
  = help: pass `--config PATH`",
                client.label(),
                if project { " for a project" } else { "" }
            ))
        })?)
    };
    let existing = match &config {
        None => None,
        Some(path) => match fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(Failure::Io(format!(
                    "cannot read `{}`: {error}",
                    path.display()
                )));
            }
        },
    };
    // Refuse a broken file before spending a build on it.
    if let Some(path) = &config {
        let probe = clients::Install {
            entry: serde_json::json!({}),
            inputs: Vec::new(),
            unset_secrets: Vec::new(),
        };
        clients::updated(client, existing.as_deref(), path, &name, &probe)?;
    }
    let binary;
    let transport = match http {
        Some(url) => Transport::Http(url),
        None => {
            let built = install::build_release(&root, &name)?;
            binary = fs::canonicalize(&built).unwrap_or(built);
            Transport::Stdio(&binary)
        }
    };
    let install = clients::entry(client, &transport, &loaded);
    let Some(config) = config else {
        let snippet = serde_json::json!({ "mcpServers": { name.as_str(): install.entry } });
        println!(
            "{}",
            serde_json::to_string_pretty(&snippet).unwrap_or_default()
        );
        return Ok(());
    };
    let updated = clients::updated(client, existing.as_deref(), &config, &name, &install)?;
    if existing.as_deref() == Some(updated.as_str()) {
        println!(
            "`{name}` is already in {}, as it would be written; nothing changed",
            config.display()
        );
    } else if dry_run {
        println!("Would write {}:", config.display());
        print!(
            "{}",
            similar::TextDiff::from_lines(existing.as_deref().unwrap_or(""), &updated)
                .unified_diff()
                .header(&config.display().to_string(), &config.display().to_string())
        );
    } else {
        let backup = install::write_with_backup(&config, &updated)?;
        println!("Added `{name}` to {}", config.display());
        if let Some(backup) = backup {
            println!("  the previous file is kept as {}", backup.display());
        }
        println!("  restart {} to load it", client.label());
    }
    for var in &install.unset_secrets {
        println!(
            "  the secret `{var}` is not written to the file: set it in the environment {} starts from",
            client.label()
        );
    }
    if client == Client::ClaudeDesktop {
        println!();
        println!("For Claude Code:");
        println!("  {}", install::claude_code_command(&name, &install.entry));
        println!("For other clients, an `mcpServers` entry:");
        let snippet = serde_json::json!({ "mcpServers": { name.as_str(): install.entry } });
        for line in serde_json::to_string_pretty(&snippet)
            .unwrap_or_default()
            .lines()
        {
            println!("  {line}");
        }
    }
    Ok(())
}

pub fn bundle(
    crate_dir: Option<&Path>,
    options: bundle::Options,
    report: Report,
) -> Result<(), Failure> {
    let (root, spec, loaded) = regen::load_crate_and_spec(crate_dir, report)?;
    let path = bundle::bundle(&root, &spec, &loaded, &options)?;
    println!("Wrote {}", path.display());
    println!("  open it with Claude Desktop (or drag it onto Settings > Extensions) to install it");
    Ok(())
}

pub fn registry(
    crate_dir: Option<&Path>,
    options: &registry::Options,
    out: Option<PathBuf>,
    report: Report,
) -> Result<(), Failure> {
    let (root, loaded) = regen::load_crate(crate_dir, report)?;
    let document = registry::server_json(&loaded, options)?;
    let path = out.unwrap_or_else(|| root.join("server.json"));
    let mut text = serde_json::to_string_pretty(&document).expect("JSON serializes");
    text.push('\n');
    install::write_with_backup(&path, &text)?;
    println!("Wrote {}", path.display());
    println!(
        "  Add this line to the crate's README.md, which crates.io shows and the registry checks:"
    );
    println!(
        "  mcp-name: {}",
        document["name"].as_str().unwrap_or_default()
    );
    println!("  then `cargo publish`, and `mcp-publisher publish` to list it");
    Ok(())
}
