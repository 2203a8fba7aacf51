//! Hostile strings in every field of a spec still give a crate that
//! compiles, passes clippy, and puts each string on the wire byte for byte.

mod common;

use std::fs;

use common::{Server, assert_lint_clean, build, generate, scratch};
use serde_json::{Value, json};

/// Text that breaks naive code generators: quotes, raw-string fences,
/// comment ends, template syntax, escapes, control and bidi characters.
const NASTY: &str = "q\"uote \\back\\slash \"# \"## */ /* {{ x }} {% if %} {# c #} \\n\ttab\nline 🦀 \u{202E}rtl\u{202C} ${x} `tick` '";

fn spec() -> String {
    let nasty = serde_json::to_string(NASTY).unwrap();
    // In message text, braces are placeholders unless doubled.
    let braced = serde_json::to_string(&NASTY.replace('{', "{{").replace('}', "}}")).unwrap();
    format!(
        r###"mcpgen: 1
server:
  name: hostile-server
  version: 0.1.0
  title: {nasty}
  description: {nasty}
  instructions: {nasty}
settings:
  - name: mode
    env: HOSTILE_MODE
    default: {nasty}
    description: {nasty}
tools:
  - name: type
    title: {nasty}
    description: {nasty}
    params:
      - name: self
        description: {nasty}
      - name: crate
        type: integer
        required: false
        description: {nasty}
      - name: async
        enum: ["a\"b", "{{{{x}}}}", "🦀", "match"]
        default: "🦀"
      - name: my-param.v2
        type: array
        items: {{ type: string, max_length: 3 }}
        required: false
  - name: my-tool.v2
    description: "*/ fn main() {{}} /*"
  - name: match
    description: {nasty}
resources:
  - uri: "hostile://a%22b/x?q=\"#"
    name: crate
    description: {nasty}
    text: {nasty}
  - uri: "hostile://dynamic"
    name: async
    description: {nasty}
resource_templates:
  - uri_template: "hostile://t/{{type}}/{{self}}"
    name: self
    description: {nasty}
prompts:
  - name: {nasty}
    description: {nasty}
    arguments:
      - name: type
        description: {nasty}
      - name: self
        required: false
    messages:
      - role: user
        text: "{{{{literal}}}} {{type}} and {{self}} q\"uote \\ \"# 🦀"
      - role: assistant
        text: {braced}
"###
    )
}

#[test]
fn hostile_strings_compile_and_reach_the_wire_unchanged() {
    let dir = scratch();
    let spec_path = dir.path().join("hostile.yaml");
    fs::write(&spec_path, spec()).unwrap();
    let out = dir.path().join("hostile");
    generate(&spec_path, &out);
    assert_lint_clean(&out);
    let binary = build(&out, "hostile-server");

    let mut server = Server::start(&binary, &[]);
    let info = server.initialize_result();
    assert_eq!(info["serverInfo"]["title"], NASTY);
    assert_eq!(info["serverInfo"]["description"], NASTY);
    assert_eq!(info["instructions"], NASTY);

    // Hostile names and text leave the schemas valid for every client.
    common::compat::assert_client_compatible(&mut server, "the hostile spec", false);
    let tools = server.call("tools/list", json!({}))["tools"].clone();
    let tool = |name: &str| -> Value {
        tools
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no tool {name} in {tools}"))
    };
    let ty = tool("type");
    assert_eq!(ty["title"], NASTY);
    assert_eq!(ty["description"], NASTY);
    let properties = &ty["inputSchema"]["properties"];
    for name in ["self", "crate", "async", "my-param.v2"] {
        assert!(
            properties.get(name).is_some(),
            "wire name {name} in {properties}"
        );
    }
    assert_eq!(properties["self"]["description"], NASTY);
    assert_eq!(ty["inputSchema"]["required"], json!(["self"]));
    let enum_values = serde_json::to_string(&ty["inputSchema"]).unwrap();
    for value in ["a\\\"b", "{{x}}", "🦀", "match"] {
        assert!(enum_values.contains(value), "{value} in {enum_values}");
    }
    assert_eq!(tool("my-tool.v2")["description"], "*/ fn main() {} /*");
    assert_eq!(tool("match")["description"], NASTY);

    // The parameters arrive under their wire names and pass validation.
    let (text, is_error) = server.tool(
        "type",
        json!({ "self": "x", "crate": 1, "async": "a\"b", "my-param.v2": ["abc"] }),
    );
    assert!(is_error && text.contains("not implemented"), "{text}");
    let (text, is_error) = server.tool("type", json!({ "self": "x", "my-param.v2": ["abcd"] }));
    assert!(is_error && text.contains("`my-param.v2[0]`"), "{text}");

    let resources = server.call("resources/list", json!({}))["resources"].clone();
    assert_eq!(resources[0]["uri"], "hostile://a%22b/x?q=\"#");
    assert_eq!(resources[0]["description"], NASTY);
    assert_eq!(server.read("hostile://a%22b/x?q=\"#"), NASTY);
    let templates = server.call("resources/templates/list", json!({}))["resourceTemplates"].clone();
    assert_eq!(templates[0]["uriTemplate"], "hostile://t/{type}/{self}");

    let prompts = server.call("prompts/list", json!({}))["prompts"].clone();
    assert_eq!(prompts[0]["name"], NASTY);
    assert_eq!(prompts[0]["description"], NASTY);
    let messages = server.call(
        "prompts/get",
        json!({ "name": NASTY, "arguments": { "type": "T\"", "self": "S" } }),
    )["messages"]
        .clone();
    assert_eq!(
        messages[0]["content"]["text"],
        "{literal} T\" and S q\"uote \\ \"# 🦀"
    );
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["content"]["text"], NASTY);
}
