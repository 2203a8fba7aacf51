//! mcpbench: benchmarks MCP stdio servers over real pipes (see bench/README.md).

mod report;
mod session;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use std::{env, fs, io};

use serde_json::{json, Value};

use report::{Figures, Report, Results};
use session::{tool_text, Session, FIRST_CALL_ID, INITIALIZE, INIT_ID};

pub type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

const USAGE: &str = "\
usage: mcpbench --server NAME=CMD [--server NAME=CMD ...] [--quick] [options]

Benchmarks MCP stdio servers over real pipes. The first server named is the
baseline (the floor) that ratios refer to, except for a server given another
with `--against NAME=BASE` (e.g. a SQLite server against a SQLite floor).
CMD is split on whitespace.
Each `{tmp}` in it becomes a fresh empty directory per server process, e.g.
  --server gen=\"target/release/notes-server --db {tmp}/notes.db\"
(the spawn phase shares one directory across a server's spawns, so after the
warm-up spawns a database already exists, as in normal use).

options, with defaults as full / --quick:
  --against NAME=BASE  the server NAME's ratios refer to the server BASE
  --spawns N      spawns timed to the initialize response      [200 / 50]
  --calls N       sequential tools/call round trips            [5000 / 2000]
  --pipelined N   tools/call requests per pipelined burst      [20000 / 5000]
  --rounds N      pipelined bursts per server, fresh processes [7 / 7]
  --notes N       notes added before timing resources/read     [1000 / 1000]
  --reads N       timed resources/read calls                   [200 / 100]

The table goes to stdout, then one line of JSON; progress goes to stderr.";

#[derive(Clone, Copy)]
struct Counts {
    spawns: usize,
    calls: usize,
    pipelined: usize,
    rounds: usize,
    notes: usize,
    reads: usize,
}

const FULL: Counts = Counts {
    spawns: 200,
    calls: 5_000,
    pipelined: 20_000,
    rounds: 7,
    notes: 1_000,
    reads: 200,
};

const QUICK: Counts = Counts {
    spawns: 50,
    calls: 2_000,
    pipelined: 5_000,
    rounds: 7,
    notes: 1_000,
    reads: 100,
};

/// Untimed warm-up before each measurement (page cache, allocator, lazily
/// prepared statements).
const WARMUP_SPAWNS: usize = 3;
const WARMUP_CALLS: usize = 50;
const WARMUP_READS: usize = 10;

/// Fresh processes per server that share the sequential calls.
const SEGMENTS: usize = 20;

impl Counts {
    fn field(&mut self, flag: &str) -> Option<&mut usize> {
        Some(match flag {
            "--spawns" => &mut self.spawns,
            "--calls" => &mut self.calls,
            "--pipelined" => &mut self.pipelined,
            "--rounds" => &mut self.rounds,
            "--notes" => &mut self.notes,
            "--reads" => &mut self.reads,
            _ => return None,
        })
    }
}

struct Server {
    name: String,
    command: String,
}

impl Server {
    fn argv(&self, tmp: &Path) -> Vec<String> {
        let tmp = tmp.to_string_lossy();
        let words = self.command.split_whitespace();
        words.map(|word| word.replace("{tmp}", &tmp)).collect()
    }
}

struct Config {
    servers: Vec<Server>,
    /// For each server, the index of the server its ratios refer to.
    bases: Vec<usize>,
    counts: Counts,
    quick: bool,
}

