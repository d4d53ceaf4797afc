"""check_mail --mode=smtp against a real Postfix + Dovecot on loopback (issue 3).

setUpModule starts tests/servers/mailstack once, on a free port base in a temporary directory,
and tearDownModule stops it. Nothing is skipped: a missing binary, daemon or tool fails.

Every case asserts: one status line first ("OK: ", "WARNING: ", "CRITICAL: ", "UNKNOWN: "), the
exit code of that status, an empty stderr, an end within --timeout + 0.5 s, and that no password
or secret used in the run (nor its base64 forms) appears in stdout; unless a case says otherwise
it is run a second time with --verbose (the dialogue) and the same holds.

The mail stack's ports: 25 (plain; STARTTLS offered; AUTH only after TLS), 587 (submission:
STARTTLS required, AUTH PLAIN LOGIN CRAM-MD5 through Dovecot), 465 (implicit TLS + AUTH) and 466
(implicit TLS, client certificate required). Dialogues Postfix cannot be made to have (STARTTLS
not offered, AUTH offered in clear) use the scripted server of tests/servers/smtp_fault_server.py.

check_smtp compatibility (test_icinga_*): the argument vector Icinga 2's ITL `smtp` CheckCommand
builds is run with check_smtp and with check_mail on the same server; both must say OK. What
check_mail deliberately does NOT copy from check_smtp (docs/modes/smtp.md), each
asserted somewhere below:
  - no certificate verification: check_mail verifies chain and host name (CA from --cafile, or
    from SSL_CERT_FILE as in the Icinga cases; test_untrusted_certificate_is_critical);
  - swapped -w/-c (3.x): -w is the warning and -c the critical threshold on total time
    (test_check_smtp_style_w_c);
  - OK on an already expired certificate with negative days: CRITICAL (test_smtp_faults.py);
  - a banner mismatch that exits 1 without output: a WARNING status line saying why
    (test_expect_string_mismatch_warns);
  - -v printing the base64 user name and password: redacted (every case, with --verbose);
  - AUTH after MAIL FROM: AUTH comes first (test_starttls_auth_mechanisms checks the order);
  - never sending a message: --email sends a real one (test_message_delivered_with_token).
"""

import base64
import email
import email.policy
import os
import re
import tempfile
import unittest

from smtp_support import (CHECK_SMTP, MailStack, PluginAssertions, closed_port, require_check_mail,
                          require_executable, run)
from smtp_fault_server import BANNER, FaultServer, smtp_replies

STACK = None
BIN = None
HOST = "127.0.0.1"
TIMEOUT = 5
KEY_PASSWORD = "keypass"
WRONG_PASSWORD = "Wr0ng-Secret-77"


def setUpModule():
    global STACK, BIN
    BIN = require_check_mail()
    require_executable(CHECK_SMTP, "apt-get install monitoring-plugins-basic")
    STACK = MailStack().start()


def tearDownModule():
    if STACK is not None:
        STACK.stop()


def secrets():
    """Every secret a case may use, with the base64 forms an AUTH exchange would carry."""
    user, password, password2 = STACK["USER"], STACK["PASS"], STACK["PASS2"]
    plain = [password, password2, KEY_PASSWORD, WRONG_PASSWORD]
    encoded = []
    for p in (password, password2, WRONG_PASSWORD):
        encoded.append(base64.b64encode(p.encode()).decode())
        encoded.append(base64.b64encode(f"\0{user}\0{p}".encode()).decode())
    return plain + encoded


