"""check_mail against hostile and odd servers: server text that would inject perfdata or quotes a
password back, goodbyes that are never answered, refusals with response codes, deletes that do
not finish, check_smtp's -C/-R, multi-line banners, and the asynchronous roundtrip's state file
shared by checks that run at once.

The servers are scripted per test with tests/servers/smtp_fault_server.py (a thread of this
process, one script per connection, for SMTP, IMAP and POP3 alike); check_mail runs as its own
process against a real socket. These are behaviours no server of the test stack produces on
demand; what Postfix and Dovecot can show is tested against them in test_smtp.py and
test_imap_pop3.py.

Every case asserts the plugin rules (one status line first, its exit code, empty stderr, an end
within --timeout + 0.5 s) and what the case is about.
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from smtp_support import PluginAssertions, closed_port, require_check_mail, run
from smtp_fault_server import BANNER, EHLO_AUTH, FaultServer, smtp_replies

BIN = None
TMP = None
HOST = "127.0.0.1"
T = 3
USER = "monitor"
PASSWORD = "Echo-Me-Back-42"
SECRET_FORMS = [PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
                base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()]


def setUpModule():
    global BIN, TMP
    BIN = require_check_mail()
    TMP = tempfile.mkdtemp(prefix="cm-hostile-")


def tearDownModule():
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


# ------------------------------------------------------------------ IMAP and POP3 pieces
IMAP_GREETING = b"* OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] scripted IMAP ready\r\n"


def tag_of(line):
    return line.split(b" ", 1)[0]


def imap_ok(text=b"done", before=b""):
    """A reply function: the untagged lines `before`, then '<tag> OK text'."""
    return lambda line: before + tag_of(line) + b" OK " + text + b"\r\n"


IMAP_LOGIN_OK = ("reply", imap_ok(b"[CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] Logged in"))
IMAP_EXAMINE_EMPTY = ("reply", imap_ok(b"[READ-ONLY] Examine completed",
                                       b"* 0 EXISTS\r\n* OK [UIDVALIDITY 7] UIDs valid\r\n"))
IMAP_LOGOUT = ("reply", lambda line: b"* BYE Logging out\r\n" + tag_of(line) + b" OK Logout completed\r\n")

POP3_GREETING = b"+OK scripted POP3 ready\r\n"


class HostileCase(PluginAssertions, unittest.TestCase):
    maxDiff = None

    def serve(self, script):
        server = FaultServer(script).start()
        self.addCleanup(server.stop)
        return server

    def check(self, mode, args, status, summary=None, timeout=T, secrets=()):
        argv = [BIN, f"--mode={mode}", f"--timeout={timeout}", *args]
        result = run(argv, timeout=timeout + 10)
        self.assertPlugin(result, status, timeout, secrets, summary)
        return result

    def assertNoInjectedPerfdata(self, result):
        """Only the plugin's own ' | ' may separate perfdata: no other '|' on any line."""
        status_text, _, perfdata = result.first_line.partition(" | ")
        self.assertNotIn("|", status_text, result.describe())
        self.assertNotIn("|", perfdata, result.describe())
        for line in result.lines[1:]:
            self.assertNotIn("|", line, result.describe())


class PerfdataInjectionTests(HostileCase):
    def test_issue14_item5_pipe_in_smtp_reply_does_not_inject_perfdata(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies(
            RCPT=b"550 5.1.1 no|such user | 'fake'=99;1;1\r\n"))])
        r = self.check("smtp", ["-H", HOST, "-p", server.port, "--email=probe@example.com", "-v"], "CRITICAL",
                       r"RCPT TO <probe@example\.com> refused: 550 5\.1\.1 no/such user / 'fake'=99")
        self.assertNoInjectedPerfdata(r)
        self.assertNotIn("fake", r.perfdata)

    def test_issue14_item5_pipe_in_imap_and_pop3_text_does_not_inject_perfdata(self):
        imap = self.serve([("send", b"* OK [CAPABILITY IMAP4rev1] ready|'x'=1\r\n"),
                           ("reply", lambda line: tag_of(line) + b" NO [AUTHENTICATIONFAILED] bad|'y'=2\r\n"),
                           IMAP_LOGOUT])
        r = self.check("imap", ["--hostname", HOST, "--port", imap.port, "--security=none", "--allow-plaintext-auth",
                                f"--username={USER}", "--password=imap-pass-1", "-v"], "CRITICAL",
                       r"NO \[AUTHENTICATIONFAILED\] bad/'y'=2")
        self.assertNoInjectedPerfdata(r)
        pop3 = self.serve([("send", b"+OK ready|'z'=3\r\n"), ("expect", b"CAPA"),
                           ("send", b"+OK\r\nUSER\r\n.\r\n"), ("expect", b"USER"), ("send", b"+OK\r\n"),
                           ("expect", b"PASS"), ("send", b"-ERR [AUTH] wrong|'w'=4\r\n"), ("expect", b"QUIT"),
                           ("send", b"+OK bye\r\n")])
        r = self.check("pop3", ["--hostname", HOST, "--port", pop3.port, "--security=none", "--allow-plaintext-auth",
                                f"--username={USER}", "--password=pop3-pass-1", "-v"], "CRITICAL",
                       r"-ERR \[AUTH\] wrong/'w'=4")
        self.assertNoInjectedPerfdata(r)


