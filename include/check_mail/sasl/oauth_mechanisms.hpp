#pragma once
// The two OAuth 2.0 SASL mechanisms: XOAUTH2 (the Google and Microsoft format) and OAUTHBEARER
// (RFC 7628). Pure functions: the client messages (not yet base64-encoded), the reply that ends
// a failed exchange, and the server's JSON error challenge decoded for the status line.
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::transport::sasl {

// "user=" USER "\x01auth=Bearer " TOKEN "\x01\x01". Throws TransportError(config) when the user
// name or the token holds a byte the format cannot carry (control characters; the token must
// be a bearer token of printable ASCII without spaces).
[[nodiscard]] std::string xoauth2_initial_response(std::string_view user, std::string_view token);

// RFC 7628 "n,a=USER,\x01auth=Bearer TOKEN\x01\x01", with ',' and '=' in USER escaped as RFC 5801
// requires ("=2C", "=3D"). Same validation as xoauth2_initial_response.
[[nodiscard]] std::string oauthbearer_initial_response(std::string_view user, std::string_view token);

// What the client sends after an error challenge, so that the server ends the exchange with
// its final failure: XOAUTH2 an empty response, OAUTHBEARER the single byte "\x01" (RFC 7628
// section 3.2.3).
[[nodiscard]] std::string_view xoauth2_error_acknowledgement();
[[nodiscard]] std::string_view oauthbearer_error_acknowledgement();

// The JSON an OAuth-capable server sends as its challenge when it refuses a token (RFC 7628
// section 3.2.2; Google's and Microsoft's XOAUTH2 send the same object).
struct OAuthErrorChallenge {
  std::string status;  // "401", "invalid_token", "insufficient_scope", ...
  std::string scope;   // the scope the server wants, when it says
  std::string schemes;
  std::string openid_configuration;
};

// Decodes the (base64-decoded) challenge. nullopt when it is not a JSON object; members of
// other types are ignored. Values are kept as sent; sanitise before output.
[[nodiscard]] std::optional<OAuthErrorChallenge> parse_oauth_error_challenge(std::string_view decoded);

// "status 401, scope https://mail.google.com/": the challenge in one sanitised phrase.
[[nodiscard]] std::string describe_oauth_error(const OAuthErrorChallenge& challenge);

// Whether the challenge says that the token itself is no good (expired, revoked, unknown):
// status 401 or invalid_token, or no status at all. Another status (insufficient_scope,
// invalid_request, 400, 403) will not be cured by a new token of the same kind.
[[nodiscard]] bool oauth_error_means_bad_token(const OAuthErrorChallenge& challenge);

}  // namespace check_mail::transport::sasl