class SmtpCase(PluginAssertions, unittest.TestCase):
    maxDiff = None

    def check(self, args, status, summary=None, timeout=TIMEOUT, env=None, verbose=True):
        """Runs check_mail --mode=smtp with args, asserts the common rules; with verbose, runs it
        again with --verbose and asserts them there too. Returns the (non-verbose) result."""
        argv = [BIN, "--mode=smtp", f"--timeout={timeout}", *args]
        result = run(argv, timeout=timeout + 10, env=env)
        self.assertPlugin(result, status, timeout, secrets(), summary)
        if verbose:
            loud = run(argv + ["--verbose"], timeout=timeout + 10, env=env)
            self.assertPlugin(loud, status, timeout, secrets(), summary)
            if status != "UNKNOWN":  # a configuration error stops before any dialogue
                self.assertGreater(len(loud.lines), 1, "--verbose adds the dialogue" + loud.describe())
            self.verbose_result = loud
        return result

    # Options for the usual ports.
    def plain(self):
        return ["-H", HOST, "-p", STACK.port("SMTP")]

    def submission(self, *extra):
        return ["--hostname", HOST, "--port", STACK.port("SUBMISSION"), "--security=starttls",
                f"--cafile={STACK['CA']}", *extra]

    def auth(self, mechanism="plain"):
        return [f"--auth-type={mechanism}", f"--username={STACK['USER']}", f"--password={STACK['PASS']}"]

    def smtps(self, port="SMTPS"):
        return ["--hostname", HOST, "--port", STACK.port(port), f"--cafile={STACK['CA']}"]


