#include "check_mail/util/secrets.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "check_mail/util/base64.hpp"
#include "check_mail/util/files.hpp"

namespace check_mail::util {
namespace {

// Longest first, so that a form containing another is replaced whole.
std::vector<std::string>& registered_forms() {
  static std::vector<std::string> forms;
  return forms;
}

void add_form(std::string form) {
  if (form.size() < min_scrubbed_length) return;
  auto& forms = registered_forms();
  if (std::find(forms.begin(), forms.end(), form) != forms.end()) return;
  forms.push_back(std::move(form));
  std::stable_sort(forms.begin(), forms.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

// The base64 characters that depend on `value` alone wherever it sits in a longer encoded
// string: for each of the three alignments, the encoding without the group shared with the
// bytes before and the group shared with the bytes after.
void add_base64_forms(std::string_view value) {
  add_form(base64_encode(value));
  for (std::size_t offset = 0; offset < 3; ++offset) {
    std::string encoded = base64_encode(std::string(offset, '\0') + std::string(value));
    const std::size_t total = offset + value.size();
    std::size_t end = encoded.size();
    if (total % 3 != 0) end -= 4;  // the last group also carries what follows
    const std::size_t begin = offset == 0 ? 0 : 4;
    if (end > begin) add_form(encoded.substr(begin, end - begin));
  }
}

// IMAP's quoted string (RFC 3501): '"' and '\\' escaped with a backslash.
std::string imap_quoted(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

void register_secret(std::string_view value) {
  if (value.size() < min_scrubbed_length) return;
  add_form(std::string(value));
  add_form(imap_quoted(value));
  add_base64_forms(value);
}

void register_login(std::string_view username, std::string_view password) {
  if (password.size() < min_scrubbed_length) return;
  const std::string login = std::string(username) + '\0' + std::string(password);
  add_form(base64_encode(std::string(1, '\0') + login));
  add_form(base64_encode(std::string(username) + '\0' + login));
}

std::string scrub_secrets(std::string text) {
  for (const std::string& form : registered_forms()) {
    std::size_t at = 0;
    while ((at = text.find(form, at)) != std::string::npos) {
      text.replace(at, form.size(), "<redacted>");
      at += 10;
    }
  }
  return text;
}

std::optional<Secret> resolve_secret(const SecretSource& source, const std::string& what) {
  Secret secret;
  if (source.value_given && !source.value.empty()) {
    secret.value = source.value;
    register_secret(secret.value);
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
    register_secret(secret.value);
    return secret;
  }
  if (!source.env_variable.empty()) {
    const char* env = std::getenv(source.env_variable.c_str());
    if (env && *env) {
      secret.value = env;
      register_secret(secret.value);
      return secret;
    }
  }
  return std::nullopt;
}

}  // namespace check_mail::util
