"""The SmarterMail cases: scenario x mode x options, shared by the golden capture of Centreon's
plugin, the check_mail end-to-end tests and the Centreon compatibility test.

A case's `expect` says what check_mail must print:
  None              the same first line (trailing spaces trimmed) and exit code as Centreon's golden capture
  Expect(...)       an explicit rule (check_mail's deliberate improvements, or cases where Centreon prints
                    Perl internals that no other program can reproduce)
`deliberate` names a documented difference: Centreon's output must NOT meet `expect`.
`compare`: "first-line" (default), "json" (--output-json: whole stdout parsed as JSON) or
"list-mode" (the "Modes Available:" block).
"""

from dataclasses import dataclass, field

SPOOLS, SERVICES, LICENSES = "spools", "services", "licenses"
MODES = (SPOOLS, SERVICES, LICENSES)


@dataclass(frozen=True)
class Expect:
    exit: object                 # int, or a tuple of acceptable codes
    prefixes: tuple = ()         # the first line starts with one of these; "{port}" is the target port
    exact: str = None            # the first line, trailing spaces trimmed
    forbid: tuple = ()           # substrings the first line must not contain
    or_golden: bool = False      # Centreon's first line and exit code are acceptable too

    def check(self, result, port=None):
        line = result.first_line.decode("utf-8", "backslashreplace")
        exits = self.exit if isinstance(self.exit, tuple) else (self.exit,)
        if result.exit not in exits:
            return f"exit {result.exit}, expected {exits}"
        if self.exact is not None and line != self.exact.format(port=port):
            return f"first line {line!r}, expected {self.exact.format(port=port)!r}"
        prefixes = tuple(p.format(port=port) for p in self.prefixes)
        if prefixes and not line.startswith(prefixes):
            return f"first line {line!r} does not start with any of {prefixes}"
        bad = [f for f in self.forbid if f in line]
        if bad:
            return f"first line {line!r} contains {bad}"
        return None


@dataclass(frozen=True)
class AnyOf:
    """Met when one of the expectations is met."""
    options: tuple
    or_golden: bool = False

    def check(self, result, port=None):
        problems = [e.check(result, port) for e in self.options]
        return None if None in problems else " / or: ".join(problems)


def unknown(*prefixes, exact=None, or_golden=False, forbid=()):
    return Expect(3, prefixes=prefixes, exact=exact, or_golden=or_golden, forbid=forbid)


ANY_UNKNOWN = ("UNKNOWN: ",)
DECODE = "UNKNOWN: Cannot decode json response"
TRANSFER = "UNKNOWN: HTTP transfer failed"
UNEXPECTED = "UNKNOWN: Unexpected reply from "
API_ERROR = "UNKNOWN: API error: Feature disabled"
TIMEOUT = "UNKNOWN: Timeout after 2s "


@dataclass(frozen=True)
class Case:
    name: str
    mode: str = None
    scenario: str = "normal"
    args: tuple = ()
    target: str = "sim"           # sim | refused (closed port) | nohost (unresolvable name)
    omit: tuple = ()              # standard options left out: hostname, api-username, api-password, mode...
    expect: Expect = None         # None: Centreon's golden first line and exit code
    deliberate: str = None        # why check_mail differs from Centreon on purpose
    compare: str = "first-line"
    check_mail: bool = True       # run it in test_smartermail / test_centreon_compat
    tags: tuple = field(default_factory=tuple)

    @property
    def status_line(self):
        """The first line starts with a status label (not for JSON, list-mode, --output-ignore-label)."""
        return self.compare == "first-line" and "--output-ignore-label" not in self.args

    @property
    def single_line(self):
        return self.compare != "list-mode" and not {"--verbose", "--debug"} & set(self.args)


def C(name, mode, scenario="normal", *args, **kw):
    return Case(name, mode, scenario, tuple(args), **kw)


