//! The generated notes server against real MCP clients that this project did
//! not write: the official Python SDK and the MCP Inspector CLI. Both are
//! installed into target/interop on first use (`common::tool`).

mod common;

use std::process::Command;

use common::{notes_server, python, repo, scratch, tool};

/// Runs a client script and checks that it reports no failure.
fn assert_all_checks_pass(command: &mut Command) {
    let output = command.output().expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        output.status.success() && summary.ends_with(" passed, 0 failed"),
        "the client reported failures:\n{stdout}\n{stderr}"
    );
}

#[test]
fn the_python_sdk_drives_the_notes_server_over_stdio() {
    let dir = scratch();
    assert_all_checks_pass(
        Command::new(python())
            .arg(repo().join("tests/interop/python_client.py"))
            .arg(notes_server())
            .arg("--db")
            .arg(dir.path().join("notes.db")),
    );
}

#[test]
fn the_mcp_inspector_cli_drives_the_notes_server() {
    assert_all_checks_pass(
        Command::new("bash")
            .arg(repo().join("tests/interop/inspector.sh"))
            .arg(notes_server())
            .env("INSPECTOR_PREFIX", tool("inspector")),
    );
}
