#!/usr/bin/env bash
# Installs the VADER baseline of the analysis benchmark: a virtualenv in bench/analysis/.venv (gitignored)
# with the pinned requirements.txt (vaderSentiment 3.3.2 and requests' resolved dependency set).
# Idempotent: when .venv already holds exactly requirements.txt (a stamp file records its hash) nothing is
# downloaded, so later runs work offline.
#
#   bench/analysis/setup.sh          # PYTHON=python3.12 to choose the interpreter
#
# Exit status: 0 ready; 3 when the environment cannot be made (no suitable Python, PyPI unreachable,
# pip failed): bench/analysis.sh treats 3 as "VADER baseline unavailable, skip it".
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=$HERE/.venv
PYTHON=${PYTHON:-python3}
STAMP=$VENV/.requirements.sha256

unavailable() {
    echo "vader baseline: $*" >&2
    exit 3
}

command -v "$PYTHON" >/dev/null 2>&1 || unavailable "no $PYTHON on PATH"
"$PYTHON" - <<'PY' || unavailable "$PYTHON is older than 3.8"
import sys
sys.exit(0 if sys.version_info >= (3, 8) else 1)
PY

want=$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)
if [[ -x $VENV/bin/python && -f $STAMP && $(cat "$STAMP") == "$want" ]]; then
    echo "vader baseline: $VENV is up to date" >&2
else
    echo "vader baseline: creating $VENV" >&2
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" || unavailable "python -m venv failed (on Debian: apt-get install python3-venv)"
    # Short timeout and few retries: when PyPI is unreachable, fail in seconds, not minutes.
    if ! "$VENV/bin/pip" install --disable-pip-version-check --no-input --timeout 20 --retries 2 \
        -r "$HERE/requirements.txt" >"$VENV/pip-install.log" 2>&1; then
        tail -n 15 "$VENV/pip-install.log" >&2
        # Leave no half-made venv behind: the next run starts over.
        rm -rf "$VENV"
        unavailable "pip install failed (is PyPI reachable?)"
    fi
    echo "$want" >"$STAMP"
fi

version=$("$VENV/bin/python" -c 'from importlib.metadata import version; import vaderSentiment.vaderSentiment; print(version("vaderSentiment"))') \
    || unavailable "vaderSentiment does not import from $VENV"
echo "vader baseline: ready: vaderSentiment $version, $("$VENV/bin/python" --version 2>&1)" >&2
