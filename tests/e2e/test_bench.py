"""The benchmark still runs: every case of bench/bench.py once, each tool exiting 0.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_bench

The figures themselves are for the notes and the docs (a one-run figure means nothing); this
keeps the command that produces them working as the code and the servers change.
"""

import os
import re
import subprocess
import sys
import unittest

import support

BENCH = os.path.join(support.REPO, "bench", "bench.py")


class BenchTest(unittest.TestCase):
    def test_every_case_runs_once_and_every_tool_succeeds(self):
        proc = subprocess.run([sys.executable, BENCH, "--runs", "1", "--check-mail", support.require_check_mail()],
                              capture_output=True, text=True, timeout=600)
        out = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, out)
        # SmarterMail over HTTPS and HTTP, smtp plain, STARTTLS+AUTH, 1 MiB, the start-up floor
        self.assertEqual(len(re.findall(r"^  ratio ", proc.stdout, re.M)), 6, out)
        self.assertIn("Memory floor of libcurl", proc.stdout, out)
        self.assertEqual(len(re.findall(r"^roundtrip over ", proc.stdout, re.M)), 4, out)
        for line in proc.stdout.splitlines():
            if "exit codes" in line and "[" in line:
                self.assertRegex(line, r"\[0\]", out)


if __name__ == "__main__":
    unittest.main()
