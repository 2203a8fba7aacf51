//! mcpgen's command line: valid and invalid specs, exit codes, and the rules
//! for writing files. Run through the real binary with assert_cmd.

mod common;

use std::{fs, path::Path};

use common::{assert_lint_clean, build, cargo, generate, mcpgen, repo, scratch};
use predicates::str::contains;
use serde_json::json;

/// A minimal valid spec, to break in one place per test.
const VALID: &str = r#"mcpgen: 1
server:
  name: tiny-server
  version: 0.1.0
tools:
  - name: echo
    description: Echo the text back.
    params:
      - name: text
        description: What to echo.
"#;

/// Writes `spec` into a fresh directory and runs `mcpgen check` on it,
/// returning (exit code, stderr).
fn check(spec: &str) -> (i32, String) {
    let dir = scratch();
    let path = dir.path().join("spec.yaml");
    fs::write(&path, spec).unwrap();
    let output = mcpgen().arg("check").arg(&path).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_invalid(spec: &str, expected: &[&str]) {
    let (code, stderr) = check(spec);
    assert_eq!(code, 1, "exit code for an invalid spec; stderr:\n{stderr}");
    for text in expected {
        assert!(stderr.contains(text), "expected `{text}` in:\n{stderr}");
    }
}

#[test]
fn the_bundled_specs_are_valid() {
    mcpgen()
        .arg("check")
        .arg(repo().join("specs/notes.yaml"))
        .assert()
        .success()
        .stdout(contains(
            "4 tools, 2 resources, 1 resource templates, 1 prompts",
        ));
    for (spec, counts) in [
        (
            "units.yaml",
            "3 tools, 2 resources, 0 resource templates, 1 prompts",
        ),
        (
            "bookmarks.yaml",
            "3 tools, 2 resources, 2 resource templates, 1 prompts",
        ),
    ] {
        mcpgen()
            .arg("check")
            .arg("--deny-warnings")
            .arg(repo().join("specs").join(spec))
            .assert()
            .success()
            .stdout(contains(counts));
    }
}

#[test]
fn an_unknown_key_gets_a_suggestion() {
    assert_invalid(
        &VALID.replace("    description: Echo", "    descripton: Echo"),
        &[
            "unknown key `descripton`",
            "did you mean `description`?",
            "tools[0].descripton",
        ],
    );
    assert_invalid(
        &format!("{VALID}toolz: []\n"),
        &["unknown key `toolz`", "did you mean `tools`?"],
    );
}

#[test]
fn duplicate_names_are_refused() {
    let spec = format!(
        "{VALID}  - name: echo\n    description: Again.\nprompts:\n  - name: p\n    messages: [{{text: hi}}]\n  - name: p\n    messages: [{{text: hi}}]\n"
    );
    assert_invalid(
        &spec,
        &[
            "duplicate tool `echo`",
            "tools[1].name",
            "duplicate prompt `p`",
            "prompts[1].name",
        ],
    );
}

#[test]
fn tool_names_must_follow_the_mcp_spec() {
    assert_invalid(
        &VALID.replace("name: echo", "name: echo back!"),
        &[
            "`echo back!` is not a valid MCP tool name",
            "tools[0].name",
            "help:",
        ],
    );
    assert_invalid(
        &VALID.replace("name: echo", &format!("name: {}", "x".repeat(129))),
        &["is not a valid MCP tool name"],
    );
}

#[test]
fn template_variables_must_match_their_params() {
    let spec = format!(
        "{VALID}resource_templates:\n  - uri_template: files://{{dir}}/{{name}}\n    name: file\n    params:\n      - name: folder\n"
    );
    assert_invalid(
        &spec,
        &[
            "`folder` is not a variable of `files://{dir}/{name}`",
            "the variables are `dir`, `name`",
        ],
    );
    let spec = format!(
        "{VALID}resource_templates:\n  - uri_template: files://{{+path}}\n    name: file\n"
    );
    assert_invalid(&spec, &["operator `+` is not supported"]);
    let spec = format!("{VALID}resources:\n  - uri: notes://{{name}}\n    name: note\n");
    assert_invalid(
        &spec,
        &["so it is a template", "move it to `resource_templates`"],
    );
}

#[test]
fn type_errors_name_the_path() {
    assert_invalid(
        &VALID.replace("        description: What to echo.", "        type: strin"),
        &[
            "unknown type `strin`",
            "spec.yaml:10:15",
            "tools[0].params[0].type",
            "did you mean `string`?",
        ],
    );
    assert_invalid(
        &VALID.replace(
            "        description: What to echo.",
            "        type: integer\n        default: ten",
        ),
        &["tools[0].params[0].default", "not a valid integer"],
    );
    assert_invalid(
        &VALID.replace("    params:", "    params: 7\n    x:"),
        &["tools[0]"],
    );
    assert_invalid(
        &VALID.replace("version: 0.1.0", "version: one"),
        &["not a semantic version", "server.version"],
    );
}

#[test]
fn prompt_placeholders_must_name_arguments() {
    let spec = format!(
        "{VALID}prompts:\n  - name: greet\n    arguments:\n      - name: who\n    messages:\n      - text: Hello {{whom}}\n"
    );
    assert_invalid(
        &spec,
        &[
            "`{whom}` is not an argument of the prompt `greet`",
            "prompts[0].messages[0].text",
        ],
    );
}

#[test]
fn format_version_and_yaml_errors_are_reported() {
    assert_invalid(
        &VALID.replace("mcpgen: 1", "mcpgen: 2"),
        &["unsupported spec format version `2`"],
    );
    assert_invalid(
        &VALID.replace("mcpgen: 1\n", ""),
        &["missing the spec format version", "mcpgen: 1"],
    );
    assert_invalid("mcpgen: 1\nserver: [\n", &["invalid YAML", "spec.yaml:"]);
    assert_invalid("- just\n- a list\n", &["a spec must be a YAML mapping"]);
}

#[test]
fn every_error_is_reported_at_once() {
    let spec = VALID
        .replace("version: 0.1.0", "version: one")
        .replace("name: echo", "name: echo back!")
        .replace("    description: Echo", "    descripton: Echo");
    let (code, stderr) = check(&spec);
    assert_eq!(code, 1);
    assert!(stderr.contains("not a semantic version"), "{stderr}");
    assert!(stderr.contains("unknown key `descripton`"), "{stderr}");
    assert!(
        stderr.contains("`echo back!` is not a valid MCP tool name"),
        "{stderr}"
    );
    assert!(stderr.contains("could not use"), "{stderr}");
    assert!(stderr.contains("3 errors"), "{stderr}");
}

#[test]
fn an_invalid_spec_writes_nothing() {
    let dir = scratch();
    let spec = dir.path().join("spec.yaml");
    fs::write(&spec, VALID.replace("name: echo", "name: echo back!")).unwrap();
    let out = dir.path().join("out");
    mcpgen()
        .arg("new")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert!(!out.exists(), "nothing may be written for an invalid spec");
}

#[test]
fn usage_and_io_errors_exit_with_2() {
    mcpgen().assert().code(2);
    mcpgen().args(["new"]).assert().code(2);
    mcpgen()
        .args(["check", "does/not/exist.yaml"])
        .assert()
        .code(2);
}

#[test]
fn an_existing_directory_is_refused_and_user_files_survive_force() {
    let dir = scratch();
    let spec = dir.path().join("spec.yaml");
    fs::write(&spec, VALID).unwrap();
    let out = dir.path().join("tiny");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();

    mcpgen()
        .arg("new")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(
        !out.join("src").exists(),
        "nothing is written into a non-empty directory"
    );

    mcpgen()
        .arg("new")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    let handlers = out.join("src/handlers.rs");
    let mine = "// my own implementation\n";
    fs::write(&handlers, mine).unwrap();
    fs::write(out.join("Cargo.toml"), "# my own manifest\n").unwrap();
    let server = out.join("src/server.rs");
    fs::write(&server, "// @generated but stale\n").unwrap();

    fs::write(&spec, VALID.replace("Echo the text back.", "Echo it.")).unwrap();
    mcpgen()
        .arg("new")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&handlers).unwrap(), mine);
    assert_eq!(
        fs::read_to_string(out.join("Cargo.toml")).unwrap(),
        "# my own manifest\n"
    );
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    let server = fs::read_to_string(&server).unwrap();
    assert!(server.starts_with("// @generated by mcpgen"), "{server}");
    assert!(server.contains("Echo it."));
}

