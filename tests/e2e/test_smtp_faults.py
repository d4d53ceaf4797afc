"""check_mail --mode=smtp against misbehaving servers (issue 3, "Verbose and safety").

The servers are scripted per test with tests/servers/smtp_fault_server.py (a thread of this
process; check_mail runs as its own process against a real socket). TLS uses the test PKI of
tests/servers/certs/make_certs.sh, made once in setUpModule.

Every case asserts: exactly one status line first, the expected exit code (timeouts, connection
and TLS failures CRITICAL; configuration errors UNKNOWN), an empty stderr, and an end within
--timeout + 0.5 s. Short timeouts (2 s) keep the file fast.
"""

import os
import shutil
import tempfile
import unittest

from smtp_support import (NO_SUCH_HOST, PluginAssertions, closed_port, make_certs, require_check_mail, run)
from smtp_fault_server import BANNER, EHLO_STARTTLS, FaultServer, smtp_replies
from watched_trust_store import WatchedTrustStore

BIN = None
CERTS = None
TMP = None
HOST = "127.0.0.1"
T = 2  # --timeout for every case
# ASan's shadow memory, redzones and quarantine come on top in the sanitizer build
# (scripts/ci-extras.sh sets CHECK_MAIL_SANITIZED=1), as in test_limits.py.
PEAK_LIMIT_KIB = (64 if os.environ.get("CHECK_MAIL_SANITIZED") else 20) * 1024


def setUpModule():
    global BIN, CERTS, TMP
    BIN = require_check_mail()
    TMP = tempfile.mkdtemp(prefix="cm-smtp-faults-")
    CERTS = make_certs(os.path.join(TMP, "certs"))


def tearDownModule():
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


class FaultCase(PluginAssertions, unittest.TestCase):
    def serve(self, script):
        server = FaultServer(script, CERTS).start()
        self.addCleanup(server.stop)
        return server

    def check(self, port, args, status, summary, host=HOST, timeout=T, measure_memory=False):
        argv = [BIN, "--mode=smtp", f"--timeout={timeout}", "-H", host, "-p", port, *args]
        result = run(argv, timeout=timeout + 10, measure_memory=measure_memory)
        self.assertPlugin(result, status, timeout, summary=summary)
        return result

    def ca(self):
        return [f"--cafile={os.path.join(CERTS, 'ca.pem')}"]


class SilenceAndSlownessTests(FaultCase):
    def test_silent_server(self):
        server = self.serve([("silent",)])
        r = self.check(server.port, [], "CRITICAL", r"banner: timeout after 2\.\d\d s waiting for data from server")
        self.assertGreaterEqual(r.elapsed, T - 0.1)

    def test_one_byte_per_second(self):
        server = self.serve([("drip", BANNER, 1.0)])
        self.check(server.port, [], "CRITICAL", r"timeout after 2\.\d\d s")

    def test_silent_after_ehlo(self):
        server = self.serve([("send", BANNER), ("silent",)])
        self.check(server.port, [], "CRITICAL", r"EHLO: timeout after 2\.\d\d s")

    def test_retests_of_a_silent_server_end_within_the_timeout(self):
        server = self.serve([("silent",)])
        self.check(server.port, ["--retests=3", "--retest-interval=0.1"], "CRITICAL", r"timeout")


class BrokenRepliesTests(FaultCase):
    def test_ten_megabyte_line(self):
        server = self.serve([("flood", 10 * 1024 * 1024, b"x"), ("silent",)])
        r = self.check(server.port, [], "CRITICAL", r"banner: server sent a line longer than \d+ bytes",
                       measure_memory=True)
        self.assertGreater(r.peak_kib, 0, r.describe())
        self.assertLess(r.peak_kib, PEAK_LIMIT_KIB, f"peak memory above {PEAK_LIMIT_KIB // 1024} MiB" + r.describe())

    def test_ten_megabyte_line_over_tls(self):
        server = self.serve([("tls", "server"), ("flood", 10 * 1024 * 1024, b"x"), ("silent",)])
        r = self.check(server.port, ["--ssl", *self.ca()], "CRITICAL", r"line longer than \d+ bytes",
                       measure_memory=True)
        self.assertLess(r.peak_kib, PEAK_LIMIT_KIB, f"peak memory above {PEAK_LIMIT_KIB // 1024} MiB" + r.describe())

    def test_reply_without_crlf_then_close(self):
        server = self.serve([("send", b"220 half a banner"), ("close",)])
        self.check(server.port, [], "CRITICAL", r"banner: connection closed by server in the middle of a line")

    def test_disconnect_mid_reply(self):
        server = self.serve([("send", BANNER), ("expect", b"EHLO"),
                             ("send", b"250-fault.example\r\n250-PIPELINING\r\n250-SI"), ("close",)])
        self.check(server.port, [], "CRITICAL", r"EHLO: connection closed by server")

    def test_close_right_after_accept(self):
        server = self.serve([("close",)])
        self.check(server.port, [], "CRITICAL", r"banner: connection closed by server")

    def test_garbage_reply(self):
        server = self.serve([("send", b"hello there, I am not SMTP\r\n"), ("silent",)])
        self.check(server.port, [], "CRITICAL", r"^CRITICAL: SMTP ")


