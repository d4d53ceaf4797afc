"""End-to-end tests: check_mail's SmarterMail modes against the simulator, run as a poller would.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest discover -s tests/e2e -p 'test_smartermail.py' -v

Every case of cases.py (one test method each) must:
  - print one status line first (OK|WARNING|CRITICAL|UNKNOWN: ...), and only that line unless
    --verbose/--debug, and nothing on stderr;
  - finish within --timeout (2 s) + 0.5 s;
  - never print the password or a token (not even with --debug);
  - match Centreon's golden first line and exit code, or the case's explicit expectation.
Then tests for the token cache, the statefile, HTTPS, and the password sources.
"""

import dataclasses
import os
import shutil
import stat
import tempfile
import unittest

import cases
import support

TIMEOUT = 2
DEADLINE = TIMEOUT + support.TIMEOUT_SLACK  # the margin beyond --timeout (smtp_support.py)


def poller_extra(case):
    return () if any(a.startswith("--timeout") for a in case.args) else (f"--timeout={TIMEOUT}",)


class CheckMailTest(support.SimulatorTestCase):
    """Runs check_mail with poller options against the class's simulator."""

    def check(self, case, extra=(), **kw):
        result = support.run_plugin(self.binary, case, self.sim, extra=poller_extra(case) + tuple(extra), **kw)
        self.assert_poller_rules(case, result)
        return result

    def assert_poller_rules(self, case, result):
        where = result.describe()
        self.assertEqual(result.stderr, b"", "stderr must stay empty" + where)
        self.assertLessEqual(result.elapsed, DEADLINE, f"took longer than {DEADLINE}s" + where)
        if case.status_line:
            self.assertRegex(result.first_line, support.STATUS_RE, "first line is not a status line" + where)
            self.assertEqual(sum(bool(support.STATUS_RE.match(l)) for l in result.lines), 1,
                             "exactly one status line" + where)
        if case.single_line:
            self.assertEqual(len(result.lines), 1, "one line of output without --verbose/--debug" + where)
        self.assert_no_secrets(result.stdout, where)

    def assert_no_secrets(self, data, where=""):
        for secret in self.sim.issued_secrets():
            self.assertNotIn(secret.encode(), data, f"secret {secret!r} leaked" + where)

    def assert_like_golden(self, result, golden_case):
        golden = support.read_golden(golden_case)
        self.assertEqual((result.first_line, result.exit), (golden.first_line(), golden.exit),
                         f"differs from Centreon's {golden_case}" + result.describe())


class CaseTests(CheckMailTest):
    """One generated test per case of cases.py (test_case__<name>)."""


def _case_test(case):
    def test(self):
        result = self.check(case)
        golden = support.read_golden(case.name)
        problem = support.check_expectation(case, result, golden)
        self.assertIsNone(problem, f"{case.name}: {problem}" + result.describe())
    test.__doc__ = f"{case.name}" + (f" (deliberate: {case.deliberate})" if case.deliberate else "")
    return test


for _case in cases.CASES:
    if _case.check_mail:
        setattr(CaseTests, "test_case__" + _case.name.replace("-", "_"), _case_test(_case))


NORMAL_SPOOLS = cases.BY_NAME["spools--normal"]


