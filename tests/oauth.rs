//! The generated HTTP server as an OAuth 2.1 resource server, against a real
//! authorization server: oidc-provider from npm on 127.0.0.1
//! (tests/interop/oidc/provider.mjs), and the official Python SDK's OAuth
//! client (tests/interop/oauth_client.py).
//!
//! The server is the notes server with an `auth` section: `add_note` needs
//! `notes:write`, and reading `notes://{name}` needs `notes:read`; and one
//! more tool, `whoami`, whose handler takes a context and answers with what
//! `Context::caller` says of the token.

mod common;

use std::{
    io::{BufRead, BufReader},
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{OnceLock, mpsc},
    time::Duration,
};

use common::{
    mcpgen,
    raw_http::{Reply, request as http},
    repo, scratch, serve_http, tool,
};
use serde_json::{Value, json};

/// The notes spec with an `auth` section and scopes on two items.
fn auth_spec(dir: &Path) -> PathBuf {
    let notes = std::fs::read_to_string(repo().join("specs/notes.yaml")).unwrap();
    let spec = notes
        .replacen(
            "  - name: add_note\n",
            "  - name: add_note\n    scopes: [notes:write]\n",
            1,
        )
        .replacen(
            "  - uri_template: notes://{name}\n",
            "  - uri_template: notes://{name}\n    scopes: [notes:read]\n",
            1,
        )
        .replacen(
            "tools:\n",
            "tools:\n  - name: whoami\n    description: Who the token says is calling.\n    context: true\n",
            1,
        )
        + "\nauth:\n  scopes: [notes:read, notes:write]\n";
    assert!(spec.contains("scopes: [notes:write]") && spec.contains("scopes: [notes:read]\n"));
    assert!(spec.contains("name: whoami"));
    // The handler of `whoami`: the caller's client id and scopes, as the
    // server verified them.
    let handlers = std::fs::read_to_string(repo().join("specs/notes.rs")).unwrap();
    let handlers = handlers.replacen(
        "impl Handler for App {\n",
        concat!(
            "impl Handler for App {\n",
            "    async fn whoami(&self, context: crate::context::Context) -> Result<String, Error> {\n",
            "        let caller = context\n",
            "            .caller()\n",
            "            .ok_or_else(|| Error::invalid(\"no caller\"))?;\n",
            "        Ok(format!(\n",
            "            \"client {} with {}\",\n",
            "            caller.client_id.as_deref().unwrap_or(\"?\"),\n",
            "            caller.scopes.join(\" \")\n",
            "        ))\n",
            "    }\n\n",
        ),
        1,
    );
    assert!(handlers.contains("async fn whoami"));
    std::fs::write(dir.join("notes.rs"), handlers).unwrap();
    let path = dir.join("notes.yaml");
    std::fs::write(&path, spec).unwrap();
    path
}

/// The generated crate, built once; (crate dir, binary).
fn server_crate() -> &'static (PathBuf, PathBuf) {
    static BUILT: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = Box::leak(Box::new(scratch())).path().to_owned();
        let spec = auth_spec(&dir);
        let crate_dir = dir.join("notes-server");
        common::generate(&spec, &crate_dir);
        let binary = common::build(&crate_dir, "notes-server");
        (crate_dir, binary)
    })
}

/// A running oidc-provider.
struct AuthServer {
    child: Child,
    port: u16,
    keys: PathBuf,
    _dir: tempfile::TempDir,
}

impl AuthServer {
    fn start() -> Self {
        let dir = scratch();
        let port = free_port();
        let keys = dir.path().join("keys.json");
        let child = spawn_provider(port, &keys, false);
        Self {
            child,
            port,
            keys,
            _dir: dir,
        }
    }

    fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Restarts it with a new signing key first in its JWKS, the old ones
    /// kept.
    fn rotate(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn_provider(self.port, &self.keys, true);
    }

