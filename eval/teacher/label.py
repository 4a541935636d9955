"""Label texts with a fine-tuned teacher saved by teacher.py --save: reads `source<TAB>text` lines, writes the
probabilities in the format of teacher.py's --out file.

    label.py WEIGHTS.npz IN.tsv OUT.tsv
"""
import csv
import sys

import jax
import jax.numpy as jnp
import numpy as np
from tokenizers import Tokenizer

from minilm import MODEL, encode

BUCKETS = (16, 24, 32, 48, 64)
weights, src, dst = sys.argv[1:4]
p = {k: jnp.asarray(v) for k, v in np.load(weights).items()}
tok = Tokenizer.from_file(MODEL + "/tokenizer.json")
tok.no_padding()
tok.no_truncation()


@jax.jit
def predict(p, ids, mask):
    return jax.nn.softmax(encode(p, ids, mask) @ p["head.weight"].T + p["head.bias"])


sources, texts = [], []
for line in open(src, encoding="utf-8").read().splitlines():
    s, _, t = line.partition("\t")
    if t.strip():
        sources.append(s)
        texts.append(t)
enc = tok.encode_batch(texts)
lens = [len(e.ids) for e in enc]
order = np.argsort(lens, kind="stable")
probs = np.zeros((len(texts), 3), np.float32)
for s in range(0, len(order), 128):
    idx = order[s:s + 128]
    T = next((b for b in BUCKETS if b >= lens[idx[-1]]), 64)
    ids = np.zeros((128, T), np.int32)
    mask = np.zeros((128, T), np.float32)
    mask[:, 0] = 1
    for r, i in enumerate(idx):
        e = enc[i].ids
        e = e if len(e) <= T else e[: T - 1] + [e[-1]]
        ids[r, : len(e)] = e
        mask[r, : len(e)] = 1
    probs[idx] = np.asarray(predict(p, ids, mask))[: len(idx)]
with open(dst, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    w.writerow(["source", "p_negative", "p_neutral", "p_positive", "text"])
    for s, pr, t in zip(sources, probs, texts):
        w.writerow([s, f"{pr[0]:.4f}", f"{pr[1]:.4f}", f"{pr[2]:.4f}", t])
