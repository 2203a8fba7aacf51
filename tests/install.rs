//! `mcpgen install claude-desktop` against temporary config files: missing,
//! empty, holding other servers, and invalid.

mod common;

use std::{fs, path::Path, sync::OnceLock};

use common::{generated_target, mcpgen, scratch};
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
    mcpgen()
        .args(["install", "claude-desktop"])
        .arg(crate_dir().join("server"))
        .arg("--config")
        .arg(config)
        .args(extra)
        .env("CARGO_TARGET_DIR", generated_target())
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
        .stdout(contains("install-test-server"));
    assert_eq!(fs::read_to_string(&config).unwrap(), "{}");
}