    /// How many times its JWKS was fetched since it started.
    fn jwks_fetches(&self) -> u64 {
        let reply = http(self.addr(), "GET", "/test/stats", &[], b"");
        let stats: Value = serde_json::from_str(&reply.body).unwrap();
        stats["jwks"].as_u64().unwrap()
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// An access token from the client-credentials grant, for `resource`
    /// with `scope`.
    fn token(&self, resource: &str, scope: &str) -> String {
        let form = format!(
            "grant_type=client_credentials&client_id=refusals&client_secret=secret&scope={}&resource={}",
            common::percent_encode(scope),
            common::percent_encode(resource)
        );
        let reply = http(
            self.addr(),
            "POST",
            "/token",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        );
        assert_eq!(reply.status, 200, "token request failed: {}", reply.body);
        let token: Value = serde_json::from_str(&reply.body).unwrap();
        token["access_token"].as_str().unwrap().to_owned()
    }

    /// `token` unsigned (`kind` = `none`) or signed with a key not in the
    /// JWKS (`unknown-key`).
    fn forge(&self, token: &str, kind: &str) -> String {
        let path = format!("/test/forge?kind={kind}&token={token}");
        let reply = http(self.addr(), "GET", &path, &[], b"");
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body
    }

    /// Shifts its clock by `seconds`.
    fn skew(&self, seconds: i64) {
        let reply = http(
            self.addr(),
            "GET",
            &format!("/test/skew?seconds={seconds}"),
            &[],
            b"",
        );
        assert_eq!(reply.status, 200);
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_provider(port: u16, keys: &Path, rotate: bool) -> Child {
    let mut command = Command::new("node");
    command
        .arg(repo().join("tests/interop/oidc/provider.mjs"))
        .arg(tool("oidc"))
        .arg(port.to_string())
        .arg(keys);
    if rotate {
        command.arg("rotate");
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs");
    let stdout = child.stdout.take().unwrap();
    let (ready, waiting) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line == "ready" {
                let _ = ready.send(());
            }
        }
    });
    waiting
        .recv_timeout(Duration::from_secs(30))
        .expect("oidc-provider says it is ready");
    child
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The generated server, with OAuth from `issuer`, on a free loopback port.
struct McpServer {
    process: common::HttpProcess,
    _db: tempfile::TempDir,
}

impl McpServer {
    fn start(issuer: &str) -> Self {
        let db = scratch();
        let process = serve_http(
            Command::new(&server_crate().1)
                .args(["--http", "127.0.0.1:0", "--auth-issuer", issuer])
                .env("NOTES_DB", db.path().join("notes.db"))
                .env("RUST_LOG", "debug"),
        );
        Self { process, _db: db }
    }

    fn url(&self) -> String {
        format!("http://{}/mcp", self.process.addr)
    }

    fn post(&self, token: Option<&str>, session: Option<&str>, message: &Value) -> Reply {
        let bearer = token.map(|token| format!("Bearer {token}"));
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
        ];
        if let Some(bearer) = &bearer {
            headers.push(("Authorization", bearer));
        }
        if let Some(session) = session {
            headers.push(("Mcp-Session-Id", session));
        }
        http(
            self.process.addr,
            "POST",
            "/mcp",
            &headers,
            message.to_string().as_bytes(),
        )
    }

    /// Initializes a session with `token`: its ID.
    fn session(&self, token: &str) -> String {
        let reply = self.post(Some(token), None, &initialize());
        assert_eq!(reply.status, 200, "{reply:?}");
        let session = reply.header("mcp-session-id").unwrap().to_owned();
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        assert_eq!(
            self.post(Some(token), Some(&session), &initialized).status,
            202
        );
        session
    }

    fn log(&self) -> String {
        self.process.stderr.lock().unwrap().join("\n")
    }
}

impl Drop for McpServer {
    fn drop(&mut self) {
        let _ = self.process.child.kill();
        let _ = self.process.child.wait();
    }
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "oauth-test", "version": "1"}}})
}

fn call(id: u64, tool: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": tool, "arguments": arguments}})
}