# ------------------------------------------------------------ one case per scenario and mode
SCENARIO_CASES = [
    *[C(f"{m}--normal", m) for m in MODES],
    C("spools--spools-one", SPOOLS, "spools-one"),
    C("spools--spools-mixed-values", SPOOLS, "spools-mixed-values"),
    C("spools--spools-null", SPOOLS, "spools-null"),
    C("spools--spools-one-null", SPOOLS, "spools-one-null"),
    C("spools--spools-string-number", SPOOLS, "spools-string-number"),
    C("spools--spools-bad-string", SPOOLS, "spools-bad-string", expect=unknown(UNEXPECTED),
      deliberate="a non-numeric count is an error (Centreon counts it as 0 and prints Perl warnings)"),
    C("spools--spools-list", SPOOLS, "spools-list", expect=unknown(UNEXPECTED),
      deliberate="wrong JSON shape (Centreon prints a Perl 'Not a HASH reference' error)"),
    C("spools--spools-missing", SPOOLS, "spools-missing", expect=unknown(UNEXPECTED),
      deliberate="wrong JSON shape (Centreon prints 'OK:  ' and exits 0)"),
    C("spools--spools-empty", SPOOLS, "spools-empty", expect=unknown(),
      deliberate="a check that watches nothing is UNKNOWN (Centreon prints 'OK:  ' and exits 0)"),
    C("spools--spools-huge", SPOOLS, "spools-huge",
      expect=Expect((0, 3), prefixes=("OK: All spools are ok", UNEXPECTED),
                    forbid=("=-1;", "=-9223372036854775808;")),
      deliberate="Centreon's %d wraps 1e30 to -1 and 2^63 to -9223372036854775808"),
    C("spools--spools-negative", SPOOLS, "spools-negative", expect=unknown(UNEXPECTED),
      deliberate="a negative message count cannot be: the reply is rejected (Centreon prints it)"),
    C("spools--spools-float", SPOOLS, "spools-float", expect=unknown(UNEXPECTED),
      deliberate="a fractional message count is the wrong shape (Centreon truncates it with %d)"),
    C("spools--spools-unicode", SPOOLS, "spools-unicode",
      expect=Expect(0, exact="OK: All spools are ok | 'd\u00e9faut#spool.messages.count'=3;;;0; "
                             "'waiting#spool.messages.count'=31;;;0;"),
      deliberate="names are printed as UTF-8 (Centreon prints them in Latin-1)"),
    C("spools--spools-odd-names", SPOOLS, "spools-odd-names"),
    C("services--services-one", SERVICES, "services-one"),
    C("services--services-some-inactive", SERVICES, "services-some-inactive"),
    C("services--services-strings", SERVICES, "services-strings"),
    C("services--services-numbers", SERVICES, "services-numbers"),
    C("services--services-null", SERVICES, "services-null", expect=unknown(UNEXPECTED, or_golden=True)),
    C("licenses--licenses-expired", LICENSES, "licenses-expired"),
    C("licenses--licenses-null-days", LICENSES, "licenses-null-days"),
    C("licenses--licenses-missing-flag", LICENSES, "licenses-missing-flag",  # Centreon: "licensed"
      expect=AnyOf((unknown(UNEXPECTED), Expect(0, exact=(
          "OK: upgrade-protection-status : skipped (no value(s)) - upgrade protection expires in 120 days"
          " | 'license.upgrade.protection.expires.days.count'=120;;;0;"))), or_golden=True)),
    C("licenses--licenses-string-flag", LICENSES, "licenses-string-flag"),
    *[C(f"{m}--success-false", m, "success-false", expect=unknown(exact=API_ERROR),
        deliberate="HTTP 200 with success:false is an API error (Centreon ignores it)") for m in MODES],
    *[C(f"{m}--nul-bytes", m, "nul-bytes", expect=Expect(0, prefixes=("OK: ",))) for m in MODES],
    *[C(f"{m}--invalid-utf8", m, "invalid-utf8", expect=unknown(DECODE)) for m in MODES],
    *[C(f"{m}--deep-json", m, "deep-json", expect=unknown(DECODE, UNEXPECTED)) for m in MODES],
    *[C(f"{m}--chunked", m, "chunked") for m in MODES],
    C("spools--nul-raw", SPOOLS, "nul-raw", expect=unknown(DECODE)),
    C("spools--login-401", SPOOLS, "login-401"),
    C("licenses--login-401", LICENSES, "login-401"),
    C("spools--login-no-token", SPOOLS, "login-no-token"),
    C("spools--data-403", SPOOLS, "data-403"),
    C("services--data-403", SERVICES, "data-403"),
    C("spools--data-404", SPOOLS, "data-404"),
    C("spools--data-500", SPOOLS, "data-500"),
    C("spools--data-503", SPOOLS, "data-503"),
    C("spools--data-502-html", SPOOLS, "data-502-html", expect=unknown(DECODE, "UNKNOWN: api request error")),
    C("spools--html-error", SPOOLS, "html-error", expect=unknown(DECODE)),
    C("spools--not-json", SPOOLS, "not-json", expect=unknown(DECODE)),
    C("licenses--not-json", LICENSES, "not-json", expect=unknown(DECODE)),
    C("spools--empty-body", SPOOLS, "empty-body", expect=unknown(DECODE)),
    C("spools--truncated-body", SPOOLS, "truncated-body", expect=unknown(DECODE, TRANSFER)),
    C("spools--chunked-truncated", SPOOLS, "chunked-truncated", expect=unknown(DECODE, TRANSFER)),
    C("spools--redirect-once", SPOOLS, "redirect-once", expect=unknown("UNKNOWN: api request error: HTTP 302 Found, redirect to "),
      deliberate="redirects are never followed (Centreon's LWP follows them for GET, to any host or scheme)"),
    C("spools--redirect-loop", SPOOLS, "redirect-loop", expect=unknown("UNKNOWN: api request error: HTTP 302 Found, redirect to "),
      deliberate="redirects are never followed (Centreon's LWP follows them for GET until its limit)"),
    C("spools--huge-body", SPOOLS, "huge-body", expect=unknown(*ANY_UNKNOWN, or_golden=True)),
    C("spools--token-expired-once", SPOOLS, "token-expired-once"),
    C("spools--slow", SPOOLS, "slow", "--timeout=2", expect=unknown(TIMEOUT),
      deliberate="the whole run is bounded by --timeout (Centreon retries and ends after 2 x timeout "
                 "with a JSON error about 'read timeout')"),
    C("spools--slow-login", SPOOLS, "slow-login", "--timeout=2", expect=unknown(TIMEOUT),
      deliberate="a timeout says so (Centreon: Authentication error [code: '500'] [message: 'read timeout'])"),
    C("spools--connection-refused", SPOOLS, target="refused",
      expect=unknown("UNKNOWN: Cannot connect to 127.0.0.1:{port}: "),
      deliberate="connection errors say so (Centreon: Authentication error [code: '500'] ...)"),
    C("spools--unknown-host", SPOOLS, target="nohost", expect=unknown("UNKNOWN: Cannot resolve host name '"),
      deliberate="name resolution errors say so (Centreon: Authentication error [code: '500'] ...)"),
]

