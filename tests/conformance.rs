//! The official MCP conformance suite (npm `@modelcontextprotocol/conformance`)
//! against the everything server (specs/everything.yaml), generated, built
//! and served over streamable HTTP on 127.0.0.1: every server scenario the
//! suite lists, with no failed check.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    io::Write,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use common::{generated, scratch, serve_http, tool};
use serde_json::Value;

/// How long the whole suite may take; it needs a few seconds.
const SUITE_TIMEOUT: Duration = Duration::from_secs(180);

/// `node` of the suite's own Node 22, running the suite with `args`.
fn suite(prefix: &Path, args: &[&str]) -> Command {
    let bin = prefix.join("node_modules/node/bin");
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH joins");
    let mut command = Command::new(bin.join("node"));
    command
        .arg(prefix.join("node_modules/@modelcontextprotocol/conformance/dist/index.js"))
        .args(args)
        .env("PATH", path)
        .stdin(Stdio::null());
    command
}

/// The server scenarios that `conformance list --server` names.
fn server_scenarios(prefix: &Path) -> Vec<String> {
    let output = suite(prefix, &["list", "--server"])
        .output()
        .expect("the suite runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "conformance list failed:\n{stdout}"
    );
    stdout
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- "))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Passed, failed and warning checks of one scenario (the suite also
/// records `INFO` checks: the traffic it saw), and what failed or warned.
#[derive(Default)]
struct Outcome {
    passed: usize,
    failed: usize,
    warned: usize,
    failures: Vec<String>,
    warnings: Vec<String>,
}

#[test]
fn the_everything_server_passes_every_server_scenario_of_the_conformance_suite() {
    let prefix = tool("conformance");
    let scenarios = server_scenarios(prefix);
    assert!(
        scenarios.len() >= 32,
        "the suite lists only {} server scenarios: {scenarios:?}",
        scenarios.len()
    );

    let server = generated("everything.yaml", "everything-server");
    let mut http = serve_http(
        Command::new(&server.binary)
            .arg("--http")
            .arg("127.0.0.1:0"),
    );
    let url = format!("http://{}/mcp", http.addr);
    let out = scratch();
    let started = Instant::now();
    let mut run = suite(
        prefix,
        &[
            "server",
            "--url",
            &url,
            "--suite",
            "all",
            "-o",
            &out.path().to_string_lossy(),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("the suite starts");
    let stdout = run.stdout.take().expect("piped stdout");
    let stderr = run.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err_reader =
        std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    while run
        .try_wait()
        .expect("the suite can be waited for")
        .is_none()
    {
        if started.elapsed() > SUITE_TIMEOUT {
            let _ = run.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = run.wait();
    let elapsed = started.elapsed();
    let _ = http.child.kill();
    let _ = http.child.wait();
    let log = format!(
        "{}{}",
        reader.join().unwrap_or_default(),
        err_reader.join().unwrap_or_default()
    );
    assert!(
        elapsed <= SUITE_TIMEOUT,
        "the suite did not finish in {SUITE_TIMEOUT:?}:\n{log}"
    );

    // Each scenario leaves `server-<scenario>-<time>/checks.json`.
    let mut outcomes: BTreeMap<&str, Outcome> = BTreeMap::new();
    for entry in fs::read_dir(out.path()).expect("the suite wrote its results") {
        let dir = entry.expect("a results entry").path();
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Some(scenario) = scenarios.iter().find(|s| {
            name.strip_prefix("server-")
                .and_then(|rest| rest.strip_prefix(s.as_str()))
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|time| time.starts_with(|c: char| c.is_ascii_digit()))
        }) else {
            continue;
        };
        let text = fs::read_to_string(dir.join("checks.json")).expect("checks.json");
        let checks: Vec<Value> = serde_json::from_str(&text).expect("checks.json is JSON");
        let outcome = outcomes.entry(scenario).or_default();
        for check in &checks {
            let what = || {
                format!(
                    "{}: {}",
                    check["name"].as_str().unwrap_or("?"),
                    check["errorMessage"].as_str().unwrap_or("")
                )
            };
            match check["status"].as_str() {
                Some("SUCCESS") => outcome.passed += 1,
                Some("FAILURE") => {
                    outcome.failed += 1;
                    outcome.failures.push(what());
                }
                Some("WARNING") => {
                    outcome.warned += 1;
                    outcome.warnings.push(what());
                }
                _ => {}
            }
        }
    }

    let mut table = format!(
        "MCP conformance suite, {} server scenarios against the everything server ({:.1} s)\n",
        scenarios.len(),
        elapsed.as_secs_f64()
    );
    table.push_str(&format!(
        "{:<32} {:>6} {:>6} {:>6}\n",
        "scenario", "passed", "failed", "warned"
    ));
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    for scenario in &scenarios {
        match outcomes.get(scenario.as_str()) {
            Some(o) => {
                table.push_str(&format!(
                    "{:<32} {:>6} {:>6} {:>6}\n",
                    scenario, o.passed, o.failed, o.warned
                ));
                failures.extend(o.failures.iter().map(|f| format!("{scenario}: {f}")));
                warnings.extend(o.warnings.iter().map(|w| format!("{scenario}: {w}")));
            }
            None => {
                table.push_str(&format!("{scenario:<32} {:>6}\n", "no result"));
                missing.push(scenario.as_str());
            }
        }
    }
    let (passed, failed) = outcomes
        .values()
        .fold((0, 0), |(p, f), o| (p + o.passed, f + o.failed));
    table.push_str(&format!(
        "total: {passed} checks passed, {failed} failed, {} warned\n",
        warnings.len()
    ));
    for warning in &warnings {
        table.push_str(&format!("warning: {warning}\n"));
    }
    // Straight to the process's stderr, past the test harness's capture,
    // so that every run (CI's too) shows the table, not only a failing one.
    let _ = writeln!(std::io::stderr(), "{table}");

    assert!(
        missing.is_empty(),
        "scenarios without results: {missing:?}\n{table}\n{log}"
    );
    assert!(
        failures.is_empty(),
        "failed checks:\n{}\n\n{table}",
        failures.join("\n")
    );
    assert!(passed >= scenarios.len(), "too few checks passed:\n{table}");
}
