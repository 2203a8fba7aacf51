#!/usr/bin/env python3
"""Interoperability check: drive the generated notes server with the official
MCP Python SDK (package `mcp`), a client nobody on this project wrote.

Usage:
    python python_client.py BINARY [--db PATH]   # spawn BINARY over stdio
    python python_client.py --http URL           # server already listening
    python python_client.py --launch FILE        # spawn as FILE says

Prints one line per check (`ok - name` or `FAIL - name: why`), then a final
line `N passed, M failed`. Exits 1 if any check failed.

The checks run in order and share state (notes added early are read later),
so the store must start empty: without --db a fresh temporary one is used.
The run deletes every note it adds, so an HTTP server can be checked again.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import traceback
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

import anyio
from pydantic import AnyUrl

from mcp import ClientSession, McpError, StdioServerParameters
from mcp.client.stdio import stdio_client

REQUEST_TIMEOUT = 15  # seconds the SDK waits for any one response
CHECK_TIMEOUT = 30  # seconds one check may take in all
TOTAL_TIMEOUT = 300  # seconds for the whole run, including starting the server

SERVER_NAME = "notes-server"
TOOL_REQUIRED = {
    "add_note": ["content", "name"],
    "delete_note": ["name"],
    "get_note": ["name"],
    "list_notes": [],
}
PROMPT_NAME = "note_taking_assistant"
PROMPT_PREFIX = "You are a note-taking assistant helping organize information about {topic}."

# Notes this run adds. The second has a space in its name (so reading it via
# the template needs percent-encoding) and non-ASCII, multi-line content.
ALPHA, ALPHA_TEXT = "alpha", "First note."
BETA, BETA_TEXT = "shopping list", "Milch, Käse ✓\nzweite Zeile"


class CheckFailed(Exception):
    """A check's expectation was not met."""


def expect(condition: bool, why: str) -> None:
    if not condition:
        raise CheckFailed(why)


