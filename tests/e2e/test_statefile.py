"""The token cache: the API token and its expiry, in ~/.cache/check_mail or --statefile-dir.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_statefile

- 50 runs at once against the simulator (spools, one statefile directory) all succeed, the cache
  is one valid file afterwards (no temporary file left) and the next run uses it;
- the cache holds the token and its expiry only (no password, nothing derived from it), mode 0600;
- by default it lives in $XDG_CACHE_HOME/check_mail or ~/.cache/check_mail, created 0700;
- a corrupt, truncated, oversized, refused, expired or another user's cache file is ignored and
  replaced;
- a symlink, a FIFO or a directory planted at the cache's path: a symlink is replaced, never
  followed (its target unchanged), a FIFO does not block the check;
- a cache that cannot be written (missing or unwritable directory, a directory at its path)
  does not fail the check: the data call is made and a long-output line says why.
"""

import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

import cases
import support

TIMEOUT = 2
DEADLINE = TIMEOUT + support.TIMEOUT_SLACK  # the margin beyond --timeout (smtp_support.py)
NORMAL_SPOOLS = cases.BY_NAME["spools--normal"]
NOBODY = 65534
VERBOSE = ("--verbose",)  # long output, where the reason a cache could not be written is


class StatefileTests(support.SimulatorTestCase):
    https = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.golden = support.read_golden("spools--normal")

    def setUp(self):
        self.sim.reset()
        self.dir = tempfile.mkdtemp(prefix="cm-statefile-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    # -- helpers

    def argv(self, statefile_dir=None, timeout=TIMEOUT, extra=()):
        target = support.target_for(NORMAL_SPOOLS, self.sim)
        return [self.binary, *support.plugin_args(NORMAL_SPOOLS, target, statefile_dir or self.dir,
                                                  (f"--timeout={timeout}", *extra))]

    def run_ok(self, statefile_dir=None):
        result = support.run(self.argv(statefile_dir))
        self.assert_one_status_line(result)
        self.assertEqual((result.first_line, result.exit), (self.golden.first_line(), self.golden.exit),
                         result.describe())
        return result

    def assert_one_status_line(self, result, deadline=DEADLINE):
        self.assertEqual(result.stderr, b"", result.describe())
        self.assertRegex(result.first_line, support.STATUS_RE, result.describe())
        self.assertEqual(sum(bool(support.STATUS_RE.match(l)) for l in result.lines), 1, result.describe())
        self.assertLessEqual(result.elapsed, deadline, result.describe())

    def logins(self):
        return self.sim.stats("normal")["login_calls"]

    def cache_files(self):
        return sorted(os.listdir(self.dir))

    def cache_path(self):
        """The cache file's path, learnt from a first run."""
        self.run_ok()
        files = self.cache_files()
        self.assertEqual(len(files), 1, files)
        return os.path.join(self.dir, files[0])

    def assert_valid_cache(self, path):
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode), f"{path} is not a regular file")
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(path, "rb") as f:
            raw = f.read()
        state = json.loads(raw)
        self.assertEqual(sorted(state), ["access_token", "expires_on"], "the token and its expiry, nothing else")
        self.assertGreater(state["expires_on"], time.time())
        self.assertRegex(state["access_token"], r"^[!-~]+$")
        self.assertNotIn(support.PASSWORD.encode(), raw)
        # ... and usable: the next run logs in no more.
        before = self.logins()
        self.run_ok()
        self.assertEqual(self.logins(), before, "the cache was not used")

    # -- concurrency

    def test_fifty_concurrent_runs(self):
        for wave in range(2):  # first without a cache (50 logins race), then with it
            before = self.logins()
            procs = [subprocess.Popen(self.argv(timeout=20), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE) for _ in range(50)]
            outcomes = [(p.communicate(timeout=60), p.returncode) for p in procs]
            for (out, err), code in outcomes:
                self.assertEqual((out.split(b"\n", 1)[0].rstrip(b" "), code, err),
                                 (self.golden.first_line(), 0, b""), f"wave {wave}")
            self.assertEqual(self.cache_files(), [self.cache_files()[0]], "a temporary file was left behind")
            self.assert_valid_cache(os.path.join(self.dir, self.cache_files()[0]))
            if wave == 1:
                self.assertEqual(self.logins(), before + 0, "runs with a valid cache logged in")
            else:
                self.assertGreaterEqual(self.logins() - before, 1)

    # -- damaged caches

    def replaced_after(self, content):
        path = self.cache_path()
        with open(path, "wb") as f:
            f.write(content)
        before = self.logins()
        self.run_ok()
        self.assertEqual(self.logins(), before + 1, "a damaged cache must lead to a new login")
        with open(path, "rb") as f:
            self.assertNotEqual(f.read(), content, "the damaged cache was not replaced")
        self.assert_valid_cache(path)

    def test_corrupt_cache(self):
        self.replaced_after(b"\x00\xffnot json at all{{{")

    def test_truncated_cache(self):
        path = self.cache_path()
        with open(path, "rb") as f:
            content = f.read()
        self.replaced_after(content[: len(content) // 2])

    def test_empty_cache(self):
        self.replaced_after(b"")

    def test_oversized_cache(self):
        self.replaced_after(b"[" + b"0," * 100_000 + b"0]")

    def test_tampered_token(self):
        path = self.cache_path()
        with open(path) as f:
            state = json.load(f)
        token = state["access_token"]
        state["access_token"] = token[:-2] + ("00" if token[-2:] != "00" else "11")
        self.replaced_after(json.dumps(state).encode())

    def test_expired_cache(self):
        path = self.cache_path()
        with open(path) as f:
            state = json.load(f)
        state["expires_on"] = int(time.time()) - 10
        self.replaced_after(json.dumps(state).encode())

    def test_cache_of_another_user_is_ignored(self):
        """A file at the cache's path that is not the running user's is not trusted."""
        path = self.cache_path()
        os.chown(path, NOBODY, NOBODY)
        before = self.logins()
        result = self.run_ok()
        self.assertEqual(self.logins(), before + 1, "another user's cache was used")
        self.assertEqual(os.lstat(path).st_uid, os.geteuid(), result.describe())
        self.assert_valid_cache(path)

    def test_default_directory_is_private(self):
        home = tempfile.mkdtemp(prefix="cm-home-")
        self.addCleanup(shutil.rmtree, home, ignore_errors=True)
        env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
        env["HOME"] = home
        argv = [a for a in self.argv() if not a.startswith("--statefile-dir")]
        for _ in range(2):
            result = support.run(argv, env=env)
            self.assertEqual((result.first_line, result.exit), (self.golden.first_line(), self.golden.exit),
                             result.describe())
        directory = os.path.join(home, ".cache", "check_mail")
        self.assertEqual(stat.S_IMODE(os.stat(directory).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(directory)).st_mode), 0o700)
        files = os.listdir(directory)
        self.assertEqual(len(files), 1, files)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(directory, files[0])).st_mode), 0o600)
        env["XDG_CACHE_HOME"] = os.path.join(home, "xdg")
        result = support.run(argv, env=env)
        self.assertEqual(result.exit, self.golden.exit, result.describe())
        self.assertEqual(len(os.listdir(os.path.join(home, "xdg", "check_mail"))), 1)

    # -- planted files

    def test_symlink_is_replaced_not_followed(self):
        path = self.cache_path()
        for target_content in (b"precious data, not a cache\n", None):
            target = os.path.join(tempfile.mkdtemp(prefix="cm-target-"), "target")
            self.addCleanup(shutil.rmtree, os.path.dirname(target), ignore_errors=True)
            if target_content is not None:
                with open(target, "wb") as f:
                    f.write(target_content)
                os.chmod(target, 0o644)
            os.unlink(path)
            os.symlink(target, path)
            before = self.logins()
            self.run_ok()
            self.assertEqual(self.logins(), before + 1)
            self.assertFalse(os.path.islink(path), "the symlink is still there")
            self.assert_valid_cache(path)
            if target_content is None:
                self.assertFalse(os.path.exists(target), "a dangling symlink's target was created")
            else:
                with open(target, "rb") as f:
                    self.assertEqual(f.read(), target_content, "the symlink's target was written")
                self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o644)

    def test_symlink_to_a_valid_cache_is_not_read(self):
        """A cache reached through a symlink is not trusted (another user's file, for instance)."""
        path = self.cache_path()
        elsewhere = os.path.join(tempfile.mkdtemp(prefix="cm-elsewhere-"), "cache")
        self.addCleanup(shutil.rmtree, os.path.dirname(elsewhere), ignore_errors=True)
        shutil.move(path, elsewhere)
        os.symlink(elsewhere, path)
        before = self.logins()
        self.run_ok()
        self.assertEqual(self.logins(), before + 1)
        self.assertFalse(os.path.islink(path))

    def test_fifo_does_not_block(self):
        path = self.cache_path()
        os.unlink(path)
        os.mkfifo(path)
        self.run_ok()
        self.assert_valid_cache(path)

    def assert_ok_without_cache(self, result, reason):
        """The check succeeds although the cache could not be written, and says why (--verbose)."""
        self.assert_one_status_line(result)
        self.assertEqual((result.first_line, result.exit), (self.golden.first_line(), self.golden.exit),
                         result.describe())
        self.assertRegex(result.stdout, rb"\ncannot (write|keep) the token cache [^\n]*" + reason, result.describe())

    def test_directory_at_the_cache_path(self):
        path = self.cache_path()
        os.unlink(path)
        os.mkdir(path)
        self.assert_ok_without_cache(support.run(self.argv(extra=VERBOSE)), rb"Is a directory")

    # -- the directory itself

    def test_missing_directory(self):
        missing = os.path.join(self.dir, "no", "such", "dir")
        self.assert_ok_without_cache(support.run(self.argv(missing, extra=VERBOSE)), rb"No such file or directory")

    def test_unwritable_directory(self):
        os.chmod(self.dir, 0o555)
        argv = self.argv(extra=VERBOSE)
        if os.geteuid() == 0:  # root writes anywhere: run as nobody
            os.chmod(self.dir, 0o755)
            os.chown(self.dir, 0, 0)
            argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        self.assert_ok_without_cache(support.run(argv), rb"Permission denied")

    def test_statefile_dir_is_a_file(self):
        plain = os.path.join(self.dir, "file")
        open(plain, "w").close()
        self.assert_ok_without_cache(support.run(self.argv(plain, extra=VERBOSE)), rb"Not a directory")

if __name__ == "__main__":
    unittest.main()
