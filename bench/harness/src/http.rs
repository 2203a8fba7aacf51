//! A minimal HTTP/1.1 client for the HTTP benchmarks: one kept-alive
//! connection, POSTs of JSON-RPC bodies, answers read whole (JSON, or an
//! SSE stream that ends with the answer). Enough for loopback load; not a
//! general client.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::Duration,
};

/// What came back for one POST.
pub struct Answer {
    pub status: u16,
    /// The `Mcp-Session-Id` header, when the server set one.
    pub session: Option<String>,
    pub body: String,
}

impl Answer {
    /// A 200 whose body is a JSON-RPC result that is not a tool error.
    pub fn ok(&self) -> bool {
        self.status == 200
            && self.body.contains("\"result\"")
            && !self.body.contains("\"isError\":true")
    }
}

pub struct Conn {
    host: String,
    path: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    /// A client of `url` (`http://HOST:PORT/PATH`); it connects on first use.
    pub fn new(url: &str) -> Self {
        let rest = url.strip_prefix("http://").expect("an http:// URL");
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        Conn {
            host: host.to_owned(),
            path: if path.is_empty() { "/" } else { path }.to_owned(),
            stream: None,
        }
    }

    /// POSTs `body` (in `session`, if given), reconnecting first if the
    /// last answer closed the connection.
    pub fn post(&mut self, body: &str, session: Option<&str>) -> std::io::Result<Answer> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.host)?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.stream = Some(BufReader::new(stream));
        }
        let result = self.exchange(body, session);
        if !matches!(result, Ok((_, true))) {
            self.stream = None;
        }
        result.map(|(answer, _)| answer)
    }

    /// (the answer, the connection may be reused)
    fn exchange(&mut self, body: &str, session: Option<&str>) -> std::io::Result<(Answer, bool)> {
        let reader = self.stream.as_mut().expect("connected");
        let session_header = session
            .map(|id| format!("Mcp-Session-Id: {id}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json, text/event-stream\r\n\
             Content-Type: application/json\r\n{session_header}Content-Length: {}\r\n\r\n{body}",
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
        let (mut length, mut chunked, mut keep, mut session) = (None, false, true, None);
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
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().ok(),
                "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                "connection" => keep = !value.eq_ignore_ascii_case("close"),
                "mcp-session-id" => session = Some(value.to_owned()),
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
        let answer = Answer {
            status,
            session,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        Ok((answer, keep))
    }
}

/// The value at fraction `p` (0..=1) of sorted `values`, 0 when empty.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p) as usize)
        .copied()
        .unwrap_or(0)
}
