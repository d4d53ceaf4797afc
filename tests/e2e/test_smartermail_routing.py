"""End-to-end: how check_mail reaches the SmarterMail API: --proxyurl and --http-peer-addr.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_smartermail_routing
"""

import http.server
import socket
import tempfile
import threading
import unittest
import urllib.request

import support


class CountingProxy(http.server.ThreadingHTTPServer):
    """A minimal forward proxy for http:// URLs that counts what it forwarded."""

    daemon_threads = True

    def __init__(self):
        self.forwarded = []
        super().__init__(("127.0.0.1", 0), ProxyHandler)


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        request = urllib.request.Request(self.path, data=body or None, headers=headers, method=self.command)
        self.server.forwarded.append(f"{self.command} {self.path}")
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5) as reply:
                status, payload, reply_headers = reply.status, reply.read(), reply.headers
        except urllib.error.HTTPError as error:
            status, payload, reply_headers = error.code, error.read(), error.headers
        self.send_response(status)
        self.send_header("Content-Type", reply_headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _forward


class RoutingTest(support.SimulatorTestCase):
    def run_spools(self, hostname, port, *extra):
        with tempfile.TemporaryDirectory() as state:
            argv = [self.binary, "--mode=spools", f"--hostname={hostname}", "--proto=http", f"--port={port}",
                    f"--api-username={support.USERNAME}", f"--api-password={support.PASSWORD}",
                    f"--statefile-dir={state}", "--timeout=3", *extra]
            return support.run(argv)

    def test_proxyurl_carries_login_and_data_call(self):
        proxy = CountingProxy()
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        try:
            result = self.run_spools("127.0.0.1", self.sim.http_port,
                                     f"--proxyurl=http://127.0.0.1:{proxy.server_address[1]}")
        finally:
            proxy.shutdown()
            proxy.server_close()
        self.assertEqual(result.exit, 0, result.describe())
        self.assertTrue(result.first_line.startswith(b"OK: All spools are ok"), result.describe())
        self.assertEqual([line.split(" ")[0] for line in proxy.forwarded], ["POST", "GET"], proxy.forwarded)
        self.assertTrue(all(f":{self.sim.http_port}/api/v1/" in line for line in proxy.forwarded), proxy.forwarded)

    def test_unreachable_proxy_is_a_clear_unknown(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        result = self.run_spools("127.0.0.1", self.sim.http_port, f"--proxyurl=http://127.0.0.1:{closed}")
        self.assertEqual(result.exit, 3, result.describe())
        self.assertTrue(result.first_line.startswith(b"UNKNOWN: Cannot connect to "), result.describe())

    def test_http_peer_addr_connects_there_and_keeps_the_host_name(self):
        # The name does not resolve: only --http-peer-addr can make this work.
        result = self.run_spools("smartermail.example.invalid", self.sim.http_port, "--http-peer-addr=127.0.0.1")
        self.assertEqual(result.exit, 0, result.describe())
        self.assertTrue(result.first_line.startswith(b"OK: All spools are ok"), result.describe())

    def test_https_peer_addr_verifies_the_host_name_not_the_address(self):
        # The certificate names localhost: connecting to 127.0.0.1 as "localhost" passes...
        ok = self.run_spools("localhost", self.sim.https_port, "--proto=https", f"--cafile={self.sim.ca_file}",
                             "--http-peer-addr=127.0.0.1")
        self.assertEqual(ok.exit, 0, ok.describe())
        # ...and as a name the certificate does not carry, fails verification.
        bad = self.run_spools("mail.example.invalid", self.sim.https_port, "--proto=https",
                              f"--cafile={self.sim.ca_file}", "--http-peer-addr=127.0.0.1")
        self.assertEqual(bad.exit, 3, bad.describe())
        self.assertIn(b"certificate", bad.first_line.lower(), bad.describe())


if __name__ == "__main__":
    unittest.main()
