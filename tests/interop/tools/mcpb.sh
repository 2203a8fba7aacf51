# The official MCP Bundle CLI (`mcpb validate`, `pack`, `unpack`), in
# $DIR/mcpb. Sourced by setup.sh.
#
# Pinned exactly: the bundle tests were checked with 2.1.2 on node 20.
MCPB_SPEC='@anthropic-ai/mcpb@2.1.2'
MCPB_PREFIX="$DIR/mcpb"
MCPB="$MCPB_PREFIX/node_modules/.bin/mcpb"

need_npm
if [ -x "$MCPB" ] && stamped "$MCPB_PREFIX" "$MCPB_SPEC" &&
    "$MCPB" --version >/dev/null 2>&1; then
    :
else
    mkdir -p "$MCPB_PREFIX"
    quiet npm install --prefix "$MCPB_PREFIX" --no-audit --no-fund --loglevel=error "$MCPB_SPEC"
    [ -x "$MCPB" ] || die "npm install finished but $MCPB is missing"
    stamp "$MCPB_PREFIX" "$MCPB_SPEC"
    echo "interop setup: installed $MCPB_SPEC in $MCPB_PREFIX" >&2
fi
echo "$MCPB_PREFIX"
