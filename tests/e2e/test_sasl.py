"""SASL through the one engine against real servers: SCRAM-SHA-256 and SCRAM-SHA-1 with Dovecot
(IMAP, POP3) and Postfix through Dovecot SASL (SMTP), auto's choice, the server's refusal of a
wrong password, and the fallback to the next mechanism when a server refuses one as unsupported
(scripted: GNU Mailutils advertises CRAM-MD5 without a back end and refuses it).

setUpModule starts tests/servers/mailstack on its own port base (27000 when free); Dovecot keeps
plaintext passwords, from which it derives the SCRAM keys. Every case asserts the plugin rules
(one status line, exit code, empty stderr, within --timeout, no password in the output).
"""

import base64
import unittest

from smtp_support import MailStack, PluginAssertions, require_check_mail, run

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


if __name__ == "__main__":
    unittest.main()
