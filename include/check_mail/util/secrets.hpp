#pragma once
// Where a password comes from: the command line, a file (first line), or an environment
// variable, so it need not appear in the process list. Never logged.
#include <optional>
#include <string>
#include <vector>

namespace check_mail::util {

struct SecretSource {
  std::string value;         // from the option itself
  bool value_given = false;
  std::string file;          // --...-password-file
  std::string env_variable;  // e.g. CHECK_MAIL_API_PASSWORD
};

struct Secret {
  std::string value;
  std::vector<std::string> warnings;  // e.g. a password file readable by others
};

// Option first, then file, then environment. nullopt when none is set; throws
// std::runtime_error with a clear message when the file cannot be read.
std::optional<Secret> resolve_secret(const SecretSource& source, const std::string& what);

}  // namespace check_mail::util
