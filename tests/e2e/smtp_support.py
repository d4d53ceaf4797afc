"""Helpers shared by the smtp mode's end-to-end tests (test_smtp.py, test_smtp_faults.py) and
bench/bench_smtp.py: the private Postfix + Dovecot stack, the scripted fault server's
certificates, running check_mail, and the assertions every case makes.

Nothing here skips: a missing binary, tool or daemon is an AssertionError (a failed test).
"""

import os
import random
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SERVERS = os.path.join(REPO, "tests", "servers")
MAILSTACK = os.path.join(SERVERS, "mailstack", "mailstack.sh")
MAKE_CERTS = os.path.join(SERVERS, "certs", "make_certs.sh")
CHECK_SMTP = "/usr/lib/nagios/plugins/check_smtp"
GNU_TIME = "/usr/bin/time"
NO_SUCH_HOST = "nonexistent.invalid"

# One status line: the label, then text (Nagios: "OK: ...", never bare "OK").
STATUS_RE = re.compile(r"^(OK|WARNING|CRITICAL|UNKNOWN): \S")
EXIT_CODES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
# Margin the process may take beyond --timeout (start-up, output, exit). The normal build's run
# checks that margin. A sanitized binary (scripts/ci-extras.sh sets CHECK_MAIL_SANITIZED=1) runs
# LeakSanitizer at its end and starts slower, which a loaded machine stretches by seconds: there
# the bound only tells a hang from an end.
TIMEOUT_SLACK = 10.0 if os.environ.get("CHECK_MAIL_SANITIZED") else 0.5

sys.path.insert(0, SERVERS)

from simctl import Simulator  # noqa: E402  (tests/servers, on the path above)


def check_mail_bin():
    path = os.environ.get("CHECK_MAIL_BIN", os.path.join("build", "src", "check_mail"))
    return path if os.path.isabs(path) else os.path.join(REPO, path)


def require_check_mail():
    path = check_mail_bin()
    if not os.access(path, os.X_OK):
        raise AssertionError(f"check_mail binary not found or not executable: {path} "
                             "(build it, or set CHECK_MAIL_BIN)")
    return path


def require_executable(path, hint):
    if not (os.access(path, os.X_OK) or shutil.which(path)):
        raise AssertionError(f"{path} is missing ({hint})")
    return path


def closed_port():
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Result:
    argv: list
    stdout: str
    stderr: str
    exit: int
    elapsed: float
    peak_kib: int = 0

    @property
    def lines(self):
        return self.stdout.rstrip("\n").split("\n") if self.stdout else []

    @property
    def first_line(self):
        return self.lines[0] if self.lines else ""

    @property
    def status(self):
        m = STATUS_RE.match(self.first_line)
        return m.group(1) if m else None

    @property
    def summary(self):
        """The first line without its perfdata."""
        return self.first_line.split(" | ", 1)[0]

    @property
    def perfdata(self):
        """label -> value text (with unit) of the first line's perfdata."""
        text = self.first_line.split(" | ", 1)[1] if " | " in self.first_line else ""
        return {m.group(1): m.group(2) for m in re.finditer(r"'([^']+)'=([^;\s]*)", text)}

    def describe(self):
        return (f"\n  command: {shlex.join(self.argv)}\n  exit: {self.exit}  elapsed: {self.elapsed:.3f}s"
                f"  peak: {self.peak_kib} KiB\n  stdout: {self.stdout[:3000]}\n  stderr: {self.stderr[:2000]}")


