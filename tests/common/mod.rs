//! Helpers shared by the integration tests: run mcpgen, build the crates it
//! generates, and talk to the servers they contain over real stdio pipes.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::{
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    sync::{Mutex, OnceLock, mpsc},
    time::Duration,
};

pub mod compat;
pub mod raw_http;

use serde_json::{Value, json};

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `mcpgen`, ready to run with assert_cmd.
pub fn mcpgen() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("mcpgen").expect("the mcpgen binary is built")
}

/// One target directory for every crate the tests generate, so that rmcp
/// and its dependencies compile once per run, not once per test.
pub fn generated_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated")
}

/// Installs a third-party tool that tests drive, on first use, and returns
/// the folder it lives in: `tests/interop/setup.sh NAME`, which is
/// idempotent and takes a lock, so test binaries run alone, together or in
/// any order all work from a fresh clone. `python` is a venv with the
/// official MCP Python SDK, `inspector` an npm prefix with the MCP
/// Inspector; `tests/interop/tools/` has the rest.
///
/// Panics with the installer's one-line reason when the tool cannot be
/// installed (say, no python3 or npm), naming what to install.
pub fn tool(name: &str) -> &'static Path {
    static TOOLS: Mutex<Vec<(String, &'static Path)>> = Mutex::new(Vec::new());
    let mut tools = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, dir)) = tools.iter().find(|(n, _)| n == name) {
        return dir;
    }
    let output = Command::new("bash")
        .arg(repo().join("tests/interop/setup.sh"))
        .arg(name)
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let reason = stderr
            .lines()
            .rev()
            .find(|line| line.starts_with("interop setup: error:"))
            .unwrap_or("interop setup failed");
        panic!("cannot install the test tool `{name}`: {reason}\n\n{stderr}");
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let dir = stdout
        .lines()
        .last()
        .unwrap_or_else(|| panic!("tests/interop/setup.sh {name} printed no folder\n{stderr}"));
    let dir: &'static Path = Box::leak(PathBuf::from(dir).into_boxed_path());
    tools.push((name.to_owned(), dir));
    dir
}

/// The Python interpreter of a venv with the official MCP Python SDK.
pub fn python() -> PathBuf {
    tool("python").join("bin/python")
}

/// A scratch directory that lives as long as the returned guard.
pub fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("mcpgen-test-")
        .tempdir()
        .expect("a temp dir")
}

/// The environment of every build of a generated crate in the tests (by
/// cargo, or by `mcpgen bundle` or `install`): the shared target dir, and
/// the same settings everywhere, so that all builds share dependencies. The
/// tests read no debug info and build each crate from cold, so debug info
/// (`CARGO_PROFILE_DEV_DEBUG=0`) and incremental state (`CARGO_INCREMENTAL=0`)
/// would only cost time and disk.
pub fn build_env() -> [(&'static str, std::ffi::OsString); 3] {
    [
        ("CARGO_TARGET_DIR", generated_target().into_os_string()),
        ("CARGO_PROFILE_DEV_DEBUG", "0".into()),
        ("CARGO_INCREMENTAL", "0".into()),
    ]
}

/// `cargo` for a generated crate in `dir`, in the environment of
/// [`build_env`].
pub fn cargo_command(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(dir)
        .envs(build_env())
        .env_remove("RUSTFLAGS");
    command
}

/// Runs `cargo <args>` in a generated crate, with the shared target dir.
/// Panics with cargo's output if it fails.
pub fn cargo(dir: &Path, args: &[&str]) -> String {
    let output = cargo_command(dir).args(args).output().expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "`cargo {}` failed in {}:\n{text}",
        args.join(" "),
        dir.display()
    );
    text
}

