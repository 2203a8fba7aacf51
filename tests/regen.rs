//! Regenerating a crate as its spec changes, through the real CLI: spec
//! changes flow in, user code survives byte for byte, hand edits of
//! generated files are refused, Cargo.toml is merged, `stubs` appends what
//! the trait now needs, and `check --frozen` catches drift.
//!
//! Each test generates a crate with a server name of its own: the crates
//! share one target directory, where equal names would clobber binaries.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Output,
};

use common::{Server, generate, generated_target, mcpgen, scratch};
use serde_json::json;

/// A spec of three tools, to change in every way a spec changes.
const V1: &str = r#"mcpgen: 1
server:
  name: regen-test-server
  version: 0.1.0
  description: A server whose spec keeps changing.
tools:
  - name: echo
    description: Echo the text back.
    params:
      - name: text
        description: What to echo.
  - name: repeat
    description: Repeat the text.
    params:
      - name: text
        description: What to repeat.
      - name: times
        description: How many times, in digits.
  - name: shout
    description: Upper-case the text.
    params:
      - name: text
        description: What to shout.
"#;

/// V1, after months: a tool added, a description changed, a parameter's
/// type changed, a tool removed, and a prompt added.
fn v2(v1: String) -> String {
    v1.replace("version: 0.1.0", "version: 0.2.0")
        .replace("Echo the text back.", "Echo the text back, prefixed.")
        .replace(
            "        description: How many times, in digits.",
            "        type: integer\n        description: How many times.",
        )
        .replace(
            "  - name: shout\n    description: Upper-case the text.\n    params:\n      - name: text\n        description: What to shout.\n",
            "  - name: count\n    description: Count the words of the text.\n    params:\n      - name: text\n        description: What to count.\nprompts:\n  - name: greet\n    description: Greet someone.\n    arguments:\n      - name: who\n        description: Whom to greet.\n    messages:\n      - text: Say hello to {who}.\n",
        )
}

/// The user's src/handlers.rs for V1: a helper, and real bodies.
const HANDLERS: &str = r#"//! My handlers: every byte of this file is mine.

use crate::{Error, Handler, Settings};

pub struct App {
    prefix: String,
}

/// A helper of mine, that mcpgen knows nothing about.
fn decorate(prefix: &str, text: &str) -> String {
    format!("{prefix}{text}")
}

impl Handler for App {
    fn new(_settings: &Settings) -> Result<Self, Error> {
        Ok(Self {
            prefix: "echo: ".to_owned(),
        })
    }

    async fn echo(&self, text: String) -> Result<String, Error> {
        Ok(decorate(&self.prefix, &text))
    }

    async fn repeat(&self, text: String, times: String) -> Result<String, Error> {
        let times: usize = times.parse().map_err(|_| Error::invalid("times: digits only"))?;
        Ok(text.repeat(times))
    }

    async fn shout(&self, text: String) -> Result<String, Error> {
        Ok(text.to_uppercase())
    }
}
"#;

/// A spec and the crate generated from it, in a scratch directory.
struct Project {
    _dir: tempfile::TempDir,
    spec: PathBuf,
    root: PathBuf,
}

impl Project {
    /// Writes `spec` (with the server renamed to `name`) and runs `mcpgen new`.
    fn new(name: &str, spec: &str) -> Self {
        let dir = scratch();
        fs::create_dir(dir.path().join("specs")).unwrap();
        let spec_path = dir.path().join("specs/server.yaml");
        fs::write(&spec_path, spec.replace("regen-test-server", name)).unwrap();
        let root = dir.path().join(name);
        generate(&spec_path, &root);
        Self {
            _dir: dir,
            spec: spec_path,
            root,
        }
    }

    /// Changes the spec.
    fn edit_spec(&self, edit: impl FnOnce(String) -> String) {
        let spec = fs::read_to_string(&self.spec).unwrap();
        fs::write(&self.spec, edit(spec)).unwrap();
    }

    fn path(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }

    fn read(&self, file: &str) -> String {
        fs::read_to_string(self.path(file)).unwrap()
    }

    fn write(&self, file: &str, contents: &str) {
        fs::write(self.path(file), contents).unwrap();
    }

    /// Runs mcpgen with `args`, then the crate directory.
    fn run(&self, args: &[&str]) -> Output {
        mcpgen().args(args).arg(&self.root).output().unwrap()
    }

