//! `mcpgen bundle` against the official MCP Bundle CLI (`@anthropic-ai/mcpb`
//! from npm, installed on first use): its manifests validate, bundles
//! survive `mcpb pack`/`unpack`, and the server started from an unpacked
//! bundle exactly as its manifest says serves the official Python SDK.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Command,
};

use common::{mcpgen, python, repo, scratch, tool};
use predicates::str::contains;
use serde_json::{Value, json};

/// `mcpb` with its arguments; panics with its output unless it succeeds.
fn mcpb(args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new(tool("mcpb").join("node_modules/.bin/mcpb"))
        .args(args)
        .output()
        .expect("mcpb runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "mcpb {args:?} failed:\n{text}");
    text
}

fn os(path: &Path) -> &std::ffi::OsStr {
    path.as_os_str()
}

/// MCPB's name for this platform, and the CPU as a target triple names it.
fn platform() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    (os, std::env::consts::ARCH)
}

/// Generates the crate of `spec` (a file, with its neighbours) into `dir`,
/// then bundles it with the debug build on the shared target directory.
/// Returns the bundle's path.
fn bundle(spec: &Path, dir: &Path, name: &str, version: &str) -> PathBuf {
    let crate_dir = dir.join(name);
    mcpgen()
        .arg("new")
        .arg(spec)
        .arg("--out")
        .arg(&crate_dir)
        .assert()
        .success();
    let out = dir.join("dist");
    mcpgen()
        .arg("bundle")
        .arg(&crate_dir)
        .args(["--profile", "dev", "--out"])
        .arg(&out)
        .envs(common::build_env())
        .assert()
        .success()
        .stdout(contains("Wrote"));
    let (os, arch) = platform();
    let path = out.join(format!("{name}-{version}-{os}-{arch}.mcpb"));
    assert!(path.is_file(), "no bundle at {}", path.display());
    path
}

fn unpack(bundle: &Path, dir: &Path) -> Value {
    mcpb(&[os(Path::new("unpack")), os(bundle), os(dir)]);
    let manifest = dir.join("manifest.json");
    let output = mcpb(&[os(Path::new("validate")), os(&manifest)]);
    assert!(output.contains("passes"), "{output}");
    serde_json::from_str(&fs::read_to_string(manifest).unwrap()).unwrap()
}

/// Every file under `dir`, with its bytes and mode.
fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                found.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    (fs::read(&path).unwrap(), mode),
                );
            }
        }
    }
    found
}

