#!/usr/bin/env python3
"""End-to-end cases once under valgrind memcheck (issue 5; run by scripts/ci-extras.sh).

    CHECK_MAIL_BIN=build/src/check_mail python3 tests/e2e/run_valgrind.py [-v]

A selection of the SmarterMail cases (cases.py, against the simulator: every mode, the cached
token path, --verbose/--debug/--output-json, error paths, HTTPS) and of smtp dialogues (against
the scripted server of tests/servers/smtp_fault_server.py: plain, AUTH, implicit TLS, STARTTLS,
a test message, refusals, broken replies, bad certificates) runs the plain (non-sanitizer) build
through a wrapper that execs valgrind --leak-check=full --error-exitcode=99. Every run must end
with an exit code in 0..3 and an empty valgrind log: no invalid access, no use of uninitialised
memory, no definite or possible leak. Timing is not checked (valgrind is ~50x slower): cases
run with --timeout=60 unless the case is about the timeout. The SmarterMail and the smtp cases
run side by side (two threads, each run with its own log directory); --track-origins is left
out (it only explains an uninitialised value, at twice the cost: add it to investigate one).
Not a test_*.py file: ctest does not collect it; it is not part of the normal suite.
"""

import argparse
import dataclasses
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases  # noqa: E402
import support  # noqa: E402
from smtp_fault_server import BANNER, EHLO_AUTH, EHLO_STARTTLS, FaultServer, smtp_replies  # noqa: E402

MAKE_CERTS = os.path.join(support.REPO, "tests", "servers", "certs", "make_certs.sh")
VALGRIND_TIMEOUT = 60
SMARTERMAIL_CASES = [
    "spools--normal", "services--normal", "licenses--normal", "spools--token-expired-once",
    "spools--normal--debug-verbose", "spools--mixed--output-json-verbose", "services--inactive--critical-status-regex",
    "spools--mixed--change-short-output-global", "spools--mixed--filter-warn", "licenses--normal--warning-critical-days",
    "spools--spools-huge", "spools--spools-bad-string", "spools--spools-unicode", "services--services-strings",
    "spools--success-false", "spools--invalid-utf8", "spools--deep-json", "spools--nul-raw", "spools--not-json",
    "spools--truncated-body", "spools--chunked", "spools--redirect-loop", "spools--data-403", "spools--login-401",
    "spools--huge-body", "spools--connection-refused", "spools--unknown-host", "spools--mixed--invalid-warning",
    "spools--mixed--filter-bad-regex", "unknown-option", "list-mode",
]


def write_wrapper(directory, binary):
    wrapper = os.path.join(directory, "check_mail")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\n"
                f"exec valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,possible "
                f"--errors-for-leak-kinds=definite,possible --num-callers=30 "
                f"--log-file=\"$VALGRIND_LOG_DIR/valgrind.%p.log\" {binary} \"$@\"\n")
    os.chmod(wrapper, 0o755)
    return wrapper


class Runner:
    def __init__(self, wrapper, log_dir, verbose):
        self.wrapper, self.log_dir, self.verbose = wrapper, log_dir, verbose
        self.runs, self.failures = 0, []
        self.lock = threading.Lock()

    def run(self, name, argv, env=None, status_line=True):
        logs = tempfile.mkdtemp(prefix="run-", dir=self.log_dir)
        start = time.monotonic()
        result = support.run([self.wrapper, *argv], timeout=VALGRIND_TIMEOUT * 2,
                             env=dict(env or os.environ, VALGRIND_LOG_DIR=logs))
        elapsed = time.monotonic() - start
        problems = []
        if result.exit not in (0, 1, 2, 3):
            problems.append(f"exit {result.exit}")
        for log in sorted(os.listdir(logs)):
            with open(os.path.join(logs, log), errors="replace") as f:
                text = f.read()
            if text.strip():
                problems.append(f"{log}:\n{text[-6000:]}")
        if status_line and not support.STATUS_RE.match(result.first_line):
            problems.append(f"first line is not a status line: {result.first_line[:200]!r}")
        line = f"{'FAIL' if problems else 'ok  '} {elapsed:5.1f}s exit {result.exit}  {name}"
        with self.lock:
            self.runs += 1
            if self.verbose or problems:
                print(line + ("\n    " + "\n    ".join(problems) if problems else ""), flush=True)
            if problems:
                self.failures.append(name)


def smartermail(runner):
    with support.Simulator() as sim, tempfile.TemporaryDirectory(prefix="vg-state-") as state:
        for name in SMARTERMAIL_CASES:
            case = cases.BY_NAME[name]
            extra = () if any(a.startswith("--timeout") for a in case.args) else (f"--timeout={VALGRIND_TIMEOUT}",)
            target = support.target_for(case, sim)
            # A shared statefile directory: later cases start from the cached token.
            argv = support.plugin_args(case, target, state, extra)
            runner.run(f"smartermail {name}", argv, status_line=case.status_line)
        https = support.Target("127.0.0.1", sim.https_port, "https")
        normal = cases.BY_NAME["spools--normal"]
        runner.run("smartermail https --cafile", support.plugin_args(
            normal, https, state, (f"--timeout={VALGRIND_TIMEOUT}", f"--cafile={sim.ca_file}")))
        runner.run("smartermail https untrusted", support.plugin_args(normal, https, state, (f"--timeout={VALGRIND_TIMEOUT}",)))
        slow = dataclasses.replace(cases.BY_NAME["spools--slow"], args=())
        runner.run("smartermail slow (timeout)", support.plugin_args(slow, support.target_for(slow, sim), state, ("--timeout=3",)))


