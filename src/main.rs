//! mcpgen: generate a Rust MCP server crate from a YAML spec.
//!
//! The pipeline, one module per stage: [`parse`] the spec, [`validate`] it,
//! build the [`model`], [`render`] the templates, [`write`] the files.
//! [`regen`] runs it again on a crate as its spec changes, keeping the
//! user's code.

mod bundle;
mod clients;
mod diagnostic;
mod install;
mod jsonc;
mod lock;
mod manifest;
mod model;
mod parse;
mod regen;
mod registry;
mod render;
mod schema;
mod source_map;
mod spec;
#[cfg(test)]
mod spec_fuzz;
mod stubs;
mod validate;
mod write;

use std::{
    collections::HashMap,
    fs,
    io::IsTerminal,
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Parser, Subcommand};

use crate::{
    diagnostic::{Diagnostic, Path as SpecPath},
    lock::LOCK_FILE,
    render::File,
    source_map::SourceMap,
};

/// Generate a complete Rust MCP server crate from a YAML spec.
///
/// The spec lists the server's tools, resources and prompts. mcpgen writes a
/// crate built on rmcp, the official Rust SDK: a generated `src/server.rs`
/// that speaks the protocol, and a `src/handlers.rs` of your own that
/// implements each tool and dynamic resource.
#[derive(Debug, Parser)]
#[command(version, propagate_version = true)]
struct Cli {
    /// How to print spec errors and warnings: for people, or one JSON object
    /// per line for editors and CI.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Treat warnings (lints) as errors.
    #[arg(long, global = true)]
    deny_warnings: bool,
    #[command(subcommand)]
    command: Command,
}