class PlainTests(SmtpCase):
    def test_plain_banner_ehlo_quit(self):
        r = self.check(self.plain(), "OK",
                       rf"^OK: SMTP {HOST}:{STACK.port('SMTP')} \(plain, no auth\): accepting connections "
                       r"\(mail\.example\.test\), total time \d+\.\d{3}s$")
        perf = r.perfdata
        for label in ("smtp.lookup.time.seconds", "smtp.connect.time.seconds", "smtp.banner.time.seconds",
                      "smtp.ehlo.time.seconds", "smtp.response.time.seconds", "smtp.total.time.seconds",
                      "smtp.transferred.bytes", "smtp.reply.code"):
            self.assertIn(label, perf, r.describe())
        self.assertRegex(perf["smtp.total.time.seconds"], r"^\d+\.\d+s$")
        self.assertRegex(perf["smtp.transferred.bytes"], r"^\d+B$")
        self.assertEqual(perf["smtp.reply.code"], "250")
        # Phases that did not happen have no figure (absent, not zero).
        for label in ("smtp.tls.handshake.time.seconds", "smtp.auth.time.seconds", "smtp.upload.time.seconds",
                      "smtp.upload.bytespersecond", "smtp.certificate.expires.days"):
            self.assertNotIn(label, perf, r.describe())
        dialogue = self.verbose_result.stdout
        for line in ("S: 220 mail.example.test ESMTP", "C: EHLO ", "S: 250-mail.example.test", "C: QUIT",
                     "S: 221 "):
            self.assertIn(line, dialogue)

    def test_helo_name(self):
        self.check(self.plain() + ["--helo-name=probe.example.test"], "OK", verbose=False)
        r = run([BIN, "--mode=smtp", *self.plain(), "-F", "probe.example.test", "--verbose"])
        self.assertIn("C: EHLO probe.example.test", r.stdout, r.describe())

    def test_starttls_on_plain_port_offering_it(self):
        r = self.check(["-H", HOST, "-p", STACK.port("SMTP"), "--starttls", f"--cafile={STACK['CA']}"], "OK",
                       r"\(STARTTLS TLSv1\.[23], no auth\): accepting connections")
        self.assertIn("smtp.tls.handshake.time.seconds", r.perfdata)
        self.assertIn("smtp.certificate.expires.days", r.perfdata)
        # RFC 3207: EHLO is sent again after the handshake.
        self.assertEqual(self.verbose_result.stdout.count("C: EHLO "), 2, self.verbose_result.describe())

    def test_unknown_recipient(self):
        self.check(self.plain() + ["--email=nobody@example.test"], "CRITICAL",
                   r"^CRITICAL: SMTP .*\(plain, no auth, to nobody@example\.test\): "
                   r"RCPT TO <nobody@example\.test> refused: 550 5\.1\.1 .*User unknown")

    def test_status_expression_override(self):
        r = self.check(self.plain() + ["--email=nobody@example.test", "--critical-status=",
                                       "--warning-status=%{code} =~ /^5/"], "WARNING",
                       r"RCPT TO <nobody@example\.test> refused: 550 5\.1\.1")
        self.assertEqual(r.perfdata["smtp.reply.code"], "550")

    def test_status_expression_on_phase_and_enhanced(self):
        self.check(self.plain() + ["--email=nobody@example.test",
                                   "--critical-status=%{phase} eq \"rcpt_to\" && %{enhanced} eq \"5.1.1\""],
                   "CRITICAL", r"RCPT TO", verbose=False)
        self.check(self.plain() + ["--email=nobody@example.test", "--critical-status=%{phase} eq \"data\""],
                   "OK", r"RCPT TO <nobody@example\.test> refused", verbose=False)

    def test_expect_banner(self):
        self.check(self.plain() + [r"--expect-banner=^220 mail\.example\.test ESMTP Postfix"], "OK")
        self.check(self.plain() + ["--expect-banner=Microsoft ESMTP"], "WARNING",
                   r"greeting does not match --expect-banner: 220 mail\.example\.test ESMTP Postfix")

    def test_expect_string(self):
        self.check(self.plain() + ["-e", "ESMTP Postfix"], "OK")

    def test_expect_string_mismatch_warns(self):
        # check_smtp 3.x exits 1 with no output here; check_mail says why.
        self.check(self.plain() + ["-e", "Exchange"], "WARNING",
                   r"greeting does not contain 'Exchange': 220 mail\.example\.test")

    def test_command_and_response(self):
        r = self.check(self.plain() + ["-C", "NOOP", "-R", "^250"], "OK")
        self.assertIn("C: NOOP", self.verbose_result.stdout)
        self.check(self.plain() + ["-C", "NOOP", "-R", "^354"], "WARNING",
                   r"invalid response '250 .*' to command 'NOOP'")
        self.assertEqual(r.perfdata["smtp.reply.code"], "250")

    def test_issue14_item14_anti_relay_expectation_ok_with_postfix(self):
        # Postfix refuses relaying (smtpd_relay_restrictions = reject_unauth_destination): the 554
        # every expectation asks for is OK, and not the code that decides the state.
        relay = ["-C", "MAIL FROM:<probe@example.test>", "-R", "^250", "-C", "RCPT TO:<x@elsewhere.invalid>"]
        r = self.check(self.plain() + relay + ["-R", "^554"], "OK", r"accepting connections")
        self.assertEqual(r.perfdata["smtp.reply.code"], "250")
        self.check(self.plain() + relay + ["-R", "^250"], "WARNING",
                   r"invalid response '554 .*Relay access denied' to command 'RCPT TO:<x@elsewhere\.invalid>'")

    def test_total_time_thresholds(self):
        self.check(self.plain() + ["--warning-total-time=0.000001"], "WARNING", r"total time")
        self.check(self.plain() + ["--critical-total-time=0.000001"], "CRITICAL", r"total time")

    def test_check_smtp_style_w_c(self):
        # -w is the warning and -c the critical limit on total time (not swapped as in check_smtp 3.x).
        r = self.check(self.plain() + ["-w", "0.000001", "-c", "5"], "WARNING", r"total time", verbose=False)
        self.assertRegex(r.first_line, r"'smtp\.total\.time\.seconds'=[\d.]+s;(0:)?0\.000001;(0:)?5;")
        self.check(self.plain() + ["-w", "5", "-c", "0.000001"], "CRITICAL", r"total time", verbose=False)
        self.check(self.plain() + ["-w", "5", "-c", "10"], "OK", verbose=False)

    def test_retests_against_closed_port(self):
        port = closed_port()
        r = self.check(["-H", HOST, "-p", port, "--retests=2", "--retest-interval=0.2"], "CRITICAL",
                       rf"after 3 attempts: connection refused by 127\.0\.0\.1 port {port}", timeout=3)
        self.assertGreaterEqual(r.elapsed, 0.4, r.describe())

    def test_retests_end_within_timeout(self):
        # Ten retests ten seconds apart do not fit in 2 s: the check stops waiting and reports.
        r = self.check(["-H", HOST, "-p", closed_port(), "--retests=10", "--retest-interval=10"], "CRITICAL",
                       r"connection refused", timeout=2, verbose=False)
        self.assertLess(r.elapsed, 2.5)

    def test_auth_in_clear_refused_without_allow(self):
        self.check(self.plain() + self.auth(), "UNKNOWN",
                   r"^UNKNOWN: refusing to send credentials over an unencrypted connection")


