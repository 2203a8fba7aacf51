//! Building a generated server for `mcpgen install` and `mcpgen bundle`,
//! Claude Desktop's configuration file, and the safe write of a client's
//! configuration (a backup, then an atomic rename). The per-client formats
//! are in [`crate::clients`].

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::{Value, json};

use crate::Failure;

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
    build(root, name, "release", None)
}

/// Builds the crate at `root` with a cargo profile (`dev`, `release`,
/// `dist`), for `target` or the host; returns the binary's path, wherever
/// the target dir is (`CARGO_TARGET_DIR` is respected, as cargo does).
pub fn build(
    root: &Path,
    name: &str,
    profile: &str,
    target: Option<&str>,
) -> Result<PathBuf, Failure> {
    eprintln!("Building `{name}` ({profile})...");
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.args([
        "build",
        "--profile",
        profile,
        "--message-format=json-render-diagnostics",
    ]);
    if let Some(target) = target {
        command.args(["--target", target]);
    }
    let output = command
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| Failure::Io(format!("cannot run cargo: {error}")))?;
    if !output.status.success() {
        return Err(Failure::Io(format!(
            "`cargo build --profile {profile}` failed in `{}`\n  = help: fix the errors above, then run this again",
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

/// Writes `contents` to `path` through a temporary file and a rename, after
/// copying the old file to `<path>.bak`.
pub fn write_with_backup(path: &Path, contents: &str) -> Result<Option<PathBuf>, Failure> {
    let io =
        |error: std::io::Error| Failure::Io(format!("cannot write `{}`: {error}", path.display()));
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io)?;
    }
    let backup = if path.exists() {
        let backup = with_suffix(path, ".bak");
        fs::copy(path, &backup).map_err(io)?;
        Some(backup)
    } else {
        None
    };
    let temporary = with_suffix(path, ".mcpgen-tmp");
    fs::write(&temporary, contents).map_err(io)?;
    fs::rename(&temporary, path).map_err(io)?;
    Ok(backup)
}

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
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
