#!/usr/bin/env bash
# Installs the django-helpdesk baseline: a virtualenv in .venv (gitignored) with the pinned
# requirements.txt, then checks the Django project in this folder. Idempotent: when .venv already holds
# exactly requirements.txt (a stamp file records its hash) nothing is downloaded, so later runs work offline.
#
#   bench/baselines/django-helpdesk/setup.sh          # PYTHON=python3.12 to choose the interpreter
#
# Exit status: 0 ready; 3 when the environment cannot be made (no suitable Python, PyPI unreachable,
# pip failed): callers such as bench/ingest.sh treat 3 as "baseline unavailable, skip it".
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=$HERE/.venv
PYTHON=${PYTHON:-python3}
STAMP=$VENV/.requirements.sha256

unavailable() {
    echo "django-helpdesk baseline: $*" >&2
    exit 3
}

command -v "$PYTHON" >/dev/null 2>&1 || unavailable "no $PYTHON on PATH"
"$PYTHON" - <<'EOF' || unavailable "$PYTHON is older than 3.10 (django-helpdesk 2.6 needs 3.10+)"
import sys
sys.exit(0 if sys.version_info >= (3, 10) else 1)
EOF

want=$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)
if [[ -x $VENV/bin/python && -f $STAMP && $(cat "$STAMP") == "$want" ]]; then
    echo "django-helpdesk baseline: $VENV is up to date" >&2
else
    echo "django-helpdesk baseline: creating $VENV" >&2
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

# The project must load with the installed versions (settings, URLs, helpdesk's app registry).
check_dir=$(mktemp -d "${TMPDIR:-/tmp}/dh-check.XXXXXX")
trap 'rm -rf "$check_dir"' EXIT
if ! (cd "$HERE" && DH_STATE_DIR=$check_dir "$VENV/bin/python" manage.py check >"$check_dir/check.log" 2>&1); then
    tail -n 20 "$check_dir/check.log" >&2
    unavailable "manage.py check failed"
fi
echo "django-helpdesk baseline: ready: $("$VENV/bin/python" "$HERE/versions.py")" >&2
