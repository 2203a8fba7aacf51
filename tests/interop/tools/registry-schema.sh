# The MCP Registry's published JSON Schema for server.json (2025-12-11), in
# $DIR/registry-schema/server.schema.json. Sourced by setup.sh.
#
# The registry publishes it at static.modelcontextprotocol.io, which is not a
# package registry. The PyPI package skillsaw ships the released schemas
# byte for byte (its SCHEMA-SOURCE.md names the commit of the registry's
# static-assets repository they come from), so the file is taken from its
# wheel and checked against the SHA-256 of the published file: a changed
# copy fails the install instead of passing the tests.
REGISTRY_SCHEMA_SPEC='skillsaw==0.22.0 schemas/mcp_registry/v2025_12_11'
REGISTRY_SCHEMA_SHA256=3fba09590c99f61735d234822279f4223fab9e300c0a81e81c91ab62a4114de0
REGISTRY_SCHEMA_DIR="$DIR/registry-schema"
REGISTRY_SCHEMA="$REGISTRY_SCHEMA_DIR/server.schema.json"

command -v python3 >/dev/null ||
    die "python3 is not installed; install Python 3.10 or newer with pip (Debian: apt-get install python3 python3-pip)"
if [ -f "$REGISTRY_SCHEMA" ] && stamped "$REGISTRY_SCHEMA_DIR" "$REGISTRY_SCHEMA_SPEC"; then
    :
else
    rm -rf "$REGISTRY_SCHEMA_DIR"
    mkdir -p "$REGISTRY_SCHEMA_DIR/wheel"
    quiet python3 -m pip download -q --disable-pip-version-check --no-deps \
        --only-binary=:all: -d "$REGISTRY_SCHEMA_DIR/wheel" "${REGISTRY_SCHEMA_SPEC%% *}"
    quiet python3 - "$REGISTRY_SCHEMA_DIR" <<'PY'
import glob, sys, zipfile
out = sys.argv[1]
(wheel,) = glob.glob(out + "/wheel/*.whl")
with zipfile.ZipFile(wheel) as z:
    data = z.read("skillsaw/schemas/mcp_registry/v2025_12_11/server.schema.json")
with open(out + "/server.schema.json", "wb") as f:
    f.write(data)
PY
    rm -rf "$REGISTRY_SCHEMA_DIR/wheel"
    echo "$REGISTRY_SCHEMA_SHA256  $REGISTRY_SCHEMA" | sha256sum -c --quiet - >>"$LOG" 2>&1 ||
        die "the server.json schema in ${REGISTRY_SCHEMA_SPEC%% *} is not the registry's published file (SHA-256 differs)"
    stamp "$REGISTRY_SCHEMA_DIR" "$REGISTRY_SCHEMA_SPEC"
    echo "interop setup: installed the registry's server.json schema in $REGISTRY_SCHEMA_DIR" >&2
fi
echo "$REGISTRY_SCHEMA_DIR"
