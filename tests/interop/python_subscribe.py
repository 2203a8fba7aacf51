#!/usr/bin/env python3
"""Interoperability check of resource subscriptions on the generated notes
server, with the official MCP Python SDK (package `mcp`).

Usage:
    python python_subscribe.py --stdio BINARY ARGS...   # one session
    python python_subscribe.py --http URL               # two sessions

Over stdio, one client subscribes and changes notes itself. Over HTTP, one
session subscribes and another changes the notes: the subscriber must hear
of it. Prints one line per check, then `N passed, M failed`.
"""

from __future__ import annotations

import sys
import traceback
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import anyio
import mcp.types as types
from pydantic import AnyUrl

from mcp import ClientSession, McpError, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client

REQUEST_TIMEOUT = 15
WAIT = 5  # seconds to wait for a notification that must come
QUIET = 0.5  # seconds to wait for one that must not
TOTAL_TIMEOUT = 120

NAME = "sub note ✓"
NOTE_URI = "notes://sub%20note%20%E2%9C%93"
WATCHED = ["notes://all", "notes://count", NOTE_URI]


class CheckFailed(Exception):
    pass


def expect(condition: bool, why: str) -> None:
    if not condition:
        raise CheckFailed(why)


class Listener:
    """Collects the resource-updated notifications one session receives."""

    def __init__(self) -> None:
        self.updated: list[str] = []

    async def __call__(self, message: Any) -> None:
        if isinstance(message, types.ServerNotification) and isinstance(
            message.root, types.ResourceUpdatedNotification
        ):
            self.updated.append(str(message.root.params.uri))

    async def wait_for(self, uris: list[str]) -> None:
        with anyio.move_on_after(WAIT):
            while not all(u in self.updated for u in uris):
                await anyio.sleep(0.05)
        expect(all(u in self.updated for u in uris), f"updates {self.updated}, expected {uris}")


async def open_session(stack: AsyncExitStack, mode: str, target: list[str], listener: Listener) -> ClientSession:
    if mode == "--http":
        read, write, _ = await stack.enter_async_context(streamablehttp_client(target[0]))
    else:
        params = StdioServerParameters(command=target[0], args=target[1:])
        read, write = await stack.enter_async_context(stdio_client(params))
    session = await stack.enter_async_context(
        ClientSession(
            read,
            write,
            read_timeout_seconds=timedelta(seconds=REQUEST_TIMEOUT),
            message_handler=listener,
        )
    )
    await session.initialize()
    return session


async def run(mode: str, target: list[str]) -> int:
    passed = failed = 0

    def report(name: str, error: BaseException | None) -> None:
        nonlocal passed, failed
        if error is None:
            passed += 1
            print(f"ok - {name}", flush=True)
        else:
            failed += 1
            why = str(error) if isinstance(error, CheckFailed) else traceback.format_exc()
            print(f"FAIL - {name}: {why}", flush=True)

    with anyio.fail_after(TOTAL_TIMEOUT):
        async with AsyncExitStack() as stack:
            heard = Listener()
            subscriber = await open_session(stack, mode, target, heard)
            if mode == "--http":
                changer = await open_session(stack, mode, target, Listener())
            else:
                changer = subscriber

            async def capability() -> None:
                caps = subscriber.get_server_capabilities()
                expect(caps.resources is not None and caps.resources.subscribe, f"capabilities {caps}")

            async def subscribe() -> None:
                for uri in WATCHED:
                    await subscriber.subscribe_resource(AnyUrl(uri))
                await changer.call_tool("add_note", {"name": NAME, "content": "watched"})
                await heard.wait_for(WATCHED)

            async def delete_notifies() -> None:
                heard.updated.clear()
                await changer.call_tool("delete_note", {"name": NAME})
                await heard.wait_for(WATCHED)

            async def unsubscribe() -> None:
                await subscriber.unsubscribe_resource(AnyUrl("notes://count"))
                await subscriber.unsubscribe_resource(AnyUrl(NOTE_URI))
                heard.updated.clear()
                await changer.call_tool("add_note", {"name": NAME, "content": "again"})
                await heard.wait_for(["notes://all"])
                await anyio.sleep(QUIET)
                expect(heard.updated == ["notes://all"], f"after unsubscribing: {heard.updated}")
                await changer.call_tool("delete_note", {"name": NAME})

            async def unknown_uri() -> None:
                try:
                    await subscriber.subscribe_resource(AnyUrl("notes-nothing://x"))
                except McpError as error:
                    expect("subscribe" in error.error.message, f"error {error.error}")
                    return
                raise CheckFailed("subscribing to an unknown URI succeeded")

            for name, check in [
                ("capability", capability),
                ("subscribe", subscribe),
                ("delete_notifies", delete_notifies),
                ("unsubscribe", unsubscribe),
                ("unknown_uri", unknown_uri),
            ]:
                try:
                    with anyio.fail_after(REQUEST_TIMEOUT * 2):
                        await check()
                    report(name, None)
                except Exception as error:  # report and go on
                    report(name, error)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(anyio.run(run, sys.argv[1], sys.argv[2:]))
