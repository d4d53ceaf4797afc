"""check_mail --mode=imap, --mode=pop3 and --mode=roundtrip against a real Postfix + Dovecot on
loopback (issue 6).

setUpModule starts tests/servers/mailstack once on its own port base (26000 when free, else
another free one) in a temporary directory; tearDownModule stops it. Each test starts with empty
mailboxes. Nothing is skipped: a missing binary, daemon or tool fails.

Every case asserts: one status line first, the exit code of that status, an empty stderr, an
end within --timeout + 0.5 s, and that no password (nor its base64 forms) appears in stdout;
unless a case says otherwise it is run a second time with --verbose (the dialogue) and the same
holds.

The stack: Dovecot IMAP 143 (STARTTLS offered), IMAPS 993, POP3 110 (STLS offered), POP3S 995,
plain passwords so CRAM-MD5 works; Postfix 25 (no AUTH in clear) and 587 (STARTTLS + AUTH)
delivering to Dovecot over LMTP; ports are base + the usual number.
"""

import base64
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

from smtp_support import MailStack, PluginAssertions, closed_port, require_check_mail, run

STACK = None
BIN = None
HOST = "localhost"  # the test certificate is for localhost
TIMEOUT = 5
WRONG_PASSWORD = "Wr0ng-Secret-77"
PREFERRED_PORT_BASE = 26000
TOKEN_RE = re.compile(r"X-Check-Mail-Token: ([0-9a-f]+); sent=")


def setUpModule():
    global STACK, BIN
    BIN = require_check_mail()
    STACK = MailStack(PREFERRED_PORT_BASE).start()


def tearDownModule():
    if STACK is not None:
        STACK.stop()


def secrets():
    """Every password a case may use, with the base64 forms a SASL exchange would carry."""
    user = STACK["USER"]
    found = []
    for password in (STACK["PASS"], STACK["PASS2"], WRONG_PASSWORD):
        found += [password, base64.b64encode(password.encode()).decode(),
                  base64.b64encode(f"\0{user}\0{password}".encode()).decode()]
    return found


def login(protocol, security="ssl", password=None):
    """Connection and credential options for the IMAP or POP3 server of the stack."""
    port = {("imap", "none"): "IMAP", ("imap", "starttls"): "IMAP", ("imap", "ssl"): "IMAPS",
            ("pop3", "none"): "POP3", ("pop3", "starttls"): "POP3", ("pop3", "ssl"): "POP3S"}[(protocol, security)]
    args = [f"--hostname={HOST}", f"--port={STACK.port(port)}", f"--security={security}",
            f"--cafile={STACK['CA']}", f"--username={STACK['USER']}", f"--password={password or STACK['PASS']}"]
    if security == "none":
        args.append("--allow-plaintext-auth")
    return args


def roundtrip_args(fetch="imap"):
    """A roundtrip through Postfix's submission port (STARTTLS + AUTH) into the monitor mailbox."""
    return [f"--hostname={HOST}", f"--cafile={STACK['CA']}", f"--username={STACK['USER']}",
            f"--password={STACK['PASS']}", f"--smtp-port={STACK.port('SUBMISSION')}", "--smtp-security=starttls",
            "--smtp-auth-type=plain", f"--fetch-protocol={fetch}", f"--imap-port={STACK.port('IMAPS')}",
            "--imap-security=ssl", f"--pop3-port={STACK.port('POP3')}", "--pop3-security=starttls",
            "--poll-interval=0.2"]