# ------------------------------------------------------------ thresholds and options
MIXED = "spools-mixed-values"
INACTIVE = "services-some-inactive"
SPOOL_OPTION_CASES = [
    C("spools--normal--warn10-crit40000", SPOOLS, "normal",
      "--warning-spool-messages=10", "--critical-spool-messages=40000"),
    C("spools--mixed--warn10-crit40000", SPOOLS, MIXED,
      "--warning-spool-messages=10", "--critical-spool-messages=40000"),
    C("spools--mixed--long-forms", SPOOLS, MIXED,
      "--warning-instance-spool-messages-count=10", "--critical-instance-spool-messages-count=40000"),
    C("spools--mixed--separate-values", SPOOLS, MIXED,
      "--warning-spool-messages", "10", "--critical-spool-messages", "40000"),
    C("spools--mixed--unknown-threshold", SPOOLS, MIXED, "--unknown-spool-messages=20"),
    C("spools--mixed--unknown-threshold-long", SPOOLS, MIXED, "--unknown-instance-spool-messages-count=20",
      "--critical-spool-messages=40000"),
    C("spools--mixed--range-min", SPOOLS, MIXED, "--warning-spool-messages=10:", "--critical-spool-messages=5:"),
    C("spools--mixed--range-max", SPOOLS, MIXED, "--warning-spool-messages=~:10"),
    C("spools--mixed--range-between", SPOOLS, MIXED, "--warning-spool-messages=10:20"),
    C("spools--mixed--range-inside", SPOOLS, MIXED, "--critical-spool-messages=@10:20"),
    C("spools--mixed--range-negative", SPOOLS, MIXED, "--warning-spool-messages=-5:5"),
    C("spools--mixed--decimal", SPOOLS, MIXED, "--warning-spool-messages=10.5", "--critical-spool-messages=20.25"),
    C("spools--mixed--empty-thresholds", SPOOLS, MIXED, "--warning-spool-messages=", "--critical-spool-messages="),
    C("spools--mixed--invalid-warning", SPOOLS, MIXED, "--warning-spool-messages=abc"),
    C("spools--mixed--invalid-critical-long", SPOOLS, MIXED, "--critical-instance-spool-messages-count=abc"),
    C("spools--mixed--invalid-range", SPOOLS, MIXED, "--warning-spool-messages=20:10"),
    C("spools--float--warn31", SPOOLS, "spools-float", "--warning-spool-messages=31", expect=unknown(UNEXPECTED),
      deliberate="a fractional message count is the wrong shape (Centreon truncates it with %d)"),
    C("spools--float--precision", SPOOLS, "spools-float", "--float-precision=2",
      "--warning-spool-messages=10.123456", expect=unknown(UNEXPECTED),
      deliberate="a fractional message count is the wrong shape (Centreon truncates it with %d)"),
    C("spools--mixed--filter", SPOOLS, MIXED, "--filter-spool=^t"),
    C("spools--mixed--filter-one", SPOOLS, MIXED, "--filter-spool=waiting"),
    C("spools--mixed--filter-case", SPOOLS, MIXED, "--filter-spool=WAITING",
      expect=unknown(exact="UNKNOWN: No spool found matching the filter --filter-spool='WAITING'"),
      deliberate="a filter matching nothing is UNKNOWN (Centreon prints 'OK:  ' and exits 0)"),
    C("spools--mixed--filter-nomatch", SPOOLS, MIXED, "--filter-spool=nomatch",
      expect=unknown(exact="UNKNOWN: No spool found matching the filter --filter-spool='nomatch'"),
      deliberate="a filter matching nothing is UNKNOWN (Centreon prints 'OK:  ' and exits 0)"),
    C("spools--mixed--filter-bad-regex", SPOOLS, MIXED, "--filter-spool=(", expect=unknown(*ANY_UNKNOWN)),
    C("spools--mixed--filter-warn", SPOOLS, MIXED, "--filter-spool=^t", "--warning-spool-messages=10"),
    C("spools--mixed--verbose", SPOOLS, MIXED, "--verbose"),
    C("spools--mixed--verbose-warn", SPOOLS, MIXED, "--verbose", "--warning-spool-messages=10"),
    C("spools--null--verbose", SPOOLS, "spools-null", "--verbose"),
    C("spools--normal--debug", SPOOLS, "normal", "--debug"),
    C("spools--normal--debug-verbose", SPOOLS, "normal", "--debug", "--verbose"),
    C("spools--mixed--filter-perfdata", SPOOLS, MIXED, "--filter-perfdata=waiting"),
    C("spools--mixed--filter-perfdata-regex", SPOOLS, MIXED, "--filter-perfdata=^(default|spam)#",
      "--warning-spool-messages=10"),
    C("spools--mixed--filter-counters-none", SPOOLS, MIXED, "--filter-counters=nothing",
      expect=unknown(*ANY_UNKNOWN, or_golden=True)),
    C("spools--mixed--filter-counters", SPOOLS, MIXED, "--filter-counters=spool-messages",
      "--warning-spool-messages=10"),
    C("spools--mixed--change-short-output", SPOOLS, MIXED, "--change-short-output=ok~fine"),
    C("spools--mixed--change-short-output-warn", SPOOLS, MIXED, "--change-short-output=messages~msgs",
      "--warning-spool-messages=10"),
    C("spools--mixed--change-short-output-global", SPOOLS, MIXED, "--change-short-output=messages~msgs~g",
      "--warning-spool-messages=10"),
    C("spools--mixed--change-exit", SPOOLS, MIXED, "--change-exit=critical=warning",
      "--critical-spool-messages=10"),
    C("spools--mixed--change-exit-ok", SPOOLS, MIXED, "--change-exit=warning=ok", "--warning-spool-messages=10"),
    C("spools--mixed--range-perfdata-1", SPOOLS, MIXED, "--range-perfdata=1",
      "--warning-spool-messages=10", "--critical-spool-messages=@10:20"),
    C("spools--mixed--range-perfdata-2", SPOOLS, MIXED, "--range-perfdata=2",
      "--warning-spool-messages=10", "--critical-spool-messages=@10:20"),
    C("spools--mixed--output-ignore-perfdata", SPOOLS, MIXED, "--output-ignore-perfdata"),
    C("spools--mixed--output-ignore-perfdata-warn", SPOOLS, MIXED, "--output-ignore-perfdata",
      "--warning-spool-messages=10"),
    C("spools--mixed--output-ignore-label", SPOOLS, MIXED, "--output-ignore-label"),
    C("spools--mixed--output-ignore-label-warn", SPOOLS, MIXED, "--output-ignore-label",
      "--warning-spool-messages=10", "--critical-spool-messages=40000"),
    C("spools--normal--output-json", SPOOLS, "normal", "--output-json", compare="json"),
    C("spools--mixed--output-json-warn", SPOOLS, MIXED, "--output-json", "--warning-spool-messages=10",
      "--critical-spool-messages=40000", compare="json"),
    C("spools--mixed--output-json-verbose", SPOOLS, MIXED, "--output-json", "--verbose",
      "--warning-spool-messages=10", compare="json"),
    C("spools--null--output-json", SPOOLS, "spools-null", "--output-json", "--verbose", compare="json"),
    C("spools--odd-names--output-json", SPOOLS, "spools-odd-names", "--output-json", compare="json"),
    C("spools--login-401--output-json", SPOOLS, "login-401", "--output-json", compare="json"),
    C("spools--login-401--opt-exit", SPOOLS, "login-401", "--opt-exit=critical"),
    C("spools--mixed--invalid-warning-opt-exit", SPOOLS, MIXED, "--warning-spool-messages=abc",
      "--opt-exit=warning"),
]

