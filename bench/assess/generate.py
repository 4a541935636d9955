"""Generates an export of N messages for the `rapport assess` benchmark (deterministic).

    python3 bench/assess/generate.py 5000000 > /tmp/twcs-5m.csv
    python3 bench/assess/generate.py 1000000 --format zendesk > /tmp/zendesk-1m.jsonl

Formats: `twcs` (the default), `zendesk` and `freshdesk` (one ticket per line with its comments or
conversations, the vendors' field names as in crates/rapport-channels/tests/fixtures), and `csv`,
`ndjson`, `json` (generic rows: conversation, timestamp, role, author, account, text; sorted by time,
as help desks export them, so the rows of a conversation are spread among other conversations' rows;
read them with `--map conversation=conversation --map timestamp=timestamp --map role=role
--map author=author --map account=account --map text=text`). Same threads in every format.

Thread shapes: a customer opens (1–3 messages), the brand answers after a log-normal delay (median about
20 minutes, long tail to days; 8 % of threads are never answered), then 0–4 more exchanges. 120 brands with
Zipf-like volumes; texts drawn from customer and agent phrase pools and joined to realistic tweet lengths
(20–280 characters). Timestamps spread over 30 days, in Twitter's created_at format.
"""
import argparse
import csv
import json
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


def threads(n):
    """Yields (brand, customer, [(inbound, at, text)]) until n messages are made."""
    rng = random.Random(7)
    brands = [f"Brand{i:03d}" for i in range(120)]
    weights = [1 / (i + 1) for i in range(len(brands))]
    customer = 100000
    written = 0
    while written < n:
        brand = rng.choices(brands, weights)[0]
        customer += 1
        t = START + timedelta(seconds=rng.uniform(0, 30 * 86400))
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
        turns = turns[: n - written]
        written += len(turns)
        handle = lambda inbound: brand if inbound else str(customer)
        yield brand, customer, [
            (inbound, at, text(rng, CUSTOMER if inbound else AGENT, handle(inbound))) for inbound, at in turns
        ]


def twcs(n):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"])
    next_id = 1
    for brand, customer, turns in threads(n):
        prev = None
        for inbound, at, body in turns:
            tid = next_id
            next_id += 1
            author = str(customer) if inbound else brand
            out.writerow([
                tid, author, "True" if inbound else "False", at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                body, "", "" if prev is None else f"{prev}.0",
            ])
            prev = tid


def iso(at):
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def agent_of(brand):
    return f"{brand}-agent"


def zendesk(n):
    comment = 1
    for ticket, (brand, customer, turns) in enumerate(threads(n), start=1):
        comments = []
        for inbound, at, body in turns:
            author = customer if inbound else 900000 + int(brand[5:])
            comments.append({"id": comment, "type": "Comment", "author_id": author, "body": body, "plain_body": body,
                             "public": True, "created_at": iso(at), "via": {"channel": "web"}})
            comment += 1
        answered = any(not inbound for inbound, _, _ in turns)
        print(json.dumps({
            "id": ticket, "created_at": iso(turns[0][1]), "status": "solved" if answered else "open",
            "requester_id": customer, "submitter_id": customer,
            "assignee_id": 900000 + int(brand[5:]) if answered else None, "group_id": None,
            "brand_id": int(brand[5:]) + 1, "via": {"channel": "web"}, "comments": comments,
        }))


def freshdesk(n):
    conv = 1
    for ticket, (brand, customer, turns) in enumerate(threads(n), start=1):
        (first_inbound, created, description), rest = turns[0], turns[1:]
        conversations = []
        for inbound, at, body in rest:
            conversations.append({"id": conv, "body_text": body, "incoming": inbound, "private": False,
                                  "user_id": customer if inbound else 900000 + int(brand[5:]), "created_at": iso(at)})
            conv += 1
        print(json.dumps({
            "id": ticket, "created_at": iso(created), "status": 4 if conversations else 2, "source": 1,
            "requester_id": customer, "responder_id": 900000 + int(brand[5:]), "group_id": None,
            "product_id": int(brand[5:]) + 1, "description_text": description, "conversations": conversations,
        }))


GENERIC = ["conversation", "timestamp", "role", "author", "account", "text"]


def generic(n, fmt):
    rows = []
    for ticket, (brand, customer, turns) in enumerate(threads(n), start=1):
        for inbound, at, body in turns:
            rows.append((at, f"T{ticket}", "customer" if inbound else "agent",
                         str(customer) if inbound else agent_of(brand), brand, body))
    rows.sort(key=lambda r: r[0])
    if fmt == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(GENERIC)
        for at, *rest in rows:
            out.writerow([rest[0], iso(at), *rest[1:]])
        return
    objects = (dict(zip(GENERIC, [r[1], iso(r[0]), *r[2:]])) for r in rows)
    if fmt == "ndjson":
        for o in objects:
            print(json.dumps(o))
    else:
        print("[")
        print(",\n".join(json.dumps(o) for o in objects))
        print("]")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", type=int)
    parser.add_argument("--format", default="twcs", choices=["twcs", "zendesk", "freshdesk", "csv", "ndjson", "json"])
    args = parser.parse_args()
    if args.format == "twcs":
        twcs(args.messages)
    elif args.format == "zendesk":
        zendesk(args.messages)
    elif args.format == "freshdesk":
        freshdesk(args.messages)
    else:
        generic(args.messages, args.format)


if __name__ == "__main__":
    main()
