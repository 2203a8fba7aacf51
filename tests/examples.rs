//! The example servers, generated from specs/units.yaml and
//! specs/bookmarks.yaml, built, checked with rustfmt and clippy, and
//! exercised end to end over stdio: every tool, resource, template and
//! prompt, each constraint and the errors they give.

mod common;

use base64::Engine;
use common::{Generated, Server, cargo, generated, repo, scratch};
use serde_json::{Value, json};

fn units() -> &'static Generated {
    generated("units.yaml", "units-server")
}

fn bookmarks() -> &'static Generated {
    generated("bookmarks.yaml", "bookmarks-server")
}

/// A bookmarks server that keeps its bookmarks in memory only.
fn start_bookmarks() -> Server {
    let mut command = std::process::Command::new(&bookmarks().binary);
    command
        .env_remove("BOOKMARKS_STORE")
        .env_remove("BOOKMARKS_MAX");
    start_with(&mut command)
}

fn start_with(command: &mut std::process::Command) -> Server {
    let mut server = Server::spawn_with(command);
    let reply = server.initialize("2025-06-18");
    assert!(reply.get("result").is_some(), "initialize failed: {reply}");
    server.notify("notifications/initialized", json!({}));
    server
}

fn assert_fmt_and_clippy(generated: &Generated) {
    cargo(&generated.dir, &["fmt", "--check"]);
    cargo(
        &generated.dir,
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
    );
}

/// Every tool of `tools/list`, by name.
fn tools(server: &mut Server) -> Vec<Value> {
    server.call("tools/list", json!({}))["tools"]
        .as_array()
        .expect("a tool list")
        .clone()
}

fn tool<'a>(tools: &'a [Value], name: &str) -> &'a Value {
    tools
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no tool {name} in {tools:?}"))
}

/// A schema, which must be written out in full: several clients do not
/// resolve `$ref`.
fn inline(schema: &Value) -> &Value {
    assert!(
        schema.get("$ref").is_none() && schema.get("anyOf").is_none(),
        "not inlined: {schema}"
    );
    schema
}

/// The schema of a property of a tool's input or output schema.
fn property<'a>(schema: &'a Value, name: &str) -> &'a Value {
    assert!(schema.get("$defs").is_none(), "$defs in {schema}");
    inline(&schema["properties"][name])
}

/// Calls a tool, returning its whole result.
fn call_tool(server: &mut Server, name: &str, arguments: Value) -> Value {
    server.call(
        "tools/call",
        json!({ "name": name, "arguments": arguments }),
    )
}

/// Asserts that a tool call is refused with a message holding each of `expected`.
fn assert_tool_error(server: &mut Server, name: &str, arguments: Value, expected: &[&str]) {
    let (text, is_error) = server.tool(name, arguments.clone());
    assert!(is_error, "{name} {arguments}: not an error: {text}");
    for part in expected {
        assert!(
            text.contains(part),
            "{name} {arguments}: expected `{part}` in `{text}`"
        );
    }
}

/// Reads a resource that must fail, returning the JSON-RPC error.
fn read_error(server: &mut Server, uri: &str) -> Value {
    let reply = server.request("resources/read", json!({ "uri": uri }));
    reply
        .get("error")
        .unwrap_or_else(|| panic!("{uri}: not an error: {reply}"))
        .clone()
}

fn complete(server: &mut Server, reference: Value, argument: &str, value: &str) -> Value {
    server.call(
        "completion/complete",
        json!({ "ref": reference, "argument": { "name": argument, "value": value } }),
    )["completion"]["values"]
        .clone()
}

