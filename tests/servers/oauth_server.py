#!/usr/bin/env python3
"""A small OAuth 2.0 authorisation server for check_mail's tests (Python standard library only).

It plays both sides a monitored mail service involves:

  POST /token       the token endpoint (RFC 6749): the client credentials grant (client_secret in
                    the body, or a private_key_jwt client assertion, RFC 7523, whose RS256
                    signature is checked with openssl against --client-cert) and the refresh
                    token grant. Errors are RFC 6749 section 5.2 JSON objects.
  POST /introspect  RFC 7662 token introspection, as Dovecot's oauth2 passdb calls it
                    (introspection_mode = post: form field "token"): {"active": true,
                    "username": USER, "scope": ..., "exp": ...} or {"active": false}.

Tokens are random, issued for --user, advertised with expires_in = --expires-in, and active
for --active-seconds (default: as advertised). An active time shorter than the advertised one
plays a token the issuer revoked or let expire early, so a client's cached token is refused by
the mail server while it still looks valid: the "expired token refreshed once" case.

Test control (loopback only; tests call it with urllib):
  POST /control     JSON {"fault": F, "active_seconds": N, "expires_in": N, "user": U,
                    "revoke_all": true} changes the behaviour from now on. F is one of
                    "" (none), "invalid_client", "unauthorized_client", "invalid_grant",
                    "500" (an HTML error page) or "hang" (the token endpoint never answers).
  POST /mint        JSON {"user": U} -> {"access_token": ...}: a token issued without a grant,
                    for the token-file and environment sources.
  GET  /stats       JSON counts: token requests per grant type, introspections, faults served.
  GET  /issued      JSON list of every access token issued or minted (to look for leaks).

Usage: oauth_server.py --port N --client-id ID --client-secret-file F --refresh-token-file F
                       --user U [--client-cert PEM] [--expires-in S] [--active-seconds S]
Prints "READY <port>" on stdout once it listens (port 0 picks a free one).
"""

import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.client_id = args.client_id
        self.client_secret = _first_line(args.client_secret_file)
        self.refresh_token = _first_line(args.refresh_token_file)
        self.client_cert = args.client_cert
        self.user = args.user
        self.expires_in = args.expires_in
        self.active_seconds = args.active_seconds if args.active_seconds is not None else args.expires_in
        self.fault = ""
        self.tokens = {}  # access token -> (user, active until, scope)
        self.issued = set()  # every token ever given out, revoked or not
        self.stats = {"client_credentials": 0, "refresh_token": 0, "client_assertion": 0, "introspect": 0,
                      "introspect_active": 0, "faults": 0, "minted": 0}

    def issue(self, scope, user=None):
        token = "cm." + secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = (user or self.user, time.time() + self.active_seconds, scope)
            self.issued.add(token)
        return token

    def count(self, key):
        with self.lock:
            self.stats[key] += 1


