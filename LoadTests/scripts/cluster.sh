#!/usr/bin/env bash
# Three `ezleeds serve` nodes on one PostgreSQL behind nginx, on loopback: how they compare with
# one node, and whether they lose or oversell anything when one of them is killed.
#
#   1. ping → post at RATE pairs/s for DURATION s on one node with SQLite, one node with
#      PostgreSQL, and three nodes with PostgreSQL through nginx (three sellers, each hashed to
#      its own node, RATE/3 each), and a table of the three side by side;
#   2. the same three sellers again, now with webhooks and with inbound leads too (INBOUND_RATE
#      in all), and `kill -9` of one node halfway through; then that node restarts;
#   3. a race on the three nodes: one ping posted to four buyers on two nodes each at once,
#      RACE_ROUNDS times (LoadTests/scripts/post_race.py);
#   4. the checks: every lead the nodes acknowledged is in the store, no ping sold past its limit,
#      `ezleeds ledger verify` is clean, every delivery settled, and no lead delivered under two
#      webhook ids (a killed node's deliveries may repeat under their one id: at least once).
#
# Needs the release binaries (`swift build -c release --product ezleeds`; in LoadTests/,
# `swift build -c release`), PostgreSQL's server (Debian `postgresql`) and nginx (`nginx-light`).
# Uses 127.0.0.1 ports 18080–18083 (deploy/nginx/ezleeds.conf, unchanged), 18070 and 18099 (below the kernel's ephemeral ports, which a busy machine has in TIME-WAIT).
# Exits 1 when a check fails. On two cores the three nodes share the cores the one node had: the
# table shows what a cluster costs, not a speed-up.
#   RATE (100), DURATION (20), INBOUND_RATE (30), BUYERS (200 per seller), RACE_ROUNDS (100);
#   EZLEEDS_BIN and EZLEEDS_LOAD name other binaries (CI runs the checks on its debug builds).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${EZLEEDS_BIN:-$ROOT/.build/release/ezleeds}
LOAD=${EZLEEDS_LOAD:-$ROOT/LoadTests/.build/release/ezleeds-load}
RATE=${RATE:-100}
DURATION=${DURATION:-20}
INBOUND_RATE=${INBOUND_RATE:-30}
BUYERS=${BUYERS:-200}
RACE_ROUNDS=${RACE_ROUNDS:-100}
PORTS=(18081 18082 18083)
SINK_PORT=18099
for tool in "$BIN" "$LOAD"; do [ -x "$tool" ] || { echo "build $tool first (see the header)" >&2; exit 2; }; done
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx-light)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/ezleeds-cluster.XXXXXX)
chmod 755 "$WORK"
declare -A NODE_PID=()
PIDS=()
cleanup() {
    set +e
    for pid in "${NODE_PID[@]}" "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    [ -f "$WORK/nginx.pid" ] && kill -QUIT "$(cat "$WORK/nginx.pid")" 2>/dev/null
    wait 2>/dev/null
    bash .ci/postgres stop "$WORK/pg" >/dev/null 2>&1
    [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

json() { python3 -c "import json,sys;print(json.load(sys.stdin)[\"$1\"])"; }
FAILED=0
verdict() { # name, ok (0/1), text
    if [ "$2" = 0 ]; then echo "  ok    $1: $3"; else echo "  FAIL  $1: $3"; FAILED=1; fi
}

PGURL=$(bash .ci/postgres start "$WORK/pg" 18070)
SERVER=${PGURL%/*}
database() { # name → its URL, on a new empty database
    psql "$PGURL" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
    echo "$SERVER/$1"
}

# start NAME PORT STORE-ARGS…: a node, in the background; serve: started, and answering /healthz.
start() {
    local name=$1 port=$2
    shift 2
    "$BIN" serve --host 127.0.0.1 --port "$port" --log-level warning --allow-private-targets "$@" >>"$WORK/$name.log" 2>&1 &
    NODE_PID[$name]=$!
}
healthy() { # NAME PORT
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return; sleep 0.1; done
    echo "$1 did not start:" >&2
    tail "$WORK/$1.log" >&2
    exit 1
}
serve() { start "$@"; healthy "$1" "$2"; }
stop() { kill -TERM "${NODE_PID[$1]}" 2>/dev/null || true; wait "${NODE_PID[$1]}" 2>/dev/null || true; unset "NODE_PID[$1]"; }

# load NAME SCENARIO RATE URL API-KEY COMPLIANCE-KEY [harness options…]: one harness run; its JSON to $WORK/NAME.json.
load() {
    local name=$1 scenario=$2 rate=$3 url=$4 api=$5 compliance=$6
    shift 6
    "$LOAD" run "$scenario" --rate "$rate" --duration "$DURATION" --url "$url" --api-key "$api" --compliance-key "$compliance" \
        --static-buyers "$BUYERS" --json "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { echo "$name failed:" >&2; tail "$WORK/$name.err" >&2; return 1; }
    tail -1 "$WORK/$name.out" >"$WORK/$name.json"
}

# summary NAME JSON…: throughput and the worst p99 of the runs, one line.
summary() {
    local name=$1
    shift
    python3 - "$name" "$@" <<'EOF'
import json, sys
runs = [json.load(open(path)) for path in sys.argv[2:]]
pairs = sum(r["achieved_rate"] for r in runs)
sold = sum(r.get("posts_per_second") or 0 for r in runs)
errors = sum(sum(r["errors"].values()) for r in runs)
def worst(kind, q):
    values = [r["latency_ms"][kind][q] for r in runs if kind in r["latency_ms"]]
    return max(values) if values else float("nan")
cores = sum(r.get("server_cores") or 0 for r in runs)
print(f"{sys.argv[1]:<34} {pairs:8.0f} {sold:8.0f} {worst('ping', 'p99'):9.2f} {worst('post', 'p50'):9.2f} {worst('post', 'p99'):9.2f} {errors:7d}")
EOF
}

# tenant NAME: a tenant on the cluster's store; prints its id.
tenant() { "$BIN" tenant create "$1" --store "$STORE" | json tenant_id; }
# key TENANT ROLE [NODE-PORT]: a key; with a port, made again until nginx hashes it to that node.
key() {
    local tenant=$1 role=$2 port=${3:-} key header path method
    [ "$role" = compliance ] && { header=X-Compliance-API-Key; path=/api/v1/pingpost/ping; method=POST; } ||
        { header=X-API-Key; path=/api/v1/buyers; method=GET; }
    for _ in $(seq 40); do
        key=$("$BIN" key create --tenant "$tenant" --role "$role" --rate-limit-per-minute 100000000 --store "$STORE" | json key)
        [ -z "$port" ] && { echo "$key"; return; }
        # The wrapper config below names the node that answered in X-EZLeeds-Node.
        if curl -s -o /dev/null -D - -X "$method" -H "$header: $key" -H "Content-Type: application/json" \
            -d '{"campaign_type":"legal_pi","state":"NV","zip_code":"89101","source":"probe"}' "http://127.0.0.1:18080$path" |
            grep -qi "^X-EZLeeds-Node: 127.0.0.1:$port"; then
            echo "$key"
            return
        fi
    done
    echo "no $role key hashed to node $port in 40 tries" >&2
    exit 1
}

start_nginx() {
    mkdir -p "$WORK/nginx"
    cat >"$WORK/nginx.conf" <<EOF
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
worker_processes 1;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    # For this script only: which node answered, so it can give each seller its own node.
    add_header X-EZLeeds-Node \$upstream_addr always;
    include $ROOT/deploy/nginx/ezleeds.conf;
}
EOF
    nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log"
}

cluster() { # STORE: three nodes started at once on it (they migrate it together), and nginx in front
    local i
    for i in 0 1 2; do start "node$((i + 1))" "${PORTS[$i]}" --store "$1"; done
    for i in 0 1 2; do healthy "node$((i + 1))" "${PORTS[$i]}"; done
    [ -f "$WORK/nginx.pid" ] || start_nginx
}

# sellers: three tenants, each with a compliance key and a standard key hashed to its own node.
declare -a SELLER_API SELLER_COMPLIANCE SELLER_TENANT
sellers() {
    local i t
    for i in 0 1 2; do
        t=$(tenant "Seller $((i + 1))")
        SELLER_TENANT[$i]=$t
        SELLER_COMPLIANCE[$i]=$(key "$t" compliance "${PORTS[$i]}")
        SELLER_API[$i]=$(key "$t" standard "${PORTS[$i]}")
    done
}

# ---------------------------------------------------------------------------------------------
echo "== 1. ping → post at $RATE pairs/s for $DURATION s, $BUYERS static buyers a seller"
TABLE="$WORK/table"
printf "%-34s %8s %8s %9s %9s %9s %7s\n" "" "pairs/s" "sold/s" "ping p99" "post p50" "post p99" "errors" >"$TABLE"

STORE="" serve one-sqlite 18081 --db "$WORK/one.sqlite"
t=$("$BIN" tenant create "One node" --db "$WORK/one.sqlite" | json tenant_id)
a=$("$BIN" key create --tenant "$t" --role standard --rate-limit-per-minute 100000000 --db "$WORK/one.sqlite" | json key)
c=$("$BIN" key create --tenant "$t" --role compliance --rate-limit-per-minute 100000000 --db "$WORK/one.sqlite" | json key)
sleep 0.6
load one-sqlite ping-post "$RATE" http://127.0.0.1:18081 "$a" "$c"
stop one-sqlite
summary "one node, SQLite" "$WORK/one-sqlite.json" >>"$TABLE"

STORE=$(database ezleeds_one)
serve one-postgres 18081 --store "$STORE"
t=$(tenant "One node")
a=$(key "$t" standard)
c=$(key "$t" compliance)
sleep 1
load one-postgres ping-post "$RATE" http://127.0.0.1:18081 "$a" "$c"
stop one-postgres
summary "one node, PostgreSQL" "$WORK/one-postgres.json" >>"$TABLE"

STORE=$(database ezleeds_three)
cluster "$STORE"
sellers
sleep 1
share=$(python3 -c "print(round($RATE / 3, 2))")
for i in 0 1 2; do
    load "three-$i" ping-post "$share" http://127.0.0.1:18080 "${SELLER_API[$i]}" "${SELLER_COMPLIANCE[$i]}" &
    PIDS+=($!)
done
for pid in "${PIDS[@]}"; do wait "$pid"; done
PIDS=()
summary "three nodes, PostgreSQL, nginx" "$WORK"/three-*.json >>"$TABLE"
for name in node1 node2 node3; do stop "$name"; done
cat "$TABLE"
echo "   (the three nodes: 3 sellers at $share pairs/s each; latencies are the worst seller's)"

# ---------------------------------------------------------------------------------------------
echo "== 2. the same with webhooks and inbound leads ($INBOUND_RATE/s), node2 killed with SIGKILL at $((DURATION / 2 + 2)) s"
STORE=$(database ezleeds_kill)
python3 LoadTests/scripts/webhook_sink.py serve "$SINK_PORT" "$WORK/webhooks.log" &
PIDS+=($!)
cluster "$STORE"
sellers
sleep 1
ACK="$WORK/acknowledged"
inbound_share=$(python3 -c "print(round($INBOUND_RATE / 3, 2))")
runs=()
for i in 0 1 2; do
    load "kill-post-$i" ping-post "$share" http://127.0.0.1:18080 "${SELLER_API[$i]}" "${SELLER_COMPLIANCE[$i]}" \
        --webhook-url "http://127.0.0.1:$SINK_PORT/hook" --acknowledged-leads "$ACK" &
    runs+=($!)
    # The buyers the ping-post run seeds take the inbound leads too; until they exist a lead stays unsold.
    load "kill-inbound-$i" inbound "$inbound_share" http://127.0.0.1:18080 "${SELLER_API[$i]}" "${SELLER_COMPLIANCE[$i]}" \
        --no-seed --acknowledged-leads "$ACK" &
    runs+=($!)
done
sleep $((DURATION / 2 + 2 + 2)) # setup (about 2 s), warmup 2 s, half the duration
kill -KILL "${NODE_PID[node2]}"
killed_at=$(date +%s)
wait "${NODE_PID[node2]}" 2>/dev/null || true
unset "NODE_PID[node2]"
for pid in "${runs[@]}"; do wait "$pid" || true; done
summary "three nodes, node2 killed" "$WORK"/kill-post-*.json >>"$WORK/kill-table"
printf "%-34s %8s %8s %9s %9s %9s %7s\n" "" "pairs/s" "sold/s" "ping p99" "post p50" "post p99" "errors"
cat "$WORK/kill-table"
for i in 0 1 2; do
    python3 -c "import json;r=json.load(open('$WORK/kill-post-$i.json'));print('   seller $((i + 1)) ping-post errors:', r['errors'] or 'none')"
    python3 -c "import json;r=json.load(open('$WORK/kill-inbound-$i.json'));print('   seller $((i + 1)) inbound: %.0f/s, p99 %.1f ms, errors:' % (r['achieved_rate'], r['latency_ms']['inbound']['p99']), r['errors'] or 'none')"
done
serve node2 "${PORTS[1]}" --store "$STORE"
echo "   node2 restarted $(($(date +%s) - killed_at)) s after the kill"

# ---------------------------------------------------------------------------------------------
echo "== 3. post race across the nodes"
t=$(tenant "Racer")
STANDARD_KEY=$(key "$t" standard) ADMIN_KEY=$(key "$t" admin) COMPLIANCE_KEY=$(key "$t" compliance) \
    python3 LoadTests/scripts/post_race.py "$RACE_ROUNDS" http://127.0.0.1:18081 http://127.0.0.1:18082 http://127.0.0.1:18083 && race=0 || race=1

# ---------------------------------------------------------------------------------------------
echo "== 4. checks"
q() { psql "$STORE" -XAtqc "$1"; }
q "CREATE TABLE IF NOT EXISTS acknowledged (lead_id text)"
q "TRUNCATE acknowledged"
psql "$STORE" -Xqc "\\copy acknowledged FROM '$ACK'"
acknowledged=$(q "SELECT count(*) FROM acknowledged")
missing=$(q "SELECT count(*) FROM acknowledged a WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = a.lead_id)")
origins=$(q "SELECT count(DISTINCT l.origin) FROM acknowledged a JOIN leads l ON l.id = a.lead_id")
verdict "no acknowledged lead lost" "$([ "$missing" = 0 ] && [ "$origins" = 2 ] && echo 0 || echo 1)" \
    "$acknowledged leads acknowledged ($(q "SELECT string_agg(origin || ' ' || n, ', ') FROM (SELECT l.origin, count(*) n FROM acknowledged a
        JOIN leads l ON l.id = a.lead_id GROUP BY l.origin ORDER BY l.origin) o")), $missing of them missing from the store"
unsold=$(q "SELECT count(*) FROM acknowledged a JOIN leads l ON l.id = a.lead_id WHERE l.origin = 'post' AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.lead_id = a.lead_id)")
verdict "every acknowledged post has its sale" "$([ "$unsold" = 0 ] && echo 0 || echo 1)" "$unsold without one"
# 3 is max_shared_buyers for a tenant that never set it (SharedSaleLimits.defaultMaxSharedBuyers).
over=$(q "SELECT count(*) FROM (SELECT s.ping_id FROM sales s LEFT JOIN pingpost_settings p ON p.tenant_id = s.tenant_id
          WHERE s.ping_id IS NOT NULL GROUP BY s.ping_id HAVING count(*) > min(coalesce(p.max_shared_buyers, 3))) o")
verdict "no ping sold past its limit" "$([ "$over" = 0 ] && [ "$race" = 0 ] && echo 0 || echo 1)" \
    "$(q "SELECT count(*) FROM sales") sales; $over pings over max_shared_buyers in the store; the race above $([ $race = 0 ] && echo passed || echo FAILED)"
defaults=$(q "SELECT count(*) FROM tenants WHERE name = 'default'")
verdict "one first tenant" "$([ "$defaults" = 1 ] && echo 0 || echo 1)" "$defaults tenants named default made by the three nodes starting at once on the empty store"
ledger=$("$BIN" ledger verify --store "$STORE" 2>&1) && l=0 || l=1
verdict "ledger verify" "$l" "$(echo "$ledger" | tr '\n' ' ' | cut -c1-160)"
# A delivery the killed node held is leased for 30 s, then any node sends it.
for _ in $(seq 90); do
    pending=$(q "SELECT count(*) FROM deliveries WHERE status = 'pending'")
    [ "$pending" = 0 ] && break
    sleep 1
done
verdict "every delivery settled" "$([ "$pending" = 0 ] && echo 0 || echo 1)" \
    "$(q "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM deliveries GROUP BY status ORDER BY status) d")"
webhooks=$(python3 LoadTests/scripts/webhook_sink.py check "$WORK/webhooks.log") && w=0 || w=1
verdict "no lead delivered under two webhook ids" "$w" "$webhooks"
sent=$(q "SELECT count(*) FROM deliveries WHERE status = 'delivered'")
received=$(cut -f1 "$WORK/webhooks.log" | sort -u | wc -l)
verdict "every delivered webhook reached the receiver" "$([ "$sent" -le "$received" ] && echo 0 || echo 1)" "$sent delivered in the store, $received distinct ids received"
# One dashboard session, opened on node 1, serves every node (sessions are in the store); each
# node's live figures name it, and node 1, which ran seller 1's pings, counts them.
jar="$WORK/dashboard.cookies"
admin=$(key "${SELLER_TENANT[0]}" admin)
token=$(curl -s -c "$jar" http://127.0.0.1:18081/dashboard/sign-in | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p')
signin=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf_token=$token" --data-urlencode "api_key=$admin" \
    http://127.0.0.1:18081/dashboard/sign-in)
pages="" d=0
for port in "${PORTS[@]}"; do
    page=$(curl -s -b "$jar" -w '\n%{http_code}' "http://127.0.0.1:$port/dashboard/")
    node=$(echo "$page" | sed -n 's/.*data-live="node">\([^<]*\)<.*/\1/p' | head -1)
    pings=$(echo "$page" | sed -n 's/.*data-live="pings_last_hour" data-value="\([0-9]*\)".*/\1/p' | head -1)
    status=$(echo "$page" | tail -1)
    pages="$pages $port: $status, node $node, ${pings:-?} pings last hour;"
    { [ "$status" = 200 ] && [ "${node##*:}" = "$port" ] && echo "$page" | grep -q "Seller 1"; } || d=1
    [ "$port" = 18081 ] && { [ "${pings:-0}" -gt 0 ] || d=1; }
done
verdict "one dashboard session serves every node" "$([ "$signin" = 303 ] && echo $d || echo 1)" "sign-in on node 1: $signin;$pages"
exit $FAILED
