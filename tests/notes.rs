//! The notes server, generated from specs/notes.yaml, built, and exercised
//! end to end over stdio: every tool, resource, template and prompt, the
//! error paths, persistence, and what goes to stdout.

mod common;

use std::path::PathBuf;

use common::{Server, notes_server, scratch};
use serde_json::{Value, json};

/// A notes server on a fresh database; the guard keeps the database alive.
fn start() -> (Server, tempfile::TempDir) {
    let dir = scratch();
    let server = Server::start(notes_server(), &["--db", &db(&dir)]);
    (server, dir)
}

fn db(dir: &tempfile::TempDir) -> String {
    dir.path().join("notes.db").to_string_lossy().into_owned()
}

#[test]
fn initialize_negotiates_each_supported_protocol_version() {
    for version in ["2025-06-18", "2025-11-25"] {
        let dir = scratch();
        let mut server = Server::spawn(notes_server(), &["--db", &db(&dir)]);
        let result = server.initialize(version)["result"].clone();
        assert_eq!(result["protocolVersion"], version);
        assert_eq!(result["serverInfo"]["name"], "notes-server");
        assert_eq!(result["serverInfo"]["version"], "0.1.0");
        let capabilities = result["capabilities"].as_object().unwrap();
        for capability in ["tools", "resources", "prompts"] {
            assert!(
                capabilities.contains_key(capability),
                "{capability} in {result}"
            );
        }
        assert!(
            !capabilities.contains_key("logging"),
            "only what is served: {result}"
        );
        assert!(
            result["instructions"]
                .as_str()
                .unwrap()
                .contains("add_note")
        );
    }
}

