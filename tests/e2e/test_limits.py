"""Signals and resource limits (issue 5, "Signals and limits").

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_limits

- SIGPIPE is ignored: a poller that closes our stdout early does not kill check_mail by a signal;
- SIGTERM (and SIGINT) during a slow check gives exactly one "UNKNOWN:" line and exit 3, at once;
- memory stays bounded whatever the server sends: peak RSS (GNU time) for a 20 MiB reply (cut at
  16 MiB), and for 15 MiB replies that parse into many values or one huge string. The SMTP 10 MB
  line is test_smtp_faults.BrokenRepliesTests.test_ten_megabyte_line (checked to exist below).
"""

import dataclasses
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import cases
import support

HERE = os.path.dirname(os.path.abspath(__file__))
GNU_TIME = "/usr/bin/time"
NORMAL_SPOOLS = cases.BY_NAME["spools--normal"]
SLOW_SPOOLS = cases.BY_NAME["spools--slow"]
# The 16 MiB reply cap plus the program itself (about 9 MiB here). Under ASan (scripts/ci-extras.sh
# sets CHECK_MAIL_SANITIZED=1) shadow memory, redzones and the quarantine come on top.
PEAK_LIMIT_KIB = (160 if os.environ.get("CHECK_MAIL_SANITIZED") else 32) * 1024


def status_lines(stdout):
    return [line for line in stdout.split(b"\n") if support.STATUS_RE.match(line)]


class SimulatorCase(support.SimulatorTestCase):
    https = False

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="cm-limits-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def argv(self, case, *extra, target=None):
        target = target or support.target_for(case, self.sim)
        return [self.binary, *support.plugin_args(case, target, self.dir, extra)]


