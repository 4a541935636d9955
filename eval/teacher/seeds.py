"""Macro-F1 of the teachers fine-tuned with different seeds, alone and averaged (every subset), on their
validation fold: reads teacher.py --val-out files.

    seeds.py VAL_SEED7.tsv VAL_SEED11.tsv ...
"""
import csv
import itertools
import os
import sys

import numpy as np

from minilm import macro_f1

LABELS = ["negative", "neutral", "positive"]
gold = {
    r["tweet_id"]: LABELS.index(r["airline_sentiment"])
    for r in csv.DictReader(open(os.path.join(os.environ["RAPPORT_SHARED_DATA"], "airline-dev/tweets-dev.csv"),
                                 encoding="utf-8"))
}


def read(path):
    rows = [line.split("\t") for line in open(path, encoding="utf-8").read().splitlines()[1:]]
    return {c[0]: [float(x) for x in c[1:4]] for c in rows}


paths = sys.argv[1:]
probs = [read(p) for p in paths]
ids = list(probs[0])
y = np.array([gold[i] for i in ids])
for n in range(1, len(paths) + 1):
    for subset in itertools.combinations(range(len(paths)), n):
        pred = np.mean([[probs[s][i] for i in ids] for s in subset], axis=0).argmax(1)
        names = " + ".join(os.path.basename(paths[s]) for s in subset)
        print(f"{names}: macro-F1 {macro_f1(y, pred):.4f}, accuracy {(pred == y).mean():.4f}")
