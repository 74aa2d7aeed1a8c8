#!/usr/bin/env bash
# Max rates with wrk (1 thread, 32 connections, closed loop), all in one run on this machine:
# the raw SwiftNIO hello server, /healthz, ping with 1,000 static buyers on the fast lane, and the
# same ping through the Hummingbird router (`serve --no-fast-lane`). Needs release builds of the
# root package and of LoadTests, and wrk (apt-get install -y wrk). DURATION=10s by default.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/.build/release/ezleeds
HELLO=$ROOT/LoadTests/.build/release/hello-nio
D=${DURATION:-10s}
W=$(mktemp -d)
trap 'pkill -f "ezleeds serve --port 1880"; pkill -f "hello-nio --port 18800"; rm -rf "$W"' EXIT
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
$HELLO --port 18800 > /dev/null 2>&1 &
start() {  # port db flags
  # 60 s of pings at the rates reached here outgrow the default bound of 200,000 live pings.
  $BIN serve --port $1 --db $W/$2.sqlite --log-level warning --max-live-pings-per-tenant 2000000 $3 > $W/$2.out 2> $W/$2.err &
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$1/healthz" > /dev/null && break; sleep 0.2; done
  local t=$($BIN tenant create $2 --db $W/$2.sqlite | json tenant_id)
  local api=$($BIN key create --tenant $t --role standard --rate-limit-per-minute 100000000 --db $W/$2.sqlite | json key)
  local ck=$($BIN key create --tenant $t --role compliance --rate-limit-per-minute 100000000 --db $W/$2.sqlite | json key)
  sleep 0.5
  for i in $(seq 1000); do
    curl -sf -X POST "http://127.0.0.1:$1/api/v1/buyers" -H "X-API-Key: $api" -d "{\"name\": \"Static $i\", \"campaign_types\": [\"legal_pi\"], \"states\": [\"NV\"], \"max_price_cents\": $((1000 + i * 7 % 50000))}" > /dev/null
  done
  echo $ck
}
CK_FAST=$(start 18801 fast "")
CK_ROUTE=$(start 18802 route "--no-fast-lane")
run() { echo "== $1"; shift; wrk -t1 -c32 -d$D --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"; }
run "hello-nio" http://127.0.0.1:18800/
run "healthz (fast-lane server)" http://127.0.0.1:18801/healthz
COMPLIANCE_KEY=$CK_FAST run "ping fast lane" -s $ROOT/LoadTests/wrk/ping.lua http://127.0.0.1:18801
COMPLIANCE_KEY=$CK_ROUTE run "ping router" -s $ROOT/LoadTests/wrk/ping.lua http://127.0.0.1:18802
run "hello-nio again" http://127.0.0.1:18800/