def expect_eq(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise CheckFailed(f"{what}: expected {expected!r}, got {actual!r}")


def only_text(result: Any, what: str) -> str:
    """The text of a result whose content is exactly one text item."""
    content = result.content
    expect(len(content) == 1, f"{what}: expected 1 content item, got {len(content)}: {content!r}")
    expect(content[0].type == "text", f"{what}: expected text content, got {content[0].type!r}")
    return content[0].text


async def tool_text(session: ClientSession, name: str, args: dict[str, Any] | None) -> str:
    """Call a tool that must succeed; return its single text."""
    result = await session.call_tool(name, args)
    text = only_text(result, name)
    expect(not result.isError, f"{name}({args!r}) returned isError: {text!r}")
    return text


async def tool_error_text(session: ClientSession, name: str, args: dict[str, Any] | None) -> str:
    """Call a tool that must report a tool error (isError true); return its text."""
    result = await session.call_tool(name, args)
    expect(result.isError is True, f"{name}({args!r}): expected isError true, got {result!r}")
    return only_text(result, name)


async def resource_text(session: ClientSession, uri: str) -> str:
    """Read a resource that must hold one text item for that same URI."""
    result = await session.read_resource(AnyUrl(uri))
    expect(len(result.contents) == 1, f"{uri}: expected 1 content item, got {result.contents!r}")
    item = result.contents[0]
    expect_eq(str(item.uri), uri, f"{uri}: contents uri")
    expect(hasattr(item, "text"), f"{uri}: expected text contents, got {item!r}")
    return item.text


async def expect_mcp_error(call: Awaitable[Any], what: str) -> McpError:
    """Await a request that the server must answer with a JSON-RPC error."""
    try:
        result = await call
    except McpError as err:
        return err
    raise CheckFailed(f"{what}: expected a JSON-RPC error (McpError), got result {result!r}")


class Checks:
    """The checks, in running order. Each method is one named check."""

    def __init__(self, session: ClientSession) -> None:
        self.s = session

    # --- handshake -------------------------------------------------------

    async def initialize(self) -> None:
        init = await self.s.initialize()
        expect_eq(init.serverInfo.name, SERVER_NAME, "serverInfo.name")
        caps = init.capabilities
        expect(caps.tools is not None, "capabilities.tools missing")
        expect(caps.resources is not None, "capabilities.resources missing")
        expect(caps.prompts is not None, "capabilities.prompts missing")
        expect(bool(init.instructions and init.instructions.strip()), "instructions missing or empty")

    async def ping(self) -> None:
        await self.s.send_ping()

    # --- tools: listing --------------------------------------------------

    async def list_tools(self) -> None:
        tools = (await self.s.list_tools()).tools
        expect_eq(sorted(t.name for t in tools), sorted(TOOL_REQUIRED), "tool names")
        for tool in tools:
            expect(bool(tool.description), f"{tool.name}: no description")

    async def tool_input_schemas(self) -> None:
        for tool in (await self.s.list_tools()).tools:
            schema = tool.inputSchema
            expect_eq(schema.get("type"), "object", f"{tool.name} inputSchema.type")
            expect_eq(sorted(schema.get("required", [])), TOOL_REQUIRED[tool.name], f"{tool.name} required")
            props = schema.get("properties", {})
            for field in TOOL_REQUIRED[tool.name]:
                expect_eq(props.get(field, {}).get("type"), "string", f"{tool.name}.{field} type")

    # --- empty store -----------------------------------------------------

    async def list_notes_empty(self) -> None:
        text = await tool_text(self.s, "list_notes", {})
        expect_eq(text, "No notes saved yet.", "list_notes on an empty store (is the store fresh?)")

    async def read_all_empty(self) -> None:
        expect_eq(await resource_text(self.s, "notes://all"), "No notes available.", "notes://all")

    async def read_count_empty(self) -> None:
        expect_eq(await resource_text(self.s, "notes://count"), "0 notes saved", "notes://count")

    # --- tools: happy paths ----------------------------------------------

    async def add_note(self) -> None:
        for name, content in ((ALPHA, ALPHA_TEXT), (BETA, BETA_TEXT)):
            text = await tool_text(self.s, "add_note", {"name": name, "content": content})
            expect_eq(text, f"Note '{name}' added successfully.", "add_note")

    async def get_note(self) -> None:
        expect_eq(await tool_text(self.s, "get_note", {"name": ALPHA}), ALPHA_TEXT, "get_note alpha")
        expect_eq(await tool_text(self.s, "get_note", {"name": BETA}), BETA_TEXT, "get_note (non-ASCII)")

    async def get_note_not_found(self) -> None:
        text = await tool_text(self.s, "get_note", {"name": "missing"})
        expect_eq(text, "Note 'missing' not found.", "get_note missing")

    async def list_notes(self) -> None:
        text = await tool_text(self.s, "list_notes", None)  # no arguments at all
        expect_eq(text, f"Saved notes: {ALPHA}, {BETA}", "list_notes")

    # --- tools: validation (tool errors, not protocol errors) ------------

    async def add_note_empty_name(self) -> None:
        text = await tool_error_text(self.s, "add_note", {"name": "", "content": "x"})
        expect_eq(text, "Error: Name and content are required.", "add_note empty name")

    async def add_note_empty_content(self) -> None:
        text = await tool_error_text(self.s, "add_note", {"name": "x", "content": ""})
        expect_eq(text, "Error: Name and content are required.", "add_note empty content")

    async def get_note_empty_name(self) -> None:
        text = await tool_error_text(self.s, "get_note", {"name": ""})
        expect_eq(text, "Error: Name is required.", "get_note empty name")

    async def add_note_missing_argument(self) -> None:
        await tool_error_text(self.s, "add_note", {"name": "x"})

    async def get_note_no_arguments(self) -> None:
        await tool_error_text(self.s, "get_note", None)

    async def validation_left_store_unchanged(self) -> None:
        expect_eq(await tool_text(self.s, "list_notes", {}), f"Saved notes: {ALPHA}, {BETA}", "list_notes")

    async def unknown_tool(self) -> None:
        # The SDK raises McpError when the server answers with a JSON-RPC
        # error (rather than a result with isError).
        err = await expect_mcp_error(self.s.call_tool("no_such_tool", {}), "unknown tool")
        expect(err.error.code < 0, f"unexpected error code {err.error.code}")

    # --- resources -------------------------------------------------------

    async def list_resources(self) -> None:
        resources = (await self.s.list_resources()).resources
        expect_eq(sorted(str(r.uri) for r in resources), ["notes://all", "notes://count"], "resource URIs")

    async def list_resource_templates(self) -> None:
        templates = (await self.s.list_resource_templates()).resourceTemplates
        expect_eq([t.uriTemplate for t in templates], ["notes://{name}"], "resource templates")

    async def read_all(self) -> None:
        expected = f"## {ALPHA}\n{ALPHA_TEXT}\n## {BETA}\n{BETA_TEXT}"
        expect_eq(await resource_text(self.s, "notes://all"), expected, "notes://all")

    async def read_count(self) -> None:
        expect_eq(await resource_text(self.s, "notes://count"), "2 notes saved", "notes://count")

    async def read_template(self) -> None:
        expect_eq(await resource_text(self.s, f"notes://{ALPHA}"), ALPHA_TEXT, "notes://alpha")

    async def read_template_percent_encoded(self) -> None:
        # RFC 6570 expansion of {name} = "shopping list" gives shopping%20list.
        uri = "notes://" + BETA.replace(" ", "%20")
        expect_eq(await resource_text(self.s, uri), BETA_TEXT, uri)

    async def read_template_not_found(self) -> None:
        text = await resource_text(self.s, "notes://missing")
        expect_eq(text, "Note 'missing' not found.", "notes://missing")

    async def read_unknown_uri(self) -> None:
        err = await expect_mcp_error(self.s.read_resource(AnyUrl("other://x")), "other://x")
        expect_eq(err.error.code, -32002, "error code for an unknown resource")

    # --- prompts ---------------------------------------------------------

    async def list_prompts(self) -> None:
        prompts = (await self.s.list_prompts()).prompts
        expect_eq([p.name for p in prompts], [PROMPT_NAME], "prompt names")
        args = [(a.name, a.required) for a in prompts[0].arguments or []]
        expect_eq(args, [("topic", True)], "prompt arguments (name, required)")

    async def get_prompt(self) -> None:
        result = await self.s.get_prompt(PROMPT_NAME, {"topic": "Rust"})
        expect_eq(len(result.messages), 1, "number of messages")
        message = result.messages[0]
        expect_eq(message.role, "user", "message role")
        expect_eq(message.content.type, "text", "message content type")
        prefix = PROMPT_PREFIX.format(topic="Rust")
        expect(message.content.text.startswith(prefix), f"message text does not start with {prefix!r}")

    async def get_prompt_unknown(self) -> None:
        await expect_mcp_error(self.s.get_prompt("no_such_prompt", {}), "unknown prompt")

    # --- deleting (also leaves the store empty again) -------------------

    async def delete_note(self) -> None:
        expect_eq(await tool_text(self.s, "delete_note", {"name": ALPHA}), f"Note '{ALPHA}' deleted.", "delete")
        expect_eq(await tool_text(self.s, "get_note", {"name": ALPHA}), f"Note '{ALPHA}' not found.", "get after delete")

    async def delete_note_not_found(self) -> None:
        text = await tool_text(self.s, "delete_note", {"name": ALPHA})
        expect_eq(text, f"Note '{ALPHA}' not found.", "delete twice")

    async def delete_rest_leaves_empty(self) -> None:
        expect_eq(await tool_text(self.s, "delete_note", {"name": BETA}), f"Note '{BETA}' deleted.", "delete")
        expect_eq(await tool_text(self.s, "list_notes", {}), "No notes saved yet.", "list_notes")
        expect_eq(await resource_text(self.s, "notes://count"), "0 notes saved", "notes://count")

    async def still_alive(self) -> None:
        await self.s.send_ping()

    ORDER = [
        "initialize", "ping",
        "list_tools", "tool_input_schemas",
        "list_notes_empty", "read_all_empty", "read_count_empty",
        "add_note", "get_note", "get_note_not_found", "list_notes",
        "add_note_empty_name", "add_note_empty_content", "get_note_empty_name",
        "add_note_missing_argument", "get_note_no_arguments", "validation_left_store_unchanged",
        "unknown_tool",
        "list_resources", "list_resource_templates",
        "read_all", "read_count", "read_template", "read_template_percent_encoded",
        "read_template_not_found", "read_unknown_uri",
        "list_prompts", "get_prompt", "get_prompt_unknown",
        "delete_note", "delete_note_not_found", "delete_rest_leaves_empty",
        "still_alive",
    ]


class Tally:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def ok(self, name: str) -> None:
        self.passed += 1
        print(f"ok - {name}", flush=True)

    def fail(self, name: str, why: str) -> None:
        self.failed += 1
        why = " ".join(why.split())  # keep it on one line
        print(f"FAIL - {name}: {why}", flush=True)


async def run_check(tally: Tally, name: str, check: Callable[[], Awaitable[None]]) -> bool:
    try:
        with anyio.fail_after(CHECK_TIMEOUT):
            await check()
    except CheckFailed as err:
        tally.fail(name, str(err))
        return False
    except TimeoutError:
        tally.fail(name, f"timed out after {CHECK_TIMEOUT}s")
        return False
    except McpError as err:
        tally.fail(name, f"unexpected JSON-RPC error {err.error.code}: {err.error.message}")
        return False
    except Exception as err:  # anything the SDK raised, e.g. a schema it rejected
        tally.fail(name, f"{type(err).__name__}: {err}")
        return False
    tally.ok(name)
    return True


@asynccontextmanager
async def open_transport(args: argparse.Namespace, errlog: Any) -> AsyncIterator[tuple[Any, Any]]:
    """Yield (read_stream, write_stream) for stdio or streamable HTTP."""
    if args.http:
        try:  # SDK >= 1.24 name; the older one is deprecated
            from mcp.client.streamable_http import streamable_http_client as http_client
        except ImportError:
            from mcp.client.streamable_http import streamablehttp_client as http_client
        async with http_client(args.http) as (read, write, _get_session_id):
            yield read, write
    else:
        if args.launch:
            # {"command", "args", "env"}: exactly what an MCP client runs,
            # such as a bundle's mcp_config with its variables substituted.
            launch = json.loads(Path(args.launch).read_text())
            params = StdioServerParameters(
                command=launch["command"], args=launch.get("args", []), env=launch.get("env") or None
            )
        else:
            params = StdioServerParameters(command=args.binary, args=["--db", args.db])
        async with stdio_client(params, errlog=errlog) as (read, write):
            yield read, write


async def run(args: argparse.Namespace, tally: Tally, errlog: Any) -> None:
    with anyio.fail_after(TOTAL_TIMEOUT):
        await run_checks(args, tally, errlog)


async def run_checks(args: argparse.Namespace, tally: Tally, errlog: Any) -> None:
    async with open_transport(args, errlog) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=timedelta(seconds=REQUEST_TIMEOUT)) as session:
            checks = Checks(session)
            for name in Checks.ORDER:
                passed = await run_check(tally, name, getattr(checks, name))
                if name == "initialize" and not passed:
                    tally.fail("remaining checks", "skipped: the session did not initialize")
                    return


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", nargs="?", help="notes server executable (stdio mode)")
    parser.add_argument("--db", help="database path for the server (default: a fresh temporary one)")
    parser.add_argument("--http", metavar="URL", help="check a streamable HTTP server at URL instead")
    parser.add_argument("--launch", metavar="FILE", help="spawn the server as the JSON FILE says: command, args, env")
    args = parser.parse_args()
    if args.http and (args.binary or args.db):
        parser.error("--http takes no BINARY and no --db")
    if args.launch and (args.http or args.binary or args.db):
        parser.error("--launch takes no BINARY, --db or --http")
    if args.launch:
        return args
    if not args.http and not args.binary:
        parser.error("give BINARY (stdio) or --http URL")
    if args.binary and not Path(args.binary).is_file():
        parser.error(f"no such file: {args.binary}")
    return args


def main() -> int:
    args = parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="mcpgen-interop-") as tmp:
        if not args.http and not args.launch and not args.db:
            args.db = str(Path(tmp) / "notes.db")
        # The server's stderr (its logs) goes to a file, shown only on failure.
        stderr_path = Path(tmp) / "server-stderr.log"
        with open(stderr_path, "w") as errlog:
            try:
                anyio.run(run, args, tally, errlog)
            except Exception as err:  # transport could not open, or broke mid-run
                detail = "".join(traceback.format_exception_only(type(err), err)).strip()
                if hasattr(err, "exceptions"):  # an ExceptionGroup from a task group
                    detail += " | " + "; ".join(repr(e) for e in err.exceptions)
                tally.fail("transport", detail)
        if tally.failed and not args.http:
            log = stderr_path.read_text(errors="replace").strip()
            if log:
                print("# server stderr (last 20 lines):")
                for line in log.splitlines()[-20:]:
                    print(f"#   {line}")
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