fn messages(result: &Value) -> Vec<(String, String)> {
    result["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            assert_eq!(m["content"]["type"], "text", "{m}");
            (
                m["role"].as_str().unwrap().to_owned(),
                m["content"]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

// The unit converter.

#[test]
fn units_crate_passes_fmt_and_clippy() {
    assert_fmt_and_clippy(units());
}

#[test]
fn units_tools_declare_their_constraints_and_output() {
    let mut server = Server::start(&units().binary, &[]);
    let info = server.initialize_result();
    assert_eq!(info["serverInfo"]["name"], "units-server");
    assert_eq!(info["serverInfo"]["title"], "Unit converter");
    for capability in ["tools", "resources", "prompts", "completions"] {
        assert!(info["capabilities"].get(capability).is_some(), "{info}");
    }

    let tools = tools(&mut server);
    assert_eq!(tools.len(), 3);
    let convert = tool(&tools, "convert");
    assert_eq!(convert["title"], "Convert a quantity");
    assert_eq!(
        convert["annotations"],
        json!({ "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false })
    );
    let input = &convert["inputSchema"];
    assert_eq!(input["required"], json!(["quantity", "to"]));
    // A named type is a nested object schema, with its own constraints.
    let quantity = property(input, "quantity");
    assert_eq!(quantity["type"], "object");
    assert_eq!(quantity["required"], json!(["value", "unit"]));
    let value = &quantity["properties"]["value"];
    assert_eq!(value["type"], "number");
    assert_eq!(value["minimum"], json!(-1.0e12));
    assert_eq!(value["maximum"], json!(1.0e12));
    let unit = inline(&quantity["properties"]["unit"]);
    assert_eq!(unit["enum"].as_array().unwrap().len(), 16);
    assert_eq!(unit["enum"][0], "mm");
    let to = property(input, "to");
    assert_eq!(to["type"], "string");
    assert_eq!(to["enum"], unit["enum"]);
    let precision = property(input, "precision");
    assert_eq!(precision["type"], "integer");
    assert_eq!(precision["minimum"], 0);
    assert_eq!(precision["maximum"], 12);
    assert_eq!(precision["default"], 4);
    // Structured output: the schema of the `Conversion` type.
    let output = &convert["outputSchema"];
    assert_eq!(output["type"], "object");
    assert_eq!(output["required"], json!(["from", "value", "unit"]));
    assert_eq!(property(output, "from")["type"], "object");
    assert_eq!(property(output, "value")["type"], "number");
    assert_eq!(property(output, "unit")["type"], "string");

    let add = tool(&tools, "add_quantities");
    assert_eq!(add["title"], "Add quantities");
    let input = &add["inputSchema"];
    assert_eq!(input["required"], json!(["quantities"]));
    let quantities = &input["properties"]["quantities"];
    assert_eq!(quantities["type"], "array");
    assert_eq!(quantities["minItems"], 2);
    assert_eq!(quantities["maxItems"], 20);
    assert_eq!(inline(&quantities["items"])["type"], "object");
    // An optional enum: the enum, not required, and no null in its schema.
    let optional_unit = property(input, "unit");
    assert_eq!(optional_unit["type"], "string");
    assert_eq!(optional_unit["enum"][15], "K");
    assert!(optional_unit.get("default").is_none(), "{optional_unit}");
    assert!(add.get("outputSchema").is_none(), "{add}");

    let calculate = tool(&tools, "calculate");
    let input = &calculate["inputSchema"];
    assert_eq!(input["required"], json!(["values"]));
    let operation = property(input, "operation");
    assert_eq!(
        operation["enum"],
        json!(["sum", "product", "mean", "min", "max"])
    );
    assert_eq!(input["properties"]["operation"]["default"], "sum");
    let values = &input["properties"]["values"];
    assert_eq!(values["minItems"], 1);
    assert_eq!(values["maxItems"], 100);
    assert_eq!(values["items"]["type"], "number");
    assert_eq!(values["items"]["minimum"], json!(-1.0e9));
    assert_eq!(values["items"]["maximum"], json!(1.0e9));
    let decimals = &input["properties"]["decimals"];
    assert_eq!(decimals["type"], "integer");
    assert!(decimals.get("format").is_none(), "{decimals}");
    assert_eq!(decimals["minimum"], 0);
    assert_eq!(decimals["maximum"], 12);
}

#[test]
fn units_tools_compute() {
    let mut server = Server::start(&units().binary, &[]);
    // Structured output: the typed data, and the same as a text block.
    let result = call_tool(
        &mut server,
        "convert",
        json!({ "quantity": { "value": 5, "unit": "km" }, "to": "mi" }),
    );
    let expected = json!({ "from": { "value": 5.0, "unit": "km" }, "value": 3.1069, "unit": "mi" });
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(result["structuredContent"], expected);
    assert_eq!(result["content"][0]["type"], "text");
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, expected);

    let result = call_tool(
        &mut server,
        "convert",
        json!({ "quantity": { "value": 100, "unit": "C" }, "to": "F", "precision": 1 }),
    );
    assert_eq!(result["structuredContent"]["value"], 212.0);
    let result = call_tool(
        &mut server,
        "convert",
        json!({ "quantity": { "value": 1, "unit": "lb" }, "to": "g", "precision": 0 }),
    );
    assert_eq!(result["structuredContent"]["value"], 454.0);

    assert_eq!(
        server.tool(
            "add_quantities",
            json!({ "quantities": [{ "value": 1, "unit": "mi" }, { "value": 300, "unit": "m" }], "unit": "km" })
        ),
        ("1.909344 km".into(), false)
    );
    assert_eq!(
        server.tool(
            "add_quantities",
            json!({ "quantities": [{ "value": 1, "unit": "kg" }, { "value": 500, "unit": "g" }] })
        ),
        ("1.5 kg".into(), false)
    );

    assert_eq!(
        server.tool("calculate", json!({ "values": [1, 2, 3.5] })),
        ("6.5".into(), false)
    );
    for (operation, expected) in [
        ("product", "-7"),
        ("mean", "2.333"),
        ("min", "-1"),
        ("max", "7"),
    ] {
        assert_eq!(
            server.tool(
                "calculate",
                json!({ "operation": operation, "values": [1, -1, 7], "decimals": 3 })
            ),
            (expected.into(), false),
            "{operation}"
        );
    }

    // Errors from the handler itself.
    assert_tool_error(
        &mut server,
        "convert",
        json!({ "quantity": { "value": 1, "unit": "kg" }, "to": "m" }),
        &["cannot convert a mass to m"],
    );
    assert_tool_error(
        &mut server,
        "convert",
        json!({ "quantity": { "value": -300, "unit": "C" }, "to": "K" }),
        &["below absolute zero"],
    );
    assert_tool_error(
        &mut server,
        "calculate",
        json!({ "operation": "product", "values": vec![1.0e9; 40] }),
        &["too large"],
    );
}

#[test]
fn units_constraints_are_checked_before_the_handler_runs() {
    let mut server = Server::start(&units().binary, &[]);
    let km = json!({ "value": 1, "unit": "km" });
    for (tool, arguments, expected) in [
        (
            "convert",
            json!({ "quantity": km, "to": "m", "precision": 13 }),
            vec!["`precision`", "between 0 and 12", "not 13"],
        ),
        (
            "convert",
            json!({ "quantity": km, "to": "m", "precision": -1 }),
            vec!["`precision`", "between 0 and 12"],
        ),
        (
            "convert",
            json!({ "quantity": { "value": 2.0e12, "unit": "m" }, "to": "km" }),
            vec![
                "`quantity.value`",
                "between -1000000000000 and 1000000000000",
            ],
        ),
        (
            "convert",
            json!({ "quantity": km, "to": "furlong" }),
            vec!["unknown variant `furlong`"],
        ),
        (
            "add_quantities",
            json!({ "quantities": [km] }),
            vec!["`quantities`", "between 2 and 20 items", "not 1"],
        ),
        (
            "add_quantities",
            json!({ "quantities": vec![km.clone(); 21] }),
            vec!["`quantities`", "between 2 and 20 items", "not 21"],
        ),
        (
            "add_quantities",
            json!({ "quantities": [km, { "value": -5.0e12, "unit": "m" }] }),
            vec!["`quantities[1].value`", "between"],
        ),
        (
            "calculate",
            json!({ "values": [] }),
            vec!["`values`", "between 1 and 100 items", "not 0"],
        ),
        (
            "calculate",
            json!({ "values": [1, 2, 3.0e9] }),
            vec![
                "`values[2]`",
                "between -1000000000 and 1000000000",
                "not 3000000000",
            ],
        ),
        (
            "calculate",
            json!({ "values": [1], "decimals": 20 }),
            vec!["`decimals`", "between 0 and 12", "not 20"],
        ),
        (
            "calculate",
            json!({ "operation": "median", "values": [1] }),
            vec!["unknown variant `median`"],
        ),
    ] {
        assert_tool_error(&mut server, tool, arguments, &expected);
    }
}

#[test]
fn units_resources_are_fixed_text_and_an_embedded_file() {
    let mut server = Server::start(&units().binary, &[]);
    let resources = server.call("resources/list", json!({}))["resources"].clone();
    assert_eq!(
        resources,
        json!([
            {
                "uri": "units://help",
                "name": "help",
                "title": "How to use the unit converter",
                "description": "A short guide to the tools.",
                "mimeType": "text/plain"
            },
            {
                "uri": "units://table",
                "name": "table",
                "title": "Unit table",
                "description": "Every supported unit, its dimension and its factor.",
                "mimeType": "text/markdown"
            }
        ])
    );
    let templates = server.call("resources/templates/list", json!({}));
    assert_eq!(templates["resourceTemplates"], json!([]));

    assert!(
        server
            .read("units://help")
            .starts_with("convert: one quantity to another unit")
    );
    let table = std::fs::read_to_string(repo().join("specs/units-table.md")).unwrap();
    let result = server.call("resources/read", json!({ "uri": "units://table" }));
    assert_eq!(result["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(result["contents"][0]["text"], table);

    let error = read_error(&mut server, "units://nothing");
    assert_eq!(error["code"], -32002, "{error}");
}

#[test]
fn units_prompt_has_several_messages_and_an_optional_argument() {
    let mut server = Server::start(&units().binary, &[]);
    let prompts = server.call("prompts/list", json!({}))["prompts"].clone();
    assert_eq!(prompts.as_array().unwrap().len(), 1);
    assert_eq!(prompts[0]["name"], "explain_conversion");
    assert_eq!(prompts[0]["title"], "Explain a conversion");
    let arguments: Vec<(&str, bool)> = prompts[0]["arguments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["required"] == true))
        .collect();
    assert_eq!(
        arguments,
        [("quantity", true), ("to", true), ("audience", false)]
    );

    let get = |server: &mut Server, arguments: Value| {
        messages(&server.call(
            "prompts/get",
            json!({ "name": "explain_conversion", "arguments": arguments }),
        ))
    };
    let without = get(&mut server, json!({ "quantity": "5 km", "to": "mi" }));
    let roles: Vec<&str> = without.iter().map(|(role, _)| role.as_str()).collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
    assert_eq!(without[0].1, "How much is 5 km in mi?");
    assert!(without[1].1.starts_with("I will get the exact figure"));
    assert_eq!(without[2].1, "Please show each step. Audience, if any: ");
    let with = get(
        &mut server,
        json!({ "quantity": "5 km", "to": "mi", "audience": "a {curious} child" }),
    );
    assert_eq!(
        with[2].1,
        "Please show each step. Audience, if any: a {curious} child"
    );
    assert_eq!(with[..2], without[..2]);

    let reply = server.request(
        "prompts/get",
        json!({ "name": "explain_conversion", "arguments": { "quantity": "5 km" } }),
    );
    assert!(reply.get("error").is_some(), "`to` is required: {reply}");
}

#[test]
fn units_prompt_argument_completes_from_its_enum() {
    let mut server = Server::start(&units().binary, &[]);
    let prompt = json!({ "type": "ref/prompt", "name": "explain_conversion" });
    // Case-insensitive, in the spec's order.
    assert_eq!(
        complete(&mut server, prompt.clone(), "to", "k"),
        json!(["km", "kg", "K"])
    );
    assert_eq!(
        complete(&mut server, prompt.clone(), "to", "")
            .as_array()
            .unwrap()
            .len(),
        16
    );
    assert_eq!(complete(&mut server, prompt.clone(), "to", "x"), json!([]));
    // An argument without values completes to nothing.
    assert_eq!(complete(&mut server, prompt, "quantity", "5"), json!([]));
}

// The bookmark manager.

#[test]
fn bookmarks_crate_passes_fmt_and_clippy() {
    assert_fmt_and_clippy(bookmarks());
}

#[test]
fn bookmarks_tools_declare_formats_patterns_and_lengths() {
    let mut server = start_bookmarks();
    let tools = tools(&mut server);
    assert_eq!(tools.len(), 3);

    let add = tool(&tools, "add_bookmark");
    assert_eq!(add["title"], "Add a bookmark");
    assert_eq!(
        add["annotations"],
        json!({ "readOnlyHint": false, "destructiveHint": false, "idempotentHint": false, "openWorldHint": false })
    );
    let input = &add["inputSchema"];
    assert_eq!(input["required"], json!(["url", "title"]));
    let url = property(input, "url");
    assert_eq!(url["format"], "uri");
    assert_eq!(url["maxLength"], 2048);
    let title = property(input, "title");
    assert_eq!(title["minLength"], 1);
    assert_eq!(title["maxLength"], 200);
    let folder = property(input, "folder");
    assert_eq!(folder["pattern"], "^[A-Za-z0-9][A-Za-z0-9 _-]*$");
    assert_eq!(folder["maxLength"], 40);
    assert_eq!(folder["default"], "inbox");
    let tags = property(input, "tags");
    assert_eq!(tags["maxItems"], 10);
    assert_eq!(tags["default"], json!([]));
    assert_eq!(tags["items"]["pattern"], "^[a-z0-9][a-z0-9-]*$");
    assert_eq!(tags["items"]["maxLength"], 32);
    assert_eq!(property(input, "added")["format"], "date-time");
    assert_eq!(property(input, "added_by")["format"], "email");
    let output = &add["outputSchema"];
    assert_eq!(
        output["required"],
        json!(["id", "url", "title", "folder", "tags"])
    );
    assert_eq!(property(output, "id")["type"], "integer");
    assert_eq!(property(output, "url")["format"], "uri");
    assert_eq!(property(output, "added")["format"], "date-time");

    let search = tool(&tools, "search_bookmarks");
    assert_eq!(search["annotations"]["readOnlyHint"], true);
    let input = &search["inputSchema"];
    assert!(
        input.get("required").is_none_or(|r| r == &json!([])),
        "{input}"
    );
    assert_eq!(property(input, "tag")["pattern"], "^[a-z0-9][a-z0-9-]*$");
    let limit = property(input, "limit");
    assert_eq!(
        (&limit["minimum"], &limit["maximum"], &limit["default"]),
        (&json!(1), &json!(100), &json!(20))
    );

    let delete = tool(&tools, "delete_bookmark");
    assert_eq!(delete["annotations"]["destructiveHint"], true);
    assert_eq!(property(&delete["inputSchema"], "id")["minimum"], 1);
}

/// Adds a bookmark, returning its structured content.
fn add(server: &mut Server, arguments: Value) -> Value {
    let result = call_tool(server, "add_bookmark", arguments);
    assert_eq!(result["isError"], false, "{result}");
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, result["structuredContent"]);
    result["structuredContent"].clone()
}

#[test]
fn bookmarks_are_added_searched_and_deleted() {
    let mut server = start_bookmarks();
    let rust = add(
        &mut server,
        json!({
            "url": "https://www.rust-lang.org",
            "title": "Rust",
            "tags": ["lang", "rust"],
            "added": "2025-06-18T09:30:00+02:00",
            "added_by": "ann@example.com"
        }),
    );
    assert_eq!(
        rust,
        json!({
            "id": 1,
            "url": "https://www.rust-lang.org",
            "title": "Rust",
            "folder": "inbox",
            "tags": ["lang", "rust"],
            "added": "2025-06-18T09:30:00+02:00",
            "added_by": "ann@example.com"
        })
    );
    // Optional fields that are absent are left out.
    let docs = add(
        &mut server,
        json!({ "url": "https://docs.rs", "title": "Docs, \"all\" of them", "folder": "reading list" }),
    );
    assert_eq!(
        docs,
        json!({ "id": 2, "url": "https://docs.rs", "title": "Docs, \"all\" of them", "folder": "reading list", "tags": [] })
    );
    add(
        &mut server,
        json!({ "url": "https://crates.io", "title": "Crates", "tags": ["rust"] }),
    );
    assert_tool_error(
        &mut server,
        "add_bookmark",
        json!({ "url": "https://docs.rs", "title": "Again", "folder": "reading list" }),
        &["already saved in `reading list` as bookmark 2"],
    );

    let search = |server: &mut Server, arguments: Value| server.tool("search_bookmarks", arguments);
    assert_eq!(
        search(&mut server, json!({ "query": "RUST" })),
        (
            "#1 [inbox] Rust <https://www.rust-lang.org> #lang #rust".into(),
            false
        )
    );
    assert_eq!(
        search(&mut server, json!({ "tag": "rust" })).0,
        "#1 [inbox] Rust <https://www.rust-lang.org> #lang #rust\n#3 [inbox] Crates <https://crates.io> #rust"
    );
    assert_eq!(
        search(&mut server, json!({ "folder": "reading list" })).0,
        "#2 [reading list] Docs, \"all\" of them <https://docs.rs>"
    );
    assert_eq!(
        search(&mut server, json!({ "limit": 1 })).0.lines().count(),
        1
    );
    assert_eq!(
        search(&mut server, json!({ "query": "python" })),
        ("No bookmarks match.".into(), false)
    );

    assert_eq!(
        server.tool("delete_bookmark", json!({ "id": 1 })),
        ("Deleted bookmark 1.".into(), false)
    );
    assert_eq!(
        server.tool("delete_bookmark", json!({ "id": 1 })),
        ("There is no bookmark 1.".into(), false)
    );
    assert_eq!(search(&mut server, json!({})).0.lines().count(), 2);
}

#[test]
fn bookmarks_constraints_are_checked_before_the_handler_runs() {
    let mut server = start_bookmarks();
    let base = json!({ "url": "https://example.com", "title": "Example" });
    let with = |key: &str, value: Value| {
        let mut arguments = base.clone();
        arguments[key] = value;
        arguments
    };
    for (arguments, expected) in [
        (
            with("url", json!("example.com/no-scheme")),
            vec!["`url`", "absolute URI"],
        ),
        (
            with("url", json!(format!("https://x.org/{}", "a".repeat(2048)))),
            vec!["`url`", "at most 2048 characters", "not 2062"],
        ),
        (
            with("title", json!("")),
            vec!["`title`", "between 1 and 200 characters", "not 0"],
        ),
        (
            with("title", json!("é".repeat(201))),
            vec!["`title`", "not 201"],
        ),
        (
            with("folder", json!("../etc")),
            vec![
                "`folder`",
                "must match the pattern `^[A-Za-z0-9][A-Za-z0-9 _-]*$`",
            ],
        ),
        (
            with("folder", json!("f".repeat(41))),
            vec!["`folder`", "at most 40 characters"],
        ),
        (
            with("tags", json!(["ok", "Not OK"])),
            vec!["`tags[1]`", "must match the pattern `^[a-z0-9][a-z0-9-]*$`"],
        ),
        (
            with("tags", json!(["t".repeat(33)])),
            vec!["`tags[0]`", "at most 32 characters"],
        ),
        (
            with(
                "tags",
                json!(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]),
            ),
            vec!["`tags`", "at most 10 items", "not 11"],
        ),
        (
            with("added", json!("2025-06-18")),
            vec!["`added`", "date and time"],
        ),
        (
            with("added", json!("2025-13-01T00:00:00Z")),
            vec!["`added`", "date and time"],
        ),
        (
            with("added_by", json!("ann at example.com")),
            vec!["`added_by`", "email address"],
        ),
    ] {
        assert_tool_error(&mut server, "add_bookmark", arguments, &expected);
    }
    assert_tool_error(
        &mut server,
        "search_bookmarks",
        json!({ "tag": "Rust" }),
        &["`tag`", "must match the pattern"],
    );
    assert_tool_error(
        &mut server,
        "search_bookmarks",
        json!({ "limit": 101 }),
        &["`limit`", "between 1 and 100", "not 101"],
    );
    assert_tool_error(
        &mut server,
        "delete_bookmark",
        json!({ "id": 0 }),
        &["`id`", "at least 1", "not 0"],
    );
    // None of them reached the handler.
    assert_eq!(
        server.tool("search_bookmarks", json!({})),
        ("No bookmarks match.".into(), false)
    );
}

#[test]
fn bookmarks_resources_and_templates_are_read() {
    let mut server = start_bookmarks();
    let resources = server.call("resources/list", json!({}))["resources"].clone();
    let listed: Vec<(&str, &str)> = resources
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["uri"].as_str().unwrap(), r["mimeType"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [
            ("bookmarks://all", "text/markdown"),
            ("bookmarks://icon.png", "image/png")
        ]
    );
    let templates = server.call("resources/templates/list", json!({}))["resourceTemplates"].clone();
    assert_eq!(
        templates,
        json!([
            {
                "uriTemplate": "bookmarks://{folder}/{id}",
                "name": "bookmark",
                "title": "A bookmark",
                "description": "One bookmark as JSON, addressed by its folder and id.",
                "mimeType": "application/json"
            },
            {
                "uriTemplate": "bookmarks://export.{format}",
                "name": "export",
                "title": "Export",
                "description": "Every bookmark in a file format other tools import.",
                "mimeType": "text/plain"
            }
        ])
    );

    // The binary file is a base64 blob of exactly its bytes.
    let icon = server.call("resources/read", json!({ "uri": "bookmarks://icon.png" }));
    let contents = &icon["contents"][0];
    assert_eq!(contents["mimeType"], "image/png");
    assert!(contents.get("text").is_none(), "{icon}");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(contents["blob"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        bytes,
        std::fs::read(repo().join("specs/bookmarks-icon.png")).unwrap()
    );

    assert_eq!(server.read("bookmarks://all"), "No bookmarks yet.");
    add(
        &mut server,
        json!({ "url": "https://www.rust-lang.org", "title": "Rust" }),
    );
    add(
        &mut server,
        json!({ "url": "https://docs.rs", "title": "Docs, \"all\"", "folder": "reading list", "tags": ["docs", "rust"] }),
    );
    assert_eq!(
        server.read("bookmarks://all"),
        "## inbox\n- [Rust](https://www.rust-lang.org) (#1)\n## reading list\n- [Docs, \"all\"](https://docs.rs) (#2)\n"
    );

    // Two variables, percent-decoded, one of them an integer.
    let result = server.call(
        "resources/read",
        json!({ "uri": "bookmarks://reading%20list/2" }),
    );
    assert_eq!(result["contents"][0]["uri"], "bookmarks://reading%20list/2");
    assert_eq!(result["contents"][0]["mimeType"], "application/json");
    let bookmark: Value =
        serde_json::from_str(result["contents"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(bookmark["title"], "Docs, \"all\"");
    assert_eq!(bookmark["folder"], "reading list");
    let inbox: Value = serde_json::from_str(&server.read("bookmarks://inbox/1")).unwrap();
    assert_eq!(inbox["url"], "https://www.rust-lang.org");

    // An enum variable.
    assert_eq!(
        server.read("bookmarks://export.csv"),
        "id,folder,title,url,tags\n1,inbox,Rust,https://www.rust-lang.org,\n2,reading list,\"Docs, \"\"all\"\"\",https://docs.rs,docs rust\n"
    );
    let html = server.read("bookmarks://export.html");
    assert!(
        html.starts_with("<!DOCTYPE NETSCAPE-Bookmark-file-1>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<DT><A HREF=\"https://docs.rs\" TAGS=\"docs,rust\">Docs, &quot;all&quot;</A>"
        ),
        "{html}"
    );
    assert_eq!(
        server.read("bookmarks://export.md"),
        server.read("bookmarks://all")
    );

    for (uri, code, message) in [
        // Variables of the wrong type or outside their constraints.
        (
            "bookmarks://inbox/one",
            -32602,
            "`id` must be an integer, not `one`",
        ),
        (
            "bookmarks://inbox/0",
            -32602,
            "`id` must be at least 1, not 0",
        ),
        (
            "bookmarks://in.box/1",
            -32602,
            "`folder` must match the pattern",
        ),
        (
            "bookmarks://export.pdf",
            -32602,
            "`format` must be one of csv, html, md, not `pdf`",
        ),
        ("bookmarks://inbox/%zz", -32602, "bad percent-encoding"),
        // Matches a template, but names no bookmark.
        (
            "bookmarks://inbox/2",
            -32002,
            "there is no bookmark 2 in `inbox`",
        ),
        ("bookmarks://inbox/99", -32002, "there is no bookmark 99"),
        // Matches nothing.
        ("bookmarks://inbox", -32002, "no resource matches"),
        ("bookmarks://a/b/1", -32002, "no resource matches"),
        ("other://all", -32002, "no resource matches"),
    ] {
        let error = read_error(&mut server, uri);
        assert_eq!(error["code"], code, "{uri}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains(message),
            "{uri}: {error}"
        );
    }
}

#[test]
fn bookmarks_prompt_is_built_by_the_handler() {
    let mut server = start_bookmarks();
    let prompts = server.call("prompts/list", json!({}))["prompts"].clone();
    assert_eq!(
        prompts,
        json!([{
            "name": "review_folder",
            "title": "Review a folder",
            "description": "Review the bookmarks of a folder, to tidy them up.",
            "arguments": [
                { "name": "folder", "description": "The folder to review.", "required": true },
                { "name": "goal", "description": "What the review is for, e.g. `find duplicates`.", "required": false }
            ]
        }])
    );
    add(
        &mut server,
        json!({ "url": "https://docs.rs", "title": "Docs", "folder": "reading list", "tags": ["rust"] }),
    );

    let get = |server: &mut Server, arguments: Value| {
        server.request(
            "prompts/get",
            json!({ "name": "review_folder", "arguments": arguments }),
        )
    };
    let without = messages(&get(&mut server, json!({ "folder": "reading list" }))["result"]);
    assert_eq!(
        without,
        [
            (
                "user".to_owned(),
                "These are the bookmarks in the folder `reading list`:\n\n#1 [reading list] Docs <https://docs.rs> #rust".to_owned()
            ),
            (
                "assistant".to_owned(),
                "I have read them. What should the review focus on?".to_owned()
            ),
            (
                "user".to_owned(),
                "Point out duplicates, links that look stale, and tags that are missing.".to_owned()
            ),
        ]
    );
    let with = messages(
        &get(
            &mut server,
            json!({ "folder": "reading list", "goal": "Find duplicates." }),
        )["result"],
    );
    assert_eq!(with[2], ("user".to_owned(), "Find duplicates.".to_owned()));

    // A handler error is a JSON-RPC error.
    let reply = get(&mut server, json!({ "folder": "empty" }));
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the folder `empty` has no bookmarks")
    );
    let reply = get(&mut server, json!({}));
    assert!(
        reply.get("error").is_some(),
        "`folder` is required: {reply}"
    );
}

#[test]
fn bookmarks_complete_folders_from_the_handler_and_formats_from_the_enum() {
    let mut server = start_bookmarks();
    for (url, folder) in [
        ("https://a.org", "reading list"),
        ("https://b.org", "recipes"),
        ("https://c.org", "reading list"),
        ("https://d.org", "work"),
    ] {
        add(
            &mut server,
            json!({ "url": url, "title": "t", "folder": folder }),
        );
    }
    let template = json!({ "type": "ref/resource", "uri": "bookmarks://{folder}/{id}" });
    assert_eq!(
        complete(&mut server, template.clone(), "folder", "re"),
        json!(["reading list", "recipes"])
    );
    assert_eq!(
        complete(&mut server, template.clone(), "folder", "w"),
        json!(["work"])
    );
    assert_eq!(complete(&mut server, template, "id", "1"), json!([]));
    let prompt = json!({ "type": "ref/prompt", "name": "review_folder" });
    assert_eq!(
        complete(&mut server, prompt, "folder", ""),
        json!(["reading list", "recipes", "work"])
    );
    let export = json!({ "type": "ref/resource", "uri": "bookmarks://export.{format}" });
    assert_eq!(
        complete(&mut server, export.clone(), "format", "H"),
        json!(["html"])
    );
    assert_eq!(
        complete(&mut server, export, "format", ""),
        json!(["csv", "html", "md"])
    );
}

#[test]
fn bookmarks_settings_come_from_flags_and_the_environment() {
    // An integer setting from its environment variable.
    let mut command = std::process::Command::new(&bookmarks().binary);
    command
        .env("BOOKMARKS_MAX", "2")
        .env_remove("BOOKMARKS_STORE");
    let mut server = start_with(&mut command);
    add(&mut server, json!({ "url": "https://a.org", "title": "a" }));
    add(&mut server, json!({ "url": "https://b.org", "title": "b" }));
    assert_tool_error(
        &mut server,
        "add_bookmark",
        json!({ "url": "https://c.org", "title": "c" }),
        &["the limit of 2 bookmarks is reached"],
    );
    server.close();

    // The optional store keeps bookmarks across restarts.
    let dir = scratch();
    let store = dir.path().join("bookmarks.json");
    let store = store.to_str().unwrap();
    let mut server = Server::start(&bookmarks().binary, &["--store", store]);
    add(
        &mut server,
        json!({ "url": "https://a.org", "title": "kept", "tags": ["x"] }),
    );
    server.close();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(store).unwrap()).unwrap();
    assert_eq!(saved[0]["title"], "kept");
    let mut command = std::process::Command::new(&bookmarks().binary);
    command.env("BOOKMARKS_STORE", store);
    let mut server = start_with(&mut command);
    assert_eq!(
        server.tool("search_bookmarks", json!({})),
        ("#1 [inbox] kept <https://a.org> #x".into(), false)
    );
    // Ids go on from the saved ones.
    let next = add(
        &mut server,
        json!({ "url": "https://b.org", "title": "next" }),
    );
    assert_eq!(next["id"], 2);

    let help = std::process::Command::new(&bookmarks().binary)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for text in [
        "--store",
        "BOOKMARKS_STORE",
        "--max-bookmarks",
        "BOOKMARKS_MAX",
        "10000",
    ] {
        assert!(help.contains(text), "`{text}` in {help}");
    }
}

// A spec at the edges: one resource, served as bytes by a handler.

#[test]
fn a_single_dynamic_binary_resource_builds_lint_free_and_serves_a_blob() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("bytes.yaml"),
        r#"mcpgen: 1
server: { name: bytes-server, version: 0.1.0, description: Serves bytes. }
handlers: bytes.rs
resources:
  - uri: bytes://all
    name: all_bytes
    description: Every byte value, in order.
    mime_type: application/octet-stream
    binary: true
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bytes.rs"),
        r#"use crate::{Error, Handler, Settings};

pub struct App;

impl Handler for App {
    fn new(_settings: &Settings) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn all_bytes(&self) -> Result<Vec<u8>, Error> {
        Ok((0..=255).collect())
    }
}
"#,
    )
    .unwrap();
    let out = dir.path().join("bytes-server");
    common::mcpgen()
        .arg("new")
        .arg(dir.path().join("bytes.yaml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let generated = Generated {
        binary: common::build(&out, "bytes-server"),
        dir: out,
    };
    assert_fmt_and_clippy(&generated);
    let mut server = Server::start(&generated.binary, &[]);
    let result = server.call("resources/read", json!({ "uri": "bytes://all" }));
    let contents = &result["contents"][0];
    assert_eq!(contents["mimeType"], "application/octet-stream");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(contents["blob"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, (0..=255).collect::<Vec<u8>>());
    assert_eq!(read_error(&mut server, "bytes://none")["code"], -32002);
}
