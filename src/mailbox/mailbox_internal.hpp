#pragma once
// Helpers shared by the IMAP and POP3 sessions (not part of the public interface).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "check_mail/net/deadline.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/sasl/sasl.hpp"

namespace check_mail::transport::mailbox::detail {

inline double seconds_since(Deadline::Clock::time_point start) {
  return std::chrono::duration<double>(Deadline::Clock::now() - start).count();
}

// Options that make the check impossible, found before connecting (TransportError config).
void check_login_options(const Options& options);

// Credentials may go over this connection: TLS is up, or plain text was explicitly allowed.
void require_protected_channel(bool tls_active, const Options& options);

// What a transport failure in a phase is prefixed with in the summary ("login: ...").
[[nodiscard]] std::string_view phase_label(Phase phase);

// The summary of a failure: self-describing errors as they are, others prefixed by the phase.
[[nodiscard]] std::string failure_summary(Phase phase, const TransportError& error);

// The failure a TransportError in `phase` makes (the refusal's response fields are the caller's).
[[nodiscard]] Failure transport_failure(Phase phase, const TransportError& error);

// Only inside a catch block: the failure any other exception (a bug) makes, "internal error: ...".
[[nodiscard]] Failure internal_failure(Phase phase) noexcept;

// The SASL mechanism to use, or nullopt for the protocol's own login command.
[[nodiscard]] std::optional<sasl::Mechanism> choose_login(AuthMethod method, const std::vector<std::string>& offered);

}  // namespace check_mail::transport::mailbox::detail
