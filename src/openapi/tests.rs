//! Unit tests of the importer: each imported spec must also pass mcpgen's
//! own parse and validate stages.

use super::*;

fn imported(document: &str, options: &Options) -> String {
    let imported = match import(document, "api.yaml", options) {
        Ok(imported) => imported,
        Err(diagnostics) => panic!(
            "import failed: {:?}",
            diagnostics
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        ),
    };
    let parsed = crate::parse::parse(&imported.yaml);
    assert!(
        parsed.errors.is_empty(),
        "{:?}\n{}",
        parsed.errors,
        imported.yaml
    );
    let validated = crate::validate::validate(&parsed.spec.unwrap());
    let errors: Vec<_> = validated
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{}", imported.yaml);
    imported.yaml
}

fn errors(document: &str) -> Vec<String> {
    match import(document, "api.yaml", &Options::default()) {
        Ok(imported) => panic!("imported:\n{}", imported.yaml),
        Err(diagnostics) => diagnostics.into_iter().map(|d| d.message).collect(),
    }
}

const HEAD: &str = "openapi: 3.1.0\ninfo: { title: Demo API, version: 2.0.0 }\nservers: [{ url: 'https://{host}/v1', variables: { host: { default: api.example.com } } }]\n";

#[test]
fn long_operation_ids_become_short_stable_unique_names() {
    let long = "a".repeat(100);
    let name = tool_name(Some(&long), "get", "/x");
    assert_eq!(name.len(), 64);
    assert_eq!(name, tool_name(Some(&long), "get", "/x"));
    let other = tool_name(Some(&format!("{long}b")), "get", "/x");
    assert_ne!(name, other, "a hash of the whole keeps them apart");
    assert_eq!(
        tool_name(None, "get", "/pets/{id}/photos"),
        "get_pets_id_photos"
    );
    assert_eq!(
        tool_name(Some("pets/list pets!"), "get", "/"),
        "pets_list_pets"
    );

    let yaml = imported(
        &format!(
            "{HEAD}paths:\n  /a:\n    get: {{ operationId: same, responses: {{}} }}\n    put: {{ operationId: same, responses: {{}} }}\n"
        ),
        &Options::default(),
    );
    assert!(
        yaml.contains("name: same\n") && yaml.contains("name: same_2\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("base_url: https://api.example.com/v1"),
        "{yaml}"
    );
    assert!(yaml.contains("name: demo-api-mcp"), "{yaml}");
}

#[test]
fn recursion_composition_and_collisions_import_to_a_valid_spec() {
    let document = format!(
        r#"{HEAD}paths:
  /nodes/{{id}}:
    post:
      operationId: addNode
      parameters:
        - {{ name: id, in: path, required: true, schema: {{ type: string }} }}
        - {{ name: id, in: query, schema: {{ type: integer }} }}
        - {{ name: id, in: header, schema: {{ type: string }} }}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                id: {{ type: string }}
                node: {{ $ref: '#/components/schemas/Node' }}
                shape:
                  oneOf: [{{ $ref: '#/components/schemas/Node' }}, {{ type: string }}]
                matrix: {{ type: array, items: {{ type: array, items: {{ type: number }} }} }}
                free: {{ type: object, additionalProperties: true }}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{ $ref: '#/components/schemas/Node' }}
    delete:
      operationId: dropNode
      parameters:
        - {{ name: id, in: path, required: true, schema: {{ type: string }} }}
      responses: {{ '204': {{ description: gone }} }}
components:
  schemas:
    Node:
      type: object
      properties:
        name: {{ type: string }}
        parent: {{ $ref: '#/components/schemas/Node' }}
        children: {{ type: array, items: {{ $ref: '#/components/schemas/Node' }} }}
"#
    );
    let yaml = imported(&document, &Options::default());
    // Three `id`s and a body `id`, apart by location.
    for name in [
        "name: id\n",
        "name: id_query\n",
        "name: id_header\n",
        "name: id_body\n",
    ] {
        assert!(yaml.contains(name), "{name} in {yaml}");
    }
    // The self-reference that is not through an array stays JSON.
    assert!(yaml.contains("- name: parent\n    type: json"), "{yaml}");
    assert!(yaml.contains("items:\n      type: Node"), "{yaml}");
    // oneOf, arrays of arrays and free-form objects are JSON Schema, with
    // the recursive `$ref` inlined and cut.
    assert!(yaml.contains("oneOf:"), "{yaml}");
    assert!(!yaml.contains("$ref"), "{yaml}");
    assert!(yaml.contains("output: Node"), "{yaml}");
    assert!(
        yaml.contains("destructive: true\n    idempotent: true"),
        "{yaml}"
    );
}

#[test]
fn broken_references_are_errors_not_panics() {
    let missing = errors(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses: {{}}\n      parameters: [{{ name: q, in: query, schema: {{ $ref: '#/components/schemas/Nope' }} }}]\n"
    ));
    assert!(missing[0].contains("points at nothing"), "{missing:?}");
    let external = errors(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses: {{}}\n      parameters: [{{ $ref: 'https://example.com/p.yaml' }}]\n"
    ));
    assert!(external[0].contains("external `$ref`"), "{external:?}");
    let deep = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses: {{}}\n      parameters: [{{ name: q, in: query, schema: {}{} }}]\n",
        "{ type: array, items: ".repeat(100),
        "{ type: string }".to_owned() + &" }".repeat(100)
    );
    let deep = errors(&deep);
    assert!(
        deep.iter()
            .any(|e| e.contains("nests too deep") || e.contains("JSON or YAML")),
        "{deep:?}"
    );
}

#[test]
fn filters_pick_operations() {
    let document = format!(
        "{HEAD}paths:\n  /a:\n    get: {{ operationId: a, tags: [x], responses: {{}} }}\n  /b/c:\n    post: {{ operationId: b, tags: [y], responses: {{}} }}\n"
    );
    let only = |options: Options| imported(&document, &options);
    let x = only(Options {
        tags: vec!["x".into()],
        ..Options::default()
    });
    assert!(x.contains("name: a\n") && !x.contains("name: b\n"));
    let not_x = only(Options {
        exclude_tags: vec!["x".into()],
        ..Options::default()
    });
    assert!(!not_x.contains("name: a\n") && not_x.contains("name: b\n"));
    let path = only(Options {
        paths: vec!["/b/*".into()],
        ..Options::default()
    });
    assert!(!path.contains("name: a\n") && path.contains("name: b\n"));
    let method = only(Options {
        methods: vec!["POST".into()],
        ..Options::default()
    });
    assert!(!method.contains("name: a\n") && method.contains("name: b\n"));
}