class TlsTests(SmtpCase):
    def test_starttls_auth_mechanisms(self):
        for mechanism, shown in (("plain", "PLAIN"), ("login", "LOGIN"), ("cram-md5", "CRAM-MD5"),
                                 ("auto", "SCRAM-SHA-256")):
            with self.subTest(mechanism=mechanism):
                r = self.check(self.submission(*self.auth(mechanism)), "OK",
                               rf"\(STARTTLS TLSv1\.[23], AUTH {shown} as monitor@example\.test\): "
                               r"accepting connections")
                for label in ("smtp.tls.handshake.time.seconds", "smtp.auth.time.seconds",
                              "smtp.certificate.expires.days"):
                    self.assertIn(label, r.perfdata, r.describe())
                self.assertEqual(r.perfdata["smtp.reply.code"], "235")
                self.assertNotIn("smtp.upload.time.seconds", r.perfdata)
                dialogue = self.verbose_result.stdout
                self.assertIn("<redacted>", dialogue)
                self.assertIn("(verified)", dialogue)

    def test_auth_comes_before_mail_from(self):
        self.check(self.submission(*self.auth("login"), f"--email={STACK['USER']}"), "OK", r"message accepted")
        dialogue = self.verbose_result.stdout
        self.assertLess(dialogue.index("C: AUTH LOGIN"), dialogue.index("C: MAIL FROM:"))
        self.assertLess(dialogue.index("C: STARTTLS"), dialogue.index("C: AUTH LOGIN"))

    def test_password_file_and_environment(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "pass")
            with open(path, "w") as f:
                f.write(STACK["PASS"] + "\n")
            os.chmod(path, 0o600)
            self.check(self.submission("-A", "plain", "-U", STACK["USER"], f"--password-file={path}"), "OK",
                       r"AUTH PLAIN as monitor@example\.test")
        env = dict(os.environ, CHECK_MAIL_SMTP_PASSWORD=STACK["PASS"])
        self.check(self.submission("-A", "login", "-U", STACK["USER"]), "OK", r"AUTH LOGIN", env=env)

    def test_implicit_tls(self):
        for flag in (["--security=ssl"], ["--ssl"]):
            with self.subTest(flag=flag):
                r = self.check(self.smtps() + flag + self.auth("plain"), "OK",
                               rf"SMTP {HOST}:{STACK.port('SMTPS')} \(SSL TLSv1\.[23], AUTH PLAIN as "
                               r"monitor@example\.test\): accepting connections")
                self.assertIn("smtp.tls.handshake.time.seconds", r.perfdata)

    def test_untrusted_certificate_is_critical(self):
        # No --cafile: the test CA is not in the system store. check_smtp would say OK.
        self.check(["-H", HOST, "-p", STACK.port("SUBMISSION"), "-S"], "CRITICAL",
                   r"certificate verify failed: .*certificate")
        self.check(["-H", HOST, "-p", STACK.port("SMTPS"), "--ssl"], "CRITICAL", r"certificate")

    def test_insecure_passes_and_reports_days(self):
        r = self.check(["-H", HOST, "-p", STACK.port("SUBMISSION"), "-S", "--insecure"], "OK",
                       r"accepting connections")
        self.assertRegex(r.perfdata.get("smtp.certificate.expires.days", ""), r"^\d+$", r.describe())
        self.assertIn("NOT verified, insecure", self.verbose_result.stdout)

    def test_ca_from_ssl_cert_file_environment(self):
        env = dict(os.environ, SSL_CERT_FILE=STACK["CA"])
        self.check(["-H", HOST, "-p", STACK.port("SUBMISSION"), "-S"], "OK", r"accepting connections", env=env)

    def test_wrong_tls_servername(self):
        self.check(self.submission("--tls-servername=wrong.example"), "CRITICAL", r"hostname mismatch")
        self.check(self.submission("--tls-servername=localhost"), "OK")

    def test_certificate_thresholds(self):
        r = self.check(self.submission("--critical-certificate-expires-days=10000:"), "CRITICAL",
                       r"certificate expires in \d+ days")
        self.assertRegex(r.first_line, r"'smtp\.certificate\.expires\.days'=\d+;;10000:;")
        self.check(self.submission("--warning-certificate-expires-days=10000:"), "WARNING",
                   r"certificate expires in \d+ days", verbose=False)
        r = self.check(self.submission("-D", "30,14"), "OK")
        self.assertRegex(r.first_line, r"'smtp\.certificate\.expires\.days'=\d+;30:;14:;")
        self.check(self.submission("-D", "10000,20"), "WARNING", r"certificate expires", verbose=False)

    def test_client_certificate(self):
        cert, key, enc = STACK["CLIENT_CERT"], STACK["CLIENT_KEY"], STACK["CLIENT_KEY_ENC"]
        base = self.smtps("SMTPS_CLIENTCERT") + ["--ssl", f"--ssl-cert-file={cert}"]
        self.check(base + [f"--ssl-key-file={key}"], "OK", r"\(SSL TLSv1\.[23], no auth\): accepting connections")
        # The port lets a certified client send without AUTH.
        self.check(base + [f"--ssl-key-file={key}", f"--email={STACK['USER']}"], "OK", r"message accepted",
                   verbose=False)
        self.check(base + [f"--ssl-key-file={enc}", f"--ssl-key-password={KEY_PASSWORD}"], "OK",
                   r"accepting connections")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "keypass")
            with open(path, "w") as f:
                f.write(KEY_PASSWORD + "\n")
            os.chmod(path, 0o600)
            self.check(base + [f"--ssl-key-file={enc}", f"--ssl-key-password-file={path}"], "OK",
                       r"accepting connections")
        env = dict(os.environ, CHECK_MAIL_SSL_KEY_PASSWORD=KEY_PASSWORD)
        self.check(base + [f"--ssl-key-file={enc}"], "OK", r"accepting connections", env=env)
        # A wrong key password is a configuration problem, found before connecting.
        self.check(base + [f"--ssl-key-file={enc}", f"--ssl-key-password={WRONG_PASSWORD}"], "UNKNOWN",
                   r"client key")

    def test_client_certificate_missing(self):
        self.check(self.smtps("SMTPS_CLIENTCERT") + ["--ssl"], "CRITICAL",
                   r"server did not accept the connection: 421 4\.7\.1 .*No client certificate presented")