class MailboxCase(PluginAssertions, unittest.TestCase):
    maxDiff = None

    def setUp(self):
        STACK.flush()

    def check(self, mode, args, status, summary=None, timeout=TIMEOUT, verbose=True):
        """Runs check_mail --mode=<mode> with args and asserts the common rules; with verbose, runs
        it again with --verbose and asserts them there too. Returns the (non-verbose) result."""
        argv = [BIN, f"--mode={mode}", f"--timeout={timeout}"] + list(args)
        result = run(argv, timeout=timeout + 10)
        self.assertPlugin(result, status, timeout, secrets(), summary)
        if verbose:
            chatty = run(argv + ["--verbose"], timeout=timeout + 10)
            self.assertPlugin(chatty, status, timeout, secrets(), summary)
            self.assertIn("<redacted>", chatty.stdout, chatty.describe())
        return result

    def send_test_message(self, *extra):
        """Sends a test message to the monitor mailbox with --mode=smtp and returns its token once
        Dovecot has it."""
        result = run([BIN, "--mode=smtp", f"--hostname={HOST}", f"--port={STACK.port('SMTP')}",
                      f"--email={STACK['USER']}", "--verbose", f"--timeout={TIMEOUT}"] + list(extra))
        self.assertEqual(result.exit, 0, result.describe())
        match = TOKEN_RE.search(result.stdout)
        self.assertIsNotNone(match, "no token in the SMTP transcript" + result.describe())
        token = match.group(1)
        STACK.wait_for_message(token.encode())
        return token

    def mailbox_tokens(self, maildir_key="MAILDIR"):
        return [m.group(1).decode() for _, data in STACK.maildir_messages(maildir_key)
                for m in [re.search(rb"X-Check-Mail-Token: ([0-9a-f]+)", data)] if m]


class LoginTests(MailboxCase):
    def test_imap_plain(self):
        r = self.check("imap", login("imap", "none"), "OK",
                       r"^OK: IMAP localhost:\d+ \(plain, LOGIN as monitor@example\.test\): INBOX: 0 messages, 0 B")
        self.assertEqual(r.perfdata["imap.mailbox.messages.count"], "0")
        self.assertIn("imap.login.time.seconds", r.perfdata)

    def test_imaps(self):
        self.check("imap", login("imap", "ssl"), "OK", r"\(SSL TLSv1\.[23], LOGIN as ")

    def test_imap_starttls_with_sasl(self):
        for auth, shown in (("plain", "AUTHENTICATE PLAIN"), ("cram-md5", "AUTHENTICATE CRAM-MD5"),
                            ("auto", "AUTHENTICATE SCRAM-SHA-256")):
            with self.subTest(auth=auth):
                self.check("imap", login("imap", "starttls") + [f"--auth-type={auth}"], "OK",
                           rf"\(STARTTLS TLSv1\.[23], {shown} as ")

    def test_pop3_plain(self):
        r = self.check("pop3", login("pop3", "none"), "OK",
                       r"^OK: POP3 localhost:\d+ \(plain, USER/PASS as monitor@example\.test\): maildrop: 0 messages")
        self.assertEqual(r.perfdata["pop3.mailbox.size.bytes"], "0B")

    def test_pop3s(self):
        self.check("pop3", login("pop3", "ssl") + ["--auth-type=cram-md5"], "OK", r"\(SSL TLSv1\.[23], AUTH CRAM-MD5 as ")

    def test_pop3_stls(self):
        self.check("pop3", login("pop3", "starttls") + ["--auth-type=plain"], "OK",
                   r"\(STLS TLSv1\.[23], AUTH PLAIN as ")

    def test_wrong_password(self):
        for mode, security, refusal in (("imap", "ssl", r"LOGIN refused: NO \[AUTHENTICATIONFAILED\]"),
                                        ("imap", "starttls", r"LOGIN refused: NO \[AUTHENTICATIONFAILED\]"),
                                        ("pop3", "ssl", r"PASS refused: -ERR \[AUTH\]"),
                                        ("pop3", "starttls", r"PASS refused: -ERR \[AUTH\]")):
            with self.subTest(mode=mode, security=security):
                self.check(mode, login(mode, security, password=WRONG_PASSWORD), "CRITICAL", refusal)

    def test_credentials_in_clear_are_refused(self):
        args = [a for a in login("imap", "none") if a != "--allow-plaintext-auth"]
        self.check("imap", args, "UNKNOWN", "refusing to send credentials over an unencrypted connection",
                   verbose=False)

    def test_untrusted_certificate(self):
        args = [a for a in login("imap", "ssl") if not a.startswith("--cafile")]
        self.check("imap", args, "CRITICAL", r"certificate verify failed", verbose=False)

    def test_nothing_listening(self):
        args = login("pop3", "ssl")
        args[1] = f"--port={closed_port()}"
        self.check("pop3", args, "CRITICAL", r"refused", verbose=False)

    def test_unknown_mailbox(self):
        self.check("imap", login("imap", "ssl") + ["--mailbox=No such box"], "CRITICAL",
                   r"(STATUS|EXAMINE) \"No such box\" refused: NO .*(doesn't exist|NONEXISTENT)")


