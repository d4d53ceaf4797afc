"""OAuth 2.0 (XOAUTH2, OAUTHBEARER) for --mode=smtp, imap, pop3 and roundtrip against a real
Postfix + Dovecot on loopback, Dovecot's oauth2 passdb validating every token by RFC 7662
introspection at the project's OAuth test server (tests/servers/oauth_server.py), which also
serves the token endpoint (client credentials and refresh token grants, with faults).

setUpModule starts tests/servers/mailstack and the OAuth server on the port the stack's Dovecot
introspects (MAILSTACK_OAUTH_PORT). Nothing is skipped: a missing binary or daemon fails.

Every case asserts the plugin rules (one status line first, its exit code, empty stderr, an end
within --timeout + 0.5 s) and that no secret (client secret, refresh token, any access token the
server issued, and their SASL encodings) appears in the output, also with --verbose --debug.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from smtp_support import MailStack, PluginAssertions, closed_port, require_check_mail, run

HERE = os.path.dirname(os.path.abspath(__file__))
OAUTH_SERVER = os.path.join(os.path.dirname(HERE), "servers", "oauth_server.py")
STACK = None
OAUTH = None
BIN = None
TMP = None
HOST = "localhost"  # the test certificate is for localhost
TIMEOUT = 5
CLIENT_ID = "check-mail-test-client"
CLIENT_SECRET = "Cl1ent-Secret-Value-0123456789"
REFRESH_TOKEN = "1//refresh-Token-Value-abcdef"
MECHANISMS = ("xoauth2", "oauthbearer")


class OAuthServer:
    """tests/servers/oauth_server.py as a child process, and its control endpoints."""

    def __init__(self, port, directory, user):
        self.secret_file = os.path.join(directory, "client.secret")
        self.refresh_file = os.path.join(directory, "refresh.token")
        for path, value in ((self.secret_file, CLIENT_SECRET), (self.refresh_file, REFRESH_TOKEN)):
            with open(path, "w") as f:
                f.write(value + "\n")
            os.chmod(path, 0o600)
        self.cert, self.key = make_client_certificate(directory, "app")
        self.proc = subprocess.Popen(
            [sys.executable, OAUTH_SERVER, "--port", str(port), "--client-id", CLIENT_ID,
             "--client-secret-file", self.secret_file, "--refresh-token-file", self.refresh_file,
             "--client-cert", self.cert, "--user", user],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY"):
            self.proc.kill()
            raise AssertionError(f"OAuth server did not start: {line!r} {self.proc.stderr.read()[-2000:]}")
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def call(self, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        with urllib.request.urlopen(urllib.request.Request(self.url + path, data=data), timeout=5) as reply:
            return json.load(reply)

    def control(self, **settings):
        self.call("/control", settings)

    def reset(self):
        self.control(fault="", active_seconds=3600, expires_in=3600, user=STACK["USER"], reset_stats=True)

    def stats(self):
        return self.call("/stats")

    def mint(self, user=None):
        return self.call("/mint", {"user": user or STACK["USER"]})["access_token"]

    def issued(self):
        return self.call("/issued")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def make_client_certificate(directory, name):
    """A self-signed RSA certificate and its key, as an app registration's certificate credential."""
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    os.chmod(key, 0o600)
    return cert, key


def setUpModule():
    global STACK, OAUTH, BIN, TMP
    BIN = require_check_mail()
    TMP = tempfile.mkdtemp(prefix="cm-oauth-")
    STACK = MailStack().start()
    try:
        OAUTH = OAuthServer(STACK.port("OAUTH"), TMP, STACK["USER"])
    except BaseException:
        STACK.stop()
        raise


def tearDownModule():
    if OAUTH is not None:
        OAUTH.stop()
    if STACK is not None:
        STACK.stop()
    shutil.rmtree(TMP, ignore_errors=True)


def secrets():
    """Every secret a case may hold, with the SASL encodings of the tokens."""
    found = [CLIENT_SECRET, REFRESH_TOKEN, STACK["PASS"]]
    for token in OAUTH.issued():
        found.append(token)
        for user in (STACK["USER"], STACK["USER2"]):
            found.append(base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode()).decode())
            found.append(base64.b64encode(f"n,a={user},\x01auth=Bearer {token}\x01\x01".encode()).decode())
    return found


