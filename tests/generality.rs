//! Proof of generality: random valid specs, from a seeded generator
//! (tests/specgen), each checked, generated into a crate with handlers that
//! return fixed values, all built as one cargo workspace, checked with
//! rustfmt and clippy, tested with the tests mcpgen generates, and then
//! served over stdio, where every tool, resource, template and prompt must
//! be listed exactly as its spec declares, in schemas every client accepts
//! (tests/common/compat.rs), and must answer.
//!
//! A run uses a fixed seed unless `MCPGEN_GENERALITY_SEED=random` asks for
//! a new one, and prints it; `MCPGEN_GENERALITY_SEED=<seed>` replays a run,
//! and `MCPGEN_GENERALITY_SPECS=<n>` changes how many specs it builds. The
//! workspace stays in `target/tmp/generality` until the next run.

mod common;
mod specgen;

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use base64::Engine;
use common::{Server, cargo, generated_target, mcpgen, scratch};
use serde_json::{Map, Value, json};
use specgen::{GenSpec, Generator, is_optional, is_required, pascal, sample, string_sample};

/// How many specs are built and served: enough to cover every feature
/// several times, few enough to build in a few minutes on two cores.
const SPECS: usize = 14;

/// How many specs are only checked, which takes a fraction of a second each.
const CHECKED_SPECS: usize = 30;

/// The seed of a run: by default a fixed one, so that the test suite is
/// reproducible; `MCPGEN_GENERALITY_SEED=random` draws a new one, which
/// the run prints, to explore.
fn seed() -> u64 {
    const DEFAULT_SEED: u64 = 20_261_126;
    match std::env::var("MCPGEN_GENERALITY_SEED").as_deref() {
        Err(_) => DEFAULT_SEED,
        Ok("random") => {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
            now.as_nanos() as u64 ^ u64::from(std::process::id())
        }
        Ok(seed) => seed
            .trim()
            .parse()
            .expect("MCPGEN_GENERALITY_SEED is a number or `random`"),
    }
}

fn spec_count() -> usize {
    std::env::var("MCPGEN_GENERALITY_SPECS").map_or(SPECS, |n| {
        n.trim()
            .parse()
            .expect("MCPGEN_GENERALITY_SPECS is a number")
    })
}

/// Writes a spec, and the files it embeds, into `dir`; returns its path.
fn write_spec(dir: &Path, spec: &GenSpec) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    for (name, bytes) in &spec.files {
        fs::write(dir.join(name), bytes).unwrap();
    }
    let path = dir.join(format!("{}.yaml", spec.name));
    let yaml = serde_yaml::to_string(&spec.spec).unwrap();
    fs::write(
        &path,
        format!("# yaml-language-server: $schema=mcpgen.schema.json\n{yaml}"),
    )
    .unwrap();
    path
}

/// `mcpgen check` must accept a generated spec.
fn assert_valid(path: &Path, seed: u64) {
    let output = mcpgen().arg("check").arg(path).output().unwrap();
    assert!(
        output.status.success(),
        "seed {seed}: mcpgen check refuses {}:\n{}\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr),
        fs::read_to_string(path).unwrap()
    );
}

fn assert_covers_every_feature(specs: &[&Value]) -> BTreeSet<&'static str> {
    let covered: BTreeSet<&'static str> = specs.iter().flat_map(|s| specgen::features(s)).collect();
    let missing: Vec<&str> = specgen::ALL_FEATURES
        .iter()
        .copied()
        .filter(|f| !covered.contains(f))
        .collect();
    assert!(missing.is_empty(), "no spec uses {missing:?}");
    covered
}

#[test]
fn generated_specs_are_valid() {
    let seed = seed();
    println!("seed {seed}, {CHECKED_SPECS} specs (replay with MCPGEN_GENERALITY_SEED={seed})");
    let dir = scratch();
    let mut generator = Generator::new(seed);
    let specs: Vec<GenSpec> = (0..CHECKED_SPECS).map(|i| generator.spec(i)).collect();
    assert_covers_every_feature(&specs.iter().map(|s| &s.spec).collect::<Vec<_>>());
    for spec in &specs {
        let path = write_spec(&dir.path().join(&spec.name), spec);
        assert_valid(&path, seed);
    }
}

