"""Centreon's global options on SmarterMail command lines: check_mail beside Centreon's plugin.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_centreon_options

For every case of option_cases.py, check_mail and Debian's centreon_plugins.pl (live) run the same
command line against the same simulator (and Vault test server), and check_mail's output is
compared with upstream's current centreon_plugins.pl as captured in golden/centreon-upstream/:

  - no expectation: the same exit code and status line (or the compared part of the output: the
    whole stdout, the XML document, the OpenMetrics samples, the --output-file content) as both;
  - a deliberate difference: check_mail meets the case's expectation, and each Centreon version
    named in `differs` does not (so the difference is asserted, not tolerated), the others agree.

No option is refused by check_mail where Centreon runs: a case whose Centreon exits 0 has check_mail
exit 0 too unless documented. Fails (does not skip) when a program or a golden file is missing.
"""

import os
import unittest

import option_cases
import option_support
import support


def golden_result(case, port):
    """Upstream's captured output as a result object the comparisons accept."""
    golden = support.read_golden(case.name, support.UPSTREAM_GOLDEN_DIR)
    result = support.Result([], golden.stdout, golden.stderr, golden.exit, 0)
    result.target = support.Target("127.0.0.1", port)
    result.values = {}
    extra = os.path.join(support.UPSTREAM_GOLDEN_DIR, case.name + ".output-file")
    result.out_file_content = open(extra, "rb").read() if os.path.exists(extra) else None
    return result


class CentreonOptionsTest(support.SimulatorTestCase):
    @classmethod
    def setUpClass(cls):
        cls.centreon = support.require_centreon()
        super().setUpClass()
        cls.fixtures = option_support.Fixtures().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.fixtures.__exit__(None, None, None)
        super().tearDownClass()

    def run_case(self, program, case):
        self.sim.reset()
        return option_support.run_case(program, case, self.sim, self.fixtures)

    def check_case(self, case):
        ours = self.run_case([self.binary], case)
        debian = self.run_case([self.centreon], case)
        upstream = golden_result(case, ours.target.port)
        where = "\n check_mail:" + ours.describe() + "\n Centreon (Debian):" + debian.describe() + \
                "\n upstream golden: exit " + str(upstream.exit) + " " + support.show(upstream.stdout[:600])
        mine = option_support.comparable(case, ours)
        if case.expect is not None:
            self.assertIsNone(option_support.meets(case, ours), f"{case.name}: check_mail" + where)
        for version, theirs in ((option_cases.DEBIAN, debian), (option_cases.UPSTREAM, upstream)):
            if version in case.differs:
                self.assertIsNotNone(option_support.meets(case, theirs),
                                     f"{case.name}: documented as a deliberate difference from {version} "
                                     f"({case.why}) but {version} now behaves the same" + where)
            else:
                theirs_comparable = option_support.comparable(case, theirs) if version == option_cases.DEBIAN \
                    else golden_comparable(case, theirs)
                self.assertEqual(mine, theirs_comparable, f"{case.name}: differs from {version}" + where)

    def test_every_option_of_the_issue_has_a_case(self):
        named = set()
        for case in option_cases.CASES:
            for arg in case.args:
                if arg.startswith("--"):
                    named.add(arg[2:].split("=", 1)[0])
        required = {
            "ssl-opt", "ssl", "curl-opt", "proxypac", "http-backend", "filter-perfdata-adv", "change-perfdata",
            "extend-perfdata", "extend-perfdata-group", "explode-perfdata-max", "change-long-output",
            "change-output-adv", "use-new-perfdata", "filter-uom", "output-xml", "output-openmetrics",
            "output-file", "filter-counters-block", "display-ok-counters", "debug-stream", "source-encoding",
            "disco-format", "disco-show", "list-counters", "statefile-format", "statefile-storable",
            "statefile-cipher", "statefile-key", "statefile-concat-cwd", "memexpiration", "memcached",
            "redis-server", "redis-attribute", "redis-db", "failback-file", "pass-manager",
            "environment-map-option", "secret-file", "vault-address", "global-timeout", "ignore-warn-msg",
            "environment", "convert-args", "runas", "custommode", "dyn-mode", "no-sanity-options", "list-plugin",
            "list-custommode", "modes-exec", "option-mode", "show-password", "timeout", "port",
        }
        self.assertFalse(required - named, f"options without a case: {sorted(required - named)}")


def golden_comparable(case, golden):
    """comparable() for a golden whose ports and paths are already placeholders."""
    port = golden.target.port
    # The golden holds "{port}" where a live run holds its port: put the live port back in.
    golden.stdout = golden.stdout.replace(b"{port}", str(port).encode())
    if golden.out_file_content is not None:
        golden.out_file_content = golden.out_file_content.replace(b"{port}", str(port).encode())
    golden.values = {"ca_file": "\0", "server_cert": "\0", "server_key": "\0", "secret_file": "\0", "out_file": "\0",
                     "https_port": "\0", "vault_port": "\0"}
    return option_support.comparable(case, golden)


def _test(case):
    def test(self):
        self.check_case(case)
    test.__doc__ = case.name + (f" (deliberate difference: {case.why})" if case.differs else "")
    return test


for _case in option_cases.CASES:
    setattr(CentreonOptionsTest, "test_option__" + _case.name.replace("-", "_"), _test(_case))


if __name__ == "__main__":
    unittest.main()
