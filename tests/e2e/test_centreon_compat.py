"""Compatibility: Centreon's plugin and check_mail, live, against the same simulator.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest discover -s tests/e2e -p 'test_centreon_compat.py' -v

For every case of cases.py both programs run with the same options (plus --timeout=2) and a fresh
--statefile-dir each, against the same target (same closed port for connection-refused).

  - expect None:        same first line (trailing spaces trimmed) and exit code;
  - compare json:       same --output-json document (outputs compared as a set) and exit code;
  - deliberate:         a documented difference; check_mail meets its expectation and Centreon does not,
                        so the difference is asserted, not just tolerated (see DELIBERATE_DIFFERENCES);
  - other expectations: both meet it (e.g. both start with "UNKNOWN: Cannot decode json response"),
                        or check_mail equals Centreon where the case accepts Centreon's text.

Fails (does not skip) when centreon_plugins.pl or check_mail is missing.
"""

import unittest

import cases
import support

EXTRA = ("--timeout=2",)

DELIBERATE_DIFFERENCES = {c.name: c.deliberate for c in cases.CASES if c.deliberate and c.check_mail}


class CentreonCompatTest(support.SimulatorTestCase):
    @classmethod
    def setUpClass(cls):
        cls.centreon = support.require_centreon()
        super().setUpClass()

    def run_both(self, case):
        target = support.target_for(case, self.sim)
        extra = () if any(a.startswith("--timeout") for a in case.args) else EXTRA
        theirs = support.run_plugin(self.centreon, case, self.sim, extra=extra, target=target)
        ours = support.run_plugin(self.binary, case, self.sim, extra=extra, target=target)
        return theirs, ours

    def check_case(self, case):
        theirs, ours = self.run_both(case)
        where = "\n Centreon:" + theirs.describe() + "\n check_mail:" + ours.describe()
        as_golden = support.Golden(case.name, "", theirs.exit, theirs.stdout, theirs.stderr)
        if case.compare != "first-line" or case.expect is None:
            problem = support.check_expectation(case, ours, as_golden)
            self.assertIsNone(problem, f"{case.name}: {problem}" + where)
        elif case.deliberate:
            self.assertIsNone(case.expect.check(ours, ours.target.port), where)
            self.assertIsNotNone(case.expect.check(theirs, theirs.target.port),
                                 f"{case.name}: documented as a deliberate difference ({case.deliberate}) "
                                 "but Centreon now behaves the same" + where)
        else:
            self.assertIsNone(support.check_expectation(case, ours, as_golden), where)
            if not case.expect.or_golden:
                self.assertIsNone(case.expect.check(theirs, theirs.target.port),
                                  f"{case.name}: Centreon no longer meets the shared expectation" + where)


support.add_case_tests(CentreonCompatTest, "compat", cases.CASES)


if __name__ == "__main__":
    unittest.main()