class EchoedCredentialTests(HostileCase):
    def test_issue14_item6_smtp_535_quoting_the_credentials_is_scrubbed(self):
        blob = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode())
        server = self.serve([("send", BANNER), ("serve", smtp_replies(
            EHLO=EHLO_AUTH,
            AUTH=b"535 5.7.8 Authentication failed for " + blob + b" (user " + USER.encode() + b", password "
                 + PASSWORD.encode() + b")\r\n"))])
        for verbose in ([], ["-v"]):
            r = self.check("smtp", ["-H", HOST, "-p", server.port, "--auth-type=plain", f"--username={USER}",
                                    f"--password={PASSWORD}", "--allow-plaintext-auth", *verbose], "CRITICAL",
                           r"535 5\.7\.8 Authentication failed for <redacted>", secrets=SECRET_FORMS)
            self.assertIn("password <redacted>", r.stdout, r.describe())

    def test_issue14_item6_imap_bad_quoting_the_login_line_is_scrubbed(self):
        server = self.serve([("send", IMAP_GREETING),
                             ("reply", lambda line: tag_of(line) + b" BAD Invalid arguments: " + line + b"\r\n"),
                             IMAP_LOGOUT])
        for verbose in ([], ["-v"]):
            r = self.check("imap", ["--hostname", HOST, "--port", server.port, "--security=none",
                                    "--allow-plaintext-auth", "--auth-type=login", f"--username={USER}",
                                    f"--password={PASSWORD}", *verbose], "CRITICAL",
                           r"BAD Invalid arguments: .*LOGIN .*<redacted>", secrets=SECRET_FORMS)


# A sanitized binary (CHECK_MAIL_SANITIZED=1) starts and ends seconds slower on a loaded machine:
# its goodbye runs get a longer --timeout and the same margin on each bound, so that a bound still
# proves the goodbye did not use the timeout up.
SANITIZED = bool(os.environ.get("CHECK_MAIL_SANITIZED"))
GOODBYE_TIMEOUT = 30 if SANITIZED else 5
RUN_MARGIN = 5.0 if SANITIZED else 0.0