def run(argv, timeout=30, env=None, measure_memory=False):
    """Runs argv (stdin closed), timing it. With measure_memory, GNU time reports peak RSS of the
    command alone (not of this Python process)."""
    argv = [str(a) for a in argv]
    full = list(argv)
    mem_file = None
    if measure_memory:
        require_executable(GNU_TIME, "apt-get install time")
        mem_file = tempfile.NamedTemporaryFile("r", prefix="peak-", delete=False)
        mem_file.close()
        full = [GNU_TIME, "-f", "%M", "-o", mem_file.name] + argv
    start = time.monotonic()
    try:
        proc = subprocess.run(full, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env)
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        out, err, code = e.stdout or b"", (e.stderr or b"") + b"\n[killed: hung]", -9
    elapsed = time.monotonic() - start
    peak = 0
    if mem_file:
        with open(mem_file.name) as f:
            text = f.read().split()
        os.unlink(mem_file.name)
        peak = int(text[-1]) if text and text[-1].isdigit() else 0
        # GNU time reports a non-zero exit of the command on its own stderr line: drop it.
        err = re.sub(rb"^Command exited with non-zero status \d+\n", b"", err, flags=re.M)
    return Result(argv, out.decode("utf-8", "backslashreplace"), err.decode("utf-8", "backslashreplace"),
                  code, elapsed, peak)


class PluginAssertions:
    """Mixin for unittest.TestCase: the checks every smtp case makes."""

    def assertPlugin(self, result, status, timeout, secrets=(), summary=None):
        """Exactly one status line first, the right label and exit code, an empty stderr, an end
        within timeout + 0.5 s, no secret anywhere in stdout; `summary` (regex) searched in the
        status line's text."""
        d = result.describe()
        self.assertTrue(result.stdout, "no output" + d)
        self.assertRegex(result.first_line, STATUS_RE, "first line is not a status line" + d)
        self.assertEqual(result.status, status, "wrong status" + d)
        self.assertEqual(sum(1 for line in result.lines if STATUS_RE.match(line)), 1,
                         "not exactly one status line" + d)
        self.assertEqual(result.exit, EXIT_CODES[status], "wrong exit code" + d)
        self.assertEqual(result.stderr.strip(), "", "stderr is not empty" + d)
        self.assertLess(result.elapsed, timeout + TIMEOUT_SLACK, "did not end within the timeout" + d)
        for secret in secrets:
            if secret:
                self.assertNotIn(secret, result.stdout, f"secret {secret!r} leaked into the output" + d)
        if summary is not None:
            self.assertRegex(result.summary, summary, d)


# ------------------------------------------------------------------ mail stack
def _ports_free(base):
    for offset in (25, 110, 143, 465, 466, 587, 808, 993, 995):  # 808: the OAuth test server
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", base + offset))
            except OSError:
                return False
    return True


def free_port_base():
    """A port base whose eight mail stack ports are all free on 127.0.0.1."""
    rng = random.Random(os.getpid() ^ int(time.time()))
    for _ in range(200):
        # Below Linux's ephemeral range (32768+), so no outgoing connection can take a port
        # between this check and the daemons' bind.
        base = rng.randrange(10000, 32000, 1000) + rng.randrange(0, 9) * 10
        if _ports_free(base):
            return base
    raise AssertionError("no free port base for the mail stack")


