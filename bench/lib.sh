# Helpers shared by bench/scaling and bench/build-cost; sourced, not run.
# The sourcing script sets `me` (its name, for messages) and `work` (a
# scratch directory that exists).

die() {
    echo "$me: $*" >&2
    exit 1
}

need_tools() {
    /usr/bin/time -f %M true >/dev/null 2>&1 ||
        die "needs GNU time at /usr/bin/time (Debian: apt-get install time)"
    command -v jq >/dev/null || die "needs jq (Debian: apt-get install jq)"
    command -v timeout >/dev/null || die "needs timeout (coreutils)"
}

# timed CMD...: runs CMD once under GNU time, its output kept in
# $work/cmd.out; sets wall_ms (from date, to the µs) and peak_kib (GNU time's
# %M: the largest RSS of CMD and of the children it waited for, so rustc's
# under cargo) and cpu_ms (user + system CPU of CMD and those children).
# Returns CMD's status.
timed() {
    local t0 t1 status=0
    t0=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$work/time.out" "$@" >"$work/cmd.out" 2>&1 || status=$?
    t1=$(date +%s%N)
    wall_ms=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e6 }')
    read -r peak_kib cpu_ms < <(tail -n 1 "$work/time.out" |
        awk '{ printf "%s %.0f\n", $1, ($2 + $3) * 1000 }')
    return $status
}

# must CMD...: `timed`, but stops the script, showing CMD's output, if it fails.
must() {
    timed "$@" || {
        tail -n 40 "$work/cmd.out" >&2
        die "failed: $*"
    }
}

median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

max() {
    printf '%s\n' "$@" | sort -g | tail -n 1
}

# mib KIB and seconds MS convert, passing `null` through.
mib() {
    [[ $1 == null ]] && echo null && return
    awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'
}

seconds() {
    [[ $1 == null ]] && echo null && return
    awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1e3 }'
}
