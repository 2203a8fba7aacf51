//! `mcpgen schema`, `mcpgen init`, and agreement between the checked-in
//! JSON Schema and the real parser.

mod common;

use std::{fs, process::Command};

use common::{mcpgen, repo, scratch};
use serde_json::Value;

#[test]
fn the_checked_in_schema_is_what_mcpgen_prints() {
    let output = mcpgen().arg("schema").output().unwrap();
    assert!(output.status.success());
    let checked_in = fs::read_to_string(repo().join("specs/mcpgen.schema.json")).unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout) == checked_in,
        "specs/mcpgen.schema.json is stale: run `cargo run -- schema > specs/mcpgen.schema.json`"
    );
}

/// Validates YAML documents against the schema with Python's `jsonschema`,
/// the reference implementation, from the interop venv.
fn schema_accepts(documents: &[&str]) -> Vec<bool> {
    let python = common::python();
    let json: Vec<Value> = documents
        .iter()
        .map(|yaml| serde_yaml::from_str::<Value>(yaml).unwrap_or(Value::Null))
        .collect();
    let dir = scratch();
    let input = dir.path().join("documents.json");
    fs::write(&input, serde_json::to_string(&json).unwrap()).unwrap();
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        validator = jsonschema.Draft202012Validator(schema)\n\
        print(json.dumps([validator.is_valid(d) for d in json.load(open(sys.argv[2]))]))";
    let output = Command::new(python)
        .args(["-c", script])
        .arg(repo().join("specs/mcpgen.schema.json"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn parser_accepts(document: &str) -> bool {
    let dir = scratch();
    let path = dir.path().join("spec.yaml");
    fs::write(&path, document).unwrap();
    mcpgen()
        .arg("check")
        .arg(&path)
        .output()
        .unwrap()
        .status
        .success()
}

const MINIMAL: &str = "mcpgen: 1\nserver:\n  name: s\n  version: 0.1.0\n";

#[test]
fn every_example_spec_validates_against_the_schema() {
    let specs: Vec<String> = fs::read_dir(repo().join("specs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| fs::read_to_string(path).unwrap())
        .chain([include_str!("../templates/init/server.yaml").to_owned()])
        .collect();
    assert!(specs.len() >= 2);
    let documents: Vec<&str> = specs.iter().map(String::as_str).collect();
    assert!(schema_accepts(&documents).iter().all(|ok| *ok));
    for spec in specs {
        assert!(spec.starts_with("# yaml-language-server: $schema=mcpgen.schema.json"));
    }
}

#[test]
fn the_schema_rejects_what_the_parser_rejects() {
    let invalid = [
        format!("{MINIMAL}toolz: []\n"),
        MINIMAL.replace("mcpgen: 1", "mcpgen: 2"),
        MINIMAL.replace("mcpgen: 1\n", ""),
        "mcpgen: 1\n".to_owned(),
        format!("{MINIMAL}tools:\n  - name: t\n    descripton: x\n"),
        format!("{MINIMAL}tools:\n  - description: no name\n"),
        format!("{MINIMAL}tools:\n  - name: t\n    params: 7\n"),
        format!(
            "{MINIMAL}tools:\n  - name: t\n    params:\n      - name: p\n        required: maybe\n"
        ),
        format!("{MINIMAL}tools: {{ name: t }}\n"),
        format!("{MINIMAL}resources:\n  - uri: a://b\n"),
        format!("{MINIMAL}prompts:\n  - name: p\n    messages: [{{ text: hi, colour: red }}]\n"),
        format!("{MINIMAL}settings:\n  - name: s\n    env: [A]\n"),
        MINIMAL.replace("version: 0.1.0", "version: [1]"),
        "- a\n- list\n".to_owned(),
    ];
    let documents: Vec<&str> = invalid.iter().map(String::as_str).collect();
    for (document, schema_ok) in documents.iter().zip(schema_accepts(&documents)) {
        assert!(!parser_accepts(document), "the parser accepts:\n{document}");
        assert!(
            !schema_ok,
            "the schema accepts what the parser rejects:\n{document}"
        );
    }
    assert_eq!(schema_accepts(&[MINIMAL]), [true]);
    assert!(parser_accepts(MINIMAL));
}

#[test]
fn init_writes_a_starter_that_validates_and_never_overwrites() {
    let dir = scratch();
    mcpgen().arg("init").arg(dir.path()).assert().success();
    let spec = dir.path().join("server.yaml");
    assert!(parser_accepts(&fs::read_to_string(&spec).unwrap()));
    assert!(dir.path().join("mcpgen.schema.json").exists());
    fs::write(&spec, "# mine\n").unwrap();
    mcpgen().arg("init").arg(dir.path()).assert().code(2);
    assert_eq!(fs::read_to_string(&spec).unwrap(), "# mine\n");

    mcpgen()
        .args(["init", "--example", "notes"])
        .arg(dir.path())
        .assert()
        .success();
    mcpgen()
        .arg("check")
        .arg(dir.path().join("notes.yaml"))
        .assert()
        .success();
    assert!(dir.path().join("notes.rs").exists());
}