def smtp(runner, certs):
    ca = f"--cafile={os.path.join(certs, 'ca.pem')}"
    ehlo_all = b"250-fault.example\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-SIZE 1000000\r\n250 ENHANCEDSTATUSCODES\r\n"
    auth_ok = smtp_replies(EHLO=ehlo_all, AUTH=b"235 2.7.0 Authentication successful\r\n")
    scripts = [
        ("banner ehlo quit", [("send", BANNER), ("serve", smtp_replies())], []),
        ("auth plain + message", [("send", BANNER), ("serve", auth_ok)],
         ["-A", "plain", "-U", "monitor", "-P", "vg-secret", "--allow-plaintext-auth", "--email=probe@example.test",
          "--verbose"]),
        ("auth cram-md5 refused", [("send", BANNER), ("serve", smtp_replies(
            EHLO=ehlo_all, AUTH=b"334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"))],
         ["-A", "cram-md5", "-U", "monitor", "-P", "vg-secret", "--allow-plaintext-auth"]),
        ("implicit tls + message", [("tls", "server"), ("send", BANNER), ("serve", smtp_replies())],
         ["--ssl", ca, "--email=probe@example.test", "--message-size=200000"]),
        ("starttls + auth", [("send", BANNER), ("serve", smtp_replies(EHLO=EHLO_STARTTLS, STARTTLS=None)),
                             ("send", b"220 2.0.0 go ahead\r\n"), ("tls", "server"),
                             ("serve", smtp_replies(EHLO=EHLO_AUTH, AUTH=b"235 2.7.0 ok\r\n"))],
         ["--starttls", ca, "-A", "auto", "-U", "monitor", "-P", "vg-secret", "--debug"]),
        ("rcpt refused", [("send", BANNER), ("serve", smtp_replies(RCPT=b"550 5.1.1 no such user\r\n"))],
         ["--email=nobody@example.test"]),
        ("disconnect mid-reply", [("send", BANNER), ("expect", b"EHLO"), ("send", b"250-fault.example\r\n250-PI"),
                                  ("close",)], []),
        ("garbage reply", [("send", b"hello, not SMTP\r\n"), ("silent",)], []),
        ("1 MB line", [("flood", 1024 * 1024, b"x"), ("silent",)], []),
        ("expired certificate", [("tls", "expired"), ("send", BANNER), ("serve", smtp_replies())], ["--ssl", ca]),
        ("self-signed, insecure", [("tls", "selfsigned"), ("send", BANNER), ("serve", smtp_replies())],
         ["--ssl", "--insecure"]),
        ("silent (timeout)", [("silent",)], ["--timeout=3"]),
    ]
    for name, script, args in scripts:
        with FaultServer(script, certs) as server:
            timeout = [] if any(a.startswith("--timeout") for a in args) else [f"--timeout={VALGRIND_TIMEOUT}"]
            runner.run(f"smtp {name}", ["--mode=smtp", "-H", "127.0.0.1", "-p", str(server.port), *timeout, *args])
    runner.run("smtp connection refused", ["--mode=smtp", "-H", "127.0.0.1", "-p", str(support.closed_port())])
    runner.run("smtp unknown host", ["--mode=smtp", "-H", support.NO_SUCH_HOST, "--timeout=10"])
    runner.run("smtp help", ["--mode=smtp", "--help"], status_line=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every run, not only failures")
    args = parser.parse_args()
    binary = support.require_check_mail()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is missing (apt-get install valgrind)")
    tmp = tempfile.mkdtemp(prefix="cm-valgrind-")
    try:
        certs = os.path.join(tmp, "certs")
        subprocess.run([MAKE_CERTS, certs], check=True, capture_output=True, env=dict(os.environ, MAKE_CERTS_QUIET="1"))
        runner = Runner(write_wrapper(tmp, binary), tmp, args.verbose)
        start = time.monotonic()
        errors = []

        def guarded(function, *arguments):
            try:
                function(runner, *arguments)
            except Exception as error:  # reported below: a thread's exception would be lost
                errors.append(f"{function.__name__}: {error!r}")

        threads = [threading.Thread(target=guarded, args=(smartermail,)),
                   threading.Thread(target=guarded, args=(smtp, certs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        runner.failures += errors
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"valgrind memcheck: {runner.runs} runs in {elapsed:.0f}s, {len(runner.failures)} with errors"
          + (": " + ", ".join(runner.failures) if runner.failures else ""))
    sys.exit(1 if runner.failures else 0)


if __name__ == "__main__":
    main()
