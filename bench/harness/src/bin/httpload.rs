//! Closed-loop load on a stateless MCP server over HTTP (directly, or
//! through a load balancer): CONNECTIONS threads, each with one kept-alive
//! connection, send `tools/call` requests of the notes server back to back
//! for SECONDS: 4 `get_note` of a seeded note for each `add_note`.
//!
//!     httpload URL [--connections N] [--seconds S] [--seed N]
//!
//! `--seed N` first adds notes `seed0`..`seedN-1`. Prints one JSON line:
//! calls per second, latency percentiles in µs, and the calls that failed
//! (an HTTP error, a dropped connection, or a tool error).

use std::time::{Duration, Instant};

use mcpbench::http::{percentile, Conn};

/// Calls over `conn`; true when the answer is a result, not a tool error.
fn call(conn: &mut Conn, body: &str) -> bool {
    conn.post(body, None).is_ok_and(|answer| answer.ok())
}

fn request(tool: &str, arguments: serde_json::Value) -> String {
    serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": tool, "arguments": arguments }
    })
    .to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse().expect("a number"))
            .unwrap_or(default)
    };
    let url = args
        .first()
        .expect("usage: httpload URL [--connections N] [--seconds S] [--seed N]");
    let connections = flag("--connections", 32);
    let seconds = flag("--seconds", 10);
    let seed = flag("--seed", 0);

    let connect = || Conn::new(url);
    let mut conn = connect();
    for i in 0..seed {
        let body = request(
            "add_note",
            serde_json::json!({ "name": format!("seed{i}"), "content": format!("seeded note {i}") }),
        );
        assert!(call(&mut conn, &body), "seeding failed");
    }

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..connections)
        .map(|t| {
            let mut conn = connect();
            let seed = seed.max(1);
            std::thread::spawn(move || {
                let (mut latencies, mut failed) = (Vec::new(), 0u64);
                let mut i = 0u64;
                while Instant::now() < deadline {
                    let body = if i % 5 == 4 {
                        request("add_note", serde_json::json!({ "name": format!("load{t}-{}", i % 50), "content": format!("written by {t}, #{i}") }))
                    } else {
                        request("get_note", serde_json::json!({ "name": format!("seed{}", (i * 7 + t) % seed) }))
                    };
                    let started = Instant::now();
                    if call(&mut conn, &body) {
                        latencies.push(started.elapsed().as_micros() as u64);
                    } else {
                        failed += 1;
                    }
                    i += 1;
                }
                (latencies, failed)
            })
        })
        .collect();
    let (mut latencies, mut failed) = (Vec::new(), 0);
    for thread in threads {
        let (l, f) = thread.join().unwrap();
        latencies.extend(l);
        failed += f;
    }
    latencies.sort_unstable();
    let pct = |p| percentile(&latencies, p);
    println!(
        "{}",
        serde_json::json!({
            "calls_per_s": (latencies.len() as f64 / seconds as f64).round(),
            "p50_us": pct(0.5),
            "p99_us": pct(0.99),
            "failed": failed,
            "connections": connections,
            "seconds": seconds,
        })
    );
}
