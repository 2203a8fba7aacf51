# HAProxy, the load balancer in front of stateless replicas, from Debian's
# `haproxy` package. Sourced by setup.sh; prints the folder that holds the
# `haproxy` binary.
#
# The tests run it in the foreground with a configuration of their own, on
# free ports of 127.0.0.1; the package's service is not used.
if ! command -v haproxy >/dev/null; then
    apt_install haproxy
    command -v haproxy >/dev/null || die "haproxy was installed but is not on the PATH"
fi
haproxy -v >/dev/null 2>&1 || die "haproxy does not run"
dirname "$(command -v haproxy)"
