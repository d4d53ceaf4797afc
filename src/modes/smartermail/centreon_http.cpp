#include "check_mail/modes/smartermail/centreon_http.hpp"

#include <unistd.h>

#include <climits>

#include "check_mail/modes/mode.hpp"
#include "check_mail/modes/smartermail/tls_options.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smartermail {
namespace {

cli::OptionSpec spec(std::string name, std::string value, std::string help, const std::string& section,
                     bool repeatable = false, std::string def = "", bool hidden = false) {
  return cli::OptionSpec{std::move(name), std::move(value), std::move(help), std::move(def), {}, "",
                         repeatable,      hidden,           section};
}

// The backend Centreon's HTTP layer would use: its check is /^\s*lwp|curl\s*$/i.
std::optional<std::string> backend_of(const std::string& value) {
  if (value.empty()) return "lwp";
  std::string lower = util::to_lower(value);
  std::string_view trimmed_left = lower;
  while (!trimmed_left.empty() && std::isspace(static_cast<unsigned char>(trimmed_left.front())))
    trimmed_left.remove_prefix(1);
  if (trimmed_left.rfind("lwp", 0) == 0) return "lwp";
  std::string right = util::trim_right(lower);
  if (right.size() >= 4 && right.compare(right.size() - 4, 4, "curl") == 0) return "curl";
  return std::nullopt;
}

}  // namespace

std::vector<cli::OptionSpec> centreon_http_options() {
  const std::string section = "Centreon HTTP options";
  return {
      spec("http-backend", "lwp|curl",
           "Centreon's HTTP backend: selects which of --ssl-opt/--ssl (lwp, the default) or --curl-opt apply "
           "(libcurl performs the requests either way).",
           section),
      spec("ssl-opt", "SETTING",
           "lwp backend TLS setting 'KEY => VALUE': SSL_verify_mode (SSL_VERIFY_NONE), SSL_ca_file, SSL_ca_path, "
           "SSL_cert_file, "
           "SSL_key_file, SSL_use_cert, SSL_version, SSL_cipher_list. Anything else is UNKNOWN.",
           section, true),
      spec("ssl", "VERSION", "lwp backend TLS versions, as SSL_version (TLSv1_2, SSLv23:!TLSv1, ...).", section),
      spec("curl-opt", "SETTING",
           "curl backend TLS setting 'CURLOPT_X => VALUE': CURLOPT_SSL_VERIFYPEER, CURLOPT_SSL_VERIFYHOST, "
           "CURLOPT_CAINFO, CURLOPT_CAPATH, "
           "CURLOPT_SSLCERT, CURLOPT_SSLKEY, CURLOPT_SSLCERTTYPE/KEYTYPE (PEM), CURLOPT_SSLVERSION, "
           "CURLOPT_SSL_CIPHER_LIST. Anything else is UNKNOWN.",
           section, true),
      spec("proxypac", "URL|FILE", "Refused with UNKNOWN: a PAC file is a script; give its proxy with --proxyurl.",
           section, false, "", true),
  };
}

std::vector<cli::OptionSpec> centreon_cache_options() {
  const std::string section = "Centreon cache options (the token cache)";
  const std::string kept = " Accepted; the token cache stays a private file in --statefile-dir (see --verbose).";
  return {
      spec("statefile-concat-cwd", "", "Put --statefile-dir under the working directory.", section),
      spec("statefile-format", "dumper|json|storable", "Centreon's state file format." + kept, section, false, "",
           true),
      spec("statefile-storable", "", "Centreon's legacy storable format." + kept, section, false, "", true),
      spec("statefile-key", "KEY",
           "Centreon's state file encryption key." + kept + " It holds only the token and its expiry.", section, false,
           "", true),
      spec("statefile-cipher", "CIPHER", "Centreon's state file cipher." + kept, section, false, "", true),
      spec("memcached", "HOST[:PORT]", "Centreon's memcached cache, which falls back to the file." + kept, section,
           false, "", true),
      spec("memexpiration", "SECONDS", "Centreon's memcached expiry." + kept, section, false, "", true),
      spec("redis-server", "HOST[:PORT]", "Centreon's redis cache." + kept, section, false, "", true),
      spec("redis-attribute", "KEY=VALUE", "Centreon's redis connection settings." + kept, section, true, "", true),
      spec("redis-db", "NUMBER", "Centreon's redis database." + kept, section, false, "", true),
      spec("failback-file", "", "Centreon's fall back to the file when redis is down." + kept, section, false, "",
           true),
  };
}

void apply_centreon_http_options(const cli::Options& options, transport::HttpOptions& http, output::Report& report) {
  const std::string given_backend = options.get("http-backend");
  auto backend = backend_of(given_backend);
  if (!backend)
    throw CheckError("Unsupported http backend specified '" + util::sanitize_line(given_backend, 60) + "'.");
  if (!options.get("proxypac").empty())
    throw CheckError("--proxypac is not supported (a PAC file is a script): give the proxy it names with --proxyurl");

  // Each backend's settings are checked whichever is used, so a mistyped verification setting
  // is an error even where it has no effect; they apply, as in Centreon, to their own backend.
  transport::HttpOptions lwp = http, curl = http;
  std::vector<std::string> ssl_values = options.all("ssl-opt");
  if (!options.get("ssl").empty()) ssl_values.push_back("SSL_version => " + options.get("ssl"));
  for (const std::string& value : ssl_values)
    if (auto error = apply_ssl_opt(value, lwp)) throw CheckError(*error);
  for (const std::string& value : options.all("curl-opt"))
    if (auto error = apply_curl_opt(value, curl)) throw CheckError(*error);
  http = *backend == "lwp" ? lwp : curl;
  const char* unused = *backend == "lwp" ? "--curl-opt" : "--ssl-opt/--ssl";
  if ((*backend == "lwp" && options.given("curl-opt")) || (*backend == "curl" && !ssl_values.empty()))
    report.add_long(std::string(unused) + " not applied: they belong to the other --http-backend (as in Centreon)");
}

long api_port(const cli::Options& options, const std::string& proto) {
  std::string text = options.get("port");
  if (options.given("port") && util::trim(text).empty()) return proto == "http" ? 80 : 443;
  auto port = util::parse_integer(util::trim(text), 1, 65535);
  // Centreon's HTTP layer would quietly use the scheme's port for a word: a typo would check
  // another service, so it is refused.
  if (!port) throw CheckError("Wrong --port value '" + util::sanitize_line(text, 40) + "' (1-65535).");
  return static_cast<long>(*port);
}

std::string statefile_directory(const cli::Options& options, output::Report& report) {
  std::string directory = options.get("statefile-dir");
  if (options.flag("statefile-concat-cwd")) {
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) throw CheckError("Cannot read the working directory for --statefile-concat-cwd");
    directory = std::string(cwd) + "/" + directory;  // as Centreon joins them
  }
  for (const char* option : {"statefile-format", "statefile-storable", "statefile-key", "statefile-cipher", "memcached",
                             "memexpiration", "redis-server", "redis-attribute", "redis-db", "failback-file"})
    if (options.given(option))
      report.add_long(std::string("--") + option + " accepted: the token cache is a private file in --statefile-dir");
  return directory;
}

}  // namespace check_mail::modes::smartermail