class GoodbyeTests(HostileCase):
    def test_issue14_item11_unanswered_smtp_quit_does_not_eat_the_timeout(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies(QUIT=None)), ("silent",)])
        r = self.check("smtp", ["-H", HOST, "-p", server.port, "--warning-total-time=0.5", "--retests=2"], "OK",
                       r"accepting connections", timeout=GOODBYE_TIMEOUT)
        self.assertLess(r.elapsed, 2.5 + RUN_MARGIN, r.describe())
        self.assertLess(float(r.perfdata["smtp.total.time.seconds"].rstrip("s")), 0.5, r.describe())

    def test_issue14_item11_smtp_421_banner_closes_at_once(self):
        server = self.serve([("send", b"421 4.3.2 Service shutting down\r\n"), ("line",), ("silent",)])
        r = self.check("smtp", ["-H", HOST, "-p", server.port], "CRITICAL", r"421 4\.3\.2 Service shutting down",
                       timeout=GOODBYE_TIMEOUT)
        self.assertLess(r.elapsed, 2.0 + RUN_MARGIN, r.describe())
        self.assertNotIn("QUIT", server.received)

    def test_issue14_item11_unanswered_imap_logout_does_not_eat_the_timeout(self):
        server = self.serve([("send", IMAP_GREETING), IMAP_LOGIN_OK, IMAP_EXAMINE_EMPTY, ("line",), ("silent",)])
        r = self.check("imap", ["--hostname", HOST, "--port", server.port, "--security=none", "--allow-plaintext-auth",
                                f"--username={USER}", "--password=imap-pass-1"], "OK", r"INBOX: 0 messages",
                       timeout=GOODBYE_TIMEOUT)
        self.assertLess(r.elapsed, 2.5 + RUN_MARGIN, r.describe())

    def test_issue14_item11_unanswered_pop3_quit_does_not_eat_the_timeout(self):
        server = self.serve([("send", POP3_GREETING), ("expect", b"CAPA"), ("send", b"+OK\r\nUSER\r\n.\r\n"),
                             ("expect", b"USER"), ("send", b"+OK\r\n"), ("expect", b"PASS"), ("send", b"+OK\r\n"),
                             ("expect", b"STAT"), ("send", b"+OK 0 0\r\n"), ("expect", b"QUIT"), ("silent",)])
        r = self.check("pop3", ["--hostname", HOST, "--port", server.port, "--security=none", "--allow-plaintext-auth",
                                f"--username={USER}", "--password=pop3-pass-1"], "OK", r"maildrop: 0 messages",
                       timeout=GOODBYE_TIMEOUT)
        self.assertLess(r.elapsed, 2.5 + RUN_MARGIN, r.describe())

    def test_issue14_item11_pop3_err_greeting_closes_at_once(self):
        server = self.serve([("send", b"-ERR [SYS/TEMP] maintenance\r\n"), ("line",), ("silent",)])
        r = self.check("pop3", ["--hostname", HOST, "--port", server.port, "--security=none", "--allow-plaintext-auth",
                                f"--username={USER}", "--password=pop3-pass-1"], "CRITICAL", r"maintenance",
                       timeout=GOODBYE_TIMEOUT)
        self.assertLess(r.elapsed, 2.0 + RUN_MARGIN, r.describe())
        self.assertNotIn("QUIT", server.received)


class Pop3RefusalTests(HostileCase):
    def test_issue14_item16_pop3_capa_sys_temp_is_reported_with_its_code(self):
        script = [("send", POP3_GREETING), ("expect", b"CAPA"),
                  ("send", b"-ERR [SYS/TEMP] Mailbox maintenance in progress\r\n"), ("close",)]
        args = ["--hostname", HOST, "--security=none", "--allow-plaintext-auth", f"--username={USER}",
                "--password=pop3-pass-1"]
        server = self.serve(script)
        self.check("pop3", [*args, "--port", server.port], "CRITICAL",
                   r"CAPA refused: -ERR \[SYS/TEMP\] Mailbox maintenance in progress")
        # The documented recipe: a temporary refusal is a WARNING.
        server = self.serve(script)
        self.check("pop3", [*args, "--port", server.port, "--warning-status=%{response_code} eq \"SYS/TEMP\"",
                            "--critical-status=%{error} ne \"\" && %{response_code} ne \"SYS/TEMP\""], "WARNING",
                   r"\[SYS/TEMP\]")


