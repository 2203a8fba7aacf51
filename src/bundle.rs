//! `mcpgen bundle`: an MCP Bundle (`.mcpb`) of a generated server, which
//! Claude Desktop installs with one click.
//!
//! A bundle is a zip archive holding `manifest.json`, the server's binary
//! under `server/`, and an optional `icon.png`. The manifest follows version
//! 0.3 of the MCPB manifest spec (MANIFEST.md and `src/schemas/0.3.ts` of
//! github.com/anthropics/mcpb, now modelcontextprotocol/mcpb):
//! - `server.type: binary`, with `mcp_config.command` under `${__dirname}`,
//!   which the installing app replaces with the unpacked bundle's directory;
//! - each setting is a `user_config` entry, passed to the server as
//!   `${user_config.KEY}` in its env var (or its flag when it has none);
//!   secrets are `sensitive` and only ever go in the environment;
//! - every entry has a value the app can always substitute: Claude Desktop
//!   passes the raw `${user_config.KEY}` text for an optional entry that has
//!   neither a value nor a default (mcpb issue #250), so an entry has the
//!   server's own default, or is required.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::{Map, Value, json};

use crate::{
    Failure, Loaded,
    model::{SettingDefault, ident},
    spec::SettingSpec,
};

/// The manifest version written.
pub const MANIFEST_VERSION: &str = "0.3";

/// The platform a bundle is built for, from a Rust target triple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// MCPB's name: `darwin`, `win32` or `linux`.
    pub os: &'static str,
    /// The CPU, as the triple names it: `x86_64`, `aarch64`, ...
    pub arch: String,
}

impl Platform {
    pub fn of(triple: &str) -> Result<Platform, Failure> {
        let os = if triple.contains("-apple-darwin") {
            "darwin"
        } else if triple.contains("-windows") {
            "win32"
        } else if triple.contains("-linux") {
            "linux"
        } else {
            return Err(Failure::Io(format!(
                "MCP Bundles run on macOS, Windows and Linux; `{triple}` is none of them"
            )));
        };
        let arch = triple.split('-').next().unwrap_or(triple).to_owned();
        Ok(Platform { os, arch })
    }

    fn exe(&self, name: &str) -> String {
        if self.os == "win32" {
            format!("{name}.exe")
        } else {
            name.to_owned()
        }
    }
}

/// The triple rustc builds for by default.
pub fn host_triple() -> Result<String, Failure> {
    let output = rustc(&["-vV"])?;
    output
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_owned())
        .ok_or_else(|| Failure::Io("`rustc -vV` names no host".to_owned()))
}

/// Fails plainly unless the standard library of `triple` is installed.
pub fn check_target_installed(triple: &str) -> Result<(), Failure> {
    let sysroot = rustc(&["--print", "sysroot"])?;
    let lib = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(triple)
        .join("lib");
    if lib.is_dir() {
        return Ok(());
    }
    Err(Failure::Io(format!(
        "the Rust target `{triple}` is not installed, so mcpgen cannot build a bundle for it\n  = help: install it with `rustup target add {triple}`, and a linker for it; or build the bundle on a {} machine",
        Platform::of(triple).map_or("matching", |p| p.os)
    )))
}

