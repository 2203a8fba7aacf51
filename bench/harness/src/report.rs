//! The figures of a run, as a table for people and one JSON line for scripts.

use std::fmt::Write;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::Counts;

/// Everything measured for one server. Times are medians or percentiles.
#[derive(Default)]
pub struct Figures {
    pub startup_p50_ms: f64,
    pub startup_p90_ms: f64,
    pub startup_cpu_ms: f64,
    pub idle_rss_mib: f64,
    pub add_note_p50_us: f64,
    pub add_note_p99_us: f64,
    pub get_note_p50_us: f64,
    pub get_note_p99_us: f64,
    pub pipelined_calls_per_s: f64,
    pub cpu_us_per_call: f64,
    pub peak_rss_mib: f64,
    pub resources_read_p50_us: f64,
}

pub struct Results {
    pub name: String,
    /// The index of the server whose figures this one's ratios refer to.
    pub base: usize,
    pub command: String,
    pub figures: Figures,
    /// Wrong or failed responses, servers that had to be killed.
    pub warnings: Vec<String>,
}

impl Results {
    pub fn new(name: &str, command: &str, base: usize) -> Self {
        Self {
            name: name.to_owned(),
            base,
            command: command.to_owned(),
            figures: Figures::default(),
            warnings: Vec::new(),
        }
    }

    /// Adds warnings, skipping repeats (rounds and segments repeat them).
    pub fn warn(&mut self, warnings: impl IntoIterator<Item = String>) {
        for warning in warnings {
            if !self.warnings.contains(&warning) {
                self.warnings.push(warning);
            }
        }
    }
}

pub struct Report {
    pub counts: Counts,
    pub quick: bool,
    pub elapsed: Duration,
    /// The first is the baseline.
    pub results: Vec<Results>,
}

struct Metric {
    /// JSON key; its suffix is the unit.
    key: &'static str,
    label: &'static str,
    value: fn(&Figures) -> f64,
}

const METRICS: &[Metric] = &[
    Metric {
        key: "startup_p50_ms",
        label: "spawn -> initialize p50 (ms)",
        value: |f| f.startup_p50_ms,
    },
    Metric {
        key: "startup_p90_ms",
        label: "spawn -> initialize p90 (ms)",
        value: |f| f.startup_p90_ms,
    },
    Metric {
        key: "startup_cpu_ms",
        label: "CPU to start, initialize, exit (ms)",
        value: |f| f.startup_cpu_ms,
    },
    Metric {
        key: "add_note_p50_us",
        label: "add_note round trip p50 (µs)",
        value: |f| f.add_note_p50_us,
    },
    Metric {
        key: "add_note_p99_us",
        label: "add_note round trip p99 (µs)",
        value: |f| f.add_note_p99_us,
    },
    Metric {
        key: "get_note_p50_us",
        label: "get_note round trip p50 (µs)",
        value: |f| f.get_note_p50_us,
    },
    Metric {
        key: "get_note_p99_us",
        label: "get_note round trip p99 (µs)",
        value: |f| f.get_note_p99_us,
    },
    Metric {
        key: "pipelined_calls_per_s",
        label: "pipelined throughput (calls/s)",
        value: |f| f.pipelined_calls_per_s,
    },
    Metric {
        key: "cpu_us_per_call",
        label: "server CPU per call (µs)",
        value: |f| f.cpu_us_per_call,
    },
    Metric {
        key: "resources_read_p50_us",
        label: "resources/read p50 (µs)",
        value: |f| f.resources_read_p50_us,
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

const LABEL_WIDTH: usize = 36;
const COLUMN_WIDTH: usize = 20;

impl Report {
    /// The figures that `result`'s ratios refer to.
    fn base(&self, result: &Results) -> &Figures {
        &self.results[result.base].figures
    }

    pub fn table(&self) -> String {
        let c = &self.counts;
        let mut out = String::new();
        let mode = if self.quick { "quick" } else { "full" };
        let _ = writeln!(
            out,
            "mcpbench ({mode}, {:.1} s): {} spawns, {} sequential calls, {} x {} pipelined calls, \
             resources/read with {} notes x {} reads",
            self.elapsed.as_secs_f64(),
            c.spawns,
            c.calls,
            c.rounds,
            c.pipelined,
            c.notes,
            c.reads,
        );
        let _ = write!(out, "\n{:LABEL_WIDTH$}", "");
        for result in &self.results {
            let _ = write!(out, "{:>COLUMN_WIDTH$}", result.name);
        }
        out.push('\n');
        for metric in METRICS {
            let _ = write!(out, "{:LABEL_WIDTH$}", metric.label);
            for (i, result) in self.results.iter().enumerate() {
                let value = (metric.value)(&result.figures);
                let ratio = if i == result.base {
                    String::new()
                } else {
                    format!("x{}", number(value / (metric.value)(self.base(result))))
                };
                let _ = write!(out, "{:>12} {ratio:>7}", number(value));
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\nxN = server / {} (first server); lower is better, except throughput.",
            self.results[0].name
        );
        for result in &self.results {
            if result.base != 0 {
                let base = &self.results[result.base].name;
                let _ = writeln!(out, "{}: xN = {} / {base}.", result.name, result.name);
            }
        }
        for result in &self.results {
            for warning in &result.warnings {
                let _ = writeln!(out, "warning: {}: {warning}", result.name);
            }
        }
        out
    }

    /// One line: counts, then per server its command, figures, ratios to the
    /// baseline and warnings. Non-finite numbers become null.
    pub fn json(&self) -> String {
        let c = &self.counts;
        let servers: Vec<Value> = self
            .results
            .iter()
            .map(|result| {
                let mut figures = Map::new();
                let mut ratios = Map::new();
                for metric in METRICS {
                    let value = (metric.value)(&result.figures);
                    let ratio = value / (metric.value)(self.base(result));
                    figures.insert(metric.key.into(), json!(round(value)));
                    ratios.insert(metric.key.into(), json!(round(ratio)));
                }
                json!({
                    "name": result.name,
                    "command": result.command,
                    "baseline": self.results[result.base].name,
                    "figures": figures,
                    "ratios": ratios,
                    "warnings": result.warnings,
                })
            })
            .collect();
        json!({
            "mcpbench": env!("CARGO_PKG_VERSION"),
            "quick": self.quick,
            "elapsed_s": round(self.elapsed.as_secs_f64()),
            "counts": {
                "spawns": c.spawns,
                "calls": c.calls,
                "pipelined": c.pipelined,
                "rounds": c.rounds,
                "notes": c.notes,
                "reads": c.reads,
            },
            "baseline": self.results[0].name,
            "servers": servers,
        })
        .to_string()
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// About three significant digits, without going to exponents.
fn number(x: f64) -> String {
    match x.abs() {
        a if !a.is_finite() => "-".to_owned(),
        a if a >= 100.0 => format!("{x:.0}"),
        a if a >= 10.0 => format!("{x:.1}"),
        a if a >= 1.0 => format!("{x:.2}"),
        _ => format!("{x:.3}"),
    }
}
