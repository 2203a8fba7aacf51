//! Fuzzes the spec pipeline in-process: 10,000 hostile specs through
//! parse → validate → (source map and diagnostics) → model → render, the
//! stages `mcpgen new` runs, each under `catch_unwind`. No spec may panic,
//! an unusable spec must get at least one error, and a usable one must
//! build a model and render. One in twenty is also read with a byte that is
//! not UTF-8 in it.
//!
//! The cases come from a seeded generator (`spec_fuzz/hostile.rs`):
//! `MCPGEN_FUZZ_SEED` picks another seed, `MCPGEN_FUZZ_CASES` another count,
//! `MCPGEN_FUZZ_CASE` runs one case alone, and `MCPGEN_FUZZ_DUMP=DIR` writes
//! each case to `DIR/CASE.yaml`. `tests/spec_fuzz.rs` runs a
//! sample of the same cases through the real command line.

mod hostile;

use std::{
    collections::HashMap,
    panic::{self, AssertUnwindSafe},
    time::{Duration, Instant},
};

use crate::{model, parse, render, source_map::SourceMap, validate};

/// What one spec did.
#[derive(Debug, Default)]
struct Outcome {
    valid: bool,
    rendered: bool,
}

/// Runs one spec through every stage, as `mcpgen new` would, short of
/// reading files and writing the crate.
fn run(source: &str, render_it: bool) -> Outcome {
    let parsed = parse::parse(source);
    let mut diagnostics = parsed.errors;
    let mut valid = None;
    if let Some(spec) = &parsed.spec {
        let validated = validate::validate(spec);
        diagnostics.extend(validated.diagnostics);
        valid = validated.valid;
    }
    let map = SourceMap::new(source);
    for diagnostic in &diagnostics {
        let shown = diagnostic.render("spec.yaml", source, &map, true);
        assert!(!shown.is_empty());
        let json = diagnostic.to_json("spec.yaml", &map);
        assert!(json.get("message").is_some(), "{json}");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut outcome = Outcome::default();
    if parsed.spec.is_none() {
        assert!(errors > 0, "parsing gave no spec and no error");
        return outcome;
    }
    if errors > 0 {
        return outcome;
    }
    let valid = valid.expect("a spec without errors is valid");
    outcome.valid = true;
    // The command line reads these files; any content will do here.
    let files: HashMap<String, Vec<u8>> = valid
        .spec
        .resources
        .iter()
        .filter_map(|r| r.file.clone())
        .map(|file| (file, b"\x00\xffcontent".to_vec()))
        .collect();
    let model = model::build(&valid, "spec.yaml", &files);
    if render_it {
        let rendered = render::render(&model, None)
            .unwrap_or_else(|error| panic!("a valid spec failed to render: {error}"));
        assert!(rendered.iter().any(|file| file.path == "src/server.rs"));
        outcome.rendered = true;
    }
    outcome
}

/// `source` with a byte that is not UTF-8 at `at`: parsing must refuse it
/// with an error that renders, as the command line shows it.
fn run_bytes(source: &str, at: usize) {
    let mut bytes = source.as_bytes().to_vec();
    bytes.insert(at.min(bytes.len()), 0xff);
    let parsed = parse::parse_bytes(&bytes);
    assert!(parsed.spec.is_none() && parsed.errors.iter().any(|d| d.is_error()));
    let text = String::from_utf8_lossy(&bytes);
    let map = SourceMap::new(&text);
    for diagnostic in &parsed.errors {
        assert!(
            !diagnostic
                .render("spec.yaml", &text, &map, false)
                .is_empty()
        );
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// What one worker found.
#[derive(Default)]
struct Tally {
    failures: Vec<String>,
    by_kind: HashMap<&'static str, (usize, usize, Duration)>,
    valid: usize,
    rendered: usize,
    slowest: (Duration, u64, &'static str),
}

/// Runs every case `i` of `cases` with `i % workers == worker`.
fn work(seed: u64, cases: u64, only: Option<u64>, worker: u64, workers: u64) -> Tally {
    let mut tally = Tally::default();
    for case in (worker..cases).step_by(workers as usize) {
        if only.is_some_and(|only| only != case) {
            continue;
        }
        let (source, kind) = hostile::spec(seed, case);
        if let Some(dir) = std::env::var_os("MCPGEN_FUZZ_DUMP") {
            let _ = std::fs::write(
                std::path::Path::new(&dir).join(format!("{case}.yaml")),
                &source,
            );
        }
        // Rendering runs rustfmt four times, so only a sample of the valid
        // specs is rendered; the model is built for every one.
        let render_it = (tally.rendered < 8 || case % 500 < 2) && source.len() < 1 << 20;
        let one = Instant::now();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            if case % 20 == 3 {
                run_bytes(&source, (case as usize * 7_919) % (source.len() + 1));
            }
            run(&source, render_it)
        }));
        let took = one.elapsed();
        let keep = || {
            let kept = std::env::temp_dir().join(format!("mcpgen-fuzz-{seed:x}-{case}.yaml"));
            let _ = std::fs::write(&kept, &source);
            kept
        };
        if took > Duration::from_secs(5) {
            eprintln!(
                "spec fuzz: case {case} ({kind}, kept in {}) took {} ms",
                keep().display(),
                took.as_millis()
            );
        }
        if took > tally.slowest.0 {
            tally.slowest = (took, case, kind);
        }
        let counts = tally.by_kind.entry(kind).or_default();
        counts.0 += 1;
        counts.2 += took;
        match result {
            Ok(outcome) => {
                tally.valid += usize::from(outcome.valid);
                tally.rendered += usize::from(outcome.rendered);
                counts.1 += usize::from(outcome.valid);
            }
            Err(payload) => tally.failures.push(format!(
                "case {case} ({kind}, kept in {}): {}",
                keep().display(),
                panic_message(&*payload)
            )),
        }
    }
    tally
}

#[test]
fn ten_thousand_hostile_specs_never_panic() {
    let seed = hostile::seed_from_env();
    let cases = hostile::cases_from_env(10_000);
    let only: Option<u64> = std::env::var("MCPGEN_FUZZ_CASE")
        .ok()
        .and_then(|case| case.trim().parse().ok());
    eprintln!(
        "spec fuzz: seed {seed:#x}, {cases} cases (MCPGEN_FUZZ_SEED, MCPGEN_FUZZ_CASES, MCPGEN_FUZZ_CASE)"
    );
    let started = Instant::now();
    // Two workers, one per core of the CI machine; the cases do not depend
    // on how they are shared out.
    const WORKERS: u64 = 2;
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|worker| scope.spawn(move || work(seed, cases, only, worker, WORKERS)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a fuzz worker"))
            .collect()
    });
    let mut total = Tally::default();
    for tally in tallies {
        total.failures.extend(tally.failures);
        total.valid += tally.valid;
        total.rendered += tally.rendered;
        total.slowest = total.slowest.max(tally.slowest);
        for (kind, (count, valid, took)) in tally.by_kind {
            let counts = total.by_kind.entry(kind).or_default();
            counts.0 += count;
            counts.1 += valid;
            counts.2 += took;
        }
    }
    let mut kinds: Vec<_> = total.by_kind.into_iter().collect();
    kinds.sort();
    eprintln!(
        "spec fuzz: {cases} specs in {:.1} s; {} valid, {} rendered; slowest: case {} ({}) in {} ms",
        started.elapsed().as_secs_f32(),
        total.valid,
        total.rendered,
        total.slowest.1,
        total.slowest.2,
        total.slowest.0.as_millis()
    );
    for (kind, (count, valid, took)) in kinds {
        eprintln!(
            "  {kind:<14} {count:>6} cases, {valid:>5} valid, {:>6} ms",
            took.as_millis()
        );
    }
    assert!(
        total.failures.is_empty(),
        "{} of {cases} specs panicked (seed {seed:#x}; rerun one with MCPGEN_FUZZ_SEED={seed:#x} MCPGEN_FUZZ_CASE=N):\n{}",
        total.failures.len(),
        total.failures.join("\n")
    );
}
