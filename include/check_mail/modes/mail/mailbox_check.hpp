#pragma once
// What --mode=imap and --mode=pop3 share (they differ only in the protocol): the options, the
// counters, and the run that logs in, reads the mailbox figures, optionally finds (and deletes)
// a test message, and turns the mailbox::Result into counter values. Roundtrip reuses the
// result helpers.
#include <string>
#include <vector>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/modes/mode.hpp"
#include "check_mail/options/options.hpp"
#include "check_mail/output/counters.hpp"

namespace check_mail::modes::mailbox_check {

using transport::mailbox::Protocol;

[[nodiscard]] std::vector<cli::OptionSpec> options(Protocol protocol);
[[nodiscard]] std::vector<output::CounterGroup> counters(Protocol protocol);
void run(ModeRun& run, Protocol protocol);

// Seconds between the message's send time and `now` (Unix seconds): from the tracking token,
// else from its Date header, else from its arrival (IMAP INTERNALDATE).
[[nodiscard]] std::optional<double> message_age(const transport::mailbox::FoundMessage& found, double now);

// The transcript and TLS details of a session as long-output lines (--verbose).
void add_session_details(output::Report& report, std::string_view title, const transport::mailbox::Result& result);

// The failure kind as the status variable %{error}: "timeout", "rejected", "tls_verify", ...
[[nodiscard]] std::string error_name(const transport::mailbox::Failure& failure);

}  // namespace check_mail::modes::mailbox_check
