//! mcpscale: what tools/list and tools/call cost in MCP stdio servers with
//! many tools (see bench/README.md). Run by `bench/scaling`.
//!
//! It drives servers with mcpbench's `Session` (the same pipes, spin-wait and
//! CPU accounting) and takes the same care with noise: servers take turns,
//! spawn by spawn, segment by segment and round by round.

#[path = "../../harness/src/session.rs"]
#[allow(dead_code)] // mcpbench's module; this tool uses part of it
mod session;

use std::process::ExitCode;
use std::time::Duration;
use std::{env, fmt::Write as _};

use serde_json::{json, Map, Value};

use session::{Session, FIRST_CALL_ID, INITIALIZE, INIT_ID};

pub type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

const USAGE: &str = "\
usage: mcpscale --server NAME=CMD [--server NAME=CMD ...] [--quick] [options]

Measures spawn -> initialize, tools/list and tools/call of MCP stdio servers,
typically one server per tool count. The first server is the baseline of the
ratios. CMD is split on whitespace. Each tools/call names a tool of the
server (rotating over all of them) with its required arguments made up from
the tool's inputSchema; a stub that answers `isError: true` is fine.

options, with defaults as full / --quick:
  --spawns N      spawns timed to the initialize response       [50 / 20]
  --lists N       sequential tools/list round trips             [200 / 50]
  --calls N       sequential tools/call round trips             [4000 / 1000]
  --unknown N     sequential tools/call of a tool that is not there [1000 / 200]
  --pipelined N   tools/call requests per pipelined burst       [10000 / 3000]
  --rounds N      pipelined bursts per server, fresh processes  [5 / 3]
  --tool NAME     call only this tool (every server must have it), instead
                  of rotating over all the tools

The table goes to stdout, then one line of JSON; progress goes to stderr.";

#[derive(Clone, Copy)]
struct Counts {
    spawns: usize,
    lists: usize,
    calls: usize,
    unknown: usize,
    pipelined: usize,
    rounds: usize,
}

const FULL: Counts = Counts {
    spawns: 50,
    lists: 200,
    calls: 4_000,
    unknown: 1_000,
    pipelined: 10_000,
    rounds: 5,
};

const QUICK: Counts = Counts {
    spawns: 20,
    lists: 50,
    calls: 1_000,
    unknown: 200,
    pipelined: 3_000,
    rounds: 3,
};

const WARMUP_SPAWNS: usize = 3;
const WARMUP_LISTS: usize = 3;
const WARMUP_CALLS: usize = 50;
/// Fresh processes per server that share the sequential requests.
const SEGMENTS: usize = 10;
const UNKNOWN_TOOL: &str = "no_such_tool_here";

struct Server {
    name: String,
    command: String,
}

impl Server {
    fn argv(&self) -> Vec<String> {
        self.command.split_whitespace().map(str::to_owned).collect()
    }

    fn open(&self) -> Result<Session> {
        let mut session = Session::spawn(&self.argv())?;
        session.initialize()?;
        Ok(session)
    }
}

/// What one server offers, learnt from its tools/list before timing starts.
struct Catalog {
    /// `tools/call` params (name and made-up arguments), one per tool.
    calls: Vec<Value>,
    /// Size of the tools/list response line.
    list_bytes: usize,
    /// How many tools the server has.
    tools: usize,
}

#[derive(Default)]
struct Figures {
    tools: f64,
    list_kib: f64,
    startup_p50_ms: f64,
    startup_cpu_ms: f64,
    idle_rss_mib: f64,
    tools_list_p50_us: f64,
    tools_call_p50_us: f64,
    tools_call_p90_us: f64,
    unknown_tool_p50_us: f64,
    pipelined_calls_per_s: f64,
    cpu_us_per_call: f64,
    peak_rss_mib: f64,
}

struct Metric {
    key: &'static str,
    label: &'static str,
    value: fn(&Figures) -> f64,
}

