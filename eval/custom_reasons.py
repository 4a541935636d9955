"""How good is a help desk's own reason taxonomy with few examples? `rapport train-reasons` on k labelled
examples per reason, scored on held-out complaints.

    python3 eval/custom_reasons.py [dev|test]   # after a release build of `rapport`; needs ../shared/data/twcs

Examples come from the silver training labels of train/data/twcs-train (the same nine reasons, standing in for
a business's own list; `cant_tell` left out), k per reason at random (5 seeds), or all of them. They are
scored on the twcs complaints of eval/data/twcs-labels (default: the held-out test split; dev for choices) (both labellers: negative, same reason),
as eval/twcs_eval.py scores the built-in model: the `reason` that `rapport score --reasons MODEL` reports, no
reason counting as wrong.
"""
import csv
import os
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile
import json

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import twcs_eval  # noqa: E402

ROOT = twcs_eval.ROOT
RAPPORT = os.environ.get("RAPPORT_BIN", str(ROOT / "target/release/rapport"))


def macro_f1(gold, pred):
    """Macro-F1 over the reasons present in gold, as eval/twcs_eval.py reports it."""
    return twcs_eval.report("", gold, pred, twcs_eval.REASONS)[0]


def main():
    if not (twcs_eval.SHARED / "twcs/twcs_first5000.csv").exists():
        print("eval/custom_reasons.py: ../shared/data/twcs is absent; skipped.", file=sys.stderr)
        return
    split = sys.argv[1] if len(sys.argv) > 1 else "test"
    texts = {}
    with (twcs_eval.SHARED / "twcs/twcs_first5000.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts[row["tweet_id"]] = " ".join((row["text"] or "").split())
    pool = {}
    with (ROOT / "train/data/twcs-train/labels.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["sentiment"] == "negative" and row["reason"] not in ("none", "cant_tell"):
                pool.setdefault(row["reason"], []).append(texts[row["tweet_id"]])
    test = [
        r
        for r in twcs_eval.load()
        if r["split"] == split
        and r["sentiment_a"] == r["sentiment_b"] == "negative"
        and r["reason_a"] == r["reason_b"]
        and r["reason_a"] != "cant_tell"
    ]
    gold = [r["reason_a"] for r in test]
    print(f"examples per reason available: {dict(sorted((k, len(v)) for k, v in pool.items()))}")
    print(f"{split} complaints: {len(test)}\n")
    builtin = [s["reason"] or "(none)" for s in twcs_eval.score([r["text"] for r in test])]
    print(f"built-in reason model: macro-F1 {macro_f1(gold, builtin):.3f}\n")
    print("| reason names | examples per reason | seeds | macro-F1 mean | sd | accuracy mean |")
    print("| --- | --: | --: | --: | --: | --: |")
    with tempfile.TemporaryDirectory() as tmp:
        for renamed in (False, True):
            names = "own names (cues tied by train-reasons)" if renamed else "built-in names (cues by name)"
            for k in (5, 10, 20, 40, None):
                f1s, accs = curve_point(pool, test, gold, k, renamed, tmp)
                sd = statistics.stdev(f1s) if len(f1s) > 1 else 0.0
                print(
                    f"| {names} | {k or 'all'} | {len(f1s)} | {statistics.mean(f1s):.3f} | {sd:.3f} "
                    f"| {statistics.mean(accs):.3f} |"
                )


def curve_point(pool, test, gold, k, renamed, tmp):
    """Macro-F1 and accuracy of models trained on k examples per reason (all when k is None), one per seed.
    Renamed reasons ("own_…") do not match the built-in reason cues by name, as a business's own names would not."""
    f1s, accs = [], []
    for seed in range(1, 6) if k else [0]:
        rng = random.Random(seed)
        rows = []
        for reason, examples in sorted(pool.items()):
            chosen = examples if k is None else rng.sample(examples, min(k, len(examples)))
            if len(chosen) >= 3:
                rows += [(t, "own_" + reason if renamed else reason) for t in chosen]
        path, model = os.path.join(tmp, "examples.csv"), os.path.join(tmp, "model.tsv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["text", "reason"])
            w.writerows(rows)
        subprocess.run([RAPPORT, "train-reasons", "--examples", path, "--out", model], check=True, capture_output=True)
        out = subprocess.run(
            [RAPPORT, "score", "--reasons", model],
            input="".join(r["text"] + "\n" for r in test),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        pred = [(json.loads(line)["reason"] or "(none)").removeprefix("own_") for line in out]
        f1s.append(macro_f1(gold, pred))
        accs.append(sum(g == p for g, p in zip(gold, pred)) / len(gold))
    return f1s, accs

if __name__ == "__main__":
    main()
