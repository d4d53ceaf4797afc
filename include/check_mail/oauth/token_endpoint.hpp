#pragma once
// The OAuth 2.0 token endpoint (RFC 6749 section 4.4 client credentials, section 6 refresh
// token; RFC 7523 client assertions) as pure functions: the form a grant posts, and the reply
// decoded into a token or an error. No HTTP here; oauth/token_provider does the request.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace check_mail::oauth {

enum class GrantType { client_credentials, refresh_token };

struct Grant {
  GrantType type = GrantType::client_credentials;
  std::string token_url;
  std::string client_id;
  std::string client_secret;     // may be empty for a public client's refresh token
  std::string client_assertion;  // a signed JWT (private_key_jwt) used instead of the secret
  std::string scope;             // space-separated; may be empty
  std::string refresh_token;     // GrantType::refresh_token only
};

// application/x-www-form-urlencoded: each name=value percent-encoded (space as '+'), joined by '&'.
[[nodiscard]] std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// The body a grant posts to the token endpoint, credentials in the body (client_secret_post),
// as the Microsoft identity platform v2.0 and Google expect.
[[nodiscard]] std::string token_request_body(const Grant& grant);

// The longest access token accepted (from the endpoint or the cache) and sent in a SASL message.
inline constexpr std::size_t kMaxAccessTokenBytes = 16384;

// The token endpoint's reply.
struct TokenReply {
  std::string access_token;       // set on success
  long long expires_in = 0;       // seconds; 0 when the reply did not say
  std::string error;              // RFC 6749 section 5.2 "error" ("invalid_client", ...); empty on success
  std::string error_description;  // as sent; sanitise before output
};

// Decodes a reply: a 2xx with a JSON object holding a bearer access_token, or an error object
// (any status). nullopt when the body is not such JSON (an HTML error page, a truncated reply),
// or the token is not fit for a SASL message (empty, longer than 16 KiB, not printable ASCII
// without spaces), or the token type is not bearer.
[[nodiscard]] std::optional<TokenReply> parse_token_reply(long status, std::string_view body);

// The URL as it may be printed: scheme, host, port and path only (no user information, query
// or fragment), sanitised. "https://login.microsoftonline.com/T/oauth2/v2.0/token".
[[nodiscard]] std::string endpoint_for_display(std::string_view url);

// Why a token URL is not acceptable, or nullopt: it must be https, or http to a loopback
// address (a test server), and carry no user information (credentials go in the body).
[[nodiscard]] std::optional<std::string> token_url_problem(std::string_view url);

// The Microsoft identity platform v2.0 token endpoint of a tenant, and its default scope for
// SMTP, IMAP and POP3 in Exchange Online.
[[nodiscard]] std::string microsoft_token_url(std::string_view tenant);
inline constexpr std::string_view kMicrosoftDefaultScope = "https://outlook.office365.com/.default";

}  // namespace check_mail::oauth
