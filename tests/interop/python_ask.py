#!/usr/bin/env python3
"""Interoperability check of tools that ask the client: elicitation (forms
the user fills in), sampling (the client's model) and roots. Drives the
generated everything server (specs/everything.yaml) over stdio with the
official MCP Python SDK (package `mcp`), once with a client that offers all
three, once with a client that offers none.

Usage:
    python python_ask.py BINARY

Prints one line per check (`ok - name` or `FAIL - name: why`), then a final
line `N passed, M failed`. Exits 1 if any check failed.
"""

from __future__ import annotations

import json
import sys
import traceback
from datetime import timedelta
from typing import Any

import anyio
import mcp.types as types

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

REQUEST_TIMEOUT = 15  # seconds the SDK waits for any one response
CHECK_TIMEOUT = 30  # seconds one check may take in all
TOTAL_TIMEOUT = 240  # seconds for the whole run
PROTOCOL = "2025-11-25"


class CheckFailed(Exception):
    """A check's expectation was not met."""


def expect(condition: bool, why: str) -> None:
    if not condition:
        raise CheckFailed(why)


def text_of(result: types.CallToolResult) -> str:
    expect(not result.isError, f"the tool failed: {result.content}")
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


def error_of(result: types.CallToolResult) -> str:
    expect(result.isError is True, f"the tool did not fail: {result.content}")
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


class Client:
    """The user and the model behind the client: what the callbacks answer,
    and what they were asked."""

    def __init__(self) -> None:
        self.action = "accept"
        self.content: dict[str, Any] | None = None
        self.forms: list[types.ElicitRequestParams] = []
        self.samples: list[types.CreateMessageRequestParams] = []

    async def elicit(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.forms.append(params)
        content = self.content if self.action == "accept" else None
        return types.ElicitResult(action=self.action, content=content)

    async def sample(self, context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        self.samples.append(params)
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text="Paris"),
            model="test-model",
            stopReason="endTurn",
        )

    async def roots(self, context: Any) -> types.ListRootsResult:
        return types.ListRootsResult(
            roots=[
                types.Root(uri="file:///srv/data", name="data"),
                types.Root(uri="file:///home/ada/notes"),
            ]
        )


class Checks:
    def __init__(self, session: ClientSession, client: Client, protocol: str) -> None:
        self.session = session
        self.client = client
        self.protocol = protocol

    async def protocol_version(self) -> None:
        expect(self.protocol == PROTOCOL, f"negotiated {self.protocol}, expected {PROTOCOL}")

    async def elicit_accept(self) -> None:
        self.client.action = "accept"
        self.client.content = {"username": "ada", "email": "ada@example.com"}
        self.client.forms.clear()
        text = text_of(await self.session.call_tool("test_elicitation", {"message": "Who are you?"}))
        want = 'User response: action=accept, content={"username":"ada","email":"ada@example.com"}'
        expect(text == want, f"got {text!r}, expected {want!r}")
        expect(len(self.client.forms) == 1, f"{len(self.client.forms)} forms")
        form = self.client.forms[0]
        expect(form.message == "Who are you?", f"message {form.message!r}")
        schema = form.requestedSchema
        expect(schema.get("required") == ["username", "email"], f"required {schema.get('required')}")
        email = schema["properties"]["email"]
        expect(
            email == {"type": "string", "format": "email", "description": "User's email address"},
            f"email field {email}",
        )

    async def elicit_decline(self) -> None:
        self.client.action = "decline"
        text = text_of(await self.session.call_tool("test_elicitation", {"message": "Who?"}))
        expect(text == "User response: action=decline", f"got {text!r}")

    async def elicit_cancel(self) -> None:
        self.client.action = "cancel"
        text = text_of(await self.session.call_tool("test_elicitation", {"message": "Who?"}))
        expect(text == "User response: action=cancel", f"got {text!r}")

    async def elicit_bad_answer(self) -> None:
        self.client.action = "accept"
        self.client.content = {"username": "ada"}
        why = error_of(await self.session.call_tool("test_elicitation", {"message": "Who?"}))
        expect("does not fit the form" in why and "email" in why, f"error {why!r}")

    async def elicit_defaults(self) -> None:
        self.client.action = "accept"
        self.client.content = {"age": 31}
        self.client.forms.clear()
        text = text_of(await self.session.call_tool("test_elicitation_sep1034_defaults", {}))
        _, _, content = text.partition("content=")
        got = json.loads(content)
        want = {"name": "John Doe", "age": 31, "score": 95.5, "status": "active", "verified": True}
        expect(got == want, f"the server read {got}, expected {want}")
        properties = self.client.forms[0].requestedSchema["properties"]
        defaults = {name: field.get("default") for name, field in properties.items()}
        want = {"name": "John Doe", "age": 30, "score": 95.5, "status": "active", "verified": True}
        expect(defaults == want, f"defaults {defaults}, expected {want}")
        expect("required" not in self.client.forms[0].requestedSchema, "fields with defaults are required")

    async def elicit_enums(self) -> None:
        self.client.action = "accept"
        self.client.content = {
            "untitledSingle": "option2",
            "titledSingle": "value3",
            "legacyEnum": "opt1",
            "untitledMulti": ["option1", "option3"],
            "titledMulti": ["value2"],
        }
        self.client.forms.clear()
        text = text_of(await self.session.call_tool("test_elicitation_sep1330_enums", {}))
        _, _, content = text.partition("content=")
        expect(json.loads(content) == self.client.content, f"the server read {content}")
        p = self.client.forms[0].requestedSchema["properties"]
        expect(p["untitledSingle"] == {"type": "string", "enum": ["option1", "option2", "option3"]}, f"{p['untitledSingle']}")
        expect(p["titledSingle"]["oneOf"][0] == {"const": "value1", "title": "First Option"}, f"{p['titledSingle']}")
        expect(p["legacyEnum"]["enumNames"] == ["Option One", "Option Two", "Option Three"], f"{p['legacyEnum']}")
        expect(p["untitledMulti"]["items"] == {"type": "string", "enum": ["option1", "option2", "option3"]}, f"{p['untitledMulti']}")
        expect(p["titledMulti"]["items"]["anyOf"][2] == {"const": "value3", "title": "Third Choice"}, f"{p['titledMulti']}")
        # A value outside the enum is refused, not passed on.
        self.client.content = dict(self.client.content, titledSingle="value9")
        why = error_of(await self.session.call_tool("test_elicitation_sep1330_enums", {}))
        expect("does not fit the form" in why, f"error {why!r}")

    async def sampling(self) -> None:
        self.client.samples.clear()
        text = text_of(await self.session.call_tool("test_sampling", {"prompt": "Capital of France?"}))
        expect(text == "LLM response: Paris", f"got {text!r}")
        request = self.client.samples[0]
        expect(request.maxTokens == 100, f"maxTokens {request.maxTokens}")
        message = request.messages[0]
        expect(
            message.role == "user" and message.content.text == "Capital of France?",
            f"message {message}",
        )

    async def roots(self) -> None:
        text = text_of(await self.session.call_tool("list_roots", {}))
        want = "roots: file:///srv/data, file:///home/ada/notes"
        expect(text == want, f"got {text!r}, expected {want!r}")