def _first_line(path):
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\r\n")


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_client_assertion(assertion, state, audience):
    """Why an RS256 private_key_jwt does not prove the client, or None: signature (openssl, the
    public key of --client-cert), x5t#S256 thumbprint, iss/sub/aud and the time claims."""
    if not state.client_cert:
        return "client assertions are not configured"
    try:
        header_b64, claims_b64, signature_b64 = assertion.split(".")
        header = json.loads(_b64url_decode(header_b64))
        claims = json.loads(_b64url_decode(claims_b64))
        signature = _b64url_decode(signature_b64)
    except ValueError:
        return "malformed JWT"
    if header.get("alg") != "RS256":
        return "alg is not RS256"
    der = subprocess.run(["openssl", "x509", "-in", state.client_cert, "-outform", "DER"], capture_output=True,
                         check=True).stdout
    import hashlib
    thumbprint = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    if header.get("x5t#S256") != thumbprint:
        return "x5t#S256 does not name the registered certificate"
    now = time.time()
    if claims.get("iss") != state.client_id or claims.get("sub") != state.client_id:
        return "iss/sub is not the client id"
    if claims.get("aud") != audience:
        return "aud is not the token endpoint"
    if not (claims.get("nbf", now + 1) <= now + 5 and claims.get("exp", 0) > now):
        return "outside nbf/exp"
    with tempfile.TemporaryDirectory() as tmp:
        pub = os.path.join(tmp, "pub.pem")
        sig = os.path.join(tmp, "sig")
        data = os.path.join(tmp, "data")
        with open(pub, "wb") as f:
            f.write(subprocess.run(["openssl", "x509", "-in", state.client_cert, "-pubkey", "-noout"],
                                   capture_output=True, check=True).stdout)
        with open(sig, "wb") as f:
            f.write(signature)
        with open(data, "wb") as f:
            f.write(f"{header_b64}.{claims_b64}".encode())
        verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, data],
                                  capture_output=True)
    return None if verified.returncode == 0 else "signature does not verify"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "check_mail-oauth-test/1"

    def log_message(self, fmt, *args):  # quiet: tests read /stats instead
        pass

    @property
    def state(self):
        return self.server.state

    def _reply(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, error, description):
        self._reply(status, {"error": error, "error_description": description})

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        if self.path == "/stats":
            with self.state.lock:
                self._reply(200, dict(self.state.stats))
        elif self.path == "/issued":
            with self.state.lock:
                self._reply(200, sorted(self.state.issued))
        else:
            self._reply(404, b"not found", "text/plain")

    def do_POST(self):
        body = self._body()
        if self.path == "/token":
            self._token(urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif self.path == "/introspect":
            self._introspect(urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif self.path == "/control":
            self._control(json.loads(body or b"{}"))
        elif self.path == "/mint":
            request = json.loads(body or b"{}")
            self.state.count("minted")
            self._reply(200, {"access_token": self.state.issue("mail", request.get("user")), "token_type": "Bearer"})
        else:
            self._reply(404, b"not found", "text/plain")

    def _token(self, form):
        s = self.state
        field = lambda name: (form.get(name) or [""])[0]  # noqa: E731
        fault = s.fault
        if fault:
            s.count("faults")
        if fault == "hang":
            time.sleep(3600)
            return
        if fault == "500":
            self._reply(500, b"<html><body>Internal Server Error</body></html>", "text/html")
            return
        if fault in ("invalid_client", "unauthorized_client", "invalid_grant"):
            descriptions = {
                "invalid_client": "AADSTS7000215: Invalid client secret provided.",
                "unauthorized_client": "AADSTS700016: Application not found in the directory.",
                "invalid_grant": "Token has been expired or revoked.",
            }
            self._error(401 if fault == "invalid_client" else 400, fault, descriptions[fault])
            return
        grant = field("grant_type")
        if field("client_id") != s.client_id:
            self._error(400, "unauthorized_client", "unknown client_id")
            return
        audience = f"http://{self.headers.get('Host')}/token"
        if grant == "client_credentials":
            s.count("client_credentials")
            if field("client_assertion"):
                s.count("client_assertion")
                if field("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
                    self._error(400, "invalid_request", "unsupported client_assertion_type")
                    return
                problem = verify_client_assertion(field("client_assertion"), s, audience)
                if problem:
                    self._error(401, "invalid_client", "client assertion refused: " + problem)
                    return
            elif field("client_secret") != s.client_secret:
                self._error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
                return
        elif grant == "refresh_token":
            s.count("refresh_token")
            if s.client_secret and field("client_secret") != s.client_secret:
                self._error(401, "invalid_client", "The OAuth client was not found.")
                return
            if field("refresh_token") != s.refresh_token:
                self._error(400, "invalid_grant", "Bad Request")
                return
        else:
            self._error(400, "unsupported_grant_type", "grant_type must be client_credentials or refresh_token")
            return
        scope = field("scope") or "mail"
        self._reply(200, {"access_token": s.issue(scope), "token_type": "Bearer", "expires_in": s.expires_in,
                          "scope": scope})

    def _introspect(self, form):
        s = self.state
        s.count("introspect")
        token = (form.get("token") or [""])[0]
        with s.lock:
            entry = s.tokens.get(token)
        if entry is None or entry[1] <= time.time():
            self._reply(200, {"active": False})
            return
        s.count("introspect_active")
        user, until, scope = entry
        self._reply(200, {"active": True, "username": user, "scope": scope, "exp": int(until),
                          "token_type": "Bearer"})

    def _control(self, request):
        s = self.state
        with s.lock:
            if "fault" in request:
                s.fault = request["fault"]
            if "active_seconds" in request:
                s.active_seconds = float(request["active_seconds"])
            if "expires_in" in request:
                s.expires_in = int(request["expires_in"])
            if "user" in request:
                s.user = request["user"]
            if request.get("revoke_all"):
                s.tokens.clear()
            if request.get("reset_stats"):
                for key in s.stats:
                    s.stats[key] = 0
        self._reply(200, {"ok": True})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret-file")
    parser.add_argument("--refresh-token-file")
    parser.add_argument("--client-cert", help="PEM certificate whose key signs client assertions")
    parser.add_argument("--user", required=True, help="username attribute of issued tokens")
    parser.add_argument("--expires-in", type=int, default=3600)
    parser.add_argument("--active-seconds", type=float)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.bind, args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