def connection(mode):
    """The mail server options of a mode (TLS everywhere, verified against the stack's CA)."""
    common = [f"--cafile={STACK['CA']}", f"--username={STACK['USER']}"]
    if mode == "smtp":
        return [f"--hostname={HOST}", f"--port={STACK.port('SUBMISSION')}", "--security=starttls"] + common
    if mode == "imap":
        return [f"--hostname={HOST}", f"--port={STACK.port('IMAPS')}", "--security=ssl"] + common
    if mode == "pop3":
        return [f"--hostname={HOST}", f"--port={STACK.port('POP3S')}", "--security=ssl"] + common
    return [f"--hostname={HOST}", f"--smtp-port={STACK.port('SUBMISSION')}", "--smtp-security=starttls",
            f"--imap-port={STACK.port('IMAPS')}", "--imap-security=ssl", f"--email={STACK['USER']}",
            "--poll-interval=0.2"] + common


def auth(mode, mechanism):
    if mode == "roundtrip":
        return [f"--smtp-auth-type={mechanism}", f"--imap-auth-type={mechanism}"]
    return [f"--auth-type={mechanism}"]


def grant_args(kind, cache_dir):
    """Token source options: the client credentials or refresh token grant at the test server."""
    args = [f"--oauth-token-url={OAUTH.url}/token", f"--oauth-client-id={CLIENT_ID}", f"--oauth-cache-dir={cache_dir}"]
    if kind == "client_credentials":
        return args + [f"--oauth-client-secret-file={OAUTH.secret_file}", "--oauth-scope=mail"]
    if kind == "refresh_token":
        return args + [f"--oauth-client-secret-file={OAUTH.secret_file}", f"--oauth-refresh-token-file={OAUTH.refresh_file}"]
    if kind == "client_certificate":
        return args + [f"--oauth-client-certificate-file={OAUTH.cert}", f"--oauth-client-key-file={OAUTH.key}"]
    raise ValueError(kind)


def token_label(mode):
    return mode + ".token.time.seconds"


class OAuthCase(PluginAssertions, unittest.TestCase):
    maxDiff = None

    def setUp(self):
        STACK.flush()
        OAUTH.reset()
        self.cache_dir = tempfile.mkdtemp(prefix="cache-", dir=TMP)
        os.chmod(self.cache_dir, 0o700)

    def check(self, mode, args, status, summary=None, timeout=TIMEOUT, env=None, verbose=True):
        """Runs the check and asserts the rules; with verbose, once more with --verbose --debug
        (the dialogue, redacted). Returns the first result."""
        argv = [BIN, f"--mode={mode}", f"--timeout={timeout}"] + list(args)
        full_env = dict(os.environ, **(env or {}))
        result = run(argv, timeout=timeout + 10, env=full_env)
        self.assertPlugin(result, status, timeout, secrets(), summary)
        if verbose:
            chatty = run(argv + ["--verbose", "--debug"], timeout=timeout + 10, env=full_env)
            self.assertPlugin(chatty, status, timeout, secrets(), summary)
        return result

    def token_file(self, token):
        path = os.path.join(self.cache_dir, "access.token")
        with open(path, "w") as f:
            f.write(token + "\n")
        os.chmod(path, 0o600)
        return path


class MechanismSourceTests(OAuthCase):
    def test_each_mechanism_and_token_source_on_each_mode(self):
        for mode in ("smtp", "imap", "pop3", "roundtrip"):
            for mechanism in MECHANISMS:
                for source in ("file", "env", "client_credentials", "refresh_token"):
                    with self.subTest(mode=mode, mechanism=mechanism, source=source):
                        STACK.flush()
                        env = None
                        if source == "file":
                            extra = [f"--oauth-token-file={self.token_file(OAUTH.mint())}"]
                        elif source == "env":
                            extra, env = [], {"CHECK_MAIL_OAUTH_TOKEN": OAUTH.mint()}
                        else:
                            extra = grant_args(source, tempfile.mkdtemp(dir=self.cache_dir))
                        shown = "AUTHENTICATE" if mode == "imap" else "AUTH"
                        result = self.check(mode, connection(mode) + auth(mode, mechanism) + extra, "OK",
                                            None if mode == "roundtrip" else
                                            rf"{shown} {mechanism.upper()} as monitor@example\.test",
                                            env=env, verbose=(mode != "roundtrip"))
                        self.assertIn(token_label(mode), result.perfdata, result.describe())

    def test_auto_prefers_oauth_when_a_token_source_is_configured(self):
        for mode in ("smtp", "imap", "pop3"):
            with self.subTest(mode=mode):
                self.check(mode, connection(mode) + ["--auth-type=auto"] + grant_args("client_credentials", self.cache_dir),
                           "OK", r"(XOAUTH2|OAUTHBEARER) as monitor@example\.test")

    def test_client_certificate_assertion(self):
        result = self.check("imap", connection("imap") + auth("imap", "xoauth2") +
                            grant_args("client_certificate", self.cache_dir), "OK", r"AUTHENTICATE XOAUTH2 as ")
        self.assertEqual(OAUTH.stats()["client_assertion"], 1, result.describe())

    def test_client_certificate_the_server_does_not_know(self):
        cert, key = make_client_certificate(self.cache_dir, "stranger")
        args = grant_args("client_certificate", self.cache_dir)
        args = [a for a in args if not a.startswith("--oauth-client-")] + [
            f"--oauth-client-id={CLIENT_ID}", f"--oauth-client-certificate-file={cert}", f"--oauth-client-key-file={key}"]
        self.check("imap", connection("imap") + auth("imap", "xoauth2") + args, "CRITICAL",
                   r"refused the client credentials grant: invalid_client \(client assertion refused: x5t#S256")


