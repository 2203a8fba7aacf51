# Stoplight Prism, a mock HTTP server that serves an OpenAPI document and
# validates each request against it, in $DIR/prism. Sourced by setup.sh;
# prints that folder, whose node_modules/.bin/prism the tests run.
#
# The tests serve tests/openapi/*.yaml with it on a free port of 127.0.0.1
# and call it through a server that `mcpgen import openapi` generated: a
# request serialised wrongly gets a 422 instead of a mock response.
PRISM_SPEC='@stoplight/prism-cli@5.16.0'
PRISM_PREFIX="$DIR/prism"
PRISM="$PRISM_PREFIX/node_modules/.bin/prism"

need_npm
if [ -x "$PRISM" ] && stamped "$PRISM_PREFIX" "$PRISM_SPEC" &&
    "$PRISM" --version >/dev/null 2>&1; then
    :
else
    mkdir -p "$PRISM_PREFIX"
    quiet npm install --prefix "$PRISM_PREFIX" --no-audit --no-fund --loglevel=error "$PRISM_SPEC"
    [ -x "$PRISM" ] || die "npm install finished but $PRISM is missing"
    stamp "$PRISM_PREFIX" "$PRISM_SPEC"
    echo "interop setup: installed $PRISM_SPEC in $PRISM_PREFIX" >&2
fi
echo "$PRISM_PREFIX"
