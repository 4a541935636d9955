"""The engine's word-order reader (`crates/rapport-analysis/src/order.rs`): a small convolutional net over the
engine's tokens, trained on what a fine-tuned MiniLM teacher says about many texts.

    student.py PSEUDO.tsv [--exclude 0 --val 0 --oof OOF.tsv --val-teacher VAL.tsv] [--export FILE]

Trained on the teacher's probabilities for PSEUDO.tsv (files of `eval/teacher/teacher.py --out` and
`label.py`: variants of the training tweets, other customer text) and on the gold labels of the airline
tweets whose fold is not excluded. With `--val N` it scores fold N after each epoch: alone, blended with
the engine's n-gram probabilities for that fold (`--oof`, from `rapport-train oof` / `heldout`) and, for the
ceiling, the teacher blended with the engine (`--val-teacher`). The shape is one a fast scorer can run: a
width-k convolution is k table lookups per token once the embeddings are multiplied into the filters.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
from collections import Counter

import jax
import jax.numpy as jnp
import numpy as np
import optax

SHARED = os.environ.get("RAPPORT_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))
SENT = ["negative", "neutral", "positive"]
MAXLEN = 64  # order::MAX_TOKENS
RAPPORT_TRAIN = os.environ.get("RAPPORT_TRAIN", os.path.join(os.path.dirname(__file__), "../../target/release/rapport-train"))

ap = argparse.ArgumentParser()
ap.add_argument("pseudo", nargs="+")
ap.add_argument("--exclude", default="", help="airline folds left out of training (comma list)")
ap.add_argument("--val", type=int, default=-1, help="airline fold to score after each epoch")
ap.add_argument("--oof", help="the engine's probabilities for the validation fold")
ap.add_argument("--val-teacher", help="the teacher's probabilities for the validation fold")
ap.add_argument("--epochs", type=int, default=5)
ap.add_argument("--filters", type=int, default=32)
ap.add_argument("--dim", type=int, default=64)
ap.add_argument("--widths", default="2,3")
ap.add_argument("--gold-weight", type=float, default=1.0)
ap.add_argument("--buckets", type=int, default=4096)
ap.add_argument("--min-count", type=int, default=2)
ap.add_argument("--max-words", type=int, default=0,
                help="keep only the most frequent words (0: all of --min-count); the rest share the buckets")
ap.add_argument("--lr", type=float, default=2e-3)
ap.add_argument("--dropout", type=float, default=0.2)
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--sources", default="", help="comma list of pseudo sources to keep (all if empty)")
ap.add_argument("--drop-sources", default="twcs,twcs-variant",
                help="pseudo sources to leave out: teacher.py's twcs texts include the twcs evaluation tweets "
                     "(transfer.py brings the others)")
ap.add_argument("--pool", default="max", choices=["both", "max"])
ap.add_argument("--export", help="write the trained net as the engine's order model file here")
ap.add_argument("--blend", type=float, default=0.4, help="the n-gram model's weight in the blend (export)")
ap.add_argument("--dump", help="write the student's fold-1 log-probabilities here")
args = ap.parse_args()
WIDTHS = [int(w) for w in args.widths.split(",")]


def fnv1a(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


KEYS = {}


def read_keys(texts):
    """The engine's token keys of each text (`rapport-train tokens`), so that the net reads what the engine reads."""
    todo = sorted(set(t for t in texts if t not in KEYS))
    if not todo:
        return
    src = "".join(t.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n") + "\n" for t in todo)
    out = subprocess.run([RAPPORT_TRAIN, "tokens"], input=src.encode(), capture_output=True, check=True).stdout
    lines = out.decode().split("\n")
    for t, line in zip(todo, lines):
        KEYS[t] = [int(k, 16) for k in line.split()]


def tokens(text):
    return KEYS[text][:MAXLEN] or [0]


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
excluded = {int(x) for x in args.exclude.split(",") if x}
train = [r for r in rows if r["fold"] not in excluded]
val = [r for r in rows if r["fold"] == args.val]

keep = set(s for s in args.sources.split(",") if s)
drop = set(s for s in args.drop_sources.split(",") if s)
pseudo = []
for path in args.pseudo:
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL):
            if (keep and r["source"] not in keep) or r["source"] in drop:
                continue
            pseudo.append((r["text"], [float(r["p_negative"]), float(r["p_neutral"]), float(r["p_positive"])]))