class Refusals:
    """A client that offers none of it gets a clear tool error at once."""

    def __init__(self, session: ClientSession) -> None:
        self.session = session

    async def no_elicitation(self) -> None:
        why = error_of(await self.session.call_tool("test_elicitation", {"message": "Who?"}))
        expect("did not declare the elicitation capability" in why, f"error {why!r}")

    async def no_sampling(self) -> None:
        why = error_of(await self.session.call_tool("test_sampling", {"prompt": "Hi"}))
        expect("did not declare the sampling capability" in why, f"error {why!r}")

    async def no_roots(self) -> None:
        why = error_of(await self.session.call_tool("list_roots", {}))
        expect("did not declare the roots capability" in why, f"error {why!r}")


async def run_checks(checks: object, names: list[str]) -> tuple[int, int]:
    passed = failed = 0
    for name in names:
        try:
            with anyio.fail_after(CHECK_TIMEOUT):
                await getattr(checks, name)()
            print(f"ok - {name}", flush=True)
            passed += 1
        except Exception as error:  # report and go on
            failed += 1
            why = str(error) if isinstance(error, CheckFailed) else traceback.format_exc()
            print(f"FAIL - {name}: {why}", flush=True)
    return passed, failed


async def run(binary: str) -> int:
    params = StdioServerParameters(command=binary, args=[])
    client = Client()
    with anyio.fail_after(TOTAL_TIMEOUT):
        async with stdio_client(params) as (read, write):
            async with ClientSession(
                read,
                write,
                read_timeout_seconds=timedelta(seconds=REQUEST_TIMEOUT),
                sampling_callback=client.sample,
                elicitation_callback=client.elicit,
                list_roots_callback=client.roots,
            ) as session:
                init = await session.initialize()
                passed, failed = await run_checks(
                    Checks(session, client, init.protocolVersion),
                    [
                        "protocol_version",
                        "elicit_accept",
                        "elicit_decline",
                        "elicit_cancel",
                        "elicit_bad_answer",
                        "elicit_defaults",
                        "elicit_enums",
                        "sampling",
                        "roots",
                    ],
                )
        async with stdio_client(params) as (read, write):
            async with ClientSession(
                read, write, read_timeout_seconds=timedelta(seconds=REQUEST_TIMEOUT)
            ) as session:
                await session.initialize()
                more = await run_checks(
                    Refusals(session), ["no_elicitation", "no_sampling", "no_roots"]
                )
                passed, failed = passed + more[0], failed + more[1]
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(anyio.run(run, sys.argv[1]))