#[test]
fn generated_servers_build_and_match_their_specs() {
    let started = Instant::now();
    let seed = seed();
    let count = spec_count();
    println!("seed {seed}, {count} specs (replay with MCPGEN_GENERALITY_SEED={seed})");
    let mut generator = Generator::new(seed);
    let specs: Vec<GenSpec> = (0..count).map(|i| generator.spec(i)).collect();
    let covered = assert_covers_every_feature(&specs.iter().map(|s| &s.spec).collect::<Vec<_>>());
    println!(
        "{} features: {}",
        covered.len(),
        covered.into_iter().collect::<Vec<_>>().join(", ")
    );

    // A fixed place: cargo then gives the crates the same ids run after
    // run, and replaces their artifacts in the shared target directory
    // rather than adding to them.
    let workspace = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generality");
    let _ = fs::remove_dir_all(&workspace);
    for spec in &specs {
        generate(&workspace, spec, seed);
    }
    let members: Vec<String> = specs.iter().map(|s| format!("{:?}", s.name)).collect();
    // Incremental builds only pay off for code that is built again; cargo
    // never uses them for registry crates, so rmcp's artifacts are shared
    // with the other tests' all the same.
    fs::write(
        workspace.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\nincremental = false\n",
            members.join(", ")
        ),
    )
    .unwrap();
    let generated = started.elapsed();

    // The last run's crates had the same names; with other dependencies,
    // their artifacts would stay beside these.
    cargo(&workspace, &["clean", "--workspace", "--quiet"]);
    cargo(&workspace, &["fmt", "--all", "--check"]);
    cargo(
        &workspace,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
    );
    let linted = started.elapsed();
    // Each crate's own tests (an in-process client against its handlers),
    // which build its server too: with the features of the tests, once.
    cargo(
        &workspace,
        &["test", "--workspace", "--test", "mcp", "--quiet"],
    );
    let tested = started.elapsed();

    for spec in &specs {
        let binary = generated_target().join("debug").join(&spec.name);
        // What the server serves, read from the spec with its shared enum
        // written out at each use.
        let spec = GenSpec {
            spec: specgen::expanded(&spec.spec),
            ..spec.clone()
        };
        check_help(&binary, &spec);
        check_server(&binary, &spec);
    }
    println!(
        "{count} specs: generated in {:.0?}, fmt and clippy by {:.0?}, \
         built and their own tests passed by {:.0?}, served by {:.0?}",
        generated,
        linted,
        tested,
        started.elapsed()
    );
}

/// Generates a spec's crate into `workspace`: first with mcpgen's stub
/// handlers, which are then made to return fixed values and written next
/// to the spec, which names them under `handlers:` for the real crate.
fn generate(workspace: &Path, spec: &GenSpec, seed: u64) {
    let specs = workspace.join("specs");
    let path = write_spec(&specs, spec);
    assert_valid(&path, seed);
    let stubs = workspace.join("stubs").join(&spec.name);
    let _ = fs::remove_dir_all(&stubs);
    mcpgen()
        .arg("new")
        .arg(&path)
        .arg("--out")
        .arg(&stubs)
        .assert()
        .success();
    let stub = fs::read_to_string(stubs.join("src/handlers.rs")).unwrap();
    let handlers = specs.join(format!("{}.rs", spec.name));
    fs::write(
        &handlers,
        fixed_handlers(&stub, &specgen::expanded(&spec.spec)),
    )
    .unwrap();
    let status = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .arg(&handlers)
        .status()
        .unwrap();
    assert!(status.success(), "rustfmt {}", handlers.display());

    let mut with_handlers = spec.clone();
    with_handlers.spec["handlers"] = json!(format!("{}.rs", spec.name));
    let path = write_spec(&specs, &with_handlers);
    assert_valid(&path, seed);
    let out = workspace.join(&spec.name);
    let _ = fs::remove_dir_all(&out);
    mcpgen()
        .arg("new")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(out.join("src/handlers.rs")).unwrap(),
        fs::read_to_string(&handlers).unwrap(),
        "the handlers seed is copied as is"
    );
}

/// mcpgen's stub handlers, each returning a fixed value instead of an
/// error: text, bytes, completions and prompt messages, or for a tool's
/// structured output a sample of its type, parsed from JSON.
fn fixed_handlers(stub: &str, spec: &Value) -> String {
    let mut handlers = String::new();
    let mut returns = String::new();
    let mut in_stub = false;
    for line in stub.lines() {
        if let Some((_, rest)) = line.split_once("-> Result<") {
            returns = rest[..rest.rfind(", Error>").expect("a result")].to_owned();
        }
        if line.trim_start().starts_with("Err(Error::internal(") {
            // The stub's body, up to the method's closing brace.
            in_stub = true;
            handlers.push_str(&fixed_value(&returns, spec));
            handlers.push('\n');
        }
        if in_stub && line != "    }" {
            continue;
        }
        in_stub = false;
        handlers.push_str(line);
        handlers.push('\n');
    }
    handlers
}

