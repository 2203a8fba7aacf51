# GitHub's published OpenAPI description, npm's `@octokit/openapi`, in
# $DIR/octokit: over a thousand operations, for the importer at scale.
# Sourced by setup.sh; prints that folder, whose
# node_modules/@octokit/openapi/generated/api.github.com.json the tests read.
OCTOKIT_SPEC='@octokit/openapi@23.0.2'
OCTOKIT_PREFIX="$DIR/octokit"
OCTOKIT_DOC="$OCTOKIT_PREFIX/node_modules/@octokit/openapi/generated/api.github.com.json"

need_npm
if [ -f "$OCTOKIT_DOC" ] && stamped "$OCTOKIT_PREFIX" "$OCTOKIT_SPEC"; then
    :
else
    mkdir -p "$OCTOKIT_PREFIX"
    quiet npm install --prefix "$OCTOKIT_PREFIX" --no-audit --no-fund --loglevel=error "$OCTOKIT_SPEC"
    [ -f "$OCTOKIT_DOC" ] || die "npm install finished but $OCTOKIT_DOC is missing"
    stamp "$OCTOKIT_PREFIX" "$OCTOKIT_SPEC"
    echo "interop setup: installed $OCTOKIT_SPEC in $OCTOKIT_PREFIX" >&2
fi
echo "$OCTOKIT_PREFIX"
