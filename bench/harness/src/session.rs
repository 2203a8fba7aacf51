//! One MCP server process, driven over its real stdin/stdout pipes.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Result;

/// The request id of `initialize`; later requests start at [`FIRST_CALL_ID`].
pub const INIT_ID: u64 = 1;
pub const FIRST_CALL_ID: u64 = 2;
pub const INITIALIZE: &str = concat!(
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","#,
    r#""capabilities":{},"clientInfo":{"name":"mcpbench","version":"0.1.0"}}}"#,
    "\n"
);
const INITIALIZED: &str = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

/// How long [`Session::call`] busy-waits for a response before sleeping.
pub const SPIN: Duration = Duration::from_micros(200);

/// How long to wait for the next line from a server before giving up on it.
const SILENCE_LIMIT: Duration = Duration::from_secs(30);

/// How long a server may take to exit once its stdin is closed before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(5);

pub struct Session {
    child: Child,
    /// `None` once closed: EOF on stdin is how an MCP stdio client says goodbye.
    stdin: Option<ChildStdin>,
    /// Non-blocking; see [`read_line`].
    stdout: BufReader<ChildStdout>,
    line: Vec<u8>,
    reaped: bool,
}

/// What the kernel reported when the server process was reaped.
pub struct Exit {
    /// User + system CPU time of the whole process life (all its threads).
    pub cpu: Duration,
    /// The server ignored EOF on stdin and had to be killed.
    pub killed: bool,
}

/// Outcome of a pipelined burst.
pub struct Burst {
    /// From the first byte written to the last response read.
    pub elapsed: Duration,
    /// Responses carrying a JSON-RPC error or a tool result with `isError: true`.
    pub errors: usize,
    pub first_error: Option<String>,
}

impl Session {
    pub fn spawn(argv: &[String]) -> Result<Self> {
        let (program, args) = argv.split_first().ok_or("empty server command")?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot spawn {program}: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        set_nonblocking(&stdout)?;
        Ok(Self {
            child,
            stdin,
            stdout: BufReader::with_capacity(64 * 1024, stdout),
            line: Vec::new(),
            reaped: false,
        })
    }