fn fixed_value(returns: &str, spec: &Value) -> String {
    match returns {
        "String" => "Ok(\"fixed\".to_owned())".to_owned(),
        "Vec<u8>" => "Ok(vec![1, 2, 3])".to_owned(),
        "Vec<ContentBlock>" => "Ok(vec![ContentBlock::text(\"fixed\")])".to_owned(),
        "Vec<String>" => "Ok(vec![\"one\".to_owned(), \"two\".to_owned()])".to_owned(),
        // A text message and an image: prompts carry any content block.
        "Vec<PromptMessage>" => "Ok(vec![\
             PromptMessage::new_text(crate::server::Role::Assistant, \"fixed\"), \
             PromptMessage::new(crate::server::Role::User, \
             rmcp::model::ContentBlock::image(\"AQID\", \"image/png\"))])"
            .to_owned(),
        output => {
            let ty = types(spec)
                .into_iter()
                .find(|t| pascal(t["name"].as_str().unwrap()) == output)
                .unwrap_or_else(|| panic!("no type for {output}"));
            let value = output_sample(spec, ty["name"].as_str().unwrap());
            format!(
                "serde_json::from_str({:?}).map_err(Error::from)",
                value.to_string()
            )
        }
    }
}

fn list(spec: &Value, key: &str) -> Vec<Value> {
    spec[key].as_array().cloned().unwrap_or_default()
}

fn types(spec: &Value) -> Vec<Value> {
    list(spec, "types")
}

/// What the handler of a tool with structured output returns.
fn output_sample(spec: &Value, ty: &str) -> Value {
    sample(&json!({ "type": ty }), &types(spec), 0)
}

/// `--help` names every setting's flag and environment variable.
fn check_help(binary: &Path, spec: &GenSpec) {
    let output = Command::new(binary).arg("--help").output().unwrap();
    assert!(output.status.success(), "{} --help", spec.name);
    let help = String::from_utf8_lossy(&output.stdout);
    for setting in list(&spec.spec, "settings") {
        let flag = format!("--{}", setting["name"].as_str().unwrap().replace('_', "-"));
        assert!(help.contains(&flag), "{}: {flag} in {help}", spec.name);
        if let Some(env) = setting["env"].as_str() {
            assert!(help.contains(env), "{}: {env} in {help}", spec.name);
        }
    }
}

fn check_server(binary: &Path, generated: &GenSpec) {
    let name = &generated.name;
    let spec = &generated.spec;
    let mut server = Server::start(binary, &[]);
    let info = server.initialize_result();
    assert_eq!(info["serverInfo"]["name"], *name);
    assert_eq!(info["serverInfo"]["version"], spec["server"]["version"]);
    for key in ["title", "description"] {
        assert_eq!(
            info["serverInfo"].get(key),
            spec["server"].get(key),
            "{name}: {key}"
        );
    }
    assert_eq!(
        info.get("instructions"),
        spec["server"].get("instructions"),
        "{name}: instructions"
    );
    let has_completions = list(spec, "prompts").iter().any(|p| {
        list(p, "arguments")
            .iter()
            .any(|a| a.get("enum").is_some() || a["complete"] == json!(true))
    }) || list(spec, "resource_templates").iter().any(|t| {
        list(t, "params")
            .iter()
            .any(|p| p.get("enum").is_some() || p["complete"] == json!(true))
    });
    let capabilities = &info["capabilities"];
    for (capability, declared) in [
        ("tools", !list(spec, "tools").is_empty()),
        (
            "resources",
            !list(spec, "resources").is_empty() || !list(spec, "resource_templates").is_empty(),
        ),
        ("prompts", !list(spec, "prompts").is_empty()),
        ("completions", has_completions),
        ("logging", has(spec, "context")),
    ] {
        assert_eq!(
            capabilities.get(capability).is_some(),
            declared,
            "{name}: {capability}"
        );
    }

    // What every client accepts: no `$ref` but for recursion, no type
    // arrays, no `default: null`, standard formats, valid 2020-12 schemas.
    let refs = spec["server"]["schema_refs"] == json!(true);
    common::compat::assert_client_compatible(&mut server, name, refs);
    check_tools(&mut server, name, spec);
    check_resources(&mut server, generated);
    check_subscriptions(&mut server, name, spec);
    check_templates(&mut server, name, spec);
    check_prompts(&mut server, name, spec);
    server.close();
}

