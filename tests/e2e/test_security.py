"""No secret ever leaks (issue 5, "Secrets").

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_security

- Every SmarterMail case of cases.py runs with --verbose and --debug, twice against one statefile
  directory (the second run starts from the cached token); stdout, stderr, and the names and
  contents of every file left in the statefile directory are searched for the password and every
  token and refresh token the simulator issued. The token cache's one field "access_token" is
  the exception: the cache holds the token (and its expiry, nothing else), as the original's.
- The same for password sources (file, environment), failing logins, a --proxyurl with
  credentials, and command lines where the password lands where it should not.
- Every smtp, imap, pop3 and roundtrip test (test_smtp.py, test_smtp_faults.py,
  test_imap_pop3.py) runs once more through secret_probe.py, which adds --verbose and --debug to
  each command line and looks for that command line's passwords and their SASL encodings in its
  output.
- A password file readable by others gives a warning line in the long output (both modes).
"""

import base64
import dataclasses
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import cases
import support

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "secret_probe.py")
TIMEOUT = 2
VERBOSE = ("--verbose", "--debug")
NORMAL_SPOOLS = cases.BY_NAME["spools--normal"]
WORLD_READABLE = "readable by other users"


def poller_extra(case):
    return () if any(a.startswith("--timeout") for a in case.args) else (f"--timeout={TIMEOUT}",)


def files_under(directory):
    for root, _, names in os.walk(directory):
        for name in names:
            yield os.path.join(root, name)