    /// Writes one message. `line` must end with a newline; `ChildStdin` is
    /// unbuffered, so this is a single write(2) with nothing left to flush.
    pub fn send(&mut self, line: &str) -> Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .expect("stdin stays open until finish()");
        stdin.write_all(line.as_bytes())?;
        Ok(())
    }

    /// Reads until the response to request `id`, skipping anything the server
    /// sends on its own (notifications, requests). Also returns when the
    /// response line arrived, taken before it is parsed.
    ///
    /// Busy-polls the non-blocking pipe for up to `spin` before sleeping in
    /// poll(2). On a VM, waking a sleeping reader costs 8 to 50 µs depending
    /// on which CPUs the scheduler happened to put the two processes on, a
    /// lottery that swamped the differences between fast servers; a reader
    /// that is already awake takes it out. The server blocks and wakes as usual.
    pub fn recv(&mut self, id: u64, spin: Duration) -> Result<(Value, Instant)> {
        loop {
            self.line.clear();
            if read_line(&mut self.stdout, &mut self.line, spin)? == 0 {
                return Err(format!("server closed stdout before answering request {id}").into());
            }
            let arrived = Instant::now();
            let message = parse(&self.line)?;
            if message.get("method").is_some() {
                continue;
            }
            match message.get("id").and_then(Value::as_u64) {
                Some(got) if got == id => return Ok((message, arrived)),
                got => return Err(format!("expected the response to {id}, got id {got:?}").into()),
            }
        }
    }

    /// One round trip, timed from just before the write to the arrival of the response.
    pub fn call(&mut self, id: u64, line: &str) -> Result<(Value, Duration)> {
        let start = Instant::now();
        self.send(line)?;
        let (message, arrived) = self.recv(id, SPIN)?;
        Ok((message, arrived - start))
    }

    /// The MCP handshake: `initialize`, then `notifications/initialized`.
    pub fn initialize(&mut self) -> Result<()> {
        let (message, _) = self.call(INIT_ID, INITIALIZE)?;
        check_initialize(&message)?;
        self.send(INITIALIZED)
    }

    /// Writes `payload` (`count` newline-terminated requests with ids
    /// `first_id..first_id + count`) from a writer thread as fast as the pipe
    /// takes it, while this thread reads and checks the responses, which may
    /// arrive in any order. Stdin stays open, so that a server that stops at
    /// EOF cannot drop requests still in flight.
    pub fn burst(&mut self, payload: &[u8], first_id: u64, count: usize) -> Result<Burst> {
        let Self {
            child,
            stdin,
            stdout,
            line,
            ..
        } = self;
        let stdin = stdin.as_mut().expect("stdin stays open until finish()");
        thread::scope(|scope| {
            let start = Instant::now();
            let writer = scope.spawn(move || stdin.write_all(payload));
            let read = read_burst(stdout, line, first_id, count);
            let elapsed = start.elapsed();
            if read.is_err() {
                // Unblocks a writer stuck on a server that stopped reading.
                let _ = child.kill();
            }
            let written = writer.join().expect("writer thread panicked");
            let (errors, first_error) = read?;
            written?;
            Ok(Burst {
                elapsed,
                errors,
                first_error,
            })
        })
    }

    /// Peak resident set size of the server so far (VmHWM), in KiB.
    ///
    /// Read from /proc while the process is still alive. Not `ru_maxrss` from
    /// wait4: Linux folds the high-water mark of the memory a process had
    /// before exec into its `ru_maxrss`, and before exec a spawned child runs
    /// in (a copy of) this harness's memory, so it would report the harness's
    /// RSS whenever that is larger. VmHWM belongs to the exec'd image only.
    /// For a wrapper command (a shell, `uv run`, ...) it is the wrapper's
    /// figure, not its child's.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let value = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
        value.trim().strip_suffix("kB")?.trim().parse().ok()
    }

    /// Closes stdin and reaps the server, returning the CPU time it used.
    ///
    /// wait4 returns the rusage of the terminated child: user + system time of
    /// all its threads over its whole life (plus any children it reaped),
    /// whose sum is the scheduler's exact runtime, in microseconds.
    /// /proc/PID/stat utime/stime could be read before exit, but come in
    /// 10 ms clock ticks: too coarse here.
    /// Since this covers start-up too, callers subtract the CPU of a process
    /// that only started, answered `initialize` and exited.
    pub fn finish(mut self) -> Result<Exit> {
        drop(self.stdin.take());
        let (usage, killed) = wait4_with_grace(&mut self.child, EXIT_GRACE)?;
        self.reaped = true;
        Ok(Exit {
            cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
            killed,
        })
    }
}

impl Drop for Session {
    /// On an error path: don't leave the server running or a zombie behind.
    fn drop(&mut self) {
        if !self.reaped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn read_burst(
    stdout: &mut BufReader<ChildStdout>,
    line: &mut Vec<u8>,
    first_id: u64,
    count: usize,
) -> Result<(usize, Option<String>)> {
    let mut seen = vec![false; count];
    let (mut received, mut errors, mut first_error) = (0, 0, None);
    while received < count {
        line.clear();
        // No spinning: it would take a CPU from the writer and the server,
        // and in a burst one wake-up brings many responses anyway.
        if read_line(stdout, line, Duration::ZERO)? == 0 {
            return Err(
                format!("server closed stdout after {received} of {count} responses").into(),
            );
        }
        let message = parse(line)?;
        if message.get("method").is_some() {
            continue;
        }
        let id = message.get("id").and_then(Value::as_u64);
        let slot = id
            .and_then(|id| id.checked_sub(first_id))
            .and_then(|i| seen.get_mut(usize::try_from(i).ok()?))
            .ok_or_else(|| format!("response with unexpected id {id:?}"))?;
        if std::mem::replace(slot, true) {
            return Err(format!("two responses to request {id:?}").into());
        }
        received += 1;
        if let Err(e) = tool_text(&message) {
            errors += 1;
            first_error.get_or_insert(e);
        }
    }
    Ok((errors, first_error))
}

/// Appends one line from the non-blocking `stdout` to `line`, busy-polling
/// for up to `spin` before sleeping in poll(2); 0 at end of file.
fn read_line(
    stdout: &mut BufReader<ChildStdout>,
    line: &mut Vec<u8>,
    spin: Duration,
) -> io::Result<usize> {
    let deadline = Instant::now() + spin;
    loop {
        match stdout.read_until(b'\n', line) {
            // Bytes read before the pipe ran dry stay in `line`.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() < deadline {
                    std::hint::spin_loop();
                } else {
                    wait_readable(stdout.get_ref())?;
                }
            }
            // A complete line always counts at least its newline.
            done => return done,
        }
    }
}

