"""Generates a twcs-format export of N messages for the `rapport assess` benchmark (deterministic).

    python3 bench/assess/generate.py 5000000 > /tmp/twcs-5m.csv

Thread shapes: a customer opens (1–3 messages), the brand answers after a log-normal delay (median about
20 minutes, long tail to days; 8 % of threads are never answered), then 0–4 more exchanges. 120 brands with
Zipf-like volumes; texts drawn from customer and agent phrase pools and joined to realistic tweet lengths
(20–280 characters). Timestamps spread over 30 days, in Twitter's created_at format.
"""
import csv
import math
import random
import sys
from datetime import datetime, timedelta, timezone

CUSTOMER = [
    "my order still hasn't arrived", "where is my refund", "the app keeps crashing when I log in",
    "I was charged twice for the same thing", "thanks, that fixed it!", "nobody answers the phone",
    "can you help me change my booking", "the package arrived damaged", "worst service ever",
    "is there an update on my case", "I love the new update", "my flight was cancelled",
    "how do I reset my password", "been on hold for an hour", "still waiting for a reply",
    "please call me back", "why was my account suspended", "the item is not what I ordered",
]
AGENT = [
    "sorry to hear that, please DM us your order number", "we're looking into this for you",
    "thanks for reaching out!", "I've escalated this to our team", "could you send us more details",
    "your refund has been processed and should arrive in 3-5 days", "please try reinstalling the app",
    "we apologise for the delay", "glad we could help!", "follow this link to reset your password",
]
START = datetime(2017, 10, 1, tzinfo=timezone.utc)


def text(rng, pool, handle):
    parts = [rng.choice(pool)]
    target = int(min(280, max(20, rng.lognormvariate(4.4, 0.5))))
    while sum(len(p) + 2 for p in parts) < target:
        parts.append(rng.choice(pool))
    return f"@{handle} " + ". ".join(parts)[:270]


def main(n):
    rng = random.Random(7)
    brands = [f"Brand{i:03d}" for i in range(120)]
    weights = [1 / (i + 1) for i in range(len(brands))]
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"])
    next_id = 1
    customer = 100000
    written = 0
    while written < n:
        brand = rng.choices(brands, weights)[0]
        customer += 1
        t = START + timedelta(seconds=rng.uniform(0, 30 * 86400))
        prev = None
        turns = []
        for _ in range(rng.randint(1, 3)):
            turns.append((True, t))
            t += timedelta(seconds=rng.expovariate(1 / 120))
        exchanges = 0 if rng.random() < 0.08 else 1 + min(4, int(rng.expovariate(0.8)))
        for e in range(exchanges):
            t += timedelta(seconds=min(5 * 86400, rng.lognormvariate(math.log(1200), 1.6)))
            turns.append((False, t))
            if e < exchanges - 1:
                t += timedelta(seconds=rng.expovariate(1 / 600))
                turns.append((True, t))
        for inbound, at in turns:
            if written >= n:
                break
            tid = next_id
            next_id += 1
            author = str(customer) if inbound else brand
            handle = brand if inbound else str(customer)
            out.writerow([
                tid, author, "True" if inbound else "False", at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                text(rng, CUSTOMER if inbound else AGENT, handle), "", "" if prev is None else f"{prev}.0",
            ])
            prev = tid
            written += 1


if __name__ == "__main__":
    main(int(sys.argv[1]))
