// What the IMAP and POP3 sessions share: names, option checks, failure summaries.
#include "check_mail/mailbox/mailbox.hpp"

#include <algorithm>

#include "check_mail/mailbox/imap_session.hpp"
#include "check_mail/mailbox/pop3_session.hpp"
#include "check_mail/protocol/step_failure.hpp"
#include "check_mail/util/strings.hpp"
#include "mailbox_internal.hpp"

namespace check_mail::transport::mailbox {

std::string_view protocol_name(Protocol protocol) { return protocol == Protocol::imap ? "IMAP" : "POP3"; }

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::dns: return "dns";
    case Phase::connect: return "connect";
    case Phase::tls_handshake: return "tls_handshake";
    case Phase::greeting: return "greeting";
    case Phase::capability: return "capability";
    case Phase::starttls: return "starttls";
    case Phase::login: return "login";
    case Phase::mailbox: return "mailbox";
    case Phase::search: return "search";
    case Phase::fetch: return "fetch";
    case Phase::remove: return "delete";
    case Phase::logout: return "logout";
    case Phase::done: return "done";
  }
  return "unknown";
}

Result run_mailbox_check(Protocol protocol, const Options& options, const Deadline& deadline) {
  return protocol == Protocol::imap ? imap::run_imap_check(options, deadline) : pop3::run_pop3_check(options, deadline);
}

namespace detail {

void check_login_options(const Options& options) {
  if (options.security == Security::none && !options.allow_plaintext_auth) {
    throw TransportError(ErrorKind::config,
                         "refusing to send credentials over an unencrypted connection "
                         "(use STARTTLS or implicit TLS, or allow plaintext authentication)");
  }
  if (options.username.empty()) throw TransportError(ErrorKind::config, "no user name to log in with");
}

void require_protected_channel(bool tls_active, const Options& options) {
  if (!tls_active && !options.allow_plaintext_auth) {
    throw TransportError(ErrorKind::config, "refusing to send credentials over an unencrypted connection");
  }
}

std::string_view phase_label(Phase phase) {
  switch (phase) {
    case Phase::greeting: return "greeting";
    case Phase::capability: return "CAPABILITY";
    case Phase::starttls: return "STARTTLS";
    case Phase::login: return "login";
    case Phase::mailbox: return "mailbox";
    case Phase::search: return "search";
    case Phase::fetch: return "fetch";
    case Phase::remove: return "delete";
    case Phase::logout: return "logout";
    case Phase::dns:
    case Phase::connect:
    case Phase::tls_handshake:
    case Phase::done: break;
  }
  return {};
}

Failure transport_failure(Phase phase, const TransportError& error) {
  Failure failure;
  failure.phase = phase;
  failure.kind = error.kind();
  failure.summary = step_failure_summary(phase_label(phase), error);
  return failure;
}

Failure internal_failure(Phase phase) noexcept {
  return Failure{phase, ErrorKind::io, internal_error_summary(), {}, {}};
}

std::vector<sasl::Mechanism> sasl_candidates(const Options& options, bool tls,
                                             const std::vector<std::string>& offered) {
  if (options.auth.is(sasl::Mechanism::login)) return {};
  const sasl::Conditions conditions{tls, options.allow_plaintext_auth, static_cast<bool>(options.access_token)};
  std::vector<sasl::Mechanism> chosen = sasl::candidates(options.auth, offered, conditions);
  std::erase(chosen, sasl::Mechanism::login);
  return chosen;
}

sasl::Credentials sasl_credentials(const Options& options) {
  sasl::Credentials credentials;
  credentials.authzid = options.authzid;
  credentials.username = options.username;
  credentials.password = options.password;
  credentials.access_token = options.access_token;
  credentials.oauth_refusal = options.oauth_refusal;
  return credentials;
}

bool refusal_says_unsupported(bool answers_bare_command, std::string_view code, std::string_view text) {
  if (answers_bare_command && code.empty()) return true;
  const std::string lower = util::to_lower(text);
  return lower.find("not supported") != std::string::npos || lower.find("unsupported") != std::string::npos;
}

}  // namespace detail
}  // namespace check_mail::transport::mailbox