texts = [r["text"] for r in train] + [t for t, _ in pseudo]
targets = [np.eye(3)[r["y"]] for r in train] + [p for _, p in pseudo]
weights = [args.gold_weight] * len(train) + [1.0] * len(pseudo)
read_keys(texts + [r["text"] for r in val])
counts = Counter(t for x in texts for t in tokens(x))
kept = [t for t, c in counts.items() if c >= args.min_count]
if args.max_words:
    # Most frequent first, ties in first-seen order (sorted is stable), then back to first-seen order.
    top = set(sorted(kept, key=lambda t: -counts[t])[: args.max_words])
    kept = [t for t in kept if t in top]
vocab = {t: i + 1 + args.buckets for i, t in enumerate(kept)}


def ids(text):
    v = [vocab.get(t, 1 + t % args.buckets) for t in tokens(text)]
    return v + [0] * (MAXLEN - len(v))


X = np.array([ids(t) for t in texts], dtype=np.int32)
Y = np.array(targets, dtype=np.float32)
# Class balance by the soft mass of each class, as the engine balances its gold classes.
mass = Y.sum(0)
class_w = (len(Y) / (3 * mass)).astype(np.float32)
W = np.array(weights, dtype=np.float32) * (Y @ class_w)
Xva = np.array([ids(r["text"]) for r in val], dtype=np.int32).reshape(len(val), MAXLEN)
yva = [r["y"] for r in val]
n_vocab = 1 + args.buckets + len(vocab)
print(f"{len(train)} gold + {len(pseudo)} teacher-labelled texts, vocabulary {len(vocab)}", flush=True)

D, F = args.dim, args.filters
key = jax.random.PRNGKey(args.seed)
k = jax.random.split(key, 8)
params = {"emb": jax.random.normal(k[0], (n_vocab, D)) * 0.1, "ob": jnp.zeros(3)}
for i, w in enumerate(WIDTHS):
    params[f"w{w}"] = jax.random.normal(k[1 + i], (w * D, F)) / math.sqrt(w * D)
    params[f"b{w}"] = jnp.zeros(F)
NP = 2 if args.pool == "both" else 1
params["out"] = jax.random.normal(k[6], (NP * len(WIDTHS) * F, 3)) / math.sqrt(NP * len(WIDTHS) * F)


def forward(p, x, rng=None):
    mask = (x > 0).astype(jnp.float32)
    e = p["emb"][x] * mask[..., None]
    if rng is not None and args.dropout > 0:
        e = e * jax.random.bernoulli(rng, 1 - args.dropout, e.shape[:2] + (1,)) / (1 - args.dropout)
    feats = []
    m = mask[..., None]
    for w in WIDTHS:
        pad = jnp.pad(e, ((0, 0), (0, w - 1), (0, 0)))
        win = jnp.concatenate([pad[:, j: j + MAXLEN] for j in range(w)], axis=-1)
        h = jax.nn.relu(win @ p[f"w{w}"] + p[f"b{w}"])
        feats.append(jnp.max(h * m - (1 - m) * 1e4, axis=1))
        if args.pool == "both":
            feats.append(jnp.sum(h * m, axis=1) / jnp.maximum(jnp.sum(m, axis=1), 1.0))
    z = jnp.concatenate(feats, axis=-1)
    if rng is not None and args.dropout > 0:
        z = z * jax.random.bernoulli(jax.random.fold_in(rng, 1), 0.8, z.shape) / 0.8
    return z @ p["out"] + p["ob"]


def loss(p, x, y, w, rng):
    logp = jax.nn.log_softmax(forward(p, x, rng))
    ce = -jnp.sum(y * logp, axis=-1)
    return jnp.sum(ce * w) / jnp.sum(w) + 1e-6 * jnp.sum(p["emb"] ** 2)


