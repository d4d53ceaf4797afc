#pragma once
// --retests and --retest-interval (the IBM SMTP monitor's failureretests and retestinterval), shared by the
// smtp, imap and pop3 modes: a failed attempt is tried again before the failure is reported,
// all attempts inside the check's one deadline.
#include <functional>
#include <string>
#include <vector>

#include "check_mail/net/deadline.hpp"
#include "check_mail/options/options.hpp"

namespace check_mail::modes {

struct Retests {
  int count = 0;                 // attempts after the first one, at most
  double interval_seconds = 10;  // pause between attempts
};

[[nodiscard]] std::vector<cli::OptionSpec> retest_option_specs(const std::string& section);
// Throws CheckError naming a bad value.
[[nodiscard]] Retests read_retests(const cli::Options& options);

// Calls attempt(n), n = 1, 2, ..., until it returns false (it did not fail), the retests are
// used up, or the deadline leaves no room for the pause and another try. Returns the number of
// attempts made.
int run_attempts(const Retests& retests, const transport::Deadline& deadline,
                 const std::function<bool(int attempt)>& attempt_failed);

// " after N attempts" when there was more than one, for a summary line.
[[nodiscard]] std::string attempts_text(int attempts);

}  // namespace check_mail::modes
