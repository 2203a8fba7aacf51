#!/usr/bin/env python3
"""Interoperability check of handlers that take a context, and of resource
subscriptions, at both protocol revisions that the official MCP Python SDK 2.x
(package `mcp`) speaks: 2025-11-25, with the `initialize` handshake
(`mode="legacy"`), and 2026-07-28, which the SDK negotiates with
`server/discover` (`mode="auto"`). Everything goes over stdio.

Usage:
    python python_revisions.py context MODE EVERYTHING_BINARY
    python python_revisions.py ask MODE EVERYTHING_BINARY
    python python_revisions.py subscribe MODE NOTES_BINARY ARGS...
    python python_revisions.py subscribe MODE URL

MODE is `legacy` or `auto`. Prints one line per check (`ok - name` or
`FAIL - name: why`), then a final line `N passed, M failed`. Exits 1 if any
check failed.
"""

from __future__ import annotations

import base64
import sys
import traceback
import warnings
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import anyio
import mcp.types as types

from mcp import Client, MCPDeprecationWarning, MCPError, StdioServerParameters

# Logging, resources/subscribe and the like are deprecated from 2026-07-28 on;
# at 2025-11-25 they are the protocol, and this checks them.
warnings.simplefilter("ignore", MCPDeprecationWarning)

REQUEST_TIMEOUT = 15  # seconds the SDK waits for any one response
CHECK_TIMEOUT = 30  # seconds one check may take in all
TOTAL_TIMEOUT = 240  # seconds for the whole run
WAIT = 5  # seconds to wait for a notification that must come
QUIET = 0.5  # seconds to wait for one that must not

VERSIONS = {"legacy": "2025-11-25", "auto": "2026-07-28"}
LOG_LEVEL = "io.modelcontextprotocol/logLevel"


class CheckFailed(Exception):
    """A check's expectation was not met."""


def expect(condition: bool, why: str) -> None:
    if not condition:
        raise CheckFailed(why)


def text_of(result: types.CallToolResult) -> str:
    expect(not result.is_error, f"the tool failed: {result.content}")
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


async def run_checks(checks: list[tuple[str, Callable[[], Awaitable[None]]]]) -> tuple[int, int]:
    passed = failed = 0
    for name, check in checks:
        try:
            with anyio.fail_after(CHECK_TIMEOUT):
                await check()
            print(f"ok - {name}", flush=True)
            passed += 1
        except Exception as error:  # report and go on
            failed += 1
            why = str(error) if isinstance(error, CheckFailed) else traceback.format_exc()
            print(f"FAIL - {name}: {why}", flush=True)
    return passed, failed