fn main() -> ExitCode {
    let config = match parse_args(env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mcpbench: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&config) {
        Ok(report) => {
            print!("{}", report.table());
            println!("{}", report.json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mcpbench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `Ok(None)` means help was asked for.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Config>> {
    let mut servers = Vec::new();
    let mut against = Vec::new();
    let mut quick = false;
    let mut overrides = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
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
                        .filter(|(name, command)| !name.is_empty() && !command.trim().is_empty())
                        .ok_or_else(|| format!("--server wants NAME=CMD, got {value:?}"))?;
                    servers.push(Server {
                        name: name.to_owned(),
                        command: command.to_owned(),
                    });
                } else if flag == "--against" {
                    let (name, base) = value
                        .split_once('=')
                        .ok_or_else(|| format!("--against wants NAME=BASE, got {value:?}"))?;
                    against.push((name.to_owned(), base.to_owned()));
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
    let index = |name: &str| {
        servers
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| format!("--against names {name:?}, which no --server is"))
    };
    let mut bases = vec![0; servers.len()];
    for (name, base) in &against {
        bases[index(name)?] = index(base)?;
    }
    let mut counts = if quick { QUICK } else { FULL };
    for (flag, n) in overrides {
        *counts
            .field(&flag)
            .ok_or_else(|| format!("unknown option {flag}"))? = n;
    }
    let Counts {
        spawns,
        calls,
        pipelined,
        rounds,
        notes,
        reads,
    } = counts;
    if spawns == 0 || calls < 2 || pipelined < 2 || rounds == 0 || notes == 0 || reads == 0 {
        return Err("--calls and --pipelined must be at least 2, other counts at least 1".into());
    }
    Ok(Some(Config {
        servers,
        bases,
        counts,
        quick,
    }))
}

fn run(config: &Config) -> Result<Report> {
    let started = Instant::now();
    let Config {
        servers, counts: c, ..
    } = config;
    // Makes note names unique across runs, for servers that persist them.
    let run_id = format!("b{:x}", since_epoch().as_millis());
    let mut results: Vec<Results> = servers
        .iter()
        .zip(&config.bases)
        .map(|(s, &base)| Results::new(&s.name, &s.command, base))
        .collect();

    eprintln!(
        "[1/4] spawn -> initialize: {} spawns per server, round-robin",
        c.spawns
    );
    startup_phase(servers, c.spawns, &mut results)?;

    eprintln!(
        "[2/4] sequential tools/call: {} round trips per server",
        c.calls
    );
    sequential_phase(servers, c.calls, &format!("{run_id}-s"), &mut results)?;

    eprintln!(
        "[3/4] pipelined tools/call: {} rounds of {} calls",
        c.rounds, c.pipelined
    );
    let mut bursts: Vec<Vec<BurstSample>> = servers.iter().map(|_| Vec::new()).collect();
    for round in 0..c.rounds {
        let tag = format!("{run_id}-p{round}");
        for k in turns(servers.len(), round) {
            let (server, result) = (&servers[k], &mut results[k]);
            let (sample, warnings) =
                context(server, "pipelined", burst(server, c.pipelined, &tag))?;
            bursts[k].push(sample);
            result.warn(warnings);
        }
    }
    for (result, samples) in results.iter_mut().zip(bursts) {
        summarize_bursts(&samples, c.pipelined, &mut result.figures);
    }

    eprintln!(
        "[4/4] resources/read: {} reads with {} notes",
        c.reads, c.notes
    );
    resources_phase(
        servers,
        c.notes,
        c.reads,
        &format!("{run_id}-r"),
        &mut results,
    )?;

    Ok(Report {
        counts: *c,
        quick: config.quick,
        elapsed: started.elapsed(),
        results,
    })
}

fn context<T>(server: &Server, phase: &str, result: Result<T>) -> Result<T> {
    result.map_err(|e| format!("{}: {phase}: {e}", server.name).into())
}

struct SpawnSample {
    latency: Duration,
    cpu: Duration,
    rss_kib: Option<u64>,
    killed: bool,
}

/// Spawn, send `initialize`, time until its response arrives; then close
/// stdin and reap the process. Servers take turns so that machine noise hits
/// them alike.
fn startup_phase(servers: &[Server], spawns: usize, results: &mut [Results]) -> Result<()> {
    let dirs = temp_dirs(servers.len())?;
    let mut samples: Vec<Vec<SpawnSample>> = servers.iter().map(|_| Vec::new()).collect();
    for round in 0..WARMUP_SPAWNS + spawns {
        for k in turns(servers.len(), round) {
            let server = &servers[k];
            let sample = spawn_once(&server.argv(dirs[k].path()));
            let sample = context(server, "spawn", sample)?;
            if round >= WARMUP_SPAWNS {
                samples[k].push(sample);
            }
        }
    }
    for (samples, result) in samples.into_iter().zip(results) {
        let mut latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
        latencies.sort_unstable();
        let figures = &mut result.figures;
        figures.startup_p50_ms = ms(percentile(&latencies, 50.0));
        figures.startup_p90_ms = ms(percentile(&latencies, 90.0));
        figures.startup_cpu_ms = median(samples.iter().map(|s| ms(s.cpu)).collect());
        let rss = samples.iter().filter_map(|s| s.rss_kib);
        figures.idle_rss_mib = median(rss.map(mib).collect());
        let killed = samples.iter().filter(|s| s.killed).count();
        if killed > 0 {
            let warning = format!(
                "spawn: {killed} of {spawns} processes ignored EOF on stdin and were killed"
            );
            result.warn([warning]);
        }
    }
    Ok(())
}

fn spawn_once(argv: &[String]) -> Result<SpawnSample> {
    let start = Instant::now();
    let mut session = Session::spawn(argv)?;
    session.send(INITIALIZE)?;
    // Sleeps while waiting: exec and start-up take far longer than a wake-up,
    // and a spinning harness would compete with them for a CPU.
    let (reply, arrived) = session.recv(INIT_ID, Duration::ZERO)?;
    if reply.get("result").is_none() {
        return Err(format!("initialize failed: {reply}").into());
    }
    let rss_kib = session.peak_rss_kib();
    let exit = session.finish()?;
    Ok(SpawnSample {
        latency: arrived - start,
        cpu: exit.cpu,
        rss_kib,
        killed: exit.killed,
    })
}

/// One request at a time: add_note of a new note, then get_note of it, each
/// timed from write to response. The calls are split over [`SEGMENTS`] fresh
/// processes per server, the servers taking turns segment by segment, so
/// that neither the CPUs one process happened to land on nor a burst of
/// machine noise decides a server's figures.
fn sequential_phase(
    servers: &[Server],
    calls: usize,
    tag: &str,
    results: &mut [Results],
) -> Result<()> {
    let pairs = calls / 2;
    let segments = SEGMENTS.min(pairs);
    let mut samples: Vec<SequentialSamples> = servers
        .iter()
        .map(|_| SequentialSamples::new(pairs))
        .collect();
    for segment in 0..segments {
        let notes = segment * pairs / segments..(segment + 1) * pairs / segments;
        for k in turns(servers.len(), segment) {
            let run = samples[k].segment(&servers[k], notes.clone(), tag);
            context(&servers[k], "sequential", run)?;
        }
    }
    for (samples, result) in samples.into_iter().zip(results) {
        let SequentialSamples {
            mut add_times,
            mut get_times,
            adds,
            gets,
            killed,
        } = samples;
        add_times.sort_unstable();
        get_times.sort_unstable();
        let figures = &mut result.figures;
        figures.add_note_p50_us = us(percentile(&add_times, 50.0));
        figures.add_note_p99_us = us(percentile(&add_times, 99.0));
        figures.get_note_p50_us = us(percentile(&get_times, 50.0));
        figures.get_note_p99_us = us(percentile(&get_times, 99.0));
        let warnings = [
            adds.warning(),
            gets.warning(),
            killed_warning("sequential", killed),
        ];
        result.warn(warnings.into_iter().flatten());
    }
    Ok(())
}

/// One server's samples in the sequential phase.
struct SequentialSamples {
    add_times: Vec<Duration>,
    get_times: Vec<Duration>,
    adds: Check,
    gets: Check,
    killed: bool,
}

impl SequentialSamples {
    fn new(pairs: usize) -> Self {
        Self {
            add_times: Vec::with_capacity(pairs),
            get_times: Vec::with_capacity(pairs),
            adds: Check::new("add_note"),
            gets: Check::new("get_note"),
            killed: false,
        }
    }

    /// A fresh process: handshake, untimed warm-up, then add_note and
    /// get_note (which must return the content) of each note in `notes`.
    fn segment(&mut self, server: &Server, notes: Range<usize>, tag: &str) -> Result<()> {
        let tmp = TempDir::new()?;
        let mut session = open(server, &tmp)?;
        let mut id = FIRST_CALL_ID;
        for _ in 0..WARMUP_CALLS {
            session.call(id, &get_note(id, &format!("{tag}-missing")))?;
            id += 1;
        }
        for i in notes {
            let (name, content) = (format!("{tag}{i}"), note_content(i));
            let (add, get) = (add_note(id, &name, &content), get_note(id + 1, &name));
            let (reply, took) = session.call(id, &add)?;
            self.add_times.push(took);
            self.adds.record(tool_text(&reply).map(drop));
            let (reply, took) = session.call(id + 1, &get)?;
            self.get_times.push(took);
            let text = tool_text(&reply);
            self.gets
                .record(text.and_then(|text| expect_eq(text, &content)));
            id += 2;
        }
        self.killed |= session.finish()?.killed;
        Ok(())
    }
}

struct BurstSample {
    calls_per_s: f64,
    cpu: Duration,
    rss_kib: Option<u64>,
}

/// A fresh process gets `calls` pipelined tools/call requests (add_note and
/// get_note alternating, new names) while a reader collects the responses.
fn burst(server: &Server, calls: usize, tag: &str) -> Result<(BurstSample, Vec<String>)> {
    let payload: String = (0..calls)
        .map(|i| {
            let id = FIRST_CALL_ID + i as u64;
            let name = format!("{tag}-{}", i / 2);
            if i.is_multiple_of(2) {
                add_note(id, &name, &note_content(i / 2))
            } else {
                get_note(id, &name)
            }
        })
        .collect();
    let tmp = TempDir::new()?;
    let mut session = open(server, &tmp)?;
    let burst = session.burst(payload.as_bytes(), FIRST_CALL_ID, calls)?;
    // All responses are in, so the memory high-water mark is final.
    let rss_kib = session.peak_rss_kib();
    let exit = session.finish()?;
    let mut warnings: Vec<String> = killed_warning("pipelined", exit.killed)
        .into_iter()
        .collect();
    if let Some(first) = burst.first_error {
        warnings.push(format!(
            "{} of {calls} pipelined calls failed, first: {first}",
            burst.errors
        ));
    }
    let sample = BurstSample {
        calls_per_s: calls as f64 / burst.elapsed.as_secs_f64(),
        cpu: exit.cpu,
        rss_kib,
    };
    Ok((sample, warnings))
}

/// CPU per call: the whole burst process's CPU (wait4) minus the median CPU
/// of a process that only started, initialized and exited, over the calls.
fn summarize_bursts(samples: &[BurstSample], calls: usize, figures: &mut Figures) {
    figures.pipelined_calls_per_s = median(samples.iter().map(|s| s.calls_per_s).collect());
    let cpu_ms = median(samples.iter().map(|s| ms(s.cpu)).collect());
    figures.cpu_us_per_call = ((cpu_ms - figures.startup_cpu_ms) * 1e3 / calls as f64).max(0.0);
    let peak = samples.iter().filter_map(|s| s.rss_kib).max();
    figures.peak_rss_mib = peak.map_or(f64::NAN, mib);
}

/// Each server gets `notes` notes (pipelined, untimed); then
/// `resources/read notes://all` is timed, the servers taking turns read by read.
fn resources_phase(
    servers: &[Server],
    notes: usize,
    reads: usize,
    tag: &str,
    results: &mut [Results],
) -> Result<()> {
    const PHASE: &str = "resources/read";
    let adds: String = (0..notes)
        .map(|i| {
            add_note(
                FIRST_CALL_ID + i as u64,
                &format!("{tag}{i}"),
                &note_content(i),
            )
        })
        .collect();
    let last = notes - 1;
    let expected = format!("## {tag}{last}\n{}", note_content(last));
    let dirs = temp_dirs(servers.len())?;
    let mut sessions = Vec::with_capacity(servers.len());
    for ((server, dir), result) in servers.iter().zip(&dirs).zip(results.iter_mut()) {
        let mut session = context(server, PHASE, open(server, dir))?;
        let added = session.burst(adds.as_bytes(), FIRST_CALL_ID, notes);
        let added = context(server, PHASE, added)?;
        if let Some(first) = added.first_error {
            let warning = format!(
                "{} of {notes} add_note calls failed, first: {first}",
                added.errors
            );
            result.warn([warning]);
        }
        sessions.push(session);
    }
    let mut times: Vec<Vec<Duration>> = servers.iter().map(|_| Vec::new()).collect();
    for round in 0..WARMUP_READS + reads {
        let id = FIRST_CALL_ID + (notes + round) as u64;
        let line = read_notes(id);
        for k in turns(servers.len(), round) {
            let (server, result) = (&servers[k], &mut results[k]);
            let (reply, took) = context(server, PHASE, sessions[k].call(id, &line))?;
            if round == 0 {
                let text = reply
                    .pointer("/result/contents/0/text")
                    .and_then(Value::as_str);
                if !text.is_some_and(|text| text.contains(&expected)) {
                    let warning = format!("{PHASE}: no {expected:?} section in {reply}");
                    result.warn([warning]);
                }
            }
            if round >= WARMUP_READS {
                times[k].push(took);
            }
        }
    }
    let lanes = servers.iter().zip(sessions).zip(times).zip(results);
    for (((server, session), mut times), result) in lanes {
        let exit = context(server, PHASE, session.finish())?;
        times.sort_unstable();
        result.figures.resources_read_p50_us = us(percentile(&times, 50.0));
        result.warn(killed_warning(PHASE, exit.killed));
    }
    Ok(())
}

/// Spawns a server with `{tmp}` set to `dir` and does the MCP handshake.
fn open(server: &Server, dir: &TempDir) -> Result<Session> {
    let mut session = Session::spawn(&server.argv(dir.path()))?;
    session.initialize()?;
    Ok(session)
}

/// The order in which `n` servers take their turns in `round`: reversed
/// every other round, so that none always goes first.
fn turns(n: usize, round: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| {
        if round.is_multiple_of(2) {
            k
        } else {
            n - 1 - k
        }
    })
}

fn request(id: u64, method: &str, params: Value) -> String {
    let message = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
    message.to_string() + "\n"
}

fn add_note(id: u64, name: &str, content: &str) -> String {
    let arguments = json!({ "name": name, "content": content });
    request(
        id,
        "tools/call",
        json!({ "name": "add_note", "arguments": arguments }),
    )
}

fn get_note(id: u64, name: &str) -> String {
    let arguments = json!({ "name": name });
    request(
        id,
        "tools/call",
        json!({ "name": "get_note", "arguments": arguments }),
    )
}

fn read_notes(id: u64) -> String {
    request(id, "resources/read", json!({ "uri": "notes://all" }))
}

fn note_content(i: usize) -> String {
    format!("Note {i}: the quick brown fox jumps over the lazy dog.")
}

fn expect_eq(got: &str, expected: &str) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("expected {expected:?}, got {got:?}"))
    }
}