const METRICS: &[Metric] = &[
    Metric {
        key: "tools",
        label: "tools",
        value: |f| f.tools,
    },
    Metric {
        key: "list_kib",
        label: "tools/list response (KiB)",
        value: |f| f.list_kib,
    },
    Metric {
        key: "startup_p50_ms",
        label: "spawn -> initialize p50 (ms)",
        value: |f| f.startup_p50_ms,
    },
    Metric {
        key: "startup_cpu_ms",
        label: "CPU to start, initialize, exit (ms)",
        value: |f| f.startup_cpu_ms,
    },
    Metric {
        key: "tools_list_p50_us",
        label: "tools/list round trip p50 (µs)",
        value: |f| f.tools_list_p50_us,
    },
    Metric {
        key: "tools_call_p50_us",
        label: "tools/call round trip p50 (µs)",
        value: |f| f.tools_call_p50_us,
    },
    Metric {
        key: "tools_call_p90_us",
        label: "tools/call round trip p90 (µs)",
        value: |f| f.tools_call_p90_us,
    },
    Metric {
        key: "unknown_tool_p50_us",
        label: "unknown tool round trip p50 (µs)",
        value: |f| f.unknown_tool_p50_us,
    },
    Metric {
        key: "pipelined_calls_per_s",
        label: "pipelined tools/call (calls/s)",
        value: |f| f.pipelined_calls_per_s,
    },
    Metric {
        key: "cpu_us_per_call",
        label: "server CPU per tools/call (µs)",
        value: |f| f.cpu_us_per_call,
    },
    Metric {
        key: "idle_rss_mib",
        label: "RSS after initialize (MiB)",
        value: |f| f.idle_rss_mib,
    },
    Metric {
        key: "peak_rss_mib",
        label: "peak RSS after burst (MiB)",
        value: |f| f.peak_rss_mib,
    },
];

struct Results {
    server: Server,
    catalog: Catalog,
    figures: Figures,
    warnings: Vec<String>,
}

impl Results {
    fn warn(&mut self, warning: String) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }
}

fn main() -> ExitCode {
    let (servers, counts, quick, tool) = match parse_args(env::args().skip(1)) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mcpscale: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(servers, counts, tool.as_deref()) {
        Ok(results) => {
            print!("{}", table(&results, &counts, quick));
            println!("{}", json_line(&results, &counts, quick));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mcpscale: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Servers, counts, quick, and the one tool to call if given.
type Parsed = (Vec<Server>, Counts, bool, Option<String>);

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Parsed>> {
    let (mut servers, mut quick, mut overrides) = (Vec::new(), false, Vec::new());
    let mut tool = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quick" => quick = true,
            _ if flag.starts_with("--") => {
                let value = inline
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))?;
                if flag == "--server" {
                    let (name, command) = value
                        .split_once('=')
                        .filter(|(n, c)| !n.is_empty() && !c.trim().is_empty())
                        .ok_or_else(|| format!("--server wants NAME=CMD, got {value:?}"))?;
                    servers.push(Server {
                        name: name.into(),
                        command: command.into(),
                    });
                } else if flag == "--tool" {
                    tool = Some(value);
                } else {
                    let n: usize = value
                        .parse()
                        .map_err(|_| format!("{flag} wants a number, got {value:?}"))?;
                    overrides.push((flag, n));
                }
            }
            _ => return Err(format!("unexpected argument {flag:?}").into()),
        }
    }
    if servers.is_empty() {
        return Err("give at least one --server NAME=CMD".into());
    }
    let mut c = if quick { QUICK } else { FULL };
    for (flag, n) in overrides {
        let field = match flag.as_str() {
            "--spawns" => &mut c.spawns,
            "--lists" => &mut c.lists,
            "--calls" => &mut c.calls,
            "--unknown" => &mut c.unknown,
            "--pipelined" => &mut c.pipelined,
            "--rounds" => &mut c.rounds,
            _ => return Err(format!("unknown option {flag}").into()),
        };
        *field = n;
    }
    let all = [c.spawns, c.lists, c.calls, c.unknown, c.pipelined, c.rounds];
    if all.contains(&0) {
        return Err("every count must be at least 1".into());
    }
    Ok(Some((servers, c, quick, tool)))
}