class Context:
    """Checks of the everything server (specs/everything.yaml)."""

    def __init__(self, client: Client, mode: str, logs: list[types.LoggingMessageNotificationParams]) -> None:
        self.client = client
        self.modern = mode == "auto"
        self.version = VERSIONS[mode]
        self.logs = logs

    async def protocol(self) -> None:
        got = self.client.protocol_version
        expect(got == self.version, f"negotiated {got}, expected {self.version}")

    async def capabilities(self) -> None:
        caps = self.client.server_capabilities
        expect(caps.logging is not None, f"no logging capability: {caps}")

    async def logging(self) -> None:
        # On 2026-07-28 a request opts in to log messages with a level in its
        # _meta; on 2025-11-25 every message comes until logging/setLevel.
        self.logs.clear()
        opt_in = {LOG_LEVEL: "info"} if self.modern else None
        text = text_of(await self.client.call_tool("test_tool_with_logging", {}, meta=opt_in))
        expect(text == "Tool with logging executed successfully", f"unexpected text {text!r}")
        got = [(m.level, m.data) for m in self.logs]
        want = [
            ("info", "Tool execution started"),
            ("info", "Tool processing data"),
            ("info", "Tool execution completed"),
        ]
        expect(got == want, f"log messages {got}, expected {want}")

    async def no_opt_in_no_logs(self) -> None:
        self.logs.clear()
        await self.client.call_tool("test_tool_with_logging", {})
        await anyio.sleep(QUIET)
        if self.modern:
            expect(not self.logs, f"a request without a log level got {self.logs}")
        else:
            expect(len(self.logs) == 3, f"before any setLevel the client got {self.logs}")

    async def levels(self) -> None:
        async def probe(level: str) -> list[str]:
            self.logs.clear()
            if self.modern:
                result = await self.client.read_resource("everything://level", meta={LOG_LEVEL: level})
            else:
                await self.client.set_logging_level(level)
                result = await self.client.read_resource("everything://level")
            text = result.contents[0].text
            expect(text == "logged 8 messages", f"unexpected text {text!r}")
            return [m.level for m in self.logs]

        levels = await probe("error")
        expect(levels == ["error", "critical", "alert", "emergency"], f"at level error the client got {levels}")
        levels = await probe("debug")
        expect(len(levels) == 8, f"at level debug the client got {levels}")

    async def template_and_prompt_log(self) -> None:
        self.logs.clear()
        opt_in = {LOG_LEVEL: "debug"} if self.modern else None
        result = await self.client.read_resource("everything://echo/hello", meta=opt_in)
        expect(result.contents[0].text == "hello", f"unexpected contents {result.contents}")
        prompt = await self.client.get_prompt("logged_prompt", {"topic": "owls"}, meta=opt_in)
        expect(prompt.messages[0].content.text == "Tell me about owls.", f"messages {prompt.messages}")
        got = [m.data for m in self.logs]
        expect(got == ["echoing hello", "building a prompt about owls"], f"logs {got}")

    async def progress(self) -> None:
        seen: list[tuple[float, float | None, str | None]] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append((progress, total, message))

        text = text_of(await self.client.call_tool("test_tool_with_progress", {}, progress_callback=on_progress))
        expect(text == "Tool with progress executed successfully", f"unexpected text {text!r}")
        expect([p for p, _, _ in seen] == [0, 50, 100], f"progress {seen}")
        expect(all(t == 100 for _, t, _ in seen), f"totals {seen}")
        # Without a progress token the server sends none.
        seen.clear()
        text_of(await self.client.call_tool("test_tool_with_progress", {}))
        expect(not seen, f"progress without a token: {seen}")

    async def rich_content(self) -> None:
        image = await self.client.call_tool("test_image_content", {})
        expect(
            [(c.type, c.mime_type) for c in image.content] == [("image", "image/png")]
            and base64.b64decode(image.content[0].data).startswith(b"\x89PNG"),
            f"image: {image.content}",
        )
        audio = await self.client.call_tool("test_audio_content", {})
        expect(
            [(c.type, c.mime_type) for c in audio.content] == [("audio", "audio/wav")]
            and base64.b64decode(audio.content[0].data).startswith(b"RIFF"),
            f"audio: {audio.content}",
        )
        embedded = await self.client.call_tool("test_embedded_resource", {})
        block = embedded.content[0]
        expect(
            block.type == "resource"
            and isinstance(block.resource, types.TextResourceContents)
            and str(block.resource.uri) == "test://embedded-resource"
            and block.resource.text == "This is an embedded resource content.",
            f"embedded: {embedded.content}",
        )
        several = await self.client.call_tool("test_multiple_content_types", {})
        expect([c.type for c in several.content] == ["text", "image", "resource"], f"several: {several.content}")
        linked = await self.client.call_tool("test_resource_link", {})
        link, blob = linked.content
        expect(
            link.type == "resource_link" and str(link.uri) == "everything://level" and link.name == "level_probe",
            f"link: {link}",
        )
        expect(
            isinstance(blob.resource, types.BlobResourceContents) and blob.resource.mime_type == "image/png",
            f"blob: {blob}",
        )
        failed = await self.client.call_tool("test_error_handling", {})
        expect(
            failed.is_error and failed.content[0].text == "This tool intentionally returns an error for testing",
            f"error: {failed}",
        )

    async def rich_prompts(self) -> None:
        image = await self.client.get_prompt("test_prompt_with_image", {})
        expect(
            [m.content.type for m in image.messages] == ["image", "text"]
            and image.messages[0].content.mime_type == "image/png",
            f"image prompt: {image.messages}",
        )
        embedded = await self.client.get_prompt(
            "test_prompt_with_embedded_resource", {"resourceUri": "test://example-resource"}
        )
        first = embedded.messages[0].content
        expect(
            first.type == "resource" and str(first.resource.uri) == "test://example-resource",
            f"embedded prompt: {embedded.messages}",
        )

    async def cancellation(self) -> None:
        # The SDK cancels a call whose caller gives up: it sends
        # notifications/cancelled. The server must stop counting (the ticks
        # stop) and send no result, and the session goes on.
        before = int(text_of(await self.client.call_tool("ticks", {})))
        outcome: list[Any] = []
        with anyio.CancelScope() as scope:

            async def give_up() -> None:
                await anyio.sleep(0.45)
                scope.cancel()

            async with anyio.create_task_group() as group:
                group.start_soon(give_up)
                outcome.append(await self.client.call_tool("count_slowly", {"steps": 100}))
        expect(scope.cancelled_caught and not outcome, f"the cancelled call got an answer: {outcome}")
        await anyio.sleep(0.3)
        stopped = int(text_of(await self.client.call_tool("ticks", {})))
        await anyio.sleep(0.5)
        later = int(text_of(await self.client.call_tool("ticks", {})))
        expect(0 < stopped - before < 100, f"counted {stopped - before} ticks before the cancel")
        expect(later == stopped, f"counting went on after the cancel: {stopped} then {later}")
        text = text_of(await self.client.call_tool("test_simple_text", {}))
        expect(text == "This is a simple text response for testing.", f"after cancel: {text!r}")


