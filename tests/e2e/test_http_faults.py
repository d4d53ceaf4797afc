"""The HTTP side of the fault matrix (issue 5), where test_smartermail.py does not cover it yet.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_http_faults

Already in test_smartermail.py (through cases.py and HttpsTests), not repeated here: 401 at login,
403/404/500/503 and redirects (never followed) for spools, chunked bodies, truncated bodies for spools,
invalid UTF-8 and NUL bytes, JSON nested 10,000 deep, unknown host for spools, connection refused,
a slow server, HTTPS to the HTTP port and HTTP to the HTTPS port, an untrusted CA and a
certificate for another host.

Here: those scenarios for the other modes, an unknown host and an unreachable address for every
mode, expired / not yet valid / self-signed certificates (tests/servers/certs/make_certs.sh), and
raw servers that say nothing, drip one byte a second, send a 10 MB header line, a status line
without CRLF, or reset the TLS handshake. Every case: exactly one status line, the expected exit
code, an empty stderr, and an end within --timeout (2 s) + 0.5 s.
"""

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import cases
import support
from simctl import SIM
from watched_trust_store import WatchedTrustStore

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_CERTS = os.path.join(support.REPO, "tests", "servers", "certs", "make_certs.sh")
TIMEOUT = 2
DEADLINE = TIMEOUT + support.TIMEOUT_SLACK  # the margin beyond --timeout (smtp_support.py)
UNREACHABLE_V4 = "192.0.2.1"    # TEST-NET-1 (RFC 5737): never routed
UNREACHABLE_V6 = "2001:db8::1"  # documentation prefix (RFC 3849)


class CertSimulator:
    """smartermail_sim.py with the certificates given (HTTPS port and a second one)."""

    def __init__(self, cert, key, alt_cert=None, alt_key=None):
        self.tmp = tempfile.mkdtemp(prefix="cm-certsim-")
        ready = os.path.join(self.tmp, "ready.json")
        cmd = [sys.executable, SIM, "--ready-file", ready, "--username", support.USERNAME,
               "--password", support.PASSWORD, "--cert", cert, "--key", key]
        if alt_cert:
            cmd += ["--alt-cert", alt_cert, "--alt-key", alt_key]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        end = time.monotonic() + 15
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.monotonic() > end:
                self.stop()
                raise AssertionError("the simulator did not start")
            time.sleep(0.02)
        with open(ready) as f:
            ports = json.load(f)
        self.https_port, self.alt_https_port = ports["https_port"], ports.get("alt_https_port")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


