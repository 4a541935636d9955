"""More texts for the teacher to label (Tang et al. 2019, "Distilling task-specific knowledge from BERT into
simple neural networks"): masked copies and n-gram samples of the training tweets, and unlabelled text of
other sources: Bitext utterances, the VADER rated tweets and movie-review snippets (training half), and the twcs customer tweets that neither are
nor share an author with a tweet of eval/data/twcs-labels (so that the twcs figures stay held out).
Writes `source<TAB>text` lines.

    transfer.py --exclude 0 [--masked 5 --ngrams 4 --vader-tweets FILE] > texts.tsv
"""
import argparse
import csv
import os
import sys

import numpy as np

SHARED = os.environ.get("RAPPORT_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))
ap = argparse.ArgumentParser()
ap.add_argument("--exclude", default="0")
ap.add_argument("--masked", type=int, default=5)
ap.add_argument("--ngrams", type=int, default=4)
ap.add_argument("--vader-tweets", help="tweets_GroundTruth.txt of the VADER corpora")
ap.add_argument("--vader-movies", help="movieReviewSnippets_GroundTruth.txt of the VADER corpora (the training half, "
                                       "as rapport-train splits it, is used; the other half is its dev set)")
ap.add_argument("--seed", type=int, default=11)
args = ap.parse_args()
excluded = {int(x) for x in args.exclude.split(",") if x}


def fnv1a(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


rng = np.random.default_rng(args.seed)


def masked(text):
    return " ".join("[MASK]" if rng.random() < 0.1 and not t.startswith("@") else t for t in text.split())


def emit(source, text):
    text = " ".join(text.replace("\t", " ").split())
    if text:
        sys.stdout.write(f"{source}\t{text}\n")


rows = list(csv.DictReader(open(os.path.join(SHARED, "airline-dev/tweets-dev.csv"), encoding="utf-8")))
for r in rows:
    if fnv1a(r["tweet_id"]) % 5 in excluded:
        continue
    toks = r["text"].split()
    for _ in range(args.masked):
        emit("airline-masked", masked(r["text"]))
    for _ in range(args.ngrams):
        n = int(rng.integers(1, 6))
        if len(toks) > n:
            s = int(rng.integers(0, len(toks) - n + 1))
            emit("airline-ngram", " ".join(toks[s:s + n]))
for r in csv.DictReader(open(os.path.join(SHARED, "bitext-intents/Bitext_Sample_Customer_Service_Training_Dataset.csv"),
                             encoding="utf-8-sig")):
    emit("bitext", r["utterance"])
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
held_out = {r["tweet_id"] for r in csv.DictReader(open(os.path.join(ROOT, "eval/data/twcs-labels/labels.csv")))}
twcs = [r for r in csv.DictReader(open(os.path.join(SHARED, "twcs/twcs_first5000.csv"), encoding="utf-8"))
        if r["inbound"] == "True"]
held_out_authors = {r["author_id"] for r in twcs if r["tweet_id"] in held_out}
for r in twcs:
    if r["tweet_id"] in held_out or r["author_id"] in held_out_authors:
        continue
    emit("twcs", r["text"])
    for _ in range(2):
        emit("twcs-masked", masked(r["text"]))
for path, source, half in ((args.vader_tweets, "vader-tweet", False), (args.vader_movies, "vader-movie", True)):
    if not path:
        continue
    for line in open(path, encoding="utf-8", errors="replace"):
        c = line.rstrip("\n").split("\t")
        if len(c) >= 3 and (not half or fnv1a(c[0]) % 2 == 0):
            emit(source, c[2])
