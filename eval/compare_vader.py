"""Rapport (the shipped model, through `rapport score`) and VADER 3.3.2 on the same held-out texts.

    bench/analysis/.venv/bin/python eval/compare_vader.py      # after bench/analysis/setup.sh and a release build

For each of VADER's rated snippet sets: binary accuracy (sign of the score vs sign of the mean human rating,
rows with mean 0 left out) on all rows, where a score of 0 counts as wrong, and on the rows where VADER's
compound is not 0 (VADER's best case: it is not penalised for abstaining).

The same for the restaurant (Yelp) and product (Amazon) sentences of the UCI "Sentiment Labelled Sentences" set
in eval/data/sentiment-labelled-sentences (label 1 positive, 0 negative; see its README). Neither the model nor
any setting was ever trained or tuned on them.
"""
import json
import pathlib
import subprocess

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

ROOT = pathlib.Path(__file__).resolve().parent.parent
VADER_SETS = ["amazonReviewSnippets", "nytEditorialSnippets", "movieReviewSnippets"]
UCI = ROOT / "eval/data/sentiment-labelled-sentences"
UCI_SETS = {"yelp restaurant sentences (UCI)": "yelp_labelled.txt", "amazon product sentences (UCI)": "amazon_cells_labelled.txt"}


def vader_rows(name):
    """(mean rating, text) of a VADER ground-truth set, rows with mean 0 left out."""
    rows = []
    for line in (ROOT / "target/corpora/vader" / f"{name}_GroundTruth.txt").open(encoding="utf-8", errors="replace"):
        parts = line.rstrip("\r\n").split("\t", 2)
        if len(parts) == 3 and float(parts[1]) != 0:
            rows.append((float(parts[1]), parts[2].replace("\n", " ")))
    return rows


def uci_rows(file):
    """(+1 or -1, text) of a UCI labelled-sentences file."""
    rows = []
    for line in (UCI / file).open(encoding="utf-8"):
        text, _, label = line.rstrip("\r\n").rpartition("\t")
        if label in ("0", "1"):
            rows.append((1.0 if label == "1" else -1.0, text))
    return rows


def main():
    sia = SentimentIntensityAnalyzer()
    sets = [(name, vader_rows(name)) for name in VADER_SETS]
    sets += [(name, uci_rows(file)) for name, file in UCI_SETS.items() if (UCI / file).exists()]
    for name, rows in sets:
        texts = "\n".join(t for _, t in rows) + "\n"
        out = subprocess.run(
            [str(ROOT / "target/release/rapport"), "score"], input=texts, capture_output=True, text=True, check=True
        ).stdout.splitlines()
        ours = [json.loads(line)["score"] for line in out]
        vader = [sia.polarity_scores(t)["compound"] for _, t in rows]
        every = range(len(rows))
        nonzero = [i for i in every if vader[i] != 0]

        def acc(pred, idx):
            return sum((pred[i] > 0) == (rows[i][0] > 0) and pred[i] != 0 for i in idx) / len(idx)

        def forced(pred):
            # A forced binary reading: a score of 0 or below is negative.
            return sum((pred[i] > 0) == (rows[i][0] > 0) for i in every) / len(rows)

        print(
            f"{name}: n={len(rows)}; all rows: rapport {acc(ours, every):.3f}, VADER {acc(vader, every):.3f}; "
            f"rows where VADER is not 0 (n={len(nonzero)}): rapport {acc(ours, nonzero):.3f}, VADER {acc(vader, nonzero):.3f}; "
            f"0 read as negative: rapport {forced(ours):.3f}, VADER {forced(vader):.3f}"
        )


if __name__ == "__main__":
    main()
