#!/usr/bin/env bash
# One measured ingest run against the django-helpdesk baseline, in the same shape as Rapport's:
# setup.sh (offline once installed), run.sh on a free loopback port, `ingest-load ingest --target
# django-helpdesk` (same concurrency, duration, warm-up, contact pool and customer texts as Rapport's ingest),
# memory and CPU of the whole gunicorn process tree, then the server is stopped and its database removed.
#
#   bench/baselines/django-helpdesk/bench.sh LOAD_BIN RESULTS_DIR
#
# Writes RESULTS_DIR/ingest-django-helpdesk.json (the generator's summary) and
# RESULTS_DIR/ingest-django-helpdesk.server.json (memory and CPU, see below), so `ingest-load report
# RESULTS_DIR` shows the baseline beside Rapport's rows and their ratio. bench/ingest.sh calls this; it also
# runs on its own. Load shape from the environment, as in bench/ingest.sh: INGEST_CONCURRENCY (16),
# INGEST_DURATION (20s), INGEST_WARMUP (2s), INGEST_CONTACTS (2000), LOAD_THREADS (1); DH_WORKERS and
# DH_THREADS go to run.sh; KEEP_DB=1 keeps the database folder.
#
# Memory, summed over the gunicorn master and its workers (the process tree under the master's PID):
#   vmhwm_kb      sum of each process's VmHWM (its own resident high-water mark) read at the end of the run
#   vmrss_max_kb  the largest sum of VmRSS seen when sampling the tree every 100 ms
#   pss_max_kb    the largest sum of Pss (smaps_rollup) in those samples: shared pages (the Python
#                 interpreter and libraries mapped by every process) counted once in total instead of once
#                 per process, so the tree's real footprint; the RSS sums overstate it by the shared part
# CPU: user + system seconds of the tree during the run (the master's cutime/cstime included, so a worker
# that died and was replaced still counts).
#
# Exit status: 0 measured; 3 baseline unavailable (setup failed, e.g. PyPI unreachable on first use);
# 2 the load generator aborted or nothing succeeded; 1 anything else.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOAD_BIN=${1:-}
RESULTS=${2:-}
NAME=ingest-django-helpdesk
INGEST_CONCURRENCY=${INGEST_CONCURRENCY:-16}
INGEST_DURATION=${INGEST_DURATION:-20s}
INGEST_WARMUP=${INGEST_WARMUP:-2s}
INGEST_CONTACTS=${INGEST_CONTACTS:-2000}
LOAD_THREADS=${LOAD_THREADS:-1}
KEEP_DB=${KEEP_DB:-0}

if [[ -z $LOAD_BIN || -z $RESULTS ]]; then
    echo "usage: $0 LOAD_BIN RESULTS_DIR" >&2
    exit 64
fi
[[ -x $LOAD_BIN ]] || { echo "$LOAD_BIN is not executable" >&2; exit 1; }
mkdir -p "$RESULTS"
CLK_TCK=$(getconf CLK_TCK)

SERVER_PID=""
STATE_DIR=""
SAMPLER_PID=""
CHILD_PID=""

log() { printf '\n==> %s\n' "$*" >&2; }

stop_server() {
    local pid=$SERVER_PID i p
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        local tree
        tree=$(tree_pids "$pid")
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 150; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        # gunicorn's master stops its workers on TERM; anything left after 15 s is killed, workers too.
        for p in $tree; do
            kill -KILL "$p" 2>/dev/null || true
        done
    fi
    SERVER_PID=""
}

