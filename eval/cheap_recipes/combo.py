"""Combinations of feature blocks in one class-balanced LR, 4-fold CV on folds 1-4.

    combo.py            # the configurations listed at the bottom (those needing ft_v*.npz / emb_ft_v*.npz skipped if absent)

Blocks: W words 1-2 tfidf; WN words 1-2 with negation scope marking; CH char_wb n-grams; VD VADER dense
features; ST static MiniLM word vectors (SIF mean, PCA d); FT static vectors from the teacher fine-tuned on the
split's training folds; FL that teacher's head applied to each static word vector (3 logits per word), pooled.
"""
import os
import re
import sys
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import common

texts, y, fold = common.load()
norm = [common.normalise(t) for t in texts]
toks = [common.tokens(t) for t in norm]
cnt = Counter(w for t, f in zip(toks, fold) if f != 0 for w in t)
tot = sum(cnt.values())

NEGATORS = {"not", "no", "never", "nothing", "nobody", "none", "nor", "cannot", "without", "neither"}
STOP = re.compile(r"^[!?.]+$|^but$")


def negmark(t):
    out, neg = [], False
    for w in t:
        if STOP.match(w):
            neg = False; out.append(w); continue
        out.append(w + "_NEG" if neg else w)
        if w in NEGATORS or w.endswith("n't"):
            neg = True
    return out


negtoks = [negmark(t) for t in toks]

_vader = None


def vader_dense():
    global _vader
    if _vader is None:
        a = SentimentIntensityAnalyzer()
        rows = []
        for t in texts:
            s = a.polarity_scores(t)
            c = s["compound"]
            rows.append([s["neg"], s["neu"], s["pos"], c, c > 0.05, c < -0.05, abs(c) <= 0.05, c > 0.5, c < -0.5,
                         t.count("!") > 0, t.count("?") > 0, t.strip().endswith("?")])
        _vader = np.array(rows, float)
    return _vader


def pool(Wd, vocab, weighting="sif", a=1e-3, stats=("mean",)):
    X = []
    for t in toks:
        ids = [vocab[w] for w in t if w in vocab]
        feats = []
        if not ids:
            X.append(np.zeros(Wd.shape[1] * len(stats))); continue
        V = Wd[ids]
        for s in stats:
            if s == "mean":
                if weighting == "sif":
                    wts = np.array([a / (a + cnt.get(w, 0) / tot) for w in t if w in vocab])
                    feats.append((V * wts[:, None]).sum(0) / wts.sum())
                else:
                    feats.append(V.mean(0))
            elif s == "max":
                feats.append(V.max(0))
            elif s == "min":
                feats.append(V.min(0))
            elif s == "last":
                feats.append(V[-min(3, len(V)):].mean(0))
        X.append(np.concatenate(feats))
    return np.array(X)


def reduce(W, d):
    Wc = W - W.mean(0)
    Wd = PCA(d, random_state=0).fit_transform(Wc) if d < W.shape[1] else Wc
    return Wd / np.linalg.norm(Wd, axis=1).mean()


_cache = {}


def static_base(d, weighting="sif"):
    k = ("st", d, weighting)
    if k not in _cache:
        z = np.load("emb_base.npz")
        vocab = {w: i for i, w in enumerate(z["vocab"])}
        _cache[k] = pool(reduce(z["W"], d), vocab, weighting)
    return _cache[k]


def ft_emb(v):
    k = ("ftz", v)
    if k not in _cache:
        z = np.load(f"emb_ft_v{v}.npz"); h = np.load(f"ft_v{v}.npz")
        _cache[k] = ({w: i for i, w in enumerate(z["vocab"])}, z["W"], h["head.weight"], h["head.bias"])
    return _cache[k]


def ft_static(v, d, weighting="sif"):
    k = ("ft", v, d, weighting)
    if k not in _cache:
        vocab, W, _, _ = ft_emb(v)
        _cache[k] = pool(reduce(W, d), vocab, weighting)
    return _cache[k]


def ft_logits(v, stats=("mean", "max", "min", "last"), weighting="mean", restricted=False):
    k = ("fl", v, stats, weighting, restricted)
    if k not in _cache:
        vocab, W, hw, hb = ft_emb(v)
        if restricted:
            vocab = restrict(vocab, table_allowed(v, "uni"))
        L = W @ hw.T + hb
        L = L - L.mean(1, keepdims=True)
        _cache[k] = pool(L, vocab, weighting, stats=stats)
    return _cache[k]


_twcs = None


def table_allowed(v, kind):
    """Entries a table built from unlabelled text available at training time could hold: tokens (or bigrams)
    of the training folds of split v (folds other than 0 and v) and of the twcs customer tweets."""
    global _twcs
    k = ("allow", v, kind)
    if k not in _cache:
        if _twcs is None:
            import csv
            _twcs = [common.tokens(common.normalise(r["text"])) for r in csv.DictReader(open("/work/shared/data/twcs/twcs_first5000.csv", encoding="utf-8")) if r["inbound"] == "True"]
        src = [t for t, f in zip(toks, fold) if f != 0 and f != v] + _twcs
        _cache[k] = {w for t in src for w in t} if kind == "uni" else {a + " " + b for t in src for a, b in zip(t, t[1:])}
    return _cache[k]


def restrict(vocab, allowed):
    return {w: i for w, i in vocab.items() if w in allowed}


