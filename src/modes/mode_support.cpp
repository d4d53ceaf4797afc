#include "check_mail/modes/mode.hpp"

namespace check_mail::modes {

std::optional<output::Regex> compile_filter(const cli::Options& options, const std::string& option) {
  std::string pattern = options.get(option);
  if (pattern.empty()) return std::nullopt;
  output::Regex::Error error;
  auto regex = output::Regex::try_compile(pattern, "", &error);
  if (!regex)
    throw CheckError("Invalid regular expression in --" + option + " at offset " + std::to_string(error.offset) + ": " +
                     error.message);
  return regex;
}

}  // namespace check_mail::modes
