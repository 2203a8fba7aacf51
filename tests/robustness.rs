//! The generated notes server under hostile input and hostile conditions:
//! malformed and out-of-order JSON-RPC over stdio, huge lines, abrupt
//! ends, path tricks in resource URIs, `kill -9` while a client writes,
//! and several processes writing one database at once.

mod common;

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader, Read, Write},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    sync::{Arc, Mutex, OnceLock, mpsc},
    time::{Duration, Instant},
};

use common::{Server, TIMEOUT, build, notes_server, peak_rss_kib, scratch};
use serde_json::{Value, json};

fn db(dir: &tempfile::TempDir) -> String {
    dir.path().join("notes.db").to_string_lossy().into_owned()
}

/// The notes server on `db`, with stdin and stdout piped to this test and
/// its logs dropped, for tests that drive the pipes themselves.
fn spawn_piped(db: &str) -> Child {
    Command::new(notes_server())
        .args(["--db", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts")
}

fn start() -> (Server, tempfile::TempDir) {
    let dir = scratch();
    let server = Server::start(notes_server(), &["--db", &db(&dir)]);
    (server, dir)
}

/// What a line should get: an error with this code and id, a result, or
/// nothing at all.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Error(i64, Value),
    Answer(Value),
    ToolError(Value),
    Nothing,
}

use Expect::{Answer, Error, Nothing, ToolError};

/// Hostile lines and what each must get. Ids are unique, so that a burst of
/// them can be checked too.
fn hostile_lines() -> Vec<(Vec<u8>, Expect)> {
    let null = Value::Null;
    let lines: Vec<(&[u8], Expect)> = vec![
        // Not JSON.
        (b"this is not JSON", Error(-32700, null.clone())),
        (br#"{"jsonrpc":"2.0","id":1,"#, Error(-32700, null.clone())),
        (b"\xff\xfe\x00", Error(-32700, null.clone())),
        (
            b"{\"jsonrpc\":\"2.0\",\"id\":\"u\",\"method\":\"ping\xff\"}",
            Error(-32700, null.clone()),
        ),
        // JSON that is not a JSON-RPC request.
        (b"42", Error(-32600, null.clone())),
        (br#""a string""#, Error(-32600, null.clone())),
        (b"null", Error(-32600, null.clone())),
        (b"{}", Error(-32600, null.clone())),
        (b"[]", Error(-32600, null.clone())),
        (
            br#"[{"jsonrpc":"2.0","id":"b1","method":"ping"},{"jsonrpc":"2.0","id":"b2","method":"ping"}]"#,
            Error(-32600, null.clone()),
        ),
        (
            br#"{"jsonrpc":"1.0","id":"v1","method":"ping"}"#,
            Error(-32600, json!("v1")),
        ),
        (
            br#"{"id":"v2","method":"ping"}"#,
            Error(-32600, json!("v2")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"m5","method":5}"#,
            Error(-32600, json!("m5")),
        ),
        (
            br#"{"jsonrpc":"2.0","method":["no"]}"#,
            Error(-32600, null.clone()),
        ),
        // Ids MCP does not allow.
        (
            br#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            Error(-32600, null.clone()),
        ),
        (
            br#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            Error(-32600, null.clone()),
        ),
        (
            br#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
            Error(-32600, null.clone()),
        ),
        (
            br#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"ping"}"#,
            Error(-32600, json!(18446744073709551615u64)),
        ),
        // Unknown methods, and notifications sent with an id: requests for
        // a method the server does not have.
        (
            br#"{"jsonrpc":"2.0","id":"x1","method":"no/such/method"}"#,
            Error(-32601, json!("x1")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"x2","method":"notifications/initialized"}"#,
            Error(-32601, json!("x2")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"x3","method":"notifications/cancelled","params":{"requestId":"zzz"}}"#,
            Error(-32601, json!("x3")),
        ),
        // Params of the wrong type.
        (
            br#"{"jsonrpc":"2.0","id":"p1","method":"tools/call","params":{"name":5}}"#,
            Error(-32602, json!("p1")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p2","method":"tools/call","params":[1]}"#,
            Error(-32602, json!("p2")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p3","method":"tools/call"}"#,
            Error(-32602, json!("p3")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p4","method":"tools/call","params":{"name":"add_note","arguments":"x"}}"#,
            Error(-32602, json!("p4")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p5","method":"resources/read","params":{"uri":7}}"#,
            Error(-32602, json!("p5")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p6","method":"prompts/get","params":{"name":[]}}"#,
            Error(-32602, json!("p6")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p7","method":"completion/complete","params":{}}"#,
            Error(-32602, json!("p7")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p8","method":"ping","params":5}"#,
            Error(-32602, json!("p8")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"p10","method":"prompts/get","params":{"name":"note_taking_assistant","arguments":{"topic":5}}}"#,
            Error(-32602, json!("p10")),
        ),
        // Arguments of the wrong type are the tool's error, which the model
        // reads, per MCP.
        (
            br#"{"jsonrpc":"2.0","id":"t1","method":"tools/call","params":{"name":"add_note","arguments":{"name":[1],"content":{}}}}"#,
            ToolError(json!("t1")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"t2","method":"tools/call","params":{"name":"get_note","arguments":{"name":1e400}}}"#,
            Error(-32700, null.clone()),
        ),
        // Notifications, known or not, and responses nobody asked for get
        // no answer.
        (br#"{"jsonrpc":"2.0","method":"no/such/notification"}"#, Nothing),
        (
            br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"never"}}"#,
            Nothing,
        ),
        (br#"{"jsonrpc":"2.0","id":"r1","result":{}}"#, Nothing),
        (
            br#"{"jsonrpc":"2.0","id":"r2","error":{"code":1,"message":"x"}}"#,
            Nothing,
        ),
        (b"", Nothing),
        (b"   \t ", Nothing),
        // And valid requests still work between them.
        (
            br#"{"jsonrpc":"2.0","id":"ok1","method":"ping"}"#,
            Answer(json!("ok1")),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"ok2","method":"tools/list","params":null}"#,
            Answer(json!("ok2")),
        ),
    ];
    lines
        .into_iter()
        .map(|(line, expect)| (line.to_vec(), expect))
        .collect()
}

/// Checks one message against what was expected of it.
fn matches(message: &Value, expect: &Expect) -> bool {
    match expect {
        Error(code, id) => message["error"]["code"] == json!(code) && &message["id"] == id,
        Answer(id) => message.get("result").is_some() && &message["id"] == id,
        ToolError(id) => message["result"]["isError"] == json!(true) && &message["id"] == id,
        Nothing => false,
    }
}

#[test]
fn each_hostile_line_gets_its_json_rpc_answer_and_the_server_keeps_serving() {
    let (mut server, _db) = start();
    for (i, (line, expect)) in hostile_lines().into_iter().enumerate() {
        let shown = String::from_utf8_lossy(&line).into_owned();
        server.send_raw(&line);
        // A ping after each line: its answer shows the line was handled.
        let ping = json!(format!("after-{i}"));
        server.send(&json!({"jsonrpc": "2.0", "id": ping, "method": "ping"}));
        let mut seen = Vec::new();
        let mut pinged = false;
        while !pinged || (expect != Nothing && seen.is_empty()) {
            let message = server.next_message();
            if message["id"] == ping {
                assert_eq!(message["result"], json!({}), "{shown}: {message}");
                pinged = true;
            } else {
                seen.push(message);
            }
        }
        match &expect {
            Nothing => assert!(seen.is_empty(), "{shown} got {seen:?}"),
            expect => {
                assert_eq!(seen.len(), 1, "{shown} got {seen:?}");
                assert!(
                    matches(&seen[0], expect),
                    "{shown}: {expect:?}, got {}",
                    seen[0]
                );
            }
        }
    }
    assert_eq!(
        server.tool("add_note", json!({ "name": "still", "content": "here" })),
        ("Note 'still' added successfully.".into(), false)
    );
}

/// `line` with every `from` replaced by `to`; lines need not be UTF-8.
fn replace_bytes(line: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

/// All the hostile lines at once, in one write: the server must answer
/// every one, even while it answers others. (Answers the transport wrote
/// itself were lost when rmcp cancelled a read half-way through one.)
#[test]
fn a_burst_of_hostile_lines_gets_every_answer() {
    let (mut server, _db) = start();
    // Each round with ids of its own: a reused id is refused while in use.
    let round_of = |round: usize| -> Vec<(Vec<u8>, Expect)> {
        let tag = format!("\"id\":\"r{round}-");
        hostile_lines()
            .into_iter()
            .map(|(line, expect)| {
                let line = replace_bytes(&line, b"\"id\":\"", tag.as_bytes());
                let retag = |id: Value| match id.as_str() {
                    Some(id) => json!(format!("r{round}-{id}")),
                    None => id,
                };
                let expect = match expect {
                    Error(code, id) => Error(code, retag(id)),
                    Answer(id) => Answer(retag(id)),
                    ToolError(id) => ToolError(retag(id)),
                    Nothing => Nothing,
                };
                (line, expect)
            })
            .collect()
    };
    let mut burst = Vec::new();
    let mut expected = Vec::new();
    for round in 0..5 {
        for (line, expect) in round_of(round) {
            burst.extend_from_slice(&line);
            burst.push(b'\n');
            if expect != Nothing {
                expected.push(expect);
            }
        }
        expected.push(Answer(json!(format!("round-{round}"))));
        burst.extend_from_slice(
            json!({"jsonrpc": "2.0", "id": format!("round-{round}"), "method": "tools/list"})
                .to_string()
                .as_bytes(),
        );
        burst.push(b'\n');
    }
    server.send_raw(&burst);
    while !expected.is_empty() {
        let message = server.next_message();
        let found = expected
            .iter()
            .position(|expect| matches(&message, expect))
            .unwrap_or_else(|| panic!("unexpected {message}; still expecting {expected:?}"));
        expected.remove(found);
    }
    // Nothing more: a last ping is answered next.
    let reply = server.request("ping", json!({}));
    assert_eq!(reply["result"], json!({}));
}

#[test]
fn a_client_that_stops_reading_does_not_grow_the_server() {
    const CALLS: usize = 50_000;
    let dir = scratch();
    let mut child = spawn_piped(&db(&dir));
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut next = || {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str::<Value>(&line).unwrap()
    };
    let handshake = [
        json!({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": "add", "method": "tools/call", "params": {
            "name": "add_note", "arguments": {"name": "a", "content": "hello"}}}),
    ];
    for message in &handshake {
        writeln!(stdin, "{message}").unwrap();
    }
    assert_eq!(next()["id"], "init");
    assert_eq!(next()["id"], "add");
    let before = peak_rss_kib(child.id());

    // The calls go in from a thread of their own, while nobody reads the
    // answers: the server must stop reading rather than hold them all.
    let writer = std::thread::spawn(move || {
        for id in 0..CALLS {
            let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": {"name": "get_note", "arguments": {"name": "a"}}});
            writeln!(stdin, "{call}").unwrap();
        }
        stdin
    });
    std::thread::sleep(Duration::from_secs(3));
    let stalled = peak_rss_kib(child.id());
    let mut answered = BTreeSet::new();
    for _ in 0..CALLS {
        let message = next();
        assert_eq!(
            message["result"]["content"][0]["text"], "hello",
            "{message}"
        );
        answered.insert(message["id"].as_i64().unwrap());
    }
    assert_eq!(answered.len(), CALLS, "one answer per call");
    drop(writer.join().unwrap());
    let after = peak_rss_kib(child.id());
    assert!(child.wait().unwrap().success());
    // Answers waiting to be written once took about 2 KiB each.
    assert!(
        stalled < before + 8 * 1024 && after < before + 8 * 1024,
        "peak RSS {before} KiB after initialize, {stalled} KiB while the client \
         did not read, {after} KiB after {CALLS} calls"
    );
}

#[test]
fn before_initialize_only_ping_is_served_and_nothing_ends_the_session() {
    let dir = scratch();
    let mut server = Server::spawn(notes_server(), &["--db", &db(&dir)]);
    // rmcp ended the session on any notification or response before
    // `initialize`; they are dropped now.
    server.notify("notifications/initialized", json!({}));
    server.notify("notifications/cancelled", json!({ "requestId": 1 }));
    server.send(&json!({"jsonrpc": "2.0", "id": "r", "result": {}}));
    server.send(&json!({"jsonrpc": "2.0", "id": "e", "error": {"code": 1, "message": "x"}}));
    // MCP allows ping before initialize.
    server.send(&json!({"jsonrpc": "2.0", "id": "early-ping", "method": "ping"}));
    let reply = server.response(&json!("early-ping"));
    assert_eq!(reply["result"], json!({}), "{reply}");
    // Other requests get an error: rmcp 3.11 reads a request before
    // `initialize` as the start of a 2026-07-28 session, which needs the
    // protocol version and capabilities in `_meta`.
    for (method, params) in [
        ("tools/list", json!({})),
        (
            "tools/call",
            json!({ "name": "list_notes", "arguments": {} }),
        ),
        ("no/such/method", json!({})),
    ] {
        server.send(&json!({"jsonrpc": "2.0", "id": method, "method": method, "params": params}));
        let reply = server.response(&json!(method));
        assert_eq!(reply["error"]["code"], -32602, "{method}: {reply}");
        assert!(
            reply["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("protocolVersion")),
            "{reply}"
        );
    }
    // Malformed lines are answered as ever.
    server.send_raw(b"not json");
    assert_eq!(server.next_message()["error"]["code"], -32700);
    // The session then starts normally.
    let reply = server.initialize("2025-06-18");
    assert_eq!(
        reply["result"]["serverInfo"]["name"], "notes-server",
        "{reply}"
    );
    server.notify("notifications/initialized", json!({}));
    assert_eq!(
        server.tool("add_note", json!({ "name": "late", "content": "but fine" })),
        ("Note 'late' added successfully.".into(), false)
    );
    // A second initialize does not end the session either.
    let again = server.initialize("2025-06-18");
    assert!(
        again.get("result").is_some() || again.get("error").is_some(),
        "{again}"
    );
    assert_eq!(server.read("notes://count"), "1 notes saved");
}

#[test]
fn duplicate_ids_get_one_answer_each_and_nothing_runs_unanswered() {
    let (mut server, _db) = start();
    for round in 0..20 {
        let id = format!("dup-{round}");
        let call = |name: String| {
            json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                   "params": {"name": "add_note", "arguments": {"name": name, "content": "c"}}})
        };
        // Both in one write, so that the second arrives while the first is
        // (most likely) still in progress.
        let mut both = call(format!("{id}-a")).to_string();
        both.push('\n');
        both.push_str(&call(format!("{id}-b")).to_string());
        server.send_raw(both.as_bytes());
        let first = server.response(&json!(id));
        let second = server.response(&json!(id));
        // Each request gets an answer: a result, or `-32600` for reusing an
        // id still in flight. Which, depends on timing.
        let mut added = 0;
        for reply in [&first, &second] {
            match reply.get("result") {
                Some(result) => {
                    assert_eq!(result["isError"], false, "{reply}");
                    added += 1;
                }
                None => assert_eq!(reply["error"]["code"], -32600, "{reply}"),
            }
        }
        assert!(added >= 1, "{first} {second}");
        // A note exists only if its request was answered with a result.
        let stored = ["a", "b"]
            .iter()
            .filter(|suffix| {
                server
                    .tool("get_note", json!({ "name": format!("{id}-{suffix}") }))
                    .0
                    == "c"
            })
            .count();
        assert_eq!(stored, added, "{first} {second}");
    }
    // An id may be used again once its request is answered.
    for _ in 0..2 {
        server.send(&json!({"jsonrpc": "2.0", "id": "again", "method": "ping"}));
        assert_eq!(server.response(&json!("again"))["result"], json!({}));
    }
}

#[test]
fn huge_lines_are_answered_and_skipped() {
    let (mut server, _db) = start();
    // A 10 MB request: valid JSON-RPC, content over the tool's limit.
    let content = "x".repeat(10 << 20);
    let reply = server.request(
        "tools/call",
        json!({ "name": "add_note", "arguments": { "name": "big", "content": content } }),
    );
    assert_eq!(reply["result"]["isError"], true, "a tool error");
    assert!(
        reply["result"]["content"][0]["text"]
            .as_str()
            .is_some_and(|text| text.contains("at most 1 MiB"))
    );
    // 10 MB that are not JSON.
    server.send_raw("{".repeat(10 << 20).as_bytes());
    let reply = server.next_message();
    assert_eq!(reply["error"]["code"], -32700);
    // Over the 16 MiB limit: refused as it streams in, never held whole.
    let mut line = br#"{"jsonrpc":"2.0","id":"huge","method":"tools/call","params":{"name":"add_note","arguments":{"name":"huge","content":""#.to_vec();
    line.extend(std::iter::repeat_n(b'y', 17 << 20));
    line.extend_from_slice(br#""}}}"#);
    server.send_raw(&line);
    let reply = server.next_message();
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    assert_eq!(reply["id"], Value::Null);
    // And the line after it is read from its start.
    assert_eq!(
        server.tool("get_note", json!({ "name": "huge" })),
        ("Note 'huge' not found.".into(), false)
    );
    assert_eq!(server.read("notes://count"), "0 notes saved");
}

/// Runs the notes server on `input` (stdin then closes) and returns its
/// exit code and every message it wrote.
fn run_to_end(db: &str, input: Vec<u8>) -> (Option<i32>, Vec<Value>) {
    let mut child = spawn_piped(db);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut output = String::new();
        let _ = stdout.read_to_string(&mut output);
        let _ = sender.send(output);
    });
    let output = receiver.recv_timeout(TIMEOUT * 3).unwrap_or_else(|_| {
        let _ = child.kill();
        panic!("the server did not exit at the end of its input")
    });
    writer.join().unwrap();
    let status = child.wait().unwrap();
    let messages = output
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON on stdout"))
        .collect();
    (status.code(), messages)
}

#[test]
fn an_abrupt_end_of_input_mid_line_is_answered_and_ends_the_server_cleanly() {
    let dir = scratch();
    let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"eof","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_note","arguments":{"name":"n","content":"c"}}}
"#;
    for tail in [
        &br#"{"jsonrpc":"2.0","id":2,"meth"#[..],
        br#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#,
        b"\xe2\x82",
        b"   ",
    ] {
        let (code, messages) = run_to_end(&db(&dir), [init.as_bytes(), tail].concat());
        assert_eq!(code, Some(0), "{messages:?}");
        let ids: BTreeSet<String> = messages.iter().map(|m| m["id"].to_string()).collect();
        assert!(ids.contains("0") && ids.contains("1"), "{messages:?}");
        let last = String::from_utf8_lossy(tail);
        match last.trim() {
            "" => assert_eq!(messages.len(), 2, "{messages:?}"),
            text if text.ends_with('}') => assert!(ids.contains("2"), "{messages:?}"),
            _ => assert!(
                messages.iter().any(|m| m["error"]["code"] == -32700),
                "{last}: {messages:?}"
            ),
        }
    }
    // The end of input inside an over-long line.
    let mut input = init.as_bytes().to_vec();
    input.extend(std::iter::repeat_n(b'[', 17 << 20));
    let (code, messages) = run_to_end(&db(&dir), input);
    assert_eq!(code, Some(0));
    assert!(messages.iter().any(|m| m["error"]["code"] == -32600));
}

#[test]
fn resource_templates_refuse_every_path_trick() {
    let (mut server, _db) = start();
    server.tool("add_note", json!({ "name": "a", "content": "A" }));
    // Not matching the template: not found.
    for uri in [
        "notes://a/",
        "notes:///a",
        "notes://a?x=1",
        "notes://a#frag",
        "notes:/a",
        "NOTES://a",
        "notes://",
    ] {
        let reply = server.request("resources/read", json!({ "uri": uri }));
        assert_eq!(reply["error"]["code"], -32002, "{uri}: {reply}");
    }
    // Matching, but not a name: invalid params.
    let long = format!("notes://{}", "x".repeat(1025));
    let spaces = format!("notes://{}", "%20".repeat(3));
    let over_long_name = format!("notes://{}", "n".repeat(257));
    for uri in [
        "notes://.",
        "notes://..",
        "notes://%2e",
        "notes://%2E%2E",
        "notes://%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "notes://..%2f..%2fetc",
        "notes://a%2fb",
        "notes://a%2Fb",
        "notes://a%5cb",
        "notes://%00",
        "notes://a%00b",
        "notes://%C3%28",
        "notes://%",
        "notes://%2",
        "notes://%g0",
        spaces.as_str(),
        over_long_name.as_str(),
        long.as_str(),
    ] {
        let reply = server.request("resources/read", json!({ "uri": uri }));
        assert_eq!(reply["error"]["code"], -32602, "{uri}: {reply}");
        assert!(reply["error"]["message"].is_string(), "{uri}: {reply}");
    }
    // Names that merely look odd are names.
    for (uri, text) in [
        ("notes://a", "A"),
        ("notes://%61", "A"),
        ("notes://...", "Note '...' not found."),
        ("notes://a..b", "Note 'a..b' not found."),
        ("notes://%E2%80%AE", "Note '\u{202e}' not found."),
    ] {
        assert_eq!(server.read(uri), text, "{uri}");
    }
    let name = "n".repeat(256);
    assert_eq!(
        server.read(&format!("notes://{name}")),
        format!("Note '{name}' not found.")
    );
}

/// A minimal client whose server process the test may kill.
struct Killable {
    child: Arc<Mutex<Child>>,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Killable {
    fn start(db: &str) -> Self {
        let mut child = spawn_piped(db);
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take().unwrap();
        let mut server = Self {
            child: Arc::new(Mutex::new(child)),
            stdin,
            lines,
        };
        let init = json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"kill","version":"1"}}});
        assert!(
            server
                .call(&init)
                .is_some_and(|r| r.get("result").is_some())
        );
        server.send(&json!({"jsonrpc":"2.0","method":"notifications/initialized"}));
        server
    }

    fn send(&mut self, message: &Value) -> bool {
        let mut line = message.to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).is_ok() && self.stdin.flush().is_ok()
    }

    /// Sends a request and waits for its answer; `None` once the server
    /// is gone.
    fn call(&mut self, request: &Value) -> Option<Value> {
        if !self.send(request) {
            return None;
        }
        loop {
            let line = match self.lines.recv_timeout(TIMEOUT) {
                Ok(line) => line,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                Err(mpsc::RecvTimeoutError::Timeout) => panic!("no answer to {request}"),
            };
            let message: Value = serde_json::from_str(&line).expect("JSON");
            if message["id"] == request["id"] {
                return Some(message);
            }
        }
    }
}

/// A tiny program that opens a notes database with the SQLite the server
/// uses, runs `PRAGMA integrity_check` and prints it, then every note's
/// name, one per line. It is built in the target directory of the generated
/// crates, where rusqlite is compiled already, so it costs a link, not a
/// SQLite build, and mcpgen needs no database dependency of its own.
fn db_check() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
            notes_server(); // rusqlite first, with the server's versions
            // A fixed place, so that later runs find it built.
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("notes-db-check");
            std::fs::create_dir_all(dir.join("src")).unwrap();
            let write = |file: &str, text: &str| {
                let path = dir.join(file);
                if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
                    std::fs::write(path, text).unwrap();
                }
            };
            write(
                "Cargo.toml",
                "[package]\nname = \"notes-db-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
                 [dependencies]\nrusqlite = { version = \"0.43\", features = [\"bundled\"] }\n",
            );
            write(
                "src/main.rs",
                r#"fn main() -> rusqlite::Result<()> {
    let path = std::env::args().nth(1).expect("a database");
    let db = rusqlite::Connection::open(path)?;
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    println!("{integrity}");
    let mut query = db.prepare("SELECT name FROM notes")?;
    for name in query.query_map([], |row| row.get::<_, String>(0))? {
        println!("{}", name?);
    }
    Ok(())
}
"#,
            );
            build(&dir, "notes-db-check")
        })
}