#[test]
fn tools_list_describes_each_tool_and_its_schema() {
    let (mut server, _db) = start();
    let tools = server.call("tools/list", json!({}))["tools"].clone();
    let tool = |name: &str| -> Value {
        tools
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no tool {name} in {tools}"))
            .clone()
    };
    assert_eq!(tools.as_array().unwrap().len(), 4);

    let add = tool("add_note");
    assert_eq!(
        add["description"],
        "Add a new note with the given name and content."
    );
    let schema = &add["inputSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["name", "content"]));
    assert_eq!(schema["properties"]["name"]["type"], "string");
    assert_eq!(
        schema["properties"]["name"]["description"],
        "The name/title of the note"
    );
    assert_eq!(
        schema["properties"]["content"]["description"],
        "The content of the note"
    );

    assert_eq!(tool("get_note")["inputSchema"]["required"], json!(["name"]));
    assert_eq!(tool("get_note")["annotations"]["readOnlyHint"], true);
    assert_eq!(tool("delete_note")["annotations"]["destructiveHint"], true);
    let list = tool("list_notes");
    assert_eq!(list["inputSchema"]["type"], "object");
    assert!(
        list["inputSchema"]
            .get("required")
            .is_none_or(|r| r == &json!([]))
    );
}

#[test]
fn tools_behave_as_in_the_tutorial() {
    let (mut server, _db) = start();
    assert_eq!(
        server.tool("list_notes", json!({})),
        ("No notes saved yet.".into(), false)
    );
    assert_eq!(
        server.tool(
            "add_note",
            json!({ "name": "shopping", "content": "eggs, milk" })
        ),
        ("Note 'shopping' added successfully.".into(), false)
    );
    assert_eq!(
        server.tool("add_note", json!({ "name": "meeting", "content": "at 10" })),
        ("Note 'meeting' added successfully.".into(), false)
    );
    assert_eq!(
        server.tool("get_note", json!({ "name": "shopping" })),
        ("eggs, milk".into(), false)
    );
    assert_eq!(
        server.tool("get_note", json!({ "name": "nope" })),
        ("Note 'nope' not found.".into(), false)
    );
    assert_eq!(
        server.tool("list_notes", json!({})),
        ("Saved notes: shopping, meeting".into(), false)
    );
    assert_eq!(
        server.tool("delete_note", json!({ "name": "shopping" })),
        ("Note 'shopping' deleted.".into(), false)
    );
    assert_eq!(
        server.tool("delete_note", json!({ "name": "shopping" })),
        ("Note 'shopping' not found.".into(), false)
    );
    assert_eq!(
        server.tool("list_notes", json!({})),
        ("Saved notes: meeting".into(), false)
    );
    // Adding under an existing name replaces the content, as a dict would.
    server.tool("add_note", json!({ "name": "meeting", "content": "at 11" }));
    assert_eq!(
        server.tool("get_note", json!({ "name": "meeting" })),
        ("at 11".into(), false)
    );
}

#[test]
fn invalid_input_is_a_tool_error() {
    let (mut server, _db) = start();
    for arguments in [
        json!({ "name": "", "content": "x" }),
        json!({ "name": "x", "content": "" }),
        json!({ "name": "  ", "content": "x" }),
    ] {
        assert_eq!(
            server.tool("add_note", arguments),
            ("Error: Name and content are required.".into(), true)
        );
    }
    assert_eq!(
        server.tool("get_note", json!({ "name": "" })),
        ("Error: Name is required.".into(), true)
    );
    let (text, is_error) = server.tool(
        "add_note",
        json!({ "name": "x".repeat(300), "content": "x" }),
    );
    assert!(is_error && text.contains("at most 256"), "{text}");

    // Missing or mistyped arguments: a tool error that names the problem.
    let (text, is_error) = server.tool("add_note", json!({ "name": "only" }));
    assert!(is_error && text.contains("content"), "{text}");
    let (text, is_error) = server.tool("get_note", json!({ "name": 42 }));
    assert!(is_error && text.contains("invalid type"), "{text}");
    // Nothing was stored by any of these.
    assert_eq!(
        server.tool("list_notes", json!({})),
        ("No notes saved yet.".into(), false)
    );
}

#[test]
fn resources_and_templates_are_listed_and_read() {
    let (mut server, _db) = start();
    let resources = server.call("resources/list", json!({}))["resources"].clone();
    let uris: Vec<&str> = resources
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["notes://all", "notes://count"]);
    assert_eq!(resources[0]["name"], "all_notes");
    assert_eq!(
        resources[0]["description"],
        "All saved notes as a formatted list."
    );
    assert_eq!(resources[0]["mimeType"], "text/markdown");

    let templates = server.call("resources/templates/list", json!({}))["resourceTemplates"].clone();
    assert_eq!(templates.as_array().unwrap().len(), 1);
    assert_eq!(templates[0]["uriTemplate"], "notes://{name}");
    assert_eq!(templates[0]["name"], "note");
    assert_eq!(templates[0]["description"], "A specific note by name.");

    assert_eq!(server.read("notes://all"), "No notes available.");
    assert_eq!(server.read("notes://count"), "0 notes saved");
    server.tool("add_note", json!({ "name": "a", "content": "first" }));
    server.tool(
        "add_note",
        json!({ "name": "b c", "content": "second\nline" }),
    );
    assert_eq!(
        server.read("notes://all"),
        "## a\nfirst\n## b c\nsecond\nline"
    );
    assert_eq!(server.read("notes://count"), "2 notes saved");
    assert_eq!(server.read("notes://a"), "first");
    assert_eq!(server.read("notes://b%20c"), "second\nline");
    assert_eq!(server.read("notes://missing"), "Note 'missing' not found.");

    let reply = server.request("resources/read", json!({ "uri": "other://a" }));
    assert_eq!(reply["error"]["code"], -32002, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("other://a")
    );
}