fn killed_warning(phase: &str, killed: bool) -> Option<String> {
    killed.then(|| format!("{phase}: server ignored EOF on stdin and was killed"))
}

/// Counts responses that break the notes semantics, keeping the first.
struct Check {
    what: &'static str,
    total: usize,
    failed: usize,
    first: Option<String>,
}

impl Check {
    fn new(what: &'static str) -> Self {
        Self {
            what,
            total: 0,
            failed: 0,
            first: None,
        }
    }

    fn record(&mut self, outcome: Result<(), String>) {
        self.total += 1;
        if let Err(e) = outcome {
            self.failed += 1;
            self.first.get_or_insert(e);
        }
    }

    fn warning(self) -> Option<String> {
        let Self {
            what,
            total,
            failed,
            first,
        } = self;
        first.map(|first| format!("{what}: {failed} of {total} responses wrong, first: {first}"))
    }
}

/// A fresh empty directory, removed with its contents on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> io::Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = env::temp_dir().join(format!("mcpbench-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path); // left over by a crashed run with our pid
        fs::create_dir(&path)?;
        Ok(Self(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

fn temp_dirs(n: usize) -> io::Result<Vec<TempDir>> {
    (0..n).map(|_| TempDir::new()).collect()
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Nearest-rank percentile of sorted, non-empty samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Median (mean of the middle two for an even count); NaN if empty.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
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

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}
