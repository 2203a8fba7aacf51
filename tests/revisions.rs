//! Both protocol revisions that the official MCP Python SDK 2.x speaks, over
//! stdio: 2025-11-25, with the `initialize` handshake (the SDK's
//! `mode="legacy"`), and 2026-07-28, which its default `mode="auto"`
//! negotiates with `server/discover`. The everything server
//! (specs/everything.yaml) shows logging, progress, cancellation and rich
//! content, and elicitation, sampling and roots (`elicitation/create` and
//! the like on 2025-11-25, an `InputRequiredResult` that the client answers
//! and calls again with on 2026-07-28); the notes server shows subscriptions (`resources/subscribe` on
//! 2025-11-25, `subscriptions/listen` on 2026-07-28), over stdio and, with
//! the subscriber and the writer in two sessions, over HTTP. The client is
//! tests/interop/python_revisions.py.

mod common;

use std::ffi::OsStr;

use common::{
    assert_python_client_passes, generated, notes_server, scratch, serve_notes_over_http, tool,
};

/// Runs tests/interop/python_revisions.py with `args` on the SDK 2.x venv,
/// and checks that all of its `checks` passed.
fn assert_client_passes(args: &[&OsStr], checks: usize) {
    let python = tool("python2026").join("bin/python");
    assert_python_client_passes(&python, "python_revisions.py", args, checks);
}

fn assert_context_works(mode: &str) {
    let server = generated("everything.yaml", "everything-server");
    assert_client_passes(
        &["context".as_ref(), mode.as_ref(), server.binary.as_os_str()],
        10,
    );
}

fn assert_asking_works(mode: &str) {
    let server = generated("everything.yaml", "everything-server");
    assert_client_passes(
        &["ask".as_ref(), mode.as_ref(), server.binary.as_os_str()],
        7,
    );
}

fn assert_subscriptions_work(mode: &str) {
    let dir = scratch();
    let db = dir.path().join("notes.db");
    assert_client_passes(
        &[
            "subscribe".as_ref(),
            mode.as_ref(),
            notes_server().as_os_str(),
            "--db".as_ref(),
            db.as_os_str(),
        ],
        3,
    );
}

#[test]
fn logging_progress_cancellation_and_rich_content_at_2025_11_25() {
    assert_context_works("legacy");
}

#[test]
fn logging_progress_cancellation_and_rich_content_at_2026_07_28() {
    assert_context_works("auto");
}

/// The notes server over HTTP: one session subscribes, another adds and
/// deletes notes.
fn assert_subscriptions_work_across_sessions(mode: &str) {
    let dir = scratch();
    let server = serve_notes_over_http(&dir.path().join("notes.db"));
    let url = format!("http://{}/mcp", server.addr);
    assert_client_passes(&["subscribe".as_ref(), mode.as_ref(), url.as_ref()], 3);
}

#[test]
fn elicitation_sampling_and_roots_at_2025_11_25() {
    assert_asking_works("legacy");
}

#[test]
fn elicitation_sampling_and_roots_at_2026_07_28() {
    assert_asking_works("auto");
}

#[test]
fn resources_subscribe_at_2025_11_25() {
    assert_subscriptions_work("legacy");
}

#[test]
fn subscriptions_listen_at_2026_07_28() {
    assert_subscriptions_work("auto");
}

#[test]
fn a_subscriber_hears_of_changes_made_in_another_http_session_at_2025_11_25() {
    assert_subscriptions_work_across_sessions("legacy");
}

#[test]
fn a_listener_hears_of_changes_made_in_another_http_session_at_2026_07_28() {
    assert_subscriptions_work_across_sessions("auto");
}