async def context(mode: str, binary: str) -> int:
    logs: list[types.LoggingMessageNotificationParams] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logs.append(params)

    with anyio.fail_after(TOTAL_TIMEOUT):
        async with Client(
            StdioServerParameters(command=binary, args=[]),
            mode=mode,
            read_timeout_seconds=REQUEST_TIMEOUT,
            logging_callback=on_log,
            # Every read must reach the server, whose handlers log.
            cache=None,
        ) as client:
            checks = Context(client, mode, logs)
            passed, failed = await run_checks(
                [
                    (name, getattr(checks, name))
                    for name in [
                        "protocol",
                        "capabilities",
                        "logging",
                        "no_opt_in_no_logs",
                        "levels",
                        "template_and_prompt_log",
                        "progress",
                        "rich_content",
                        "rich_prompts",
                        "cancellation",
                    ]
                ]
            )
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


class Asked:
    """The user and the model behind the client: what the callbacks answer,
    and what they were asked."""

    def __init__(self) -> None:
        self.action = "accept"
        self.content: dict[str, Any] | None = None
        self.forms: list[Any] = []
        self.samples: list[types.CreateMessageRequestParams] = []

    async def elicit(self, context: Any, params: Any) -> types.ElicitResult:
        self.forms.append(params)
        content = self.content if self.action == "accept" else None
        return types.ElicitResult(action=self.action, content=content)

    async def sample(self, context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        self.samples.append(params)
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text="Paris"),
            model="test-model",
            stop_reason="endTurn",
        )

    async def roots(self, context: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri="file:///srv/data", name="data")])