SERVICE_OPTION_CASES = [
    C("services--inactive--filter", SERVICES, INACTIVE, "--filter-service=^imap"),
    C("services--inactive--filter-one", SERVICES, INACTIVE, "--filter-service=smtp"),
    C("services--inactive--filter-nomatch", SERVICES, INACTIVE, "--filter-service=nomatch",
      expect=unknown(exact="UNKNOWN: No service found matching the filter --filter-service='nomatch'"),
      deliberate="a filter matching nothing is UNKNOWN (Centreon prints 'OK:  ' and exits 0)"),
    C("services--inactive--critical-status-empty", SERVICES, INACTIVE, "--critical-status="),
    C("services--inactive--warning-status", SERVICES, INACTIVE, "--critical-status=",
      "--warning-status=%{state} !~ /running/"),
    C("services--inactive--unknown-status", SERVICES, INACTIVE, "--critical-status=",
      "--unknown-status=%{state} eq 'inactive'"),
    C("services--inactive--critical-status-and", SERVICES, INACTIVE,
      "--critical-status=%{display} eq 'xmpp' and %{state} eq 'inactive'"),
    C("services--inactive--critical-status-regex", SERVICES, INACTIVE,
      "--critical-status=%{state} =~ /inactive/ && %{display} =~ /^(pop|imap)$/"),
    C("services--inactive--critical-status-not", SERVICES, INACTIVE,
      "--critical-status=not (%{state} eq 'running' or %{display} eq 'xmpp')"),
    C("services--inactive--verbose", SERVICES, INACTIVE, "--verbose"),
    C("services--normal--verbose", SERVICES, "normal", "--verbose"),
    C("services--inactive--output-json", SERVICES, INACTIVE, "--output-json", compare="json"),
    C("services--normal--output-json", SERVICES, "normal", "--output-json", compare="json"),
    C("services--inactive--filter-xmpp", SERVICES, INACTIVE, "--filter-service=^xmpp$"),
    C("services--inactive--filter-xmpp--output-json", SERVICES, INACTIVE, "--filter-service=^xmpp$",
      "--output-json", compare="json"),
    C("services--inactive--change-exit", SERVICES, INACTIVE, "--change-exit=critical=unknown"),
]

