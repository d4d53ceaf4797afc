#pragma once
// The counter pieces the mail modes (smtp, imap, pop3, roundtrip) share: timed figures, the one
// global group whose lines start with the summary, the status counter, and the timing values.
#include <optional>
#include <string>
#include <vector>

#include "check_mail/output/counters.hpp"

namespace check_mail::modes::mail {

// A figure: seconds unless told otherwise, at least 0, shown only when not OK.
[[nodiscard]] output::Counter figure(std::string label, std::string nlabel, std::string key,
                                     std::string output_template, std::string unit = "s",
                                     std::string perf_template = "%.6f");

// The mode's one global group, each line prefixed with the "summary" value ("SMTP host:25 (...): ").
[[nodiscard]] output::CounterGroup summary_group(std::string name);

// The status counter over the "message" value, with these %{...} variables.
[[nodiscard]] output::Counter status_counter(std::vector<std::string> variables);

// values[key] = value, when there is a value.
void put_value(output::Values& values, const char* key, const std::optional<double>& value);

// The connection set-up timings every session reports: lookup, connect, tls_handshake.
template <class Timings>
void put_connection_timings(output::Values& values, const Timings& timings) {
  put_value(values, "lookup", timings.dns);
  put_value(values, "connect", timings.connect);
  put_value(values, "tls_handshake", timings.tls_handshake);
}

}  // namespace check_mail::modes::mail
