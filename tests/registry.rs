//! `mcpgen registry`: the `server.json` it writes for the MCP Registry, from
//! a generated crate, with and without a bundle and a remote.

mod common;

use std::fs;

use common::{mcpgen, python, scratch, tool};
use predicates::str::contains;
use serde_json::{Value, json};

const SPEC: &str = r#"mcpgen: 1
server:
  name: weather-server
  version: 1.2.0
  title: Weather
  description: Forecasts from a weather service.
  homepage: https://example.com/weather
  repository: https://github.com/example/weather-server
settings:
  - name: api_key
    env: WEATHER_API_KEY
    secret: true
    description: The key of the weather service.
  - name: units
    env: WEATHER_UNITS
    default: metric
  - name: retries
    type: integer
    default: 3
  - name: verbose
    type: boolean
tools:
  - name: forecast
    description: The forecast for a city.
"#;

/// What the MCP Registry's published JSON Schema for `server.json` says of
/// `doc`: one line per violation, none when it is valid. The schema is the
/// registry's own file (`tests/interop/tools/registry-schema.sh`), checked
/// by the Python `jsonschema` validator with format checks on.
fn registry_schema_errors(doc: &Value) -> Vec<String> {
    const CHECK: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
for error in validator.iter_errors(json.load(sys.stdin)):
    print("/".join(map(str, error.absolute_path)) + ": " + error.message)
"#;
    let mut child = std::process::Command::new(tool("jsonschema").join("bin/python"))
        .args(["-c", CHECK])
        .arg(tool("registry-schema").join("server.schema.json"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    serde_json::to_writer(child.stdin.take().unwrap(), doc).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the schema check itself failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn crate_dir(spec: &str) -> tempfile::TempDir {
    let dir = scratch();
    fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    common::generate(&dir.path().join("spec.yaml"), &dir.path().join("server"));
    dir
}

#[test]
fn server_json_lists_the_cargo_and_mcpb_packages_and_the_remote() {
    let dir = crate_dir(SPEC);
    let bundle = dir.path().join("weather.mcpb");
    fs::write(&bundle, b"not really a bundle, but bytes to hash").unwrap();
    let url = "https://github.com/example/weather-server/releases/download/v1.2.0/weather.mcpb";
    mcpgen()
        .arg("registry")
        .arg(dir.path().join("server"))
        .args(["--mcpb-url", url, "--mcpb-file"])
        .arg(&bundle)
        .args(["--http-url", "https://weather.example.com/mcp"])
        .assert()
        .success()
        .stdout(contains("mcp-name: io.github.example/weather-server"));
    let written: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("server/server.json")).unwrap())
            .unwrap();

    // The bundle's digest, by Python's hashlib rather than mcpgen's own.
    let digest = std::process::Command::new(python())
        .args([
            "-c",
            "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
        ])
        .arg(&bundle)
        .output()
        .unwrap();
    let digest = String::from_utf8(digest.stdout).unwrap();

    let env = json!([
        {
            "name": "WEATHER_API_KEY",
            "description": "The key of the weather service.",
            "format": "string",
            "isRequired": true,
            "isSecret": true
        },
        { "name": "WEATHER_UNITS", "format": "string", "isRequired": false, "default": "metric" }
    ]);
    let arguments = json!([
        { "type": "named", "name": "--retries", "format": "number", "isRequired": false, "default": "3" }
    ]);
    assert_eq!(
        written,
        json!({
            "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
            "name": "io.github.example/weather-server",
            "title": "Weather",
            "description": "Forecasts from a weather service.",
            "version": "1.2.0",
            "repository": { "url": "https://github.com/example/weather-server", "source": "github" },
            "websiteUrl": "https://example.com/weather",
            "packages": [
                {
                    "registryType": "cargo",
                    "registryBaseUrl": "https://crates.io",
                    "identifier": "weather-server",
                    "version": "1.2.0",
                    "transport": { "type": "stdio" },
                    "packageArguments": arguments,
                    "environmentVariables": env
                },
                {
                    "registryType": "mcpb",
                    "identifier": url,
                    "version": "1.2.0",
                    "fileSha256": digest.trim(),
                    "transport": { "type": "stdio" },
                    "packageArguments": arguments,
                    "environmentVariables": env
                }
            ],
            "remotes": [{ "type": "streamable-http", "url": "https://weather.example.com/mcp" }]
        })
    );
    assert_eq!(registry_schema_errors(&written), Vec::<String>::new());
}

#[test]
fn the_registry_s_schema_refuses_what_the_registry_refuses() {
    // The check can fail: the registry's schema finds what is wrong with a
    // written server.json that has been spoiled on purpose.
    let dir = crate_dir(SPEC);
    mcpgen()
        .arg("registry")
        .arg(dir.path().join("server"))
        .assert()
        .success();
    let mut written: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("server/server.json")).unwrap())
            .unwrap();
    assert_eq!(registry_schema_errors(&written), Vec::<String>::new());
    written["name"] = json!("no-slash");
    written["packages"][0]["transport"] = json!({ "type": "carrier-pigeon" });
    let errors = registry_schema_errors(&written);
    assert!(errors.iter().any(|e| e.starts_with("name: ")), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.starts_with("packages/0/transport")),
        "{errors:?}"
    );
}

#[test]
fn a_name_is_needed_without_a_github_repository() {
    let spec = SPEC.replace(
        "  repository: https://github.com/example/weather-server\n",
        "",
    );
    let dir = crate_dir(&spec);
    let server = dir.path().join("server");
    mcpgen()
        .arg("registry")
        .arg(&server)
        .assert()
        .code(2)
        .stderr(contains("pass `--name NAME`"));
    mcpgen()
        .arg("registry")
        .arg(&server)
        .args(["--name", "not-a-registry-name"])
        .assert()
        .code(2)
        .stderr(contains("is not a registry name"));
    mcpgen()
        .arg("registry")
        .arg(&server)
        .args(["--name", "com.example/weather"])
        .arg("--out")
        .arg(dir.path().join("out.json"))
        .assert()
        .success()
        .stdout(contains("mcp-name: com.example/weather"));
    let written: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(written["packages"].as_array().unwrap().len(), 1);
    assert!(written.get("remotes").is_none());
    assert_eq!(registry_schema_errors(&written), Vec::<String>::new());
}

#[test]
fn the_registry_s_description_limit_is_explained() {
    let long = "word ".repeat(30);
    let spec = SPEC.replace("Forecasts from a weather service.", long.trim());
    let dir = crate_dir(&spec);
    mcpgen()
        .arg("registry")
        .arg(dir.path().join("server"))
        .assert()
        .code(2)
        .stderr(contains("description of 1 to 100 characters"));
}