fn rustc(args: &[&str]) -> Result<String, Failure> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(&rustc)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| Failure::Io(format!("cannot run `{rustc}`: {error}")))?;
    if !output.status.success() {
        return Err(Failure::Io(format!(
            "`{rustc} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The bundle's file name: `<name>-<version>-<os>-<arch>.mcpb`.
pub fn file_name(loaded: &Loaded, platform: &Platform) -> String {
    format!(
        "{}-{}-{}-{}.mcpb",
        loaded.model.crate_name, loaded.model.version, platform.os, platform.arch
    )
}

/// The key of a setting in `user_config`, usable in `${user_config.KEY}`.
pub fn config_key(setting: &SettingSpec) -> String {
    ident::snake(&setting.name)
}

/// A title for a setting: its name in words, capitalised.
pub fn title(name: &str) -> String {
    let words = name.replace(['_', '-'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// Where `dirs::data_dir()` is on `os`, under `${HOME}`, which the
/// installing app substitutes in defaults.
fn data_dir(os: &str) -> &'static str {
    match os {
        "darwin" => "${HOME}/Library/Application Support",
        "win32" => "${HOME}/AppData/Roaming",
        _ => "${HOME}/.local/share",
    }
}

/// The manifest of a bundle of `loaded` for `platform`. `icon` says whether
/// the bundle holds `icon.png`. Settings that a bundle cannot pass (a
/// boolean flag with no env var) are named in the returned warnings.
pub fn manifest(loaded: &Loaded, platform: &Platform, icon: bool) -> (Value, Vec<String>) {
    let spec = &loaded.spec;
    let server = &spec.server;
    let name = &loaded.model.crate_name;
    let mut warnings = Vec::new();

    let mut user_config = Map::new();
    let mut args = Vec::new();
    let mut env = Map::new();
    for (setting, modeled) in spec.settings.iter().zip(&loaded.model.settings) {
        let key = config_key(setting);
        let ty = modeled.ty.as_str();
        let default = &modeled.default;
        if ty == "bool" && setting.env.is_none() {
            warnings.push(format!(
                "the boolean setting `{}` has no `env`, so the bundle cannot set it; give it `env: NAME` to make it configurable",
                setting.name
            ));
            continue;
        }
        let mut option = Map::new();
        let kind = match ty {
            "PathBuf" => "file",
            "i64" => "number",
            "bool" => "boolean",
            _ => "string",
        };
        option.insert("type".into(), json!(kind));
        option.insert("title".into(), json!(title(&setting.name)));
        option.insert(
            "description".into(),
            json!(
                setting
                    .description
                    .clone()
                    .unwrap_or_else(|| title(&setting.name))
            ),
        );
        if setting.secret {
            option.insert("sensitive".into(), json!(true));
        }
        let raw = setting.default.as_ref();
        match (default, ty) {
            (_, "bool") => {
                option.insert("default".into(), json!(false));
            }
            (SettingDefault::DataDir(file), _) => {
                let path = format!("{}/{name}/{file}", data_dir(platform.os));
                option.insert("default".into(), json!(path));
            }
            (SettingDefault::Value(_), _) => {
                let value = match raw {
                    Some(serde_yaml::Value::Number(n)) => json!(n.as_i64()),
                    Some(serde_yaml::Value::String(text)) => json!(text),
                    _ => Value::Null,
                };
                option.insert("default".into(), value);
            }
            // An upstream credential is needed only by the operations that
            // accept its scheme.
            (SettingDefault::None, _) if setting.upstream.is_some() => {}
            (SettingDefault::None, _) => {
                option.insert("required".into(), json!(true));
            }
        }
        user_config.insert(key.clone(), Value::Object(option));
        let value = format!("${{user_config.{key}}}");
        match &setting.env {
            Some(var) => {
                env.insert(var.clone(), json!(value));
            }
            // A secret always has an env var (validation), so only plain
            // settings reach the command line.
            None => {
                args.push(json!(format!("--{}", setting.name.replace('_', "-"))));
                args.push(json!(value));
            }
        }
    }

    let binary = platform.exe(name);
    let mut mcp_config = Map::new();
    mcp_config.insert(
        "command".into(),
        json!(format!("${{__dirname}}/server/{binary}")),
    );
    mcp_config.insert("args".into(), Value::Array(args));
    mcp_config.insert("env".into(), Value::Object(env));
    mcp_config.insert(
        "platform_overrides".into(),
        json!({ "win32": { "command": format!("${{__dirname}}/server/{name}.exe") } }),
    );

    let mut manifest = Map::new();
    manifest.insert("manifest_version".into(), json!(MANIFEST_VERSION));
    manifest.insert("name".into(), json!(name));
    if let Some(title) = &server.title {
        manifest.insert("display_name".into(), json!(title));
    }
    manifest.insert("version".into(), json!(server.version));
    manifest.insert(
        "description".into(),
        json!(
            server
                .description
                .clone()
                .unwrap_or_else(|| format!("The {name} MCP server."))
        ),
    );
    let author = server.author.as_ref().expect("checked by the caller");
    let mut author_json = Map::new();
    author_json.insert("name".into(), json!(author.name));
    if let Some(email) = &author.email {
        author_json.insert("email".into(), json!(email));
    }
    if let Some(url) = &author.url {
        author_json.insert("url".into(), json!(url));
    }
    manifest.insert("author".into(), Value::Object(author_json));
    if let Some(url) = &server.repository {
        manifest.insert("repository".into(), json!({ "type": "git", "url": url }));
    }
    if let Some(url) = &server.homepage {
        manifest.insert("homepage".into(), json!(url));
    }
    if icon {
        manifest.insert("icon".into(), json!("icon.png"));
    }
    manifest.insert(
        "server".into(),
        json!({
            "type": "binary",
            "entry_point": format!("server/{binary}"),
            "mcp_config": mcp_config,
        }),
    );
    let tools: Vec<Value> = spec
        .tools
        .iter()
        .map(|tool| {
            let mut entry = Map::new();
            entry.insert("name".into(), json!(tool.name));
            if let Some(description) = &tool.description {
                entry.insert("description".into(), json!(description));
            }
            Value::Object(entry)
        })
        .collect();
    if !tools.is_empty() {
        manifest.insert("tools".into(), Value::Array(tools));
    }
    // A manifest prompt carries its text; a prompt whose handler builds the
    // messages has none to show, so the manifest says more are generated.
    let mut prompts = Vec::new();
    let mut generated = false;
    for prompt in &spec.prompts {
        let Some(messages) = &prompt.messages else {
            generated = true;
            continue;
        };
        let mut text = messages
            .iter()
            .map(|message| message.text.clone())
            .collect::<Vec<_>>()
            .join("\n\n");
        for argument in &prompt.arguments {
            text = text.replace(
                &format!("{{{}}}", argument.name),
                &format!("${{arguments.{}}}", argument.name),
            );
        }
        let mut entry = Map::new();
        entry.insert("name".into(), json!(prompt.name));
        if let Some(description) = &prompt.description {
            entry.insert("description".into(), json!(description));
        }
        if !prompt.arguments.is_empty() {
            let names: Vec<&str> = prompt.arguments.iter().map(|a| a.name.as_str()).collect();
            entry.insert("arguments".into(), json!(names));
        }
        entry.insert("text".into(), json!(text));
        prompts.push(Value::Object(entry));
    }
    if !prompts.is_empty() {
        manifest.insert("prompts".into(), Value::Array(prompts));
    }
    if generated {
        manifest.insert("prompts_generated".into(), json!(true));
    }
    manifest.insert(
        "compatibility".into(),
        json!({ "platforms": [platform.os] }),
    );
    if !user_config.is_empty() {
        manifest.insert("user_config".into(), Value::Object(user_config));
    }
    (Value::Object(manifest), warnings)
}

/// Reads the spec's icon, relative to the spec, and checks it is a PNG.
pub fn read_icon(spec_path: &Path, icon: &str) -> Result<Vec<u8>, Failure> {
    let path = spec_path.parent().unwrap_or(Path::new(".")).join(icon);
    let bytes = fs::read(&path).map_err(|error| {
        Failure::Io(format!(
            "cannot read the icon `{}`: {error}\n  = help: `server.icon` is relative to the spec",
            path.display()
        ))
    })?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Failure::Io(format!(
            "the icon `{}` is not a PNG image",
            path.display()
        )));
    }
    Ok(bytes)
}

/// A file in a bundle.
pub struct Entry {
    pub path: String,
    pub bytes: Vec<u8>,
    /// Unix permissions, which `mcpb unpack` restores.
    pub mode: u32,
}

/// A zip archive of `entries`, stored uncompressed, with Unix permissions
/// in each entry's external attributes and a fixed 1980 timestamp, so the
/// same files always give the same bundle.
pub fn zip(entries: &[Entry]) -> Result<Vec<u8>, Failure> {
    let too_big =
        || Failure::Io("a bundle over 4 GiB needs ZIP64, which mcpgen does not write".into());
    let mut out = Vec::new();
    let mut central = Vec::new();
    // 1980-01-01: year 0 since 1980, month 1, day 1.
    const DOS_DATE: u16 = (1 << 5) | 1;
    for entry in entries {
        let offset = u32::try_from(out.len()).map_err(|_| too_big())?;
        let size = u32::try_from(entry.bytes.len()).map_err(|_| too_big())?;
        let crc = crc32(&entry.bytes);
        let name = entry.path.as_bytes();
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(name);
        out.extend_from_slice(&entry.bytes);
        // Central directory header.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by Unix
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&0x0800u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&DOS_DATE.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes()); // extra
        central.extend_from_slice(&0u16.to_le_bytes()); // comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&((0o100000 | entry.mode) << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let central_offset = u32::try_from(out.len()).map_err(|_| too_big())?;
    let central_size = u32::try_from(central.len()).map_err(|_| too_big())?;
    let count = u16::try_from(entries.len()).map_err(|_| too_big())?;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    Ok(out)
}

/// CRC-32 (IEEE), as zip uses.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// What `mcpgen bundle` was asked for.
pub struct Options {
    pub profile: String,
    pub target: Option<String>,
    pub out: Option<PathBuf>,
}

/// Builds the server and writes its bundle; returns the bundle's path.
pub fn bundle(
    root: &Path,
    spec_path: &Path,
    loaded: &Loaded,
    options: &Options,
) -> Result<PathBuf, Failure> {
    let name = &loaded.model.crate_name;
    if loaded.spec.server.author.is_none() {
        return Err(Failure::Io(format!(
            "an MCP Bundle names its author, and the spec of `{name}` has none\n  = help: add `author: {{ name: Your Name }}` under `server` in `{}`",
            spec_path.display()
        )));
    }
    let triple = match &options.target {
        Some(triple) => {
            check_target_installed(triple)?;
            triple.clone()
        }
        None => host_triple()?,
    };
    let platform = Platform::of(&triple)?;
    let icon = match &loaded.spec.server.icon {
        Some(icon) => Some(read_icon(spec_path, icon)?),
        None => None,
    };
    let (manifest, warnings) = manifest(loaded, &platform, icon.is_some());
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let binary = crate::install::build(root, name, &options.profile, options.target.as_deref())?;
    let bytes = fs::read(&binary)
        .map_err(|error| Failure::Io(format!("cannot read `{}`: {error}", binary.display())))?;
    let mut text = serde_json::to_string_pretty(&manifest).expect("JSON serializes");
    text.push('\n');
    let mut entries = vec![
        Entry {
            path: "manifest.json".into(),
            bytes: text.into_bytes(),
            mode: 0o644,
        },
        Entry {
            path: format!("server/{}", platform.exe(name)),
            bytes,
            mode: 0o755,
        },
    ];
    if let Some(icon) = icon {
        entries.push(Entry {
            path: "icon.png".into(),
            bytes: icon,
            mode: 0o644,
        });
    }
    let archive = zip(&entries)?;
    let dir = options.out.clone().unwrap_or_else(|| root.to_path_buf());
    let path = dir.join(file_name(loaded, &platform));
    let io =
        |error: std::io::Error| Failure::Io(format!("cannot write `{}`: {error}", path.display()));
    fs::create_dir_all(&dir).map_err(io)?;
    let temporary = path.with_extension("mcpb.mcpgen-tmp");
    fs::write(&temporary, &archive).map_err(io)?;
    fs::rename(&temporary, &path).map_err(io)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn platforms_come_from_triples() {
        let linux = Platform::of("x86_64-unknown-linux-gnu").ok().unwrap();
        assert_eq!((linux.os, linux.arch.as_str()), ("linux", "x86_64"));
        let mac = Platform::of("aarch64-apple-darwin").ok().unwrap();
        assert_eq!((mac.os, mac.arch.as_str()), ("darwin", "aarch64"));
        let windows = Platform::of("x86_64-pc-windows-msvc").ok().unwrap();
        assert_eq!(windows.exe("s"), "s.exe");
        assert!(Platform::of("wasm32-unknown-unknown").is_err());
    }
}
