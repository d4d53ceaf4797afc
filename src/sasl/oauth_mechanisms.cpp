#include "check_mail/sasl/oauth_mechanisms.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "check_mail/net/error.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::transport::sasl {
namespace {

// Both formats separate their fields with \x01 and the user name ends at the next control byte,
// so neither the name nor the token may hold one (nor, for the token, a space: RFC 6750 b64token).
void check_credentials(std::string_view user, std::string_view token) {
  const auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
  if (user.empty() || std::any_of(user.begin(), user.end(), control))
    throw TransportError(ErrorKind::config,
                         "the user name is empty or holds control characters, which OAuth SASL cannot carry");
  const auto token_byte = [](char c) { return c > 0x20 && c < 0x7f; };
  if (token.empty() || !std::all_of(token.begin(), token.end(), token_byte))
    throw TransportError(ErrorKind::config, "the OAuth access token is empty or not printable ASCII without spaces");
}

std::string string_member(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

}  // namespace

std::string xoauth2_initial_response(std::string_view user, std::string_view token) {
  check_credentials(user, token);
  std::string message = "user=";
  message.append(user)
      .append(
          "\x01"
          "auth=Bearer ")
      .append(token)
      .append("\x01\x01");
  return message;
}

std::string oauthbearer_initial_response(std::string_view user, std::string_view token) {
  check_credentials(user, token);
  std::string message = "n,a=";
  for (const char c : user) {
    if (c == ',')
      message += "=2C";
    else if (c == '=')
      message += "=3D";
    else
      message += c;
  }
  message
      .append(
          ",\x01"
          "auth=Bearer ")
      .append(token)
      .append("\x01\x01");
  return message;
}

std::string_view xoauth2_error_acknowledgement() { return ""; }
std::string_view oauthbearer_error_acknowledgement() { return "\x01"; }

std::optional<OAuthErrorChallenge> parse_oauth_error_challenge(std::string_view decoded) {
  // A challenge is a few hundred bytes; anything deep or huge is not one.
  if (decoded.size() > 16384) return std::nullopt;
  const nlohmann::json value = nlohmann::json::parse(decoded, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  OAuthErrorChallenge challenge;
  challenge.status = string_member(value, "status");
  challenge.scope = string_member(value, "scope");
  challenge.schemes = string_member(value, "schemes");
  challenge.openid_configuration = string_member(value, "openid-configuration");
  return challenge;
}

std::string describe_oauth_error(const OAuthErrorChallenge& challenge) {
  std::string text;
  if (!challenge.status.empty()) text = "status " + util::sanitize_line(challenge.status, 40);
  if (!challenge.scope.empty())
    text += (text.empty() ? "scope " : ", scope ") + util::sanitize_line(challenge.scope, 120);
  return text.empty() ? std::string("no error status") : text;
}

bool oauth_error_means_bad_token(const OAuthErrorChallenge& challenge) {
  const std::string status = util::to_lower(util::trim(challenge.status));
  return status.empty() || status == "401" || status == "invalid_token";
}

}  // namespace check_mail::transport::sasl
