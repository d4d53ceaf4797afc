#include "check_mail/modes/mail/retests.hpp"

#include <chrono>
#include <thread>

#include "check_mail/modes/mode.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes {

std::vector<cli::OptionSpec> retest_option_specs(const std::string& section) {
  // One option per line, as --help lists them.
  // clang-format off
  return {
      {"retests", "N", "Retry a failed attempt N times before reporting the failure.", "0", {}, "", false, false,
       section},
      {"retest-interval", "SECONDS", "Wait between attempts.", "10", {}, "", false, false, section},
  };
  // clang-format on
}

Retests read_retests(const cli::Options& options) {
  const auto count = util::parse_integer(options.get("retests"), 0, 100);
  if (!count) throw CheckError("Wrong --retests value '" + util::sanitize_line(options.get("retests"), 40) + "'.");
  const auto interval = util::parse_number(options.get("retest-interval"));
  if (!interval || *interval < 0 || *interval > 3600) {
    throw CheckError("Wrong --retest-interval value '" + util::sanitize_line(options.get("retest-interval"), 40) +
                     "'.");
  }
  return {static_cast<int>(*count), *interval};
}

int run_attempts(const Retests& retests, const transport::Deadline& deadline,
                 const std::function<bool(int attempt)>& attempt_failed) {
  int attempts = 0;
  for (;;) {
    ++attempts;
    if (!attempt_failed(attempts) || attempts > retests.count) return attempts;
    const double pause_ms = retests.interval_seconds * 1000.0;
    if (static_cast<double>(deadline.remaining_ms()) <= pause_ms) return attempts;  // no time for another try
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long long>(pause_ms)));
  }
}

std::string attempts_text(int attempts) {
  return attempts > 1 ? " after " + std::to_string(attempts) + " attempts" : "";
}

}  // namespace check_mail::modes