// Tools.

fn check_tools(server: &mut Server, name: &str, spec: &Value) {
    let tools = server.call("tools/list", json!({}))["tools"].clone();
    let tools = tools.as_array().expect("a tool list");
    let listed: BTreeSet<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    let declared = list(spec, "tools");
    let expected: BTreeSet<&str> = declared
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, expected, "{name}: tools");
    let types = types(spec);
    for tool in &declared {
        let tool_name = tool["name"].as_str().unwrap();
        let at = format!("{name}: tool {tool_name:?}");
        let actual = tools.iter().find(|t| t["name"] == tool["name"]).unwrap();
        assert_eq!(actual.get("title"), tool.get("title"), "{at}: title");
        assert_eq!(
            actual.get("description"),
            tool.get("description"),
            "{at}: description"
        );
        assert_eq!(
            annotations(actual),
            expected_annotations(tool),
            "{at}: annotations"
        );

        let input = &actual["inputSchema"];
        assert_eq!(input["type"], "object", "{at}");
        let params = list(tool, "params");
        let properties = input["properties"].as_object().cloned().unwrap_or_default();
        let listed: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        let declared: BTreeSet<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(listed, declared, "{at}: properties");
        for param in &params {
            let param_name = param["name"].as_str().unwrap();
            assert_eq!(
                shape(
                    input,
                    &input["properties"][param_name],
                    &mut Vec::new(),
                    false
                ),
                expected_shape(param, &types, &mut Vec::new(), false),
                "{at}: parameter {param_name:?}"
            );
        }
        let required: Vec<Value> = params
            .iter()
            .filter(|p| is_required(p))
            .map(|p| p["name"].clone())
            .collect();
        assert_eq!(
            input.get("required").cloned().unwrap_or(json!([])),
            Value::Array(required),
            "{at}: required"
        );

        match tool["output"].as_str() {
            Some(output) => {
                let schema = &actual["outputSchema"];
                let mut seen = vec![pascal(output)];
                assert_eq!(
                    object_shape(schema, schema, &mut seen, true),
                    expected_object(output, &types, &mut vec![output.to_owned()], true),
                    "{at}: outputSchema"
                );
            }
            None => assert!(actual.get("outputSchema").is_none(), "{at}: outputSchema"),
        }

        let arguments = arguments(&params, &types);
        let result = server.call(
            "tools/call",
            json!({ "name": tool_name, "arguments": arguments }),
        );
        assert_ne!(
            result["isError"],
            json!(true),
            "{at}: {arguments} gave {result}"
        );
        match tool["output"].as_str() {
            Some(output) => assert_eq!(
                numbers(&result["structuredContent"]),
                numbers(&output_sample(spec, output)),
                "{at}: structured content"
            ),
            None => assert_eq!(result["content"][0]["text"], "fixed", "{at}: {result}"),
        }
    }
}

/// A listed tool's annotations, none being none at all.
fn annotations(tool: &Value) -> Value {
    tool.get("annotations").cloned().unwrap_or(json!({}))
}

fn expected_annotations(tool: &Value) -> Value {
    let mut expected = Map::new();
    for (key, hint) in [
        ("read_only", "readOnlyHint"),
        ("destructive", "destructiveHint"),
        ("idempotent", "idempotentHint"),
        ("open_world", "openWorldHint"),
    ] {
        if let Some(flag) = tool["annotations"].get(key) {
            expected.insert(hint.to_owned(), flag.clone());
        }
    }
    Value::Object(expected)
}

/// Arguments that fit a tool's parameters: every required one, optional
/// ones at even positions, and none that has a default, to use it.
fn arguments(params: &[Value], types: &[Value]) -> Value {
    let mut arguments = Map::new();
    for (i, param) in params.iter().enumerate() {
        let pass = is_required(param) || (is_optional(param) && i % 2 == 0);
        if pass {
            let name = param["name"].as_str().unwrap().to_owned();
            arguments.insert(name, sample(param, types, 0));
        }
    }
    Value::Object(arguments)
}