LICENSE_OPTION_CASES = [
    C("licenses--normal--warning-days", LICENSES, "normal", "--warning-upgrade-protection-expires-days=200:"),
    C("licenses--normal--warning-critical-days", LICENSES, "normal",
      "--warning-upgrade-protection-expires-days=200:", "--critical-upgrade-protection-expires-days=30:"),
    C("licenses--normal--critical-days-long", LICENSES, "normal",
      "--critical-license-upgrade-protection-expires-days-count=150:"),
    C("licenses--normal--unknown-days", LICENSES, "normal", "--unknown-upgrade-protection-expires-days=~:100"),
    C("licenses--expired--critical-days", LICENSES, "licenses-expired",
      "--critical-upgrade-protection-expires-days=0:"),
    C("licenses--expired--critical-status-empty", LICENSES, "licenses-expired",
      "--critical-upgrade-protection-status="),
    C("licenses--normal--warning-status", LICENSES, "normal",
      "--warning-upgrade-protection-status=%{upgrade_protection_status} =~ /licensed/"),
    C("licenses--normal--invalid-threshold", LICENSES, "normal", "--warning-upgrade-protection-expires-days=abc"),
    C("licenses--normal--verbose", LICENSES, "normal", "--verbose"),
    C("licenses--null-days--verbose", LICENSES, "licenses-null-days", "--verbose"),
    C("licenses--normal--output-json", LICENSES, "normal", "--output-json", compare="json"),
    C("licenses--expired--output-json", LICENSES, "licenses-expired", "--output-json", compare="json"),
]

