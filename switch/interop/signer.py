"""Signs and sends switch events to Tollgate, written from docs/switch-api.md part 2 alone.

Standard library only (Python 3.9+). Used by pyswitch.py and on its own:

    python3 switch/interop/signer.py vector            # prints the docs' test vector's v1
    SWITCH_WEBHOOK_SECRET=… python3 switch/interop/signer.py send URL < event.json

`send` posts the bytes of stdin unchanged, signed with the current time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Optional


def signature(secret: str, t: int, body: bytes) -> str:
    """`Tollgate-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

    `t` is written in decimal without leading zeros; `body` is the exact bytes sent.
    """
    mac = hmac.new(secret.encode("utf-8"), str(int(t)).encode("ascii") + b"." + body, hashlib.sha256)
    return f"t={int(t)},v1={mac.hexdigest()}"


class Answer:
    """One delivery attempt's outcome: HTTP status (0 = no answer) and the body's text."""

    def __init__(self, status: int, text: str, headers: Optional[dict] = None):
        self.status = status
        self.text = text
        self.headers = headers or {}

    def json(self):
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.text[:200]!r})"


def post(url: str, secret: str, body: bytes, t: Optional[int] = None, timeout: float = 10.0,
         headers: Optional[dict] = None) -> Answer:
    """POST one signed event (one attempt). `t` defaults to now; `headers` are added or replace ours."""
    h = {
        "Content-Type": "application/json",
        "Tollgate-Signature": signature(secret, int(time.time()) if t is None else t, body),
    }
    h.update(headers or {})
    req = urllib.request.Request(url, data=body, method="POST", headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return Answer(res.status, res.read().decode("utf-8", "replace"), dict(res.headers))
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.read().decode("utf-8", "replace"), dict(e.headers))
    except (urllib.error.URLError, OSError) as e:
        return Answer(0, f"connection error: {e}")


def deliver(url: str, secret: str, body: bytes, attempts: int = 6, first_wait: float = 1.0,
            max_wait: float = 60.0, timeout: float = 10.0) -> Answer:
    """Delivers one event as the docs' "Answers, and when to retry" table says.

    Stops on 2xx and on 400/401/404/413/415 (alert: the same bytes will not help); on 5xx (503
    `switch_state_unavailable` included), a timeout or a connection error, waits 1 s, 2 s, 4 s … (at most
    `max_wait`) and re-sends the same bytes with a fresh signature. Returns the last answer.
    """
    wait = first_wait
    answer = Answer(0, "not sent")
    for i in range(attempts):
        answer = post(url, secret, body, timeout=timeout)
        if answer.status and answer.status < 500:
            return answer
        if i + 1 < attempts:
            time.sleep(wait)
            wait = min(wait * 2, max_wait)
    return answer


DOCS_SECRET = "whsec_example_only_0123456789abcdef"
DOCS_T = 1795597200
DOCS_BODY = (
    b'{"id":"evt_01JDQ7Z8YB5M3N2P4R6T8V0W1X","type":"block.placed","occurredAt":"2026-11-25T09:14:03Z",'
    b'"data":{"accountNumber":"ACC-1001","reason":"high_risk_destination","calls":[{"at":"2026-11-25T09:13:58Z",'
    b'"from":"acme-reception","to":"+252611234567","sourceIp":"203.0.113.9","durationSec":0}]}}'
)


def main(argv: list) -> int:
    if len(argv) >= 1 and argv[0] == "vector":
        print(signature(DOCS_SECRET, DOCS_T, DOCS_BODY))
        return 0
    if len(argv) == 2 and argv[0] == "send":
        secret = os.environ.get("SWITCH_WEBHOOK_SECRET")
        if not secret:
            print("SWITCH_WEBHOOK_SECRET is not set", file=sys.stderr)
            return 2
        answer = deliver(argv[1], secret, sys.stdin.buffer.read())
        print(answer.status, answer.text)
        return 0 if 200 <= answer.status < 300 else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