/// A property's schema, reduced to what the spec decides: its type,
/// constraints, description and default. A `$ref` (a type that contains
/// itself, or `schema_refs: true`) is followed as if its definition were
/// inlined there, which is what clients that resolve it see; a type met
/// again inside itself is named, not followed. Optional values have one
/// type: client compatibility (`common::compat`) forbids `null` in schemas.
fn shape(root: &Value, schema: &Value, seen: &mut Vec<String>, output: bool) -> Value {
    assert!(
        schema.get("title").is_none(),
        "a title the spec has not: {schema}"
    );
    let mut reduced = Map::new();
    let mut schema = schema.clone();
    let mut name = None;
    if let Some(reference) = schema["$ref"].as_str() {
        // `#` is the root: an output type that holds itself.
        let (target, definition) = match reference.strip_prefix("#/$defs/") {
            Some(target) => (target.to_owned(), &root["$defs"][target]),
            None if reference == "#" => (seen[0].clone(), root),
            None => panic!("a local $ref: {reference}"),
        };
        if seen.contains(&target) {
            if let Some(description) = schema.get("description") {
                reduced.insert("description".into(), description.clone());
            }
            reduced.insert("type".into(), json!("object"));
            reduced.insert("again".into(), json!(target));
            return Value::Object(reduced);
        }
        let mut merged = definition.as_object().cloned().expect("a definition");
        let uses = schema.as_object().cloned().unwrap_or_default();
        merged.extend(uses.into_iter().filter(|(key, _)| key != "$ref"));
        schema = Value::Object(merged);
        name = Some(target);
    }
    if let Some(description) = schema.get("description") {
        reduced.insert("description".into(), description.clone());
    }
    if let Some(default) = schema.get("default").filter(|_| !output) {
        reduced.insert("default".into(), numbers(default));
    }
    let ty = schema["type"]
        .as_str()
        .unwrap_or_else(|| panic!("one type: {schema}"));
    reduced.insert("type".into(), json!(ty));
    if ty == "object" {
        seen.extend(name.clone());
        let object = object_shape(root, &schema, seen, output);
        if name.is_some() {
            seen.pop();
        }
        reduced.insert("object".into(), object);
        return Value::Object(reduced);
    }
    for key in [
        "enum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
    ] {
        if let Some(value) = schema.get(key) {
            reduced.insert(key.into(), value.clone());
        }
    }
    if ty == "string"
        && let Some(format) = schema.get("format")
    {
        reduced.insert("format".into(), format.clone());
    }
    for key in ["minimum", "maximum"] {
        if let Some(value) = schema.get(key) {
            reduced.insert(key.into(), numbers(value));
        }
    }
    if ty == "array" {
        reduced.insert("items".into(), shape(root, &schema["items"], seen, output));
    }
    Value::Object(reduced)
}

/// An object schema's properties and required properties.
fn object_shape(root: &Value, schema: &Value, seen: &mut Vec<String>, output: bool) -> Value {
    let mut properties = Map::new();
    for (name, property) in schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default()
    {
        properties.insert(name, shape(root, &property, seen, output));
    }
    let mut object = Map::new();
    object.insert("properties".into(), Value::Object(properties));
    object.insert(
        "required".into(),
        schema.get("required").cloned().unwrap_or(json!([])),
    );
    Value::Object(object)
}

/// What [`shape`] must give for a parameter or field of the spec.
fn expected_shape(param: &Value, types: &[Value], seen: &mut Vec<String>, output: bool) -> Value {
    let mut shape = Map::new();
    if let Some(description) = param.get("description") {
        shape.insert("description".into(), description.clone());
    }
    if let Some(default) = param.get("default").filter(|_| !output) {
        shape.insert("default".into(), numbers(default));
    }
    // A named type's own description shows where the parameter has none.
    for (key, value) in expected_type(param, types, seen, output) {
        shape.entry(key).or_insert(value);
    }
    Value::Object(shape)
}