fn run(servers: Vec<Server>, c: Counts, tool: Option<&str>) -> Result<Vec<Results>> {
    eprintln!("[0/3] tools/list of each server, to learn its tools");
    let mut results = Vec::new();
    for server in servers {
        let catalog =
            discover(&server, tool).map_err(|e| format!("{}: tools/list: {e}", server.name))?;
        let figures = Figures {
            tools: catalog.tools as f64,
            list_kib: catalog.list_bytes as f64 / 1024.0,
            ..Figures::default()
        };
        results.push(Results {
            server,
            catalog,
            figures,
            warnings: Vec::new(),
        });
    }
    let n = results.len();

    eprintln!(
        "[1/3] spawn -> initialize: {} spawns per server, round-robin",
        c.spawns
    );
    let mut spawns: Vec<Vec<(Duration, Duration, Option<u64>)>> = vec![Vec::new(); n];
    for round in 0..WARMUP_SPAWNS + c.spawns {
        for k in turns(n, round) {
            let sample = spawn_once(&results[k].server);
            let sample = sample.map_err(|e| format!("{}: spawn: {e}", results[k].server.name))?;
            if round >= WARMUP_SPAWNS {
                spawns[k].push(sample);
            }
        }
    }
    for (result, samples) in results.iter_mut().zip(spawns) {
        let f = &mut result.figures;
        f.startup_p50_ms = ms(percentile(samples.iter().map(|s| s.0).collect(), 50.0));
        f.startup_cpu_ms = median(samples.iter().map(|s| ms(s.1)).collect());
        f.idle_rss_mib = median(samples.iter().filter_map(|s| s.2).map(mib).collect());
    }

    eprintln!(
        "[2/3] sequential: {} tools/list, {} tools/call, {} unknown-tool calls per server",
        c.lists, c.calls, c.unknown
    );
    let mut times: Vec<[Vec<Duration>; 3]> = (0..n).map(|_| Default::default()).collect();
    for segment in 0..SEGMENTS {
        let share = |total: usize| total * (segment + 1) / SEGMENTS - total * segment / SEGMENTS;
        let counts = [share(c.lists), share(c.calls), share(c.unknown)];
        for k in turns(n, segment) {
            let result = &mut results[k];
            let offset = c.calls * segment / SEGMENTS;
            let run = sequential(result, counts, offset, &mut times[k]);
            run.map_err(|e| format!("{}: sequential: {e}", result.server.name))?;
        }
    }
    for (result, [lists, calls, unknown]) in results.iter_mut().zip(times) {
        let f = &mut result.figures;
        f.tools_list_p50_us = us(percentile(lists, 50.0));
        f.tools_call_p50_us = us(percentile(calls.clone(), 50.0));
        f.tools_call_p90_us = us(percentile(calls, 90.0));
        f.unknown_tool_p50_us = us(percentile(unknown, 50.0));
    }

    eprintln!(
        "[3/3] pipelined tools/call: {} rounds of {} calls",
        c.rounds, c.pipelined
    );
    let mut bursts: Vec<Vec<(f64, Duration, Option<u64>)>> = vec![Vec::new(); n];
    for round in 0..c.rounds {
        for k in turns(n, round) {
            let result = &mut results[k];
            let sample = burst(result, c.pipelined);
            let sample = sample.map_err(|e| format!("{}: pipelined: {e}", result.server.name))?;
            bursts[k].push(sample);
        }
    }
    for (result, samples) in results.iter_mut().zip(bursts) {
        let f = &mut result.figures;
        f.pipelined_calls_per_s = median(samples.iter().map(|s| s.0).collect());
        let cpu_ms = median(samples.iter().map(|s| ms(s.1)).collect());
        f.cpu_us_per_call = ((cpu_ms - f.startup_cpu_ms) * 1e3 / c.pipelined as f64).max(0.0);
        f.peak_rss_mib = samples
            .iter()
            .filter_map(|s| s.2)
            .max()
            .map_or(f64::NAN, mib);
    }
    Ok(results)
}

/// Lists the server's tools (following `nextCursor`) and makes up a
/// `tools/call` for each, or for `only` alone.
fn discover(server: &Server, only: Option<&str>) -> Result<Catalog> {
    let mut session = server.open()?;
    let (mut calls, mut list_bytes, mut cursor, mut id) = (Vec::new(), 0, None, FIRST_CALL_ID);
    loop {
        let params = cursor
            .take()
            .map_or(json!({}), |c: Value| json!({ "cursor": c }));
        let line = request(id, "tools/list", params);
        let (reply, _) = session.call(id, &line)?;
        if id == FIRST_CALL_ID {
            list_bytes = reply.to_string().len();
        }
        id += 1;
        let tools = reply
            .pointer("/result/tools")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("no tools in {}", shorten(&reply)))?;
        for tool in tools {
            let name = tool
                .get("name")
                .and_then(Value::as_str)
                .ok_or("a tool without a name")?;
            let arguments = tool.get("inputSchema").map_or(json!({}), sample_arguments);
            calls.push(json!({ "name": name, "arguments": arguments }));
        }
        match reply.pointer("/result/nextCursor") {
            Some(next @ Value::String(_)) => cursor = Some(next.clone()),
            _ => break,
        }
    }
    session.finish()?;
    let tools = calls.len();
    if tools == 0 {
        return Err("the server has no tools".into());
    }
    if let Some(only) = only {
        calls.retain(|call| call["name"] == only);
        if calls.is_empty() {
            return Err(format!("the server has no tool {only:?}").into());
        }
    }
    Ok(Catalog {
        calls,
        list_bytes,
        tools,
    })
}

