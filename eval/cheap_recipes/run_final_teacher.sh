#!/usr/bin/env bash
# Teacher for the single held-out run: fine-tuned on folds 1-4 (fold 0 never read), 3 epochs as in the CV runs.
set -euo pipefail
cd "$(dirname "$0")"
export OMP_NUM_THREADS=1 XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
[[ -f ft_v0.npz ]] || taskset -c 1 venv/bin/python finetune.py --train 1,2,3,4 --val -1 --out ft_v0.npz
[[ -f emb_ft_v0.npz ]] || taskset -c 1 venv/bin/python embed.py emb_ft_v0.npz --params ft_v0.npz --no-sentences