#[test]
fn a_file_without_the_generated_marker_is_never_overwritten() {
    let dir = scratch();
    let spec = dir.path().join("spec.yaml");
    fs::write(&spec, VALID).unwrap();
    let out = dir.path().join("tiny");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("src/main.rs"), "fn main() {}\n").unwrap();
    mcpgen()
        .arg("new")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("was not generated by mcpgen"));
    assert_eq!(
        fs::read_to_string(out.join("src/main.rs")).unwrap(),
        "fn main() {}\n"
    );
    assert!(
        !out.join("src/server.rs").exists(),
        "nothing is written when any file is refused"
    );
}

#[test]
fn new_prints_the_next_steps_with_an_absolute_path() {
    let dir = scratch();
    let out = dir.path().join("notes");
    let output = mcpgen()
        .arg("new")
        .arg(repo().join("specs/notes.yaml"))
        .arg("--out")
        .arg(&out)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let binary = out
        .canonicalize()
        .unwrap()
        .join("target/release/notes-server");
    assert!(
        stdout.contains(&format!("\"command\": \"{}\"", binary.display())),
        "{stdout}"
    );
    assert!(stdout.contains("cargo build --release"), "{stdout}");
    assert!(stdout.contains("mcpServers"), "{stdout}");

    // With CARGO_TARGET_DIR, where cargo puts the binary: a relative one is
    // relative to the crate, where the printed `cargo build` runs.
    let shared = dir.path().join("shared");
    for (crate_dir, target) in [
        ("absolute", shared.as_path()),
        ("relative", Path::new("build")),
    ] {
        let out = dir.path().join(crate_dir);
        let output = mcpgen()
            .arg("new")
            .arg(repo().join("specs/notes.yaml"))
            .arg("--out")
            .arg(&out)
            .env("CARGO_TARGET_DIR", target)
            .output()
            .unwrap();
        assert!(output.status.success());
        let binary = out
            .canonicalize()
            .unwrap()
            .join(target)
            .join("release/notes-server");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(&format!("\"command\": \"{}\"", binary.display())),
            "{stdout}"
        );
    }
}

