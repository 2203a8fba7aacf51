//! Client compatibility: the schemas that the example servers, and a server
//! with a type that contains itself, list over stdio are ones every MCP
//! client accepts (see `common::compat`), and `schema_refs: true` keeps
//! references. tests/generality.rs runs the same checks on every spec it
//! generates.

mod common;

use std::{fs, process::Command};

use common::{
    Server, build,
    compat::{Listing, assert_client_compatible},
    generated, mcpgen, notes_server, repo, scratch,
};
use serde_json::{Value, json};

fn tool<'a>(listing: &'a Listing, name: &str) -> &'a Value {
    listing
        .tools
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

#[test]
fn example_servers_list_schemas_every_client_accepts() {
    let dir = scratch();
    let db = dir.path().join("notes.db");
    let mut notes = Server::start(notes_server(), &["--db", db.to_str().unwrap()]);
    let checked = assert_client_compatible(&mut notes, "specs/notes.yaml", false);
    // Four tools' input schemas.
    assert_eq!(checked, 4, "notes");

    let mut units = Server::start(&generated("units.yaml", "units-server").binary, &[]);
    let checked = assert_client_compatible(&mut units, "specs/units.yaml", false);
    // Three input schemas and an output schema.
    assert_eq!(checked, 4, "units");

    let mut command = Command::new(&generated("bookmarks.yaml", "bookmarks-server").binary);
    command
        .env_remove("BOOKMARKS_STORE")
        .env_remove("BOOKMARKS_MAX");
    let mut bookmarks = Server::start_with(&mut command);
    let checked = assert_client_compatible(&mut bookmarks, "specs/bookmarks.yaml", false);
    assert_eq!(checked, 4, "bookmarks");
}

/// An optional parameter's schema no longer admits `null`, but the server
/// still accepts one, as the parameter left out.
#[test]
fn an_explicit_null_still_means_left_out() {
    let mut units = Server::start(&generated("units.yaml", "units-server").binary, &[]);
    let listing = Listing::of(&mut units);
    let decimals = &tool(&listing, "calculate")["inputSchema"]["properties"]["decimals"];
    assert_eq!(decimals["type"], "integer", "{decimals}");
    assert!(decimals.get("default").is_none(), "{decimals}");
    let arguments = json!({ "values": [1.25, 2.5] });
    let (left_out, is_error) = units.tool("calculate", arguments);
    assert!(!is_error, "{left_out}");
    let (null, is_error) = units.tool(
        "calculate",
        json!({ "values": [1.25, 2.5], "decimals": null, "operation": "sum" }),
    );
    assert!(!is_error, "{null}");
    assert_eq!(null, left_out);
}

/// Generates and builds `tests/compat/tree.yaml`, with `schema_refs` set
/// or not, and starts it.
fn tree_server(schema_refs: bool) -> (tempfile::TempDir, Server) {
    let dir = scratch();
    let mut spec = fs::read_to_string(repo().join("tests/compat/tree.yaml")).unwrap();
    if schema_refs {
        spec = spec.replace(
            "  version: 0.1.0\n",
            "  version: 0.1.0\n  schema_refs: true\n",
        );
        assert!(spec.contains("schema_refs"));
    }
    let name = if schema_refs {
        "compat-tree-refs"
    } else {
        "compat-tree"
    };
    let spec = spec.replace("name: compat-tree", &format!("name: {name}"));
    let path = dir.path().join("tree.yaml");
    fs::write(&path, spec).unwrap();
    let crate_dir = dir.path().join(name);
    mcpgen()
        .arg("new")
        .arg(&path)
        .arg("--out")
        .arg(&crate_dir)
        .assert()
        .success();
    let binary = build(&crate_dir, name);
    (dir, Server::start(&binary, &[]))
}

/// A type that contains itself is the one schema left behind a `$ref`,
/// and `mcpgen check` names the clients that fail on it.
#[test]
fn only_a_type_that_contains_itself_keeps_a_ref() {
    let output = mcpgen()
        .arg("check")
        .arg(repo().join("tests/compat/tree.yaml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: the type `Node` contains itself (Node → Node)"),
        "{stderr}"
    );
    for client in ["Claude Desktop", "VS Code Copilot", "Cursor"] {
        assert!(stderr.contains(client), "{client}: {stderr}");
    }
    assert_eq!(stderr.matches("warning: the type").count(), 1, "{stderr}");

    let (_dir, mut server) = tree_server(false);
    assert_client_compatible(&mut server, "tests/compat/tree.yaml", false);
    let listing = Listing::of(&mut server);
    let count = &tool(&listing, "count")["inputSchema"];
    let defs: Vec<&String> = count["$defs"].as_object().unwrap().keys().collect();
    assert_eq!(defs, ["Node"], "{count}");
    let properties = &count["properties"];
    assert_eq!(properties["tree"]["$ref"], "#/$defs/Node");
    assert_eq!(properties["tree"]["description"], "The tree.");
    // A type that holds the recursive one is inlined around its `$ref`.
    let frame = &properties["frame"];
    assert_eq!(frame["type"], "object", "{frame}");
    assert_eq!(frame["description"], "A framed tree.");
    assert_eq!(frame["properties"]["root"]["$ref"], "#/$defs/Node");
    assert_eq!(frame["properties"]["size"]["minimum"], 0);
    // Optional: plain types, not required.
    assert_eq!(
        properties["mode"],
        json!({ "description": "Which nodes.", "type": "string", "enum": ["all", "leaves"] })
    );
    assert_eq!(
        properties["limit"],
        json!({ "description": "The most to count.", "type": "integer" })
    );
    assert_eq!(count["required"], json!(["tree"]));
    let node = &count["$defs"]["Node"];
    assert_eq!(
        node["properties"]["children"]["items"]["$ref"],
        "#/$defs/Node"
    );
    assert_eq!(
        node["properties"]["weight"],
        json!({ "description": "Its weight.", "type": "number" })
    );
    assert_eq!(node["required"], json!(["label", "children"]));

    // An output type that contains itself refers to the root.
    let grow = &tool(&listing, "grow")["outputSchema"];
    assert!(grow.get("$defs").is_none(), "{grow}");
    assert_eq!(grow["type"], "object");
    assert_eq!(grow["properties"]["children"]["items"]["$ref"], "#");
}

/// `schema_refs: true` keeps every named type and enum in `$defs`; the
/// schemas are otherwise as plain as without it.
#[test]
fn schema_refs_keeps_the_references() {
    let (_dir, mut server) = tree_server(true);
    assert_client_compatible(&mut server, "tree.yaml with schema_refs", true);
    let listing = Listing::of(&mut server);
    let count = &tool(&listing, "count")["inputSchema"];
    let mut defs: Vec<&String> = count["$defs"].as_object().unwrap().keys().collect();
    defs.sort();
    assert_eq!(defs, ["CountMode", "Frame", "Node", "NodeLabel"], "{count}");
    let properties = &count["properties"];
    assert_eq!(properties["frame"]["$ref"], "#/$defs/Frame");
    assert_eq!(
        properties["mode"],
        json!({ "description": "Which nodes.", "$ref": "#/$defs/CountMode" })
    );
    assert_eq!(
        properties["limit"],
        json!({ "description": "The most to count.", "type": "integer" })
    );
}
