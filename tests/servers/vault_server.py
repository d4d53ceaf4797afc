#!/usr/bin/env python3
"""A small HashiCorp-Vault-compatible HTTP server for check_mail's --pass-manager=hashicorpvault tests.

Implements the parts of Vault's HTTP API (v1) the password manager uses, on 127.0.0.1:
    GET  /v1/<kv1 mount>/<name>             KV version 1: {"data": {...}}
    GET  /v1/<kv2 mount>/data/<name>        KV version 2: {"data": {"data": {...}, "metadata": {...}}}
    POST /v1/auth/<mount>/login[/<user>]    userpass (and ldap/radius/okta shaped) login -> auth.client_token
Requests need the header X-Vault-Token (403 {"errors": ["permission denied"]} otherwise); a missing
secret is 404 {"errors": []}, as Vault answers.

    python3 vault_server.py --port 0 --config secrets.json     # prints {"port": N} on stdout

secrets.json: {"token": "...", "kv1": {"secret/x": {"k": "v"}}, "kv2": {"kv/data/x": {"k": "v"}},
               "destroyed": ["kv/data/gone"], "users": {"name": "password"}}
Stdlib only. Stops cleanly on SIGTERM/SIGINT. GET /_vault/requests lists the paths requested (no auth).
"""

import argparse
import json
import secrets
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, config):
        self.config = config
        self.tokens = {config["token"]}
        self.requests = []
        self.lock = threading.Lock()


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def authorised(self):
            return self.headers.get("X-Vault-Token") in state.tokens

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            with state.lock:
                state.requests.append(("GET", path, bool(self.headers.get("X-Vault-Token"))))
            if path == "/_vault/requests":
                return self.reply(200, {"requests": state.requests})
            if not path.startswith("/v1/"):
                return self.reply(404, {"errors": []})
            if not self.authorised():
                return self.reply(403, {"errors": ["permission denied"]})
            name = path[len("/v1/"):]
            config = state.config
            if name in config.get("kv1", {}):
                return self.reply(200, {"request_id": "1", "lease_duration": 2764800, "renewable": False,
                                        "data": config["kv1"][name], "wrap_info": None, "warnings": None,
                                        "auth": None})
            if name in config.get("kv2", {}):
                destroyed = name in config.get("destroyed", [])
                return self.reply(200, {"request_id": "2", "lease_duration": 0, "renewable": False,
                                        "data": {"data": None if destroyed else config["kv2"][name],
                                                 "metadata": {"created_time": "2026-01-01T00:00:00Z",
                                                              "custom_metadata": None,
                                                              "deletion_time": "",
                                                              "destroyed": destroyed, "version": 1}},
                                        "wrap_info": None, "warnings": None, "auth": None})
            return self.reply(404, {"errors": []})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            with state.lock:
                state.requests.append(("POST", path, bool(self.headers.get("X-Vault-Token"))))
            parts = path.strip("/").split("/")
            # v1/auth/<mount>/login[/<user>]
            if len(parts) < 4 or parts[:2] != ["v1", "auth"] or parts[3] != "login":
                return self.reply(404, {"errors": []})
            try:
                login = json.loads(body or b"{}")
            except ValueError:
                return self.reply(400, {"errors": ["failed to parse JSON input"]})
            user = parts[4] if len(parts) > 4 else login.get("username")
            if state.config.get("users", {}).get(user) != login.get("password"):
                return self.reply(400, {"errors": ["invalid username or password"]})
            token = "hvs." + secrets.token_urlsafe(16)
            with state.lock:
                state.tokens.add(token)
            return self.reply(200, {"auth": {"client_token": token, "policies": ["default"], "lease_duration": 3600}})

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        state = State(json.load(f))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    signal.signal(signal.SIGINT, lambda *_: threading.Thread(target=server.shutdown).start())
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