def ft_bigram_logits(v, restricted=False, stats=("mean", "max", "min", "last")):
    k = ("fb", v, restricted)
    if k not in _cache:
        z = np.load(f"bi_ft_v{v}.npz")
        vocab = {b: i for i, b in enumerate(z["bigrams"])}
        if restricted:
            vocab = restrict(vocab, table_allowed(v, "bi"))
        L = z["L"] - z["L"].mean(1, keepdims=True)
        X = []
        for t in toks:
            ids = [vocab[a + " " + b] for a, b in zip(t, t[1:]) if a + " " + b in vocab]
            if not ids:
                X.append(np.zeros(3 * len(stats))); continue
            V = L[ids]
            X.append(np.concatenate([{"mean": V.mean(0), "max": V.max(0), "min": V.min(0), "last": V[-3:].mean(0)}[s] for s in stats]))
        _cache[k] = np.array(X)
    return _cache[k]


def sparse_block(kind, tr, va, **kw):
    if kind == "W":
        v = TfidfVectorizer(tokenizer=common.tokens, lowercase=False, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True)
        return v.fit_transform([norm[i] for i in tr]), v.transform([norm[i] for i in va])
    if kind == "WN":
        v = TfidfVectorizer(analyzer=lambda x: x, ngram_range=(1, 1), sublinear_tf=True)
        docs = [t + [a + " " + b for a, b in zip(o, o[1:])] for t, o in zip(negtoks, toks)]
        return v.fit_transform([docs[i] for i in tr]), v.transform([docs[i] for i in va])
    if kind == "CH":
        lo, hi = kw.get("ch", (1, 4))
        v = TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi), sublinear_tf=True, min_df=2)
        return v.fit_transform([norm[i] for i in tr]), v.transform([norm[i] for i in va])
    raise KeyError(kind)


def dense_block(kind, v, **kw):
    if kind == "VD":
        return vader_dense()
    if kind == "ST":
        return static_base(kw.get("d", 384))
    if kind == "FT":
        return ft_static(v, kw.get("d", 384))
    if kind == "FL":
        return ft_logits(v, restricted=kw.get("restricted", False))
    if kind == "FB":
        return ft_bigram_logits(v, restricted=kw.get("restricted", False) or kw.get("restricted_fb", False))
    raise KeyError(kind)


def features(blocks, tr, va, v, scales, **kw):
    mtr, mva = [], []
    for b in blocks:
        if b in ("W", "WN", "CH"):
            a, c = sparse_block(b, tr, va, **kw)
            s = scales.get(b, 1.0)
            mtr.append(a * s); mva.append(c * s)
        else:
            X = dense_block(b, v, **kw)
            mu, sd = X[tr].mean(0), X[tr].std(0) + 1e-9
            s = scales.get(b, 0.05)
            mtr.append(sp.csr_matrix((X[tr] - mu) / sd * s)); mva.append(sp.csr_matrix((X[va] - mu) / sd * s))
    return sp.hstack(mtr).tocsr(), sp.hstack(mva).tocsr()


def run(blocks, C=3, scales=None, label=None, **kw):
    scales = scales or {}

    def fp(tr, va):
        v = int(fold[va[0]])
        Xtr, Xva = features(blocks, tr, va, v, scales, **kw)
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(Xtr, y[tr])
        return m.predict(Xva)
    s = common.cv(fp, texts, y, fold)
    name = label or ("+".join(blocks) + f" C={C} " + " ".join(f"{k}x{v}" for k, v in scales.items()) + (" " + str(kw) if kw else ""))
    print(common.fmt(name, s), flush=True)
    return s


if __name__ == "__main__":
    have_ft = all(os.path.exists(f"emb_ft_v{v}.npz") for v in (1, 2, 3, 4))
    which = sys.argv[1] if len(sys.argv) > 1 else "base"
    if which == "base":
        run(["W"], 3)
        for sc in (0.03, 0.1, 0.3):
            run(["W", "VD"], 3, {"VD": sc})
        run(["WN"], 3)
        run(["WN", "VD"], 3, {"VD": 0.1})
        for sc in (0.02, 0.05):
            run(["W", "ST"], 3, {"ST": sc})
        for ch in ((3, 3), (4, 4), (3, 4), (1, 4)):
            run(["W", "CH"], 3, ch=ch)
        run(["W", "CH", "ST"], 3, {"ST": 0.05})
        run(["WN", "CH", "VD", "ST"], 3, {"VD": 0.1, "ST": 0.05})
    if which == "ft" and have_ft:
        for v in (1, 2, 3, 4):
            print(f"teacher (fine-tuned MiniLM, 3 epochs) on fold {v}: macro-F1 "
                  f"{common.mf1(y[fold == v], np.load(f'ft_v{v}_valprobs.npy').argmax(1)):.4f}")
        for sc in (0.005, 0.01, 0.02, 0.03, 0.05):
            run(["W", "FT"], 3, {"FT": sc})
        for d in (32, 64, 128):
            for sc in (0.01, 0.02, 0.03):
                run(["W", "FT"], 3, {"FT": sc}, d=d)
        for sc in (0.03, 0.1, 0.3):
            run(["W", "FL"], 3, {"FL": sc})
        for sc in (0.01, 0.02):
            run(["W", "VD", "FT"], 3, {"VD": 0.03, "FT": sc})
            run(["W", "CH", "FT"], 3, {"FT": sc})
            run(["W", "CH", "VD", "FT"], 3, {"VD": 0.03, "FT": sc})
