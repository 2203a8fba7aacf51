//! `mcpgen install claude-desktop`: build a generated server and add it to
//! Claude Desktop's configuration, keeping everything else in that file.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::{Map, Value, json};

use crate::{Failure, Loaded, model::SettingDefault};

/// Where Claude Desktop keeps its configuration on this platform: macOS and
/// Windows per Anthropic's documentation, and the path the community builds
/// use on Linux.
pub fn default_config() -> Option<PathBuf> {
    let file = "claude_desktop_config.json";
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|home| home.join("Library/Application Support/Claude").join(file))
    } else if cfg!(windows) {
        std::env::var_os("APPDATA").map(|appdata| PathBuf::from(appdata).join("Claude").join(file))
    } else {
        dirs::config_dir().map(|config| config.join("Claude").join(file))
    }
}

/// Builds the crate at `root` in release mode; returns the binary's path.
pub fn build_release(root: &Path, name: &str) -> Result<PathBuf, Failure> {
    eprintln!("Building `{name}` (release)...");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "build",
            "--release",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| Failure::Io(format!("cannot run cargo: {error}")))?;
    if !output.status.success() {
        return Err(Failure::Io(format!(
            "`cargo build --release` failed in `{}`\n  = help: fix the errors above, then run this again",
            root.display()
        )));
    }
    // Cargo names the executable it built, wherever the target dir is.
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| {
            message["target"]["kind"] == json!(["bin"]) && message["target"]["name"] == name
        })
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| Failure::Io(format!("cargo built no `{name}` binary")))
}

/// The server's entry: the absolute binary, and the env var of each setting
/// whose default is a place in the user's data directory, set to that place,
/// so that the entry shows where the server keeps its data.
pub fn entry(binary: &Path, loaded: &Loaded) -> Value {
    let mut env = Map::new();
    for setting in &loaded.model.settings {
        let Some(name) = &setting.env else { continue };
        let value = match &setting.default {
            SettingDefault::DataDir(file) => dirs::data_dir().map(|dir| {
                dir.join(&loaded.model.crate_name)
                    .join(file)
                    .display()
                    .to_string()
            }),
            SettingDefault::None | SettingDefault::Value(_) => None,
        };
        if let Some(value) = value {
            env.insert(name.clone(), Value::String(value));
        }
    }
    let mut entry = Map::new();
    entry.insert(
        "command".to_owned(),
        Value::String(binary.display().to_string()),
    );
    entry.insert("args".to_owned(), json!([]));
    if !env.is_empty() {
        entry.insert("env".to_owned(), Value::Object(env));
    }
    Value::Object(entry)
}

/// The configuration with `name`'s entry added or replaced, and every other
/// key kept. Refuses a file that is not a JSON object.
pub fn updated(
    existing: Option<&str>,
    path: &Path,
    name: &str,
    entry: Value,
) -> Result<String, Failure> {
    let mut config: Value = match existing {
        None => json!({}),
        Some(text) if text.trim().is_empty() => json!({}),
        Some(text) => serde_json::from_str(text).map_err(|error| {
            Failure::Io(format!(
                "`{}` is not valid JSON ({error}), so mcpgen leaves it alone\n  = help: fix or move the file, then run this again",
                path.display()
            ))
        })?,
    };
    let Some(object) = config.as_object_mut() else {
        return Err(Failure::Io(format!(
            "`{}` does not hold a JSON object, so mcpgen leaves it alone",
            path.display()
        )));
    };
    let servers = object.entry("mcpServers").or_insert_with(|| json!({}));
    let Some(servers) = servers.as_object_mut() else {
        return Err(Failure::Io(format!(
            "`mcpServers` in `{}` is not an object, so mcpgen leaves it alone",
            path.display()
        )));
    };
    servers.insert(name.to_owned(), entry);
    let mut text = serde_json::to_string_pretty(&config).expect("JSON serializes");
    text.push('\n');
    Ok(text)
}

/// Writes `contents` to `path` through a temporary file and a rename, after
/// copying the old file to `<path>.bak`.
pub fn write_with_backup(path: &Path, contents: &str) -> Result<Option<PathBuf>, Failure> {
    let io =
        |error: std::io::Error| Failure::Io(format!("cannot write `{}`: {error}", path.display()));
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io)?;
    }
    let backup = if path.exists() {
        let backup = path.with_extension("json.bak");
        fs::copy(path, &backup).map_err(io)?;
        Some(backup)
    } else {
        None
    };
    let temporary = path.with_extension("json.mcpgen-tmp");
    fs::write(&temporary, contents).map_err(io)?;
    fs::rename(&temporary, path).map_err(io)?;
    Ok(backup)
}

/// `claude mcp add` for Claude Code, with the same binary and env.
pub fn claude_code_command(name: &str, entry: &Value) -> String {
    let mut command = format!("claude mcp add {name}");
    if let Some(env) = entry["env"].as_object() {
        for (key, value) in env {
            command.push_str(&format!(
                " -e {key}={}",
                shell_quote(value.as_str().unwrap_or_default())
            ));
        }
    }
    command.push_str(" -- ");
    command.push_str(&shell_quote(entry["command"].as_str().unwrap_or_default()));
    command
}

fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-=:".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