/// The database's integrity check and its notes' names.
fn inspect(db: &str) -> (String, BTreeSet<String>) {
    let output = Command::new(db_check()).arg(db).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    let integrity = lines.next().unwrap_or_default().to_owned();
    (integrity, lines.map(str::to_owned).collect())
}

/// SplitMix64, for kill times that are random but the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

#[test]
fn every_acknowledged_note_survives_kill_9() {
    const CYCLES: usize = 50;
    let dir = scratch();
    let path = db(&dir);
    let seed = 0x6b69_6c6c_2d39;
    eprintln!("kill -9: seed {seed:#x}, {CYCLES} cycles");
    let mut rng = Rng(seed);
    let mut acknowledged = BTreeSet::new();
    let mut sent = 0;
    let started = Instant::now();
    for cycle in 0..CYCLES {
        let mut server = Killable::start(&path);
        // Kill at a random moment while the client writes as fast as the
        // server acknowledges.
        let delay = Duration::from_micros(rng.below(40_000));
        let child = Arc::clone(&server.child);
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            // SIGKILL, as `kill -9`.
            child.lock().unwrap().kill().expect("kill the server");
        });
        for i in 0.. {
            let name = format!("c{cycle}-n{i}");
            let request = json!({"jsonrpc": "2.0", "id": i + 1, "method": "tools/call",
                "params": {"name": "add_note", "arguments": {"name": name, "content": format!("content of {name}")}}});
            sent += 1;
            match server.call(&request) {
                Some(reply) => {
                    assert_eq!(reply["result"]["isError"], false, "{reply}");
                    acknowledged.insert(name);
                }
                None => break,
            }
        }
        killer.join().unwrap();
        let status = server.child.lock().unwrap().wait().unwrap();
        assert!(!status.success(), "cycle {cycle}: the server was killed");
        if cycle % 10 == 9 {
            let (integrity, names) = inspect(&path);
            assert_eq!(integrity, "ok", "after cycle {cycle}");
            let lost: Vec<_> = acknowledged.difference(&names).collect();
            assert!(lost.is_empty(), "after cycle {cycle}, lost {lost:?}");
        }
    }
    // After a restart, the server itself has every acknowledged note.
    let mut server = Server::start(notes_server(), &["--db", &path]);
    let listed = server.tool("list_notes", json!({})).0;
    let listed: BTreeSet<String> = listed
        .strip_prefix("Saved notes: ")
        .unwrap_or_default()
        .split(", ")
        .map(str::to_owned)
        .collect();
    let lost: Vec<_> = acknowledged.difference(&listed).collect();
    assert!(lost.is_empty(), "lost {lost:?}");
    for name in acknowledged.iter().step_by(97) {
        assert_eq!(
            server.tool("get_note", json!({ "name": name })).0,
            format!("content of {name}")
        );
    }
    drop(server);
    let (integrity, _) = inspect(&path);
    assert_eq!(integrity, "ok");
    eprintln!(
        "kill -9: {CYCLES} cycles in {:.1} s, {} notes acknowledged of {sent} sent",
        started.elapsed().as_secs_f32(),
        acknowledged.len()
    );
    // Typically thousands; a slow machine gets fewer writes in before each
    // kill, but some all the same.
    assert!(
        acknowledged.len() >= CYCLES / 5,
        "the client wrote while the server was killed"
    );
}

