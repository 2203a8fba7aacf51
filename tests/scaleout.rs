//! Scaling out, for real, on 127.0.0.1: stateless replicas of the notes
//! server behind HAProxy, with its notes in a real PostgreSQL (3 replicas)
//! or in one SQLite file (2 replicas). 50 clients of the official Python
//! SDK add, read and delete notes through the balancer while one replica is
//! killed with SIGKILL (and replaced) and another is stopped with SIGTERM;
//! then every acknowledged note must read back exactly through every
//! surviving replica. Also: the readiness endpoint, the drain that the
//! balancer observes, and the `migrate` command.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    ffi::OsString,
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{
    HttpProcess, TIMEOUT, assert_lint_clean, generated, notes_server, repo, scratch, serve_http,
};
use serde_json::{Value, json};

/// How long a replica keeps serving, not ready, after SIGTERM.
const DRAIN_DELAY: &str = "3";

/// Concurrent clients, and notes per client.
const CLIENTS: usize = 50;
const NOTES: usize = 6;

// ---------------------------------------------------------------------------
// Processes and plain HTTP.

/// A free TCP port of 127.0.0.1, for a server that cannot be told port 0.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} failed");
}

/// Waits up to `limit` for `done`, polling.
fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One HTTP/1.0 request, so that the answer ends with the connection:
/// (status, body), or None if the server could not be reached.
fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(TIMEOUT)).ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: application/json, text/event-stream\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let raw = String::from_utf8(raw).expect("a UTF-8 answer");
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    Some((
        status,
        if chunked {
            dechunk(body)
        } else {
            body.to_owned()
        },
    ))
}

/// The body of a chunked response (HAProxy's stats page is one).
fn dechunk(mut raw: &str) -> String {
    let mut body = String::new();
    while let Some((size, rest)) = raw.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
        if size == 0 {
            break;
        }
        body.push_str(&rest[..size]);
        raw = &rest[size + 2..];
    }
    body
}

/// The readiness endpoint of a replica.
fn healthz(addr: SocketAddr) -> Option<(u16, String)> {
    http(addr, "GET", "/healthz", None)
}

/// Calls a tool on one replica, with no session (it is stateless).
fn tool(addr: SocketAddr, name: &str, arguments: Value) -> String {
    let request = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": name, "arguments": arguments }
    });
    let (status, body) = http(addr, "POST", "/mcp", Some(&request))
        .unwrap_or_else(|| panic!("{addr} does not answer {name}"));
    assert_eq!(status, 200, "{name} on {addr}: {body}");
    let response: Value =
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    assert_ne!(
        response["result"]["isError"], true,
        "{name} on {addr}: {response}"
    );
    response["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text: {response}"))
        .to_owned()
}

/// Runs a command as the `postgres` system user when running as root,
/// because PostgreSQL refuses to run as root.
fn as_db_user(program: PathBuf) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn is_root() -> bool {
    let output = Command::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("the command starts");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{command:?} failed:\n{text}");
    text
}

// ---------------------------------------------------------------------------
// PostgreSQL, in a temporary directory.

struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Postgres {
    fn start() -> Self {
        let bin = common::tool("postgres").to_owned();
        let dir = scratch();
        if is_root() {
            run(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        let data = dir.path().join("data");
        run(as_db_user(bin.join("initdb")).arg("-D").arg(&data).args([
            "-U",
            "notes",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]));
        let port = free_port();
        run(as_db_user(bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.path().join("log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!(
                "-p {port} -h 127.0.0.1 -k {} -c max_connections=200",
                dir.path().display()
            ))
            .arg("start"));
        let postgres = Self {
            bin,
            data,
            port,
            _dir: dir,
        };
        run(as_db_user(postgres.bin.join("createdb")).args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "notes",
            "notes",
        ]));
        postgres
    }

    fn url(&self) -> String {
        format!("postgres://notes@127.0.0.1:{}/notes", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_db_user(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

// ---------------------------------------------------------------------------
// Replicas of a notes server.

/// How to start a replica: the binary, its arguments and environment.
#[derive(Clone)]
struct ReplicaSpec {
    binary: PathBuf,
    args: Vec<OsString>,
    env: Vec<(String, String)>,
}

/// A replica: a notes server started with `--http`; stopped when dropped.
type Replica = HttpProcess;

impl Replica {
    /// Starts a replica on `port` (0: any), and waits for it to listen.
    fn start(spec: &ReplicaSpec, port: u16, extra: &[&str]) -> Self {
        serve_http(
            Command::new(&spec.binary)
                .args(["--http", &format!("127.0.0.1:{port}"), "--stateless"])
                .args(["--drain-delay", DRAIN_DELAY])
                .args(&spec.args)
                .args(extra)
                .envs(spec.env.iter().map(|(k, v)| (k, v))),
        )
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }
}

// ---------------------------------------------------------------------------
// HAProxy in front of the replicas.

struct Haproxy {
    child: Child,
    front: SocketAddr,
    stats: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Haproxy {
    /// Starts HAProxy on `front`, balancing over `replicas` with health
    /// checks on their readiness endpoint, and waits for every one to be up.
    fn start(front: SocketAddr, replicas: &[SocketAddr]) -> Self {
        let haproxy = common::tool("haproxy").join("haproxy");
        let dir = scratch();
        let stats = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let servers: String = replicas
            .iter()
            .enumerate()
            .map(|(i, addr)| format!("    server r{i} {addr} check\n"))
            .collect();
        let config = format!(
            "global\n    maxconn 1000\n\n\
             defaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    \
             timeout server 60s\n    timeout check 2s\n    retries 3\n    option redispatch 1\n    \
             retry-on conn-failure empty-response response-timeout\n\n\
             frontend mcp\n    bind {front}\n    default_backend replicas\n\n\
             backend replicas\n    balance roundrobin\n    option httpchk GET /healthz\n    \
             http-check expect status 200\n    default-server inter 250ms fall 2 rise 2\n{servers}\n\
             listen stats\n    bind {stats}\n    stats enable\n    stats uri /stats\n"
        );
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, &config).unwrap();
        let child = Command::new(&haproxy)
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("haproxy starts");
        let haproxy = Self {
            child,
            front,
            stats,
            _dir: dir,
        };
        wait_for(TIMEOUT, "HAProxy to see every replica up", || {
            let status = haproxy.status();
            status.len() == replicas.len() && status.values().all(|s| s == "UP")
        });
        haproxy
    }

    fn url(&self) -> String {
        format!("http://{}/mcp", self.front)
    }

    /// The status of each server of the backend, from HAProxy's CSV stats:
    /// `UP`, `DOWN`, or a transition such as `UP 1/2`.
    fn status(&self) -> BTreeMap<String, String> {
        self.stats()
            .into_iter()
            .filter(|row| row["svname"].starts_with('r'))
            .map(|row| (row["svname"].clone(), row["status"].clone()))
            .collect()
    }

    /// The rows of the backend in HAProxy's CSV stats, by column name.
    fn stats(&self) -> Vec<BTreeMap<String, String>> {
        let Some((200, csv)) = http(self.stats, "GET", "/stats;csv", None) else {
            return Vec::new();
        };
        let mut lines = csv.lines();
        let header: Vec<String> = lines
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ")
            .split(',')
            .map(str::to_owned)
            .collect();
        lines
            .map(|line| {
                header
                    .iter()
                    .cloned()
                    .zip(line.split(',').map(str::to_owned))
                    .collect()
            })
            .filter(|row: &BTreeMap<String, String>| {
                row.get("pxname").is_some_and(|p| p == "replicas") && row.contains_key("status")
            })
            .collect()
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// The load, and the checks after it.

/// What the Python load reports.
struct Outcome {
    kept: BTreeMap<String, String>,
    deleted: BTreeSet<String>,
    retries: u64,
    calls: u64,
}

/// Runs `CLIENTS` Python SDK clients through the balancer at `url`, and
/// calls `at(fraction)` as the load passes each fraction of its calls
/// (in order, each once). Fails on a call that failed for good or on an
/// answer that broke read-your-writes.
fn load(url: &str, marks: &[f64], mut at: impl FnMut(usize)) -> Outcome {
    let mut child = Command::new(common::python())
        .arg(repo().join("tests/interop/scaleout_load.py"))
        .args(["--url", url, "--clients", &CLIENTS.to_string()])
        .args(["--notes", &NOTES.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    let stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        text
    });
    let mut next = 0;
    let mut result = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.expect("a line from the load");
        if let Some(progress) = line.strip_prefix("progress ") {
            let (done, total) = progress.split_once(' ').unwrap();
            let (done, total): (f64, f64) = (done.parse().unwrap(), total.parse().unwrap());
            while next < marks.len() && done >= marks[next] * total {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "the load ended before the kill at {}: make it longer",
                    marks[next]
                );
                at(next);
                next += 1;
            }
        } else if let Some(json) = line.strip_prefix("result ") {
            result = Some(serde_json::from_str::<Value>(json).expect("the result is JSON"));
        }
    }
    let status = child.wait().unwrap();
    let stderr = errors.join().unwrap();
    let result =
        result.unwrap_or_else(|| panic!("the load reported nothing ({status}):\n{stderr}"));
    assert_eq!(
        next,
        marks.len(),
        "the load ended before every kill: {result}"
    );
    assert_eq!(result["failed"], json!([]), "calls failed for good");
    assert_eq!(result["violations"], json!([]), "wrong answers");
    let kept: BTreeMap<String, String> = serde_json::from_value(result["kept"].clone()).unwrap();
    let deleted: BTreeSet<String> = serde_json::from_value(result["deleted"].clone()).unwrap();
    eprintln!(
        "load: {} calls acknowledged in {} s, {} retried; {} notes kept, {} deleted",
        result["calls"],
        result["seconds"],
        result["retries"],
        kept.len(),
        deleted.len()
    );
    Outcome {
        kept,
        deleted,
        retries: result["retries"].as_u64().unwrap(),
        calls: result["calls"].as_u64().unwrap(),
    }
}

/// Every acknowledged note reads back exactly through `addr`, every
/// deleted one is gone, and the list holds the kept notes and nothing else.
fn verify(addr: SocketAddr, outcome: &Outcome) {
    for (name, content) in &outcome.kept {
        assert_eq!(
            &tool(addr, "get_note", json!({ "name": name })),
            content,
            "{name} through {addr}"
        );
    }
    for name in &outcome.deleted {
        assert_eq!(
            tool(addr, "get_note", json!({ "name": name })),
            format!("Note '{name}' not found."),
            "{name} through {addr}"
        );
    }
    let listed = tool(addr, "list_notes", json!({}));
    let listed: BTreeSet<&str> = listed
        .strip_prefix("Saved notes: ")
        .unwrap_or_else(|| panic!("{listed}"))
        .split(", ")
        .collect();
    let kept: BTreeSet<&str> = outcome.kept.keys().map(String::as_str).collect();
    assert_eq!(listed, kept, "the notes listed through {addr}");
}

/// The whole drill against `replicas` (2 or 3) started from `spec`:
/// load through HAProxy, SIGKILL replica 0 and start a new one in its
/// place, SIGTERM replica 1, then check every survivor.
fn drill(spec: &ReplicaSpec, replicas: usize) {
    let front = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let allow = ["--allow-host".to_owned(), front.to_string()];
    let allow: Vec<&str> = allow.iter().map(String::as_str).collect();
    let mut running: Vec<Option<Replica>> = (0..replicas)
        .map(|_| Some(Replica::start(spec, 0, &allow)))
        .collect();
    let addrs: Vec<SocketAddr> = running.iter().flatten().map(|r| r.addr).collect();
    for addr in &addrs {
        assert_eq!(healthz(*addr), Some((200, "ready\n".to_owned())));
    }
    let haproxy = Haproxy::start(front, &addrs);

    let mut drained = false;
    let outcome = load(&haproxy.url(), &[0.2, 0.5], |mark| match mark {
        0 => {
            // SIGKILL: requests on it fail mid-way; the balancer retries
            // what never reached it, the clients retry the rest.
            let mut killed = running[0].take().unwrap();
            killed.child.kill().unwrap();
            killed.child.wait().unwrap();
            // Requests sent its way meanwhile find nothing listening.
            wait_for(TIMEOUT, "HAProxy to see the killed replica down", || {
                haproxy
                    .status()
                    .get("r0")
                    .is_some_and(|s| s.starts_with("DOWN"))
            });
            // A replacement on the same address, as an orchestrator would
            // start; the balancer takes it back once it is ready.
            let replacement = Replica::start(spec, addrs[0].port(), &allow);
            wait_for(TIMEOUT, "HAProxy to take the new replica", || {
                haproxy.status().get("r0").is_some_and(|s| s == "UP")
            });
            running[0] = Some(replacement);
        }
        _ => {
            // SIGTERM: the replica says it is not ready, the balancer takes
            // it out of rotation, then it finishes its requests and exits.
            let stopping = running[1].as_mut().unwrap();
            signal(&stopping.child, "-TERM");
            wait_for(
                Duration::from_secs(1),
                "the readiness endpoint to say draining",
                || {
                    healthz(addrs[1])
                        .is_some_and(|(status, body)| status == 503 && body == "draining\n")
                },
            );
            wait_for(
                Duration::from_millis(2500),
                "HAProxy to take the draining replica out",
                || {
                    haproxy
                        .status()
                        .get("r1")
                        .is_some_and(|s| s.starts_with("DOWN"))
                },
            );
            assert!(
                stopping.child.try_wait().unwrap().is_none(),
                "the balancer saw the drain before the replica stopped"
            );
            drained = true;
        }
    });
    assert!(drained);
    let mut stopped = running[1].take().unwrap();
    let status = stopped.child.wait().unwrap();
    assert!(status.success(), "SIGTERM: {status}\n{}", stopped.log());
    assert!(outcome.calls > 0);
    let backend = haproxy
        .stats()
        .into_iter()
        .find(|row| row["svname"] == "BACKEND")
        .expect("the backend's stats");
    eprintln!(
        "around the kill and the stop: {} calls retried by the clients; HAProxy retried {} \
         requests, redispatched {}, and answered {} with an error",
        outcome.retries, backend["wretr"], backend["wredis"], backend["eresp"]
    );

    let survivors: Vec<&Replica> = running.iter().flatten().collect();
    assert_eq!(survivors.len(), replicas - 1);
    for replica in survivors {
        verify(replica.addr, &outcome);
        assert!(replica.child.id() > 0, "{}", replica.log());
    }
}

// ---------------------------------------------------------------------------
// The tests.

#[test]
fn three_replicas_on_postgresql_behind_haproxy_survive_a_kill_and_a_stop() {
    let postgres = Postgres::start();
    let server = generated("notes-postgres.yaml", "notes-postgres");
    let spec = ReplicaSpec {
        binary: server.binary.clone(),
        args: Vec::new(),
        env: vec![("NOTES_DATABASE_URL".to_owned(), postgres.url())],
    };

    // Before the migration, a replica runs but is not ready: the schema is
    // missing. The migration runs once, by command; a second run finds
    // nothing to do.
    let early = Replica::start(&spec, 0, &[]);
    assert_eq!(healthz(early.addr), Some((503, "not ready\n".to_owned())));
    let migrate = |expected: &str| {
        let output = run(Command::new(&server.binary)
            .arg("migrate")
            .env("NOTES_DATABASE_URL", postgres.url()));
        assert!(output.contains(expected), "{output}");
    };
    migrate("Applied 1 migration(s): the schema is at version 1.");
    migrate("The schema is up to date (version 1).");
    assert_eq!(healthz(early.addr), Some((200, "ready\n".to_owned())));
    drop(early);

    drill(&spec, 3);
}

#[test]
fn two_replicas_on_one_sqlite_file_behind_haproxy_survive_a_kill_and_a_stop() {
    let dir = scratch();
    let spec = ReplicaSpec {
        binary: notes_server().to_owned(),
        args: vec!["--db".into(), dir.path().join("notes.db").into()],
        env: Vec::new(),
    };
    drill(&spec, 2);
}

#[test]
fn the_postgresql_variant_refuses_a_missing_url_and_reports_an_unreachable_database() {
    let server = generated("notes-postgres.yaml", "notes-postgres");
    let output = Command::new(&server.binary)
        .args(["--http", "127.0.0.1:0"])
        .env_remove("NOTES_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("set NOTES_DATABASE_URL"), "{stderr}");

    // Nothing listens on this port: the server starts, but is not ready,
    // and `migrate` fails with a message.
    let url = format!("postgres://notes@127.0.0.1:{}/notes", free_port());
    let spec = ReplicaSpec {
        binary: server.binary.clone(),
        args: Vec::new(),
        env: vec![("NOTES_DATABASE_URL".to_owned(), url.clone())],
    };
    let replica = Replica::start(&spec, 0, &[]);
    assert_eq!(healthz(replica.addr), Some((503, "not ready\n".to_owned())));
    let output = Command::new(&server.binary)
        .arg("migrate")
        .env("NOTES_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot migrate"), "{stderr}");
}

#[test]
fn the_postgresql_variant_passes_fmt_and_clippy() {
    assert_lint_clean(&generated("notes-postgres.yaml", "notes-postgres").dir);
}

#[test]
fn a_server_without_a_migration_says_so() {
    let dir = scratch();
    let output = run(Command::new(notes_server())
        .arg("migrate")
        .arg("--db")
        .arg(dir.path().join("notes.db")));
    assert_eq!(output.trim(), "nothing to migrate");
}

#[test]
fn tools_may_not_take_the_names_of_the_migrate_and_ready_hooks() {
    let dir = scratch();
    for name in ["migrate", "ready"] {
        let spec = dir.path().join("spec.yaml");
        std::fs::write(
            &spec,
            format!("mcpgen: 1\nserver: {{ name: tiny-server, version: 0.1.0 }}\ntools:\n  - name: {name}\n"),
        )
        .unwrap();
        let output = common::mcpgen().arg("check").arg(&spec).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("would both be the handler method `{name}`")),
            "{name}: {stderr}"
        );
    }
}
