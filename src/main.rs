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
    /// Build a generated server and add it to an MCP client's configuration.
    #[command(subcommand)]
    Install(InstallTarget),
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

#[derive(Debug, Subcommand)]
enum InstallTarget {
    /// Build the release binary, then add or update the server's entry in
    /// `claude_desktop_config.json`, keeping every other entry and setting.
    ///
    /// The old file is kept as `claude_desktop_config.json.bak`. Also prints
    /// the `claude mcp add` command for Claude Code, and a generic
    /// `mcpServers` entry for other clients.
    ClaudeDesktop {
        /// The generated crate [default: the crate around the current directory]
        crate_dir: Option<PathBuf>,
        /// The configuration file [default: Claude Desktop's, for this platform]
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print the new configuration instead of writing it.
        #[arg(long)]
        dry_run: bool,
    },
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
        Command::Install(InstallTarget::ClaudeDesktop {
            crate_dir,
            config,
            dry_run,
        }) => mcpgen::install_claude_desktop(crate_dir.as_deref(), config, dry_run, format),
        Command::Init { dir, example } => {
            mcpgen::init(dir.unwrap_or_else(|| PathBuf::from(".")), example)
        }
        Command::Schema => {
            print!("{}", schema::json());
            Ok(())
        }
    };
    mcpgen::exit_code(result)
}
