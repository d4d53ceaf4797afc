#pragma once
// Helpers shared by the IMAP and POP3 sessions (not part of the public interface).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/net/deadline.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/sasl/sasl.hpp"

namespace check_mail::transport::mailbox::detail {

// Options that make the check impossible, found before connecting (TransportError config).
void check_login_options(const Options& options);

// Credentials may go over this connection: TLS is up, or plain text was explicitly allowed.
void require_protected_channel(bool tls_active, const Options& options);

// What a transport failure in a phase is prefixed with in the summary ("login: ...").
[[nodiscard]] std::string_view phase_label(Phase phase);

// The failure a TransportError in `phase` makes (the refusal's response fields are the caller's).
[[nodiscard]] Failure transport_failure(Phase phase, const TransportError& error);

// Only inside a catch block: the failure any other exception (a bug) makes, "internal error: ...".
[[nodiscard]] Failure internal_failure(Phase phase) noexcept;

// The SASL mechanisms to try, in order; empty: the protocol's own login command (IMAP LOGIN,
// POP3 USER/PASS), which also replaces SASL LOGIN (no better than it) in auto.
[[nodiscard]] std::vector<sasl::Mechanism> sasl_candidates(const Options& options, bool tls,
                                                           const std::vector<std::string>& offered);

// What the SASL engine authenticates with.
[[nodiscard]] sasl::Credentials sasl_credentials(const Options& options);

// Where the IMAP and POP3 SASL adapters are in one mechanism's exchange: whether a reply answers
// the AUTHENTICATE / AUTH command itself, with nothing sent yet (no initial response).
class SaslExchange {
public:
  // The command was sent, with or without an initial response.
  void started(bool initial_response_sent) {
    first_reply_ = true;
    initial_response_sent_ = initial_response_sent;
  }
  // Called once for every reply, in order.
  [[nodiscard]] bool reply_answers_bare_command() {
    const bool bare = first_reply_ && !initial_response_sent_;
    first_reply_ = false;
    return bare;
  }

private:
  bool first_reply_ = true;
  bool initial_response_sent_ = false;
};

// Whether a refusal says the mechanism cannot be used, beyond the protocol's own signs (IMAP's
// BAD and [CANNOT]): a refusal of the bare command without a response code to say otherwise
// (RFC 3501 6.2.2, RFC 5034 4: nothing was sent yet), or one whose text says so. IMAP and POP3
// have no code for "mechanism not supported" (SMTP's 504): the text counts ("Authentication
// mechanism not supported", as GNU Mailutils words it).
[[nodiscard]] bool refusal_says_unsupported(bool answers_bare_command, std::string_view code, std::string_view text);

}  // namespace check_mail::transport::mailbox::detail