class SmarterMailSecretTests(support.SimulatorTestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cm-secrets-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.evidence = []  # (where, bytes): everything a run left behind

    def statefile_dir(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path, exist_ok=True)
        return path

    def run_case(self, case, statefile_dir, extra=(), env=None, target=None):
        result = support.run_plugin(self.binary, case, self.sim, extra=poller_extra(case) + tuple(extra) + VERBOSE,
                                    statefile_dir=statefile_dir, env=env, target=target)
        where = f"{case.name} {' '.join(extra)}"
        self.evidence.append((f"{where}: stdout", result.stdout))
        self.evidence.append((f"{where}: stderr", result.stderr))
        self.assertIn(result.exit, (0, 1, 2, 3), result.describe())
        if case.status_line:
            self.assertRegex(result.first_line, support.STATUS_RE, result.describe())
        return result

    def collect_statefiles(self, directory, label):
        for path in files_under(directory):
            name = os.path.relpath(path, directory)
            self.evidence.append((f"{label}: file name {name}", name.encode()))
            with open(path, "rb") as f:
                content = f.read()
            try:
                cache = json.loads(content)
            except ValueError:
                cache = None
            if isinstance(cache, dict) and "access_token" in cache:
                self.assertEqual(sorted(cache), ["access_token", "expires_on"], f"{label}: {name}")
                content = content.replace(json.dumps(cache["access_token"]).encode(), b'"<the cached token>"')
            self.evidence.append((f"{label}: file {name}", content))

    def assert_no_leak(self, extra_secrets=()):
        secrets = [s for s in self.sim.issued_secrets() + list(extra_secrets) if s]
        self.assertGreater(len(secrets), 1, "the simulator issued no token: nothing was tested")
        leaks = [f"{secret!r} in {where}" for where, data in self.evidence for secret in secrets
                 if secret.encode() in data]
        self.assertEqual(leaks, [], "secrets leaked:\n  " + "\n  ".join(leaks[:50]))

    def test_every_case_with_verbose_and_debug(self):
        ran = 0
        for case in cases.CASES:
            if not case.check_mail:
                continue
            directory = self.statefile_dir(case.name)
            for _ in range(2):  # the second run starts from the cached token
                self.run_case(case, directory)
                ran += 1
            self.collect_statefiles(directory, case.name)
        self.assertGreater(ran, 200)
        self.assert_no_leak()

    def test_password_sources(self):
        no_password = dataclasses.replace(NORMAL_SPOOLS, omit=("api-password",))
        password_file = os.path.join(self.tmp, "password")
        with open(password_file, "w") as f:
            f.write(support.PASSWORD + "\n")
        os.chmod(password_file, 0o600)
        wrong_file = os.path.join(self.tmp, "wrong")
        with open(wrong_file, "w") as f:
            f.write("wrong-secret-value\n")
        os.chmod(wrong_file, 0o644)
        directory = self.statefile_dir("sources")
        env = dict(os.environ, CHECK_MAIL_API_PASSWORD=support.PASSWORD)
        for _ in range(2):
            self.run_case(no_password, directory, extra=(f"--api-password-file={password_file}",))
            self.run_case(no_password, directory, env=env)
        login_401 = dataclasses.replace(cases.BY_NAME["spools--login-401"], omit=("api-password",))
        self.run_case(login_401, directory, extra=(f"--api-password-file={wrong_file}",))
        self.run_case(dataclasses.replace(no_password, scenario="data-403"), directory,
                      extra=(f"--api-password-file={password_file}",))
        self.collect_statefiles(directory, "sources")
        self.assert_no_leak(extra_secrets=("wrong-secret-value",))

    def test_proxy_credentials(self):
        directory = self.statefile_dir("proxy")
        closed = support.closed_port()
        for proxy in (f"http://proxyuser:proxy-secret-1@127.0.0.1:{closed}",
                      f"proxyuser:proxy-secret-1@127.0.0.1:{closed}",
                      "http://proxyuser:proxy-secret-1@nonexistent.invalid:3128"):
            result = self.run_case(NORMAL_SPOOLS, directory, extra=(f"--proxyurl={proxy}",))
            self.assertEqual(result.exit, 3, result.describe())
        self.assert_no_leak(extra_secrets=("proxy-secret-1",))

    def test_password_where_it_does_not_belong(self):
        """A password that lost its option (a stray word) is not echoed in the error."""
        directory = self.statefile_dir("misplaced")
        no_password = dataclasses.replace(NORMAL_SPOOLS, omit=("api-password",))
        for extra in (("--api-password=", support.PASSWORD), (support.PASSWORD,),
                      ("--api-password", support.PASSWORD, support.PASSWORD)):
            self.run_case(no_password, directory, extra=extra)
        self.assert_no_leak()


class MailProtocolSecretTests(unittest.TestCase):
    """Every smtp (and imap/pop3/roundtrip) end-to-end test once more, through secret_probe.py
    (--verbose --debug added to each command line)."""

    def test_mail_protocol_tests_through_the_probe(self):
        binary = support.require_check_mail()
        tmp = tempfile.mkdtemp(prefix="cm-probe-")
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        log = os.path.join(tmp, "probe.jsonl")
        env = dict(os.environ, CHECK_MAIL_BIN=PROBE, SECRET_PROBE_BIN=binary, SECRET_PROBE_LOG=log,
                   PYTHONDONTWRITEBYTECODE="1")
        modules = [m for m in ("test_smtp_faults", "test_smtp", "test_imap_pop3", "test_oauth")
                   if os.path.exists(os.path.join(HERE, m + ".py"))]
        self.assertTrue(modules, "no smtp test files to run")
        proc = subprocess.run([sys.executable, "-m", "unittest", *modules], cwd=HERE, env=env,
                              capture_output=True, text=True, timeout=1200, stdin=subprocess.DEVNULL)
        with open(log) if os.path.exists(log) else open(os.devnull) as f:
            records = [json.loads(line) for line in f]
        # Their own assertions may fail with the extra long output: only what leaked counts here.
        self.assertGreater(len(records), 20, "too few check_mail runs through the probe:\n" + proc.stderr[-3000:])
        with_secrets = [r for r in records if r["secrets"]]
        self.assertGreater(len(with_secrets), 3, "no run used a password: nothing was tested")
        leaks = [f"{leak['secret']!r} in {leak['stream']} of {' '.join(r['argv'])}\n    -> {r['first_line']}"
                 for r in records for leak in r["leaks"]]
        self.assertEqual(leaks, [], "secrets leaked:\n  " + "\n  ".join(leaks[:30]))


class SmtpAuthSecretTests(unittest.TestCase):
    """SASL exchanges against the scripted server, with --verbose and --debug: the password, its
    base64 forms and the client's responses never show, whatever the outcome."""

    USER, PASSWORD = "monitor", "smtp-auth-secret"

    @classmethod
    def setUpClass(cls):
        cls.binary = support.require_check_mail()

    def exchange(self, mechanism, final_reply, extra=(), env=None):
        from smtp_fault_server import BANNER, FaultServer, smtp_replies
        b64 = lambda text: base64.b64encode(text.encode()).decode()
        replies = smtp_replies(
            EHLO=b"250-fault.example\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 ENHANCEDSTATUSCODES\r\n",
            AUTH=lambda line: (b"334 VXNlcm5hbWU6\r\n" if b"LOGIN" in line.upper()
                               else b"334 " + b64("<1896.697170952@postoffice.example>").encode() + b"\r\n"
                               if b"CRAM-MD5" in line.upper() else final_reply))
        replies[b64(self.USER).upper()] = b"334 UGFzc3dvcmQ6\r\n"
        replies[b64(self.PASSWORD).upper()] = final_reply
        with FaultServer([("send", BANNER), ("serve", replies)]) as server:
            argv = [self.binary, "--mode=smtp", "-H", "127.0.0.1", "-p", str(server.port), "--timeout=5",
                    f"--auth-type={mechanism}", f"--username={self.USER}", "--allow-plaintext-auth",
                    "--email=probe@example.test", *extra, *VERBOSE]
            result = support.run(argv, timeout=30, env=env)
            received = list(server.received)
        self.assertIn(result.exit, (0, 1, 2), result.describe())
        self.assertRegex(result.first_line, support.STATUS_RE, result.describe())
        self.assertTrue(any(line.upper().startswith("AUTH") for line in received), received)
        output = result.stdout + result.stderr
        secrets = [self.PASSWORD, b64(self.PASSWORD), b64(f"\0{self.USER}\0{self.PASSWORD}")]
        secrets += [line for line in received if not line.upper().startswith(("EHLO", "HELO", "AUTH", "MAIL", "RCPT",
                                                                               "DATA", "QUIT", "RSET", "NOOP"))
                    and len(line) >= 8 and "@" not in line]  # the client's SASL responses
        for secret in secrets:
            self.assertNotIn(secret.encode(), output, f"{secret!r} leaked" + result.describe())
        return result

    def test_mechanisms_and_outcomes(self):
        ok, refused = b"235 2.7.0 Authentication successful\r\n", b"535 5.7.8 Authentication failed\r\n"
        for mechanism in ("plain", "login", "cram-md5", "auto"):
            for reply in (ok, refused):
                with self.subTest(mechanism=mechanism, reply=reply[:3]):
                    self.exchange(mechanism, reply, extra=(f"--password={self.PASSWORD}",))

    def test_password_file_and_environment(self):
        fd, path = tempfile.mkstemp(prefix="password-")
        with os.fdopen(fd, "w") as f:
            f.write(self.PASSWORD + "\n")
        os.chmod(path, 0o600)
        self.addCleanup(os.unlink, path)
        self.exchange("plain", b"235 2.7.0 ok\r\n", extra=(f"--password-file={path}",))
        env = dict(os.environ, CHECK_MAIL_SMTP_PASSWORD=self.PASSWORD)
        self.exchange("login", b"235 2.7.0 ok\r\n", env=env)


class PasswordFileModeTests(support.SimulatorTestCase):
    """A password file readable by others is used, with a warning line in the long output."""

    https = False

    def password_file(self, content, mode):
        fd, path = tempfile.mkstemp(prefix="password-")
        with os.fdopen(fd, "w") as f:
            f.write(content + "\n")
        os.chmod(path, mode)
        self.addCleanup(os.unlink, path)
        return path

    def assert_warning(self, result, path, expected):
        warnings = [line for line in result.lines if WORLD_READABLE.encode() in line]
        if expected:
            self.assertEqual(len(warnings), 1, "one warning line expected" + result.describe())
            self.assertIn(path.encode(), warnings[0], result.describe())
            self.assertFalse(support.STATUS_RE.match(warnings[0]), "the warning is not a status line")
            self.assertNotEqual(result.lines.index(warnings[0]), 0, "the warning is long output, not the status")
        else:
            self.assertEqual(warnings, [], result.describe())

    def test_smartermail(self):
        no_password = dataclasses.replace(NORMAL_SPOOLS, omit=("api-password",))
        for mode, expected in ((0o600, False), (0o400, False), (0o640, True), (0o644, True), (0o604, True)):
            with self.subTest(mode=oct(mode)):
                path = self.password_file(support.PASSWORD, mode)
                result = support.run_plugin(self.binary, no_password, self.sim,
                                            extra=(f"--api-password-file={path}", "--verbose", f"--timeout={TIMEOUT}"))
                self.assertEqual(result.exit, 0, result.describe())
                self.assert_warning(result, path, expected)

    def test_smtp(self):
        from smtp_fault_server import BANNER, FaultServer, smtp_replies
        ehlo = b"250-fault.example\r\n250 AUTH PLAIN LOGIN\r\n"
        for mode, expected in ((0o600, False), (0o644, True)):
            with self.subTest(mode=oct(mode)):
                path = self.password_file("smtp-file-secret", mode)
                replies = smtp_replies(EHLO=ehlo, AUTH=b"235 2.7.0 Authentication successful\r\n")
                with FaultServer([("send", BANNER), ("serve", replies)]) as server:
                    argv = [self.binary, "--mode=smtp", "-H", "127.0.0.1", "-p", str(server.port), "--timeout=5",
                            "--auth-type=plain", "--username=monitor", f"--password-file={path}",
                            "--allow-plaintext-auth", "--verbose"]
                    result = support.run(argv, timeout=30)
                self.assertIn(result.exit, (0, 1, 2), result.describe())
                self.assertRegex(result.first_line, support.STATUS_RE, result.describe())
                self.assert_warning(result, path, expected)
                self.assertNotIn(b"smtp-file-secret", result.stdout + result.stderr, result.describe())


if __name__ == "__main__":
    unittest.main()


class CommandLineTests(unittest.TestCase):
    """Issue 14: the command-line scanner (flags given values, secrets that look like options),
    core dumps and the signals that end a run, roundtrip's -H, the help text and -v levels."""

    @classmethod
    def setUpClass(cls):
        cls.binary = support.require_check_mail()

    def run_check(self, *args, env=None):
        return support.run([self.binary, *args], timeout=20, env=env)

    def smtp_to_closed_port(self, *args):
        return self.run_check("--mode=smtp", "-H", "127.0.0.1", "-p", str(support.closed_port()), "--timeout=2", *args)

    def test_issue14_item1_flag_with_value_refused(self):
        for flag in ("--insecure=false", "--insecure=0", "--insecure=no", "--allow-plaintext-auth=no",
                     "--verbose=x", "--debug=x", "--starttls=1", "--insecure="):
            with self.subTest(flag=flag):
                result = self.smtp_to_closed_port(flag)
                name = flag.split("=", 1)[0]
                self.assertEqual((result.exit, result.first_line),
                                 (3, f"UNKNOWN: Option '{name}' takes no value.".encode()), result.describe())
        spools = self.run_check("--mode=spools", "--hostname=127.0.0.1", "--api-username=u", "--api-password=p",
                                "--insecure=false")
        self.assertEqual(spools.first_line, b"UNKNOWN: Option '--insecure' takes no value.", spools.describe())

    def test_issue14_item1_ignore_quit_takes_the_value_the_icinga_itl_passes(self):
        for args in (("-q", "true"), ("-q", "false"), ("-q",), ("--ignore-quit-failure=1",)):
            with self.subTest(args=args):
                result = self.smtp_to_closed_port(*args)
                self.assertEqual(result.exit, 2, result.describe())
                self.assertRegex(result.first_line, rb"^CRITICAL: ", result.describe())
        refused = self.smtp_to_closed_port("-q=maybe")
        self.assertEqual(refused.exit, 3, refused.describe())

    def test_issue14_item2_secret_word_after_an_option_stays_a_value(self):
        closed = str(support.closed_port())
        smtp = ["--mode=smtp", "-H", "127.0.0.1", "-p", closed, "--timeout=2", "-U", "user", "-A", "plain"]
        spools = ["--mode=spools", "--hostname=127.0.0.1", f"--port={closed}", "--proto=http", "--api-username=u",
                  "--timeout=2", f"--statefile-dir={tempfile.gettempdir()}"]
        roundtrip = ["--mode=roundtrip", "--hostname=127.0.0.1", f"--smtp-port={closed}", "--username=u",
                     "--timeout=2"]
        carriers = [(smtp, "-P"), (smtp, "--password"), (smtp, "--authpass"), (smtp, "--shared-secret"),
                    (smtp, "--ssl-key-password"), (spools, "--api-password"), (spools, "--proxyurl"),
                    (roundtrip, "-P"), (roundtrip, "--smtp-password"), (roundtrip, "--imap-password")]
        for secret in ("--Sup3rS3cret!", "-pSecret9", "-V", "--help", "--mode=Secret7", "--list-mode", "-h"):
            for base, option in carriers:
                with self.subTest(option=option, secret=secret, mode=base[0]):
                    result = self.run_check(*base, option, secret)
                    self.assertRegex(result.first_line, support.STATUS_RE, result.describe())
                    self.assertNotIn(secret.encode(), result.stdout + result.stderr, result.describe())
                    self.assertNotIn(b"check_mail 0.", result.first_line, "the version was printed")
                    self.assertNotIn(b"Command line error", result.stdout, result.describe())
                    self.assertNotIn(b"Unknown option", result.stdout, result.describe())

    def test_issue14_item8_no_core_dump_of_a_run(self):
        """RLIMIT_CORE 0 and not dumpable: /proc/PID belongs to root although the run is nobody's."""
        from smtp_fault_server import FaultServer
        with FaultServer([("silent",)]) as server:
            proc = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", self.binary,
                                     "--mode=smtp", "-H", "127.0.0.1", "-p", str(server.port), "--timeout=10"],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                time.sleep(0.5)
                with open(f"/proc/{proc.pid}/limits") as f:
                    core = [line for line in f if line.startswith("Max core file size")]
                self.assertEqual(core[0].split()[4:6], ["0", "0"], core)
                with open(f"/proc/{proc.pid}/status") as f:
                    uid_line = [line for line in f if line.startswith("Uid:")][0]
                self.assertEqual(uid_line.split()[1], "65534", uid_line)
                self.assertEqual(os.stat(f"/proc/{proc.pid}/environ").st_uid, 0, "the process is dumpable")
            finally:
                proc.send_signal(signal.SIGTERM)
                out, err = proc.communicate(timeout=10)
        self.assertEqual((proc.returncode, out, err), (3, b"UNKNOWN: Interrupted by SIGTERM\n", b""))

    def test_issue14_item8_sigquit_and_sigusr_end_in_one_unknown_line(self):
        from smtp_fault_server import FaultServer
        for number, name in ((signal.SIGQUIT, "SIGQUIT"), (signal.SIGUSR1, "SIGUSR1"), (signal.SIGUSR2, "SIGUSR2")):
            with self.subTest(signal=name), FaultServer([("silent",)]) as server:
                proc = subprocess.Popen([self.binary, "--mode=smtp", "-H", "127.0.0.1", "-p", str(server.port),
                                         "--timeout=20"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
                time.sleep(0.3)
                proc.send_signal(number)
                out, err = proc.communicate(timeout=10)
                self.assertEqual((proc.returncode, out, err), (3, f"UNKNOWN: Interrupted by {name}\n".encode(), b""))

    def test_issue14_item20_roundtrip_accepts_H(self):
        result = self.run_check("--mode=roundtrip", "-H", "127.0.0.1", "-U", "u@example.com", "-P", "p",
                                f"--smtp-port={support.closed_port()}", "--timeout=2")
        self.assertEqual(result.exit, 2, result.describe())
        self.assertRegex(result.first_line, rb"^CRITICAL: .*127\.0\.0\.1", result.describe())

    def test_issue14_item20_help_says_repeatable_once(self):
        for mode in ("smtp", "spools", "roundtrip"):
            with self.subTest(mode=mode):
                text = " ".join(self.run_check("--help", f"--mode={mode}").stdout.decode().split())
                self.assertIn("Repeatable.", text)  # options whose help does not say it
                self.assertNotRegex(text, r"(?i)repeatable\)?\.? Repeatable\.")

    def test_issue14_item20_graded_verbosity(self):
        """-v and -vv: the long output; -vvv (the guidelines' level 3) adds --debug's lines."""
        with support.Simulator() as sim:
            base = ["--mode=spools", "--hostname=127.0.0.1", f"--port={sim.http_port}", "--proto=http",
                    f"--api-username={support.USERNAME}", f"--api-password={support.PASSWORD}",
                    f"--statefile-dir={tempfile.mkdtemp(prefix='cm-verbosity-')}"]
            levels = {flags: self.run_check(*base, *flags) for flags in
                      (("-v",), ("-vv",), ("-vvv",), ("-v", "-v", "-v"), ("-v", "--debug"))}
        shape = {flags: [line.split(b":")[0] for line in result.lines] for flags, result in levels.items()}
        self.assertEqual(shape[("-v",)], shape[("-vv",)])
        self.assertEqual(shape[("-vvv",)], shape[("-v", "--debug")])
        self.assertEqual(shape[("-v", "-v", "-v")], shape[("-v", "--debug")])
        self.assertGreater(len(shape[("-vvv",)]), len(shape[("-v",)]))
