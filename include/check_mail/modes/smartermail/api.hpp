#pragma once
// The SmarterMail REST API as Centreon's plugin calls it: log in for a bearer token, cache the
// token between runs, GET a settings endpoint, re-login once when the token is refused.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check_mail/cli/options.hpp"
#include "check_mail/modes/mode.hpp"

namespace check_mail::modes::smartermail {

// Connection and authentication options shared by the SmarterMail modes.
std::vector<cli::OptionSpec> api_options();

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
std::optional<double> json_integer(const nlohmann::json& value, const std::string& endpoint,
                                   const std::string& what, double min, double max);

// A JSON value as a SmarterMail boolean, read as the original does: true, 1, or a string
// matching /true|1/i. nullopt for null or missing.
std::optional<bool> json_flag(const nlohmann::json& value);

}  // namespace check_mail::modes::smartermail
