"""SASL through the one engine against real servers: SCRAM-SHA-256 and SCRAM-SHA-1 with Dovecot
(IMAP, POP3) and Postfix through Dovecot SASL (SMTP), auto's choice, the server's refusal of a
wrong password, and the fallback to the next mechanism when a server refuses one as unsupported
(scripted: GNU Mailutils advertises CRAM-MD5 without a back end and refuses it).

setUpModule starts tests/servers/mailstack on its own port base (27000 when free); Dovecot keeps
plaintext passwords, from which it derives the SCRAM keys. Every case asserts the plugin rules
(one status line, exit code, empty stderr, within --timeout, no password in the output).

Dovecot 2.3 offers no -PLUS mechanism, so -PLUS channel binding (tls-exporter on TLS 1.3,
tls-server-end-point on TLS 1.2) is tested against tests/servers/scram_server.py, which checks the
client's binding against its own TLS session, directly and behind the TLS-terminating proxy of
tests/servers/tls_proxy.py (issue 12: a proxy in the middle must make -PLUS fail).
"""

import base64
import os
import re
import shutil
import ssl
import tempfile
import unittest

from smtp_support import MailStack, PluginAssertions, make_certs, require_check_mail, run
# After smtp_support, which puts tests/servers on the path.
from scram_server import ScramServer
from tls_proxy import TlsProxy

STACK = None
BIN = None
HOST = "localhost"
TIMEOUT = 10
WRONG_PASSWORD = "Wr0ng-Scram-42"
PREFERRED_PORT_BASE = 27000


def setUpModule():
    global STACK, BIN
    BIN = require_check_mail()
    STACK = MailStack(PREFERRED_PORT_BASE).start()


def tearDownModule():
    if STACK is not None:
        STACK.stop()


def secrets():
    found = []
    for password in (STACK["PASS"], WRONG_PASSWORD):
        found += [password, base64.b64encode(password.encode()).decode()]
    return found


def connection(mode, password=None):
    """A TLS connection to the stack's server for mode, with credentials."""
    port = {"smtp": "SUBMISSION", "imap": "IMAPS", "pop3": "POP3S"}[mode]
    security = "starttls" if mode == "smtp" else "ssl"
    return [f"--hostname={HOST}", f"--port={STACK.port(port)}", f"--security={security}", f"--cafile={STACK['CA']}",
            f"--username={STACK['USER']}", f"--password={password or STACK['PASS']}"]


class SaslCase(PluginAssertions, unittest.TestCase):
    def check(self, mode, args, status, summary=None):
        argv = [BIN, f"--mode={mode}", f"--timeout={TIMEOUT}"] + list(args)
        result = run(argv, timeout=TIMEOUT + 10)
        self.assertPlugin(result, status, TIMEOUT, secrets(), summary)
        chatty = run(argv + ["--verbose"], timeout=TIMEOUT + 10)
        self.assertPlugin(chatty, status, TIMEOUT, secrets(), summary)
        self.chatty = chatty
        return result


