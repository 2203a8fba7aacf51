#!/usr/bin/env bash
# Interoperability check: drive the generated notes server with the official
# MCP Inspector CLI (npm package @modelcontextprotocol/inspector, run with
# --cli), a client nobody on this project wrote.
#
# Usage: INSPECTOR_PREFIX=DIR inspector.sh BINARY
#   DIR is a folder where `npm install --prefix DIR @modelcontextprotocol/inspector@2.12.0`
#   was run (setup.sh does this). Each inspector call starts a new server
#   process, so all calls share one --db file in a temporary folder.
#
# Prints `ok - name` or `FAIL - name: why` per check, then `N passed, M failed`.
# Exits 1 if any check failed, 2 on a usage error.
#
# Note: the inspector JSON-parses every --tool-arg value (content=123 would be
# sent as the number 123), so string arguments are passed JSON-quoted.
set -u

usage() { echo "usage: INSPECTOR_PREFIX=DIR $0 BINARY" >&2; exit 2; }
[ $# -eq 1 ] || usage
BINARY=$1
[ -x "$BINARY" ] || { echo "error: $BINARY is not an executable file" >&2; exit 2; }
[ -n "${INSPECTOR_PREFIX:-}" ] || { echo "error: INSPECTOR_PREFIX is not set" >&2; usage; }
INSPECTOR="$INSPECTOR_PREFIX/node_modules/.bin/mcp-inspector"
[ -x "$INSPECTOR" ] || {
    echo "error: $INSPECTOR not found; run: npm install --prefix \"$INSPECTOR_PREFIX\" @modelcontextprotocol/inspector@2.12.0" >&2
    exit 2
}
command -v node >/dev/null || { echo "error: node is not on PATH" >&2; exit 2; }

CALL_TIMEOUT=60 # seconds for one inspector call; it gives up connecting itself after 15 s
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-inspector.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/notes.db"
PASSED=0
FAILED=0
SKIPPED=0
UNREACHABLE=no # once a call cannot reach the server, skip the rest

ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1: $(printf '%s' "$2" | tr '\n' ' ' | cut -c1-400)"; }

# check NAME EXPECTED_EXIT JS_EXPRESSION INSPECTOR_ARGS...
#   Runs the inspector against a new server process, then evaluates
#   JS_EXPRESSION with `out` (stdout parsed as JSON, or null), `err` (stderr
#   text) and `text` (out.content[0].text, the usual tool result text).
#   The check passes when the exit code is EXPECTED_EXIT ("nonzero" for any
#   failure) and the expression is true.
check() {
    local name=$1 want_rc=$2 expr=$3
    shift 3
    [ "$UNREACHABLE" = no ] || { SKIPPED=$((SKIPPED + 1)); return; }
    local rc=0
    timeout "$CALL_TIMEOUT" "$INSPECTOR" --cli "$BINARY" --db "$DB" "$@" \
        >"$WORK/out" 2>"$WORK/err" </dev/null || rc=$?
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 4 ]; then # 4: the inspector could not connect
        fail "$name" "server unreachable (exit $rc): $(tail -n 2 "$WORK/err")"
        UNREACHABLE=yes
        return
    fi
    local rc_ok=yes
    if [ "$want_rc" = nonzero ]; then
        [ "$rc" -ne 0 ] || rc_ok=no
    else
        [ "$rc" -eq "$want_rc" ] || rc_ok=no
    fi
    if [ "$rc_ok" = no ]; then
        fail "$name" "inspector exited $rc (wanted $want_rc); stderr: $(tail -n 3 "$WORK/err"); stdout: $(head -c 300 "$WORK/out")"
        return
    fi
    local why
    if why=$(node -e '
        const fs = require("fs");
        const raw = fs.readFileSync(process.argv[1], "utf8");
        const err = fs.readFileSync(process.argv[2], "utf8");
        let out = null;
        try { out = JSON.parse(raw); } catch (e) {}
        const text = out && out.content && out.content[0] ? out.content[0].text : undefined;
        let passed = false;
        try { passed = eval(process.argv[3]) === true; } catch (e) { console.log("check threw " + e); }
        if (!passed) {
            console.log("got stdout " + (out ? JSON.stringify(out) : JSON.stringify(raw)).slice(0, 300)
                + (err.trim() ? "; stderr " + JSON.stringify(err.trim().split("\n").slice(-2).join(" | ")) : ""));
            process.exit(1);
        }' "$WORK/out" "$WORK/err" "$expr" 2>&1); then
        ok "$name"
    else
        fail "$name" "$why"
    fi
}

check "tools/list names the 4 tools" 0 \
    'JSON.stringify(out.tools.map(t => t.name).sort()) === JSON.stringify(["add_note", "delete_note", "get_note", "list_notes"])' \
    --method tools/list
check "tools/list add_note requires name and content" 0 \
    'JSON.stringify(out.tools.find(t => t.name === "add_note").inputSchema.required.slice().sort()) === JSON.stringify(["content", "name"])' \
    --method tools/list
check "tools/list --strict finds no schema portability errors" 0 \
    'out.tools.length === 4' \
    --method tools/list --strict

check "tools/call list_notes on an empty store" 0 \
    'out.isError === false && text === "No notes saved yet."' \
    --method tools/call --tool-name list_notes
check "tools/call add_note" 0 \
    'out.isError === false && text === "Note '\''groceries'\'' added successfully."' \
    --method tools/call --tool-name add_note --tool-arg 'name="groceries"' 'content="eggs = 12, milk"'
check "tools/call get_note (new process, same db)" 0 \
    'out.isError === false && text === "eggs = 12, milk"' \
    --method tools/call --tool-name get_note --tool-arg 'name="groceries"'
check "tools/call get_note not found" 0 \
    'out.isError === false && text === "Note '\''nope'\'' not found."' \
    --method tools/call --tool-name get_note --tool-arg 'name="nope"'
check "tools/call list_notes" 0 \
    'text === "Saved notes: groceries"' \
    --method tools/call --tool-name list_notes
# The inspector exits 5 when a tool result has isError true.
check "tools/call get_note with an empty name is a tool error" 5 \
    'out.isError === true && text === "Error: Name is required."' \
    --method tools/call --tool-name get_note --tool-arg 'name=""'
check "tools/call an unknown tool fails" nonzero \
    'err.includes("no_such_tool")' \
    --method tools/call --tool-name no_such_tool

check "resources/list" 0 \
    'JSON.stringify(out.resources.map(r => r.uri).sort()) === JSON.stringify(["notes://all", "notes://count"])' \
    --method resources/list
check "resources/templates/list" 0 \
    'out.resourceTemplates.length === 1 && out.resourceTemplates[0].uriTemplate === "notes://{name}"' \
    --method resources/templates/list
check "resources/read notes://count" 0 \
    'out.contents.length === 1 && out.contents[0].uri === "notes://count" && out.contents[0].text === "1 notes saved"' \
    --method resources/read --uri notes://count
check "resources/read notes://all" 0 \
    'out.contents[0].text === "## groceries\neggs = 12, milk"' \
    --method resources/read --uri notes://all
check "resources/read notes://groceries (template)" 0 \
    'out.contents[0].uri === "notes://groceries" && out.contents[0].text === "eggs = 12, milk"' \
    --method resources/read --uri notes://groceries
check "resources/read an unknown URI fails" nonzero \
    'err.includes("other://x")' \
    --method resources/read --uri other://x

check "prompts/list" 0 \
    'out.prompts.length === 1 && out.prompts[0].name === "note_taking_assistant" && out.prompts[0].arguments[0].name === "topic" && out.prompts[0].arguments[0].required === true' \
    --method prompts/list
check "prompts/get note_taking_assistant" 0 \
    'out.messages.length === 1 && out.messages[0].role === "user" && out.messages[0].content.type === "text" && out.messages[0].content.text.startsWith("You are a note-taking assistant helping organize information about Rust.")' \
    --method prompts/get --prompt-name note_taking_assistant --prompt-args topic=Rust

check "tools/call delete_note" 0 \
    'out.isError === false && text === "Note '\''groceries'\'' deleted."' \
    --method tools/call --tool-name delete_note --tool-arg 'name="groceries"'
check "resources/read notes://count after delete" 0 \
    'out.contents[0].text === "0 notes saved"' \
    --method resources/read --uri notes://count

[ "$SKIPPED" -eq 0 ] || fail "remaining checks" "$SKIPPED skipped after the server was unreachable"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