class MailboxFigureTests(MailboxCase):
    def test_count_and_size_with_thresholds(self):
        self.send_test_message()
        self.send_test_message("--message-size=5000")
        imap = self.check("imap", login("imap", "ssl"), "OK", r"INBOX: 2 messages, \d+ B")
        pop3 = self.check("pop3", login("pop3", "ssl"), "OK", r"maildrop: 2 messages, \d+ B")
        self.assertEqual(imap.perfdata["imap.mailbox.messages.count"], "2")
        self.assertEqual(pop3.perfdata["pop3.mailbox.messages.count"], "2")
        size = int(imap.perfdata["imap.mailbox.size.bytes"].rstrip("B"))
        self.assertGreater(size, 5000)
        self.assertEqual(pop3.perfdata["pop3.mailbox.size.bytes"], f"{size}B")  # both count CRLF lines
        self.check("imap", login("imap", "ssl") + ["--critical-messages=1"], "CRITICAL", r"2 messages",
                   verbose=False)
        self.check("pop3", login("pop3", "ssl") + ["--warning-mailbox-size=1000"], "WARNING", r"mailbox size \d+ B",
                   verbose=False)
        self.check("imap", login("imap", "ssl") + ["--warning-login-time=0:0"], "WARNING", r"login time",
                   verbose=False)


class SearchTests(MailboxCase):
    def test_search_by_token(self):
        token = self.send_test_message()
        for mode in ("imap", "pop3"):
            with self.subTest(mode=mode):
                r = self.check(mode, login(mode, "ssl") + [f"--search-token={token}"], "OK",
                               rf"message with token {token} found, age \d+\.\d+s")
                self.assertIn(f"{mode}.message.age.seconds", r.perfdata)
        self.check("imap", login("imap", "ssl") + [f"--search-token={token}", "--critical-message-age=0:0.001"],
                   "CRITICAL", r"message age", verbose=False)

    def test_search_by_token_in_body_and_by_subject(self):
        token = self.send_test_message("--use-body", "--subject=Body token t\u00e9st")
        for mode in ("imap", "pop3"):
            with self.subTest(mode=mode):
                self.check(mode, login(mode, "starttls") + [f"--search-token={token}", "--use-body"], "OK",
                           rf"token {token} found")
                # Case-insensitive for ASCII letters (POP3 matches on this side; IMAP on the server).
                self.check(mode, login(mode, "ssl") + ["--search-subject=token T\u00e9ST"], "OK",
                           "subject 'token T\u00e9ST' found")

    def test_token_not_found(self):
        for mode in ("imap", "pop3"):
            with self.subTest(mode=mode):
                self.check(mode, login(mode, "ssl") + ["--search-token=feedfacefeedface"], "CRITICAL",
                           r"no message with token feedfacefeedface in (INBOX|maildrop) \(0 messages\)")

    def test_delete_removes_the_message(self):
        for mode in ("imap", "pop3"):
            with self.subTest(mode=mode):
                keep = self.send_test_message()
                token = self.send_test_message()
                self.check(mode, login(mode, "ssl") + [f"--search-token={token}", "--delete"], "OK",
                           rf"token {token} found, age \d+\.\d+s, deleted", verbose=False)
                self.assertEqual(self.mailbox_tokens(), [keep], "only the other message may remain")
                self.check(mode, login(mode, "ssl") + [f"--search-token={token}"], "CRITICAL",
                           r"no message with token", verbose=False)
                STACK.flush()