/// Arguments that satisfy the simple constraints of a tool's input schema:
/// each required property gets a plain value of its type.
fn sample_arguments(schema: &Value) -> Value {
    let mut arguments = Map::new();
    let properties = schema.get("properties").and_then(Value::as_object);
    let required = schema.get("required").and_then(Value::as_array);
    for name in required.into_iter().flatten().filter_map(Value::as_str) {
        let property = properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
        arguments.insert(name.to_owned(), sample_value(property));
    }
    Value::Object(arguments)
}

fn sample_value(property: &Value) -> Value {
    if let Some(first) = property.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    let ty = match property.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        Some(ty) => ty.as_str(),
        None => None,
    };
    let minimum = property.get("minimum").and_then(Value::as_f64);
    match ty.unwrap_or("string") {
        "integer" => json!(minimum.map_or(1, |m| m.ceil() as i64)),
        "number" => json!(minimum.unwrap_or(1.5)),
        "boolean" => json!(true),
        "array" => json!([]),
        "object" => json!({}),
        _ => {
            let len = property
                .get("minLength")
                .and_then(Value::as_u64)
                .unwrap_or(3)
                .max(3);
            json!("a".repeat(len as usize))
        }
    }
}

fn spawn_once(server: &Server) -> Result<(Duration, Duration, Option<u64>)> {
    let start = std::time::Instant::now();
    let mut session = Session::spawn(&server.argv())?;
    session.send(INITIALIZE)?;
    let (reply, arrived) = session.recv(INIT_ID, Duration::ZERO)?;
    if reply.get("result").is_none() {
        return Err(format!("initialize failed: {}", shorten(&reply)).into());
    }
    let rss = session.peak_rss_kib();
    let exit = session.finish()?;
    Ok((arrived - start, exit.cpu, rss))
}

/// One fresh process: warm-up, then timed tools/list, tools/call (rotating
/// over the tools from `offset`) and calls of a tool that does not exist.
fn sequential(
    result: &mut Results,
    [lists, calls, unknown]: [usize; 3],
    offset: usize,
    times: &mut [Vec<Duration>; 3],
) -> Result<()> {
    let mut warnings = Vec::new();
    let run = sequential_session(
        result,
        [lists, calls, unknown],
        offset,
        times,
        &mut warnings,
    );
    for warning in warnings {
        result.warn(warning);
    }
    run
}

fn sequential_session(
    result: &Results,
    [lists, calls, unknown]: [usize; 3],
    offset: usize,
    times: &mut [Vec<Duration>; 3],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let mut session = result.server.open()?;
    let tools = result.catalog.calls.len();
    let mut id = FIRST_CALL_ID;
    let mut next_id = || {
        id += 1;
        id - 1
    };
    let call_line = |id: u64, i: usize| {
        // A stride that is prime to most tool counts spreads the calls.
        let params = &result.catalog.calls[(i * 7919) % tools];
        request(id, "tools/call", params.clone())
    };
    for i in 0..WARMUP_LISTS + lists {
        let id = next_id();
        let (reply, took) = session.call(id, &request(id, "tools/list", json!({})))?;
        let listed = reply
            .pointer("/result/tools")
            .and_then(Value::as_array)
            .map(Vec::len);
        if listed.is_none() {
            warnings.push(format!("tools/list: no tools in {}", shorten(&reply)));
        }
        if i >= WARMUP_LISTS {
            times[0].push(took);
        }
    }
    for i in 0..WARMUP_CALLS {
        let id = next_id();
        session.call(id, &call_line(id, i))?;
    }
    for i in offset..offset + calls {
        let id = next_id();
        let (reply, took) = session.call(id, &call_line(id, i))?;
        if reply.get("result").is_none() {
            warnings.push(format!(
                "tools/call: not a tool result: {}",
                shorten(&reply)
            ));
        }
        times[1].push(took);
    }
    for _ in 0..unknown {
        let id = next_id();
        let params = json!({ "name": UNKNOWN_TOOL, "arguments": {} });
        let (reply, took) = session.call(id, &request(id, "tools/call", params))?;
        let answered =
            reply.get("error").is_some() || reply.pointer("/result/isError") == Some(&json!(true));
        if !answered {
            warnings.push(format!(
                "unknown tool: neither an error nor isError: {}",
                shorten(&reply)
            ));
        }
        times[2].push(took);
    }
    if session.finish()?.killed {
        warnings.push("sequential: server ignored EOF on stdin and was killed".into());
    }
    Ok(())
}

