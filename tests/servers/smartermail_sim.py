#!/usr/bin/env python3
"""SmarterMail REST API simulator for check_mail's end-to-end tests.

Serves the three sysadmin endpoints Centreon's SmarterMail plugin uses, behind the
token login, on 127.0.0.1 over HTTP and (when --cert is given) HTTPS.

Scenario selection by URL prefix, so any client picks it with --url-path:
    /api/v1/...             scenario "normal"
    /s/<scenario>/api/v1/... scenario <scenario> (see SCENARIOS below)

Introspection (no auth):
    GET  /_sim/stats      per-scenario counters (login calls, data calls, last Authorization, ...)
    POST /_sim/reset      forget all counters and all issued tokens
    GET  /_sim/scenarios  the list of scenario names

Tokens are valid for 15 minutes in every scenario (it is one server).  In the scenario
token-expired-once a token expires right after its first data call there, so a run that starts
from a cached token gets one 401 and must log in again exactly once.

Stdlib only.  Stops cleanly on SIGTERM/SIGINT.
"""

import argparse
import datetime
import functools
import json
import os
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

API_PREFIX = "/api/v1"
LOGIN_PATH = "/auth/authenticate-user"
ENDPOINTS = {
    "/settings/sysadmin/spool-message-counts": "spools",
    "/settings/sysadmin/services": "services",
    "/settings/sysadmin/license-notifications": "licenses",
}
TOKEN_LIFETIME = 15 * 60
SLOW_SECONDS = 30.0  # overridable with --slow-seconds


# ---------------------------------------------------------------- reply bodies

def spools(counts):
    return {"counts": counts, "success": True, "message": ""}


def services(states):
    return {"services": states, "success": True, "message": ""}


def licenses(**fields):
    body = {"daysUntilUpgradeProtectionExpires": 120, "isUpgradeProtectionExpired": False}
    body.update(fields)
    body.update({"success": True, "resultCode": 200})
    return body


NORMAL_COUNTS = {
    "default": 6, "waiting": 31, "virus": 0, "spam": 0, "throttledUsers": 1,
    "throttledMailingLists": 0, "throttledDomains": 0, "spool_limit": 50000, "quarantine_limit": 5000,
}
NORMAL_SERVICES = {
    "spool": True, "smtp": True, "pop": True, "xmpp": True, "imap": True, "ldap": True,
    "popretrieval": True, "imapretrieval": True, "indexing": True,
}
NORMAL = {
    "spools": spools(NORMAL_COUNTS),
    "services": services(NORMAL_SERVICES),
    "licenses": licenses(),
}
MAIN_KEY = {"spools": "counts", "services": "services", "licenses": "daysUntilUpgradeProtectionExpires"}


def with_counts(**changes):
    return spools({**NORMAL_COUNTS, **changes})


def with_services(**changes):
    return services({**NORMAL_SERVICES, **changes})


@dataclass(frozen=True)
class Reply:
    """One canned HTTP reply.  transfer: plain | truncated | chunked | chunked-truncated."""
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    transfer: str = "plain"
    delay: float = 0.0          # seconds; SLOW marks "use --slow-seconds"
    location: str = ""          # "{self}" or "{normal}" for redirects


SLOW = -1.0


def json_reply(obj, status=200, **kw):
    return Reply(status=status, body=json.dumps(obj, separators=(",", ":")).encode(), **kw)


def error_reply(status, message):
    return json_reply({"success": False, "resultCode": status, "message": message}, status)


def raw_reply(body, content_type="text/plain; charset=utf-8", status=200):
    return Reply(status=status, body=body, content_type=content_type)


def normal_reply(kind, **kw):
    return json_reply(NORMAL[kind], **kw)


@functools.lru_cache(maxsize=None)
def deep_body(kind):
    nested = "[" * 10000 + "]" * 10000
    return raw_reply(f'{{"{MAIN_KEY[kind]}":{nested},"success":true}}'.encode(), "application/json")


