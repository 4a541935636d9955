"""Shared pieces: data, folds (fnv1a_64 of the tweet_id string, as eval/teacher/minilm.py), tokenizer, CV."""
import csv
import os
import re

import numpy as np
from sklearn.metrics import f1_score

DATA = os.environ.get("AIRLINE_CSV", "/work/shared/data/airline-dev/tweets-dev.csv")
LABELS = ["negative", "neutral", "positive"]
CV_FOLDS = (1, 2, 3, 4)


def fnv1a(s):  # identical to eval/teacher/minilm.py
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def load():
    rows = list(csv.DictReader(open(DATA, encoding="utf-8")))
    texts = [r["text"] for r in rows]
    y = np.array([LABELS.index(r["airline_sentiment"]) for r in rows])
    fold = np.array([fnv1a(r["tweet_id"]) % 5 for r in rows])
    return texts, y, fold


URL = re.compile(r"https?://\S+|www\.\S+")
MENTION = re.compile(r"@\w+")
EMOTICON = r"(?:[<>]?[:;=8xX][\-o\*']?[\)\]\(\[dDpP/\\:\}\{@\|]+|[\)\]\(\[dDpP/\\\}\{@\|]+[\-o\*']?[:;=8])"
TOKEN = re.compile(EMOTICON + r"|[a-z0-9]+(?:['’][a-z]+)*|[!?]+|[.]{2,}|[\U0001F000-\U0001FFFF\u2600-\u27BF]|#\w+|__\w+__")


def normalise(t):
    """Lowercase, @mentions -> __mention__, URLs -> __url__, elongations squeezed to 3, html entities."""
    t = t.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    t = URL.sub(" __url__ ", t)
    t = MENTION.sub(" __mention__ ", t)
    t = t.lower()
    t = re.sub(r"(.)\1{3,}", r"\1\1\1", t)
    return t


def tokens(t):
    """Tweet tokens of a normalised text: words, emoticons, emoji, !/? runs, hashtags (also split to the word)."""
    out = []
    for m in TOKEN.findall(t):
        out.append(m.replace("’", "'"))
        if m.startswith("#") and len(m) > 1:
            out.append(m[1:])
    return out


def mf1(y, p):
    return f1_score(y, p, average="macro", labels=[0, 1, 2])


def cv(fit_predict, texts, y, fold, folds=CV_FOLDS):
    """fit_predict(train_idx, val_idx) -> predicted labels (or probs) for val_idx. Fold 0 never passed in."""
    scores = []
    for v in folds:
        tr = np.where((fold != 0) & (fold != v))[0]
        va = np.where(fold == v)[0]
        p = fit_predict(tr, va)
        if p.ndim == 2:
            p = p.argmax(1)
        scores.append(mf1(y[va], p))
    return np.array(scores)


def fmt(name, s):
    return f"| {name} | {s.mean():.4f} | {s.std():.4f} | {' / '.join(f'{x:.3f}' for x in s)} |"
