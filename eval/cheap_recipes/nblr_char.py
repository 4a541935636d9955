"""NB-LR (one-vs-rest, log-count-ratio scaled binary n-grams) and char n-grams, 4-fold CV on folds 1-4."""
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer, HashingVectorizer
from sklearn.linear_model import LogisticRegression
import common

texts, y, fold = common.load()
norm = [common.normalise(t) for t in texts]
tok = common.tokens


def wordvec(n=2):
    return CountVectorizer(tokenizer=tok, lowercase=False, token_pattern=None, ngram_range=(1, n), binary=True)


def nblr(C, alpha=1.0, beta=0.25, n=2, extra=None):
    """Wang & Manning NBSVM with LR: per class c, r_c = log ratio; fit binary LR on X*r_c; interpolate w.
    Multiclass: OvR probabilities, argmax after class-balanced weighting."""
    def fp(tr, va):
        vec = wordvec(n)
        Xtr = vec.fit_transform([norm[i] for i in tr]).astype(np.float64).tocsr()
        Xva = vec.transform([norm[i] for i in va]).astype(np.float64).tocsr()
        S = np.zeros((len(va), 3))
        for c in range(3):
            yc = (y[tr] == c).astype(int)
            p = alpha + np.asarray(Xtr[yc == 1].sum(0)).ravel()
            q = alpha + np.asarray(Xtr[yc == 0].sum(0)).ravel()
            r = np.log((p / p.sum()) / (q / q.sum()))
            R = sp.diags(r)
            m = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(Xtr @ R, yc)
            S[:, c] = m.decision_function(Xva @ R)
        return S
    return fp


for n in (2, 3):
    for C in (0.1, 0.3, 1, 3):
        print(common.fmt(f"NB-LR words 1-{n} C={C}", common.cv(nblr(C, n=n), texts, y, fold)), flush=True)


def charlr(C, lo, hi, with_words, tfidf=True):
    def fp(tr, va):
        cv_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi), sublinear_tf=True, min_df=2)
        mats_tr = [cv_.fit_transform([norm[i] for i in tr])]
        mats_va = [cv_.transform([norm[i] for i in va])]
        if with_words:
            wv = TfidfVectorizer(tokenizer=tok, lowercase=False, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True)
            mats_tr.append(wv.fit_transform([norm[i] for i in tr])); mats_va.append(wv.transform([norm[i] for i in va]))
        Xtr, Xva = sp.hstack(mats_tr).tocsr(), sp.hstack(mats_va).tocsr()
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(Xtr, y[tr])
        return m.predict(Xva)
    return fp


for lo, hi in ((2, 5), (1, 4), (3, 5)):
    for ww in (False, True):
        for C in (1, 3, 10):
            print(common.fmt(f"char_wb {lo}-{hi} tfidf{' + words 1-2' if ww else ''} C={C}", common.cv(charlr(C, lo, hi, ww), texts, y, fold)), flush=True)
