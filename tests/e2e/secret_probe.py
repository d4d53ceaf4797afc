#!/usr/bin/env python3
"""A stand-in for the check_mail binary that looks for leaked secrets (test_security.py).

Point CHECK_MAIL_BIN at this file and run any end-to-end test file: every check_mail command
line the tests build then runs as the real binary (SECRET_PROBE_BIN) with --verbose and --debug
added, its output is passed through unchanged, and a JSON record per run goes to
SECRET_PROBE_LOG (one line each): the command line, the exit code, and every secret of that
command line found in its stdout or stderr.

The secrets of a command line are what it gives check_mail to keep: the values of every
--[<leg>-]password, -P, --authpass, --api-password, --shared-secret, --ssl-key-password option,
the password of a --proxyurl, the first line of every --[<leg>-]password-file, the
CHECK_MAIL_*PASSWORD environment variables; the first line of every --oauth-token-file,
--oauth-client-secret-file and --oauth-refresh-token-file and the CHECK_MAIL_OAUTH_TOKEN,
_CLIENT_SECRET and _REFRESH_TOKEN variables; and their SASL encodings (PLAIN's
base64("\\0user\\0password") for every user name given, LOGIN's base64(password), XOAUTH2's and
OAUTHBEARER's initial responses for a token).
"""

import base64
import json
import os
import re
import subprocess
import sys
import urllib.parse

SECRET_OPTION = re.compile(r"^--(?:[a-z0-9]+-)*(?:password|authpass|shared-secret|api-password)$")
FILE_OPTION = re.compile(r"^--(?:(?:[a-z0-9]+-)*password-file|oauth-(?:token|client-secret|refresh-token)-file)$")
USER_OPTION = re.compile(r"^--(?:[a-z0-9]+-)*(?:username|authuser|api-username)$")
SHORT = {"-P": "secret", "-U": "user"}
ENV_SECRET = re.compile(r"^CHECK_MAIL_(?:\w*PASSWORD|OAUTH_TOKEN|OAUTH_CLIENT_SECRET|OAUTH_REFRESH_TOKEN)$")
MIN_LENGTH = 4  # shorter values ("pw", "x") match by chance


def kind_of(option):
    if option in SHORT:
        return SHORT[option]
    if option == "--proxyurl":
        return "proxy"
    if FILE_OPTION.match(option):
        return "file"
    if SECRET_OPTION.match(option):
        return "secret"
    if USER_OPTION.match(option):
        return "user"
    return None


def option_values(args):
    """(kind, value) for every option that carries a secret, a user name or a proxy URL, in
    --name=value, --name value and -Xvalue form."""
    found = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if eq and name.startswith("--") and kind_of(name):
            found.append((kind_of(name), value))
        elif kind_of(arg) and i + 1 < len(args):
            found.append((kind_of(arg), args[i + 1]))
            i += 1
        elif len(arg) > 2 and arg[:2] in SHORT:
            found.append((SHORT[arg[:2]], arg[2:]))
        i += 1
    return found


def secrets_of(args, env):
    secrets, users = set(), [""]
    for kind, value in option_values(args):
        if kind == "secret":
            secrets.add(value)
        elif kind == "user":
            users.append(value)
        elif kind == "proxy":
            password = urllib.parse.urlsplit(value if "://" in value else "http://" + value).password
            if password:
                secrets.add(urllib.parse.unquote(password))
        elif kind == "file":
            try:
                with open(value, "rb") as f:
                    secrets.add(f.read(65536).split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace"))
            except OSError:
                pass
    for name, value in env.items():
        if ENV_SECRET.match(name) and value:
            secrets.add(value)
    secrets = {s for s in secrets if len(s) >= MIN_LENGTH}
    encoded = set()
    for secret in secrets:
        encoded.add(base64.b64encode(secret.encode()).decode())
        for user in users:
            encoded.add(base64.b64encode(f"\0{user}\0{secret}".encode()).decode())
            encoded.add(base64.b64encode(f"user={user}\x01auth=Bearer {secret}\x01\x01".encode()).decode())
            encoded.add(base64.b64encode(f"n,a={user},\x01auth=Bearer {secret}\x01\x01".encode()).decode())
    return sorted(secrets), sorted(encoded)


def main():
    real = os.environ["SECRET_PROBE_BIN"]
    args = sys.argv[1:]
    informational = {"--help", "-h", "--version", "-V", "--list-mode"} & set(args)
    extra = [] if informational else ["--verbose", "--debug"]
    proc = subprocess.run([real, *args, *extra], stdin=subprocess.DEVNULL, capture_output=True)
    secrets, encoded = secrets_of(args, os.environ)
    leaks = []
    for stream, data in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        for secret in secrets + encoded:
            if secret.encode() in data:
                leaks.append({"stream": stream, "secret": secret})
    record = {"argv": args, "exit": proc.returncode, "secrets": len(secrets), "leaks": leaks,
              "first_line": proc.stdout.split(b"\n", 1)[0].decode("utf-8", "replace")[:300]}
    log = os.environ.get("SECRET_PROBE_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps(record) + "\n")
    sys.stdout.buffer.write(proc.stdout)
    sys.stderr.buffer.write(proc.stderr)
    sys.exit(proc.returncode if proc.returncode >= 0 else 128 - proc.returncode)


if __name__ == "__main__":
    main()