#[test]
fn processes_that_open_a_new_database_at_once_all_start() {
    // Each process switches the new database to WAL and creates its table,
    // which SQLite may refuse at once with "database is locked" instead of
    // waiting, when another process is doing the same.
    // Before the fix, about one start in 300 failed.
    for round in 0..40 {
        let dir = scratch();
        let path = db(&dir);
        let mut servers: Vec<Server> = (0..8)
            .map(|_| Server::spawn(notes_server(), &["--db", &path]))
            .collect();
        for (i, server) in servers.iter_mut().enumerate() {
            let reply = server.initialize("2025-06-18");
            assert!(
                reply.get("result").is_some(),
                "round {round}, server {i}: {reply}"
            );
        }
    }
}

#[test]
fn four_processes_writing_one_database_lose_nothing_and_never_see_it_locked() {
    const PROCESSES: usize = 4;
    const WRITES: usize = 1_000;
    const BATCH: usize = 10;
    let dir = scratch();
    let path = db(&dir);
    let started = Instant::now();
    // All four start at once on a database that does not exist yet.
    let writers: Vec<_> = (0..PROCESSES)
        .map(|process| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut server = Server::start(notes_server(), &["--db", &path]);
                // Pipelined, BATCH at a time: the server runs them at once,
                // against three other processes doing the same.
                for batch in 0..WRITES / BATCH {
                    let mut ids = BTreeSet::new();
                    for i in batch * BATCH..(batch + 1) * BATCH {
                        let name = format!("p{process}-{i}");
                        server.send(&json!({"jsonrpc": "2.0", "id": name, "method": "tools/call",
                            "params": {"name": "add_note", "arguments": {"name": name, "content": "c"}}}));
                        ids.insert(name);
                    }
                    while !ids.is_empty() {
                        let reply = server.next_message();
                        let id = reply["id"].as_str().unwrap_or_default().to_owned();
                        assert!(ids.remove(&id), "{reply}");
                        let text = reply["result"]["content"][0]["text"].to_string();
                        assert_eq!(reply["result"]["isError"], false, "{reply}");
                        assert!(text.contains("added successfully"), "{reply}");
                    }
                }
                let (elapsed, _) = server.close();
                elapsed
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("a writer");
    }
    let mut server = Server::start(notes_server(), &["--db", &path]);
    assert_eq!(
        server.read("notes://count"),
        format!("{} notes saved", PROCESSES * WRITES)
    );
    drop(server);
    let (integrity, names) = inspect(&path);
    assert_eq!(integrity, "ok");
    assert_eq!(names.len(), PROCESSES * WRITES);
    eprintln!(
        "{PROCESSES} processes x {WRITES} writes in {:.1} s",
        started.elapsed().as_secs_f32()
    );
}
