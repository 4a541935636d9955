"""Single-split peek (train 2-4, validate 1) at the fine-tuned static vectors while the other teachers train."""
import numpy as np
from sklearn.linear_model import LogisticRegression
import combo, common
y, fold = combo.y, combo.fold
tr = np.where((fold != 0) & (fold != 1))[0]; va = np.where(fold == 1)[0]
def one(blocks, scales, C=3, **kw):
    Xtr, Xva = combo.features(blocks, tr, va, 1, scales, **kw)
    m = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(Xtr, y[tr])
    print(blocks, scales, C, f"{common.mf1(y[va], m.predict(Xva)):.4f}", flush=True)
one(["W"], {})
one(["W", "VD"], {"VD": 0.03})
one(["FL"], {"FL": 1.0}, C=1)
for s in (0.03, 0.1, 0.3, 1.0):
    one(["W", "FL"], {"FL": s})
for s in (0.02, 0.05, 0.1):
    one(["W", "FT"], {"FT": s})
one(["FT"], {"FT": 1.0}, C=0.1)
# teacher applied to mean of its own static vectors (no n-grams)
vocab, W, hw, hb = combo.ft_emb(1)
P = combo.pool(W, vocab, "mean") @ hw.T + hb
print("teacher head on mean static vector", f"{common.mf1(y[va], P[va].argmax(1)):.4f}")
