"""Static MiniLM word vectors (PCA d dims, mean-pooled per tweet) as dense features next to the word n-gram LR.

    static.py [emb.npz]
"""
import sys
import numpy as np
import scipy.sparse as sp
from collections import Counter
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
import common

emb = sys.argv[1] if len(sys.argv) > 1 else "emb_base.npz"
texts, y, fold = common.load()
norm = [common.normalise(t) for t in texts]
toks = [common.tokens(t) for t in norm]
z = np.load(emb)
vocab = {w: i for i, w in enumerate(z["vocab"])}
W, S = z["W"], z.get("S")

# unlabelled frequencies for SIF weights: training-split tweets + twcs customers would do; use all airline
# tokens counts of folds 1-4 only (fold 0 text never read for choices)
cnt = Counter(w for t, f in zip(toks, fold) if f != 0 for w in t)
tot = sum(cnt.values())


def pooled(d, weighting="mean", a=1e-3):
    Wc = W - W.mean(0)
    Wd = PCA(d, random_state=0).fit_transform(Wc) if d < W.shape[1] else Wc
    Wd = Wd / np.linalg.norm(Wd, axis=1).mean()
    X = np.zeros((len(toks), Wd.shape[1]))
    for i, t in enumerate(toks):
        ids = [vocab[w] for w in t if w in vocab]
        if not ids:
            continue
        if weighting == "sif":
            wts = np.array([a / (a + cnt.get(w, 0) / tot) for w in t if w in vocab])
            X[i] = (Wd[ids] * wts[:, None]).sum(0) / wts.sum()
        else:
            X[i] = Wd[ids].mean(0)
    return X


def words_vec():
    return TfidfVectorizer(tokenizer=common.tokens, lowercase=False, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True)


def lr_fp(dense, C, scale, use_words=True):
    def fp(tr, va):
        mtr, mva = [], []
        if use_words:
            v = words_vec()
            mtr.append(v.fit_transform([norm[i] for i in tr])); mva.append(v.transform([norm[i] for i in va]))
        if dense is not None:
            mu, sd = dense[tr].mean(0), dense[tr].std(0) + 1e-9
            mtr.append(sp.csr_matrix((dense[tr] - mu) / sd * scale)); mva.append(sp.csr_matrix((dense[va] - mu) / sd * scale))
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(sp.hstack(mtr).tocsr(), y[tr])
        return m.predict(sp.hstack(mva).tocsr())
    return fp


if __name__ == "__main__":
    if S is not None:
        for C in (0.1, 1):
            print(common.fmt(f"[diagnostic] frozen MiniLM sentence emb (384) alone, LR C={C}", common.cv(lr_fp(S, C, 1.0, False), texts, y, fold)), flush=True)
        for sc in (0.03, 0.1):
            print(common.fmt(f"[diagnostic] words 1-2 + frozen sentence emb x{sc}, C=3", common.cv(lr_fp(S, 3, sc), texts, y, fold)), flush=True)
    for d in (32, 64, 128, 384):
        for wt in ("mean", "sif"):
            X = pooled(d, wt)
            if d == 64 or d == 384:
                print(common.fmt(f"static {wt} d={d} alone, LR C=1", common.cv(lr_fp(X, 1, 1.0, False), texts, y, fold)), flush=True)
            for sc in (0.05, 0.1, 0.2):
                print(common.fmt(f"words 1-2 + static {wt} d={d} x{sc}, C=3", common.cv(lr_fp(X, 3, sc), texts, y, fold)), flush=True)
