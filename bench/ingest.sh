#!/usr/bin/env bash
# Rapport ingest and inbox benchmark. See bench/README.md for what each figure means.
#
#   bench/ingest.sh                       # build, then sqlite + postgres ingest, then the inbox-list bench
#   BACKENDS=sqlite bench/ingest.sh       # ingest on sqlite only
#   INGEST_DURATION=5s SEED_CONVERSATIONS=5000 LIST_REQUESTS=200 bench/ingest.sh   # a quick smoke run
#
# All load goes to 127.0.0.1. Servers started here are stopped on exit (trap), whatever happens.
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
RAPPORT_BIN=${RAPPORT_BIN:-$TARGET_DIR/release/rapport}
LOAD_BIN=${LOAD_BIN:-$TARGET_DIR/release/ingest-load}
SKIP_BUILD=${SKIP_BUILD:-0}

BACKENDS=${BACKENDS:-sqlite postgres}
INGEST_CONCURRENCY=${INGEST_CONCURRENCY:-16}
INGEST_DURATION=${INGEST_DURATION:-20s}
INGEST_WARMUP=${INGEST_WARMUP:-2s}
INGEST_CONTACTS=${INGEST_CONTACTS:-2000}
LIST_BACKENDS=${LIST_BACKENDS:-sqlite}
SEED_CONVERSATIONS=${SEED_CONVERSATIONS:-100000}
SEED_CONCURRENCY=${SEED_CONCURRENCY:-16}
LIST_REQUESTS=${LIST_REQUESTS:-2000}
LIST_CONCURRENCY=${LIST_CONCURRENCY:-4}
LOAD_THREADS=${LOAD_THREADS:-1}
SERVER_RUST_LOG=${SERVER_RUST_LOG:-warn}
KEEP_DB=${KEEP_DB:-0}

PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
PG_USER=postgres
PG_DB=${PG_DB:-rapport_bench}
# This script drops and recreates $PG_DB: never let it be pointed at a database that is not ours.
if [[ ! $PG_DB =~ ^rapport_bench[a-z0-9_]*$ ]]; then
    echo "PG_DB must start with rapport_bench (got '$PG_DB')" >&2
    exit 64
fi

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=${RESULTS_DIR:-$ROOT/bench/results/$RUN_ID}
mkdir -p "$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rapport-bench.XXXXXX")
CLK_TCK=$(getconf CLK_TCK)

SERVER_PID=""
SAMPLER_PID=""
CHILD_PID=""
PG_USED=0
FAILURES=0