class MessageTests(SmtpCase):
    def send(self, *extra, verbose=False):
        return self.check(self.submission(*self.auth("plain"), f"--email={STACK['USER']}", *extra), "OK",
                          r"\(STARTTLS TLSv1\.[23], AUTH PLAIN as monitor@example\.test, to monitor@example\.test\): "
                          r"message accepted \(250 2\.0\.0 Ok: queued as \w+\)", verbose=verbose)

    def token_of(self, verbose_stdout):
        m = re.search(r"X-Check-Mail-Token: ([0-9a-f]{32}; sent=\d+\.\d{3})>", verbose_stdout)
        self.assertIsNotNone(m, "no token in the --verbose dialogue:\n" + verbose_stdout)
        return m.group(1)

    def delivered(self, token, maildir="MAILDIR"):
        data = STACK.wait_for_message(token.split(";")[0].encode(), maildir)
        return email.message_from_bytes(data, policy=email.policy.compat32)

    def test_message_delivered_with_token(self):
        r = self.send("--verbose")
        for label in ("smtp.response.time.seconds", "smtp.upload.time.seconds", "smtp.upload.bytespersecond"):
            self.assertIn(label, r.perfdata, r.describe())
        self.assertIn("C: MAIL FROM:<", r.stdout)
        self.assertIn("C: DATA", r.stdout)
        token = self.token_of(r.stdout)
        message = self.delivered(token)
        self.assertEqual(message["X-Check-Mail-Token"], token)
        self.assertEqual(message["Subject"], "SMTP Monitor Test Message")
        self.assertIn("SMTP-Monitor@", message["From"])
        self.assertEqual(message["To"].strip(), STACK["USER"])
        self.assertIsNotNone(message["Date"])
        self.assertRegex(message["Message-ID"], r"^<[0-9a-f]{32}\.\d+\.\d{3}@[^>]+>$")
        self.assertNotIn(token, message.get_payload())

    def test_use_body(self):
        r = self.send("--use-body", "--subject=Probe with body token", "--verbose")
        token = self.token_of(r.stdout)
        message = self.delivered(token)
        self.assertIsNone(message["X-Check-Mail-Token"])
        self.assertEqual(message["Subject"], "Probe with body token")
        self.assertIn(f"X-Check-Mail-Token: {token}", message.get_payload())

    def test_originator(self):
        r = self.send("-f", "probe@example.test", "--verbose")
        self.assertIn("C: MAIL FROM:<probe@example.test>", r.stdout)
        message = self.delivered(self.token_of(r.stdout))
        self.assertIn("probe@example.test", message["From"])

    def test_several_recipients(self):
        r = self.check(self.submission(*self.auth("cram-md5"), f"--email={STACK['USER']}",
                                       f"--email={STACK['USER2']}", "--verbose"), "OK",
                       r"to monitor@example\.test, second@example\.test\): message accepted", verbose=False)
        self.assertEqual(r.stdout.count("C: RCPT TO:<"), 2)
        token = self.token_of(r.stdout)
        for maildir in ("MAILDIR", "MAILDIR2"):
            self.assertEqual(self.delivered(token, maildir)["X-Check-Mail-Token"], token)

    def test_message_size_padding(self):
        size = 300_000
        r = self.send(f"--message-size={size}", "--verbose")
        m = re.search(r"<message of (\d+) bytes", r.stdout)
        self.assertIsNotNone(m, r.describe())
        self.assertGreaterEqual(int(m.group(1)), size)
        self.assertGreaterEqual(int(r.perfdata["smtp.transferred.bytes"].rstrip("B")), size)
        self.assertRegex(r.perfdata.get("smtp.upload.bytespersecond", ""), r"^\d+B/s$", r.describe())
        token = self.token_of(r.stdout)
        data = STACK.wait_for_message(token.split(";")[0].encode())
        self.assertGreaterEqual(len(data.replace(b"\n", b"\r\n")), size)  # the Maildir keeps LF only

    def test_issue14_item15_size_is_declared_so_an_oversized_message_is_refused_before_upload(self):
        # Postfix advertises SIZE 10240000 (message_size_limit): MAIL FROM ... SIZE= is refused.
        r = self.check(self.plain() + [f"--email={STACK['USER']}", "--message-size=11000000", "--verbose"],
                       "CRITICAL", r"MAIL FROM <.*> refused: 552 5\.3\.4 Message size exceeds fixed limit",
                       verbose=False)
        self.assertRegex(r.stdout, r"C: MAIL FROM:<[^>]+> SIZE=110\d{5}\n", r.describe())
        self.assertNotIn("<message of", r.stdout, r.describe())

    def test_issue14_item15_smtputf8_is_used_for_a_non_ascii_address(self):
        # Postfix offers SMTPUTF8 (smtputf8_enable) and refuses a UTF-8 address without it.
        r = self.check(self.plain() + [f"--email={STACK['USER']}", "--originator=jos\u00e9@example.test",
                                       "--verbose"], "OK", r"message accepted", verbose=False)
        self.assertRegex(r.stdout, r"C: MAIL FROM:<jos\u00e9@example\.test> BODY=8BITMIME SMTPUTF8 SIZE=\d+\n",
                         r.describe())

    def test_message_file_and_dot_stuffing(self):
        body_lines = ["First line of the probe body.", ".a line starting with a dot", "..two dots", ".",
                      "a line after a lone dot", "last line"]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "body.txt")
            with open(path, "w") as f:
                f.write("\n".join(body_lines) + "\n")  # LF line ends: sent as CRLF
            r = self.send(f"--message-file={path}", "--verbose")
        message = self.delivered(self.token_of(r.stdout))
        payload = message.get_payload()
        self.assertEqual(payload.replace("\r\n", "\n").rstrip("\n").split("\n"), body_lines)


