#!/usr/bin/env bash
# First measurement of ping throughput and latency with wrk (closed loop: wrk's latencies hide
# stalls; the open-loop harness of the performance issue replaces this). Needs a release build
# (`swift build -c release`), wrk and python3. Prints wrk's summaries for:
#   1. GET /healthz of the same server (the reference),
#   2. ping with 1,000 static buyers,
#   3. ping with 10 real-time bidders (9 answering in 5-20 ms, 1 never) and tmax_ms 100.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=./.build/release/ezleeds
PORT=${PORT:-18700}
DURATION=${DURATION:-15s}
WORK=$(mktemp -d)
DB=$WORK/perf.sqlite
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT

json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

python3 LoadTests/scripts/fake_bidders.py --port $((PORT + 1)) --min-ms 5 --max-ms 20 &
$BIN serve --port "$PORT" --db "$DB" --log-level warning > "$WORK/serve.out" 2> "$WORK/serve.err" &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done

setup_tenant() {
    local tenant
    tenant=$($BIN tenant create "$1" --db "$DB" | json tenant_id)
    API_KEY=$($BIN key create --tenant "$tenant" --role standard --rate-limit-per-minute 1000000 --db "$DB" | json key)
    COMPLIANCE_KEY=$($BIN key create --tenant "$tenant" --role compliance --rate-limit-per-minute 1000000 --db "$DB" | json key)
    sleep 0.5  # the server picks up new keys within 250 ms
}

buyer() {
    curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/buyers" -H "X-API-Key: $API_KEY" -d "$1" > /dev/null
}

echo "== reference: GET /healthz"
wrk -t2 -c32 -d"$DURATION" --latency "http://127.0.0.1:$PORT/healthz"

setup_tenant static
for i in $(seq 1000); do
    buyer "{\"name\": \"Static $i\", \"campaign_types\": [\"legal_pi\"], \"states\": [\"NV\"], \"max_price_cents\": $((1000 + i * 7 % 50000))}"
done
echo "== ping, 1,000 static buyers"
COMPLIANCE_KEY=$COMPLIANCE_KEY wrk -t2 -c32 -d"$DURATION" --latency -s LoadTests/wrk/ping.lua "http://127.0.0.1:$PORT"

setup_tenant realtime
for i in $(seq 9); do
    buyer "{\"name\": \"RTB $i\", \"campaign_types\": [\"legal_pi\"], \"states\": [\"NV\"], \"max_price_cents\": 50000, \"bid_url\": \"http://127.0.0.1:$((PORT + 1))/bid/$i\", \"bid_timeout_ms\": 200}"
done
buyer "{\"name\": \"RTB never\", \"campaign_types\": [\"legal_pi\"], \"states\": [\"NV\"], \"max_price_cents\": 50000, \"bid_url\": \"http://127.0.0.1:$((PORT + 1))/never/1\", \"bid_timeout_ms\": 200}"
echo "== ping, 10 real-time bidders (one never answers), tmax_ms 100"
COMPLIANCE_KEY=$COMPLIANCE_KEY TMAX_MS=100 wrk -t2 -c50 -d"$DURATION" --latency -s LoadTests/wrk/ping.lua "http://127.0.0.1:$PORT"
