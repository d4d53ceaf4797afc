#pragma once
// Where the OAuth access token of a check comes from: a file or the environment (kept fresh by
// something else), or a grant at a token endpoint (client credentials, refresh token) through
// the libcurl HTTP layer within the check's deadline, cached between runs.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "check_mail/http/http.hpp"
#include "check_mail/net/deadline.hpp"
#include "check_mail/oauth/token_endpoint.hpp"

namespace check_mail::oauth {

enum class SourceKind { given_token, grant };

struct TokenSourceSettings {
  SourceKind kind = SourceKind::given_token;
  std::string given_token;              // SourceKind::given_token: read from the file or the environment
  std::string given_from;               // "--oauth-token-file" or "CHECK_MAIL_OAUTH_TOKEN", for messages
  Grant grant;                          // SourceKind::grant
  std::string client_certificate_file;  // private_key_jwt: certificate (and key, unless below)
  std::string client_key_file;
  std::string cache_directory;  // empty: no cache
  transport::HttpOptions http;
};

// The token endpoint could not give a token. refused: it turned the credentials down (RFC 6749
// error such as invalid_client or invalid_grant), which only a person can fix; otherwise it
// could not be asked (refused connection, timeout, 5xx, a reply that is no token).
class TokenError : public std::runtime_error {
public:
  TokenError(const std::string& message, bool refused) : std::runtime_error(message), refused_(refused) {}
  [[nodiscard]] bool refused() const { return refused_; }

private:
  bool refused_;
};

struct ObtainedToken {
  std::string access_token;
  double seconds = 0;  // time spent obtaining it (0 when cached or given)
  bool from_cache = false;
  std::string origin;  // "cached token", "--oauth-token-file", "client credentials grant at URL", ...
};

class TokenProvider {
public:
  // note: lines for the long output (cache problems, which source answered); never a secret.
  TokenProvider(TokenSourceSettings settings, std::function<void(const std::string&)> note);

  // The cached token when one is valid, else a fresh one. Throws TokenError.
  ObtainedToken obtain(const transport::Deadline& deadline);
  // A fresh token, the cached one forgotten: after the server refused the token. Throws
  // TokenError; nullopt when the source cannot give another (a given token).
  std::optional<ObtainedToken> renew(const transport::Deadline& deadline);

  [[nodiscard]] bool renewable() const { return settings_.kind == SourceKind::grant; }
  // Every secret this provider holds, for redacting server text before it is shown.
  [[nodiscard]] std::string redact(std::string text) const;

private:
  ObtainedToken request(const transport::Deadline& deadline);
  [[nodiscard]] std::string cache_identity() const;

  TokenSourceSettings settings_;
  std::function<void(const std::string&)> note_;
  std::string endpoint_;  // the token URL for display
  std::string last_token_;
};

}  // namespace check_mail::oauth