/// Runs tests/interop/oauth_client.py with `clients` concurrent clients.
fn python_clients(url: &str, clients: usize) -> Value {
    let output = Command::new(common::python())
        .arg(repo().join("tests/interop/oauth_client.py"))
        .arg(url)
        .arg(clients.to_string())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the Python SDK's OAuth client failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the client prints JSON")
}

#[test]
fn the_python_sdk_discovers_registers_authorizes_and_calls_tools() {
    let auth = AuthServer::start();
    let server = McpServer::start(&auth.issuer());
    let url = server.url();

    // What clients discover from: the challenge, then the metadata.
    let refused = server.post(None, None, &initialize());
    assert_eq!(refused.status, 401);
    let metadata_url = format!(
        "http://{}/.well-known/oauth-protected-resource/mcp",
        server.process.addr
    );
    assert_eq!(
        refused.header("www-authenticate"),
        Some(
            format!(r#"Bearer resource_metadata="{metadata_url}", scope="notes:read notes:write""#)
                .as_str()
        )
    );
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let reply = http(server.process.addr, "GET", path, &[], b"");
        assert_eq!(reply.status, 200, "{path}");
        let metadata: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(
            metadata,
            json!({
                "resource": url,
                "authorization_servers": [auth.issuer()],
                "scopes_supported": ["notes:read", "notes:write"],
                "bearer_methods_supported": ["header"],
            })
        );
    }

    let done = python_clients(&url, 1);
    let tools = done["tools"].as_array().unwrap();
    assert!(
        tools.contains(&json!("add_note")) && tools.contains(&json!("list_notes")),
        "{done}"
    );
    assert_eq!(done["results"].as_array().unwrap().len(), 1, "{done}");
    // The handler saw the caller: the client the authorization server
    // registered, with the scopes the token grants.
    let who = done["whoami"][0].as_str().unwrap();
    let (client, scopes) = who
        .strip_prefix("client ")
        .and_then(|rest| rest.split_once(" with "))
        .unwrap_or_else(|| panic!("whoami said {who:?}"));
    assert!(!client.is_empty() && client != "?", "{who}");
    assert!(scopes.split(' ').any(|s| s.starts_with("notes:")), "{who}");
    let log = server.log();
    assert!(!log.contains("eyJ"), "a token reached the log:\n{log}");
}

