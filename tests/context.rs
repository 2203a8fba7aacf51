//! Handlers that take a context (`context: true`): the everything server,
//! generated from specs/everything.yaml, built, linted, and driven over
//! stdio by the official MCP Python SDK; and the spec rules around it.

mod common;

use std::fs;

use common::{
    assert_lint_clean, assert_python_client_passes, generate, generated, mcpgen, notes_server,
    python, repo, scratch, serve_notes_over_http,
};

/// Runs `mcpgen check` on a spec, returning its exit code and stderr.
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

const SERVER: &str = "mcpgen: 1\nserver:\n  name: s\n  version: 0.1.0\n";

#[test]
fn the_everything_server_is_lint_clean() {
    assert_lint_clean(&generated("everything.yaml", "everything-server").dir);
}

#[test]
fn the_python_sdk_sees_logging_progress_cancellation_and_rich_content() {
    let server = generated("everything.yaml", "everything-server");
    assert_python_client_passes(
        &python(),
        "python_context.py",
        &[server.binary.as_os_str()],
        9,
    );
}

/// Runs tests/interop/python_subscribe.py and checks its summary.
fn assert_subscriptions_work(args: &[&std::ffi::OsStr]) {
    assert_python_client_passes(&python(), "python_subscribe.py", args, 5);
}

#[test]
fn a_notes_subscriber_hears_of_its_own_changes_over_stdio() {
    let dir = scratch();
    let db = dir.path().join("notes.db");
    assert_subscriptions_work(&[
        "--stdio".as_ref(),
        notes_server().as_os_str(),
        "--db".as_ref(),
        db.as_os_str(),
    ]);
}

#[test]
fn a_notes_subscriber_hears_of_changes_made_in_another_http_session() {
    let dir = scratch();
    let server = serve_notes_over_http(&dir.path().join("notes.db"));
    let url = format!("http://{}/mcp", server.addr);
    assert_subscriptions_work(&["--http".as_ref(), url.as_ref()]);
}

#[test]
fn a_spec_without_context_gets_no_context_and_no_logging() {
    let dir = scratch();
    let out = dir.path().join("notes");
    generate(&repo().join("specs/notes.yaml"), &out);
    assert!(!out.join("src/context.rs").exists());
    let server = fs::read_to_string(out.join("src/server.rs")).unwrap();
    assert!(!server.contains("enable_logging"));
    assert!(!server.contains("crate::context"));
    // Subscriptions alone bring no logging.
    assert!(out.join("src/notify.rs").exists());
    assert!(server.contains("enable_resources_subscribe"));
}

#[test]
fn context_is_refused_where_no_handler_takes_it() {
    let (code, stderr) = check(&format!(
        "{SERVER}resources:\n  - uri: a://b\n    name: b\n    text: hi\n    context: true\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("`context` is for resources that a handler serves"));
    assert!(stderr.contains("resources[0].context"), "{stderr}");

    let (code, stderr) = check(&format!(
        "{SERVER}prompts:\n  - name: p\n    context: true\n    messages: [{{ text: hi }}]\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("has fixed `messages`, so no handler takes a context"));
    assert!(stderr.contains("prompts[0].context"), "{stderr}");
}

#[test]
fn a_parameter_may_not_take_the_name_of_the_context() {
    let (code, stderr) = check(&format!(
        "{SERVER}tools:\n  - name: t\n    context: true\n    params:\n      - name: Context\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("`Context` would clash with the `context`"));
    assert!(stderr.contains("tools[0].params[0].name"), "{stderr}");

    let (code, stderr) = check(&format!(
        "{SERVER}resource_templates:\n  - uri_template: a://{{context}}\n    name: t\n    context: true\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("`context` would clash"), "{stderr}");

    // Without `context: true`, the name is free.
    let (code, stderr) = check(&format!(
        "{SERVER}tools:\n  - name: t\n    params:\n      - name: context\n"
    ));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_tool_returns_content_blocks_or_structured_output_not_both() {
    let (code, stderr) = check(&format!(
        "{SERVER}types:\n  - name: T\n    fields: [{{ name: a }}]\ntools:\n  - name: t\n    content: true\n    output: T\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("returns either content blocks or an `output` type"));
    assert!(stderr.contains("tools[0].content"), "{stderr}");
}

#[test]
fn a_form_must_be_flat_and_fit_elicitation() {
    let (code, stderr) = check(&format!(
        "{SERVER}types:\n  - name: Inner\n    fields: [{{ name: a }}]\n  - name: Form\n    fields:\n      - {{ name: inner, type: Inner }}\n      - {{ name: code, pattern: '^[a-z]+$' }}\n      - {{ name: tags, type: array, items: {{ type: string }} }}\ntools:\n  - name: t\n    context: true\n    elicit: [Form]\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "the form `Form`, which the tool `t` elicits, cannot hold `inner`: `Inner` is an object"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("types[1].fields[0].type"), "{stderr}");
    assert!(
        stderr.contains("elicitation schemas have no `pattern`"),
        "{stderr}"
    );
    assert!(stderr.contains("types[1].fields[1].pattern"), "{stderr}");
    assert!(
        stderr.contains("a form's arrays are multi-select enums"),
        "{stderr}"
    );
    assert!(stderr.contains("types[1].fields[2].items"), "{stderr}");
}

#[test]
fn asking_the_client_needs_a_context_and_a_declared_form() {
    let (code, stderr) = check(&format!(
        "{SERVER}types:\n  - name: Form\n    fields: [{{ name: a }}]\ntools:\n  - name: t\n    elicit: [From]\n    sampling: true\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("asks the client through its context, but takes none"));
    assert!(stderr.contains("tools[0].elicit"), "{stderr}");
    assert!(stderr.contains("tools[0].sampling"), "{stderr}");
    assert!(
        stderr.contains("`From` is not a type under `types`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `Form`?"), "{stderr}");

    let (code, stderr) = check(&format!(
        "{SERVER}enums:\n  - name: E\n    values: [a, b]\n    titles: [A]\n    legacy_titles: true\ntools:\n  - name: t\n    params: [{{ name: e, type: E }}]\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the enum `E` has 2 values but 1 titles"),
        "{stderr}"
    );
}

#[test]
fn the_python_sdk_answers_forms_samples_and_roots_and_a_bare_client_is_refused() {
    let server = generated("everything.yaml", "everything-server");
    assert_python_client_passes(&python(), "python_ask.py", &[server.binary.as_os_str()], 12);
}

#[test]
fn a_declared_input_schema_is_an_object_schema_and_replaces_params() {
    let (code, stderr) = check(&format!(
        "{SERVER}tools:\n  - name: t\n    input_schema: {{ type: string }}\n    params: [{{ name: a }}]\n"
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the input schema of the tool `t` is not an object schema"));
    assert!(stderr.contains("tools[0].input_schema"), "{stderr}");
    assert!(stderr.contains("declares its whole `input_schema`, and `params` too"));
    assert!(stderr.contains("tools[0].params"), "{stderr}");

    let (code, stderr) = check(&format!(
        "{SERVER}tools:\n  - name: t\n    input_schema:\n      $schema: https://json-schema.org/draft/2020-12/schema\n      type: object\n      additionalProperties: false\n"
    ));
    assert_eq!(code, 0, "{stderr}");
}
