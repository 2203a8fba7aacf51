#!/usr/bin/env bash
# Install third-party tools that the tests drive, each on first use:
#
#   setup.sh [TOOL...]        default: python inspector
#
# TOOL is the name of a script in tests/interop/tools/ (python: a venv with
# the official MCP Python SDK; inspector: the MCP Inspector CLI; ...). Each
# installs into $DIR/<its own folder>, where DIR is $MCPGEN_INTEROP_DIR or
# target/interop in the repository root, and prints that folder last.
#
# The tests run this themselves, through tests/common (`common::tool`), so a
# user never has to. It is idempotent: a tool whose stamp shows the same
# version spec, and that still works, is not installed again. It is safe to
# run concurrently: one lock file serialises installs, so test binaries
# started in parallel wait for each other instead of racing.
#
# When something needed is missing (python3, npm) it fails with one line
# that names it and says how to install it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${MCPGEN_INTEROP_DIR:-$ROOT/target/interop}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
TOOLS="$ROOT/tests/interop/tools"

die() {
    echo "interop setup: error: $*" >&2
    exit 1
}
# Runs a command with its output sent to $LOG; shows the log's end on failure.
quiet() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "interop setup: command failed: $*" >&2
        tail -n 30 "$LOG" >&2
        die "installing $TOOL failed (log: $LOG)"
    fi
}
# True when $1/.mcpgen-spec holds exactly $2.
stamped() {
    [ "$(cat "$1/.mcpgen-spec" 2>/dev/null)" = "$2" ]
}
stamp() {
    echo "$2" >"$1/.mcpgen-spec"
}
# Installs a Debian package when running as root with apt-get; otherwise
# fails, naming the package.
apt_install() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        die "$1 is not installed; install it (Debian: apt-get install $1)"
    fi
    echo "interop setup: installing $1 with apt-get" >&2
    quiet apt-get update -qq
    quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
need_npm() {
    command -v npm >/dev/null ||
        die "npm is not installed; install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)"
}

command -v flock >/dev/null || die "flock is not installed; install util-linux"
exec 9>"$DIR/.lock"
flock 9

[ $# -gt 0 ] || set -- python inspector
for TOOL in "$@"; do
    [ -f "$TOOLS/$TOOL.sh" ] || die "no such tool: $TOOL (see $TOOLS)"
    LOG="$DIR/$TOOL.log"
    : >"$LOG"
    # shellcheck source=/dev/null
    source "$TOOLS/$TOOL.sh"
done