log() { printf '\n==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- cleanup

# run_child CMD...: runs CMD in the background and waits for it, so a signal to this script is handled
# at once (bash defers traps until a foreground child exits) and cleanup can stop CMD too.
run_child() {
    local rc=0
    "$@" &
    CHILD_PID=$!
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=""
    return "$rc"
}

stop_child() {
    if [[ -n $CHILD_PID ]]; then
        kill -TERM "$CHILD_PID" 2>/dev/null || true
        wait "$CHILD_PID" 2>/dev/null || true
        CHILD_PID=""
    fi
}

stop_sampler() {
    if [[ -n $SAMPLER_PID ]]; then
        kill "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
        SAMPLER_PID=""
    fi
}

stop_server() {
    local pid=$SERVER_PID i
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            warn "server $pid ignored SIGTERM for 10 s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    SERVER_PID=""
}

psql_admin() {
    PGCONNECT_TIMEOUT=5 PGOPTIONS='--client-min-messages=warning' psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -X -q -v ON_ERROR_STOP=1 "$@"
}

cleanup() {
    local rc=$?
    stop_child
    stop_sampler
    stop_server
    if [[ $KEEP_DB == 1 ]]; then
        echo "KEEP_DB=1: sqlite files kept in $WORK" >&2
        [[ $PG_USED == 1 ]] && echo "KEEP_DB=1: postgres database $PG_DB kept" >&2
    else
        rm -rf "$WORK"
        if [[ $PG_USED == 1 ]]; then
            psql_admin -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers

# A port nothing listens on, below the usual ephemeral range (32768+) so no client socket holds it.
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

# shellcheck source=bench/lib/proc.sh
source "$ROOT/bench/lib/proc.sh"

# utime + stime of PID, in clock ticks.
cpu_ticks() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return 0; }
    s=${s##*) }
    # shellcheck disable=SC2086 # word-splitting the stat fields is the point
    set -- $s
    echo $((${12} + ${13}))
}

# Samples VmRSS of PID every 100 ms; keeps the maximum (kB) in FILE.
rss_sampler() {
    local pid=$1 file=$2 max=0 v
    echo 0 >"$file"
    while [[ -r /proc/$pid/status ]]; do
        v=$(proc_kb "$pid" status VmRSS)
        if ((v > max)); then
            max=$v
            echo "$max" >"$file.tmp" && mv -f "$file.tmp" "$file"
        fi
        sleep 0.1
    done
}

# start_server NAME DB_URL: migrate, create a token, serve on a free port, wait for /healthz.
# Sets SERVER_PID, URL and TOKEN.
start_server() {
    local name=$1 db=$2 attempt port
    log "$name: migrate"
    if ! (cd "$WORK" && "$RAPPORT_BIN" migrate --db "$db") >"$RESULTS/$name.migrate.log" 2>&1; then
        tail -n 20 "$RESULTS/$name.migrate.log" >&2
        echo "$name: rapport migrate failed (log: $RESULTS/$name.migrate.log)" >&2
        return 1
    fi
    TOKEN=$(cd "$WORK" && "$RAPPORT_BIN" token create --name "bench-$name" --role admin --db "$db" \
        2>"$RESULTS/$name.token.log" | awk 'NF { last = $0 } END { print last }') || true
    TOKEN=${TOKEN//[[:space:]]/}
    if [[ -z $TOKEN ]]; then
        tail -n 20 "$RESULTS/$name.token.log" >&2
        echo "$name: rapport token create printed no token" >&2
        return 1
    fi
    for attempt in 1 2 3; do
        port=$(free_port) || { echo "no free port found" >&2; return 1; }
        URL="http://127.0.0.1:$port"
        log "$name: serve on $URL (attempt $attempt)"
        # cwd is the scratch folder so a developer's ./rapport.toml is not picked up.
        (cd "$WORK" && RUST_LOG=$SERVER_RUST_LOG exec "$RAPPORT_BIN" serve --bind "127.0.0.1:$port" --db "$db") \
            >>"$RESULTS/$name.server.log" 2>&1 &
        SERVER_PID=$!
        if run_child "$LOAD_BIN" wait --url "$URL" --timeout 60s --pid "$SERVER_PID"; then
            return 0
        fi
        stop_server
    done
    tail -n 30 "$RESULTS/$name.server.log" >&2
    echo "$name: server never became ready (log: $RESULTS/$name.server.log)" >&2
    return 1
}

# measure RESULT_NAME LABEL -- ingest-load SUBCOMMAND ARGS...: runs the load against the current server,
# writes RESULT_NAME.json (the tool's summary) and RESULT_NAME.server.json (the server's RSS and CPU).
measure() {
    local name=$1 label=$2 rc=0 cpu0 cpu1 hwm rssmax
    shift 3
    cpu0=$(cpu_ticks "$SERVER_PID")
    rss_sampler "$SERVER_PID" "$WORK/$name.rssmax" &
    SAMPLER_PID=$!
    log "$name: ingest-load $1"
    RAPPORT_BENCH_TOKEN=$TOKEN run_child "$LOAD_BIN" "$@" --url "$URL" --label "$label" \
        --threads "$LOAD_THREADS" --out "$RESULTS/$name.json" >/dev/null || rc=$?
    cpu1=$(cpu_ticks "$SERVER_PID")
    hwm=$(proc_kb "$SERVER_PID" status VmHWM)
    stop_sampler
    rssmax=$(cat "$WORK/$name.rssmax" 2>/dev/null || echo 0)
    printf '{"vmhwm_kb": %s, "vmrss_max_kb": %s, "cpu_s": %s, "rss_sample_ms": 100}\n' \
        "${hwm:-0}" "${rssmax:-0}" "$(awk -v a="$cpu0" -v b="$cpu1" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }')" \
        >"$RESULTS/$name.server.json"
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        warn "$name: the server died during the run (see the .server.log files in $RESULTS)"
        FAILURES=$((FAILURES + 1))
    fi
    if ((rc != 0)); then
        warn "$name: ingest-load exited $rc (aborted or every request failed); see $RESULTS/$name.json"
        FAILURES=$((FAILURES + 1))
    fi
    return 0
}

pg_reachable() {
    command -v psql >/dev/null 2>&1 && psql_admin -Atc 'SELECT 1' >/dev/null 2>&1
}

# db_url BACKEND NAME: a fresh, empty database for BACKEND.
db_url() {
    case $1 in
        sqlite)
            rm -f "$WORK/$2.db" "$WORK/$2.db-wal" "$WORK/$2.db-shm"
            echo "sqlite://$WORK/$2.db"
            ;;
        postgres)
            psql_admin -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null || return 1
            psql_admin -c "CREATE DATABASE $PG_DB" >/dev/null || return 1
            echo "postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
            ;;
        *)
            echo "unknown backend $1" >&2
            return 1
            ;;
    esac
}

