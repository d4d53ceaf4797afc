"""Hostile and broken set-ups of the SmarterMail (HTTP) modes: each ends in one clear status line,
leaks no secret and stays within --timeout.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_issue14_http

- a malformed --proxyurl: libcurl's error quotes the proxy URL; its user:password is removed;
- a non-UTF-8 API password or user name: refused cleanly, no byte of it printed;
- a redirect (here over HTTPS) is not followed, and --debug says so;
- a token cache that cannot be written (missing directory, another user's file planted in a
  shared sticky directory) does not fail the check: the data call decides, a long-output line
  says why;
- SIGTERM while the cache is being written leaves no temporary file (the write is held in
  fsync with strace's fault injection, the signal sent meanwhile);
- a DNS server that never answers (a private resolv.conf in a mount namespace, pointing at a
  silent UDP socket on loopback): "Timeout after 2s ..." within the bound.
"""

import hashlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

import cases
import support

TIMEOUT = 2
DEADLINE = TIMEOUT + support.TIMEOUT_SLACK  # the margin beyond --timeout (smtp_support.py)
NOBODY = 65534
SECRET = "Sup3rS3cretPr0xy"
NORMAL_SPOOLS = cases.BY_NAME["spools--normal"]
REDIRECT = cases.BY_NAME["spools--redirect-once"]