@functools.lru_cache(maxsize=None)
def huge_body(kind):
    """A valid 20 MiB JSON document: the normal reply plus a padding string."""
    head = json.dumps(NORMAL[kind], separators=(",", ":"))[:-1] + ',"padding":"'
    pad = 20 * 1024 * 1024 - len(head) - 2
    return raw_reply((head + "x" * pad + '"}').encode(), "application/json")


INVALID_UTF8 = {
    "spools": b'{"counts":{"def\xff\xfeault":6,"waiting":31},"success":true,"message":""}',
    "services": b'{"services":{"sm\xfftp":true},"success":true,"message":""}',
    "licenses": b'{"daysUntilUpgradeProtectionExpires":120,"isUpgradeProtectionExpired":false,'
                b'"message":"\xc3\x28","success":true,"resultCode":200}',
}
NUL_ESCAPED = {  # valid JSON: \u0000 inside a string
    "spools": spools({"de\0fault": 6, "waiting": 31}),
    "services": services({"sm\0tp": True, "pop": True}),
    "licenses": licenses(message="a\0b"),
}


def nul_raw(kind):  # invalid JSON: a raw NUL byte inside a string
    return raw_reply(json.dumps(NUL_ESCAPED[kind]).replace("\\u0000", "\0").encode(), "application/json")


# ---------------------------------------------------------------- scenarios

@dataclass(frozen=True)
class Scenario:
    data: dict = field(default_factory=dict)  # kind -> body (dict) or Reply
    each: object = None                       # kind -> Reply, for every data endpoint
    login: Reply = None                       # replaces the login reply
    login_delay: float = 0.0
    single_use_tokens: bool = False

    def data_reply(self, kind):
        if self.each is not None:
            return self.each(kind)
        body = self.data.get(kind, NORMAL[kind])
        return body if isinstance(body, Reply) else json_reply(body)


def every(reply):
    return lambda kind: reply