/// Runs `mcpgen new SPEC --out OUT`, which must succeed.
pub fn generate(spec: &Path, out: &Path) {
    mcpgen()
        .arg("new")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Checks that a generated crate passes `cargo fmt --check` and
/// `cargo clippy --all-targets -- -D warnings`.
pub fn assert_lint_clean(dir: &Path) {
    cargo(dir, &["fmt", "--check"]);
    cargo(
        dir,
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
    );
}

/// Builds a generated crate and returns the path of its binary.
pub fn build(dir: &Path, name: &str) -> PathBuf {
    cargo(dir, &["build", "--quiet"]);
    generated_target().join("debug").join(name)
}

/// The notes server, generated from specs/notes.yaml and built once per
/// test binary. Holds the crate directory alive for the whole run.
pub fn notes_server() -> &'static Path {
    static BINARY: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    &BINARY
        .get_or_init(|| {
            let dir = scratch();
            let crate_dir = dir.path().join("notes-server");
            mcpgen()
                .arg("new")
                .arg(repo().join("specs/notes.yaml"))
                .arg("--out")
                .arg(&crate_dir)
                .assert()
                .success();
            let binary = build(&crate_dir, "notes-server");
            (dir, binary)
        })
        .1
}

/// A crate generated from a bundled spec, and its built binary.
pub struct Generated {
    /// The crate directory.
    pub dir: PathBuf,
    pub binary: PathBuf,
}

/// Generates the crate of `specs/<spec>` and builds it, once per test
/// binary; `name` is the server's name, which is also its binary's. The
/// crate lives until the test binary exits.
pub fn generated(spec: &str, name: &str) -> &'static Generated {
    static CRATES: Mutex<Vec<(String, &'static Generated)>> = Mutex::new(Vec::new());
    // Held while building: builds share a target directory, so they would
    // wait for each other anyway.
    let mut crates = CRATES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, generated)) = crates.iter().find(|(s, _)| s == spec) {
        return generated;
    }
    let scratch = Box::leak(Box::new(scratch()));
    let dir = scratch.path().join(name);
    mcpgen()
        .arg("new")
        .arg(repo().join("specs").join(spec))
        .arg("--out")
        .arg(&dir)
        .assert()
        .success();
    let binary = build(&dir, name);
    let generated: &'static Generated = Box::leak(Box::new(Generated { dir, binary }));
    crates.push((spec.to_owned(), generated));
    generated
}

/// A running server, spoken to over its real stdin and stdout.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    next_id: i64,
    initialized: Value,
    /// Every line the server wrote to stdout, in order.
    pub transcript: Vec<String>,
}

/// How long a test waits for any one reply.
pub const TIMEOUT: Duration = Duration::from_secs(20);

impl Server {
    pub fn spawn(binary: &Path, args: &[&str]) -> Self {
        Self::spawn_with(Command::new(binary).args(args))
    }

