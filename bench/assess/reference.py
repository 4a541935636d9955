"""Independent reference for `rapport assess` first-response figures on the twcs format, in pandas.

    bench/assess/setup.sh && bench/assess/.venv/bin/python bench/assess/reference.py TWCS.csv > OUT.json

Written apart from the Rust code, from the definitions in docs/assess-report.md:
- conversations are the connected components of tweets linked by in_response_to_tweet_id or
  response_tweet_id (ids not in the file still link), named by their smallest tweet id;
- the account of a conversation is the author of its earliest non-inbound tweet;
- messages are ordered by created_at (stable on file order); a wait starts at a customer tweet when the
  brand has not spoken since, and ends at the next brand tweet; the first such time is the first response;
- percentiles are pandas' default (linear interpolation).
Rows whose inbound is not True/False or whose created_at does not parse are dropped (as Rapport skips them).
Prints JSON: {"overall": {count, p50_seconds, p90_seconds}, "by_account": {...}, "unanswered": N}.
"""
import json
import sys

import pandas as pd


def main(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df[df["inbound"].isin(["True", "False"])].copy()
    df["at"] = pd.to_datetime(df["created_at"], format="%a %b %d %H:%M:%S %z %Y", errors="coerce")
    df = df[df["at"].notna()].copy()
    df["id"] = df["tweet_id"].str.strip().str.replace(r"\.0$", "", regex=True)

    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    for _, row in df.iterrows():
        find(row["id"])
        links = [s.strip() for s in row["response_tweet_id"].split(",") if s.strip()]
        if row["in_response_to_tweet_id"].strip():
            links.append(row["in_response_to_tweet_id"].strip())
        for link in links:
            union(row["id"], link.replace(".0", "") if link.endswith(".0") else link)

    df["root"] = df["id"].map(find)
    df["inbound_b"] = df["inbound"] == "True"
    df = df.reset_index(drop=True)
    df["order"] = range(len(df))
    df = df.sort_values(["at", "order"], kind="stable")

    firsts = []
    unanswered = 0
    for root, g in df.groupby("root", sort=False):
        brand = g[~g["inbound_b"]]
        account = brand.iloc[0]["author_id"] if len(brand) else None
        waiting = None
        first = None
        for _, m in g.iterrows():
            if m["inbound_b"]:
                if waiting is None:
                    waiting = m["at"]
            elif waiting is not None:
                first = (m["at"] - waiting).total_seconds()
                break
        if g["inbound_b"].any() and first is None:
            unanswered += 1
        if first is not None:
            firsts.append((account, first))

    s = pd.DataFrame(firsts, columns=["account", "seconds"])

    def stats(x):
        return {"count": int(len(x)), "p50_seconds": float(x.quantile(0.5)), "p90_seconds": float(x.quantile(0.9))}

    out = {
        "overall": stats(s["seconds"]),
        "by_account": {a: stats(g["seconds"]) for a, g in s.dropna(subset=["account"]).groupby("account")},
        "unanswered": unanswered,
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
