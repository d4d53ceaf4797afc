"""Centreon's global options on a SmarterMail command line: one case per option (or use of it), run
by test_centreon_options.py against check_mail and Debian's centreon_plugins.pl side by side, and
captured from upstream's current centreon_plugins.pl by capture_centreon_golden.py --upstream.

A case runs the standard poller options (support.plugin_args) plus its args, with placeholders:
    {https_port} {ca_file} {server_cert} {server_key}   the simulator's HTTPS side
    {vault_port} {secret_file}                          the Vault test server, a JSON secret file
    {out_file}                                          a fresh file path (--output-file)
    {user}                                              the user running the test
and, in env, {sim_password}.

`expect` None: check_mail prints Centreon's first line and exit code (Debian's live, upstream's
golden). Otherwise `expect` is what check_mail must print, and the Centreon versions named in
`differs` are documented to NOT meet it (the reason in `why`): deliberate differences, asserted.
`compare`: "first-line", "stdout" (all of it), "xml", "openmetrics" (timestamps aside),
"output-file" (the file's content; stdout empty).
"""

from dataclasses import dataclass, field

from cases import Expect, unknown

DEBIAN, UPSTREAM = "debian", "upstream"
BOTH = (DEBIAN, UPSTREAM)
OK = "OK: All spools are ok"


@dataclass(frozen=True)
class OptionCase:
    name: str
    mode: str
    args: tuple
    expect: Expect = None
    differs: tuple = ()      # which Centreon versions print something else, on purpose
    why: str = None
    compare: str = "first-line"
    omit: tuple = ()         # standard options left out (api-password, mode, ...)
    env: tuple = ()          # (name, value) pairs added to the environment
    https: bool = False      # the simulator's HTTPS port instead of HTTP
    cwd_tmp: bool = False    # run in a fresh directory (--statefile-concat-cwd)
    vault: bool = False      # start the Vault test server
    secret_file: bool = False
    contains: str = None     # text check_mail's stdout must hold (and the differing versions' must not)


def O(name, mode, *args, **kw):
    return OptionCase(name, mode, tuple(args), **kw)


TLS_FAILED = unknown("UNKNOWN: TLS certificate verification failed for 127.0.0.1:")
NOT_PACKAGED = "Centreon needs a Perl module Debian does not package ({}) and answers UNKNOWN"

