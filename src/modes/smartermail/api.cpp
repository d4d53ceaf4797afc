#include "check_mail/modes/smartermail/api.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "check_mail/http/http.hpp"
#include "check_mail/modes/smartermail/centreon_http.hpp"
#include "check_mail/modes/smartermail/pass_manager.hpp"
#include "check_mail/modes/smartermail/token_cache.hpp"
#include "check_mail/util/secrets.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smartermail {

using nlohmann::json;

namespace {

std::vector<cli::OptionSpec> connection_options() {
  const std::string section = "SmarterMail API options";
  // One option per line, as --help lists them.
  // clang-format off
  return {
      {"hostname", "HOST", "API host name or address (required).", "", {}, "H", false, false, section},
      {"port", "PORT", "API port (443 by default, also with --proto=http, as the original; empty: the scheme's port).", "443", {}, "", false, false, section},
      {"proto", "PROTO", "http or https.", "https", {}, "", false, false, section},
      {"url-path", "PATH", "API URL path.", "/api/v1", {}, "", false, false, section},
      {"api-username", "USER", "API user name (required).", "", {}, "", false, false, section},
      {"api-password", "PASSWORD",
       "API password (required, or from --api-password-file or the CHECK_MAIL_API_PASSWORD environment variable).",
       "", {}, "", false, false, section},
      {"api-password-file", "FILE", "Read the API password from the first line of this file (mode 0600).", "", {}, "", false, false, section},
      {"proxyurl", "URL", "Proxy URL (http://[user:pass@]host:port).", "", {}, "", false, false, section},
      {"insecure", "", "Do not verify the server certificate and host name.", "", {}, "", false, false, section},
      {"cafile", "FILE", "CA certificates (PEM) to verify the server with, instead of the system store.", "", {}, "", false, false, section},
      {"http-peer-addr", "ADDRESS", "Connect to this address, keeping --hostname for TLS and the Host header.", "", {}, "", false, false, section},
      {"statefile-dir", "DIR",
       "Directory of the token cache (by default the private $XDG_CACHE_HOME/check_mail, ~/.cache/check_mail or "
       "/tmp/check_mail-UID, created with mode 0700).",
       "", {}, "", false, false, section},
      {"statefile-suffix", "SUFFIX", "Suffix added to the token cache file name.", "", {}, "", false, false, section},
  };
  // clang-format on
}

}  // namespace

std::vector<cli::OptionSpec> api_options() {
  std::vector<cli::OptionSpec> specs = connection_options();
  for (auto* part : {&centreon_http_options, &centreon_cache_options, &pass_manager_options})
    for (cli::OptionSpec& spec : part()) specs.push_back(std::move(spec));
  return specs;
}

cli::OptionSpec instance_filter_option(const std::string& noun) {
  return {"filter-" + noun,
          "REGEX",
          "Only check the " + noun + "s whose name matches (Perl regular expression).",
          "",
          {},
          "",
          false,
          false,
          "Mode options"};
}

namespace {

constexpr long long kDefaultTokenLifetime = 900;  // seconds, as the original
constexpr long long kExpirySafetyMargin = 30;

// The shape of a JSON text, counted without parsing, so that hostile nesting or a flood of
// tiny values is refused before the parser builds it: a 16 MiB body of "[0,0,0,..." would
// otherwise become ~8 million values of 16 bytes each (and "{"a":{},..." far more).
struct JsonShape {
  std::size_t depth = 0;           // of the deepest array/object
  std::size_t values = 0;          // an upper bound of the number of values (separators and openings)
  std::size_t longest_string = 0;  // in bytes, escapes included
};

JsonShape json_shape(const std::string& text) {
  JsonShape shape;
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  std::size_t string_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"') {
        in_string = false;
        shape.longest_string = std::max(shape.longest_string, i - string_start);
      }
    } else if (c == '"') {
      in_string = true;
      string_start = i + 1;
    } else if (c == '[' || c == '{') {
      shape.depth = std::max(shape.depth, ++depth);
      ++shape.values;
    } else if (c == ',' || c == ':') {
      ++shape.values;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  if (in_string) shape.longest_string = std::max(shape.longest_string, text.size() - string_start);
  return shape;
}

constexpr std::size_t kMaxJsonDepth = 64;
constexpr std::size_t kMaxJsonValues = 100'000;   // SmarterMail's replies hold a few dozen
constexpr std::size_t kMaxJsonString = 1u << 20;  // their longest strings are messages and names