class DeleteTests(HostileCase):
    def imap_finding_the_token(self, found):
        """IMAP that finds the token searched for, then never answers the STORE of the delete."""

        def search(line):
            found["token"] = re.search(rb'"([0-9a-f]+)"', line).group(1)
            return b"* SEARCH 7\r\n" + tag_of(line) + b" OK Search completed\r\n"

        def fetch(line):
            header = (b"Date: Wed, 02 Dec 2026 08:00:00 +0000\r\nSubject: SMTP Monitor Test Message\r\n"
                      b"X-Check-Mail-Token: " + found["token"] + b"; sent=" + str(round(time.time(), 3)).encode()
                      + b"\r\n\r\n")
            return (b"* 1 FETCH (UID 7 RFC822.SIZE 500 INTERNALDATE \"02-Dec-2026 08:00:00 +0000\" "
                    b"BODY[HEADER.FIELDS (DATE RECEIVED SUBJECT X-CHECK-MAIL-TOKEN)] {" + str(len(header)).encode()
                    + b"}\r\n" + header + b")\r\n" + tag_of(line) + b" OK Fetch completed\r\n")

        return [("send", IMAP_GREETING), IMAP_LOGIN_OK,
                ("reply", imap_ok(b"[READ-WRITE] Select completed", b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n")),
                ("reply", imap_ok(b"Fetch completed", b"* 1 FETCH (RFC822.SIZE 500)\r\n")),
                ("reply", search), ("reply", fetch), ("line",), ("silent",)]

    def test_issue14_item17_roundtrip_delete_hitting_the_deadline_keeps_the_delivery_time(self):
        found = {}
        smtp = self.serve([("send", BANNER), ("serve", smtp_replies())])
        imap = self.serve(self.imap_finding_the_token(found))
        r = self.check("roundtrip", [f"--hostname={HOST}", f"--smtp-port={smtp.port}", "--smtp-security=none",
                                     f"--imap-port={imap.port}", "--imap-security=none", "--allow-plaintext-auth",
                                     f"--username={USER}", "--password=imap-pass-1", "--email=monitor@example.com"],
                       "WARNING", r"^WARNING: the test message could not be confirmed deleted \(timeout")
        self.assertIn("roundtrip.delivery.time.seconds", r.perfdata, r.describe())

    def test_issue14_item17_imap_delete_hitting_the_deadline_is_a_warning(self):
        found = {}
        imap = self.serve(self.imap_finding_the_token(found))
        self.check("imap", ["--hostname", HOST, "--port", imap.port, "--security=none", "--allow-plaintext-auth",
                            f"--username={USER}", "--password=imap-pass-1", "--search-token=0123abcd", "--delete"],
                   "WARNING", r"found.*could not be confirmed deleted \(.*timeout")


class SmtpExpectationTests(HostileCase):
    def anti_relay(self, response):
        server = self.serve([("send", BANNER), ("serve", smtp_replies(
            RCPT=b"554 5.7.1 <x@elsewhere.example>: Relay access denied\r\n"))])
        return self.check("smtp", ["-H", HOST, "-p", server.port, "-C", "MAIL FROM:<monitor@example.com>",
                                   "-R", "^250", "-C", "RCPT TO:<x@elsewhere.example>", "-R", response],
                          "OK" if response == "^554" else "WARNING")

    def test_issue14_item14_anti_relay_expectation_ok(self):
        r = self.anti_relay("^554")
        self.assertEqual(r.perfdata.get("smtp.reply.code"), "250", r.describe())

    def test_issue14_item14_mismatched_5xx_expectation_is_warning(self):
        r = self.anti_relay("^250")
        self.assertRegex(r.summary, r"invalid response '554 .*Relay access denied' to command 'RCPT TO",
                         r.describe())

    def test_issue14_item19_expect_banner_matches_each_banner_line(self):
        banner = b"220-exim.example ESMTP Exim 4.96\r\n220-Unauthorised use prohibited\r\n220 second service line\r\n"
        for pattern, status in (("^exim\\.example", "OK"), ("^Unauthorised use", "OK"), ("^220 exim", "OK"),
                                ("^nothing", "WARNING")):
            server = self.serve([("send", banner), ("serve", smtp_replies())])
            self.check("smtp", ["-H", HOST, "-p", server.port, f"--expect-banner={pattern}"], status)

    def test_issue14_item15_non_ascii_address_without_smtputf8_fails_before_mail_from(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies())])
        self.check("smtp", ["-H", HOST, "-p", server.port, "--email=jos\u00e9@example.com"], "CRITICAL",
                   r"the server does not offer SMTPUTF8, which the address 'jos\u00e9@example\.com' needs")
        self.assertFalse([line for line in server.received if line.upper().startswith("MAIL")], server.received)


class ImapGreetingTests(HostileCase):
    def test_issue14_item20_imap_check_at_a_pop3_port_quotes_the_greeting_as_sent(self):
        server = self.serve([("send", b"+OK Dovecot ready.\r\n"), ("silent",)])
        self.check("imap", ["--hostname", HOST, "--port", server.port, "--security=none", "--allow-plaintext-auth",
                            f"--username={USER}", "--password=imap-pass-1"], "CRITICAL",
                   r"not an IMAP greeting: \+OK Dovecot ready\.")