GLOBAL_CASES = [
    C("list-mode", None, "normal", "--list-mode", compare="list-mode",
      omit=("hostname", "proto", "port", "url-path", "api-username", "api-password", "statefile-dir")),
    C("no-mode", None, "normal",
      expect=unknown(exact="UNKNOWN: Need to specify '--mode' option (see --list-mode)."),
      deliberate="check_mail has no --dyn-mode, so the message does not mention it"),
    C("unknown-mode", "foo", "normal"),
    C("missing-hostname", SPOOLS, "normal", omit=("hostname",)),
    C("missing-api-username", SPOOLS, "normal", omit=("api-username",)),
    C("missing-api-password", SPOOLS, "normal", omit=("api-password",)),
    C("unknown-option", SPOOLS, "normal", "--foo-bar", expect=unknown(*ANY_UNKNOWN),
      deliberate="an unknown option gives a plain UNKNOWN status line (Centreon: 'Unknown option: foo-bar at "
                 ".../Getopt.pm line 67.')"),
    C("mode-version", SPOOLS, "normal", "--version", check_mail=False),
    C("spools--connection-refused--opt-exit", SPOOLS, "normal", "--opt-exit=critical", target="refused",
      expect=Expect(2, prefixes=("CRITICAL: Cannot connect to 127.0.0.1:{port}: ",)),
      deliberate="connection errors say so (Centreon: Authentication error [code: '500'] ...)"),
]

CASES = SCENARIO_CASES + SPOOL_OPTION_CASES + SERVICE_OPTION_CASES + LICENSE_OPTION_CASES + GLOBAL_CASES
BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "duplicate case names"
