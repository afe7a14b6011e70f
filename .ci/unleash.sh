#!/usr/bin/env bash
# `rollplan apply` and `status --target unleash` against a real Unleash server
# (tests/clients/test_unleash_live.py): unleash-server 7.4.1 from npm on the distribution's Node 20, with PostgreSQL 15
# from the distribution's packages, both on free loopback ports, started here and stopped by
# their own pids when the suite ends, passes or fails.
#
#   .ci/unleash.sh              # install (cached), start both, run the suite, stop both
#   .ci/unleash.sh -k drift     # extra arguments go to pytest
#
# The npm install is kept in $UNLEASH_CACHE (default ~/.cache/rollplan/unleash-7.4.1) and
# reused when present. The suite restarts the Unleash server itself (to stop it in the middle
# of an apply) with `.ci/unleash.sh start-unleash`, which reads the same environment.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="7.4.1"
cache="${UNLEASH_CACHE:-${HOME:-/root}/.cache/rollplan/unleash-$version}"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts Unleash in the background on $UNLEASH_PORT against $DATABASE_URL and writes its pid
# to $RUN_DIR/unleash.pid; returns when /health answers (or fails after 60 s).
start_unleash() {
    (
        cd "$cache"
        # Offline: no version check, no telemetry. The tokens exist from the first start.
        env HTTP_HOST=127.0.0.1 HTTP_PORT="$UNLEASH_PORT" DATABASE_URL="$DATABASE_URL" \
            DATABASE_SSL=false CHECK_VERSION=false SEND_TELEMETRY=false LOG_LEVEL=warn \
            INIT_ADMIN_API_TOKENS="$UNLEASH_API_TOKEN" \
            INIT_BACKEND_API_TOKENS="$UNLEASH_CLIENT_TOKEN" \
            node node_modules/unleash-server/dist/server.js \
            >>"$RUN_DIR/unleash.log" 2>&1 &
        echo $! >"$RUN_DIR/unleash.pid"
    )
    for _ in $(seq 1 120); do
        if python3 -c "import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=2)" \
            "http://127.0.0.1:$UNLEASH_PORT/health" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$(cat "$RUN_DIR/unleash.pid")" 2>/dev/null; then
            echo "unleash.sh: the Unleash server exited; its log:" >&2
            tail -40 "$RUN_DIR/unleash.log" >&2
            return 1
        fi
        sleep 0.5
    done
    echo "unleash.sh: Unleash was not healthy after 60 s; its log:" >&2
    tail -40 "$RUN_DIR/unleash.log" >&2
    return 1
}

if [ "${1:-}" = "start-unleash" ]; then
    start_unleash
    exit $?
fi

# ---- install (cached) ---------------------------------------------------------------------
pg_bin=/usr/lib/postgresql/15/bin
if [ ! -x "$pg_bin/postgres" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql-15 >/dev/null
fi
command -v node >/dev/null 2>&1 || {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
}
if [ ! -f "$cache/node_modules/unleash-server/package.json" ] ||
    ! grep -q "\"version\": \"$version\"" "$cache/node_modules/unleash-server/package.json"; then
    mkdir -p "$cache"
    echo '{"name": "rollplan-unleash", "private": true, "type": "module"}' >"$cache/package.json"
    (cd "$cache" && npm install --no-audit --no-fund --loglevel=error "unleash-server@$version")
fi
echo "node $(node --version), unleash-server $version, $("$pg_bin/postgres" --version)"

# ---- start PostgreSQL and Unleash ---------------------------------------------------------
RUN_DIR="$(mktemp -d /tmp/rollplan-unleash.XXXXXX)"
chmod 755 "$RUN_DIR"
export RUN_DIR
pg_pid=""
stop_all() {
    if [ -f "$RUN_DIR/unleash.pid" ]; then
        kill "$(cat "$RUN_DIR/unleash.pid")" 2>/dev/null || true
    fi
    if [ -n "$pg_pid" ]; then
        # SIGINT: PostgreSQL's fast shutdown.
        kill -INT "$pg_pid" 2>/dev/null || true
        # Wait for PostgreSQL to shut down before its files go.
        for _ in $(seq 1 50); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$RUN_DIR"
}
trap stop_all EXIT
trap 'exit 143' TERM INT

PG_PORT="$(free_port)"
mkdir -p "$RUN_DIR/pg"
chown postgres:postgres "$RUN_DIR/pg"
# As the postgres user, without a shell in between (setpriv execs): $! is the server's pid.
as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups)
"${as_postgres[@]}" "$pg_bin/initdb" -D "$RUN_DIR/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${as_postgres[@]}" "$pg_bin/postgres" -D "$RUN_DIR/pg/data" -p "$PG_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories="$RUN_DIR/pg" \
    >"$RUN_DIR/pg/log" 2>&1 &
pg_pid=$!
for _ in $(seq 1 100); do
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.1
done
"$pg_bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE unleash"

UNLEASH_PORT="$(free_port)"
export UNLEASH_PORT
export DATABASE_URL="postgres://postgres:unused@127.0.0.1:$PG_PORT/unleash"
export UNLEASH_URL="http://127.0.0.1:$UNLEASH_PORT"
secret="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export UNLEASH_API_TOKEN="*:*.$secret"
export UNLEASH_CLIENT_TOKEN="default:development.$secret"
started=$(date +%s)
start_unleash
echo "PostgreSQL on $PG_PORT, Unleash on $UNLEASH_PORT (healthy after $(($(date +%s) - started)) s)"

if [ "${UNLEASH_SHELL:-}" = "1" ]; then
    # Development: keep both running until this shell exits.
    # Development: keep both running until this script is stopped (kill its pid).
    printf 'export UNLEASH_URL=%q UNLEASH_API_TOKEN=%q UNLEASH_CLIENT_TOKEN=%q RUN_DIR=%q UNLEASH_PORT=%q DATABASE_URL=%q\n' \
        "$UNLEASH_URL" "$UNLEASH_API_TOKEN" "$UNLEASH_CLIENT_TOKEN" "$RUN_DIR" "$UNLEASH_PORT" "$DATABASE_URL" \
        >"${UNLEASH_ENV_FILE:-/dev/stdout}"
    sleep 7200 &
    wait $!
    exit 0
fi

# ---- the suite ----------------------------------------------------------------------------
venv="${VENV:-$root/target/clients-venv}"
# The client suite's virtual environment (created by clients.sh when missing).
[ -x "$venv/bin/python" ] || "$root/.ci/clients.sh" --collect-only -q >/dev/null
cargo build --quiet --bin rollplan
export ROLLPLAN="${ROLLPLAN:-$root/target/debug/rollplan}"
export UNLEASH_CI="$root/.ci/unleash.sh"
export PYTHONDONTWRITEBYTECODE=1
cd "$root"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/clients/test_unleash_live.py "$@"
