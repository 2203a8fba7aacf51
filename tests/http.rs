//! The notes server over streamable HTTP, on 127.0.0.1 only: the official
//! Python SDK's client, sessions, the secure defaults (Host, Origin, bearer
//! token, body size, non-loopback binds), concurrency, stateless replicas on
//! one database, and shutdown on SIGTERM.

mod common;

use std::{
    collections::BTreeSet,
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use common::{
    HttpProcess, TIMEOUT, assert_lint_clean, cargo, generate, mcpgen, notes_server, peak_rss_kib,
    raw_http::{self, Reply, parse_reply},
    repo, scratch, serve_http,
};
use serde_json::{Value, json};

/// The environment variable that holds the notes server's bearer token.
const TOKEN_ENV: &str = "NOTES_SERVER_HTTP_TOKEN";

// ---------------------------------------------------------------------------
// A notes server listening on a free port of 127.0.0.1.

/// A notes server started with `--http`; stopped when dropped.
type HttpServer = HttpProcess;

impl HttpServer {
    /// Starts a notes server on `db` with `--http 127.0.0.1:0` and `args`.
    fn start(db: &Path, args: &[&str]) -> Self {
        Self::start_with(db, args, None)
    }

    fn start_with(db: &Path, args: &[&str], token: Option<&str>) -> Self {
        let mut command = Command::new(notes_server());
        command
            .args(["--http", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(args)
            .env_remove(TOKEN_ENV);
        if let Some(token) = token {
            command.env(TOKEN_ENV, token);
        }
        serve_http(&mut command)
    }

    fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    fn client(&self) -> Client {
        Client::new(self.addr)
    }
}

/// Sends SIGTERM to `child`.
fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -TERM failed");
}

/// Waits for `child` to exit, returning its status and how long that took.
fn wait_exit(child: &mut Child) -> (ExitStatus, Duration) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, started.elapsed());
        }
        assert!(started.elapsed() < TIMEOUT, "the server did not exit");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sends SIGTERM to `child` and waits for it to exit.
fn terminate(child: &mut Child) -> (ExitStatus, Duration) {
    sigterm(child);
    wait_exit(child)
}

fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("notes.db")
}

// ---------------------------------------------------------------------------
// Raw HTTP/1.1 (tests/common/raw_http.rs), so that tests control every
// header, forged ones included.

/// Sends one request to the MCP endpoint; a `Host` header is added unless
/// `headers` has one.
fn send(addr: SocketAddr, method: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    raw_http::request(addr, method, "/mcp", headers, body)
}

const ACCEPT: (&str, &str) = ("Accept", "application/json, text/event-stream");
const JSON: (&str, &str) = ("Content-Type", "application/json");

/// An MCP client of one server: a session, when the server keeps them.
struct Client {
    addr: SocketAddr,
    session: Option<String>,
    token: Option<String>,
    next_id: i64,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            session: None,
            token: None,
            next_id: 0,
        }
    }

    fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// POSTs one message with this client's session and token.
    fn post(&self, message: &Value) -> Reply {
        let authorization = self.token.as_ref().map(|token| format!("Bearer {token}"));
        let mut headers = vec![ACCEPT, JSON];
        if let Some(session) = &self.session {
            headers.push(("Mcp-Session-Id", session));
        }
        if let Some(authorization) = &authorization {
            headers.push(("Authorization", authorization));
        }
        send(self.addr, "POST", &headers, message.to_string().as_bytes())
    }

    /// Sends a request and returns the HTTP reply and the JSON-RPC response.
    fn exchange(&mut self, method: &str, params: Value) -> (Reply, Value) {
        self.next_id += 1;
        let id = json!(self.next_id);
        let reply =
            self.post(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        assert_eq!(reply.status, 200, "{method}: {reply:?}");
        let response = reply
            .messages()
            .into_iter()
            .find(|message| message["id"] == id)
            .unwrap_or_else(|| panic!("no response to {method} in {reply:?}"));
        (reply, response)
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let (_, response) = self.exchange(method, params);
        response
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("{method} failed: {response}"))
    }

    /// Initializes, keeping the session id the server hands out, if any.
    fn initialize(&mut self) -> Reply {
        let (reply, response) = self.exchange(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": { "name": "mcpgen-tests", "version": "0.0.0" }
            }),
        );
        assert_eq!(response["result"]["serverInfo"]["name"], "notes-server");
        self.session = reply.header("mcp-session-id").map(str::to_owned);
        let initialized =
            self.post(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
        assert_eq!(initialized.status, 202, "{initialized:?}");
        reply
    }

    fn tool(&mut self, name: &str, arguments: Value) -> String {
        let result = self.call(
            "tools/call",
            json!({ "name": name, "arguments": arguments }),
        );
        assert_ne!(result["isError"], true, "{name}: {result}");
        result["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn read(&mut self, uri: &str) -> String {
        let result = self.call("resources/read", json!({ "uri": uri }));
        result["contents"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text in {result}"))
            .to_owned()
    }
}

/// An initialize request, as raw bytes.
fn initialize_body() -> Vec<u8> {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": { "name": "mcpgen-tests", "version": "0.0.0" }
        }
    })
    .to_string()
    .into_bytes()
}