class IcingaCompatibilityTests(SmtpCase):
    """The ITL `smtp` CheckCommand's arguments, as Icinga 2 builds the command line: every
    argument has the default order 0 and they come out sorted by key; a value follows its key as
    its own argv element; set_if arguments are the bare key; a list value repeats the key."""

    # The ITL definition (itl/command-plugins.conf): key -> custom variable; set_if keys take none.
    ITL = {"-H": "smtp_address", "-p": "smtp_port", "-f": "smtp_mail_from", "-e": "smtp_expect",
           "-C": "smtp_command", "-R": "smtp_response", "-F": "smtp_helo_fqdn", "-D": "smtp_certificate_age",
           "-S": "smtp_starttls", "-A": "smtp_authtype", "-U": "smtp_authuser", "-P": "smtp_authpass",
           "-q": "smtp_ignore_quit", "-w": "smtp_warning", "-c": "smtp_critical", "-t": "smtp_timeout",
           "-4": "smtp_ipv4", "-6": "smtp_ipv6"}
    SET_IF = {"-S", "-q", "-4", "-6"}

    @classmethod
    def icinga_argv(cls, **vars):
        argv = []
        for key in sorted(cls.ITL):
            value = vars.get(cls.ITL[key])
            if value is None or value is False:
                continue
            if key in cls.SET_IF:
                argv.append(key)
            elif isinstance(value, list):
                for item in value:
                    argv += [key, str(item)]
            else:
                argv += [key, str(value)]
        return argv

    def side_by_side(self, argv, env=None, check_mail_extra=()):
        reference = run([CHECK_SMTP, *argv], timeout=TIMEOUT + 10)
        self.assertEqual(reference.exit, 0, "check_smtp is not OK here" + reference.describe())
        self.assertRegex(reference.stdout, r"^(SMTP OK|OK) - ", reference.describe())
        r = run([BIN, "--mode=smtp", *argv, *check_mail_extra], timeout=TIMEOUT + 10, env=env)
        self.assertPlugin(r, "OK", TIMEOUT, secrets())
        return r

    def test_icinga_argument_vector_is_what_icinga_builds(self):
        self.assertEqual(set(self.ITL), {"-H", "-p", "-f", "-e", "-C", "-R", "-F", "-D", "-S", "-A", "-U", "-P",
                                         "-q", "-w", "-c", "-t", "-4", "-6"})
        argv = self.icinga_argv(smtp_address="192.0.2.1", smtp_port=25, smtp_starttls=True, smtp_ipv4=True,
                                smtp_command=["NOOP", "RSET"], smtp_response=["^250", "^250"], smtp_timeout=10)
        self.assertEqual(argv, ["-4", "-C", "NOOP", "-C", "RSET", "-H", "192.0.2.1", "-R", "^250", "-R", "^250",
                                "-S", "-p", "25", "-t", "10"])

    def test_icinga_plain(self):
        argv = self.icinga_argv(smtp_address=HOST, smtp_port=STACK.port("SMTP"), smtp_mail_from="probe@example.test",
                                smtp_expect="ESMTP", smtp_command=["NOOP"], smtp_response=["^250"],
                                smtp_helo_fqdn="probe.example.test", smtp_ignore_quit=True, smtp_warning=2,
                                smtp_critical=4, smtp_timeout=TIMEOUT, smtp_ipv4=True)
        r = self.side_by_side(argv)
        self.assertRegex(r.first_line, r"'smtp\.total\.time\.seconds'=[\d.]+s;(0:)?2;(0:)?4;")

    def test_icinga_starttls_auth(self):
        # check_smtp verifies nothing; check_mail does, with the test CA from SSL_CERT_FILE.
        argv = self.icinga_argv(smtp_address=HOST, smtp_port=STACK.port("SUBMISSION"), smtp_starttls=True,
                                smtp_authtype="LOGIN", smtp_authuser=STACK["USER"], smtp_authpass=STACK["PASS"],
                                smtp_warning=2, smtp_critical=4, smtp_timeout=TIMEOUT, smtp_ipv4=True)
        r = self.side_by_side(argv, env=dict(os.environ, SSL_CERT_FILE=STACK["CA"]))
        self.assertIn("AUTH LOGIN as monitor@example.test", r.summary)

    def test_icinga_starttls_certificate_age(self):
        argv = self.icinga_argv(smtp_address=HOST, smtp_port=STACK.port("SUBMISSION"), smtp_starttls=True,
                                smtp_certificate_age="30,14", smtp_timeout=TIMEOUT)
        r = self.side_by_side(argv, env=dict(os.environ, SSL_CERT_FILE=STACK["CA"]))
        self.assertRegex(r.first_line, r"'smtp\.certificate\.expires\.days'=\d+;30:;14:;")

    def test_icinga_starttls_insecure(self):
        # The other way to get check_smtp's (lack of) trust: --insecure.
        argv = self.icinga_argv(smtp_address=HOST, smtp_port=STACK.port("SMTP"), smtp_starttls=True,
                                smtp_timeout=TIMEOUT)
        r = self.side_by_side(argv, check_mail_extra=["--insecure"])
        self.assertIn("smtp.certificate.expires.days", r.perfdata)


