#!/usr/bin/env python3
"""VADER baseline for Rapport's analysis engine: quality on labelled sets, and throughput.

Run it from the venv that bench/analysis/setup.sh makes (bench/analysis.sh does all of it):

    bench/analysis/.venv/bin/python bench/analysis/vader_bench.py [--airline CSV] [--corpora DIR]
        [--duration 10] [--warmup 1]

What it measures, with vaderSentiment's SentimentIntensityAnalyzer (the `compound` score):

(a) airline: 3-class accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix on
    ../shared/data/airline-dev/tweets-dev.csv (columns `text`, gold `airline_sentiment`), with VADER's
    standard thresholds: compound >= 0.05 positive, <= -0.05 negative, otherwise neutral. Skipped with a
    message when the file is absent.
(b) vader_corpora: binary accuracy on each human-rated ground-truth set of the VADER paper (fetched by
    fetch_vader_corpora.sh). Gold: positive if the mean rating > 0, negative if < 0; rows whose mean is
    exactly 0 are excluded. Prediction: positive if compound > 0, negative if compound < 0; compound == 0
    counts as wrong (it is neither). Also the Pearson correlation of compound with the mean rating over all
    rows (the paper's own figure of merit). Skipped with a message when the folder is absent.
(c) throughput: polarity_scores in this one process and thread over the airline texts (or, without them,
    the tweets_GroundTruth texts), cycled in file order: 1 s of warm-up, then until >= 10 s have elapsed.
    messages/s = messages scored / wall seconds of the measured part. CPU seconds of the process are
    reported beside it, to show the machine was not stealing time.

One JSON object goes to stdout; human-readable lines go to stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_AIRLINE = ROOT.parent / "shared" / "data" / "airline-dev" / "tweets-dev.csv"
DEFAULT_CORPORA = ROOT / "target" / "corpora" / "vader"
CORPORA = [
    ("amazon_reviews", "amazonReviewSnippets_GroundTruth.txt"),
    ("movie_reviews", "movieReviewSnippets_GroundTruth.txt"),
    ("nyt_editorials", "nytEditorialSnippets_GroundTruth.txt"),
    ("tweets", "tweets_GroundTruth.txt"),
]
CLASSES = ["negative", "neutral", "positive"]
POS_THRESHOLD = 0.05
NEG_THRESHOLD = -0.05


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def label_3class(compound: float) -> str:
    if compound >= POS_THRESHOLD:
        return "positive"
    if compound <= NEG_THRESHOLD:
        return "negative"
    return "neutral"


def classification_report(gold: list[str], pred: list[str], classes: list[str]) -> dict:
    """Accuracy, macro-F1, per-class P/R/F1/support and the confusion matrix (rows gold, columns predicted)."""
    index = {c: i for i, c in enumerate(classes)}
    matrix = [[0] * len(classes) for _ in classes]
    for g, p in zip(gold, pred):
        matrix[index[g]][index[p]] += 1
    n = len(gold)
    correct = sum(matrix[i][i] for i in range(len(classes)))
    per_class = {}
    for i, c in enumerate(classes):
        tp = matrix[i][i]
        predicted = sum(matrix[r][i] for r in range(len(classes)))
        support = sum(matrix[i])
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    macro_f1 = sum(v["f1"] for v in per_class.values()) / len(classes)
    return {
        "n": n,
        "accuracy": round(correct / n, 4) if n else None,
        "macro_f1": round(macro_f1, 4),
        "per_class": per_class,
        "confusion": {"rows_gold_cols_predicted": classes, "matrix": matrix},
    }


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


# ---------------------------------------------------------------- (a) airline


def read_airline(path: Path) -> tuple[list[str], list[str]]:
    texts, gold = [], []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            label = (row.get("airline_sentiment") or "").strip()
            if label not in CLASSES:
                continue
            texts.append(row["text"])
            gold.append(label)
    return texts, gold


def bench_airline(sia: SentimentIntensityAnalyzer, path: Path) -> dict:
    texts, gold = read_airline(path)
    pred = [label_3class(sia.polarity_scores(t)["compound"]) for t in texts]
    report = classification_report(gold, pred, CLASSES)
    report = {
        "file": str(path),
        "rule": "compound >= 0.05 positive, <= -0.05 negative, otherwise neutral",
        **report,
    }
    pc = report["per_class"]
    say(f"(a) airline-dev: {report['n']} tweets ({path})")
    say(
        f"    accuracy {report['accuracy']:.3f}  macro-F1 {report['macro_f1']:.3f}  "
        f"F1 negative {pc['negative']['f1']:.3f}  neutral {pc['neutral']['f1']:.3f}  "
        f"positive {pc['positive']['f1']:.3f}"
    )
    say("    confusion (rows gold, columns predicted: negative, neutral, positive):")
    for c, row in zip(CLASSES, report["confusion"]["matrix"]):
        say(f"      {c:<9} {row[0]:>5} {row[1]:>5} {row[2]:>5}")
    return report


# ---------------------------------------------------------------- (b) VADER ground-truth sets


def read_ground_truth(path: Path) -> list[tuple[str, float, str]]:
    rows = []
    with path.open(encoding="utf-8", newline=None) as f:  # files are CRLF; universal newlines strip \r
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split("\t", 2)
            if len(parts) != 3:
                raise ValueError(f"{path}:{lineno}: expected id<TAB>mean<TAB>text")
            rows.append((parts[0], float(parts[1]), parts[2]))
    return rows


def bench_corpus(sia: SentimentIntensityAnalyzer, name: str, path: Path) -> dict:
    rows = read_ground_truth(path)
    means, compounds = [], []
    gold, pred = [], []
    excluded = zero_compound = 0
    for _id, mean, text in rows:
        c = sia.polarity_scores(text)["compound"]
        means.append(mean)
        compounds.append(c)
        if mean == 0:
            excluded += 1
            continue
        gold.append("positive" if mean > 0 else "negative")
        if c > 0:
            pred.append("positive")
        elif c < 0:
            pred.append("negative")
        else:
            zero_compound += 1
            pred.append("none")  # never equal to gold: counted wrong
    classes = ["negative", "positive", "none"]
    report = classification_report(gold, pred, classes)
    per_class = {c: v for c, v in report["per_class"].items() if c != "none"}
    r = pearson(compounds, means)
    out = {
        "file": path.name,
        "rows": len(rows),
        "excluded_mean_zero": excluded,
        "n": report["n"],
        "gold_positive": per_class["positive"]["support"],
        "gold_negative": per_class["negative"]["support"],
        "compound_zero": zero_compound,
        "accuracy": report["accuracy"],
        "macro_f1": round((per_class["positive"]["f1"] + per_class["negative"]["f1"]) / 2, 4),
        "per_class": per_class,
        "accuracy_without_compound_zero": (
            round(sum(g == p for g, p in zip(gold, pred)) / (report["n"] - zero_compound), 4)
            if report["n"] > zero_compound
            else None
        ),
        "pearson_r_compound_vs_mean": round(r, 4) if r is not None else None,
    }
    say(
        f"    {name:<15} n {out['n']:>6} (excluded {excluded:>3} at mean 0)  accuracy {fmt(out['accuracy'])}  "
        f"macro-F1 {fmt(out['macro_f1'])}  compound==0 {zero_compound:>4}  "
        f"acc. without them {fmt(out['accuracy_without_compound_zero'])}  r {fmt(out['pearson_r_compound_vs_mean'])}"
    )
    return out


# ---------------------------------------------------------------- (c) throughput


def bench_throughput(sia: SentimentIntensityAnalyzer, texts: list[str], source: str, warmup: float, duration: float) -> dict:
    n_texts = len(texts)
    clock = time.perf_counter
    # Warm-up: caches, allocator, CPU frequency.
    i = 0
    t_end = clock() + warmup
    while clock() < t_end:
        sia.polarity_scores(texts[i % n_texts])
        i += 1
    warm_msgs = i
    # Measured: until >= duration seconds have elapsed; the clock is read after every message.
    i = 0
    cpu0 = time.process_time()
    t0 = clock()
    t_stop = t0 + duration
    now = t0
    while now < t_stop:
        sia.polarity_scores(texts[i % n_texts])
        i += 1
        now = clock()
    elapsed = now - t0
    cpu = time.process_time() - cpu0
    chars = sum(len(t) for t in texts) / n_texts
    out = {
        "source": source,
        "distinct_texts": n_texts,
        "mean_chars_per_text": round(chars, 1),
        "warmup_s": warmup,
        "warmup_messages": warm_msgs,
        "messages": i,
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu, 3),
        "messages_per_sec": round(i / elapsed, 1),
        "us_per_message": round(elapsed / i * 1e6, 2),
        "passes_over_texts": round(i / n_texts, 2),
        "process": "single process, single thread (CPython), polarity_scores only (no I/O)",
    }
    say(
        f"(c) throughput: {out['messages_per_sec']:.0f} messages/s ({out['us_per_message']:.1f} µs/message; "
        f"{i} messages in {elapsed:.2f} s, CPU {cpu:.2f} s) over {n_texts} texts from {source}"
    )
    return out


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--airline", type=Path, default=DEFAULT_AIRLINE, help="airline-dev tweets CSV (default: %(default)s)")
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder of fetch_vader_corpora.sh (default: %(default)s)")
    ap.add_argument("--duration", type=float, default=10.0, help="measured seconds of the throughput run (default 10)")
    ap.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds before it (default 1)")
    args = ap.parse_args()

    sia = SentimentIntensityAnalyzer()
    result: dict = {
        "benchmark": "analysis-vader",
        "engine": "vaderSentiment",
        "engine_version": version("vaderSentiment"),
        "started_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "nproc": os.cpu_count(),
        "skipped": [],
    }

    throughput_texts: list[str] | None = None
    throughput_source = ""

    if args.airline.is_file():
        result["airline"] = bench_airline(sia, args.airline.resolve())
        throughput_texts, _ = read_airline(args.airline)
        throughput_source = f"airline-dev ({args.airline.name})"
    else:
        msg = f"(a) airline-dev skipped: {args.airline} is absent"
        say(msg)
        result["airline"] = None
        result["skipped"].append(msg)

    corpora_dir = args.corpora
    if corpora_dir.is_dir() and any((corpora_dir / f).is_file() for _, f in CORPORA):
        say(
            f"(b) VADER ground-truth sets ({corpora_dir}): gold sign of the mean rating (mean 0 excluded), "
            "prediction sign of compound (compound 0 counted wrong)"
        )
        result["vader_corpora"] = {
            "dir": str(corpora_dir),
            "rule": (
                "gold positive if mean rating > 0, negative if < 0, rows with mean == 0 excluded; "
                "predicted positive if compound > 0, negative if compound < 0; compound == 0 counted as wrong"
            ),
            "sets": {},
        }
        for name, fname in CORPORA:
            path = corpora_dir / fname
            if not path.is_file():
                msg = f"(b) {name} skipped: {path} is absent"
                say(msg)
                result["skipped"].append(msg)
                continue
            result["vader_corpora"]["sets"][name] = bench_corpus(sia, name, path)
        if throughput_texts is None and (corpora_dir / "tweets_GroundTruth.txt").is_file():
            throughput_texts = [t for _, _, t in read_ground_truth(corpora_dir / "tweets_GroundTruth.txt")]
            throughput_source = "VADER tweets_GroundTruth.txt"
    else:
        msg = f"(b) VADER ground-truth sets skipped: {corpora_dir} is absent (run bench/analysis/fetch_vader_corpora.sh)"
        say(msg)
        result["vader_corpora"] = None
        result["skipped"].append(msg)

    if throughput_texts:
        result["throughput"] = bench_throughput(sia, throughput_texts, throughput_source, args.warmup, args.duration)
    else:
        msg = "(c) throughput skipped: neither the airline texts nor tweets_GroundTruth.txt are present"
        say(msg)
        result["throughput"] = None
        result["skipped"].append(msg)

    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
