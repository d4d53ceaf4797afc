#pragma once
// The SmarterMail REST API as Centreon's plugin calls it: log in for a bearer token, cache the
// token between runs, GET a settings endpoint, re-login once when the token is refused.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/http/http.hpp"
#include "check_mail/modes/mode.hpp"
#include "check_mail/options/options.hpp"
#include "check_mail/output/regex.hpp"

namespace check_mail::modes::smartermail {

// Connection and authentication options shared by the SmarterMail modes.
std::vector<cli::OptionSpec> api_options();

// The --filter-<noun> option of a mode with one instance per <noun> (spools, services).
cli::OptionSpec instance_filter_option(const std::string& noun);

class Api {
public:
  // Reads and validates the connection options; throws CheckError on a bad command line.
  explicit Api(ModeRun& run);

  // GET <url-path><endpoint> and return the decoded JSON object. Throws CheckError with the
  // status line to print when the API cannot give an answer.
  nlohmann::json get(const std::string& endpoint);

private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// "Unexpected reply from <endpoint>: <what>", for replies of the wrong shape.
[[noreturn]] void unexpected_reply(const std::string& endpoint, const std::string& what);

// A JSON value as a count or a day number: a number, or a string holding one (as the original
// accepts). Returns nullopt for null; throws CheckError (unexpected reply) for anything else,
// or a number outside [min, max] or not an integer.
std::optional<double> json_integer(const nlohmann::json& value, const std::string& endpoint, const std::string& what,
                                   double min, double max);

// A JSON value as a SmarterMail boolean, read as the original does: true, 1, or a string
// matching /true|1/i. nullopt for null or missing.
std::optional<bool> json_flag(const nlohmann::json& value);

// ---- The pure parts, without HTTP or files (unit tests and tests/fuzz call them directly).

// A data reply as Api::get returns it: the body decoded (nesting refused past 64 levels), a
// JSON object, and not "success": false. Throws CheckError with the status line otherwise.
nlohmann::json decode_data_reply(const transport::HttpResponse& response, const std::string& endpoint);

// The values of each mode from its decoded reply, into the mode's counter group (the first of
// its counters()). filter/filter_text: the mode's --filter-* regex and its text (for the
// "nothing matched" message); skipped instances are noted in report's debug lines. Throws
// CheckError for a reply of the wrong shape or with nothing left to check.
void map_spools(const nlohmann::json& reply, const std::optional<output::Regex>& filter, const std::string& filter_text,
                output::CounterGroup& group, output::Report& report);
void map_services(const nlohmann::json& reply, const std::optional<output::Regex>& filter,
                  const std::string& filter_text, output::CounterGroup& group, output::Report& report);
void map_licenses(const nlohmann::json& reply, output::CounterGroup& group);

// What map_spools and map_services share: one instance per member of the reply's object
// `member`, named after it (sanitised), its values from values_of(name, value), unless its name
// does not match the filter (--filter-<noun>; noted in report's debug lines). Throws CheckError
// when the reply has no such object, and when no instance is left.
struct InstanceReply {
  std::string endpoint;  // "/settings/sysadmin/services", for the messages
  std::string member;    // "services"
  std::string noun;      // "service"
};
void map_instances(
    const nlohmann::json& reply, const InstanceReply& shape, const std::optional<output::Regex>& filter,
    const std::string& filter_text, output::CounterGroup& group, output::Report& report,
    const std::function<output::Values(const std::string& name, const nlohmann::json& value)>& values_of);

// accessTokenExpiration: "2026-11-23T13:45:00Z", with optional fractional seconds and a zone
// ("Z", "+02:00", "+0200", "+02"); no zone means UTC. Epoch seconds, or nullopt if malformed.
std::optional<long long> parse_iso8601(std::string_view text);

}  // namespace check_mail::modes::smartermail
