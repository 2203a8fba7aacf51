#!/usr/bin/env bash
# Install the third-party MCP clients used by the interop checks:
#   $DIR/venv  a Python venv with the official MCP Python SDK (`mcp`)
#   $DIR/node  the official MCP Inspector (npm), for `mcp-inspector --cli`
# DIR is $MCPGEN_INTEROP_DIR, or target/interop in the repository root.
#
# Idempotent: each part is skipped when a stamp file shows that the same
# version spec is already installed and still works. Needs python3 (with
# venv; installed with apt-get when missing and run as root) and node/npm.
set -euo pipefail

# Versions verified against the generated notes server. The Python range
# was checked with mcp 1.30.0. The inspector declares node >= 22.19, but
# everything inspector.sh uses was checked with 2.12.0 on node 20.20, so it
# is pinned exactly.
MCP_SPEC='mcp>=1.20,<2'
INSPECTOR_SPEC='@modelcontextprotocol/inspector@2.12.0'

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${MCPGEN_INTEROP_DIR:-$ROOT/target/interop}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
VENV="$DIR/venv"
NODE_PREFIX="$DIR/node"
LOG="$DIR/setup.log"

die() {
    echo "interop setup: error: $*" >&2
    exit 1
}
# Run a command with its output sent to the log; show the log's end on failure.
quiet() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "interop setup: command failed: $*" >&2
        tail -n 30 "$LOG" >&2
        exit 1
    fi
}
: >"$LOG"

# --- Python SDK -------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is not installed"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.mcpgen-spec" 2>/dev/null)" = "$MCP_SPEC" ] &&
    "$VENV/bin/python" -c 'import mcp.client.stdio' 2>/dev/null; then
    echo "interop setup: python mcp already in $VENV"
else
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        # Debian splits venv/ensurepip into python3-venv.
        if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
            die "python3 has no venv module; install python3-venv"
        fi
        echo "interop setup: installing python3-venv with apt-get"
        quiet apt-get update -qq
        quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    fi
    rm -rf "$VENV"
    quiet python3 -m venv "$VENV"
    quiet "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$MCP_SPEC"
    "$VENV/bin/python" -c 'import mcp.client.stdio' || die "mcp installed but cannot be imported"
    echo "$MCP_SPEC" >"$VENV/.mcpgen-spec"
    echo "interop setup: installed $("$VENV/bin/python" -m pip show mcp 2>/dev/null | sed -n 's/^Version: /mcp /p') in $VENV"
fi

# --- MCP Inspector ----------------------------------------------------------
command -v npm >/dev/null || die "npm is not installed"
INSPECTOR="$NODE_PREFIX/node_modules/.bin/mcp-inspector"
if [ -x "$INSPECTOR" ] && [ "$(cat "$NODE_PREFIX/.mcpgen-spec" 2>/dev/null)" = "$INSPECTOR_SPEC" ] &&
    "$INSPECTOR" --version >/dev/null 2>&1; then
    echo "interop setup: inspector already in $NODE_PREFIX"
else
    mkdir -p "$NODE_PREFIX"
    quiet npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --loglevel=error "$INSPECTOR_SPEC"
    [ -x "$INSPECTOR" ] || die "npm install finished but $INSPECTOR is missing"
    echo "$INSPECTOR_SPEC" >"$NODE_PREFIX/.mcpgen-spec"
    echo "interop setup: installed $INSPECTOR_SPEC in $NODE_PREFIX"
fi

echo "interop setup: ready. Run:"
echo "  $VENV/bin/python tests/interop/python_client.py BINARY"
echo "  INSPECTOR_PREFIX=$NODE_PREFIX tests/interop/inspector.sh BINARY"
