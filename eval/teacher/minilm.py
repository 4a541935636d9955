"""MiniLM-L6 (BERT) forward pass in JAX from model.safetensors (the teacher of eval/RESULTS.md's distillation section)."""
import json
import os
import struct

import jax
import jax.numpy as jnp
import numpy as np

MODEL = os.environ["TEACHER_MODEL_DIR"]
LAYERS, HEADS, HIDDEN = 6, 12, 384


def load_weights(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        a, b = v["data_offsets"]
        out[k] = jnp.asarray(np.frombuffer(data[a:b], dtype=np.float32).reshape(v["shape"]))
    return out


def layer_norm(x, w, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / jnp.sqrt(v + 1e-12) * w + b


def dense(p, name, x):
    return x @ p[name + ".weight"].T + p[name + ".bias"]


def encode(p, ids, mask, dropout_key=None, rate=0.1):
    B, T = ids.shape
    x = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][:T] + p[
        "embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"])
    att_bias = (1.0 - mask[:, None, None, :]) * -1e9
    keys = jax.random.split(dropout_key, LAYERS * 2) if dropout_key is not None else None

    def drop(h, i):
        if keys is None:
            return h
        keep = jax.random.bernoulli(keys[i], 1 - rate, h.shape)
        return jnp.where(keep, h / (1 - rate), 0)

    d = HIDDEN // HEADS
    for l in range(LAYERS):
        pre = f"encoder.layer.{l}."
        q = dense(p, pre + "attention.self.query", x).reshape(B, T, HEADS, d).transpose(0, 2, 1, 3)
        k = dense(p, pre + "attention.self.key", x).reshape(B, T, HEADS, d).transpose(0, 2, 1, 3)
        v = dense(p, pre + "attention.self.value", x).reshape(B, T, HEADS, d).transpose(0, 2, 1, 3)
        a = jax.nn.softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(d) + att_bias, -1)
        h = (a @ v).transpose(0, 2, 1, 3).reshape(B, T, HIDDEN)
        h = drop(dense(p, pre + "attention.output.dense", h), 2 * l)
        x = layer_norm(x + h, p[pre + "attention.output.LayerNorm.weight"], p[pre + "attention.output.LayerNorm.bias"])
        h = jax.nn.gelu(dense(p, pre + "intermediate.dense", x), approximate=False)
        h = drop(dense(p, pre + "output.dense", h), 2 * l + 1)
        x = layer_norm(x + h, p[pre + "output.LayerNorm.weight"], p[pre + "output.LayerNorm.bias"])
    # mean pooling, as sentence-transformers does for this model
    m = mask[..., None]
    return (x * m).sum(1) / jnp.maximum(m.sum(1), 1)


def fnv1a(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def macro_f1(gold, pred, k=3):
    f = []
    for c in range(k):
        tp = np.sum((gold == c) & (pred == c))
        fp = np.sum((gold != c) & (pred == c))
        fn = np.sum((gold == c) & (pred != c))
        f.append(0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f))
