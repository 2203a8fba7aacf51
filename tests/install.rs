//! `mcpgen install CLIENT` against temporary config files: missing, empty,
//! holding other servers and comments, and invalid; for every client.

mod common;

use std::{fs, path::Path, sync::OnceLock};

use common::{mcpgen, scratch};
use predicates::str::contains;
use serde_json::{Value, json};

const SPEC: &str = r#"mcpgen: 1
server:
  name: install-test-server
  version: 0.1.0
  description: A server to install.
settings:
  - name: store
    type: path
    env: INSTALL_TEST_STORE
    default: "{data_dir}/store.json"
    description: Where the data lives.
  - name: token
    env: INSTALL_TEST_TOKEN
    secret: true
    description: The service token.
tools:
  - name: ping
    description: Answer pong.
"#;

/// One generated crate for every test here; its release build is shared.
fn crate_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch();
        fs::write(dir.path().join("spec.yaml"), SPEC).unwrap();
        mcpgen()
            .arg("new")
            .arg(dir.path().join("spec.yaml"))
            .arg("--out")
            .arg(dir.path().join("server"))
            .assert()
            .success();
        dir
    })
    .path()
}

fn install(config: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    install_into("claude-desktop", config, extra)
}

fn install_into(client: &str, config: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    mcpgen()
        .args(["install", client])
        .arg(crate_dir().join("server"))
        .arg("--config")
        .arg(config)
        .args(extra)
        .envs(common::build_env())
        .env("HOME", crate_dir())
        .env_remove("XDG_DATA_HOME")
        .assert()
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn check_entry(config: &Value) {
    let entry = &config["mcpServers"]["install-test-server"];
    let command = Path::new(entry["command"].as_str().unwrap());
    assert!(command.is_absolute() && command.exists(), "{entry}");
    assert!(command.ends_with("release/install-test-server"), "{entry}");
    let store = crate_dir().join(".local/share/install-test-server/store.json");
    assert_eq!(
        entry["env"]["INSTALL_TEST_STORE"],
        store.display().to_string()
    );
}

#[test]
fn a_missing_config_is_created() {
    let dir = scratch();
    let config = dir.path().join("Claude").join("claude_desktop_config.json");
    install(&config, &[])
        .success()
        .stdout(contains("Added `install-test-server`"))
        .stdout(contains(
            "claude mcp add install-test-server -e INSTALL_TEST_STORE=",
        ))
        .stdout(contains("\"mcpServers\""));
    check_entry(&read(&config));
}

#[test]
fn an_empty_config_gets_the_server() {
    let dir = scratch();
    let config = dir.path().join("claude_desktop_config.json");
    fs::write(&config, "").unwrap();
    install(&config, &[]).success();
    check_entry(&read(&config));
}

#[test]
fn other_servers_and_settings_are_kept_and_a_backup_is_written() {
    let dir = scratch();
    let config = dir.path().join("claude_desktop_config.json");
    let before = json!({
        "globalShortcut": "Ctrl+Space",
        "mcpServers": {
            "other": { "command": "/usr/bin/other", "args": ["--flag"] },
            "install-test-server": { "command": "/old/path" }
        }
    });
    let original = serde_json::to_string_pretty(&before).unwrap();
    fs::write(&config, &original).unwrap();
    install(&config, &[]).success();
    let after = read(&config);
    assert_eq!(after["globalShortcut"], "Ctrl+Space");
    assert_eq!(after["mcpServers"]["other"], before["mcpServers"]["other"]);
    check_entry(&after);
    let backup = dir.path().join("claude_desktop_config.json.bak");
    assert_eq!(fs::read_to_string(backup).unwrap(), original);
}

#[test]
fn an_invalid_config_is_refused_and_left_alone() {
    let dir = scratch();
    let config = dir.path().join("claude_desktop_config.json");
    fs::write(&config, "{ not json").unwrap();
    install(&config, &[])
        .code(2)
        .stderr(contains("is not valid JSON"));
    assert_eq!(fs::read_to_string(&config).unwrap(), "{ not json");
}

#[test]
fn dry_run_prints_and_writes_nothing() {
    let dir = scratch();
    let config = dir.path().join("claude_desktop_config.json");
    fs::write(&config, "{}").unwrap();
    install(&config, &["--dry-run"])
        .success()
        .stdout(contains("Would write"))
        .stdout(contains("+  \"mcpServers\": {"))
        .stdout(contains("install-test-server"));
    assert_eq!(fs::read_to_string(&config).unwrap(), "{}");
}

/// Text with comments and trailing commas removed, for serde_json.
fn plain(text: &str) -> Value {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                chars.next();
                while let Some(c) = chars.next() {
                    if c == '*' && chars.peek() == Some(&'/') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    let out = without_trailing_commas(&out);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn without_trailing_commas(text: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' {
                i += 1;
                out.extend(chars.get(i));
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if !matches!(next, Some('}' | ']')) {
                out.push(c);
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Every byte of `before` is in `after`, in order: the change only inserts.
fn only_inserts(before: &str, after: &str) {
    let diff = similar::TextDiff::from_chars(before, after);
    for op in diff.ops() {
        assert!(
            matches!(op.tag(), similar::DiffTag::Equal | similar::DiffTag::Insert),
            "the install changed existing text:\n--- before\n{before}\n--- after\n{after}"
        );
    }
}

/// Installs into a fixture file of `client`, checks that the file gained
/// exactly `entry` at `path` and kept every other byte, then that a second
/// run changes nothing. Returns the new text.
fn installs_once(
    client: &str,
    file: &str,
    fixture: &str,
    extra: &[&str],
) -> (String, tempfile::TempDir) {
    let dir = scratch();
    let config = dir.path().join(file);
    fs::write(&config, fixture).unwrap();
    install_into(client, &config, extra)
        .success()
        .stdout(contains("Added `install-test-server`"));
    let after = fs::read_to_string(&config).unwrap();
    only_inserts(fixture, &after);
    let mut backup = config.clone().into_os_string();
    backup.push(".bak");
    assert_eq!(fs::read_to_string(backup).unwrap(), fixture);
    install_into(client, &config, extra)
        .success()
        .stdout(contains("nothing changed"));
    assert_eq!(fs::read_to_string(&config).unwrap(), after);
    (after, dir)
}

/// The JSON value of `after` is that of `before` with `entry` added under
/// `section`.
fn gained_one_entry(before: &str, after: &str, section: &str) -> Value {
    let expected = plain(before);
    let mut actual = plain(after);
    let entry = actual[section]
        .as_object_mut()
        .unwrap()
        .remove("install-test-server")
        .expect("the new entry");
    if let Some(inputs) = actual.get_mut("inputs") {
        let inputs = inputs.as_array_mut().unwrap();
        inputs.retain(|input| input["id"] != "install-test-token");
    }
    assert_eq!(actual, expected);
    entry
}

fn check_stdio(entry: &Value) {
    let command = Path::new(entry["command"].as_str().unwrap());
    assert!(command.is_absolute() && command.exists(), "{entry}");
    assert_eq!(entry["args"], json!([]));
    let store = crate_dir().join(".local/share/install-test-server/store.json");
    assert_eq!(
        entry["env"]["INSTALL_TEST_STORE"],
        store.display().to_string()
    );
}

const MCP_SERVERS: &str = r#"{
  "theme": "dark",
  "mcpServers": {
    "other": {
      "command": "/usr/bin/other",
      "args": ["--flag"]
    }
  },
  "numbers": [1, 2.5, -3e2]
}
"#;

#[test]
fn claude_code_cursor_gemini_and_windsurf_get_one_mcp_servers_entry() {
    for (client, file, secret) in [
        ("claude-code", ".claude.json", Some("${INSTALL_TEST_TOKEN}")),
        ("cursor", "mcp.json", Some("${env:INSTALL_TEST_TOKEN}")),
        ("gemini", "settings.json", Some("${INSTALL_TEST_TOKEN}")),
        ("windsurf", "mcp_config.json", None),
    ] {
        let (after, _dir) = installs_once(client, file, MCP_SERVERS, &[]);
        let entry = gained_one_entry(MCP_SERVERS, &after, "mcpServers");
        check_stdio(&entry);
        assert_eq!(
            entry["env"]
                .get("INSTALL_TEST_TOKEN")
                .and_then(Value::as_str),
            secret,
            "{client}"
        );
        if client == "claude-code" {
            assert_eq!(entry["type"], "stdio");
        }
    }
}

#[test]
fn the_secret_is_named_where_the_file_cannot_reference_it() {
    let dir = scratch();
    let config = dir.path().join("mcp_config.json");
    install_into("windsurf", &config, &[])
        .success()
        .stdout(contains("the secret `INSTALL_TEST_TOKEN` is not written"));
    assert!(
        !fs::read_to_string(&config)
            .unwrap()
            .contains("INSTALL_TEST_TOKEN")
    );
}

const VSCODE: &str = r#"// VS Code MCP servers
{
  "inputs": [
    // The GitHub token.
    { "type": "promptString", "id": "gh", "password": true },
  ],
  "servers": {
    /* a server of the user's */
    "other": { "type": "stdio", "command": "other" }, // keep me
  },
}
"#;

#[test]
fn vscode_gets_a_server_and_a_password_input_keeping_comments() {
    let (after, _dir) = installs_once("vscode", "mcp.json", VSCODE, &[]);
    let entry = gained_one_entry(VSCODE, &after, "servers");
    check_stdio(&entry);
    assert_eq!(entry["type"], "stdio");
    assert_eq!(
        entry["env"]["INSTALL_TEST_TOKEN"],
        "${input:install-test-token}"
    );
    let inputs = plain(&after)["inputs"].clone();
    assert_eq!(
        inputs[1],
        json!({
            "type": "promptString",
            "id": "install-test-token",
            "description": "The service token.",
            "password": true
        })
    );
}

const ZED: &str = r#"// Zed settings
//
// For information on how to configure Zed, see the Zed documentation.
{
  "ui_font_size": 16, // big
  "context_servers": {
    "other": {
      "source": "custom",
      "command": "other",
      "args": [],
    },
  },
  /* trailing */
}
"#;

#[test]
fn zed_gets_a_context_server_keeping_comments_and_trailing_commas() {
    let (after, _dir) = installs_once("zed", "settings.json", ZED, &[]);
    let entry = gained_one_entry(ZED, &after, "context_servers");
    check_stdio(&entry);
    assert_eq!(entry["source"], "custom");
}

const CODEX: &str = r#"# Codex configuration
model = "gpt-5" # the model

# A server of the user's.
[mcp_servers.other]
command = "other"
args = ["--flag"]

[profiles.fast]
model = "small"
"#;

#[test]
fn codex_gets_an_mcp_servers_table_keeping_comments() {
    let (after, _dir) = installs_once("codex", "config.toml", CODEX, &[]);
    let document: toml_like::Doc = toml_like::parse(&after);
    assert_eq!(document.get("model"), Some("\"gpt-5\""));
    assert!(
        after.contains("[mcp_servers.install-test-server]\n"),
        "{after}"
    );
    let binary = document
        .get("mcp_servers.install-test-server.command")
        .unwrap();
    assert!(
        binary.ends_with("release/install-test-server\""),
        "{binary}"
    );
    assert!(
        after.contains(&format!(
            "env = {{ INSTALL_TEST_STORE = \"{}\" }}",
            crate_dir()
                .join(".local/share/install-test-server/store.json")
                .display()
        )),
        "{after}"
    );
}

/// Just enough of TOML to read back `key = value` lines by dotted path.
mod toml_like {
    pub struct Doc(Vec<(String, String)>);

    pub fn parse(text: &str) -> Doc {
        let mut table = String::new();
        let mut pairs = Vec::new();
        for line in text.lines() {
            let line = line.split(" #").next().unwrap().trim();
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                table = format!("{name}.");
            } else if let Some((key, value)) = line.split_once(" = ") {
                pairs.push((format!("{table}{key}"), value.to_owned()));
            }
        }
        Doc(pairs)
    }

    impl Doc {
        pub fn get(&self, path: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(k, _)| k == path)
                .map(|(_, v)| v.as_str())
        }
    }
}

#[test]
fn http_entries_take_each_client_s_url_key_and_need_no_build() {
    let url = "http://127.0.0.1:8000/mcp";
    for (client, expected) in [
        ("claude-code", json!({ "type": "http", "url": url })),
        ("cursor", json!({ "url": url })),
        ("windsurf", json!({ "serverUrl": url })),
        ("gemini", json!({ "httpUrl": url })),
        ("vscode", json!({ "type": "http", "url": url })),
        ("zed", json!({ "source": "custom", "url": url })),
    ] {
        let dir = scratch();
        let config = dir.path().join("config.json");
        install_into(client, &config, &["--http", url]).success();
        let section = match client {
            "vscode" => "servers",
            "zed" => "context_servers",
            _ => "mcpServers",
        };
        assert_eq!(
            read(&config)[section]["install-test-server"],
            expected,
            "{client}"
        );
    }
    let dir = scratch();
    let config = dir.path().join("config.toml");
    install_into("codex", &config, &["--http", url]).success();
    assert_eq!(
        fs::read_to_string(&config).unwrap(),
        format!("[mcp_servers.install-test-server]\nurl = \"{url}\"\n")
    );
    install(&dir.path().join("claude.json"), &["--http", url])
        .code(2)
        .stderr(contains("runs local servers only"));
}

#[test]
fn files_that_do_not_parse_are_refused_for_every_format() {
    for (client, file, text, kind) in [
        ("zed", "settings.json", "{ \"a\": 1 /* open", "JSON"),
        ("vscode", "mcp.json", "{ \"servers\": [ }", "JSON"),
        ("cursor", "mcp.json", "{ \"mcpServers\": 3 }", "JSON"),
        ("codex", "config.toml", "[mcp_servers\nx = ", "TOML"),
    ] {
        let dir = scratch();
        let config = dir.path().join(file);
        fs::write(&config, text).unwrap();
        install_into(client, &config, &["--http", "http://127.0.0.1:1/mcp"])
            .code(2)
            .stderr(contains(format!("is not valid {kind}")));
        assert_eq!(fs::read_to_string(&config).unwrap(), text, "{client}");
    }
}

#[test]
fn project_files_go_in_the_current_directory() {
    let dir = scratch();
    mcpgen()
        .args(["install", "cursor"])
        .arg(crate_dir().join("server"))
        .args(["--project", "--http", "http://127.0.0.1:8000/mcp"])
        .current_dir(dir.path())
        .assert()
        .success();
    assert_eq!(
        read(&dir.path().join(".cursor/mcp.json"))["mcpServers"]["install-test-server"]["url"],
        "http://127.0.0.1:8000/mcp"
    );
}

#[test]
fn mcp_json_prints_the_generic_entry_and_writes_nothing() {
    let output = mcpgen()
        .args(["install", "mcp-json"])
        .arg(crate_dir().join("server"))
        .envs(common::build_env())
        .env("HOME", crate_dir())
        .env_remove("XDG_DATA_HOME")
        .assert()
        .success();
    let printed: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    check_stdio(&printed["mcpServers"]["install-test-server"]);
}