steps = args.epochs * (len(X) // 64)
opt = optax.adam(optax.cosine_decay_schedule(args.lr, steps, alpha=0.05))
state = opt.init(params)


@jax.jit
def step(p, s, x, y, w, rng):
    l, g = jax.value_and_grad(loss)(p, x, y, w, rng)
    u, s = opt.update(g, s, p)
    return optax.apply_updates(p, u), s, l


predict = jax.jit(lambda p, x: jax.nn.log_softmax(forward(p, x)))


def read_probs(path, first):
    out = {}
    for line in open(path, encoding="utf-8").read().splitlines()[1:]:
        c = line.split("\t")
        out[c[0]] = np.log(np.maximum([float(c[first]), float(c[first + 1]), float(c[first + 2])], 1e-6))
    return out


eng = tea = None
if val and args.oof:
    engine = read_probs(args.oof, 4)
    eng = np.array([engine[r["tweet_id"]] for r in val])
    line = f"fold {args.val}: engine {f1(yva, list(eng.argmax(1))):.4f}"
    if args.val_teacher:
        teacher = read_probs(args.val_teacher, 1)
        tea = np.array([teacher[r["tweet_id"]] for r in val])
        line += f"  teacher {f1(yva, list(tea.argmax(1))):.4f}  " + "  ".join(
            f"engine+teacher a={a} {f1(yva, list((a * eng + (1 - a) * tea).argmax(1))):.4f}" for a in (0.3, 0.5, 0.7))
    print(line, flush=True)

rng = np.random.default_rng(args.seed)
BATCH = 64
for epoch in range(1, args.epochs + 1):
    order = rng.permutation(len(X))
    for b in range(0, len(order) - BATCH + 1, BATCH):
        idx = order[b: b + BATCH]
        key, sub = jax.random.split(key)
        params, state, _ = step(params, state, X[idx], Y[idx], W[idx], sub)
    if not val:
        print(f"epoch {epoch:2d}", flush=True)
        continue
    lp = np.array(predict(params, Xva))
    line = f"epoch {epoch:2d}: student {f1(yva, list(lp.argmax(1))):.4f}"
    if eng is not None:
        for a in (0.3, 0.4, 0.5, 0.7):
            line += f"  +engine a={a} {f1(yva, list((a * eng + (1 - a) * lp).argmax(1))):.4f}"
    print(line, flush=True)
if args.dump and val:
    with open(args.dump, "w", encoding="utf-8") as f:
        f.write("tweet_id\tlp_negative\tlp_neutral\tlp_positive\n")
        for r, v in zip(val, lp):
            f.write(f"{r['tweet_id']}\t{v[0]:.5f}\t{v[1]:.5f}\t{v[2]:.5f}\n")

if args.export:
    assert F == 32 and WIDTHS == [2, 3] and args.pool == "max", "the engine reads 32 filters of widths 2 and 3, max-pooled"
    # Rows in the engine's order: the buckets first (an unknown key's row is 1 + key mod buckets), then
    # the vocabulary; each embedding as small integers times a per-row scale.
    emb = np.asarray(params["emb"])
    by_row = sorted(vocab.items(), key=lambda kv: kv[1])
    with open(args.export, "w", encoding="utf-8") as f:
        f.write("# Rapport word-order reader (sentiment), distilled from a fine-tuned all-MiniLM-L6-v2; see data/MODEL_CARD.md.\n")
        f.write(f"# train/order/student.py {' '.join(os.path.basename(a) for a in sys.argv[1:])}\n")
        f.write(f"blend\t{args.blend}\nbuckets\t{args.buckets}\ndim\t{D}\n")
        vec = lambda a: " ".join(f"{x:.6g}" for x in np.asarray(a).ravel())
        # The engine's 16-bit tables are scaled by the largest slot value: each written (quantised)
        # embedding times each width's kernel block, and the filter biases.
        def quantised(e):
            scale = np.maximum(np.abs(e).max(axis=1, keepdims=True) / 127, 1e-9)
            return np.clip(np.round(e / scale), -127, 127) * scale
        eq = quantised(emb[1:])
        table_max = max(float(np.abs(np.asarray(params[f"b{w}"])).max()) for w in WIDTHS)
        for w in WIDTHS:
            k = np.asarray(params[f"w{w}"]).reshape(w, D, F)
            for j in range(w):
                table_max = max(table_max, float(np.abs(eq @ k[j]).max()))
        f.write(f"table_max\t{table_max:.6g}\n")
        f.write(f"out_bias\t{vec(params['ob'])}\n")
        f.write(f"out\t{vec(params['out'])}\n")
        for w in WIDTHS:
            f.write(f"w{w}\t{vec(params[f'w{w}'])}\n")
            f.write(f"b{w}\t{vec(params[f'b{w}'])}\n")

        def row(key, e):
            scale = max(float(np.abs(e).max()) / 127, 1e-9)
            q = np.clip(np.round(e / scale), -127, 127).astype(int)
            f.write(f"row\t{key}\t{scale:.6g}\t{' '.join(map(str, q))}\n")

        for b in range(args.buckets):
            row(f"~{b}", emb[1 + b])
        for key, r in by_row:
            row(f"{key:x}", emb[r])
    print(f"wrote {args.export}: {args.buckets} buckets + {len(vocab)} words", flush=True)
