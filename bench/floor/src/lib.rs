//! The floor's protocol: a minimal, hand-rolled MCP stdio server for the
//! notes example, over any [`Store`] of notes.
//!
//! It reads newline-delimited JSON-RPC 2.0 from stdin and writes one JSON line
//! per response to stdout, flushing after each. It does the same work as a
//! generated notes server with nothing on top, so it is the practical lower
//! bound the benchmark harness compares generated servers against. The two
//! binaries differ only in their store: `floor` keeps the notes in memory,
//! `floor-sqlite` in SQLite, set up as the generated notes server sets it up.

use std::io::{self, BufRead, Write};

use serde_json::{json, Map, Value};

const SERVER_NAME: &str = "floor";
const SERVER_VERSION: &str = "0.1.0";
/// Used only when the client's `initialize` names no protocol version.
const DEFAULT_PROTOCOL_VERSION: &str = "2025-06-18";
const NOTES_URI: &str = "notes://all";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
/// MCP's code for an unknown resource URI.
const RESOURCE_NOT_FOUND: i64 = -32002;

/// Where the notes live. Notes keep their insertion order.
pub trait Store {
    /// Adds a note, or replaces the content of an existing one.
    fn add(&mut self, name: &str, content: &str);
    fn get(&mut self, name: &str) -> Option<String>;
    /// Whether there was such a note.
    fn delete(&mut self, name: &str) -> bool;
    fn is_empty(&mut self) -> bool;
    /// Calls `each` with every note's name and content, in order.
    fn for_each(&mut self, each: &mut dyn FnMut(&str, &str));
}

/// Answers requests on stdin until it closes.
pub fn serve(notes: &mut impl Store) -> io::Result<()> {
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut line = String::new();
    let mut out = Vec::new();
    loop {
        line.clear();
        if stdin.read_line(&mut line)? == 0 {
            return Ok(()); // EOF: the client is done.
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some(response) = respond(notes, &line) {
            // Serialize first so each response leaves in a single write.
            out.clear();
            serde_json::to_writer(&mut out, &response)?;
            out.push(b'\n');
            stdout.write_all(&out)?;
            stdout.flush()?;
        }
    }
}

struct RpcError {
    code: i64,
    message: String,
}

impl RpcError {
    fn invalid_params(message: impl Into<String>) -> Self {
        Self {
            code: INVALID_PARAMS,
            message: message.into(),
        }
    }
}

/// Handles one incoming line; `None` when nothing must be sent back
/// (notifications, and responses to requests we never send).
fn respond(notes: &mut impl Store, line: &str) -> Option<Value> {
    let message: Value = match serde_json::from_str(line) {
        Ok(message) => message,
        Err(e) => return Some(error_response(Value::Null, PARSE_ERROR, &e.to_string())),
    };
    let id = message.get("id").cloned();
    let Some(method) = message.get("method").and_then(Value::as_str) else {
        let is_response = message.get("result").is_some() || message.get("error").is_some();
        return (!is_response).then(|| {
            error_response(
                id.unwrap_or(Value::Null),
                INVALID_REQUEST,
                "Invalid Request",
            )
        });
    };
    // No id: a notification such as `notifications/initialized`. Never answered.
    let id = id?;
    let params = message.get("params").unwrap_or(&Value::Null);
    Some(match handle(notes, method, params) {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(e) => error_response(id, e.code, &e.message),
    })
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

fn handle(notes: &mut impl Store, method: &str, params: &Value) -> Result<Value, RpcError> {
    match method {
        "initialize" => Ok(initialize(params)),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(tools_list()),
        "tools/call" => call_tool(notes, params),
        "resources/list" => Ok(json!({ "resources": [{
            "uri": NOTES_URI,
            "name": "All notes",
            "mimeType": "text/plain",
        }] })),
        "resources/read" => read_resource(notes, params),
        "prompts/list" => Ok(json!({ "prompts": [] })),
        _ => Err(RpcError {
            code: METHOD_NOT_FOUND,
            message: format!("Method not found: {method}"),
        }),
    }
}

fn initialize(params: &Value) -> Value {
    let version = params
        .get("protocolVersion")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_PROTOCOL_VERSION);
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": {}, "resources": {}, "prompts": {} },
        "serverInfo": { "name": SERVER_NAME, "version": SERVER_VERSION },
    })
}

fn tools_list() -> Value {
    json!({ "tools": [
        tool("add_note", "Add a note with the given name and content.", &["name", "content"]),
        tool("get_note", "Get the content of a note by name.", &["name"]),
        tool("list_notes", "List the names of all saved notes.", &[]),
        tool("delete_note", "Delete a note by name.", &["name"]),
    ] })
}

/// A tool whose arguments are all required strings.
fn tool(name: &str, description: &str, args: &[&str]) -> Value {
    let properties: Map<String, Value> = args
        .iter()
        .map(|arg| (arg.to_string(), json!({ "type": "string" })))
        .collect();
    json!({
        "name": name,
        "description": description,
        "inputSchema": { "type": "object", "properties": properties, "required": args },
    })
}

fn call_tool(notes: &mut impl Store, params: &Value) -> Result<Value, RpcError> {
    let tool = params
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::invalid_params("Missing tool name"))?;
    let args = params.get("arguments").unwrap_or(&Value::Null);
    let arg = |key: &str| {
        args.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| RpcError::invalid_params(format!("Missing string argument '{key}'")))
    };
    let text = match tool {
        "add_note" => {
            let name = arg("name")?;
            notes.add(name, arg("content")?);
            format!("Note '{name}' added successfully.")
        }
        "get_note" => {
            let name = arg("name")?;
            notes
                .get(name)
                .unwrap_or_else(|| format!("Note '{name}' not found."))
        }
        "list_notes" if notes.is_empty() => "No notes saved yet.".to_owned(),
        "list_notes" => {
            let mut text = "Saved notes: ".to_owned();
            let mut first = true;
            notes.for_each(&mut |name, _| {
                if !first {
                    text.push_str(", ");
                }
                first = false;
                text.push_str(name);
            });
            text
        }
        "delete_note" => {
            let name = arg("name")?;
            if notes.delete(name) {
                format!("Note '{name}' deleted.")
            } else {
                format!("Note '{name}' not found.")
            }
        }
        _ => return Err(RpcError::invalid_params(format!("Unknown tool: {tool}"))),
    };
    Ok(json!({ "content": [{ "type": "text", "text": text }], "isError": false }))
}

fn read_resource(notes: &mut impl Store, params: &Value) -> Result<Value, RpcError> {
    let uri = params
        .get("uri")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::invalid_params("Missing uri"))?;
    if uri != NOTES_URI {
        return Err(RpcError {
            code: RESOURCE_NOT_FOUND,
            message: format!("Resource not found: {uri}"),
        });
    }
    let text = if notes.is_empty() {
        "No notes available.".to_owned()
    } else {
        let mut text = String::new();
        notes.for_each(&mut |name, content| {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str("## ");
            text.push_str(name);
            text.push('\n');
            text.push_str(content);
        });
        text
    };
    Ok(json!({ "contents": [{ "uri": NOTES_URI, "mimeType": "text/plain", "text": text }] }))
}