class RetestTests(MailboxCase):
    """--retests/--retest-interval as in the smtp mode (the seed's failureretests/retestinterval)."""

    def test_refused_login_is_retried(self):
        for mode in ("imap", "pop3"):
            with self.subTest(mode=mode):
                r = self.check(mode, login(mode, "ssl", password=WRONG_PASSWORD) + ["--retests=2", "--retest-interval=0.1"],
                               "CRITICAL", r"after 3 attempts: (LOGIN|PASS) refused")
                self.assertGreaterEqual(r.elapsed, 0.2, r.describe())

    def test_first_success_needs_no_retest(self):
        r = self.check("imap", login("imap", "ssl") + ["--retests=3", "--retest-interval=5"], "OK", r"INBOX: 0 messages")
        self.assertNotIn("attempts", r.first_line, r.describe())
        self.assertLess(r.elapsed, 2, r.describe())

    def test_message_arriving_between_attempts_is_found(self):
        subject = f"retest {os.getpid()} {time.time_ns()}"
        for mode in ("imap", "pop3"):
            with self.subTest(mode=mode):
                argv = [BIN, f"--mode={mode}", f"--timeout={TIMEOUT}", *login(mode, "ssl"),
                        f"--search-subject={subject}", "--retests=8", "--retest-interval=0.3"]
                proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                time.sleep(0.15)  # the first attempt finds nothing
                sent = run([BIN, "--mode=smtp", f"--hostname={HOST}", f"--port={STACK.port('SMTP')}",
                            f"--email={STACK['USER']}", f"--subject={subject}", f"--timeout={TIMEOUT}"])
                self.assertEqual(sent.exit, 0, sent.describe())
                out, err = proc.communicate(timeout=TIMEOUT + 10)
                self.assertEqual(proc.returncode, 0, out + err)
                self.assertEqual(err, "")
                self.assertRegex(out.splitlines()[0], rf"^OK: .* after \d+ attempts: .*subject '{subject}' found")
                STACK.flush()

    def test_retests_end_within_the_timeout(self):
        args = login("pop3", "ssl")
        args[1] = f"--port={closed_port()}"
        r = self.check("pop3", args + ["--retests=10", "--retest-interval=10"], "CRITICAL", r"refused", timeout=2,
                       verbose=False)
        self.assertLess(r.elapsed, 2.5, r.describe())

    def test_bad_retest_values(self):
        self.check("imap", login("imap", "ssl") + ["--retests=-1"], "UNKNOWN", r"Wrong --retests value '-1'",
                   verbose=False)
        self.check("pop3", login("pop3", "ssl") + ["--retest-interval=soon"], "UNKNOWN",
                   r"Wrong --retest-interval value 'soon'", verbose=False)


class RoundtripTests(MailboxCase):
    def test_roundtrip_imap_then_message_gone(self):
        r = self.check("roundtrip", roundtrip_args("imap"), "OK",
                       r"^OK: Roundtrip SMTP localhost:\d+ \(STARTTLS TLSv1\.[23]\) -> IMAP localhost:\d+ \(SSL TLSv1\.[23]\) "
                       r"to monitor@example\.test: delivered in \d+\.\d+s \(\d+ polls?\), deleted", timeout=15)
        for label in ("roundtrip.delivery.time.seconds", "roundtrip.smtp.time.seconds", "roundtrip.fetch.time.seconds",
                      "roundtrip.polls.count", "roundtrip.total.time.seconds"):
            self.assertIn(label, r.perfdata, r.describe())
        self.assertEqual(STACK.maildir_messages(), [], "the test message must be gone")

    def test_roundtrip_pop3_then_message_gone(self):
        self.check("roundtrip", roundtrip_args("pop3"), "OK", r"-> POP3 localhost:\d+ \(STLS TLSv1\.[23]\) .*deleted",
                   timeout=15)
        self.assertEqual(STACK.maildir_messages(), [], "the test message must be gone")

    def test_verbose_lists_every_poll(self):
        # Delivered elsewhere, so every poll finds nothing: one line each, the last session in full.
        r = run([BIN, "--mode=roundtrip", "--timeout=2", "--verbose", *roundtrip_args("imap"),
                 f"--email={STACK['USER2']}"], timeout=12)
        self.assertPlugin(r, "CRITICAL", 2, secrets(), r"not found in INBOX")
        polls = re.findall(r"^poll (\d+) after \d+\.\d{3}s: not there yet, \d+\.\d{3}s$", r.stdout, re.M)
        self.assertGreaterEqual(len(polls), 3, r.describe())
        self.assertEqual([int(n) for n in polls], list(range(1, len(polls) + 1)), r.describe())
        self.assertIn(f"IMAP leg, poll {len(polls)}:", r.stdout, r.describe())

    def test_roundtrip_plain_port_25_with_defaults(self):
        args = [f"--hostname={HOST}", f"--smtp-port={STACK.port('SMTP')}", f"--imap-port={STACK.port('IMAP')}",
                "--imap-security=starttls", f"--cafile={STACK['CA']}", f"--username={STACK['USER']}",
                f"--password={STACK['PASS']}"]
        self.check("roundtrip", args, "OK", r"delivered in", timeout=15, verbose=False)
        self.assertEqual(STACK.maildir_messages(), [])

    def test_lost_message_is_critical(self):
        # Delivered to second@, polled in monitor@'s mailbox: from the poller's view it never arrives.
        timeout = 4
        r = self.check("roundtrip", roundtrip_args("imap") + [f"--email={STACK['USER2']}", "--poll-interval=0.5"],
                       "CRITICAL", r"test message [0-9a-f]+ not found in INBOX after waiting \d+\.\ds \(\d+ polls\)",
                       timeout=timeout, verbose=False)
        self.assertGreater(r.elapsed, timeout - 1.0, "it must wait for most of the timeout")
        self.assertGreaterEqual(int(r.perfdata["roundtrip.polls.count"]), 4)
        self.assertEqual(len(STACK.maildir_messages("MAILDIR2")), 1)  # the message went elsewhere

    def test_roundtrip_wrong_password(self):
        args = [a if not a.startswith("--password=") else f"--password={WRONG_PASSWORD}" for a in roundtrip_args()]
        self.check("roundtrip", args, "CRITICAL", r"SMTP leg failed: AUTH PLAIN failed: 535", timeout=10)
        args += [f"--smtp-password={STACK['PASS']}"]
        self.check("roundtrip", args, "CRITICAL", r"IMAP leg failed: LOGIN refused: NO \[AUTHENTICATIONFAILED\]",
                   timeout=10)

    def test_roundtrip_unknown_recipient(self):
        self.check("roundtrip", roundtrip_args() + ["--email=nobody@example.test"], "CRITICAL",
                   r"SMTP leg failed: RCPT TO <nobody@example\.test> refused: 550", timeout=10, verbose=False)


