"""Does a small word-order model add to the engine's n-grams? A feasibility check, not shipped.

    eval/cnn/run.sh      # venv with jax, then this script

A 1-D convolutional net over word embeddings learned from scratch (widths 1-3, max and mean pooling) is trained
on airline folds 2-4 and validated on fold 1, the exploration fold of eval/RESULTS.md (fold 0 is not read).
It is scored alone and stacked with the engine's out-of-fold probabilities for the same fold
(`rapport-train oof`, trained on the same folds 2-4), as a mean of log-probabilities.
"""
import csv
import math
import os
import re
import sys
from collections import Counter

import jax
import jax.numpy as jnp
import numpy as np
import optax

SHARED = os.environ.get("RAPPORT_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))
OOF = sys.argv[1]
SENT = ["negative", "neutral", "positive"]
TOKEN = re.compile(r"https?://\S+|@\w+|#\w+|[a-z0-9']+|[^\sa-z0-9]", re.I)
MAXLEN, DIM, FILTERS, BUCKETS = 48, 64, 96, 4096
SEED = int(os.environ.get("SEED", "7"))


def fnv1a(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def tokens(text):
    out = []
    for t in TOKEN.findall(text):
        t = t.lower()
        if t.startswith("http"):
            t = "<url>"
        elif t.startswith("@"):
            t = "<user>"
        t = re.sub(r"(.)\1{2,}", r"\1\1", t)
        out.append(t)
    return out[:MAXLEN] or ["<empty>"]


def f1(gold, pred):
    fs = []
    for c in range(3):
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        fs.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(fs) / 3


rows = list(csv.DictReader(open(os.path.join(SHARED, "airline-dev/tweets-dev.csv"), encoding="utf-8", newline="")))
for r in rows:
    r["fold"] = fnv1a(r["tweet_id"]) % 5
    r["y"] = SENT.index(r["airline_sentiment"])
train = [r for r in rows if r["fold"] in (2, 3, 4)]
val = [r for r in rows if r["fold"] == 1]

counts = Counter(t for r in train for t in tokens(r["text"]))
vocab = {t: i + 1 + BUCKETS for i, (t, c) in enumerate(counts.items()) if c >= 2}


def ids(text):
    v = [vocab.get(t, 1 + fnv1a(t) % BUCKETS) for t in tokens(text)]
    return v + [0] * (MAXLEN - len(v))


Xtr = np.array([ids(r["text"]) for r in train], dtype=np.int32)
ytr = np.array([r["y"] for r in train], dtype=np.int32)
Xva = np.array([ids(r["text"]) for r in val], dtype=np.int32)
yva = [r["y"] for r in val]
n_vocab = 1 + BUCKETS + len(vocab)
freq = np.bincount(ytr, minlength=3)
class_w = jnp.array(len(ytr) / (3 * freq), dtype=jnp.float32)

key = jax.random.PRNGKey(SEED)
k = jax.random.split(key, 8)
params = {
    "emb": jax.random.normal(k[0], (n_vocab, DIM)) * 0.1,
    "w1": jax.random.normal(k[1], (1 * DIM, FILTERS)) / math.sqrt(DIM),
    "w2": jax.random.normal(k[2], (2 * DIM, FILTERS)) / math.sqrt(2 * DIM),
    "w3": jax.random.normal(k[3], (3 * DIM, FILTERS)) / math.sqrt(3 * DIM),
    "b": jnp.zeros((3, FILTERS)),
    "out": jax.random.normal(k[4], (6 * FILTERS, 3)) / math.sqrt(6 * FILTERS),
    "ob": jnp.zeros(3),
}


def forward(p, x, rng=None):
    mask = (x > 0).astype(jnp.float32)
    e = p["emb"][x] * mask[..., None]
    if rng is not None:
        e = e * jax.random.bernoulli(rng, 0.8, e.shape[:2] + (1,)) / 0.8
    feats = []
    for w, name in ((1, "w1"), (2, "w2"), (3, "w3")):
        pad = jnp.pad(e, ((0, 0), (0, w - 1), (0, 0)))
        win = jnp.concatenate([pad[:, j : j + MAXLEN] for j in range(w)], axis=-1)
        h = jax.nn.relu(win @ p[name] + p["b"][w - 1])
        m = mask[..., None]
        feats.append(jnp.max(h * m - (1 - m) * 1e4, axis=1))
        feats.append(jnp.sum(h * m, axis=1) / jnp.maximum(jnp.sum(m, axis=1), 1.0))
    z = jnp.concatenate(feats, axis=-1)
    if rng is not None:
        z = z * jax.random.bernoulli(jax.random.fold_in(rng, 1), 0.7, z.shape) / 0.7
    return z @ p["out"] + p["ob"]


def loss(p, x, y, rng):
    logits = forward(p, x, rng)
    ce = optax.softmax_cross_entropy_with_integer_labels(logits, y)
    return jnp.sum(ce * class_w[y]) / jnp.sum(class_w[y]) + 1e-5 * jnp.sum(p["emb"] ** 2)


opt = optax.adam(2e-3)
state = opt.init(params)


@jax.jit
def step(p, s, x, y, rng):
    l, g = jax.value_and_grad(loss)(p, x, y, rng)
    u, s = opt.update(g, s, p)
    return optax.apply_updates(p, u), s, l


predict = jax.jit(lambda p, x: jax.nn.log_softmax(forward(p, x)))

engine = {}
for line in open(OOF, encoding="utf-8").read().splitlines()[1:]:
    c = line.split("\t")
    engine[c[0]] = np.log(np.maximum([float(c[4]), float(c[5]), float(c[6])], 1e-6))
eng = np.array([engine[r["tweet_id"]] for r in val])
print(f"engine alone on fold 1: macro-F1 {f1(yva, list(eng.argmax(1))):.4f}")

rng = np.random.default_rng(SEED)
for epoch in range(1, 13):
    order = rng.permutation(len(Xtr))
    for b in range(0, len(order), 32):
        idx = order[b : b + 32]
        key, sub = jax.random.split(key)
        params, state, _ = step(params, state, Xtr[idx], ytr[idx], sub)
    lp = np.array(predict(params, Xva))
    line = f"epoch {epoch:2d}: cnn alone {f1(yva, list(lp.argmax(1))):.4f}"
    for a in (0.5, 0.7, 0.85):
        line += f"  stacked a={a} {f1(yva, list((a * eng + (1 - a) * lp).argmax(1))):.4f}"
    print(line, flush=True)