/// A fresh process gets `calls` pipelined tools/call requests, rotating over
/// the tools: (calls per second, the process's CPU, its peak RSS).
fn burst(result: &mut Results, calls: usize) -> Result<(f64, Duration, Option<u64>)> {
    let tools = &result.catalog.calls;
    let payload: String = (0..calls)
        .map(|i| {
            let params = tools[(i * 7919) % tools.len()].clone();
            request(FIRST_CALL_ID + i as u64, "tools/call", params)
        })
        .collect();
    let mut session = result.server.open()?;
    let burst = session.burst(payload.as_bytes(), FIRST_CALL_ID, calls)?;
    let rss = session.peak_rss_kib();
    let exit = session.finish()?;
    // The burst counts `isError` results too, which stubs return; only a
    // JSON-RPC error means the call itself went wrong.
    if let Some(first) = burst.first_error.filter(|e| e.starts_with("JSON-RPC")) {
        result.warn(format!(
            "pipelined: {} of {calls} calls failed, first: {first}",
            burst.errors
        ));
    }
    if exit.killed {
        result.warn("pipelined: server ignored EOF on stdin and was killed".into());
    }
    Ok((calls as f64 / burst.elapsed.as_secs_f64(), exit.cpu, rss))
}

fn table(results: &[Results], c: &Counts, quick: bool) -> String {
    let mut out = String::new();
    let mode = if quick { "quick" } else { "full" };
    let _ = writeln!(
        out,
        "mcpscale ({mode}): {} spawns, {} tools/list, {} tools/call, {} unknown-tool calls, \
         {} x {} pipelined tools/call\n",
        c.spawns, c.lists, c.calls, c.unknown, c.rounds, c.pipelined
    );
    let _ = write!(out, "{:36}", "");
    for r in results {
        let _ = write!(out, "{:>20}", r.server.name);
    }
    out.push('\n');
    let base = &results[0].figures;
    for m in METRICS {
        let _ = write!(out, "{:36}", m.label);
        for (i, r) in results.iter().enumerate() {
            let value = (m.value)(&r.figures);
            let ratio = if i == 0 {
                String::new()
            } else {
                format!("x{}", number(value / (m.value)(base)))
            };
            let _ = write!(out, "{:>12} {ratio:>7}", number(value));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "\nxN = server / {} (first server).",
        results[0].server.name
    );
    for r in results {
        for w in &r.warnings {
            let _ = writeln!(out, "warning: {}: {w}", r.server.name);
        }
    }
    out
}

fn json_line(results: &[Results], c: &Counts, quick: bool) -> String {
    let base = &results[0].figures;
    let servers: Vec<Value> = results
        .iter()
        .map(|r| {
            let (mut figures, mut ratios) = (Map::new(), Map::new());
            for m in METRICS {
                let value = (m.value)(&r.figures);
                figures.insert(m.key.into(), json!(round(value)));
                ratios.insert(m.key.into(), json!(round(value / (m.value)(base))));
            }
            json!({
                "name": r.server.name,
                "command": r.server.command,
                "figures": figures,
                "ratios": ratios,
                "warnings": r.warnings,
            })
        })
        .collect();
    json!({
        "mcpscale": env!("CARGO_PKG_VERSION"),
        "quick": quick,
        "counts": {
            "spawns": c.spawns, "lists": c.lists, "calls": c.calls,
            "unknown": c.unknown, "pipelined": c.pipelined, "rounds": c.rounds,
        },
        "baseline": results[0].server.name,
        "servers": servers,
    })
    .to_string()
}

fn request(id: u64, method: &str, params: Value) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string() + "\n"
}

fn shorten(message: &Value) -> String {
    message.to_string().chars().take(200).collect()
}

/// The order in which `n` servers take their turns: reversed every other round.
fn turns(n: usize, round: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| if round % 2 == 0 { k } else { n - 1 - k })
}

/// Nearest-rank percentile; NaN-free only for non-empty samples.
fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort_unstable();
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// About three significant digits.
fn number(x: f64) -> String {
    match x.abs() {
        a if !a.is_finite() => "-".to_owned(),
        a if a >= 100.0 => format!("{x:.0}"),
        a if a >= 10.0 => format!("{x:.1}"),
        a if a >= 1.0 => format!("{x:.2}"),
        _ => format!("{x:.3}"),
    }
}
