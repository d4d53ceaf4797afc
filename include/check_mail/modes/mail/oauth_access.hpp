#pragma once
// The OAuth access token of one check, as the mail modes use it: obtained once before the first
// connection (so that a token endpoint failure is its own clear status line, not a failed
// SASL exchange), timed for the token-time figure, renewed at most once when the mail server
// refuses a token that came from the cache, and every secret of the source redacted from server
// text shown to the user.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/modes/mode.hpp"
#include "check_mail/oauth/token_provider.hpp"
#include "check_mail/sasl/sasl.hpp"
#include "check_mail/smtp/smtp_session.hpp"

namespace check_mail::modes::mail {

class OAuthAccess {
public:
  OAuthAccess(oauth::TokenSourceSettings settings, ModeRun& run);

  // The token, obtained on the first call. Throws CheckError: CRITICAL when the token endpoint
  // refused the credentials (invalid_client, invalid_grant, ...), UNKNOWN when it could not be
  // asked (refused connection, timeout, 5xx, a reply that is no token).
  const std::string& token();
  // After the mail server refused the token: obtains a fresh one and returns true, once per
  // check, when the refused token came from the cache (it may have expired or been revoked
  // early); false otherwise (a fresh or given token will not get better by asking again).
  bool renew_after_refusal();

  // Seconds spent obtaining the token(s) (0 when cached or given); nullopt before token().
  [[nodiscard]] std::optional<double> seconds() const { return seconds_; }
  // "client credentials grant at https://...", "cached token ...", "--oauth-token-file".
  [[nodiscard]] const std::string& origin() const { return origin_; }
  [[nodiscard]] std::string redact(std::string text) const { return provider_.redact(std::move(text)); }

  // Gives a session the token source: its access_token (obtained now, before connecting, when
  // an OAuth mechanism may be used) and the sink of the server's decoded refusal.
  template <class SessionOptions>
  void attach(SessionOptions& options, bool oauth_may_be_used) {
    if (oauth_may_be_used) (void)token();
    options.access_token = [this] { return token(); };
    options.oauth_refusal = [this](const std::string& description, bool bad_token) {
      refusal_ = Refusal{description, bad_token};
    };
  }

  // After a session that failed: whether to run it again with a new token. oauth_refused: the
  // server refused authentication with XOAUTH2 or OAUTHBEARER. Yes once, when the refused token
  // came from the cache and the server's error (if it sent one) says the token is no good.
  bool retry_after(bool oauth_refused);
  // The refusal as the status line shows it: the server's text, its decoded OAuth error, and
  // (once) the hints in the long output. Secrets are redacted.
  [[nodiscard]] std::string describe_refusal(const std::string& server_text, const std::string& protocol);

private:
  void take(const oauth::ObtainedToken& obtained);
  [[noreturn]] static void fail(const oauth::TokenError& error);

  struct Refusal {
    std::string description;
    bool bad_token = true;
  };

  ModeRun& run_;
  std::optional<Refusal> refusal_;
  bool hinted_ = false;
  oauth::TokenProvider provider_;
  std::optional<std::string> token_;
  std::optional<double> seconds_;
  std::string origin_;
  bool from_cache_ = false;
  bool renewed_ = false;
};

// The token source the options configure for this run, or null when none is (throws CheckError
// for an incomplete or contradictory set of OAuth options).
[[nodiscard]] std::unique_ptr<OAuthAccess> oauth_access_for(ModeRun& run);

// XOAUTH2 or OAUTHBEARER.
[[nodiscard]] bool is_oauth(transport::sasl::Mechanism mechanism);
// Whether a session with this --auth-type authenticates with the token: an OAuth mechanism asked
// for, or auto when a token source is configured (auto tries OAuth first then).
[[nodiscard]] bool uses_token(const transport::sasl::AuthType& auth, bool token_source);

// The server refused authentication (SMTP AUTH; the IMAP/POP3 login) while the OAuth token was in use.
[[nodiscard]] bool oauth_refused(const transport::smtp::SessionOptions& options, const transport::smtp::Result& result);
[[nodiscard]] bool oauth_refused(const transport::mailbox::Options& options, const transport::mailbox::Result& result);

// The documented hints for an OAuth refusal (Exchange Online's 535 5.7.139, 5.7.3, ...), for the
// long output; empty when none applies. server_text: the refusal as the server gave it.
[[nodiscard]] std::vector<std::string> oauth_refusal_hints(const std::string& server_text, const std::string& protocol);

}  // namespace check_mail::modes::mail