    pub fn spawn_with(command: &mut Command) -> Self {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            lines,
            next_id: 0,
            initialized: Value::Null,
            transcript: Vec::new(),
        }
    }

    /// Spawns a server and completes the MCP handshake.
    pub fn start(binary: &Path, args: &[&str]) -> Self {
        Self::start_with(Command::new(binary).args(args))
    }

    /// Spawns `command` as a server and completes the MCP handshake.
    pub fn start_with(command: &mut Command) -> Self {
        let mut server = Self::spawn_with(command);
        let reply = server.initialize("2025-06-18");
        assert!(reply.get("result").is_some(), "initialize failed: {reply}");
        server.initialized = reply["result"].clone();
        server.notify("notifications/initialized", json!({}));
        server
    }

    /// What the server answered to `initialize` in [`Server::start`].
    pub fn initialize_result(&self) -> Value {
        self.initialized.clone()
    }

    pub fn initialize(&mut self, version: &str) -> Value {
        self.request(
            "initialize",
            json!({
                "protocolVersion": version,
                "capabilities": {},
                "clientInfo": { "name": "mcpgen-tests", "version": "0.0.0" }
            }),
        )
    }

    /// Writes one raw line to the server's stdin.
    pub fn send_raw(&mut self, line: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(line).expect("write to the server");
        stdin.write_all(b"\n").expect("write to the server");
        stdin.flush().expect("flush to the server");
    }

    pub fn send(&mut self, message: &Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for the response with its id.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(&json!(id))
    }

    /// The result of a request; panics on a JSON-RPC error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let reply = self.request(method, params);
        reply
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("{method} failed: {reply}"))
    }

    /// Calls a tool, returning (text, isError).
    pub fn tool(&mut self, name: &str, arguments: Value) -> (String, bool) {
        let result = self.call(
            "tools/call",
            json!({ "name": name, "arguments": arguments }),
        );
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (text, result["isError"] == json!(true))
    }

    /// Reads a text resource.
    pub fn read(&mut self, uri: &str) -> String {
        let result = self.call("resources/read", json!({ "uri": uri }));
        result["contents"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text in {result}"))
            .to_owned()
    }

    /// The next line the server writes, parsed as JSON.
    pub fn next_message(&mut self) -> Value {
        let line = self.lines.recv_timeout(TIMEOUT).expect("a reply in time");
        self.transcript.push(line.clone());
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {line}"))
    }

    /// Waits for the response with `id`, skipping notifications.
    pub fn response(&mut self, id: &Value) -> Value {
        loop {
            let message = self.next_message();
            if message.get("id") == Some(id) {
                return message;
            }
        }
    }

    /// The server's process, e.g. to send it a signal.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Closes stdin and waits for the process to exit, returning how long
    /// that took and every line still written.
    pub fn close(mut self) -> (Duration, Vec<String>) {
        drop(self.stdin.take());
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                started.elapsed() < TIMEOUT,
                "the server did not exit after stdin closed"
            );
            std::thread::sleep(Duration::from_millis(2));
        };
        let elapsed = started.elapsed();
        assert!(status.success(), "the server exited with {status}");
        let mut rest: Vec<String> = self.transcript.drain(..).collect();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            rest.push(line);
        }
        (elapsed, rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The peak resident memory of a running process, in KiB.
pub fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/<pid>/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A server process started with `--http`, whose stderr is collected.
pub struct HttpProcess {
    pub child: Child,
    /// The address it listens on, from the URL it announced.
    pub addr: std::net::SocketAddr,
    /// Everything the server wrote to stderr so far.
    pub stderr: std::sync::Arc<Mutex<Vec<String>>>,
}

/// The server stops when the test is done with it, also when the test fails.
impl Drop for HttpProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the Python MCP client `tests/interop/SCRIPT` with the interpreter
/// `python` and `args`, and checks that it exits 0 after printing
/// `CHECKS passed, 0 failed` as its last line.
pub fn assert_python_client_passes(
    python: &Path,
    script: &str,
    args: &[&std::ffi::OsStr],
    checks: usize,
) {
    let output = Command::new(python)
        .arg(repo().join("tests/interop").join(script))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        output.status.success() && summary == format!("{checks} passed, 0 failed"),
        "{script} reported failures:\n{stdout}\n{stderr}"
    );
}

/// The notes server over streamable HTTP on 127.0.0.1 (a free port), with
/// its notes in `db`.
pub fn serve_notes_over_http(db: &Path) -> HttpProcess {
    serve_http(
        Command::new(notes_server())
            .arg("--db")
            .arg(db)
            .arg("--http")
            .arg("127.0.0.1:0"),
    )
}

/// Spawns `command` (a server given `--http`) with stderr piped, and waits
/// until it announces `<name>: serving MCP at http://ADDR/mcp`.
pub fn serve_http(command: &mut Command) -> HttpProcess {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let stderr = std::sync::Arc::new(Mutex::new(Vec::new()));
    let (ready, url) = mpsc::channel();
    let lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
    let log = std::sync::Arc::clone(&stderr);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Some((_, url)) = line.split_once(": serving MCP at ") {
                let _ = ready.send(url.to_owned());
            }
            log.lock().unwrap().push(line);
        }
    });
    let url = url.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
        panic!(
            "the server did not announce its URL:\n{}",
            stderr.lock().unwrap().join("\n")
        )
    });
    let addr = url
        .strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix("/mcp"))
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("not a loopback MCP URL: {url}"));
    HttpProcess {
        child,
        addr,
        stderr,
    }
}

/// `text` percent-encoded as RFC 3986 does: every byte but the unreserved
/// characters. The tests' own copy, an oracle independent of mcpgen's.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
