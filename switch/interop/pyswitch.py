"""A switch written in Python from Tollgate's docs alone (docs/switch-api.md, CONTRACTS §3–4).

It serves the switch API Tollgate calls (part 1) and sends the signed events (part 2) with
signer.py, so that the portal can run against it instead of switch/simulator. Standard library only.

    python3 switch/interop/pyswitch.py --port 4921 --token T --secret S \
        --events-url http://localhost:4920/api/switch/events

State is kept in memory (a test switch). SIP passwords are kept as salted scrypt digests, never
as text, and no request body is logged. A control API of its own, under `/_py/` and behind the same
bearer token, provisions accounts, places and lifts blocks (sending the events), injects faults into
`/v1` answers and lists the requests received (method, path, key, status; never bodies):

    PUT  /_py/accounts/{n}   {"internationalCalling","reason"?,"credentials":[{"username","password"?,"registrations"?}]}
    GET  /_py/accounts/{n}   state, with "passwordChanges" per credential and "changes" (applied PUTs)
    POST /_py/fraud          {"accountNumber","calls":[…]?,"to"?,"reason"?,"eventId"?} → 200 {"event","answer"}
    POST /_py/lift           {"accountNumber","actor"?} → 200 {"event","answer"}
    POST /_py/check-password {"username","password"} → {"matches"}
    PUT  /_py/faults         [{"pathContains","method"?,"times"?,"kind",…}]  (kinds below); DELETE clears
    GET  /_py/requests       the /v1 requests received

Fault kinds: `status` (answer `status` with the error body, optional `retryAfter` header), `delay`
(`ms` before handling), `reset` (headers and half the body, then a TCP reset), `redirect` (302 to
`location`), `html` (a `status` with an HTML body), `other_account` (a 200 naming `accountNumber`),
`apply_then_status` (apply, then answer `status`: a change the caller cannot know was applied),
`patch` (a 200 whose JSON gets the fields of `set`, e.g. another spelling of `blockedAt`).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import struct
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import signer  # noqa: E402

ACCOUNT_RE = re.compile(r"^ACC-[0-9A-Z]{1,20}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
REASONS = ("high_risk_destination", "hotspot_source_ip", "suspicious_pattern", "manual")
MAX_BODY = 64 * 1024


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s: str):
    try:
        d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return d if d.tzinfo else None


def digest(password: str) -> str:
    salt = secrets.token_bytes(16)
    h = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1)
    return base64.b64encode(salt + h).decode("ascii")


def digest_matches(stored: str, password: str) -> bool:
    raw = base64.b64decode(stored)
    h = hashlib.scrypt(password.encode("utf-8"), salt=raw[:16], n=2**14, r=8, p=1)
    return hmac.compare_digest(raw[16:], h)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Switch:
    """The switch's state: accounts, credentials, idempotency memory, faults, request log, events."""

    def __init__(self, token: str, secret: str, events_url: str):
        self.token, self.secret, self.events_url = token, secret, events_url
        self.lock = threading.RLock()
        self.accounts: dict = {}
        self.credentials: dict = {}
        self.keys: dict = {}  # Idempotency-Key → (fingerprint, status, body)
        self.key_locks: dict = {}
        self.faults: list = []
        self.requests: list = []
        self.events: list = []

    # ---- state ----
    def account_view(self, n: str) -> dict:
        a = self.accounts[n]
        now = datetime.now(timezone.utc)
        a["allowances"] = {c: u for c, u in a["allowances"].items() if parse_iso(u) > now}
        return {
            "accountNumber": n,
            "internationalCalling": a["internationalCalling"],
            "blockedAt": a["blockedAt"],
            "reason": a["reason"],
            "allowances": [{"country": c, "until": u} for c, u in sorted(a["allowances"].items())],
        }

    def provision(self, n: str, body: dict) -> dict:
        with self.lock:
            a = self.accounts.setdefault(
                n, {"internationalCalling": "allowed", "blockedAt": None, "reason": None,
                    "allowances": {}, "changes": 0})
            if body.get("internationalCalling") == "blocked":
                self.block(n, body.get("reason") or "manual")
            elif body.get("internationalCalling") == "allowed":
                a.update(internationalCalling="allowed", blockedAt=None, reason=None)
            for c in body.get("credentials", []):
                cred = self.credentials.setdefault(
                    c["username"], {"account": n, "digest": None, "registrations": [], "passwordChanges": 0})
                if "password" in c:
                    cred["digest"] = digest(c["password"])
                if "registrations" in c:
                    cred["registrations"] = c["registrations"]
            return self.account_view(n)

    def block(self, n: str, reason: str) -> None:
        a = self.accounts[n]
        if a["internationalCalling"] != "blocked":
            a.update(internationalCalling="blocked", blockedAt=now_iso(), reason=reason)

    # ---- events (part 2) ----
    def send_event(self, event: dict, raw: bytes = None) -> dict:
        body = raw if raw is not None else json.dumps(event, separators=(",", ":")).encode("utf-8")
        answer = signer.deliver(self.events_url, self.secret, body, attempts=4, first_wait=0.5, max_wait=2)
        self.events.append({"event": event, "status": answer.status})
        return {"event": event, "answer": {"status": answer.status, "body": answer.json() or answer.text}}

    def fraud(self, body: dict) -> dict:
        n = body["accountNumber"]
        with self.lock:
            reason = body.get("reason", "high_risk_destination")
            self.block(n, reason)
            occurred = self.accounts[n]["blockedAt"]
            users = [u for u, c in self.credentials.items() if c["account"] == n]
            calls = body.get("calls") or [
                {"at": occurred, "from": users[0] if users else "unknown", "to": body.get("to", "+252611234567"),
                 "sourceIp": body.get("sourceIp", "185.220.101.47"), "durationSec": 0}]
        event = {"id": body.get("eventId") or "evt_py_" + uuid.uuid4().hex, "type": "block.placed",
                 "occurredAt": body.get("occurredAt") or occurred,
                 "data": {"accountNumber": n, "reason": reason, "calls": calls}}
        return self.send_event(event)

    def lift(self, body: dict) -> dict:
        n = body["accountNumber"]
        with self.lock:
            self.accounts[n].update(internationalCalling="allowed", blockedAt=None, reason=None)
        event = {"id": body.get("eventId") or "evt_py_" + uuid.uuid4().hex, "type": "block.lifted",
                 "occurredAt": body.get("occurredAt") or now_iso(),
                 "data": {"accountNumber": n, "actor": body.get("actor", "noc:python")}}
        return self.send_event(event)


