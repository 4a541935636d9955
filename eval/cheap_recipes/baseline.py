"""Baselines: word uni+bigram TF-IDF / binary + class-balanced LR, C tuned by 4-fold CV on folds 1-4."""
import sys
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
from sklearn.linear_model import LogisticRegression
import common

texts, y, fold = common.load()
norm = [common.normalise(t) for t in texts]
Cs = [0.3, 1, 3, 10, 30]


def run(name, make_vec, docs):
    best = None
    for C in Cs:
        def fp(tr, va):
            vec = make_vec()
            Xtr = vec.fit_transform([docs[i] for i in tr]); Xva = vec.transform([docs[i] for i in va])
            m = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(Xtr, y[tr])
            return m.predict(Xva)
        s = common.cv(fp, texts, y, fold)
        print(common.fmt(f"{name} C={C}", s), flush=True)
        if best is None or s.mean() > best[1].mean():
            best = (C, s)
    print(common.fmt(f"**{name} best C={best[0]}**", best[1]), flush=True)


run("raw tfidf 1-2 (sklearn tokens, lowercase)", lambda: TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), texts)
run("raw binary 1-2", lambda: CountVectorizer(ngram_range=(1, 2), binary=True), texts)
tok = lambda d: common.tokens(d)
for mindf in (1, 2):
    run(f"norm tfidf 1-2 tweet-tokens min_df={mindf}", lambda: TfidfVectorizer(tokenizer=tok, lowercase=False, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True, min_df=mindf), norm)
    run(f"norm binary 1-2 tweet-tokens min_df={mindf}", lambda: CountVectorizer(tokenizer=tok, lowercase=False, token_pattern=None, ngram_range=(1, 2), binary=True, min_df=mindf), norm)
run("norm tfidf 1-3 tweet-tokens", lambda: TfidfVectorizer(tokenizer=tok, lowercase=False, token_pattern=None, ngram_range=(1, 3), sublinear_tf=True), norm)