/// The type and constraints of a parameter, field or array item, and the
/// description of a named type.
fn expected_type(
    param: &Value,
    types: &[Value],
    seen: &mut Vec<String>,
    output: bool,
) -> Map<String, Value> {
    let mut shape = Map::new();
    if let Some(values) = param.get("enum") {
        shape.insert("type".into(), json!("string"));
        shape.insert("enum".into(), values.clone());
        // A shared enum is a Rust enum of its own, inlined where it is
        // used with its description, as a named type is.
        if let Some(description @ Value::String(_)) = param.get("x-shared-description") {
            shape.insert("description".into(), description.clone());
        }
        return shape;
    }
    let ty = param["type"].as_str().unwrap_or("string");
    let known = ["string", "integer", "number", "boolean", "array"];
    if !known.contains(&ty) {
        shape.insert("type".into(), json!("object"));
        if seen.iter().any(|s| s == ty) {
            shape.insert("again".into(), json!(pascal(ty)));
        } else {
            let named = types.iter().find(|t| t["name"] == ty).expect("a type");
            if let Some(description) = named.get("description") {
                shape.insert("description".into(), description.clone());
            }
            seen.push(ty.to_owned());
            let object = expected_object(ty, types, seen, output);
            seen.pop();
            shape.insert("object".into(), object);
        }
        return shape;
    }
    shape.insert("type".into(), json!(ty));
    for (key, schema_key) in [
        ("min_length", "minLength"),
        ("max_length", "maxLength"),
        ("pattern", "pattern"),
        ("format", "format"),
        ("min_items", "minItems"),
        ("max_items", "maxItems"),
    ] {
        if let Some(value) = param.get(key) {
            shape.insert(schema_key.into(), value.clone());
        }
    }
    for key in ["minimum", "maximum"] {
        if let Some(value) = param.get(key) {
            shape.insert(key.into(), numbers(value));
        }
    }
    if ty == "array" {
        let mut items = expected_type(&param["items"], types, seen, output);
        // An enum of items is a Rust enum, described as the array is; a
        // shared one, inlined, as the enum is.
        if let Some(shared) = param["items"].get("x-shared-description") {
            match shared {
                Value::String(_) => items.insert("description".into(), shared.clone()),
                _ => items.remove("description"),
            };
        } else if param["items"].get("enum").is_some()
            && let Some(description) = param.get("description")
        {
            items.insert("description".into(), description.clone());
        }
        shape.insert("items".into(), Value::Object(items));
    }
    shape
}

/// What [`object_shape`] must give for a named type: for a tool's output,
/// fields with defaults are always written, so they are required too.
fn expected_object(name: &str, types: &[Value], seen: &mut Vec<String>, output: bool) -> Value {
    let ty = types.iter().find(|t| t["name"] == name).expect("a type");
    let fields = list(ty, "fields");
    let mut properties = Map::new();
    for field in &fields {
        let field_name = field["name"].as_str().unwrap().to_owned();
        properties.insert(field_name, expected_shape(field, types, seen, output));
    }
    let required: Vec<Value> = fields
        .iter()
        .filter(|f| {
            if output {
                !is_optional(f)
            } else {
                is_required(f)
            }
        })
        .map(|f| f["name"].clone())
        .collect();
    let mut object = Map::new();
    object.insert("properties".into(), Value::Object(properties));
    object.insert("required".into(), Value::Array(required));
    Value::Object(object)
}

/// Every number as a float: schemas and results write `1` and `1.0` alike.
fn numbers(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.iter().map(numbers).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), numbers(v))).collect())
        }
        other => other.clone(),
    }
}

// Resources and templates.

fn check_resources(server: &mut Server, generated: &GenSpec) {
    let name = &generated.name;
    let spec = &generated.spec;
    let declared = list(spec, "resources");
    if declared.is_empty() && list(spec, "resource_templates").is_empty() {
        return;
    }
    let listed = server.call("resources/list", json!({}))["resources"].clone();
    let expected: Vec<Value> = declared
        .iter()
        .map(|r| {
            let mut resource = Map::new();
            resource.insert("uri".into(), r["uri"].clone());
            listing(&mut resource, r);
            Value::Object(resource)
        })
        .collect();
    assert_eq!(listed, Value::Array(expected), "{name}: resources");
    for resource in &declared {
        let uri = resource["uri"].as_str().unwrap();
        let contents = server.call("resources/read", json!({ "uri": uri }))["contents"][0].clone();
        let mime = resource["mime_type"].as_str().unwrap_or("text/plain");
        assert_eq!(contents["mimeType"], mime, "{name}: {uri}");
        let (key, expected) = if let Some(text) = resource["text"].as_str() {
            ("text", text.to_owned())
        } else if let Some(file) = resource["file"].as_str() {
            let (_, bytes) = generated.files.iter().find(|(f, _)| f == file).unwrap();
            if mime == "image/png" {
                (
                    "blob",
                    base64::engine::general_purpose::STANDARD.encode(bytes),
                )
            } else {
                ("text", String::from_utf8(bytes.clone()).unwrap())
            }
        } else if resource["binary"] == json!(true) {
            ("blob", "AQID".to_owned())
        } else {
            ("text", "fixed".to_owned())
        };
        assert_eq!(contents[key], expected, "{name}: {uri}");
    }
}

/// Whether any tool, resource, template or prompt of `spec` says `key: true`.
fn has(spec: &Value, key: &str) -> bool {
    ["tools", "resources", "resource_templates", "prompts"]
        .iter()
        .any(|items| {
            list(spec, items)
                .iter()
                .any(|item| item[key] == json!(true))
        })
}