// ---------------------------------------------------------------------------
// The tests.

#[test]
fn the_official_python_sdk_passes_every_check_over_http() {
    let python = common::python();
    for mode in [&[][..], &["--stateless"][..]] {
        let dir = scratch();
        let server = HttpServer::start(&db(&dir), mode);
        let output = Command::new(&python)
            .arg(repo().join("tests/interop/python_client.py"))
            .args(["--http", &server.url()])
            .output()
            .expect("python runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let last = stdout.lines().last().unwrap_or_default();
        let passed: u32 = last
            .strip_suffix(" passed, 0 failed")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "{mode:?}: {last}\n{stdout}{}",
                    String::from_utf8_lossy(&output.stderr)
                )
            });
        assert!(passed > 0 && output.status.success(), "{mode:?}: {stdout}");
        // The SDK ends its session with a DELETE, and complains of anything
        // but 200 or 204.
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("termination failed"), "{mode:?}: {stderr}");
    }
}

#[test]
fn a_session_is_created_used_and_deleted() {
    let dir = scratch();
    let server = HttpServer::start(&db(&dir), &[]);
    let mut client = server.client();
    let reply = client.initialize();
    assert_eq!(
        reply.header("content-type"),
        Some("text/event-stream"),
        "{reply:?}"
    );
    let session = client.session.clone().expect("an Mcp-Session-Id header");
    assert!(session.len() >= 16, "an unguessable session id: {session}");

    assert_eq!(
        client.tool("add_note", json!({ "name": "a", "content": "b" })),
        "Note 'a' added successfully."
    );
    assert_eq!(client.read("notes://a"), "b");

    // Without the session id, a request is refused.
    let anonymous = Client::new(server.addr)
        .post(&json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list", "params": {} }));
    assert_eq!(anonymous.status, 400, "{anonymous:?}");

    let deleted = send(server.addr, "DELETE", &[("Mcp-Session-Id", &session)], b"");
    assert_eq!(deleted.status, 204, "{deleted:?}");
    // The deleted session is gone: 404 tells the client to initialize anew.
    let stale =
        client.post(&json!({ "jsonrpc": "2.0", "id": 10, "method": "tools/list", "params": {} }));
    assert_eq!(stale.status, 404, "{stale:?}");

    // A new session sees the notes of the old one: they are in the database.
    let mut client = server.client();
    client.initialize();
    assert_ne!(client.session.as_deref(), Some(session.as_str()));
    assert_eq!(client.read("notes://a"), "b");
}

#[test]
fn forged_host_and_origin_headers_get_403() {
    let dir = scratch();
    let server = HttpServer::start(
        &db(&dir),
        &[
            "--allow-host",
            "mcp.example.com",
            "--allow-origin",
            "https://app.example.com:443",
        ],
    );
    let port = server.addr.port();
    let status = |headers: &[(&str, &str)]| {
        let mut all = vec![ACCEPT, JSON];
        all.extend_from_slice(headers);
        send(server.addr, "POST", &all, &initialize_body()).status
    };
    let own_host = format!("127.0.0.1:{port}");
    let localhost = format!("localhost:{port}");
    let own_origin = format!("http://localhost:{port}");
    let other_port = format!("localhost:{}", port.wrapping_add(1));

    // DNS rebinding: a page on evil.example resolves its name to 127.0.0.1.
    assert_eq!(status(&[("Host", "evil.example")]), 403);
    assert_eq!(status(&[("Host", &format!("evil.example:{port}"))]), 403);
    assert_eq!(status(&[("Host", &other_port)]), 403);
    assert_eq!(status(&[("Origin", "http://evil.example")]), 403);
    assert_eq!(status(&[("Origin", "null")]), 403);
    assert_eq!(
        status(&[
            ("Host", &localhost),
            ("Origin", "https://app.example.com.evil.example")
        ]),
        403
    );

    // The server's own names, and what the flags add.
    assert_eq!(status(&[("Host", &own_host)]), 200);
    assert_eq!(
        status(&[("Host", &localhost), ("Origin", &own_origin)]),
        200
    );
    assert_eq!(status(&[("Host", "mcp.example.com")]), 200);
    assert_eq!(status(&[("Origin", "https://app.example.com")]), 200);
}

#[test]
fn a_bearer_token_from_the_environment_is_required_once_set() {
    let dir = scratch();
    let token = "s3cret-token_with.chars~";
    let server = HttpServer::start_with(&db(&dir), &[], Some(token));
    let status = |authorization: Option<&str>| {
        let mut headers = vec![ACCEPT, JSON];
        if let Some(value) = authorization {
            headers.push(("Authorization", value));
        }
        send(server.addr, "POST", &headers, &initialize_body())
    };

    let missing = status(None);
    assert_eq!(missing.status, 401, "{missing:?}");
    assert_eq!(missing.header("www-authenticate"), Some("Bearer"));
    for wrong in [
        "Bearer wrong",
        "Bearer s3cret-token_with.chars",
        "Bearer s3cret-token_with.chars~~",
        "Basic czNjcmV0",
        "s3cret-token_with.chars~",
        "Bearer",
    ] {
        let reply = status(Some(wrong));
        assert_eq!(reply.status, 401, "{wrong}: {reply:?}");
    }
    assert_eq!(
        status(Some("Bearer wrong")).header("www-authenticate"),
        Some(r#"Bearer error="invalid_token""#)
    );
    assert_eq!(status(Some(&format!("Bearer {token}"))).status, 200);
    assert_eq!(status(Some(&format!("bearer {token}"))).status, 200);

    // Every request of a session needs it, not only the first.
    let mut client = server.client().with_token(token);
    client.initialize();
    assert_eq!(
        client.tool("add_note", json!({ "name": "t", "content": "c" })),
        "Note 't' added successfully."
    );
    client.token = None;
    let reply =
        client.post(&json!({ "jsonrpc": "2.0", "id": 99, "method": "tools/list", "params": {} }));
    assert_eq!(reply.status, 401, "{reply:?}");
}

#[test]
fn an_empty_token_is_refused_at_start() {
    let dir = scratch();
    let output = Command::new(notes_server())
        .args(["--http", "127.0.0.1:0", "--db"])
        .arg(db(&dir))
        .env(TOKEN_ENV, "")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(TOKEN_ENV), "{stderr}");
}

#[test]
fn oversized_bodies_get_413() {
    let dir = scratch();
    let server = HttpServer::start(&db(&dir), &["--max-body", "2048"]);
    let note = |size: usize| {
        json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "add_note", "arguments": { "name": "big", "content": "x".repeat(size) } }
        })
        .to_string()
    };
    let mut client = server.client();
    client.initialize();
    let session = client.session.clone().unwrap();
    let post = |body: &str| {
        send(
            server.addr,
            "POST",
            &[ACCEPT, JSON, ("Mcp-Session-Id", &session)],
            body.as_bytes(),
        )
    };
    let small = note(1000);
    assert!(small.len() < 2048);
    assert_eq!(post(&small).status, 200);
    let large = note(3000);
    let reply = post(&large);
    assert_eq!(reply.status, 413, "{reply:?}");

    // The default limit is 4 MiB.
    let server = HttpServer::start(&db(&dir), &[]);
    let mut client = server.client();
    client.initialize();
    let session = client.session.clone().unwrap();
    let reply = send(
        server.addr,
        "POST",
        &[ACCEPT, JSON, ("Mcp-Session-Id", &session)],
        note((4 << 20) + 1).as_bytes(),
    );
    assert_eq!(reply.status, 413, "{reply:?}");
}

