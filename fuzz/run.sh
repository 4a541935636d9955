#!/usr/bin/env bash
# Runs every cargo-fuzz target of this folder for SECONDS each (default 60), one after another, and prints
# executions and crashes per target.
#
#   fuzz/run.sh [SECONDS]                     # all targets (as `cargo fuzz list` gives them), 60 s each
#   TARGETS="tokenizer" fuzz/run.sh 300       # some targets only
#   SANITIZER=address fuzz/run.sh             # with AddressSanitizer (about 3.5x slower; see README.md)
#   JOBS=2 fuzz/run.sh                        # libFuzzer -fork=2: two fuzzing processes per target
#
# The stable toolchain is enough: cargo fuzz passes nightly-only flags to rustc (-Zsanitizer=…,
# -Cpasses=sancov-module, …), which RUSTC_BOOTSTRAP=1 unlocks on stable. No nightly toolchain is used.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`).
#
# Per target: corpus in fuzz/corpus/TARGET (kept between runs, gitignored), seeded from fuzz/seeds/
# (committed, read only); fuzz/dict/TARGET.dict is given as -dict= when it exists; libFuzzer's log in
# fuzz/logs/TARGET.log; a crashing, timing-out (> TIMEOUT s, default 10) or out-of-memory input is written
# to fuzz/artifacts/TARGET/ and the target stops there (libFuzzer stops at the first crash).
# Reproduce one with: RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-…
#
# Exit status: 0 no crash; 1 a target crashed, timed out, ran out of memory or did not build.
set -euo pipefail
shopt -s inherit_errexit

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SECONDS_PER_TARGET=${1:-60}
SANITIZER=${SANITIZER:-none}
TIMEOUT=${TIMEOUT:-10}
MAX_LEN=${MAX_LEN:-4096}
JOBS=${JOBS:-1}
export RUSTC_BOOTSTRAP=1

[[ $SECONDS_PER_TARGET =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [SECONDS]  (a positive integer)" >&2; exit 64; }
cargo fuzz --version >/dev/null 2>&1 || { echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2; exit 1; }

cd "$ROOT"
# cargo fuzz SUBCOMMAND --fuzz-dir fuzz/ ARGS... (the option must come before a `--` in ARGS).
fuzz() {
    local sub=$1
    shift
    cargo fuzz "$sub" --fuzz-dir "$HERE" "$@"
}

if [[ -z ${TARGETS:-} ]]; then
    TARGETS=$(fuzz list)
fi
echo "==> build (sanitizer: $SANITIZER): $(echo "$TARGETS" | tr '\n' ' ')" >&2
fuzz build --sanitizer "$SANITIZER" >&2

mkdir -p "$HERE/logs"
STAMP=$(mktemp "${TMPDIR:-/tmp}/rapport-fuzz.XXXXXX")
trap 'rm -f "$STAMP"' EXIT

declare -A EXECS RATE CRASHES STATUS
FAILED=0
for t in $TARGETS; do
    mkdir -p "$HERE/corpus/$t" "$HERE/artifacts/$t"
    log=$HERE/logs/$t.log
    args=(-max_total_time="$SECONDS_PER_TARGET" -timeout="$TIMEOUT" -max_len="$MAX_LEN" -print_final_stats=1)
    [[ -f $HERE/dict/$t.dict ]] && args+=(-dict="$HERE/dict/$t.dict")
    ((JOBS > 1)) && args+=(-fork="$JOBS")
    echo "==> $t: ${SECONDS_PER_TARGET} s (log: $log)" >&2
    touch "$STAMP"
    rc=0
    fuzz run "$t" --sanitizer "$SANITIZER" "$HERE/corpus/$t" "$HERE/seeds" -- "${args[@]}" >"$log" 2>&1 || rc=$?
    # Executions: libFuzzer's final stats; in fork mode (no final stats) the last status line's #N.
    execs=$(awk -F': *' '/^stat::number_of_executed_units:/ { n = $2 } END { print n }' "$log")
    if [[ -z $execs ]]; then
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#' || true)
    fi
    EXECS[$t]=${execs:-?}
    RATE[$t]=$(awk -F': *' '/^stat::average_exec_per_sec:/ { n = $2 } END { print n }' "$log")
    found=$(find "$HERE/artifacts/$t" -type f -newer "$STAMP" \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
    CRASHES[$t]=$(printf '%s' "$found" | grep -c . || true)
    if [[ -n $found ]]; then
        STATUS[$t]="crashed: $(echo "$found" | sed "s|^$ROOT/||" | tr '\n' ' ')"
        FAILED=1
        grep -m 5 -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log" | sed 's/^/    /' >&2 || true
    elif ((rc != 0)); then
        STATUS[$t]="failed (exit $rc, see $log)"
        FAILED=1
    else
        STATUS[$t]="ok"
    fi
    echo "    $t: ${EXECS[$t]} executions, ${CRASHES[$t]} crash(es): ${STATUS[$t]}" >&2
done

echo
printf '%-20s %12s %8s %12s  %s\n' target executions crashes execs/s status
for t in $TARGETS; do
    rate=${RATE[$t]}
    if [[ -z $rate && ${EXECS[$t]} =~ ^[0-9]+$ ]]; then
        rate=$((EXECS[$t] / SECONDS_PER_TARGET))
    fi
    printf '%-20s %12s %8s %12s  %s\n' "$t" "${EXECS[$t]}" "${CRASHES[$t]}" "${rate:-?}" "${STATUS[$t]}"
done
exit "$FAILED"
