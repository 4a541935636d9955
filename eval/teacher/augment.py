"""Variants of labelled texts for distillation: word dropout and nearest-neighbour word swaps.

Neighbours come from MiniLM's input word-piece embeddings (whole words only), so a swap puts words the
training data never had ("postponed" for "delayed") into texts the teacher then labels.
"""
import json
import re
import struct

import numpy as np

WORD = re.compile(r"^[a-z][a-z']+$")


def neighbours(model_dir, k=8):
    with open(model_dir + "/model.safetensors", "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        meta = header["embeddings.word_embeddings.weight"]
        a, b = meta["data_offsets"]
        f.seek(base + a)
        emb = np.frombuffer(f.read(b - a), dtype=np.float32).reshape(meta["shape"])
    vocab = [l.rstrip("\n") for l in open(model_dir + "/vocab.txt", encoding="utf-8")]
    keep = [i for i, w in enumerate(vocab) if WORD.match(w) and len(w) >= 3]
    words = [vocab[i] for i in keep]
    e = emb[keep]
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    out = {}
    for s in range(0, len(keep), 2048):
        sim = e[s:s + 2048] @ e.T
        for r in range(sim.shape[0]):
            sim[r, s + r] = -1
        top = np.argpartition(-sim, k, axis=1)[:, :k]
        for r in range(sim.shape[0]):
            cand = sorted(top[r], key=lambda j: -sim[r, j])
            out[words[s + r]] = [(words[j], float(sim[r, j])) for j in cand if sim[r, j] > 0.35]
    return out


def match_case(src, new):
    if src.isupper() and len(src) > 1:
        return new.upper()
    if src[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def variants(text, nb, rng, count, p_drop=0.1, p_swap=0.15):
    toks = text.split()
    out = []
    for _ in range(count):
        new = []
        for t in toks:
            core = t.strip(".,!?;:\"()").lower()
            r = rng.random()
            if r < p_drop and len(toks) > 3 and not t.startswith("@"):
                continue
            if r < p_drop + p_swap and core in nb and nb[core]:
                w, _ = nb[core][rng.integers(len(nb[core]))]
                lead = t[: len(t) - len(t.lstrip(".,!?;:\"()"))]
                trail = t[len(t.rstrip(".,!?;:\"()")):]
                body = t[len(lead): len(t) - len(trail)] if trail else t[len(lead):]
                new.append(lead + match_case(body, w) + trail)
                continue
            new.append(t)
        v = " ".join(new)
        if v != text:
            out.append(v)
    return out
