//! `mcpgen install CLIENT`: the server's entry in each MCP client's own
//! configuration format, written into the file where that client reads it.
//!
//! Every JSON file is edited in place through [`crate::jsonc`], so other
//! entries, comments and formatting stay byte for byte; Codex's TOML through
//! toml_edit, which keeps comments likewise. Formats and places, from each
//! client's documentation:
//! - Claude Desktop: `mcpServers` in `claude_desktop_config.json`
//!   (modelcontextprotocol.io, "Connect to local MCP servers"); stdio only.
//! - Claude Code: `mcpServers` in `~/.claude.json` (user scope) or `.mcp.json`
//!   (project scope), with `"type": "stdio"` or `"type": "http"`; env values
//!   expand `${VAR}` (docs.claude.com, "Connect Claude Code to tools via MCP").
//! - Cursor: `mcpServers` in `~/.cursor/mcp.json` or `.cursor/mcp.json`;
//!   remote servers by `url`; env values interpolate `${env:VAR}`
//!   (cursor.com/docs, "Model Context Protocol").
//! - Windsurf: `mcpServers` in `~/.codeium/windsurf/mcp_config.json`;
//!   remote servers by `serverUrl` (docs.windsurf.com, "Cascade MCP").
//! - Gemini CLI: `mcpServers` in `~/.gemini/settings.json` or
//!   `.gemini/settings.json`; streamable HTTP by `httpUrl`; env values expand
//!   `$VAR` (gemini-cli docs, "MCP servers with the Gemini CLI").
//! - VS Code: `servers` and `inputs` in the user's `mcp.json` or
//!   `.vscode/mcp.json`, a file with comments; `"type": "stdio"`/`"http"`;
//!   `${input:ID}` asks the user for a `promptString` input, `password`
//!   hiding it (code.visualstudio.com, "MCP configuration reference").
//! - Codex: `[mcp_servers.NAME]` with `command`, `args`, `env`, or `url`, in
//!   `~/.codex/config.toml` or a trusted project's `.codex/config.toml`
//!   (developers.openai.com/codex, "Model Context Protocol").
//! - Zed: `context_servers` in `~/.config/zed/settings.json` or
//!   `.zed/settings.json`, a file with comments; `"source": "custom"` with
//!   `command`/`args`/`env`, or `url` (zed.dev/docs, "Model Context Protocol").

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::{Failure, Loaded, jsonc, model::SettingDefault};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Client {
    ClaudeDesktop,
    ClaudeCode,
    Cursor,
    Vscode,
    Codex,
    Gemini,
    Zed,
    Windsurf,
    /// Print the generic `mcpServers` entry; write nothing.
    McpJson,
}

/// How the client reaches the server.
pub enum Transport<'a> {
    /// Runs this binary.
    Stdio(&'a Path),
    /// Connects to a server already listening at this URL.
    Http(&'a str),
}

impl Client {
    pub fn label(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "Claude Desktop",
            Client::ClaudeCode => "Claude Code",
            Client::Cursor => "Cursor",
            Client::Vscode => "VS Code",
            Client::Codex => "Codex",
            Client::Gemini => "Gemini CLI",
            Client::Zed => "Zed",
            Client::Windsurf => "Windsurf",
            Client::McpJson => "a generic MCP client",
        }
    }

    /// The file the client reads: the user's, or with `project` the one in
    /// the current directory. `None` when there is no such place.
    pub fn config_path(self, project: bool) -> Option<PathBuf> {
        let home = dirs::home_dir();
        let cwd = PathBuf::from(".");
        match (self, project) {
            (Client::ClaudeDesktop, false) => crate::install::default_config(),
            (Client::ClaudeCode, false) => home.map(|h| h.join(".claude.json")),
            (Client::ClaudeCode, true) => Some(cwd.join(".mcp.json")),
            (Client::Cursor, false) => home.map(|h| h.join(".cursor/mcp.json")),
            (Client::Cursor, true) => Some(cwd.join(".cursor/mcp.json")),
            (Client::Windsurf, false) => home.map(|h| h.join(".codeium/windsurf/mcp_config.json")),
            (Client::Gemini, false) => home.map(|h| h.join(".gemini/settings.json")),
            (Client::Gemini, true) => Some(cwd.join(".gemini/settings.json")),
            (Client::Vscode, false) => vscode_user_dir().map(|d| d.join("mcp.json")),
            (Client::Vscode, true) => Some(cwd.join(".vscode/mcp.json")),
            (Client::Codex, false) => home.map(|h| h.join(".codex/config.toml")),
            (Client::Codex, true) => Some(cwd.join(".codex/config.toml")),
            (Client::Zed, false) => home.map(|h| h.join(".config/zed/settings.json")),
            (Client::Zed, true) => Some(cwd.join(".zed/settings.json")),
            _ => None,
        }
    }
}

