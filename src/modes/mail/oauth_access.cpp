#include "check_mail/modes/mail/oauth_access.hpp"

#include "check_mail/modes/mail/oauth_options.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::mail {

OAuthAccess::OAuthAccess(oauth::TokenSourceSettings settings, ModeRun& run)
    : run_(run), provider_(std::move(settings), [&run](const std::string& line) { run.report.add_long(line); }) {}

void OAuthAccess::fail(const oauth::TokenError& error) {
  throw CheckError(error.what(), error.refused() ? output::Status::Critical : output::Status::Unknown);
}

void OAuthAccess::take(const oauth::ObtainedToken& obtained) {
  token_ = obtained.access_token;
  seconds_ = seconds_.value_or(0) + obtained.seconds;
  origin_ = obtained.origin;
  from_cache_ = obtained.from_cache;
  run_.report.add_long("OAuth access token: " + origin_, true);
}

const std::string& OAuthAccess::token() {
  if (!token_) {
    try {
      take(provider_.obtain(run_.deadline));
    } catch (const oauth::TokenError& e) {
      fail(e);
    }
  }
  return *token_;
}

bool OAuthAccess::renew_after_refusal() {
  if (renewed_ || !from_cache_ || !provider_.renewable()) return false;
  renewed_ = true;
  run_.report.add_long("the server refused the cached OAuth token; obtaining a new one", true);
  try {
    if (auto obtained = provider_.renew(run_.deadline)) {
      take(*obtained);
      return true;
    }
  } catch (const oauth::TokenError& e) {
    fail(e);
  }
  return false;
}

bool OAuthAccess::retry_after(bool oauth_refused) {
  if (!oauth_refused || (refusal_ && !refusal_->bad_token)) return false;
  const bool renewed = renew_after_refusal();
  if (renewed) refusal_.reset();
  return renewed;
}

std::string OAuthAccess::describe_refusal(const std::string& server_text, const std::string& protocol) {
  std::string text = redact(server_text);
  if (refusal_) text += " (" + refusal_->description + ")";
  if (!hinted_) {
    hinted_ = true;
    for (const std::string& hint : oauth_refusal_hints(server_text, protocol)) run_.report.add_long(hint);
  }
  return text;
}

std::unique_ptr<OAuthAccess> oauth_access_for(ModeRun& run) {
  auto settings = read_oauth_source(run.options, run.report);
  if (!settings) return nullptr;
  return std::make_unique<OAuthAccess>(std::move(*settings), run);
}

bool is_oauth(transport::sasl::Mechanism mechanism) {
  return mechanism == transport::sasl::Mechanism::xoauth2 || mechanism == transport::sasl::Mechanism::oauthbearer;
}

bool uses_token(const transport::sasl::AuthType& auth, bool token_source) {
  using Kind = transport::sasl::AuthType::Kind;
  return token_source && (auth.kind == Kind::automatic || (auth.kind == Kind::mechanism && is_oauth(auth.mechanism)));
}

bool oauth_refused(const transport::smtp::SessionOptions& options, const transport::smtp::Result& result) {
  return result.failure && result.failure->phase == transport::smtp::Phase::auth &&
         result.failure->kind == transport::ErrorKind::rejected &&
         uses_token(options.auth, static_cast<bool>(options.access_token));
}

bool oauth_refused(const transport::mailbox::Options& options, const transport::mailbox::Result& result) {
  return result.failure && result.failure->phase == transport::mailbox::Phase::login &&
         result.failure->kind == transport::ErrorKind::rejected &&
         uses_token(options.auth, static_cast<bool>(options.access_token));
}

std::vector<std::string> oauth_refusal_hints(const std::string& server_text, const std::string& protocol) {
  const std::string text = util::to_lower(server_text);
  std::vector<std::string> hints;
  if (text.find("5.7.139") != std::string::npos ||
      text.find("smtpclientauthentication is disabled") != std::string::npos)
    hints.emplace_back(
        "hint: SMTP AUTH is disabled for the tenant or the mailbox (Exchange Online: "
        "Set-CASMailbox -SmtpClientAuthenticationDisabled $false)");
  if (text.find("5.7.3") != std::string::npos)
    hints.emplace_back(
        "hint: the token was accepted but the app may not use this mailbox (Exchange Online: the "
        "SMTP.SendAsApp permission with admin consent, New-ServicePrincipal, and mailbox permissions "
        "for the service principal)");
  if (hints.empty()) {
    const std::string permission = protocol == "SMTP"   ? "SMTP.SendAsApp"
                                   : protocol == "IMAP" ? "IMAP.AccessAsApp"
                                                        : "POP.AccessAsApp";
    hints.emplace_back(
        "hint: common causes are a token for another user or scope, an expired or revoked token, and "
        "(Exchange Online) a missing " +
        permission + " permission, service principal or mailbox permission; see docs/oauth-microsoft365.md");
  }
  return hints;
}

}  // namespace check_mail::modes::mail
