# PostgreSQL's server binaries (initdb, pg_ctl, postgres, createdb), from
# Debian's `postgresql` package. Sourced by setup.sh; prints the folder that
# holds them, e.g. /usr/lib/postgresql/15/bin.
#
# The tests start their own server with initdb and pg_ctl in a temporary
# directory, on a free port of 127.0.0.1; the package's own cluster is not
# used.
pg_bin() {
    # The newest installed major version.
    for bin in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then
            echo "$bin"
            return 0
        fi
    done
    # Elsewhere than Debian, the binaries may be on the PATH.
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}
if ! PG_BIN=$(pg_bin); then
    apt_install postgresql
    PG_BIN=$(pg_bin) || die "postgresql was installed but initdb and pg_ctl are missing"
fi
"$PG_BIN/initdb" --version >/dev/null 2>&1 || die "$PG_BIN/initdb does not run"
echo "$PG_BIN"
