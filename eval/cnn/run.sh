#!/usr/bin/env bash
# The word-order feasibility check of eval/RESULTS.md: a small CNN, alone and stacked with the engine, on fold 1.
#   eval/cnn/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$ROOT/target/cnn
mkdir -p "$WORK"
[[ -x $WORK/venv/bin/python ]] || python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q numpy==2.1.3 jax==0.10.2 jaxlib==0.10.2 optax==0.2.8
"$ROOT/bench/analysis/fetch_vader_corpora.sh" "$ROOT/target/corpora/vader" >&2
cargo build --release --locked -q -p rapport-train --bin rapport-train
"$ROOT/target/release/rapport-train" oof 2>/dev/null > "$WORK/oof.tsv"
"$WORK/venv/bin/python" "$ROOT/eval/cnn/cnn.py" "$WORK/oof.tsv"
