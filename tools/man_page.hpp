#pragma once
// Documents generated from the option and mode declarations, like --help: the man page
// (docs/check_mail.1) and the Icinga 2 CheckCommand objects (packaging/config/icinga2/).
// Only the generator tool (tools/check_mail_docgen.cpp) links this; check_mail itself does not.
#include <string>
#include <utility>
#include <vector>

namespace check_mail::cli {

// An environment variable secret options can be read from, as their help names it, and the
// options (mode, option name) that read it.
struct SecretVariable {
  std::string variable;                                   // CHECK_MAIL_API_PASSWORD
  std::vector<std::pair<std::string, std::string>> uses;  // {"spools", "api-password"}, ...
};

// The CHECK_MAIL_* variables named by the help of every mode's options, sorted by name.
std::vector<SecretVariable> secret_variables();

// The man page, troff with the man macros.
std::string man_page();

// One Icinga 2 `object CheckCommand "check_mail_<mode>"` per mode.
std::string icinga2_commands();

}  // namespace check_mail::cli