class SignalTests(SimulatorCase):
    def start_slow(self):
        """check_mail waiting for the slow scenario's data reply (logged in already)."""
        self.sim.reset()
        proc = subprocess.Popen(self.argv(SLOW_SPOOLS, "--timeout=20"), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        end = time.monotonic() + 10
        while self.sim.stats("slow")["data_calls"] == 0:
            self.assertLess(time.monotonic(), end, "check_mail never reached the data call")
            self.assertIsNone(proc.poll(), "check_mail ended early")
            time.sleep(0.02)
        time.sleep(0.1)
        return proc

    def interrupt(self, signum, expected):
        proc = self.start_slow()
        sent = time.monotonic()
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=10)
        elapsed = time.monotonic() - sent
        self.assertEqual(proc.returncode, 3, (out, err))
        self.assertEqual(out, expected, err)
        self.assertEqual(len(status_lines(out)), 1)
        self.assertEqual(err, b"")
        self.assertLess(elapsed, 0.5, "the signal did not end the check at once")

    def test_sigterm_during_slow_check(self):
        self.interrupt(signal.SIGTERM, b"UNKNOWN: Interrupted by SIGTERM\n")

    def test_sigint_during_slow_check(self):
        self.interrupt(signal.SIGINT, b"UNKNOWN: Interrupted by SIGINT\n")

    def test_sigterm_during_smtp_check(self):
        from smtp_fault_server import FaultServer
        with FaultServer([("silent",)]) as server:
            proc = subprocess.Popen([self.binary, "--mode=smtp", "-H", "127.0.0.1", "-p", str(server.port),
                                     "--timeout=20"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            time.sleep(0.3)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
        self.assertEqual((proc.returncode, out, err), (3, b"UNKNOWN: Interrupted by SIGTERM\n", b""))

    @staticmethod
    def wait_for_handler(proc, signal_number, limit=5.0):
        """Start-up ends where main() has installed its handlers (SigCgt in /proc): the loader's
        time before that depends on the machine's load, not on the plugin."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                with open(f"/proc/{proc.pid}/status") as status:
                    caught = next(int(line.split()[1], 16) for line in status if line.startswith("SigCgt:"))
                if caught & (1 << (signal_number - 1)):
                    return
            except (OSError, StopIteration):
                pass
            time.sleep(0.001)

    def test_sigterm_many_times(self):
        """Whenever the poller's SIGTERM comes after start-up: one UNKNOWN line, exit 3."""
        for delay in (0, 0.02, 0.05, 0.1, 0.2):
            self.sim.reset()
            proc = subprocess.Popen(self.argv(SLOW_SPOOLS, "--timeout=20"), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.wait_for_handler(proc, signal.SIGTERM)
            time.sleep(delay)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
            self.assertEqual((proc.returncode, out, err), (3, b"UNKNOWN: Interrupted by SIGTERM\n", b""),
                             f"SIGTERM after {delay}s")

    def test_timeout_is_one_line(self):
        result = support.run(self.argv(dataclasses.replace(SLOW_SPOOLS, args=()), "--timeout=1"))
        self.assertEqual(result.exit, 3, result.describe())
        self.assertEqual(len(status_lines(result.stdout)), 1, result.describe())
        self.assertLess(result.elapsed, 1.5, result.describe())


class SigpipeTests(SimulatorCase):
    def closed_stdout_run(self, argv):
        """Runs argv with stdout a pipe whose reading end is already closed."""
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=write_end, stderr=subprocess.PIPE,
                                  timeout=30, restore_signals=True)
        finally:
            os.close(write_end)
        return proc

    def test_ok_check(self):
        proc = self.closed_stdout_run(self.argv(NORMAL_SPOOLS, "--timeout=5"))
        self.assertEqual(proc.returncode, 0, f"killed by signal {-proc.returncode}" if proc.returncode < 0 else "")

    def test_error_check(self):
        proc = self.closed_stdout_run(self.argv(NORMAL_SPOOLS, "--timeout=5", target=support.Target(
            "127.0.0.1", support.closed_port())))
        self.assertEqual(proc.returncode, 3)

    def test_help(self):
        proc = self.closed_stdout_run([self.binary, "--mode=smtp", "--help"])
        self.assertEqual(proc.returncode, 3)

    def test_smtp(self):
        from smtp_fault_server import BANNER, FaultServer, smtp_replies
        with FaultServer([("send", BANNER), ("serve", smtp_replies())]) as server:
            proc = self.closed_stdout_run([self.binary, "--mode=smtp", "-H", "127.0.0.1", "-p", str(server.port),
                                           "--timeout=5", "--verbose"])
        self.assertEqual(proc.returncode, 0)

    def test_stdout_closed_mid_read(self):
        """The poller reads the first bytes of a long output, then closes the pipe."""
        proc = subprocess.Popen([self.binary, "--mode=smtp", "--help"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        proc.stdout.read(10)
        proc.stdout.close()
        proc.wait(timeout=10)
        self.assertEqual(proc.returncode, 3)


class BodyServer(http.server.ThreadingHTTPServer):
    """Answers the login and then every data request with one fixed body."""
    daemon_threads = True

    def __init__(self, body, status=200):
        self.body, self.status = body, status

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.reply(json.dumps({"accessToken": "t0k3n-for-limits", "success": True}).encode())

            def do_GET(self):
                self.reply(self.server.body, self.server.status)

            def reply(self, data, status=200):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def close(self):
        self.shutdown()
        self.server_close()


class MemoryTests(SimulatorCase):
    def peak(self, argv, timeout=20):
        result = support.run([GNU_TIME, "-f", "peak=%M", *argv], timeout=timeout + 10)
        lines = result.stderr.strip().split(b"\n")
        self.assertTrue(lines[-1].startswith(b"peak="), result.describe())
        peak = int(lines[-1][5:])
        result.stderr = b"\n".join(l for l in lines[:-1] if not l.startswith(b"Command exited"))
        return result, peak

    def check_bounded(self, argv, summary_prefix):
        result, peak = self.peak(argv)
        self.assertEqual(result.exit, 3, result.describe())
        self.assertEqual(len(status_lines(result.stdout)), 1, result.describe())
        self.assertTrue(result.first_line.startswith(summary_prefix), result.describe())
        self.assertLess(peak, PEAK_LIMIT_KIB, f"peak RSS {peak} KiB" + result.describe())
        return peak

    def test_huge_body_is_cut(self):
        peak = self.check_bounded(self.argv(cases.BY_NAME["spools--huge-body"], "--timeout=20"), b"UNKNOWN: Reply from ")
        print(f"\n  huge-body (20 MiB reply): peak RSS {peak / 1024:.1f} MiB", end=" ")

    def served(self, body, prefix, status=200):
        server = BodyServer(body, status)
        self.addCleanup(server.close)
        target = support.Target("127.0.0.1", server.server_address[1])
        peak = self.check_bounded(self.argv(NORMAL_SPOOLS, "--timeout=20", target=target), prefix)
        print(f"\n  {self.id().rsplit('.', 1)[-1]} ({len(body) / 2**20:.1f} MiB reply): peak RSS {peak / 1024:.1f} MiB",
              end=" ")
        return peak

    def test_many_small_values(self):
        size = 15 * 1024 * 1024
        self.served(b'{"counts":[' + b"0," * (size // 2) + b'0],"success":true}', b"UNKNOWN: Cannot decode json")

    def test_many_keys(self):
        body = b'{"counts":{' + b",".join(b'"%d":{}' % i for i in range(1_100_000)) + b'},"success":true}'
        self.served(body, b"UNKNOWN: Cannot decode json")

    def test_one_huge_string(self):
        body = b'{"counts":{"default":6},"success":false,"message":"' + b"x" * (15 * 1024 * 1024) + b'"}'
        self.served(body, b"UNKNOWN: Cannot decode json")

    def test_error_reply_with_many_values(self):
        """An HTTP 500's body is read for its message: the same limits apply."""
        body = b'{"message":[' + b"0," * (7 * 1024 * 1024) + b'0]}'
        self.served(body, b"UNKNOWN: api request error: HTTP 500", status=500)

    def test_smtp_ten_megabyte_line_is_covered(self):
        with open(os.path.join(HERE, "test_smtp_faults.py")) as f:
            source = f.read()
        self.assertIn("def test_ten_megabyte_line(", source)
        self.assertIn("measure_memory=True", source)


if __name__ == "__main__":
    unittest.main()
