"""OpenSSL is bound on first use (cmake/CheckMailOpenSSL.cmake, src/transport/openssl_lazy/).

    CHECK_MAIL_BIN=build/src/check_mail CHECK_MAIL_LAZY_OPENSSL=ON python3 -m unittest -v test_lazy_openssl

- the executable records no DT_NEEDED on libssl/libcrypto when built that way (and does when not);
- with libssl made unloadable (bind-mounted /dev/null over it, in a private mount namespace),
  a plain SMTP check still runs and says OK, while a TLS check (SMTP implicit TLS, the HTTPS API
  modes) ends with one "UNKNOWN: Cannot load OpenSSL: ..." line, exit 3, nothing on stderr;
- TLS through the stubs works: implicit TLS with chain and host verification against the
  scripted server (the suites test_smtp, test_imap_pop3 and test_smartermail cover the rest).

The hiding needs root and unshare(1) (util-linux), as the mail stack's tests do.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import cases
import support
from smtp_support import PluginAssertions, make_certs, require_check_mail, run
from smtp_fault_server import BANNER, FaultServer, smtp_replies

BIN = None
CERTS = None
TMP = None
HOST = "127.0.0.1"
T = 5
LAZY = os.environ.get("CHECK_MAIL_LAZY_OPENSSL", "").upper() in ("1", "ON", "TRUE", "YES")


def setUpModule():
    global BIN, CERTS, TMP
    BIN = require_check_mail()
    TMP = tempfile.mkdtemp(prefix="cm-lazy-openssl-")
    CERTS = make_certs(os.path.join(TMP, "certs"))


def tearDownModule():
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


def needed_libraries(binary):
    out = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]


def libssl_path():
    """The file the dynamic linker would load for libssl (what the stubs dlopen)."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        name, _, path = line.strip().partition(" => ")
        if name.startswith("libssl.so.3 ") and "x86-64" in name:
            return os.path.realpath(path)
    raise AssertionError("libssl.so.3 not found by ldconfig -p")


def without_libssl(argv):
    """argv run in a private mount namespace where libssl cannot be loaded."""
    hidden = libssl_path()
    script = 'mount --bind /dev/null "$1" && shift && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", hidden, *argv]


class LinkageTests(unittest.TestCase):
    def test_dt_needed_matches_the_build(self):
        needed = needed_libraries(BIN)
        openssl = [name for name in needed if name.startswith(("libssl", "libcrypto"))]
        if LAZY:
            self.assertEqual(openssl, [], f"lazy build records {openssl} in DT_NEEDED")
        else:
            self.assertEqual(len(openssl), 2, f"direct build should need libssl and libcrypto: {needed}")

    def test_stubs_are_not_exported(self):
        # Exported, they would take over libcrypto's calls to its own functions (the executable
        # comes first in the global lookup scope), and every such call would go through a stub.
        out = subprocess.run(["nm", "-D", "--defined-only", BIN], capture_output=True, text=True, check=True).stdout
        exported = [line.split()[-1] for line in out.splitlines()
                    if line.split()[-1].startswith(("SSL_", "EVP_", "OPENSSL_", "X509_", "BIO_", "ERR_"))]
        self.assertEqual(exported, [])


@unittest.skipUnless(LAZY, "this build links OpenSSL directly (sanitizer or non-x86-64 build)")
class UnloadableLibsslTests(PluginAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0 or not shutil.which("unshare"):
            raise AssertionError("needs root and unshare(1) to hide libssl in a private mount namespace")

    def serve(self, script):
        server = FaultServer(script, CERTS).start()
        self.addCleanup(server.stop)
        return server

    def smtp(self, port, *args, hide=True):
        argv = [BIN, "--mode=smtp", f"--timeout={T}", "-H", HOST, "-p", port, *args]
        return run(without_libssl(argv) if hide else argv, timeout=T + 10)

    def test_plain_smtp_needs_no_openssl(self):
        server = self.serve([("send", BANNER), ("serve", smtp_replies())])
        result = self.smtp(server.port)
        self.assertPlugin(result, "OK", T, summary=r"accepting connections")

    def test_implicit_tls_reports_the_missing_library(self):
        server = self.serve([("tls", "server"), ("send", BANNER), ("serve", smtp_replies())])
        result = self.smtp(server.port, "--ssl", f"--cafile={os.path.join(CERTS, 'ca.pem')}")
        self.assertPlugin(result, "UNKNOWN", T, summary=r"^UNKNOWN: Cannot load OpenSSL: libssl\.so\.3 \(.+\)$")

    def test_https_api_mode_reports_the_missing_library(self):
        case = cases.BY_NAME["spools--normal"]
        with support.Simulator(https=True) as sim, tempfile.TemporaryDirectory(prefix="cm-lazy-http-") as cache:
            target = support.Target("127.0.0.1", sim.https_port, "https")
            argv = [BIN, *support.plugin_args(case, target, cache, (f"--timeout={T}", f"--cafile={sim.ca_file}"))]
            result = run(without_libssl(argv), timeout=T + 10)
        self.assertPlugin(result, "UNKNOWN", T, summary=r"^UNKNOWN: Cannot load OpenSSL: libssl\.so\.3 \(.+\)$")

    def test_tls_through_the_stubs(self):
        server = self.serve([("tls", "server"), ("send", BANNER), ("serve", smtp_replies())])
        result = self.smtp(server.port, "--ssl", f"--cafile={os.path.join(CERTS, 'ca.pem')}", hide=False)
        self.assertPlugin(result, "OK", T, summary=r"\(SSL TLSv1\.[23], no auth\): accepting connections")


if __name__ == "__main__":
    unittest.main()
