#!/usr/bin/env bash
# Database growth per unsold ping and per sale: the release binary on a fresh database, driven by
# ezleeds-load over HTTP; the file is measured after a clean stop (WAL checkpointed into it).
#
#   LoadTests/scripts/db_growth.sh [ping rate] [post rate] [seconds]     (defaults 1000 200 60)
#
# Build first: swift build -c release; swift build -c release --package-path LoadTests
set -euo pipefail
cd "$(dirname "$0")/../.."
ping_rate=${1:-1000}
post_rate=${2:-200}
seconds=${3:-60}
E=.build/release/ezleeds
L=LoadTests/.build/release/ezleeds-load
port=8099
work=$(mktemp -d "${TMPDIR:-/tmp}/ezleeds-growth.XXXXXX")
db=$work/ezleeds.sqlite
trap 'rm -rf "$work"' EXIT

json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
tenant=$($E tenant create "Growth" --db "$db" | json tenant_id)
standard=$($E key create --tenant "$tenant" --role standard --rate-limit-per-minute 100000000 --db "$db" | json key)
compliance=$($E key create --tenant "$tenant" --role compliance --rate-limit-per-minute 100000000 --db "$db" | json key)

start() {
    $E serve --db "$db" --port $port >"$work/serve.out" 2>>"$work/serve.err" &
    server=$!
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && return; sleep 0.1; done
    echo "the server did not start" >&2; exit 1
}
stop() { kill -TERM "$server"; wait "$server" || true; }
size() { stat -c %s "$db"; }

start; stop; empty=$(size)
start
$L run ping --url "http://127.0.0.1:$port" --api-key "$standard" --compliance-key "$compliance" \
    --rate "$ping_rate" --duration "$seconds" --warmup 0 | grep -v 'measure\]'
stop; after_pings=$(size)
start
$L run ping-post --url "http://127.0.0.1:$port" --api-key "$standard" --compliance-key "$compliance" --no-seed \
    --rate "$post_rate" --duration "$seconds" --warmup 0 | grep -v 'measure\]'
stop; after_sales=$(size)

pings=$(sqlite3 "$db" "SELECT count(*) FROM pings")
sales=$(sqlite3 "$db" "SELECT count(*) FROM sales")
first_pings=$((ping_rate * seconds))
python3 - "$empty" "$after_pings" "$after_sales" "$first_pings" "$sales" "$pings" <<'PY'
import sys
empty, after_pings, after_sales, first_pings, sales, pings = map(int, sys.argv[1:])
per_ping = (after_pings - empty) / first_pings
per_sale = (after_sales - after_pings - sales * per_ping) / max(sales, 1)
print(f"empty {empty/1e6:.1f} MB; after {first_pings} pings {after_pings/1e6:.1f} MB; after {sales} ping-post pairs {after_sales/1e6:.1f} MB ({pings} pings stored)")
print(f"per unsold ping {per_ping/1e3:.2f} KB; per sale beyond its ping {per_sale/1e3:.2f} KB")
print(f"a day of 1,000,000 pings and 50,000 sales: {(1e6*per_ping + 5e4*per_sale)/1e9:.2f} GB")
PY
