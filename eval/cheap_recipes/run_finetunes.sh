#!/usr/bin/env bash
# Fine-tunes one teacher per CV split (train on 3 of folds 1-4, validate on the 4th), then embeds the
# vocabulary with each. One core (taskset -c 1). About 10-15 min per split.
set -euo pipefail
cd "$(dirname "$0")"
export OMP_NUM_THREADS=1 XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
for v in 1 2 3 4; do
  tr=$(echo 1 2 3 4 | tr ' ' '\n' | grep -v "^$v$" | paste -sd,)
  [[ -f ft_v$v.npz ]] || taskset -c 1 venv/bin/python finetune.py --train "$tr" --val "$v" --out ft_v$v.npz
  [[ -f emb_ft_v$v.npz ]] || taskset -c 1 venv/bin/python embed.py emb_ft_v$v.npz --params ft_v$v.npz --no-sentences
done
