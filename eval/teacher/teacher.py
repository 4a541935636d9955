"""Fine-tune MiniLM on airline tweets of the chosen folds, report macro-F1 on a validation fold after each
epoch, then label texts for distillation (variants of the training tweets, twcs customer tweets).

    eval/teacher/run.sh   # sets up and runs the two runs of eval/RESULTS.md
    teacher.py --exclude 0,1 --val 1 --out pseudo.tsv [--epochs 3 --lr 5e-5 --variants 10]
"""
import argparse
import csv
import os
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from tokenizers import Tokenizer

import augment
from minilm import MODEL, encode, fnv1a, load_weights, macro_f1

LABELS = ["negative", "neutral", "positive"]
SHARED = os.environ["RAPPORT_SHARED_DATA"]
BATCH = 32
BUCKETS = (16, 24, 32, 48, 64)

ap = argparse.ArgumentParser()
ap.add_argument("--exclude", default="0")
ap.add_argument("--out", help="label the transfer texts and write them here (no labelling without it)")
ap.add_argument("--epochs", type=int, default=3)
ap.add_argument("--lr", type=float, default=5e-5)
ap.add_argument("--variants", type=int, default=10)
ap.add_argument("--val", type=int, default=-1)
ap.add_argument("--val-out", help="write the teacher's probabilities for the validation tweets here")
ap.add_argument("--save", help="write the fine-tuned weights here (.npz), to label more texts later")
ap.add_argument("--seed", type=int, default=7, help="head initialisation, dropout and batch order")
ap.add_argument("--silver", help="a second label per tweet (tweet_id,sentiment CSV, e.g. eval/data/airline-llm-labels)")
ap.add_argument("--w-silver", type=float, default=1.0, help="the second label's share of each training target")
args = ap.parse_args()
excluded = {int(x) for x in args.exclude.split(",") if x}

rows = list(csv.DictReader(open(os.path.join(SHARED, "airline-dev/tweets-dev.csv"), encoding="utf-8")))
train = [r for r in rows if fnv1a(r["tweet_id"]) % 5 not in excluded]
val = [r for r in rows if fnv1a(r["tweet_id"]) % 5 == args.val]
tok = Tokenizer.from_file(MODEL + "/tokenizer.json")
tok.no_padding()
tok.no_truncation()


def tokenize(texts, T):
    ids = np.zeros((len(texts), T), np.int32)
    mask = np.zeros((len(texts), T), np.float32)
    for i, e in enumerate(tok.encode_batch(texts)):
        t = e.ids if len(e.ids) <= T else e.ids[: T - 1] + [e.ids[-1]]
        ids[i, : len(t)] = t
        mask[i, : len(t)] = 1
    return ids, mask


p = load_weights(MODEL + "/model.safetensors")
p = {k: v for k, v in p.items() if not k.startswith("pooler")}
key = jax.random.PRNGKey(args.seed)
p["head.weight"] = jax.random.normal(key, (3, 384)) * 0.02
p["head.bias"] = jnp.zeros(3)

Xtr, Mtr = tokenize([r["text"] for r in train], 64)
ytr = np.array([LABELS.index(r["airline_sentiment"]) for r in train])
cw = jnp.asarray(len(ytr) / (3 * np.bincount(ytr, minlength=3)), jnp.float32)
# The target of each training tweet: its crowd label, mixed with the second label where one is given.
Ttr = np.eye(3, dtype=np.float32)[ytr]
if args.silver:
    silver = {r["tweet_id"]: LABELS.index(r["sentiment"]) for r in csv.DictReader(open(args.silver, encoding="utf-8"))}
    ys = np.array([silver.get(r["tweet_id"], y) for r, y in zip(train, ytr)])
    Ttr = (Ttr + args.w_silver * np.eye(3, dtype=np.float32)[ys]) / (1 + args.w_silver)
    print(f"second labels: {len(ys)} tweets, {int((ys != ytr).sum())} differ from the crowd", flush=True)


def logits(p, ids, mask, dk=None):
    return encode(p, ids, mask, dk) @ p["head.weight"].T + p["head.bias"]