    /// Every file of the crate but target/, with its contents.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("target") {
                        walk(&path, files);
                    }
                } else {
                    files.insert(path.clone(), fs::read(&path).unwrap());
                }
            }
        }
        let mut files = BTreeMap::new();
        walk(&self.root, &mut files);
        files
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that `output` exited with `code` and return (stdout, stderr).
fn expect(output: Output, code: i32) -> (String, String) {
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{out}\nstderr:\n{err}"
    );
    (out, err)
}

fn assert_contains(text: &str, expected: &str) {
    assert!(text.contains(expected), "expected `{expected}` in:\n{text}");
}

/// Runs `cargo build` in a generated crate: (success, output).
fn try_build(dir: &Path) -> (bool, String) {
    let output = common::cargo_command(dir)
        .args(["build", "--quiet"])
        .output()
        .expect("cargo runs");
    (
        output.status.success(),
        format!("{}{}", stdout(&output), stderr(&output)),
    )
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn spec_changes_flow_in_and_user_code_survives() {
    let name = "regen-test-server";
    let project = Project::new(name, V1);
    let lock = project.read("mcpgen.lock");
    assert_contains(&lock, "spec = \"../specs/server.yaml\"");

    // The user implements the handlers, and makes Cargo.toml their own.
    project.write("src/handlers.rs", HANDLERS);
    let cargo_toml = project.read("Cargo.toml").replace(
        "publish = false\n",
        "publish = false\nlicense = \"MIT\" # mine\n",
    ) + "\n# My own notes.\n[package.metadata.mine]\nowner = \"me\"\n";
    project.write("Cargo.toml", &cargo_toml);

    // Months later, the spec changes in every way.
    project.edit_spec(v2);
    let (out, err) = expect(project.run(&["generate"]), 0);
    assert_contains(&out, "src/server.rs      updated");
    assert_contains(&out, "src/handlers.rs    kept: yours");
    assert_contains(&out, "added tool `count`");
    assert_contains(&out, "removed or renamed tool `shout`");
    assert_contains(&out, "added prompt `greet`");
    assert_contains(&err, "lacks `count` (tool)");
    assert_contains(&err, "mcpgen stubs");
    assert_contains(
        &err,
        "    async fn count(&self, _text: String) -> Result<String, Error> {\n        Err(Error::internal(\"`count` is not implemented yet\"))\n    }",
    );
    let shout = line_of(HANDLERS, "async fn shout");
    assert_contains(
        &err,
        &format!("src/handlers.rs:{shout}:14: `shout` is not a method of `Handler`"),
    );
    let repeat = line_of(HANDLERS, "async fn repeat");
    assert_contains(
        &err,
        &format!(
            "src/handlers.rs:{repeat}:14: `repeat` takes `(text: String, times: String)`, but `Handler` now declares `(text: String, times: i64)`"
        ),
    );

    // Every user edit is still there, byte for byte; the spec's changes too.
    assert_eq!(project.read("src/handlers.rs"), HANDLERS);
    assert_eq!(
        project.read("Cargo.toml"),
        cargo_toml.replace("version = \"0.1.0\"", "version = \"0.2.0\"")
    );
    let server = project.read("src/server.rs");
    assert_contains(&server, "Echo the text back, prefixed.");
    assert_contains(&server, "pub times: i64,");
    assert!(!server.contains("shout"), "{server}");

    // The build names the method the handlers now lack.
    let (built, output) = try_build(&project.root);
    assert!(!built, "the build must fail:\n{output}");
    assert_contains(&output, "missing: `count`");

    // `stubs` appends it, and changes no other byte.
    let (out, _) = expect(project.run(&["stubs"]), 0);
    assert_contains(
        &out,
        "Added 1 stub to `impl Handler for App` in src/handlers.rs: `count` (tool)",
    );
    let updated = project.read("src/handlers.rs");
    let at = HANDLERS
        .bytes()
        .zip(updated.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let inserted = &updated[at..at + updated.len() - HANDLERS.len()];
    assert_eq!(
        updated,
        format!("{}{inserted}{}", &HANDLERS[..at], &HANDLERS[at..]),
        "one insertion, and nothing else"
    );
    assert_contains(inserted, "async fn count(&self, _text: String)");
    assert_eq!(
        &HANDLERS[at..],
        "}\n",
        "inserted before the impl's closing brace"
    );

    // The user settles the rest, as the warnings said.
    let fixed = updated
        .replace(
            "    async fn shout(&self, text: String) -> Result<String, Error> {\n        Ok(text.to_uppercase())\n    }\n\n",
            "",
        )
        .replace(
            "times: String) -> Result<String, Error> {\n        let times: usize = times.parse().map_err(|_| Error::invalid(\"times: digits only\"))?;",
            "times: i64) -> Result<String, Error> {\n        let times = usize::try_from(times).map_err(|_| Error::invalid(\"times: not negative\"))?;",
        );
    project.write("src/handlers.rs", &fixed);
    expect(project.run(&["stubs"]), 0);
    assert_eq!(
        project.read("src/handlers.rs"),
        fixed,
        "nothing more to add"
    );

    // It builds, and serves the new tool and prompt next to the user's code.
    let (built, output) = try_build(&project.root);
    assert!(built, "the build must succeed:\n{output}");
    let mut server = Server::start(&generated_target().join("debug").join(name), &[]);
    let listed = server.call("tools/list", json!({}))["tools"].clone();
    let tools: BTreeMap<&str, &serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t))
        .collect();
    assert_eq!(
        tools.keys().copied().collect::<Vec<_>>(),
        ["count", "echo", "repeat"]
    );
    assert_eq!(
        tools["echo"]["description"],
        "Echo the text back, prefixed."
    );
    assert_eq!(
        tools["repeat"]["inputSchema"]["properties"]["times"]["type"],
        "integer"
    );
    assert_eq!(
        server.tool("echo", json!({ "text": "hi" })),
        ("echo: hi".to_owned(), false)
    );
    assert_eq!(
        server.tool("repeat", json!({ "text": "ab", "times": 3 })),
        ("ababab".to_owned(), false)
    );
    assert_eq!(
        server.tool("count", json!({ "text": "one two" })),
        ("`count` is not implemented yet".to_owned(), true)
    );
    let prompt = server.call(
        "prompts/get",
        json!({ "name": "greet", "arguments": { "who": "Ada" } }),
    );
    assert_eq!(
        prompt["messages"][0]["content"]["text"],
        "Say hello to Ada."
    );
    server.close();

    expect(project.run(&["check", "--frozen"]), 0);
}

