# A venv with the official MCP Python SDK (and jsonschema, which it brings),
# in $DIR/venv. Sourced by setup.sh.
#
# The range was checked with mcp 1.30.0.
MCP_SPEC='mcp>=1.20,<2'
VENV="$DIR/venv"

command -v python3 >/dev/null ||
    die "python3 is not installed; install Python 3.10 or newer with venv (Debian: apt-get install python3 python3-venv)"
if [ -x "$VENV/bin/python" ] && stamped "$VENV" "$MCP_SPEC" &&
    "$VENV/bin/python" -c 'import mcp.client.stdio, jsonschema' 2>/dev/null; then
    :
else
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        # Debian splits venv and ensurepip into python3-venv.
        apt_install python3-venv
    fi
    rm -rf "$VENV"
    quiet python3 -m venv "$VENV"
    quiet "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$MCP_SPEC"
    "$VENV/bin/python" -c 'import mcp.client.stdio, jsonschema' ||
        die "mcp was installed but cannot be imported"
    stamp "$VENV" "$MCP_SPEC"
    echo "interop setup: installed $("$VENV/bin/python" -m pip show mcp 2>/dev/null | sed -n 's/^Version: /mcp /p') in $VENV" >&2
fi
echo "$VENV"
