//! `mcpgen import openapi`, end to end: a document written for these tests
//! (tests/openapi/petstore-3.0.yaml and -3.1.yaml) is imported, generated
//! and built once, then every tool is called through the official Python
//! SDK client against Stoplight Prism serving the same document on
//! 127.0.0.1. Prism validates each request against the document, so a
//! parameter put in the wrong place, serialised in the wrong style, or sent
//! without its credentials fails the call.
//!
//! The petstore covers every kind of upstream credentials (an API key in a
//! header, the query and a cookie; bearer; basic; OAuth2 client
//! credentials, whose token endpoint Prism serves from the same document),
//! every parameter style Prism can check, and a tool with `handler: true`
//! whose handler adds logic around the generated call. Credentials are
//! settings: secret in `--help`, in an MCP bundle, in the registry's
//! `server.json` and in client configurations; over HTTP, the MCP client's
//! own token never reaches the upstream.
//!
//! At scale: GitHub's published description (npm `@octokit/openapi`, over
//! a thousand operations) imports whole and passes `mcpgen check`; one tag
//! of it builds, and lists tools with valid schemas and short names.

mod common;

use std::{
    fs,
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

use common::{generate, mcpgen, python, repo, scratch, tool};
use serde_json::{Value, json};

/// The env vars the imported spec names for the base URL and credentials.
const BASE_URL_ENV: &str = "TEST_PETSTORE_MCP_BASE_URL";
const API_KEY_ENV: &str = "TEST_PETSTORE_MCP_API_KEY_KEY";
const BEARER_ENV: &str = "TEST_PETSTORE_MCP_BEARER_TOKEN";
const QUERY_KEY_ENV: &str = "TEST_PETSTORE_MCP_QUERY_KEY_KEY";
const COOKIE_KEY_ENV: &str = "TEST_PETSTORE_MCP_COOKIE_KEY_KEY";
const USER_ENV: &str = "TEST_PETSTORE_MCP_LOGIN_USER";
const PASSWORD_ENV: &str = "TEST_PETSTORE_MCP_LOGIN_PASSWORD";
const CLIENT_ID_ENV: &str = "TEST_PETSTORE_MCP_OAUTH_CLIENT_ID";
const CLIENT_SECRET_ENV: &str = "TEST_PETSTORE_MCP_OAUTH_CLIENT_SECRET";
/// Not named in the spec: the env var of the `oauth_token_url` setting.
const TOKEN_URL_ENV: &str = "TEST_PETSTORE_MCP_OAUTH_TOKEN_URL";
/// Every credential's env var.
const CREDENTIAL_ENVS: &[&str] = &[
    API_KEY_ENV,
    BEARER_ENV,
    QUERY_KEY_ENV,
    COOKIE_KEY_ENV,
    USER_ENV,
    PASSWORD_ENV,
    CLIENT_ID_ENV,
    CLIENT_SECRET_ENV,
];

/// The handler of `getInventory`, which the test marks `handler: true`:
/// logic of its own around the generated call.
const INVENTORY_HANDLER: &str = r#"    async fn get_inventory(&self) -> Result<String, Error> {
        let result = crate::upstream::call(
            &crate::upstream::CALL_GET_INVENTORY,
            Ok(serde_json::Value::Null),
        )
        .await?;
        if result.is_error == Some(true) {
            return Err(Error::internal(format!(
                "the API refused: {:?}",
                result.content
            )));
        }
        let counts = result.structured_content.unwrap_or_default();
        let counts = counts.as_object().cloned().unwrap_or_default();
        let total: i64 = counts.values().filter_map(serde_json::Value::as_i64).sum();
        Ok(format!("handled: {} statuses, {total} pets", counts.len()))
    }
"#;

fn document(version: &str) -> PathBuf {
    repo().join(format!("tests/openapi/petstore-{version}.yaml"))
}

