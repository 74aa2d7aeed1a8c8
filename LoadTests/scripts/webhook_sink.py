#!/usr/bin/env python3
"""A buyer's webhook receiver for the cluster run: answers every delivery 200 at once and logs
its webhook-id and lead_id, so the run can check afterwards that no lead was delivered under two
ids and count the deliveries a killed node made the others repeat (same id, at least once).

    webhook_sink.py serve PORT LOG      # one line per delivery: <webhook-id> TAB <lead_id>
    webhook_sink.py check LOG           # prints the counts; exit 1 if a lead has two ids
"""
import collections
import http.server
import re
import sys
import threading

LEAD_ID = re.compile(rb'"lead_id"\s*:\s*"([^"]+)"')


def serve(port, log_path):
    log = open(log_path, "a", buffering=1)
    lock = threading.Lock()

    class Receiver(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            match = LEAD_ID.search(body)
            webhook_id = self.headers.get("webhook-id", "-")
            with lock:
                log.write(f"{webhook_id}\t{match.group(1).decode() if match else '-'}\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    server.daemon_threads = True
    server.serve_forever()


def check(log_path):
    ids_by_lead = collections.defaultdict(set)
    per_id = collections.Counter()
    with open(log_path) as log:
        for line in log:
            webhook_id, lead_id = line.rstrip("\n").split("\t")
            per_id[webhook_id] += 1
            ids_by_lead[lead_id].add(webhook_id)
    two_ids = [lead for lead, ids in ids_by_lead.items() if len(ids) > 1]
    repeated = sum(count - 1 for count in per_id.values())
    print(f"webhooks: {sum(per_id.values())} deliveries of {len(per_id)} webhook ids for {len(ids_by_lead)} leads; "
          f"repeated sends of one id: {repeated}; leads under two ids: {len(two_ids)}")
    for lead in two_ids[:10]:
        print(f"  lead {lead} delivered under {sorted(ids_by_lead[lead])}")
    return 1 if two_ids or "-" in ids_by_lead else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    else:
        sys.exit(__doc__)
