#!/usr/bin/env python3
"""Posts one ping to several buyers on several nodes at the same instant, many times, and checks
that no ping sells past its limit: an exclusive sale alone, a shared lead to at most
max_shared_buyers (set to 2 here), and each buyer at most once. Every post but one of a pair
reaches a node that did not take the ping, so the limit can only hold if the shared store holds it.

    post_race.py ROUNDS NODE_URL... (env: STANDARD_KEY, ADMIN_KEY, COMPLIANCE_KEY of one tenant)

Exit 1 when a ping sold past its limit.
"""
import concurrent.futures
import json
import os
import sys
import time
import urllib.error
import urllib.request

MAX_SHARED = 2


def call(method, url, key_header, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={key_header: key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def setup(node):
    standard, admin = os.environ["STANDARD_KEY"], os.environ["ADMIN_KEY"]
    # Three shared buyers and one exclusive one that outbids them, so a round races both rules.
    buyers = [("Race shared 1", 20_000, "shared"), ("Race shared 2", 19_000, "shared"),
              ("Race shared 3", 18_000, "shared"), ("Race exclusive", 30_000, "exclusive")]
    for name, price, exclusivity in buyers:
        status, body = call("POST", f"{node}/api/v1/buyers", "X-API-Key", standard, {
            "name": name, "campaign_types": ["legal_pi"], "states": ["AZ"], "max_price_cents": price, "exclusivity": exclusivity})
        assert status == 201, (status, body)
    status, body = call("PUT", f"{node}/api/v1/pingpost/settings", "X-API-Key", admin, {"max_shared_buyers": MAX_SHARED})
    assert status == 200, (status, body)
    time.sleep(2)  # every node hears of the buyers and the setting (LISTEN/NOTIFY) well within this


def race(round_number, nodes):
    key = os.environ["COMPLIANCE_KEY"]
    home = nodes[round_number % len(nodes)]
    status, ping = call("POST", f"{home}/api/v1/pingpost/ping", "X-Compliance-API-Key", key,
                        {"campaign_type": "legal_pi", "state": "AZ", "zip_code": "85001", "source": "race"})
    if status != 200 or len(ping.get("bids", [])) < 4:
        return {"error": f"ping answered {status}: {ping}"}
    exclusive = {bid["buyer_id"] for bid in ping["bids"] if bid["exclusivity"] == "exclusive"}
    time.sleep(0.3)  # the ping journal writes a ping within 50 ms; a post elsewhere reads it from there
    posts = []
    for index, bid in enumerate(ping["bids"][:4]):
        for offset in (0, 1 + index % (len(nodes) - 1)):
            node = nodes[(round_number + offset) % len(nodes)]
            posts.append((node, bid["buyer_id"], {
                "ping_id": ping["ping_id"], "buyer_id": bid["buyer_id"],
                "lead": {"first_name": "Race", "last_name": "Condition", "phone": f"+1602555{round_number % 10_000:04d}",
                         "email": f"race{round_number}@example.com", "state": "AZ", "zip_code": "85001"},
                "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted by phone and email.",
                            "ip_address": "203.0.113.42", "page_url": "https://example.com/race"}}))
    with concurrent.futures.ThreadPoolExecutor(len(posts)) as pool:
        answers = list(pool.map(lambda post: (post[1], call("POST", f"{post[0]}/api/v1/pingpost/post", "X-Compliance-API-Key", key, post[2])[0]), posts))
    sold = [buyer for buyer, status in answers if status == 200]
    statuses = [status for _, status in answers]
    over = len(sold) != len(set(sold)) or (exclusive & set(sold) and len(sold) > 1) or len(sold) > MAX_SHARED
    return {"sold": len(sold), "statuses": statuses, "over": bool(over), "ping": ping["ping_id"], "sold_to": sold}


def main():
    rounds, nodes = int(sys.argv[1]), sys.argv[2:]
    setup(nodes[0])
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: race(n, nodes), range(rounds)))
    errors = [r["error"] for r in results if "error" in r]
    raced = [r for r in results if "error" not in r]
    over = [r for r in raced if r["over"]]
    statuses = {}
    for r in raced:
        for status in r["statuses"]:
            statuses[status] = statuses.get(status, 0) + 1
    print(f"post race: {len(raced)} pings, each posted to 4 buyers on 2 nodes at once ({len(raced) * 8} posts, answers {dict(sorted(statuses.items()))}); "
          f"sales per ping {sorted({r['sold'] for r in raced})}; pings sold past their limit: {len(over)}")
    for r in over[:10]:
        print(f"  {r['ping']} sold to {r['sold_to']}")
    for error in errors[:5]:
        print(f"  {error}")
    return 1 if over or errors or not raced else 0


if __name__ == "__main__":
    sys.exit(main())