def error(status: int, code: str, message: str):
    return status, {"error": {"code": code, "message": message}}


class Handler(BaseHTTPRequestHandler):
    server_version = "pyswitch/1"
    protocol_version = "HTTP/1.1"
    sw: Switch  # set by serve()

    def log_message(self, *args):  # bodies and passwords are never logged; the request log is /_py/requests
        pass

    # ---- plumbing ----
    def send(self, status: int, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError(413, "payload_too_large", "body over 64 KiB")
        return self.rfile.read(length) if length else b""

    def json_body(self, raw: bytes) -> dict:
        try:
            v = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "invalid_json", "body is not JSON")
        if not isinstance(v, dict):
            raise ApiError(400, "invalid_request", "body must be an object")
        return v

    def authorized(self) -> bool:
        got = self.headers.get("Authorization", "")
        return hmac.compare_digest(got.encode("utf-8"), f"Bearer {self.sw.token}".encode("utf-8"))

    def do_GET(self):
        self.route("GET")

    def do_PUT(self):
        self.route("PUT")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method: str):
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            return self.send(200, {"ok": True})
        try:
            raw = self.read_body()
        except ApiError as e:
            self.close_connection = True
            return self.send(*error(e.status, e.code, e.message))
        if not self.authorized():
            return self.send(*error(401, "unauthorized", "wrong or missing bearer token"))
        if path.startswith("/_py/"):
            try:
                status, body = self.control(method, path, raw)
            except (KeyError, ValueError, TypeError) as e:
                status, body = error(400, "invalid_request", f"control: {e!r}")
            return self.send(status, body)
        entry = {"method": method, "path": path, "key": self.headers.get("Idempotency-Key"),
                 "at": time.time(), "fault": None}
        self.sw.requests.append(entry)
        fault = self.take_fault(method, path)
        if fault:
            entry["fault"] = fault["kind"]
            if fault["kind"] == "delay":
                time.sleep(fault["ms"] / 1000)
            elif fault["kind"] not in ("apply_then_status", "other_account", "patch"):
                return self.answer_fault(fault, entry)
        try:
            status, body = self.api(method, path, raw)
        except ApiError as e:
            status, body = error(e.status, e.code, e.message)
        if fault and fault["kind"] == "apply_then_status":
            return self.answer_fault(fault, entry)
        if fault and fault["kind"] == "other_account" and status == 200 and isinstance(body, dict):
            body = dict(body, accountNumber=fault["accountNumber"])
        if fault and fault["kind"] == "patch" and status == 200 and isinstance(body, dict):
            body = dict(body, **fault["set"])
        entry["status"] = status
        self.send(status, body)

    def take_fault(self, method: str, path: str):
        with self.sw.lock:
            for f in self.sw.faults:
                if f.get("pathContains", "") in path and f.get("method", method) == method and f.get("times", 1) > 0:
                    f["times"] = f.get("times", 1) - 1
                    return f
        return None

    def answer_fault(self, f: dict, entry: dict):
        kind = f["kind"]
        entry["status"] = f.get("status", 0)
        if kind in ("status", "apply_then_status"):
            headers = {"Retry-After": str(f["retryAfter"])} if "retryAfter" in f else {}
            return self.send(*error(f["status"], f.get("code", "switch_busy"), "injected"), headers=headers)
        if kind == "redirect":
            return self.send(302, {"moved": True}, headers={"Location": f.get("location", "/elsewhere")})
        if kind == "html":
            data = b"<html><body>Bad gateway</body></html>"
            self.send_response(f.get("status", 502))
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return self.wfile.write(data)
        if kind == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "200")
            self.end_headers()
            self.wfile.write(b'{"accountNumber":"ACC')
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return None
        raise ValueError(kind)

    # ---- the switch API (part 1) ----
    def api(self, method: str, path: str, raw: bytes):
        sw = self.sw
        parts = [unquote(p) for p in path.split("/")[1:]]
        if parts[:1] != ["v1"] or len(parts) < 3:
            raise ApiError(404, "not_found", "no such path")
        if parts[1] == "accounts":
            n = parts[2]
            if not ACCOUNT_RE.match(n):
                raise ApiError(400, "invalid_account_number", "bad account number")
            if n not in sw.accounts:
                raise ApiError(404, "account_not_found", f"no account {n}")
            rest = parts[3:]
            if rest == [] and method == "GET":
                with sw.lock:
                    return 200, sw.account_view(n)
            if rest == ["international-calling"] and method == "PUT":
                return self.keyed(method, path, raw, lambda b: self.set_calling(n, b))
            if rest == ["destination-allowances"] and method == "PUT":
                return self.keyed(method, path, raw, lambda b: self.put_allowances(n, b))
            if len(rest) == 2 and rest[0] == "destination-allowances" and method == "DELETE":
                if not COUNTRY_RE.match(rest[1]):
                    raise ApiError(400, "invalid_country", "country must be ISO 3166-1 alpha-2")
                return self.keyed(method, path, raw, lambda b: self.delete_allowance(n, rest[1]), body=False)
            raise ApiError(405 if rest in ([], ["international-calling"]) else 404, "method_not_allowed", "no")
        if parts[1] == "sip-credentials" and len(parts) == 4:
            u = parts[2]
            if not USERNAME_RE.match(u):
                raise ApiError(400, "invalid_username", "bad SIP username")
            if u not in sw.credentials:
                raise ApiError(404, "credential_not_found", f"no SIP credential {u}")
            if parts[3] == "password" and method == "PUT":
                return self.keyed(method, path, raw, lambda b: self.set_password(u, b))
            if parts[3] == "registrations" and method == "GET":
                return 200, {"registrations": sw.credentials[u]["registrations"]}
        raise ApiError(404, "not_found", "no such path")

    def keyed(self, method: str, path: str, raw: bytes, apply, body: bool = True):
        """Idempotency as docs/switch-api.md says: bind the key when applied, replay, 422 on reuse."""
        key = self.headers.get("Idempotency-Key")
        if not key:
            raise ApiError(400, "idempotency_key_missing", "Idempotency-Key header required")
        try:
            uuid.UUID(key)
        except ValueError:
            raise ApiError(400, "idempotency_key_invalid", "Idempotency-Key must be a UUID")
        parsed = self.json_body(raw) if body else {}
        fingerprint = (method, path, json.dumps(parsed, sort_keys=True))
        with self.sw.lock:
            key_lock = self.sw.key_locks.setdefault(key, threading.Lock())
        with key_lock:
            stored = self.sw.keys.get(key)
            if stored:
                if stored[0] != fingerprint:
                    raise ApiError(422, "idempotency_key_reused", "key used for another request")
                return stored[1], stored[2]
            with self.sw.lock:
                status, answer = apply(parsed)
                self.sw.keys[key] = (fingerprint, status, answer)
            return status, answer

    @staticmethod
    def text(b: dict, name: str, max_len: int) -> str:
        v = b.get(name)
        if not isinstance(v, str) or not 1 <= len(v) <= max_len:
            raise ApiError(400, "invalid_request", f"{name} must be 1–{max_len} characters")
        return v

    def set_calling(self, n: str, b: dict):
        if set(b) - {"state", "reason", "actor"}:
            raise ApiError(400, "invalid_request", "unknown fields")
        if b.get("state") not in ("allowed", "blocked"):
            raise ApiError(400, "invalid_request", "state must be allowed or blocked")
        self.text(b, "reason", 500)
        self.text(b, "actor", 200)
        a = self.sw.accounts[n]
        if b["state"] == "blocked":
            self.sw.block(n, "manual")
        else:
            a.update(internationalCalling="allowed", blockedAt=None, reason=None)
        a["changes"] += 1
        return 200, self.sw.account_view(n)

    def set_password(self, u: str, b: dict):
        if set(b) != {"password"}:
            raise ApiError(400, "invalid_request", "body must be {password}")
        p = self.text(b, "password", 128)
        cred = self.sw.credentials[u]
        cred["digest"] = digest(p)
        cred["registrations"] = []  # a new password ends the credential's registrations
        cred["passwordChanges"] += 1
        return 204, None

    def put_allowances(self, n: str, b: dict):
        countries = b.get("countries")
        if not isinstance(countries, list) or not countries or not all(
                isinstance(c, str) and COUNTRY_RE.match(c) for c in countries):
            raise ApiError(400, "invalid_country", "countries must be ISO 3166-1 alpha-2")
        until = parse_iso(b.get("until", ""))
        if until is None:
            raise ApiError(400, "invalid_request", "until must be ISO 8601 with an offset")
        if until <= datetime.now(timezone.utc):
            raise ApiError(422, "until_in_past", "until must lie in the future")
        self.text(b, "reason", 500)
        self.text(b, "actor", 200)
        for c in countries:
            self.sw.accounts[n]["allowances"][c] = until.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        v = self.sw.account_view(n)
        return 200, {"accountNumber": n, "allowances": v["allowances"]}

    def delete_allowance(self, n: str, country: str):
        self.sw.accounts[n]["allowances"].pop(country, None)
        return 204, None

    # ---- control API ----
    def control(self, method: str, path: str, raw: bytes):
        sw = self.sw
        body = json.loads(raw.decode("utf-8")) if raw else {}
        parts = path.split("/")[2:]
        if parts[0] == "accounts" and len(parts) == 2:
            n = parts[1]
            if method == "PUT":
                return 200, sw.provision(n, body)
            with sw.lock:
                view = sw.account_view(n)
                view["changes"] = sw.accounts[n]["changes"]
                view["credentials"] = [
                    {"username": u, "passwordChanges": c["passwordChanges"], "registrations": c["registrations"]}
                    for u, c in sw.credentials.items() if c["account"] == n]
                return 200, view
        if parts == ["fraud"] and method == "POST":
            return 200, sw.fraud(body)
        if parts == ["lift"] and method == "POST":
            return 200, sw.lift(body)
        if parts == ["check-password"] and method == "POST":
            cred = sw.credentials.get(body["username"])
            ok = bool(cred and cred["digest"] and digest_matches(cred["digest"], body["password"]))
            return 200, {"matches": ok}
        if parts == ["faults"]:
            with sw.lock:
                if method == "PUT":
                    sw.faults = list(body)
                elif method == "DELETE":
                    sw.faults = []
                return 200, sw.faults
        if parts == ["requests"]:
            if method == "DELETE":
                sw.requests.clear()
            return 200, sw.requests[-500:]
        if parts == ["events"]:
            return 200, sw.events
        return error(404, "not_found", "no such control path")


def serve(host: str, port: int, sw: Switch) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"sw": sw})
    ThreadingHTTPServer.daemon_threads = True
    return ThreadingHTTPServer((host, port), handler)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("PYSWITCH_PORT", "4921")))
    p.add_argument("--token", default=os.environ.get("SWITCH_API_TOKEN"))
    p.add_argument("--secret", default=os.environ.get("SWITCH_WEBHOOK_SECRET"))
    p.add_argument("--events-url", default=os.environ.get("TOLLGATE_EVENTS_URL"))
    a = p.parse_args()
    if not (a.token and a.secret and a.events_url):
        print("pyswitch: --token, --secret and --events-url (or their variables) are required", file=sys.stderr)
        return 2
    httpd = serve(a.host, a.port, Switch(a.token, a.secret, a.events_url))
    print(f"pyswitch listening on http://{a.host}:{httpd.server_address[1]}", flush=True)
    # Exit with the parent (a test runner that dies must not leave this switch on its port).
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
