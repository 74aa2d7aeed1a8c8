#!/usr/bin/env bash
# One node on SQLite, then one node on PostgreSQL: ping → post at a fixed rate, through
# `ezleeds-load run ping-post --url`, each on a new store with a tenant, high-limit keys and the
# harness's seeded buyers. Needs the release binaries and a PostgreSQL server it may create a
# database `ezleeds_store_compare` on:
#   PGURL=$(bash .ci/postgres start /tmp/ezleeds-pg) LoadTests/scripts/store_compare.sh
# RATE (400), DURATION (15), NOSYNC=1 (the database with synchronous_commit off), PG_ONLY=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${PGURL:?PGURL must name a PostgreSQL server, e.g. postgres://ezleeds@127.0.0.1:55432/ezleeds_test}"
BIN=.build/release/ezleeds
LOAD=LoadTests/.build/release/ezleeds-load
RATE=${RATE:-400}
DURATION=${DURATION:-15}
PORT=${PORT:-18090}
WORK=$(mktemp -d /tmp/ezleeds-store-compare.XXXXXX)
SERVER=${PGURL%/*}
json() { python3 -c "import json,sys;print(json.load(sys.stdin)[\"$1\"])"; }

run() {
    local name=$1
    shift
    local tenant standard compliance pid
    tenant=$($BIN tenant create "Store compare" "$@" | json tenant_id)
    standard=$($BIN key create --tenant "$tenant" --role standard --rate-limit-per-minute 100000000 "$@" | json key)
    compliance=$($BIN key create --tenant "$tenant" --role compliance --rate-limit-per-minute 100000000 "$@" | json key)
    $BIN serve --port "$PORT" --log-level warning "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
    echo "== $name"
    $LOAD run ping-post --rate "$RATE" --duration "$DURATION" --url "http://127.0.0.1:$PORT" --api-key "$standard" \
        --compliance-key "$compliance" 2>&1 | grep -v "measure\]"
    echo "server CPU (whole run, incl. start and seeding): $(ps -o times= -p $pid) s"
    kill -TERM "$pid"
    wait "$pid" || true
}

[ -n "${PG_ONLY:-}" ] || run sqlite --db "$WORK/sqlite.db"
psql "$PGURL" -qc "DROP DATABASE IF EXISTS ezleeds_store_compare WITH (FORCE)" -c "CREATE DATABASE ezleeds_store_compare"
[ -z "${NOSYNC:-}" ] || psql "$PGURL" -qc "ALTER DATABASE ezleeds_store_compare SET synchronous_commit = off"
run postgres --store "$SERVER/ezleeds_store_compare"
rm -rf "$WORK"
