# A venv with the official MCP Python SDK 2.x, in $DIR/venv2026. Sourced by
# setup.sh. Its client speaks protocol 2026-07-28 (`mode="auto"` negotiates
# it with `server/discover`) as well as 2025-11-25 (`mode="legacy"`).
#
# A second venv, next to `python` (mcp 1.x): mcp 2 renamed much of the API
# (`MCPError`, `streamable_http_client`, snake_case fields such as
# `is_error`), so the scripts written against 1.x do not run on it as they
# are. The range was checked with mcp 2.3.0.
MCP2_SPEC='mcp>=2.3,<3'
VENV2="$DIR/venv2026"

command -v python3 >/dev/null ||
    die "python3 is not installed; install Python 3.10 or newer with venv (Debian: apt-get install python3 python3-venv)"
if [ -x "$VENV2/bin/python" ] && stamped "$VENV2" "$MCP2_SPEC" &&
    "$VENV2/bin/python" -c 'import mcp.client.stdio; from mcp import Client' 2>/dev/null; then
    :
else
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        # Debian splits venv and ensurepip into python3-venv.
        apt_install python3-venv
    fi
    rm -rf "$VENV2"
    quiet python3 -m venv "$VENV2"
    quiet "$VENV2/bin/python" -m pip install -q --disable-pip-version-check "$MCP2_SPEC"
    "$VENV2/bin/python" -c 'import mcp.client.stdio; from mcp import Client' ||
        die "mcp 2 was installed but cannot be imported"
    stamp "$VENV2" "$MCP2_SPEC"
    echo "interop setup: installed $("$VENV2/bin/python" -m pip show mcp 2>/dev/null | sed -n 's/^Version: /mcp /p') in $VENV2" >&2
fi
echo "$VENV2"
