//! Hostile load on an MCP server over HTTP, while a well-behaved client
//! works in its own session; the server's memory is read from /proc.
//!
//!     httpflood URL --pid PID flood N [--flooders T]
//!     httpflood URL --pid PID slowloris N [--seconds S]
//!
//! `flood`: T threads (4 by default), each on one kept-alive connection,
//! open N sessions between them (`initialize`, never closed) as fast as
//! the server answers. `slowloris`: N connections each send a request line
//! and then one header line a second, never finishing, for S seconds (15).
//! Meanwhile the well-behaved client adds a note, then reads it back every
//! 2 ms until the hostile part is over.
//!
//! Prints one JSON line: the hostile requests' outcomes, the server's RSS
//! before and its peak (VmHWM), and the well-behaved client's calls, the
//! ones that failed, and their latency percentiles in µs.

use std::{
    collections::BTreeMap,
    io::Write,
    net::TcpStream,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex,
    },
    thread,
    time::{Duration, Instant},
};

use mcpbench::http::{percentile, Conn};
use serde_json::{json, Value};

fn initialize(id: u64) -> String {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": { "name": "httpflood", "version": "1" }
        }
    })
    .to_string()
}

fn call(id: u64, tool: &str, arguments: Value) -> String {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": { "name": tool, "arguments": arguments }
    })
    .to_string()
}

/// A field of /proc/PID/status, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The well-behaved client, until `stop`: (latencies in µs, failed calls).
fn behave(url: &str, stop: &AtomicBool) -> (Vec<u64>, u64) {
    let mut conn = Conn::new(url);
    let answer = conn.post(&initialize(1), None).expect("the server answers");
    let session = answer.session.expect("a session id");
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    conn.post(&initialized.to_string(), Some(&session))
        .expect("the server takes notifications/initialized");
    let note = json!({ "name": "probe", "content": "a well-behaved client's note" });
    let added = conn
        .post(&call(2, "add_note", note), Some(&session))
        .expect("add_note is answered");
    assert!(added.ok(), "add_note failed: {}", added.body);
    let (mut latencies, mut failed) = (Vec::new(), 0);
    let mut id = 3;
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let body = call(id, "get_note", json!({ "name": "probe" }));
        match conn.post(&body, Some(&session)) {
            Ok(answer) if answer.ok() && answer.body.contains("well-behaved") => {
                latencies.push(started.elapsed().as_micros() as u64)
            }
            _ => failed += 1,
        }
        id += 1;
        thread::sleep(Duration::from_millis(2));
    }
    (latencies, failed)
}

/// T threads open `n` sessions between them: the count of each outcome
/// (an HTTP status, or `error` for a dropped connection).
fn flood(url: &str, n: u64, flooders: u64) -> BTreeMap<String, u64> {
    let next = Arc::new(AtomicU64::new(0));
    let outcomes = Arc::new(Mutex::new(BTreeMap::new()));
    let threads: Vec<_> = (0..flooders)
        .map(|_| {
            let (url, next, outcomes) = (url.to_owned(), next.clone(), outcomes.clone());
            thread::spawn(move || {
                let mut conn = Conn::new(&url);
                let mut mine = BTreeMap::<String, u64>::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let outcome = match conn.post(&initialize(i), None) {
                        Ok(answer) => answer.status.to_string(),
                        Err(_) => "error".to_owned(),
                    };
                    *mine.entry(outcome).or_default() += 1;
                }
                let mut all = outcomes.lock().unwrap();
                for (k, v) in mine {
                    *all.entry(k).or_default() += v;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    Arc::try_unwrap(outcomes).unwrap().into_inner().unwrap()
}

/// `n` connections trickle headers for `seconds`: how many the server
/// closed, and how many it still held open at the end.
fn slowloris(url: &str, n: u64, seconds: u64) -> BTreeMap<String, u64> {
    let host = url
        .strip_prefix("http://")
        .and_then(|r| r.split('/').next())
        .expect("an http:// URL");
    let mut conns: Vec<Option<TcpStream>> = (0..n)
        .map(|_| {
            let mut s = TcpStream::connect(host).ok()?;
            s.write_all(format!("POST /mcp HTTP/1.1\r\nHost: {host}\r\n").as_bytes())
                .ok()?;
            Some(s)
        })
        .collect();
    let refused = conns.iter().filter(|c| c.is_none()).count() as u64;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        thread::sleep(Duration::from_secs(1));
        for slot in conns.iter_mut() {
            let alive = slot
                .as_mut()
                .is_some_and(|s| s.write_all(b"X-Slow: 1\r\n").is_ok());
            if !alive {
                *slot = None;
            }
        }
    }
    let open = conns.iter().filter(|c| c.is_some()).count() as u64;
    BTreeMap::from([
        ("refused".to_owned(), refused),
        ("closed_by_server".to_owned(), n - refused - open),
        ("still_open".to_owned(), open),
    ])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: httpflood URL --pid PID (flood N [--flooders T] | slowloris N [--seconds S])";
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<u64>().expect(usage))
    };
    let url = args.first().expect(usage).clone();
    let pid = flag("--pid").expect(usage) as u32;
    let (mode, n) = ["flood", "slowloris"]
        .iter()
        .find_map(|m| Some((*m, flag(m)?)))
        .expect(usage);

    let rss_before = status_kib(pid, "VmRSS");
    let stop = Arc::new(AtomicBool::new(false));
    let well_behaved = {
        let (url, stop) = (url.clone(), stop.clone());
        thread::spawn(move || behave(&url, &stop))
    };
    thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let outcomes = match mode {
        "flood" => flood(&url, n, flag("--flooders").unwrap_or(4)),
        _ => slowloris(&url, n, flag("--seconds").unwrap_or(15)),
    };
    let hostile_s = started.elapsed().as_secs_f64();
    thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let (mut latencies, failed) = well_behaved.join().unwrap();
    latencies.sort_unstable();
    println!(
        "{}",
        json!({
            "mode": mode,
            "n": n,
            "hostile_s": (hostile_s * 10.0).round() / 10.0,
            "outcomes": outcomes,
            "rss_before_kib": rss_before,
            "rss_peak_kib": status_kib(pid, "VmHWM"),
            "calls": latencies.len(),
            "failed": failed,
            "p50_us": percentile(&latencies, 0.5),
            "p99_us": percentile(&latencies, 0.99),
            "max_us": latencies.last().copied().unwrap_or(0),
        })
    );
}
