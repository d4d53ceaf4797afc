#pragma once
// Where a password comes from: the command line, a file (first line), or an environment
// variable, so it need not appear in the process list. Never logged.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace check_mail::util {

struct SecretSource {
  std::string value;  // from the option itself
  bool value_given = false;
  std::string file;          // --...-password-file
  std::string env_variable;  // e.g. CHECK_MAIL_API_PASSWORD
};

struct Secret {
  std::string value;
  std::vector<std::string> warnings;  // e.g. a password file readable by others
};

// Option first, then file, then environment. nullopt when none is set; throws
// std::runtime_error with a clear message when the file cannot be read. The value found is
// registered (register_secret).
std::optional<Secret> resolve_secret(const SecretSource& source, const std::string& what);

// The run's registry of secrets, so that the output layer can scrub them from text a server
// echoes back (a 535 quoting the AUTH line, an IMAP BAD quoting LOGIN). A secret is known in the
// forms it travels in: as is, IMAP-quoted, base64 (also inside a longer base64 string).
// Values shorter than min_scrubbed_length are not registered: scrubbing every "ab" from the
// output would wreck it and protect little.
inline constexpr std::size_t min_scrubbed_length = 4;
void register_secret(std::string_view value);
// The SASL PLAIN message of a login ("\0user\0password", and with the user as authzid), whose
// base64 form a server may quote whole.
void register_login(std::string_view username, std::string_view password);
// Every registered form of every secret in text replaced by "<redacted>".
[[nodiscard]] std::string scrub_secrets(std::string text);

}  // namespace check_mail::util