/// VS Code's user settings folder on this platform.
fn vscode_user_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|h| h.join("Library/Application Support/Code/User"))
    } else if cfg!(windows) {
        std::env::var_os("APPDATA").map(|a| PathBuf::from(a).join("Code/User"))
    } else {
        dirs::config_dir().map(|c| c.join("Code/User"))
    }
}

/// A secret setting's env var, and the text the client puts in its place.
fn secret_reference(client: Client, var: &str) -> Option<String> {
    match client {
        Client::ClaudeCode => Some(format!("${{{var}}}")),
        Client::Cursor => Some(format!("${{env:{var}}}")),
        Client::Gemini => Some(format!("${{{var}}}")),
        Client::Vscode => Some(format!("${{input:{}}}", input_id(var))),
        _ => None,
    }
}

fn input_id(var: &str) -> String {
    var.to_ascii_lowercase().replace('_', "-")
}

/// What installing into one client writes.
pub struct Install {
    /// The entry under the server's name.
    pub entry: Value,
    /// VS Code's password inputs for secrets.
    pub inputs: Vec<Value>,
    /// Secret env vars the user must set where the client starts servers.
    pub unset_secrets: Vec<String>,
}

/// The entry for `client`.
pub fn entry(client: Client, transport: &Transport, loaded: &Loaded) -> Install {
    let mut inputs = Vec::new();
    let mut unset_secrets = Vec::new();
    let mut entry = Map::new();
    match transport {
        Transport::Http(url) => match client {
            Client::ClaudeCode | Client::Vscode => {
                entry.insert("type".into(), json!("http"));
                entry.insert("url".into(), json!(url));
            }
            Client::Windsurf => {
                entry.insert("serverUrl".into(), json!(url));
            }
            Client::Gemini => {
                entry.insert("httpUrl".into(), json!(url));
            }
            Client::Zed => {
                entry.insert("source".into(), json!("custom"));
                entry.insert("url".into(), json!(url));
            }
            _ => {
                entry.insert("url".into(), json!(url));
            }
        },
        Transport::Stdio(binary) => {
            let mut env = Map::new();
            for (setting, modeled) in loaded.spec.settings.iter().zip(&loaded.model.settings) {
                let Some(var) = &setting.env else { continue };
                if setting.secret {
                    match secret_reference(client, var) {
                        Some(reference) => {
                            env.insert(var.clone(), json!(reference));
                            if client == Client::Vscode {
                                inputs.push(json!({
                                    "type": "promptString",
                                    "id": input_id(var),
                                    "description": setting
                                        .description
                                        .clone()
                                        .unwrap_or_else(|| setting.name.clone()),
                                    "password": true,
                                }));
                            }
                        }
                        None => unset_secrets.push(var.clone()),
                    }
                    continue;
                }
                // A setting whose default is a place in the data directory
                // gets that place, so that the entry shows where data lives.
                if let SettingDefault::DataDir(file) = &modeled.default
                    && let Some(dir) = dirs::data_dir()
                {
                    let path = dir.join(&loaded.model.crate_name).join(file);
                    env.insert(var.clone(), json!(path.display().to_string()));
                }
            }
            match client {
                Client::ClaudeCode | Client::Vscode => {
                    entry.insert("type".into(), json!("stdio"));
                }
                Client::Zed => {
                    entry.insert("source".into(), json!("custom"));
                }
                _ => {}
            }
            entry.insert("command".into(), json!(binary.display().to_string()));
            entry.insert("args".into(), json!([]));
            if !env.is_empty() {
                entry.insert("env".into(), Value::Object(env));
            }
        }
    }
    Install {
        entry: Value::Object(entry),
        inputs,
        unset_secrets,
    }
}