#[test]
fn templates_refuse_path_tricks() {
    let (mut server, _db) = start();
    for uri in ["notes://../x", "notes://", "notes://a/b"] {
        let reply = server.request("resources/read", json!({ "uri": uri }));
        assert_eq!(reply["error"]["code"], -32002, "{uri}: {reply}");
    }
    let long = format!("notes://{}", "x".repeat(2000));
    for uri in [
        "notes://%2e%2e%2fx",
        "notes://%2e%2e",
        "notes://%zz",
        long.as_str(),
    ] {
        let reply = server.request("resources/read", json!({ "uri": uri }));
        assert_eq!(reply["error"]["code"], -32602, "{uri}: {reply}");
    }
    // And the server still serves.
    assert_eq!(server.read("notes://count"), "0 notes saved");
}

#[test]
fn prompts_are_listed_and_rendered() {
    let (mut server, _db) = start();
    let prompts = server.call("prompts/list", json!({}))["prompts"].clone();
    assert_eq!(prompts.as_array().unwrap().len(), 1);
    assert_eq!(prompts[0]["name"], "note_taking_assistant");
    assert_eq!(
        prompts[0]["description"],
        "A prompt for helping organize notes on a specific topic."
    );
    assert_eq!(
        prompts[0]["arguments"],
        json!([{ "name": "topic", "description": "The topic to create notes about", "required": true }])
    );

    let result = server.call(
        "prompts/get",
        json!({ "name": "note_taking_assistant", "arguments": { "topic": "Rust {traits}" } }),
    );
    let messages = result["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["role"], "user");
    let text = messages[0]["content"]["text"].as_str().unwrap();
    assert!(text.starts_with(
        "You are a note-taking assistant helping organize information about Rust {traits}.\n\nWhen the user provides information:\n1. Identify the key points"
    ), "{text}");
    assert!(text.ends_with("3. Summarize the relevant information\n\nBe organized and concise."));

    let reply = server.request(
        "prompts/get",
        json!({ "name": "note_taking_assistant", "arguments": {} }),
    );
    assert!(
        reply.get("error").is_some(),
        "a missing argument is an error: {reply}"
    );
}

#[test]
fn protocol_errors_get_json_rpc_errors_and_the_server_keeps_serving() {
    let (mut server, _db) = start();
    let reply = server.request(
        "tools/call",
        json!({ "name": "no_such_tool", "arguments": {} }),
    );
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    let reply = server.request("no/such/method", json!({}));
    assert_eq!(reply["error"]["code"], -32601, "{reply}");

    server.send_raw(b"this is not JSON");
    let reply = server.next_message();
    assert_eq!(reply["error"]["code"], -32700, "{reply}");
    assert_eq!(reply["id"], Value::Null);

    server.send_raw(br#"{"jsonrpc":"2.0","id":"x","method":"tools/call","params":7}"#);
    let reply = server.response(&json!("x"));
    assert_eq!(reply["error"]["code"], -32602, "{reply}");

    server.send_raw(br#"[{"jsonrpc":"2.0","id":9,"method":"ping"}]"#);
    assert_eq!(server.next_message()["error"]["code"], -32600);

    assert_eq!(
        server.tool("add_note", json!({ "name": "still", "content": "here" })),
        ("Note 'still' added successfully.".into(), false)
    );
}

#[test]
fn notes_survive_a_restart() {
    let dir = scratch();
    let mut server = Server::start(notes_server(), &["--db", &db(&dir)]);
    server.tool(
        "add_note",
        json!({ "name": "kept", "content": "across restarts" }),
    );
    server.close();
    let mut server = Server::start(notes_server(), &["--db", &db(&dir)]);
    assert_eq!(
        server.tool("get_note", json!({ "name": "kept" })),
        ("across restarts".into(), false)
    );
}

#[test]
fn the_database_path_comes_from_the_environment_too() {
    let dir = scratch();
    let path = dir.path().join("nested").join("env.db");
    let mut command = std::process::Command::new(notes_server());
    command.env("NOTES_DB", &path);
    let mut server = Server::spawn_with(&mut command);
    server.initialize("2025-06-18");
    server.tool("add_note", json!({ "name": "n", "content": "c" }));
    server.close();
    assert!(
        path.exists(),
        "the database is created at NOTES_DB, parents included"
    );
}

#[test]
fn two_processes_on_one_database_lose_no_writes() {
    let dir = scratch();
    let path = db(&dir);
    let writers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|prefix| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut server = Server::start(notes_server(), &["--db", &path]);
                for i in 0..100 {
                    let (text, is_error) = server.tool(
                        "add_note",
                        json!({ "name": format!("{prefix}{i}"), "content": "c" }),
                    );
                    assert!(!is_error, "{text}");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("a writer");
    }
    let mut server = Server::start(notes_server(), &["--db", &path]);
    assert_eq!(server.read("notes://count"), "200 notes saved");
}

#[test]
fn piped_requests_are_all_answered_and_the_server_exits_promptly() {
    let dir = scratch();
    let mut server = Server::spawn(notes_server(), &["--db", &db(&dir)]);
    let mut lines = vec![
        json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}),
        json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
    ];
    for i in 1..=50 {
        lines.push(json!({"jsonrpc":"2.0","id":i,"method":"tools/call","params":{"name":"add_note","arguments":{"name":format!("n{i}"),"content":"c"}}}));
    }
    for line in &lines {
        server.send(line);
    }
    let (elapsed, output) = server.close();
    assert!(elapsed.as_millis() < 1000, "exit took {elapsed:?}");
    let ids: std::collections::BTreeSet<i64> = output
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON on stdout"))
        .filter_map(|message| message["id"].as_i64())
        .collect();
    assert_eq!(
        ids,
        (0..=50).collect(),
        "every request is answered before exit"
    );
}

#[test]
fn stdout_carries_json_rpc_only() {
    let dir = scratch();
    let mut command = std::process::Command::new(notes_server());
    command.args(["--db", &db(&dir)]).env("RUST_LOG", "trace");
    let mut server = Server::spawn_with(&mut command);
    server.initialize("2025-06-18");
    server.notify("notifications/initialized", json!({}));
    server.tool("add_note", json!({ "name": "n", "content": "c" }));
    server.request("no/such/method", json!({}));
    server.read("notes://all");
    let (_, output) = server.close();
    assert!(!output.is_empty());
    for line in output {
        let message: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert_eq!(message["jsonrpc"], "2.0", "{line}");
    }
}

#[test]
fn the_default_database_is_in_the_data_directory_not_the_working_directory() {
    let home = scratch();
    let cwd = scratch();
    let output = std::process::Command::new(notes_server())
        .arg("--help")
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("NOTES_DB")
        .current_dir(cwd.path())
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    let expected: PathBuf = home.path().join(".local/share/notes-server/notes.db");
    assert!(
        help.contains(&expected.to_string_lossy().into_owned()),
        "{help}"
    );
    assert!(help.contains("NOTES_DB"), "{help}");
}

#[test]
fn note_names_complete_from_the_database() {
    let (mut server, _db) = start();
    let result = server.initialize_result();
    assert!(
        result["capabilities"].get("completions").is_some(),
        "{result}"
    );
    for name in ["shopping", "shoes", "meeting"] {
        server.tool("add_note", json!({ "name": name, "content": "c" }));
    }
    let complete = |server: &mut Server, value: &str| {
        server.call(
            "completion/complete",
            json!({
                "ref": { "type": "ref/resource", "uri": "notes://{name}" },
                "argument": { "name": "name", "value": value }
            }),
        )["completion"]
            .clone()
    };
    let completion = complete(&mut server, "sho");
    assert_eq!(completion["values"], json!(["shopping", "shoes"]));
    assert_eq!(completion["total"], 2);
    assert_eq!(complete(&mut server, "x")["values"], json!([]));
    let other = server.call(
        "completion/complete",
        json!({
            "ref": { "type": "ref/prompt", "name": "note_taking_assistant" },
            "argument": { "name": "topic", "value": "a" }
        }),
    );
    assert_eq!(other["completion"]["values"], json!([]));
}