class TlsFaultTests(FaultCase):
    def test_reset_during_implicit_tls_handshake(self):
        server = self.serve([("read_raw", 100), ("rst",)])
        self.check(server.port, ["--ssl", *self.ca()], "CRITICAL", r"reset")

    def test_reset_during_starttls_handshake(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies(EHLO=EHLO_STARTTLS, STARTTLS=None)),
                             ("send", b"220 2.0.0 Ready to start TLS\r\n"), ("read_raw", 100), ("rst",)])
        self.check(server.port, ["--starttls", *self.ca()], "CRITICAL", r"reset")

    def test_tls_server_plain_client(self):
        # An SMTPS port waits for a ClientHello, the plain client for a banner: only the timeout ends it.
        server = self.serve([("tls", "server"), ("send", BANNER), ("serve", smtp_replies())])
        self.check(server.port, ["--security=none"], "CRITICAL", r"banner: timeout")

    def test_plain_server_tls_client(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies())])
        self.check(server.port, ["--ssl", *self.ca()], "CRITICAL", r"TLS handshake failed: .*plain text")

    def test_implicit_tls_works_against_the_scripted_server(self):
        server = self.serve([("tls", "server"), ("send", BANNER), ("serve", smtp_replies())])
        self.check(server.port, ["--ssl", *self.ca()], "OK", r"\(SSL TLSv1\.[23], no auth\): accepting connections")

    def certificate_case(self, name, summary, extra=()):
        server = self.serve([("tls", name), ("send", BANNER), ("serve", smtp_replies())])
        return self.check(server.port, ["--ssl", *self.ca(), *extra], "CRITICAL", summary)

    def test_expired_certificate(self):
        self.certificate_case("expired", r"certificate verify failed: certificate has expired")

    def test_expired_certificate_insecure_is_still_critical(self):
        # check_smtp 3.x says OK with a negative day count.
        r = self.certificate_case("expired", r"certificate expired \d+ days ago", ["--insecure"])
        self.assertRegex(r.perfdata.get("smtp.certificate.expires.days", ""), r"^-\d+$", r.describe())

    def test_not_yet_valid_certificate(self):
        self.certificate_case("notyet", r"certificate verify failed: certificate is not yet valid")

    def test_not_yet_valid_certificate_insecure_is_still_critical(self):
        self.certificate_case("notyet", r"certificate not valid before", ["--insecure"])

    def test_self_signed_certificate(self):
        self.certificate_case("selfsigned", r"certificate verify failed: self-signed certificate")

    def test_wrong_host_certificate(self):
        server = self.serve([("tls", "wronghost"), ("send", BANNER), ("serve", smtp_replies())])
        self.check(server.port, ["-4", "--ssl", *self.ca()], "CRITICAL", r"certificate verify failed: hostname mismatch",
                   host="localhost")

    def test_wrong_ip_certificate(self):
        self.certificate_case("wronghost", r"certificate verify failed: IP address mismatch")

    def test_wrong_host_certificate_with_matching_servername(self):
        server = self.serve([("tls", "wronghost"), ("send", BANNER), ("serve", smtp_replies())])
        self.check(server.port, ["--ssl", *self.ca(), "--tls-servername=wrong.example"], "OK",
                   r"accepting connections")

    def test_certificate_expiring_soon(self):
        server = self.serve([("tls", "soon"), ("send", BANNER), ("serve", smtp_replies())])
        r = self.check(server.port, ["--ssl", *self.ca(), "-D", "30,14"], "CRITICAL",
                       r"certificate expires in [45] days")
        self.assertRegex(r.first_line, r"'smtp\.certificate\.expires\.days'=[45];30:;14:;")

    def watched_bundle_run(self, extra):
        """An insecure implicit-TLS check whose system store has no CA in its hashed directory and
        the test CA in its bundle file; returns (result, whether check_mail read the bundle)."""
        server = self.serve([("tls", "server"), ("send", BANNER), ("serve", smtp_replies())])
        argv = [BIN, "--mode=smtp", f"--timeout={T}", "-H", HOST, "-p", server.port, "--ssl", "--insecure", *extra]
        with WatchedTrustStore(bundle=os.path.join(CERTS, "ca.pem")) as store:
            result = run(argv, timeout=T + 10, env=store.env())
        self.assertPlugin(result, "OK", T, summary=r"accepting connections")
        return result, store.opened

    def test_insecure_check_does_not_read_the_ca_bundle(self):
        # The would-be verdict is only shown with --verbose; without it, a miss in the hashed
        # directory must not cost reading the whole system bundle (16-25 ms with Debian's).
        _, opened = self.watched_bundle_run([])
        self.assertFalse(opened, "an insecure check without --verbose read the system CA bundle")

    def test_insecure_verbose_check_reports_the_would_be_verdict(self):
        result, opened = self.watched_bundle_run(["--verbose"])
        self.assertTrue(opened, "an insecure --verbose check did not consult the system CA bundle")
        self.assertIn("certificate verification: ok", result.stdout)