/// Resources and templates with `subscribe: true`: the server declares the
/// capability, and takes subscriptions to them, and only to them.
fn check_subscriptions(server: &mut Server, name: &str, spec: &Value) {
    let capability = server.initialize_result()["capabilities"]["resources"]["subscribe"].clone();
    assert_eq!(
        capability == json!(true),
        has(spec, "subscribe"),
        "{name}: the subscribe capability"
    );
    if !has(spec, "subscribe") {
        return;
    }
    for resource in list(spec, "resources") {
        let uri = resource["uri"].as_str().unwrap();
        let reply = server.request("resources/subscribe", json!({ "uri": uri }));
        let subscribed = reply.get("result").is_some();
        assert_eq!(
            subscribed,
            resource["subscribe"] == json!(true),
            "{name}: subscribing to {uri}: {reply}"
        );
        if subscribed {
            server.call("resources/unsubscribe", json!({ "uri": uri }));
        }
    }
}

/// The name, title, description and mime type of a resource or template.
fn listing(listed: &mut Map<String, Value>, declared: &Value) {
    listed.insert("name".into(), declared["name"].clone());
    for key in ["title", "description"] {
        if let Some(value) = declared.get(key) {
            listed.insert(key.into(), value.clone());
        }
    }
    let mime = declared["mime_type"].as_str().unwrap_or("text/plain");
    listed.insert("mimeType".into(), json!(mime));
}

fn check_templates(server: &mut Server, name: &str, spec: &Value) {
    let declared = list(spec, "resource_templates");
    if declared.is_empty() && list(spec, "resources").is_empty() {
        return;
    }
    let listed = server.call("resources/templates/list", json!({}))["resourceTemplates"].clone();
    let expected: Vec<Value> = declared
        .iter()
        .map(|t| {
            let mut template = Map::new();
            template.insert("uriTemplate".into(), t["uri_template"].clone());
            listing(&mut template, t);
            Value::Object(template)
        })
        .collect();
    assert_eq!(listed, Value::Array(expected), "{name}: templates");
    for template in &declared {
        let uri_template = template["uri_template"].as_str().unwrap();
        let uri = sample_uri(template);
        let result = server.call("resources/read", json!({ "uri": uri }));
        let contents = &result["contents"][0];
        if template["binary"] == json!(true) {
            assert_eq!(contents["blob"], "AQID", "{name}: {uri}");
        } else {
            assert_eq!(contents["text"], "fixed", "{name}: {uri}");
        }
        for param in list(template, "params") {
            let var = param["name"].as_str().unwrap();
            let reference = json!({ "type": "ref/resource", "uri": uri_template });
            check_completion(server, name, reference, var, &param);
        }
    }
}

/// A URI that matches a template, each variable a value that fits it.
fn sample_uri(template: &Value) -> String {
    let mut uri = String::new();
    let mut rest = template["uri_template"].as_str().unwrap();
    while let Some(open) = rest.find('{') {
        uri.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        let var = &rest[open + 1..close];
        let params = list(template, "params");
        let param = params.iter().find(|p| p["name"] == var);
        let value = match param {
            None => "example".to_owned(),
            Some(p) if p.get("enum").is_some() => p["enum"][0].as_str().unwrap().to_owned(),
            Some(p) if p["type"] == "integer" => sample(p, &[], 0).to_string(),
            Some(p) => string_sample(p, "example"),
        };
        uri.push_str(&common::percent_encode(&value));
        rest = &rest[close + 1..];
    }
    uri.push_str(rest);
    uri
}

/// `completion/complete` offers what an argument's handler method returns
/// if it has one, else its enum values.
fn check_completion(
    server: &mut Server,
    name: &str,
    reference: Value,
    argument: &str,
    spec: &Value,
) {
    let expected = if spec["complete"] == json!(true) {
        json!(["one", "two"])
    } else if let Some(values) = spec.get("enum") {
        values.clone()
    } else {
        return;
    };
    let result = server.call(
        "completion/complete",
        json!({ "ref": reference, "argument": { "name": argument, "value": "" } }),
    );
    assert_eq!(
        result["completion"]["values"], expected,
        "{name}: completing {argument:?}"
    );
}

// Prompts.