class RawServer:
    """A TCP listener on 127.0.0.1 that plays `behaviour(sock)` on every connection."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.play, args=(conn,), daemon=True).start()

    def play(self, conn):
        try:
            self.behaviour(conn)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self):
        self.stopping = True
        self.sock.close()


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def silent(conn):
    conn.settimeout(30)
    while conn.recv(65536):
        pass


def drip(conn):
    read_request(conn)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}":
        conn.sendall(bytes([byte]))
        time.sleep(1.0)


def huge_header_line(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Flood: ")
    chunk = b"x" * 65536
    for _ in range(160):  # 10 MiB, no line end
        conn.sendall(chunk)
    silent(conn)


def status_line_without_crlf(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK")


def garbage(conn):
    read_request(conn)
    conn.sendall(b"\x00\xff\xfe hello, I am not HTTP\r\n\r\n")


def reset_during_handshake(conn):
    conn.recv(100)  # the start of the ClientHello
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def reset_at_once(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class FaultMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.binary = support.require_check_mail()
        cls.sim = support.Simulator()
        cls.sim.__enter__()
        cls.tmp = tempfile.mkdtemp(prefix="cm-http-faults-")
        cls.certs = os.path.join(cls.tmp, "certs")
        proc = subprocess.run([MAKE_CERTS, cls.certs], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              env=dict(os.environ, MAKE_CERTS_QUIET="1"), timeout=120)
        if proc.returncode != 0:
            raise AssertionError(f"make_certs.sh failed:\n{proc.stderr}")
        pem = lambda name: (os.path.join(cls.certs, name + ".pem"), os.path.join(cls.certs, name + ".key"))
        cls.dated = CertSimulator(*pem("expired"), *pem("notyet"))
        cls.selfsigned = CertSimulator(*pem("selfsigned"), *pem("wronghost"))
        cls.ca = os.path.join(cls.certs, "ca.pem")

    @classmethod
    def tearDownClass(cls):
        for sim in (getattr(cls, "dated", None), getattr(cls, "selfsigned", None)):
            if sim:
                sim.stop()
        cls.sim.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def serve(self, behaviour):
        server = RawServer(behaviour)
        self.addCleanup(server.stop)
        return server.port

    def check(self, mode, exit_code, summary, scenario="normal", target=None, extra=()):
        case = cases.Case(f"{mode}--{scenario}", mode, scenario)
        target = target or support.Target("127.0.0.1", self.sim.http_port)
        result = support.run_plugin(self.binary, case, self.sim, extra=(f"--timeout={TIMEOUT}", *extra),
                                    target=target, timeout=30)
        where = result.describe()
        self.assertRegex(result.first_line, support.STATUS_RE, "first line is not a status line" + where)
        self.assertEqual(sum(bool(support.STATUS_RE.match(l)) for l in result.lines), 1, "one status line" + where)
        self.assertEqual(result.exit, exit_code, where)
        self.assertEqual(result.stderr, b"", "stderr must stay empty" + where)
        self.assertLessEqual(result.elapsed, DEADLINE, f"took longer than {DEADLINE}s" + where)
        self.assertRegex(result.first_line.decode("utf-8", "replace"), summary, where)
        for secret in self.sim.issued_secrets():
            self.assertNotIn(secret.encode(), result.stdout, f"secret {secret!r} leaked" + where)
        return result

    def each_mode(self, exit_code, summary, **kw):
        for mode in cases.MODES:
            with self.subTest(mode=mode):
                self.check(mode, exit_code, summary, **kw)

    # -- API-level faults, for every mode

    def test_redirect_loop(self):
        self.each_mode(3, r"^UNKNOWN: api request error: HTTP 302 Found, redirect to .* not followed$",
                       scenario="redirect-loop")

    def test_redirect_once(self):
        self.each_mode(3, r"^UNKNOWN: api request error: HTTP 302 Found, redirect to .* not followed$",
                       scenario="redirect-once")

    def test_login_401(self):
        self.each_mode(3, r"^UNKNOWN: Authentication error \[code: '401'\]", scenario="login-401")

    def test_data_4xx_5xx(self):
        for scenario, message in (("data-403", "Access denied"), ("data-404", "Not found"),
                                  ("data-500", "Internal server error"), ("data-503", "Service unavailable")):
            self.each_mode(3, rf"^UNKNOWN: api request error: {message}$", scenario=scenario)

    def test_data_502_html(self):
        self.each_mode(3, r"^UNKNOWN: api request error: HTTP 502 Bad Gateway", scenario="data-502-html")

    def test_truncated_bodies(self):
        for scenario in ("truncated-body", "chunked-truncated"):
            self.each_mode(3, r"^UNKNOWN: (Cannot decode json response|HTTP transfer failed)", scenario=scenario)

    def test_invalid_bodies(self):
        for scenario in ("nul-raw", "html-error", "not-json", "empty-body"):
            self.each_mode(3, r"^UNKNOWN: Cannot decode json response", scenario=scenario)

    def test_huge_body(self):
        self.each_mode(3, r"^UNKNOWN: Reply from .* is larger than 16 MiB", scenario="huge-body")

    # -- where the server is

    def test_unknown_host(self):
        for proto in ("http", "https"):
            self.each_mode(3, r"^UNKNOWN: Cannot resolve host name 'nonexistent\.invalid'",
                           target=support.Target(support.NO_SUCH_HOST, 443, proto))

    def test_unreachable_address(self):
        for host in (UNREACHABLE_V4, UNREACHABLE_V6):
            for mode in cases.MODES:
                with self.subTest(host=host, mode=mode):
                    self.check(mode, 3, r"^UNKNOWN: (Timeout after 2s|Cannot connect to )",
                               target=support.Target(host, 443, "https"))

    def test_connection_reset_at_once(self):
        port = self.serve(reset_at_once)
        self.each_mode(3, r"^UNKNOWN: ", target=support.Target("127.0.0.1", port))

    # -- servers that misbehave below HTTP

    def test_silent_server(self):
        port = self.serve(silent)
        for proto in ("http", "https"):
            self.check(cases.SPOOLS, 3, r"^UNKNOWN: Timeout after 2s", target=support.Target("127.0.0.1", port, proto))

    def test_one_byte_a_second(self):
        port = self.serve(drip)
        self.check(cases.SPOOLS, 3, r"^UNKNOWN: Timeout after 2s", target=support.Target("127.0.0.1", port))

    def test_ten_megabyte_header_line(self):
        port = self.serve(huge_header_line)
        result = self.check(cases.SPOOLS, 3, r"^UNKNOWN: HTTP transfer failed for .*: reply headers too large",
                            target=support.Target("127.0.0.1", port))
        self.assertLess(len(result.stdout), 4096, result.describe())

    def test_status_line_without_crlf(self):
        port = self.serve(status_line_without_crlf)
        self.check(cases.SPOOLS, 3, r"^UNKNOWN: ", target=support.Target("127.0.0.1", port))

    def test_not_http(self):
        port = self.serve(garbage)
        self.check(cases.SPOOLS, 3, r"^UNKNOWN: ", target=support.Target("127.0.0.1", port))

    def test_reset_during_tls_handshake(self):
        port = self.serve(reset_during_handshake)
        self.check(cases.SPOOLS, 3, r"^UNKNOWN: (TLS handshake with 127\.0\.0\.1:\d+ failed|HTTP transfer failed)",
                   target=support.Target("127.0.0.1", port, "https"))

    # -- certificates

    def system_store_case(self, hashed, bundle, exit_code, summary):
        """spools over HTTPS without --cafile, against a system store the test controls;
        returns whether check_mail read the bundle file."""
        target = support.Target("127.0.0.1", self.sim.https_port, "https")
        with WatchedTrustStore(hashed=hashed, bundle=bundle) as store:
            case = cases.Case("spools--normal", cases.SPOOLS, "normal")
            result = support.run_plugin(self.binary, case, self.sim, extra=(f"--timeout={TIMEOUT}",), target=target,
                                        timeout=30, env=store.env())
        self.assertEqual(result.exit, exit_code, result.describe())
        self.assertRegex(result.first_line.decode("utf-8", "replace"), summary, result.describe())
        self.assertEqual(result.stderr, b"", result.describe())
        return store.opened

    def test_system_store_issuer_in_hashed_directory_skips_the_bundle(self):
        # libcurl's default would read the whole CA bundle on every run (~16 ms with Debian's).
        opened = self.system_store_case([self.sim.ca_file], self.sim.ca_file, 0, r"^OK: ")
        self.assertFalse(opened, "the CA bundle was read although the hashed directory had the issuer")

    def test_system_store_falls_back_to_the_bundle(self):
        opened = self.system_store_case([], self.sim.ca_file, 0, r"^OK: ")
        self.assertTrue(opened, "the issuer was only in the bundle, which was not read")

    def test_system_store_without_the_issuer_fails_verification(self):
        self.system_store_case([], None, 3, r"^UNKNOWN: TLS certificate verification failed for 127\.0\.0\.1:\d+: "
                                            r".*unable to get local issuer certificate")

    def cert_case(self, port, summary, insecure_ok=True, hostname="127.0.0.1"):
        target = support.Target(hostname, port, "https")
        for mode in cases.MODES:
            with self.subTest(mode=mode):
                self.check(mode, 3, summary, target=target, extra=(f"--cafile={self.ca}",))
                if insecure_ok:
                    self.check(mode, 0, r"^OK: ", target=target, extra=("--insecure",))

    def test_expired_certificate(self):
        self.cert_case(self.dated.https_port, r"^UNKNOWN: TLS certificate verification failed for 127\.0\.0\.1:\d+: "
                                              r".*certificate has expired")

    def test_not_yet_valid_certificate(self):
        self.cert_case(self.dated.alt_https_port, r"^UNKNOWN: TLS certificate verification failed .*not yet valid")

    def test_self_signed_certificate(self):
        self.cert_case(self.selfsigned.https_port, r"^UNKNOWN: TLS certificate verification failed .*self[- ]signed")

    def test_wrong_host_certificate_by_name(self):
        self.cert_case(self.selfsigned.alt_https_port, r"^UNKNOWN: TLS certificate verification failed .*",
                       hostname="localhost")

    def test_https_client_to_http_port_and_back(self):
        """Both directions for every mode (test_smartermail covers spools)."""
        for proto, port in (("https", self.sim.http_port), ("http", self.sim.https_port)):
            self.each_mode(3, r"^UNKNOWN: ", target=support.Target("127.0.0.1", port, proto),
                           extra=(f"--cafile={self.sim.ca_file}",))


if __name__ == "__main__":
    unittest.main()
