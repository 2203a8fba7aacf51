"""Load through a load balancer: concurrent clients of the official MCP Python
SDK add, read and delete notes on a notes server's stateless replicas, while
the test kills and stops replicas under them.

    python scaleout_load.py --url http://127.0.0.1:PORT/mcp [--clients 50] [--notes 8]

Each client has its own notes, `c<client>-n<note>`: it adds each, reads it
back, deletes every third one and checks that it is gone. A call that fails
(an HTTP error from the balancer, a dropped connection, a timeout, or a tool
error) is retried on a new session, up to --attempts times, and counted.
Every tool of the notes server may be retried: adding upserts, and deleting
a note that a failed attempt already deleted answers "not found".

Prints `progress DONE TOTAL` after each acknowledged call, for the test to
time its kills, then one line `result JSON`: the notes whose add was
acknowledged and that were kept (name to content), those deleted, the calls
that failed for good, answers that broke read-your-writes, and the retries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from datetime import timedelta

from mcp import ClientSession

try:
    from mcp.client.streamable_http import streamable_http_client as _client

    def http_client(url: str):
        return _client(url)

except ImportError:  # older SDKs
    from mcp.client.streamable_http import streamablehttp_client as _client

    def http_client(url: str):
        return _client(url, timeout=10)


CALL_TIMEOUT = timedelta(seconds=15)


class Load:
    def __init__(self, url: str, clients: int, notes: int, attempts: int):
        self.url = url
        self.clients = clients
        self.notes = notes
        self.attempts = attempts
        deletes = len([n for n in range(notes) if n % 3 == 0])
        self.total = clients * (2 * notes + 2 * deletes)
        self.done = 0
        self.retries = 0
        self.kept: dict[str, str] = {}
        self.deleted: list[str] = []
        self.failed: list[str] = []
        self.violations: list[str] = []

    def acknowledged(self) -> None:
        self.done += 1
        print(f"progress {self.done} {self.total}", flush=True)

    async def run(self) -> None:
        await asyncio.gather(*(self.client(c) for c in range(self.clients)))

    async def client(self, c: int) -> None:
        ops = []
        for n in range(self.notes):
            name = f"c{c}-n{n}"
            content = f"note {n} of client {c}: café ✓ {'x' * (n * 37 % 200)}"
            ops.append(("add", name, content))
            ops.append(("read", name, content))
            if n % 3 == 0:
                ops.append(("delete", name, None))
                ops.append(("read", name, f"Note '{name}' not found."))
        i = 0
        attempts = 0
        streak = 0  # sessions in a row that failed
        errors: list[str] = []
        while i < len(ops):
            if streak > self.attempts:
                self.failed.extend(f"{op[:2]}: {errors}" for op in ops[i:])
                return
            if streak:
                self.retries += 1
                await asyncio.sleep(min(0.05 * streak, 0.5))
            # One session until a call fails with anything but a tool error;
            # then a new one. The SDK's task group ends with the session.
            try:
                async with http_client(self.url) as (read, write, *_):
                    async with ClientSession(read, write, read_timeout_seconds=CALL_TIMEOUT) as session:
                        await session.initialize()
                        while i < len(ops):
                            if attempts:
                                self.retries += 1
                                await asyncio.sleep(min(0.05 * attempts, 0.5))
                            if attempts >= self.attempts:
                                self.failed.append(f"{ops[i][:2]}: {errors}")
                                i, attempts, errors = i + 1, 0, []
                                continue
                            kind, name, expected = ops[i]
                            attempts += 1
                            result = await session.call_tool(
                                {"add": "add_note", "read": "get_note", "delete": "delete_note"}[kind],
                                {"name": name, "content": expected} if kind == "add" else {"name": name},
                            )
                            text = result.content[0].text if result.content else ""
                            if result.isError:
                                errors.append(f"tool error: {text}"[:200])
                                continue
                            self.check(kind, name, expected, text, retried=attempts > 1)
                            self.acknowledged()
                            i, attempts, streak, errors = i + 1, 0, 0, []
            except Exception as error:  # noqa: BLE001 - any failure is retried
                streak += 1
                errors.append(f"{type(error).__name__}: {error}"[:200])

    def check(self, kind: str, name: str, expected: str | None, text: str, retried: bool) -> None:
        """Records what an acknowledged call did, and any wrong answer."""
        if kind == "add":
            if text != f"Note '{name}' added successfully.":
                self.violations.append(f"add {name}: {text!r}")
            self.kept[name] = expected
        elif kind == "read":
            if text != expected:
                self.violations.append(f"read {name}: {text!r}, expected {expected!r}")
        else:
            # A retried delete may find the note that its failed attempt
            # deleted already: both answers mean it is gone.
            gone = {f"Note '{name}' deleted."}
            if retried:
                gone.add(f"Note '{name}' not found.")
            if text not in gone:
                self.violations.append(f"delete {name}: {text!r}")
            self.kept.pop(name, None)
            self.deleted.append(name)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--notes", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=40)
    args = parser.parse_args()
    # The SDK logs each dropped connection with a traceback; the counts say it.
    logging.basicConfig(level=logging.CRITICAL)
    load = Load(args.url, args.clients, args.notes, args.attempts)
    started = time.monotonic()
    asyncio.run(load.run())
    result = {
        "kept": load.kept,
        "deleted": load.deleted,
        "failed": load.failed,
        "violations": load.violations,
        "retries": load.retries,
        "calls": load.done,
        "seconds": round(time.monotonic() - started, 2),
    }
    print("result " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