CASES = [
    # ---- HTTP and TLS
    O("ssl-opt-verify-none", "spools", "--ssl-opt=SSL_verify_mode => SSL_VERIFY_NONE", https=True),
    O("ssl-opt-verify-mode-0", "spools", "--ssl-opt=SSL_verify_mode => 0", https=True),
    O("ssl-opt-ca-file", "spools", '--ssl-opt=SSL_ca_file => "{ca_file}"', https=True),
    O("ssl-opt-client-cert", "spools", '--ssl-opt=SSL_ca_file => "{ca_file}"', "--ssl-opt=SSL_use_cert => 1",
      '--ssl-opt=SSL_cert_file => "{server_cert}"', '--ssl-opt=SSL_key_file => "{server_key}"', https=True),
    O("ssl-opt-version", "spools", '--ssl-opt=SSL_ca_file => "{ca_file}"', "--ssl-opt=SSL_version => 'TLSv1_2'",
      https=True),
    O("ssl-version-http", "spools", "--ssl=TLSv1_2"),
    O("ssl-version", "spools", '--ssl-opt=SSL_ca_file => "{ca_file}"', "--ssl=TLSv1_3", https=True,
      expect=Expect(0, prefixes=(OK,)), differs=BOTH,
      why="Centreon turns --ssl into the Perl code 'SSL_version => TLSv1_3', a bareword that fails under strict: "
          "all its --ssl-opt settings are lost and verification fails; check_mail applies the version"),
    O("ssl-opt-cipher-list", "spools", '--ssl-opt=SSL_ca_file => "{ca_file}"',
      "--ssl-opt=SSL_cipher_list => 'HIGH:!aNULL'", https=True),
    O("ssl-default-verifies", "spools", https=True, expect=TLS_FAILED, differs=BOTH,
      why="same verdict, a clearer message (Centreon: 'Authentication error [code: '500'] ... certificate verify failed')"),
    O("ssl-opt-unknown-key", "spools", "--ssl-opt=SSL_verifycn_scheme => none", https=True,
      expect=unknown("UNKNOWN: --ssl-opt 'SSL_verifycn_scheme' is not supported"), differs=BOTH,
      why="a TLS setting check_mail does not understand is refused, never ignored (Centreon passes it on)"),
    O("ssl-opt-bad-verify-value", "spools", "--ssl-opt=SSL_verify_mode => SSL_VERIFY_MAYBE", https=True,
      expect=unknown("UNKNOWN: --ssl-opt SSL_verify_mode: value 'SSL_VERIFY_MAYBE' not understood"), differs=BOTH,
      why="a verification value not understood is refused, never ignored"),
    O("curl-opt-with-lwp-backend", "spools", "--curl-opt=CURLOPT_SSL_VERIFYPEER => 0", https=True,
      expect=TLS_FAILED, differs=BOTH,
      why="as Centreon, --curl-opt applies to the curl backend only, so the certificate is still verified "
          "(same verdict, clearer message)"),
    O("curl-opt-verifypeer-0", "spools", "--http-backend=curl", "--curl-opt=CURLOPT_SSL_VERIFYPEER => 0",
      "--curl-opt=CURLOPT_SSL_VERIFYHOST => 0", https=True,
      expect=Expect(0, prefixes=(OK,)), differs=BOTH, why=NOT_PACKAGED.format("Net::Curl")),
    O("curl-opt-cainfo", "spools", "--http-backend=curl", "--curl-opt=CURLOPT_CAINFO => '{ca_file}'",
      "--curl-opt=CURLOPT_SSLVERSION => CURL_SSLVERSION_TLSv1_2", https=True,
      expect=Expect(0, prefixes=(OK,)), differs=BOTH, why=NOT_PACKAGED.format("Net::Curl")),
    O("curl-opt-sslversion-inverted", "spools", "--http-backend=curl",
      "--curl-opt=CURLOPT_SSLVERSION => CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_2", https=True,
      expect=unknown("UNKNOWN: CURLOPT_SSLVERSION value 'CURL_SSLVERSION_TLSv1_3 / CURL_SSLVERSION_MAX_TLSv1_2' "
                     "sets a minimum TLS version above its maximum"), differs=BOTH,
      why="refused before connecting (Centreon: missing Net::Curl module)"),
    O("curl-opt-unknown", "spools", "--http-backend=curl", "--curl-opt=CURLOPT_FOO => 1", https=True,
      expect=unknown("UNKNOWN: --curl-opt 'CURLOPT_FOO' is not supported"), differs=BOTH,
      why="an option check_mail does not understand is named (Centreon: missing Net::Curl module)"),
    O("http-backend-lwp", "spools", "--http-backend=lwp"),
    O("http-backend-foo", "spools", "--http-backend=foo"),
    O("proxypac", "spools", "--proxypac=http://127.0.0.1:9/proxy.pac",
      expect=unknown("UNKNOWN: --proxypac is not supported"), differs=BOTH,
      why="refused with a clear message (Centreon needs HTTP::ProxyPAC, not packaged, and also answers UNKNOWN)"),
    O("port-empty", "spools", "--port=",
      expect=unknown("UNKNOWN: Cannot connect to 127.0.0.1:80"), differs=BOTH,
      why="the scheme's port as in Centreon; the connection error worded as check_mail words it"),
    O("port-word", "spools", "--port=abc", expect=unknown("UNKNOWN: Wrong --port value 'abc'"), differs=BOTH,
      why="Centreon quietly uses the scheme's port for a word; a typo must not check another service"),
    O("timeout-0", "spools", "--timeout=0"),
    # ---- perfdata and output
    O("filter-perfdata-adv", "spools", "--filter-perfdata-adv=%(value) > 5"),
    O("filter-perfdata-adv-braces", "spools", "--filter-perfdata-adv=%{label} =~ /wait/ or %{value} == 0"),
    O("change-perfdata-label", "spools", "--change-perfdata=spool.messages.count,msgs"),
    O("change-perfdata-instance", "spools", "--change-perfdata=default#spool,dflt#spool"),
    O("change-perfdata-math", "spools", "--change-perfdata=^default#,,math(current * 2 + 1)"),
    O("extend-perfdata-math", "spools", "--extend-perfdata=default#(.*),total_$1,math(current*2)"),
    O("extend-perfdata-percent-no-max", "spools", "--extend-perfdata=default#(.*),total_$1,percent()"),
    O("extend-perfdata-bounds", "spools", "--extend-perfdata=(default)#(.*),$1_x,,B,0,100,10,20"),
    O("extend-perfdata-group-sum", "spools", "--extend-perfdata-group=,total,sum(spool.messages.count)"),
    O("extend-perfdata-group-max", "spools",
      "--extend-perfdata-group=spool.messages.count,total,max(spool.messages.count)"),
    O("extend-perfdata-group-average", "spools", "--extend-perfdata-group=,avg,average(^(default|waiting)#)"),
    O("explode-perfdata-max", "spools", "--explode-perfdata-max"),
    O("change-long-output", "spools", "--verbose", "--change-long-output=messages~msgs~g", compare="stdout"),
    O("change-output-adv", "spools", "--change-output-adv=%(short_output) =~ /OK/,WOO: fine,WARNING",
      expect=Expect(1, prefixes=("WOO: fine|",)), differs=(DEBIAN,),
      why="upstream's option; Debian's 2022 copy refuses it (Unknown option)"),
    O("change-output-adv-exit", "spools", "--change-output-adv=%{exit_code} == 0,,critical",
      expect=Expect(2, prefixes=(OK,)), differs=(DEBIAN,),
      why="upstream's option; Debian's 2022 copy refuses it (Unknown option)"),
    O("use-new-perfdata", "spools", "--use-new-perfdata"),
    O("filter-uom", "spools", "--filter-uom=^$"),
    O("output-xml", "spools", "--output-xml", compare="xml"),
    O("output-xml-verbose", "licenses", "--output-xml", "--verbose", compare="xml"),
    O("output-xml-error", "spools", "--output-xml", omit=("hostname",), compare="xml"),
    O("output-openmetrics", "spools", "--output-openmetrics", compare="openmetrics"),
    O("output-openmetrics-licenses", "licenses", "--output-openmetrics", compare="openmetrics"),
    O("output-file", "spools", "--output-file={out_file}", compare="output-file"),
    O("filter-counters-block", "spools", "--filter-counters-block=spools"),
    O("filter-counters-block-nomatch", "services", "--filter-counters-block=^spools$"),
    O("display-ok-counters", "services", "--display-ok-counters=status"),
    O("list-counters", "spools", "--list-counters"),
    O("list-counters-verbose", "licenses", "--list-counters", "--verbose", compare="stdout",
      expect=Expect(0, prefixes=("counter list: upgrade-protection-status upgrade-protection-expires-days",)),
      contains='"pack configuration": " --warning-upgrade-protection-status=',
      differs=(DEBIAN,), why="upstream prints the counters as JSON with each threshold's macros; Debian's 2022 "
                            "copy prints one 'configuration:' line"),
    O("disco-format", "spools", "--disco-format", compare="stdout"),
    O("disco-show", "services", "--disco-show", compare="stdout"),
    O("disco-show-json", "services", "--disco-show", "--output-json", compare="stdout"),
    O("debug-stream", "spools", "--debug-stream", expect=Expect(0, prefixes=(OK,)), differs=BOTH,
      why="the status line stays first and the password is never printed (Centreon streams the requests, "
          "password included, before the status line)"),
    O("source-encoding", "spools", "--source-encoding=latin1"),
    O("show-password", "spools", "--show-password", expect=Expect(0, prefixes=(OK,)), differs=(DEBIAN,),
      why="upstream's option; Debian's 2022 copy refuses it"),
    # ---- cache
    O("statefile-format-json", "spools", "--statefile-format=json"),
    O("statefile-format-storable", "spools", "--statefile-format=storable"),
    O("statefile-storable", "spools", "--statefile-storable"),
    O("statefile-concat-cwd", "spools", "--statefile-concat-cwd", "--statefile-dir=cache", cwd_tmp=True),
    O("statefile-key-cipher", "spools", "--statefile-key=k3y", "--statefile-cipher=AES",
      expect=Expect(0, prefixes=(OK,)), differs=BOTH, why=NOT_PACKAGED.format("Crypt::Mode::CBC")),
    O("memcached", "spools", "--memcached=127.0.0.1:9", "--memexpiration=60"),
    O("redis", "spools", "--redis-server=127.0.0.1:9", "--redis-attribute=reconnect=0", "--redis-db=0",
      "--failback-file", expect=Expect(0, prefixes=(OK,)), differs=BOTH, why=NOT_PACKAGED.format("Redis")),
    # ---- password managers
    O("pass-manager-environment", "spools", "--pass-manager=environment",
      "--environment-map-option=api_password=SM_API_SECRET", omit=("api-password",),
      env=(("SM_API_SECRET", "{sim_password}"),)),
    O("pass-manager-environment-dashes", "spools", "--pass-manager=environment",
      "--environment-map-option=api-password=SM_API_SECRET", omit=("api-password",),
      env=(("SM_API_SECRET", "{sim_password}"),)),
    O("pass-manager-file", "spools", "--pass-manager=file", "--secret-file={secret_file}",
      "--secret-search-value=password=$..entries.[?($_->{title} =~ /smartermail/i)].password",
      "--secret-map-option=api_password=%{password}", omit=("api-password",), secret_file=True,
      expect=Expect(0, prefixes=(OK,)), differs=BOTH,
      why="Debian's copy has no file manager; upstream's needs JSON::Path, not packaged"),
    O("pass-manager-keepass", "spools", "--pass-manager=keepass",
      expect=unknown("UNKNOWN: --pass-manager=keepass is not supported by check_mail"), differs=BOTH,
      why="not offered; named clearly (Centreon here fails to load its module)"),
    O("pass-manager-centreonvault", "spools", "--pass-manager=centreonvault",
      expect=unknown("UNKNOWN: --pass-manager=centreonvault is not supported by check_mail"), differs=BOTH,
      why="not offered; named clearly (Centreon here fails to load its module)"),
    O("pass-manager-unknown", "spools", "--pass-manager=foo",
      expect=unknown("UNKNOWN: Unknown --pass-manager 'foo'"), differs=BOTH,
      why="named clearly (Centreon: Cannot load module 'centreon::plugins::passwordmgr::foo')"),
    O("pass-manager-vault-no-address", "spools", "--pass-manager=hashicorpvault"),
    O("pass-manager-vault-kv2", "spools", "--pass-manager=hashicorpvault", "--vault-address=127.0.0.1",
      "--vault-port={vault_port}", "--vault-token=root-t0ken", "--secret-path=kv/data/smartermail",
      "--map-option=api_password=%{value_kv/data/smartermail}", omit=("api-password",), vault=True,
      expect=Expect(0, prefixes=(OK,)), differs=BOTH, why=NOT_PACKAGED.format("Net::Curl")),
    O("pass-manager-vault-kv1-userpass", "spools", "--pass-manager=hashicorpvault", "--vault-address=127.0.0.1",
      "--vault-port={vault_port}", "--auth-method=userpass", "--auth-settings=username=nagios",
      "--auth-settings=password=n4gios", "--secret-path=secret/smartermail",
      "--map-option=api_password=%{value_secret/smartermail}", omit=("api-password",), vault=True,
      expect=Expect(0, prefixes=(OK,)), differs=BOTH, why=NOT_PACKAGED.format("Net::Curl")),
    O("pass-manager-vault-bad-token", "spools", "--pass-manager=hashicorpvault", "--vault-address=127.0.0.1",
      "--vault-port={vault_port}", "--vault-token=wrong", "--secret-path=kv/data/smartermail",
      "--map-option=api_password=%{value_kv/data/smartermail}", omit=("api-password",), vault=True,
      expect=unknown("UNKNOWN: Vault request for secret 'kv/data/smartermail' failed: HTTP 403 (permission denied)"),
      differs=BOTH, why=NOT_PACKAGED.format("Net::Curl")),
    O("pass-manager-vault-destroyed", "spools", "--pass-manager=hashicorpvault", "--vault-address=127.0.0.1",
      "--vault-port={vault_port}", "--vault-token=root-t0ken", "--secret-path=kv/data/gone",
      "--map-option=api_password=%{value_kv/data/gone}", omit=("api-password",), vault=True,
      expect=unknown(exact="UNKNOWN: This secret is not valid anymore"), differs=BOTH,
      why=NOT_PACKAGED.format("Net::Curl")),
    # ---- script level
    O("global-timeout", "spools", "--global-timeout=30"),
    O("ignore-warn-msg", "spools", "--ignore-warn-msg"),
    O("environment", "spools", "--environment=CHECK_MAIL_TEST=1"),
    O("convert-args", "spools", "--convert-args=XXX,api", "--XXX-username=monitor", omit=("api-username",)),
    O("runas-unknown-user", "spools", "--runas=no-such-user-x"),
    O("runas-self", "spools", "--runas={user}"),
    O("custommode-api", "spools", "--custommode=api"),
    O("custommode-unknown", "spools", "--custommode=foo"),
    O("dyn-mode", None, "--dyn-mode=apps::smartermail::restapi::mode::licenses"),
    O("no-sanity-options", "spools", "--no-sanity-options"),
    O("list-plugin", "spools", "--list-plugin"),
    O("list-custommode", "spools", "--list-custommode"),
    O("double-dash", "spools", "--", "--critical-spool-messages=1", expect=Expect(0, prefixes=(OK,)),
      differs=(DEBIAN,), why="upstream ignores what follows '--'; Debian's 2022 copy refuses it"),
    O("multi", "multi", "--modes-exec=spools,licenses"),
    O("multi-three", "multi", "--modes-exec=licenses,services,spools", "--critical-spool-messages=20",
      expect=Expect(2, prefixes=("CRITICAL: Spool 'quarantine_limit' messages: 5000",)), differs=BOTH,
      why="Centreon's multi mode takes the modes' options through --option-mode only (Unknown option); "
          "check_mail takes them directly too"),
    O("multi-option-mode-threshold", "multi", "--modes-exec=licenses,spools",
      "--option-mode=spools,--critical-spool-messages=20"),
    O("multi-option-mode", "multi", "--modes-exec=services,spools", "--option-mode=spools,--filter-spool=^wait"),
    O("multi-no-modes-exec", "multi"),
]

BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "duplicate option case names"