class ScramTests(SaslCase):
    def test_scram_on_smtp_imap_pop3(self):
        for mode in ("smtp", "imap", "pop3"):
            command = "AUTHENTICATE" if mode == "imap" else "AUTH"
            for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-1"):
                with self.subTest(mode=mode, mechanism=mechanism):
                    self.check(mode, connection(mode) + [f"--auth-type={mechanism.lower()}"], "OK",
                               rf", {command} {mechanism} as {STACK['USER']}\)")
                    # Each client step shows redacted; the server's challenges are its own.
                    self.assertIn(f"{command} {mechanism} <redacted>", self.chatty.stdout, self.chatty.describe())

    def test_auto_picks_scram_sha_256(self):
        for mode in ("smtp", "imap", "pop3"):
            command = "AUTHENTICATE" if mode == "imap" else "AUTH"
            with self.subTest(mode=mode):
                self.check(mode, connection(mode) + ["--auth-type=auto"], "OK",
                           rf", {command} SCRAM-SHA-256 as {STACK['USER']}\)")

    def test_wrong_password_is_the_servers_refusal(self):
        for mode, refusal in (("smtp", r"AUTH SCRAM-SHA-256 failed: 535 5\.7\.8"),
                              ("imap", r"AUTHENTICATE SCRAM-SHA-256 refused: NO \[AUTHENTICATIONFAILED\]"),
                              ("pop3", r"AUTH SCRAM-SHA-256 refused: -ERR \[AUTH\]")):
            with self.subTest(mode=mode):
                self.check(mode, connection(mode, WRONG_PASSWORD) + ["--auth-type=scram-sha-256"], "CRITICAL", refusal)

    def test_scram_plus_needs_tls_and_an_offer(self):
        # Dovecot 2.3 offers no -PLUS mechanism: asked for one, the check says so.
        self.check("imap", connection("imap") + ["--auth-type=scram-sha-256-plus"], "CRITICAL",
                   r"server does not offer AUTH SCRAM-SHA-256-PLUS")


class Issue14Tests(SaslCase):
    def test_issue14_item18_auto_falls_back(self):
        # A server that advertises CRAM-MD5 without a back end refuses it as unsupported (504):
        # auto goes on with the next mechanism offered instead of failing.
        from smtp_fault_server import BANNER, FaultServer, smtp_replies
        replies = smtp_replies(
            EHLO=b"250-fault.example\r\n250 AUTH CRAM-MD5 PLAIN\r\n",
            AUTH=lambda line: (b"504 5.5.4 Unrecognized authentication type\r\n" if b"CRAM-MD5" in line.upper()
                               else b"235 2.7.0 Authentication successful\r\n"))
        with FaultServer([("send", BANNER), ("serve", replies)]) as server:
            self.check("smtp", ["-H", "127.0.0.1", "-p", str(server.port), "--auth-type=auto",
                                f"--username={STACK['USER']}", f"--password={STACK['PASS']}",
                                "--allow-plaintext-auth"], "OK", r"\(plain, AUTH PLAIN as ")
            sent = [line.split()[0:2] for line in server.received if line.upper().startswith("AUTH")]
        self.assertEqual(sent[:2], [["AUTH", "CRAM-MD5"], ["AUTH", "PLAIN"]])
        self.assertIn("CRAM-MD5 refused as unsupported; trying PLAIN", self.chatty.stdout)

    def test_issue14_item18_auto_skips_cram_md5_over_tls(self):
        # Over TLS, auto prefers SCRAM; CRAM-MD5 is never chosen there.
        self.check("smtp", connection("smtp") + ["--auth-type=auto"], "OK", r"AUTH SCRAM-SHA-256 as ")
        self.assertNotIn("AUTH CRAM-MD5", self.chatty.stdout)

    def test_issue14_item20_status_names_the_mechanism_used(self):
        # A refused auto login names the mechanism that was tried, not the option ("auto").
        result = self.check("smtp", connection("smtp", WRONG_PASSWORD) + ["--auth-type=auto"], "CRITICAL",
                            r"\(STARTTLS TLSv1\.[23], AUTH SCRAM-SHA-256 as ")
        self.assertNotIn("AUTH auto", result.stdout)