backend_available() {
    if [[ $1 == postgres ]] && ! pg_reachable; then
        warn "skipping postgres: psql cannot reach $PG_USER@$PG_HOST:$PG_PORT"
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------- build

if [[ $SKIP_BUILD != 1 ]]; then
    log "build (release): rapport, ingest-load"
    (cd "$ROOT" && cargo build --release -p rapport -p ingest-load)
fi
for bin in "$RAPPORT_BIN" "$LOAD_BIN"; do
    [[ -x $bin ]] || { echo "missing binary $bin (build failed, or CARGO_TARGET_DIR differs)" >&2; exit 1; }
done

{
    echo "# Rapport benchmark $RUN_ID"
    echo
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (dirty)')"
    echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') × $(nproc)"
    echo "- memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- ingest: concurrency $INGEST_CONCURRENCY, $INGEST_DURATION after $INGEST_WARMUP warm-up, $INGEST_CONTACTS contacts"
    echo "- inbox list: $SEED_CONVERSATIONS seeded conversations, $LIST_REQUESTS requests at concurrency $LIST_CONCURRENCY"
    echo "- load generator threads: $LOAD_THREADS; server RUST_LOG=$SERVER_RUST_LOG"
    echo
} >"$RESULTS/results.md"

# ---------------------------------------------------------------- (b) ingest, per backend

for backend in $BACKENDS; do
    backend_available "$backend" || continue
    name=ingest-$backend
    [[ $backend == postgres ]] && PG_USED=1
    url=$(db_url "$backend" "$name") || { warn "$name: skipped (could not create a fresh database)"; FAILURES=$((FAILURES + 1)); continue; }
    if ! start_server "$name" "$url"; then
        warn "$name: skipped (server did not start)"
        FAILURES=$((FAILURES + 1))
        stop_server
        continue
    fi
    measure "$name" "$backend" -- ingest \
        --concurrency "$INGEST_CONCURRENCY" --duration "$INGEST_DURATION" \
        --warmup "$INGEST_WARMUP" --contacts "$INGEST_CONTACTS"
    stop_server
done

# ---------------------------------------------------------------- (b2) baselines (optional)
# The same ingest load against a peer product, measured here in the same run so the report can give
# Rapport's figures as ratios to it (bench/baselines/django-helpdesk/README.md). BASELINES=django-helpdesk
# is the default; BASELINES= skips it. Its first use installs a pinned Python venv from PyPI; when that
# cannot be done (no PyPI, no python3) the baseline is skipped with a warning and the script does not fail.
BASELINES=${BASELINES-django-helpdesk}
for baseline in $BASELINES; do
    case $baseline in
        django-helpdesk)
            baseline_rc=0
            run_child env INGEST_CONCURRENCY="$INGEST_CONCURRENCY" INGEST_DURATION="$INGEST_DURATION" \
                INGEST_WARMUP="$INGEST_WARMUP" INGEST_CONTACTS="$INGEST_CONTACTS" \
                LOAD_THREADS="$LOAD_THREADS" KEEP_DB="$KEEP_DB" \
                "$ROOT/bench/baselines/django-helpdesk/bench.sh" "$LOAD_BIN" "$RESULTS" || baseline_rc=$?
            case $baseline_rc in
                0) ;;
                3) warn "skipping baseline django-helpdesk: its Python environment could not be set up (see above)" ;;
                *)
                    warn "baseline django-helpdesk failed (exit $baseline_rc); see $RESULTS/ingest-django-helpdesk.*"
                    FAILURES=$((FAILURES + 1))
                    ;;
            esac
            ;;
        *)
            warn "unknown baseline '$baseline' (known: django-helpdesk)"
            FAILURES=$((FAILURES + 1))
            ;;
    esac
done

# ---------------------------------------------------------------- (c) inbox list over a seeded database

for backend in $LIST_BACKENDS; do
    backend_available "$backend" || continue
    [[ $backend == postgres ]] && PG_USED=1
    url=$(db_url "$backend" "list-$backend") || { warn "list-$backend: skipped (could not create a fresh database)"; FAILURES=$((FAILURES + 1)); continue; }
    if ! start_server "list-$backend" "$url"; then
        warn "list-$backend: skipped (server did not start)"
        FAILURES=$((FAILURES + 1))
        stop_server
        continue
    fi
    measure "seed-$backend" "$backend" -- seed \
        --conversations "$SEED_CONVERSATIONS" --concurrency "$SEED_CONCURRENCY"
    measure "list-$backend" "$backend" -- list \
        --requests "$LIST_REQUESTS" --concurrency "$LIST_CONCURRENCY"
    stop_server
done

# ---------------------------------------------------------------- (d) report

"$LOAD_BIN" report "$RESULTS" >>"$RESULTS/results.md"
if [[ -z ${RESULTS_DIR:-} ]]; then
    ln -sfn "$RUN_ID" "$ROOT/bench/results/latest" 2>/dev/null || true
fi
echo
cat "$RESULTS/results.md"
echo
echo "raw JSON and server logs: $RESULTS"
if ((FAILURES > 0)); then
    echo "$FAILURES run(s) failed or were skipped; see the warnings above" >&2
    exit 1
fi