/// The client's key for its servers in a JSON file.
fn section(client: Client) -> &'static str {
    match client {
        Client::Vscode => "servers",
        Client::Zed => "context_servers",
        _ => "mcpServers",
    }
}

/// The file's new text with the server's entry set, everything else kept.
/// `existing` is the file's text, if it exists. Refuses text it cannot parse.
pub fn updated(
    client: Client,
    existing: Option<&str>,
    path: &Path,
    name: &str,
    install: &Install,
) -> Result<String, Failure> {
    let refuse = |why: String| {
        Failure::Io(format!(
            "`{}` is not valid {} ({why}), so mcpgen leaves it alone\n  = help: fix or move the file, then run this again",
            path.display(),
            if client == Client::Codex {
                "TOML"
            } else {
                "JSON"
            }
        ))
    };
    let existing = existing.filter(|text| !text.trim().is_empty());
    if client == Client::Codex {
        return codex_updated(existing.unwrap_or(""), name, &install.entry).map_err(refuse);
    }
    let Some(text) = existing else {
        let mut root = Map::new();
        if !install.inputs.is_empty() {
            root.insert("inputs".into(), Value::Array(install.inputs.clone()));
        }
        root.insert(section(client).into(), json!({ name: install.entry }));
        let mut text = serde_json::to_string_pretty(&Value::Object(root)).expect("serializes");
        text.push('\n');
        return Ok(text);
    };
    let text = if install.inputs.is_empty() {
        text.to_owned()
    } else {
        jsonc::add_inputs(text, "inputs", &install.inputs).map_err(refuse)?
    };
    jsonc::set_entry(&text, section(client), name, &install.entry).map_err(refuse)
}

/// Codex's `config.toml` with `[mcp_servers.NAME]` set.
fn codex_updated(text: &str, name: &str, entry: &Value) -> Result<String, String> {
    use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, value};
    let mut document: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        e.to_string()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_owned()
    })?;
    let servers = document
        .entry("mcp_servers")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        })
        .as_table_mut()
        .ok_or("`mcp_servers` is not a table")?;
    let mut table = Table::new();
    if let Some(url) = entry["url"].as_str() {
        table.insert("url", value(url));
    } else {
        table.insert(
            "command",
            value(entry["command"].as_str().unwrap_or_default()),
        );
        let mut args = Array::new();
        for arg in entry["args"].as_array().into_iter().flatten() {
            args.push(arg.as_str().unwrap_or_default());
        }
        table.insert("args", value(args));
        if let Some(env) = entry["env"].as_object() {
            let mut inline = InlineTable::new();
            for (key, val) in env {
                inline.insert(key, val.as_str().unwrap_or_default().into());
            }
            table.insert("env", value(inline));
        }
    }
    match servers.get_mut(name).and_then(Item::as_table_mut) {
        // Keep the table where it is, with its decor (comments above it).
        Some(old) => {
            let decor = old.decor().clone();
            let position = old.position();
            *old = table;
            *old.decor_mut() = decor;
            old.set_position(position);
        }
        None => {
            servers.insert(name, Item::Table(table));
        }
    }
    Ok(document.to_string())
}
