"""The one held-out run: train on folds 1-4, score fold 0 once. Teacher tables from ft_v0.npz (fine-tuned on
folds 1-4 only). Recipes and every setting were fixed by the 4-fold CV of folds 1-4 (see README).

    final.py RECIPE_BLOCKS  (default: the CV winner)
"""
import sys
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
import combo, common

y, fold = combo.y, combo.fold
tr = np.where(fold != 0)[0]; te = np.where(fold == 0)[0]


def report(name, pred):
    f = f1_score(y[te], pred, average=None, labels=[0, 1, 2])
    print(f"| {name} | {common.mf1(y[te], pred):.4f} | {np.mean(pred == y[te]):.4f} | {f[0]:.3f} / {f[1]:.3f} / {f[2]:.3f} |", flush=True)


v = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
m = LogisticRegression(C=3, class_weight="balanced", max_iter=5000).fit(v.fit_transform([combo.texts[i] for i in tr]), y[tr])
report("baseline raw text, sklearn tokens, tfidf 1-2, C=3", m.predict(v.transform([combo.texts[i] for i in te])))
configs = [
    ("baseline normalised, tweet tokens, tfidf 1-2, C=3 (W)", ["W"], {}, {}),
    ("W + VADER dense (engine-like reference)", ["W", "VD"], {"VD": 0.03}, {}),
    ("best: W + VADER + teacher-logit tables, words (FL) + bigrams of folds 1-4/twcs (FB)", ["W", "VD", "FL", "FB"],
     {"VD": 0.03, "FL": 0.03, "FB": 0.02}, {"restricted_fb": True}),
]
if len(sys.argv) > 1:
    configs = configs[:2] + [eval(sys.argv[1])]
for name, blocks, scales, kw in configs:
    Xtr, Xte = combo.features(blocks, tr, te, 0, scales, **kw)
    m = LogisticRegression(C=3, class_weight="balanced", max_iter=5000).fit(Xtr, y[tr])
    p = m.predict(Xte)
    report(name, p)
    if name.startswith("best"):
        print(confusion_matrix(y[te], p))