async def ask(mode: str, binary: str) -> int:
    """Tools that ask the client: elicitation, sampling and roots. On
    2025-11-25 the server sends elicitation/create and the like; on
    2026-07-28 the call ends with an InputRequiredResult that the SDK answers
    through the same callbacks, and calls again."""
    asked = Asked()
    params = StdioServerParameters(command=binary, args=[])

    def error_of(result: types.CallToolResult) -> str:
        expect(result.is_error is True, f"the tool did not fail: {result.content}")
        return "".join(c.text for c in result.content if isinstance(c, types.TextContent))

    with anyio.fail_after(TOTAL_TIMEOUT):
        async with Client(
            params,
            mode=mode,
            read_timeout_seconds=REQUEST_TIMEOUT,
            elicitation_callback=asked.elicit,
            sampling_callback=asked.sample,
            list_roots_callback=asked.roots,
        ) as client:

            async def protocol() -> None:
                got = client.protocol_version
                expect(got == VERSIONS[mode], f"negotiated {got}, expected {VERSIONS[mode]}")

            async def elicit_accept() -> None:
                asked.action = "accept"
                asked.content = {"username": "ada", "email": "ada@example.com"}
                asked.forms.clear()
                text = text_of(await client.call_tool("test_elicitation", {"message": "Who are you?"}))
                want = 'User response: action=accept, content={"username":"ada","email":"ada@example.com"}'
                expect(text == want, f"got {text!r}, expected {want!r}")
                expect(len(asked.forms) == 1, f"{len(asked.forms)} forms")
                form = asked.forms[0]
                expect(form.message == "Who are you?", f"message {form.message!r}")
                email = form.requested_schema["properties"]["email"]
                expect(email.get("format") == "email", f"email field {email}")

            async def elicit_decline() -> None:
                asked.action = "decline"
                text = text_of(await client.call_tool("test_elicitation", {"message": "Who?"}))
                expect(text == "User response: action=decline", f"got {text!r}")

            async def elicit_cancel() -> None:
                asked.action = "cancel"
                text = text_of(await client.call_tool("test_elicitation", {"message": "Who?"}))
                expect(text == "User response: action=cancel", f"got {text!r}")

            async def sampling() -> None:
                asked.samples.clear()
                text = text_of(await client.call_tool("test_sampling", {"prompt": "Capital of France?"}))
                expect(text == "LLM response: Paris", f"got {text!r}")
                request = asked.samples[0]
                expect(request.max_tokens == 100, f"max_tokens {request.max_tokens}")
                expect(request.messages[0].content.text == "Capital of France?", f"messages {request.messages}")

            async def roots() -> None:
                text = text_of(await client.call_tool("list_roots", {}))
                expect(text == "roots: file:///srv/data", f"got {text!r}")

            passed, failed = await run_checks(
                [
                    ("protocol", protocol),
                    ("elicit_accept", elicit_accept),
                    ("elicit_decline", elicit_decline),
                    ("elicit_cancel", elicit_cancel),
                    ("sampling", sampling),
                    ("roots", roots),
                ]
            )
        # A client that offers none of it gets a clear tool error at once.
        async with Client(params, mode=mode, read_timeout_seconds=REQUEST_TIMEOUT) as client:

            async def refusals() -> None:
                why = error_of(await client.call_tool("test_elicitation", {"message": "Who?"}))
                expect("did not declare the elicitation capability" in why, f"error {why!r}")
                why = error_of(await client.call_tool("test_sampling", {"prompt": "Hi"}))
                expect("did not declare the sampling capability" in why, f"error {why!r}")
                why = error_of(await client.call_tool("list_roots", {}))
                expect("did not declare the roots capability" in why, f"error {why!r}")

            more = await run_checks([("refusals", refusals)])
            passed, failed = passed + more[0], failed + more[1]
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


NAME = "sub note ✓"
NOTE_URI = "notes://sub%20note%20%E2%9C%93"
WATCHED = ["notes://all", "notes://count", NOTE_URI]


