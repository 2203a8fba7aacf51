"""The official MCP Python SDK's OAuth client against a generated server, for
tests/oauth.rs.

    python oauth_client.py URL CLIENTS

Each of CLIENTS clients, concurrently, connects to the MCP server at URL with
the SDK's OAuthClientProvider: it gets 401, reads the server's protected
resource metadata and its authorization server's metadata, registers itself,
and runs the authorization code grant with PKCE. The authorization server
(tests/interop/oidc/provider.mjs) logs in and consents by itself, so the
browser is played by following its redirects with httpx until the one to the
client's redirect URI. Then each client lists the tools and calls
`list_notes` and `whoami`.

Prints one JSON object: {"tools": [names], "results": [text of each
list_notes], "whoami": [text of each whoami: the caller the server saw]}.
"""

import asyncio
import json
import sys
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamablehttp_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

REDIRECT_URI = "http://localhost:3030/callback"


class Memory(TokenStorage):
    def __init__(self):
        self.tokens = None
        self.client = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


class Browser:
    """Follows the authorization server's redirects, with its cookies, to
    the redirect URI, and keeps the code and state it carries."""

    def __init__(self):
        self.callback = None

    async def redirect(self, url: str) -> None:
        async with httpx.AsyncClient(follow_redirects=False, timeout=20) as http:
            for _ in range(10):
                response = await http.get(url)
                location = response.headers.get("location")
                if response.status_code not in (302, 303) or not location:
                    raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
                url = urljoin(url, location)
                if url.startswith(REDIRECT_URI):
                    query = parse_qs(urlparse(url).query)
                    if "code" not in query:
                        raise RuntimeError(f"authorization failed: {query}")
                    self.callback = (query["code"][0], query.get("state", [None])[0])
                    return
        raise RuntimeError("too many redirects")

    async def wait(self) -> tuple[str, str | None]:
        assert self.callback is not None, "no authorization code"
        return self.callback


async def client(url: str) -> tuple[list[str], str, str]:
    browser = Browser()
    auth = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            client_name="mcpgen oauth test",
            redirect_uris=[REDIRECT_URI],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        ),
        storage=Memory(),
        redirect_handler=browser.redirect,
        callback_handler=browser.wait,
    )
    async with streamablehttp_client(url, auth=auth, timeout=30) as (read, write, _):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
            result = await session.call_tool("list_notes", {})
            if result.isError:
                raise RuntimeError(f"list_notes failed: {result}")
            who = await session.call_tool("whoami", {})
            if who.isError:
                raise RuntimeError(f"whoami failed: {who}")
            return [tool.name for tool in tools.tools], result.content[0].text, who.content[0].text


async def main() -> None:
    url, count = sys.argv[1], int(sys.argv[2])
    done = await asyncio.wait_for(asyncio.gather(*(client(url) for _ in range(count))), 120)
    print(json.dumps({
        "tools": done[0][0],
        "results": [text for _, text, _ in done],
        "whoami": [who for _, _, who in done],
    }))


asyncio.run(main())