class TokenCacheTests(CheckMailTest):
    def setUp(self):
        self.sim.reset()
        self.statefile_dir = tempfile.mkdtemp(prefix="statefile-")
        self.addCleanup(shutil.rmtree, self.statefile_dir, ignore_errors=True)

    def test_second_run_reuses_cached_token(self):
        for mode in cases.MODES:
            case = cases.BY_NAME[f"{mode}--normal"]
            self.assert_like_golden(self.check(case, statefile_dir=self.statefile_dir), case.name)
        stats = self.sim.stats("normal")
        self.assertEqual((stats["login_calls"], stats["data_calls"]), (1, 3), stats)

    def test_expired_cached_token_relogs_exactly_once(self):
        case = cases.BY_NAME["spools--token-expired-once"]
        self.assert_like_golden(self.check(case, statefile_dir=self.statefile_dir), case.name)
        self.assertEqual(self.sim.stats("token-expired-once")["login_calls"], 1)
        self.assert_like_golden(self.check(case, statefile_dir=self.statefile_dir), case.name)
        stats = self.sim.stats("token-expired-once")
        self.assertEqual((stats["login_calls"], stats["data_unauthorized"], stats["data_calls"]), (2, 1, 3), stats)

    def test_statefile_is_private_and_holds_no_password(self):
        self.check(NORMAL_SPOOLS, statefile_dir=self.statefile_dir)
        self.check(NORMAL_SPOOLS, statefile_dir=self.statefile_dir)
        files = []
        for root, dirs, names in os.walk(self.statefile_dir):
            for d in dirs:
                mode = stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode)
                self.assertEqual(mode & 0o007, 0, f"directory {d} is open to others: {oct(mode)}")
            files += [os.path.join(root, n) for n in names]
        self.assertTrue(files, "no token cache file written in --statefile-dir")
        secrets = self.sim.issued_secrets()
        for path in files:
            mode = stat.S_IMODE(os.stat(path).st_mode)
            self.assertEqual(mode, 0o600, f"{path} has mode {oct(mode)}")
            name = os.path.relpath(path, self.statefile_dir)
            for secret in secrets:
                self.assertNotIn(secret, name, f"statefile name {name!r} holds a secret")
            with open(path, "rb") as f:
                self.assertNotIn(support.PASSWORD.encode(), f.read(), f"{name} holds the password")

    def test_debug_and_verbose_never_print_secrets(self):
        for scenario in ("normal", "token-expired-once", "data-403", "login-401", "login-no-token"):
            case = cases.Case(f"spools--{scenario}--debug", cases.SPOOLS, scenario, ("--debug", "--verbose"))
            for _ in range(2):  # second run starts from the cached token
                self.check(case, statefile_dir=self.statefile_dir)


class HttpsTests(CheckMailTest):
    def run_https(self, port, *extra, hostname="127.0.0.1", proto="https"):
        target = support.Target(hostname, port, proto)
        return self.check(NORMAL_SPOOLS, extra=extra, target=target)

    def assert_unknown(self, result, contains=""):
        self.assertEqual(result.exit, 3, result.describe())
        self.assertTrue(result.first_line.startswith(b"UNKNOWN: "), result.describe())
        self.assertIn(contains.lower(), support.show(result.first_line).lower(), result.describe())

    def test_trusted_by_cafile(self):
        self.assert_like_golden(self.run_https(self.sim.https_port, f"--cafile={self.sim.ca_file}"),
                                "spools--normal")

    def test_trusted_by_cafile_with_host_name(self):
        result = self.run_https(self.sim.https_port, f"--cafile={self.sim.ca_file}", hostname="localhost")
        self.assert_like_golden(result, "spools--normal")

    def test_untrusted_certificate(self):
        self.assert_unknown(self.run_https(self.sim.https_port), contains="certificate")

    def test_certificate_for_another_host(self):
        self.assert_unknown(self.run_https(self.sim.wrong_https_port, f"--cafile={self.sim.ca_file}"))

    def test_insecure_accepts_untrusted_certificate(self):
        self.assert_like_golden(self.run_https(self.sim.https_port, "--insecure"), "spools--normal")

    def test_insecure_accepts_wrong_host(self):
        self.assert_like_golden(self.run_https(self.sim.wrong_https_port, "--insecure"), "spools--normal")

    def test_https_to_plain_http_port(self):
        self.assert_unknown(self.run_https(self.sim.http_port, f"--cafile={self.sim.ca_file}"))

    def test_plain_http_to_https_port(self):
        self.assert_unknown(self.run_https(self.sim.https_port, proto="http"))


class PasswordSourceTests(CheckMailTest):
    no_password = dataclasses.replace(NORMAL_SPOOLS, omit=("api-password",))

    def password_file(self, content):
        fd, path = tempfile.mkstemp(prefix="password-")
        with os.fdopen(fd, "w") as f:
            f.write(content)
        os.chmod(path, 0o600)
        self.addCleanup(os.unlink, path)
        return path

    def test_password_file(self):
        path = self.password_file(support.PASSWORD)
        self.assert_like_golden(self.check(self.no_password, extra=(f"--api-password-file={path}",)),
                                "spools--normal")

    def test_password_file_content_is_used(self):
        path = self.password_file("not-the-password")
        self.assert_like_golden(self.check(self.no_password, extra=(f"--api-password-file={path}",)),
                                "spools--login-401")

    def test_password_from_environment(self):
        env = dict(os.environ, CHECK_MAIL_API_PASSWORD=support.PASSWORD)
        self.assert_like_golden(self.check(self.no_password, env=env), "spools--normal")


if __name__ == "__main__":
    unittest.main()