# ------------------------------------------------------------------ -PLUS and a TLS-terminating proxy
SCRAM_USER = "monitor"
SCRAM_PASSWORD = "Bound-Scram-42"
TLS13, TLS12 = ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2
VERSIONS = {TLS13: ("TLSv1.3", "tls-exporter"), TLS12: ("TLSv1.2", "tls-server-end-point")}
# mode, --security, the status line's name for it, the SASL command, the refusal as check_mail
# reports it (the scripted server's verdict after an e= server-final-message)
PROTOCOLS = (
    ("smtp", "starttls", "STARTTLS", "AUTH", r"failed: 535 5\.7\.8 Authentication credentials invalid"),
    ("smtp", "ssl", "SSL", "AUTH", r"failed: 535 5\.7\.8 Authentication credentials invalid"),
    ("imap", "ssl", "SSL", "AUTHENTICATE", r"refused: NO \[AUTHENTICATIONFAILED\] Authentication failed\."),
    ("pop3", "ssl", "SSL", "AUTH", r"refused: -ERR \[AUTH\] Authentication failed\."),
)
MISMATCH = "channel-bindings-dont-match"
# What a proxy that also hides -PLUS from the offer strips (SMTP AUTH, IMAP AUTH=, POP3 SASL).
PLUS_OFFER = re.compile(rb" (?:AUTH=)?SCRAM-SHA-(?:1|256)-PLUS\b")


def reason(mechanism, error):
    """The server-final-message's e= value as check_mail adds it to the server's refusal."""
    return rf"\({mechanism} server error: {error}\)"


def challenge_of(mode, message):
    """How a scripted server's SCRAM message shows in the --verbose transcript."""
    return ("334 " if mode == "smtp" else "+ ") + base64.b64encode(message.encode()).decode()


