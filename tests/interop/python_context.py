#!/usr/bin/env python3
"""Interoperability check of handlers that take a context: drive the
generated everything server (specs/everything.yaml) over stdio with the
official MCP Python SDK (package `mcp`).

Usage:
    python python_context.py BINARY

Prints one line per check (`ok - name` or `FAIL - name: why`), then a final
line `N passed, M failed`. Exits 1 if any check failed.
"""

from __future__ import annotations

import base64
import sys
import traceback
from datetime import timedelta
from typing import Any

import anyio
import mcp.types as types
from pydantic import AnyUrl

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

REQUEST_TIMEOUT = 15  # seconds the SDK waits for any one response
CHECK_TIMEOUT = 30  # seconds one check may take in all
TOTAL_TIMEOUT = 240  # seconds for the whole run


class CheckFailed(Exception):
    """A check's expectation was not met."""


def expect(condition: bool, why: str) -> None:
    if not condition:
        raise CheckFailed(why)


def text_of(result: types.CallToolResult) -> str:
    expect(not result.isError, f"the tool failed: {result.content}")
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


class Checks:
    def __init__(self, session: ClientSession, logs: list[types.LoggingMessageNotificationParams]) -> None:
        self.session = session
        self.logs = logs

    async def capabilities(self) -> None:
        caps = self.session.get_server_capabilities()
        expect(caps is not None and caps.logging is not None, f"no logging capability: {caps}")

    async def logging(self) -> None:
        self.logs.clear()
        text = text_of(await self.session.call_tool("test_tool_with_logging", {}))
        expect(text == "Tool with logging executed successfully", f"unexpected text {text!r}")
        got = [(m.level, m.data) for m in self.logs]
        want = [
            ("info", "Tool execution started"),
            ("info", "Tool processing data"),
            ("info", "Tool execution completed"),
        ]
        expect(got == want, f"log messages {got}, expected {want}")

    async def set_level(self) -> None:
        await self.session.set_logging_level("error")
        self.logs.clear()
        result = await self.session.read_resource(AnyUrl("everything://level"))
        text = result.contents[0].text
        expect(text == "logged 8 messages", f"unexpected text {text!r}")
        levels = [m.level for m in self.logs]
        expect(
            levels == ["error", "critical", "alert", "emergency"],
            f"after setLevel error the client got {levels}",
        )
        await self.session.set_logging_level("debug")
        self.logs.clear()
        await self.session.read_resource(AnyUrl("everything://level"))
        expect(len(self.logs) == 8, f"after setLevel debug the client got {len(self.logs)} messages")

    async def template_logs(self) -> None:
        self.logs.clear()
        result = await self.session.read_resource(AnyUrl("everything://echo/hello"))
        expect(result.contents[0].text == "hello", f"unexpected contents {result.contents}")
        expect([m.data for m in self.logs] == ["echoing hello"], f"logs {self.logs}")

    async def prompt_logs(self) -> None:
        self.logs.clear()
        result = await self.session.get_prompt("logged_prompt", {"topic": "owls"})
        expect(result.messages[0].content.text == "Tell me about owls.", f"messages {result.messages}")
        expect([m.data for m in self.logs] == ["building a prompt about owls"], f"logs {self.logs}")

    async def progress(self) -> None:
        seen: list[tuple[float, float | None, str | None]] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append((progress, total, message))

        text = text_of(
            await self.session.call_tool("test_tool_with_progress", {}, progress_callback=on_progress)
        )
        expect(text == "Tool with progress executed successfully", f"unexpected text {text!r}")
        expect([p for p, _, _ in seen] == [0, 50, 100], f"progress {seen}")
        expect(all(t == 100 for _, t, _ in seen), f"totals {seen}")

    async def rich_content(self) -> None:
        image = await self.session.call_tool("test_image_content", {})
        expect(
            [(c.type, c.mimeType) for c in image.content] == [("image", "image/png")]
            and base64.b64decode(image.content[0].data).startswith(b"\x89PNG"),
            f"image: {image.content}",
        )
        audio = await self.session.call_tool("test_audio_content", {})
        expect(
            [(c.type, c.mimeType) for c in audio.content] == [("audio", "audio/wav")]
            and base64.b64decode(audio.content[0].data).startswith(b"RIFF"),
            f"audio: {audio.content}",
        )
        embedded = await self.session.call_tool("test_embedded_resource", {})
        block = embedded.content[0]
        expect(
            block.type == "resource"
            and isinstance(block.resource, types.TextResourceContents)
            and str(block.resource.uri) == "test://embedded-resource"
            and block.resource.text == "This is an embedded resource content.",
            f"embedded: {embedded.content}",
        )
        several = await self.session.call_tool("test_multiple_content_types", {})
        expect(
            [c.type for c in several.content] == ["text", "image", "resource"],
            f"several: {several.content}",
        )
        linked = await self.session.call_tool("test_resource_link", {})
        link, blob = linked.content
        expect(
            link.type == "resource_link" and str(link.uri) == "everything://level" and link.name == "level_probe",
            f"link: {link}",
        )
        expect(
            isinstance(blob.resource, types.BlobResourceContents) and blob.resource.mimeType == "image/png",
            f"blob: {blob}",
        )
        failed = await self.session.call_tool("test_error_handling", {})
        expect(
            failed.isError and failed.content[0].text == "This tool intentionally returns an error for testing",
            f"error: {failed}",
        )

    async def rich_prompts(self) -> None:
        image = await self.session.get_prompt("test_prompt_with_image", {})
        expect(
            [m.content.type for m in image.messages] == ["image", "text"]
            and image.messages[0].content.mimeType == "image/png",
            f"image prompt: {image.messages}",
        )
        embedded = await self.session.get_prompt(
            "test_prompt_with_embedded_resource", {"resourceUri": "test://example-resource"}
        )
        first = embedded.messages[0].content
        expect(
            first.type == "resource" and str(first.resource.uri) == "test://example-resource",
            f"embedded prompt: {embedded.messages}",
        )

    async def cancellation(self) -> None:
        before = int(text_of(await self.session.call_tool("ticks", {})))
        request_id = self.session._request_id  # the id the next request gets
        outcome: list[Any] = []

        async def slow() -> None:
            try:
                outcome.append(await self.session.call_tool("count_slowly", {"steps": 100}))
            except Exception as error:  # the SDK may end the call with an error
                outcome.append(error)

        async with anyio.create_task_group() as group:
            group.start_soon(slow)
            await anyio.sleep(0.45)
            await self.session.send_notification(
                types.ClientNotification(
                    types.CancelledNotification(
                        params=types.CancelledNotificationParams(requestId=request_id, reason="test")
                    )
                )
            )
            await anyio.sleep(0.3)
            stopped = int(text_of(await self.session.call_tool("ticks", {})))
            await anyio.sleep(0.5)
            later = int(text_of(await self.session.call_tool("ticks", {})))
            group.cancel_scope.cancel()
        expect(not outcome, f"the cancelled call got an answer: {outcome}")
        expect(0 < stopped - before < 100, f"counted {stopped - before} ticks before the cancel")
        expect(later == stopped, f"counting went on after the cancel: {stopped} then {later}")
        text = text_of(await self.session.call_tool("test_simple_text", {}))
        expect(text == "This is a simple text response for testing.", f"after cancel: {text!r}")


async def run(binary: str) -> int:
    logs: list[types.LoggingMessageNotificationParams] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logs.append(params)

    passed = failed = 0
    params = StdioServerParameters(command=binary, args=[])
    with anyio.fail_after(TOTAL_TIMEOUT):
        async with stdio_client(params) as (read, write):
            async with ClientSession(
                read,
                write,
                read_timeout_seconds=timedelta(seconds=REQUEST_TIMEOUT),
                logging_callback=on_log,
            ) as session:
                await session.initialize()
                checks = Checks(session, logs)
                for name in [
                    "capabilities",
                    "logging",
                    "set_level",
                    "template_logs",
                    "prompt_logs",
                    "progress",
                    "rich_content",
                    "rich_prompts",
                    "cancellation",
                ]:
                    try:
                        with anyio.fail_after(CHECK_TIMEOUT):
                            await getattr(checks, name)()
                        print(f"ok - {name}", flush=True)
                        passed += 1
                    except Exception as error:  # report and go on
                        failed += 1
                        why = str(error) if isinstance(error, CheckFailed) else traceback.format_exc()
                        print(f"FAIL - {name}: {why}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(anyio.run(run, sys.argv[1]))