fn check_prompts(server: &mut Server, name: &str, spec: &Value) {
    let declared = list(spec, "prompts");
    if declared.is_empty() {
        return;
    }
    let prompts = server.call("prompts/list", json!({}))["prompts"].clone();
    let prompts = prompts.as_array().expect("a prompt list");
    assert_eq!(prompts.len(), declared.len(), "{name}: prompts");
    for prompt in &declared {
        let prompt_name = prompt["name"].as_str().unwrap();
        let at = format!("{name}: prompt {prompt_name:?}");
        let actual = prompts
            .iter()
            .find(|p| p["name"] == prompt["name"])
            .unwrap_or_else(|| panic!("{at} is not listed"));
        assert_eq!(actual.get("title"), prompt.get("title"), "{at}: title");
        assert_eq!(
            actual.get("description"),
            prompt.get("description"),
            "{at}: description"
        );
        let arguments = list(prompt, "arguments");
        let listed: Vec<Value> = actual["arguments"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|a| {
                json!({
                    "name": a["name"],
                    "description": a["description"],
                    "required": a["required"].as_bool().unwrap_or(false),
                })
            })
            .collect();
        let expected: Vec<Value> = arguments
            .iter()
            .map(|a| {
                json!({
                    "name": a["name"],
                    "description": a["description"],
                    "required": a["required"].as_bool().unwrap_or(true),
                })
            })
            .collect();
        assert_eq!(listed, expected, "{at}: arguments");

        // Every required argument, optional ones at even positions.
        let mut values = Map::new();
        for (i, argument) in arguments.iter().enumerate() {
            if argument["required"] != json!(false) || i % 2 == 0 {
                let value = match argument["enum"][0].as_str() {
                    Some(value) => value.to_owned(),
                    None => format!("<{}> {{v}} \"q\" \\", argument["name"].as_str().unwrap()),
                };
                values.insert(argument["name"].as_str().unwrap().to_owned(), json!(value));
            }
        }
        let result = server.call(
            "prompts/get",
            json!({ "name": prompt_name, "arguments": values }),
        );
        let expected: Vec<Value> = match prompt["messages"].as_array() {
            Some(messages) => messages
                .iter()
                .map(|m| {
                    json!({
                        "role": m["role"].as_str().unwrap_or("user"),
                        "text": render(m["text"].as_str().unwrap(), &values),
                    })
                })
                .collect(),
            None => vec![
                json!({ "role": "assistant", "text": "fixed" }),
                json!({ "role": "user", "image": "AQID", "mimeType": "image/png" }),
            ],
        };
        let messages: Vec<Value> = result["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("{at}: {result}"))
            .iter()
            .map(|m| match m["content"]["type"].as_str() {
                Some("image") => json!({
                    "role": m["role"],
                    "image": m["content"]["data"],
                    "mimeType": m["content"]["mimeType"],
                }),
                _ => json!({ "role": m["role"], "text": m["content"]["text"] }),
            })
            .collect();
        assert_eq!(messages, expected, "{at}: messages");

        for argument in &arguments {
            let reference = json!({ "type": "ref/prompt", "name": prompt_name });
            let argument_name = argument["name"].as_str().unwrap();
            check_completion(server, name, reference, argument_name, argument);
        }
    }
}

/// Message text with `{argument}` placeholders filled in (an argument not
/// given is empty), `{argument? text}` sections shown only when the
/// argument is given and not empty, and `{{`, `}}` made single braces.
fn render(text: &str, values: &Map<String, Value>) -> String {
    render_until(text, values, false).0
}

/// Renders up to the end, or in a section up to its closing `}`; returns
/// the text and the rest after it.
fn render_until<'a>(
    text: &'a str,
    values: &Map<String, Value>,
    section: bool,
) -> (String, &'a str) {
    let mut rendered = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        rendered.push_str(&rest[..i]);
        let brace = &rest[i..];
        if brace.starts_with("{{") || brace.starts_with("}}") {
            rendered.push_str(&brace[..1]);
            rest = &brace[2..];
        } else if section && brace.starts_with('}') {
            return (rendered, &brace[1..]);
        } else {
            let end = brace.find('}').expect("a closed placeholder");
            let name = &brace[1..end];
            match name.split_once("? ") {
                Some((arg, _)) => {
                    let start = 1 + arg.len() + 1;
                    let (body, after) = render_until(&brace[start..], values, true);
                    let given = values
                        .get(arg)
                        .and_then(Value::as_str)
                        .is_some_and(|value| !value.is_empty());
                    if given {
                        rendered.push_str(&body);
                    }
                    rest = after;
                }
                _ => {
                    let value = values.get(name).and_then(Value::as_str);
                    rendered.push_str(value.unwrap_or_default());
                    rest = &brace[end + 1..];
                }
            }
        }
    }
    rendered.push_str(rest);
    (rendered, "")
}
