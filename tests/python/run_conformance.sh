#!/usr/bin/env bash
# Runs ftrack's own Python client (ftrack-python-api 3.1.0) against the sandbox:
# `tests/python/conformance.py` under unittest, with a sandbox started for this run only.
#
# The sandbox binary is $LDAP2FTRACK_BIN when set (the Rust test passes the one cargo
# built), else target/debug/ldap2ftrack, built first when missing. Exits with unittest's
# status; the sandbox is stopped however the script ends.
set -euo pipefail
cd "$(dirname "$0")/../.."

API_USER=conformance
API_KEY=conformance-key
STARTUP_TIMEOUT=60 # seconds to wait for the sandbox's first line

bash tests/python/ensure_venv.sh

bin=${LDAP2FTRACK_BIN:-target/debug/ldap2ftrack}
if [ ! -x "$bin" ]; then
    cargo build --quiet
fi

workdir=$(mktemp -d)
# The sandbox's stderr and later stdout are kept here for a look after a failed run.
mkdir -p target
log=target/python-conformance-sandbox.log
sandbox_pid=
drain_pid=
cleanup() {
    if [ -n "$sandbox_pid" ]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    if [ -n "$drain_pid" ]; then
        kill "$drain_pid" 2>/dev/null || true
        wait "$drain_pid" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The sandbox's stdout goes through a fifo: its first line is read as soon as it is
# written, and everything after it is drained into the log so the sandbox never blocks.
: >"$log"
mkfifo "$workdir/stdout"
# The seed holds an open and a private project for the security-role tests (a fresh server
# has no projects, and clients cannot create one without a project schema), and the user
# custom attributes phone and department for the custom attribute tests.
"$bin" sandbox --listen 127.0.0.1:0 --api-user "$API_USER" --api-key "$API_KEY" \
    --seed tests/python/seed.json >"$workdir/stdout" 2>>"$log" &
sandbox_pid=$!
exec {sandbox_out}<"$workdir/stdout"

line=
if ! IFS= read -r -t "$STARTUP_TIMEOUT" line <&"$sandbox_out"; then
    echo "the sandbox exited or printed no first line within ${STARTUP_TIMEOUT}s; its stderr:" >&2
    cat "$log" >&2
    exit 1
fi
cat <&"$sandbox_out" >>"$log" &
drain_pid=$!
exec {sandbox_out}<&-

prefix="ftrack sandbox listening on "
if [[ "$line" != "$prefix"http://* ]]; then
    echo "unexpected first line from the sandbox: $line" >&2
    cat "$log" >&2
    exit 1
fi
url=${line#"$prefix"}
echo "sandbox: $url (pid $sandbox_pid, output in $log)"

export FTRACK_SERVER="$url"
export FTRACK_API_USER="$API_USER"
export FTRACK_API_KEY="$API_KEY"
status=0
.venv/bin/python -m unittest -v tests/python/conformance.py || status=$?
exit "$status"
