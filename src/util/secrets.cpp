#include "check_mail/util/secrets.hpp"

#include <cstdlib>
#include <stdexcept>

#include "check_mail/util/files.hpp"

namespace check_mail::util {

std::optional<Secret> resolve_secret(const SecretSource& source, const std::string& what) {
  Secret secret;
  if (source.value_given && !source.value.empty()) {
    secret.value = source.value;
    return secret;
  }
  if (!source.file.empty()) {
    std::string error;
    auto content = read_file(source.file, 64 * 1024, &error);
    if (!content) throw std::runtime_error("Cannot read " + what + " file '" + source.file + "': " + error);
    std::string first_line = content->substr(0, content->find_first_of("\r\n"));
    if (first_line.empty()) throw std::runtime_error(what + " file '" + source.file + "' is empty");
    if (readable_by_others(source.file))
      secret.warnings.push_back("warning: " + what + " file '" + source.file +
                                "' is readable by other users (mode wider than 0600)");
    secret.value = first_line;
    return secret;
  }
  if (!source.env_variable.empty()) {
    const char* env = std::getenv(source.env_variable.c_str());
    if (env && *env) {
      secret.value = env;
      return secret;
    }
  }
  return std::nullopt;
}

}  // namespace check_mail::util
