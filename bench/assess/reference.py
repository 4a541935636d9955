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

    reference.py --fast TWCS.csv

computes the same figures vectorised (numpy/pandas column operations, no Python loop per row): for files of
millions of rows, where the row-by-row version would take hours. Both modes print the same JSON.
"""
import json
import sys

import numpy as np
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

    report(pd.DataFrame(firsts, columns=["account", "seconds"]), unanswered)


def report(s, unanswered):
    """Prints the figures of first responses `s` (columns account, seconds)."""

    def stats(x):
        return {"count": int(len(x)), "p50_seconds": float(x.quantile(0.5)), "p90_seconds": float(x.quantile(0.9))}

    out = {
        "overall": stats(s["seconds"]),
        "by_account": {a: stats(g["seconds"]) for a, g in s.dropna(subset=["account"]).groupby("account")},
        "unanswered": unanswered,
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


def components(a, b, n):
    """Connected components of n nodes joined by edges a[i]–b[i]: each node's smallest node number.
    Label propagation with pointer jumping, all in numpy: a few dozen passes for reply chains."""
    label = np.arange(n)
    while True:
        before = label.copy()
        low = np.minimum(label[a], label[b])
        np.minimum.at(label, a, low)
        np.minimum.at(label, b, low)
        label = label[label]
        while not np.array_equal(label, label[label]):
            label = label[label]
        if np.array_equal(label, before):
            return label


def main_fast(path):
    cols = ["tweet_id", "author_id", "inbound", "created_at", "response_tweet_id", "in_response_to_tweet_id"]
    df = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=cols)
    df = df[df["inbound"].isin(["True", "False"])]
    at = pd.to_datetime(df["created_at"], format="%a %b %d %H:%M:%S %z %Y", errors="coerce")
    keep = at.notna().to_numpy()
    df = df[keep].reset_index(drop=True)
    # Nanoseconds since the epoch (UTC), as integers: exact, and fast to sort and subtract.
    at = pd.Series(at[keep].array.asi8)

    def norm(ids):
        ids = ids.str.strip()
        return ids.str.replace(r"^(\d+)\.0$", r"\1", regex=True)

    ids = norm(df["tweet_id"])
    # Edges: each row to every id it names (its responses, split on commas, and what it answers).
    responses = df["response_tweet_id"].str.split(",").explode()
    links = pd.concat([norm(responses), norm(df["in_response_to_tweet_id"])])
    links = links[links != ""]
    codes, _ = pd.factorize(pd.concat([ids, links], ignore_index=True))
    n_rows = len(ids)
    row_code = codes[:n_rows]
    link_code = codes[n_rows:]
    link_row = links.index.to_numpy()
    root = components(row_code[link_row], link_code, int(codes.max()) + 1 if len(codes) else 0)[row_code]

    inbound = (df["inbound"] == "True").to_numpy()
    order = np.lexsort((np.arange(n_rows), at.to_numpy()))  # by time, then file order
    pos = np.empty(n_rows, dtype=np.int64)
    pos[order] = np.arange(n_rows)
    t = pd.DataFrame({"root": root, "pos": pos, "inbound": inbound, "at": at, "author": df["author_id"]})
    # The wait that the first response ends starts at the conversation's first customer tweet.
    first_in = t[t["inbound"]].groupby("root")["pos"].min()
    brand = t[~t["inbound"]]
    account = brand.loc[brand.groupby("root")["pos"].idxmin()].set_index("root")["author"]
    after = brand.join(first_in.rename("first_in"), on="root", how="inner")
    after = after[after["pos"] > after["first_in"]]
    answer = after.loc[after.groupby("root")["pos"].idxmin()].set_index("root")
    asked = t.set_index("pos").loc[first_in.loc[answer.index].to_numpy(), "at"].to_numpy()
    seconds = (answer["at"].to_numpy() - asked) / 1e9
    s = pd.DataFrame({"account": account.reindex(answer.index).to_numpy(), "seconds": seconds.astype(float)})
    report(s, int(len(first_in) - len(answer)))


if __name__ == "__main__":
    if sys.argv[1] == "--fast":
        main_fast(sys.argv[2])
    else:
        main(sys.argv[1])
