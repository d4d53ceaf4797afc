#!/usr/bin/env python3
"""Start and stop the SmarterMail simulator (smartermail_sim.py) for tests.

    with Simulator() as sim:
        sim.http_port, sim.https_port      # HTTPS cert: localhost / 127.0.0.1, signed by sim.ca_file
        sim.wrong_https_port               # HTTPS with a cert for wrong.example (same CA)
        sim.ca_file                        # PEM of the test CA, for --cafile
        sim.stats("normal"), sim.reset()

Run directly to keep a simulator up for manual tests:  python3 tests/servers/simctl.py
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = os.path.join(HERE, "smartermail_sim.py")
USERNAME = "monitor"
PASSWORD = "s3cret-pass"


@dataclass(frozen=True)
class Certs:
    ca_file: str
    server_cert: str
    server_key: str
    wrong_cert: str
    wrong_key: str


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _leaf_cert(directory, name, subject, san):
    """EC key + certificate signed by ca.pem/ca.key in directory."""
    ext = os.path.join(directory, name + ".ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName={san}\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject, cwd=directory)
    _openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-set_serial", str(secrets.randbits(63)), "-days", "3650", "-sha256",
             "-extfile", ext, "-out", name + ".pem", cwd=directory)
    return os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")


def make_certs(directory):
    """A test CA, a server cert for localhost/127.0.0.1 and one for wrong.example."""
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-sha256",
             "-subj", "/CN=check_mail test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    server = _leaf_cert(directory, "server", "/CN=localhost", "DNS:localhost,IP:127.0.0.1")
    wrong = _leaf_cert(directory, "wrong", "/CN=wrong.example", "DNS:wrong.example")
    return Certs(os.path.join(directory, "ca.pem"), *server, *wrong)


class Simulator:
    """Context manager running smartermail_sim.py on free ports of 127.0.0.1."""

    def __init__(self, https=True, slow_seconds=None, verbose=False):
        self.https, self.slow_seconds, self.verbose = https, slow_seconds, verbose
        self.proc = None
        self.http_port = self.https_port = self.wrong_https_port = None
        self.ca_file = None

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="smartermail-sim-")
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        tmp = self._tmp.name
        ready = os.path.join(tmp, "ready.json")
        cmd = [sys.executable, SIM, "--ready-file", ready, "--username", USERNAME, "--password", PASSWORD]
        if self.https:
            certs = make_certs(tmp)
            self.ca_file = certs.ca_file
            cmd += ["--cert", certs.server_cert, "--key", certs.server_key,
                    "--alt-cert", certs.wrong_cert, "--alt-key", certs.wrong_key]
        if self.slow_seconds is not None:
            cmd += ["--slow-seconds", str(self.slow_seconds)]
        if self.verbose:
            cmd.append("--verbose")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        ports = self._wait_ready(ready)
        self.http_port = ports["http_port"]
        self.https_port = ports.get("https_port")
        self.wrong_https_port = ports.get("alt_https_port")

    def _wait_ready(self, ready, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(ready):
                with open(ready) as f:
                    return json.load(f)
            if self.proc.poll() is not None:
                raise RuntimeError(f"simulator exited early with code {self.proc.returncode}")
            time.sleep(0.02)
        raise RuntimeError("simulator did not become ready")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self._tmp.cleanup()

    # -- introspection

    def _call(self, method, path):
        req = urllib.request.Request(f"http://127.0.0.1:{self.http_port}{path}", method=method,
                                     data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=10) as reply:
            return json.load(reply)

    def all_stats(self):
        return self._call("GET", "/_sim/stats")

    def stats(self, scenario):
        empty = {"login_calls": 0, "login_ok": 0, "data_calls": 0, "data_unauthorized": 0,
                 "last_authorization": None, "last_username": None, "tokens_issued": [],
                 "refresh_tokens_issued": []}
        return self.all_stats()["scenarios"].get(scenario, empty)

    def issued_secrets(self):
        """The password and every token the simulator has issued so far."""
        found = [PASSWORD]
        for st in self.all_stats()["scenarios"].values():
            found += st["tokens_issued"] + st["refresh_tokens_issued"]
        return found

    def reset(self):
        self._call("POST", "/_sim/reset")

    def url_path(self, scenario):
        return "/api/v1" if scenario == "normal" else f"/s/{scenario}/api/v1"


def main():
    def interrupt(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)
    with Simulator(verbose="--verbose" in sys.argv) as sim:
        print(json.dumps({"http_port": sim.http_port, "https_port": sim.https_port,
                          "wrong_https_port": sim.wrong_https_port, "ca_file": sim.ca_file}), flush=True)
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
