#!/usr/bin/env bash
# Starts the django-helpdesk baseline on 127.0.0.1:PORT with a fresh database, ready for the load generator.
#
#   bench/baselines/django-helpdesk/run.sh PORT [STATE_DIR]
#
# 1. STATE_DIR (default: a new mktemp folder) gets a fresh SQLite database (WAL), migrated;
# 2. bootstrap.py adds the Site, one queue, a superuser and its DRF token;
# 3. gunicorn serves wsgi:application on 127.0.0.1:PORT in the background (workers: see below);
# 4. once GET /healthz answers, prints on stdout, one KEY=VALUE a line:
#      PID=<gunicorn master>  URL=http://127.0.0.1:PORT  TOKEN=<DRF token>  QUEUE=<queue id>
#      STATE_DIR=<folder>  LOG=<gunicorn log>  WORKERS=<n>  THREADS=<n>  ATOMIC_REQUESTS=<0|1>
#    and exits 0, leaving gunicorn running. Stop it with `kill -TERM PID` (the master stops its workers),
#    then remove STATE_DIR.
# Everything else goes to stderr. Exit status: 0 ready, 3 no .venv (run setup.sh), 1 anything else (a
# server that did start is stopped again).
#
# Workers: DH_WORKERS (default 2) processes with DH_THREADS (default 4) threads each (gunicorn's gthread
# worker; DH_THREADS=1 gives classic sync workers). Two processes for the two cores: ticket creation is
# Python (DRF, form validation, ORM, e-mail template rendering) under one GIL per process. Four threads
# each because a good part of a request is SQLite, not Python: helpdesk commits (and fsyncs) five times
# per ticket and waits for the single write lock, and a thread waiting there releases the GIL, so
# another request's Python runs meanwhile. Measured here: on a quiet machine 2x4 gave ~10 % more tickets/s
# than 2 sync workers (but a wider p99); with other builds competing for the CPU, 2-3x more. One
# transaction per request (DH_ATOMIC_REQUESTS=1) was much slower, since the write lock is then held for
# the whole request. DH_KEEPALIVE (gunicorn's default 2 s) made no consistent difference at 0.
# README.md has the figures.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=$HERE/.venv
PORT=${1:-}
STATE_DIR=${2:-}
WORKERS=${DH_WORKERS:-2}
THREADS=${DH_THREADS:-4}
KEEPALIVE=${DH_KEEPALIVE:-2}
export DH_ATOMIC_REQUESTS=${DH_ATOMIC_REQUESTS:-0}
READY_TIMEOUT=${DH_READY_TIMEOUT:-60}

if [[ ! $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
    echo "usage: $0 PORT [STATE_DIR]" >&2
    exit 64
fi
if [[ ! -x $VENV/bin/gunicorn ]]; then
    echo "django-helpdesk baseline: no $VENV; run $HERE/setup.sh first" >&2
    exit 3
fi
if [[ -z $STATE_DIR ]]; then
    STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dh-baseline.XXXXXX")
fi
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
DB=$STATE_DIR/helpdesk.sqlite3
LOG=$STATE_DIR/gunicorn.log
rm -f "$DB" "$DB-wal" "$DB-shm"
rm -rf "${STATE_DIR:?}/media"

export DH_STATE_DIR=$STATE_DIR DH_DB_PATH=$DB DJANGO_SETTINGS_MODULE=settings
DH_SECRET_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DH_SECRET_KEY
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

cd "$HERE"
echo "django-helpdesk baseline: migrate $DB" >&2
if ! "$VENV/bin/python" manage.py migrate --noinput >"$STATE_DIR/migrate.log" 2>&1; then
    tail -n 20 "$STATE_DIR/migrate.log" >&2
    echo "django-helpdesk baseline: migrate failed (log: $STATE_DIR/migrate.log)" >&2
    exit 1
fi
if ! boot=$("$VENV/bin/python" bootstrap.py 2>"$STATE_DIR/bootstrap.log"); then
    cat "$STATE_DIR/bootstrap.log" >&2
    echo "django-helpdesk baseline: bootstrap failed" >&2
    exit 1
fi
TOKEN=$(sed -n 's/^TOKEN=//p' <<<"$boot")
QUEUE=$(sed -n 's/^QUEUE=//p' <<<"$boot")
[[ -n $TOKEN && -n $QUEUE ]] || { echo "django-helpdesk baseline: bootstrap printed no token/queue" >&2; exit 1; }

worker_args=(--workers "$WORKERS")
if ((THREADS > 1)); then
    worker_args+=(--worker-class gthread --threads "$THREADS" --keep-alive "$KEEPALIVE")
else
    worker_args+=(--worker-class sync)
fi
echo "django-helpdesk baseline: gunicorn on 127.0.0.1:$PORT, ${worker_args[*]}" >&2
# No access log (gunicorn's default); gunicorn's and Django's errors go to stderr, into LOG; no control
# socket (it would go to ~/.gunicorn); --timeout 60 so a worker waiting on a SQLite lock is not killed
# before the 10 s busy timeout fires.
"$VENV/bin/gunicorn" wsgi:application \
    --bind "127.0.0.1:$PORT" "${worker_args[@]}" \
    --timeout 60 --graceful-timeout 10 --no-control-socket --log-level info \
    </dev/null >>"$LOG" 2>&1 &
PID=$!

ready=0
for ((i = 0; i < READY_TIMEOUT * 10; i++)); do
    if ! kill -0 "$PID" 2>/dev/null; then
        break
    fi
    if "$VENV/bin/python" - "$PORT" <<'EOF' 2>/dev/null; then
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2) as r:
    sys.exit(0 if r.status == 200 and json.load(r).get("status") == "ok" else 1)
EOF
        ready=1
        break
    fi
    sleep 0.1
done
if ((ready == 0)); then
    tail -n 30 "$LOG" >&2
    echo "django-helpdesk baseline: gunicorn did not become ready on 127.0.0.1:$PORT (log: $LOG)" >&2
    kill -TERM "$PID" 2>/dev/null || true
    exit 1
fi

cat <<EOF
PID=$PID
URL=http://127.0.0.1:$PORT
TOKEN=$TOKEN
QUEUE=$QUEUE
STATE_DIR=$STATE_DIR
LOG=$LOG
WORKERS=$WORKERS
THREADS=$THREADS
ATOMIC_REQUESTS=$DH_ATOMIC_REQUESTS
EOF