class ChannelBindingProxyTests(PluginAssertions, unittest.TestCase):
    """Issue 12: a TLS-terminating proxy in the middle makes -PLUS fail, and only -PLUS.

    The proxy has a certificate of its own from the same CA (check_mail verifies it with --cafile,
    no --insecure) and its own TLS session to the server, which judges the client's binding by
    its own session. Each check runs twice (with and without --verbose), so the servers see two
    exchanges and the proxy two connections."""

    certs = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cm-sasl-plus-")
        cls.certs = make_certs(os.path.join(cls.tmp, "certs"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def server(self, mode, security, version):
        server = ScramServer(mode, self.certs, security=security, username=SCRAM_USER, password=SCRAM_PASSWORD,
                             tls_version=version).start()
        self.addCleanup(server.stop)
        return server

    def proxy(self, server, security, version, back_version=None, **options):
        proxy = TlsProxy(server.port, self.certs, starttls="smtp" if security == "starttls" else None,
                         front_version=version, back_version=back_version or version, **options).start()
        self.addCleanup(proxy.stop)
        return proxy

    def check(self, mode, security, port, auth_type, status, summary):
        argv = [BIN, f"--mode={mode}", f"--timeout={TIMEOUT}", "--hostname=127.0.0.1", f"--port={port}",
                f"--security={security}", f"--cafile={os.path.join(self.certs, 'ca.pem')}",
                f"--username={SCRAM_USER}", f"--password={SCRAM_PASSWORD}", f"--auth-type={auth_type}"]
        secrets = [SCRAM_PASSWORD, base64.b64encode(SCRAM_PASSWORD.encode()).decode()]
        self.assertPlugin(run(argv, timeout=TIMEOUT + 10), status, TIMEOUT, secrets, summary)
        chatty = run(argv + ["--verbose"], timeout=TIMEOUT + 10)
        self.assertPlugin(chatty, status, TIMEOUT, secrets, summary)
        return chatty

    def assertExchanges(self, server, mechanism, flag, result, proof_ok=True):
        """Both runs' exchanges, as the server saw them; nothing went wrong on its side."""
        expected = {"mechanism": mechanism, "flag": flag, "proof_ok": proof_ok, "result": result}
        self.assertEqual(server.exchanges, [expected, expected], f"errors: {server.errors}")
        self.assertEqual(server.errors, [])

    def assertProxied(self, proxy, version):
        """Two connections relayed, each over two TLS sessions of that version."""
        name = VERSIONS[version][0]
        self.assertEqual(proxy.sessions, [(name, name)] * 2, f"errors: {proxy.errors}")
        self.assertEqual(proxy.errors, [])

    def test_plus_succeeds_without_a_proxy(self):
        # The control, and the proof that the server's binding data are the client's when nothing
        # is in the middle (check_mail takes its own from OpenSSL; the server computes its own).
        for mode, security, label, command, _ in PROTOCOLS:
            for version, (name, binding) in VERSIONS.items():
                with self.subTest(mode=mode, security=security, tls=name):
                    server = self.server(mode, security, version)
                    self.check(mode, security, server.port, "scram-sha-256-plus", "OK",
                               rf"\({label} {name}, {command} SCRAM-SHA-256-PLUS as {SCRAM_USER}\)")
                    self.assertExchanges(server, "SCRAM-SHA-256-PLUS", f"p={binding}", "ok")

    def test_plus_fails_through_a_tls_terminating_proxy(self):
        for mode, security, label, command, refusal in PROTOCOLS:
            # SCRAM-SHA-1-PLUS once (on the submission path): the binding does not depend on the hash.
            mechanisms = ("SCRAM-SHA-256-PLUS",) + (("SCRAM-SHA-1-PLUS",) if security == "starttls" else ())
            for version, (name, binding) in VERSIONS.items():
                for mechanism in mechanisms:
                    with self.subTest(mode=mode, security=security, tls=name, mechanism=mechanism):
                        server = self.server(mode, security, version)
                        proxy = self.proxy(server, security, version)
                        chatty = self.check(mode, security, proxy.port, mechanism.lower(), "CRITICAL",
                                            rf"\({label} {name}, {command} {mechanism} as {SCRAM_USER}\): "
                                            rf"{command} {mechanism} {refusal} {reason(mechanism, MISMATCH)}$")
                        # The proof was right (the proxy relays faithfully): only the binding differs.
                        self.assertExchanges(server, mechanism, f"p={binding}", "channel-bindings-dont-match")
                        self.assertProxied(proxy, version)
                        # The server's reason reaches the client as its server-final-message (RFC 5802 7).
                        self.assertIn(challenge_of(mode, "e=channel-bindings-dont-match"), chatty.stdout,
                                      chatty.describe())

    def test_scram_without_binding_passes_the_proxy(self):
        # The same proxy does not disturb SCRAM itself. The server offers -PLUS, so the client
        # says "n" (it does not bind), not "y".
        for mode, security, label, command, _ in PROTOCOLS:
            for version, (name, _) in VERSIONS.items():
                with self.subTest(mode=mode, security=security, tls=name):
                    server = self.server(mode, security, version)
                    proxy = self.proxy(server, security, version)
                    self.check(mode, security, proxy.port, "scram-sha-256", "OK",
                               rf"\({label} {name}, {command} SCRAM-SHA-256 as {SCRAM_USER}\)")
                    self.assertExchanges(server, "SCRAM-SHA-256", "n", "ok")
                    self.assertProxied(proxy, version)

    def test_auto_through_the_proxy_fails_on_plus_without_falling_back(self):
        # auto picks SCRAM-SHA-256-PLUS, which the server offers; its refusal is a refusal, not
        # "unsupported", so auto does not go on to SCRAM-SHA-256, which would pass the proxy
        # (docs/modes/smtp.md, "Authentication": Fallback).
        for mode, security, label, command, refusal in PROTOCOLS:
            for version, (name, binding) in VERSIONS.items():
                with self.subTest(mode=mode, security=security, tls=name):
                    server = self.server(mode, security, version)
                    proxy = self.proxy(server, security, version)
                    chatty = self.check(mode, security, proxy.port, "auto", "CRITICAL",
                                        rf"\({label} {name}, {command} SCRAM-SHA-256-PLUS as {SCRAM_USER}\): "
                                        rf"{command} SCRAM-SHA-256-PLUS {refusal} "
                                        rf"{reason('SCRAM-SHA-256-PLUS', MISMATCH)}$")
                    self.assertExchanges(server, "SCRAM-SHA-256-PLUS", f"p={binding}", "channel-bindings-dont-match")
                    self.assertNotIn(f"{command} SCRAM-SHA-256 <redacted>", chatty.stdout, chatty.describe())

    def test_auto_through_a_proxy_that_hides_plus_is_refused_as_a_downgrade(self):
        # A proxy that also strips -PLUS from the offer: auto takes SCRAM-SHA-256 and says "y"
        # (it could bind, the server seems unable to), and the server, which offers -PLUS,
        # refuses (RFC 5802 6; docs/modes/smtp.md, "Authentication": -PLUS).
        for mode, security, label, command, refusal in PROTOCOLS:
            with self.subTest(mode=mode, security=security):
                server = self.server(mode, security, TLS13)
                proxy = self.proxy(server, security, TLS13, rewrite=lambda data: PLUS_OFFER.sub(b"", data))
                chatty = self.check(mode, security, proxy.port, "auto", "CRITICAL",
                                    rf"\({label} TLSv1\.3, {command} SCRAM-SHA-256 as {SCRAM_USER}\): "
                                    rf"{command} SCRAM-SHA-256 {refusal}$")
                self.assertNotIn("-PLUS", chatty.stdout, chatty.describe())  # the offer it saw
                self.assertExchanges(server, "SCRAM-SHA-256", "y", "server-does-support-channel-binding",
                                     proof_ok=None)
                self.assertProxied(proxy, TLS13)

    def test_plus_fails_through_a_proxy_with_another_tls_version_on_each_side(self):
        # Client on TLS 1.3 (tls-exporter), server on TLS 1.2, which cannot produce that binding:
        # refused at the client-first-message, where SCRAM has no e= (RFC 5802 7), so the status
        # line has the server's refusal alone. Client on TLS 1.2 (tls-server-end-point of the
        # proxy's certificate), server on TLS 1.3 (its own certificate's): the bindings differ.
        cases = ((TLS13, TLS12, "unsupported-channel-binding-type", None, ""),
                 (TLS12, TLS13, MISMATCH, True, " " + reason("SCRAM-SHA-256-PLUS", MISMATCH)))
        for front, back, error, proof_ok, shown in cases:
            front_name, binding = VERSIONS[front]
            with self.subTest(client=front_name, server=VERSIONS[back][0]):
                server = self.server("smtp", "starttls", back)
                proxy = self.proxy(server, "starttls", front, back_version=back)
                self.check("smtp", "starttls", proxy.port, "scram-sha-256-plus", "CRITICAL",
                           rf"\(STARTTLS {front_name}, AUTH SCRAM-SHA-256-PLUS as {SCRAM_USER}\): AUTH "
                           rf"SCRAM-SHA-256-PLUS {PROTOCOLS[0][4]}{shown}$")
                self.assertExchanges(server, "SCRAM-SHA-256-PLUS", f"p={binding}", error, proof_ok=proof_ok)
                self.assertEqual(proxy.sessions, [(front_name, VERSIONS[back][0])] * 2, f"errors: {proxy.errors}")

    def test_a_proxy_with_the_servers_own_certificate(self):
        # tls-server-end-point binds to the server's certificate only (RFC 5929 4.1): a proxy that
        # holds the server's own key goes unnoticed on TLS 1.2. tls-exporter binds to the session
        # (RFC 9266), so TLS 1.3 still exposes it. (Why the proxy above has a certificate of its own.)
        for version, status in ((TLS12, "OK"), (TLS13, "CRITICAL")):
            name, binding = VERSIONS[version]
            with self.subTest(tls=name):
                server = self.server("smtp", "starttls", version)
                proxy = self.proxy(server, "starttls", version, cert="server")
                self.check("smtp", "starttls", proxy.port, "scram-sha-256-plus", status,
                           rf"\(STARTTLS {name}, AUTH SCRAM-SHA-256-PLUS as {SCRAM_USER}\)")
                self.assertExchanges(server, "SCRAM-SHA-256-PLUS", f"p={binding}",
                                     "ok" if status == "OK" else "channel-bindings-dont-match")
                self.assertProxied(proxy, version)


if __name__ == "__main__":
    unittest.main()
