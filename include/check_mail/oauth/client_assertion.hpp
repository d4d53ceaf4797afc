#pragma once
// private_key_jwt (RFC 7523 section 2.2, as the Microsoft identity platform takes a certificate
// credential): a short-lived JWT signed with the app's certificate key, sent instead of a secret.
#include <string>
#include <string_view>

namespace check_mail::oauth {

// base64url without padding (RFC 7515 section 2).
[[nodiscard]] std::string base64url(std::string_view bytes);

// An RS256 JWT whose header names the certificate by its SHA-256 thumbprint ("x5t#S256") and
// whose claims are aud=token_url, iss=sub=client_id, a random jti, nbf=iat=now, exp=now+300.
// key_file empty: the key is in certificate_file (one PEM holding both). The key must be RSA
// and not encrypted. Throws std::runtime_error naming the file on any problem.
[[nodiscard]] std::string client_assertion_jwt(const std::string& certificate_file, const std::string& key_file,
                                               std::string_view client_id, std::string_view token_url, long long now);

}  // namespace check_mail::oauth
