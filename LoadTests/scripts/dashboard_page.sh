#!/usr/bin/env bash
# The dashboard's pages over a real socket, for a tenant with LEADS leads (default 1,000,000):
# seeds a new SQLite store straight through its schema (sqlite3; the API would take an hour),
# starts `ezleeds serve` on it, signs in through the form with curl, and times REQUESTS views of
# the overview (this month) and of the leads page with its funnel by day, printing p50/p90/p99/max.
#
#   LoadTests/scripts/dashboard_page.sh        (EZLEEDS_BIN=.build/release/ezleeds LEADS=1000000 REQUESTS=50)
#
# All the leads fall in last month, a few seconds apart, and the pages are asked for that month:
# the worst case, every lead in the month shown. Two in five are sold. Uses 127.0.0.1:18180.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${EZLEEDS_BIN:-$ROOT/.build/release/ezleeds}
LEADS=${LEADS:-1000000}
REQUESTS=${REQUESTS:-50}
PORT=18180
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="$WORK/dashboard.sqlite"

created=$("$BIN" tenant create "Busy" --db "$DB")
tenant=$(echo "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tenant_id"])')
admin=$(echo "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')
read -r start end period < <(python3 -c "
import datetime as d
first = d.datetime.now(d.timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
last = (first - d.timedelta(days=1)).replace(day=1)
print(int(last.timestamp() * 1000), int(first.timestamp() * 1000), last.strftime('%Y-%m'))")
spacing=$(((end - start) / LEADS))
echo "seeding $LEADS leads of tenant $tenant in $period, one every $spacing ms"
seed_start=$(date +%s)
sqlite3 "$DB" <<SQL
PRAGMA foreign_keys = OFF;
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $LEADS)
INSERT INTO leads (id, tenant_id, campaign_type, source, first_name, last_name, email, phone, state, zip_code, status,
    sold_price_cents, buyer_id, origin, created_at, updated_at)
SELECT 'lead-' || i, '$tenant', 'legal_pi', 'landing_page_v' || (i % 7), 'Jane', 'Doe', 'jane' || i || '@example.com',
    '+1702' || substr('0000000' || (5550000 + i % 1000000), -7), 'NV', '89101',
    CASE i % 20 WHEN 0 THEN 'rejected' WHEN 1 THEN 'duplicate' WHEN 5 THEN CASE WHEN i % 5 < 2 THEN 'returned' ELSE 'qualified' END
        ELSE CASE WHEN i % 5 < 2 THEN 'delivered' ELSE 'qualified' END END,
    CASE WHEN i % 5 < 2 THEN 1000 + (i % 30) * 100 END, CASE WHEN i % 5 < 2 THEN 'buyer-' || (i % 40) END, 'inbound',
    $start + i * $spacing, $start + i * $spacing
FROM n;
INSERT INTO sales (id, tenant_id, buyer_id, lead_id, price_cents, status, response_time_ms, sold_at)
SELECT 'sale-' || substr(id, 6), tenant_id, buyer_id, id, sold_price_cents, CASE status WHEN 'returned' THEN 'returned' ELSE 'delivered' END, 0,
    created_at + 150
FROM leads WHERE tenant_id = '$tenant' AND sold_price_cents IS NOT NULL;
COMMIT;
ANALYZE;
SQL
echo "seeded in $(($(date +%s) - seed_start)) s: $(sqlite3 "$DB" "SELECT count(*) FROM leads") leads, $(sqlite3 "$DB" "SELECT count(*) FROM sales") sales"

"$BIN" serve --host 127.0.0.1 --port $PORT --db "$DB" --log-level warning >/dev/null 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

jar="$WORK/cookies"
token=$(curl -s -c "$jar" "http://127.0.0.1:$PORT/dashboard/sign-in" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p')
status=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf_token=$token" --data-urlencode "api_key=$admin" \
    "http://127.0.0.1:$PORT/dashboard/sign-in")
[ "$status" = 303 ] || { echo "sign-in answered $status"; exit 1; }

# time PATH: REQUESTS views, one after another, after one not counted (it warms the page cache).
time_page() {
    local path=$1 times="$WORK/times"
    curl -s -b "$jar" -o "$WORK/page.html" -w '%{http_code}' "http://127.0.0.1:$PORT$path" | grep -q 200 || { echo "$path did not answer 200"; exit 1; }
    : >"$times"
    for _ in $(seq "$REQUESTS"); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT$path" >>"$times"; done
    python3 - "$path" "$times" "$WORK/page.html" <<'PY'
import re, sys
times = sorted(float(line) * 1000 for line in open(sys.argv[2]))
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
page = open(sys.argv[3]).read()
leads = re.search(r'<dd data-figure="leads_total" data-value="(\d+)"', page)
print(f"{sys.argv[1]:<32} p50 {pick(0.5):6.1f} ms  p90 {pick(0.9):6.1f} ms  p99 {pick(0.99):6.1f} ms  max {times[-1]:6.1f} ms"
      + (f"  ({int(leads.group(1)):,} leads in the month)" if leads else ""))
PY
}
time_page "/dashboard/?period=$period"
time_page "/dashboard/leads?period=$period"