class MailStack:
    """tests/servers/mailstack/mailstack.sh in a fresh world-searchable temporary directory.

    preferred_base: the port base to use when all its ports are free (a suite's own, so that
    suites running at once do not collide), else any free one."""

    def __init__(self, preferred_base=None):
        require_executable(MAILSTACK, "tests/servers/mailstack/mailstack.sh")
        if os.geteuid() != 0:
            raise AssertionError("the mail stack needs root (Postfix and Dovecot masters)")
        self.tmp = tempfile.mkdtemp(prefix="cm-smtp-", dir="/tmp")
        os.chmod(self.tmp, 0o755)  # Postfix, Dovecot and the mailbox user must traverse it
        self.dir = os.path.join(self.tmp, "stack")
        if preferred_base is not None and _ports_free(preferred_base):
            self.base = preferred_base
        else:
            self.base = free_port_base()
        self.env = {}
        self.started = False

    def _script(self, command):
        env = dict(os.environ, MAILSTACK_PORT_BASE=str(self.base))
        return subprocess.run([MAILSTACK, command, self.dir], capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, check=False, timeout=120)

    def start(self):
        proc = self._script("start")
        if proc.returncode != 0:
            self.stop()
            raise AssertionError(f"mail stack did not start (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
        self.started = True
        env = self._script("env")
        for line in env.stdout.splitlines():
            name, _, value = line.partition("=")
            if name:
                self.env[name] = shlex.split(value)[0] if value else ""
        for key in ("MAILSTACK_SMTP_PORT", "MAILSTACK_SUBMISSION_PORT", "MAILSTACK_SMTPS_PORT",
                    "MAILSTACK_SMTPS_CLIENTCERT_PORT", "MAILSTACK_CA", "MAILSTACK_MAILDIR"):
            if key not in self.env:
                self.stop()
                raise AssertionError(f"mailstack.sh env lacks {key}:\n{env.stdout}")
        return self

    def stop(self):
        try:
            self._script("stop")
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def flush(self):
        self._script("flush")

    def __getitem__(self, name):
        key = "MAILSTACK_" + name
        if key not in self.env:
            raise AssertionError(f"mailstack.sh env lacks {key}")
        return self.env[key]

    def port(self, name):
        return int(self[name + "_PORT"])

    def logs(self):
        return self._script("logs").stdout

    def maildir_messages(self, maildir_key="MAILDIR"):
        """(path, bytes) of every message delivered to a mailbox."""
        maildir = self[maildir_key]
        found = []
        for sub in ("new", "cur"):
            d = os.path.join(maildir, sub)
            if os.path.isdir(d):
                for name in sorted(os.listdir(d)):
                    with open(os.path.join(d, name), "rb") as f:
                        found.append((os.path.join(d, name), f.read()))
        return found

    def wait_for_message(self, needle, maildir_key="MAILDIR", timeout=10.0):
        """The delivered message containing needle (bytes), waiting for Postfix to deliver it."""
        end = time.monotonic() + timeout
        while True:
            for path, data in self.maildir_messages(maildir_key):
                if needle in data:
                    return data
            if time.monotonic() > end:
                raise AssertionError(f"no message containing {needle!r} in {self[maildir_key]} after "
                                     f"{timeout}s\n{self.logs()[-3000:]}")
            time.sleep(0.05)


class DefinitionServers:
    """What the shipped definitions run against (test_snippets.py, test_engines.py): a plugin
    directory in work whose check_mail is the built binary (the definitions call <plugin
    dir>/check_mail), the SmarterMail simulator and the mail stack. stop() ends both servers
    and removes work."""

    def __init__(self, binary, work):
        self.work = work
        self.plugin_dir = os.path.join(work, "plugins")
        os.mkdir(self.plugin_dir)
        os.symlink(os.path.abspath(binary), os.path.join(self.plugin_dir, "check_mail"))
        self.sim = Simulator()
        self.sim.__enter__()
        try:
            self.stack = MailStack().start()
        except BaseException:
            self.sim.__exit__(None, None, None)
            shutil.rmtree(work, ignore_errors=True)
            raise

    def stop(self):
        try:
            self.stack.stop()
        finally:
            self.sim.__exit__(None, None, None)
            shutil.rmtree(self.work, ignore_errors=True)


# ------------------------------------------------------------------ test PKI
def make_certs(directory):
    """tests/servers/certs/make_certs.sh into directory (ca, server, proxy, wronghost, expired,
    notyet, selfsigned, soon, client)."""
    require_executable(MAKE_CERTS, "tests/servers/certs/make_certs.sh")
    proc = subprocess.run([MAKE_CERTS, directory], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, MAKE_CERTS_QUIET="1"), timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"make_certs.sh failed:\n{proc.stderr}")
    for name in ("ca", "server", "proxy", "wronghost", "expired", "notyet", "selfsigned"):
        if not os.path.exists(os.path.join(directory, name + ".pem")):
            raise AssertionError(f"make_certs.sh did not make {name}.pem")
    return directory
