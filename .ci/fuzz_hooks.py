"""Schemathesis hooks for .ci/fuzz-api.

The fuzzer draws Idempotency-Key values from a small space ("0", "00", ...), so most requests that
carry one would reuse an earlier key with another body and stop at 422 idempotency_key_reused,
never reaching the logic behind them. A well-formed key gets a digest of the request appended:
the same request still replays (the same key and body), another body gets a key of its own.
Malformed keys (empty, too long, not visible ASCII) are sent as generated, so the 400 stays tested.
"""

import hashlib
import json

import schemathesis

_HEADER = "idempotency-key"


def _well_formed(value: str) -> bool:
    return 0 < len(value) <= 240 and all(0x21 <= ord(c) <= 0x7E for c in value)


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers
    if not headers:
        return
    for name, value in list(headers.items()):
        if name.lower() != _HEADER or not isinstance(value, str) or not _well_formed(value):
            continue
        try:
            body = json.dumps(case.body, sort_keys=True, default=repr)
        except (TypeError, ValueError):
            body = repr(case.body)
        digest = hashlib.sha256(f"{case.method} {case.formatted_path} {body}".encode()).hexdigest()[:12]
        headers[name] = f"{value}-{digest}"