class AsyncRoundtripTests(MailboxCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="cm-roundtrip-")
        self.state = os.path.join(self.dir, "state.json")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def pending(self):
        with open(self.state) as f:
            return [entry["token"] for entry in json.load(f)["pending"]]

    def test_arrivals_since_the_last_run(self):
        args = roundtrip_args("imap") + ["--async", f"--state-file={self.state}"]
        first = self.check("roundtrip", args, "OK", r"test messages? arrived since the last run", verbose=False)
        self.assertEqual(stat.S_IMODE(os.stat(self.state).st_mode), 0o600)
        time.sleep(0.3)
        self.check("roundtrip", args, "OK", r"arrived since the last run", verbose=False)
        self.assertIn("roundtrip.messages.pending.count", first.perfdata)
        time.sleep(0.3)
        # Whatever is still waited for arrives with the next run at the latest.
        last = self.check("roundtrip", args, "OK", r"arrived since the last run")
        self.assertLessEqual(int(last.perfdata["roundtrip.messages.pending.count"]), 1)

    def test_lost_after(self):
        # Sent to second@, polled in monitor@'s mailbox: never seen, lost once --lost-after has passed.
        args = roundtrip_args("pop3") + ["--async", f"--state-file={self.state}"]
        self.check("roundtrip", args + [f"--email={STACK['USER2']}"], "OK", r"0 test messages arrived since the last run, 1 waited for",
                   verbose=False)
        self.assertEqual(len(self.pending()), 1)
        time.sleep(1.2)
        r = self.check("roundtrip", args + ["--lost-after=1"], "CRITICAL",
                       r"1 test message lost: [0-9a-f]+ sent \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC not seen after 1s",
                       verbose=False)
        self.assertEqual(r.perfdata["roundtrip.messages.lost.count"], "1")
        self.assertEqual(len(STACK.maildir_messages()), 0, "this run's message arrived and was deleted")

    def test_damaged_state_file_is_reported_and_replaced(self):
        with open(self.state, "w") as f:
            f.write("{not json")
        self.check("roundtrip", roundtrip_args() + ["--async", f"--state-file={self.state}"], "WARNING",
                   r"state file .* is damaged", verbose=False)
        self.assertIsInstance(self.pending(), list)


if __name__ == "__main__":
    unittest.main()
