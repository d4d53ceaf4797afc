#include "check_mail/oauth/token_provider.hpp"

#include <ctime>

#include "check_mail/net/deadline.hpp"
#include "check_mail/oauth/client_assertion.hpp"
#include "check_mail/oauth/token_cache.hpp"
#include "check_mail/util/digest.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::oauth {
namespace {

long long now_epoch() { return static_cast<long long>(std::time(nullptr)); }

std::string grant_name(GrantType type) {
  return type == GrantType::client_credentials ? "client credentials grant" : "refresh token grant";
}

// RFC 6749 section 5.2 errors that say the credentials themselves are refused: a person must
// fix the app registration, the secret or the refresh token.
bool credentials_refused(const std::string& error) {
  return error == "invalid_client" || error == "unauthorized_client" || error == "invalid_grant" ||
         error == "invalid_scope" || error == "access_denied" || error == "unsupported_grant_type";
}

}  // namespace

TokenProvider::TokenProvider(TokenSourceSettings settings, std::function<void(const std::string&)> note)
    : settings_(std::move(settings)),
      note_(std::move(note)),
      endpoint_(endpoint_for_display(settings_.grant.token_url)) {}

std::string TokenProvider::redact(std::string text) const {
  for (const std::string* secret : {&settings_.given_token, &settings_.grant.client_secret,
                                    &settings_.grant.refresh_token, &settings_.grant.client_assertion, &last_token_}) {
    // Short values would redact ordinary words; real secrets are long.
    if (secret->size() >= 6) text = util::replace_all(std::move(text), *secret, "<redacted>");
  }
  return text;
}

std::string TokenProvider::cache_identity() const {
  const Grant& g = settings_.grant;
  // The credentials count as part of the identity (hashed): a rotated secret or refresh token
  // must not keep using a token obtained with the old one.
  const std::string credentials = g.client_secret + '\n' + g.refresh_token + '\n' + settings_.client_certificate_file;
  return "oauth\n" + std::to_string(static_cast<int>(g.type)) + '\n' + g.token_url + '\n' + g.client_id + '\n' +
         g.scope + '\n' + util::sha256_hex(credentials);
}

ObtainedToken TokenProvider::obtain(const transport::Deadline& deadline) {
  if (settings_.kind == SourceKind::given_token) {
    last_token_ = settings_.given_token;
    return {settings_.given_token, 0, false, settings_.given_from};
  }
  if (!settings_.cache_directory.empty()) {
    if (auto cached = access_token_cache(settings_.cache_directory, cache_identity()).load(now_epoch())) {
      last_token_ = cached->access_token;
      return {cached->access_token, 0, true,
              "cached token from the " + grant_name(settings_.grant.type) + " at " + endpoint_};
    }
  }
  return request(deadline);
}

std::optional<ObtainedToken> TokenProvider::renew(const transport::Deadline& deadline) {
  if (!renewable()) return std::nullopt;
  if (!settings_.cache_directory.empty()) access_token_cache(settings_.cache_directory, cache_identity()).forget();
  return request(deadline);
}

ObtainedToken TokenProvider::request(const transport::Deadline& deadline) {
  const auto start = transport::Deadline::Clock::now();
  Grant grant = settings_.grant;
  if (!settings_.client_certificate_file.empty()) {
    try {
      grant.client_assertion = client_assertion_jwt(settings_.client_certificate_file, settings_.client_key_file,
                                                    grant.client_id, grant.token_url, now_epoch());
    } catch (const std::runtime_error& e) {
      throw TokenError(e.what(), false);
    }
    settings_.grant.client_assertion = grant.client_assertion;  // for redact()
  }
  const std::string what = "OAuth token endpoint " + endpoint_;
  transport::HttpRequest request;
  request.method = "POST";
  request.url = grant.token_url;
  request.headers = {"Accept: application/json", "Content-Type: application/x-www-form-urlencoded"};
  request.body = token_request_body(grant);

  transport::HttpClient client(settings_.http);
  transport::HttpResponse response;
  try {
    response = client.perform(request, deadline);
  } catch (const transport::HttpError& e) {
    // The HTTP layer's messages name the URL as given (with any query); the status line names
    // the endpoint once, in its displayable form.
    std::string message = util::replace_all(e.what(), " waiting for " + grant.token_url, "");
    message = util::replace_all(std::move(message), grant.token_url, endpoint_);
    throw TokenError(redact(what + ": " + message), false);
  }
  const auto reply = parse_token_reply(response.status, response.body);
  const std::string http_status = "HTTP " + std::to_string(response.status) +
                                  (response.reason.empty() ? "" : " " + util::sanitize_line(response.reason, 60));
  if (reply && !reply->error.empty()) {
    std::string message =
        what + " refused the " + grant_name(grant.type) + ": " + util::sanitize_line(reply->error, 60);
    if (!reply->error_description.empty()) message += " (" + util::sanitize_line(reply->error_description, 240) + ")";
    const bool refused = credentials_refused(reply->error);
    if (!refused) message += " [" + http_status + "]";
    throw TokenError(redact(message), refused);
  }
  if (!reply) {
    const std::string problem =
        response.status >= 200 && response.status < 300 ? "a reply that holds no bearer token" : "no token";
    throw TokenError(what + " answered " + http_status + " with " + problem, false);
  }
  last_token_ = reply->access_token;
  ObtainedToken token{reply->access_token, transport::seconds_since(start), false,
                      grant_name(grant.type) + " at " + endpoint_};
  if (!settings_.cache_directory.empty()) {
    if (auto until = cache_until(now_epoch(), reply->expires_in)) {
      const util::TokenCache cache = access_token_cache(settings_.cache_directory, cache_identity());
      if (auto problem = cache.store({reply->access_token, *until})) note_("OAuth access token: " + *problem);
    }
  }
  return token;
}

}  // namespace check_mail::oauth