cleanup() {
    local rc=$?
    if [[ -n $CHILD_PID ]]; then
        kill -TERM "$CHILD_PID" 2>/dev/null || true
        wait "$CHILD_PID" 2>/dev/null || true
    fi
    if [[ -n $SAMPLER_PID ]]; then
        kill "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
    fi
    stop_server
    if [[ -n $STATE_DIR && -d $STATE_DIR ]]; then
        cp -f "$STATE_DIR/gunicorn.log" "$RESULTS/$NAME.server.log" 2>/dev/null || true
        if [[ $KEEP_DB == 1 ]]; then
            echo "KEEP_DB=1: django-helpdesk database kept in $STATE_DIR" >&2
        else
            rm -rf "$STATE_DIR"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PID and all its descendants, one per line.
tree_pids() {
    local c
    echo "$1"
    # shellcheck disable=SC2013 # the children files are space-separated PIDs, so words are wanted
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        tree_pids "$c"
    done
}

# shellcheck source=bench/lib/proc.sh
source "$HERE/../../lib/proc.sh"

# Sum of a kB field over the tree.
tree_sum() {
    local total=0 p
    for p in $(tree_pids "$1"); do
        total=$((total + $(proc_kb "$p" "$2" "$3")))
    done
    echo "$total"
}

# CPU ticks of the tree: utime + stime of every process, plus the master's cutime + cstime (reaped workers).
tree_cpu_ticks() {
    local total=0 p s
    for p in $(tree_pids "$1"); do
        s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        s=${s##*) }
        # shellcheck disable=SC2086 # word-splitting the stat fields is the point
        set -- $s
        total=$((total + ${12} + ${13}))
        if [[ $p == "$SERVER_PID" ]]; then
            total=$((total + ${14} + ${15}))
        fi
    done
    echo "$total"
}

# Every 100 ms: sum VmRSS and Pss over the tree; keep the maxima (kB) in FILE.rss and FILE.pss.
tree_sampler() {
    local pid=$1 file=$2 rss pss max_rss=0 max_pss=0
    echo 0 >"$file.rss"
    echo 0 >"$file.pss"
    while [[ -r /proc/$pid/status ]]; do
        rss=$(tree_sum "$pid" status VmRSS)
        pss=$(tree_sum "$pid" smaps_rollup Pss)
        if ((rss > max_rss)); then
            max_rss=$rss
            echo "$max_rss" >"$file.rss.tmp" && mv -f "$file.rss.tmp" "$file.rss"
        fi
        if ((pss > max_pss)); then
            max_pss=$pss
            echo "$max_pss" >"$file.pss.tmp" && mv -f "$file.pss.tmp" "$file.pss"
        fi
        sleep 0.1
    done
}

# A port nothing listens on, below the usual ephemeral range (as in bench/ingest.sh).
free_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# ---------------------------------------------------------------- setup and start

log "django-helpdesk baseline: setup"
setup_rc=0
"$HERE/setup.sh" || setup_rc=$?
if ((setup_rc != 0)); then
    exit 3
fi
VERSIONS=$("$HERE/.venv/bin/python" "$HERE/versions.py")

URL="" TOKEN="" QUEUE="" WORKERS="" THREADS="" ATOMIC=""
for attempt in 1 2 3; do
    port=$(free_port) || { echo "no free port found" >&2; exit 1; }
    STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dh-baseline.XXXXXX")
    log "django-helpdesk baseline: run.sh $port (attempt $attempt)"
    out=""
    if out=$("$HERE/run.sh" "$port" "$STATE_DIR"); then
        while IFS='=' read -r k v; do
            case $k in
                PID) SERVER_PID=$v ;;
                URL) URL=$v ;;
                TOKEN) TOKEN=$v ;;
                QUEUE) QUEUE=$v ;;
                WORKERS) WORKERS=$v ;;
                THREADS) THREADS=$v ;;
                ATOMIC_REQUESTS) ATOMIC=$v ;;
            esac
        done <<<"$out"
        [[ -n $SERVER_PID && -n $URL && -n $TOKEN && -n $QUEUE ]] && break
        echo "run.sh printed an incomplete state: $out" >&2
        stop_server
    fi
    cp -f "$STATE_DIR/gunicorn.log" "$RESULTS/$NAME.server.log" 2>/dev/null || true
    rm -rf "$STATE_DIR"
    STATE_DIR=""
    SERVER_PID=""
done
[[ -n $SERVER_PID ]] || { echo "django-helpdesk baseline: server did not start" >&2; exit 1; }
cp -f "$STATE_DIR/migrate.log" "$RESULTS/$NAME.migrate.log" 2>/dev/null || true

# ---------------------------------------------------------------- measure

# Flush dirty pages first (e.g. the SQLite files of the Rapport run just before): on ext4 the baseline's
# first fsyncs would otherwise write them out and slow the first seconds of the run.
sync
cpu0=$(tree_cpu_ticks "$SERVER_PID")
tree_sampler "$SERVER_PID" "$STATE_DIR/max" &
SAMPLER_PID=$!
log "$NAME: ingest-load ingest --target django-helpdesk"
rc=0
RAPPORT_BENCH_TOKEN=$TOKEN "$LOAD_BIN" ingest --target django-helpdesk --queue "$QUEUE" \
    --url "$URL" --label "django-helpdesk/sqlite" --threads "$LOAD_THREADS" \
    --concurrency "$INGEST_CONCURRENCY" --duration "$INGEST_DURATION" \
    --warmup "$INGEST_WARMUP" --contacts "$INGEST_CONTACTS" \
    --out "$RESULTS/$NAME.json" >/dev/null &
CHILD_PID=$!
wait "$CHILD_PID" || rc=$?
CHILD_PID=""
cpu1=$(tree_cpu_ticks "$SERVER_PID")
hwm=$(tree_sum "$SERVER_PID" status VmHWM)
nproc_tree=$(tree_pids "$SERVER_PID" | wc -l)
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
rss_max=$(cat "$STATE_DIR/max.rss" 2>/dev/null || echo 0)
pss_max=$(cat "$STATE_DIR/max.pss" 2>/dev/null || echo 0)
alive=1
kill -0 "$SERVER_PID" 2>/dev/null || alive=0

cat >"$RESULTS/$NAME.server.json" <<EOF
{"vmhwm_kb": ${hwm:-0}, "vmrss_max_kb": ${rss_max:-0}, "pss_max_kb": ${pss_max:-0}, "cpu_s": $(awk -v a="$cpu0" -v b="$cpu1" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }'), "rss_sample_ms": 100, "processes": $nproc_tree, "memory_method": "sum over the gunicorn master and its workers", "gunicorn_workers": $WORKERS, "gunicorn_threads": $THREADS, "atomic_requests": $([[ $ATOMIC == 1 ]] && echo true || echo false), "versions": $VERSIONS}
EOF

if ((alive == 0)); then
    echo "django-helpdesk baseline: the server died during the run (log: $RESULTS/$NAME.server.log)" >&2
    exit 1
fi
if ((rc != 0)); then
    echo "django-helpdesk baseline: ingest-load exited $rc; see $RESULTS/$NAME.json" >&2
    exit 2
fi
echo "django-helpdesk baseline: $(jq -r '"\(.messages_per_sec) tickets/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, \(.errors) errors"' "$RESULTS/$NAME.json" 2>/dev/null || echo "see $RESULTS/$NAME.json");" \
    "memory (tree of $nproc_tree): sum VmHWM $((hwm / 1024)) MiB, max sum VmRSS $((rss_max / 1024)) MiB, max sum PSS $((pss_max / 1024)) MiB" >&2