fn parse(line: &[u8]) -> Result<Value> {
    serde_json::from_slice(line).map_err(|e| {
        let line = String::from_utf8_lossy(line);
        let shown: String = line.trim_end().chars().take(200).collect();
        format!("server wrote a line that is not JSON ({e}): {shown}").into()
    })
}

/// Sleeps until `pipe` has data or is closed; fails after [`SILENCE_LIMIT`].
fn wait_readable(pipe: &ChildStdout) -> io::Result<()> {
    let mut fd = libc::pollfd {
        fd: pipe.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let timeout = SILENCE_LIMIT.as_millis() as libc::c_int;
    // SAFETY: one valid pollfd, and a count of one.
    match unsafe { libc::poll(&mut fd, 1, timeout) } {
        0 => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "no output from the server for {} s",
                SILENCE_LIMIT.as_secs()
            ),
        )),
        -1 => match io::Error::last_os_error() {
            err if err.kind() == io::ErrorKind::Interrupted => Ok(()),
            err => Err(err),
        },
        _ => Ok(()),
    }
}

fn set_nonblocking(pipe: &ChildStdout) -> io::Result<()> {
    let fd = pipe.as_raw_fd();
    // SAFETY: fcntl on a file descriptor we own; no pointers involved.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn check_initialize(message: &Value) -> Result<()> {
    match message.pointer("/result/protocolVersion") {
        Some(Value::String(_)) => Ok(()),
        _ => Err(format!("bad initialize response: {message}").into()),
    }
}

/// The text of a successful tool call, or what went wrong.
pub fn tool_text(message: &Value) -> Result<&str, String> {
    if let Some(error) = message.get("error") {
        return Err(format!("JSON-RPC error {error}"));
    }
    let result = message.get("result").ok_or("response without result")?;
    if result.get("isError").and_then(Value::as_bool) == Some(true) {
        return Err(format!("tool error {result}"));
    }
    let text = result.pointer("/content/0/text").and_then(Value::as_str);
    text.ok_or_else(|| format!("no text content in {result}"))
}

fn timeval(tv: libc::timeval) -> Duration {
    let micros = tv.tv_sec as u64 * 1_000_000 + tv.tv_usec as u64;
    Duration::from_micros(micros)
}

/// Waits for `child` to exit and returns its rusage; kills it if it is still
/// running after `grace`. The flag tells whether it had to be killed.
fn wait4_with_grace(child: &mut Child, grace: Duration) -> io::Result<(libc::rusage, bool)> {
    let pid = libc::pid_t::try_from(child.id()).expect("pid fits in pid_t");
    let deadline = Instant::now() + grace;
    let mut pause = Duration::from_micros(20);
    let mut killed = false;
    loop {
        let mut status = 0;
        // SAFETY: rusage is plain integers, for which all-zero is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let flags = if killed { 0 } else { libc::WNOHANG };
        // SAFETY: both pointers are to live locals; `pid` is our own child,
        // not yet reaped (std only reaps in wait/try_wait, never called here).
        match unsafe { libc::wait4(pid, &mut status, flags, &mut usage) } {
            reaped if reaped == pid => return Ok((usage, killed)),
            0 if Instant::now() < deadline => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(5));
            }
            0 => {
                child.kill()?;
                killed = true;
            }
            _ => {
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
        }
    }
}
