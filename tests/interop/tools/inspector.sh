# The official MCP Inspector, for `mcp-inspector --cli`, in $DIR/node.
# Sourced by setup.sh.
#
# The inspector declares node >= 22.19, but everything inspector.sh uses was
# checked with 2.12.0 on node 20.20, so it is pinned exactly.
INSPECTOR_SPEC='@modelcontextprotocol/inspector@2.12.0'
NODE_PREFIX="$DIR/node"
INSPECTOR="$NODE_PREFIX/node_modules/.bin/mcp-inspector"

need_npm
if [ -x "$INSPECTOR" ] && stamped "$NODE_PREFIX" "$INSPECTOR_SPEC" &&
    "$INSPECTOR" --version >/dev/null 2>&1; then
    :
else
    mkdir -p "$NODE_PREFIX"
    quiet npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --loglevel=error "$INSPECTOR_SPEC"
    [ -x "$INSPECTOR" ] || die "npm install finished but $INSPECTOR is missing"
    stamp "$NODE_PREFIX" "$INSPECTOR_SPEC"
    echo "interop setup: installed $INSPECTOR_SPEC in $NODE_PREFIX" >&2
fi
echo "$NODE_PREFIX"
