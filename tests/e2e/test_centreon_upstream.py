"""Compatibility with upstream's current centreon_plugins.pl, from its goldens.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_centreon_upstream

The cases of cases.py, as test_centreon_compat.py runs them beside Debian's 2022 copy, are compared
here with upstream's captures in golden/centreon-upstream/ (capture_centreon_golden.py --upstream):
the same first line and exit code, the same --output-json document, or the case's expectation; a
documented deliberate difference must still be one (upstream must not meet the expectation).
Fails (does not skip) when a golden file is missing.
"""

import unittest

import cases
import support

EXTRA = ("--timeout=2",)


class CentreonUpstreamTest(support.SimulatorTestCase):
    def check_case(self, case):
        golden = support.read_golden(case.name, support.UPSTREAM_GOLDEN_DIR)
        self.sim.reset()
        extra = () if any(a.startswith("--timeout") for a in case.args) else EXTRA
        ours = support.run_plugin(self.binary, case, self.sim, extra=extra)
        where = "\n check_mail:" + ours.describe() + f"\n upstream golden: exit {golden.exit} " + \
                support.show(golden.stdout[:800])
        problem = support.check_expectation(case, ours, golden)
        self.assertIsNone(problem, f"{case.name}: {problem}" + where)
        if case.deliberate and case.compare == "first-line" and case.expect is not None:
            theirs = support.Result([], golden.stdout.replace(b"{port}", str(ours.target.port).encode()),
                                    golden.stderr, golden.exit, 0)
            self.assertIsNotNone(case.expect.check(theirs, ours.target.port),
                                 f"{case.name}: documented as a deliberate difference ({case.deliberate}) "
                                 "but upstream now behaves the same" + where)


support.add_case_tests(CentreonUpstreamTest, "upstream", cases.CASES)


if __name__ == "__main__":
    unittest.main()
