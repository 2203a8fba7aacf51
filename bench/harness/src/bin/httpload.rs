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

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

struct Conn {
    host: String,
    path: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    /// POSTs `body`; Ok(true) when the answer is a result that is not a
    /// tool error.
    fn call(&mut self, body: &str) -> std::io::Result<bool> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.host)?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.stream = Some(BufReader::new(stream));
        }
        let result = self.exchange(body);
        if !matches!(result, Ok((_, true))) {
            self.stream = None;
        }
        result.map(|(ok, _)| ok)
    }

    /// (the call succeeded, the connection may be reused)
    fn exchange(&mut self, body: &str) -> std::io::Result<(bool, bool)> {
        let reader = self.stream.as_mut().unwrap();
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json, text/event-stream\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.path,
            self.host,
            body.len()
        );
        reader.get_mut().write_all(request.as_bytes())?;
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (mut length, mut chunked, mut keep) = (None, false, true);
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            let (name, value) = (name.to_ascii_lowercase(), value.trim().to_ascii_lowercase());
            match name.as_str() {
                "content-length" => length = value.parse().ok(),
                "transfer-encoding" => chunked = value.contains("chunked"),
                "connection" => keep = value != "close",
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        } else {
            reader.read_to_end(&mut body)?;
            keep = false;
        }
        let text = String::from_utf8_lossy(&body);
        let ok = status == 200 && text.contains("\"result\"") && !text.contains("\"isError\":true");
        Ok((ok, keep))
    }
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
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, path) = (
        host.to_owned(),
        if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        },
    );
    let connections = flag("--connections", 32);
    let seconds = flag("--seconds", 10);
    let seed = flag("--seed", 0);

    let connect = || Conn {
        host: host.clone(),
        path: path.clone(),
        stream: None,
    };
    let mut conn = connect();
    for i in 0..seed {
        let body = request(
            "add_note",
            serde_json::json!({ "name": format!("seed{i}"), "content": format!("seeded note {i}") }),
        );
        assert!(conn.call(&body).unwrap_or(false), "seeding failed");
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
                    match conn.call(&body) {
                        Ok(true) => latencies.push(started.elapsed().as_micros() as u64),
                        _ => failed += 1,
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
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0)
    };
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
