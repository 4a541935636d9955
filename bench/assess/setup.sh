#!/usr/bin/env bash
# The pinned pandas venv for bench/assess/reference.py (bench/assess/.venv, gitignored). Idempotent.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ -x $HERE/.venv/bin/python ]] || python3 -m venv "$HERE/.venv"
"$HERE/.venv/bin/pip" install -q -r "$HERE/requirements.txt"
