"""The shipped model (through `rapport score`) on customer tweets to many brands, outside airlines.

    python3 eval/twcs_eval.py            # after a release build of `rapport`; needs ../shared/data/twcs

Labels: eval/data/twcs-labels (800 customer tweets of twcs_first5000, two labellers; see its README). A row
counts where both labellers agree: on sentiment for the sentiment figures, and on a negative sentiment and the
same reason (not `cant_tell`) for the reason figures. Rows are split by tweet id into `dev` (may be looked at
when changing the engine) and `test` (held out: only read for a run of record). Nothing was ever trained on
either. VADER 3.3.2 (compound ±0.05) is scored on the same rows when it is installed.
"""
import csv
import json
import os
import pathlib
import subprocess
import sys
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("RAPPORT_SHARED_DATA", ROOT.parent / "shared/data"))
LABELS = ROOT / "eval/data/twcs-labels/labels.csv"
SENTIMENTS = ["negative", "neutral", "positive"]
REASONS = [
    "delivery_delay",
    "cancellation",
    "billing_refund",
    "product_quality",
    "lost_or_damaged",
    "agent_attitude",
    "communication",
    "technical",
    "other",
]


def load():
    texts = {}
    with (SHARED / "twcs/twcs_first5000.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts[row["tweet_id"]] = " ".join((row["text"] or "").split())
    rows = []
    with LABELS.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            row["text"] = texts[row["tweet_id"]]
            rows.append(row)
    return rows


def score(texts):
    out = subprocess.run(
        [str(ROOT / "target/release/rapport"), "score"],
        input="".join(t + "\n" for t in texts),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [json.loads(line) for line in out]


def report(title, gold, pred, classes):
    """Accuracy, macro-F1 over the classes present in gold, per-class F1, confusion; as markdown."""
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred)) / n
    present = [c for c in classes if c in gold]
    f1s = {}
    for c in present:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f1s[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    macro = sum(f1s.values()) / len(f1s)
    cols = classes + (["(none)"] if "(none)" in pred else [])
    conf = Counter(zip(gold, pred))
    lines = [f"### {title}", "", f"{n} messages: accuracy **{acc:.4f}**, macro-F1 **{macro:.4f}**", ""]
    lines += ["| class | gold | F1 |", "| --- | --: | --: |"]
    lines += [f"| {c} | {gold.count(c)} | {f1s[c]:.4f} |" for c in present]
    lines += ["", "| gold \\ predicted | " + " | ".join(cols) + " |", "| --- |" + " --: |" * len(cols)]
    lines += [f"| {g} | " + " | ".join(str(conf[(g, p)]) for p in cols) + " |" for g in present]
    return macro, acc, "\n".join(lines) + "\n"


def vader_labels(texts):
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    sia = SentimentIntensityAnalyzer()
    labels = []
    for t in texts:
        c = sia.polarity_scores(t)["compound"]
        labels.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return labels


def main():
    if not (SHARED / "twcs/twcs_first5000.csv").exists():
        print(f"eval/twcs_eval.py: {SHARED}/twcs is absent; skipped.", file=sys.stderr)
        return
    splits = sys.argv[1:] or ["dev", "test"]
    rows = load()
    results = score([r["text"] for r in rows])
    for split in splits:
        part = [(r, s) for r, s in zip(rows, results) if r["split"] == split]
        sent = [(r, s) for r, s in part if r["sentiment_a"] == r["sentiment_b"]]
        gold = [r["sentiment_a"] for r, _ in sent]
        macro, acc, text = report(f"Sentiment, {split} split", gold, [s["sentiment"] for _, s in sent], SENTIMENTS)
        print(text)
        vader = vader_labels([r["text"] for r, _ in sent])
        if vader is not None:
            vm, va, _ = report("VADER", gold, vader, SENTIMENTS)
            print(f"VADER 3.3.2 on the same rows: accuracy {va:.4f}, macro-F1 {vm:.4f}\n")
        reas = [
            (r, s)
            for r, s in sent
            if r["sentiment_a"] == "negative" and r["reason_a"] == r["reason_b"] and r["reason_a"] != "cant_tell"
        ]
        gold = [r["reason_a"] for r, _ in reas]
        pred = [s["reason"] or "(none)" for _, s in reas]
        print(report(f"Complaint reason, {split} split (both labellers: negative, same reason)", gold, pred, REASONS)[2])


if __name__ == "__main__":
    main()
