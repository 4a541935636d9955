"""Rapport (the shipped model, through `rapport score`) and VADER 3.3.2 on the same held-out texts.

    bench/analysis/.venv/bin/python eval/compare_vader.py      # after bench/analysis/setup.sh and a release build

For each of VADER's rated snippet sets: binary accuracy (sign of the score vs sign of the mean human rating,
rows with mean 0 left out) on all rows, where a score of 0 counts as wrong, and on the rows where VADER's
compound is not 0 (VADER's best case: it is not penalised for abstaining).
"""
import json
import pathlib
import subprocess

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

ROOT = pathlib.Path(__file__).resolve().parent.parent
SETS = ["amazonReviewSnippets", "nytEditorialSnippets", "movieReviewSnippets"]


def main():
    sia = SentimentIntensityAnalyzer()
    for name in SETS:
        rows = []
        path = ROOT / "target/corpora/vader" / f"{name}_GroundTruth.txt"
        for line in path.open(encoding="utf-8", errors="replace"):
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) == 3 and float(parts[1]) != 0:
                rows.append((float(parts[1]), parts[2].replace("\n", " ")))
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

        print(
            f"{name}: n={len(rows)}; all rows: rapport {acc(ours, every):.3f}, VADER {acc(vader, every):.3f}; "
            f"rows where VADER is not 0 (n={len(nonzero)}): rapport {acc(ours, nonzero):.3f}, VADER {acc(vader, nonzero):.3f}"
        )


if __name__ == "__main__":
    main()