class RoundtripLongOutputTests(HostileCase):
    def test_issue14_item20_failing_roundtrip_verbose_long_output_is_capped(self):
        ehlo = b"".join(b"250-X-PADDING-%03d %s\r\n" % (i, b"x" * 90) for i in range(60))
        smtp = self.serve([("send", BANNER), ("serve", smtp_replies(EHLO=b"250-fault.example\r\n" + ehlo
                                                                    + b"250 8BITMIME\r\n"))])
        imap = self.serve([("send", IMAP_GREETING), IMAP_LOGIN_OK,
                           ("reply", imap_ok(b"[READ-WRITE] ok", b"* 0 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n")),
                           ("reply", imap_ok(b"Search completed", b"* SEARCH\r\n")), IMAP_LOGOUT])
        r = self.check("roundtrip", [f"--hostname={HOST}", f"--smtp-port={smtp.port}", "--smtp-security=none",
                                     f"--imap-port={imap.port}", "--imap-security=none", "--allow-plaintext-auth",
                                     f"--username={USER}", "--password=imap-pass-1", "--email=monitor@example.com",
                                     "--poll-interval=0.2", "-v"], "CRITICAL", r"not found", timeout=2)
        long_output = "\n".join(r.lines[1:])
        self.assertLessEqual(len(long_output.encode()), 4096 + 200, r.describe())
        self.assertRegex(r.lines[-1], r"^\.\.\. \d+ more lines left out \(long output limited to 4 KiB", r.describe())


class AsyncStateTests(HostileCase):
    def async_argv(self, smtp_port, state_file):
        return [BIN, "--mode=roundtrip", f"--timeout={T}", f"--hostname={HOST}", f"--smtp-port={smtp_port}",
                "--smtp-security=none", f"--imap-port={closed_port()}", "--imap-security=none",
                "--allow-plaintext-auth", f"--username={USER}", "--password=imap-pass-1",
                "--email=monitor@example.com", "--async", f"--state-file={state_file}"]

    def test_issue14_item9_parallel_async_runs_lose_no_state(self):
        smtp = self.serve([("send", BANNER), ("serve", smtp_replies())])
        state_file = os.path.join(TMP, "parallel-state.json")
        argv = self.async_argv(smtp.port, state_file)
        procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
                 for _ in range(20)]
        outputs = [p.communicate(timeout=T + 20) for p in procs]
        for p, (out, err) in zip(procs, outputs):
            self.assertEqual(err, b"", out)
            self.assertRegex(out.decode(), r"^CRITICAL: ")  # the mailbox side is down: every poll fails
        with open(state_file) as f:
            state = json.load(f)
        self.assertEqual(len(state["pending"]), 20, state)
        self.assertEqual(len({entry["token"] for entry in state["pending"]}), 20, state)
        self.assertEqual(len(smtp.messages), 20)

    def test_issue14_item9_state_file_of_another_user_is_refused(self):
        smtp = self.serve([("send", BANNER), ("serve", smtp_replies())])
        state_file = os.path.join(TMP, "planted-state.json")
        with open(state_file, "w") as f:
            json.dump({"version": 1, "pending": [{"token": "0" * 32, "sent": 1.0, "to": "x@y"}]}, f)
        os.chown(state_file, 65534, 65534)
        r = run(self.async_argv(smtp.port, state_file), timeout=T + 10)
        self.assertPlugin(r, "UNKNOWN", T, (), r"state file '.*planted-state\.json' belongs to another user")
        self.assertEqual(smtp.messages, [], "a message was sent although the state could not be kept")


class JsonInterruptTests(HostileCase):
    def interrupted(self, signal_number):
        server = self.serve([("silent",)])
        proc = subprocess.Popen([BIN, "--mode=smtp", "--timeout=10", "-H", HOST, "-p", str(server.port),
                                 "--output-json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        time.sleep(0.5)
        proc.send_signal(signal_number)
        out, err = proc.communicate(timeout=10)
        self.assertEqual(err, b"")
        self.assertEqual(proc.returncode, 3)
        return json.loads(out)

    def test_issue14_item13_output_json_interrupt_is_json(self):
        document = self.interrupted(signal.SIGTERM)
        self.assertEqual(document["plugin"]["exit_code"], 3, document)
        self.assertEqual(document["plugin"]["mode"], "smtp", document)
        self.assertEqual(document["plugin"]["outputs"][0]["msg"], "UNKNOWN: Interrupted by SIGTERM", document)

    def test_issue14_item13_output_json_watchdog_line_is_json(self):
        document = self.interrupted(signal.SIGALRM)
        self.assertEqual(document["plugin"]["outputs"][0]["msg"], "UNKNOWN: Check did not finish in time (watchdog)",
                         document)


if __name__ == "__main__":
    unittest.main()