class HttpIssue14Tests(support.SimulatorTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.golden = support.read_golden("spools--normal")

    def setUp(self):
        self.sim.reset()
        self.dir = tempfile.mkdtemp(prefix="cm-issue14-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def argv(self, case=NORMAL_SPOOLS, statefile_dir=None, extra=(), https=False):
        target = support.target_for(case, self.sim)
        if https:
            target = support.Target("localhost", self.sim.https_port, "https")
            extra = (*extra, f"--cafile={self.sim.ca_file}")
        return [self.binary, *support.plugin_args(case, target, statefile_dir or self.dir,
                                                  (f"--timeout={TIMEOUT}", *extra))]

    def assert_one_status_line(self, result, exit_code=None, deadline=DEADLINE):
        self.assertEqual(result.stderr, b"", result.describe())
        self.assertRegex(result.first_line, support.STATUS_RE, result.describe())
        self.assertEqual(sum(bool(support.STATUS_RE.match(l)) for l in result.lines), 1, result.describe())
        self.assertLessEqual(result.elapsed, deadline, result.describe())
        if exit_code is not None:
            self.assertEqual(result.exit, exit_code, result.describe())

    def assert_ok(self, result):
        self.assert_one_status_line(result, self.golden.exit)
        self.assertEqual(result.first_line, self.golden.first_line(), result.describe())

    # -- item 3

    def test_issue14_item3_proxy_userinfo_redacted(self):
        for proxy in (f"http://user:{SECRET}@127.0.0.1:99999", f"foo://user:{SECRET}@127.0.0.1:3128",
                      f"http://user:{SECRET}@[::1", f"user:{SECRET}@", f"http://user:{SECRET}@",
                      f"http://user:{SECRET}@host:abc", f"http://user:{SECRET.replace('r', '%72')}@[::1"):
            with self.subTest(proxy=proxy):
                result = support.run(self.argv(extra=(f"--proxyurl={proxy}", "--debug")))
                self.assert_one_status_line(result, 3)
                for form in (SECRET, SECRET.replace("r", "%72")):
                    self.assertNotIn(form.encode(), result.stdout, result.describe())

    # -- item 4

    def test_issue14_item4_non_utf8_credentials_refused_cleanly(self):
        password_file = os.path.join(self.dir, "password")
        with open(password_file, "wb") as f:
            f.write(b"p\xe4ss\xfcrd2\n")  # Latin-1
        os.chmod(password_file, 0o600)
        for what, argv in (
            ("password", [a for a in self.argv() if not a.startswith("--api-password")]
             + [f"--api-password-file={password_file}"]),
            ("user name", [a if not a.startswith("--api-username")
                           else "--api-username=m" + b"\xf6".decode("utf-8", "surrogateescape") + "nitor"
                           for a in self.argv()]),
        ):
            with self.subTest(what=what):
                result = support.run(argv)
                self.assert_one_status_line(result, 3)
                self.assertEqual(result.first_line,
                                 f"UNKNOWN: The API {what} is not valid UTF-8: it cannot be sent in the JSON "
                                 "login request".encode(), result.describe())
                self.assertNotIn(b"json.exception", result.stdout)
                self.assertEqual(self.sim.stats("normal")["login_calls"], 0)

    # -- item 7

    def test_issue14_item7_redirect_not_followed(self):
        for https in (True, False):
            with self.subTest(https=https):
                self.sim.reset()
                result = support.run(self.argv(REDIRECT, extra=("--debug",), https=https))
                self.assert_one_status_line(result, 3)
                self.assertRegex(result.first_line, rb"^UNKNOWN: api request error: HTTP 302 Found, redirect to "
                                                    rb"https?://[^ ]+/api/v1/[^ ]+ not followed$")
                self.assertIn(b"not followed (redirects never are)", result.stdout, result.describe())
                self.assertEqual(self.sim.stats("normal")["data_calls"], 0, "the redirect was followed")

    # -- item 10

    def cache_name(self, case=NORMAL_SPOOLS):
        target = support.target_for(case, self.sim)
        account = f"{target.hostname}\n{target.port}\n{support.url_path(case.scenario)}\n{support.USERNAME}"
        return "smartermail_" + hashlib.sha256(account.encode()).hexdigest()[:32]

    def test_issue14_item10_cache_write_failure_does_not_fail_the_check(self):
        result = support.run(self.argv(statefile_dir=os.path.join(self.dir, "missing"), extra=("--verbose",)))
        self.assert_ok(result)
        self.assertRegex(result.stdout, rb"\ncannot write the token cache .*: No such file or directory")
        self.assertEqual(self.sim.stats("normal")["data_calls"], 1)

    def test_issue14_item10_planted_file_in_a_shared_directory(self):
        shared = os.path.join(self.dir, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)  # like /tmp
        os.chmod(self.dir, 0o755)
        planted = os.path.join(shared, self.cache_name())
        with open(planted, "w") as f:
            f.write('{"access_token":"planted-token","expires_on":4102444800}\n')
        os.chmod(planted, 0o644)
        # Planted by root, the check run as nobody: the file is not its own.
        result = support.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                              *self.argv(statefile_dir=shared, extra=("--verbose",))])
        self.assert_ok(result)
        self.assertRegex(result.stdout, rb"\ncannot write the token cache .*: Operation not permitted")
        with open(planted) as f:
            self.assertIn("planted-token", f.read(), "the planted file was changed")
        self.assertEqual(self.sim.stats("normal")["login_calls"], 1, "the planted token was used")
        self.assertEqual(sorted(os.listdir(shared)), [self.cache_name()], "a temporary file was left")

    # -- item 13

    def test_issue14_item13_no_temporary_file_after_sigterm_mid_write(self):
        strace = shutil.which("strace")
        self.assertIsNotNone(strace, "strace is missing (scripts/install-deps.sh installs it)")
        # fsync of the cache's temporary file held for 10 s: SIGTERM arrives while it exists.
        argv = [strace, "-qq", "-o", "/dev/null", "-f", "-e", "trace=fsync", "-e", "inject=fsync:delay_enter=10000000",
                *self.argv(extra=()), "--timeout=20"]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            end = time.monotonic() + 15
            while not [n for n in os.listdir(self.dir) if ".tmp." in n]:
                self.assertIsNone(proc.poll(), "the check ended before writing its cache")
                self.assertLess(time.monotonic(), end, "no temporary file appeared")
                time.sleep(0.02)
            child = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            self.assertEqual(len(child), 1, child)
            os.kill(int(child[0]), signal.SIGTERM)
            out, err = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(out, b"UNKNOWN: Interrupted by SIGTERM\n", err)
        self.assertEqual(os.listdir(self.dir), [], "a temporary file was left behind")

    # -- item 12

    def test_issue14_item12_dns_hang_ends_in_timeout(self):
        # A private network namespace (its own loopback, where port 53 is free) and mount namespace
        # (a resolv.conf naming it bound over /etc/resolv.conf); a UDP socket there takes the
        # queries and never answers, for longer than the check may take.
        resolv = os.path.join(self.dir, "resolv.conf")
        with open(resolv, "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:30 attempts:2\n")
        ready = os.path.join(self.dir, "dns-ready")
        server = ("import socket,time;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
                  f"s.bind(('127.0.0.1',53));open('{ready}','w').close();time.sleep(15)")
        # The check's own time is measured in there, after the set-up, and printed on stderr.
        shell = (f"ip link set lo up && mount --bind {resolv} /etc/resolv.conf && "
                 f"{{ python3 -c \"{server}\" >/dev/null 2>&1 & }} && "
                 f"while [ ! -e {ready} ]; do sleep 0.02; done && start=$(date +%s%N) && "
                 f"\"$@\"; status=$? && echo $(( ($(date +%s%N) - start) / 1000000 )) >&2 && exit $status")
        argv = ["unshare", "-n", "-m", "sh", "-c", shell, "sh", self.binary,
                "--plugin=apps::smartermail::restapi::plugin", "--mode=spools", "--hostname=api.dns-hang.test",
                "--proto=http", "--port=8080", "--api-username=u", "--api-password=p",
                f"--statefile-dir={self.dir}", f"--timeout={TIMEOUT}"]
        result = support.run(argv, timeout=30)
        elapsed_ms = int(result.stderr.decode().strip() or "-1")
        result.stderr = b""
        self.assert_one_status_line(result, 3, deadline=30)
        self.assertTrue(0 <= elapsed_ms <= DEADLINE * 1000, f"{elapsed_ms} ms{result.describe()}")
        self.assertRegex(result.first_line, rb"^UNKNOWN: Timeout after 2s waiting for http://api\.dns-hang\.test")

if __name__ == "__main__":
    unittest.main()
