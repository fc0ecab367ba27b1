#!/usr/bin/env bash
# Makes sure `.venv` (in the repository root) is a working virtualenv with ftrack's Python
# client, ftrack-python-api 3.1.0, for the conformance tests. Quiet and idempotent: a venv
# that already has the client is left alone. Where `python3 -m venv` cannot work (Debian
# without python3-venv) it installs Python's venv support with apt-get, when run as root.
set -euo pipefail
cd "$(dirname "$0")/../.."

FTRACK_API_VERSION=3.1.0
VENV=.venv

has_client() {
    "$VENV/bin/python" -c "import sys, ftrack_api; sys.exit(ftrack_api.__version__ != '$FTRACK_API_VERSION')" \
        >/dev/null 2>&1
}

if has_client; then
    exit 0
fi

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing python3-venv with apt-get" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq python3 python3-venv >/dev/null
    else
        echo "python3 with venv support is required (on Debian: apt-get install python3-venv)" >&2
        exit 1
    fi
fi

# A venv left broken (interpreter gone, half-made) is made again from scratch.
if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
    python3 -m venv --clear "$VENV"
fi

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "ftrack-python-api==$FTRACK_API_VERSION"

if ! has_client; then
    echo "ftrack-python-api $FTRACK_API_VERSION is not importable from $VENV after installing it" >&2
    exit 1
fi
