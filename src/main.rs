//! The `mcpgen` command line: parses the arguments and runs the command,
//! which lives in the library.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use mcpgen::{Example, MessageFormat, Report, regen, schema};

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
        client: mcpgen::clients::Client,
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
    /// Write a spec from another description of a server.
    #[command(subcommand)]
    Import(Import),
    /// Print the JSON Schema of the spec format, for editors and CI.
    ///
    /// Point a spec at it with a first line such as
    /// `# yaml-language-server: $schema=mcpgen.schema.json` to get
    /// completion and validation in VS Code and other editors.
    Schema,
}

#[derive(Debug, Subcommand)]
enum Import {
    /// Write a spec whose tools call the operations of an OpenAPI 3.0 or
    /// 3.1 document (JSON or YAML).
    ///
    /// Each operation becomes a tool bound to it: the generated server makes
    /// the HTTP call, so the tools need no handler code. Importing again
    /// writes the same spec for the same document and options.
    Openapi {
        /// The OpenAPI document.
        file: PathBuf,
        /// The spec to write [default: stdout]
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Keep only operations with this tag (repeatable).
        #[arg(long, value_name = "TAG")]
        tag: Vec<String>,
        /// Leave out operations with this tag (repeatable).
        #[arg(long, value_name = "TAG")]
        exclude_tag: Vec<String>,
        /// Keep only paths that match this glob: `*` within a segment, `**`
        /// across segments (repeatable).
        #[arg(long, value_name = "GLOB")]
        path: Vec<String>,
        /// Leave out paths that match this glob (repeatable).
        #[arg(long, value_name = "GLOB")]
        exclude_path: Vec<String>,
        /// Keep only this HTTP method (repeatable).
        #[arg(long, value_name = "METHOD")]
        method: Vec<String>,
        /// Keep only the operation with this operationId (repeatable).
        #[arg(long, value_name = "ID")]
        operation: Vec<String>,
        /// Leave out the operation with this operationId (repeatable).
        #[arg(long, value_name = "ID")]
        exclude_operation: Vec<String>,
        /// Name the tool of an operation: `operationId=tool_name` (repeatable).
        #[arg(long, value_name = "ID=NAME", value_parser = parse_rename)]
        rename: Vec<(String, String)>,
        /// The server's name [default: from the document's title]
        #[arg(long)]
        name: Option<String>,
        /// The API's base URL [default: the document's first server]
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Read the files that `$ref`s name, relative to the document (never
        /// URLs or absolute paths); without it, such a `$ref` is an error
        #[arg(long)]
        allow_external_refs: bool,
    },
}

fn parse_rename(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(id, name)| (id.to_owned(), name.to_owned()))
        .filter(|(id, name)| !id.is_empty() && !name.is_empty())
        .ok_or_else(|| "expected `operationId=tool_name`".to_owned())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = Report {
        format: cli.message_format,
        deny_warnings: cli.deny_warnings,
    };
    let result = match cli.command {
        Command::New { spec, out, force } => mcpgen::new(&spec, out, force, format),
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
            Some(spec) if mcpgen::is_spec(&spec) && !frozen => mcpgen::check(&spec, format),
            Some(spec) if mcpgen::is_spec(&spec) => regen::check(None, Some(&spec), true, format),
            dir => regen::check(dir.as_deref(), None, frozen, format),
        },
        Command::Install {
            client,
            crate_dir,
            config,
            project,
            http,
            dry_run,
        } => mcpgen::install_client(
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
        } => mcpgen::bundle(
            crate_dir.as_deref(),
            mcpgen::bundle::Options {
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
        } => mcpgen::registry(
            crate_dir.as_deref(),
            &mcpgen::registry::Options {
                name: name.as_deref(),
                mcpb_url: mcpb_url.as_deref(),
                mcpb_file: mcpb_file.as_deref(),
                http_url: http_url.as_deref(),
            },
            out,
            format,
        ),
        Command::Init { dir, example } => {
            mcpgen::init(dir.unwrap_or_else(|| PathBuf::from(".")), example)
        }
        Command::Import(Import::Openapi {
            file,
            out,
            tag,
            exclude_tag,
            path,
            exclude_path,
            method,
            operation,
            exclude_operation,
            rename,
            name,
            base_url,
            allow_external_refs,
        }) => mcpgen::openapi::run(
            &file,
            out.as_deref(),
            &mcpgen::openapi::Options {
                tags: tag,
                exclude_tags: exclude_tag,
                paths: path,
                exclude_paths: exclude_path,
                methods: method,
                operations: operation,
                exclude_operations: exclude_operation,
                renames: rename,
                name,
                base_url,
                external_refs: allow_external_refs.then(|| {
                    file.parent()
                        .filter(|dir| !dir.as_os_str().is_empty())
                        .unwrap_or(std::path::Path::new("."))
                        .to_owned()
                }),
            },
            format,
        ),
        Command::Schema => {
            print!("{}", schema::json());
            Ok(())
        }
    };
    mcpgen::exit_code(result)
}