SCENARIOS = {
    "normal": Scenario(),
    # spools
    "spools-one": Scenario(data={"spools": spools({"default": 6})}),
    "spools-mixed-values": Scenario(data={"spools": spools({
        "default": 9, "waiting": 10, "virus": 11, "spam": 20, "throttledUsers": 21,
        "throttledMailingLists": 0, "throttledDomains": 40000, "spool_limit": 40001, "quarantine_limit": 5000})}),
    "spools-null": Scenario(data={"spools": with_counts(virus=None)}),
    "spools-one-null": Scenario(data={"spools": spools({"default": None})}),
    "spools-string-number": Scenario(data={"spools": with_counts(default="6")}),
    "spools-bad-string": Scenario(data={"spools": with_counts(default="abc")}),
    "spools-list": Scenario(data={"spools": {"counts": [6, 31, 0], "success": True, "message": ""}}),
    "spools-missing": Scenario(data={"spools": {"success": True, "message": ""}}),
    "spools-empty": Scenario(data={"spools": spools({})}),
    "spools-huge": Scenario(data={"spools": spools({"default": 1e30, "waiting": 2**63, "virus": 0})}),
    "spools-negative": Scenario(data={"spools": spools({"default": -5, "waiting": 31})}),
    "spools-float": Scenario(data={"spools": spools({"default": 6.5, "waiting": 31.99})}),
    "spools-unicode": Scenario(data={"spools": spools({"d\u00e9faut": 3, "waiting": 31})}),
    "spools-odd-names": Scenario(data={"spools": spools({"with space": 1, "it's": 2, "a=b": 3})}),
    # services
    "services-one": Scenario(data={"services": services({"smtp": True})}),
    "services-some-inactive": Scenario(data={"services": with_services(
        xmpp=False, pop="False", imap=0, smtp="true")}),
    "services-strings": Scenario(data={"services": services({
        "spool": "True", "smtp": "1", "pop": "yes", "imap": "0", "xmpp": "false",
        "ldap": "untrue", "popretrieval": "TRUE", "imapretrieval": "running", "indexing": "10"})}),
    "services-numbers": Scenario(data={"services": services({
        "spool": 1, "smtp": 0, "pop": 10, "imap": 2, "xmpp": 1.0})}),
    "services-null": Scenario(data={"services": with_services(xmpp=None)}),
    # licenses
    "licenses-expired": Scenario(data={"licenses": licenses(
        daysUntilUpgradeProtectionExpires=-5, isUpgradeProtectionExpired=True)}),
    "licenses-null-days": Scenario(data={"licenses": licenses(daysUntilUpgradeProtectionExpires=None)}),
    "licenses-missing-flag": Scenario(data={"licenses": {
        "daysUntilUpgradeProtectionExpires": 120, "success": True, "resultCode": 200}}),
    "licenses-string-flag": Scenario(data={"licenses": licenses(isUpgradeProtectionExpired="True")}),
    # API-level errors
    "success-false": Scenario(each=every(json_reply({"success": False, "message": "Feature disabled"}))),
    "login-401": Scenario(login=error_reply(401, "Invalid username or password")),
    "login-no-token": Scenario(login=json_reply({"success": True, "resultCode": 200})),
    "slow-login": Scenario(login_delay=SLOW),
    "token-expired-once": Scenario(single_use_tokens=True),
    "data-403": Scenario(each=every(error_reply(403, "Access denied"))),
    "data-404": Scenario(each=every(error_reply(404, "Not found"))),
    "data-500": Scenario(each=every(error_reply(500, "Internal server error"))),
    "data-503": Scenario(each=every(error_reply(503, "Service unavailable"))),
    "data-502-html": Scenario(each=every(raw_reply(
        b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", status=502))),
    # broken bodies and transfers
    "html-error": Scenario(each=every(raw_reply(
        b"<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Server Error</h1></body></html>",
        "text/html; charset=utf-8"))),
    "not-json": Scenario(each=every(raw_reply(b"this is not json\n"))),
    "empty-body": Scenario(each=every(raw_reply(b"", "application/json"))),
    "truncated-body": Scenario(each=lambda kind: normal_reply(kind, transfer="truncated")),
    "chunked": Scenario(each=lambda kind: normal_reply(kind, transfer="chunked")),
    "chunked-truncated": Scenario(each=lambda kind: normal_reply(kind, transfer="chunked-truncated")),
    "slow": Scenario(each=lambda kind: normal_reply(kind, delay=SLOW)),
    "redirect-loop": Scenario(each=every(Reply(status=302, location="{self}"))),
    "redirect-once": Scenario(each=every(Reply(status=302, location="{normal}"))),
    "invalid-utf8": Scenario(each=lambda kind: raw_reply(INVALID_UTF8[kind], "application/json")),
    "nul-bytes": Scenario(data=NUL_ESCAPED),
    "nul-raw": Scenario(each=nul_raw),
    "deep-json": Scenario(each=deep_body),
    "huge-body": Scenario(each=huge_body),
}


# ---------------------------------------------------------------- server state

class State:
    """Issued tokens and per-scenario counters, shared by all handler threads."""

    def __init__(self, username, password):
        self.username, self.password = username, password
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.tokens = {}     # token -> {"expires": t, "data_calls": n}
            self.stats = {}
            self.requests = 0

    def scenario_stats(self, name):
        return self.stats.setdefault(name, {
            "login_calls": 0, "login_ok": 0, "data_calls": 0, "data_unauthorized": 0,
            "last_authorization": None, "last_username": None, "tokens_issued": [],
            "refresh_tokens_issued": []})

    def count(self, name, key, **set_fields):
        with self.lock:
            st = self.scenario_stats(name)
            st[key] += 1
            st.update(set_fields)

    def issue_tokens(self, name):
        """A new (access token, refresh token) pair."""
        token, refresh = "tok-" + secrets.token_hex(16), "ref-" + secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = {"expires": time.time() + TOKEN_LIFETIME, "data_calls": 0}
            st = self.scenario_stats(name)
            st["login_ok"] += 1
            st["tokens_issued"].append(token)
            st["refresh_tokens_issued"].append(refresh)
        return token, refresh

    def use_token(self, authorization, single_use):
        """True when the Authorization header carries a live token; counts the use."""
        scheme, _, token = (authorization or "").partition(" ")
        with self.lock:
            info = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
            if info is None or time.time() > info["expires"]:
                return False
            if single_use and info["data_calls"] > 0:
                del self.tokens[token.strip()]
                return False
            info["data_calls"] += 1
            return True

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps({"requests": self.requests, "scenarios": self.stats}))


# ---------------------------------------------------------------- HTTP handling

def split_scenario(path):
    """'/s/x/api/v1/a' -> ('x', '/a'); '/api/v1/a' -> ('normal', '/a'); else (None, None)."""
    name = "normal"
    if path.startswith("/s/"):
        name, sep, rest = path[3:].partition("/")
        path = "/" + rest if sep else ""
    if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
        return None, None
    return name, path[len(API_PREFIX):]


def expiration_iso(seconds):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120                   # idle keep-alive connections
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def version_string(self):
        return "SmarterMailSim/1.0"

    def setup(self):
        ctx = getattr(self.server, "ssl_context", None)
        if ctx is not None:  # TLS handshake in the worker thread, never in the accept loop
            self.request = ctx.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("sim: %s %s\n" % (self.address_string(), fmt % args))

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def do_DELETE(self):
        self.route("DELETE")

    # -- routing

    def route(self, method):
        state = self.server.state
        with state.lock:
            state.requests += 1
        body = self.read_body()
        path = urlsplit(self.path).path
        if path.startswith("/_sim/"):
            return self.introspect(method, path)
        name, rest = split_scenario(path)
        scenario = SCENARIOS.get(name)
        if scenario is None:
            return self.send(error_reply(404, "Not found"))
        if rest == LOGIN_PATH:
            if method != "POST":
                return self.send(error_reply(405, "Method not allowed"))
            return self.login(name, scenario, body)
        kind = ENDPOINTS.get(rest)
        if kind is None:
            return self.send(error_reply(404, "Not found"))
        if method != "GET":
            return self.send(error_reply(405, "Method not allowed"))
        return self.data(name, scenario, kind, path)

    def introspect(self, method, path):
        state = self.server.state
        if path == "/_sim/stats" and method == "GET":
            return self.send(json_reply(state.snapshot()))
        if path == "/_sim/reset" and method == "POST":
            state.reset()
            return self.send(json_reply({"success": True}))
        if path == "/_sim/scenarios" and method == "GET":
            return self.send(json_reply(sorted(SCENARIOS)))
        return self.send(error_reply(404, "Not found"))

    def login(self, name, scenario, body):
        state = self.server.state
        try:
            creds = json.loads(body or b"{}")
            username, password = creds.get("username"), creds.get("password")
        except (ValueError, AttributeError):
            username = password = None
        state.count(name, "login_calls", last_username=username)
        if scenario.login_delay:
            self.pause(scenario.login_delay)
        if scenario.login is not None:
            return self.send(scenario.login)
        if username != state.username or password != state.password:
            return self.send(error_reply(401, "Invalid username or password"))
        token, refresh = state.issue_tokens(name)
        return self.send(json_reply({
            "accessToken": token,
            "refreshToken": refresh,
            "accessTokenExpiration": expiration_iso(TOKEN_LIFETIME),
            "success": True,
            "resultCode": 200,
        }))

    def data(self, name, scenario, kind, path):
        state = self.server.state
        auth = self.headers.get("Authorization")
        state.count(name, "data_calls", last_authorization=auth)
        if not state.use_token(auth, scenario.single_use_tokens):
            state.count(name, "data_unauthorized")
            return self.send(error_reply(401, "Unauthorized"))
        reply = scenario.data_reply(kind)
        if reply.delay:
            self.pause(reply.delay)
        return self.send(reply, path=path)

    # -- I/O

    def read_body(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > 1 << 20:  # not a login: read a little, drop the connection afterwards
            self.close_connection = True
            length = 1 << 20
        return self.rfile.read(length) if length > 0 else b""

    def pause(self, seconds):
        time.sleep(self.server.slow_seconds if seconds == SLOW else seconds)

    def send(self, reply, path=""):
        try:
            self.write_reply(reply, path)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout):
            self.close_connection = True

    def write_reply(self, reply, path):
        self.send_response(reply.status)
        if reply.location:
            normal = path.split(API_PREFIX, 1)[-1]
            self.send_header("Location", reply.location.format(self=path, normal=API_PREFIX + normal))
        if reply.body or reply.status != 302:
            self.send_header("Content-Type", reply.content_type)
        body = reply.body
        if reply.transfer == "chunked" or reply.transfer == "chunked-truncated":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            return self.write_chunks(body, truncated=reply.transfer == "chunked-truncated")
        if reply.transfer == "truncated":  # announce the whole body, send half of it, hang up
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def write_chunks(self, body, truncated):
        pieces = [body[i:i + 37] for i in range(0, len(body), 37)]
        if truncated:
            pieces = pieces[: max(1, len(pieces) // 2)]
        for piece in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        if truncated:  # announce a chunk, send part of it, hang up
            self.wfile.write(b"400\r\n" + body[:10])
            self.close_connection = True
        else:
            self.wfile.write(b"0\r\n\r\n")


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port, state, ssl_context=None, verbose=False, slow_seconds=SLOW_SECONDS):
        self.state, self.ssl_context = state, ssl_context
        self.verbose, self.slow_seconds = verbose, slow_seconds
        super().__init__(("127.0.0.1", port), Handler)

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


# ---------------------------------------------------------------- main

def tls_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def write_ready_file(path, ports):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(ports, f)
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--http-port", type=int, default=0, help="0 = pick a free port")
    p.add_argument("--https-port", type=int, default=0, help="0 = pick a free port (needs --cert)")
    p.add_argument("--cert", help="PEM certificate (chain) for HTTPS; no HTTPS without it")
    p.add_argument("--key", help="PEM private key for --cert")
    p.add_argument("--alt-cert", help="second HTTPS listener with this certificate (e.g. wrong host)")
    p.add_argument("--alt-key")
    p.add_argument("--alt-https-port", type=int, default=0)
    p.add_argument("--ready-file", help="write {\"http_port\":..,\"https_port\":..} here once listening")
    p.add_argument("--username", default="monitor")
    p.add_argument("--password", default="s3cret-pass")
    p.add_argument("--slow-seconds", type=float, default=SLOW_SECONDS)
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    state = State(args.username, args.password)
    common = dict(state=state, verbose=args.verbose, slow_seconds=args.slow_seconds)
    servers = {"http_port": SimServer(args.http_port, **common)}
    if args.cert:
        ctx = tls_context(args.cert, args.key or args.cert)
        servers["https_port"] = SimServer(args.https_port, ssl_context=ctx, **common)
    if args.alt_cert:
        ctx = tls_context(args.alt_cert, args.alt_key or args.alt_cert)
        servers["alt_https_port"] = SimServer(args.alt_https_port, ssl_context=ctx, **common)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
               for s in servers.values()]
    for t in threads:
        t.start()

    ports = {name: s.server_address[1] for name, s in servers.items()}
    ports.setdefault("https_port", None)
    if args.ready_file:
        write_ready_file(args.ready_file, ports)
    if args.verbose:
        sys.stderr.write(f"sim: listening {json.dumps(ports)}\n")

    while not stop.wait(3600):
        pass
    for s in servers.values():
        s.shutdown()
        s.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