class RefusalTests(OAuthCase):
    def test_wrong_token_is_critical_with_the_servers_refusal(self):
        bogus = self.token_file("not-a-token-the-server-issued")
        expectations = {
            "smtp": r"^CRITICAL: .*AUTH (XOAUTH2|OAUTHBEARER) failed: 535 5\.7\.8 ",
            "imap": r"^CRITICAL: .*NO \[AUTHENTICATIONFAILED\] Authentication failed",
            "pop3": r"^CRITICAL: .*-ERR \[AUTH\] Authentication failed",
        }
        for mode, refusal in expectations.items():
            for mechanism in MECHANISMS:
                with self.subTest(mode=mode, mechanism=mechanism):
                    result = self.check(mode, connection(mode) + auth(mode, mechanism) + [f"--oauth-token-file={bogus}"],
                                        "CRITICAL", refusal)
                    # The JSON error challenge, decoded.
                    self.assertRegex(result.summary, r"status (401|invalid_token)", result.describe())

    def test_inactive_token_is_critical(self):
        token = OAUTH.mint()
        OAUTH.control(revoke_all=True)
        self.check("imap", connection("imap") + auth("imap", "oauthbearer") + [f"--oauth-token-file={self.token_file(token)}"],
                   "CRITICAL", r"status invalid_token")

    def test_token_of_another_user_is_critical(self):
        token = OAUTH.mint(STACK["USER2"])
        self.check("smtp", connection("smtp") + auth("smtp", "xoauth2") + [f"--oauth-token-file={self.token_file(token)}"],
                   "CRITICAL", r"AUTH XOAUTH2 failed: 535 ")

    def test_refusal_hint_in_long_output(self):
        bogus = self.token_file("not-a-token-the-server-issued")
        result = self.check("smtp", connection("smtp") + auth("smtp", "xoauth2") +
                            [f"--oauth-token-file={bogus}", "--verbose"], "CRITICAL", verbose=False)
        self.assertIn("hint: ", result.stdout, result.describe())


class CacheTests(OAuthCase):
    def args(self, mechanism="xoauth2", mode="imap"):
        return connection(mode) + auth(mode, mechanism) + grant_args("client_credentials", self.cache_dir)

    def test_token_is_cached_and_token_time_is_zero_then(self):
        first = self.check("imap", self.args(), "OK", verbose=False)
        self.assertGreater(float(first.perfdata["imap.token.time.seconds"].rstrip("s")), 0, first.describe())
        second = self.check("imap", self.args(), "OK", verbose=False)
        self.assertEqual(float(second.perfdata["imap.token.time.seconds"].rstrip("s")), 0, second.describe())
        self.assertEqual(OAUTH.stats()["client_credentials"], 1)
        files = os.listdir(self.cache_dir)
        self.assertEqual(len(files), 1, files)
        mode = os.stat(os.path.join(self.cache_dir, files[0])).st_mode & 0o777
        self.assertEqual(mode, 0o600)

    def test_expiry_is_honoured(self):
        OAUTH.control(expires_in=2)
        self.check("imap", self.args(), "OK", verbose=False)
        time.sleep(2.2)
        self.check("imap", self.args(), "OK", verbose=False)
        self.assertEqual(OAUTH.stats()["client_credentials"], 2)

    def test_expired_cached_token_refreshed_once(self):
        for mode in ("smtp", "imap", "pop3"):
            for mechanism in MECHANISMS:
                with self.subTest(mode=mode, mechanism=mechanism):
                    OAUTH.reset()
                    self.cache_dir = tempfile.mkdtemp(prefix="cache-", dir=TMP)  # an empty cache each time
                    os.chmod(self.cache_dir, 0o700)
                    self.check(mode, self.args(mechanism, mode), "OK", verbose=False)
                    # The issuer ends the token early: the cache still holds it, the server refuses it.
                    OAUTH.control(revoke_all=True)
                    result = self.check(mode, self.args(mechanism, mode), "OK", verbose=False)
                    self.assertEqual(OAUTH.stats()["client_credentials"], 2, result.describe())
                    self.assertGreater(float(result.perfdata[token_label(mode)].rstrip("s")), 0, result.describe())

    def test_refreshed_only_once(self):
        self.check("imap", self.args(), "OK", verbose=False)
        OAUTH.control(revoke_all=True, active_seconds=0)  # every new token is refused too
        result = self.check("imap", self.args(), "CRITICAL", r"AUTHENTICATIONFAILED", verbose=False)
        self.assertEqual(OAUTH.stats()["client_credentials"], 2, result.describe())

    def test_a_fresh_token_refused_is_not_fetched_again(self):
        OAUTH.control(active_seconds=0)
        self.check("imap", self.args(), "CRITICAL", r"AUTHENTICATIONFAILED", verbose=False)
        self.assertEqual(OAUTH.stats()["client_credentials"], 1)

    def test_roundtrip_obtains_one_token_for_both_legs(self):
        result = self.check("roundtrip", connection("roundtrip") + auth("roundtrip", "xoauth2") +
                            grant_args("client_credentials", self.cache_dir), "OK", verbose=False)
        self.assertEqual(OAUTH.stats()["client_credentials"], 1, result.describe())