def loss_fn(p, ids, mask, y, target, dk):
    ll = jax.nn.log_softmax(logits(p, ids, mask, dk))
    nll = -(target * ll).sum(1)
    w = cw[y]
    return (nll * w).sum() / w.sum()


steps = args.epochs * ((len(ytr) + BATCH - 1) // BATCH)
opt = optax.adamw(optax.warmup_cosine_decay_schedule(0, args.lr, steps // 10, steps), weight_decay=0.01)
state = opt.init(p)


@jax.jit
def step(p, state, ids, mask, y, target, dk):
    l, g = jax.value_and_grad(loss_fn)(p, ids, mask, y, target, dk)
    u, state = opt.update(g, state, p)
    return optax.apply_updates(p, u), state, l


@jax.jit
def predict(p, ids, mask):
    return jax.nn.softmax(logits(p, ids, mask))


def label(texts):
    """Probabilities per text, batched by token length (short texts need no 64-token padding)."""
    lens = [len(e.ids) for e in tok.encode_batch(texts)]
    order = np.argsort(lens, kind="stable")
    out = np.zeros((len(texts), 3), np.float32)
    for s in range(0, len(order), 128):
        idx = order[s:s + 128]
        T = next((b for b in BUCKETS if b >= lens[idx[-1]]), 64)
        ids, mask = tokenize([texts[i] for i in idx], T)
        n = len(idx)
        if n < 128:  # one compiled shape per bucket
            ids = np.concatenate([ids, np.zeros((128 - n, T), np.int32)])
            mask = np.concatenate([mask, np.zeros((128 - n, T), np.float32)])
            mask[n:, 0] = 1
        out[idx] = np.asarray(predict(p, ids, mask))[:n]
    return out


rng = np.random.default_rng(args.seed)
t0 = time.time()
for ep in range(args.epochs):
    order = rng.permutation(len(ytr))
    for b in range(0, len(order), BATCH):
        idx = order[b:b + BATCH]
        if len(idx) < BATCH:
            idx = np.concatenate([idx, order[: BATCH - len(idx)]])
        key, dk = jax.random.split(key)
        p, state, l = step(p, state, Xtr[idx], Mtr[idx], ytr[idx], Ttr[idx], dk)
    msg = f"epoch {ep + 1} ({time.time() - t0:.0f}s)"
    if val:
        pv = label([r["text"] for r in val]).argmax(1)
        yv = np.array([LABELS.index(r["airline_sentiment"]) for r in val])
        msg += f" val fold {args.val}: macro-F1 {macro_f1(yv, pv):.4f}"
    print(msg, flush=True)

if args.val_out:
    pv = label([r["text"] for r in val])
    with open(args.val_out, "w", encoding="utf-8") as f:
        f.write("tweet_id\tp_negative\tp_neutral\tp_positive\n")
        for r, pr in zip(val, pv):
            f.write(f"{r['tweet_id']}\t{pr[0]:.5f}\t{pr[1]:.5f}\t{pr[2]:.5f}\n")
if args.save:
    np.savez(args.save, **{k: np.asarray(v) for k, v in p.items()})

if not args.out:
    raise SystemExit(0)

# Texts to label: variants of the training tweets, and unlabelled customer messages of other brands.
nb = augment.neighbours(MODEL)
texts, sources = [], []
for r in train:
    for v in augment.variants(r["text"], nb, rng, args.variants):
        texts.append(v)
        sources.append("airline-variant")
for r in csv.DictReader(open(os.path.join(SHARED, "twcs/twcs_first5000.csv"), encoding="utf-8")):
    if r["inbound"] == "True":
        texts.append(r["text"])
        sources.append("twcs")
        for v in augment.variants(r["text"], nb, rng, 2):
            texts.append(v)
            sources.append("twcs-variant")
print(f"labelling {len(texts)} texts", flush=True)
probs = label(texts)
with open(args.out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    w.writerow(["source", "p_negative", "p_neutral", "p_positive", "text"])
    for s, pr, t in zip(sources, probs, texts):
        w.writerow([s, f"{pr[0]:.4f}", f"{pr[1]:.4f}", f"{pr[2]:.4f}", t.replace("\t", " ").replace("\n", " ")])
print(f"done in {time.time() - t0:.0f}s", flush=True)