/// `mcpgen import openapi ARGS`, which must succeed; its stdout.
fn import(args: &[&str]) -> String {
    let output = mcpgen()
        .args(["import", "openapi"])
        .args(args)
        .output()
        .expect("mcpgen runs");
    assert!(
        output.status.success(),
        "the import failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The petstore server, imported from the 3.1 document, built once, with
/// `getInventory` marked `handler: true` and its handler written.
struct Petstore {
    dir: tempfile::TempDir,
    /// The spec as imported.
    spec: String,
    binary: PathBuf,
}

fn petstore() -> &'static Petstore {
    static PETSTORE: OnceLock<Petstore> = OnceLock::new();
    PETSTORE.get_or_init(|| {
        let dir = scratch();
        let spec_path = dir.path().join("petstore.yaml");
        mcpgen()
            .args(["import", "openapi"])
            .arg(document("3.1"))
            .arg("--out")
            .arg(&spec_path)
            .assert()
            .success();
        let spec = fs::read_to_string(&spec_path).unwrap();
        let tool = spec.find("\n- name: getInventory\n").expect("getInventory");
        let end = spec[tool + 1..].find("\n- name: ").unwrap() + tool + 1;
        let handled = [&spec[..end], "\n  handler: true", &spec[end..]].concat();
        fs::write(&spec_path, handled).unwrap();
        let out = dir.path().join("server");
        generate(&spec_path, &out);
        let handlers = out.join("src/handlers.rs");
        let stub = fs::read_to_string(&handlers).unwrap();
        let start = stub.find("    async fn get_inventory").expect("the stub");
        let stop = stub[start..].find("    }\n").unwrap() + start + "    }\n".len();
        let written = [&stub[..start], INVENTORY_HANDLER, &stub[stop..]]
            .concat()
            // The settings' Debug, on stderr, where a secret must not show.
            .replacen(
                "    fn new(_settings: &Settings) -> Result<Self, Error> {\n",
                "    fn new(settings: &Settings) -> Result<Self, Error> {\n        eprintln!(\"settings: {settings:?}\");\n",
                1,
            );
        fs::write(&handlers, written).unwrap();
        common::assert_lint_clean(&out);
        let binary = common::build(&out, "test-petstore-mcp");
        Petstore { dir, spec, binary }
    })
}

/// Prism serving `document` on a free port of 127.0.0.1; killed on drop.
struct Prism {
    child: Child,
    url: String,
}

impl Prism {
    fn start(document: &Path) -> Self {
        let prism = tool("prism").join("node_modules/.bin/prism");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(prism)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(document)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prism starts");
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!("prism exited with {status}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "prism did not listen within 90 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        prism
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lists the server's tools and calls each in `calls` through the Python
/// SDK, with `env` added to the server's environment.
fn call_tools(binary: &Path, calls: &Value, env: &[(&str, &str)], without: &[&str]) -> Value {
    let dir = scratch();
    let file = dir.path().join("calls.json");
    fs::write(&file, calls.to_string()).unwrap();
    let mut command = Command::new(python());
    command
        .arg(repo().join("tests/openapi/call_tools.py"))
        .arg(binary)
        .arg(&file)
        .envs(env.iter().copied());
    for name in without {
        command.env_remove(name);
    }
    let output = command.output().expect("python runs");
    assert!(
        output.status.success(),
        "the Python client failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "the client printed no JSON ({error}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Arguments for every tool of the petstore, chosen to need each kind of
/// serialisation: exploded and comma-separated arrays, a header, a path
/// segment that needs escaping, a nested JSON body, a form body.
fn petstore_calls() -> Value {
    json!({
        "listPets": { "tags": ["dog", "small & cute"], "status": ["available", "sold"], "limit": 5, "x_request_id": "req-1" },
        "createPet": { "name": "Rex", "tag": "dog", "category": { "name": "dogs", "children": [{ "name": "puppies" }] } },
        "getPet": { "pet_id": 7, "pet_id_query": "also 7" },
        "updatePet": { "pet_id": 7, "id": 7, "name": "Rex", "status": "sold" },
        "deletePet": { "pet_id": 7 },
        "getInventory": {},
        "placeOrder": { "pet_id": 7, "quantity": 2 },
        "getUser": { "username": "ada lovelace/1" },
        "checkBasic": {},
        "checkOauth": {},
        "checkQueryKey": {},
        "checkCookieKey": {},
        "issueToken": { "grant_type": "client_credentials", "scope": "pets.read" },
        // Label and matrix paths, form without explode, pipes, deepObject.
        "styledParams": {
            "colors": ["red", "green"],
            "point": { "x": 3, "y": -4 },
            "ids": [1, 2, 3],
            "piped": ["c", "d"],
            "filter": { "kind": "cat", "size": "s" },
        },
    })
}

fn check_petstore(version: &str) {
    let petstore = petstore();
    let prism = Prism::start(&document(version));
    let token_url = format!("{}/oauth/token", prism.url);
    let env = [
        (BASE_URL_ENV, prism.url.as_str()),
        (API_KEY_ENV, "key-123"),
        (BEARER_ENV, "token-456"),
        (QUERY_KEY_ENV, "query-key"),
        (COOKIE_KEY_ENV, "cookie key; with = signs"),
        (USER_ENV, "ada"),
        // Not a `:`, which Prism refuses in a password (RFC 7617 allows it).
        (PASSWORD_ENV, "p@ss word"),
        (CLIENT_ID_ENV, "client-1"),
        (CLIENT_SECRET_ENV, "client-secret"),
        (TOKEN_URL_ENV, token_url.as_str()),
    ];
    let calls = petstore_calls();
    let out = call_tools(&petstore.binary, &calls, &env, &[]);

    let tools = out["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = calls
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted, "every operation is a tool");

    let results = out["results"].as_object().unwrap();
    for (name, result) in results {
        assert_eq!(
            result["isError"],
            json!(false),
            "{name} failed against Prism ({version}): {result}"
        );
    }
    // JSON objects are structured content, which the SDK checked against
    // each output schema; other successes are text.
    for name in ["listPets", "createPet", "getPet", "updatePet", "getUser"] {
        assert!(
            results[name]["structured"].is_object(),
            "{name} answered no structured content: {}",
            results[name]
        );
    }
    assert!(results["listPets"]["structured"]["items"].is_array());
    assert!(results["getPet"]["structured"]["id"].is_i64());
    assert_eq!(results["placeOrder"]["types"], json!(["text"]));
    // The handler ran, around a call that succeeded.
    let handled = results["getInventory"]["text"][0].as_str().unwrap();
    assert!(handled.starts_with("handled: "), "{handled}");
    // Prism's token endpoint answered, so the token request was right.
    assert_eq!(
        results["issueToken"]["structured"]["access_token"],
        json!("token-from-prism")
    );

    // Annotations from the methods.
    let annotations =
        |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["annotations"].clone();
    assert_eq!(annotations("getPet"), json!({ "readOnlyHint": true }));
    assert_eq!(
        annotations("deletePet"),
        json!({ "destructiveHint": true, "idempotentHint": true })
    );
    assert_eq!(annotations("updatePet"), json!({ "idempotentHint": true }));

    // Hostile text reaches the client byte for byte.
    let inventory = tools.iter().find(|t| t["name"] == "getInventory").unwrap();
    assert_eq!(
        inventory["description"],
        "Counts of pets by status\n\nHostile text: \"quotes\", \\backslash, {braces} {{twice}}, */ /* #[doc] `ticks`\ttab\u{2028}line separator \u{1F600} and r#\"raw\"#."
    );

    // Without its credentials, Prism refuses each call, and the tool says
    // so with the status; the handler passes the refusal on.
    let some = json!({
        "getPet": { "pet_id": 7 },
        "checkBasic": {},
        "checkOauth": {},
        "checkQueryKey": {},
        "checkCookieKey": {},
        "getInventory": {},
    });
    let refused = call_tools(
        &petstore.binary,
        &some,
        &[(BASE_URL_ENV, prism.url.as_str())],
        CREDENTIAL_ENVS,
    );
    for (name, result) in refused["results"].as_object().unwrap() {
        assert_eq!(result["isError"], json!(true), "{name}: {result}");
        assert!(
            result["text"][0].as_str().unwrap().contains("401"),
            "{name}: {result}"
        );
    }
    // A token endpoint that refuses the client fails the call, and says so.
    let wrong_url = format!("{}/pets", prism.url);
    let mut wrong = env.to_vec();
    wrong.retain(|(name, _)| *name != TOKEN_URL_ENV);
    wrong.push((TOKEN_URL_ENV, wrong_url.as_str()));
    let out = call_tools(&petstore.binary, &json!({ "checkOauth": {} }), &wrong, &[]);
    let result = &out["results"]["checkOauth"];
    assert_eq!(result["isError"], json!(true), "{result}");
    assert!(
        result["text"][0]
            .as_str()
            .unwrap()
            .contains("the token endpoint answered"),
        "{result}"
    );
}

#[test]
fn the_3_1_document_serves_every_tool_through_prism() {
    check_petstore("3.1");
}

#[test]
fn the_3_0_document_imports_to_the_same_spec_and_serves_through_prism() {
    let spec = import(&[document("3.0").to_str().unwrap()]);
    let petstore = petstore();
    assert_eq!(spec, petstore.spec, "3.0 and 3.1 say the same API");
    check_petstore("3.0");
}

#[test]
fn importing_again_gives_the_same_bytes() {
    let path = document("3.1");
    let first = import(&[path.to_str().unwrap()]);
    let second = import(&[path.to_str().unwrap()]);
    assert_eq!(first, second);
    // Filters keep only what they name.
    let pets = import(&[
        path.to_str().unwrap(),
        "--tag",
        "pets",
        "--exclude-operation",
        "deletePet",
    ]);
    assert!(pets.contains("name: listPets") && !pets.contains("name: deletePet"));
    assert!(!pets.contains("name: getUser"));
    let gets = import(&[
        path.to_str().unwrap(),
        "--method",
        "get",
        "--path",
        "/pets/*",
    ]);
    assert!(gets.contains("name: getPet") && !gets.contains("name: listPets"));
    let renamed = import(&[path.to_str().unwrap(), "--rename", "getPet=fetch_pet"]);
    assert!(renamed.contains("name: fetch_pet") && !renamed.contains("name: getPet"));
}

/// Writes `text` as a document and imports it; the exit code and stderr.
fn import_text(text: &str) -> (Option<i32>, String) {
    let dir = scratch();
    let file = dir.path().join("api.yaml");
    fs::write(&file, text).unwrap();
    let output = mcpgen()
        .args(["import", "openapi"])
        .arg(&file)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const HEAD: &str = "openapi: 3.0.3\ninfo: { title: t, version: 1.0.0 }\n";

#[test]
fn hostile_documents_get_clear_errors() {
    let cases = [
        ("openapi: [unclosed\n", "is not a JSON or YAML document"),
        ("swagger: '2.0'\n", "Swagger 2.0 is not supported"),
        ("- a list\n", "an OpenAPI document is a mapping"),
        (
            &format!(
                "{HEAD}paths:\n  /a:\n    get:\n      responses: {{}}\n      parameters:\n        - $ref: '#/components/parameters/Missing'\n"
            ),
            "points at nothing in the document",
        ),
        (
            &format!(
                "{HEAD}paths:\n  /a:\n    get:\n      responses: {{}}\n      parameters:\n        - {{ name: q, in: query, schema: {{ $ref: 'other.yaml#/Q' }} }}\n"
            ),
            "external `$ref` `other.yaml#/Q` is refused",
        ),
        (
            &format!(
                "{HEAD}paths:\n  /a:\n    get:\n      responses: {{}}\n      parameters:\n        - {{ $ref: '#/paths/~1a/get/parameters/0' }}\n"
            ),
            "too long, or loops",
        ),
    ];
    for (text, expected) in cases {
        let (code, stderr) = import_text(text);
        assert_eq!(code, Some(1), "{text}\n{stderr}");
        assert!(
            stderr.contains(expected),
            "{text}\nwanted `{expected}` in:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// GitHub's description, from npm.
fn octokit() -> PathBuf {
    tool("octokit").join("node_modules/@octokit/openapi/generated/api.github.com.json")
}

#[test]
fn the_whole_github_api_imports_and_checks() {
    let dir = scratch();
    let spec = dir.path().join("github.yaml");
    let output = mcpgen()
        .args(["import", "openapi"])
        .arg(octokit())
        .arg("--out")
        .arg(&spec)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("many clients handle 40 or fewer well"),
        "{stderr}"
    );
    let text = fs::read_to_string(&spec).unwrap();
    let tools = text.matches("\n  http:\n").count();
    assert!(tools > 1000, "{tools} tools");
    mcpgen().arg("check").arg(&spec).assert().success();
}

#[test]
fn one_tag_of_the_github_api_builds_and_lists_valid_tools() {
    let dir = scratch();
    let spec = dir.path().join("github.yaml");
    mcpgen()
        .args(["import", "openapi"])
        .arg(octokit())
        .args(["--tag", "emojis", "--tag", "meta", "--name", "github-meta"])
        .arg("--out")
        .arg(&spec)
        .assert()
        .success();
    let out = dir.path().join("server");
    generate(&spec, &out);
    // GitHub's description has no security schemes: bound tools without
    // credentials leave no dead code either.
    common::assert_lint_clean(&out);
    let binary = common::build(&out, "github-meta");
    let listed = call_tools(&binary, &json!({}), &[], &[]);
    let tools = listed["tools"].as_array().unwrap();
    assert!(tools.len() >= 5, "{listed}");
    let mut schemas = Vec::new();
    for tool in tools {
        let name = tool["name"].as_str().unwrap();
        assert!(name.len() <= 64, "{name}");
        schemas.push(json!([format!("{name} input"), tool["inputSchema"]]));
        if !tool["outputSchema"].is_null() {
            schemas.push(json!([format!("{name} output"), tool["outputSchema"]]));
        }
    }
    let mut checker = Command::new(tool("jsonschema").join("bin/python"))
        .arg(repo().join("tests/common/meta_schema.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = checker.stdin.take().unwrap();
        stdin
            .write_all(Value::Array(schemas.clone()).to_string().as_bytes())
            .unwrap();
    }
    let output = checker.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).expect("the checker's report");
    assert_eq!(report["checked"], json!(schemas.len()), "{report}");
    assert_eq!(report["problems"], json!([]), "invalid schemas: {report}");
}

#[test]
fn importing_again_and_generating_keeps_the_crate_in_step_and_user_code_untouched() {
    let dir = scratch();
    let spec = dir.path().join("petstore.yaml");
    let path = document("3.1");
    let import_to = |extra: &[&str]| {
        mcpgen()
            .args(["import", "openapi"])
            .arg(&path)
            .args(extra)
            .arg("--out")
            .arg(&spec)
            .assert()
            .success();
    };
    import_to(&[]);
    let out = dir.path().join("server");
    generate(&spec, &out);
    let handlers = out.join("src/handlers.rs");
    let mut mine = fs::read_to_string(&handlers).unwrap();
    mine.push_str("\n// my own note\n");
    fs::write(&handlers, &mine).unwrap();
    assert!(
        fs::read_to_string(out.join("src/upstream.rs"))
            .unwrap()
            .contains("\"deletePet\"")
    );

    import_to(&["--exclude-operation", "deletePet"]);
    mcpgen().arg("generate").arg(&out).assert().success();
    let upstream = fs::read_to_string(out.join("src/upstream.rs")).unwrap();
    assert!(!upstream.contains("\"deletePet\"") && upstream.contains("\"getPet\""));
    assert!(
        !fs::read_to_string(out.join("src/server.rs"))
            .unwrap()
            .contains("deletePet")
    );
    assert_eq!(fs::read_to_string(&handlers).unwrap(), mine);
    mcpgen()
        .args(["check", "--frozen"])
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn upstream_credentials_are_secret_settings_everywhere() {
    let petstore = petstore();
    // `--help` names each credential's flag and env var, never its value.
    let output = Command::new(&petstore.binary)
        .arg("--help")
        .env(BEARER_ENV, "sekrit-bearer")
        .env(PASSWORD_ENV, "sekrit-password")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--api-key-key",
        "--bearer-token",
        "--query-key-key",
        "--cookie-key-key",
        "--login-user",
        "--login-password",
        "--oauth-client-id",
        "--oauth-client-secret",
        "--oauth-token-url",
        "--oauth-scopes",
    ] {
        assert!(help.contains(flag), "{flag} in:\n{help}");
    }
    assert!(
        help.contains(BEARER_ENV) && help.contains(TOKEN_URL_ENV),
        "{help}"
    );
    assert!(!help.contains("sekrit"), "{help}");
    // The token URL is a plain setting, with the document's as default.
    assert!(
        help.contains("[default: http://127.0.0.1:4010/oauth/token]"),
        "{help}"
    );

    // The same settings, secret, wherever the server is installed.
    // A bundle names its author; the registry wants a short description.
    let dir = scratch();
    let spec = dir.path().join("petstore.yaml");
    let text = fs::read_to_string(petstore.dir.path().join("petstore.yaml")).unwrap();
    let start = text.find("\n  description: ").unwrap() + 1;
    let end = text[start..].find('\n').unwrap() + start;
    let text = [
        &text[..start],
        "  description: The test petstore.\n  author: { name: Tests }",
        &text[end..],
    ]
    .concat();
    fs::write(&spec, text).unwrap();
    let crate_dir = dir.path().join("server");
    generate(&spec, &crate_dir);
    let report = mcpgen::Report {
        format: mcpgen::MessageFormat::Json,
        deny_warnings: false,
    };
    let loaded = mcpgen::load(&spec, report).ok().expect("the spec loads");
    let platform = mcpgen::bundle::Platform::of("x86_64-unknown-linux-gnu")
        .ok()
        .unwrap();
    let (manifest, _) = mcpgen::bundle::manifest(&loaded, &platform, false);
    let user_config = &manifest["user_config"];
    let env = &manifest["server"]["mcp_config"]["env"];
    for (key, var) in [
        ("api_key_key", API_KEY_ENV),
        ("bearer_token", BEARER_ENV),
        ("login_user", USER_ENV),
        ("login_password", PASSWORD_ENV),
        ("oauth_client_id", CLIENT_ID_ENV),
        ("oauth_client_secret", CLIENT_SECRET_ENV),
    ] {
        let option = &user_config[key];
        assert_eq!(option["sensitive"], json!(true), "{key}: {manifest}");
        // Each is needed only by the operations of its scheme.
        assert!(option.get("required").is_none(), "{key}: {option}");
        assert_eq!(env[var], json!(format!("${{user_config.{key}}}")));
    }
    assert_eq!(
        user_config["oauth_token_url"]["default"],
        json!("http://127.0.0.1:4010/oauth/token")
    );
    assert!(user_config["oauth_token_url"].get("sensitive").is_none());

    let vscode = mcpgen::clients::entry(
        mcpgen::clients::Client::Vscode,
        &mcpgen::clients::Transport::Stdio(&petstore.binary),
        &loaded,
    );
    for var in CREDENTIAL_ENVS {
        let id = var.to_ascii_lowercase().replace('_', "-");
        assert_eq!(
            vscode.entry["env"][var],
            json!(format!("${{input:{id}}}")),
            "{}",
            vscode.entry
        );
        assert!(
            vscode
                .inputs
                .iter()
                .any(|input| input["id"] == json!(id) && input["password"] == json!(true)),
            "{var}"
        );
    }

    mcpgen()
        .arg("registry")
        .arg(&crate_dir)
        .args(["--name", "io.github.example/petstore"])
        .assert()
        .success();
    let server: Value =
        serde_json::from_str(&fs::read_to_string(crate_dir.join("server.json")).unwrap()).unwrap();
    let vars = server["packages"][0]["environmentVariables"]
        .as_array()
        .unwrap();
    for var in CREDENTIAL_ENVS {
        let entry = vars.iter().find(|v| v["name"] == json!(var)).unwrap();
        assert_eq!(entry["isSecret"], json!(true), "{entry}");
        assert_eq!(entry["isRequired"], json!(false), "{entry}");
    }
}

/// An upstream on 127.0.0.1 that answers one request with a JSON object
/// and hands over the request's head.
fn capture_one() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
        let body = br#"{"username":"ada"}"#;
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(body);
        let _ = send.send(String::from_utf8_lossy(&head).into_owned());
    });
    (url, receive)
}

#[test]
fn the_mcp_client_s_token_never_reaches_the_upstream() {
    let petstore = petstore();
    let (upstream, requests) = capture_one();
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let client_token = "mcp-client-token-0123456789";
    let mut server = Command::new(&petstore.binary)
        .args(["--http", &format!("127.0.0.1:{port}")])
        .env("TEST_PETSTORE_MCP_HTTP_TOKEN", client_token)
        .env(BASE_URL_ENV, &upstream)
        .env(API_KEY_ENV, "key-123")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "no listener");
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = call_tools(
        Path::new(&format!("http://127.0.0.1:{port}/mcp")),
        &json!({ "getUser": { "username": "ada" } }),
        &[("MCP_CLIENT_TOKEN", client_token)],
        &[],
    );
    let _ = server.kill();
    let stderr = server.wait_with_output().unwrap().stderr;
    let stderr = String::from_utf8_lossy(&stderr);
    // The handler printed the settings: the key is a secret, the token
    // URL is not.
    assert!(
        stderr.contains("api_key_key: \"<secret>\"")
            && stderr.contains("oauth_token_url: \"http://127.0.0.1:4010/oauth/token\""),
        "{stderr}"
    );
    assert!(!stderr.contains("key-123"), "{stderr}");
    let result = &out["results"]["getUser"];
    assert_eq!(result["isError"], json!(false), "{out}");
    assert_eq!(result["structured"]["username"], json!("ada"));
    let head = requests
        .recv_timeout(Duration::from_secs(30))
        .expect("the upstream got the call");
    let lower = head.to_ascii_lowercase();
    assert!(lower.starts_with("get /users/ada "), "{head}");
    assert!(lower.contains("\r\nx-api-key: key-123\r\n"), "{head}");
    assert!(!head.contains(client_token), "{head}");
    assert!(!lower.contains("authorization"), "{head}");
}

#[test]
fn external_refs_are_refused_unless_allowed_and_then_read_from_relative_files_only() {
    let dir = scratch();
    let api = dir.path().join("api.yaml");
    fs::create_dir(dir.path().join("schemas")).unwrap();
    let write_api = |pet_ref: &str| {
        fs::write(
            &api,
            format!(
                "{HEAD}paths:\n  /pets/{{id}}:\n    get:\n      operationId: getPet\n      parameters:\n        - $ref: 'schemas/common.yaml#/parameters/Id'\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{ $ref: '{pet_ref}' }}\n"
            ),
        )
        .unwrap();
    };
    write_api("schemas/pet.yaml#/Pet");
    fs::write(
        dir.path().join("schemas/common.yaml"),
        "parameters:\n  Id: { name: id, in: path, required: true, schema: { type: integer } }\n",
    )
    .unwrap();
    // A file that refers back to itself, locally and by name, and on.
    fs::write(
        dir.path().join("schemas/pet.yaml"),
        "Pet:\n  type: object\n  properties:\n    name: { type: string }\n    owner: { $ref: '#/Owner' }\n    id: { $ref: 'common.yaml#/parameters/Id/schema' }\nOwner:\n  type: object\n  properties:\n    zname: { type: string }\n    pets: { type: array, items: { $ref: 'pet.yaml#/Pet' } }\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let output = mcpgen()
            .args(["import", "openapi"])
            .arg(&api)
            .args(extra)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, _, stderr) = run(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("is refused: mcpgen reads one document unless `--allow-external-refs`"),
        "{stderr}"
    );

    let (code, spec, stderr) = run(&["--allow-external-refs"]);
    assert_eq!(code, Some(0), "{stderr}");
    // Named types from the other file, its properties in their order.
    assert!(
        spec.contains("- name: Pet\n  fields:\n  - name: name\n    required: false\n  - name: owner\n    type: Owner\n"),
        "{spec}"
    );
    assert!(
        spec.contains("- name: Owner\n  fields:\n  - name: zname\n    required: false\n  - name: pets\n    type: array\n    items:\n      type: Pet\n"),
        "{spec}"
    );
    assert!(spec.contains("  output: Pet\n") && spec.contains("  - name: id\n    type: integer\n"));
    let file = dir.path().join("spec.yaml");
    fs::write(&file, &spec).unwrap();
    mcpgen().arg("check").arg(&file).assert().success();

    // Never the network, nor a path outside the relative tree's reach.
    for (pet_ref, expected) in [
        ("https://example.com/pet.yaml#/Pet", "names a URL"),
        ("/etc/hosts#/Pet", "names an absolute path"),
        ("schemas/missing.yaml#/Pet", "cannot read"),
        ("schemas/pet.yaml#Pet", "is not a JSON Pointer"),
    ] {
        write_api(pet_ref);
        let (code, _, stderr) = run(&["--allow-external-refs"]);
        assert_eq!(code, Some(1), "{pet_ref}: {stderr}");
        assert!(stderr.contains(expected), "{pet_ref}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_multipart_operation_is_skipped_with_a_warning_that_names_it() {
    let dir = scratch();
    let api = dir.path().join("api.yaml");
    fs::write(
        &api,
        format!(
            "{HEAD}paths:\n  /photos:\n    post:\n      operationId: uploadPhoto\n      requestBody:\n        content:\n          multipart/form-data:\n            schema: {{ type: object, properties: {{ file: {{ type: string, format: binary }} }} }}\n      responses: {{ '201': {{ description: ok }} }}\n    get:\n      operationId: listPhotos\n      responses: {{ '200': {{ description: ok }} }}\n"
        ),
    )
    .unwrap();
    let output = mcpgen()
        .args(["import", "openapi"])
        .arg(&api)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let spec = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "the operation `uploadPhoto` takes a body mcpgen cannot send (multipart/form-data); it is skipped"
        ),
        "{stderr}"
    );
    assert!(spec.contains("name: listPhotos") && !spec.contains("uploadPhoto"));
}