/// What Claude Desktop runs for a manifest unpacked in `dir`: `${__dirname}`
/// is the bundle's directory, `${user_config.KEY}` the user's value or else
/// the entry's default, in which `${HOME}` is the home directory.
fn launch(manifest: &Value, dir: &Path, home: &Path, user: &[(&str, &str)]) -> Value {
    let config = &manifest["server"]["mcp_config"];
    let options = manifest["user_config"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let substitute = |text: &str| -> String {
        let mut text = text.replace("${__dirname}", &dir.display().to_string());
        for (key, option) in &options {
            let value = match user.iter().find(|(k, _)| k == key) {
                Some((_, value)) => value.to_string(),
                None => match &option["default"] {
                    Value::String(text) => text.replace("${HOME}", &home.display().to_string()),
                    Value::Null => panic!("`{key}` has no default and no value"),
                    other => other.to_string(),
                },
            };
            text = text.replace(&format!("${{user_config.{key}}}"), &value);
        }
        assert!(!text.contains("${"), "left unsubstituted: {text}");
        text
    };
    let args: Vec<String> = config["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| substitute(a.as_str().unwrap()))
        .collect();
    let env: BTreeMap<String, String> = config["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), substitute(v.as_str().unwrap())))
        .collect();
    json!({
        "command": substitute(config["command"].as_str().unwrap()),
        "args": args,
        "env": env,
    })
}

#[test]
fn the_notes_bundle_validates_round_trips_and_serves_the_python_sdk() {
    let dir = scratch();
    let bundle = bundle(
        &repo().join("specs/notes.yaml"),
        dir.path(),
        "notes-server",
        "0.1.0",
    );
    let first = dir.path().join("unpacked");
    let manifest = unpack(&bundle, &first);

    let (os, _) = platform();
    assert_eq!(manifest["manifest_version"], "0.3");
    assert_eq!(manifest["server"]["type"], "binary");
    assert_eq!(
        manifest["server"]["mcp_config"]["command"],
        "${__dirname}/server/notes-server"
    );
    assert_eq!(
        manifest["server"]["mcp_config"]["platform_overrides"]["win32"]["command"],
        "${__dirname}/server/notes-server.exe"
    );
    assert_eq!(manifest["compatibility"]["platforms"], json!([os]));
    assert_eq!(manifest["author"]["name"], "The mcpgen authors");
    let tools: Vec<&str> = manifest["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["add_note", "get_note", "list_notes", "delete_note"]);
    assert_eq!(manifest["user_config"]["db"]["type"], "file");
    assert_eq!(
        manifest["server"]["mcp_config"]["env"]["NOTES_DB"],
        "${user_config.db}"
    );
    let binary = first.join("server/notes-server");
    let mode = fs::metadata(&binary).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "the unpacked binary is not executable");

    // mcpb pack, then unpack again: the same files, the same modes.
    let repacked = dir.path().join("repacked.mcpb");
    mcpb(&[os_str("pack"), first.as_os_str(), repacked.as_os_str()]);
    let second = dir.path().join("second");
    let again = unpack(&repacked, &second);
    assert_eq!(again, manifest);
    assert_eq!(files(&first), files(&second));

    // The server, started as Claude Desktop would, from the unpacked copy,
    // with the database the user picked.
    let home = dir.path().join("home");
    let db = dir.path().join("picked/notes.db");
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    let launch = launch(&manifest, &second, &home, &[("db", db.to_str().unwrap())]);
    assert_eq!(launch["env"]["NOTES_DB"], db.display().to_string());
    let file = dir.path().join("launch.json");
    fs::write(&file, launch.to_string()).unwrap();
    let output = Command::new(python())
        .arg(repo().join("tests/interop/python_client.py"))
        .arg("--launch")
        .arg(&file)
        .output()
        .expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.trim_end().ends_with(" passed, 0 failed"),
        "the client reported failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(db.is_file(), "the server did not use the picked database");
}

fn os_str(text: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(text)
}

const WEATHER: &str = r#"mcpgen: 1
server:
  name: weather-server
  version: 1.2.0
  title: Weather
  description: Forecasts from a weather service.
  author: { name: Ada Lovelace, email: ada@example.com, url: "https://example.com/ada" }
  homepage: https://example.com/weather
  repository: https://github.com/example/weather-server
  icon: icon.png
  http: false
settings:
  - name: api_key
    env: WEATHER_API_KEY
    secret: true
    description: The key of the weather service.
  - name: units
    env: WEATHER_UNITS
    default: metric
    description: metric or imperial.
  - name: retries
    type: integer
    default: 3
  - name: cache
    type: path
    default: "{data_dir}/cache.json"
  - name: verbose
    type: boolean
    env: WEATHER_VERBOSE
tools:
  - name: forecast
    description: The forecast for a city.
    params:
      - name: city
prompts:
  - name: plan_trip
    description: Plan a trip around the weather.
    arguments:
      - name: city
    messages:
      - text: "Plan a day out in {city}, given its forecast."
"#;

/// Lists the server's tools and prompts over stdio with the official Python
/// SDK, started as `launch` says; prints one JSON line.
const LIST: &str = r#"
import json, sys, anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

async def main():
    launch = json.load(open(sys.argv[1]))
    params = StdioServerParameters(command=launch["command"], args=launch["args"], env=launch["env"])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            prompts = await session.list_prompts()
            print(json.dumps({
                "server": init.serverInfo.name,
                "tools": [t.name for t in tools.tools],
                "prompts": [p.name for p in prompts.prompts],
            }))

anyio.run(main)
"#;

#[test]
fn a_spec_with_settings_secrets_and_an_icon_bundles_validates_and_serves() {
    let dir = scratch();
    let spec = dir.path().join("weather.yaml");
    fs::write(&spec, WEATHER).unwrap();
    // A real 16x16 PNG, written by Python's zlib.
    let icon = dir.path().join("icon.png");
    let status = Command::new(python())
        .arg("-c")
        .arg(
            "import struct, sys, zlib\n\
             def chunk(kind, data):\n\
             \x20   return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))\n\
             rows = b''.join(b'\\x00' + b'\\x20\\x80\\xe0' * 16 for _ in range(16))\n\
             png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 16, 16, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')\n\
             open(sys.argv[1], 'wb').write(png)\n",
        )
        .arg(&icon)
        .status()
        .unwrap();
    assert!(status.success());

    let bundle = bundle(&spec, dir.path(), "weather-server", "1.2.0");
    let unpacked = dir.path().join("unpacked");
    let manifest = unpack(&bundle, &unpacked);

    assert_eq!(manifest["display_name"], "Weather");
    assert_eq!(manifest["author"]["email"], "ada@example.com");
    assert_eq!(manifest["homepage"], "https://example.com/weather");
    assert_eq!(
        manifest["repository"],
        json!({ "type": "git", "url": "https://github.com/example/weather-server" })
    );
    assert_eq!(manifest["icon"], "icon.png");
    assert_eq!(
        fs::read(unpacked.join("icon.png")).unwrap(),
        fs::read(&icon).unwrap()
    );
    let config = &manifest["user_config"];
    assert_eq!(config["api_key"]["sensitive"], true);
    assert_eq!(config["api_key"]["required"], true);
    assert_eq!(config["units"]["default"], "metric");
    assert_eq!(config["retries"]["type"], "number");
    assert_eq!(config["retries"]["default"], 3);
    assert_eq!(config["verbose"]["type"], "boolean");
    assert_eq!(config["cache"]["type"], "file");
    let mcp_config = &manifest["server"]["mcp_config"];
    assert_eq!(
        mcp_config["env"]["WEATHER_API_KEY"],
        "${user_config.api_key}"
    );
    // The secret only ever goes in the environment.
    let args = mcp_config["args"].to_string();
    assert!(!args.contains("api_key"), "{args}");
    assert_eq!(
        mcp_config["args"],
        json!([
            "--retries",
            "${user_config.retries}",
            "--cache",
            "${user_config.cache}"
        ])
    );
    assert_eq!(
        manifest["prompts"],
        json!([{
            "name": "plan_trip",
            "description": "Plan a trip around the weather.",
            "arguments": ["city"],
            "text": "Plan a day out in ${arguments.city}, given its forecast."
        }])
    );

    let home = dir.path().join("home");
    let launch = launch(
        &manifest,
        &unpacked,
        &home,
        &[("api_key", "sk-test-not-on-the-command-line")],
    );
    assert!(!launch["args"].to_string().contains("sk-test"));
    assert_eq!(
        launch["env"]["WEATHER_API_KEY"],
        "sk-test-not-on-the-command-line"
    );
    let file = dir.path().join("launch.json");
    fs::write(&file, launch.to_string()).unwrap();
    let output = Command::new(python())
        .arg("-c")
        .arg(LIST)
        .arg(&file)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the Python SDK could not use the bundled server:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        listed,
        json!({ "server": "weather-server", "tools": ["forecast"], "prompts": ["plan_trip"] })
    );
}

#[test]
fn a_bundle_needs_an_author_and_an_installed_target() {
    let dir = scratch();
    let spec = dir.path().join("spec.yaml");
    fs::write(
        &spec,
        "mcpgen: 1\nserver: { name: anon-server, version: 0.1.0 }\ntools:\n  - name: ping\n",
    )
    .unwrap();
    let crate_dir = dir.path().join("anon-server");
    common::generate(&spec, &crate_dir);
    mcpgen()
        .arg("bundle")
        .arg(&crate_dir)
        .assert()
        .code(2)
        .stderr(contains("names its author"))
        .stderr(contains("add `author:"));

    fs::write(
        &spec,
        "mcpgen: 1\nserver: { name: anon-server, version: 0.1.0, author: { name: A } }\ntools:\n  - name: ping\n",
    )
    .unwrap();
    mcpgen().arg("generate").arg(&crate_dir).assert().success();
    // A target whose standard library no test machine has.
    mcpgen()
        .arg("bundle")
        .arg(&crate_dir)
        .args(["--target", "riscv32imc-unknown-none-elf"])
        .assert()
        .code(2)
        .stderr(contains("`riscv32imc-unknown-none-elf` is not installed"))
        .stderr(contains("rustup target add riscv32imc-unknown-none-elf"));
}