#[test]
fn hand_edits_of_generated_files_are_refused_unless_forced() {
    let project = Project::new("regen-edit-server", V1);
    let server = project.read("src/server.rs");
    let edited = server.replace(
        "/// Serves a [`Handler`] over MCP.",
        "// A quick fix of mine.\n/// Serves a [`Handler`] over MCP.",
    );
    assert_ne!(edited, server);
    project.write("src/server.rs", &edited);
    project.edit_spec(|spec| spec.replace("version: 0.1.0", "version: 0.3.0"));
    let before = project.snapshot();

    let (_, err) = expect(project.run(&["generate"]), 2);
    assert_contains(&err, "src/server.rs: edited since mcpgen wrote it");
    assert_contains(&err, "move your change into src/handlers.rs");
    assert_contains(&err, "--force");
    assert_eq!(project.snapshot(), before, "nothing is written");

    // A dry run shows the edit that --force would undo.
    let (out, _) = expect(project.run(&["generate", "--dry-run"]), 2);
    assert_contains(&out, "-// A quick fix of mine.");
    assert_contains(&out, "+version = \"0.3.0\"");
    assert_eq!(project.snapshot(), before, "a dry run writes nothing");

    expect(project.run(&["generate", "--force"]), 0);
    assert!(!project.read("src/server.rs").contains("A quick fix"));
    assert_contains(&project.read("Cargo.toml"), "version = \"0.3.0\"");

    // A file that mcpgen wrote once and no longer generates is removed,
    // unless edited. (Pretend an earlier mcpgen wrote src/old.rs.)
    let lock = project.read("mcpgen.lock");
    let stdio = lock
        .lines()
        .find(|line| line.starts_with("\"src/stdio.rs\""))
        .unwrap();
    let with_old = |lock: &str| {
        lock.replace(
            stdio,
            &format!("{stdio}\n{}", stdio.replace("stdio", "old")),
        )
    };
    project.write("mcpgen.lock", &with_old(&lock));
    project.write("src/old.rs", &project.read("src/stdio.rs"));
    let (out, _) = expect(project.run(&["check", "--frozen"]), 1);
    assert_contains(&out, "--- a/src/old.rs\n+++ /dev/null");
    let (out, _) = expect(project.run(&["generate"]), 0);
    assert_contains(
        &out,
        "src/old.rs         removed: mcpgen no longer generates it",
    );
    assert!(!project.path("src/old.rs").exists());
    assert_eq!(project.read("mcpgen.lock"), lock);

    project.write("mcpgen.lock", &with_old(&lock));
    project.write("src/old.rs", "// edited\n");
    let (out, _) = expect(project.run(&["generate"]), 0);
    assert_contains(&out, "src/old.rs is yours now");
    assert_eq!(project.read("src/old.rs"), "// edited\n");

    // A file mcpgen would own but that lacks the header: never, even forced.
    project.write("src/stdio.rs", "// all mine\n");
    let (_, err) = expect(project.run(&["generate", "--force"]), 2);
    assert_contains(&err, "src/stdio.rs: it was not generated by mcpgen");
    assert_eq!(project.read("src/stdio.rs"), "// all mine\n");
}