class ScriptedServerTests(SmtpCase):
    """What Postfix in the stack cannot be made to do."""

    def test_starttls_not_offered(self):
        with FaultServer([("send", BANNER), ("serve", smtp_replies())]) as server:
            self.check(["-H", HOST, "-p", server.port, "--starttls", "--insecure"], "CRITICAL",
                       r"STARTTLS not offered by server", verbose=False)
        self.assertNotIn("STARTTLS", server.received)

    def test_auth_in_clear_when_allowed(self):
        replies = smtp_replies(EHLO=b"250-fault.example\r\n250 AUTH PLAIN LOGIN\r\n",
                               AUTH=b"235 2.7.0 Authentication successful\r\n")
        with FaultServer([("send", BANNER), ("serve", replies)]) as server:
            self.check(["-H", HOST, "-p", server.port, "-A", "plain", "-U", STACK["USER"], "-P", STACK["PASS"],
                        "--allow-plaintext-auth"], "OK", r"\(plain, AUTH PLAIN as monitor@example\.test\)")
        auth_lines = [line for line in server.received if line.startswith("AUTH PLAIN ")]
        self.assertTrue(auth_lines, server.received)
        self.assertEqual(base64.b64decode(auth_lines[0].split()[2]), f"\0{STACK['USER']}\0{STACK['PASS']}".encode())


class ZzWrongPasswordTests(SmtpCase):
    """Last (unittest sorts classes by name): a failed login makes Dovecot delay the next logins
    from 127.0.0.1 (auth penalty), which would slow every later case down."""

    def test_wrong_password(self):
        self.check(["-H", HOST, "-p", STACK.port("SUBMISSION"), "-S", f"--cafile={STACK['CA']}", "-A", "login",
                    "-U", STACK["USER"], "-P", WRONG_PASSWORD, "--verbose"], "CRITICAL",
                   r"AUTH LOGIN failed: 535 5\.7\.8 .*authentication failed", verbose=False)


if __name__ == "__main__":
    unittest.main()
