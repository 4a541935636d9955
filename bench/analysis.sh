#!/usr/bin/env bash
# Rapport analysis benchmark: quality and speed of the text engine, next to the VADER baseline measured in
# the same run on the same machine. See bench/analysis/README.md for what each figure means.
#
#   bench/analysis.sh                                # setup + corpora + VADER; writes bench/results/analysis-vader-<UTC time>.json
#   VADER_DURATION=3 bench/analysis.sh               # a quick run (3 s of throughput instead of 10)
#   VADER=0 bench/analysis.sh                        # skip the VADER baseline
#
# Steps:
#   1. bench/analysis/setup.sh                 pinned venv (vaderSentiment 3.3.2) in bench/analysis/.venv
#   2. bench/analysis/fetch_vader_corpora.sh   the VADER paper's ground-truth sets into $CORPORA_DIR
#   3. bench/analysis/vader_bench.py           airline-dev 3-class, ground-truth sets binary, throughput
#   4. the Rust engine: throughput (pinned to one core) and `rapport score` end to end; the ratio to VADER
# Steps 1-2 need PyPI on first use only; without it the baseline is skipped with a warning (as the
# django-helpdesk baseline of bench/ingest.sh is). The airline-dev set is read from ../shared/data when
# present; without it that part is skipped and noted in the JSON.
#
# Exit status: 0 when every step that could run succeeded; 1 otherwise.
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/bench/analysis
RESULTS=${RESULTS_DIR:-$ROOT/bench/results}
CORPORA_DIR=${CORPORA_DIR:-$ROOT/target/corpora/vader}
AIRLINE_CSV=${AIRLINE_CSV:-$ROOT/../shared/data/airline-dev/tweets-dev.csv}
VADER=${VADER:-1}
VADER_DURATION=${VADER_DURATION:-10}
VADER_WARMUP=${VADER_WARMUP:-1}

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS"
FAILURES=0

log() { printf '\n==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- VADER baseline

if [[ $VADER == 1 ]]; then
    vader_ok=1
    log "vader: setup (bench/analysis/setup.sh)"
    rc=0
    "$HERE/setup.sh" || rc=$?
    case $rc in
        0) ;;
        3) warn "skipping the VADER baseline: its Python environment could not be set up (see above)"; vader_ok=0 ;;
        *) warn "bench/analysis/setup.sh failed (exit $rc)"; FAILURES=$((FAILURES + 1)); vader_ok=0 ;;
    esac

    if [[ $vader_ok == 1 ]]; then
        log "vader: ground-truth corpora into $CORPORA_DIR"
        rc=0
        PYTHON=$HERE/.venv/bin/python "$HERE/fetch_vader_corpora.sh" "$CORPORA_DIR" || rc=$?
        case $rc in
            0) ;;
            3) warn "the VADER ground-truth sets could not be downloaded: that part of the baseline is skipped" ;;
            *) warn "bench/analysis/fetch_vader_corpora.sh failed (exit $rc): that part of the baseline is skipped"
               FAILURES=$((FAILURES + 1)) ;;
        esac

        out=$RESULTS/analysis-vader-$RUN_ID.json
        log "vader: vader_bench.py (${VADER_WARMUP} s warm-up, ${VADER_DURATION} s throughput) -> $out"
        rc=0
        "$HERE/.venv/bin/python" "$HERE/vader_bench.py" --airline "$AIRLINE_CSV" --corpora "$CORPORA_DIR" \
            --duration "$VADER_DURATION" --warmup "$VADER_WARMUP" >"$out.tmp" || rc=$?
        if ((rc == 0)); then
            mv -f "$out.tmp" "$out"
            echo "wrote $out" >&2
        else
            rm -f "$out.tmp"
            warn "vader_bench.py failed (exit $rc)"
            FAILURES=$((FAILURES + 1))
        fi
    fi
fi

# ---------------------------------------------------------------- Rapport's engine
RAPPORT_DURATION=${RAPPORT_DURATION:-10}
log "rapport: throughput of Engine::summarize (sentiment, emotion, reason, intents), one thread, ${RAPPORT_DURATION} s"
cargo build --release --locked -q -p rapport-analysis --example throughput
cargo build --release --locked -q -p rapport --bin rapport
out=$RESULTS/analysis-rapport-$RUN_ID.json
rc=0
taskset -c 0 "$ROOT/target/release/examples/throughput" "$AIRLINE_CSV" "$RAPPORT_DURATION" >"$out.tmp" || rc=$?
if ((rc != 0)); then
    # Without the airline set, the throughput example falls back to the VADER tweets set.
    rc=0
    taskset -c 0 "$ROOT/target/release/examples/throughput" "" "$RAPPORT_DURATION" >"$out.tmp" || rc=$?
fi
if ((rc == 0)); then
    mv -f "$out.tmp" "$out"
    echo "wrote $out" >&2
    cat "$out" >&2
else
    rm -f "$out.tmp"
    warn "the throughput example failed (exit $rc)"
    FAILURES=$((FAILURES + 1))
fi

# `rapport score` end to end on the dev tweets, process start included (hyperfine when present).
if [[ -f $AIRLINE_CSV ]]; then
    log "rapport: \`rapport score --csv\` on $AIRLINE_CSV, process start to last line"
    if command -v hyperfine >/dev/null; then
        hyperfine --warmup 1 --runs 5 --export-json "$RESULTS/analysis-score-cli-$RUN_ID.json" \
            "$ROOT/target/release/rapport score --csv $AIRLINE_CSV --text-column text >/dev/null" >&2 || FAILURES=$((FAILURES + 1))
    else
        start=$(date +%s.%N)
        "$ROOT/target/release/rapport" score --csv "$AIRLINE_CSV" --text-column text >/dev/null || FAILURES=$((FAILURES + 1))
        end=$(date +%s.%N)
        printf '{"command":"rapport score --csv tweets-dev.csv","seconds":%s}\n' "$(echo "$end - $start" | bc)" \
            >"$RESULTS/analysis-score-cli-$RUN_ID.json"
    fi
fi

# The ratio against VADER, from the two files of this run.
vader_json=$RESULTS/analysis-vader-$RUN_ID.json
if [[ -f $vader_json && -f $out ]]; then
    python3 - "$out" "$vader_json" <<'PY' >&2
import json, sys
ours = json.load(open(sys.argv[1]))
vader = json.load(open(sys.argv[2]))
v = vader.get("throughput", {}).get("messages_per_sec")
o = ours["messages_per_second"]
if v:
    print(f"throughput: rapport {o:,.0f} msg/s, VADER {v:,.0f} msg/s, ratio {o / v:.1f}x")
passes = ours.get("passes", {})
if passes.get("count"):
    print(f"rapport per pass over the input ({passes['count']} passes): 10th percentile "
          f"{passes['p10_messages_per_second']:,.0f}, median {passes['median_messages_per_second']:,.0f}, "
          f"best {passes['best_messages_per_second']:,.0f} msg/s")
PY
fi

if ((FAILURES > 0)); then
    echo "$FAILURES step(s) failed; see the warnings above" >&2
    exit 1
fi