#[test]
fn frozen_check_catches_drift_and_dry_run_writes_nothing() {
    let project = Project::new("regen-frozen-server", V1);
    let (out, _) = expect(project.run(&["check", "--frozen"]), 0);
    assert_contains(&out, "is up to date with ../specs/server.yaml");

    project.edit_spec(|spec| spec.replace("Upper-case the text.", "Shout the text."));
    let (out, err) = expect(project.run(&["check", "--frozen"]), 1);
    assert_contains(&out, "--- a/src/server.rs\n+++ b/src/server.rs\n@@ ");
    assert_contains(
        &out,
        "-        model::Tool::new(\n-            \"shout\",\n-            \"Upper-case the text.\",\n-            input_schema::<ShoutParams>(),\n-        ),\n+        model::Tool::new(\"shout\", \"Shout the text.\", input_schema::<ShoutParams>()),",
    );
    assert_contains(&err, "is not what ../specs/server.yaml gives");
    assert_contains(&err, "src/server.rs: differs");
    assert_contains(&err, "run `mcpgen generate");

    // Given the spec, it checks the crate around the current directory.
    let output = mcpgen()
        .args(["check", "--frozen"])
        .arg(&project.spec)
        .current_dir(project.path("src"))
        .output()
        .unwrap();
    expect(output, 1);

    let before = project.snapshot();
    let (out, _) = expect(project.run(&["generate", "--dry-run"]), 0);
    assert_contains(&out, "src/server.rs      would be updated");
    assert_contains(
        &out,
        "+        model::Tool::new(\"shout\", \"Shout the text.\", input_schema::<ShoutParams>()),",
    );
    assert_eq!(project.snapshot(), before, "a dry run writes nothing");

    expect(project.run(&["generate"]), 0);
    expect(project.run(&["check", "--frozen"]), 0);

    // A hand edit is drift too.
    let server = project.read("src/server.rs");
    project.write("src/server.rs", &format!("{server}// mine\n"));
    let (out, err) = expect(project.run(&["check", "--frozen"]), 1);
    assert_contains(&out, "-// mine");
    assert_contains(&err, "src/server.rs: edited since mcpgen wrote it");
}

#[test]
fn cargo_toml_keeps_your_entries_and_takes_the_spec_s() {
    let spec = V1.replace("tools:\n", "dependencies:\n  itoa: \"1\"\ntools:\n");
    let project = Project::new("regen-cargo-server", &spec);
    let generated = project.read("Cargo.toml");
    assert_contains(&generated, "itoa = \"1\"");

    // The user adds a dependency, a feature to one of mcpgen's, a comment.
    let mine = generated
        .replace(
            "\"rt-multi-thread\", \"sync\"] }",
            "\"rt-multi-thread\", \"sync\", \"fs\"] }",
        )
        .replace("itoa = \"1\"\n", "itoa = \"1\"\n# mine:\nanyhow = \"1\"\n");
    project.write("Cargo.toml", &mine);

    // The spec drops itoa, adds ryu, and bumps the version.
    project.edit_spec(|spec| {
        spec.replace("  itoa: \"1\"\n", "  ryu: \"1\"\n")
            .replace("version: 0.1.0", "version: 0.2.0")
    });
    let (out, _) = expect(project.run(&["generate"]), 0);
    assert_contains(&out, "Cargo.toml         updated: the entries mcpgen owns");
    let expected = mine
        .replace("version = \"0.1.0\"", "version = \"0.2.0\"")
        .replace("itoa = \"1\"\n", "")
        .replace("anyhow = \"1\"\n", "anyhow = \"1\"\nryu = \"1\"\n");
    assert_eq!(project.read("Cargo.toml"), expected);

    // Both sides change the version: a conflict, named, that --force settles.
    project.write(
        "Cargo.toml",
        &expected.replace("version = \"0.2.0\"", "version = \"9.0.0\""),
    );
    project.edit_spec(|spec| spec.replace("version: 0.2.0", "version: 0.3.0"));
    let (_, err) = expect(project.run(&["generate"]), 2);
    assert_contains(
        &err,
        "Cargo.toml: `package.version` is `\"9.0.0\"` in yours, and the spec now makes it `\"0.3.0\"`",
    );
    expect(project.run(&["generate", "--force"]), 0);
    assert_eq!(
        project.read("Cargo.toml"),
        expected.replace("version = \"0.2.0\"", "version = \"0.3.0\"")
    );
}

