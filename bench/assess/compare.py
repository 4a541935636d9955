"""Checks that Rapport's report.json has the reference's first-response figures, brand by brand.

    compare.py REFERENCE.json REPORT.json

Counts and the unanswered count must be equal; percentiles equal to 1e-6 relative. Prints one line and
exits 1 on the first difference.
"""
import json
import sys


def close(a, b):
    return abs(a - b) <= 1e-6 * max(abs(b), 1.0)


def same(ours, theirs, what):
    if ours["count"] != theirs["count"]:
        sys.exit(f"{what}: count {ours['count']} != {theirs['count']}")
    for k in ("p50_seconds", "p90_seconds"):
        if not close(ours[k], theirs[k]):
            sys.exit(f"{what}: {k} {ours[k]} != {theirs[k]}")


def main(ref_path, report_path):
    ref = json.load(open(ref_path))
    report = json.load(open(report_path))
    fr = report["first_response"]
    same(fr["overall"], ref["overall"], "overall")
    if sorted(fr["by_account"]) != sorted(ref["by_account"]):
        sys.exit("the brands differ")
    for brand, stats in ref["by_account"].items():
        same(fr["by_account"][brand], stats, brand)
    if report["unanswered"]["count"] != ref["unanswered"]:
        sys.exit(f"unanswered {report['unanswered']['count']} != {ref['unanswered']}")
    print(f"equal: overall, {len(ref['by_account'])} brands, unanswered {ref['unanswered']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
