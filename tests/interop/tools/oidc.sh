# oidc-provider, a certified OpenID Connect and OAuth 2.1 authorization
# server, in $DIR/oidc, for tests/oauth.rs; tests/interop/oidc/provider.mjs
# configures it. Sourced by setup.sh.
#
# Checked with 9.13.3 on node 20.
OIDC_SPEC='oidc-provider@9.13.3'
OIDC_PREFIX="$DIR/oidc"

need_npm
if [ -f "$OIDC_PREFIX/node_modules/oidc-provider/package.json" ] && stamped "$OIDC_PREFIX" "$OIDC_SPEC"; then
    :
else
    mkdir -p "$OIDC_PREFIX"
    quiet npm install --prefix "$OIDC_PREFIX" --no-audit --no-fund --loglevel=error "$OIDC_SPEC"
    [ -f "$OIDC_PREFIX/node_modules/oidc-provider/package.json" ] ||
        die "npm install finished but oidc-provider is missing"
    stamp "$OIDC_PREFIX" "$OIDC_SPEC"
    echo "interop setup: installed $OIDC_SPEC in $OIDC_PREFIX" >&2
fi
echo "$OIDC_PREFIX"
