"""A system trust store under a test's control, to see whether check_mail reads the CA bundle.

check_mail reads the system store lazily (src/transport/tls_trust_store.cpp): the hashed
directory (SSL_CERT_DIR) first, the bundle file (SSL_CERT_FILE) only when an issuer is missing
there, because reading a distribution's whole bundle costs ~16 ms a run. WatchedTrustStore makes
both: a hashed directory holding the CAs given (`openssl rehash`), and a FIFO as the bundle file
that hands a PEM to whoever opens it and records that it was opened.

    with WatchedTrustStore(hashed=[ca], bundle=ca) as store:
        result = run(argv, env=store.env())
    store.opened  # whether the bundle was read
"""

import os
import shutil
import subprocess
import tempfile
import threading


class WatchedTrustStore:
    def __init__(self, hashed=(), bundle=None):
        self.tmp = tempfile.mkdtemp(prefix="cm-truststore-")
        self.hashed_dir = os.path.join(self.tmp, "hashed")
        os.mkdir(self.hashed_dir)
        for index, ca in enumerate(hashed):
            shutil.copy(ca, os.path.join(self.hashed_dir, f"ca{index}.pem"))
        if hashed:
            subprocess.run(["openssl", "rehash", self.hashed_dir], check=True, capture_output=True)
        self.bundle_path = os.path.join(self.tmp, "bundle.pem")
        os.mkfifo(self.bundle_path)
        self.pem = b""
        if bundle:
            with open(bundle, "rb") as f:
                self.pem = f.read()
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.opened = False

    def _serve(self):
        fd = os.open(self.bundle_path, os.O_WRONLY)  # blocks until a reader opens the FIFO
        self._opened.set()
        try:
            os.write(fd, self.pem)
        except BrokenPipeError:
            pass
        os.close(fd)

    def env(self, base=None):
        return dict(base or os.environ, SSL_CERT_DIR=self.hashed_dir, SSL_CERT_FILE=self.bundle_path)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.opened = self._opened.is_set()
        if not self.opened:  # release the writer: open the FIFO's read end ourselves
            os.close(os.open(self.bundle_path, os.O_RDONLY | os.O_NONBLOCK))
        self._thread.join(5)
        shutil.rmtree(self.tmp, ignore_errors=True)