std::string describe_body(const transport::HttpResponse& response) {
  std::string where = "HTTP " + std::to_string(response.status);
  if (!response.content_type.empty()) where += ", " + util::sanitize_line(response.content_type, 60);
  if (response.body.empty()) return "empty body (" + where + ")";
  return where + ", starts with '" + util::sanitize_line(response.body.substr(0, 40), 40) + "'";
}

// Decodes a reply body; throws the original's "Cannot decode json response" on failure.
json decode(const transport::HttpResponse& response) {
  JsonShape shape = json_shape(response.body);
  if (shape.depth > kMaxJsonDepth)
    throw CheckError("Cannot decode json response: JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                     " levels (" + describe_body(response) + ")");
  if (shape.longest_string > kMaxJsonString)
    throw CheckError("Cannot decode json response: a JSON string longer than " + std::to_string(kMaxJsonString >> 20) +
                     " MiB (" + describe_body(response) + ")");
  if (shape.values > kMaxJsonValues)
    throw CheckError("Cannot decode json response: more than " + std::to_string(kMaxJsonValues) + " JSON values (" +
                     describe_body(response) + ")");
  json value = json::parse(response.body, nullptr, false);
  if (value.is_discarded())
    throw CheckError("Cannot decode json response: not valid JSON (" + describe_body(response) + ")");
  return value;
}

bool is_success(long status) { return status >= 200 && status < 300; }

bool valid_utf8(const std::string& text) {
  try {
    (void)json(text).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

}  // namespace

struct Api::Impl {
  ModeRun& run;
  cli::Options resolved;  // the command line's options, with the password manager's values
  std::string hostname, proto, url_path, username, password;
  std::optional<util::TokenCache> cache;
  long port = 443;
  transport::HttpClient client{{}};
  std::string token;

  explicit Impl(ModeRun& r) : run(r), resolved(r.options) {
    apply_pass_manager(resolved, run);
    const cli::Options& o = resolved;
    hostname = o.get("hostname");
    if (hostname.empty()) throw CheckError("Need to specify hostname option.");
    username = o.get("api-username");
    if (username.empty()) throw CheckError("Need to specify --api-username option.");
    util::SecretSource source{o.get("api-password"), o.given("api-password"), o.get("api-password-file"),
                              "CHECK_MAIL_API_PASSWORD"};
    std::optional<util::Secret> secret;
    try {
      secret = util::resolve_secret(source, "API password");
    } catch (const std::runtime_error& e) {
      throw CheckError(e.what());
    }
    if (!secret) throw CheckError("Need to specify --api-password option.");
    password = secret->value;
    for (const std::string& warning : secret->warnings) run.report.add_long(warning);

    proto = util::to_lower(o.get("proto"));
    if (proto != "http" && proto != "https")
      throw CheckError("Unknown value '" + o.get("proto") + "' for --proto (http or https).");
    port = api_port(o, proto);
    url_path = o.get("url-path");

    transport::HttpOptions http;
    http.insecure = o.flag("insecure");
    http.cafile = o.get("cafile");
    http.proxy = o.get("proxyurl");
    http.peer_address = o.get("http-peer-addr");
    apply_centreon_http_options(o, http, run.report);
    client = transport::HttpClient(http);
    if (run.debug) client.set_trace([this](const std::string& line) { run.report.add_long(line, true); });

    cache = api_token_cache(statefile_directory(o, run.report),
                            hostname + '\n' + std::to_string(port) + '\n' + url_path + '\n' + username,
                            o.get("statefile-suffix"));
  }

  [[nodiscard]] std::string base_url() const {
    bool ipv6 = hostname.find(':') != std::string::npos && hostname.front() != '[';
    return proto + "://" + (ipv6 ? "[" + hostname + "]" : hostname) + ":" + std::to_string(port) + url_path;
  }

  transport::HttpResponse perform(const std::string& method, const std::string& endpoint, const std::string& body) {
    transport::HttpRequest request;
    request.method = method;
    request.url = base_url() + endpoint;
    request.headers = {"Accept: application/json", "Content-Type: application/json"};
    if (!token.empty() && method == "GET") request.headers.push_back("Authorization: Bearer " + token);
    request.body = body;
    try {
      return client.perform(request, run.deadline);
    } catch (const transport::HttpError& e) {
      throw CheckError(e.what());
    }
  }

  std::optional<std::string> cached_token() const {
    std::string note;
    auto cached = cache->load(static_cast<long long>(std::time(nullptr)), &note);
    // A missing, corrupt, foreign or expired cache is ignored and replaced after the next login.
    if (!cached) {
      run.report.add_long(util::sanitize_line(note, 400), true);
      return std::nullopt;
    }
    return cached->access_token;
  }

  // A cache that cannot be written costs a login per run, not the check: the data call still
  // tells the state, and the reason is a line of long output.
  void store_token(long long expires_on) {
    if (auto error = cache->store({token, expires_on})) run.report.add_long(util::sanitize_line(*error, 400));
  }

  void forget_token() {
    token.clear();
    cache->forget();
  }

  void login() {
    // JSON carries UTF-8 only: other bytes (a Latin-1 password file) cannot be sent faithfully,
    // and the encoder's message would quote one of them.
    json credentials = {{"username", username}, {"password", password}};
    std::string body;
    try {
      body = credentials.dump();
    } catch (const json::type_error&) {
      throw CheckError(std::string("The API ") + (valid_utf8(username) ? "password" : "user name") +
                       " is not valid UTF-8: it cannot be sent in the JSON login request");
    }
    transport::HttpResponse response = perform("POST", "/auth/authenticate-user", body);
    if (response.status != 200)
      throw CheckError("Authentication error [code: '" + std::to_string(response.status) + "'] [message: '" +
                       util::sanitize_line(response.reason) + "']");
    json reply = decode(response);
    if (!reply.is_object() || !reply.contains("accessToken") || !reply["accessToken"].is_string() ||
        !usable_token(reply["accessToken"].get<std::string>()))
      throw CheckError("Cannot get token");
    token = reply["accessToken"].get<std::string>();
    long long now = static_cast<long long>(std::time(nullptr));
    long long expires_on = now + kDefaultTokenLifetime;
    if (reply.contains("accessTokenExpiration") && reply["accessTokenExpiration"].is_string())
      if (auto parsed = parse_iso8601(reply["accessTokenExpiration"].get<std::string>()))
        expires_on = std::min(expires_on, *parsed - kExpirySafetyMargin);
    if (expires_on > now) store_token(expires_on);
    run.report.add_long("logged in as '" + util::sanitize_line(username) + "'", true);
  }

  json get(const std::string& endpoint) {
    if (token.empty()) {
      if (auto cached = cached_token()) {
        token = *cached;
        run.report.add_long("using the cached API token", true);
      } else {
        login();
      }
    }
    transport::HttpResponse response = perform("GET", endpoint, {});
    if (!response.redirect_url.empty())  // not a token problem: logging in again would not help
      throw CheckError("api request error: HTTP " + std::to_string(response.status) + " " +
                       util::sanitize_line(response.reason) + ", redirect to " + response.redirect_url +
                       " not followed");
    if (!is_success(response.status)) {
      // The token may have been revoked or expired early: log in again, once.
      run.report.add_long("data call answered HTTP " + std::to_string(response.status) + ", logging in again", true);
      forget_token();
      std::string().swap(response.body);  // not two replies of up to 16 MiB in memory at once
      login();
      response = perform("GET", endpoint, {});
    }
    if (!is_success(response.status)) {
      json reply;  // the error's JSON, if it is some (checked like a data reply: no hostile shapes)
      try {
        reply = decode(response);
      } catch (const CheckError&) {}
      std::string message = "api request error";
      if (reply.is_object() && reply.contains("message") && reply["message"].is_string() &&
          !reply["message"].get<std::string>().empty())
        message += ": " + util::sanitize_line(reply["message"].get<std::string>());
      else
        message += ": HTTP " + std::to_string(response.status) + " " + util::sanitize_line(response.reason);
      throw CheckError(message);
    }
    return decode_data_reply(response, endpoint);
  }
};

Api::Api(ModeRun& run) : impl_(std::make_shared<Impl>(run)) {}

json Api::get(const std::string& endpoint) { return impl_->get(endpoint); }

json decode_data_reply(const transport::HttpResponse& response, const std::string& endpoint) {
  json reply = decode(response);
  if (!reply.is_object()) unexpected_reply(endpoint, "the reply is not a JSON object");
  // Deliberately stricter than the original, which ignores "success": false.
  if (reply.contains("success") && reply["success"].is_boolean() && !reply["success"].get<bool>()) {
    std::string message = reply.contains("message") && reply["message"].is_string()
                              ? util::sanitize_line(reply["message"].get<std::string>())
                              : std::string("no message");
    throw CheckError("API error: " + (message.empty() ? std::string("no message") : message));
  }
  return reply;
}

namespace {

bool take_digits(std::string_view text, std::size_t& pos, std::size_t count, int& value) {
  if (text.size() - pos < count) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool take_char(std::string_view text, std::size_t& pos, std::string_view accepted) {
  if (pos >= text.size() || accepted.find(text[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long year, int month, int day) {
  year -= month <= 2;
  const long long era = (year >= 0 ? year : year - 399) / 400;
  const long long yoe = year - era * 400;
  const long long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<long long> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!take_digits(text, pos, 4, year) || !take_char(text, pos, "-") || !take_digits(text, pos, 2, month) ||
      !take_char(text, pos, "-") || !take_digits(text, pos, 2, day) || !take_char(text, pos, "Tt ") ||
      !take_digits(text, pos, 2, hour) || !take_char(text, pos, ":") || !take_digits(text, pos, 2, minute) ||
      !take_char(text, pos, ":") || !take_digits(text, pos, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  if (take_char(text, pos, ".,")) {  // fractional seconds: any number of digits, ignored
    std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  long long offset = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const bool east = text[pos++] == '+';
    int zone_hours = 0, zone_minutes = 0;
    if (!take_digits(text, pos, 2, zone_hours)) return std::nullopt;
    if (pos < text.size()) {
      take_char(text, pos, ":");
      if (!take_digits(text, pos, 2, zone_minutes)) return std::nullopt;
    }
    if (zone_hours > 23 || zone_minutes > 59) return std::nullopt;
    offset = (zone_hours * 3600LL + zone_minutes * 60LL) * (east ? 1 : -1);
  } else {
    take_char(text, pos, "Zz");
  }
  if (pos != text.size()) return std::nullopt;
  return days_from_civil(year, month, day) * 86400 + hour * 3600LL + minute * 60LL + second - offset;
}

void map_instances(const json& reply, const InstanceReply& shape, const std::optional<output::Regex>& filter,
                   const std::string& filter_text, output::CounterGroup& group, output::Report& report,
                   const std::function<output::Values(const std::string& name, const json& value)>& values_of) {
  if (!reply.contains(shape.member) || !reply[shape.member].is_object())
    unexpected_reply(shape.endpoint, "no '" + shape.member + "' object");
  for (const auto& [raw_name, value] : reply[shape.member].items()) {
    std::string name = util::sanitize_line(raw_name);
    if (filter && !filter->search(raw_name)) {
      report.add_long("skipping  '" + name + "': no matching filter.", true);
      continue;
    }
    group.instances[name] = values_of(name, value);
  }
  if (group.instances.empty())
    throw CheckError(filter ? "No " + shape.noun + " found matching the filter --filter-" + shape.noun + "='" +
                                  filter_text + "'"
                            : "No " + shape.noun + " in the reply from " + shape.endpoint);
}

void unexpected_reply(const std::string& endpoint, const std::string& what) {
  throw CheckError("Unexpected reply from " + endpoint + ": " + what);
}

std::optional<double> json_integer(const json& value, const std::string& endpoint, const std::string& what, double min,
                                   double max) {
  if (value.is_null()) return std::nullopt;
  std::optional<double> number;
  if (value.is_number())
    number = value.get<double>();
  else if (value.is_string())
    number = util::parse_number(util::trim(value.get<std::string>()));
  std::string shown = util::sanitize_line(value.dump(-1, ' ', false, json::error_handler_t::replace), 40);
  if (!number) unexpected_reply(endpoint, what + " is not a number (" + shown + ")");
  if (*number != std::floor(*number) || *number < min || *number > max)
    unexpected_reply(endpoint, what + " is out of range (" + shown + ")");
  return number;
}

std::optional<bool> json_flag(const json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_boolean()) return value.get<bool>();
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  static const auto truthy = output::Regex::try_compile("True|1", "i");
  return truthy->search(text);
}

}  // namespace check_mail::modes::smartermail