#[test]
fn the_crate_is_found_and_its_spec_recorded() {
    let project = Project::new("regen-locate-server", V1);

    // From inside the crate, without naming it.
    let output = mcpgen()
        .arg("generate")
        .current_dir(project.path("src"))
        .output()
        .unwrap();
    let (out, _) = expect(output, 0);
    assert_contains(&out, "from ../specs/server.yaml");

    // Outside any crate, the error says how to proceed.
    let elsewhere = scratch();
    let output = mcpgen()
        .arg("generate")
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    let (_, err) = expect(output, 2);
    assert_contains(
        &err,
        "no mcpgen.lock in the current directory or any parent",
    );
    assert_contains(&err, "--spec PATH");

    // With a spec, it still will not write a crate into a plain directory.
    let output = mcpgen()
        .arg("generate")
        .arg("--spec")
        .arg(&project.spec)
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    let (_, err) = expect(output, 2);
    assert_contains(&err, "is not a crate: it has no Cargo.toml");
    assert!(fs::read_dir(elsewhere.path()).unwrap().next().is_none());

    // `new` into an existing crate points to `generate`.
    let (_, err) = expect(
        mcpgen()
            .arg("new")
            .arg(&project.spec)
            .arg("--out")
            .arg(&project.root)
            .output()
            .unwrap(),
        2,
    );
    assert_contains(&err, "run `mcpgen generate");

    // Without its lock, mcpgen asks for the spec, then records it again.
    let lock = project.read("mcpgen.lock");
    fs::remove_file(project.path("mcpgen.lock")).unwrap();
    let (_, err) = expect(project.run(&["generate"]), 2);
    assert_contains(&err, "has no mcpgen.lock");
    let output = mcpgen()
        .arg("generate")
        .arg("--spec")
        .arg(&project.spec)
        .arg(&project.root)
        .output()
        .unwrap();
    expect(output, 0);
    assert_eq!(project.read("mcpgen.lock"), lock);

    // A broken lock is named, with a way out.
    project.write("mcpgen.lock", "format = 1\n");
    let (_, err) = expect(project.run(&["generate"]), 2);
    assert_contains(&err, "mcpgen.lock`: it has no `spec`");
}

#[test]
fn stubs_wait_for_generate_and_leave_a_complete_file_alone() {
    let project = Project::new("regen-stubs-server", V1);
    let handlers = project.read("src/handlers.rs");
    let (out, _) = expect(project.run(&["stubs"]), 0);
    assert_contains(&out, "has every method that `Handler` declares");
    assert_eq!(project.read("src/handlers.rs"), handlers);

    project.edit_spec(v2);
    let (_, err) = expect(project.run(&["stubs"]), 2);
    assert_contains(&err, "run `mcpgen generate");
    assert_eq!(project.read("src/handlers.rs"), handlers);

    expect(project.run(&["generate"]), 0);
    let (out, _) = expect(project.run(&["stubs", "--dry-run"]), 0);
    assert_contains(&out, "+    async fn count(&self, _text: String)");
    assert_eq!(project.read("src/handlers.rs"), handlers);

    project.write(
        "src/handlers.rs",
        "impl Handler for App {\n    fn x( {}\n}\n",
    );
    let (_, err) = expect(project.run(&["stubs"]), 2);
    assert_contains(&err, "cannot add stubs: src/handlers.rs:");
}