#[test]
fn fifty_concurrent_clients_lose_no_notes() {
    const CLIENTS: usize = 50;
    const NOTES: usize = 4;
    let dir = scratch();
    let server = HttpServer::start(&db(&dir), &[]);
    let addr = server.addr;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            std::thread::spawn(move || {
                let mut client = Client::new(addr);
                client.initialize();
                for n in 0..NOTES {
                    let name = format!("client{c}-note{n}");
                    assert_eq!(
                        client.tool(
                            "add_note",
                            json!({ "name": name, "content": format!("from {c}, #{n}") })
                        ),
                        format!("Note '{name}' added successfully.")
                    );
                }
                for n in 0..NOTES {
                    assert_eq!(
                        client.tool("get_note", json!({ "name": format!("client{c}-note{n}") })),
                        format!("from {c}, #{n}")
                    );
                }
                let listed = client.tool("list_notes", json!({}));
                for n in 0..NOTES {
                    assert!(listed.contains(&format!("client{c}-note{n}")), "{listed}");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client");
    }
    let mut client = server.client();
    client.initialize();
    assert_eq!(
        client.read("notes://count"),
        format!("{} notes saved", CLIENTS * NOTES)
    );
    let names: BTreeSet<String> = client
        .tool("list_notes", json!({}))
        .trim_start_matches("Saved notes: ")
        .split(", ")
        .map(str::to_owned)
        .collect();
    assert_eq!(names.len(), CLIENTS * NOTES);
}

#[test]
fn stateless_replicas_on_one_database_serve_any_request() {
    let dir = scratch();
    let a = HttpServer::start(&db(&dir), &["--stateless"]);
    let b = HttpServer::start(&db(&dir), &["--stateless"]);
    let mut replicas = [a.client(), b.client()];

    // The handshake, split between the replicas: no session, plain JSON.
    let reply = replicas[0].initialize();
    assert_eq!(reply.header("mcp-session-id"), None, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let initialized =
        replicas[1].post(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
    assert_eq!(initialized.status, 202);

    // Requests alternate between the replicas, as a load balancer without
    // affinity would send them.
    for i in 0..20 {
        let name = format!("note{i}");
        let text = replicas[i % 2].tool(
            "add_note",
            json!({ "name": name, "content": format!("#{i}") }),
        );
        assert_eq!(text, format!("Note '{name}' added successfully."));
        let read = replicas[(i + 1) % 2].tool("get_note", json!({ "name": name }));
        assert_eq!(
            read,
            format!("#{i}"),
            "written through one, read through the other"
        );
    }
    assert_eq!(replicas[0].read("notes://count"), "20 notes saved");
    assert_eq!(replicas[1].read("notes://count"), "20 notes saved");
    replicas[1].tool("delete_note", json!({ "name": "note0" }));
    assert_eq!(
        replicas[0].tool("get_note", json!({ "name": "note0" })),
        "Note 'note0' not found."
    );

    // There are no sessions to listen on or to delete.
    assert_eq!(
        send(a.addr, "GET", &[("Accept", "text/event-stream")], b"").status,
        405
    );
    assert_eq!(send(b.addr, "DELETE", &[], b"").status, 405);
}

#[test]
fn a_non_loopback_address_without_a_token_is_refused() {
    let dir = scratch();
    let binary = notes_server();
    for addr in ["0.0.0.0:0", "[::]:0"] {
        let started = Instant::now();
        let output = Command::new(binary)
            .args(["--http", addr, "--db"])
            .arg(db(&dir))
            .env_remove(TOKEN_ENV)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(started.elapsed() < TIMEOUT);
        assert_eq!(output.status.code(), Some(1), "{addr}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        for expected in ["refusing to serve", TOKEN_ENV, "--insecure-no-auth"] {
            assert!(stderr.contains(expected), "{addr}: {stderr}");
        }
        assert!(!stderr.contains("serving MCP"), "{stderr}");
        assert!(!db(&dir).exists(), "refused before opening the database");
    }
}

#[test]
fn sigterm_lets_requests_in_flight_finish_then_exits_and_closes_the_database() {
    let dir = scratch();
    let mut server = HttpServer::start(&db(&dir), &[]);
    let mut client = server.client();
    client.initialize();
    let session = client.session.clone().unwrap();

    // A client listening on its session's stream must not hold up shutdown.
    let mut listening = TcpStream::connect(server.addr).unwrap();
    write!(
        listening,
        "GET /mcp HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\nMcp-Session-Id: {session}\r\n\r\n",
        server.addr
    )
    .unwrap();
    listening.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut head = [0; 12];
    listening.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");

    // A request in flight when the signal comes: its body is half sent.
    let body = json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": { "name": "add_note", "arguments": { "name": "late", "content": "but kept" } }
    })
    .to_string();
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    let mut in_flight = TcpStream::connect(server.addr).unwrap();
    write!(
        in_flight,
        "POST /mcp HTTP/1.1\r\nHost: {}\r\nAccept: application/json, text/event-stream\r\n\
         Content-Type: application/json\r\nMcp-Session-Id: {session}\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        body.len()
    )
    .unwrap();
    in_flight.write_all(first).unwrap();
    std::thread::sleep(Duration::from_millis(200));

    sigterm(&server.child);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server waits for the request in flight"
    );
    // New connections are refused meanwhile.
    assert!(TcpStream::connect(server.addr).is_err());
    in_flight.write_all(rest).unwrap();
    in_flight.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut raw = Vec::new();
    in_flight.read_to_end(&mut raw).unwrap();
    let reply = parse_reply(&raw);
    assert_eq!(reply.status, 200, "{reply:?}");
    let response = reply.messages().pop().expect("a response");
    assert_eq!(
        response["result"]["content"][0]["text"], "Note 'late' added successfully.",
        "{reply:?}"
    );

    let (status, elapsed) = wait_exit(&mut server.child);
    assert!(
        status.success(),
        "{status}: {:?}",
        server.stderr.lock().unwrap()
    );
    assert!(elapsed < Duration::from_secs(3), "exit took {elapsed:?}");
    // The listening stream ended with the server.
    let mut rest = Vec::new();
    listening.read_to_end(&mut rest).unwrap();
    // SQLite removes the write-ahead log when the last connection closes.
    assert!(
        !dir.path().join("notes.db-wal").exists(),
        "the database was closed"
    );
    drop(server);
    let server = HttpServer::start(&db(&dir), &[]);
    let mut client = server.client();
    client.initialize();
    assert_eq!(
        client.tool("get_note", json!({ "name": "late" })),
        "but kept"
    );
}

#[test]
fn sigterm_stops_the_stdio_server_too() {
    let dir = scratch();
    let mut server = common::Server::start(notes_server(), &["--db", db(&dir).to_str().unwrap()]);
    server.tool("add_note", json!({ "name": "n", "content": "c" }));
    let (status, elapsed) = terminate(server.child_mut());
    assert!(status.success(), "{status}");
    assert!(elapsed < Duration::from_secs(3), "exit took {elapsed:?}");
    assert!(
        !dir.path().join("notes.db-wal").exists(),
        "the database was closed"
    );
}

// ---------------------------------------------------------------------------
// Generation.

/// A spec without HTTP: the crate has no http feature and no HTTP code.
const STDIO_ONLY: &str = "\
mcpgen: 1
server:
  name: tiny-server
  version: 0.1.0
  http: false
tools:
  - name: echo
    params:
      - name: text
";

#[test]
fn generated_code_passes_fmt_and_clippy_without_http() {
    let dir = scratch();
    let notes = dir.path().join("notes-server");
    generate(&repo().join("specs/notes.yaml"), &notes);
    cargo(&notes, &["fmt", "--check"]);
    cargo(
        &notes,
        &[
            "clippy",
            "--quiet",
            "--all-targets",
            "--no-default-features",
            "--",
            "-D",
            "warnings",
        ],
    );

    let spec = dir.path().join("tiny.yaml");
    std::fs::write(&spec, STDIO_ONLY).unwrap();
    let tiny = dir.path().join("tiny-server");
    generate(&spec, &tiny);
    assert!(!tiny.join("src/http.rs").exists());
    let manifest = std::fs::read_to_string(tiny.join("Cargo.toml")).unwrap();
    for absent in ["hyper", "[features]", "transport-streamable-http-server"] {
        assert!(!manifest.contains(absent), "{absent} in {manifest}");
    }
    for file in ["src/main.rs", "src/lib.rs", "README.md"] {
        let text = std::fs::read_to_string(tiny.join(file)).unwrap();
        assert!(!text.to_lowercase().contains("--http"), "{file}:\n{text}");
    }
    let main = std::fs::read_to_string(tiny.join("src/main.rs")).unwrap();
    assert!(!main.contains("http"), "{main}");
    assert_lint_clean(&tiny);
}

#[test]
fn new_prints_the_http_url_and_a_client_config() {
    let dir = scratch();
    let output = mcpgen()
        .arg("new")
        .arg(repo().join("specs/notes.yaml"))
        .arg("--out")
        .arg(dir.path().join("notes"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("--http"), "{stdout}");
    assert!(
        stdout.contains(
            r#"{"mcpServers":{"notes-server":{"type":"http","url":"http://127.0.0.1:8000/mcp"}}}"#
        ),
        "{stdout}"
    );

    let spec = dir.path().join("tiny.yaml");
    std::fs::write(&spec, STDIO_ONLY).unwrap();
    let output = mcpgen()
        .arg("new")
        .arg(&spec)
        .arg("--out")
        .arg(dir.path().join("tiny"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("http://"), "{stdout}");
}

#[test]
fn settings_may_not_take_the_http_transport_flags_or_variables() {
    let dir = scratch();
    for (setting, expected) in [
        (
            "{ name: stateless }",
            "`--stateless` is a flag of every generated server",
        ),
        (
            "{ name: allow_host }",
            "`--allow-host` is a flag of every generated server",
        ),
        (
            "{ name: key, env: TINY_SERVER_HTTP_TOKEN }",
            "`TINY_SERVER_HTTP_TOKEN` is reserved",
        ),
        (
            "{ name: port, env: TINY_SERVER_HTTP }",
            "`TINY_SERVER_HTTP` is reserved",
        ),
    ] {
        let spec = dir.path().join("spec.yaml");
        std::fs::write(
            &spec,
            format!("mcpgen: 1\nserver: {{ name: tiny-server, version: 0.1.0 }}\nsettings:\n  - {setting}\n"),
        )
        .unwrap();
        let output = mcpgen().arg("check").arg(&spec).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{setting}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{setting}: {stderr}");
    }
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "mcpgen: 1\nserver: { name: tiny-server, version: 0.1.0, http: maybe }\n",
    )
    .unwrap();
    let output = mcpgen().arg("check").arg(&spec).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
}

// ---------------------------------------------------------------------------
// Bounded under hostile load.

/// Whether an error means the server closed or refused the connection.
fn closed(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
    )
}

/// Opens sessions as fast as one client can while another client keeps
/// working: the live sessions stay at `--max-sessions`, memory stays
/// bounded, the working client gets every answer, and sessions whose
/// handshake never completes end in seconds.
#[test]
fn a_flood_of_sessions_is_bounded_and_a_working_client_is_served() {
    const FLOOD: usize = 4_000;
    const FLOODERS: usize = 4;
    const MAX_SESSIONS: &str = "200";
    let dir = scratch();
    let server = HttpServer::start(&db(&dir), &["--max-sessions", MAX_SESSIONS]);
    let mut worker = server.client();
    worker.initialize();
    let base = peak_rss_kib(server.child.id());

    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let working = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut calls = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let text = worker.tool("add_note", json!({ "name": "n", "content": "c" }));
                assert_eq!(text, "Note 'n' added successfully.");
                calls += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            (worker, calls)
        })
    };
    // A session whose client never follows `initialize` with anything.
    let opened = Instant::now();
    let first = send(server.addr, "POST", &[ACCEPT, JSON], &initialize_body())
        .header("mcp-session-id")
        .map(str::to_owned);
    // Four flooders at once, so that new sessions race for the last places.
    let addr = server.addr;
    let flooders: Vec<_> = (0..FLOODERS)
        .map(|_| {
            std::thread::spawn(move || {
                let mut statuses = std::collections::BTreeMap::new();
                for _ in 0..FLOOD / FLOODERS {
                    let reply = send(addr, "POST", &[ACCEPT, JSON], &initialize_body());
                    *statuses.entry(reply.status).or_insert(0) += 1;
                    if reply.status == 503 {
                        assert_eq!(reply.header("retry-after"), Some("1"), "{reply:?}");
                    }
                }
                statuses
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for flooder in flooders {
        for (status, count) in flooder.join().expect("a flooder got every answer") {
            *statuses.entry(status).or_insert(0) += count;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut worker, calls) = working.join().expect("the working client got every answer");
    assert!(calls > 0);
    let peak = peak_rss_kib(server.child.id());
    eprintln!(
        "{FLOOD} initialize requests: {statuses:?}; the working client made {calls} calls; \
         peak RSS {base} KiB before, {peak} KiB after"
    );
    // Only 200 and 503: every request was answered, none failed.
    assert!(
        statuses.keys().all(|status| [200, 503].contains(status)),
        "{statuses:?}"
    );
    // At about 60 KiB a session, 4,000 unbounded sessions would take over
    // 200 MiB; 200 of them take about 12.
    assert!(
        peak - base < 48 * 1024,
        "the server grew by {} KiB under the flood",
        peak - base
    );
    // A session that never sent `initialized` ends within seconds (10, swept
    // once a second). The probe is a request of the session, which would
    // count as the client going on, so it waits until the session should
    // be gone.
    let first = first.expect("the half-open session was admitted");
    std::thread::sleep(
        (opened + Duration::from_secs(12)).saturating_duration_since(Instant::now()),
    );
    let deadline = Instant::now() + Duration::from_secs(8);
    loop {
        let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" }).to_string();
        let reply = send(
            server.addr,
            "POST",
            &[ACCEPT, JSON, ("Mcp-Session-Id", &first)],
            ping.as_bytes(),
        );
        if reply.status == 404 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the half-open session lived on: {reply:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // The working session, used all along, lives on.
    assert_eq!(worker.tool("get_note", json!({ "name": "n" })), "c");
}

/// Connections that trickle their headers are cut after `--header-timeout`,
/// and a client that sends whole requests is served meanwhile.
#[test]
fn connections_that_trickle_their_headers_do_not_starve_others() {
    const SLOW: usize = 300;
    let dir = scratch();
    let server = HttpServer::start(&db(&dir), &["--header-timeout", "2"]);
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr).expect("connect");
            stream.write_all(b"POST /mcp HTTP/1.1\r\nHost: ").unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    let mut client = server.client();
    client.initialize();
    let mut trickled = 0;
    while started.elapsed() < Duration::from_secs(4) {
        assert_eq!(client.call("ping", json!({})), json!({}));
        for stream in &mut slow {
            // Once the server has closed a connection, this write fails.
            if stream.write_all(b"x").is_ok() {
                trickled += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // Every slow connection has been closed by now: reading ends at once.
    for stream in &mut slow {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        // The server may answer 408 before it closes.
        match stream.read_to_end(&mut Vec::new()) {
            Ok(_) => {}
            Err(error) => assert!(closed(&error), "still open after the timeout: {error}"),
        }
    }
    assert!(trickled > SLOW, "the slow connections were never open");
}

/// Past `--max-connections`, a new connection gets 503 at once, and a
/// place freed is taken again.
#[test]
fn connections_past_the_bound_are_turned_away() {
    let dir = scratch();
    let server = HttpServer::start(&db(&dir), &["--max-connections", "8"]);
    let held: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(server.addr).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut extra = TcpStream::connect(server.addr).expect("connect");
    extra.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut raw = Vec::new();
    match extra.read_to_end(&mut raw) {
        Ok(_) => {}
        Err(error) => assert!(closed(&error), "{error}"),
    }
    assert!(
        raw.starts_with(b"HTTP/1.1 503 "),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    let mut client = server.client();
    client.initialize();
    assert_eq!(client.call("ping", json!({})), json!({}));
}