async def subscribe(mode: str, target: list[str]) -> int:
    """Subscribes to notes resources of the notes server and changes notes:
    with resources/subscribe on 2025-11-25, with subscriptions/listen on
    2026-07-28. Over stdio one client does both; given the URL of a notes
    server over HTTP, a second client, in a session of its own, changes the
    notes."""
    updated: list[str] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            updated.append(str(message.params.uri))

    async def wait_for(uris: list[str]) -> None:
        with anyio.move_on_after(WAIT):
            while not all(u in updated for u in uris):
                await anyio.sleep(0.05)
        expect(all(u in updated for u in uris), f"updates {updated}, expected {uris}")

    http = target[0].startswith("http://")
    server = target[0] if http else StdioServerParameters(command=target[0], args=target[1:])
    with anyio.fail_after(TOTAL_TIMEOUT):
        async with AsyncExitStack() as stack:
            client = await stack.enter_async_context(
                Client(server, mode=mode, read_timeout_seconds=REQUEST_TIMEOUT, message_handler=on_message)
            )
            changer = client
            if http:
                changer = await stack.enter_async_context(
                    Client(server, mode=mode, read_timeout_seconds=REQUEST_TIMEOUT)
                )

            async def protocol() -> None:
                got = client.protocol_version
                expect(got == VERSIONS[mode], f"negotiated {got}, expected {VERSIONS[mode]}")

            async def capability() -> None:
                caps = client.server_capabilities
                expect(caps.resources is not None and caps.resources.subscribe, f"capabilities {caps}")

            async def legacy() -> None:
                for uri in WATCHED:
                    await client.subscribe_resource(uri)
                await changer.call_tool("add_note", {"name": NAME, "content": "watched"})
                await wait_for(WATCHED)
                await client.unsubscribe_resource("notes://count")
                await client.unsubscribe_resource(NOTE_URI)
                updated.clear()
                await changer.call_tool("delete_note", {"name": NAME})
                await wait_for(["notes://all"])
                await anyio.sleep(QUIET)
                expect(updated == ["notes://all"], f"after unsubscribing: {updated}")
                try:
                    await client.subscribe_resource("notes-nothing://x")
                except MCPError as error:
                    expect("subscribe" in error.error.message, f"error {error.error}")
                else:
                    raise CheckFailed("subscribing to an unknown URI succeeded")

            async def listen() -> None:
                # resources/subscribe is gone on 2026-07-28.
                try:
                    await client.subscribe_resource("notes://all")
                except MCPError:
                    pass
                else:
                    raise CheckFailed("resources/subscribe succeeded on 2026-07-28")
                heard: list[str] = []
                async with client.listen(
                    resources_list_changed=True,
                    resource_subscriptions=[*WATCHED, "notes-nothing://x"],
                ) as subscription:
                    honored = subscription.honored
                    expect(
                        honored.resource_subscriptions == WATCHED and honored.resources_list_changed,
                        f"the server honoured {honored}",
                    )
                    await changer.call_tool("add_note", {"name": NAME, "content": "watched"})
                    with anyio.move_on_after(WAIT):
                        async for event in subscription:
                            heard.append(event.uri)
                            if all(u in heard for u in WATCHED):
                                break
                    expect(sorted(heard) == sorted(WATCHED), f"updates {heard}, expected {WATCHED}")
                # The stream is closed: changes go on, and reach nobody.
                await anyio.sleep(QUIET)
                updated.clear()
                text_of(await changer.call_tool("delete_note", {"name": NAME}))
                await anyio.sleep(QUIET)
                expect(not updated, f"notified after the stream closed: {updated}")

            checks = [("protocol", protocol), ("capability", capability)]
            checks.append(("listen", listen) if mode == "auto" else ("subscribe", legacy))
            passed, failed = await run_checks(checks)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    command, mode, *rest = sys.argv[1:]
    if mode not in VERSIONS:
        sys.exit(f"MODE must be one of {list(VERSIONS)}, not {mode!r}")
    if command == "subscribe":
        sys.exit(anyio.run(subscribe, mode, rest))
    sys.exit(anyio.run({"context": context, "ask": ask}[command], mode, *rest))