#[test]
fn generated_crates_pass_fmt_and_clippy() {
    let dir = scratch();
    let out = dir.path().join("notes");
    mcpgen()
        .arg("new")
        .arg(repo().join("specs/notes.yaml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_lint_clean(&out);
    // The crate's own generated tests drive the real handlers in process.
    let tests = cargo(&out, &["test", "--quiet"]);
    assert!(tests.contains("4 passed"), "{tests}");
    // A crate from a spec without handlers builds from the starter stubs.
    let spec = dir.path().join("tiny.yaml");
    fs::write(&spec, VALID).unwrap();
    let out = dir.path().join("tiny");
    generate(&spec, &out);
    assert_lint_clean(&out);
    assert!(build(&out, "tiny-server").exists());
    // Its generated tests pass against the stubs, which answer every call
    // with an error.
    let tests = cargo(&out, &["test", "--quiet"]);
    assert!(tests.contains("2 passed"), "{tests}");
}

#[test]
fn lints_warn_and_can_be_denied() {
    let spec = VALID
        .replace("    description: Echo the text back.\n", "")
        .replace("name: tiny-server", &format!("name: {}", "s".repeat(60)));
    let dir = scratch();
    let path = dir.path().join("spec.yaml");
    fs::write(&path, spec).unwrap();
    mcpgen()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stderr(contains("warning: the tool `echo` has no description"))
        .stderr(contains("clients that prefix tool names"));
    mcpgen()
        .arg("check")
        .arg(&path)
        .arg("--deny-warnings")
        .assert()
        .code(1);
}

#[test]
fn diagnostics_can_be_json() {
    let dir = scratch();
    let path = dir.path().join("spec.yaml");
    fs::write(
        &path,
        VALID.replace("    description: Echo", "    descripton: Echo"),
    )
    .unwrap();
    let output = mcpgen()
        .args(["check", "--message-format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let line = String::from_utf8_lossy(&output.stderr);
    let first: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 5);
    assert_eq!(first["path"], "tools[0].descripton");
    assert_eq!(first["help"], "did you mean `description`?");
}

/// The JSON diagnostics of `mcpgen check` on `spec`: (exit code, one
/// object per diagnostic).
fn json_diagnostics(spec: &str) -> (i32, Vec<serde_json::Value>) {
    let dir = scratch();
    let path = dir.path().join("spec.yaml");
    fs::write(&path, spec).unwrap();
    let output = mcpgen()
        .args(["check", "--message-format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let diagnostics = String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (output.status.code().unwrap_or(-1), diagnostics)
}

/// The one error of `spec`, which must be refused with only that error.
fn one_error(spec: &str) -> serde_json::Value {
    let (code, diagnostics) = json_diagnostics(spec);
    assert_eq!(code, 1, "{diagnostics:?}");
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0].clone()
}

const SHARED: &str = r#"mcpgen: 1
x-text: &text
  type: string
  description: Some text.
x-list: &list [a, b]
server:
  name: tiny-server
  version: 0.1.0
enums:
  - name: Unit
    values: [m, km]
tools:
  - name: convert
    description: Convert.
    params:
      - <<: *text
        name: label
      - name: to
        type: Unit
        description: The unit.
"#;

#[test]
fn merge_keys_and_x_keys_and_shared_enums_are_accepted() {
    mcpgen()
        .arg("check")
        .arg("--deny-warnings")
        .arg({
            let dir = Box::leak(Box::new(scratch()));
            let path = dir.path().join("spec.yaml");
            fs::write(&path, SHARED).unwrap();
            path
        })
        .assert()
        .success()
        .stdout(contains("1 tools"));
}

#[test]
fn a_merge_of_something_but_a_mapping_is_an_error_at_the_merge_key() {
    let spec = SHARED.replace("      - <<: *text\n", "      - <<: *list\n");
    let error = one_error(&spec);
    assert_eq!(
        error["message"],
        "a merge key (`<<`) takes a mapping or a list of mappings, not the value `a`"
    );
    // The alias's target: `a` in the anchored list.
    assert_eq!(error["path"], "tools[0].params[0].<<[0]");
    assert_eq!((&error["line"], &error["column"]), (&json!(5), &json!(16)));

    let spec = SHARED.replace("      - <<: *text\n", "      - <<: 3\n");
    let error = one_error(&spec);
    assert_eq!(
        error["message"],
        "a merge key (`<<`) takes a mapping or a list of mappings, not the value `3`"
    );
    assert_eq!((&error["line"], &error["column"]), (&json!(16), &json!(13)));
}

#[test]
fn an_unknown_key_names_the_item_it_is_in_even_when_merged() {
    // The key comes from the anchor, so it is reported there.
    let spec = SHARED.replace("  description: Some text.", "  descripton: Some text.");
    let error = one_error(&spec);
    assert_eq!(error["message"], "unknown key `descripton` in a parameter");
    assert_eq!(error["help"], "did you mean `description`?");
    assert_eq!((&error["line"], &error["column"]), (&json!(4), &json!(3)));
    for (spec, what) in [
        (
            SHARED.replace(
                "    values: [m, km]",
                "    values: [m, km]\n    colour: red",
            ),
            "in an enum",
        ),
        (
            format!(
                "{VALID}prompts:\n  - name: p\n    arguments:\n      - {{name: a, kind: x}}\n    messages: [{{text: hi}}]\n"
            ),
            "in a prompt argument",
        ),
    ] {
        let error = one_error(&spec);
        assert!(
            error["message"].as_str().unwrap().ends_with(what),
            "{error}"
        );
    }
}

#[test]
fn an_unknown_enum_name_is_an_error_with_a_suggestion() {
    let spec = SHARED.replace("        type: Unit", "        type: Unti");
    let error = one_error(&spec);
    assert_eq!(error["message"], "unknown type `Unti`");
    assert_eq!(error["help"], "did you mean `Unit`?");
    assert_eq!(error["path"], "tools[0].params[1].type");
    assert_eq!((&error["line"], &error["column"]), (&json!(19), &json!(15)));

    let spec = format!(
        "{SHARED}prompts:\n  - name: p\n    description: P.\n    arguments:\n      - {{name: to, type: Units}}\n    messages: [{{text: \"To {{to}}\"}}]\n"
    );
    let error = one_error(&spec);
    assert_eq!(error["message"], "`Units` is not an enum of the spec");
    assert_eq!(error["help"], "did you mean `Unit`?");
    assert_eq!((&error["line"], &error["column"]), (&json!(25), &json!(26)));
}

#[test]
fn bad_optional_text_in_prompts_is_an_error_at_its_text() {
    let prompt = |text: &str| {
        format!(
            "{VALID}prompts:\n  - name: p\n    arguments:\n      - {{name: who}}\n      - {{name: days, required: false}}\n    messages:\n      - text: \"{text}\"\n"
        )
    };
    for (text, message) in [
        (
            "Notes{days? from {days} days",
            "the section `{days? ...` is never closed",
        ),
        (
            "Notes{days? from {who? x}}",
            "the section `{who? ...}` is inside the section `{days? ...}`",
        ),
        (
            "Hello {who? x}",
            "`who` is required, so the section `{who? ...}` would always show",
        ),
        ("Notes {days?}", "`{days?}` is a section with no text"),
        (
            "Notes{weeks? x}",
            "`{weeks? ...}` shows text when `weeks` is given, but `weeks` is not an argument of the prompt `p`",
        ),
    ] {
        let error = one_error(&prompt(text));
        assert_eq!(error["message"], message, "{text}");
        assert_eq!(error["path"], "prompts[0].messages[0].text");
        assert_eq!((&error["line"], &error["column"]), (&json!(17), &json!(15)));
    }
    // A good one passes.
    let spec = prompt("Hello {who}{days? for {days} days}, {{literally}}.");
    assert_eq!(json_diagnostics(&spec).0, 0);
}

#[test]
fn a_tool_bound_upstream_takes_a_context_only_with_a_handler() {
    let bound = |extra: &str| {
        format!(
            "mcpgen: 1\nserver:\n  name: s\n  version: 0.1.0\nupstream:\n  base_url: https://api.example.com\n\
             tools:\n  - name: get_pet\n    description: Gets a pet.\n{extra}    http:\n      method: GET\n      path: /pets\n"
        )
    };
    let (code, stderr) = check(&bound("    context: true\n    content: true\n"));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "error: the tool `get_pet` calls `GET /pets` upstream, so no handler takes a context"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("spec.yaml:10:14 (at tools[0].context)"),
        "{stderr}"
    );
    assert!(stderr.contains("10 |     context: true"), "{stderr}");
    assert!(
        stderr.contains(
            "help: add `handler: true` to call the API from a handler method, or remove `context`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("so no handler builds content blocks"),
        "{stderr}"
    );
    assert!(stderr.contains("(at tools[0].content)"), "{stderr}");

    // With a handler method, the context reaches it.
    let (code, stderr) = check(&bound("    context: true\n    handler: true\n"));
    assert_eq!(code, 0, "{stderr}");
}
