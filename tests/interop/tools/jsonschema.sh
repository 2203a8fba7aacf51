# A venv with the Python `jsonschema` validator and `regress`, an ECMA-262
# regular expression engine, in $DIR/jsonschema. Sourced by setup.sh.
#
# tests/common/meta_schema.py checks schemas against the JSON Schema
# 2020-12 meta-schema with it. JSON Schema patterns are ECMA-262 regular
# expressions; jsonschema checks them with Python's `re`, which refuses
# valid ones such as `\p{L}`, so the script checks them with regress.
#
# The ranges were checked with jsonschema 4.26 and regress 2026.9.
JSONSCHEMA_SPEC='jsonschema>=4.18,<5 regress>=2024.11'
VENV="$DIR/jsonschema"

command -v python3 >/dev/null ||
    die "python3 is not installed; install Python 3.10 or newer with venv (Debian: apt-get install python3 python3-venv)"
if [ -x "$VENV/bin/python" ] && stamped "$VENV" "$JSONSCHEMA_SPEC" &&
    "$VENV/bin/python" -c 'import jsonschema, regress' 2>/dev/null; then
    :
else
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        # Debian splits venv and ensurepip into python3-venv.
        apt_install python3-venv
    fi
    rm -rf "$VENV"
    quiet python3 -m venv "$VENV"
    # shellcheck disable=SC2086 # one requirement per word
    quiet "$VENV/bin/python" -m pip install -q --disable-pip-version-check $JSONSCHEMA_SPEC
    "$VENV/bin/python" -c 'import jsonschema, regress' ||
        die "jsonschema and regress were installed but cannot be imported"
    stamp "$VENV" "$JSONSCHEMA_SPEC"
    echo "interop setup: installed jsonschema and regress in $VENV" >&2
fi
echo "$VENV"
