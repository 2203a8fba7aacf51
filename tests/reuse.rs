//! A spec that says things once (a shared enum, `x-` anchors, merge keys)
//! serves exactly what the same spec written out in full serves: both are
//! generated, built and driven over stdio with the same requests, and every
//! reply must be the same bytes.
//!
//! The one allowed difference is the name of the enum's schema: the compact
//! spec has one Rust enum, `Unit`, where the expanded one has an enum per
//! use, so schemas that point at their enums with `$ref` name different
//! `$defs`. `tools/list` is compared byte for byte when it has no `$ref`,
//! and otherwise with each `$ref` replaced by what it points at.

mod common;

use common::{Server, assert_lint_clean, build, generate, repo, scratch};
use serde_json::{Map, Value, json};

/// The requests both servers get, after the handshake.
fn requests() -> Vec<(&'static str, Value)> {
    let template = json!({ "type": "ref/resource", "uri": "lengths://{unit}/{digits}" });
    let prompt = json!({ "type": "ref/prompt", "name": "explain" });
    let complete = |reference: &Value, name: &str, value: &str| json!({ "ref": reference, "argument": { "name": name, "value": value } });
    let call = |name: &str, arguments: Value| json!({ "name": name, "arguments": arguments });
    vec![
        ("tools/list", json!({})),
        ("resources/templates/list", json!({})),
        ("prompts/list", json!({})),
        ("completion/complete", complete(&template, "unit", "m")),
        ("completion/complete", complete(&template, "unit", "")),
        ("completion/complete", complete(&prompt, "to", "k")),
        ("completion/complete", complete(&prompt, "audience", "a")),
        // Valid arguments reach the handler, a stub that answers an error.
        (
            "tools/call",
            call(
                "convert",
                json!({ "length": { "value": 3.5, "unit": "km" }, "to": "m", "via": ["mm"] }),
            ),
        ),
        // Arguments that break the schema never do.
        (
            "tools/call",
            call(
                "convert",
                json!({ "length": { "value": 3.5, "unit": "furlong" }, "to": "m" }),
            ),
        ),
        (
            "tools/call",
            call(
                "convert",
                json!({ "length": { "value": -1, "unit": "m" }, "to": "m" }),
            ),
        ),
        (
            "tools/call",
            call(
                "convert",
                json!({ "length": { "value": 1, "unit": "m" }, "to": "m", "precision": 7 }),
            ),
        ),
        ("tools/call", call("scale", json!({ "factor": 101 }))),
        (
            "tools/call",
            call("scale", json!({ "factor": 2, "unit": "mi" })),
        ),
        (
            "tools/call",
            call("scale", json!({ "factor": 2, "unit": "mm" })),
        ),
        ("resources/read", json!({ "uri": "lengths://km/3" })),
        ("resources/read", json!({ "uri": "lengths://furlong/3" })),
        ("resources/read", json!({ "uri": "lengths://km/9" })),
        (
            "prompts/get",
            json!({ "name": "explain", "arguments": { "to": "km" } }),
        ),
        (
            "prompts/get",
            json!({ "name": "explain", "arguments": { "to": "km", "audience": "a child" } }),
        ),
        (
            "prompts/get",
            json!({ "name": "explain", "arguments": { "to": "km", "audience": "" } }),
        ),
    ]
}

/// Generates, lints and builds the crate of `tests/reuse/<spec>.yaml`,
/// then sends it every request; returns the lines it wrote to stdout.
fn transcript(spec: &str, dir: &std::path::Path) -> Vec<String> {
    let out = dir.join(spec);
    generate(
        &repo().join("tests/reuse").join(format!("{spec}.yaml")),
        &out,
    );
    assert_lint_clean(&out);
    let binary = build(&out, "reuse-server");
    let mut server = Server::start(&binary, &[]);
    for (method, params) in requests() {
        let reply = server.request(method, params);
        assert!(
            reply.get("result").is_some() || reply.get("error").is_some(),
            "{method}: {reply}"
        );
    }
    let transcript = server.transcript.clone();
    server.close();
    transcript
}

/// `schema` with every `#/$defs/..` reference replaced by its target, the
/// reference's own keys winning, and `$defs` dropped.
fn inline(value: &Value, defs: &Map<String, Value>) -> Value {
    match value {
        Value::Object(map) => {
            let defs = match map.get("$defs") {
                Some(Value::Object(own)) => own,
                _ => defs,
            };
            let mut out = Map::new();
            if let Some(Value::String(reference)) = map.get("$ref") {
                let name = reference
                    .strip_prefix("#/$defs/")
                    .unwrap_or_else(|| panic!("a local reference: {reference}"));
                let target = defs
                    .get(name)
                    .unwrap_or_else(|| panic!("`{name}` is under $defs"));
                if let Value::Object(target) = inline(target, defs) {
                    out.extend(target);
                }
            }
            for (key, item) in map {
                if key != "$ref" && key != "$defs" {
                    out.insert(key.clone(), inline(item, defs));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| inline(i, defs)).collect()),
        other => other.clone(),
    }
}

#[test]
fn a_compact_spec_serves_what_its_expanded_form_serves() {
    let dir = scratch();
    let compact = transcript("compact", dir.path());
    let expanded = transcript("expanded", dir.path());
    assert_eq!(compact.len(), expanded.len(), "{compact:#?}\n{expanded:#?}");
    // The handshake and each request got an answer.
    assert_eq!(compact.len(), requests().len() + 1);
    let mut inlined = 0;
    for (compact, expanded) in compact.iter().zip(&expanded) {
        if compact == expanded {
            continue;
        }
        let (a, b): (Value, Value) = (
            serde_json::from_str(compact).unwrap(),
            serde_json::from_str(expanded).unwrap(),
        );
        assert!(
            a["result"].get("tools").is_some(),
            "only tools/list may differ, in its `$defs`:\n{compact}\n{expanded}"
        );
        assert_eq!(inline(&a, &Map::new()), inline(&b, &Map::new()));
        inlined += 1;
    }
    assert!(inlined <= 1);

    // The replies say what the specs mean: one check of each kind.
    let reply = |lines: &[String], needle: &str| -> Value {
        let line = lines
            .iter()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no reply has `{needle}`"));
        serde_json::from_str(line).unwrap()
    };
    let completions = reply(&compact, "\"values\":[\"mm\",\"m\"");
    assert_eq!(
        completions["result"]["completion"]["values"],
        json!(["mm", "m"])
    );
    let with = reply(&compact, "for a child");
    assert_eq!(
        with["result"]["messages"][0]["content"]["text"],
        "Explain how to convert to km for a child."
    );
    let without = reply(&compact, "convert to km.");
    assert_eq!(
        without["result"]["messages"][0]["content"]["text"],
        "Explain how to convert to km."
    );
    let tools = reply(&compact, "inputSchema");
    let tools = inline(&tools, &Map::new());
    let convert = &tools["result"]["tools"][0]["inputSchema"];
    assert_eq!(
        convert["properties"]["to"]["enum"],
        json!(["mm", "m", "km"])
    );
    assert_eq!(convert["properties"]["precision"]["maximum"], 6);
    assert_eq!(
        convert["properties"]["precision"]["description"],
        "Decimal places."
    );
    assert_eq!(convert["properties"]["precision"]["type"], "integer");
    assert!(
        compact
            .iter()
            .any(|line| line.contains("unknown variant `furlong`")),
        "a bad enum value is refused: {compact:#?}"
    );
}