/// How diagnostics are reported.
#[derive(Debug, Clone, Copy)]
struct Report {
    format: MessageFormat,
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new server crate from a spec.
    ///
    /// Files that mcpgen owns carry an `@generated` header. Files that you own
    /// (src/handlers.rs, README.md) are written only when missing. Cargo.toml
    /// is yours but for the entries mcpgen owns. mcpgen.lock records the spec.
    New {
        /// The spec file, e.g. specs/notes.yaml.
        spec: PathBuf,
        /// The crate directory [default: the server's name]
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write into a directory that is not empty, regenerating the files
        /// mcpgen owns; files you own are still never overwritten.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate a crate from its spec, keeping every edit of yours.
    ///
    /// Rewrites the `@generated` files and updates the Cargo.toml entries
    /// that mcpgen owns; never touches src/handlers.rs or other files of
    /// yours. Refuses, naming the file, if a generated file was edited by
    /// hand. Then names the methods that src/handlers.rs lacks or no longer
    /// needs.
    #[command(visible_alias = "update")]
    Generate {
        /// The crate [default: the one around the current directory]
        crate_dir: Option<PathBuf>,
        /// Regenerate from this spec, and record it in mcpgen.lock
        /// [default: the spec that mcpgen.lock records]
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Overwrite hand edits of generated files, and let the spec win
        /// conflicts in Cargo.toml.
        #[arg(long)]
        force: bool,
        /// Show which files would change, and how, as a diff; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Append a stub for each method that src/handlers.rs lacks.
    ///
    /// Inserts them before the closing brace of `impl Handler for ...`,
    /// leaving every other byte of the file as it was.
    Stubs {
        /// The crate [default: the one around the current directory]
        crate_dir: Option<PathBuf>,
        /// Show the stubs as a diff; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Validate a spec and report every problem; write nothing.
    ///
    /// With `--frozen`, also fail if a crate's generated files are not what
    /// its spec gives now, showing the difference: a guard against drift in
    /// CI.
    Check {
        /// A spec file, or a crate directory to check its spec
        /// [default: the crate around the current directory]
        path: Option<PathBuf>,
        /// Fail if the generated files are not what the spec gives. With a
        /// spec, checks the crate around the current directory against it.
        #[arg(long)]
        frozen: bool,
    },
    /// Add a generated server to an MCP client's configuration.
    ///
    /// Builds the release binary (unless `--http` names a URL), then adds or
    /// updates the server's entry in the client's own file and format,
    /// keeping every other entry, comment and byte. The old file is kept as
    /// `<file>.bak`; the new one is written atomically; a file that cannot
    /// be parsed is refused and left alone. Running it again changes nothing.
    Install {
        /// claude-desktop, claude-code, cursor, vscode, codex, gemini, zed,
        /// windsurf; or mcp-json to print the generic `mcpServers` entry.
        #[arg(value_enum)]
        client: clients::Client,
        /// The generated crate [default: the crate around the current directory]
        crate_dir: Option<PathBuf>,
        /// The configuration file [default: the client's, for this user or
        /// with `--project` for the current directory]
        #[arg(long)]
        config: Option<PathBuf>,
        /// Write the project's file (`.mcp.json`, `.cursor/mcp.json`,
        /// `.vscode/mcp.json`, `.gemini/settings.json`, `.codex/config.toml`,
        /// `.zed/settings.json`) in the current directory instead of the
        /// user's.
        #[arg(long)]
        project: bool,
        /// Connect to the server at this streamable HTTP URL (say
        /// `http://127.0.0.1:8000/mcp`, where `SERVER --http` listens)
        /// instead of running it over stdio.
        #[arg(long, value_name = "URL")]
        http: Option<String>,
        /// Show the change as a diff; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Build the server and write an MCP Bundle (`.mcpb`) for Claude Desktop.
    ///
    /// Writes `<name>-<version>-<os>-<arch>.mcpb`: a manifest (version 0.3)
    /// drawn from the spec, the binary, and the spec's icon. Each setting
    /// becomes a `user_config` entry that Claude Desktop asks for; secrets
    /// are `sensitive`, kept in the OS keychain, and passed in the
    /// environment only.
    Bundle {
        /// The generated crate [default: the crate around the current directory]
        crate_dir: Option<PathBuf>,
        /// The cargo profile to build with.
        #[arg(long, default_value = "dist")]
        profile: String,
        /// Build for this Rust target triple, whose standard library must be
        /// installed (`rustup target add TRIPLE`) [default: this machine's]
        #[arg(long, value_name = "TRIPLE")]
        target: Option<String>,
        /// The directory to write the bundle into [default: the crate's]
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Write `server.json`, which lists the server in the MCP Registry.
    ///
    /// Describes a `cargo` package (the crate, to publish on crates.io), an
    /// `mcpb` package when `--mcpb-url` is given, and a remote when
    /// `--http-url` is. Prints the `mcp-name:` line that the crate's README
    /// must hold for the registry to accept the cargo package.
    Registry {
        /// The generated crate [default: the crate around the current directory]
        crate_dir: Option<PathBuf>,
        /// The registry name, `NAMESPACE/NAME` [default:
        /// `io.github.OWNER/<name>` from a GitHub `server.repository`]
        #[arg(long)]
        name: Option<String>,
        /// Where the bundle is downloaded from, e.g. a release asset's URL.
        #[arg(long, value_name = "URL", requires = "mcpb_file")]
        mcpb_url: Option<String>,
        /// The bundle that `--mcpb-url` serves, to record its SHA-256.
        #[arg(long, value_name = "PATH", requires = "mcpb_url")]
        mcpb_file: Option<PathBuf>,
        /// Where the server is served over streamable HTTP.
        #[arg(long, value_name = "URL")]
        http_url: Option<String>,
        /// The file to write [default: server.json in the crate]
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Write a starter spec, ready for `mcpgen new`.
    Init {
        /// The directory to write into [default: the current directory]
        dir: Option<PathBuf>,
        /// `minimal`: one commented tool, resource and prompt; `notes`: the
        /// notes server, with its handlers.
        #[arg(long, value_enum, default_value_t = Example::Minimal)]
        example: Example,
    },
    /// Print the JSON Schema of the spec format, for editors and CI.
    ///
    /// Point a spec at it with a first line such as
    /// `# yaml-language-server: $schema=mcpgen.schema.json` to get
    /// completion and validation in VS Code and other editors.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Example {
    Minimal,
    Notes,
}

/// Exit codes: 0 for success; 1 for an invalid spec, or a crate that is not
/// what its spec gives; 2 for bad usage, I/O, or a refusal to overwrite edits.
const EXIT_INVALID_SPEC: u8 = 1;
const EXIT_USAGE_OR_IO: u8 = 2;

/// The largest file a spec may embed as a resource.
const MAX_EMBEDDED_FILE: usize = 1 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = Report {
        format: cli.message_format,
        deny_warnings: cli.deny_warnings,
    };
    let result = match cli.command {
        Command::New { spec, out, force } => new(&spec, out, force, format),
        Command::Generate {
            crate_dir,
            spec,
            force,
            dry_run,
        } => regen::generate(
            crate_dir.as_deref(),
            spec.as_deref(),
            force,
            dry_run,
            format,
        ),
        Command::Stubs { crate_dir, dry_run } => {
            regen::stubs(crate_dir.as_deref(), dry_run, format)
        }
        Command::Check { path, frozen } => match path {
            Some(spec) if is_spec(&spec) && !frozen => check(&spec, format),
            Some(spec) if is_spec(&spec) => regen::check(None, Some(&spec), true, format),
            dir => regen::check(dir.as_deref(), None, frozen, format),
        },
        Command::Install {
            client,
            crate_dir,
            config,
            project,
            http,
            dry_run,
        } => install_client(
            client,
            crate_dir.as_deref(),
            config,
            project,
            http.as_deref(),
            dry_run,
            format,
        ),
        Command::Bundle {
            crate_dir,
            profile,
            target,
            out,
        } => bundle(
            crate_dir.as_deref(),
            bundle::Options {
                profile,
                target,
                out,
            },
            format,
        ),
        Command::Registry {
            crate_dir,
            name,
            mcpb_url,
            mcpb_file,
            http_url,
            out,
        } => registry(
            crate_dir.as_deref(),
            &registry::Options {
                name: name.as_deref(),
                mcpb_url: mcpb_url.as_deref(),
                mcpb_file: mcpb_file.as_deref(),
                http_url: http_url.as_deref(),
            },
            out,
            format,
        ),
        Command::Init { dir, example } => init(dir.unwrap_or_else(|| PathBuf::from(".")), example),
        Command::Schema => {
            print!("{}", schema::json());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::InvalidSpec | Failure::Drift) => ExitCode::from(EXIT_INVALID_SPEC),
        Err(Failure::Io(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE_OR_IO)
        }
    }
}

enum Failure {
    /// Diagnostics were printed already.
    InvalidSpec,
    /// A crate is not what its spec gives; the difference was printed.
    Drift,
    Io(String),
}

/// Whether a `check` argument names a spec rather than a crate.
fn is_spec(path: &Path) -> bool {
    let crate_file = path
        .file_name()
        .is_some_and(|name| name == LOCK_FILE || name == "Cargo.toml");
    !path.is_dir() && !crate_file
}

/// A spec that passed every stage up to rendering.
struct Loaded {
    spec: spec::Spec,
    model: model::Model,
    files: Vec<File>,
}

/// Runs parse → validate → model → render, printing diagnostics.
fn load(path: &Path, report_as: Report) -> Result<Loaded, Failure> {
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
    diagnostics.extend(validate::validate(&spec));
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
    if diagnostics.iter().any(is_fatal) {
        return Err(Failure::InvalidSpec);
    }

    let spec_file = path
        .file_name()
        .map_or_else(|| shown.clone(), |name| name.to_string_lossy().into_owned());
    let model = model::build(&spec, &spec_file, &files);
    let files = render::render(&model, seed.as_deref())
        .map_err(|error| Failure::Io(format!("internal error: a template failed: {error:?}")))?;
    Ok(Loaded { spec, model, files })
}

fn check(path: &Path, format: Report) -> Result<(), Failure> {
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

fn new(path: &Path, out: Option<PathBuf>, force: bool, format: Report) -> Result<(), Failure> {
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

fn init(dir: PathBuf, example: Example) -> Result<(), Failure> {
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

fn install_client(
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

fn bundle(
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

fn registry(
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
