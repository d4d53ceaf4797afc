"""Helpers shared by the SmarterMail end-to-end tests and the golden capture script.

Builds poller-style command lines for Centreon's plugin and check_mail, runs them, reads and
writes golden files, and checks a first status line against an expectation (see cases.py).
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import unittest
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "servers"))

from simctl import PASSWORD, USERNAME, Simulator  # noqa: E402  (re-exported)
from smtp_support import NO_SUCH_HOST, TIMEOUT_SLACK, closed_port, require_check_mail  # noqa: E402  (re-exported)

GOLDEN_DIR = os.path.join(HERE, "golden", "centreon")
# Upstream's current centreon_plugins.pl (github.com/centreon/centreon-plugins), captured with
# capture_centreon_golden.py --upstream: Centreon users run its monthly packages.
UPSTREAM_GOLDEN_DIR = os.path.join(HERE, "golden", "centreon-upstream")
CENTREON = "/usr/lib/nagios/plugins/centreon_plugins.pl"
PLUGIN = "apps::smartermail::restapi::plugin"
STATUS_RE = re.compile(rb"^(OK|WARNING|CRITICAL|UNKNOWN):( |$)")


def require_centreon():
    if not os.access(CENTREON, os.X_OK):
        raise AssertionError(f"Centreon's plugin is missing: {CENTREON} "
                             "(the setup installs it: apt-get install centreon-plugins libjson-xs-perl)")
    return CENTREON


class SimulatorTestCase(unittest.TestCase):
    """A test class with the built binary and one SmarterMail simulator for all its tests."""

    https = True  # the simulator serves HTTPS as well as HTTP

    @classmethod
    def setUpClass(cls):
        cls.binary = require_check_mail()
        cls.sim = Simulator(https=cls.https)
        cls.sim.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.sim.__exit__(None, None, None)


def help_option_names(binary, mode):
    """Every option name (--long and -s, aliases included) that --help --mode=MODE lists."""
    result = run([binary, "--help", f"--mode={mode}"])
    if not result.stdout:
        raise AssertionError(f"--help --mode={mode} printed nothing{result.describe()}")
    names = set()
    for line in result.stdout.decode().splitlines():
        if re.match(r"^  -", line):
            for item in line.strip().split(", "):
                names.add(item.split("=", 1)[0])
    return names


def add_case_tests(test_class, prefix, all_cases):
    """One test method per case check_mail runs, test_<prefix>__<case name>, that calls
    test_class.check_case(case) (methods, so that unittest lists and selects each case)."""

    def case_test(case):
        def test(self):
            self.check_case(case)
        test.__doc__ = case.name + (f" (deliberate difference: {case.deliberate})" if case.deliberate else "")
        return test

    for case in all_cases:
        if case.check_mail:
            setattr(test_class, f"test_{prefix}__" + case.name.replace("-", "_"), case_test(case))


def url_path(scenario):
    return "/api/v1" if scenario == "normal" else f"/s/{scenario}/api/v1"


@dataclass
class Target:
    """Where a case sends its requests."""
    hostname: str
    port: int
    proto: str = "http"


def target_for(case, sim):
    if case.target == "refused":
        return Target("127.0.0.1", closed_port())
    if case.target == "nohost":
        return Target(NO_SUCH_HOST, sim.http_port)
    return Target("127.0.0.1", sim.http_port)


def plugin_args(case, target, statefile_dir, extra=()):
    """The options a poller passes: --plugin, --mode, connection, credentials, statefile, then case args."""
    standard = [
        ("plugin", f"--plugin={PLUGIN}"),
        ("mode", f"--mode={case.mode}" if case.mode else None),
        ("hostname", f"--hostname={target.hostname}"),
        ("proto", f"--proto={target.proto}"),
        ("port", f"--port={target.port}"),
        ("url-path", f"--url-path={url_path(case.scenario)}"),
        ("api-username", f"--api-username={USERNAME}"),
        ("api-password", f"--api-password={PASSWORD}"),
        ("statefile-dir", f"--statefile-dir={statefile_dir}"),
    ]
    args = [arg for name, arg in standard if arg and name not in case.omit]
    return args + list(extra) + list(case.args)


@dataclass
class Result:
    argv: list
    stdout: bytes
    stderr: bytes
    exit: int
    elapsed: float

    @property
    def first_line(self):
        """First stdout line, trailing spaces trimmed (bytes: output may be Latin-1 or hold NULs)."""
        return self.stdout.split(b"\n", 1)[0].rstrip(b" ")

    @property
    def lines(self):
        return self.stdout.rstrip(b"\n").split(b"\n") if self.stdout else []

    def describe(self):
        return (f"\n  command: {shlex.join(self.argv)}\n  exit: {self.exit}  elapsed: {self.elapsed:.2f}s"
                f"\n  stdout: {show(self.stdout[:2000])}\n  stderr: {show(self.stderr[:2000])}")


def show(data):
    return data.decode("utf-8", "backslashreplace")


def run(argv, timeout=60, env=None):
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        return Result(list(argv), e.stdout or b"", (e.stderr or b"") + b"\n[killed: hung]", -9,
                      time.monotonic() - start)
    return Result(list(argv), proc.stdout, proc.stderr, proc.returncode, time.monotonic() - start)


def run_plugin(binary, case, sim, extra=(), statefile_dir=None, target=None, timeout=60, env=None):
    """Run one case; a fresh statefile directory unless one is given."""
    target = target or target_for(case, sim)
    with tempfile.TemporaryDirectory(prefix="statefile-") as fresh:
        args = plugin_args(case, target, statefile_dir or fresh, extra)
        result = run([binary, *args], timeout=timeout, env=env)
    result.target = target
    return result


# ---------------------------------------------------------------- golden files
#
# case: <name>
# command: <shell command, with {port} and {statefile_dir} placeholders>
# exit: <code>
# stdout-bytes: <n>
# stderr-bytes: <n>
# === stdout ===
# <exactly n raw bytes>
# === stderr ===
# <exactly n raw bytes>

@dataclass
class Golden:
    case: str
    command: str
    exit: int
    stdout: bytes
    stderr: bytes

    def first_line(self, port=None):
        line = self.stdout.split(b"\n", 1)[0].rstrip(b" ")
        return line.replace(b"{port}", str(port).encode()) if port is not None else line


def golden_path(name, directory=None):
    return os.path.join(directory or GOLDEN_DIR, name + ".txt")


def write_golden(g, directory=None):
    head = (f"case: {g.case}\ncommand: {g.command}\nexit: {g.exit}\n"
            f"stdout-bytes: {len(g.stdout)}\nstderr-bytes: {len(g.stderr)}\n=== stdout ===\n").encode()
    with open(golden_path(g.case, directory), "wb") as f:
        f.write(head + g.stdout + b"\n=== stderr ===\n" + g.stderr)


def read_golden(name, directory=None):
    with open(golden_path(name, directory), "rb") as f:
        data = f.read()
    head, _, rest = data.partition(b"=== stdout ===\n")
    fields = dict(line.split(": ", 1) for line in head.decode().splitlines())
    n_out, n_err = int(fields["stdout-bytes"]), int(fields["stderr-bytes"])
    stdout = rest[:n_out]
    stderr_marker = b"\n=== stderr ===\n"
    assert rest[n_out:n_out + len(stderr_marker)] == stderr_marker, f"corrupt golden file {name}"
    stderr = rest[n_out + len(stderr_marker):]
    assert len(stderr) == n_err, f"corrupt golden file {name}"
    return Golden(fields["case"], fields["command"], int(fields["exit"]), stdout, stderr)


# ---------------------------------------------------------------- expectations

def check_expectation(case, result, golden):
    """None when check_mail's result meets the case's expectation, else a reason."""
    port = result.target.port if getattr(result, "target", None) else None
    if case.compare == "json":
        return compare_json(result, golden)
    if case.compare == "list-mode":
        return compare_list_mode(result, golden)
    expect = case.expect
    if golden_matches(result, golden, port):
        if expect is None or expect.or_golden:
            return None
    elif expect is None:
        return f"expected Centreon's first line {show(golden.first_line(port))!r} exit {golden.exit}"
    return expect.check(result, port)


def golden_matches(result, golden, port):
    return result.first_line == golden.first_line(port) and result.exit == golden.exit


def normalised_json(data):
    """Parsed --output-json document; outputs as a sorted list (Centreon's order is a Perl hash order)."""
    doc = json.loads(data)
    plugin = doc.get("plugin", {})
    plugin["outputs"] = sorted(plugin.get("outputs", []), key=lambda o: json.dumps(o, sort_keys=True))
    # check_mail adds the numeric exit code (documented); Centreon has only the state name.
    plugin.pop("exit_code", None)
    return doc


def compare_json(result, golden):
    try:
        got = normalised_json(result.stdout)
    except ValueError as e:
        return f"--output-json output is not JSON: {e}"
    want = normalised_json(golden.stdout)
    if got != want:
        return f"JSON differs from Centreon's:\n  got  {json.dumps(got, sort_keys=True)}\n  want {json.dumps(want, sort_keys=True)}"
    if result.exit != golden.exit:
        return f"exit {result.exit}, Centreon exits {golden.exit}"
    return None


LIST_MODE_BLOCK = b"Modes Available:\n   licenses\n   services\n   spools\n"


def listed_modes(stdout):
    """Mode names of the "Modes Available:" block: the first word of each indented line (check_mail
    adds a one-line description after the name, and modes of its own such as smtp)."""
    lines = stdout.split(b"Modes Available:\n", 1)[-1].splitlines()
    names = []
    for line in lines:
        if not line.startswith(b"   "):
            break
        names.append(line.split()[0])
    return names


def compare_list_mode(result, golden):
    assert LIST_MODE_BLOCK in golden.stdout, "golden list-mode capture lacks the modes block"
    if b"Modes Available:\n" not in result.stdout:
        return "no 'Modes Available:' block in stdout"
    missing = set(listed_modes(golden.stdout)) - set(listed_modes(result.stdout))
    if missing:
        return f"modes missing from --list-mode: {sorted(missing)}"
    if result.exit != golden.exit:
        return f"exit {result.exit}, Centreon exits {golden.exit}"
    return None