class StarttlsTests(FaultCase):
    def test_starttls_not_offered(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies())])
        self.check(server.port, ["--starttls", *self.ca()], "CRITICAL", r"STARTTLS not offered by server")
        self.assertNotIn("STARTTLS", server.received)

    def test_starttls_refused(self):
        server = self.serve([("send", BANNER),
                             ("serve", smtp_replies(EHLO=EHLO_STARTTLS, STARTTLS=b"454 4.7.0 TLS not available\r\n"))])
        self.check(server.port, ["--starttls", *self.ca()], "WARNING", r"STARTTLS refused: 454 4\.7\.0")

    def test_starttls_injection(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies(EHLO=EHLO_STARTTLS, STARTTLS=None)),
                             ("send", b"220 ready\r\n250 injected\r\n"), ("tls", "server"), ("serve", smtp_replies())])
        self.check(server.port, ["--starttls", *self.ca()], "CRITICAL", r"STARTTLS command injection")
        # Nothing was sent after STARTTLS: no handshake, no EHLO, no credentials.
        self.assertEqual(server.received[-1], "STARTTLS", server.received)

    def test_capabilities_forgotten_after_starttls(self):
        # AUTH advertised only before TLS must not be used after it (RFC 3207).
        ehlo_before = b"250-fault.example\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n"
        server = self.serve([("send", BANNER), ("serve", smtp_replies(EHLO=ehlo_before, STARTTLS=None)),
                             ("send", b"220 go ahead\r\n"), ("tls", "server"),
                             ("serve", smtp_replies(EHLO=b"250-fault.example\r\n250 8BITMIME\r\n"))])
        self.check(server.port, ["--starttls", *self.ca(), "-A", "plain", "-U", "u", "-P", "pw-not-sent"],
                   "CRITICAL", r"no AUTH")
        self.assertFalse(any(line.startswith("AUTH") for line in server.received), server.received)


class RefusalTests(FaultCase):
    def test_4xx_at_mail_from_is_warning(self):
        server = self.serve([("send", BANNER),
                             ("serve", smtp_replies(MAIL=b"451 4.3.0 Temporary failure, try again\r\n"))])
        r = self.check(server.port, ["--email=probe@example.test"], "WARNING",
                       r"MAIL FROM <SMTP-Monitor@[^>]+> refused: 451 4\.3\.0 Temporary failure")
        self.assertEqual(r.perfdata["smtp.reply.code"], "451")
        self.assertEqual(server.received[-1], "QUIT", "a polite QUIT after a refusal")

    def test_5xx_at_data_is_critical(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies(DATA=b"554 5.5.1 No valid recipients\r\n"))])
        self.check(server.port, ["--email=probe@example.test"], "CRITICAL", r"DATA refused: 554 5\.5\.1")

    def test_5xx_after_message_is_critical(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies(**{".": b"552 5.3.4 Message too big\r\n"}))])
        self.check(server.port, ["--email=probe@example.test"], "CRITICAL", r"message rejected: 552 5\.3\.4")
        self.assertEqual(len(server.messages), 1)

    def test_421_banner_is_critical(self):
        server = self.serve([("send", b"421 4.3.2 Service shutting down\r\n"), ("close",)])
        self.check(server.port, [], "CRITICAL", r"421 4\.3\.2 Service shutting down")

    def test_helo_fallback(self):
        server = self.serve([("send", BANNER),
                             ("serve", smtp_replies(EHLO=b"502 5.5.2 what is EHLO?\r\n"))])
        self.check(server.port, [], "OK", r"accepting connections")
        self.assertTrue(any(line.startswith("HELO ") for line in server.received), server.received)


class ConnectionTests(FaultCase):
    def test_unknown_host(self):
        self.check(25, [], "CRITICAL", r"nonexistent\.invalid", host=NO_SUCH_HOST)

    def test_connection_refused(self):
        port = closed_port()
        self.check(port, [], "CRITICAL", rf"connection refused by 127\.0\.0\.1 port {port}")

    def test_configuration_error_is_unknown(self):
        self.check(25, ["--security=carrier-pigeon"], "UNKNOWN", r"--security")
        self.check(0, [], "UNKNOWN", r"--port")


if __name__ == "__main__":
    unittest.main()
