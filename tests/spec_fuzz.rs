//! A sample of the hostile specs that `src/spec_fuzz.rs` fuzzes in-process,
//! run through the real `mcpgen new`: every spec either succeeds or fails
//! cleanly (exit code 1, diagnostics on stderr, no panic) and writes
//! nothing. Also: alias bombs stay small under a memory limit, and specs
//! that are not UTF-8 are invalid specs like any other.

mod common;

#[path = "../src/spec_fuzz/hostile.rs"]
mod hostile;

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    time::Instant,
};

use common::scratch;

fn mcpgen_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mcpgen"))
}

/// What a run must look like: success, or a clean failure that wrote nothing.
fn check_run(what: &str, output: &Output, out: &Path, json: bool) -> bool {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{what}: mcpgen panicked:\n{stderr}"
    );
    match code {
        Some(0) => {
            assert!(
                out.join("src/server.rs").exists(),
                "{what}: nothing written"
            );
            true
        }
        Some(1) => {
            assert!(
                !out.exists(),
                "{what}: an invalid spec wrote {}",
                out.display()
            );
            if json {
                let mut errors = 0;
                for line in stderr.lines() {
                    let diagnostic: serde_json::Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {line}"));
                    assert!(diagnostic["message"].is_string(), "{what}: {line}");
                    errors += usize::from(diagnostic["severity"] == "error");
                }
                assert!(
                    errors > 0,
                    "{what}: exit code 1 without an error:\n{stderr}"
                );
            } else {
                assert!(
                    stderr.contains("error: "),
                    "{what}: exit code 1 without an error:\n{stderr}"
                );
            }
            false
        }
        _ => panic!("{what}: exit code {code:?} (1 for an invalid spec):\n{stderr}"),
    }
}

/// Writes `spec` and runs `mcpgen new` on it into a directory that does
/// not exist yet.
fn new(dir: &Path, name: &str, spec: &[u8], json: bool) -> (Output, PathBuf) {
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, spec).unwrap();
    let out = dir.join(format!("{name}-out"));
    let mut command = Command::new(mcpgen_binary());
    if json {
        command.args(["--message-format", "json"]);
    }
    let output = command
        .arg("new")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("mcpgen runs");
    (output, out)
}

#[test]
fn a_sample_of_hostile_specs_fails_cleanly_through_the_command_line() {
    let seed = hostile::seed_from_env();
    // Every 40th case of the in-process run, and one 10 MB spec.
    let mut cases: Vec<u64> = (0..10_000).step_by(40).collect();
    cases.push(1_234);
    eprintln!(
        "spec fuzz (command line): seed {seed:#x}, {} cases",
        cases.len()
    );
    let started = Instant::now();
    let dir = scratch();
    let valid = std::thread::scope(|scope| {
        let workers: Vec<_> = [0, 1]
            .into_iter()
            .map(|worker| {
                let (cases, dir) = (&cases, dir.path());
                scope.spawn(move || {
                    let mut valid = 0;
                    for &case in cases.iter().skip(worker).step_by(2) {
                        let (spec, kind) = hostile::spec(seed, case);
                        let json = case % 3 == 0;
                        let (output, out) = new(dir, &case.to_string(), spec.as_bytes(), json);
                        let what = format!("case {case} ({kind}, seed {seed:#x})");
                        valid += usize::from(check_run(&what, &output, &out, json));
                    }
                    valid
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker"))
            .sum::<usize>()
    });
    eprintln!(
        "spec fuzz (command line): {} specs in {:.1} s, {valid} valid",
        cases.len(),
        started.elapsed().as_secs_f32()
    );
    assert!(valid > 0, "the sample holds valid specs too");
}

#[test]
fn specs_that_are_not_utf8_are_invalid_specs() {
    let dir = scratch();
    let valid = hostile::CORPUS[0].as_bytes();
    let mut cases: Vec<Vec<u8>> = vec![
        b"\xff\xfe".to_vec(),
        b"mcpgen: 1\nserver: {name: \xc3, version: 0.1.0}\n".to_vec(),
        [valid, b"\xe2\x82"].concat(),
        [b"\xef\xbb\xbf".as_slice(), valid, b"\x80"].concat(),
    ];
    // UTF-16, as some editors save.
    let utf16: Vec<u8> = "mcpgen: 1\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    cases.push([b"\xff\xfe".as_slice(), &utf16].concat());
    for (i, spec) in cases.iter().enumerate() {
        for json in [false, true] {
            let (output, out) = new(dir.path(), &format!("bytes{i}-{json}"), spec, json);
            let what = format!("non-UTF-8 spec {i}");
            assert!(!check_run(&what, &output, &out, json), "{what} is valid");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("UTF-8"), "{what}:\n{stderr}");
        }
    }
}

/// Runs `mcpgen check` with at most `megabytes` of address space.
fn check_within(spec: &Path, megabytes: usize) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {} && exec \"$0\" check \"$1\"",
            megabytes * 1024
        ))
        .arg(mcpgen_binary())
        .arg(spec)
        .output()
        .expect("sh runs")
}

#[test]
fn alias_bombs_are_refused_within_a_small_memory_limit() {
    let dir = scratch();
    let head = "mcpgen: 1\nserver: {name: bomb, version: 0.1.0}\n";
    let mut laughs = format!("{head}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=12 {
        let refs = vec![format!("*l{}", level - 1); 9].join(", ");
        laughs += &format!("l{level}: &l{level} [{refs}]\n");
    }
    laughs += "tools: *l12\n";
    // 25 KB that expand to 25 million values, under serde_yaml's own limit.
    let quadratic = format!(
        "{head}a: &a [{}]\ntools: [{}]\n",
        vec!["x"; 5_000].join(","),
        vec!["*a"; 5_000].join(",")
    );
    let mut merges = format!("{head}m0: &m0 {{name: t, description: d}}\n");
    for level in 1..=30 {
        let refs = vec![format!("*m{}", level - 1); 8].join(", ");
        merges += &format!("m{level}: &m{level}\n  <<: [{refs}]\n  k{level}: v\n");
    }
    merges += "tools:\n  - <<: *m30\n";
    for (name, spec) in [
        ("laughs", laughs),
        ("quadratic", quadratic),
        ("merges", merges),
    ] {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, spec).unwrap();
        let output = check_within(&path, 512);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}:\n{stderr}");
        assert!(
            stderr.contains("aliases expanded") || stderr.contains("repetition limit"),
            "{name}:\n{stderr}"
        );
    }
}