class TokenEndpointFaultTests(OAuthCase):
    def args(self, kind="client_credentials", mode="smtp"):
        return connection(mode) + auth(mode, "xoauth2") + grant_args(kind, self.cache_dir)

    def test_credential_refusals_are_critical_and_name_the_endpoint(self):
        for fault, kind in (("invalid_client", "client_credentials"), ("unauthorized_client", "client_credentials"),
                            ("invalid_grant", "refresh_token")):
            with self.subTest(fault=fault):
                OAUTH.control(fault=fault)
                grant = "client credentials" if kind == "client_credentials" else "refresh token"
                self.check("smtp", self.args(kind), "CRITICAL",
                           rf"^CRITICAL: OAuth token endpoint {OAUTH.url}/token refused the {grant} grant: {fault} \(")

    def test_wrong_client_secret(self):
        wrong = os.path.join(self.cache_dir, "wrong.secret")
        with open(wrong, "w") as f:
            f.write("Wrong-Client-Secret-999\n")
        os.chmod(wrong, 0o600)
        args = [a for a in self.args() if not a.startswith("--oauth-client-secret-file")]
        self.check("smtp", args + [f"--oauth-client-secret-file={wrong}"], "CRITICAL", r"invalid_client \(AADSTS7000215")

    def test_server_error_is_unknown(self):
        OAUTH.control(fault="500")
        self.check("imap", self.args(mode="imap"), "UNKNOWN",
                   rf"^UNKNOWN: OAuth token endpoint {OAUTH.url}/token answered HTTP 500 ")

    def test_hanging_endpoint_ends_within_the_timeout(self):
        OAUTH.control(fault="hang")
        self.check("pop3", self.args(mode="pop3"), "UNKNOWN",
                   rf"^UNKNOWN: OAuth token endpoint {OAUTH.url}/token: Timeout after ", timeout=2, verbose=False)

    def test_endpoint_down(self):
        args = [a for a in self.args() if not a.startswith("--oauth-token-url")]
        self.check("smtp", args + [f"--oauth-token-url=http://127.0.0.1:{closed_port()}/token"], "UNKNOWN",
                   r"^UNKNOWN: OAuth token endpoint http://127\.0\.0\.1:\d+/token: Cannot connect to 127\.0\.0\.1:\d+: "
                   r"connection refused")

    def test_token_url_must_be_https_off_loopback_and_carry_no_credentials(self):
        base = [a for a in self.args() if not a.startswith("--oauth-token-url")]
        self.check("smtp", base + ["--oauth-token-url=http://idp.example/token"], "UNKNOWN",
                   r"Wrong --oauth-token-url: plain http", verbose=False)
        self.check("smtp", base + [f"--oauth-token-url=https://user:{CLIENT_SECRET}@idp.example/token"], "UNKNOWN",
                   r"Wrong --oauth-token-url: user information", verbose=False)

    def test_the_query_of_the_token_url_is_not_shown(self):
        OAUTH.control(fault="500")
        base = [a for a in self.args() if not a.startswith("--oauth-token-url")]
        result = self.check("smtp", base + [f"--oauth-token-url={OAUTH.url}/token?tenant-hint=Hidden-Query-Value"],
                            "UNKNOWN", verbose=False)
        self.assertNotIn("Hidden-Query-Value", result.stdout, result.describe())


if __name__ == "__main__":
    unittest.main()
