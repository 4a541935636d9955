"""Small MLP head (in -> 32 -> 3, class-balanced, full-batch Adam, weight decay) on
[pooled static vector (PCA d) + out-of-fold LR logits of words 1-2 (+VADER)], 4-fold CV on folds 1-4.

    mlp_head.py base|ft
"""
import os
import sys

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import jax
import jax.numpy as jnp
import numpy as np
import optax
from sklearn.linear_model import LogisticRegression

import combo
import common

y, fold = combo.y, combo.fold
which = sys.argv[1] if len(sys.argv) > 1 else "base"


def lr_logits(tr, va, blocks=("W", "VD"), scales={"VD": 0.03}):
    Xtr, Xva = combo.features(list(blocks), tr, va, 0, scales)
    m = LogisticRegression(C=3, class_weight="balanced", max_iter=5000).fit(Xtr, y[tr])
    return m.decision_function(Xva)


def oof_logits(tr):
    out = np.zeros((len(tr), 3))
    f = fold[tr]
    for k in np.unique(f):
        a, b = np.where(f != k)[0], np.where(f == k)[0]
        out[b] = lr_logits(tr[a], tr[b])
    return out


def train_mlp(X, yy, hidden=32, wd=1e-3, steps=600, lr=3e-3, seed=0):
    k1, k2 = jax.random.split(jax.random.PRNGKey(seed))
    p = {"W1": jax.random.normal(k1, (X.shape[1], hidden)) / np.sqrt(X.shape[1]), "b1": jnp.zeros(hidden),
         "W2": jax.random.normal(k2, (hidden, 3)) / np.sqrt(hidden), "b2": jnp.zeros(3)}
    cw = jnp.asarray(len(yy) / (3 * np.bincount(yy, minlength=3)), jnp.float32)
    X, Y = jnp.asarray(X, jnp.float32), jnp.asarray(yy)

    def loss(p):
        h = jnp.tanh(X @ p["W1"] + p["b1"])
        ll = jax.nn.log_softmax(h @ p["W2"] + p["b2"])
        nll = -jnp.take_along_axis(ll, Y[:, None], 1)[:, 0]
        return (nll * cw[Y]).sum() / cw[Y].sum() + wd * (jnp.sum(p["W1"] ** 2) + jnp.sum(p["W2"] ** 2))
    opt = optax.adam(lr)
    st = opt.init(p)

    @jax.jit
    def step(p, st):
        l, g = jax.value_and_grad(loss)(p)
        u, st = opt.update(g, st)
        return optax.apply_updates(p, u), st
    for _ in range(steps):
        p, st = step(p, st)
    return lambda Z: np.asarray(jnp.tanh(jnp.asarray(Z, jnp.float32) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])


def dense(v, d):
    return combo.ft_static(v, d, "sif") if which == "ft" else combo.static_base(d, "sif")


logit_cache = {}
for d in (32, 64):
    for wd in (1e-3, 1e-2):
        for vs in (1.0, 0.3):
            def fp(tr, va):
                v = int(fold[va[0]])
                if v not in logit_cache:
                    logit_cache[v] = (oof_logits(tr), lr_logits(tr, va))
                Ltr, Lva = logit_cache[v]
                D = dense(v, d)
                mu, sd = D[tr].mean(0), D[tr].std(0) + 1e-9
                Xtr = np.hstack([(D[tr] - mu) / sd * vs, Ltr]); Xva = np.hstack([(D[va] - mu) / sd * vs, Lva])
                return train_mlp(Xtr, y[tr], wd=wd)(Xva)
            print(common.fmt(f"MLP {which} static d={d} (x{vs}) + OOF logits(W+VD) -> 32 -> 3, wd={wd}", common.cv(fp, combo.texts, y, fold)), flush=True)
# reference: the LR logits alone (argmax)
print(common.fmt("reference: W+VD LR logits argmax", common.cv(lambda tr, va: lr_logits(tr, va), combo.texts, y, fold)), flush=True)