#[test]
fn tokens_for_another_audience_issuer_or_time_and_forged_ones_get_401() {
    let auth = AuthServer::start();
    let other = AuthServer::start();
    let server = McpServer::start(&auth.issuer());
    let url = server.url();
    let good = auth.token(&url, "notes:read");
    assert_eq!(server.post(Some(&good), None, &initialize()).status, 200);

    auth.skew(-600);
    let expired = auth.token(&url, "notes:read");
    auth.skew(0);
    let refused = [
        (
            "another audience",
            auth.token("http://127.0.0.1:1/mcp", "notes:read"),
        ),
        ("another issuer", other.token(&url, "notes:read")),
        ("expired", expired),
        ("alg none", auth.forge(&good, "none")),
        ("unknown key", auth.forge(&good, "unknown-key")),
        ("not a JWT", "opaque-token".to_owned()),
    ];
    for (what, token) in refused {
        let reply = server.post(Some(&token), None, &initialize());
        assert_eq!(reply.status, 401, "{what}: {reply:?}");
        let challenge = reply.header("www-authenticate").unwrap();
        assert!(
            challenge.starts_with("Bearer resource_metadata=")
                && challenge.contains(r#"error="invalid_token""#),
            "{what}: {challenge}"
        );
    }
    // The token is good again, and the keys were fetched once.
    assert_eq!(server.post(Some(&good), None, &initialize()).status, 200);
    assert_eq!(auth.jwks_fetches(), 1);
    let log = server.log();
    assert!(
        !log.contains(&good[..40]),
        "a token reached the log:\n{log}"
    );
}

#[test]
fn a_call_that_needs_a_scope_the_token_lacks_gets_403_insufficient_scope() {
    let auth = AuthServer::start();
    let server = McpServer::start(&auth.issuer());
    let url = server.url();
    let read = auth.token(&url, "notes:read");
    let session = server.session(&read);
    let add = call(2, "add_note", json!({"name": "n", "content": "c"}));

    let reply = server.post(Some(&read), Some(&session), &add);
    assert_eq!(reply.status, 403, "{reply:?}");
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(
        challenge
            .starts_with(r#"Bearer error="insufficient_scope", scope="notes:read notes:write""#),
        "{challenge}"
    );
    assert!(challenge.contains("resource_metadata="), "{challenge}");
    // What the token reaches still works, and every tool is listed.
    let listed = server.post(
        Some(&read),
        Some(&session),
        &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
    );
    assert_eq!(listed.status, 200);
    assert!(listed.body.contains("add_note"), "{}", listed.body);
    assert_eq!(
        server
            .post(
                Some(&read),
                Some(&session),
                &call(4, "list_notes", json!({}))
            )
            .status,
        200
    );
    let template = json!({"jsonrpc": "2.0", "id": 5, "method": "resources/read", "params": {"uri": "notes://n"}});
    let write = auth.token(&url, "notes:write");
    assert_eq!(
        server.post(Some(&write), Some(&session), &template).status,
        403
    );

    // With the scope, the same call goes through.
    let both = auth.token(&url, "notes:read notes:write");
    let reply = server.post(Some(&both), Some(&session), &add);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(
        reply.body.contains(r#""isError":false"#) || !reply.body.contains("isError\":true"),
        "{}",
        reply.body
    );
    assert_eq!(
        server.post(Some(&both), Some(&session), &template).status,
        200
    );
}

#[test]
fn a_rotated_key_is_picked_up_without_a_restart_and_unknown_keys_cause_no_fetch_storm() {
    let mut auth = AuthServer::start();
    let server = McpServer::start(&auth.issuer());
    let url = server.url();
    let old = auth.token(&url, "notes:read");
    assert_eq!(server.post(Some(&old), None, &initialize()).status, 200);

    auth.rotate();
    // Past the least time between two fetches of the keys.
    std::thread::sleep(Duration::from_secs(6));
    let new = auth.token(&url, "notes:read");
    let (old_kid, new_kid) = (kid(&old), kid(&new));
    assert_ne!(old_kid, new_kid, "the provider signs with the new key");
    assert_eq!(
        server.post(Some(&new), None, &initialize()).status,
        200,
        "{}",
        server.log()
    );
    assert_eq!(server.post(Some(&old), None, &initialize()).status, 200);
    assert_eq!(auth.jwks_fetches(), 1);

    // Tokens with an unknown key: refused, with at most one more fetch
    // (the keys may be due again by the time the token is forged).
    let forged = auth.forge(&new, "unknown-key");
    for _ in 0..20 {
        assert_eq!(server.post(Some(&forged), None, &initialize()).status, 401);
    }
    assert!(auth.jwks_fetches() <= 2, "{} fetches", auth.jwks_fetches());
}

#[test]
fn fifty_concurrent_clients_authorize_with_one_fetch_of_the_keys() {
    let auth = AuthServer::start();
    let server = McpServer::start(&auth.issuer());
    let done = python_clients(&server.url(), 50);
    assert_eq!(done["results"].as_array().unwrap().len(), 50, "{done}");
    assert_eq!(auth.jwks_fetches(), 1);
}

/// The `kid` of a JWT's header.
fn kid(token: &str) -> String {
    let header = token.split('.').next().unwrap();
    let output = Command::new(common::python())
        .args(["-c", "import base64,json,sys; h=sys.argv[1]; print(json.loads(base64.urlsafe_b64decode(h + '=' * (-len(h) % 4)))['kid'])"])
        .arg(header)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
fn the_generated_auth_code_is_lint_clean() {
    common::assert_lint_clean(&server_crate().0);
}

#[test]
fn auth_mistakes_are_reported() {
    let dir = scratch();
    let spec = auth_spec(dir.path());
    let text = std::fs::read_to_string(&spec).unwrap();
    let cases = [
        (
            "scopes: [notes:write]",
            "scopes: [notes:wrte]",
            "the scope `notes:wrte` is not in `auth.scopes`",
        ),
        (
            "auth:\n",
            "auth:\n  issuers: [http://login.example.com]\n",
            "must start with `https://`",
        ),
        (
            "auth:\n",
            "auth:\n  resource: https://a.example/mcp#x\n",
            "must not have a fragment",
        ),
        (
            "notes:read, notes:write]",
            "notes:read, notes:write, \"a b\"]",
            "is not a valid OAuth scope",
        ),
        (
            "version: 0.1.0\n",
            "version: 0.1.0\n  http: false\n",
            "`server.http` is false",
        ),
        (
            "\nauth:\n  scopes: [notes:read, notes:write]\n",
            "\n",
            "`scopes` needs an `auth` section",
        ),
    ];
    for (from, to, message) in cases {
        let bad = dir.path().join("bad.yaml");
        std::fs::write(&bad, text.replacen(from, to, 1)).unwrap();
        let output = mcpgen().arg("check").arg(&bad).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success() && stderr.contains(message),
            "{to}: {stderr}"
        );
    }
    mcpgen().arg("check").arg(&spec).assert().success();
}

#[test]
fn an_issuer_allows_a_public_address_and_excludes_the_static_token() {
    let binary = &server_crate().1;
    let db = scratch();
    let run = |args: &[&str], token: Option<&str>| {
        let mut command = Command::new(binary);
        command
            .args(args)
            .env("NOTES_DB", db.path().join("notes.db"))
            .env_remove("NOTES_SERVER_HTTP_TOKEN");
        if let Some(token) = token {
            command.env("NOTES_SERVER_HTTP_TOKEN", token);
        }
        command
    };
    let refused = |args: &[&str], token, message: &str| {
        let output = run(args, token).stdin(Stdio::null()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success() && stderr.contains(message),
            "{args:?}: {stderr}"
        );
    };
    let issuer = ["--auth-issuer", "https://login.example.com"];
    refused(
        &["--http", "127.0.0.1:0", issuer[0], issuer[1]],
        Some("secret"),
        "choose one",
    );
    refused(
        &["--http", "0.0.0.0:0", issuer[0], issuer[1]],
        None,
        "--auth-resource",
    );
    refused(
        &[
            "--http",
            "127.0.0.1:0",
            "--auth-issuer",
            "http://login.example.com",
        ],
        None,
        "https://",
    );
    refused(
        &["--http", "0.0.0.0:0"],
        None,
        "or an OAuth issuer with --auth-issuer",
    );
    refused(
        &[
            "--http",
            "127.0.0.1:0",
            issuer[0],
            issuer[1],
            "--auth-scopes",
            "a\"b",
        ],
        None,
        "is not an OAuth scope",
    );

    // With an issuer and a public URL, a non-loopback address is served,
    // and the metadata names that URL.
    let mut server = serve_http(&mut run(
        &[
            "--http",
            "0.0.0.0:0",
            issuer[0],
            issuer[1],
            "--auth-resource",
            "https://mcp.example.com/mcp",
        ],
        None,
    ));
    let addr = SocketAddr::from(([127, 0, 0, 1], server.addr.port()));
    let reply = http(
        addr,
        "GET",
        "/.well-known/oauth-protected-resource/mcp",
        &[],
        b"",
    );
    let metadata: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(metadata["resource"], "https://mcp.example.com/mcp");
    assert_eq!(
        metadata["authorization_servers"],
        json!(["https://login.example.com"])
    );
    let refused = http(addr, "POST", "/mcp", &[], b"{}");
    assert_eq!(refused.status, 401);
    assert!(refused.header("www-authenticate").unwrap().contains(
        r#"resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp""#
    ));
    let _ = server.child.kill();
    let _ = server.child.wait();
}
