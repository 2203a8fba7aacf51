"""Lists the tools of an MCP server over stdio with the official Python SDK,
and calls each tool named in a JSON file of {tool: arguments}.

    call_tools.py SERVER_BINARY CALLS_JSON
    call_tools.py http://HOST:PORT/mcp CALLS_JSON   # with MCP_CLIENT_TOKEN

Over HTTP, the client sends `Authorization: Bearer $MCP_CLIENT_TOKEN`.

Prints one JSON object: the listed tools (name, description, schemas) and
each call's result (isError, text contents, structuredContent). The SDK
checks structured content against the tool's output schema itself, and
fails the call if it does not fit. The server gets this process's whole
environment, so the test sets the upstream's URL and credentials there.
"""

import asyncio
import json
import os
import sys
from contextlib import asynccontextmanager

import httpx
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client


@asynccontextmanager
async def connect(server):
    if server.startswith("http://"):
        token = os.environ["MCP_CLIENT_TOKEN"]
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(headers=headers, timeout=30) as client:
            async with streamable_http_client(server, http_client=client) as (read, write, _):
                yield read, write
    else:
        params = StdioServerParameters(command=server, args=[], env=dict(os.environ))
        async with stdio_client(params) as (read, write):
            yield read, write


async def main():
    binary, calls_file = sys.argv[1], sys.argv[2]
    with open(calls_file) as f:
        calls = json.load(f)
    async with connect(binary) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = (await session.list_tools()).tools
            out = {
                "tools": [
                    {
                        "name": t.name,
                        "description": t.description,
                        "inputSchema": t.inputSchema,
                        "outputSchema": t.outputSchema,
                        "annotations": t.annotations.model_dump(exclude_none=True)
                        if t.annotations
                        else None,
                    }
                    for t in tools
                ],
                "results": {},
            }
            for name, arguments in calls.items():
                try:
                    result = await asyncio.wait_for(session.call_tool(name, arguments), 30)
                except Exception as error:  # the SDK refused the result
                    out["results"][name] = {"exception": repr(error)}
                    continue
                out["results"][name] = {
                    "isError": bool(result.isError),
                    "text": [c.text for c in result.content if c.type == "text"],
                    "types": [c.type for c in result.content],
                    "structured": result.structuredContent,
                }
            print(json.dumps(out))


asyncio.run(main())
