#pragma once
// How the SMTP, IMAP and POP3 sessions sum up what ended a check, in one line.
#include <string>
#include <string_view>

#include "check_mail/net/error.hpp"

namespace check_mail::transport {

// A TransportError in a step of the dialogue: a refusal, a missing feature or a setting names
// its step itself (the kinds that leave the dialogue in step), and so do the errors of steps
// without a label (DNS, connect, TLS handshake); any other one is prefixed by the step's label
// ("EHLO: connection closed by server").
[[nodiscard]] std::string step_failure_summary(std::string_view step_label, const TransportError& error);

// Only inside a catch block: any other exception (a bug) as "internal error: <what>".
[[nodiscard]] std::string internal_error_summary() noexcept;

}  // namespace check_mail::transport
