#!/usr/bin/env bash
# `rapport assess` end to end (read, thread, analyse, aggregate, write) on a generated twcs file of N
# messages (default 5,000,000), and the pandas reference (bench/assess/reference.py --fast) on the same
# file in the same run, with equal figures brand by brand; then twcs_first5000.csv from process start to
# report. Prints seconds, messages/s, peak RSS (from /usr/bin/time) and the ratio.
#
#   bench/assess.sh [N]        # ASSESS_BENCH_DIR (default /tmp/rapport-assess-bench) keeps the file
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-5000000}
WORK=${ASSESS_BENCH_DIR:-/tmp/rapport-assess-bench}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
RAPPORT=$TARGET/release/rapport
PY=$ROOT/bench/assess/.venv/bin/python
SAMPLE=$ROOT/../shared/data/twcs/twcs_first5000.csv
mkdir -p "$WORK"

(cd "$ROOT" && cargo build --release --locked -p rapport)
"$ROOT/bench/assess/setup.sh"
FILE=$WORK/twcs-$N.csv
if [[ ! -s $FILE ]]; then
    echo "generating $N messages into $FILE…"
    python3 "$ROOT/bench/assess/generate.py" "$N" >"$FILE.part" && mv "$FILE.part" "$FILE"
fi

# timed LABEL CMD…: runs CMD under /usr/bin/time; leaves "seconds peak_kb" in $WORK/LABEL.time.
timed() {
    local label=$1
    shift
    /usr/bin/time -f '%e %M' -o "$WORK/$label.time" "$@"
}
field() { cut -d' ' -f"$2" "$WORK/$1.time"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
echo "load before: $(uptime)"
rm -rf "$WORK/out"
timed rapport "$RAPPORT" assess "$FILE" --out "$WORK/out" --quiet
echo "load between: $(uptime)"
timed reference "$PY" "$ROOT/bench/assess/reference.py" --fast "$FILE" >"$WORK/reference.json"
echo "load after: $(uptime)"
"$PY" "$ROOT/bench/assess/compare.py" "$WORK/reference.json" "$WORK/out/report.json"

messages=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$WORK/out/report.json")
secs=$(field rapport 1)
ref_secs=$(field reference 1)
awk -v n="$messages" -v s="$secs" -v kb="$(field rapport 2)" -v rs="$ref_secs" -v rkb="$(field reference 2)" 'BEGIN {
    printf "rapport assess: %d messages in %.2f s = %.0f messages/s, peak RSS %.0f MB\n", n, s, n / s, kb / 1024
    printf "pandas reference (first responses only): %.2f s, peak RSS %.0f MB; rapport is %.1fx faster\n", rs, rkb / 1024, rs / s
}'

if [[ -f $SAMPLE ]]; then
    # Process start to report, five runs (the file is small: the spread is the figure).
    for i in 1 2 3 4 5; do
        rm -rf "$WORK/sample"
        timed "sample$i" "$RAPPORT" assess "$SAMPLE" --out "$WORK/sample" --quiet
    done
    times=$(for i in 1 2 3 4 5; do field "sample$i" 1; done | sort -n | xargs)
    echo "twcs_first5000.csv, process start to report (5 runs, sorted): $times s, peak RSS $(( $(field sample1 2) / 1024 )) MB"
fi
